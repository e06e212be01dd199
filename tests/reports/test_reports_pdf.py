"""The research report's PDF, read back with poppler's pdftotext and pdffonts."""

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reports.document import document_context, render_html, report_title
from reports.pdf import page_footer_css, render_pdf
from reports.tables import report_tables
from tests.reports.report_documents import (
    TEXT_A,
    TEXT_B,
    city_report,
    county_report,
    give_results,
    pdf_pages,
    pdf_text,
    poppler,
    squeeze,
    write_texts,
)

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)


@pytest.fixture
def city_pdf(world, city, tmp_path: Path):
    give_results(world)
    write_texts(world, city)
    report = city_report(world, city)
    content, pages = render_pdf(report)
    path = tmp_path / "city.pdf"
    path.write_bytes(content)
    return report, path, pages


def footer(page: int, pages: int) -> str:
    """The footer as the catalog words it (第 1 页 共 N 页), from the CSS pdf.py generates."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', page_footer_css())
    return f"{parts[0]}{page}{parts[1]}{pages}{parts[2]}"


def test_it_prints_the_cover_and_numbers_every_page(city_pdf):
    report, path, pages = city_pdf

    # the page count returned is the file's own
    assert pages == pdf_pages(path)
    cover = squeeze(pdf_text(path, page=1))
    assert squeeze(report_title(report)) in cover
    assert squeeze(report.campaign.name) in cover
    # "第 1 页 共 N 页" on the first page, "第 N 页 共 N 页" on the last
    assert squeeze(footer(1, pages)) in cover
    assert squeeze(footer(pages, pages)) in squeeze(pdf_text(path, page=pages))


def test_its_table_of_contents_points_at_the_pages_of_the_headings(city_pdf):
    report, path, pages = city_pdf
    toc = document_context(report, for_pdf=True)["toc"]
    contents = squeeze(pdf_text(path, page=2))
    found = []
    for entry in toc:
        title = squeeze(entry.title)
        match = re.search(re.escape(title) + r"\.*(\d+)", contents)
        assert match, f"{entry.title} is not in the table of contents"
        page = int(match.group(1))
        # the heading is in the body of that page, not only in a running header
        assert title in squeeze(pdf_text(path, page=page, body_only=True)), entry.title
        found.append(page)
    assert found == sorted(found)
    assert found[0] > 2 and found[-1] <= pages


def test_it_prints_the_snapshots_figures_and_each_countys_text(city_pdf):
    report, path, _pages = city_pdf
    text = squeeze(pdf_text(path))

    completion = next(t for t in report_tables(report) if t.slug == "completion")
    for row in completion.all_rows:
        # each unit's line and the total line, with the snapshot's own values
        line = squeeze(row.name + "".join("—" if v is None else str(v) for v in row.values))
        assert line in text
    assert report.figures["completion_rate"] in text
    assert report.figures["members_mean_age"] in text
    assert squeeze(TEXT_A) in text and squeeze(TEXT_B) in text


def test_it_embeds_the_cjk_font(city_pdf):
    _report, path, _pages = city_pdf
    fonts = subprocess.run(  # noqa: S603 - poppler's own tool on a file the test wrote
        [poppler("pdffonts"), str(path)], check=True, capture_output=True, text=True
    )
    cjk = [line for line in fonts.stdout.splitlines() if "CJK" in line]
    assert cjk
    # columns: emb sub uni are "yes" for a subset embedded with a Unicode map
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in cjk)


class TextOf(HTMLParser):
    """The text of each element with a given class (its children included)."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class, self.depth, self.texts = css_class, 0, []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.depth:
            self.depth += tag not in ("br", "meta", "link")
        elif self.css_class in (dict(attrs).get("class") or "").split():
            self.depth = 1
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.texts[-1] += data


def html_texts(html: str, css_class: str) -> list[str]:
    parser = TextOf(css_class)
    parser.feed(html)
    return [squeeze(text) for text in parser.texts]


def test_its_text_is_the_browser_pages_text(city_pdf):
    report, path, _pages = city_pdf
    html = render_html(report, for_pdf=False)
    body = squeeze(pdf_text(path, body_only=True))
    for css_class in ("cover-title", "prose", "part-two", "part-three"):
        texts = html_texts(html, css_class)
        assert texts and all(texts), css_class
        for text in texts:
            assert text in body, css_class


def test_a_countys_pdf_holds_only_its_own_county(world, city, county_a, tmp_path):
    give_results(world)
    write_texts(world, city)
    content, _pages = render_pdf(county_report(world, county_a))
    path = tmp_path / "county.pdf"
    path.write_bytes(content)
    text = squeeze(pdf_text(path))

    assert squeeze(TEXT_A) in text
    assert squeeze(TEXT_B) not in text
    assert world.township_a1.name in text and world.township_a2.name in text
    for other in (world.county_b, world.township_b1, world.township_b2):
        assert other.name not in text
