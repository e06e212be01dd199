"""Model rules: division codes, committee seats, campaign dates, election consistency."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from elections.models import BranchKind, ElectionStatus, Method, Mode
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    CountyFactory,
    ElectionFactory,
    TownshipFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db


def errors_of(obj: object) -> dict[str, list[str]]:
    """The message dict full_clean() raises, or {} when the object is valid."""
    try:
        obj.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def codes_of(obj: object) -> dict[str, set[str]]:
    try:
        obj.full_clean()
    except ValidationError as error:
        return {field: {e.code for e in errors} for field, errors in error.error_dict.items()}
    return {}


@pytest.fixture
def township():
    return TownshipFactory(county=CountyFactory(code="320101"), code="320101001")


# Division codes -----------------------------------------------------------------------------


def test_it_accepts_a_village_code_of_twelve_digits_under_its_township(township) -> None:
    village = VillageFactory.build(township=township, code="320101001001")

    assert errors_of(village) == {}


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("32010100100", id="11 digits"),
        pytest.param("32010100100A", id="a letter"),
        pytest.param("3201010010 1", id="a space"),
        pytest.param("-32010100100", id="a sign"),
    ],
)
def test_it_rejects_a_village_code_that_is_not_twelve_digits(township, code: str) -> None:
    village = VillageFactory.build(township=township, code=code)

    assert "digits_12" in codes_of(village).get("code", set())


@pytest.mark.parametrize(
    "code",
    [
        # Python's \d matches any Unicode digit: the validator must accept 0-9 only, or a
        # code typed with a Chinese input method (full-width digits) slips in and never
        # matches the statistical division code again.
        pytest.param("３２０１０１００１００１", id="full-width digits"),
        pytest.param("32010100100１", id="one full-width digit"),
        pytest.param("32010100100٣", id="an Arabic-Indic digit"),
    ],
)
def test_it_rejects_a_village_code_with_non_ascii_digits(township, code: str) -> None:
    village = VillageFactory.build(township=township, code=code)

    # The digits rule itself must refuse it, not only the township-prefix rule by chance.
    assert "digits_12" in codes_of(village).get("code", set())


def test_it_rejects_a_village_code_outside_its_township(township) -> None:
    village = VillageFactory.build(township=township, code="320101002001")

    assert "code" in errors_of(village)


def test_it_rejects_a_duplicate_village_code(township) -> None:
    VillageFactory(township=township, code="320101001001")

    duplicate = VillageFactory.build(township=township, code="320101001001")

    assert "code" in errors_of(duplicate)


def test_it_accepts_a_township_code_of_nine_digits_under_its_county() -> None:
    township = TownshipFactory.build(county=CountyFactory(code="320101"), code="320101001")

    assert errors_of(township) == {}


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("32010100", id="8 digits"),
        pytest.param("3201010011", id="10 digits"),
        pytest.param("32010100A", id="a letter"),
        pytest.param("32010100１", id="a full-width digit"),
    ],
)
def test_it_rejects_a_township_code_that_is_not_nine_digits(code: str) -> None:
    township = TownshipFactory.build(county=CountyFactory(code="320101"), code=code)

    assert "digits_9" in codes_of(township).get("code", set())


def test_it_rejects_a_township_code_outside_its_county() -> None:
    township = TownshipFactory.build(county=CountyFactory(code="320101"), code="320102001")

    assert "code" in errors_of(township)


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("32010", id="5 digits"),
        pytest.param("3201011", id="7 digits"),
        pytest.param("32010A", id="a letter"),
        pytest.param("３２０１０１", id="full-width digits"),
    ],
)
def test_it_rejects_a_county_code_that_is_not_six_digits(code: str) -> None:
    county = CountyFactory.build(code=code)

    assert "digits_6" in codes_of(county).get("code", set())


def test_it_accepts_a_county_code_of_six_digits() -> None:
    assert errors_of(CountyFactory.build(code="320101")) == {}


# Committee seats ----------------------------------------------------------------------------

SEATS = [
    (BranchKind.BRANCH, 2, False),
    (BranchKind.BRANCH, 3, True),
    (BranchKind.BRANCH, 5, True),
    (BranchKind.BRANCH, 6, False),
    (BranchKind.GENERAL_BRANCH, 4, False),
    (BranchKind.GENERAL_BRANCH, 5, True),
    (BranchKind.GENERAL_BRANCH, 7, True),
    (BranchKind.GENERAL_BRANCH, 8, False),
    (BranchKind.COMMITTEE, 4, False),
    (BranchKind.COMMITTEE, 5, True),
    (BranchKind.COMMITTEE, 7, True),
    (BranchKind.COMMITTEE, 8, False),
]


@pytest.mark.parametrize(("kind", "seats", "valid"), SEATS, ids=lambda v: str(v))
def test_it_limits_committee_seats_by_kind(township, kind: str, seats: int, valid: bool) -> None:
    # A Party branch elects 3-5 committee members, a general branch or committee 5-7.
    branch = BranchFactory.build(village=VillageFactory(township=township), kind=kind, seats=seats)

    assert ("seats" not in errors_of(branch)) is valid


def test_it_rejects_two_branches_of_the_same_name_in_a_village(township) -> None:
    village = VillageFactory(township=township)
    BranchFactory(village=village, name="一村党支部")

    with pytest.raises(IntegrityError), transaction.atomic():
        BranchFactory(village=village, name="一村党支部")


# Campaigns ----------------------------------------------------------------------------------


def test_it_rejects_a_campaign_that_ends_before_it_starts() -> None:
    campaign = CampaignFactory.build(
        start_date=datetime.date(2026, 3, 1), end_date=datetime.date(2026, 2, 28)
    )

    assert "end_date" in errors_of(campaign)


def test_it_refuses_to_store_a_campaign_that_ends_before_it_starts() -> None:
    # The database constraint holds even where full_clean() is skipped (imports, bulk writes).
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignFactory(start_date=datetime.date(2026, 3, 1), end_date=datetime.date(2026, 2, 28))


def test_it_accepts_a_campaign_of_one_day() -> None:
    day = datetime.date(2026, 3, 1)

    assert errors_of(CampaignFactory.build(start_date=day, end_date=day)) == {}


def test_it_rejects_a_campaign_that_is_its_own_predecessor() -> None:
    campaign = CampaignFactory()
    campaign.previous = campaign

    assert "previous" in errors_of(campaign)


# Elections ----------------------------------------------------------------------------------


@pytest.fixture
def election():
    return ElectionFactory()


def test_it_accepts_a_consistent_election(election) -> None:
    assert errors_of(election) == {}


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_it_requires_a_reason_to_postpone(election, reason: str) -> None:
    election.status = ElectionStatus.POSTPONED
    election.postponement_reason = reason

    assert "postponement_reason" in errors_of(election)


def test_it_requires_the_date_a_completed_election_was_held(election) -> None:
    election.status = ElectionStatus.COMPLETED
    election.held_date = None

    assert "held_date" in errors_of(election)


def test_it_rejects_a_held_date_on_an_election_not_started(election) -> None:
    election.status = ElectionStatus.NOT_STARTED
    election.held_date = datetime.date(2026, 3, 15)

    assert "held_date" in errors_of(election)


@pytest.mark.parametrize(
    ("method", "mode", "valid"),
    [
        (Method.CONVENTIONAL, Mode.DIRECT, False),
        (Method.CONVENTIONAL, Mode.INDIRECT, True),
        (Method.PUBLIC_DIRECT, Mode.INDIRECT, False),
        (Method.PUBLIC_DIRECT, Mode.DIRECT, True),
        (Method.TWO_NOMINATIONS, Mode.DIRECT, True),
        (Method.TWO_NOMINATIONS, Mode.INDIRECT, True),
    ],
)
def test_it_matches_the_election_mode_to_the_method(
    election, method: str, mode: str, valid: bool
) -> None:
    election.method, election.mode = method, mode

    assert ("mode" not in errors_of(election)) is valid


def test_it_reports_every_broken_election_rule_at_once(election) -> None:
    election.status = ElectionStatus.COMPLETED
    election.held_date = None
    election.method, election.mode = Method.CONVENTIONAL, Mode.DIRECT

    assert {"held_date", "mode"} <= errors_of(election).keys()


def test_it_allows_one_election_per_branch_and_campaign(election) -> None:
    duplicate = ElectionFactory.build(campaign=election.campaign, branch=election.branch)

    assert errors_of(duplicate).get("__all__")
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_it_allows_the_same_branch_in_another_campaign(election) -> None:
    other = ElectionFactory.build(campaign=CampaignFactory(), branch=election.branch)

    assert errors_of(other) == {}
