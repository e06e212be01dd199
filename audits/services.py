"""Use cases of an audit: enter it, edit it, mark it done or reopen it, record its findings.

The rule these add to the models': a done audit's totals (funds, resources, assets) are its
result; they change only once the audit is back in progress, so that a figure the election
relied on never changes silently. Each function raises a ``ValidationError`` with a Chinese
message (the constants below) when a step is wrong.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audits.models import Audit, AuditFinding, AuditStatus
from candidates.models import Person
from elections.models import Campaign, Village

TOTALS = ("funds", "resources", "assets")
AUDIT_FIELDS = (
    "period_start",
    "period_end",
    "auditors",
    "status",
    "completed_on",
    *TOTALS,
    "notes",
)
FINDING_FIELDS = (
    "description",
    "amount",
    "responsible_person",
    "responsible_name",
    "rectified",
    "rectified_on",
)

MSG_DONE_TOTALS = _(
    "This audit is done: set it back to in progress before changing its funds, resources or assets."
)
MSG_DONE_ONLY_REOPENS = _("A done audit can only go back to in progress.")
MSG_NOT_DONE = _("Only a done audit can be reopened.")
MSG_ALREADY_DONE = _("This audit is already done.")
MSG_UNKNOWN_FIELD = "audits: unknown field %s"


def _only(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for name in fields:
        if name not in allowed:
            raise TypeError(MSG_UNKNOWN_FIELD % name)


@transaction.atomic
def audit_create(*, by: User, campaign: Campaign, village: Village, **fields: Any) -> Audit:
    _only(fields, AUDIT_FIELDS)
    audit = Audit(campaign=campaign, village=village, updated_by=by, **fields)
    if audit.status != AuditStatus.DONE:
        audit.completed_on = None
    audit.full_clean()
    audit.save()
    return audit


@transaction.atomic
def audit_update(*, by: User, audit: Audit, **fields: Any) -> Audit:
    """Changes an audit. Leaving ``done`` clears the completion date; a done audit's totals
    change only in an update that takes it back to in progress."""
    _only(fields, AUDIT_FIELDS)
    stored = Audit.objects.select_for_update().get(pk=audit.pk)
    status = fields.get("status", stored.status)
    if stored.status == AuditStatus.DONE:
        if status not in (AuditStatus.DONE, AuditStatus.IN_PROGRESS):
            raise ValidationError({"status": MSG_DONE_ONLY_REOPENS})
        changed = [
            name for name in TOTALS if name in fields and fields[name] != getattr(stored, name)
        ]
        if status == AuditStatus.DONE and changed:
            raise ValidationError({name: MSG_DONE_TOTALS for name in changed})
    for name, value in fields.items():
        setattr(audit, name, value)
    if audit.status != AuditStatus.DONE:
        audit.completed_on = None
    audit.updated_by = by
    audit.full_clean()
    audit.save()
    return audit


@transaction.atomic
def audit_mark_done(*, by: User, audit: Audit, completed_on: date) -> Audit:
    stored = Audit.objects.select_for_update().get(pk=audit.pk)
    if stored.status == AuditStatus.DONE:
        raise ValidationError(MSG_ALREADY_DONE)
    audit.status, audit.completed_on, audit.updated_by = AuditStatus.DONE, completed_on, by
    audit.full_clean()
    audit.save(update_fields=["status", "completed_on", "updated_by", "updated_at"])
    return audit


@transaction.atomic
def audit_reopen(*, by: User, audit: Audit) -> Audit:
    """Back to in progress, so that its totals can be corrected; logged like every change."""
    stored = Audit.objects.select_for_update().get(pk=audit.pk)
    if stored.status != AuditStatus.DONE:
        raise ValidationError(MSG_NOT_DONE)
    audit.status, audit.completed_on, audit.updated_by = AuditStatus.IN_PROGRESS, None, by
    audit.save(update_fields=["status", "completed_on", "updated_by", "updated_at"])
    return audit


def _responsible(finding: AuditFinding) -> None:
    # A linked person's own name is the finding's name, whatever was typed beside it.
    person: Person | None = finding.responsible_person
    if person is not None:
        finding.responsible_name = person.name


@transaction.atomic
def finding_create(*, by: User, audit: Audit, **fields: Any) -> AuditFinding:
    _only(fields, FINDING_FIELDS)
    finding = AuditFinding(audit=audit, **fields)
    _responsible(finding)
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_update(*, by: User, finding: AuditFinding, **fields: Any) -> AuditFinding:
    _only(fields, FINDING_FIELDS)
    for name, value in fields.items():
        setattr(finding, name, value)
    _responsible(finding)
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_delete(*, by: User, finding: AuditFinding) -> None:
    finding.delete()
