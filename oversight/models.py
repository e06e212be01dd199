"""The measures of the report's part 2 that are not audits or petitions.

- Risk (矛盾隐患): a conflict found in a village before the vote, and how it was resolved.
  Difficult villages (重难点村) are ``Village.is_difficult``, flagged by the township.
- SecretaryAdjustment (调整班子先行): a village secretary replaced before the vote.
- InspectionVisit (督查): a visit by an inspection group (accounts.InspectionGroup).
- TrainingSession (培训): a training held by the city, a county or a township.

"Before the election" is measured against the village's election in the same campaign: a
risk resolved (or a secretary adjusted) on a day when none of the village's elections of that
campaign had been held yet counts; an election not held at all (postponed, still open) has
not happened, so everything resolved so far came before it.
"""

from datetime import date

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import InspectionGroup, Role
from accounts.scoping import region_q
from elections.models import Branch, Campaign, County, Election, Township, Village

MSG_FUTURE = _("This date is in the future.")


def _village_elections() -> models.QuerySet:
    """The elections of the row's village in the row's campaign.

    The two databases need opposite shapes. SQLite: look the branches up first
    (``branch IN (…)``), which lets it use the (campaign, branch) unique index; joining the
    branches made it scan the whole campaign for every row. PostgreSQL: join the branches;
    the ``IN`` shape inside a correlated EXISTS became a per-pair subplan (33 s against 30 ms
    for 4,000 risks at 25,000 villages, bench/report_stats.py)."""
    if connection.vendor == "postgresql":
        return Election.objects.filter(
            campaign=OuterRef("campaign"), branch__village=OuterRef("village")
        )
    branches = Branch.objects.filter(village=OuterRef(OuterRef("village"))).order_by().values("pk")
    return Election.objects.filter(campaign=OuterRef("campaign"), branch__in=Subquery(branches))


def _held_by(day_field: str) -> Exists:
    """An election of the row's village in the row's campaign, held on or before the row's
    ``day_field``: the row did not come before the vote."""
    return Exists(_village_elections().filter(held_date__lte=OuterRef(day_field)))


def _not_future(errors: dict, **days: date | None) -> None:
    today = timezone.localdate()
    for name, day in days.items():
        if day and day > today:
            errors.setdefault(name, MSG_FUTURE)


# Risks ----------------------------------------------------------------------------------------


class RiskCategory(models.TextChoices):
    CLAN = "clan", _("Clan influence")
    LAND = "land", _("Land dispute")
    MONEY = "money", _("Money dispute")
    DEMOLITION = "demolition", _("Demolition and resettlement")
    DIVIDED = "divided", _("Divided leadership")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Unresolved")
    IN_PROGRESS = "in_progress", _("Being resolved")
    RESOLVED = "resolved", _("Resolved")


class RiskQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RiskQuerySet":
        return self.filter(region_q(user, "village__township"))

    def for_campaign(self, campaign: Campaign) -> "RiskQuerySet":
        return self.filter(campaign=campaign)

    def found(self, until: date | None = None) -> "RiskQuerySet":
        """Risks found (矛盾隐患 排查出): every one recorded, or those found by ``until``."""
        return self if until is None else self.filter(found_on__lte=until)

    def resolved(self) -> "RiskQuerySet":
        return self.filter(status=RiskStatus.RESOLVED)

    def unresolved(self) -> "RiskQuerySet":
        return self.exclude(status=RiskStatus.RESOLVED)

    def resolved_before_election(self) -> "RiskQuerySet":
        """Resolved before the village voted (化解在换届选举之前): on a day when none of its
        elections in the risk's campaign had been held yet."""
        return self.resolved().exclude(_held_by("resolved_on"))

    def with_election_date(self) -> "RiskQuerySet":
        """Each risk with ``election_held``: the first day its village voted in the campaign."""
        held = (
            _village_elections()
            .filter(held_date__isnull=False)
            .order_by("held_date")
            .values("held_date")[:1]
        )
        return self.annotate(election_held=Subquery(held))


class Risk(models.Model):
    """矛盾隐患: a conflict in a village that could upset its election, to resolve first."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="risks", verbose_name=_("village")
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="risks", verbose_name=_("campaign")
    )
    category = models.CharField(_("risk category"), max_length=16, choices=RiskCategory.choices)
    level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    description = models.TextField(_("description of the risk"))
    owner = models.CharField(
        _("responsible for resolving it"),
        max_length=50,
        help_text=_("Who answers for resolving it, such as a township leader."),
    )
    plan = models.TextField(_("plan for resolving it"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN
    )
    found_on = models.DateField(_("date found"))
    resolved_on = models.DateField(
        _("date resolved"), null=True, blank=True, help_text=_("Required once it is resolved.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["village__code", "-found_on", "pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="risk_resolved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status="resolved") | Q(resolved_on__isnull=True),
                name="risk_date_only_when_resolved",
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("found_on")),
                name="risk_resolved_after_found",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} · {self.get_category_display()}"

    def clean(self) -> None:
        errors: dict = {}
        resolved = self.status == RiskStatus.RESOLVED
        if resolved and not self.resolved_on:
            errors["resolved_on"] = _("Give the date the risk was resolved.")
        if not resolved and self.resolved_on:
            errors["resolved_on"] = _("Only a resolved risk has a date resolved.")
        if self.resolved_on and self.found_on and self.resolved_on < self.found_on:
            errors["resolved_on"] = _("A risk cannot be resolved before it was found.")
        _not_future(errors, found_on=self.found_on, resolved_on=self.resolved_on)
        if errors:
            raise ValidationError(errors)


# Secretaries adjusted before the vote ---------------------------------------------------------


class AdjustmentReason(models.TextChoices):
    WEAK = "weak", _("Weak or disorganised Party organization")
    DISCIPLINE = "discipline", _("Breach of discipline")
    HEALTH = "health", _("Health")
    AGE = "age", _("Age limit")
    OTHER = "other", _("Other")


class SecretaryAdjustmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SecretaryAdjustmentQuerySet":
        return self.filter(region_q(user, "village__township"))

    def for_campaign(self, campaign: Campaign) -> "SecretaryAdjustmentQuerySet":
        return self.filter(campaign=campaign)

    def before_election(self) -> "SecretaryAdjustmentQuerySet":
        """Adjusted before the village voted in the campaign (调整班子先行)."""
        return self.exclude(_held_by("adjusted_on"))


class SecretaryAdjustment(models.Model):
    """调整班子先行: a village Party secretary replaced ahead of the election."""

    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="secretary_adjustments",
        verbose_name=_("village"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="secretary_adjustments",
        verbose_name=_("campaign"),
    )
    adjusted_on = models.DateField(_("date adjusted"))
    previous_secretary = models.CharField(_("previous secretary"), max_length=50)
    new_secretary = models.CharField(_("new secretary"), max_length=50)
    reason = models.CharField(_("reason"), max_length=12, choices=AdjustmentReason.choices)
    reason_detail = models.TextField(_("details of the reason"), blank=True)
    approved_by = models.CharField(
        _("approved by"), max_length=100, help_text=_("The body that approved it.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SecretaryAdjustmentQuerySet.as_manager()

    class Meta:
        ordering = ["village__code", "-adjusted_on", "pk"]
        verbose_name = _("secretary adjustment")
        verbose_name_plural = _("secretary adjustments")

    def __str__(self) -> str:
        return f"{self.village} · {self.previous_secretary} → {self.new_secretary}"

    def clean(self) -> None:
        errors: dict = {}
        if (
            self.previous_secretary
            and self.previous_secretary.strip() == (self.new_secretary or "").strip()
        ):
            errors["new_secretary"] = _("The new secretary is the same person as the previous one.")
        if self.reason == AdjustmentReason.OTHER and not (self.reason_detail or "").strip():
            errors["reason_detail"] = _("Describe the reason.")
        _not_future(errors, adjusted_on=self.adjusted_on)
        if errors:
            raise ValidationError(errors)


# Inspection visits ----------------------------------------------------------------------------


class InspectionVisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InspectionVisitQuerySet":
        """Visits to the townships of the user's region: an inspection group reads every
        visit to the townships assigned to it (another group's too), and writes only its
        own (oversight.permissions)."""
        return self.filter(region_q(user, "township"))

    def during(self, campaign: Campaign) -> "InspectionVisitQuerySet":
        return self.filter(visited_on__range=(campaign.start_date, campaign.end_date))

    def group_count(self) -> int:
        """How many groups made these visits."""
        return self.order_by().values("group").distinct().count()

    def follow_up_pending(self) -> "InspectionVisitQuerySet":
        return self.exclude(follow_up="").filter(follow_up_done=False)


class InspectionVisit(models.Model):
    """督查: one visit by an inspection group to a township, or to one of its villages."""

    group = models.ForeignKey(
        InspectionGroup,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("inspection group"),
    )
    visited_on = models.DateField(_("date of the visit"))
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        related_name="inspection_visits",
        verbose_name=_("township"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_visits",
        verbose_name=_("village"),
        help_text=_("Empty when the visit was to the township itself."),
    )
    findings = models.TextField(_("problems found"))
    follow_up = models.TextField(_("follow-up required"), blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InspectionVisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")

    def __str__(self) -> str:
        place = self.village or self.township
        return f"{self.group} · {place} · {self.visited_on:%Y-%m-%d}"

    def clean(self) -> None:
        errors: dict = {}
        if self.village_id and self.township_id and self.village.township_id != self.township_id:
            errors["village"] = _("This village does not belong to the township.")
        if self.follow_up_done and not (self.follow_up or "").strip():
            errors["follow_up"] = _("Say what follow-up was required before marking it done.")
        _not_future(errors, visited_on=self.visited_on)
        if errors:
            raise ValidationError(errors)


# Training -------------------------------------------------------------------------------------


class TrainingLevel(models.TextChoices):
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")


class TrainingSessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TrainingSessionQuerySet":
        """The organizer's region: the city's sessions are for everyone; a county's for the
        users of that county (its townships' too); a township's for that township's region."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if not (user.is_superuser or user.role):
            return self.none()
        if user.is_city:
            return self.all()
        counties = County.objects.visible_to(user).values("pk")
        return self.filter(
            Q(level=TrainingLevel.CITY)
            | Q(level=TrainingLevel.COUNTY, county__in=counties)
            | (Q(level=TrainingLevel.TOWNSHIP) & region_q(user, "township"))
        )

    def writable_by(self, user) -> "TrainingSessionQuerySet":
        """What ``user`` may edit: the sessions its own level of government organized, and
        those of the levels below inside its region."""
        if not user.is_authenticated or not user.is_active or user.is_read_only:
            return self.none()
        if user.is_city:
            return self.all()
        if user.role == Role.COUNTY and user.county_id:
            return self.filter(
                Q(level=TrainingLevel.COUNTY, county=user.county_id)
                | Q(level=TrainingLevel.TOWNSHIP, township__county=user.county_id)
            )
        if user.role == Role.TOWNSHIP and user.township_id:
            return self.filter(level=TrainingLevel.TOWNSHIP, township=user.township_id)
        return self.none()

    def during(self, campaign: Campaign) -> "TrainingSessionQuerySet":
        return self.filter(held_on__range=(campaign.start_date, campaign.end_date))

    def totals(self) -> dict[str, int]:
        """Sessions, people trained, sessions with an exam, people who passed it."""
        sums = self.order_by().aggregate(
            sessions=Count("pk"),
            trained=Sum("participants"),
            examined=Count("pk", filter=Q(exam_taken=True)),
            examinees=Sum("participants", filter=Q(exam_taken=True)),
            passed_exam=Sum("passed", filter=Q(exam_taken=True)),
        )
        return {key: value or 0 for key, value in sums.items()}


class TrainingSession(models.Model):
    """培训: one training held by the city, a county or a township (业务培训)."""

    held_on = models.DateField(_("date of the training"))
    level = models.CharField(_("training level"), max_length=10, choices=TrainingLevel.choices)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("organizing county"),
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("organizing township"),
    )
    title = models.CharField(_("topic"), max_length=200)
    participants = models.PositiveIntegerField(_("number of trainees"))
    exam_taken = models.BooleanField(_("with an exam"), default=False)
    passed = models.PositiveIntegerField(
        _("passed the exam"), null=True, blank=True, help_text=_("Only when there was an exam.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="city", county__isnull=True, township__isnull=True)
                | Q(level="county", county__isnull=False, township__isnull=True)
                | Q(level="township", county__isnull=False, township__isnull=False),
                name="training_organizer_fits_level",
            ),
            models.CheckConstraint(
                condition=Q(passed__isnull=True) | Q(exam_taken=True),
                name="training_passed_only_with_exam",
            ),
            models.CheckConstraint(
                condition=Q(passed__isnull=True) | Q(passed__lte=F("participants")),
                name="training_passed_at_most_participants",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    @property
    def organizer(self) -> object:
        return self.township or self.county or _("City organization department")

    def clean(self) -> None:
        errors: dict = {}
        if self.level == TrainingLevel.CITY:
            self.county, self.township = None, None
        elif self.level == TrainingLevel.COUNTY:
            self.township = None
            if not self.county_id:
                errors["county"] = _("Choose the county that organized it.")
        elif self.level == TrainingLevel.TOWNSHIP:
            if not self.township_id:
                errors["township"] = _("Choose the township that organized it.")
            else:
                self.county_id = self.township.county_id
        self._clean_exam(errors)
        _not_future(errors, held_on=self.held_on)
        if errors:
            raise ValidationError(errors)

    def _clean_exam(self, errors: dict) -> None:
        if not self.exam_taken:
            if self.passed is not None:
                errors["passed"] = _("Only a training with an exam has people who passed it.")
            return
        if self.passed is None:
            errors["passed"] = _("Give how many passed the exam.")
        elif self.participants is not None and self.passed > self.participants:
            errors["passed"] = _("More passed the exam than took part.")


for _model in (Risk, SecretaryAdjustment, InspectionVisit, TrainingSession):
    auditlog.register(_model)
