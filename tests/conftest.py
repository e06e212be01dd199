"""A small world shared by the tests, and one signed-in client per persona.

Two counties A and B, each with two townships (A1, A2, B1, B2), two villages with a Party
branch in each township, and one campaign running today with an election for every branch.

Personas (style.md rule 27): ``city`` (city organization department, staff), ``county_a``
(county A), ``township_a1`` (township A1 of county A), ``township_b1`` (a township of the
other county), ``inspector`` (an inspection group assigned township A1 only) and ``no_role``
(signs in, has no role). Personas sign in with ``force_login``: ``client.login`` would go
through django-axes, whose backend needs a request.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.test import Client

from accounts.models import InspectionGroup, User
from config.celery_app import app as celery_app
from elections.models import Branch, Campaign, County, Election, Township, Village
from tests.factories import (
    DEFAULT_PASSWORD,
    CampaignFactory,
    CityUserFactory,
    CountyFactory,
    CountyUserFactory,
    InspectionGroupFactory,
    InspectorUserFactory,
    TownshipFactory,
    TownshipUserFactory,
    UserFactory,
    village_with_election,
)


@receiver(connection_created)
def readers_take_no_table_locks(sender: object, connection: object, **kwargs: object) -> None:
    """The SQLite pass tests on Django's in-memory database, whose connections share one cache
    and lock whole tables: a worker or report thread that writes a table another connection
    is reading fails at once ("database table is locked") instead of waiting, which broke the
    real-worker report test in CI. read_uncommitted lets readers take no table locks, as WAL
    readers in the embedded default's file never block its writers either. A file for the
    tests would do the same but made the SQLite pass 40% slower."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


PERSONAS = ("anonymous", "city", "county_a", "township_a1", "township_b1", "inspector", "no_role")


@dataclass
class World:
    campaign: Campaign
    county_a: County
    county_b: County
    township_a1: Township
    township_a2: Township
    township_b1: Township
    township_b2: Township
    inspection_group: InspectionGroup
    elections: dict[str, list[Election]] = field(default_factory=dict)

    def election(self, township: str, index: int = 0) -> Election:
        """The ``index``-th election of township ``"a1"``, ``"a2"``, ``"b1"`` or ``"b2"``."""
        return self.elections[township][index]

    def village(self, township: str, index: int = 0) -> Village:
        return self.election(township, index).branch.village

    def branch(self, township: str, index: int = 0) -> Branch:
        return self.election(township, index).branch

    def villages_of(self, *townships: str) -> set[Village]:
        return {e.branch.village for t in townships for e in self.elections[t]}


@pytest.fixture(autouse=True)
def private_files(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test writes its private files (uploads, generated reports) to a folder of its
    own, never to the checkout's var/."""
    settings.DATA_DIR = tmp_path_factory.mktemp("data")


@pytest.fixture
def world(db: None) -> World:
    campaign = CampaignFactory(name="2026年村(社区)党组织集中换届")
    county_a = CountyFactory(code="320101", name="甲县")
    county_b = CountyFactory(code="320102", name="乙县")
    townships = {
        "a1": TownshipFactory(county=county_a, code="320101001", name="甲一镇"),
        "a2": TownshipFactory(county=county_a, code="320101002", name="甲二镇"),
        "b1": TownshipFactory(county=county_b, code="320102001", name="乙一镇"),
        "b2": TownshipFactory(county=county_b, code="320102002", name="乙二镇"),
    }
    elections = {
        key: [
            village_with_election(
                township=township,
                campaign=campaign,
                code=f"{township.code}{number:03d}",
                name=f"{township.name}{number}村",
            )
            for number in (1, 2)
        ]
        for key, township in townships.items()
    }
    group = InspectionGroupFactory(name="第一督查指导组", townships=[townships["a1"]])
    return World(
        campaign=campaign,
        county_a=county_a,
        county_b=county_b,
        township_a1=townships["a1"],
        township_a2=townships["a2"],
        township_b1=townships["b1"],
        township_b2=townships["b2"],
        inspection_group=group,
        elections=elections,
    )


@pytest.fixture
def city(world: World) -> User:
    return CityUserFactory(username="city")


@pytest.fixture
def county_a(world: World) -> User:
    return CountyUserFactory(username="county_a", county=world.county_a)


@pytest.fixture
def township_a1(world: World) -> User:
    return TownshipUserFactory(username="township_a1", township=world.township_a1)


@pytest.fixture
def township_b1(world: World) -> User:
    return TownshipUserFactory(username="township_b1", township=world.township_b1)


@pytest.fixture
def inspector(world: World) -> User:
    return InspectorUserFactory(username="inspector", inspection_group=world.inspection_group)


@pytest.fixture
def no_role(world: World) -> User:
    return UserFactory(username="no_role")


@pytest.fixture
def users(
    city: User, county_a: User, township_a1: User, township_b1: User, inspector: User, no_role: User
) -> dict[str, User]:
    return {
        "city": city,
        "county_a": county_a,
        "township_a1": township_a1,
        "township_b1": township_b1,
        "inspector": inspector,
        "no_role": no_role,
    }


def signed_in(user: User | None, **client_kwargs: object) -> Client:
    client = Client(**client_kwargs)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_for(users: dict[str, User]) -> Callable[[str], Client]:
    """A fresh client signed in as the named persona (``"anonymous"`` signs in as nobody)."""

    def make(persona: str) -> Client:
        return signed_in(users.get(persona))

    return make


@pytest.fixture
def city_client(city: User) -> Client:
    return signed_in(city)


@pytest.fixture
def county_a_client(county_a: User) -> Client:
    return signed_in(county_a)


@pytest.fixture
def township_a1_client(township_a1: User) -> Client:
    return signed_in(township_a1)


@pytest.fixture
def township_b1_client(township_b1: User) -> Client:
    return signed_in(township_b1)


@pytest.fixture
def inspector_client(inspector: User) -> Client:
    return signed_in(inspector)


@pytest.fixture
def no_role_client(no_role: User) -> Client:
    return signed_in(no_role)


# Real services ------------------------------------------------------------------------------
# Tests that need PostgreSQL or Redis skip where the service is absent on a developer's
# machine, but under CI (HUANJIE_REQUIRE_SERVICES=1, set by scripts/test.sh when CI=true)
# an absent service fails them instead: nothing is skipped silently.


def require_service(name: str, reason: str) -> None:
    if os.environ.get("HUANJIE_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is required here but not available: {reason}")
    pytest.skip(f"{name} not available: {reason}")


def redis_url() -> str:
    """The test Redis; under pytest-xdist each worker gets a database of its own (15, 14, …)
    since the worker fixture flushes it."""
    from django.conf import settings

    url = settings.TEST_REDIS_URL
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    if worker.isdigit() and url.rstrip("/").rsplit("/", 1)[-1].isdigit():
        url = f"{url.rstrip('/').rsplit('/', 1)[0]}/{15 - int(worker) % 15}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        require_service("Redis", f"{url}: {error}")
    return url


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Celery]:
    """A real Celery worker (in a thread of this process) consuming from a real Redis."""
    from celery.contrib.testing import tasks  # noqa: F401  registers celery.ping

    url = redis_url()
    redis.Redis.from_url(url).flushdb()
    saved = {key: celery_app.conf[key] for key in WORKER_CONF}
    forget_connections()
    celery_app.conf.update(
        broker_url=url, result_backend=url, task_always_eager=False, task_store_eager_result=False
    )
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=True, shutdown_timeout=10):
            yield celery_app
    finally:
        celery_app.conf.update(saved)
        forget_connections()


@pytest.fixture
def broker_down() -> Iterator[None]:
    """The broker is a closed port: Celery stops being eager and publishing fails."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url="redis://127.0.0.1:6399/0", task_always_eager=False)
    forget_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        forget_connections()


def forget_connections() -> None:
    """Drops what an eager task cached on the app (a disabled result backend, the broker
    pool), which would otherwise keep the real worker from answering its ping."""
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


WORKER_CONF = ("broker_url", "result_backend", "task_always_eager", "task_store_eager_result")


# A real Chromium -----------------------------------------------------------------------------

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A headless Chromium (Debian's). Browser tests run in the PostgreSQL run: live_server
    on SQLite locks (field-notes.md). A missing Chromium skips them on a developer's machine
    and fails them under CI."""
    if connection.vendor != "postgresql":
        pytest.skip("browser tests run in the PostgreSQL run (live_server locks SQLite)")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required under CI: {CHROMIUM} is missing")
        require_service("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
            # Playwright's loop gives this thread a context of its own, and Django a second
            # connection in it: close it here, or the test database cannot be dropped.
            connections.close_all()


def sign_in(page: object, live_server: object, user: User) -> None:
    """Through the sign-in form, as a person would (django-axes and all)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
