"""The research report as one HTML document, for the browser and for WeasyPrint.

Everything printed comes from the ``Report`` snapshot (figures, units) plus the texts written
for the report's campaign: part 2 under each heading (a county's report only its own county's
texts), part 3 sections by the city. The same template serves the browser page (linking
static/reports/report.css) and the PDF (the stylesheet handed to WeasyPrint, no URL fetched).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from reports.charts import Chart, report_charts
from reports.models import MeasureHeading, MeasureText, Report, ReportSection
from reports.prose import part_one as write_part_one
from reports.tables import Table, number, report_tables

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    title: str
    level: int


@dataclass(frozen=True)
class Section:
    """A titled run of paragraphs: part 1 (from reports.prose) and part 3 alike."""

    anchor: str
    title: str
    paragraphs: list[str]


@dataclass(frozen=True)
class NumberedChart:
    """A chart with its number in the document (图1, 图2 …)."""

    chart: Chart
    number: int

    @property
    def caption(self) -> str:
        return _("Chart %(number)d %(title)s") % {"number": self.number, "title": self.chart.title}


@dataclass
class TableBlock:
    table: Table
    charts: list[NumberedChart]
    anchor: str


@dataclass
class MeasureItem:
    heading: MeasureHeading
    number: int
    counts: list[str]
    texts: list[tuple[str, str]]  # (county name, text)


@dataclass
class MeasureGroup:
    anchor: str
    title: str
    items: list[MeasureItem] = field(default_factory=list)


def numeral(n: int) -> str:
    return NUMERALS[n - 1] if 1 <= n <= len(NUMERALS) else str(n)


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# Titles ---------------------------------------------------------------------------------


def report_title(report: Report) -> str:
    return _("%(scope)s village and community Party organization election research report") % {
        "scope": report.scope_name
    }


def part_titles() -> list[tuple[str, str]]:
    """(part, title) of the three parts, as the seed's report divides it."""
    return [
        (_("Part 1"), _("Results of the elections")),
        (_("Part 2"), _("Measures taken")),
        (_("Part 3"), _("Lessons and proposals")),
    ]


def part_subtitle(report: Report, index: int) -> str:
    """The seed's line under each part title: ——全市…调研报告(上篇)."""
    return _("—— %(title)s (%(part)s)") % {
        "title": report_title(report),
        "part": part_titles()[index][0],
    }


# Part 1 ---------------------------------------------------------------------------------


def part_one(report: Report) -> list[Section]:
    """Part 1's prose, written from the snapshot by reports.prose (the opening has no title)."""
    written = write_part_one(report.figures or {}, scope_name=report.scope_name)
    return [
        Section(anchor=f"p1-{i}", title=s.title, paragraphs=list(s.paragraphs))
        for i, s in enumerate(written, start=1)
    ]


def table_blocks(report: Report) -> list[TableBlock]:
    charts = report_charts(report.figures or {}, report.units or [])
    blocks, numbered = [], 0
    for table in report_tables(report):
        figures = []
        for chart in charts.get(table.slug, []):
            numbered += 1
            figures.append(NumberedChart(chart=chart, number=numbered))
        blocks.append(TableBlock(table=table, charts=figures, anchor=f"table-{table.slug}"))
    return blocks


# Part 2 ---------------------------------------------------------------------------------


def _sentence(figures: dict, text: str, keys: tuple[str, ...], nonzero: str = "") -> str:
    """``text`` filled with ``keys``; empty when a figure is missing or the denominator 0."""
    values = {key: figures.get(key) for key in keys}
    if any(value is None for value in values.values()):
        return ""
    if nonzero and not number(figures.get(nonzero)):
        return ""
    return text % values


def measure_counts(slug: str, figures: dict) -> list[str]:
    """The counts printed under a part 2 heading, before the counties' texts."""
    f = figures
    sentences = {
        "survey": [
            _sentence(
                f,
                _(
                    "Difficult villages identified: %(measures_difficult_villages)s; "
                    "risks found: %(measures_risks_found)s."
                ),
                ("measures_difficult_villages", "measures_risks_found"),
            )
        ],
        "audit": [
            _sentence(
                f,
                _("Economic audits before the elections: %(audits_total)s, done: %(audits_done)s."),
                ("audits_total", "audits_done"),
                nonzero="audits_total",
            )
        ],
        "disputes": [
            _sentence(
                f,
                _(
                    "Risks resolved before the election: "
                    "%(measures_risks_resolved_before_election)s."
                ),
                ("measures_risks_resolved_before_election",),
            ),
            _sentence(
                f,
                _(
                    "Petitions to the city during the campaign: %(petitions_to_city)s; group "
                    "visits of ten or more people to the city: %(petitions_group_visits_to_city)s."
                ),
                ("petitions_to_city", "petitions_group_visits_to_city"),
            ),
        ],
        "adjust": [
            _sentence(
                f,
                _("Secretaries adjusted before the elections: %(measures_secretaries_adjusted)s."),
                ("measures_secretaries_adjusted",),
            )
        ],
        "inspection": [
            _sentence(
                f,
                _(
                    "Inspection groups: %(measures_inspection_groups)s; "
                    "inspections: %(measures_inspections)s."
                ),
                ("measures_inspection_groups", "measures_inspections"),
            )
        ],
        "training": [
            _sentence(
                f,
                _(
                    "Training sessions: %(measures_training_sessions)s; "
                    "people trained: %(measures_people_trained)s."
                ),
                ("measures_training_sessions", "measures_people_trained"),
            )
        ],
        "eligibility": [
            _sentence(
                f,
                _(
                    "Candidates disqualified in the eligibility review: "
                    "%(candidates_disqualified)s."
                ),
                ("candidates_disqualified",),
            )
        ],
        "petitions": [
            _sentence(
                f,
                _(
                    "Petitions received: %(petitions_received)s; settled: %(petitions_settled)s; "
                    "settlement rate: %(petitions_settlement_rate)s%%."
                ),
                ("petitions_received", "petitions_settled", "petitions_settlement_rate"),
                nonzero="petitions_received",
            )
        ],
    }.get(slug, [])
    return [s for s in sentences if s]


def measure_texts(report: Report) -> QuerySet[MeasureText]:
    """The campaign's part 2 texts within the report's scope: a county's (or its township's)
    report reads its own county's texts only."""
    texts = MeasureText.objects.filter(campaign_id=report.campaign_id).select_related("county")
    if report.county_id is not None:
        texts = texts.filter(county_id=report.county_id)
    return texts.order_by("heading_id", "county__code")


def part_two(report: Report) -> list[MeasureGroup]:
    by_heading: dict[int, list[tuple[str, str]]] = {}
    for text in measure_texts(report):
        by_heading.setdefault(text.heading_id, []).append((text.county.name, text.text))
    groups: dict[int, MeasureGroup] = {}
    for heading in MeasureHeading.objects.order_by("group", "order"):
        group = groups.setdefault(
            heading.group,
            MeasureGroup(
                anchor=f"p2-{heading.group}",
                title=f"{numeral(len(groups) + 1)}、{heading.group_title}",
            ),
        )
        group.items.append(
            MeasureItem(
                heading=heading,
                number=len(group.items) + 1,
                counts=measure_counts(heading.slug, report.figures or {}),
                texts=by_heading.get(heading.pk, []),
            )
        )
    return list(groups.values())


# Part 3 ---------------------------------------------------------------------------------


def part_three(report: Report) -> list[Section]:
    sections = ReportSection.objects.filter(campaign_id=report.campaign_id).order_by("order", "pk")
    return [
        Section(anchor=f"p3-{i}", title=s.title, paragraphs=paragraphs(s.body))
        for i, s in enumerate(sections, start=1)
    ]


# The whole ------------------------------------------------------------------------------


def table_of_contents(
    one: list[Section], blocks: list[TableBlock], two: list[MeasureGroup], three: list[Section]
) -> list[TocEntry]:
    (p1, t1), (p2, t2), (p3, t3) = part_titles()
    entries = [TocEntry("part-1", f"{p1}　{t1}", 1)]
    entries += [TocEntry(s.anchor, s.title, 2) for s in one if s.title]
    entries.append(TocEntry("tables", _("Statistical tables and charts"), 2))
    entries += [TocEntry(b.anchor, b.table.caption, 3) for b in blocks]
    entries.append(TocEntry("part-2", f"{p2}　{t2}", 1))
    entries += [TocEntry(g.anchor, g.title, 2) for g in two]
    entries.append(TocEntry("part-3", f"{p3}　{t3}", 1))
    entries += [TocEntry(s.anchor, s.title, 2) for s in three if s.title]
    return entries


def counted_on(report: Report) -> str:
    moment = report.counted_at or report.created_at or timezone.now()
    return formats.date_format(timezone.localtime(moment).date(), "DATE_FORMAT")


def document_context(report: Report, *, for_pdf: bool) -> dict:
    one, blocks = part_one(report), table_blocks(report)
    two, three = part_two(report), part_three(report)
    parts = [
        {
            "anchor": f"part-{n}",
            "label": label,
            "title": title,
            "subtitle": part_subtitle(report, n - 1),
        }
        for n, (label, title) in enumerate(part_titles(), start=1)
    ]
    return {
        "report": report,
        "for_pdf": for_pdf,
        "title": report_title(report),
        "scope_name": report.scope_name,
        "campaign": report.campaign,
        "counted_on": counted_on(report),
        "reference_date": report.campaign.reference_date,
        "toc": table_of_contents(one, blocks, two, three),
        "parts": parts,
        "part_one": one,
        "table_blocks": blocks,
        "part_two": two,
        "part_three": three,
        "show_county": report.county_id is None,
    }


def render_html(report: Report, *, for_pdf: bool) -> str:
    """The whole report as an HTML document (for_pdf: no stylesheet link, WeasyPrint is given
    the stylesheet directly)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = document_context(report, for_pdf=for_pdf)
        return render_to_string("reports/document/report.html", context)
