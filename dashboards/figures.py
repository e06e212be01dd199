"""Each region's dashboard figures: computed by the refresh task (or once, on a page's first
visit to a region never computed), read by the pages.

The report's figures come from reports.statistics.compute_figures for the same scope, so the
dashboard and the report print the same numbers; ``extras`` adds the breakdowns the report has
no use for (by batch, by stage, open and overdue petitions, pending audits).
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import Role, User
from audits.models import Audit
from candidates.models import Candidacy, Stage
from dashboards import snapshots
from dashboards.models import Level, RegionFigures
from elections.models import Campaign, County, Election, Township
from oversight.models import InspectionVisit, Risk, RiskLevel, RiskStatus
from petitions.models import OPEN_Q, Petition, overdue_q
from reports import statistics
from reports.statistics import compute_figures

TOWNSHIP_PATH = "branch__village__township"


def stand_in(level: str, county: County | None = None, township: Township | None = None) -> User:
    """An unsaved user whose region is exactly the region: every count goes through the
    models' own visible_to, as the report's do (reports.statistics.scope_user)."""
    city = User(role=Role.CITY, is_active=True)
    if level == Level.TOWNSHIP:
        return statistics.scope_user(city, township=township)
    if level == Level.COUNTY:
        return statistics.scope_user(city, county=county)
    return city


jsonable = statistics.jsonable  # the figures as stored: Decimals as their printed text


def _grouped(queryset, keys: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """{first key: {second key: count}} with keys as text (JSON object keys)."""
    result: dict[str, dict[str, int]] = {}
    for row in queryset.order_by().values(*keys).annotate(n=Count("pk")):
        result.setdefault(str(row[keys[0]]), {})[str(row[keys[1]])] = row["n"]
    return result


def extras(scope: User, campaign: Campaign, today: date) -> dict:
    """The dashboard's breakdowns for the region of ``scope``; a fixed number of queries."""
    elections = Election.objects.visible_to(scope).for_campaign(campaign)
    candidacies = Candidacy.objects.visible_to(scope).filter(election__campaign=campaign)
    petitions = Petition.objects.visible_to(scope).during(campaign).order_by()
    risks = Risk.objects.visible_to(scope).for_campaign(campaign).order_by()
    disqualified = candidacies.filter(stage=Stage.DISQUALIFIED).order_by()
    return {
        "status_by_batch": _grouped(elections, ("batch", "status")),
        "method_by_batch": _grouped(elections, ("batch", "method")),
        "stage_by_batch": _grouped(candidacies, ("election__batch", "stage")),
        "disqualified_by_situation": {
            row["disqualifying_situation__name"] or "": row["n"]
            for row in disqualified.values("disqualifying_situation__name").annotate(n=Count("pk"))
        },
        "petitions": petitions.aggregate(
            open=Count("pk", filter=OPEN_Q), overdue=Count("pk", filter=overdue_q(today))
        ),
        "risks": risks.aggregate(
            resolved=Count("pk", filter=Q(status=RiskStatus.RESOLVED)),
            unresolved=Count("pk", filter=~Q(status=RiskStatus.RESOLVED)),
            high_unresolved=Count(
                "pk", filter=Q(level=RiskLevel.HIGH) & ~Q(status=RiskStatus.RESOLVED)
            ),
        ),
        "audits": Audit.objects.visible_to(scope).for_campaign(campaign).status_counts(),
        "follow_ups_pending": InspectionVisit.objects.visible_to(scope)
        .during(campaign)
        .follow_up_pending()
        .count(),
    }


def region_compute(
    campaign: Campaign,
    *,
    county: County | None = None,
    township: Township | None = None,
    counts: dict[str, int] | None = None,
) -> tuple[dict, dict]:
    """The region's report figures and breakdowns, computed now from the data; ``counts``
    are the region's additive counts when the caller has them already (campaign_figures_refresh
    counts every township in one pass and adds them up for counties and the city)."""
    level = Level.TOWNSHIP if township else Level.COUNTY if county else Level.CITY
    scope = stand_in(level, county, township)
    if counts is None:
        figures = compute_figures(
            campaign=campaign, user=stand_in(Level.CITY), county=county, township=township
        )
    else:
        wide = statistics.scope_wide(scope, campaign)
        figures = statistics.figures_of(campaign, counts, wide, county=county, township=township)
    breakdowns = extras(scope, campaign, timezone.localdate())
    breakdowns["timeline"] = snapshots.timeline(
        campaign,
        level=Level.COUNTY if level == Level.CITY else Level.TOWNSHIP,
        county_id=county.pk if level == Level.COUNTY else None,
        township_id=township.pk if township else None,
    )
    return jsonable(figures), breakdowns


@transaction.atomic
def region_figures_refresh(
    *,
    campaign: Campaign,
    county: County | None = None,
    township: Township | None = None,
    started: datetime | None = None,
    counts: dict[str, int] | None = None,
) -> RegionFigures:
    """Computes and stores one region's figures; ``computed_at`` is ``started`` if given (a
    run's start: data changed while it ran counts as changed since)."""
    started = started or timezone.now()
    figures, breakdowns = region_compute(campaign, county=county, township=township, counts=counts)
    if township is not None:
        key = {"level": Level.TOWNSHIP, "township": township}
        county = township.county
    elif county is not None:
        key = {"level": Level.COUNTY, "county": county}
    else:
        key = {"level": Level.CITY}
    values = {
        "figures": figures,
        "extras": breakdowns,
        "computed_at": started,
        "county": county,
        "township": township,
    }
    row, _created = RegionFigures.objects.update_or_create(
        campaign=campaign, **key, defaults=values
    )
    return row


def campaign_figures_refresh(*, campaign: Campaign, township_ids: list[int] | None = None) -> int:
    """Refreshes every region of the campaign, or only the given townships with their
    counties and the city; returns how many regions were computed. Every township is counted
    in one grouped pass (reports.statistics.count_units) and counties and the city add their
    townships' counts up, instead of counting each region from scratch."""
    started = timezone.now()
    everyone = list(Township.objects.select_related("county").order_by("code"))
    counted = statistics.count_units(
        stand_in(Level.CITY), campaign, "township", [t.pk for t in everyone]
    )
    townships = everyone
    if township_ids is not None:
        townships = [t for t in everyone if t.pk in set(township_ids)]
    county_ids = {t.county_id for t in townships}
    counties = County.objects.order_by("code")
    if township_ids is not None:
        counties = counties.filter(pk__in=county_ids)
    regions = 0
    for township in townships:
        region_figures_refresh(
            campaign=campaign, township=township, started=started, counts=counted[township.pk]
        )
        regions += 1
    by_county: dict[int, list[dict[str, int]]] = {}
    for township in everyone:
        by_county.setdefault(township.county_id, []).append(counted[township.pk])
    for county in counties:
        own = _sum(campaign, by_county.get(county.pk, []))
        region_figures_refresh(campaign=campaign, county=county, started=started, counts=own)
        regions += 1
    region_figures_refresh(
        campaign=campaign, started=started, counts=_sum(campaign, list(counted.values()))
    )
    return regions + 1


def _sum(campaign: Campaign, parts: list[dict[str, int]]) -> dict[str, int]:
    return statistics.add_counts(parts) or dict.fromkeys(statistics.count_keys(campaign), 0)


def changed_townships(campaign: Campaign) -> list[int] | None:
    """Townships with an election or a candidacy changed (entered, advanced, certified,
    unlocked) since the city's figures were computed; None when they never were (everything
    is due). Petitions, risks and audits wait for the hourly full refresh."""
    last = (
        RegionFigures.objects.for_campaign(campaign)
        .filter(level=Level.CITY)
        .aggregate(at=Max("computed_at"))["at"]
    )
    if last is None:
        return None
    elections = (
        Election.objects.for_campaign(campaign)
        .filter(updated_at__gte=last)
        .order_by()
        .values_list(f"{TOWNSHIP_PATH}_id", flat=True)
    )
    candidacies = (
        Candidacy.objects.filter(election__campaign=campaign, updated_at__gte=last)
        .order_by()
        .values_list(f"election__{TOWNSHIP_PATH}_id", flat=True)
    )
    return sorted(set(elections) | set(candidacies))


def figures_for(
    campaign: Campaign, *, county: County | None = None, township: Township | None = None
) -> RegionFigures:
    """The stored figures of one region; computed once here if the task never did."""
    rows = RegionFigures.objects.for_campaign(campaign)
    if township is not None:
        row = rows.filter(level=Level.TOWNSHIP, township=township).first()
    elif county is not None:
        row = rows.filter(level=Level.COUNTY, county=county).first()
    else:
        row = rows.filter(level=Level.CITY).first()
    if row is None or _too_old_without_beat(row.computed_at):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # Nor does a beat take the nightly progress snapshots: the days missing up to
            # yesterday are rebuilt from the elections' dates first, as backfill_progress does.
            yesterday = timezone.localdate() - timedelta(days=1)
            snapshots.snapshot_backfill(campaign=campaign, until=yesterday)
        return region_figures_refresh(campaign=campaign, county=county, township=township)
    return row


# Without a broker (the embedded default: SQLite, tasks in-process) there is no beat to refresh
# the stored figures either, so a page refreshes its own region when they are older than this.
EMBEDDED_MAX_AGE = timedelta(minutes=1)


def _too_old_without_beat(computed_at: datetime) -> bool:
    return bool(settings.CELERY_TASK_ALWAYS_EAGER) and (
        timezone.now() - computed_at > EMBEDDED_MAX_AGE
    )


def child_progress(campaign: Campaign, regions: list, level: str) -> dict[int, dict]:
    """The status counts by batch of the given counties or townships, by region id: their
    stored ones (one query that reads only that key of each row, not its whole figures), and
    for a region never computed, or one gone stale where no beat refreshes it, counted now
    from the elections, all such regions in one grouped query. A page shows its own region
    only: the refresh of a visit would otherwise leave the others at zero."""
    field = "township_id" if level == Level.TOWNSHIP else "county_id"
    rows = (
        RegionFigures.objects.for_campaign(campaign)
        .filter(level=level, **{f"{field}__in": [region.pk for region in regions]})
        .values_list(field, "extras__status_by_batch", "computed_at")
    )
    progress = {
        region: {"status_by_batch": counts or {}}
        for region, counts, computed_at in rows
        if not _too_old_without_beat(computed_at)
    }
    due = [region.pk for region in regions if region.pk not in progress]
    if due:
        progress.update(_status_by_batch_now(campaign, level, due))
    return progress


def _status_by_batch_now(campaign: Campaign, level: str, region_ids: list[int]) -> dict:
    """As ``extras`` counts ``status_by_batch``, for several regions of one level at once."""
    path = TOWNSHIP_PATH if level == Level.TOWNSHIP else f"{TOWNSHIP_PATH}__county"
    progress: dict[int, dict] = {pk: {"status_by_batch": {}} for pk in region_ids}
    elections = (
        Election.objects.visible_to(stand_in(Level.CITY))
        .for_campaign(campaign)
        .filter(**{f"{path}__in": region_ids})
        .order_by()
        .values_list(path, "batch", "status")
        .annotate(n=Count("pk"))
    )
    for region, batch, status, n in elections:
        progress[region]["status_by_batch"].setdefault(str(batch), {})[str(status)] = n
    return progress


def running_campaigns(today: date | None = None) -> list[Campaign]:
    """Campaigns under way today: the ones whose figures and progress still move."""
    today = today or timezone.localdate()
    return list(Campaign.objects.filter(start_date__lte=today, end_date__gte=today))
