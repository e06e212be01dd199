"""The statistics engine: every figure of the report for a campaign and a scope.

``compute_figures`` returns a flat dict of stable keys (documented in docs/figures.md). Every
figure is counted in the database with conditional aggregation: a fixed number of queries
whatever the number of villages or people. Ages are full years (周岁) on the campaign's
reference date; percentages are one decimal, half up (reports.rounding.percent).

The scope is the user's region (each model's ``visible_to``), optionally narrowed to one county
or township the user sees in full. Comparisons read the previous campaign within the same scope,
through its own elections (so its own villages, whatever merged or split since).
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accounts.models import Role, User
from audits.models import Audit, AuditStatus
from candidates.models import (
    COLLEGE_OR_ABOVE,
    Candidacy,
    CommitteeMember,
    Education,
    Gender,
    Post,
    Source,
    Stage,
)
from elections.models import (
    Campaign,
    County,
    Election,
    ElectionStatus,
    Method,
    Township,
    VillageKind,
)
from oversight.selectors import measure_counts
from petitions.selectors import campaign_figures
from reports.rounding import ONE_DECIMAL, percent

BIRTH = "candidacy__person__birth_date"
RURAL = Q(election__branch__village__kind=VillageKind.RURAL)
SCOPE_REFUSED = "The requested county or township is not wholly within your region."


# Scope ----------------------------------------------------------------------------------------


def scope_user(user: User, *, county: County | None = None, township: Township | None = None):
    """The user whose region is the scope: ``user`` itself, or an unsaved stand-in with the
    region of ``county`` / ``township`` when ``user`` sees that unit in full. Every count then
    goes through the models' own ``visible_to``. Raises PermissionDenied otherwise."""
    if township is not None and county is not None and township.county_id != county.pk:
        raise PermissionDenied(SCOPE_REFUSED)
    if township is not None:
        if user.is_active and (
            user.is_city or (user.role == Role.COUNTY and user.county_id == township.county_id)
        ):
            return User(
                role=Role.TOWNSHIP,
                county_id=township.county_id,
                township_id=township.pk,
                is_active=True,
            )
        if user.role == Role.TOWNSHIP and user.township_id == township.pk:
            return user
        raise PermissionDenied(SCOPE_REFUSED)
    if county is not None:
        if user.is_active and user.is_city:
            return User(role=Role.COUNTY, county_id=county.pk, is_active=True)
        if user.role == Role.COUNTY and user.county_id == county.pk:
            return user
        raise PermissionDenied(SCOPE_REFUSED)
    return user


# Ages -----------------------------------------------------------------------------------------


def years_before(day: date, years: int) -> date:
    """``day`` minus ``years``; 29 February falls back to the 28th in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_at_least(reference: date, years: int, field: str = BIRTH) -> Q:
    """Full years on ``reference`` ≥ ``years`` (so "N岁以上" includes N)."""
    return Q(**{f"{field}__lte": years_before(reference, years)})


def age_at_most(reference: date, years: int, field: str = BIRTH) -> Q:
    """Full years on ``reference`` ≤ ``years`` (so "N岁以下" includes N)."""
    return ~age_at_least(reference, years + 1, field)


def age_expression(reference: date, field: str = BIRTH):
    """Full years on ``reference`` as SQL: year difference, less one before the birthday."""
    after = Q(**{f"{field}__month__gt": reference.month}) | Q(
        **{f"{field}__month": reference.month, f"{field}__day__gt": reference.day}
    )
    before_birthday = Case(When(after, then=Value(1)), default=Value(0))
    return Value(reference.year) - ExtractYear(field) - before_birthday


def age_sum(reference: date, condition: Q | None = None) -> Sum:
    return Sum(age_expression(reference), filter=condition, output_field=IntegerField())


def mean(total: int | None, count: int) -> Decimal | None:
    """The mean to one decimal, half up; None when there is nothing to average."""
    if not count:
        return None
    return (Decimal(total or 0) / Decimal(count)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def change_percent(new: int | None, old: int | None) -> Decimal | None:
    """Change in percent of the old value (negative: a fall); None without an old value."""
    if new is None or not old:
        return None
    return percent(new - old, old)


def change_points(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    """Change in percentage points between the two shares as printed (one decimal)."""
    if new is None or old is None:
        return None
    return new - old


# Blocks ---------------------------------------------------------------------------------------


def _elections(user: User, campaign: Campaign):
    return Election.objects.visible_to(user).for_campaign(campaign).order_by()


def _members(user: User, campaign: Campaign):
    return CommitteeMember.objects.visible_to(user).filter(election__campaign=campaign).order_by()


def completion(user: User, campaign: Campaign) -> dict:
    counts = _elections(user, campaign).aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(status=ElectionStatus.COMPLETED)),
        postponed=Count("pk", filter=Q(status=ElectionStatus.POSTPONED)),
    )
    return {
        "elections_total": counts["total"],
        "elections_completed": counts["completed"],
        "elections_postponed": counts["postponed"],
        "completion_rate": percent(counts["completed"], counts["total"]),
    }


def methods(user: User, campaign: Campaign) -> dict:
    completed = _elections(user, campaign).filter(status=ElectionStatus.COMPLETED)
    counts = completed.aggregate(
        total=Count("pk"),
        **{m.value: Count("pk", filter=Q(method=m.value)) for m in Method},
    )
    figures = {}
    for m in Method:
        figures[f"method_{m.value}"] = counts[m.value]
        figures[f"method_{m.value}_share"] = percent(counts[m.value], counts["total"])
    return figures


def petitions(user: User, campaign: Campaign) -> dict:
    found = campaign_figures(user, campaign, timezone.localdate())
    return {
        "petitions_to_city": found.to_city,
        "petitions_to_city_previous": found.to_city_previous,
        "petitions_to_city_share_of_previous": found.to_city_share_of_previous,
        "petitions_group_visits_to_city": found.group_visits_to_city,
        "petitions_received": found.received,
        "petitions_settled": found.settled,
        "petitions_settlement_rate": found.settlement_rate,
    }


def _member_counts(user: User, campaign: Campaign) -> dict:
    r = campaign.reference_date
    education = "candidacy__education"
    return _members(user, campaign).aggregate(
        count=Count("pk"),
        age_sum=age_sum(r),
        age_35=Count("pk", filter=age_at_most(r, 35)),
        age_45=Count("pk", filter=age_at_most(r, 45)),
        age_55_plus=Count("pk", filter=age_at_least(r, 55)),
        postgraduates=Count("pk", filter=Q(**{education: Education.POSTGRADUATE})),
        bachelors=Count("pk", filter=Q(**{education: Education.BACHELOR})),
        college=Count("pk", filter=Q(**{f"{education}__in": COLLEGE_OR_ABOVE})),
        women=Count("pk", filter=Q(candidacy__person__gender=Gender.FEMALE)),
        women_directors=Count("pk", filter=Q(candidacy__women_director=True)),
        **{f"source_{s.value}": Count("pk", filter=Q(candidacy__source=s.value)) for s in Source},
    )


def members(user: User, campaign: Campaign, previous: Campaign | None) -> dict:
    now = _member_counts(user, campaign)
    old = _member_counts(user, previous) if previous else None
    n = now["count"]
    seated = CommitteeMember.objects.filter(election=OuterRef("pk"))
    with_committee = (
        _elections(user, campaign)
        .filter(Exists(seated))
        .aggregate(
            total=Count("pk"),
            without_woman=Count(
                "pk", filter=~Q(Exists(seated.filter(candidacy__person__gender=Gender.FEMALE)))
            ),
            with_director=Count(
                "pk", filter=Q(Exists(seated.filter(candidacy__women_director=True)))
            ),
        )
    )
    figures = {
        "members": n,
        "members_previous": old["count"] if old else None,
        "members_change_people": n - old["count"] if old else None,
        "members_mean_age": mean(now["age_sum"], n),
        "members_age_35_or_under": now["age_35"],
        "members_age_35_or_under_share": percent(now["age_35"], n),
        "members_age_45_or_under": now["age_45"],
        "members_age_45_or_under_share": percent(now["age_45"], n),
        "members_age_55_or_over": now["age_55_plus"],
        "members_age_55_or_over_share": percent(now["age_55_plus"], n),
        "members_postgraduates": now["postgraduates"],
        "members_postgraduates_previous": old["postgraduates"] if old else None,
        "members_postgraduates_change_people": (
            now["postgraduates"] - old["postgraduates"] if old else None
        ),
        "members_bachelors": now["bachelors"],
        "members_bachelors_share": percent(now["bachelors"], n),
        "members_college_or_above": now["college"],
        "members_college_or_above_share": percent(now["college"], n),
        "members_women": now["women"],
        "members_women_share": percent(now["women"], n),
        "members_women_directors": now["women_directors"],
        "committees": with_committee["total"],
        "committees_without_woman": with_committee["without_woman"],
        "committees_with_women_director": with_committee["with_director"],
        "committees_with_women_director_share": percent(
            with_committee["with_director"], with_committee["total"]
        ),
    }
    figures.update(_sources("members", now, n))
    return figures


def _sources(prefix: str, counts: dict, whole: int) -> dict:
    figures = {}
    for s in Source:
        figures[f"{prefix}_source_{s.value}"] = counts[f"source_{s.value}"]
        figures[f"{prefix}_source_{s.value}_share"] = percent(counts[f"source_{s.value}"], whole)
    return figures


def secretaries(user: User, campaign: Campaign) -> dict:
    r = campaign.reference_date
    counts = (
        _members(user, campaign)
        .filter(post=Post.SECRETARY)
        .aggregate(
            count=Count("pk"),
            age_sum=age_sum(r),
            strong_two=Count("pk", filter=Q(candidacy__strong_two=True)),
            college=Count("pk", filter=Q(candidacy__education__in=COLLEGE_OR_ABOVE)),
            age_45=Count("pk", filter=age_at_most(r, 45)),
            **{
                f"source_{s.value}": Count("pk", filter=Q(candidacy__source=s.value))
                for s in Source
            },
        )
    )
    n = counts["count"]
    figures = {
        "secretaries": n,
        "secretaries_strong_two": counts["strong_two"],
        "secretaries_strong_two_share": percent(counts["strong_two"], n),
        "secretaries_college_or_above": counts["college"],
        "secretaries_college_or_above_share": percent(counts["college"], n),
        "secretaries_mean_age": mean(counts["age_sum"], n),
        "secretaries_age_45_or_under": counts["age_45"],
        "secretaries_age_45_or_under_share": percent(counts["age_45"], n),
    }
    figures.update(_sources("secretaries", counts, n))
    return figures


LOCAL_OR_RETURNEE = Q(candidacy__source__in=[Source.LOCAL_CAPABLE, Source.RETURNEE])
STRONG_AND_LEADING = Q(candidacy__strong_two=True, candidacy__lead_two=True)


def _rural_counts(user: User, campaign: Campaign, previous: Campaign | None) -> dict:
    r = campaign.reference_date
    extra = {}
    if previous is not None:
        re_elected = CommitteeMember.objects.filter(
            post=Post.SECRETARY,
            election__campaign=previous,
            election__branch=OuterRef("election__branch"),
            candidacy__person=OuterRef("candidacy__person"),
        )
        new = ~Q(Exists(re_elected))
        extra = {"new": Count("pk", filter=new), "new_age_sum": age_sum(r, new)}
    return (
        _members(user, campaign)
        .filter(RURAL, post=Post.SECRETARY)
        .aggregate(
            count=Count("pk"),
            age_sum=age_sum(r),
            age_40=Count("pk", filter=age_at_most(r, 40)),
            age_41_54=Count("pk", filter=age_at_least(r, 41) & age_at_most(r, 54)),
            age_55_plus=Count("pk", filter=age_at_least(r, 55)),
            local_or_returnee=Count("pk", filter=LOCAL_OR_RETURNEE),
            strong_and_leading=Count("pk", filter=STRONG_AND_LEADING),
            **extra,
        )
    )


def rural_secretaries(user: User, campaign: Campaign, previous: Campaign | None) -> dict:
    now = _rural_counts(user, campaign, previous)
    old = _rural_counts(user, previous, None) if previous else None
    n = now["count"]
    local = percent(now["local_or_returnee"], n)
    leading = percent(now["strong_and_leading"], n)
    old_local = percent(old["local_or_returnee"], old["count"]) if old else None
    old_leading = percent(old["strong_and_leading"], old["count"]) if old else None
    new = now.get("new")
    return {
        "rural_secretaries": n,
        "rural_secretaries_mean_age": mean(now["age_sum"], n),
        "rural_secretaries_age_40_or_under": now["age_40"],
        "rural_secretaries_age_40_or_under_share": percent(now["age_40"], n),
        "rural_secretaries_age_41_to_54": now["age_41_54"],
        "rural_secretaries_age_41_to_54_share": percent(now["age_41_54"], n),
        "rural_secretaries_age_55_or_over": now["age_55_plus"],
        "rural_secretaries_age_55_or_over_share": percent(now["age_55_plus"], n),
        "rural_secretaries_age_55_or_over_previous": old["age_55_plus"] if old else None,
        "rural_secretaries_age_55_or_over_change_percent": change_percent(
            now["age_55_plus"], old["age_55_plus"] if old else None
        ),
        "rural_secretaries_new": new,
        "rural_secretaries_new_share": percent(new, n) if new is not None else None,
        "rural_secretaries_new_mean_age": mean(now["new_age_sum"], new) if new else None,
        "rural_secretaries_local_or_returnee": now["local_or_returnee"],
        "rural_secretaries_local_or_returnee_share": local,
        "rural_secretaries_local_or_returnee_share_previous": old_local,
        "rural_secretaries_local_or_returnee_change_points": change_points(local, old_local),
        "rural_secretaries_strong_and_leading": now["strong_and_leading"],
        "rural_secretaries_strong_and_leading_share": leading,
        "rural_secretaries_strong_and_leading_share_previous": old_leading,
        "rural_secretaries_strong_and_leading_change_points": change_points(leading, old_leading),
    }


def measures(user: User, campaign: Campaign) -> dict:
    figures = {
        f"measures_{key}": value
        for key, value in measure_counts(campaign=campaign, user=user).items()
    }
    audits = Audit.objects.visible_to(user).for_campaign(campaign).status_counts()
    figures["audits_total"] = sum(audits.values())
    figures["audits_done"] = audits[AuditStatus.DONE]
    figures["candidates_disqualified"] = (
        Candidacy.objects.visible_to(user)
        .filter(election__campaign=campaign, stage=Stage.DISQUALIFIED)
        .count()
    )
    return figures


# The whole --------------------------------------------------------------------------------------


def compute_figures(
    *,
    campaign: Campaign,
    user: User,
    county: County | None = None,
    township: Township | None = None,
) -> dict:
    """Every figure of the report's part 1 and the counts of part 2, keyed as docs/figures.md
    says, for ``campaign`` within ``user``'s region (narrowed to ``county`` or ``township``)."""
    scope = scope_user(user, county=county, township=township)
    previous = campaign.previous
    figures = {
        "campaign": campaign.name,
        "previous_campaign": previous.name if previous else None,
        "reference_date": campaign.reference_date.isoformat(),
        "county": county.code if county else None,
        "township": township.code if township else None,
    }
    figures.update(completion(scope, campaign))
    figures.update(methods(scope, campaign))
    figures.update(petitions(scope, campaign))
    figures.update(members(scope, campaign, previous))
    figures.update(secretaries(scope, campaign))
    figures.update(rural_secretaries(scope, campaign, previous))
    figures.update(measures(scope, campaign))
    return figures
