"""What the dashboards read, precomputed, and the progress reports officials submit.

A dashboard page never counts a whole campaign on request: ``RegionFigures`` holds each
region's figures (the report's own, from reports.statistics.compute_figures, plus the
dashboard's breakdowns), refreshed by a periodic task; ``ProgressSnapshot`` holds one row per
region and day for the progress-over-time chart. ``ProgressReport`` is a township's 日报 or a
county's 周报: its figures are frozen when it is submitted.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scoping import region_q
from elections.models import Campaign, County, Township


class Level(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")


class RegionFiguresQuerySet(models.QuerySet):
    def for_campaign(self, campaign: Campaign) -> "RegionFiguresQuerySet":
        return self.filter(campaign=campaign)


class RegionFigures(models.Model):
    """One region's figures in one campaign, as of ``computed_at``."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", verbose_name=_("campaign")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    county = models.ForeignKey(
        County, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    township = models.ForeignKey(
        Township, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # compute_figures' keys (docs/figures.md) with Decimals as strings, and the dashboard's
    # breakdowns (dashboards.figures.extras).
    figures = models.JSONField(_("figures"), default=dict)
    extras = models.JSONField(_("breakdowns"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    objects = RegionFiguresQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "level", "county", "township"]
        verbose_name = _("region figures")
        verbose_name_plural = _("region figures")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign"], condition=Q(level="city"), name="region_figures_one_city"
            ),
            models.UniqueConstraint(
                fields=["campaign", "county"],
                condition=Q(level="county"),
                name="region_figures_one_county",
            ),
            models.UniqueConstraint(
                fields=["campaign", "township"],
                condition=Q(level="township"),
                name="region_figures_one_township",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.township or self.county or self.get_level_display()}"


class ProgressSnapshot(models.Model):
    """Election status counts of one county or township at the end of one day."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", verbose_name=_("campaign")
    )
    day = models.DateField(_("day"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+")
    township = models.ForeignKey(
        Township, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    total = models.PositiveIntegerField(_("elections"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)
    in_progress = models.PositiveIntegerField(_("in progress"), default=0)
    not_started = models.PositiveIntegerField(_("not started"), default=0)
    postponed = models.PositiveIntegerField(_("postponed"), default=0)
    backfilled = models.BooleanField(_("reconstructed from recorded dates"), default=False)

    class Meta:
        ordering = ["campaign", "day", "county", "township"]
        verbose_name = _("progress snapshot")
        verbose_name_plural = _("progress snapshots")
        indexes = [models.Index(fields=["campaign", "level", "county", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "day", "county"],
                condition=Q(level="county"),
                name="progress_snapshot_county_day",
            ),
            models.UniqueConstraint(
                fields=["campaign", "day", "township"],
                condition=Q(level="township"),
                name="progress_snapshot_township_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.township or self.county} · {self.day}"


class ReportKind(models.TextChoices):
    DAILY = "daily", _("Daily report")
    WEEKLY = "weekly", _("Weekly report")


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProgressReportQuerySet":
        """A township's daily reports: its region (township, county, city); a county's weekly
        reports: the county and the city. Inspection groups read neither."""
        if not user.is_authenticated or not user.is_active or user.role == Role.INSPECTOR:
            return self.none()
        daily = Q(kind=ReportKind.DAILY) & region_q(user, "township")
        if user.is_superuser or user.role == Role.CITY:
            return self.all()
        if user.role == Role.COUNTY and user.county_id:
            return self.filter(daily | Q(kind=ReportKind.WEEKLY, county_id=user.county_id))
        return self.filter(daily)

    def submitted(self) -> "ProgressReportQuerySet":
        return self.filter(submitted_at__isnull=False)


class ProgressReport(models.Model):
    """日报 (a township, one day) or 周报 (a county, one week from Monday)."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="+", verbose_name=_("campaign")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    figures = models.JSONField(_("figures"), default=dict)
    changes = models.JSONField(_("changes since the previous report"), default=dict)
    events = models.JSONField(_("what happened"), default=dict)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "county", "township"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "township", "period_start"],
                condition=Q(kind="daily"),
                name="progress_report_one_daily",
            ),
            models.UniqueConstraint(
                fields=["campaign", "county", "period_start"],
                condition=Q(kind="weekly"),
                name="progress_report_one_weekly",
            ),
            models.CheckConstraint(
                condition=Q(kind="weekly", township__isnull=True)
                | Q(kind="daily", township__isnull=False),
                name="progress_report_unit_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.township or self.county} · {self.period_start}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


auditlog.register(ProgressReport)
