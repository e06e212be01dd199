"""An import as the user lives it: uploaded, checked, confirmed, imported, and kept as a record.

The uploaded workbook holds ID numbers, so it lives in a private folder (``DATA_DIR/imports``,
never MEDIA, never served) under a random name, and is deleted as soon as the job no longer
needs it: once imported, cancelled or failed, and at the latest after a day.
"""

from pathlib import Path

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from sheets import registry

ERRORS_KEPT = 2000


def upload_dir() -> Path:
    """The private folder of uploads; read from settings on each call (tests move it)."""
    return Path(settings.DATA_DIR) / "imports"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking")
    VALID = "valid", _("Ready to import")
    INVALID = "invalid", _("Has errors")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# A worker is (or will be) busy with these: the page polls until the status changes.
RUNNING = (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)
# The user may still cancel these; an import under way is all or nothing and runs to its end.
CANCELLABLE = (
    ImportStatus.UPLOADED,
    ImportStatus.VALIDATING,
    ImportStatus.VALID,
    ImportStatus.INVALID,
)


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "ImportJobQuerySet":
        """Users see their own jobs; the city sees every job."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city:
            return self.all()
        return self.filter(uploaded_by=user)

    def owned_by(self, user: User) -> "ImportJobQuerySet":
        return self.filter(uploaded_by=user)

    def with_upload(self) -> "ImportJobQuerySet":
        return self.exclude(stored_name="")

    def created_before(self, moment: object) -> "ImportJobQuerySet":
        return self.filter(created_at__lt=moment)

    def unfinished(self) -> "ImportJobQuerySet":
        return self.filter(Q(status__in=RUNNING) | Q(status=ImportStatus.VALID))


class ImportJob(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=registry.titles)
    campaign = models.ForeignKey(
        "elections.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("campaign"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    original_name = models.CharField(_("file name"), max_length=255)
    # The file's name inside upload_dir(); empty once the upload is deleted.
    stored_name = models.CharField(_("stored file"), max_length=64, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    # Before the import: what the check predicts; after it: what was written.
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["uploaded_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def kind_title(self) -> str:
        return self.get_kind_display()

    @property
    def path(self) -> Path | None:
        return upload_dir() / self.stored_name if self.stored_name else None

    @property
    def has_upload(self) -> bool:
        return self.path is not None and self.path.exists()

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def is_cancellable(self) -> bool:
        return self.status in CANCELLABLE

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    def record_progress(self, percent: int) -> None:
        # A plain UPDATE: progress changes many times a second and is no business of the
        # audit log; the status changes around it are saved (and logged) normally.
        self.progress = percent = max(0, min(100, percent))
        now = timezone.now()
        type(self).objects.filter(pk=self.pk).update(progress=percent, updated_at=now)

    def discard_upload(self) -> None:
        """Deletes the uploaded file (it holds personal data) and forgets its name."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
        if self.stored_name:
            self.stored_name = ""
            self.save(update_fields=["stored_name", "updated_at"])


auditlog.register(ImportJob, exclude_fields=["progress", "updated_at", "errors"])
