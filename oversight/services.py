"""Writing risks, secretary adjustments, inspection visits and training sessions.

Every write comes here (pages and imports alike) and is saved row by row, so that the audit
log records each one. Each service checks that the user may write where it writes: the
pages offer only what is allowed, and this is the last word for a tampered form or a file.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from elections import services as election_services
from elections.models import Campaign, Township, Village
from oversight.models import (
    InspectionVisit,
    Risk,
    SecretaryAdjustment,
    TrainingSession,
)
from oversight.permissions import may_organize, require_visit_write, visit_townships

MSG_VILLAGE_OUT_OF_REACH = _("This village is outside your region.")
MSG_TOWNSHIP_NOT_ASSIGNED = _("Your inspection group is not assigned to this township.")
MSG_ORGANIZER_OUT_OF_REACH = _(
    "You can record only training organized by your own level or below, in your region."
)


def _apply(obj: Any, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)


def _require_village(by: User, village: Village) -> None:
    if by.is_read_only:
        raise PermissionDenied
    if not Village.objects.visible_to(by).filter(pk=village.pk).exists():
        raise ValidationError({"village": MSG_VILLAGE_OUT_OF_REACH})


# Difficult villages and risks ----------------------------------------------------------------


def village_set_difficult(*, by: User, village: Village, difficult: bool) -> Village:
    """Flags (or unflags) a difficult village (重难点村), through the elections service."""
    _require_village(by, village)
    return election_services.village_update(by=by, village=village, is_difficult=difficult)


@transaction.atomic
def risk_create(*, by: User, village: Village, campaign: Campaign, **fields: Any) -> Risk:
    _require_village(by, village)
    risk = Risk(village=village, campaign=campaign, **fields)
    risk.full_clean()
    risk.save()
    return risk


@transaction.atomic
def risk_update(*, by: User, risk: Risk, **fields: Any) -> Risk:
    _require_village(by, risk.village)
    _apply(risk, fields)
    risk.full_clean()
    risk.save()
    return risk


# Secretaries adjusted before the vote ---------------------------------------------------------


@transaction.atomic
def adjustment_create(
    *, by: User, village: Village, campaign: Campaign, **fields: Any
) -> SecretaryAdjustment:
    _require_village(by, village)
    adjustment = SecretaryAdjustment(village=village, campaign=campaign, **fields)
    adjustment.full_clean()
    adjustment.save()
    return adjustment


@transaction.atomic
def adjustment_update(
    *, by: User, adjustment: SecretaryAdjustment, **fields: Any
) -> SecretaryAdjustment:
    _require_village(by, adjustment.village)
    _apply(adjustment, fields)
    adjustment.full_clean()
    adjustment.save()
    return adjustment


# Inspection visits ----------------------------------------------------------------------------


def _require_assigned(by: User, township: Township | None) -> None:
    if township is not None and not visit_townships(by).filter(pk=township.pk).exists():
        raise ValidationError({"township": MSG_TOWNSHIP_NOT_ASSIGNED})


@transaction.atomic
def visit_create(*, by: User, township: Township, **fields: Any) -> InspectionVisit:
    """A visit of ``by``'s own inspection group, to a township assigned to it."""
    require_visit_write(by)
    _require_assigned(by, township)
    visit = InspectionVisit(
        group_id=by.inspection_group_id, township=township, created_by=by, **fields
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def visit_update(*, by: User, visit: InspectionVisit, **fields: Any) -> InspectionVisit:
    """Changes a visit of ``by``'s own group; it stays in the group's townships."""
    require_visit_write(by, visit)
    if "township" in fields:
        _require_assigned(by, fields["township"])
    _apply(visit, fields)
    visit.full_clean()
    visit.save()
    return visit


# Training -------------------------------------------------------------------------------------


def _require_organizer(by: User, session: TrainingSession) -> None:
    if by.is_read_only:
        raise PermissionDenied
    if not may_organize(by, session):
        raise ValidationError(MSG_ORGANIZER_OUT_OF_REACH)


@transaction.atomic
def training_create(*, by: User, **fields: Any) -> TrainingSession:
    session = TrainingSession(**fields)
    session.full_clean()  # first: it sets the county of a township's session
    _require_organizer(by, session)
    session.save()
    return session


@transaction.atomic
def training_update(*, by: User, session: TrainingSession, **fields: Any) -> TrainingSession:
    # As stored (a bound form has already changed ``session``): the user may edit it at all.
    _require_organizer(by, TrainingSession.objects.select_related("township").get(pk=session.pk))
    _apply(session, fields)
    session.full_clean()
    _require_organizer(by, session)  # as it will be: the user does not move it out of reach
    session.save()
    return session
