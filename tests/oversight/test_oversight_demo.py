"""The demo city's risks, adjustments, visits and training: in the seed's proportions,
deterministic, valid under the models' own rules, and gone with ``seed_demo --reset``."""

import hashlib

import pytest

from elections import demo
from elections.models import Village
from oversight.demo import ADJUSTED_SHARE, LAST_DAY, VISITS_PER_GROUP, build_oversight
from oversight.models import (
    InspectionVisit,
    Risk,
    RiskStatus,
    SecretaryAdjustment,
    TrainingLevel,
    TrainingSession,
)

SIZE = 400
BASE_STEPS = (demo.build_regions, demo.build_campaigns, demo.build_elections, demo.build_users)


def build(seed: int = demo.DEFAULT_SEED) -> demo.DemoCity:
    """The city's regions, campaigns, elections and users, then this app's part."""
    city = demo.DemoCity(seed=seed, size=SIZE, password=demo.DEMO_PASSWORD)
    for step in BASE_STEPS:
        step(city)
    build_oversight(city)
    return city


def digest() -> str:
    rows = [
        *Risk.objects.order_by("village__code", "found_on", "description").values_list(
            "village__code", "category", "level", "status", "found_on", "resolved_on", "owner"
        ),
        *SecretaryAdjustment.objects.order_by("village__code").values_list(
            "village__code", "adjusted_on", "previous_secretary", "new_secretary", "reason"
        ),
        *InspectionVisit.objects.order_by(
            "group__name", "visited_on", "township__code"
        ).values_list("group__name", "visited_on", "township__code", "findings"),
        *TrainingSession.objects.order_by("level", "title").values_list(
            "level", "title", "held_on", "participants", "passed"
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_is_a_step_of_seed_demo_and_its_rows_are_reset() -> None:
    assert build_oversight in demo.STEPS
    reset = {queryset.model for queryset in demo._reset_querysets()}
    assert {Risk, SecretaryAdjustment, InspectionVisit, TrainingSession} <= reset
    assert {Risk, SecretaryAdjustment, InspectionVisit, TrainingSession} <= set(demo.RESET_HISTORY)


@pytest.mark.django_db
def test_it_keeps_the_proportions_of_the_seed() -> None:
    city = build()

    difficult = Village.objects.filter(is_difficult=True)
    risks = Risk.objects.all()
    # About two risks per difficult village, all of them there (赣榆县: 70-odd in 36).
    assert set(risks.values_list("village", flat=True)) == set(
        difficult.values_list("pk", flat=True)
    )
    assert 1.6 <= risks.count() / difficult.count() <= 2.4
    # Most are resolved before the village voted; some are not settled yet.
    assert risks.resolved_before_election().count() / risks.count() > 0.6
    assert risks.exclude(status=RiskStatus.RESOLVED).exists()
    # Secretaries adjusted before the vote, in the city's share (53 of 1,659).
    adjustments = SecretaryAdjustment.objects.all()
    assert adjustments.count() == round(SIZE * ADJUSTED_SHARE)
    assert adjustments.before_election().count() == adjustments.count()
    # Every county's group visited, about 4.4 times, only in its own townships.
    visits = InspectionVisit.objects.select_related("group")
    assert visits.group_count() == len(city.inspection_groups)
    assert abs(visits.count() - len(city.inspection_groups) * VISITS_PER_GROUP) <= 2 * len(
        city.inspection_groups
    )
    assert all(v.group.townships.filter(pk=v.township_id).exists() for v in visits)
    # Training at every level: the city's, one per county, one per township.
    levels = TrainingSession.objects.values_list("level", flat=True)
    assert list(levels).count(TrainingLevel.CITY) == 2
    assert list(levels).count(TrainingLevel.COUNTY) == len(city.counties)
    assert list(levels).count(TrainingLevel.TOWNSHIP) == len(city.townships)
    assert TrainingSession.objects.filter(exam_taken=True).exists()


@pytest.mark.django_db
def test_every_row_keeps_the_rules_of_its_model() -> None:
    build()

    for model in (Risk, SecretaryAdjustment, InspectionVisit, TrainingSession):
        for row in model.objects.all():
            row.full_clean()  # raises on any broken rule (dates up to LAST_DAY are past)
    assert not Risk.objects.filter(resolved_on__gt=LAST_DAY).exists()


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_records() -> None:
    build()
    first = digest()
    demo.demo_reset()
    assert not Risk.objects.exists() and not TrainingSession.objects.exists()

    build()

    assert digest() == first
