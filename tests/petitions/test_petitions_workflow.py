"""The workflow through the services: registration rules, the steps in order, the one
approved extension, who may take which step, the numbers, the events and the audit log."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from petitions import services
from petitions.models import EventAction, Level, Petition, Status
from tests.conftest import World
from tests.petitions.conftest import RECENT, TODAY, Register

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)


def messages_of(error: pytest.ExceptionInfo) -> list[str]:
    return list(error.value.messages)


@pytest.fixture
def petition(county_a: User, register: Register) -> Petition:
    return register(county_a, received_on=TODAY - 20 * DAY)


def accepted(by: User, petition: Petition, on: datetime.date | None = None) -> Petition:
    return services.petition_accept(by=by, petition=petition, on=on or TODAY - 15 * DAY)


def extend(by: User, petition: Petition, **fields: object) -> Petition:
    values = {
        "days": 30,
        "reason": "涉及人员多",
        "approved_by": "县委组织部部长 王某",
        "approved_on": TODAY - DAY,
    }
    values.update(fields)
    return services.petition_extend(by=by, petition=petition, **values)


# Registration ------------------------------------------------------------------------------


def test_it_numbers_per_year_and_level_across_the_city(
    world: World, city: User, county_a: User, register: Register
) -> None:
    # given: county A and the city each register; county B's user registers too
    from tests.factories import CountyUserFactory

    county_b = CountyUserFactory(county=world.county_b)
    year = RECENT.year

    first = register(county_a)
    second = register(county_b)
    at_city = register(city, Level.CITY)
    last_year = register(county_a, received_on=D(year - 1, 12, 30))

    # then: one sequence per year and level, so a number names one petition everywhere
    assert first.number == f"{year}-县-0001"
    assert second.number == f"{year}-县-0002"
    assert at_city.number == f"{year}-市-0001"
    assert last_year.number == f"{year - 1}-县-0001"


def test_it_logs_the_registration_as_an_event_and_in_the_audit_log(
    county_a: User, petition: Petition
) -> None:
    event = petition.events.get()

    assert (event.action, event.on, event.by) == (
        EventAction.REGISTERED,
        petition.received_on,
        county_a,
    )
    assert LogEntry.objects.get_for_object(petition).filter(action=LogEntry.Action.CREATE).exists()


def test_it_fills_the_chain_from_the_village(
    world: World, county_a: User, register: Register
) -> None:
    petition = register(county_a, village=world.village("a2"))

    assert petition.about_township == world.township_a2
    # the village's election in the campaign running on the day it was received
    assert petition.election == world.election("a2")


def test_it_refuses_a_village_that_disagrees_with_the_township(
    world: World, county_a: User, register: Register
) -> None:
    with pytest.raises(ValidationError) as error:
        register(county_a, village=world.village("a2"), about_township=world.township_a1)

    assert "about_township" in error.value.message_dict


def test_it_refuses_a_township_of_another_county(
    world: World, county_a: User, city: User, register: Register
) -> None:
    with pytest.raises(ValidationError) as error:
        register(city, Level.COUNTY, county=world.county_a, village=world.village("b1"))

    assert error.value.message_dict["about_township"] == [str(services.MSG_OTHER_COUNTY)]


def test_it_keeps_a_county_within_its_region(
    world: World, county_a: User, register: Register
) -> None:
    with pytest.raises(ValidationError) as error:
        register(county_a, county=world.county_b)

    assert error.value.message_dict["county"] == [str(services.MSG_OUTSIDE_REGION)]


def test_a_township_registers_only_at_its_own_level_and_township(
    world: World, township_a1: User, register: Register
) -> None:
    with pytest.raises(ValidationError) as error:
        register(township_a1, Level.COUNTY, county=world.county_a)
    assert "level" in error.value.message_dict

    with pytest.raises(ValidationError) as error:
        register(township_a1, Level.TOWNSHIP, receiving_township=world.township_a2)
    assert error.value.message_dict["receiving_township"] == [str(services.MSG_OUTSIDE_REGION)]


def test_a_township_never_registers_a_petition_about_itself(
    world: World, township_a1: User, register: Register
) -> None:
    with pytest.raises(ValidationError) as error:
        register(
            township_a1,
            Level.TOWNSHIP,
            receiving_township=world.township_a1,
            village=world.village("a1"),
        )

    assert error.value.message_dict["about_township"] == [str(services.MSG_ABOUT_OWN_TOWNSHIP)]
    assert not Petition.objects.exists()


def test_an_inspector_cannot_register(world: World, inspector: User, register: Register) -> None:
    with pytest.raises(PermissionDenied):
        register(inspector, Level.TOWNSHIP, receiving_township=world.township_a1)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"real_name": True, "petitioner_name": ""}, "petitioner_name", services.MSG_NAME_REQUIRED),
        (
            {"real_name": False, "petitioner_name": "张三"},
            "petitioner_name",
            services.MSG_ANONYMOUS_NAME,
        ),
        ({"received_on": TODAY + DAY}, "received_on", services.MSG_FUTURE),
        ({"content": "  "}, "content", services.MSG_CONTENT_REQUIRED),
        ({"people_count": 0}, "people_count", services.MSG_PEOPLE),
    ],
)
def test_it_checks_the_petitioner_and_the_dates(
    county_a: User, register: Register, fields: dict, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        register(county_a, **fields)

    assert str(message) in error.value.message_dict[field]


@pytest.mark.parametrize(
    ("phone", "stored"),
    [("138 0013 8000", "13800138000"), ("0518-85123456", "051885123456"), ("", "")],
)
def test_it_keeps_phones_as_digits(
    county_a: User, register: Register, phone: str, stored: str
) -> None:
    assert register(county_a, petitioner_phone=phone).petitioner_phone == stored


@pytest.mark.parametrize("phone", ["12345", "23800138000", "电话"])
def test_it_refuses_what_is_no_phone(county_a: User, register: Register, phone: str) -> None:
    with pytest.raises(ValidationError) as error:
        register(county_a, petitioner_phone=phone)

    assert "petitioner_phone" in error.value.message_dict


def test_the_database_holds_the_real_name_rule(county_a: User, petition: Petition) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Petition.objects.filter(pk=petition.pk).update(real_name=True, petitioner_name="")


# The steps --------------------------------------------------------------------------------


def test_it_runs_the_whole_workflow_and_logs_each_step(county_a: User, petition: Petition) -> None:
    # when
    accepted(county_a, petition, TODAY - 18 * DAY)
    services.petition_investigate(by=county_a, petition=petition, on=TODAY - 17 * DAY, note="核查")
    services.petition_answer(by=county_a, petition=petition, on=TODAY - 2 * DAY, answer="已答复")
    services.petition_close(by=county_a, petition=petition, on=TODAY, note="满意")

    # then
    petition.refresh_from_db()
    assert petition.status == Status.CLOSED
    assert list(petition.events.values_list("action", flat=True)) == [
        EventAction.REGISTERED,
        EventAction.ACCEPTED,
        EventAction.INVESTIGATING,
        EventAction.ANSWERED,
        EventAction.CLOSED,
    ]
    assert all(event.by == county_a for event in petition.events.all())
    assert petition.events.get(action=EventAction.INVESTIGATING).note == "核查"
    assert LogEntry.objects.get_for_object(petition).count() >= 5
    assert not petition.is_overdue(TODAY + 1000 * DAY)  # settled: never overdue


def test_a_petition_is_declined_only_before_it_is_accepted(
    county_a: User, petition: Petition
) -> None:
    accepted(county_a, petition)

    with pytest.raises(ValidationError) as error:
        services.petition_decline(by=county_a, petition=petition, on=TODAY, reason="不属实")

    assert messages_of(error) == [str(services.MSG_DECLINE_AFTER_ACCEPT)]
    petition.refresh_from_db()
    assert petition.status == Status.ACCEPTED


def test_declining_needs_a_reason_and_ends_the_petition(county_a: User, petition: Petition) -> None:
    with pytest.raises(ValidationError) as error:
        services.petition_decline(by=county_a, petition=petition, on=TODAY, reason=" ")
    assert error.value.message_dict["reason"] == [str(services.MSG_REASON_REQUIRED)]

    services.petition_decline(by=county_a, petition=petition, on=TODAY, reason="已有结论")
    petition.refresh_from_db()
    assert (petition.status, petition.decline_reason) == (Status.DECLINED, "已有结论")
    assert petition.settle_due is None
    with pytest.raises(ValidationError):
        services.petition_update(by=county_a, petition=petition, content="改")


def test_a_transferred_petition_is_decided_or_closed_by_the_unit_that_handles_it(
    county_a: User, petition: Petition
) -> None:
    services.petition_transfer(by=county_a, petition=petition, to="县纪委监委", on=TODAY)
    petition.refresh_from_db()
    assert (petition.status, petition.transferred_to) == (Status.TRANSFERRED, "县纪委监委")

    services.petition_decline(by=county_a, petition=petition, on=TODAY, reason="不属于受理范围")
    assert Petition.objects.get(pk=petition.pk).status == Status.DECLINED


def test_a_petition_is_never_transferred_to_the_unit_it_complains_of(
    city: User, county_a: User, about_a1: dict[str, Petition]
) -> None:
    # given: one petition about township A1, one about a village of A1 (信访工作条例 art. 30)
    about_township, about_village = about_a1["township"], about_a1["village"]
    village = about_village.village.name

    # when / then: not to A1's Party committee, nor to the village's branch...
    with pytest.raises(ValidationError) as error:
        services.petition_transfer(by=city, petition=about_township, to="甲一镇 党委", on=TODAY)
    assert error.value.message_dict["to"] == [
        str(services.MSG_TRANSFER_TO_ACCUSED % {"unit": "甲一镇"})
    ]
    with pytest.raises(ValidationError):
        services.petition_transfer(
            by=county_a, petition=about_village, to=f"{village}党支部", on=TODAY
        )
    assert Petition.objects.get(pk=about_township.pk).transferred_to == ""

    # ...but to another unit, as before
    services.petition_transfer(by=city, petition=about_township, to="县纪委监委", on=TODAY)
    assert Petition.objects.get(pk=about_township.pk).transferred_to == "县纪委监委"


@pytest.mark.parametrize(
    ("step", "kwargs"),
    [
        (services.petition_investigate, {"on": TODAY}),
        (services.petition_answer, {"on": TODAY, "answer": "答复"}),
        (services.petition_close, {"on": TODAY}),
    ],
)
def test_steps_cannot_be_skipped(
    county_a: User, petition: Petition, step: object, kwargs: dict
) -> None:
    with pytest.raises(ValidationError):
        step(by=county_a, petition=petition, **kwargs)


def test_a_step_cannot_be_dated_before_the_previous_one_or_in_the_future(
    county_a: User, petition: Petition
) -> None:
    with pytest.raises(ValidationError) as error:
        accepted(county_a, petition, petition.received_on - DAY)
    assert "on" in error.value.message_dict

    with pytest.raises(ValidationError) as error:
        accepted(county_a, petition, TODAY + DAY)
    assert error.value.message_dict["on"] == [str(services.MSG_FUTURE)]


def test_the_answer_is_required(county_a: User, petition: Petition) -> None:
    accepted(county_a, petition)
    services.petition_investigate(by=county_a, petition=petition, on=TODAY - 10 * DAY)

    with pytest.raises(ValidationError) as error:
        services.petition_answer(by=county_a, petition=petition, on=TODAY, answer="")

    assert error.value.message_dict["answer"] == [str(services.MSG_ANSWER_REQUIRED)]


# The extension -----------------------------------------------------------------------------


def test_it_extends_once_by_at_most_30_days_with_its_approval(
    county_a: User, petition: Petition
) -> None:
    accepted(county_a, petition)

    extend(county_a, petition, days=30)

    petition.refresh_from_db()
    assert petition.extension_days == 30
    assert petition.events.filter(action=EventAction.EXTENDED).count() == 1
    with pytest.raises(ValidationError) as error:
        extend(county_a, petition, days=5)
    assert messages_of(error) == [str(services.MSG_ALREADY_EXTENDED)]


@pytest.mark.parametrize("days", [0, 31])
def test_an_extension_is_1_to_30_days(county_a: User, petition: Petition, days: int) -> None:
    accepted(county_a, petition)

    with pytest.raises(ValidationError) as error:
        extend(county_a, petition, days=days)

    assert "days" in error.value.message_dict


def test_an_extension_needs_its_approver_and_reason(county_a: User, petition: Petition) -> None:
    accepted(county_a, petition)

    with pytest.raises(ValidationError) as error:
        extend(county_a, petition, approved_by=" ", reason="")

    assert error.value.message_dict["approved_by"] == [str(services.MSG_APPROVER_REQUIRED)]
    assert error.value.message_dict["reason"] == [str(services.MSG_REASON_REQUIRED)]
    petition.refresh_from_db()
    assert petition.extension_days is None


def test_the_database_refuses_an_extension_without_approval(
    county_a: User, petition: Petition
) -> None:
    accepted(county_a, petition)

    with pytest.raises(IntegrityError), transaction.atomic():
        Petition.objects.filter(pk=petition.pk).update(extension_days=10)


def test_an_extension_comes_before_the_deadline_has_passed(
    county_a: User, register: Register
) -> None:
    # accepted 70 days ago: day 60 (or the next working day) has passed
    petition = register(county_a, received_on=TODAY - 72 * DAY)
    accepted(county_a, petition, TODAY - 70 * DAY)
    petition.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        extend(county_a, petition, approved_on=TODAY)

    assert error.value.message_dict["approved_on"] == [
        str(services.MSG_EXTENSION_LATE % {"due": petition.settle_due.isoformat()})
    ]


def test_only_an_accepted_unsettled_petition_is_extended(
    county_a: User, petition: Petition
) -> None:
    with pytest.raises(ValidationError) as error:
        extend(county_a, petition)

    assert messages_of(error) == [str(services.MSG_NOT_EXTENDABLE)]


# Who may take a step ----------------------------------------------------------------------


def test_a_township_transfers_its_own_registration_but_never_decides(
    world: World, township_a1: User, county_a: User, a1_own: Petition
) -> None:
    with pytest.raises(PermissionDenied):
        services.petition_accept(by=township_a1, petition=a1_own, on=TODAY)

    services.petition_transfer(by=township_a1, petition=a1_own, to="甲县委组织部", on=TODAY)

    a1_own.refresh_from_db()
    assert a1_own.status == Status.TRANSFERRED
    # the county decides it now; the township can no longer change it
    accepted(county_a, a1_own, TODAY)
    with pytest.raises(PermissionDenied):
        services.petition_update(by=township_a1, petition=a1_own, content="改")


def test_another_county_cannot_take_a_step(world: World, petition: Petition) -> None:
    from tests.factories import CountyUserFactory

    county_b = CountyUserFactory(county=world.county_b)

    with pytest.raises(PermissionDenied):
        services.petition_accept(by=county_b, petition=petition, on=TODAY)


def test_the_city_handles_every_petition(city: User, petition: Petition) -> None:
    accepted(city, petition)

    assert Petition.objects.get(pk=petition.pk).status == Status.ACCEPTED


def test_an_inspector_cannot_take_a_step(inspector: User, a1_own: Petition) -> None:
    with pytest.raises(PermissionDenied):
        services.petition_transfer(by=inspector, petition=a1_own, to="县", on=TODAY)


def test_the_level_and_receiving_unit_stay_as_registered(
    world: World, county_a: User, petition: Petition
) -> None:
    with pytest.raises(ValidationError) as error:
        services.petition_update(by=county_a, petition=petition, county=world.county_b)

    assert error.value.message_dict["county"] == [str(services.MSG_UNIT_FIXED)]


def test_the_date_received_is_corrected_only_while_registered(
    county_a: User, petition: Petition
) -> None:
    services.petition_update(by=county_a, petition=petition, received_on=TODAY - 19 * DAY)
    petition.refresh_from_db()
    assert petition.received_on == TODAY - 19 * DAY
    assert petition.decision_due >= TODAY - 4 * DAY

    accepted(county_a, petition)
    with pytest.raises(ValidationError) as error:
        services.petition_update(by=county_a, petition=petition, received_on=TODAY - 18 * DAY)
    assert error.value.message_dict["received_on"] == [str(services.MSG_RECEIVED_FIXED)]
