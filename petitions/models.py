"""Petitions (信访) about the election, their statutory deadlines, and the holiday calendar.

Who sees a petition (``PetitionQuerySet.visible_to``, 信访工作条例 art. 30: a complaint is
never passed to the person or unit it accuses):

- the city sees every petition;
- a county sees the petitions of its county, whatever the level that received them (the city
  routes a petition to a county by naming the county);
- a township sees only what it registered itself (received at township level by it), and
  never a petition about itself: one whose township (``about_township``), village, election
  or candidate lies in that township, whoever received it;
- an inspection group (read only) sees the petitions received by or about the townships
  assigned to it: it supervises those townships and is not the unit accused.
"""

from datetime import date, timedelta

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from candidates.identity import mask_phone
from candidates.models import Candidacy
from elections.models import Campaign, County, Election, Township, Village
from petitions.deadlines import (
    MAX_EXTENSION_DAYS,
    SATURDAY,
    Calendar,
    DeadlineState,
    state_on,
)

MSG_WORKDAY_WEEKDAY = _(
    "Only a Saturday or a Sunday can be marked as a working day; weekdays are working days."
)
GROUP_VISIT_TO_CITY = 10  # the report counts visits of 10 or more people to the city


class Level(models.TextChoices):
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")


# The level's word in the petition number: 2026-县-0012.
NUMBER_WORD = {Level.CITY: "市", Level.COUNTY: "县", Level.TOWNSHIP: "乡镇"}


class Channel(models.TextChoices):
    LETTER = "letter", _("Letter")
    CALL = "call", _("Telephone call")
    VISIT = "visit", _("Visit")
    ONLINE = "online", _("Online")
    MAILBOX = "mailbox", _("Leaders' mailbox")
    HOTLINE = "hotline", _("Hotline")


class Category(models.TextChoices):
    ELECTION_DISCIPLINE = "election_discipline", _("Election discipline")
    CANDIDATE_ELIGIBILITY = "candidate_eligibility", _("Candidate eligibility")
    PROCEDURE = "procedure", _("Election procedure")
    VOTE_BUYING = "vote_buying", _("Vote buying")
    CLAN_INTERFERENCE = "clan_interference", _("Clan interference")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    TRANSFERRED = "transferred", _("Transferred")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    INVESTIGATING = "investigating", _("Under investigation")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


# Waiting for the decision whether to accept (the 15-day period).
AWAITING_DECISION = (Status.REGISTERED, Status.TRANSFERRED)
# Accepted and not yet settled (the 60-day period).
AWAITING_SETTLEMENT = (Status.ACCEPTED, Status.INVESTIGATING)
FINAL = (Status.DECLINED, Status.CLOSED)
SETTLED = (Status.ANSWERED, Status.CLOSED)


class HolidayQuerySet(models.QuerySet):
    def calendar(self) -> Calendar:
        """The whole calendar (a few dozen rows a year) for the deadline functions."""
        holidays, workdays = {}, {}
        for day, name, working in self.values_list("date", "name", "is_workday_override"):
            (workdays if working else holidays)[day] = name
        return Calendar(holidays=holidays, workdays=workdays)


class Holiday(models.Model):
    """A public holiday (a day off), or a weekend day made a working day (调休上班).

    Filled from the State Council's annual notice (国务院办公厅关于部分节假日安排的通知);
    the admin enters each new year's notice when it is published, usually in November.
    """

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=30)
    is_workday_override = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Tick for a weekend day that is a working day under the holiday notice."),
    )

    objects = HolidayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    def clean(self) -> None:
        if self.is_workday_override and self.date and self.date.weekday() < SATURDAY:
            raise ValidationError({"is_workday_override": MSG_WORKDAY_WEEKDAY})


def _about(township_id: int) -> Q:
    """Petitions about the township: by its explicit township, village, election or candidate."""
    return (
        Q(about_township_id=township_id)
        | Q(village__township_id=township_id)
        | Q(election__branch__village__township_id=township_id)
        | Q(candidacy__election__branch__village__township_id=township_id)
    )


def overdue_q(today: date) -> Q:
    return Q(status__in=AWAITING_DECISION, decision_due__lt=today) | Q(
        status__in=AWAITING_SETTLEMENT, settle_due__lt=today
    )


def due_within_q(today: date, days: int) -> Q:
    last = today + timedelta(days=days)
    return Q(status__in=AWAITING_DECISION, decision_due__range=(today, last)) | Q(
        status__in=AWAITING_SETTLEMENT, settle_due__range=(today, last)
    )


OPEN_Q = Q(status__in=(*AWAITING_DECISION, *AWAITING_SETTLEMENT))
SETTLED_Q = Q(status__in=SETTLED)
GROUP_VISIT_TO_CITY_Q = Q(level="city", channel="visit", people_count__gte=GROUP_VISIT_TO_CITY)


class PetitionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PetitionQuerySet":
        """The one rule of who reads which petition; see the module's docstring."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role == Role.CITY:
            return self.all()
        if user.role == Role.COUNTY and user.county_id:
            return self.filter(county_id=user.county_id)
        if user.role == Role.TOWNSHIP and user.township_id:
            own = self.filter(level=Level.TOWNSHIP, receiving_township_id=user.township_id)
            return own.exclude(_about(user.township_id))
        if user.role == Role.INSPECTOR and user.inspection_group_id:
            supervised = Township.objects.filter(inspection_groups=user.inspection_group_id)
            return self.filter(
                Q(receiving_township__in=supervised)
                | Q(about_township__in=supervised)
                | Q(village__township__in=supervised)
            )
        return self.none()

    def overdue(self, today: date) -> "PetitionQuerySet":
        """Past the decision or the settlement deadline with the step still not done."""
        return self.filter(overdue_q(today))

    def due_within(self, today: date, days: int) -> "PetitionQuerySet":
        """Not overdue yet, with a deadline within ``days`` days (today included)."""
        return self.filter(due_within_q(today, days))

    def open(self) -> "PetitionQuerySet":
        """Waiting for a decision or for its answer."""
        return self.filter(OPEN_Q)

    def settled(self) -> "PetitionQuerySet":
        return self.filter(SETTLED_Q)

    def to_city(self) -> "PetitionQuerySet":
        return self.filter(level=Level.CITY)

    def group_visits_to_city(self) -> "PetitionQuerySet":
        """Visits of 10 or more people to the city (集访), as the report counts them."""
        return self.filter(GROUP_VISIT_TO_CITY_Q)

    def during(self, campaign: Campaign) -> "PetitionQuerySet":
        """Received while the campaign ran."""
        return self.filter(received_on__range=(campaign.start_date, campaign.end_date))


class Petition(models.Model):
    """One petition (信访事项) as registered by the unit that received it."""

    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    serial = models.PositiveIntegerField(_("serial number"), editable=False)
    level = models.CharField(_("level received"), max_length=10, choices=Level.choices)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("county"),
        help_text=_("The county that received the petition, or that it concerns."),
    )
    receiving_township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_received",
        verbose_name=_("receiving township"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("date received"))
    real_name = models.BooleanField(_("real name"), default=True)
    petitioner_name = models.CharField(_("petitioner"), max_length=50, blank=True)
    petitioner_phone = models.CharField(_("phone"), max_length=20, blank=True)
    people_count = models.PositiveIntegerField(
        _("number of people"), default=1, validators=[MinValueValidator(1)]
    )
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    about_township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_about",
        verbose_name=_("about township"),
        help_text=_("The township whose officials or candidates the petition is about."),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("related village"),
    )
    election = models.ForeignKey(
        Election,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("related election"),
    )
    candidacy = models.ForeignKey(
        Candidacy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("related candidate"),
    )
    content = models.TextField(_("content"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    # Stored so that lists filter and count overdue petitions in the database; recomputed
    # by the services on every step and whenever the holiday calendar changes.
    decision_due = models.DateField(_("decision due"))
    settle_due = models.DateField(_("settlement due"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    transferred_to = models.CharField(_("transferred to"), max_length=100, blank=True)
    transferred_on = models.DateField(_("transferred on"), null=True, blank=True)
    investigation_started_on = models.DateField(
        _("investigation started on"), null=True, blank=True
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(
        _("extension (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EXTENSION_DAYS)],
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extension_approved_by = models.CharField(_("extension approved by"), max_length=100, blank=True)
    extension_approved_on = models.DateField(_("extension approved on"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "level", "serial"], name="petition_number_per_year_and_level"
            ),
            models.CheckConstraint(condition=Q(people_count__gte=1), name="petition_people"),
            models.CheckConstraint(
                condition=~Q(level="township") | Q(receiving_township__isnull=False),
                name="petition_township_level_has_township",
            ),
            models.CheckConstraint(
                condition=Q(level="city") | Q(county__isnull=False),
                name="petition_below_city_has_county",
            ),
            models.CheckConstraint(
                condition=Q(real_name=True) & ~Q(petitioner_name="")
                | Q(real_name=False, petitioner_name=""),
                name="petition_real_name_has_name",
            ),
            # One extension, of 1 to 30 days, and never without its approval.
            models.CheckConstraint(
                condition=Q(extension_days__isnull=True)
                | Q(extension_days__gte=1, extension_days__lte=MAX_EXTENSION_DAYS)
                & ~Q(extension_approved_by="")
                & ~Q(extension_reason="")
                & Q(extension_approved_on__isnull=False),
                name="petition_extension_approved",
            ),
        ]
        indexes = [models.Index(fields=["status", "decision_due", "settle_due"])]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.petitioner_phone)

    @property
    def is_group(self) -> bool:
        """More than one person (a group visit, or a letter signed by several)."""
        return self.people_count > 1

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def receiving_unit(self) -> str:
        if self.level == Level.TOWNSHIP:
            return self.receiving_township.name
        if self.level == Level.COUNTY:
            return self.county.name
        return str(Role.CITY.label)

    def decision_state(self, today: date) -> DeadlineState:
        if self.status in AWAITING_DECISION:
            return state_on(today, self.decision_due)
        if self.decided_on is None:
            return DeadlineState.NOT_APPLICABLE  # closed after a transfer: decided elsewhere
        return state_on(today, self.decision_due, self.decided_on)

    def settle_state(self, today: date) -> DeadlineState:
        if self.status in AWAITING_SETTLEMENT:
            return state_on(today, self.settle_due)
        if self.answered_on is None:
            return DeadlineState.NOT_APPLICABLE
        return state_on(today, self.settle_due, self.answered_on)

    def is_overdue(self, today: date) -> bool:
        """As ``PetitionQuerySet.overdue``, for one petition in hand."""
        return DeadlineState.OVERDUE in (self.decision_state(today), self.settle_state(today))

    def current_due(self) -> date | None:
        """The deadline the petition is waiting on, if any."""
        if self.status in AWAITING_DECISION:
            return self.decision_due
        if self.status in AWAITING_SETTLEMENT:
            return self.settle_due
        return None

    def state_today(self) -> DeadlineState:
        today = timezone.localdate()
        if self.status in AWAITING_DECISION:
            return self.decision_state(today)
        if self.status in AWAITING_SETTLEMENT:
            return self.settle_state(today)
        return DeadlineState.NOT_APPLICABLE


class EventAction(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    TRANSFERRED = "transferred", _("Transferred")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    INVESTIGATING = "investigating", _("Investigation started")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    EXTENDED = "extended", _("Deadline extended")


class PetitionEventQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PetitionEventQuerySet":
        return self.filter(petition__in=Petition.objects.visible_to(user))


class PetitionEvent(models.Model):
    """One step of a petition: what, on which day it took effect, who recorded it, a note."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="events", verbose_name=_("petition")
    )
    action = models.CharField(_("action"), max_length=16, choices=EventAction.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = PetitionEventQuerySet.as_manager()

    class Meta:
        ordering = ["petition", "at", "pk"]
        verbose_name = _("petition event")
        verbose_name_plural = _("petition events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.on:%Y-%m-%d}"


def attachment_path(instance: "PetitionAttachment", filename: str) -> str:
    return f"petitions/{instance.petition_id}/{filename}"


class PetitionAttachmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PetitionAttachmentQuerySet":
        return self.filter(petition__in=Petition.objects.visible_to(user))


class PetitionAttachment(models.Model):
    """A letter, a photo, a record of a visit; type and size are checked on upload."""

    petition = models.ForeignKey(
        Petition,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("petition"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = PetitionAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["petition", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


auditlog.register(Holiday)
auditlog.register(Petition, mask_fields=["petitioner_phone"])
auditlog.register(PetitionEvent)
auditlog.register(PetitionAttachment)
