"""What the pages and the report read: filtered lists within the user's region, and the counts
of the report's part 2 (difficult villages, risks found and resolved before the election,
secretaries adjusted, inspection groups and inspections, training)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import InspectionGroup, Role, User
from elections.models import Campaign, Township, Village
from oversight.models import (
    AdjustmentReason,
    InspectionVisit,
    Risk,
    RiskCategory,
    RiskLevel,
    RiskStatus,
    SecretaryAdjustment,
    TrainingLevel,
    TrainingSession,
)
from sheets.parsing import CellError, date_or_month

DIFFICULT_SHOWN = 100  # difficult villages listed on the risks page; filter to see the rest


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _day(value: str) -> date | None:
    try:
        parsed = date_or_month(value)
    except CellError:
        return None
    return parsed[0] if parsed else None


# Risks and adjustments ------------------------------------------------------------------------

RISK_FILTERS = ("township", "category", "level", "status", "q", "difficult")


def risk_filters(params: dict[str, str]) -> Q:
    query = _village_filters(params, "village__")
    if params.get("category") in RiskCategory.values:
        query &= Q(category=params["category"])
    if params.get("level") in RiskLevel.values:
        query &= Q(level=params["level"])
    if params.get("status") in RiskStatus.values:
        query &= Q(status=params["status"])
    if params.get("difficult") == "1":
        query &= Q(village__is_difficult=True)
    return query


def _village_filters(params: dict[str, str], prefix: str) -> Q:
    query = Q()
    if _digits(params.get("township", "")):
        query &= Q(**{f"{prefix}township_id": params["township"]})
    if params.get("q"):
        query &= Q(**{f"{prefix}name__contains": params["q"]}) | Q(
            **{f"{prefix}code__startswith": params["q"]}
        )
    return query


def listed_risks(user: User, campaign: Campaign, params: dict[str, str]) -> QuerySet[Risk]:
    return (
        Risk.objects.visible_to(user)
        .for_campaign(campaign)
        .filter(risk_filters(params))
        .select_related("village__township")
        .with_election_date()
    )


@dataclass(frozen=True)
class RiskCounts:
    found: int
    resolved: int
    resolved_before_election: int
    unresolved: int
    high_unresolved: int


def risk_counts(risks: QuerySet[Risk]) -> RiskCounts:
    plain = risks.order_by()
    totals = plain.aggregate(
        found=Count("pk"),
        resolved=Count("pk", filter=Q(status=RiskStatus.RESOLVED)),
        high_unresolved=Count(
            "pk", filter=Q(level=RiskLevel.HIGH) & ~Q(status=RiskStatus.RESOLVED)
        ),
    )
    return RiskCounts(
        found=totals["found"],
        resolved=totals["resolved"],
        resolved_before_election=plain.resolved_before_election().count(),
        unresolved=totals["found"] - totals["resolved"],
        high_unresolved=totals["high_unresolved"],
    )


def difficult_villages(user: User, campaign: Campaign, params: dict[str, str]) -> QuerySet:
    """The user's difficult villages (narrowed by the township and name filters), each with
    its risks in ``campaign``: how many, how many still unresolved."""
    in_campaign = Q(risks__campaign=campaign)
    return (
        Village.objects.visible_to(user)
        .filter(is_difficult=True)
        .filter(_village_filters(params, ""))
        .select_related("township")
        .annotate(
            risk_total=Count("risks", filter=in_campaign),
            risk_open=Count("risks", filter=in_campaign & ~Q(risks__status=RiskStatus.RESOLVED)),
        )
        .order_by("code")
    )


def difficult_panel(user: User, campaign: Campaign, params: dict[str, str]) -> dict[str, object]:
    """The risks page's difficult villages (the first DIFFICULT_SHOWN, and how many in all),
    and the villages it offers to flag: those of the chosen township, or of a township
    official's own, not flagged yet."""
    villages = difficult_villages(user, campaign, params)
    township = _flag_township(user, params)
    flaggable = Village.objects.visible_to(user).filter(township_id=township, is_difficult=False)
    return {
        "difficult": villages[:DIFFICULT_SHOWN],
        "difficult_total": villages.count(),
        "flag_township": township,
        "flaggable": flaggable if township else [],
    }


def _flag_township(user: User, params: dict[str, str]) -> int | None:
    if user.is_read_only:
        return None
    if _digits(params.get("township", "")):
        return int(params["township"])
    return user.township_id if user.role == Role.TOWNSHIP else None


ADJUSTMENT_FILTERS = ("township", "reason", "q")


def listed_adjustments(
    user: User, campaign: Campaign, params: dict[str, str]
) -> QuerySet[SecretaryAdjustment]:
    query = _village_filters(params, "village__")
    if params.get("reason") in AdjustmentReason.values:
        query &= Q(reason=params["reason"])
    return (
        SecretaryAdjustment.objects.visible_to(user)
        .for_campaign(campaign)
        .filter(query)
        .select_related("village__township")
    )


# Inspections ----------------------------------------------------------------------------------

VISIT_FILTERS = ("group", "township", "follow_up", "since", "until")


def listed_visits(user: User, params: dict[str, str]) -> QuerySet[InspectionVisit]:
    query = Q()
    if _digits(params.get("group", "")):
        query &= Q(group_id=params["group"])
    if _digits(params.get("township", "")):
        query &= Q(township_id=params["township"])
    if params.get("follow_up") == "pending":
        query &= ~Q(follow_up="") & Q(follow_up_done=False)
    elif params.get("follow_up") == "done":
        query &= Q(follow_up_done=True)
    since, until = _day(params.get("since", "")), _day(params.get("until", ""))
    if since:
        query &= Q(visited_on__gte=since)
    if until:
        query &= Q(visited_on__lte=until)
    return (
        InspectionVisit.objects.visible_to(user)
        .filter(query)
        .select_related("group", "township", "village")
    )


def groups_visible_to(user: User) -> QuerySet[InspectionGroup]:
    """The inspection groups of the user's region: the city sees all; an inspector its own
    group; others the groups assigned to a township of their region."""
    if not user.is_authenticated or not user.is_active or not (user.is_superuser or user.role):
        return InspectionGroup.objects.none()
    if user.is_city:
        return InspectionGroup.objects.all()
    if user.role == Role.INSPECTOR:
        return InspectionGroup.objects.filter(pk=user.inspection_group_id)
    townships = Township.objects.visible_to(user).values("pk")
    return InspectionGroup.objects.filter(townships__in=townships).distinct()


def group_page(user: User) -> QuerySet[InspectionGroup]:
    """Groups with their members, their townships and how many of their visits the user sees."""
    members = User.objects.filter(is_active=True).order_by("last_name", "first_name")
    visits = (
        InspectionVisit.objects.visible_to(user)
        .filter(group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        groups_visible_to(user)
        .annotate(visit_count=Coalesce(Subquery(visits), 0))
        .prefetch_related(
            Prefetch("members", queryset=members),
            Prefetch("townships", queryset=Township.objects.select_related("county")),
        )
        .order_by("name")
    )


# Training -------------------------------------------------------------------------------------

TRAINING_FILTERS = ("level", "county", "exam", "since", "until")


def listed_training(user: User, params: dict[str, str]) -> QuerySet[TrainingSession]:
    query = Q()
    if params.get("level") in TrainingLevel.values:
        query &= Q(level=params["level"])
    if _digits(params.get("county", "")):
        query &= Q(county_id=params["county"])
    if params.get("exam") in ("1", "0"):
        query &= Q(exam_taken=params["exam"] == "1")
    since, until = _day(params.get("since", "")), _day(params.get("until", ""))
    if since:
        query &= Q(held_on__gte=since)
    if until:
        query &= Q(held_on__lte=until)
    return (
        TrainingSession.objects.visible_to(user).filter(query).select_related("county", "township")
    )


# The report's part 2 --------------------------------------------------------------------------


def measure_counts(*, campaign: Campaign, user: User) -> dict[str, int]:
    """The counts of this app's measures in ``campaign``, within ``user``'s region."""
    risks = Risk.objects.visible_to(user).for_campaign(campaign)
    return {
        "difficult_villages": Village.objects.visible_to(user).filter(is_difficult=True).count(),
        "risks_found": risks.found().count(),
        "risks_resolved_before_election": risks.resolved_before_election().count(),
        "secretaries_adjusted": SecretaryAdjustment.objects.visible_to(user)
        .for_campaign(campaign)
        .before_election()
        .count(),
        **oversight_counts(campaign=campaign, user=user),
    }


def oversight_counts(*, campaign: Campaign, user: User) -> dict[str, int]:
    """Inspection groups, inspections and training: the measures that are not counted by
    village (a group covers several townships, a county or the city trains), so the report
    counts them once for its whole scope (reports.statistics.scope_wide)."""
    visits = InspectionVisit.objects.visible_to(user).during(campaign)
    training = TrainingSession.objects.visible_to(user).during(campaign).totals()
    return {
        "inspection_groups": groups_visible_to(user).count(),
        "inspections": visits.count(),
        "training_sessions": training["sessions"],
        "people_trained": training["trained"],
    }
