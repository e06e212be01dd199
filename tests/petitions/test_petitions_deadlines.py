"""Deadline arithmetic at every boundary: pure functions on a calendar of our own, then the
same through the services on the shipped 2025–2026 holiday calendar.

Periods start the day after the event (Civil Code art. 201): received on the 1st, day 15 is
the 16th. A last day on a holiday or a weekend day off moves to the next working day
(art. 203); a weekend day made a working day (调休上班) is an ordinary last day.
"""

import datetime
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from petitions import deadlines, services
from petitions.deadlines import Calendar, DeadlineState, decision_due, settle_due, state_on
from petitions.models import Holiday, Level, Petition
from tests.conftest import World

D = datetime.date
DAY = datetime.timedelta(days=1)

# A year of our own (2030): 1 March is a Friday.
CAL = Calendar(
    holidays={
        D(2030, 3, 20): "测试节",
        D(2030, 3, 21): "测试节",
        D(2030, 5, 1): "劳动节",
        D(2030, 5, 2): "劳动节",
        D(2030, 5, 3): "劳动节",
    },
    workdays={D(2030, 3, 23): "测试节调休上班"},
)


# Pure functions ---------------------------------------------------------------------------


def test_the_period_starts_the_day_after_the_event() -> None:
    # received on Monday 4 March: the 15 days are 5–19 March
    deadline = decision_due(D(2030, 3, 4), calendar=CAL)

    assert deadline.nominal == D(2030, 3, 19)
    assert deadline.due == D(2030, 3, 19)
    assert not deadline.moved


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2030, 3, 5), DeadlineState.PENDING),  # day 1
        (D(2030, 3, 15), DeadlineState.PENDING),  # day 11: four days left
        (D(2030, 3, 16), DeadlineState.DUE_SOON),  # day 12: three days left
        (D(2030, 3, 18), DeadlineState.DUE_SOON),  # day 14
        (D(2030, 3, 19), DeadlineState.DUE_TODAY),  # day 15: the last day is still in time
        (D(2030, 3, 20), DeadlineState.OVERDUE),  # day 16
        (D(2031, 1, 1), DeadlineState.OVERDUE),
    ],
)
def test_the_decision_is_overdue_from_day_16_on(today: datetime.date, state: str) -> None:
    deadline = decision_due(D(2030, 3, 4), calendar=CAL)

    assert state_on(today, deadline.due) == state


@pytest.mark.parametrize(
    ("done_on", "state"),
    [
        (D(2030, 3, 4), DeadlineState.MET),  # the same day
        (D(2030, 3, 19), DeadlineState.MET),  # on day 15
        (D(2030, 3, 20), DeadlineState.MET_LATE),  # on day 16
    ],
)
def test_a_step_done_is_in_time_up_to_the_last_day(done_on: datetime.date, state: str) -> None:
    # a done step keeps its state whatever the day it is looked at
    for today in (done_on, D(2031, 1, 1)):
        assert state_on(today, D(2030, 3, 19), done_on) == state


def test_a_deadline_on_a_holiday_moves_past_the_holiday() -> None:
    # received on 5 March: day 15 is 20 March, a holiday, and 21 March too
    deadline = decision_due(D(2030, 3, 5), calendar=CAL)

    assert deadline.nominal == D(2030, 3, 20)
    assert deadline.due == D(2030, 3, 22)
    assert deadline.moved
    assert deadline.skipped == ((D(2030, 3, 20), "测试节"), (D(2030, 3, 21), "测试节"))


def test_a_deadline_on_a_weekend_that_is_a_working_day_does_not_move() -> None:
    # received on 8 March: day 15 is Saturday 23 March, a 调休 working day
    deadline = decision_due(D(2030, 3, 8), calendar=CAL)

    assert deadline.due == D(2030, 3, 23)
    assert not deadline.moved


def test_a_deadline_on_an_ordinary_weekend_moves_to_monday() -> None:
    # received on Friday 1 March: day 15 is Saturday 16 March
    deadline = decision_due(D(2030, 3, 1), calendar=CAL)

    assert deadline.due == D(2030, 3, 18)
    assert [str(why) for _day, why in deadline.skipped] == [_("Saturday"), _("Sunday")]


def test_a_holiday_running_into_a_weekend_moves_past_both() -> None:
    # 1–3 May 2030 (Wed–Fri) holidays, then the weekend: the next working day is Monday 6 May
    deadline = deadlines.period_end(D(2030, 4, 16), 15, CAL)

    assert deadline.nominal == D(2030, 5, 1)
    assert deadline.due == D(2030, 5, 6)
    assert len(deadline.skipped) == 5


def test_overdue_counts_from_the_moved_deadline() -> None:
    due = decision_due(D(2030, 3, 5), calendar=CAL).due  # moved to 22 March

    assert state_on(D(2030, 3, 20), due) == DeadlineState.DUE_SOON  # nominal day 15: in time
    assert state_on(D(2030, 3, 22), due) == DeadlineState.DUE_TODAY
    assert state_on(D(2030, 3, 23), due) == DeadlineState.OVERDUE


def test_settlement_is_due_on_day_60() -> None:
    # accepted Monday 4 March 2030: day 60 is Friday 3 May, a holiday → Monday 6 May
    assert settle_due(D(2030, 3, 4), calendar=CAL).nominal == D(2030, 5, 3)
    assert settle_due(D(2030, 3, 4), calendar=CAL).due == D(2030, 5, 6)
    # accepted Tuesday 5 February: day 60 is Saturday 6 April → Monday 8 April
    assert settle_due(D(2030, 2, 5), calendar=CAL).due == D(2030, 4, 8)
    # accepted Monday 4 February: day 60 is Friday 5 April, a working day
    due = settle_due(D(2030, 2, 4), calendar=CAL).due
    assert due == D(2030, 4, 5)
    assert state_on(due, due) == DeadlineState.DUE_TODAY
    assert state_on(due + DAY, due) == DeadlineState.OVERDUE


@pytest.mark.parametrize(
    ("extension", "due"),
    [
        (0, D(2030, 4, 5)),  # Friday
        (1, D(2030, 4, 8)),  # Saturday 6 → Monday 8
        (2, D(2030, 4, 8)),  # Sunday 7 → Monday 8
        (3, D(2030, 4, 8)),  # Monday 8
        (30, D(2030, 5, 6)),  # Sunday 5 May, after the holiday → Monday 6
    ],
)
def test_the_extension_lengthens_the_period_before_the_holiday_rule(
    extension: int, due: datetime.date
) -> None:
    assert settle_due(D(2030, 2, 4), extension, calendar=CAL).due == due


@pytest.mark.parametrize("extension", [-1, 31, 60])
def test_an_extension_is_at_most_30_days(extension: int) -> None:
    with pytest.raises(ValueError):
        settle_due(D(2030, 2, 4), extension, calendar=CAL)


def test_a_working_weekend_is_a_working_day_and_a_weekday_holiday_is_not() -> None:
    assert CAL.is_working_day(D(2030, 3, 23))  # Saturday, 调休上班
    assert not CAL.is_working_day(D(2030, 3, 24))  # Sunday
    assert not CAL.is_working_day(D(2030, 3, 20))  # Wednesday holiday
    assert CAL.is_working_day(D(2030, 3, 19))  # Tuesday
    assert deadlines.next_working_day(D(2030, 3, 19), CAL) == D(2030, 3, 19)


def test_no_deadline_and_nothing_to_do_is_not_applicable() -> None:
    assert state_on(D(2030, 1, 1), None) == DeadlineState.NOT_APPLICABLE


# The shipped calendar --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_ships_the_2025_and_2026_notices() -> None:
    calendar = Holiday.objects.calendar()

    assert calendar.holidays[D(2025, 1, 28)] == "春节"  # 除夕, a holiday from 2025 on
    assert calendar.holidays[D(2026, 10, 7)] == "国庆节"
    assert calendar.workdays[D(2026, 10, 10)] == "国庆节调休上班"
    assert calendar.workdays[D(2026, 1, 4)] == "元旦调休上班"
    # every working-day override is a weekend day; no 2027 days yet (not announced)
    assert all(day.weekday() >= 5 for day in calendar.workdays)
    assert not Holiday.objects.filter(date__year=2027).exists()
    assert Holiday.objects.filter(is_workday_override=False, date__year=2026).count() == 33


# Through the services -------------------------------------------------------------------


PetitionOn = Callable[[datetime.date], Petition]


@pytest.fixture
def petition_on(county_a: User, world: World) -> PetitionOn:
    def make(received: datetime.date) -> Petition:
        return services.petition_register(
            by=county_a,
            level=Level.COUNTY,
            county=world.county_a,
            received_on=received,
            channel="letter",
            category="procedure",
            real_name=False,
            content="反映选举程序问题",
        )

    return make


@pytest.mark.django_db
def test_the_service_stores_day_15_and_the_queryset_finds_it_overdue_on_day_16(
    petition_on: PetitionOn, county_a: User
) -> None:
    # received Monday 2 March 2026: day 15 is Tuesday 17 March
    petition = petition_on(D(2026, 3, 2))

    assert petition.decision_due == D(2026, 3, 17)
    overdue = Petition.objects.visible_to(county_a).overdue
    assert petition not in overdue(D(2026, 3, 17))
    assert petition.decision_state(D(2026, 3, 17)) == DeadlineState.DUE_TODAY
    assert petition in overdue(D(2026, 3, 18))
    assert petition.is_overdue(D(2026, 3, 18))


@pytest.mark.django_db
def test_the_service_moves_a_decision_due_on_national_day(petition_on: PetitionOn) -> None:
    # received 16 September 2026: day 15 is 1 October; 1–7 October are days off
    petition = petition_on(D(2026, 9, 16))

    assert petition.decision_due == D(2026, 10, 8)
    assert not petition.is_overdue(D(2026, 10, 8))
    assert petition.is_overdue(D(2026, 10, 9))


@pytest.mark.django_db
def test_the_service_keeps_a_decision_due_on_a_working_saturday(petition_on: PetitionOn) -> None:
    # received 25 September 2026 (中秋): day 15 is Saturday 10 October, a working day
    petition = petition_on(D(2026, 9, 25))

    assert petition.decision_due == D(2026, 10, 10)
    assert petition.is_overdue(D(2026, 10, 11))


@pytest.mark.django_db
def test_a_working_sunday_across_the_new_year_is_a_last_day(petition_on: PetitionOn) -> None:
    # received 20 December 2025: day 15 is Sunday 4 January 2026, worked for 元旦
    assert petition_on(D(2025, 12, 20)).decision_due == D(2026, 1, 4)


@pytest.mark.django_db
def test_the_service_computes_day_60_and_the_extension(
    petition_on: PetitionOn, county_a: User, world: World
) -> None:
    # given: accepted Monday 1 June 2026
    petition = petition_on(D(2026, 5, 28))
    services.petition_accept(by=county_a, petition=petition, on=D(2026, 6, 1))
    petition.refresh_from_db()

    # then: day 60 is Friday 31 July
    assert petition.settle_due == D(2026, 7, 31)
    assert petition.settle_state(D(2026, 7, 31)) == DeadlineState.DUE_TODAY
    assert petition.is_overdue(D(2026, 8, 1))

    # when: extended by 30 days, approved on day 60
    services.petition_extend(
        by=county_a,
        petition=petition,
        days=30,
        reason="需进一步核实",
        approved_by="县委组织部部长 王某",
        approved_on=D(2026, 7, 31),
    )
    petition.refresh_from_db()

    # then: day 90 is Sunday 30 August → Monday 31 August
    assert petition.settle_due == D(2026, 8, 31)
    assert not petition.is_overdue(D(2026, 8, 31))
    assert petition in Petition.objects.overdue(D(2026, 9, 1))
    assert petition not in Petition.objects.overdue(D(2026, 8, 31))


@pytest.mark.django_db
def test_day_60_on_labour_day_moves_past_the_holiday(
    petition_on: PetitionOn, county_a: User
) -> None:
    # accepted 2 March 2026: day 60 is 1 May; 1–5 May are days off
    petition = petition_on(D(2026, 3, 2))
    services.petition_accept(by=county_a, petition=petition, on=D(2026, 3, 2))
    petition.refresh_from_db()

    assert petition.settle_due == D(2026, 5, 6)


@pytest.mark.django_db
def test_a_transfer_starts_the_decision_period_again(
    county_a: User, township_a1: User, world: World
) -> None:
    # given: received by township A1 on Monday 2 March 2026
    petition = services.petition_register(
        by=township_a1,
        level=Level.TOWNSHIP,
        receiving_township=world.township_a1,
        received_on=D(2026, 3, 2),
        channel="visit",
        category="other",
        real_name=False,
        content="咨询",
    )
    assert petition.decision_due == D(2026, 3, 17)

    # when: transferred to the county on Friday 6 March
    services.petition_transfer(
        by=township_a1, petition=petition, to="甲县委组织部", on=D(2026, 3, 6)
    )
    petition.refresh_from_db()

    # then: the county has 15 days from the transfer: Saturday 21 March → Monday 23 March
    assert petition.decision_due == D(2026, 3, 23)


@pytest.mark.django_db
def test_editing_the_calendar_moves_the_stored_deadlines(
    petition_on: PetitionOn, city: User
) -> None:
    # given: day 15 on Tuesday 17 March 2026
    petition = petition_on(D(2026, 3, 2))

    # when: the admin enters a holiday on that day
    holiday = services.holiday_save(by=city, holiday=Holiday(date=D(2026, 3, 17), name="测试"))
    petition.refresh_from_db()

    # then: the deadline moves to the next working day, and back when the holiday goes
    assert petition.decision_due == D(2026, 3, 18)
    services.holiday_delete(by=city, holiday=holiday)
    petition.refresh_from_db()
    assert petition.decision_due == D(2026, 3, 17)


@pytest.mark.django_db
def test_a_weekday_cannot_be_marked_a_working_day() -> None:
    from django.core.exceptions import ValidationError

    from petitions.models import MSG_WORKDAY_WEEKDAY

    with pytest.raises(ValidationError) as error:
        Holiday(date=D(2026, 3, 17), name="x", is_workday_override=True).full_clean()

    assert str(MSG_WORKDAY_WEEKDAY) in error.value.messages


@pytest.mark.django_db
def test_the_admin_edits_the_calendar_through_the_service(
    petition_on: PetitionOn, city: User
) -> None:
    from django.contrib.auth.models import Permission

    from tests.conftest import signed_in

    city.user_permissions.add(*Permission.objects.filter(codename__endswith="_holiday"))
    city_client = signed_in(User.objects.get(pk=city.pk))
    petition = petition_on(D(2026, 3, 2))  # day 15: Tuesday 17 March
    add = reverse("admin:petitions_holiday_add")

    weekday = city_client.post(
        add, {"date": "2026-03-18", "name": "x", "is_workday_override": "on"}
    )
    saved = city_client.post(add, {"date": "2026-03-17", "name": "地方节日"})

    assert weekday.status_code == 200  # refused on the form: a weekday is a working day anyway
    assert saved.status_code == 302
    petition.refresh_from_db()
    assert petition.decision_due == D(2026, 3, 18)
