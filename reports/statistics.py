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
    Village,
    VillageKind,
)
from oversight.models import Risk, SecretaryAdjustment
from oversight.selectors import oversight_counts
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


# Counting -------------------------------------------------------------------------------------
#
# The work is split so that it can fan out over Celery workers and be merged: ``count_units``
# returns additive counts (numbers of rows, sums of ages) per unit (county or township) in one
# grouped pass over each table, and the counts of disjoint units add up to the counts of their
# union (``add_counts``); ``derive`` turns counts into the report's figures (shares, means,
# changes), always from summed counts, never by averaging shares. The few figures that are not
# sums over villages (petitions, which may concern the city itself; inspection groups, which may
# cover several counties; training held by a county or the city) are ``scope_wide`` figures,
# counted once for the whole scope.
#
# Counting units in one grouped query (rather than one query per unit) matters: at province
# scale 88 counties counted one by one cost 4.5 times one pass over the whole province.


class Unit:
    """How each counted table reaches a unit from its village."""

    def __init__(self, kind: str) -> None:
        if kind not in ("county", "township", "whole"):
            raise ValueError(kind)
        self.kind = kind

    def path(self, to_village: str) -> str | None:
        if self.kind == "whole":
            return None
        prefix = f"{to_village}__" if to_village else ""
        return f"{prefix}township__county" if self.kind == "county" else f"{prefix}township"


WHOLE = 0  # the "unit" of count_units(…, "whole", …): the user's whole region, ungrouped


def _grouped(rows, path: str | None, ids: list[int], **aggregates) -> dict[int, dict]:
    """``aggregates`` per unit (rows outside ``ids`` left out), one GROUP BY query; with no
    path, over all ``rows`` in one plain aggregate (cheaper: no grouping)."""
    if path is None:
        return {WHOLE: rows.order_by().aggregate(**aggregates)}
    found = rows.filter(**{f"{path}__in": ids}).order_by().values(path).annotate(**aggregates)
    return {row.pop(path): row for row in found}


def _elections(user: User, campaign: Campaign):
    return Election.objects.visible_to(user).for_campaign(campaign).order_by()


def _members(user: User, campaign: Campaign):
    return CommitteeMember.objects.visible_to(user).filter(election__campaign=campaign).order_by()


def _election_counts(user: User, campaign: Campaign, unit: Unit, ids: list[int]) -> dict:
    completed = Q(status=ElectionStatus.COMPLETED)
    # Villages and townships of the campaign (those with one of its elections): a village
    # merged away since the previous campaign still exists as a row, for that campaign's sake.
    return _grouped(
        _elections(user, campaign),
        unit.path("branch__village"),
        ids,
        townships=Count("branch__village__township", distinct=True),
        villages=Count("branch__village", distinct=True),
        elections_total=Count("pk"),
        elections_completed=Count("pk", filter=completed),
        elections_postponed=Count("pk", filter=Q(status=ElectionStatus.POSTPONED)),
        **{f"method_{m.value}": Count("pk", filter=completed & Q(method=m.value)) for m in Method},
    )


def _aggregates(prefix: str, where: Q, reference: date, fields: tuple[str, ...]) -> dict:
    """Conditional aggregates over committee seats: each named figure of ``fields`` counted
    among the seats matching ``where``, ages on ``reference``."""
    r = reference
    education = "candidacy__education"
    available = {
        "count": Q(),
        "age_35": age_at_most(r, 35),
        "age_40": age_at_most(r, 40),
        "age_41_54": age_at_least(r, 41) & age_at_most(r, 54),
        "age_45": age_at_most(r, 45),
        "age_55_plus": age_at_least(r, 55),
        "postgraduates": Q(**{education: Education.POSTGRADUATE}),
        "bachelors": Q(**{education: Education.BACHELOR}),
        "college": Q(**{f"{education}__in": COLLEGE_OR_ABOVE}),
        "women": Q(candidacy__person__gender=Gender.FEMALE),
        "women_directors": Q(candidacy__women_director=True),
        "strong_two": Q(candidacy__strong_two=True),
        "local_or_returnee": LOCAL_OR_RETURNEE,
        "strong_and_leading": STRONG_AND_LEADING,
        **{f"source_{s.value}": Q(candidacy__source=s.value) for s in Source},
    }
    found = {f"{prefix}age_sum": age_sum(r, where)}
    for name in fields:
        found[f"{prefix}{name}"] = Count("pk", filter=where & available[name])
    return found


SOURCES = tuple(f"source_{s.value}" for s in Source)
MEMBER_FIELDS = (
    *("count", "age_35", "age_45", "age_55_plus", "postgraduates", "bachelors", "college"),
    *("women", "women_directors", *SOURCES),
)
SECRETARY_FIELDS = ("count", "strong_two", "college", "age_45", *SOURCES)
RURAL_FIELDS = (
    *("count", "age_40", "age_41_54", "age_55_plus", "local_or_returnee", "strong_and_leading"),
)
LOCAL_OR_RETURNEE = Q(candidacy__source__in=[Source.LOCAL_CAPABLE, Source.RETURNEE])
STRONG_AND_LEADING = Q(candidacy__strong_two=True, candidacy__lead_two=True)


def _seat_counts(
    user: User, campaign: Campaign, previous: Campaign | None, unit: Unit, ids: list[int]
) -> dict:
    """Members, secretaries and rural secretaries of the campaign and of the previous one,
    in one pass over the seats of both."""
    r = campaign.reference_date
    now = Q(election__campaign=campaign)
    secretary = Q(post=Post.SECRETARY)
    aggregates = _aggregates("members_", now, r, MEMBER_FIELDS)
    aggregates |= _aggregates("secretaries_", now & secretary, r, SECRETARY_FIELDS)
    aggregates |= _aggregates("rural_", now & secretary & RURAL, r, RURAL_FIELDS)
    # Committees (elections with seats), with a woman, with a women's director: distinct
    # elections among the seats, in the same pass.
    aggregates["committees"] = Count("election", distinct=True, filter=now)
    aggregates["committees_with_woman"] = Count(
        "election", distinct=True, filter=now & Q(candidacy__person__gender=Gender.FEMALE)
    )
    aggregates["committees_with_director"] = Count(
        "election", distinct=True, filter=now & Q(candidacy__women_director=True)
    )
    campaigns = [campaign.pk]
    if previous is not None:
        old, p = Q(election__campaign=previous), previous.reference_date
        campaigns.append(previous.pk)
        aggregates |= _aggregates("previous_members_", old, p, MEMBER_FIELDS)
        aggregates |= _aggregates("previous_rural_", old & secretary & RURAL, p, RURAL_FIELDS)
        # New (新任): not the secretary of the same branch in the previous campaign.
        re_elected = CommitteeMember.objects.filter(
            post=Post.SECRETARY,
            election__campaign=previous,
            election__branch=OuterRef("election__branch"),
            candidacy__person=OuterRef("candidacy__person"),
        )
        new = now & secretary & RURAL & ~Q(Exists(re_elected))
        aggregates["rural_new"] = Count("pk", filter=new)
        aggregates["rural_new_age_sum"] = age_sum(r, new)
    seats = CommitteeMember.objects.visible_to(user).filter(election__campaign__in=campaigns)
    return _grouped(seats, unit.path("election__branch__village"), ids, **aggregates)


def _measure_counts(user: User, campaign: Campaign, unit: Unit, ids: list[int]) -> list[dict]:
    """Part 2's counts that belong to villages, each a grouped count."""
    risks = Risk.objects.visible_to(user).for_campaign(campaign)
    n = Count("pk")
    return [
        _grouped(
            Village.objects.visible_to(user).filter(is_difficult=True),
            unit.path(""),
            ids,
            difficult_villages=n,
        ),
        _grouped(
            risks,
            unit.path("village"),
            ids,
            risks_found=n,
            risks_resolved_before_election=Count(
                "pk", filter=Q(pk__in=risks.resolved_before_election().values("pk"))
            ),
        ),
        _grouped(
            SecretaryAdjustment.objects.visible_to(user).for_campaign(campaign).before_election(),
            unit.path("village"),
            ids,
            secretaries_adjusted=n,
        ),
        _grouped(
            Audit.objects.visible_to(user).for_campaign(campaign),
            unit.path("village"),
            ids,
            audits_total=n,
            audits_done=Count("pk", filter=Q(status=AuditStatus.DONE)),
        ),
        _grouped(
            Candidacy.objects.visible_to(user).filter(
                election__campaign=campaign, stage=Stage.DISQUALIFIED
            ),
            unit.path("election__branch__village"),
            ids,
            candidates_disqualified=n,
        ),
    ]


def count_units(
    user: User, campaign: Campaign, kind: str, ids: list[int]
) -> dict[int, dict[str, int]]:
    """The additive counts of ``campaign`` (and of the previous campaign) per unit of ``kind``
    ("county" or "township") among ``ids``, within ``user``'s region: a fixed number of
    grouped aggregate queries, whatever the number of units. Kind "whole" with ids [WHOLE]
    counts the whole region in plain aggregates."""
    unit = Unit(kind)
    previous = campaign.previous
    blocks = [
        _election_counts(user, campaign, unit, ids),
        _seat_counts(user, campaign, previous, unit, ids),
        *_measure_counts(user, campaign, unit, ids),
    ]
    keys = count_keys(campaign)
    counts = {pk: dict.fromkeys(keys, 0) for pk in ids}
    for block in blocks:
        for pk, values in block.items():
            counts[pk].update({key: int(value or 0) for key, value in values.items()})
    return counts


def count_keys(campaign: Campaign) -> list[str]:
    """Every key count_units returns, so that a unit with no rows counts zeros, not gaps."""
    keys = ["townships", "villages", "elections_total", "elections_completed"]
    keys += ["elections_postponed", *(f"method_{m.value}" for m in Method)]
    keys += ["members_age_sum", *(f"members_{f}" for f in MEMBER_FIELDS)]
    keys += ["secretaries_age_sum", *(f"secretaries_{f}" for f in SECRETARY_FIELDS)]
    keys += ["rural_age_sum", *(f"rural_{f}" for f in RURAL_FIELDS)]
    if campaign.previous_id is not None:
        keys += ["previous_members_age_sum", *(f"previous_members_{f}" for f in MEMBER_FIELDS)]
        keys += ["previous_rural_age_sum", *(f"previous_rural_{f}" for f in RURAL_FIELDS)]
        keys += ["rural_new", "rural_new_age_sum"]
    keys += ["committees", "committees_with_woman", "committees_with_director"]
    keys += ["difficult_villages", "risks_found", "risks_resolved_before_election"]
    keys += ["secretaries_adjusted", "audits_total", "audits_done", "candidates_disqualified"]
    return keys


def count_scope(user: User, campaign: Campaign) -> dict[str, int]:
    """The additive counts of ``campaign`` within ``user``'s whole region."""
    return count_units(user, campaign, "whole", [WHOLE])[WHOLE]


def scope_wide(user: User, campaign: Campaign) -> dict:
    """The figures that are not sums over villages, counted once for the whole scope."""
    found = campaign_figures(user, campaign, timezone.localdate())
    measures = oversight_counts(campaign=campaign, user=user)
    return {
        "petitions_to_city": found.to_city,
        "petitions_to_city_previous": found.to_city_previous,
        "petitions_to_city_share_of_previous": found.to_city_share_of_previous,
        "petitions_group_visits_to_city": found.group_visits_to_city,
        "petitions_received": found.received,
        "petitions_settled": found.settled,
        "petitions_settlement_rate": found.settlement_rate,
        "measures_inspection_groups": measures["inspection_groups"],
        "measures_inspections": measures["inspections"],
        "measures_training_sessions": measures["training_sessions"],
        "measures_people_trained": measures["people_trained"],
    }


NO_WIDE = dict.fromkeys(
    (
        *("petitions_to_city", "petitions_to_city_previous", "petitions_to_city_share_of_previous"),
        *("petitions_group_visits_to_city", "petitions_received", "petitions_settled"),
        *("petitions_settlement_rate", "measures_inspection_groups", "measures_inspections"),
        *("measures_training_sessions", "measures_people_trained"),
    )
)


def jsonable(value: object) -> object:
    """Figures as snapshots store them (JSON): Decimals as their printed text ("62.5")."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    return value


def add_counts(parts: list[dict[str, int]]) -> dict[str, int]:
    """The counts of the union of disjoint scopes."""
    total: dict[str, int] = {}
    for part in parts:
        for key, value in part.items():
            total[key] = total.get(key, 0) + value
    return total


# Deriving the figures -------------------------------------------------------------------------


def _sources(prefix: str, c: dict, counts_prefix: str, whole: int) -> dict:
    figures = {}
    for s in Source:
        value = c[f"{counts_prefix}source_{s.value}"]
        figures[f"{prefix}_source_{s.value}"] = value
        figures[f"{prefix}_source_{s.value}_share"] = percent(value, whole)
    return figures


def derive(c: dict[str, int], wide: dict, *, has_previous: bool) -> dict:
    """The report's figures (docs/figures.md, after the five naming keys) from the counts of a
    scope and its scope-wide figures."""
    completed = c["elections_completed"]
    n = c["members_count"]
    secretaries = c["secretaries_count"]
    rural = c["rural_count"]
    old = has_previous

    def previous(key: str) -> int | None:
        return c[key] if old else None

    figures = {
        "townships": c["townships"],
        "villages": c["villages"],
        "elections_total": c["elections_total"],
        "elections_completed": completed,
        "elections_postponed": c["elections_postponed"],
        "completion_rate": percent(completed, c["elections_total"]),
    }
    for m in Method:
        figures[f"method_{m.value}"] = c[f"method_{m.value}"]
        figures[f"method_{m.value}_share"] = percent(c[f"method_{m.value}"], completed)
    for key in (
        "petitions_to_city",
        "petitions_to_city_previous",
        "petitions_to_city_share_of_previous",
        "petitions_group_visits_to_city",
        "petitions_received",
        "petitions_settled",
        "petitions_settlement_rate",
    ):
        figures[key] = wide[key]
    old_members = previous("previous_members_count")
    old_postgraduates = previous("previous_members_postgraduates")
    figures |= {
        "members": n,
        "members_previous": old_members,
        "members_change_people": n - old_members if old else None,
        "members_mean_age": mean(c["members_age_sum"], n),
        "members_age_35_or_under": c["members_age_35"],
        "members_age_35_or_under_share": percent(c["members_age_35"], n),
        "members_age_45_or_under": c["members_age_45"],
        "members_age_45_or_under_share": percent(c["members_age_45"], n),
        "members_age_55_or_over": c["members_age_55_plus"],
        "members_age_55_or_over_share": percent(c["members_age_55_plus"], n),
        "members_postgraduates": c["members_postgraduates"],
        "members_postgraduates_previous": old_postgraduates,
        "members_postgraduates_change_people": (
            c["members_postgraduates"] - old_postgraduates if old else None
        ),
        "members_bachelors": c["members_bachelors"],
        "members_bachelors_share": percent(c["members_bachelors"], n),
        "members_college_or_above": c["members_college"],
        "members_college_or_above_share": percent(c["members_college"], n),
        "members_women": c["members_women"],
        "members_women_share": percent(c["members_women"], n),
        "members_women_directors": c["members_women_directors"],
        "committees": c["committees"],
        "committees_without_woman": c["committees"] - c["committees_with_woman"],
        "committees_with_women_director": c["committees_with_director"],
        "committees_with_women_director_share": percent(
            c["committees_with_director"], c["committees"]
        ),
    }
    figures |= _sources("members", c, "members_", n)
    figures |= {
        "secretaries": secretaries,
        "secretaries_strong_two": c["secretaries_strong_two"],
        "secretaries_strong_two_share": percent(c["secretaries_strong_two"], secretaries),
        "secretaries_college_or_above": c["secretaries_college"],
        "secretaries_college_or_above_share": percent(c["secretaries_college"], secretaries),
        "secretaries_mean_age": mean(c["secretaries_age_sum"], secretaries),
        "secretaries_age_45_or_under": c["secretaries_age_45"],
        "secretaries_age_45_or_under_share": percent(c["secretaries_age_45"], secretaries),
    }
    figures |= _sources("secretaries", c, "secretaries_", secretaries)
    local = percent(c["rural_local_or_returnee"], rural)
    leading = percent(c["rural_strong_and_leading"], rural)
    old_rural = previous("previous_rural_count")
    old_local = percent(c["previous_rural_local_or_returnee"], old_rural) if old else None
    old_leading = percent(c["previous_rural_strong_and_leading"], old_rural) if old else None
    old_55 = previous("previous_rural_age_55_plus")
    new = c["rural_new"] if old else None
    figures |= {
        "rural_secretaries": rural,
        "rural_secretaries_mean_age": mean(c["rural_age_sum"], rural),
        "rural_secretaries_age_40_or_under": c["rural_age_40"],
        "rural_secretaries_age_40_or_under_share": percent(c["rural_age_40"], rural),
        "rural_secretaries_age_41_to_54": c["rural_age_41_54"],
        "rural_secretaries_age_41_to_54_share": percent(c["rural_age_41_54"], rural),
        "rural_secretaries_age_41_to_54_share_previous": (
            percent(c["previous_rural_age_41_54"], old_rural) if old else None
        ),
        "rural_secretaries_age_55_or_over": c["rural_age_55_plus"],
        "rural_secretaries_age_55_or_over_share": percent(c["rural_age_55_plus"], rural),
        "rural_secretaries_age_55_or_over_previous": old_55,
        "rural_secretaries_age_55_or_over_change_percent": change_percent(
            c["rural_age_55_plus"], old_55
        ),
        "rural_secretaries_new": new,
        "rural_secretaries_new_share": percent(new, rural) if new is not None else None,
        "rural_secretaries_new_mean_age": mean(c["rural_new_age_sum"], new) if new else None,
        "rural_secretaries_local_or_returnee": c["rural_local_or_returnee"],
        "rural_secretaries_local_or_returnee_share": local,
        "rural_secretaries_local_or_returnee_share_previous": old_local,
        "rural_secretaries_local_or_returnee_change_points": change_points(local, old_local),
        "rural_secretaries_strong_and_leading": c["rural_strong_and_leading"],
        "rural_secretaries_strong_and_leading_share": leading,
        "rural_secretaries_strong_and_leading_share_previous": old_leading,
        "rural_secretaries_strong_and_leading_change_points": change_points(leading, old_leading),
    }
    figures |= {
        "measures_difficult_villages": c["difficult_villages"],
        "measures_risks_found": c["risks_found"],
        "measures_risks_resolved_before_election": c["risks_resolved_before_election"],
        "measures_secretaries_adjusted": c["secretaries_adjusted"],
        "measures_inspection_groups": wide["measures_inspection_groups"],
        "measures_inspections": wide["measures_inspections"],
        "measures_training_sessions": wide["measures_training_sessions"],
        "measures_people_trained": wide["measures_people_trained"],
        "audits_total": c["audits_total"],
        "audits_done": c["audits_done"],
        "candidates_disqualified": c["candidates_disqualified"],
    }
    return figures


def heading(campaign: Campaign, county: County | None, township: Township | None) -> dict:
    previous = campaign.previous
    return {
        "campaign": campaign.name,
        "previous_campaign": previous.name if previous else None,
        "reference_date": campaign.reference_date.isoformat(),
        "county": county.code if county else None,
        "township": township.code if township else None,
    }


# The whole --------------------------------------------------------------------------------------


def figures_of(
    campaign: Campaign,
    counts: dict[str, int],
    wide: dict,
    *,
    county: County | None = None,
    township: Township | None = None,
) -> dict:
    """The figures, keyed as docs/figures.md says, from a scope's counts and wide figures."""
    figures = heading(campaign, county, township)
    figures |= derive(counts, wide, has_previous=campaign.previous_id is not None)
    return figures


def compute_figures(
    *,
    campaign: Campaign,
    user: User,
    county: County | None = None,
    township: Township | None = None,
) -> dict:
    """Every figure of the report's part 1 and the counts of part 2, keyed as docs/figures.md
    says, for ``campaign`` within ``user``'s region (narrowed to ``county`` or ``township``),
    in one process. The Celery pipeline (reports.pipeline) and the dashboards compute the same
    figures from the counts of each unit, added up."""
    scope = scope_user(user, county=county, township=township)
    return figures_of(
        campaign,
        count_scope(scope, campaign),
        scope_wide(scope, campaign),
        county=county,
        township=township,
    )
