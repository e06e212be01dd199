"""The long lists' page links: previous and next, first and last, the pages around the
current one, each keeping the list's filters."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from elections.templatetags.pages import page_links


def test_it_links_the_ends_and_the_pages_around_the_current_one() -> None:
    request = RequestFactory().get("/elections/villages/", {"county": "3", "page": "10"})
    page = Paginator(range(1700), 50).get_page(10)

    links = page_links(page, request)

    assert [link.label for link in links] == [
        "上一页", "1", "…", "8", "9", "10", "11", "12", "…", "34", "下一页",
    ]  # fmt: skip
    assert [link.label for link in links if link.current] == ["10"]
    assert links[0].url == "?county=3&page=9"
    assert links[-2].url == "?county=3&page=34"
    assert not links[2].url  # the ellipsis links nowhere


def test_it_renders_the_links_with_the_current_page_marked() -> None:
    request = RequestFactory().get("/elections/villages/", {"page": "1"})
    page = Paginator(range(120), 50).get_page(1)

    html = render_to_string("_pagination.html", {"page": page, "request": request})

    current = '<li class="page-item active" aria-current="page"><span class="page-link">1</span>'
    assert current in html
    assert 'href="?page=3">3</a>' in html
    assert "上一页" not in html
    assert 'href="?page=2">下一页</a>' in html
    assert "第 1 页，共 3 页，120 条" in html
