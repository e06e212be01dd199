"""The pre-election economic audit (经济审计) of each village, and what it found.

先审计后选举: a village's audit for a campaign is done before its election is certified
(candidates.compliance, rule ``audit_done``). An audit covers the village's three kinds of
collective wealth (三资): funds and assets in yuan, resources described in words (land,
forest, water surface… in their own units).
"""

from decimal import Decimal

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import region_q
from elections.models import Campaign, Village

YUAN = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class AuditQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AuditQuerySet":
        return self.filter(region_q(user, "village__township"))

    def for_campaign(self, campaign: Campaign) -> "AuditQuerySet":
        return self.filter(campaign=campaign)

    def done(self) -> "AuditQuerySet":
        return self.filter(status=AuditStatus.DONE)

    def with_finding_totals(self) -> "AuditQuerySet":
        """Each audit with ``finding_count``, ``unrectified_count`` and ``finding_amount``."""
        return self.annotate(
            finding_count=Count("findings"),
            unrectified_count=Count("findings", filter=Q(findings__rectified=False)),
            finding_amount=Sum("findings__amount"),
        )

    def status_counts(self) -> dict[str, int]:
        """How many audits are in each status (every status present, 0 where none)."""
        counts = dict(self.order_by().values_list("status").annotate(n=Count("pk")))
        return {status.value: counts.get(status.value, 0) for status in AuditStatus}


class Audit(models.Model):
    """One village's pre-election economic audit in one campaign."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="audits", verbose_name=_("campaign")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="audits", verbose_name=_("village")
    )
    period_start = models.DateField(_("period covered from"), null=True, blank=True)
    period_end = models.DateField(_("period covered to"), null=True, blank=True)
    auditors = models.CharField(_("auditors"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AuditStatus.choices,
        default=AuditStatus.PLANNED,
        db_index=True,
    )
    completed_on = models.DateField(_("date completed"), null=True, blank=True)
    funds = models.DecimalField(_("funds (yuan)"), null=True, blank=True, **YUAN)
    resources = models.CharField(
        _("resources"),
        max_length=200,
        blank=True,
        help_text=_("Land, forest, water surface… with their units, e.g. 耕地1200亩、林地80亩."),
    )
    assets = models.DecimalField(_("assets (yuan)"), null=True, blank=True, **YUAN)
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last updated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "village__code"]
        verbose_name = _("economic audit")
        verbose_name_plural = _("economic audits")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "village"], name="audit_one_per_village_and_campaign"
            ),
            # The rules of clean(), held by the database too, against bulk writes.
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="audit_done_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status="done") | Q(completed_on__isnull=True),
                name="audit_date_only_when_done",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="audit_period_in_order",
            ),
            models.CheckConstraint(
                condition=(Q(funds__isnull=True) | Q(funds__gte=0))
                & (Q(assets__isnull=True) | Q(assets__gte=0)),
                name="audit_totals_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} · {self.campaign}"

    @property
    def is_done(self) -> bool:
        return self.status == AuditStatus.DONE

    def clean(self) -> None:
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period covered ends before it starts.")
        if self.status == AuditStatus.DONE and not self.completed_on:
            errors["completed_on"] = _("A done audit needs the date it was completed.")
        elif self.status != AuditStatus.DONE and self.completed_on:
            errors["completed_on"] = _("Only a done audit has a completion date.")
        elif self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = _("The completion date is in the future.")
        elif self.completed_on and self.period_end and self.completed_on < self.period_end:
            errors["completed_on"] = _(
                "An audit cannot be completed before the end of the period it covers."
            )
        if errors:
            raise ValidationError(errors)


class AuditFindingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AuditFindingQuerySet":
        return self.filter(region_q(user, "audit__village__township"))

    def unrectified(self) -> "AuditFindingQuerySet":
        return self.filter(rectified=False)


class AuditFinding(models.Model):
    """A problem the audit found: what, how much, who is responsible, whether it is put right."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="findings", verbose_name=_("audit")
    )
    description = models.TextField(_("what was found"))
    amount = models.DecimalField(
        _("amount (yuan)"), default=Decimal(0), help_text=_("0 when no money is involved."), **YUAN
    )
    responsible_person = models.ForeignKey(
        "candidates.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_findings",
        verbose_name=_("person responsible (registered)"),
    )
    responsible_name = models.CharField(
        _("name of the person responsible"), max_length=50, blank=True
    )
    rectified = models.BooleanField(_("rectified"), default=False)
    rectified_on = models.DateField(_("date rectified"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AuditFindingQuerySet.as_manager()

    class Meta:
        ordering = ["audit", "pk"]
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        constraints = [
            models.CheckConstraint(
                condition=Q(rectified=False, rectified_on__isnull=True)
                | Q(rectified=True, rectified_on__isnull=False),
                name="finding_rectified_has_date",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="finding_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.description[:30]

    def clean(self) -> None:
        errors = {}
        if self.rectified and not self.rectified_on:
            errors["rectified_on"] = _("Give the date the finding was rectified.")
        elif not self.rectified and self.rectified_on:
            errors["rectified_on"] = _("Only a rectified finding has a rectification date.")
        elif self.rectified_on and self.rectified_on > timezone.localdate():
            errors["rectified_on"] = _("The rectification date is in the future.")
        if errors:
            raise ValidationError(errors)


auditlog.register(Audit)
auditlog.register(AuditFinding)
