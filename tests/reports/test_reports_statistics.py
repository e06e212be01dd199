"""The statistics engine against small datasets whose every figure is known in advance.

Reference date 2026-02-28. ``born(age)`` has the birthday on the reference date itself (just
turned ``age``); ``born(age, turning=False)`` turns ``age + 1`` the day after (the last day of
being ``age``). One person is born on 29 February 2000: 25 on 2026-02-28, not yet 26.
"""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.models import Candidacy, CommitteeMember, Education, Person, Post, Source, Stage
from elections.models import ElectionStatus, Method, Mode, VillageKind
from reports.statistics import age_at_least, age_at_most, compute_figures, years_before
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    CityUserFactory,
    CountyFactory,
    CountyUserFactory,
    ElectionFactory,
    TownshipFactory,
    TownshipUserFactory,
    VillageFactory,
)

R = date(2026, 2, 28)
R_PREVIOUS = date(2021, 2, 28)
_ids = itertools.count(1)


def born(age: int, *, turning: bool = True, on: date = R) -> date:
    if turning:
        return date(on.year - age, on.month, on.day)
    return date(on.year - age - 1, 3, 1)


def village(township, kind=VillageKind.RURAL):
    return BranchFactory(village=VillageFactory(township=township, kind=kind))


def election(campaign, branch, *, method=Method.PUBLIC_DIRECT, status=ElectionStatus.COMPLETED):
    mode = Mode.INDIRECT if method == Method.CONVENTIONAL else Mode.DIRECT
    return ElectionFactory(
        campaign=campaign, branch=branch, method=method, mode=mode, status=status
    )


def person(township, birth, gender="M") -> Person:
    n = next(_ids)
    return Person.objects.create(
        name=f"人{n}", gender=gender, birth_date=birth, id_number=f"{n:018d}", township=township
    )


def seat(
    election,
    post,
    who: Person,
    *,
    education=Education.SECONDARY,
    source=Source.OTHER,
    strong=False,
    lead=False,
    director=False,
) -> CommitteeMember:
    candidacy = Candidacy.objects.create(
        person=who,
        election=election,
        education=education,
        source=source,
        strong_two=strong,
        lead_two=lead,
        women_director=director,
        post_sought=post,
        stage=Stage.ELECTED,
    )
    return CommitteeMember.objects.create(election=election, candidacy=candidacy, post=post)


@pytest.fixture
def city_data(db):
    """County A: rural V1, V2, V5 (postponed), community C1; county B: rural W1."""
    previous = CampaignFactory(name="上届", reference_date=R_PREVIOUS)
    campaign = CampaignFactory(name="本届", reference_date=R, previous=previous)
    county_a = CountyFactory(code="320101", name="甲县")
    county_b = CountyFactory(code="320102", name="乙县")
    ta = TownshipFactory(county=county_a, code="320101001")
    tb = TownshipFactory(county=county_b, code="320102001")
    v1, v2, v3, v5 = (village(ta) for _ in range(4))
    c1 = village(ta, VillageKind.COMMUNITY)
    w1 = village(tb)

    # The previous campaign: V1, V2 and V3 (merged away since), three rural secretaries.
    secretary_v1 = person(ta, born(55))  # 50 then, 55 now
    p1 = election(previous, v1)
    seat(p1, Post.SECRETARY, secretary_v1, source=Source.LOCAL_CAPABLE, strong=True, lead=True)
    p2 = election(previous, v2)
    seat(p2, Post.SECRETARY, person(ta, born(60, on=R_PREVIOUS)), strong=True)
    p3 = election(previous, v3, method=Method.CONVENTIONAL)
    seat(p3, Post.SECRETARY, person(ta, born(55, on=R_PREVIOUS)))

    e1 = election(campaign, v1)
    e2 = election(campaign, v2, method=Method.TWO_NOMINATIONS)
    ec = election(campaign, c1)
    election(campaign, v5, status=ElectionStatus.POSTPONED)
    # V1: the secretary re-elected, now with a bachelor's degree.
    seat(
        e1,
        Post.SECRETARY,
        secretary_v1,
        education=Education.BACHELOR,
        source=Source.LOCAL_CAPABLE,
        strong=True,
        lead=True,
    )
    seat(
        e1,
        Post.DEPUTY,
        person(ta, born(35, turning=False), "F"),
        education=Education.POSTGRADUATE,
        director=True,
    )
    seat(
        e1,
        Post.MEMBER,
        person(ta, born(40)),
        education=Education.JUNIOR_COLLEGE,
        source=Source.VETERAN,
    )
    seat(e1, Post.MEMBER, person(ta, date(2000, 2, 29), "F"))
    # V2: a new secretary; no woman on the committee.
    seat(
        e2,
        Post.SECRETARY,
        person(ta, born(41, turning=False)),
        education=Education.JUNIOR_COLLEGE,
        source=Source.RETURNEE,
        strong=True,
    )
    seat(e2, Post.MEMBER, person(ta, born(45)), education=Education.JUNIOR_HIGH)
    seat(e2, Post.MEMBER, person(ta, born(54, turning=False)))
    seat(e2, Post.MEMBER, person(ta, born(36)))
    # C1, a community.
    seat(
        ec,
        Post.SECRETARY,
        person(ta, born(40, turning=False), "F"),
        education=Education.BACHELOR,
        source=Source.DISPATCHED,
        director=True,
    )
    seat(
        ec,
        Post.DEPUTY,
        person(ta, born(46, turning=False)),
        education=Education.BACHELOR,
        source=Source.GRADUATE_OFFICIAL,
    )
    seat(ec, Post.MEMBER, person(ta, born(56)), education=Education.JUNIOR_HIGH)
    seat(
        ec,
        Post.MEMBER,
        person(ta, born(33), "F"),
        education=Education.JUNIOR_COLLEGE,
        source=Source.LOCAL_CAPABLE,
    )
    seat(ec, Post.MEMBER, person(ta, born(50)))
    seat(ec, Post.MEMBER, person(ta, born(60)), education=Education.JUNIOR_HIGH,
         source=Source.VETERAN)  # fmt: skip
    seat(ec, Post.MEMBER, person(ta, born(28)), education=Education.BACHELOR)
    seat(ec, Post.MEMBER, person(ta, born(48)))
    # A candidate struck off in county A.
    Candidacy.objects.create(
        person=person(ta, born(30)),
        election=e1,
        education=Education.SECONDARY,
        stage=Stage.DISQUALIFIED,
    )

    # County B: one rural village whose secretary is 70 and a woman.
    wb = election(campaign, w1)
    seat(wb, Post.SECRETARY, person(tb, born(70), "F"), strong=True, lead=True)
    return {
        "campaign": campaign,
        "county_a": county_a,
        "county_b": county_b,
        "township_a": ta,
        "township_b": tb,
    }


def test_birth_date_thresholds_include_the_bound_and_handle_29_february():
    assert years_before(date(2024, 2, 29), 35) == date(1989, 2, 28)
    leap_day = Person(birth_date=date(2000, 2, 29))
    assert leap_day.age_on(R) == 25
    # Under 26 on 2026-02-28: born after 2000-02-28.
    assert age_at_most(R, 25, "birth_date") == ~age_at_least(R, 26, "birth_date")
    assert years_before(R, 26) == date(2000, 2, 28)


def test_every_figure_of_county_a(city_data):
    user = CountyUserFactory(county=city_data["county_a"])
    f = compute_figures(campaign=city_data["campaign"], user=user)
    expected = {
        "previous_campaign": "上届",
        "reference_date": "2026-02-28",
        # Completion: 3 of 4 elections, one postponed.
        "elections_total": 4,
        "elections_completed": 3,
        "elections_postponed": 1,
        "completion_rate": Decimal("75.0"),
        # Methods of the 3 completed elections.
        "method_public_direct": 2,
        "method_public_direct_share": Decimal("66.7"),
        "method_two_nominations": 1,
        "method_two_nominations_share": Decimal("33.3"),
        "method_conventional": 0,
        "method_conventional_share": Decimal("0.0"),
        # 16 members; ages 55 35 40 25 41 45 54 36 40 46 56 33 50 60 28 48: sum 692.
        "members": 16,
        "members_previous": 3,
        "members_change_people": 13,
        "members_mean_age": Decimal("43.3"),  # 43.25 half up
        "members_age_35_or_under": 4,
        "members_age_35_or_under_share": Decimal("25.0"),
        "members_age_45_or_under": 9,
        "members_age_45_or_under_share": Decimal("56.3"),  # 56.25
        "members_age_55_or_over": 3,
        "members_age_55_or_over_share": Decimal("18.8"),  # 18.75
        "members_postgraduates": 1,
        "members_postgraduates_previous": 0,
        "members_postgraduates_change_people": 1,
        "members_bachelors": 4,
        "members_bachelors_share": Decimal("25.0"),
        "members_college_or_above": 8,
        "members_college_or_above_share": Decimal("50.0"),
        "members_women": 4,
        "members_women_share": Decimal("25.0"),
        "members_women_directors": 2,
        "committees": 3,
        "committees_without_woman": 1,
        "committees_with_women_director": 2,
        "committees_with_women_director_share": Decimal("66.7"),
        "members_source_local_capable": 2,
        "members_source_local_capable_share": Decimal("12.5"),
        "members_source_veteran": 2,
        "members_source_veteran_share": Decimal("12.5"),
        "members_source_returnee": 1,
        "members_source_returnee_share": Decimal("6.3"),  # 6.25
        "members_source_graduate_official": 1,
        "members_source_dispatched": 1,
        "members_source_other": 9,
        "members_source_other_share": Decimal("56.3"),
        # Secretaries: 55, 41, 40.
        "secretaries": 3,
        "secretaries_strong_two": 2,
        "secretaries_strong_two_share": Decimal("66.7"),
        "secretaries_college_or_above": 3,
        "secretaries_college_or_above_share": Decimal("100.0"),
        "secretaries_mean_age": Decimal("45.3"),
        "secretaries_age_45_or_under": 2,
        "secretaries_age_45_or_under_share": Decimal("66.7"),
        "secretaries_source_dispatched": 1,
        "secretaries_source_dispatched_share": Decimal("33.3"),
        "secretaries_source_veteran_share": Decimal("0.0"),
        # Rural secretaries: V1 (55, re-elected) and V2 (41, new).
        "rural_secretaries": 2,
        "rural_secretaries_mean_age": Decimal("48.0"),
        "rural_secretaries_age_40_or_under": 0,
        "rural_secretaries_age_41_to_54": 1,
        "rural_secretaries_age_55_or_over": 1,
        "rural_secretaries_age_55_or_over_share": Decimal("50.0"),
        # Previously 2 of 3 were 55 or over (V2 and V3): down by half.
        "rural_secretaries_age_55_or_over_previous": 2,
        "rural_secretaries_age_55_or_over_change_percent": Decimal("-50.0"),
        "rural_secretaries_new": 1,
        "rural_secretaries_new_share": Decimal("50.0"),
        "rural_secretaries_new_mean_age": Decimal("41.0"),
        "rural_secretaries_local_or_returnee": 2,
        "rural_secretaries_local_or_returnee_share": Decimal("100.0"),
        "rural_secretaries_local_or_returnee_share_previous": Decimal("33.3"),
        "rural_secretaries_local_or_returnee_change_points": Decimal("66.7"),
        "rural_secretaries_strong_and_leading": 1,
        "rural_secretaries_strong_and_leading_share": Decimal("50.0"),
        "rural_secretaries_strong_and_leading_share_previous": Decimal("33.3"),
        "rural_secretaries_strong_and_leading_change_points": Decimal("16.7"),
        # Part 2.
        "candidates_disqualified": 1,
        "audits_total": 0,
        "petitions_received": 0,
        "petitions_settlement_rate": None,
    }
    assert {key: f[key] for key in expected} == expected


def test_ages_on_the_band_edges(db):
    """Rural secretaries exactly 40, 41, 54 and 55, each on the day of the birthday and the
    day before the next one."""
    campaign = CampaignFactory(reference_date=R)
    township = TownshipFactory()
    for age in (40, 41, 54, 55):
        for turning in (True, False):
            e = election(campaign, village(township))
            seat(e, Post.SECRETARY, person(township, born(age, turning=turning)))
    f = compute_figures(campaign=campaign, user=CityUserFactory())
    assert f["rural_secretaries"] == 8
    assert f["rural_secretaries_age_40_or_under"] == 2
    assert f["rural_secretaries_age_41_to_54"] == 4
    assert f["rural_secretaries_age_55_or_over"] == 2
    assert f["rural_secretaries_age_40_or_under_share"] == Decimal("25.0")
    assert f["rural_secretaries_mean_age"] == Decimal("47.5")
    assert f["secretaries_age_45_or_under"] == 4
    assert f["members_age_55_or_over_share"] == Decimal("25.0")
    # Without a previous campaign no comparison is made up.
    assert f["rural_secretaries_new"] is None
    assert f["members_change_people"] is None
    assert f["rural_secretaries_age_55_or_over_change_percent"] is None


def test_a_county_user_never_counts_another_county(city_data):
    campaign = city_data["campaign"]
    city = CityUserFactory()
    county_a = CountyUserFactory(county=city_data["county_a"])
    county_b = CountyUserFactory(county=city_data["county_b"])
    whole = compute_figures(campaign=campaign, user=city)
    a = compute_figures(campaign=campaign, user=county_a)
    b = compute_figures(campaign=campaign, user=county_b)
    assert (whole["members"], a["members"], b["members"]) == (17, 16, 1)
    assert (whole["rural_secretaries"], b["rural_secretaries"]) == (3, 1)
    assert b["rural_secretaries_age_55_or_over"] == 1
    assert b["members_women"] == 1
    narrowed = compute_figures(campaign=campaign, user=city, county=city_data["county_a"])
    assert {k: v for k, v in narrowed.items() if k != "county"} == {
        k: v for k, v in a.items() if k != "county"
    }
    township = compute_figures(campaign=campaign, user=city, township=city_data["township_a"])
    assert township["members"] == 16


def test_narrowing_outside_the_region_is_refused(city_data):
    county_a = CountyUserFactory(county=city_data["county_a"])
    with pytest.raises(PermissionDenied):
        compute_figures(campaign=city_data["campaign"], user=county_a, county=city_data["county_b"])
    township_user = TownshipUserFactory(township=city_data["township_a"])
    with pytest.raises(PermissionDenied):
        compute_figures(
            campaign=city_data["campaign"], user=township_user, county=city_data["county_a"]
        )
    own = compute_figures(
        campaign=city_data["campaign"], user=township_user, township=city_data["township_a"]
    )
    assert own["members"] == 16


def _grow(campaign, township, people: int) -> None:
    for _ in range(people // 4):
        e = election(campaign, village(township))
        seat(e, Post.SECRETARY, person(township, born(50)))
        for age in (30, 40, 60):
            seat(e, Post.MEMBER, person(township, born(age)))


def test_queries_do_not_grow_with_the_number_of_people(db, django_assert_max_num_queries):
    previous = CampaignFactory(reference_date=R_PREVIOUS)
    campaign = CampaignFactory(reference_date=R, previous=previous)
    township = TownshipFactory()
    user = CityUserFactory()
    _grow(campaign, township, 8)
    _grow(previous, township, 8)
    with CaptureQueriesContext(connection) as small:
        compute_figures(campaign=campaign, user=user)
    _grow(campaign, township, 80)
    _grow(previous, township, 80)
    with django_assert_max_num_queries(len(small.captured_queries)):
        f = compute_figures(campaign=campaign, user=user)
    assert f["members"] == 88


def test_compute_stats_prints_json(city_data, capsys):
    import json

    CountyUserFactory(username="county_a_stats", county=city_data["county_a"])
    call_command("compute_stats", "--campaign", "本届", "--user", "county_a_stats", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["members"] == 16
    assert printed["members_mean_age"] == "43.3"
    call_command("compute_stats", "--campaign", str(city_data["campaign"].pk), "--county",
                 "320102", "--json")  # fmt: skip
    printed = json.loads(capsys.readouterr().out)
    assert printed["members"] == 1
    assert printed["county"] == "320102"


def test_every_key_is_documented_in_docs_figures(db):
    import re
    from pathlib import Path

    from candidates.models import Source as SourceChoices

    text = (Path(__file__).resolve().parents[2] / "docs" / "figures.md").read_text()
    documented = set()
    for key in re.findall(r"^\| `([a-z0-9_<>]+)` \|", text, flags=re.MULTILINE):
        if "<source>" in key:
            documented |= {key.replace("<source>", s) for s in SourceChoices.values}
        else:
            documented.add(key)
    campaign = CampaignFactory(previous=CampaignFactory())
    assert set(compute_figures(campaign=campaign, user=CityUserFactory())) == documented
