"""Use cases of an import job: upload, check (a dry run), confirm, import, cancel, clean up.

The engine (``sheets.importing``) does the work and is all or nothing; these functions keep
the job row in step with it, move the work to Celery, and make sure the uploaded file, which
holds ID numbers, is deleted as soon as the job no longer needs it.
"""

import logging
import os
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from celery import Task
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

from accounts.models import User
from elections.models import Campaign
from sheets.importing import Outcome, Progress, RowError
from sheets.models import ERRORS_KEPT, ImportJob, ImportStatus, upload_dir
from sheets.reader import WorkbookError, check_container, limits
from sheets.registry import importer_for, importers
from sheets.tasks import import_job_run as import_job_run_task
from sheets.tasks import import_job_validate as import_job_validate_task

logger = logging.getLogger(__name__)

UPLOAD_LIFETIME = timedelta(hours=24)
# Longer than any task may run (CELERY_TASK_TIME_LIMIT): a job silent for so long is dead.
STALLED_AFTER = timedelta(hours=2)
PROGRESS_SECONDS = 0.5  # at most two progress writes a second
CHUNK = 1024 * 1024

MSG_UNKNOWN_KIND = gettext_lazy("There is no import of this kind.")
MSG_TOO_BIG = gettext_lazy("The file is %(size).1f MB; at most %(max)d MB can be imported at once.")
MSG_NOT_YOURS = gettext_lazy("Only the person who uploaded the file can import or cancel it.")
MSG_NOT_VALID = gettext_lazy("Only a file that passed the check can be imported.")
MSG_NOT_CANCELLABLE = gettext_lazy("This import can no longer be cancelled.")
MSG_UPLOAD_GONE = gettext_lazy("The uploaded file is no longer kept; upload it again.")
MSG_QUEUE_DOWN = gettext_lazy(
    "The task queue cannot be reached, so the file was not processed and has been deleted. "
    "Try again in a few minutes; if it keeps happening, tell the system administrator."
)
MSG_FAILED = gettext_lazy(
    "The import stopped because of an unexpected error; nothing was written. "
    "Try again; if it keeps happening, tell the system administrator."
)
MSG_CHANGED = gettext_lazy(
    "The data changed after the check and the file no longer passes it; nothing was written."
)
MSG_EXPIRED = gettext_lazy("The uploaded file was deleted after 24 hours; upload it again.")
MSG_STALLED = gettext_lazy("The job stopped without finishing; nothing was written.")


# Uploading ------------------------------------------------------------------------------------


def may_run(user: User, kind: str) -> bool:
    """Whether ``user`` may run imports of ``kind`` (False for an unknown kind)."""
    try:
        return importer_for(kind).may_import(user)
    except KeyError:
        return False


def may_import_any(user: User) -> bool:
    return any(importer.may_import(user) for importer in importers().values())


def job_upload(
    *, by: User, kind: str, campaign: Campaign | None, uploaded_file: UploadedFile
) -> ImportJob:
    """Keeps the upload in the private folder, refuses what is no xlsx or a zip bomb at once,
    creates the job and queues its check. Raises ValidationError with the reason."""
    try:
        importer = importer_for(kind)
    except KeyError:
        raise ValidationError(MSG_UNKNOWN_KIND) from None
    if not importer.may_import(by):
        raise PermissionDenied
    job_cleanup_uploads()
    path = _store(uploaded_file)
    try:
        check_container(path)
    except WorkbookError as error:
        path.unlink(missing_ok=True)
        raise ValidationError(str(error)) from None
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                kind=kind,
                campaign=campaign,
                uploaded_by=by,
                original_name=Path(uploaded_file.name or "").name[:255],
                stored_name=path.name,
            )
            _enqueue(import_job_validate_task, job)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return job


def _store(uploaded_file: UploadedFile) -> Path:
    """Writes the upload under a random name, readable by this process only."""
    limit = limits().upload_bytes
    if uploaded_file.size and uploaded_file.size > limit:
        raise ValidationError(
            MSG_TOO_BIG % {"size": uploaded_file.size / 2**20, "max": limit // 2**20}
        )
    folder = upload_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}.xlsx"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as target:
            for chunk in uploaded_file.chunks(CHUNK):
                target.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _enqueue(task: Task, job: ImportJob) -> None:
    """Queues ``task`` for ``job`` after the commit; a broker that is down fails the job."""

    def send() -> None:
        try:
            task.delay(job.pk)
        except OperationalError:
            logger.exception("Cannot queue %s for import job %s", task.name, job.pk)
            _fail(job, MSG_QUEUE_DOWN)

    transaction.on_commit(send)


# Checking and importing (run by the tasks) ------------------------------------------------


def run_import(
    *,
    by: User,
    kind: str,
    campaign: Campaign | None,
    path: Path,
    dry_run: bool,
    progress: Progress | None = None,
) -> Outcome:
    """One run of the importer of ``kind``; a file-level problem becomes an error of row 0."""
    importer = importer_for(kind)(user=by, campaign=campaign)
    try:
        return importer.run_file(path, dry_run=dry_run, progress=progress)
    except WorkbookError as error:
        return Outcome(errors=[RowError(0, "", str(error))], dry_run=dry_run)


def job_validate(*, job: ImportJob) -> ImportJob:
    """The dry run: counts what would be created and updated, or keeps every error."""
    if not _begin(job, (ImportStatus.UPLOADED, ImportStatus.VALIDATING), ImportStatus.VALIDATING):
        return job
    try:
        outcome = _run(job, dry_run=True, span=(0, 100))
    except Exception:
        logger.exception("Checking import job %s failed", job.pk)
        return _fail(job, MSG_FAILED, expected=ImportStatus.VALIDATING)
    status = ImportStatus.VALID if outcome.ok else ImportStatus.INVALID
    _finish(job, outcome, status, expected=ImportStatus.VALIDATING)
    return job


def job_import(*, job: ImportJob) -> ImportJob:
    """The import itself, all or nothing; the upload is deleted once it is done."""
    if not _begin(job, (ImportStatus.IMPORTING,), ImportStatus.IMPORTING):
        return job  # already done, cancelled or failed: a redelivered task does nothing
    try:
        # The importer checks every row again: the data may have changed since the dry run.
        outcome = _run(job, dry_run=False, span=(0, 90))
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        return _fail(job, MSG_FAILED, expected=ImportStatus.IMPORTING)
    if not outcome.ok:
        job.message = str(MSG_CHANGED)
        _finish(job, outcome, ImportStatus.INVALID, expected=ImportStatus.IMPORTING)
        return job
    _finish(job, outcome, ImportStatus.DONE, expected=ImportStatus.IMPORTING)
    job.discard_upload()
    return job


def _begin(job: ImportJob, allowed: tuple[str, ...], status: str) -> bool:
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status not in allowed:
            job.refresh_from_db()
            return False
        if not locked.has_upload:
            _fail(locked, MSG_UPLOAD_GONE)
            job.refresh_from_db()
            return False
        locked.status, locked.progress, locked.message = status, 0, ""
        locked.started_at, locked.finished_at = locked.started_at or timezone.now(), None
        locked.save(
            update_fields=[
                "status",
                "progress",
                "message",
                "started_at",
                "finished_at",
                "updated_at",
            ]
        )
    job.refresh_from_db()
    return True


def _run(job: ImportJob, *, dry_run: bool, span: tuple[int, int]) -> Outcome:
    assert job.path is not None
    return run_import(
        by=job.uploaded_by,
        kind=job.kind,
        campaign=job.campaign,
        path=job.path,
        dry_run=dry_run,
        progress=_reporter(job, *span),
    )


def _reporter(job: ImportJob, start: int, end: int) -> Callable[[int, int], None]:
    """Writes the progress to the job row, at most every PROGRESS_SECONDS."""
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_SECONDS:
            last[0] = now
            job.record_progress(start + (end - start) * done // max(total, 1))

    return report


def _finish(job: ImportJob, outcome: Outcome, status: str, *, expected: str) -> None:
    """Stores the outcome, unless the job was cancelled meanwhile."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != expected:
            job.refresh_from_db()
            return
        job.status, job.progress, job.finished_at = status, 100, timezone.now()
        job.rows, job.created, job.updated = outcome.rows, outcome.created, outcome.updated
        job.errors = [error.as_dict() for error in outcome.errors[:ERRORS_KEPT]]
        job.error_count = len(outcome.errors)
        job.save()


def _fail(job: ImportJob, message: object, *, expected: str | None = None) -> ImportJob:
    """Marks the job failed with a message for the user and deletes its upload."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if expected is None or locked.status == expected:
            locked.status, locked.message = ImportStatus.FAILED, str(message)[:500]
            locked.finished_at = timezone.now()
            locked.save(update_fields=["status", "message", "finished_at", "updated_at"])
    job.refresh_from_db()
    job.discard_upload()
    return job


# What the user decides ------------------------------------------------------------------------


@transaction.atomic
def job_confirm(*, by: User, job: ImportJob) -> ImportJob:
    """Queues the import of a checked file; only its uploader may, and only once."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.uploaded_by_id != by.pk or not may_run(by, job.kind):
        raise ValidationError(MSG_NOT_YOURS)
    if job.status != ImportStatus.VALID:
        raise ValidationError(MSG_NOT_VALID)
    if not job.has_upload:
        raise ValidationError(MSG_UPLOAD_GONE)
    job.status, job.progress, job.confirmed_at = ImportStatus.IMPORTING, 0, timezone.now()
    job.save(update_fields=["status", "progress", "confirmed_at", "updated_at"])
    _enqueue(import_job_run_task, job)
    return job


def job_cancel(*, by: User, job: ImportJob) -> ImportJob:
    """Abandons a job before its import starts and deletes the upload."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.uploaded_by_id != by.pk or not may_run(by, job.kind):
            raise ValidationError(MSG_NOT_YOURS)
        if not job.is_cancellable:
            raise ValidationError(MSG_NOT_CANCELLABLE)
        job.status, job.finished_at = ImportStatus.CANCELLED, timezone.now()
        job.save(update_fields=["status", "finished_at", "updated_at"])
    job.discard_upload()
    return job


# Housekeeping ---------------------------------------------------------------------------------


def job_cleanup_uploads(*, older_than: timedelta = UPLOAD_LIFETIME) -> int:
    """Deletes uploads older than ``older_than``, and stray files of no job; returns how many.

    A job still waiting for the user is cancelled (its file is gone); one a worker never
    finished is failed. Run by a periodic task and on every upload.
    """
    now = timezone.now()
    cutoff = now - older_than
    deleted = 0
    for job in ImportJob.objects.with_upload().created_before(cutoff):
        if job.is_running and job.updated_at > now - STALLED_AFTER:
            continue  # confirmed late and still being imported: never pull the file from under it
        if job.status == ImportStatus.VALID:
            job.status, job.message = ImportStatus.CANCELLED, str(MSG_EXPIRED)
        elif job.is_running:
            job.status, job.message = ImportStatus.FAILED, str(MSG_STALLED)
        job.finished_at = job.finished_at or timezone.now()
        job.save(update_fields=["status", "message", "finished_at", "updated_at"])
        job.discard_upload()
        deleted += 1
    return deleted + _remove_strays(cutoff.timestamp())


def _remove_strays(cutoff: float) -> int:
    """Files of no job (a crash between saving and recording the upload)."""
    folder = upload_dir()
    if not folder.is_dir():
        return 0
    known = set(ImportJob.objects.with_upload().values_list("stored_name", flat=True))
    removed = 0
    for path in folder.iterdir():
        if path.name not in known and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
