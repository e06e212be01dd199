"""The dashboard's panels: each a titled table of figures and the chart drawn from the same
rows, so the chart and the table (and the printed page) never disagree.

Values come from RegionFigures as stored: counts as integers, shares and means as the text the
report prints ("62.5"). ``key`` names the figure of compute_figures a row shows, where it is
one (the browser test compares those cells with the report's figures).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from audits.models import AuditStatus
from candidates.models import Source, Stage
from dashboards.models import RegionFigures
from elections.models import ElectionStatus, Method
from elections.progress import ProgressRow


@dataclass(frozen=True)
class Row:
    label: str
    value: int | str | None
    unit: str = ""
    key: str = ""
    charted: bool = True

    @property
    def text(self) -> str:
        return "—" if self.value in (None, "") else str(self.value)

    @property
    def suffix(self) -> str:
        if self.value in (None, "") or not self.unit:
            return ""
        return self.unit if self.unit == "%" else f" {self.unit}"


@dataclass
class Panel:
    slug: str
    title: str
    rows: list[Row]
    chart: str = "bar"  # "bar", "pie" or "" (table only)
    note: str = ""
    extra_rows: list[Row] = field(default_factory=list)

    def chart_spec(self) -> dict | None:
        charted = [r for r in self.rows if r.charted and r.value not in (None, "")]
        if not self.chart or not charted:
            return None
        return {
            "id": f"chart-{self.slug}",
            "type": self.chart,
            "title": self.title,
            "categories": [r.label for r in charted],
            "series": [{"name": self.title, "data": [_number(r.value) for r in charted]}],
        }


def _number(value: int | str | None) -> float | int:
    if isinstance(value, str):
        return float(Decimal(value))
    return value or 0


def _fig(figures: dict, key: str, label: str, unit: str = "", charted: bool = True) -> Row:
    return Row(label=label, value=figures.get(key), unit=unit, key=key, charted=charted)


def _share(figures: dict, key: str, label: str) -> Row:
    return _fig(figures, key, label, unit="%", charted=False)


def progress_counts(extras: dict, batch: str = "", region: object = None) -> ProgressRow:
    """Status counts of all batches, or of one batch."""
    by_batch = extras.get("status_by_batch", {})
    chosen = [by_batch.get(batch, {})] if batch else list(by_batch.values())
    counts = {s: sum(group.get(s, 0) for group in chosen) for s in ElectionStatus.values}
    return ProgressRow(
        region=region,
        total=sum(counts.values()),
        completed=counts[ElectionStatus.COMPLETED],
        in_progress=counts[ElectionStatus.IN_PROGRESS],
        not_started=counts[ElectionStatus.NOT_STARTED],
        postponed=counts[ElectionStatus.POSTPONED],
    )


REPORT_PROGRESS_KEYS = (
    "elections_total",
    "elections_completed",
    "elections_postponed",
    "completion_rate",
)


def progress_panel(row: RegionFigures, batch: str) -> Panel:
    counts = progress_counts(row.extras, batch)
    # Without a batch filter these are the report's own figures (same keys, same rounding).
    keys = {} if batch else {k: k for k in REPORT_PROGRESS_KEYS}
    rate = counts.completion_rate
    return Panel(
        slug="progress",
        title=_("Election progress"),
        chart="pie",
        rows=[
            Row(_("Elections"), counts.total, key=keys.get("elections_total", ""), charted=False),
            Row(_("Completed"), counts.completed, key=keys.get("elections_completed", "")),
            Row(_("In progress"), counts.in_progress),
            Row(_("Not started"), counts.not_started),
            Row(_("Postponed"), counts.postponed, key=keys.get("elections_postponed", "")),
            Row(
                _("Completion rate"),
                str(rate) if rate is not None else None,
                unit="%",
                key=keys.get("completion_rate", ""),
                charted=False,
            ),
        ],
    )


def method_matrix(extras: dict, batch: str) -> dict:
    """Elections by batch (rows) and method (columns), for the table and the stacked chart."""
    by_batch = extras.get("method_by_batch", {})
    batches = sorted(by_batch, key=int)
    if batch:
        batches = [b for b in batches if b == batch]
    methods = list(Method)
    rows = [
        {
            "batch": b,
            "counts": [by_batch[b].get(m.value, 0) for m in methods],
            "total": sum(by_batch[b].values()),
        }
        for b in batches
    ]
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(methods))]
    return {
        "methods": [m.label for m in methods],
        "rows": rows,
        "totals": totals,
        "total": sum(totals),
        "chart": {
            "id": "chart-methods",
            "type": "stacked",
            "title": _("Elections by method and batch"),
            "categories": [_("Batch %(n)s") % {"n": b} for b in batches],
            "series": [
                {"name": str(m.label), "data": [r["counts"][i] for r in rows]}
                for i, m in enumerate(methods)
            ],
        },
    }


def completed_methods_panel(figures: dict) -> Panel:
    rows = []
    for m in Method:
        rows.append(_fig(figures, f"method_{m.value}", str(m.label)))
        rows.append(_share(figures, f"method_{m.value}_share", _("share")))
    return Panel(
        slug="completed-methods",
        title=_("Completed elections by method"),
        rows=rows,
        chart="pie",
    )


def candidates_panel(row: RegionFigures, batch: str) -> Panel:
    by_batch = row.extras.get("stage_by_batch", {})
    chosen = [by_batch.get(batch, {})] if batch else list(by_batch.values())
    rows = [
        Row(str(stage.label), sum(group.get(stage.value, 0) for group in chosen)) for stage in Stage
    ]
    situations = row.extras.get("disqualified_by_situation", {})
    extra = [
        Row(name or _("Situation not given"), count, charted=False)
        for name, count in sorted(situations.items())
    ]
    extra.insert(0, _fig(row.figures, "candidates_disqualified", _("Disqualified, all batches")))
    return Panel(
        slug="candidates",
        title=_("Candidates by stage"),
        rows=rows,
        extra_rows=extra,
        note=_("Disqualifications by situation:") if extra else "",
    )


def committee_panel(figures: dict) -> Panel:
    f = figures
    return Panel(
        slug="committees",
        title=_("The new committees"),
        rows=[
            _fig(f, "members", _("Members elected")),
            _fig(f, "members_mean_age", _("Mean age"), unit=_("years"), charted=False),
            _fig(f, "members_age_35_or_under", _("Aged 35 or under")),
            _share(f, "members_age_35_or_under_share", _("Aged 35 or under, share")),
            _fig(f, "members_age_45_or_under", _("Aged 45 or under")),
            _share(f, "members_age_45_or_under_share", _("Aged 45 or under, share")),
            _fig(f, "members_age_55_or_over", _("Aged 55 or over")),
            _share(f, "members_age_55_or_over_share", _("Aged 55 or over, share")),
            _fig(f, "members_postgraduates", _("Postgraduates")),
            _fig(f, "members_bachelors", _("Bachelors")),
            _fig(f, "members_college_or_above", _("Junior college or above")),
            _share(f, "members_college_or_above_share", _("Junior college or above, share")),
            _fig(f, "members_women", _("Women")),
            _share(f, "members_women_share", _("Women, share")),
            _fig(f, "committees_without_woman", _("Committees without a woman")),
            _fig(f, "members_women_directors", _("Women's directors in the committee")),
            _fig(f, "secretaries", _("Secretaries")),
            _fig(f, "secretaries_strong_two", _("Secretaries strong in both (双强)")),
            _share(f, "secretaries_strong_two_share", _("Secretaries strong in both, share")),
            _fig(f, "secretaries_mean_age", _("Secretaries' mean age"), _("years"), False),
            _fig(f, "rural_secretaries_age_40_or_under", _("Rural secretaries aged 40 or under")),
            _fig(f, "rural_secretaries_age_41_to_54", _("Rural secretaries aged 41 to 54")),
            _fig(f, "rural_secretaries_age_55_or_over", _("Rural secretaries aged 55 or over")),
        ],
        note=_(
            "Committee figures cover every batch. The age bands of secretaries count villages "
            "only, not communities, as the report does."
        ),
    )


def sources_panel(figures: dict) -> Panel:
    rows = []
    for s in Source:
        rows.append(_fig(figures, f"members_source_{s.value}", str(s.label)))
    return Panel(slug="sources", title=_("Members by source"), rows=rows, chart="pie")


def petitions_panel(row: RegionFigures) -> Panel:
    f, p = row.figures, row.extras.get("petitions", {})
    return Panel(
        slug="petitions",
        title=_("Petitions during the campaign"),
        rows=[
            _fig(f, "petitions_received", _("Received")),
            Row(_("Open"), p.get("open")),
            Row(_("Overdue"), p.get("overdue")),
            _fig(f, "petitions_settled", _("Settled")),
            _share(f, "petitions_settlement_rate", _("Settlement rate")),
        ],
    )


def measures_panel(row: RegionFigures) -> Panel:
    f, risks = row.figures, row.extras.get("risks", {})
    audits = row.extras.get("audits", {})
    pending = audits.get(AuditStatus.PLANNED, 0) + audits.get(AuditStatus.IN_PROGRESS, 0)
    return Panel(
        slug="measures",
        title=_("Risks, audits and inspections"),
        rows=[
            _fig(f, "measures_difficult_villages", _("Difficult villages")),
            _fig(f, "measures_risks_found", _("Risks found")),
            Row(_("Risks resolved"), risks.get("resolved")),
            Row(_("Risks open"), risks.get("unresolved")),
            Row(_("High risks open"), risks.get("high_unresolved")),
            _fig(f, "audits_done", _("Audits done")),
            Row(_("Audits pending"), pending),
            _fig(f, "measures_inspection_groups", _("Inspection groups")),
            _fig(f, "measures_inspections", _("Inspections")),
            Row(_("Inspection follow-ups pending"), row.extras.get("follow_ups_pending")),
        ],
    )


def panels(row: RegionFigures, batch: str, *, small: bool = False) -> list[Panel]:
    """The panels below the progress; a township's dashboard leaves out the shares by
    source and by method, which say little about a dozen villages."""
    if small:
        return [
            candidates_panel(row, batch),
            committee_panel(row.figures),
            petitions_panel(row),
            measures_panel(row),
        ]
    return [
        candidates_panel(row, batch),
        committee_panel(row.figures),
        sources_panel(row.figures),
        petitions_panel(row),
        measures_panel(row),
        completed_methods_panel(row.figures),
    ]


def drill_rows(regions: list, stored: dict, batch: str) -> list[ProgressRow]:
    """One progress row per child region (figures.child_progress has each of them)."""
    return [progress_counts(stored[r.pk], batch, region=r) for r in regions]


def drill_chart(rows: list[ProgressRow], urls: list[str]) -> dict:
    statuses = (
        ("completed", _("Completed")),
        ("in_progress", _("In progress")),
        ("not_started", _("Not started")),
        ("postponed", _("Postponed")),
    )
    return {
        "id": "chart-drill",
        "type": "stacked",
        "horizontal": True,
        "title": _("Progress by region"),
        "categories": [str(r.region) for r in rows],
        "links": urls,
        "series": [
            {"name": str(label), "data": [getattr(r, attr) for r in rows]}
            for attr, label in statuses
        ],
    }


def timeline_chart(extras: dict, names: dict[int, str]) -> dict | None:
    """Completion rate per region and day, from the region's stored timeline; None without
    snapshots."""
    stored = extras.get("timeline") or {}
    if not stored.get("days"):
        return None
    return {
        "id": "chart-timeline",
        "type": "line",
        "title": _("Completion rate over time"),
        "categories": stored["days"],
        "unit": "%",
        "series": [
            {"name": name, "data": stored["rates"][str(pk)]}
            for pk, name in names.items()
            if str(pk) in stored["rates"]
        ],
    }


def stage_rows(counts: dict[str, int]) -> list[Row]:
    return [Row(str(stage.label), counts.get(stage.value, 0)) for stage in Stage]
