"""Password rules: ten characters, not common, not all digits, three kinds of character."""

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.models import User
from tests.factories import UserFactory

GOOD = "Huanjie-2026x"


def problems(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


def codes(password: str, user: User | None = None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("password12", {"password_too_common", "password_too_simple"}),
        ("abcdefghij", {"password_too_common", "password_too_simple"}),
        ("1234567890", {"password_too_common", "password_entirely_numeric", "password_too_simple"}),
        ("Ab-1234", {"password_too_short"}),
        ("huanjiexuanju", {"password_too_simple"}),
        ("HUANJIE2026", {"password_too_simple"}),
    ],
)
def test_it_rejects_a_weak_password(password: str, expected: set[str]) -> None:
    assert codes(password) == expected


@pytest.mark.parametrize("password", [GOOD, "huanjie-2026", "Huanjie2026Xuanju", "换届Xuanju2026"])
def test_it_accepts_a_strong_password(password: str) -> None:
    assert problems(password) == []


@pytest.mark.django_db
def test_it_rejects_a_password_like_the_user_name() -> None:
    user = UserFactory.build(username="zhangweiming", last_name="张", first_name="伟明")

    assert "password_too_similar" in codes("Zhangweiming-1", user)


@pytest.mark.parametrize(
    ("password", "chinese"),
    [
        # Django's own messages, from Django's zh_Hans catalog.
        pytest.param("password12", "这个密码太常见了。", id="common"),
        pytest.param("1234567890", "密码只包含数字。", id="numeric"),
        # Django 5.2 changed this msgid (%d) and its own zh_Hans catalog lacks the new one:
        # accounts.passwords.MinimumLengthValidator says it in our own catalog.
        pytest.param("Ab-1234", "密码太短，至少需要10个字符。", id="short"),
    ],
)
def test_it_explains_django_rules_in_chinese(password: str, chinese: str) -> None:
    assert chinese in problems(password)


def test_it_explains_the_character_rule_in_chinese() -> None:
    # Our own message (accounts/passwords.py): needs locale/zh_Hans to translate it.
    message = " ".join(problems("huanjiexuanju"))

    assert "至少" in message
    assert "大写字母" in message
    assert "小写字母" in message


@pytest.mark.django_db
def test_it_applies_the_rules_where_a_password_is_set() -> None:
    # given: the form behind the admin's "change password" page
    user = UserFactory()

    # when
    weak = SetPasswordForm(user, {"new_password1": "abcdefghij", "new_password2": "abcdefghij"})
    strong = SetPasswordForm(user, {"new_password1": GOOD, "new_password2": GOOD})

    # then
    assert not weak.is_valid()
    assert "new_password2" in weak.errors
    assert strong.is_valid()
