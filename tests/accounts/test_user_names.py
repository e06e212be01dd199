"""Users' names as Chinese names are written: family name first, no space (张三)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import signed_in
from tests.factories import TownshipUserFactory


@pytest.mark.parametrize(
    ("last", "first", "shown"),
    [("张", "三", "张三"), ("欧阳", "修", "欧阳修"), ("", "王芳", "王芳"), ("", "", "")],
)
def test_the_full_name_puts_the_family_name_first(last: str, first: str, shown: str) -> None:
    assert User(last_name=last, first_name=first).get_full_name() == shown


@pytest.mark.django_db
def test_the_page_header_shows_the_name_in_chinese_order() -> None:
    official = TownshipUserFactory(username="zhangsan", last_name="张", first_name="三")
    client: Client = signed_in(official)

    page = client.get(reverse("sheets:job_list")).text

    assert "张三 · " in page
    assert "三 张" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("names", "shown"),
    [
        (("张", "三"), "张三 · 乡镇(街道)组织委员 · {township}"),
        (("", "{township}党委组织委员"), "{township}党委组织委员 · 乡镇(街道)组织委员"),
        (("", ""), "zhangsan · 乡镇(街道)组织委员 · {township}"),
    ],
)
def test_the_header_says_name_role_and_region_without_repeating_itself(
    names: tuple[str, str], shown: str
) -> None:
    official = TownshipUserFactory(username="zhangsan", last_name="", first_name="")
    township = official.township.name
    official.last_name, official.first_name = (n.format(township=township) for n in names)

    assert official.banner == shown.format(township=township)
