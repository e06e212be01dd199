"""Statutory deadlines of a petition, as pure functions of dates and a holiday calendar.

- A period in days starts the day after the event (Civil Code art. 201): received on the 1st,
  15 days end on the 16th.
- A period whose last day is a public holiday ends on the next working day (art. 203). The
  weekend counts as a holiday unless the State Council's notice makes that weekend day a
  working day (调休上班), in which case it is an ordinary last day.
- 信访工作条例 (2022): the decision whether to accept within 15 days of receipt (or of the
  transfer to the unit that handles it); settlement within 60 days of acceptance, extendable
  once by at most 30 days with approval (art. 35). The extension lengthens the period before
  the holiday rule applies: accepted + 60 + extension, then moved off a holiday.

Nothing here reads the database: the calendar is handed in (``Holiday.objects.calendar()``).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

DECISION_DAYS = 15
SETTLE_DAYS = 60
MAX_EXTENSION_DAYS = 30
DUE_SOON_DAYS = 3
SATURDAY = 5
ONE_DAY = timedelta(days=1)
# A run of non-working days longer than this means a broken calendar, not a long holiday.
LONGEST_BREAK = 60


@dataclass(frozen=True)
class Calendar:
    """Public holidays (days off, with their names) and weekend days made working days."""

    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: Mapping[date, str] = field(default_factory=dict)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < SATURDAY

    def why_off(self, day: date) -> str:
        """The name of the holiday, or the weekday, that makes ``day`` a day off."""
        if day in self.holidays:
            return self.holidays[day]
        return str(_("Saturday") if day.weekday() == SATURDAY else _("Sunday"))


@dataclass(frozen=True)
class Deadline:
    """The last day of a period, and how it was reached."""

    event: date  # the day the period counts from (not itself counted)
    days: int
    nominal: date  # event + days, before the holiday rule
    due: date  # the last day, moved off holidays and non-working weekend days
    skipped: tuple[tuple[date, str], ...] = ()  # the days off it moved over, with why

    @property
    def moved(self) -> bool:
        return self.due != self.nominal


def next_working_day(day: date, calendar: Calendar) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    for _step in range(LONGEST_BREAK):
        if calendar.is_working_day(day):
            return day
        day += ONE_DAY
    raise ValueError(f"no working day within {LONGEST_BREAK} days of {day}")


def period_end(event: date, days: int, calendar: Calendar) -> Deadline:
    """The last day of a period of ``days`` days counted from the day after ``event``."""
    if days < 0:
        raise ValueError("a period cannot be negative")
    nominal = event + timedelta(days=days)
    due = next_working_day(nominal, calendar)
    skipped = []
    day = nominal
    while day < due:
        skipped.append((day, calendar.why_off(day)))
        day += ONE_DAY
    return Deadline(event=event, days=days, nominal=nominal, due=due, skipped=tuple(skipped))


def decision_due(received: date, *, calendar: Calendar) -> Deadline:
    """The last day to decide whether to accept (or to route) a petition received on
    ``received`` (or transferred to the unit on that day)."""
    return period_end(received, DECISION_DAYS, calendar)


def settle_due(accepted: date, extension_days: int = 0, *, calendar: Calendar) -> Deadline:
    """The last day to settle a petition accepted on ``accepted``, with its extension."""
    if not 0 <= extension_days <= MAX_EXTENSION_DAYS:
        raise ValueError(f"an extension is 0 to {MAX_EXTENSION_DAYS} days")
    return period_end(accepted, SETTLE_DAYS + extension_days, calendar)


class DeadlineState(models.TextChoices):
    """Where a petition stands against one deadline on a given day."""

    NOT_APPLICABLE = "none", _("Not applicable")
    PENDING = "pending", _("In time")
    DUE_SOON = "due_soon", _("Due soon")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Done in time")
    MET_LATE = "met_late", _("Done late")


def state_on(today: date, due: date | None, done_on: date | None = None) -> DeadlineState:
    """The state on ``today`` of a deadline ``due`` for a step done on ``done_on`` (or not).

    The due day itself is still in time; the day after it, an open step is overdue.
    """
    if due is None:
        return DeadlineState.NOT_APPLICABLE
    if done_on is not None:
        return DeadlineState.MET if done_on <= due else DeadlineState.MET_LATE
    if today > due:
        return DeadlineState.OVERDUE
    if today == due:
        return DeadlineState.DUE_TODAY
    if (due - today).days <= DUE_SOON_DAYS:
        return DeadlineState.DUE_SOON
    return DeadlineState.PENDING
