"""Petitions of the shared world, registered through the service as a user would.

``register(by, **fields)`` registers one with sensible defaults (a letter about the procedure,
anonymous, received two days ago); ``about_a1`` holds one petition about township A1 of each
kind the art. 30 rule must catch, and ``a1_own`` the one township A1 may read.
"""

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import User
from petitions import services
from petitions.models import Level, Petition
from tests.conftest import World

TODAY = timezone.localdate()
RECENT = TODAY - datetime.timedelta(days=2)

Register = Callable[..., Petition]


@pytest.fixture(autouse=True)
def private_files(settings: object, tmp_path: Path) -> Path:
    # Import jobs keep their upload under DATA_DIR: never in var/, never after the test.
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def register() -> Register:
    def make(by: User, level: str = Level.COUNTY, **fields: object) -> Petition:
        values: dict = {
            "received_on": RECENT,
            "channel": "letter",
            "category": "procedure",
            "real_name": False,
            "content": "反映选举程序问题",
        }
        if level == Level.COUNTY and "county" not in fields:
            values["county"] = by.county
        values.update(fields)
        return services.petition_register(by=by, level=level, **values)

    return make


@pytest.fixture
def about_a1(
    world: World, city: User, county_a: User, township_a1: User, register: Register
) -> dict[str, Petition]:
    """Petitions about township A1, each caught by another path of the art. 30 rule."""
    from candidates.models import Candidacy, Person

    person = Person.objects.create(
        name="赵六",
        gender="M",
        birth_date=datetime.date(1980, 1, 1),
        id_number="320102198001010018",
        township=world.township_a1,
    )
    candidacy = Candidacy.objects.create(
        election=world.election("a1"), person=person, education="bachelor"
    )
    petitions = {
        "village": register(county_a, village=world.village("a1"), content="反映甲一镇1村拉票"),
        "township": register(
            city, Level.CITY, about_township=world.township_a1, content="反映甲一镇党委干部"
        ),
        "candidate": register(city, Level.CITY, candidacy=candidacy, content="反映候选人赵六"),
    }
    # Received by A1 itself about nothing, later found by the county to concern A1's village.
    own = register(township_a1, Level.TOWNSHIP, receiving_township=world.township_a1)
    petitions["linked_later"] = services.petition_update(
        by=county_a, petition=own, village=world.village("a1", 1)
    )
    return petitions


@pytest.fixture
def a1_own(world: World, township_a1: User, register: Register) -> Petition:
    """Registered by township A1, about nothing of A1's: township A1 reads it."""
    return register(
        township_a1,
        Level.TOWNSHIP,
        receiving_township=world.township_a1,
        real_name=True,
        petitioner_name="钱七",
        petitioner_phone="13800138000",
        content="咨询流动党员如何参加选举",
    )
