from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scoping import region_q


def digits_validator(length: int) -> RegexValidator:
    return RegexValidator(
        rf"^[0-9]{{{length}}}$",
        _("Enter a code of exactly %(length)d digits.") % {"length": length},
        code=f"digits_{length}",
    )


class CountyQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CountyQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role == Role.CITY:
            return self.all()
        if user.role == Role.COUNTY and user.county_id:
            return self.filter(pk=user.county_id)
        if user.role == Role.TOWNSHIP and user.township_id:
            # From the township itself, not the copy on the user, which can go stale.
            return self.filter(townships=user.township_id)
        if user.role == Role.INSPECTOR and user.inspection_group_id:
            return self.filter(townships__inspection_groups=user.inspection_group_id).distinct()
        return self.none()


class County(models.Model):
    """县(市、区): statistical division code of 6 digits."""

    code = models.CharField(
        _("division code"), max_length=6, unique=True, validators=[digits_validator(6)]
    )
    name = models.CharField(_("name"), max_length=50)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CountyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class TownshipQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TownshipQuerySet":
        return self.filter(region_q(user, ""))


class Township(models.Model):
    """乡镇(街道): statistical division code of 9 digits."""

    code = models.CharField(
        _("division code"), max_length=9, unique=True, validators=[digits_validator(9)]
    )
    name = models.CharField(_("name"), max_length=50)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="townships", verbose_name=_("county")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("township")
        verbose_name_plural = _("townships")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.code and self.county_id and not self.code.startswith(self.county.code):
            raise ValidationError(
                {"code": _("A township's code must start with its county's code.")}
            )


class VillageKind(models.TextChoices):
    RURAL = "rural", _("Village")
    COMMUNITY = "community", _("Community")


class VillageGrade(models.TextChoices):
    ADVANCED = "advanced", _("Advanced")
    MIDDLE = "middle", _("Middle")
    WEAK = "weak", _("Weak")


class VillageQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VillageQuerySet":
        return self.filter(region_q(user, "township"))


class Village(models.Model):
    """村(社区): statistical division code of 12 digits."""

    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[digits_validator(12)]
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(
        _("kind"), max_length=10, choices=VillageKind.choices, default=VillageKind.RURAL
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="villages", verbose_name=_("township")
    )
    party_members = models.PositiveIntegerField(_("Party members"), default=0)
    grade = models.CharField(
        _("grade"), max_length=10, choices=VillageGrade.choices, default=VillageGrade.MIDDLE
    )
    is_difficult = models.BooleanField(_("difficult village"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VillageQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("village or community")
        verbose_name_plural = _("villages and communities")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.code and self.township_id and not self.code.startswith(self.township.code):
            raise ValidationError(
                {"code": _("A village's code must start with its township's code.")}
            )


class BranchKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General Party branch")
    BRANCH = "branch", _("Party branch")


# Names are data: the branch's own name carries the kind in Chinese whatever the language.
BRANCH_SUFFIX = {
    BranchKind.COMMITTEE: "党委",
    BranchKind.GENERAL_BRANCH: "党总支",
    BranchKind.BRANCH: "党支部",
}

# A committee has 3-7 members: a branch 3-5, a general branch or committee 5-7.
SEAT_LIMITS = {
    BranchKind.BRANCH: (3, 5),
    BranchKind.GENERAL_BRANCH: (5, 7),
    BranchKind.COMMITTEE: (5, 7),
}


class BranchQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BranchQuerySet":
        return self.filter(region_q(user, "village__township"))


class Branch(models.Model):
    """The Party organization of a village, whose committee is elected."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="branches", verbose_name=_("village")
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(
        _("kind"), max_length=20, choices=BranchKind.choices, default=BranchKind.BRANCH
    )
    seats = models.PositiveSmallIntegerField(
        _("committee seats"), default=3, validators=[MinValueValidator(3)]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BranchQuerySet.as_manager()

    class Meta:
        ordering = ["village__code", "name"]
        verbose_name = _("Party organization")
        verbose_name_plural = _("Party organizations")
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="branch_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        low, high = SEAT_LIMITS[BranchKind(self.kind)]
        if self.seats is not None and not low <= self.seats <= high:
            raise ValidationError(
                {
                    "seats": _("A %(kind)s has %(low)d to %(high)d committee seats.")
                    % {"kind": self.get_kind_display(), "low": low, "high": high}
                }
            )


class RuleSet(models.TextChoices):
    RULES_2020 = "2020", _("2020 Regulations on elections in basic-level organizations")
    RULES_1990 = "1990", _("1990 Provisional regulations")


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CampaignQuerySet":
        # Campaigns are city-wide settings: every signed-in user with a role reads them.
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if not (user.is_superuser or user.role):
            return self.none()
        return self.all()

    def current(self) -> "Campaign | None":
        return self.order_by("-start_date", "-pk").first()


class Campaign(models.Model):
    """集中换届: one city-wide election round."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    reference_date = models.DateField(
        _("reference date"), help_text=_("Ages are counted in full years on this date.")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_campaigns",
        verbose_name=_("previous campaign"),
    )
    rule_set = models.CharField(
        _("rule-set version"), max_length=8, choices=RuleSet.choices, default=RuleSet.RULES_2020
    )
    min_notice_days = models.PositiveSmallIntegerField(
        _("minimum public-notice days"), default=3, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
        if self.previous_id and self.previous_id == self.pk:
            raise ValidationError({"previous": _("A campaign cannot be its own predecessor.")})


class Method(models.TextChoices):
    PUBLIC_DIRECT = "public_direct", _("Public nomination and direct election")
    TWO_NOMINATIONS = "two_nominations", _("Two nominations and one election")
    CONVENTIONAL = "conventional", _("Conventional election")


class Mode(models.TextChoices):
    DIRECT = "direct", _("Direct election")
    INDIRECT = "indirect", _("Indirect election")


class ElectionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    POSTPONED = "postponed", _("Postponed")


OVERDUE_STATUSES = (ElectionStatus.NOT_STARTED, ElectionStatus.IN_PROGRESS)
OVERDUE = "overdue"  # the village list's filter: not a status, but a state of one


def overdue_q() -> Q:
    """Elections past their planned date and not held yet (Election.is_overdue)."""
    return Q(status__in=OVERDUE_STATUSES, planned_date__lt=timezone.localdate())


class ElectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ElectionQuerySet":
        return self.filter(region_q(user, "branch__village__township"))

    def for_campaign(self, campaign: Campaign) -> "ElectionQuerySet":
        return self.filter(campaign=campaign)

    def status_counts(self, group_by: str) -> "models.QuerySet":
        """Completed / in progress / not started / postponed counts grouped by one field,
        computed in the database with conditional aggregation."""
        counts = {
            status.value: models.Count("pk", filter=Q(status=status.value))
            for status in ElectionStatus
        }
        return self.order_by().values(group_by).annotate(total=models.Count("pk"), **counts)


class Election(models.Model):
    """换届选举: one branch's election inside a campaign."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="elections", verbose_name=_("campaign")
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="elections", verbose_name=_("branch")
    )
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.PUBLIC_DIRECT
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.DIRECT)
    batch = models.PositiveSmallIntegerField(
        _("batch"), default=1, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ElectionStatus.choices,
        default=ElectionStatus.NOT_STARTED,
        db_index=True,
    )
    postponement_reason = models.TextField(_("reason for postponement"), blank=True)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    held_date = models.DateField(_("date held"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last updated by"),
    )
    # Set by the county's certification; while set, database triggers refuse every change to
    # the election and its result (candidacies, rounds, tallies, committee), by any path.
    locked = models.BooleanField(_("result locked"), default=False, editable=False)
    certified_at = models.DateTimeField(_("certified at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ElectionQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "branch__village__code"]
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "branch"], name="election_one_per_branch_and_campaign"
            ),
            # The rules of clean(), held by the database too, against bulk writes.
            models.CheckConstraint(
                condition=~Q(status="postponed") | ~Q(postponement_reason=""),
                name="election_postponed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(held_date__isnull=False),
                name="election_completed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(method="conventional", mode="direct")
                & ~Q(method="public_direct", mode="indirect"),
                name="election_method_fits_mode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.campaign}"

    @property
    def is_overdue(self) -> bool:
        """Its planned date has passed and it is not held yet (postponed ones have their
        reason instead)."""
        return (
            self.status in OVERDUE_STATUSES
            and self.planned_date is not None
            and self.planned_date < timezone.localdate()
        )

    def clean(self) -> None:
        errors = {}
        if self.status == ElectionStatus.POSTPONED and not self.postponement_reason.strip():
            errors["postponement_reason"] = _("Give the reason for postponing the election.")
        if self.status == ElectionStatus.COMPLETED and not self.held_date:
            errors["held_date"] = _("A completed election needs the date it was held.")
        if self.status == ElectionStatus.NOT_STARTED and self.held_date:
            errors["held_date"] = _("An election that has not started cannot have been held.")
        if self.method == Method.CONVENTIONAL and self.mode == Mode.DIRECT:
            errors["mode"] = _("A conventional election is always indirect.")
        if self.method == Method.PUBLIC_DIRECT and self.mode == Mode.INDIRECT:
            errors["mode"] = _("Public nomination and direct election is always direct.")
        if errors:
            raise ValidationError(errors)


for _model in (County, Township, Village, Branch, Campaign, Election):
    auditlog.register(_model)
