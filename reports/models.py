"""The research report: what the city and counties write (part 2 measures, part 3 sections)
and each generated report, kept with its figures so that the PDF and the Excel tables always
print the numbers of one moment.

A generated report (``Report``) is a snapshot: the figures of its scope, the same figures per
unit (county, or township in a county's report), when they were computed and a fingerprint of
the data they came from. The PDF and the workbook are rendered from the snapshot, never from
live data, so the two always agree with each other and with the figures shown on its page.
"""

from pathlib import Path

from auditlog.registry import auditlog
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User


def report_dir() -> Path:
    """Generated PDFs and workbooks live under DATA_DIR (private, served only through a view
    that checks the report's scope)."""
    return Path(settings.DATA_DIR) / "reports"


# Part 2 and part 3: text the users write ----------------------------------------------------


class MeasureHeading(models.Model):
    """A heading of part 2 (中篇), e.g. group 一、坚持超前谋划，做好“四个先行” with the item
    调研摸底先行. Kept as data (loaded from the seed's report) so the city can rename or add
    headings in the admin; ``slug`` ties a heading to the counts printed under it."""

    slug = models.SlugField(_("key"), max_length=40, unique=True)
    group = models.PositiveSmallIntegerField(_("group"))
    group_title = models.CharField(_("group title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=100)
    hint = models.CharField(_("what to write"), max_length=300, blank=True)

    class Meta:
        ordering = ["group", "order"]
        verbose_name = _("measure heading")
        verbose_name_plural = _("measure headings")
        constraints = [
            models.UniqueConstraint(fields=["group", "order"], name="measure_heading_position")
        ]

    def __str__(self) -> str:
        return self.title


class MeasureTextQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "MeasureTextQuerySet":
        """The city reads every county's texts; a county its own; nobody else."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city:
            return self.all()
        if user.role == Role.COUNTY:
            return self.filter(county_id=user.county_id)
        return self.none()


class MeasureText(models.Model):
    """What one county did under one heading of part 2, in its own words (a short text)."""

    campaign = models.ForeignKey(
        "elections.Campaign",
        on_delete=models.CASCADE,
        related_name="measure_texts",
        verbose_name=_("campaign"),
    )
    county = models.ForeignKey(
        "elections.County",
        on_delete=models.CASCADE,
        related_name="measure_texts",
        verbose_name=_("county"),
    )
    heading = models.ForeignKey(
        MeasureHeading,
        on_delete=models.CASCADE,
        related_name="texts",
        verbose_name=_("heading"),
    )
    text = models.TextField(_("text"), max_length=2000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeasureTextQuerySet.as_manager()

    class Meta:
        ordering = ["heading__group", "heading__order", "county__code"]
        verbose_name = _("measure text")
        verbose_name_plural = _("measure texts")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "county", "heading"], name="measure_text_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.county} · {self.heading}"


class ReportSectionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "ReportSectionQuerySet":
        """Part 3 is the city's own writing; county users read it in their reports."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city or user.role == Role.COUNTY:
            return self.all()
        return self.none()


class ReportSection(models.Model):
    """A section of part 3 (下篇): experience and suggestions, written by the city."""

    campaign = models.ForeignKey(
        "elections.Campaign",
        on_delete=models.CASCADE,
        related_name="report_sections",
        verbose_name=_("campaign"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReportSectionQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")

    def __str__(self) -> str:
        return self.title


# Generated reports -----------------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    COUNTING = "counting", _("Counting")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


RUNNING = (ReportStatus.QUEUED, ReportStatus.COUNTING, ReportStatus.RENDERING)


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "ReportQuerySet":
        """A report is visible to whoever sees its whole scope: the city every report, a county
        the reports of its county and its townships; township users and inspectors none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city:
            return self.all()
        if user.role == Role.COUNTY:
            return self.filter(county_id=user.county_id)
        return self.none()

    def running(self) -> "ReportQuerySet":
        return self.filter(status__in=RUNNING)


class Report(models.Model):
    campaign = models.ForeignKey(
        "elections.Campaign",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("campaign"),
    )
    # The scope: the whole city (both empty), a county, or a township of a county.
    county = models.ForeignKey(
        "elections.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("county"),
    )
    township = models.ForeignKey(
        "elections.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("township"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    # The snapshot: figures of the whole scope, and per unit ({"code", "name", "figures"}).
    figures = models.JSONField(_("figures"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    units = models.JSONField(
        _("figures per unit"), default=list, blank=True, encoder=DjangoJSONEncoder
    )
    # Which data the figures came from (row counts and latest change of each source table).
    data_fingerprint = models.JSONField(_("data fingerprint"), default=dict, blank=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    pdf_name = models.CharField(_("PDF file"), max_length=64, blank=True, editable=False)
    xlsx_name = models.CharField(_("Excel file"), max_length=64, blank=True, editable=False)
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    # The units counted (counties, or townships of a county): progress is parts / (units + 1).
    unit_count = models.PositiveSmallIntegerField(_("units"), default=0)
    # How many times a worker started on it: a redelivery after a lost worker shows as 2.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["campaign", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(township__isnull=True) | Q(county__isnull=False),
                name="report_township_within_county",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.scope_name}"

    @property
    def scope_name(self) -> str:
        if self.township_id:
            return f"{self.county.name}{self.township.name}"
        if self.county_id:
            return self.county.name
        return str(_("the whole city"))

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def pdf_path(self) -> Path | None:
        return report_dir() / self.pdf_name if self.pdf_name else None

    @property
    def xlsx_path(self) -> Path | None:
        return report_dir() / self.xlsx_name if self.xlsx_name else None

    def record_progress(self, percent: int, message: str = "") -> None:
        """A plain UPDATE (progress is no business of the audit log)."""
        from django.utils import timezone

        self.progress = percent = max(0, min(100, percent))
        fields = {"progress": percent, "updated_at": timezone.now()}
        if message:
            fields["message"] = self.message = message
        type(self).objects.filter(pk=self.pk).update(**fields)


class ReportPart(models.Model):
    """The counts of one unit of a report (a county, a township, or the scope-wide figures),
    written by the worker that counted it. Parts are upserted, so a task that runs twice writes
    its part once; the report's progress is the share of its parts present."""

    WIDE = "*"  # the code of the scope-wide part

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="parts", verbose_name=_("report")
    )
    code = models.CharField(_("code"), max_length=12)
    name = models.CharField(_("name"), max_length=100)
    counts = models.JSONField(_("counts"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["report", "code"]
        verbose_name = _("report part")
        verbose_name_plural = _("report parts")
        constraints = [models.UniqueConstraint(fields=["report", "code"], name="report_part_once")]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.code}"


auditlog.register(MeasureText)
auditlog.register(ReportSection)
auditlog.register(
    Report, exclude_fields=["progress", "updated_at", "figures", "units", "data_fingerprint"]
)
