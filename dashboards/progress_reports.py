"""The township's daily report (日报) and the county's weekly report (周报), generated from the
data: the unit's figures now, what happened in the period, and the change since the previous
submitted report. Until submitted a report is regenerated on every visit; submitting freezes it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audits.models import AuditStatus
from candidates.models import ElectionStep, Stage
from dashboards.figures import figures_for, region_figures_refresh, stand_in
from dashboards.models import Level, ProgressReport, ReportKind
from dashboards.panels import progress_counts
from elections.models import Campaign, County, Election, ElectionStatus, Township
from oversight.models import Risk
from petitions.models import Petition

# (key, label): the report's lines, in order. Rates are text ("62.5"), the rest integers.
ITEMS = (
    ("elections_total", _("Elections")),
    ("elections_completed", _("Completed")),
    ("elections_in_progress", _("In progress")),
    ("elections_not_started", _("Not started")),
    ("elections_postponed", _("Postponed")),
    ("completion_rate", _("Completion rate (%)")),
    ("candidates_official", _("Official candidates")),
    ("candidates_elected", _("Candidates elected")),
    ("candidates_disqualified", _("Candidates disqualified")),
    ("members", _("Members elected")),
    ("petitions_received", _("Petitions received")),
    ("petitions_open", _("Petitions open")),
    ("petitions_overdue", _("Petitions overdue")),
    ("petitions_settled", _("Petitions settled")),
    ("risks_found", _("Risks found")),
    ("risks_open", _("Risks open")),
    ("audits_done", _("Audits done")),
    ("audits_pending", _("Audits pending")),
    ("inspections", _("Inspections")),
)
EVENTS = (
    ("completed_villages", _("Elections held in the period")),
    ("steps_done", _("Procedure steps completed in the period")),
    ("petitions_received", _("Petitions received in the period")),
    ("risks_found", _("Risks found in the period")),
)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def period(kind: str, day: date) -> tuple[date, date]:
    if kind == ReportKind.DAILY:
        return day, day
    start = week_start(day)
    return start, start + timedelta(days=6)


def figures_now(
    campaign: Campaign, *, county: County, township: Township | None, fresh: bool = False
) -> dict:
    """The unit's report lines: the dashboard's stored figures of the unit, or (``fresh``, on
    submission) figures recomputed from the data now, which the dashboard then shows too."""
    unit = {"county": None if township else county, "township": township}
    if fresh:
        row = region_figures_refresh(campaign=campaign, **unit)
    else:
        row = figures_for(campaign, **unit)
    figures, extras = row.figures, row.extras
    counts = progress_counts(extras)
    stages = {}
    for group in extras["stage_by_batch"].values():
        for stage, n in group.items():
            stages[stage] = stages.get(stage, 0) + n
    audits = extras["audits"]
    return {
        "elections_total": counts.total,
        "elections_completed": counts.completed,
        "elections_in_progress": counts.in_progress,
        "elections_not_started": counts.not_started,
        "elections_postponed": counts.postponed,
        "completion_rate": figures["completion_rate"],
        "candidates_official": stages.get(Stage.OFFICIAL, 0),
        "candidates_elected": stages.get(Stage.ELECTED, 0),
        "candidates_disqualified": figures["candidates_disqualified"],
        "members": figures["members"],
        "petitions_received": figures["petitions_received"],
        "petitions_open": extras["petitions"]["open"],
        "petitions_overdue": extras["petitions"]["overdue"],
        "petitions_settled": figures["petitions_settled"],
        "risks_found": figures["measures_risks_found"],
        "risks_open": extras["risks"]["unresolved"],
        "audits_done": audits[AuditStatus.DONE],
        "audits_pending": audits[AuditStatus.PLANNED] + audits[AuditStatus.IN_PROGRESS],
        "inspections": figures["measures_inspections"],
    }


def events_in(
    campaign: Campaign, *, county: County, township: Township | None, start: date, end: date
) -> dict:
    """What happened in the period within the unit: a few counts and the villages that voted."""
    level = Level.TOWNSHIP if township else Level.COUNTY
    scope = stand_in(level, county, township)
    held = (
        Election.objects.visible_to(scope)
        .for_campaign(campaign)
        .filter(status=ElectionStatus.COMPLETED, held_date__range=(start, end))
        .order_by("held_date", "branch__village__code")
        .values_list("branch__village__name", flat=True)
    )
    villages = list(held[:200])
    return {
        "completed_villages": len(villages),
        "completed_village_names": villages,
        "steps_done": ElectionStep.objects.visible_to(scope)
        .filter(election__campaign=campaign, done_on__range=(start, end))
        .count(),
        "petitions_received": Petition.objects.visible_to(scope)
        .filter(received_on__range=(start, end))
        .count(),
        "risks_found": Risk.objects.visible_to(scope)
        .for_campaign(campaign)
        .filter(found_on__range=(start, end))
        .count(),
    }


def previous_report(report: ProgressReport) -> ProgressReport | None:
    """The unit's last submitted report before this one."""
    earlier = ProgressReport.objects.submitted().filter(
        kind=report.kind,
        campaign=report.campaign,
        county=report.county,
        township=report.township,
        period_start__lt=report.period_start,
    )
    return earlier.order_by("-period_start").first()


def changes(now: dict, before: dict | None) -> dict:
    """Each line's change since the previous report (None where there was none)."""
    result = {}
    for key, _label in ITEMS:
        new, old = now.get(key), (before or {}).get(key)
        if new is None or old is None or before is None:
            result[key] = None
        elif key == "completion_rate":
            result[key] = str(Decimal(new) - Decimal(old))
        else:
            result[key] = new - old
    return result


def report_get(
    kind: str,
    campaign: Campaign,
    *,
    county: County,
    township: Township | None,
    day: date,
    user: User,
) -> ProgressReport:
    """The stored report of the period as ``user`` may read it, or a new unsaved one; a draft
    is regenerated."""
    start, end = period(kind, day)
    report = ProgressReport.objects.visible_to(user).filter(
        kind=kind, campaign=campaign, county=county, township=township, period_start=start
    ).first() or ProgressReport(
        kind=kind,
        campaign=campaign,
        county=county,
        township=township,
        period_start=start,
        period_end=end,
    )
    if report.is_submitted:
        report.previous = previous_report(report)
    else:
        generate(report)
    return report


def generate(report: ProgressReport, *, fresh: bool = False) -> None:
    unit = {"county": report.county, "township": report.township}
    report.figures = figures_now(report.campaign, **unit, fresh=fresh)
    report.events = events_in(
        report.campaign, **unit, start=report.period_start, end=report.period_end
    )
    before = previous_report(report)
    report.changes = changes(report.figures, before.figures if before else None)
    report.previous = before


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    value: object
    previous: object
    change: object


def lines(report: ProgressReport) -> list[Line]:
    before = getattr(report, "previous", None)
    previous = before.figures if before else {}
    return [
        Line(
            key,
            str(label),
            report.figures.get(key),
            previous.get(key),
            (report.changes or {}).get(key),
        )
        for key, label in ITEMS
    ]


def event_lines(report: ProgressReport) -> list[tuple[str, object]]:
    return [(str(label), report.events.get(key)) for key, label in EVENTS]


@dataclass(frozen=True)
class BoardRow:
    unit: County | Township
    report: ProgressReport | None


def board(kind: str, campaign: Campaign, units: list, start: date, user: User) -> list[BoardRow]:
    """Each unit with its report of the period (None: not started); one query."""
    field = "township_id" if kind == ReportKind.DAILY else "county_id"
    reports = (
        ProgressReport.objects.visible_to(user)
        .filter(
            kind=kind,
            campaign=campaign,
            period_start=start,
            **{f"{field}__in": [u.pk for u in units]},
        )
        .select_related("submitted_by")
    )
    by_unit = {getattr(r, field): r for r in reports}
    return [BoardRow(u, by_unit.get(u.pk)) for u in units]
