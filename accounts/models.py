from auditlog.registry import auditlog
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY = "city", _("City organization department")
    COUNTY = "county", _("County organization department")
    TOWNSHIP = "township", _("Township official")
    INSPECTOR = "inspector", _("Inspection group")


class InspectionGroup(models.Model):
    """A supervision team (督查指导组): reads the townships assigned to it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    townships = models.ManyToManyField(
        "elections.Township", related_name="inspection_groups", verbose_name=_("townships")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("inspection group")
        verbose_name_plural = _("inspection groups")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in; bound to one region through their role."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    county = models.ForeignKey(
        "elections.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("county"),
    )
    township = models.ForeignKey(
        "elections.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("township"),
    )
    inspection_group = models.ForeignKey(
        InspectionGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("inspection group"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        required = {
            Role.COUNTY: ("county", _("A county user must be bound to a county.")),
            Role.TOWNSHIP: ("township", _("A township user must be bound to a township.")),
            Role.INSPECTOR: (
                "inspection_group",
                _("An inspection-group user must belong to an inspection group."),
            ),
        }
        if self.role in required:
            field, message = required[self.role]
            if getattr(self, f"{field}_id") is None:
                raise ValidationError({field: message})
        if self.role == Role.TOWNSHIP and self.township_id:
            self.county_id = self.township.county_id

    def get_full_name(self) -> str:
        """Family name first and no space between, as Chinese names are written: 张三, where
        Django would give "三 张" (the audit-log export writes it the same way)."""
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def banner(self) -> str:
        """Who is signed in, for the page header: name · role · region, leaving out a part
        the ones before it already say (an account named after its office, 洪寨镇党委组织委员,
        needs no "· 洪寨镇" after it)."""
        region = self.township or self.county or self.inspection_group
        parts: list[str] = []
        for part in (self.get_full_name() or self.username, self.get_role_display(), region):
            if part and not any(str(part) in earlier for earlier in parts):
                parts.append(str(part))
        return " · ".join(parts)

    @property
    def is_read_only(self) -> bool:
        """Inspection groups read; everyone else with a role may write inside their scope."""
        return self.role == Role.INSPECTOR and not self.is_superuser

    @property
    def is_city(self) -> bool:
        return self.is_superuser or self.role == Role.CITY


auditlog.register(InspectionGroup)
auditlog.register(
    User,
    exclude_fields=["password", "last_login"],
    mask_fields=["phone"],
    m2m_fields={"groups", "user_permissions"},
)
