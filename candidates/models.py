"""People, their candidacies, and everything an election records on the way to a committee.

A ``Person`` is who someone is (stable: ID number, birth date); a ``Candidacy`` is that person
in one election, with what is true of them then (education, source, assessments), so loading
or editing one campaign's records never changes another campaign's figures.
"""

from datetime import date

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import region_q
from candidates.identity import check_id_number, mask_id_number, mask_phone
from elections.models import Campaign, Election, Method, Township

ELECTION_TOWNSHIP = "election__branch__village__township"


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    BACHELOR = "bachelor", _("Bachelor")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    SECONDARY = "secondary", _("Secondary or high school")
    JUNIOR_HIGH = "junior_high", _("Junior high school or below")


# 大专以上 counts 大专, 本科 and 研究生 (domain.md).
COLLEGE_OR_ABOVE = (Education.POSTGRADUATE, Education.BACHELOR, Education.JUNIOR_COLLEGE)


class Source(models.TextChoices):
    LOCAL_CAPABLE = "local_capable", _("Local entrepreneur who helps others prosper")
    VETERAN = "veteran", _("Veteran")
    RETURNEE = "returnee", _("Returning entrepreneur")
    GRADUATE_OFFICIAL = "graduate_official", _("College-graduate village official")
    DISPATCHED = "dispatched", _("Sent from government, institutions or enterprises")
    OTHER = "other", _("Other")


class Post(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY = "deputy", _("Deputy secretary")
    MEMBER = "member", _("Committee member")


class Stage(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary nominee")
    PROSPECTIVE = "prospective", _("Prospective candidate")
    OFFICIAL = "official", _("Official candidate")
    ELECTED = "elected", _("Elected")
    NOT_ELECTED = "not_elected", _("Not elected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DISQUALIFIED = "disqualified", _("Disqualified")


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PersonQuerySet":
        """People registered in the user's region or standing in an election they can see."""
        in_scope = Candidacy.objects.filter(
            region_q(user, ELECTION_TOWNSHIP), person=OuterRef("pk")
        )
        return self.filter(region_q(user, "township") | Q(Exists(in_scope)))


class Person(models.Model):
    """Who someone is, recognised across campaigns by the ID number."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = models.DateField(_("birth date"))
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    party_joined = models.DateField(_("date of joining the Party"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("registered in"),
        help_text=_("The township that registered this person."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def clean(self) -> None:
        errors = check_id_number(self.id_number, birth_date=self.birth_date, gender=self.gender)
        if self.party_joined and self.birth_date and self.party_joined <= self.birth_date:
            errors.setdefault("party_joined", []).append(
                _("The date of joining the Party must be after the birth date.")
            )
        if errors:
            raise ValidationError(errors)

    def age_on(self, day: date) -> int:
        """Full years (周岁) on ``day``."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class ReviewOffice(models.Model):
    """An office that clears candidates in the joint eligibility review (资格联审)."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="review_offices",
        verbose_name=_("campaign"),
    )
    name = models.CharField(_("name"), max_length=30)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = _("review office")
        verbose_name_plural = _("review offices")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="review_office_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class DisqualifyingSituation(models.Model):
    """A situation that bars a candidate, from the campaign's editable list."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="disqualifying_situations",
        verbose_name=_("campaign"),
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = _("disqualifying situation")
        verbose_name_plural = _("disqualifying situations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="situation_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CandidacyQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CandidacyQuerySet":
        return self.filter(region_q(user, ELECTION_TOWNSHIP))

    def standing(self) -> "CandidacyQuerySet":
        """Still in the race: neither withdrawn nor disqualified."""
        return self.exclude(stage__in=[Stage.WITHDRAWN, Stage.DISQUALIFIED])


class Candidacy(models.Model):
    """A person standing in one election, with what is true of them in that campaign."""

    # No index of its own: the unique (person, election) constraint's index starts with it.
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="candidacies",
        verbose_name=_("person"),
        db_index=False,
    )
    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("election")
    )
    education = models.CharField(_("education"), max_length=20, choices=Education.choices)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.OTHER
    )
    strong_two = models.BooleanField(_("strong in development and mass work"), default=False)
    lead_two = models.BooleanField(_("leads in business and in prosperity"), default=False)
    women_director = models.BooleanField(_("women's director"), default=False)
    post_sought = models.CharField(
        _("post sought"), max_length=10, choices=Post.choices, default=Post.MEMBER
    )
    # Not indexed: every query by stage is within an election (the unique index on person
    # and election, and the election index, serve it), and two indexes on a column of seven
    # values only slowed the bulk import (issue 4).
    stage = models.CharField(
        _("stage"), max_length=15, choices=Stage.choices, default=Stage.PRELIMINARY
    )
    recommendation_votes = models.PositiveIntegerField(
        _("recommendation votes"), null=True, blank=True
    )
    township_yes = models.PositiveSmallIntegerField(_("township vote: yes"), null=True, blank=True)
    township_no = models.PositiveSmallIntegerField(_("township vote: no"), null=True, blank=True)
    township_abstain = models.PositiveSmallIntegerField(
        _("township vote: abstain"), null=True, blank=True
    )
    township_vote_observed = models.BooleanField(
        _("observers present at the township vote"), default=False
    )
    township_vote_recorded = models.BooleanField(
        _("township vote recorded on video"), default=False
    )
    stage_reason = models.TextField(_("reason"), blank=True)
    disqualifying_situation = models.ForeignKey(
        DisqualifyingSituation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # a partial index instead (Meta): almost every candidacy has none
        related_name="candidacies",
        verbose_name=_("disqualifying situation"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CandidacyQuerySet.as_manager()

    class Meta:
        ordering = ["election", "post_sought", "person__name"]
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "election"], name="candidacy_one_per_person_and_election"
            ),
        ]
        indexes = [
            models.Index(
                fields=["disqualifying_situation"],
                condition=models.Q(disqualifying_situation__isnull=False),
                name="candidacy_disqualified_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.election.branch}"

    @property
    def age(self) -> int:
        return self.person.age_on(self.election.campaign.reference_date)

    @property
    def township_vote_entered(self) -> bool:
        return None not in (self.township_yes, self.township_no, self.township_abstain)

    @property
    def township_vote_passed(self) -> bool:
        """More than half of the township committee members voting said yes."""
        if not self.township_vote_entered:
            return False
        cast = self.township_yes + self.township_no + self.township_abstain
        return 2 * self.township_yes > cast


class EligibilityReview(models.Model):
    """One office's verdict on one candidacy in the joint eligibility review."""

    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("candidacy")
    )
    office = models.ForeignKey(
        ReviewOffice, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("office")
    )
    passed = models.BooleanField(_("passed"))
    situation = models.ForeignKey(
        DisqualifyingSituation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("disqualifying situation"),
    )
    note = models.TextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)

    class Meta:
        ordering = ["candidacy", "office__order"]
        verbose_name = _("eligibility review")
        verbose_name_plural = _("eligibility reviews")
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "office"], name="review_one_per_office"),
        ]

    def __str__(self) -> str:
        return f"{self.office} · {self.candidacy_id}"

    def clean(self) -> None:
        if not self.passed and not self.situation_id:
            raise ValidationError(
                {"situation": _("A failed review must name the disqualifying situation.")}
            )
        if self.passed and self.situation_id:
            raise ValidationError(
                {"situation": _("A passed review cannot name a disqualifying situation.")}
            )


class NoticeKind(models.TextChoices):
    PROSPECTIVE = "prospective", _("Prospective candidates")
    OFFICIAL = "official", _("Official candidates")
    RESULTS = "results", _("Election results")


class PublicNoticeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PublicNoticeQuerySet":
        return self.filter(region_q(user, ELECTION_TOWNSHIP))


class PublicNotice(models.Model):
    """A list posted for the public (公示): it must last the campaign's minimum days."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="notices", verbose_name=_("election")
    )
    kind = models.CharField(_("list"), max_length=12, choices=NoticeKind.choices)
    start_date = models.DateField(_("posted on"))
    end_date = models.DateField(_("ends on"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PublicNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["election", "start_date"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [
            models.UniqueConstraint(fields=["election", "kind"], name="notice_one_per_list"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date:%Y-%m-%d}"

    @property
    def days(self) -> int:
        """Days of notice, counted from the day after posting (Civil Code art. 201)."""
        return (self.end_date - self.start_date).days

    def clean(self) -> None:
        if self.start_date and self.end_date:
            minimum = self.election.campaign.min_notice_days
            if self.days < minimum:
                raise ValidationError(
                    {
                        "end_date": _(
                            "A public notice must last at least %(min)d days counted from "
                            "the day after it is posted; this one lasts %(days)d."
                        )
                        % {"min": minimum, "days": self.days}
                    }
                )

    def is_over(self, today: date) -> bool:
        return today > self.end_date


class ObjectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ObjectionQuerySet":
        return self.filter(region_q(user, "notice__" + ELECTION_TOWNSHIP))


class Objection(models.Model):
    """An objection received while a list was posted; it must be settled before going on."""

    notice = models.ForeignKey(
        PublicNotice, on_delete=models.CASCADE, related_name="objections", verbose_name=_("notice")
    )
    candidacy = models.ForeignKey(
        Candidacy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("about"),
    )
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("content"))
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    settlement = models.TextField(_("how it was settled"), blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ["notice", "received_on", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return self.content[:30]

    def clean(self) -> None:
        errors = {}
        notice = self.notice
        if self.received_on and not notice.start_date <= self.received_on <= notice.end_date:
            errors["received_on"] = _("An objection must be received while the list is posted.")
        if self.settled_on and not self.settlement.strip():
            errors["settlement"] = _("Say how the objection was settled.")
        if self.settled_on and self.received_on and self.settled_on < self.received_on:
            errors["settled_on"] = _("An objection cannot be settled before it was received.")
        if errors:
            raise ValidationError(errors)


class StepDefinition(models.Model):
    """One step of an election method's procedure, kept as data (fixture, editable in admin)."""

    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    depends_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name=_("depends on"),
    )

    class Meta:
        ordering = ["method", "order"]
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        constraints = [
            models.UniqueConstraint(fields=["method", "code"], name="step_code_unique"),
            models.UniqueConstraint(fields=["method", "order"], name="step_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class ElectionStepQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ElectionStepQuerySet":
        return self.filter(region_q(user, ELECTION_TOWNSHIP))

    def overdue(self, today: date) -> "ElectionStepQuerySet":
        return self.filter(done_on__isnull=True, planned_on__lt=today)


class ElectionStep(models.Model):
    """A step of one election: planned and actual dates, who is responsible, notes."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="steps", verbose_name=_("election")
    )
    definition = models.ForeignKey(
        StepDefinition, on_delete=models.PROTECT, related_name="+", verbose_name=_("step")
    )
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    done_on = models.DateField(_("date completed"), null=True, blank=True)
    responsible = models.CharField(_("person responsible"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ElectionStepQuerySet.as_manager()

    class Meta:
        ordering = ["election", "definition__order"]
        verbose_name = _("election step")
        verbose_name_plural = _("election steps")
        constraints = [
            models.UniqueConstraint(fields=["election", "definition"], name="step_once"),
        ]

    def __str__(self) -> str:
        return self.definition.name

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.planned_on is not None and self.planned_on < today


def attachment_path(instance: "StepAttachment", filename: str) -> str:
    return f"steps/{instance.step.election_id}/{instance.step_id}/{filename}"


class StepAttachmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StepAttachmentQuerySet":
        return self.filter(region_q(user, "step__" + ELECTION_TOWNSHIP))


class StepAttachment(models.Model):
    """Minutes, photos and other papers of a step; type and size are checked on upload."""

    step = models.ForeignKey(
        ElectionStep, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("step")
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = StepAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["step", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ExclusionReason(models.TextChoices):
    """The "five kinds" of members who may be left out of the expected count."""

    ABROAD = "abroad", _("Abroad or away for six months or more")
    SENTENCE = "sentence", _("Serving a sentence")
    BEDRIDDEN = "bedridden", _("Bedridden")
    INCAPABLE = "incapable", _("Unable to express their will")
    OTHER = "other", _("Other (approved case by case)")


class VoterExclusionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VoterExclusionQuerySet":
        return self.filter(region_q(user, ELECTION_TOWNSHIP))


class VoterExclusion(models.Model):
    """A member left out of the expected count, with who approved it."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("election")
    )
    name = models.CharField(_("member"), max_length=50)
    reason = models.CharField(_("reason"), max_length=12, choices=ExclusionReason.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    township_approved = models.BooleanField(_("approved by the township committee"), default=False)
    meeting_agreed = models.BooleanField(_("agreed by the members' meeting"), default=False)

    objects = VoterExclusionQuerySet.as_manager()

    class Meta:
        ordering = ["election", "name"]
        verbose_name = _("voter exclusion")
        verbose_name_plural = _("voter exclusions")

    def __str__(self) -> str:
        return self.name

    @property
    def approved(self) -> bool:
        return self.township_approved and self.meeting_agreed


class RoundKind(models.TextChoices):
    COMMITTEE = "committee", _("Committee members")
    SECRETARY = "secretary", _("Secretary")
    DEPUTY = "deputy", _("Deputy secretaries")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Awaiting double entry")
    ENTERED = "entered", _("Entered")
    VOID = "void", _("Void")


class VoteRoundQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VoteRoundQuerySet":
        return self.filter(region_q(user, ELECTION_TOWNSHIP))


class VoteRound(models.Model):
    """One round of voting: committee members, the secretary or the deputies.

    Its figures are written only from a matching pair of independent entries (TallyEntry).
    """

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("election")
    )
    kind = models.CharField(_("what is elected"), max_length=10, choices=RoundKind.choices)
    number = models.PositiveSmallIntegerField(_("round"), default=1)
    seats = models.PositiveSmallIntegerField(_("seats"))
    held_on = models.DateField(_("date held"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    expected = models.PositiveIntegerField(_("expected voters"), null=True, blank=True)
    present = models.PositiveIntegerField(_("voters present"), null=True, blank=True)
    issued = models.PositiveIntegerField(_("ballots issued"), null=True, blank=True)
    returned = models.PositiveIntegerField(_("ballots returned"), null=True, blank=True)
    valid = models.PositiveIntegerField(_("valid ballots"), null=True, blank=True)
    invalid = models.PositiveIntegerField(_("invalid ballots"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VoteRoundQuerySet.as_manager()

    class Meta:
        ordering = ["election", "held_on", "kind", "number"]
        verbose_name = _("vote round")
        verbose_name_plural = _("vote rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "kind", "number"], name="round_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.number}"


class BallotLine(models.Model):
    """One name on a round's ballot with its votes: a candidacy, or a written-in name."""

    round = models.ForeignKey(
        VoteRound, on_delete=models.CASCADE, related_name="lines", verbose_name=_("round")
    )
    candidacy = models.ForeignKey(
        Candidacy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballot_lines",
        verbose_name=_("candidate"),
    )
    write_in = models.CharField(_("written-in name"), max_length=50, blank=True)
    yes = models.PositiveIntegerField(_("yes"), default=0)
    no = models.PositiveIntegerField(_("no"), default=0)
    abstain = models.PositiveIntegerField(_("abstain"), default=0)

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("ballot line")
        verbose_name_plural = _("ballot lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(candidacy__isnull=False, write_in="")
                | Q(candidacy__isnull=True) & ~Q(write_in=""),
                name="ballot_line_names_one",
            ),
            models.UniqueConstraint(
                fields=["round", "candidacy"],
                condition=Q(candidacy__isnull=False),
                name="ballot_line_candidate_once",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.candidacy.person.name if self.candidacy_id else self.write_in

    @property
    def key(self) -> str:
        return f"c{self.candidacy_id}" if self.candidacy_id else f"w:{self.write_in}"


class TallyEntry(models.Model):
    """One user's independent typing of a round's paper tally (双人录入)."""

    round = models.ForeignKey(
        VoteRound, on_delete=models.CASCADE, related_name="entries", verbose_name=_("round")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(_("figures"))
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        ordering = ["round", "entered_at"]
        verbose_name = _("tally entry")
        verbose_name_plural = _("tally entries")
        constraints = [
            models.UniqueConstraint(fields=["round", "entered_by"], name="tally_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.entered_by_id}"


class CommitteeMemberQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CommitteeMemberQuerySet":
        return self.filter(region_q(user, ELECTION_TOWNSHIP))

    def secretaries(self) -> "CommitteeMemberQuerySet":
        return self.filter(post=Post.SECRETARY)


class CommitteeMember(models.Model):
    """A seat of the committee an election produced; created by certification (or import)."""

    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="members", verbose_name=_("election")
    )
    candidacy = models.OneToOneField(
        Candidacy, on_delete=models.PROTECT, related_name="seat", verbose_name=_("candidacy")
    )
    post = models.CharField(_("post"), max_length=10, choices=Post.choices)

    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        ordering = ["election", "post", "pk"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(
                fields=["election"],
                condition=Q(post="secretary"),
                name="committee_one_secretary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidacy.person} · {self.get_post_display()}"


class Certification(models.Model):
    """The county's approval of an election's result, or its unlocking, with the reason."""

    class Action(models.TextChoices):
        CERTIFY = "certify", _("Certified")
        OVERRIDE = "override", _("Certified with override")
        UNLOCK = "unlock", _("Unlocked")

    election = models.ForeignKey(
        Election,
        on_delete=models.PROTECT,
        related_name="certifications",
        verbose_name=_("election"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    failed_rules = models.JSONField(_("rules overridden"), default=list, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["election", "at"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d}"


for _model in (
    Person,
    ReviewOffice,
    DisqualifyingSituation,
    Candidacy,
    EligibilityReview,
    PublicNotice,
    Objection,
    StepDefinition,
    ElectionStep,
    StepAttachment,
    VoterExclusion,
    VoteRound,
    BallotLine,
    TallyEntry,
    CommitteeMember,
    Certification,
):
    auditlog.register(_model, mask_fields=["id_number", "phone"] if _model is Person else [])
