"""Signing in: the page in Chinese, and django-axes' lockout after five failures.

These tests post to the login page as a browser does, so every attempt goes through axes.
Time is moved by ageing the AccessAttempt rows (time-machine is not installed).
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, TownshipUserFactory, UserFactory

LOGIN_URL = reverse("accounts:login")
LOCKED = 429  # axes 8: AXES_HTTP_RESPONSE_CODE defaults to 429 Too Many Requests


@pytest.fixture
def official(db: None) -> User:
    return TownshipUserFactory(username="wangwei")


def attempt(client: Client, username: str, password: str, **headers: str):
    return client.post(LOGIN_URL, {"username": username, "password": password}, headers=headers)


def fail(client: Client, username: str, times: int, **headers: str) -> None:
    for _ in range(times):
        attempt(client, username, "wrong-password", **headers)


def age_attempts(minutes: int) -> None:
    """Pretend the recorded failures happened ``minutes`` earlier."""
    for row in AccessAttempt.objects.all():
        row.attempt_time -= datetime.timedelta(minutes=minutes)
        row.save(update_fields=["attempt_time"])


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# The page ----------------------------------------------------------------------------------


def test_it_serves_the_login_page_in_chinese(db: None, client: Client) -> None:
    response = client.get(LOGIN_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    # Our own msgids ("Sign in", "User name", "Password", the lockout notice): locale/zh_Hans.
    assert "登录" in html
    assert "用户名" in html
    assert "密码" in html
    assert "锁定30分钟" in html


def test_it_explains_a_failed_login_in_chinese(official: User, client: Client) -> None:
    # Django's own message, translated by Django's zh_Hans catalog.
    response = attempt(client, "wangwei", "wrong-password")

    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert not is_signed_in(client)


def test_it_signs_in_with_the_right_password(official: User, client: Client) -> None:
    response = attempt(client, "wangwei", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_signed_in(client)


def test_it_refuses_an_inactive_user(db: None, client: Client) -> None:
    UserFactory(username="retired", is_active=False)

    response = attempt(client, "retired", DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert not is_signed_in(client)


def test_it_does_not_redirect_to_another_host_after_login(official: User, client: Client) -> None:
    response = client.post(
        LOGIN_URL + "?next=https://evil.example.com/",
        {"username": "wangwei", "password": DEFAULT_PASSWORD, "next": "https://evil.example.com/"},
    )

    assert response.status_code == 302
    assert response.url == reverse("home")


# Lockout -----------------------------------------------------------------------------------


def test_it_locks_the_account_after_five_failures(official: User, client: Client) -> None:
    # given: four failures still leave the door open
    fail(client, "wangwei", 4)
    assert attempt(client, "wangwei", "wrong-password").status_code == LOCKED

    # when: the sixth attempt has the right password
    response = attempt(client, "wangwei", DEFAULT_PASSWORD)

    # then: refused, with our lockout page
    assert response.status_code == LOCKED
    assert "accounts/locked.html" in [t.name for t in response.templates]
    assert not is_signed_in(client)


def test_it_lets_four_failures_pass(official: User, client: Client) -> None:
    fail(client, "wangwei", 4)

    response = attempt(client, "wangwei", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_it_shows_the_lockout_page_in_chinese(official: User, client: Client) -> None:
    fail(client, "wangwei", 5)

    response = attempt(client, "wangwei", DEFAULT_PASSWORD)

    html = response.content.decode()
    assert "账号已锁定" in html
    # Fails until locale/zh_Hans translates the explanation in templates/accounts/locked.html.
    assert "登录失败次数过多" in html


def test_it_keeps_the_account_locked_for_thirty_minutes(official: User, client: Client) -> None:
    # given
    fail(client, "wangwei", 5)

    # when: 29 minutes later
    age_attempts(29)

    # then
    assert attempt(client, "wangwei", DEFAULT_PASSWORD).status_code == LOCKED


def test_it_unlocks_the_account_after_thirty_minutes(official: User, client: Client) -> None:
    # given
    fail(client, "wangwei", 5)

    # when: 31 minutes later
    age_attempts(31)
    response = attempt(client, "wangwei", DEFAULT_PASSWORD)

    # then
    assert response.status_code == 302
    assert is_signed_in(client)


def test_it_counts_failures_however_the_forwarded_for_header_changes(
    official: User, client: Client
) -> None:
    # given: an attacker forges a new X-Forwarded-For on every try
    for number in range(5):
        attempt(client, "wangwei", "wrong-password", X_Forwarded_For=f"10.0.0.{number}")

    # when
    response = attempt(client, "wangwei", DEFAULT_PASSWORD, X_Forwarded_For="10.0.0.99")

    # then: the header is ignored without a trusted proxy, and the count is not reset
    assert response.status_code == LOCKED
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_it_locks_the_account_whatever_address_the_attempts_come_from(
    official: User,
) -> None:
    # given: five failures from five real addresses (a botnet, or a proxy pool)
    for number in range(5):
        attempt(Client(REMOTE_ADDR=f"203.0.113.{number}"), "wangwei", "wrong-password")

    # when
    response = attempt(Client(REMOTE_ADDR="203.0.113.99"), "wangwei", DEFAULT_PASSWORD)

    # then: the user name is counted on its own
    assert response.status_code == LOCKED


def test_it_resets_the_count_after_a_successful_login(official: User, client: Client) -> None:
    # given: four failures, then the right password
    fail(client, "wangwei", 4)
    assert attempt(client, "wangwei", DEFAULT_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))

    # when: four more failures
    fail(client, "wangwei", 4)

    # then: eight in all, but only four since the success: still open
    assert attempt(client, "wangwei", DEFAULT_PASSWORD).status_code == 302


def test_it_does_not_let_another_users_login_reset_the_count(
    official: User, client: Client
) -> None:
    # given: an insider with an account of their own guesses a colleague's password four times
    # from their own desk, signs in as themselves, and guesses again
    TownshipUserFactory(username="insider")
    fail(client, "wangwei", 4)
    assert attempt(client, "insider", DEFAULT_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    fail(client, "wangwei", 1)

    # when
    response = attempt(client, "wangwei", DEFAULT_PASSWORD)

    # then: five failures against wangwei within thirty minutes lock wangwei's account,
    # whoever else signed in from the same address in between
    assert response.status_code == LOCKED
