"""The error pages are the product's own, in Chinese, with a way back: never Django's
English defaults. (The test settings run with DEBUG off, as production does.)"""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from accounts.models import User
from tests.conftest import World


@pytest.mark.django_db
def test_a_missing_page_says_so_in_chinese_with_the_menus(township_a1_client: Client) -> None:
    response = township_a1_client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page
    assert 'href="/"' in page or f'href="{reverse("home")}"' in page
    assert "退出" in page  # the signed-in menus are there
    assert "Not Found" not in page


@pytest.mark.django_db
def test_a_read_only_user_is_told_why_a_change_is_refused(
    world: World, inspector_client: Client
) -> None:
    election = world.election("a1")  # of the inspection group's own township

    response = inspector_client.get(reverse("elections:election_edit", args=[election.pk]))

    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page
    assert "您的账号为只读权限" in page
    assert "Forbidden" not in page


@pytest.mark.django_db
def test_a_page_not_for_the_role_is_refused_without_blaming_the_read_only_account(
    inspector_client: Client,
) -> None:
    response = inspector_client.get(reverse("dashboards:city"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "无权打开此页面" in page
    assert "只读" not in page.split("<main", 1)[1]  # the header's badge says so, not the page


@pytest.mark.django_db
def test_a_writer_is_told_the_page_is_not_theirs(township_a1_client: Client) -> None:
    response = township_a1_client.get(reverse("accounts:audit_log"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "无权打开此页面" in page


@pytest.mark.django_db
def test_an_expired_form_says_nothing_was_saved(township_a1: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(township_a1)

    response = client.post(reverse("accounts:logout"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in page
    assert "verification failed" not in page


def test_a_server_error_is_a_page_of_its_own_that_needs_nothing() -> None:
    response = server_error(RequestFactory().get("/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器错误" in page
    assert "刚才的操作未保存" in page
    assert "Server Error" not in page
