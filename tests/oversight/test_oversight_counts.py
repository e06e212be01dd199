"""The counts the report's part 2 takes from this app, and the model rules behind them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from elections.models import Election, ElectionStatus, Village
from oversight.models import (
    InspectionVisit,
    Risk,
    RiskStatus,
    SecretaryAdjustment,
    TrainingLevel,
    TrainingSession,
)
from oversight.selectors import measure_counts
from tests.conftest import World
from tests.factories import CampaignFactory, InspectionGroupFactory
from tests.oversight.oversight_objects import (
    adjustment,
    days_ago,
    risk,
    township_training,
    training,
    visit,
)


def hold(world: World, village: Village, days: int) -> None:
    """The village's election in the world's campaign was held ``days`` ago."""
    Election.objects.filter(campaign=world.campaign, branch__village=village).update(
        status=ElectionStatus.COMPLETED, held_date=days_ago(days)
    )


def resolved(village: Village, world: World, days: int, **fields: object) -> Risk:
    return risk(
        village,
        world.campaign,
        status=RiskStatus.RESOLVED,
        found_on=days_ago(60),
        resolved_on=days_ago(days),
        **fields,
    )


# Risks ----------------------------------------------------------------------------------------


def test_it_counts_every_risk_found_and_those_found_by_a_day(world: World) -> None:
    village = world.village("a1")
    early = risk(village, world.campaign, found_on=days_ago(30))
    late = risk(village, world.campaign, found_on=days_ago(3))

    assert set(Risk.objects.found()) == {early, late}
    assert list(Risk.objects.found(until=days_ago(10))) == [early]


def test_a_risk_resolved_the_day_before_the_vote_counts_and_one_on_the_day_does_not(
    world: World,
) -> None:
    # given: the village voted 10 days ago
    village = world.village("a1")
    hold(world, village, 10)
    before = resolved(village, world, 11)
    same_day = resolved(village, world, 10, description="同日化解")
    after = resolved(village, world, 9, description="选后化解")
    still_open = risk(village, world.campaign)

    # then: only what was settled before the election day counts (先化解、后换届)
    counted = set(Risk.objects.resolved_before_election())
    assert counted == {before}
    assert same_day not in counted and after not in counted and still_open not in counted


def test_a_risk_resolved_where_the_vote_has_not_been_held_counts(world: World) -> None:
    # The election has not happened (not started, postponed): what is resolved came before it.
    village = world.village("a2")
    Election.objects.filter(branch__village=village).update(
        status=ElectionStatus.POSTPONED, postponement_reason="拆迁"
    )
    settled = resolved(village, world, 1)

    assert list(Risk.objects.resolved_before_election()) == [settled]


def test_the_election_compared_is_the_one_of_the_risks_own_campaign(world: World) -> None:
    # given: the village voted long ago in an earlier campaign, and not yet in this one
    village = world.village("a1")
    earlier = CampaignFactory(
        name="上届",
        start_date=days_ago(2000),
        end_date=days_ago(1900),
        reference_date=days_ago(2000),
    )
    Election.objects.create(
        campaign=earlier,
        branch=world.branch("a1"),
        status=ElectionStatus.COMPLETED,
        held_date=days_ago(1950),
    )
    settled = resolved(village, world, 5)

    # then: the old vote does not make this campaign's risk "resolved after the election"
    assert list(Risk.objects.resolved_before_election()) == [settled]


def test_risk_counts_follow_the_users_region(world: World, township_a1: User) -> None:
    resolved(world.village("a1"), world, 5)
    resolved(world.village("b1"), world, 5)

    assert Risk.objects.visible_to(township_a1).resolved_before_election().count() == 1
    assert Risk.objects.resolved_before_election().count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": RiskStatus.RESOLVED}, "resolved_on"),
        ({"status": RiskStatus.OPEN, "resolved_on": days_ago(1)}, "resolved_on"),
        (
            {"status": RiskStatus.RESOLVED, "found_on": days_ago(1), "resolved_on": days_ago(2)},
            "resolved_on",
        ),
        ({"found_on": days_ago(-1)}, "found_on"),
    ],
    ids=["resolved-without-date", "date-while-open", "resolved-before-found", "found-tomorrow"],
)
def test_a_risk_keeps_its_date_rules(world: World, fields: dict, field: str) -> None:
    values = {"category": "land", "description": "纠纷", "owner": "王", "found_on": days_ago(5)}
    candidate = Risk(village=world.village("a1"), campaign=world.campaign, **(values | fields))

    with pytest.raises(ValidationError) as problem:
        candidate.full_clean()

    assert field in problem.value.message_dict


# Secretary adjustments ------------------------------------------------------------------------


def test_it_counts_the_secretaries_adjusted_before_the_vote(world: World) -> None:
    hold(world, world.village("a1"), 10)
    before = adjustment(world.village("a1"), world.campaign, adjusted_on=days_ago(40))
    adjustment(world.village("a1"), world.campaign, adjusted_on=days_ago(2), new_secretary="赵六")
    not_held_yet = adjustment(world.village("a2"), world.campaign)

    assert set(SecretaryAdjustment.objects.before_election()) == {before, not_held_yet}


def test_an_adjustment_to_the_same_person_is_refused(world: World) -> None:
    same = SecretaryAdjustment(
        village=world.village("a1"),
        campaign=world.campaign,
        adjusted_on=days_ago(1),
        previous_secretary="张三",
        new_secretary="张三",
        reason="age",
        approved_by="镇党委",
    )

    with pytest.raises(ValidationError) as problem:
        same.full_clean()

    assert "new_secretary" in problem.value.message_dict


# Inspection groups and visits -----------------------------------------------------------------


def test_it_counts_visits_during_the_campaign_and_the_groups_that_made_them(world: World) -> None:
    # given: two groups; one visit before the campaign began
    other = InspectionGroupFactory(name="第二督查指导组", townships=[world.township_a2])
    visit(world.inspection_group, world.township_a1)
    visit(world.inspection_group, world.township_a1, findings="第二次")
    visit(other, world.township_a2)
    visit(other, world.township_a2, visited_on=world.campaign.start_date - timedelta(days=1))

    # then
    during = InspectionVisit.objects.during(world.campaign)
    assert during.count() == 3
    assert during.group_count() == 2
    assert InspectionVisit.objects.filter(group=other).during(world.campaign).group_count() == 1


def test_a_visit_to_a_village_of_another_township_is_refused(world: World) -> None:
    stray = InspectionVisit(
        group=world.inspection_group,
        township=world.township_a1,
        village=world.village("a2"),
        visited_on=days_ago(1),
        findings="x",
    )

    with pytest.raises(ValidationError) as problem:
        stray.full_clean()

    assert "village" in problem.value.message_dict


# Training -------------------------------------------------------------------------------------


def test_training_totals_count_sessions_people_and_exam_results(world: World) -> None:
    training(participants=120)
    township_training(world.township_a1, participants=30, exam_taken=True, passed=28)
    training(participants=10, held_on=world.campaign.start_date - timedelta(days=1))

    totals = TrainingSession.objects.during(world.campaign).totals()

    assert totals == {
        "sessions": 2,
        "trained": 150,
        "examined": 1,
        "examinees": 30,
        "passed_exam": 28,
    }


def test_training_is_visible_in_the_organizers_region_and_the_citys_to_all(
    world: World, users: dict[str, User]
) -> None:
    city = training()
    county_a = training(level=TrainingLevel.COUNTY, county=world.county_a)
    township_a1 = township_training(world.township_a1)
    township_b1 = township_training(world.township_b1)

    def seen(persona: str) -> set[TrainingSession]:
        return set(TrainingSession.objects.visible_to(users[persona]))

    assert seen("city") == {city, county_a, township_a1, township_b1}
    assert seen("county_a") == {city, county_a, township_a1}
    assert seen("township_a1") == {city, county_a, township_a1}
    assert seen("township_b1") == {city, township_b1}
    assert seen("inspector") == {city, county_a, township_a1}
    assert seen("no_role") == set()


def test_training_is_written_by_its_level_and_those_above_it(
    world: World, users: dict[str, User]
) -> None:
    city = training()
    county_a = training(level=TrainingLevel.COUNTY, county=world.county_a)
    township_a1 = township_training(world.township_a1)

    def writes(persona: str) -> set[TrainingSession]:
        return set(TrainingSession.objects.writable_by(users[persona]))

    assert writes("city") == {city, county_a, township_a1}
    assert writes("county_a") == {county_a, township_a1}
    assert writes("township_a1") == {township_a1}
    assert writes("township_b1") == set()
    assert writes("inspector") == set()


def test_passed_needs_an_exam_and_cannot_exceed_the_participants(world: World) -> None:
    for fields in ({"exam_taken": False, "passed": 3}, {"exam_taken": True, "passed": 41}):
        session = TrainingSession(
            held_on=days_ago(1), level="city", title="培训", participants=40, **fields
        )
        with pytest.raises(ValidationError) as problem:
            session.full_clean()
        assert "passed" in problem.value.message_dict


# The report's figures -------------------------------------------------------------------------


def test_measure_counts_gives_every_figure_of_this_app(world: World, city: User) -> None:
    # given
    Village.objects.filter(pk__in=[world.village("a1").pk, world.village("b1").pk]).update(
        is_difficult=True
    )
    hold(world, world.village("a1"), 10)
    resolved(world.village("a1"), world, 20)
    resolved(world.village("a1"), world, 5, description="选后化解")
    risk(world.village("b1"), world.campaign)
    adjustment(world.village("b1"), world.campaign)
    visit(world.inspection_group, world.township_a1)
    InspectionGroupFactory(name="未出动的督查组")
    township_training(world.township_a1, participants=25)

    # when
    counts = measure_counts(campaign=world.campaign, user=city)

    # then
    assert counts == {
        "difficult_villages": 2,
        "risks_found": 3,
        "risks_resolved_before_election": 1,
        "secretaries_adjusted": 1,
        "inspection_groups": 2,
        "inspections": 1,
        "training_sessions": 1,
        "people_trained": 25,
    }
