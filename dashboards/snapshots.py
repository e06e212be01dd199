"""Progress over time: one row per county and township per day.

``snapshot_take`` records today's status counts (the periodic task; re-running it the same
day replaces that day's rows). ``snapshot_backfill`` rebuilds the days before the first
snapshot from the dates already recorded: an election counts as completed from its date held,
in progress from its first completed step or vote round, and postponed from its last change.
The last is an approximation (the date of postponing is not recorded): those rows are marked
``backfilled``.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate

from dashboards.models import Level, ProgressSnapshot
from elections.models import Campaign, Election, ElectionStatus
from reports.rounding import percent

TOWNSHIP = "branch__village__township_id"
COUNTY = "branch__village__township__county_id"
COUNTS = ("total", "completed", "in_progress", "not_started", "postponed")


def _rows(
    campaign: Campaign, day: date, counts: dict[tuple[int, int], dict], backfilled: bool
) -> list[ProgressSnapshot]:
    """Township rows from ``counts`` keyed by (county, township), and their county sums."""
    rows, by_county = [], defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for (county, township), c in counts.items():
        rows.append(
            ProgressSnapshot(
                campaign=campaign,
                day=day,
                level=Level.TOWNSHIP,
                county_id=county,
                township_id=township,
                backfilled=backfilled,
                **c,
            )
        )
        for key in COUNTS:
            by_county[county][key] += c[key]
    for county, c in by_county.items():
        rows.append(
            ProgressSnapshot(
                campaign=campaign,
                day=day,
                level=Level.COUNTY,
                county_id=county,
                backfilled=backfilled,
                **c,
            )
        )
    return rows


@transaction.atomic
def snapshot_take(*, campaign: Campaign, day: date) -> int:
    """Records ``day``'s counts from the elections' present status; idempotent per day."""
    statuses = {s: Count("pk", filter=Q(status=s)) for s in ElectionStatus.values}
    grouped = (
        Election.objects.for_campaign(campaign)
        .order_by()
        .values(COUNTY, TOWNSHIP)
        .annotate(total=Count("pk"), **statuses)
    )
    counts = {(g[COUNTY], g[TOWNSHIP]): {k: g[k] for k in COUNTS} for g in grouped}
    ProgressSnapshot.objects.filter(campaign=campaign, day=day).delete()
    return len(ProgressSnapshot.objects.bulk_create(_rows(campaign, day, counts, False)))


@dataclass(frozen=True)
class History:
    """When one election started, was completed or postponed (None: not by any day known)."""

    county: int
    township: int
    started: date | None
    completed: date | None
    postponed: date | None

    def status_on(self, day: date) -> str:
        if self.completed and self.completed <= day:
            return ElectionStatus.COMPLETED
        if self.postponed and self.postponed <= day:
            return ElectionStatus.POSTPONED
        if self.started and self.started <= day:
            return ElectionStatus.IN_PROGRESS
        return ElectionStatus.NOT_STARTED


def histories(campaign: Campaign) -> list[History]:
    """Every election's recorded dates, in one query."""
    elections = (
        Election.objects.for_campaign(campaign)
        .order_by()
        .annotate(
            first_step=Min("steps__done_on"),
            first_round=Min("rounds__held_on"),
            changed_on=TruncDate("updated_at"),
        )
        .values(COUNTY, TOWNSHIP, "status", "held_date", "first_step", "first_round", "changed_on")
    )
    result = []
    for e in elections.iterator(chunk_size=5000):
        known = [d for d in (e["first_step"], e["first_round"]) if d]
        started = min(known) if known else None
        if started is None and e["status"] == ElectionStatus.IN_PROGRESS:
            started = e["changed_on"]
        completed = e["held_date"] if e["status"] == ElectionStatus.COMPLETED else None
        postponed = e["changed_on"] if e["status"] == ElectionStatus.POSTPONED else None
        result.append(History(e[COUNTY], e[TOWNSHIP], started, completed, postponed))
    return result


def _counts_on(elections: list[History], day: date) -> dict[tuple[int, int], dict]:
    counts: dict[tuple[int, int], dict] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for e in elections:
        c = counts[(e.county, e.township)]
        c["total"] += 1
        c[e.status_on(day)] += 1
    return counts


@transaction.atomic
def snapshot_backfill(*, campaign: Campaign, until: date, replace: bool = False) -> tuple[int, int]:
    """Rebuilds the days from the campaign's start to ``until`` (at most its end) that have no
    snapshot yet, or all of them with ``replace``; returns (days written, rows written)."""
    last = min(until, campaign.end_date)
    days = [
        campaign.start_date + timedelta(n) for n in range((last - campaign.start_date).days + 1)
    ]
    existing = ProgressSnapshot.objects.filter(campaign=campaign, day__in=days)
    if replace:
        existing.delete()
        taken = set()
    else:
        taken = set(existing.values_list("day", flat=True).distinct())
    written = [d for d in days if d not in taken]
    if not written:
        return 0, 0
    elections = histories(campaign)
    rows = []
    for day in written:
        rows.extend(_rows(campaign, day, _counts_on(elections, day), True))
    # Two first visits at once (no beat: a page backfills) may write the same days: the one
    # that comes second leaves them as they are.
    ProgressSnapshot.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(written), len(rows)


def timeline(
    campaign: Campaign,
    *,
    level: str,
    county_id: int | None = None,
    township_id: int | None = None,
) -> dict:
    """The completion rate per region and day, for the chart: counties of the city, townships
    of one county, or one township. {"days": [...], "rates": {region id: [rate or None]}};
    the figures refresh stores it with the region (RegionFigures.extras["timeline"])."""
    rows = ProgressSnapshot.objects.filter(campaign=campaign, level=level)
    if county_id is not None:
        rows = rows.filter(county_id=county_id)
    if township_id is not None:
        rows = rows.filter(township_id=township_id)
    key = "township_id" if level == Level.TOWNSHIP else "county_id"
    by_region: dict[int, dict[str, float | None]] = defaultdict(dict)
    days: set[str] = set()
    for region, day, completed, total in rows.order_by().values_list(
        key, "day", "completed", "total"
    ):
        rate = percent(completed, total)
        by_region[region][day.isoformat()] = float(rate) if rate is not None else None
        days.add(day.isoformat())
    ordered = sorted(days)
    return {
        "days": ordered,
        "rates": {str(r): [values.get(d) for d in ordered] for r, values in by_region.items()},
    }
