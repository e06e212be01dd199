"""The report pipeline on real Celery workers over a real Redis.

- In a worker thread of this process, on SQLite and on PostgreSQL: the whole chord runs and the
  snapshot is the figures of compute_figures.
- In worker processes, on PostgreSQL: a worker killed (SIGKILL) in the middle of a report leaves
  it to be redone once by another worker, neither lost nor duplicated.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from accounts.models import User
from config.celery_app import app as celery_app
from reports import pipeline
from reports.models import Report, ReportStatus
from reports.statistics import compute_figures
from tests.conftest import World, forget_connections, redis_url
from tests.reports.test_reports_pipeline import as_stored

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 3  # seconds, for the worker processes of the test


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def status_of(report: Report) -> str:
    report.refresh_from_db()
    return report.status


def test_a_report_is_counted_and_written_on_a_real_worker(
    celery_worker: Celery, world: World, city: User
) -> None:
    # when: the request goes through Redis to the worker thread
    report = pipeline.request_report(user=city, campaign=world.campaign)
    wait_for(lambda: status_of(report) not in pipeline_running(), 90, "the report")

    # then
    assert report.status == ReportStatus.DONE, report.message
    assert report.figures == as_stored(compute_figures(campaign=world.campaign, user=city))
    assert [unit["code"] for unit in report.units] == ["320101", "320102"]
    assert report.pdf_path.read_bytes().startswith(b"%PDF")
    assert report.attempts == 1


def pipeline_running() -> tuple[str, ...]:
    return (ReportStatus.QUEUED, ReportStatus.COUNTING, ReportStatus.RENDERING)


# A worker killed in the middle ---------------------------------------------------------------


@pytest.fixture
def broker(transactional_db: None) -> Iterator[str]:
    """This process publishes to the test Redis; the workers are separate processes."""
    import redis

    url = redis_url()
    redis.Redis.from_url(url).flushdb()
    keys = ("broker_url", "result_backend", "task_always_eager", "task_store_eager_result")
    saved = {key: celery_app.conf[key] for key in keys}
    forget_connections()
    celery_app.conf.update(
        broker_url=url, result_backend=url, task_always_eager=False, task_store_eager_result=False
    )
    try:
        yield url
    finally:
        celery_app.conf.update(saved)
        forget_connections()


class Workers:
    """Celery worker processes on the test database, with a short visibility timeout so that
    a message whose worker died is handed to another worker within seconds."""

    def __init__(self, broker: str, folder: Path) -> None:
        db = connection.settings_dict
        self.env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "DATA_DIR": str(settings.DATA_DIR),
        }
        self.folder = folder
        self.started: list[subprocess.Popen] = []

    def start(self, name: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker"),
                *("--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"),
                *("--loglevel=INFO", f"--hostname={name}@%h"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(10)


@pytest.fixture
def workers(broker: str, tmp_path: Path) -> Iterator[Workers]:
    found = Workers(broker, tmp_path)
    try:
        yield found
    finally:
        found.stop_all()


def waiting_on_advisory_lock(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND wait_event = 'advisory' AND datname = current_database()"
    ).fetchone()
    return row[0] > 0


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
    reason="runs in the PostgreSQL pass: it holds an advisory lock to stop the worker mid-report",
)
def test_a_worker_killed_in_the_middle_leaves_the_report_to_be_redone_once(
    workers: Workers, world: World, city: User
) -> None:
    # given: a report queued, and its finishing step held up by the lock it takes
    report = pipeline.request_report(user=city, campaign=world.campaign)
    db = connection.settings_dict
    holder = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    )
    holder.execute("SELECT pg_advisory_lock(%s, %s)", [pipeline.LOCK_SPACE, report.pk])

    # when: the first worker counts every unit, starts the finish, and is killed in it
    first = workers.start("first")
    wait_for(lambda: waiting_on_advisory_lock(holder), 60, "the finish to wait on its lock")
    report.refresh_from_db()
    assert report.attempts == 1
    assert report.status == ReportStatus.COUNTING
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    holder.execute("SELECT pg_advisory_unlock(%s, %s)", [pipeline.LOCK_SPACE, report.pk])
    holder.close()

    # then: another worker gets the unacknowledged finish back and does it, once. Redis hands
    # a message back when it has been unacknowledged longer than the visibility timeout; a
    # worker looks for such messages as it starts, and then only every 100 s or so (kombu's
    # restore interval × throttle), so the second worker starts once the timeout has passed.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    workers.start("second")
    wait_for(lambda: status_of(report) == ReportStatus.DONE, 90, "the second worker")
    assert report.attempts == 2, workers.log("second")
    assert report.figures == as_stored(compute_figures(campaign=world.campaign, user=city))
    assert Report.objects.count() == 1
    files = sorted(path.name for path in report.pdf_path.parent.iterdir())
    assert files == [f"report-{report.pk}.pdf", f"report-{report.pk}.xlsx"]
    second = workers.log("second")
    assert second.count("Task reports.tasks.report_finish[") == 2  # received, succeeded
    # and the second worker found nothing else to redo: each unit was counted by the first
    assert "Task reports.tasks.report_count_units[" not in second
    # received and succeeded, for each county's run
    assert workers.log("first").count("Task reports.tasks.report_count_units[") == 4


# Without a broker -----------------------------------------------------------------------------


def test_without_a_broker_a_thread_of_the_web_process_does_the_work(
    transactional_db: None, world: World, city: User, settings
) -> None:
    # given: the embedded default (no broker: tasks in-process), not the tests' inline mode
    settings.REPORTS_EAGER_IN_THREAD = True
    from django.urls import reverse

    from tests.conftest import signed_in

    # when
    started = time.monotonic()
    response = signed_in(city).post(
        reverse("reports:report_index"), {"campaign": world.campaign.pk}
    )
    answered = time.monotonic() - started

    # then: the page answers before the report is done, and the thread finishes it
    assert response.status_code == 302
    assert answered < 2
    threads = [t for t in threading.enumerate() if t.name.startswith("huanjie-report-")]
    assert len(threads) == 1
    threads[0].join(60)
    assert not threads[0].is_alive(), "the report's thread did not finish in 60 s"
    report = Report.objects.get()
    assert threads[0].name == pipeline.thread_name(report.pk)
    assert report.status == ReportStatus.DONE, report.message
    assert report.figures == as_stored(compute_figures(campaign=world.campaign, user=city))
