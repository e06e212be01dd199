"""Use cases of a petition: register, edit, route, decide, investigate, answer, close, extend.

Each step checks who may take it and the workflow (registered → accepted or declined →
under investigation → answered → closed; a transfer before the decision; one extension of
at most 30 days, approved), writes a ``PetitionEvent`` and recomputes the stored deadlines.
Errors are ``ValidationError`` with the Chinese messages below; a user who may not take a step
at all gets ``PermissionDenied``.

Who handles petitions: the city, and a county for the petitions of its county (whatever the
level that received them). A township registers the petitions it receives, corrects them and
transfers them while they are still only registered; it never links one to its own township
(信访工作条例 art. 30) and never reads one about itself. Inspection groups only read.
"""

import re
from datetime import date
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from candidates.models import Candidacy
from candidates.services import attachment_check
from elections.models import County, Election, Township, Village
from petitions import deadlines
from petitions.models import (
    AWAITING_DECISION,
    AWAITING_SETTLEMENT,
    FINAL,
    NUMBER_WORD,
    EventAction,
    Holiday,
    Level,
    Petition,
    PetitionAttachment,
    PetitionEvent,
    Status,
)

EARLIEST = date(2000, 1, 1)
NUMBER_ATTEMPTS = 5

MSG_NOT_HANDLER = gettext_lazy(
    "Only the city or the county organization department of this petition can do this."
)
MSG_NO_REGISTER = gettext_lazy("Your role cannot register petitions.")
MSG_LEVEL_FOR_ROLE = gettext_lazy("You cannot register a petition received at this level.")
MSG_TOWNSHIP_REQUIRED = gettext_lazy("Give the township that received the petition.")
MSG_COUNTY_REQUIRED = gettext_lazy("Give the county that received the petition.")
MSG_OUTSIDE_REGION = gettext_lazy("This lies outside your region.")
MSG_OTHER_COUNTY = gettext_lazy(
    "The petition concerns a township of another county: the county must be that township's."
)
MSG_ABOUT_OWN_TOWNSHIP = gettext_lazy(
    "A petition about your own township's officials or candidates is never handled by your "
    "township (信访工作条例 art. 30): pass it to the county organization department unopened."
)
MSG_MISMATCH = gettext_lazy("This does not agree with the related %(what)s.")
MSG_NAME_REQUIRED = gettext_lazy("A real-name petition needs the petitioner's name.")
MSG_ANONYMOUS_NAME = gettext_lazy("An anonymous petition has no petitioner's name.")
MSG_PHONE = gettext_lazy("“%(value)s” is not a phone number.")
MSG_FUTURE = gettext_lazy("The date cannot be in the future.")
MSG_TOO_EARLY = gettext_lazy("The date cannot be before %(date)s.")
MSG_CONTENT_REQUIRED = gettext_lazy("Describe what the petition is about.")
MSG_PEOPLE = gettext_lazy("The number of people is at least 1.")
MSG_RECEIVED_FIXED = gettext_lazy(
    "The date received can be corrected only while the petition is registered, and within "
    "the year of its number."
)
MSG_NOT_EDITABLE = gettext_lazy("A declined or closed petition can no longer be changed.")
MSG_BAD_STEP = gettext_lazy("A petition that is “%(status)s” cannot be %(step)s.")
MSG_DECLINE_AFTER_ACCEPT = gettext_lazy("A petition can be declined only before it is accepted.")
MSG_REASON_REQUIRED = gettext_lazy("Give the reason.")
MSG_DATE_REQUIRED = gettext_lazy("Give the date.")
MSG_UNIT_FIXED = gettext_lazy(
    "The unit that received a petition cannot change; register it again at the right level."
)
MSG_ANSWER_REQUIRED = gettext_lazy("Give the answer sent to the petitioner.")
MSG_TRANSFER_TO_REQUIRED = gettext_lazy("Give the unit the petition is transferred to.")
MSG_TRANSFER_TO_ACCUSED = gettext_lazy(
    "The petition is about %(unit)s: it cannot be transferred to the unit it complains of."
)
MSG_BEFORE_PREVIOUS = gettext_lazy("The date cannot be before the previous step (%(date)s).")
MSG_ALREADY_EXTENDED = gettext_lazy(
    "The settlement period was already extended once; it cannot be extended again."
)
MSG_EXTENSION_DAYS = gettext_lazy("An extension is from 1 to %(max)d days.")
MSG_APPROVER_REQUIRED = gettext_lazy("An extension needs the approval: say who approved it.")
MSG_EXTENSION_LATE = gettext_lazy(
    "An extension must be approved before the settlement deadline (%(due)s) has passed."
)
MSG_NOT_EXTENDABLE = gettext_lazy(
    "Only an accepted petition that is not settled yet can have its deadline extended."
)

STEP_NAMES = {
    EventAction.TRANSFERRED: gettext_lazy("transferred"),
    EventAction.ACCEPTED: gettext_lazy("accepted"),
    EventAction.DECLINED: gettext_lazy("declined"),
    EventAction.INVESTIGATING: gettext_lazy("put under investigation"),
    EventAction.ANSWERED: gettext_lazy("answered"),
    EventAction.CLOSED: gettext_lazy("closed"),
}
# The statuses each step starts from, and the status it leads to.
STEPS = {
    EventAction.TRANSFERRED: (AWAITING_DECISION, Status.TRANSFERRED),
    EventAction.ACCEPTED: (AWAITING_DECISION, Status.ACCEPTED),
    EventAction.DECLINED: (AWAITING_DECISION, Status.DECLINED),
    EventAction.INVESTIGATING: ((Status.ACCEPTED,), Status.INVESTIGATING),
    EventAction.ANSWERED: ((Status.INVESTIGATING,), Status.ANSWERED),
    EventAction.CLOSED: ((Status.ANSWERED, Status.TRANSFERRED), Status.CLOSED),
}

# Fields the registration sets; ``petition_update`` changes the same ones but the level and
# the receiving unit, which the number and the register belong to.
REGISTRATION_FIELDS = (
    "received_on",
    "channel",
    "real_name",
    "petitioner_name",
    "petitioner_phone",
    "people_count",
    "category",
    "about_township",
    "village",
    "election",
    "candidacy",
    "content",
    "county",
)


# Who may do what -----------------------------------------------------------------------------


def is_handler(user: User, petition: Petition) -> bool:
    """The city, or the county organization department of the petition's county."""
    if user.is_read_only:
        return False
    if user.is_superuser or user.role == Role.CITY:
        return True
    in_county = bool(user.county_id) and user.county_id == petition.county_id
    return user.role == Role.COUNTY and in_county


def _received_by_own_township(user: User, petition: Petition) -> bool:
    return (
        user.role == Role.TOWNSHIP
        and not user.is_read_only
        and petition.level == Level.TOWNSHIP
        and petition.receiving_township_id == user.township_id
    )


def is_own_registration(user: User, petition: Petition) -> bool:
    """A township's own registration, still waiting for the first step."""
    return _received_by_own_township(user, petition) and petition.status == Status.REGISTERED


def may_take(user: User, petition: Petition, step: str) -> bool:
    """Whether ``user`` may take ``step`` on ``petition`` at all, whatever its status: the
    handlers any step, a township the transfer of what it registered itself."""
    if is_handler(user, petition):
        return True
    return step == "transfer" and _received_by_own_township(user, petition)


def can_edit(user: User, petition: Petition) -> bool:
    if petition.status in FINAL:
        return False
    return is_handler(user, petition) or is_own_registration(user, petition)


def can_transfer(user: User, petition: Petition) -> bool:
    if petition.status not in AWAITING_DECISION:
        return False
    return is_handler(user, petition) or is_own_registration(user, petition)


def can_register(user: User) -> bool:
    if user.is_read_only or not user.is_active:
        return False
    return user.is_superuser or user.role in (Role.CITY, Role.COUNTY, Role.TOWNSHIP)


def levels_for(user: User) -> list[str]:
    """The levels at which ``user`` registers petitions, their own first."""
    if user.is_superuser or user.role == Role.CITY:
        return [Level.CITY, Level.COUNTY, Level.TOWNSHIP]
    if user.role == Role.COUNTY:
        return [Level.COUNTY, Level.TOWNSHIP]
    if user.role == Role.TOWNSHIP:
        return [Level.TOWNSHIP]
    return []


def _require_handler(user: User, petition: Petition) -> None:
    if not is_handler(user, petition):
        raise PermissionDenied(MSG_NOT_HANDLER)


# Deadlines ----------------------------------------------------------------------------------


def calendar() -> deadlines.Calendar:
    return Holiday.objects.calendar()


def decision_deadline(petition: Petition, cal: deadlines.Calendar) -> deadlines.Deadline:
    """15 days from receipt, or from the latest transfer to the unit that decides."""
    return deadlines.decision_due(petition.transferred_on or petition.received_on, calendar=cal)


def settle_deadline(petition: Petition, cal: deadlines.Calendar) -> deadlines.Deadline | None:
    """60 days (and the extension) from acceptance; None if it was never accepted."""
    if petition.decided_on is None or petition.status == Status.DECLINED:
        return None
    return deadlines.settle_due(petition.decided_on, petition.extension_days or 0, calendar=cal)


def _set_deadlines(petition: Petition, cal: deadlines.Calendar) -> None:
    petition.decision_due = decision_deadline(petition, cal).due
    settle = settle_deadline(petition, cal)
    petition.settle_due = settle.due if settle else None


@transaction.atomic
def deadlines_refresh() -> int:
    """Recomputes every petition's stored deadlines from the holiday calendar; returns how
    many changed. Derived values only, so written in bulk (not in the audit log)."""
    cal = calendar()
    changed = []
    fields = ("received_on", "transferred_on", "decided_on", "status", "extension_days")
    for petition in Petition.objects.only("decision_due", "settle_due", *fields).iterator(500):
        before = (petition.decision_due, petition.settle_due)
        _set_deadlines(petition, cal)
        if (petition.decision_due, petition.settle_due) != before:
            changed.append(petition)
    Petition.objects.bulk_update(changed, ["decision_due", "settle_due"], batch_size=500)
    return len(changed)


@transaction.atomic
def holiday_save(*, by: User, holiday: Holiday) -> Holiday:
    """Saves a calendar day (from the admin) and moves the deadlines it changes."""
    holiday.full_clean()
    holiday.save()
    deadlines_refresh()
    return holiday


@transaction.atomic
def holiday_delete(*, by: User, holiday: Holiday) -> None:
    holiday.delete()
    deadlines_refresh()


# Registration -------------------------------------------------------------------------------

PHONE = re.compile(r"^[0-9]{7,12}$")


def clean_phone(value: str) -> str:
    """Digits only (spaces and dashes dropped); 7 to 12 of them, a mobile starting with 1."""
    phone = "".join((value or "").split()).replace("-", "")
    if phone and (not PHONE.match(phone) or (len(phone) == 11 and phone[0] != "1")):
        raise ValidationError(MSG_PHONE % {"value": value})
    return phone


def _check_day(day: date | None, field: str, errors: dict, *, after: date | None = None) -> None:
    if day is None:
        return
    if day > timezone.localdate():
        errors.setdefault(field, []).append(MSG_FUTURE)
    elif day < EARLIEST:
        errors.setdefault(field, []).append(MSG_TOO_EARLY % {"date": EARLIEST.isoformat()})
    elif after and day < after:
        errors.setdefault(field, []).append(MSG_BEFORE_PREVIOUS % {"date": after.isoformat()})


def _resolve_related(petition: Petition, errors: dict) -> None:
    """Candidate → election → village → township: each fills the next and must agree."""
    chain = (
        ("candidacy", "election", lambda c: c.election, Candidacy._meta.verbose_name),
        ("election", "village", lambda e: e.branch.village, Election._meta.verbose_name),
        ("village", "about_township", lambda v: v.township, Village._meta.verbose_name),
    )
    for source, target, follow, label in chain:
        value = getattr(petition, source)
        if value is None:
            continue
        implied = follow(value)
        given = getattr(petition, target)
        if given is not None and given.pk != implied.pk:
            errors.setdefault(target, []).append(MSG_MISMATCH % {"what": label})
        setattr(petition, target, implied)
    if petition.village is not None and petition.election is None:
        # The village's election in the campaign running on the day the petition came.
        petition.election = (
            Election.objects.filter(
                branch__village=petition.village,
                campaign__start_date__lte=petition.received_on,
                campaign__end_date__gte=petition.received_on,
            )
            .order_by("-campaign__start_date", "pk")
            .first()
        )


def _resolve_units(by: User, petition: Petition, errors: dict) -> None:
    """The level's receiving unit and the county, checked against the user's region."""
    level = petition.level
    if level == Level.TOWNSHIP:
        township = petition.receiving_township
        if township is None:
            errors.setdefault("receiving_township", []).append(MSG_TOWNSHIP_REQUIRED)
            return
        if not Township.objects.visible_to(by).filter(pk=township.pk).exists():
            errors.setdefault("receiving_township", []).append(MSG_OUTSIDE_REGION)
        petition.county = township.county
    else:
        petition.receiving_township = None
    if level == Level.COUNTY and petition.county is None:
        errors.setdefault("county", []).append(MSG_COUNTY_REQUIRED)
    about = petition.about_township
    if about is not None:
        if petition.county is None and level == Level.CITY:
            petition.county = about.county
        elif petition.county is not None and about.county_id != petition.county_id:
            errors.setdefault("about_township", []).append(MSG_OTHER_COUNTY)
    county = petition.county
    if county is not None and not County.objects.visible_to(by).filter(pk=county.pk).exists():
        errors.setdefault("county", []).append(MSG_OUTSIDE_REGION)


def _check_related_scope(by: User, petition: Petition, errors: dict) -> None:
    about = petition.about_township
    if about is None:
        return
    if by.role == Role.TOWNSHIP and about.pk == by.township_id:
        errors.setdefault("about_township", []).append(MSG_ABOUT_OWN_TOWNSHIP)
    elif not Township.objects.visible_to(by).filter(pk=about.pk).exists():
        errors.setdefault("about_township", []).append(MSG_OUTSIDE_REGION)


def _check_petitioner(petition: Petition, errors: dict) -> None:
    petition.petitioner_name = (petition.petitioner_name or "").strip()
    if petition.real_name and not petition.petitioner_name:
        errors.setdefault("petitioner_name", []).append(MSG_NAME_REQUIRED)
    if not petition.real_name and petition.petitioner_name:
        errors.setdefault("petitioner_name", []).append(MSG_ANONYMOUS_NAME)
    try:
        petition.petitioner_phone = clean_phone(petition.petitioner_phone)
    except ValidationError as error:
        errors.setdefault("petitioner_phone", []).extend(error.messages)
    if petition.people_count is None or petition.people_count < 1:
        errors.setdefault("people_count", []).append(MSG_PEOPLE)
    petition.content = (petition.content or "").strip()
    if not petition.content:
        errors.setdefault("content", []).append(MSG_CONTENT_REQUIRED)


def petition_check(*, by: User, petition: Petition) -> None:
    """Every rule of a registration, on an unsaved (or changed) petition; fills what the
    related objects imply (county, election, village, township). Raises ValidationError."""
    errors: dict[str, list] = {}
    if petition.level not in levels_for(by):
        errors.setdefault("level", []).append(MSG_LEVEL_FOR_ROLE)
    _check_day(petition.received_on, "received_on", errors)
    _resolve_related(petition, errors)
    _resolve_units(by, petition, errors)
    _check_related_scope(by, petition, errors)
    _check_petitioner(petition, errors)
    if errors:
        raise ValidationError(errors)


def _next_serial(year: int, level: str) -> int:
    last = Petition.objects.filter(year=year, level=level).aggregate(last=Max("serial"))["last"]
    return (last or 0) + 1


def _save_numbered(petition: Petition) -> None:
    """Numbers the petition ``{year}-{市|县|乡镇}-{serial:04d}``: one sequence per year and
    level across the city, so a number names one petition everywhere. Two registrations at
    once may draw the same serial: the unique constraint refuses one, which draws again."""
    petition.year = petition.received_on.year
    for attempt in range(NUMBER_ATTEMPTS):
        petition.serial = _next_serial(petition.year, petition.level)
        petition.number = f"{petition.year}-{NUMBER_WORD[petition.level]}-{petition.serial:04d}"
        try:
            with transaction.atomic():
                petition.save()
            return
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
            petition.pk = None


def _event(petition: Petition, action: str, on: date, by: User, note: str = "") -> PetitionEvent:
    return PetitionEvent.objects.create(
        petition=petition, action=action, on=on, by=by, note=note.strip()
    )


def petition_prepare(*, by: User, level: str, **fields: Any) -> Petition:
    """A new petition, checked and completed but not saved (the import checks with it)."""
    if not can_register(by):
        raise PermissionDenied(MSG_NO_REGISTER)
    petition = Petition(level=level, registered_by=by, status=Status.REGISTERED, **fields)
    petition_check(by=by, petition=petition)
    return petition


@transaction.atomic
def petition_register(*, by: User, level: str, **fields: Any) -> Petition:
    """Registers a petition received at ``level`` and numbers it; fields as the model's."""
    petition = petition_prepare(by=by, level=level, **fields)
    _set_deadlines(petition, calendar())
    _save_numbered(petition)
    _event(petition, EventAction.REGISTERED, petition.received_on, by)
    return petition


def petition_change(*, by: User, petition: Petition, **fields: Any) -> Petition:
    """``petition`` with ``fields`` applied and checked, not saved (the import checks with
    it). The level and the receiving unit stay as numbered."""
    if not can_edit(by, petition):
        if petition.status in FINAL:
            raise ValidationError(MSG_NOT_EDITABLE)
        raise PermissionDenied(MSG_NOT_HANDLER)
    received = fields.get("received_on", petition.received_on)
    if received != petition.received_on and (
        petition.status != Status.REGISTERED or received is None or received.year != petition.year
    ):
        raise ValidationError({"received_on": MSG_RECEIVED_FIXED})
    county = fields.get("county", petition.county)
    if petition.level != Level.CITY and county != petition.county:
        raise ValidationError({"county": MSG_UNIT_FIXED})
    for name, value in fields.items():
        if name not in REGISTRATION_FIELDS:
            raise TypeError(f"a petition's {name} cannot be changed here")
        setattr(petition, name, value)
    if "village" in fields or "candidacy" in fields:
        # A new village (or none) implies its own election unless one is given with it.
        if "election" not in fields:
            petition.election = None
        if "about_township" not in fields and fields.get("village") is not None:
            petition.about_township = None
    petition_check(by=by, petition=petition)
    return petition


@transaction.atomic
def petition_update(*, by: User, petition: Petition, **fields: Any) -> Petition:
    """Corrects what was registered (see ``petition_change``)."""
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    petition_change(by=by, petition=petition, **fields)
    _set_deadlines(petition, calendar())
    petition.save()
    return petition


# The workflow -------------------------------------------------------------------------------


def _locked(petition: Petition) -> Petition:
    return Petition.objects.select_for_update().get(pk=petition.pk)


def _step(petition: Petition, action: str) -> str:
    """The status ``action`` leads to, if the petition's status allows it."""
    allowed, target = STEPS[action]
    if petition.status not in allowed:
        if action == EventAction.DECLINED:
            raise ValidationError(MSG_DECLINE_AFTER_ACCEPT)
        raise ValidationError(
            MSG_BAD_STEP % {"status": petition.get_status_display(), "step": STEP_NAMES[action]}
        )
    return target


def _check_on(on: date | None, after: date | None, field: str = "on") -> None:
    errors: dict[str, list] = {}
    if on is None:
        errors[field] = [MSG_DATE_REQUIRED]
    _check_day(on, field, errors, after=after)
    if errors:
        raise ValidationError(errors)


def _advance(
    petition: Petition, *, by: User, action: str, on: date, note: str, fields: dict
) -> Petition:
    petition.status = _step(petition, action)
    for name, value in fields.items():
        setattr(petition, name, value)
    _set_deadlines(petition, calendar())
    petition.save()
    _event(petition, action, on, by, note)
    return petition


@transaction.atomic
def petition_transfer(
    *, by: User, petition: Petition, to: str, on: date, note: str = ""
) -> Petition:
    """Routes a petition not yet decided to the unit that handles it (转送/交办); that unit
    has 15 days from the transfer to decide whether to accept it."""
    petition = _locked(petition)
    if not can_transfer(by, petition):
        _step(petition, EventAction.TRANSFERRED)
        raise PermissionDenied(MSG_NOT_HANDLER)
    if not to.strip():
        raise ValidationError({"to": MSG_TRANSFER_TO_REQUIRED})
    accused = _accused_named(petition, to)
    if accused:
        raise ValidationError({"to": MSG_TRANSFER_TO_ACCUSED % {"unit": accused}})
    _check_on(on, petition.transferred_on or petition.received_on)
    fields = {"transferred_to": to.strip(), "transferred_on": on}
    note = f"{to.strip()}：{note.strip()}" if note.strip() else to.strip()
    return _advance(
        petition, by=by, action=EventAction.TRANSFERRED, on=on, note=note, fields=fields
    )


def _accused_named(petition: Petition, to: str) -> str:
    """The township or village the petition is about, if the unit typed is one of theirs
    (洪寨镇党委 for a petition about 洪寨镇): a complaint is never passed to the unit it
    accuses (信访工作条例 art. 30). "" when the unit is another."""
    unit = "".join(to.split())
    for place in (petition.village, petition.about_township):
        if place is not None and place.name and place.name in unit:
            return place.name
    return ""


@transaction.atomic
def petition_accept(*, by: User, petition: Petition, on: date, note: str = "") -> Petition:
    petition = _locked(petition)
    _require_handler(by, petition)
    _step(petition, EventAction.ACCEPTED)
    _check_on(on, petition.transferred_on or petition.received_on)
    return _advance(
        petition, by=by, action=EventAction.ACCEPTED, on=on, note=note, fields={"decided_on": on}
    )


@transaction.atomic
def petition_decline(*, by: User, petition: Petition, on: date, reason: str) -> Petition:
    """Declines a petition (不予受理), which is possible only before it is accepted."""
    petition = _locked(petition)
    _require_handler(by, petition)
    _step(petition, EventAction.DECLINED)
    if not reason.strip():
        raise ValidationError({"reason": MSG_REASON_REQUIRED})
    _check_on(on, petition.transferred_on or petition.received_on)
    fields = {"decided_on": on, "decline_reason": reason.strip()}
    return _advance(petition, by=by, action=EventAction.DECLINED, on=on, note=reason, fields=fields)


@transaction.atomic
def petition_investigate(*, by: User, petition: Petition, on: date, note: str = "") -> Petition:
    petition = _locked(petition)
    _require_handler(by, petition)
    _step(petition, EventAction.INVESTIGATING)
    _check_on(on, petition.decided_on)
    fields = {"investigation_started_on": on}
    return _advance(
        petition, by=by, action=EventAction.INVESTIGATING, on=on, note=note, fields=fields
    )


@transaction.atomic
def petition_answer(*, by: User, petition: Petition, on: date, answer: str) -> Petition:
    """Records the answer (办理意见) sent to the petitioner: the petition is settled."""
    petition = _locked(petition)
    _require_handler(by, petition)
    _step(petition, EventAction.ANSWERED)
    if not answer.strip():
        raise ValidationError({"answer": MSG_ANSWER_REQUIRED})
    _check_on(on, petition.investigation_started_on)
    fields = {"answered_on": on, "answer": answer.strip()}
    return _advance(petition, by=by, action=EventAction.ANSWERED, on=on, note="", fields=fields)


@transaction.atomic
def petition_close(*, by: User, petition: Petition, on: date, note: str = "") -> Petition:
    """Closes an answered petition, or one transferred to a unit that has dealt with it."""
    petition = _locked(petition)
    _require_handler(by, petition)
    _step(petition, EventAction.CLOSED)
    _check_on(on, petition.answered_on or petition.transferred_on)
    return _advance(
        petition, by=by, action=EventAction.CLOSED, on=on, note=note, fields={"closed_on": on}
    )


@transaction.atomic
def petition_extend(
    *, by: User, petition: Petition, days: int, reason: str, approved_by: str, approved_on: date
) -> Petition:
    """The one extension of the settlement period (at most 30 days), with its approval."""
    petition = _locked(petition)
    _require_handler(by, petition)
    if petition.status not in AWAITING_SETTLEMENT:
        raise ValidationError(MSG_NOT_EXTENDABLE)
    if petition.extension_days:
        raise ValidationError(MSG_ALREADY_EXTENDED)
    errors: dict[str, list] = {}
    if days is None or not 1 <= days <= deadlines.MAX_EXTENSION_DAYS:
        errors["days"] = [MSG_EXTENSION_DAYS % {"max": deadlines.MAX_EXTENSION_DAYS}]
    if not reason.strip():
        errors["reason"] = [MSG_REASON_REQUIRED]
    if not approved_by.strip():
        errors["approved_by"] = [MSG_APPROVER_REQUIRED]
    if approved_on is None:
        errors["approved_on"] = [MSG_DATE_REQUIRED]
    _check_day(approved_on, "approved_on", errors, after=petition.decided_on)
    if approved_on and "approved_on" not in errors and approved_on > petition.settle_due:
        errors["approved_on"] = [MSG_EXTENSION_LATE % {"due": petition.settle_due.isoformat()}]
    if errors:
        raise ValidationError(errors)
    petition.extension_days, petition.extension_reason = days, reason.strip()
    petition.extension_approved_by = approved_by.strip()
    petition.extension_approved_on = approved_on
    _set_deadlines(petition, calendar())
    petition.save()
    note = f"{days}天；{approved_by.strip()}批准：{reason.strip()}"
    _event(petition, EventAction.EXTENDED, approved_on, by, note)
    return petition


# Attachments and the phone ------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, by: User, petition: Petition, upload: Any) -> PetitionAttachment:
    """Attaches a file after the same checks as the candidates' step attachments."""
    if not can_edit(by, petition):
        raise PermissionDenied(MSG_NOT_HANDLER)
    extension, content_type = attachment_check(upload)
    name = upload.name or ""
    attachment = PetitionAttachment(
        petition=petition,
        original_name=name[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(f"{timezone.now():%Y%m%d%H%M%S}{extension}", upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def petition_phone_reveal(*, by: User, petition: Petition) -> LogEntry:
    """Records that ``by`` read the petitioner's phone in full (read-only users cannot)."""
    if by.is_read_only:
        raise PermissionDenied
    return LogEntry.objects.log_create(
        petition,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"petitioner_phone": ["masked", "revealed"]},
        actor=by,
    )


def overdue_since(petition: Petition, today: date) -> int:
    """Days past the deadline the petition waits on (0 if not overdue)."""
    due = petition.current_due()
    if due is None or today <= due:
        return 0
    return (today - due).days
