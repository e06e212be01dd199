"""Import jobs on Celery workers: a job id in, the service does the rest.

acks_late with reject-on-worker-lost (settings) means a task can run twice: each service
call checks the job's status first, so a redelivered task of a finished job does nothing.
"""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def import_job_validate(job_id: int) -> None:
    from sheets import services
    from sheets.models import ImportJob

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        services.job_validate(job=job)


@shared_task(acks_late=True, ignore_result=True)
def import_job_run(job_id: int) -> None:
    from sheets import services
    from sheets.models import ImportJob

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        services.job_import(job=job)


@shared_task(acks_late=True, ignore_result=True)
def import_uploads_cleanup() -> int:
    """Deletes uploads older than a day; for the beat schedule (hourly is plenty)."""
    from sheets import services

    return services.job_cleanup_uploads()
