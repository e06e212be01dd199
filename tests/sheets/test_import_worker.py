"""The check and the import run on a real Celery worker over a real Redis."""

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from celery import Celery

from accounts.models import User
from candidates.models import Person
from sheets import services
from sheets.models import ImportJob, ImportStatus
from tests.conftest import World
from tests.sheets.rosters import person, roster, xlsx_upload

pytestmark = pytest.mark.redis


def wait_for(job: ImportJob, done: Callable[[ImportJob], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if done(job):
            return
        time.sleep(0.1)
    raise AssertionError(f"job {job.pk} stuck in {job.status}")


def test_it_checks_and_imports_on_a_real_worker(
    celery_worker: Celery, world: World, township_a1: User, uploads: Path
) -> None:
    # given: an upload, queued through Redis after the commit
    rows = [person(world.village("a1", n % 2), n) for n in range(6)]
    job = services.job_upload(
        by=township_a1,
        kind="people",
        campaign=world.campaign,
        uploaded_file=xlsx_upload(roster(rows)),
    )

    # when: the worker checks it
    wait_for(job, lambda j: not j.is_running)

    # then
    assert (job.status, job.rows, job.created) == (ImportStatus.VALID, 6, 6)
    assert Person.objects.count() == 0

    # when: confirmed, the worker imports it
    services.job_confirm(by=township_a1, job=job)
    wait_for(job, lambda j: not j.is_running)

    # then
    assert (job.status, job.created, job.updated, job.progress) == (ImportStatus.DONE, 6, 0, 100)
    assert Person.objects.count() == 6
    assert list(uploads.iterdir()) == []
