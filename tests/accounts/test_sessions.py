"""Sessions end after 30 idle minutes and 12 hours in all; production settings are safe.

Django's default session lasts two weeks (field-notes.md "Security details that bite").
"""

import datetime
import os
import runpy
import secrets
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SESSION_STARTED_KEY, SESSION_TOUCHED_KEY
from accounts.models import User
from tests.factories import DEFAULT_PASSWORD

BASE_DIR = Path(settings.BASE_DIR)
TWELVE_HOURS = 12 * 60 * 60
PAGE = reverse("elections:village_list")
LOGIN_URL = reverse("accounts:login")


def production_environment(tmp_path: Path) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "ALLOWED_HOSTS": "example.gov.cn",
        "DATA_DIR": str(tmp_path),
    }
    return env


def settings_under(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """config/settings.py as it evaluates in ``env``, without importing it."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return runpy.run_path(str(BASE_DIR / "config" / "settings.py"))


@pytest.fixture
def production_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """config/settings.py as it evaluates in production (DEBUG=0)."""
    return settings_under(production_environment(tmp_path), monkeypatch)


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def set_started(client: Client, started: float) -> None:
    session = client.session
    session[SESSION_STARTED_KEY] = started
    session.save()


# Idle timeout ------------------------------------------------------------------------------


def test_it_configures_a_thirty_minute_idle_timeout() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Activity pushes the expiry back (renewed at most once a minute, see the middleware):
    # the thirty minutes count from the last activity.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_TOUCH_SECONDS == 60
    assert settings.SESSION_ABSOLUTE_SECONDS == TWELVE_HOURS


def test_it_extends_the_session_on_activity(city_client: Client) -> None:
    # given: a session last used 29 minutes ago (one minute of it left)
    assert city_client.get(PAGE).status_code == 200
    session = city_client.session
    session[SESSION_TOUCHED_KEY] = time.time() - 29 * 60
    session.save()
    row = session_row(city_client)
    row.expire_date = timezone.now() + datetime.timedelta(minutes=1)
    row.save()

    # when
    response = city_client.get(PAGE)

    # then: still signed in, with thirty minutes from now
    assert response.status_code == 200
    remaining = session_row(city_client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)


def test_it_does_not_write_the_session_on_every_page_view(city_client: Client) -> None:
    # given: a session renewed just now
    assert city_client.get(PAGE).status_code == 200
    renewed = session_row(city_client).expire_date

    # when: another page a moment later
    assert city_client.get(PAGE).status_code == 200

    # then: the session row was not written again
    assert session_row(city_client).expire_date == renewed


def test_it_ends_a_session_idle_for_thirty_minutes(city_client: Client) -> None:
    # given: the session's thirty minutes have run out
    assert city_client.get(PAGE).status_code == 200
    row = session_row(city_client)
    row.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    row.save()

    # when
    response = city_client.get(PAGE)

    # then
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


# Absolute limit ----------------------------------------------------------------------------


def test_it_stamps_the_session_with_its_start(city_client: Client) -> None:
    before = time.time()

    city_client.get(PAGE)

    assert before <= city_client.session[SESSION_STARTED_KEY] <= time.time()


def test_it_keeps_an_active_session_just_under_twelve_hours(city_client: Client) -> None:
    set_started(city_client, time.time() - TWELVE_HOURS + 60)

    assert city_client.get(PAGE).status_code == 200


def test_it_ends_a_session_twelve_hours_after_login_however_active(
    city_client: Client,
) -> None:
    # given: a session started twelve hours and a second ago, active all along
    set_started(city_client, time.time() - TWELVE_HOURS - 1)

    # when
    response = city_client.get(PAGE)

    # then: sent to sign in, and signed out for good
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    assert "_auth_user_id" not in city_client.session
    follow = city_client.get(PAGE)
    assert follow.status_code == 302
    assert follow.url.startswith(LOGIN_URL)


def test_it_tells_the_user_why_the_session_ended(city_client: Client) -> None:
    set_started(city_client, time.time() - TWELVE_HOURS - 1)

    response = city_client.get(PAGE, follow=True)

    assert "登录已超时" in response.content.decode()


def test_it_starts_the_twelve_hours_afresh_at_the_next_login(city: User, client: Client) -> None:
    # given: a session that ran out
    client.force_login(city)
    set_started(client, time.time() - TWELVE_HOURS - 1)
    client.get(PAGE)

    # when: the user signs in again with the login form
    response = client.post(LOGIN_URL, {"username": "city", "password": DEFAULT_PASSWORD})

    # then
    assert response.status_code == 302
    assert client.get(PAGE).status_code == 200


# Production settings -----------------------------------------------------------------------


def test_it_passes_the_deployment_checks_in_production(tmp_path: Path) -> None:
    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    # then
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path: Path) -> None:
    env = production_environment(tmp_path)
    del env["SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_secures_transport_and_cookies_in_production(
    production_settings: dict[str, object],
) -> None:
    assert production_settings["DEBUG"] is False
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert production_settings["ALLOWED_HOSTS"] == ["example.gov.cn"]


def test_the_demo_runs_with_debug_off_over_plain_http(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # when: the environment scripts/demo.sh sets (DEBUG off, HTTPS=0)
    demo = settings_under(production_environment(tmp_path) | {"HTTPS": "0"}, monkeypatch)

    # then: no tracebacks, and cookies a browser sends back over plain HTTP
    assert demo["DEBUG"] is False
    assert demo["SESSION_COOKIE_SECURE"] is False
    assert demo["CSRF_COOKIE_SECURE"] is False
    assert demo["SECURE_SSL_REDIRECT"] is False
    assert demo["SECURE_HSTS_SECONDS"] == 0


def test_it_sends_secure_cookies_in_production(
    production_settings: dict[str, object], city: User
) -> None:
    # given: the test settings with production's transport and cookie settings
    keys = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    ]
    production = {key: production_settings[key] for key in keys}
    client = Client()

    with override_settings(**production):
        # when: plain HTTP is sent to HTTPS ...
        plain = client.get(LOGIN_URL)
        # ... and over HTTPS the login page sets the CSRF cookie and login the session cookie
        page = client.get(LOGIN_URL, secure=True)
        login = client.post(
            LOGIN_URL, {"username": "city", "password": DEFAULT_PASSWORD}, secure=True
        )

    # then
    assert plain.status_code == 301
    assert plain.url.startswith("https://")
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    assert login.status_code == 302
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    session = login.cookies[settings.SESSION_COOKIE_NAME]
    assert csrf["secure"] is True
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


# Response headers --------------------------------------------------------------------------


def test_it_sends_a_content_security_policy(db: None, client: Client) -> None:
    response = client.get(LOGIN_URL)

    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    # No 'unsafe-inline' anywhere: inline scripts and styles stay blocked.
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_it_forbids_framing(db: None, client: Client) -> None:
    response = client.get(LOGIN_URL)

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_it_sends_the_security_headers_on_signed_in_pages_too(city_client: Client) -> None:
    response = city_client.get(PAGE)

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
