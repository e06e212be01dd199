"""The research report's document: tables, charts, part 2 counts and texts, the HTML page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from matplotlib import font_manager

from reports import charts
from reports.document import document_context, measure_counts, render_html
from reports.tables import SHARE, number, report_tables
from tests.reports.report_documents import (
    TEXT_A,
    TEXT_B,
    city_report,
    county_report,
    give_results,
    write_texts,
)

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "reports" / "document"
STYLESHEET = Path(settings.BASE_DIR) / "static" / "reports" / "report.css"


@pytest.fixture
def reports(world, city, county_a):
    give_results(world)
    write_texts(world, city)
    return {"city": city_report(world, city), "county": county_report(world, county_a)}


def test_each_table_has_a_row_per_unit_and_the_scopes_own_total(reports, world):
    report = reports["city"]
    for table in report_tables(report):
        assert [row.name for row in table.rows] == [world.county_a.name, world.county_b.name]
        # the total is the snapshot of the whole scope, never a sum of the unit rows
        assert table.total.values == [number(report.figures[c.key]) for c in table.columns]
        for row, unit in zip(table.rows, report.units, strict=True):
            assert row.values == [number(unit["figures"][c.key]) for c in table.columns]


def test_a_share_and_its_count_share_one_group_header(reports):
    members = next(t for t in report_tables(reports["city"]) if t.slug == "members")
    top, bottom = members.header_rows()
    groups = [cell for cell in top if cell.colspan == 2]
    shares = [c for c in members.columns if c.kind == SHARE]
    assert len(groups) == len(shares) == len(bottom) / 2
    # a cell spans both header rows unless it heads a group
    assert all(cell.rowspan == 2 for cell in top if cell.colspan == 1)


def test_a_count_is_printed_only_when_its_figure_exists(reports):
    figures = dict(reports["city"].figures)
    # no audit and no petition in the world: no sentence claims a rate of nothing
    assert figures["audits_total"] == 0 and figures["petitions_received"] == 0
    assert measure_counts("audit", figures) == []
    assert measure_counts("petitions", figures) == []

    figures |= {"audits_total": 12, "audits_done": 7, "measures_inspections": None}
    (audit,) = measure_counts("audit", figures)
    assert "12" in audit and "7" in audit
    assert measure_counts("inspection", figures) == []


def test_the_city_report_prints_every_countys_text_under_its_heading(reports, world):
    context = document_context(reports["city"], for_pdf=False)
    texts = {item.heading.slug: item.texts for group in context["part_two"] for item in group.items}
    assert texts["survey"] == [(world.county_a.name, TEXT_A)]
    assert texts["petitions"] == [(world.county_b.name, TEXT_B)]
    assert [len(group.items) for group in context["part_two"]] == [4, 4, 4, 4]


def test_a_countys_report_holds_no_other_county(reports, world):
    html = render_html(reports["county"], for_pdf=True)

    assert TEXT_A in html
    assert TEXT_B not in html
    assert world.township_a1.name in html and world.township_a2.name in html
    for other in (world.county_b, world.township_b1, world.township_b2):
        assert other.name not in html


def test_the_browser_page_needs_no_inline_style_or_script(reports):
    html = render_html(reports["city"], for_pdf=False)

    # the site's Content Security Policy forbids inline <style>, <script> and style=""
    assert not re.search(r"<style|<script|\sstyle=", html)
    assert re.search(r'<link rel="stylesheet" href="[^"]*reports/report\.css"', html)
    assert "<svg" in html  # the charts, inline


def test_the_pdf_document_loads_nothing_from_outside(reports):
    html = render_html(reports["city"], for_pdf=True)
    sources = [TEMPLATES.glob("*.html"), [STYLESHEET]]
    for path in (p for group in sources for p in group):
        text = path.read_text()
        assert "bootstrap" not in text.lower(), path
        assert not re.search(r"https?://|url\(", text), path
    assert "<link" not in html
    # the only links are to the document's own headings; http: appears only in SVG namespaces
    assert all(href.startswith("#") for href in re.findall(r'(?:href|src)="([^"]*)"', html))
    assert not re.sub(r'xmlns(?::\w+)?="http://www\.w3\.org/[^"]*"', "", html).count("http")


def test_the_charts_are_svg_text_in_the_cjk_font(reports):
    context = document_context(reports["city"], for_pdf=True)
    figures = [figure for block in context["table_blocks"] for figure in block.charts]

    assert len(figures) >= 5
    assert [f.number for f in figures] == list(range(1, len(figures) + 1))
    for figure in figures:
        svg = figure.chart.svg
        assert svg.startswith("<svg") and "<text" in svg
        assert "font-family=\"'Noto Sans CJK SC'" in svg
        assert "style" not in svg


def test_it_says_clearly_when_the_cjk_font_is_missing(monkeypatch):
    charts.cjk_font.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    try:
        with pytest.raises(charts.ChartFontMissing, match="fonts-noto-cjk"):
            charts.methods({"elections_completed": 1, "method_public_direct": 1})
    finally:
        charts.cjk_font.cache_clear()
