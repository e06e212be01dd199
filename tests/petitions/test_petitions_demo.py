"""The demo city's petitions: the seed report's figures, every state on show, the stored
deadlines as the calendar gives them, and the art. 30 rule for the demo township user."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from elections.models import Campaign
from petitions import services
from petitions.demo import STORY_DAY, TO_CITY_CURRENT
from petitions.models import Level, Petition, Status

pytestmark = pytest.mark.django_db

SMALL = 120


@pytest.fixture
def demo() -> Campaign:
    call_command("seed_demo", villages=SMALL, stdout=StringIO())
    return Campaign.objects.current()


def test_it_has_the_reports_petitions_to_the_city(demo: Campaign) -> None:
    petitions = Petition.objects.all()

    assert petitions.during(demo).to_city().count() == TO_CITY_CURRENT == 32
    # 60% of the previous campaign's
    assert petitions.during(demo.previous).to_city().count() == 53
    assert not petitions.during(demo).group_visits_to_city().exists()
    assert petitions.filter(level=Level.COUNTY).exists()
    assert petitions.filter(level=Level.TOWNSHIP).exists()


def test_it_shows_every_state_on_the_story_day(demo: Campaign) -> None:
    current = Petition.objects.during(demo)

    assert current.overdue(STORY_DAY).filter(status=Status.REGISTERED).exists()
    assert current.overdue(STORY_DAY).filter(status=Status.INVESTIGATING).exists()
    assert current.filter(extension_days__isnull=False).exists()
    assert current.filter(status=Status.TRANSFERRED).exists()
    assert current.filter(status=Status.DECLINED).exists()
    assert (
        current.filter(status=Status.REGISTERED).exclude(pk__in=current.overdue(STORY_DAY)).exists()
    )
    # nothing happens after the story day, and the previous campaign is all dealt with
    assert not current.filter(closed_on__gt=STORY_DAY).exists()
    assert not current.filter(answered_on__gt=STORY_DAY).exists()
    assert not Petition.objects.during(demo.previous).open().exists()


def test_its_stored_deadlines_are_the_calendars(demo: Campaign) -> None:
    assert services.deadlines_refresh() == 0


def test_every_petition_keeps_the_registration_rules(demo: Campaign) -> None:
    for petition in Petition.objects.select_related("village", "receiving_township"):
        if petition.village_id:
            assert petition.about_township_id == petition.village.township_id
        if petition.level == Level.TOWNSHIP:
            assert petition.county_id == petition.receiving_township.county_id
            assert petition.about_township_id != petition.receiving_township_id
        assert petition.events.exists()


def test_the_demo_township_never_sees_the_petitions_about_it(demo: Campaign) -> None:
    township = User.objects.get(username="township")
    about = Petition.objects.filter(about_township=township.township)

    assert about.exists()
    visible = Petition.objects.visible_to(township)
    assert visible.exists()
    assert not visible.filter(pk__in=about).exists()


def test_the_same_seed_gives_the_same_petitions(demo: Campaign) -> None:
    def rows() -> list[tuple]:
        return list(
            Petition.objects.order_by("number").values_list(
                "number", "status", "received_on", "content", "petitioner_phone"
            )
        )

    first = rows()
    call_command("seed_demo", villages=SMALL, reset=True, stdout=StringIO())

    assert rows() == first
