"""The report pipeline's Celery tasks: ids in, reports.pipeline does the work.

acks_late with reject-on-worker-lost (settings) redelivers a task whose worker died, so each
step is idempotent (see reports.pipeline). A step that raises marks the report failed with the
reason; the user sees it on the report's page and may ask again.
"""

from celery import shared_task

from reports import pipeline


def _guarded(report_id: int, step, *args) -> None:
    from reports.models import Report

    try:
        step(report_id, *args)
    except Exception as error:
        report = Report.objects.filter(pk=report_id).first()
        if report is not None:
            pipeline.fail(report, pipeline.MSG_FAILED % {"error": error})
        raise


@shared_task(acks_late=True, ignore_result=True)
def report_start(report_id: int) -> None:
    _guarded(report_id, pipeline.start)


@shared_task(acks_late=True)
def report_count_units(report_id: int, kind: str, pks: list[int]) -> None:
    _guarded(report_id, pipeline.count_units, kind, pks)


@shared_task(acks_late=True)
def report_count_wide(report_id: int) -> None:
    _guarded(report_id, pipeline.count_wide)


@shared_task(acks_late=True, ignore_result=True)
def report_finish(report_id: int) -> None:
    _guarded(report_id, pipeline.finish)
