"""Read-only queries behind the petition pages, the export and the report.

Everything starts from ``Petition.objects.visible_to(user)``: a list, a count, an export or a
report figure never reaches a petition the user may not read (信访工作条例 art. 30).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.models import Candidacy
from elections.models import Campaign, County, Village
from petitions import deadlines, services
from petitions.models import (
    GROUP_VISIT_TO_CITY_Q,
    OPEN_Q,
    SETTLED_Q,
    Category,
    Channel,
    Level,
    Petition,
    PetitionAttachment,
    PetitionEvent,
    Status,
    due_within_q,
    overdue_q,
)
from reports.rounding import percent

FILTERS = ("status", "channel", "category", "level", "county", "overdue", "campaign", "q")
OVERDUE_CHOICES = (("yes", "overdue"), ("soon", "due_soon"))


def petition_queryset() -> QuerySet[Petition]:
    return Petition.objects.select_related(
        "county",
        "receiving_township",
        "about_township",
        "village__township",
        "election__campaign",
        "candidacy__person",
        "registered_by",
    )


def find_candidacy(
    user: User, village: Village, name: str, received_on: date | None
) -> Candidacy | None:
    """The candidate named ``name`` in ``village``'s elections that ``user`` can see: the
    campaign running on ``received_on`` first, else the latest. None if there is none."""
    candidacies = Candidacy.objects.visible_to(user).filter(
        election__branch__village=village, person__name=name.strip()
    )
    if received_on is not None:
        running = candidacies.filter(
            election__campaign__start_date__lte=received_on,
            election__campaign__end_date__gte=received_on,
        ).first()
        if running is not None:
            return running
    return candidacies.order_by("-election__campaign__start_date", "pk").first()


def filter_params(query: dict) -> dict[str, str]:
    return {key: str(query.get(key, "")).strip() for key in FILTERS}


def listed_petitions(user: User, params: dict[str, str], today: date) -> QuerySet[Petition]:
    """The petitions the list shows for ``params``; the export honours the same filters."""
    petitions = petition_queryset().visible_to(user)
    choices = {
        "status": Status.values,
        "channel": Channel.values,
        "category": Category.values,
        "level": Level.values,
    }
    for key, allowed in choices.items():
        if params.get(key) in allowed:
            petitions = petitions.filter(**{key: params[key]})
    if params.get("county", "").isdigit():
        petitions = petitions.filter(county_id=params["county"])
    if params.get("overdue") == "yes":
        petitions = petitions.overdue(today)
    elif params.get("overdue") == "soon":
        petitions = petitions.due_within(today, deadlines.DUE_SOON_DAYS)
    campaign = selected_campaign(user, params)
    if campaign is not None:
        petitions = petitions.during(campaign)
    if params.get("q"):
        words = params["q"]
        petitions = petitions.filter(
            Q(number__contains=words)
            | Q(content__contains=words)
            | Q(village__name__contains=words)
        )
    return petitions


def selected_campaign(user: User, params: dict[str, str]) -> Campaign | None:
    chosen = params.get("campaign", "")
    if not chosen.isdigit():
        return None
    return Campaign.objects.visible_to(user).filter(pk=chosen).first()


@dataclass(frozen=True)
class Counts:
    total: int
    open: int
    overdue: int
    due_soon: int
    settled: int
    to_city: int
    group_visits_to_city: int


def petition_counts(petitions: QuerySet[Petition], today: date) -> Counts:
    """The figures above the list, in one query, for the petitions as filtered."""
    figures = petitions.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=OPEN_Q),
        overdue=Count("pk", filter=overdue_q(today)),
        due_soon=Count("pk", filter=due_within_q(today, deadlines.DUE_SOON_DAYS)),
        settled=Count("pk", filter=SETTLED_Q),
        to_city=Count("pk", filter=Q(level=Level.CITY)),
        group_visits_to_city=Count("pk", filter=GROUP_VISIT_TO_CITY_Q),
    )
    return Counts(**figures)


@dataclass(frozen=True)
class CampaignFigures:
    """What the report says of petitions in a campaign, within the user's reach."""

    received: int
    settled: int
    settlement_rate: Decimal | None
    to_city: int
    to_city_previous: int | None
    to_city_share_of_previous: Decimal | None
    group_visits_to_city: int
    overdue: int


def campaign_figures(user: User, campaign: Campaign, today: date) -> CampaignFigures:
    """Petitions of the campaign for the report: counted from ``visible_to(user)`` only."""
    visible = Petition.objects.visible_to(user)
    during = visible.during(campaign)
    received = during.count()
    settled = during.settled().count()
    to_city = during.to_city().count()
    previous = visible.during(campaign.previous).to_city().count() if campaign.previous_id else None
    return CampaignFigures(
        received=received,
        settled=settled,
        settlement_rate=percent(settled, received),
        to_city=to_city,
        to_city_previous=previous,
        to_city_share_of_previous=percent(to_city, previous) if previous else None,
        group_visits_to_city=during.group_visits_to_city().count(),
        overdue=during.overdue(today).count(),
    )


@dataclass(frozen=True)
class DeadlineRow:
    label: str
    deadline: deadlines.Deadline | None
    due: date | None
    state: deadlines.DeadlineState
    explanation: str


def _explain(deadline: deadlines.Deadline) -> str:
    """Why the due date is not the nominal one: the days off it moved over."""
    if not deadline.moved:
        return ""
    names = []
    for _day, name in deadline.skipped:
        if name not in names:
            names.append(name)
    return _(
        "Day %(days)d after %(event)s is %(nominal)s, a day off (%(why)s); the deadline moves "
        "to the next working day, %(due)s (Civil Code art. 203)."
    ) % {
        "days": deadline.days,
        "event": deadline.event.isoformat(),
        "nominal": deadline.nominal.isoformat(),
        "why": "、".join(names),
        "due": deadline.due.isoformat(),
    }


def deadline_rows(petition: Petition, today: date) -> list[DeadlineRow]:
    """The decision and settlement deadlines as the detail page explains them."""
    cal = services.calendar()
    decision = services.decision_deadline(petition, cal)
    rows = [
        DeadlineRow(
            label=_("Decision whether to accept (15 days)"),
            deadline=decision,
            due=petition.decision_due,
            state=petition.decision_state(today),
            explanation=_explain(decision),
        )
    ]
    settle = services.settle_deadline(petition, cal)
    if settle is not None:
        label = _("Settlement (60 days)")
        if petition.extension_days:
            label = _("Settlement (60 days, extended by %(days)d)") % {
                "days": petition.extension_days
            }
        rows.append(
            DeadlineRow(
                label=label,
                deadline=settle,
                due=petition.settle_due,
                state=petition.settle_state(today),
                explanation=_explain(settle),
            )
        )
    return rows


def timeline(petition: Petition) -> QuerySet[PetitionEvent]:
    return petition.events.select_related("by").order_by("at", "pk")


def attachments(petition: Petition) -> QuerySet[PetitionAttachment]:
    return petition.attachments.select_related("uploaded_by")


def counties_for(user: User) -> QuerySet[County]:
    return County.objects.visible_to(user)
