"""The job's services: who may decide, what runs twice safely, and when uploads are deleted."""

import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from candidates.models import Person
from sheets import services
from sheets.models import ImportJob, ImportStatus
from sheets.tasks import import_job_run, import_uploads_cleanup
from tests.conftest import World
from tests.sheets.rosters import person, roster, xlsx_upload

Capture = Callable[..., object]


@pytest.fixture
def upload_job(
    world: World, township_a1: User, django_capture_on_commit_callbacks: Capture
) -> Callable[..., ImportJob]:
    """Uploads a roster of ``count`` correct rows as township A1 and runs the check."""

    def make(count: int = 3, **cells: object) -> ImportJob:
        rows = [person(world.village("a1"), n, **cells) for n in range(count)]
        with django_capture_on_commit_callbacks(execute=True):
            job = services.job_upload(
                by=township_a1,
                kind="people",
                campaign=world.campaign,
                uploaded_file=xlsx_upload(roster(rows)),
            )
        job.refresh_from_db()
        return job

    return make


def age(job: ImportJob, hours: float) -> None:
    """Makes the job, and its file, look ``hours`` old."""
    moment = timezone.now() - timedelta(hours=hours)
    ImportJob.objects.filter(pk=job.pk).update(created_at=moment, updated_at=moment)
    if job.path:
        os.utime(job.path, (moment.timestamp(), moment.timestamp()))


def test_the_upload_is_private_and_randomly_named(upload_job: Callable[..., ImportJob]) -> None:
    job = upload_job()

    assert job.path is not None
    assert job.path.parent.stat().st_mode & 0o777 == 0o700
    assert job.path.stat().st_mode & 0o777 == 0o600
    assert job.original_name not in job.path.name
    assert len(job.path.stem) == 32


def test_only_the_uploader_may_confirm(
    upload_job: Callable[..., ImportJob], county_a: User, city: User
) -> None:
    job = upload_job()

    for other in (county_a, city):
        with pytest.raises(ValidationError) as error:
            services.job_confirm(by=other, job=job)
        assert error.value.messages == [str(services.MSG_NOT_YOURS)]


def test_a_read_only_user_cannot_upload(world: World, inspector: User) -> None:
    with pytest.raises(PermissionDenied):
        services.job_upload(
            by=inspector, kind="people", campaign=world.campaign, uploaded_file=xlsx_upload(b"")
        )


def test_an_import_runs_once_even_when_the_task_is_delivered_again(
    upload_job: Callable[..., ImportJob],
    township_a1: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # given: a confirmed and imported job
    job = upload_job(count=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_confirm(by=township_a1, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    Person.objects.update(name="改过的名字")

    # when: the broker delivers the task again (acks_late after a lost worker)
    import_job_run.delay(job.pk)

    # then: nothing is imported a second time
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert set(Person.objects.values_list("name", flat=True)) == {"改过的名字"}


def test_confirming_twice_is_refused(
    upload_job: Callable[..., ImportJob],
    township_a1: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    job = upload_job()
    with django_capture_on_commit_callbacks(execute=True):
        services.job_confirm(by=township_a1, job=job)

    with pytest.raises(ValidationError) as error:
        services.job_confirm(by=township_a1, job=job)

    assert error.value.messages == [str(services.MSG_NOT_VALID)]


def test_the_import_checks_again_and_writes_nothing_when_the_data_changed(
    upload_job: Callable[..., ImportJob],
    township_a1: User,
    world: World,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # given: a checked file, then the village's result is certified and locked
    job = upload_job()
    world.election("a1").__class__.objects.filter(pk=world.election("a1").pk).update(locked=True)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.job_confirm(by=township_a1, job=job)

    # then
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert job.message == str(services.MSG_CHANGED)
    assert Person.objects.count() == 0


def test_an_unexpected_error_fails_the_job_and_deletes_the_upload(
    upload_job: Callable[..., ImportJob],
    township_a1: User,
    monkeypatch: pytest.MonkeyPatch,
    uploads: Path,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    job = upload_job()

    def broken(**kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "run_import", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_confirm(by=township_a1, job=job)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.message == str(services.MSG_FAILED)
    assert list(uploads.iterdir()) == []


def test_a_cancelled_check_stays_cancelled(
    upload_job: Callable[..., ImportJob], township_a1: User, uploads: Path
) -> None:
    # given: the user cancels while the worker is still checking
    job = upload_job()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)
    path = job.path
    services.job_cancel(by=township_a1, job=job)

    # when: the check would finish now
    services.job_validate(job=job)

    # then
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    assert path is not None and not path.exists()


def test_cleanup_deletes_day_old_uploads_and_keeps_fresh_ones(
    upload_job: Callable[..., ImportJob], uploads: Path
) -> None:
    # given: an invalid job abandoned a day ago, a valid one never confirmed, a fresh one,
    # and a stray file of no job
    abandoned = upload_job(**{"性别": "?"})
    unconfirmed = upload_job()
    fresh = upload_job()
    assert abandoned.status == ImportStatus.INVALID
    age(abandoned, 25)
    age(unconfirmed, 25)
    stray = uploads / "0123456789abcdef0123456789abcdef.xlsx"
    stray.write_bytes(b"PK")
    old = time.time() - 25 * 3600
    os.utime(stray, (old, old))

    # when: the periodic task runs
    removed = import_uploads_cleanup.delay().get()

    # then
    for job in (abandoned, unconfirmed, fresh):
        job.refresh_from_db()
    assert removed == 3
    assert sorted(path.name for path in uploads.iterdir()) == [fresh.stored_name]
    assert abandoned.status == ImportStatus.INVALID  # its errors stay readable
    assert abandoned.stored_name == ""
    assert unconfirmed.status == ImportStatus.CANCELLED
    assert unconfirmed.message == str(services.MSG_EXPIRED)


def test_cleanup_never_pulls_the_file_from_under_a_running_import(
    upload_job: Callable[..., ImportJob],
) -> None:
    job = upload_job()
    age(job, 30)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING, updated_at=timezone.now()
    )

    services.job_cleanup_uploads()

    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTING
    assert job.has_upload


def test_every_upload_cleans_up_old_files(upload_job: Callable[..., ImportJob]) -> None:
    old = upload_job()
    age(old, 25)

    upload_job()

    old.refresh_from_db()
    assert old.stored_name == ""


@pytest.mark.usefixtures("broker_down")
def test_with_redis_down_the_upload_fails_fast_with_a_clear_message(
    world: World,
    township_a1: User,
    uploads: Path,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # when
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_upload(
            by=township_a1,
            kind="people",
            campaign=world.campaign,
            uploaded_file=xlsx_upload(roster([person(world.village("a1"), 1)])),
        )
    elapsed = time.monotonic() - started

    # then: no hanging request, a failed job that says why in Chinese, and no file left
    job.refresh_from_db()
    assert elapsed < 5
    assert job.status == ImportStatus.FAILED
    assert job.message == str(services.MSG_QUEUE_DOWN)
    assert "任务队列" in job.message
    assert list(uploads.iterdir()) == []
