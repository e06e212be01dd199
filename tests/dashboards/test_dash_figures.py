"""Stored region figures, their refresh, and the daily progress snapshots with their backfill."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from candidates.models import ElectionStep, StepDefinition
from dashboards import tasks
from dashboards.figures import (
    campaign_figures_refresh,
    changed_townships,
    figures_for,
    jsonable,
)
from dashboards.models import Level, ProgressSnapshot, RegionFigures
from dashboards.snapshots import snapshot_backfill, snapshot_take
from elections.models import ElectionStatus
from reports.statistics import compute_figures
from tests.conftest import World


def complete(election, day) -> None:
    election.status, election.held_date = ElectionStatus.COMPLETED, day
    election.save()


def test_it_stores_for_every_region_the_reports_figures(world: World, city) -> None:
    complete(world.election("a1"), world.campaign.start_date)

    regions = campaign_figures_refresh(campaign=world.campaign)

    assert regions == 4 + 2 + 1
    township = figures_for(world.campaign, township=world.township_a1)
    county = figures_for(world.campaign, county=world.county_b)
    whole = figures_for(world.campaign)
    assert township.figures == jsonable(
        compute_figures(campaign=world.campaign, user=city, township=world.township_a1)
    )
    assert county.figures == jsonable(
        compute_figures(campaign=world.campaign, user=city, county=world.county_b)
    )
    assert whole.figures["elections_completed"] == 1
    assert whole.figures["completion_rate"] == "12.5"
    assert township.extras["status_by_batch"] == {"1": {"completed": 1, "not_started": 1}}


def test_it_refreshes_only_the_townships_whose_elections_changed(world: World) -> None:
    campaign_figures_refresh(campaign=world.campaign)
    assert changed_townships(world.campaign) == []

    complete(world.election("b2"), world.campaign.start_date)

    assert changed_townships(world.campaign) == [world.township_b2.pk]
    assert tasks.dashboard_figures_refresh.delay(changed_only=True).get() == 3
    county = RegionFigures.objects.get(level=Level.COUNTY, county=world.county_b)
    assert county.figures["elections_completed"] == 1


def test_it_computes_a_region_once_when_the_task_never_did(world: World) -> None:
    assert not RegionFigures.objects.exists()

    row = figures_for(world.campaign, county=world.county_a)

    assert row.pk is not None
    assert figures_for(world.campaign, county=world.county_a).pk == row.pk


@pytest.mark.parametrize(("eager", "refreshed"), [(True, True), (False, False)])
def test_without_a_broker_a_page_refreshes_figures_older_than_a_minute(
    world: World, settings, eager: bool, refreshed: bool
) -> None:
    # given: the county's figures stored two minutes ago, and an election completed since
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    row = figures_for(world.campaign, county=world.county_a)
    RegionFigures.objects.filter(pk=row.pk).update(
        computed_at=timezone.now() - timedelta(minutes=2)
    )
    complete(world.election("a1"), timezone.localdate())

    # when
    found = figures_for(world.campaign, county=world.county_a)

    # then: embedded (no beat to refresh them) the page recounts; with a broker, beat does
    assert (found.figures["elections_completed"] == 1) is refreshed


def test_it_schedules_the_refresh_and_the_daily_snapshot() -> None:
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "dashboards.tasks.dashboard_figures_refresh" in tasks_scheduled
    assert "dashboards.tasks.progress_snapshot_take" in tasks_scheduled


# Snapshots ------------------------------------------------------------------------------------


def test_it_takes_one_snapshot_a_day_however_often_it_runs(world: World) -> None:
    today = timezone.localdate()
    tasks.progress_snapshot_take.delay().get()
    complete(world.election("a1"), today)

    written = tasks.progress_snapshot_take.delay().get()

    assert written == 4 + 2
    rows = ProgressSnapshot.objects.filter(day=today)
    assert rows.count() == 6
    a1 = rows.get(level=Level.TOWNSHIP, township=world.township_a1)
    assert (a1.total, a1.completed, a1.not_started) == (2, 1, 1)
    a = rows.get(level=Level.COUNTY, county=world.county_a)
    assert (a.total, a.completed) == (4, 1)


def test_it_backfills_progress_from_the_recorded_dates(world: World) -> None:
    # given: A1's first election started with a step on day 2 and was held on day 5
    start = world.campaign.start_date
    election = world.election("a1")
    definition = StepDefinition.objects.filter(method=election.method).first()
    ElectionStep.objects.create(
        election=election, definition=definition, done_on=start + timedelta(2)
    )
    complete(election, start + timedelta(5))

    # when
    days, rows = snapshot_backfill(campaign=world.campaign, until=start + timedelta(6))

    # then: seven days, each with four townships and two counties
    assert (days, rows) == (7, 7 * 6)
    a1 = {
        s.day: (s.not_started, s.in_progress, s.completed)
        for s in ProgressSnapshot.objects.filter(township=world.township_a1)
    }
    assert a1[start + timedelta(1)] == (2, 0, 0)
    assert a1[start + timedelta(2)] == (1, 1, 0)
    assert a1[start + timedelta(5)] == (1, 0, 1)
    assert all(s.backfilled for s in ProgressSnapshot.objects.all())


def test_it_leaves_days_already_recorded_unless_told_to_replace(world: World) -> None:
    start = world.campaign.start_date
    snapshot_take(campaign=world.campaign, day=start)
    complete(world.election("a1"), start)

    assert snapshot_backfill(campaign=world.campaign, until=start + timedelta(1))[0] == 1
    kept = ProgressSnapshot.objects.get(day=start, township=world.township_a1)
    assert (kept.completed, kept.backfilled) == (0, False)
    snapshot_backfill(campaign=world.campaign, until=start + timedelta(1), replace=True)
    rebuilt = ProgressSnapshot.objects.get(day=start, township=world.township_a1)
    assert (rebuilt.completed, rebuilt.backfilled) == (1, True)


def test_it_backfills_through_the_command(world: World) -> None:
    out = StringIO()
    until = world.campaign.start_date + timedelta(9)

    call_command(
        "backfill_progress", "--campaign", world.campaign.name, "--until", str(until), stdout=out
    )

    assert "10" in out.getvalue()
    assert ProgressSnapshot.objects.filter(level=Level.COUNTY).count() == 10 * 2


def test_it_names_an_unknown_campaign(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("backfill_progress", "--campaign", "no such campaign")


def test_it_counts_a_township_changed_when_a_candidacy_in_it_changes(world: World) -> None:
    from candidates.models import Candidacy, Person

    election = world.election("a2")
    person = Person.objects.create(
        name="周红",
        gender="F",
        birth_date="1985-01-01",
        id_number="test-zh",
        township=world.township_a2,
    )
    candidacy = Candidacy.objects.create(election=election, person=person, education="bachelor")
    campaign_figures_refresh(campaign=world.campaign)

    candidacy.stage = "prospective"
    candidacy.save()

    assert changed_townships(world.campaign) == [world.township_a2.pk]
