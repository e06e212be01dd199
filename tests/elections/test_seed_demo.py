import hashlib
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts.models import InspectionGroup, Role, User
from candidates.models import (
    Candidacy,
    Certification,
    CommitteeMember,
    Education,
    Gender,
    Person,
    Post,
    Stage,
)
from elections import demo
from elections.models import (
    SEAT_LIMITS,
    Branch,
    BranchKind,
    Campaign,
    County,
    Election,
    ElectionStatus,
    Method,
    Mode,
    Township,
    Village,
    VillageKind,
)
from reports.statistics import compute_figures

SMALL = 120


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def digest() -> str:
    """What two runs must agree on: codes, names, kinds and every election's outcome."""
    rows = [
        *County.objects.values_list("code", "name"),
        *Township.objects.values_list("code", "name", "county__code"),
        *Village.objects.values_list("code", "name", "kind", "grade", "is_difficult"),
        *Branch.objects.values_list("village__code", "name", "kind", "seats"),
        *Election.objects.order_by("campaign__start_date", "branch__village__code").values_list(
            "campaign__name",
            "branch__village__code",
            "status",
            "method",
            "mode",
            "batch",
            "planned_date",
            "held_date",
            "postponement_reason",
        ),
        *CommitteeMember.objects.order_by(
            "candidacy__person__id_number", "election__campaign"
        ).values_list(
            "election__campaign__name",
            "election__branch__village__code",
            "post",
            "candidacy__person__id_number",
            "candidacy__person__name",
            "candidacy__education",
            "candidacy__source",
            "candidacy__strong_two",
            "candidacy__lead_two",
            "candidacy__women_director",
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_builds_a_city_of_the_requested_size(db: None) -> None:
    # when
    output = seed(villages=SMALL)

    # then
    assert Village.objects.count() == SMALL
    assert Branch.objects.count() == SMALL
    assert Township.objects.count() == round(SMALL / demo.VILLAGES_PER_TOWNSHIP)
    assert County.objects.count() == 1
    assert Election.objects.count() == 2 * SMALL
    assert "120" in output


def test_it_builds_one_branch_and_two_elections_per_village(db: None) -> None:
    seed(villages=SMALL)

    assert not Village.objects.exclude(branches__isnull=False).exists()
    for branch in Branch.objects.all():
        assert branch.elections.count() == 2


def test_it_links_the_current_campaign_to_the_previous_one(db: None) -> None:
    seed(villages=SMALL)

    current = Campaign.objects.current()
    assert current is not None
    assert current.name.startswith("2026年")
    assert current.previous is not None
    assert current.previous.name.startswith("2021年")
    assert current.previous.previous is None


def test_it_keeps_the_proportions_of_the_seed_city(db: None) -> None:
    # given the seed's city size, the counts should match the report's figures
    seed()

    assert County.objects.count() == 6
    assert 85 <= Township.objects.count() <= 95
    kinds = Counter(Village.objects.values_list("kind", flat=True))
    assert 0.84 <= kinds[VillageKind.RURAL] / demo.DEFAULT_VILLAGES <= 0.86
    current = Election.objects.filter(campaign=Campaign.objects.current())
    statuses = Counter(current.values_list("status", flat=True))
    assert statuses[ElectionStatus.COMPLETED] == 1661
    assert 20 <= statuses[ElectionStatus.POSTPONED] <= 50
    methods = Counter(
        current.filter(status=ElectionStatus.COMPLETED).values_list("method", flat=True)
    )
    # 1,517 公推直选 (91.3%), 141 两推一选 (8.5%), 3 常规选举.
    assert methods == {
        Method.PUBLIC_DIRECT: 1517,
        Method.TWO_NOMINATIONS: 141,
        Method.CONVENTIONAL: 3,
    }
    difficult = Village.objects.filter(is_difficult=True).count()
    assert 0.07 <= difficult / demo.DEFAULT_VILLAGES <= 0.09


def test_every_election_keeps_the_rules_of_its_model(db: None) -> None:
    seed(villages=SMALL * 3)

    previous = Campaign.objects.current().previous
    for election in Election.objects.select_related("campaign"):
        # bulk_create skips clean(), so the rules clean() enforces are checked here
        election.clean()
        assert 1 <= election.batch <= 3
        if election.status == ElectionStatus.COMPLETED:
            assert election.campaign.start_date <= election.held_date
            assert election.held_date <= election.campaign.end_date
        if election.campaign == previous:
            assert election.status == ElectionStatus.COMPLETED
    assert not Election.objects.filter(method=Method.CONVENTIONAL, mode=Mode.DIRECT).exists()
    assert not Election.objects.filter(method=Method.PUBLIC_DIRECT, mode=Mode.INDIRECT).exists()


def test_every_branch_has_seats_its_kind_allows(db: None) -> None:
    seed(villages=SMALL * 3)

    for kind, seats in Branch.objects.values_list("kind", "seats"):
        low, high = SEAT_LIMITS[BranchKind(kind)]
        assert low <= seats <= high


def test_codes_nest_and_are_unique(db: None) -> None:
    seed(villages=SMALL * 3)

    counties = set(County.objects.values_list("code", flat=True))
    assert all(len(code) == 6 for code in counties)
    for code, county in Township.objects.values_list("code", "county__code"):
        assert len(code) == 9 and code.startswith(county)
    villages = list(Village.objects.values_list("code", "township__code"))
    for code, township in villages:
        assert len(code) == 12 and code.startswith(township)
    assert len({code for code, _ in villages}) == len(villages)


def test_a_sample_of_rows_passes_full_clean(db: None) -> None:
    seed(villages=SMALL)

    samples = [
        *County.objects.all()[:3],
        *Township.objects.all()[:5],
        *Village.objects.order_by("?")[:20],
        *Branch.objects.order_by("?")[:20],
        *Campaign.objects.all(),
        *Election.objects.filter(status=ElectionStatus.POSTPONED),
        *Election.objects.order_by("?")[:20],
        *InspectionGroup.objects.all(),
        *User.objects.all(),
    ]
    for row in samples:
        row.full_clean()


def test_the_same_seed_builds_the_same_city(db: None) -> None:
    # given
    seed(villages=SMALL, seed=7)
    first = digest()

    # when
    seed(villages=SMALL, seed=7, reset=True)

    # then
    assert digest() == first
    seed(villages=SMALL, seed=8, reset=True)
    assert digest() != first


def test_every_completed_election_has_a_committee_with_one_secretary(db: None) -> None:
    seed(villages=SMALL)

    elections = Election.objects.annotate(
        seats=Count("members"),
        secretaries=Count("members", filter=Q(members__post=Post.SECRETARY)),
        deputies=Count("members", filter=Q(members__post=Post.DEPUTY)),
    ).select_related("branch__village")
    for election in elections:
        if election.status != ElectionStatus.COMPLETED:
            assert election.seats == 0
            continue
        assert election.seats == election.branch.seats
        assert election.secretaries == 1
        assert election.deputies <= 1
    for member in CommitteeMember.objects.select_related(
        "candidacy__person__township", "election__branch__village"
    ).order_by("?")[:30]:
        person = member.candidacy.person
        person.full_clean()  # a valid ID number that agrees with the birth date and gender
        assert member.candidacy.stage == "elected"
        assert member.candidacy.post_sought == member.post
        assert person.township == member.election.branch.village.township


def test_a_completed_election_went_the_way_a_real_one_goes(db: None) -> None:
    """Its steps done, in order, the vote on the day it was held; its result certified by its
    county (or the administrator where the demo has no account of that county) and locked.
    An election under way has done no step from its vote on."""
    seed(villages=SMALL)
    current = Campaign.objects.current()
    county, administrator = User.objects.get(username="county"), User.objects.get(username="admin")
    today = timezone.localdate()

    elections = Election.objects.filter(campaign=current).select_related(
        "branch__village__township"
    )
    for election in elections:
        steps = list(election.steps.select_related("definition").order_by("definition__order"))
        assert steps, election
        if election.status == ElectionStatus.COMPLETED:
            assert election.locked
            certification = election.certifications.get()
            assert certification.action == Certification.Action.CERTIFY
            ours = election.branch.village.township.county_id == county.county_id
            assert certification.by == (county if ours else administrator)
            vote = next(s for s in steps if s.definition.code == "election_meeting")
            assert vote.done_on == (election.held_date if election.held_date <= today else None)
        else:
            assert not election.locked
            assert not election.certifications.exists()
            assert all(
                s.done_on is None
                for s in steps
                if s.definition.code in ("election_meeting", "results_notice", "handover")
            )
        # each step needs the one before it (ElectionStep's dependencies): done steps first
        done = [s.done_on is not None for s in steps]
        assert done == sorted(done, reverse=True), election
        assert [s.done_on for s in steps if s.done_on] == sorted(
            s.done_on for s in steps if s.done_on
        )
    assert elections.filter(status=ElectionStatus.COMPLETED, locked=True).exists()


def test_the_committees_have_the_shape_of_the_seed_city(db: None) -> None:
    seed(villages=SMALL * 2 + 60)

    figures = compute_figures(
        campaign=Campaign.objects.current(), user=User.objects.get(username="city")
    )
    assert 41 <= figures["members_mean_age"] <= 45
    assert 22 <= figures["members_women_share"] <= 31
    assert figures["committees_without_woman"] == 0
    assert figures["committees_with_women_director_share"] == 100
    assert 95 <= figures["secretaries_strong_two_share"] <= 100
    assert 15 <= figures["rural_secretaries_new_share"] <= 26
    assert figures["rural_secretaries_age_55_or_over_change_percent"] < -30
    assert figures["rural_secretaries_local_or_returnee_change_points"] > 5
    assert figures["rural_secretaries_strong_and_leading_change_points"] > 5


def test_it_refuses_to_build_over_existing_data(db: None) -> None:
    seed(villages=SMALL)

    with pytest.raises(CommandError) as error:
        seed(villages=SMALL)

    assert str(error.value) == str(demo.DATA_EXISTS)
    assert Village.objects.count() == SMALL


def test_it_refuses_when_only_a_demo_user_exists(db: None) -> None:
    User.objects.create_user("admin", password="Something-else-1")

    with pytest.raises(CommandError, match="--reset"):
        seed(villages=SMALL)

    assert not County.objects.exists()


def test_it_does_nothing_with_if_empty_when_regions_exist(db: None) -> None:
    # given
    seed(villages=SMALL)
    before = digest()

    # when
    output = seed(villages=SMALL * 2, seed=99, if_empty=True)

    # then
    assert digest() == before
    assert Village.objects.count() == SMALL
    assert output.strip()


def test_it_builds_with_if_empty_on_an_empty_database(db: None) -> None:
    seed(villages=SMALL, if_empty=True)

    assert Village.objects.count() == SMALL


def test_reset_replaces_the_city_and_its_users(db: None) -> None:
    # given a city with a user bound to one of its townships
    seed(villages=SMALL)
    User.objects.create_user(
        "helper", password="Another-pass-2", role=Role.TOWNSHIP, township=Township.objects.last()
    )

    # when
    seed(villages=SMALL * 2, reset=True)

    # then
    assert Village.objects.count() == SMALL * 2
    assert Campaign.objects.count() == 2
    assert InspectionGroup.objects.count() == County.objects.count()
    assert set(User.objects.values_list("username", flat=True)) == set(demo.DEMO_USERNAMES)


def test_reset_clears_candidates_and_certified_results(db: None) -> None:
    # given an election with a candidate, a seat and a certified, locked result (besides the
    # demo's own certified ones)
    seed(villages=SMALL)
    election = Election.objects.filter(locked=False).first()
    person = Person.objects.create(
        name="张三",
        gender=Gender.MALE,
        birth_date=date(1980, 1, 1),
        id_number="390102198001010011",
        township=election.branch.village.township,
    )
    candidacy = Candidacy.objects.create(
        person=person, election=election, education=Education.BACHELOR
    )
    CommitteeMember.objects.create(election=election, candidacy=candidacy, post=Post.MEMBER)
    county_user = User.objects.get(username="county")
    Certification.objects.create(election=election, action="certify", by=county_user)
    Election.objects.filter(pk=election.pk).update(locked=True)

    # when
    seed(villages=SMALL, reset=True)

    # then the protected rows went first, and the lock did not stop the reset
    assert not Person.objects.filter(id_number=person.id_number).exists()
    # only the demo's own candidates are left: every seat's, and those who were not elected
    assert not Candidacy.objects.filter(pk=candidacy.pk).exists()
    assert Candidacy.objects.filter(stage=Stage.ELECTED).count() == CommitteeMember.objects.count()
    assert Election.objects.count() == 2 * SMALL
    # ...and the results locked now are the new demo's, each with its one certification
    locked = Election.objects.filter(locked=True)
    assert set(Certification.objects.values_list("election", "action")) == {
        (pk, Certification.Action.CERTIFY) for pk in locked.values_list("pk", flat=True)
    }


def test_demo_users_can_sign_in(db: None) -> None:
    output = seed(villages=SMALL)

    for username in demo.DEMO_USERNAMES:
        assert f"{username} " in output
        # Axes needs the request to count failures.
        request = RequestFactory().post("/")
        assert Client().login(request=request, username=username, password=demo.DEMO_PASSWORD)


def test_demo_users_are_bound_to_nested_regions(db: None) -> None:
    seed(villages=SMALL)

    users = {user.username: user for user in User.objects.all()}
    assert users["admin"].is_superuser
    assert users["city"].role == Role.CITY
    assert users["city"].is_staff and not users["city"].is_superuser
    county = users["county"].county
    assert county is not None
    assert users["township"].township.county == county
    assert users["township"].county == county
    group_townships = users["inspector"].inspection_group.townships.all()
    assert users["township"].township in group_townships
    assert {t.county for t in group_townships} == {county}


def test_the_township_official_has_elections_still_open_to_work_on(db: None) -> None:
    seed(villages=400)  # at 120 villages no 镇 has an open election

    # The campaign is near its end; the official's township is the 镇 with the most open
    # elections (not started or under way first), so that a roster import can be tried.
    current = Campaign.objects.current()
    open_work = {
        t.pk: (t.active, t.open)
        for t in Township.objects.exclude(name__endswith=demo.STREET).annotate(
            active=Count(
                "villages__branches__elections",
                filter=Q(villages__branches__elections__campaign=current)
                & Q(villages__branches__elections__status__in=["not_started", "in_progress"]),
            ),
            open=Count(
                "villages__branches__elections",
                filter=Q(villages__branches__elections__campaign=current)
                & ~Q(villages__branches__elections__status="completed"),
            ),
        )
    }
    township = User.objects.get(username="township").township
    assert open_work[township.pk] == max(open_work.values())
    assert open_work[township.pk][1] > 0
    assert Election.objects.filter(
        campaign=current, branch__village__township=township, locked=False
    ).exclude(status="completed")


def test_it_uses_the_password_it_is_given(db: None) -> None:
    seed(villages=SMALL, password="Other-demo-77")

    assert User.objects.get(username="city").check_password("Other-demo-77")


def test_it_rejects_a_weak_password(db: None) -> None:
    with pytest.raises(CommandError):
        seed(villages=SMALL, password="password")

    assert not County.objects.exists()
