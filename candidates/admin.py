"""The candidates models in the admin. A certified (locked) election's result is read-only
here as everywhere: the database triggers would refuse the change anyway, so the admin does
not offer it."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from candidates.models import (
    BallotLine,
    Candidacy,
    Certification,
    CommitteeMember,
    DisqualifyingSituation,
    ElectionStep,
    EligibilityReview,
    Objection,
    Person,
    PublicNotice,
    ReviewOffice,
    StepAttachment,
    StepDefinition,
    TallyEntry,
    VoterExclusion,
    VoteRound,
)


class LockedResultMixin:
    """No change or deletion of rows that belong to a locked election's result."""

    election_path = "election"

    def election_of(self, obj: Model) -> object:
        for name in self.election_path.split("__"):
            obj = getattr(obj, name)
        return obj

    def is_locked(self, obj: Model | None) -> bool:
        return obj is not None and self.election_of(obj).locked

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not self.is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not self.is_locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "gender", "birth_date", "masked_id_number", "township"]
    list_filter = ["gender", "township__county"]
    search_fields = ["name", "id_number"]
    list_select_related = ["township"]
    autocomplete_fields = ["township"]
    # ID numbers and phones are shown masked here too: revealing them is a logged action of
    # the candidacy page, not something the admin does silently.
    exclude = ["id_number", "phone"]
    readonly_fields = ["masked_id_number", "masked_phone", "created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people are registered through the candidacy pages and imports


@admin.register(ReviewOffice)
class ReviewOfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "order"]
    list_editable = ["order"]
    list_filter = ["campaign"]
    search_fields = ["name"]


@admin.register(DisqualifyingSituation)
class DisqualifyingSituationAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "order"]
    list_editable = ["order"]
    list_filter = ["campaign"]
    search_fields = ["name"]


class EligibilityReviewInline(LockedResultMixin, admin.TabularInline):
    model = EligibilityReview
    election_path = "election"
    extra = 0
    raw_id_fields = ["reviewed_by"]

    def is_locked(self, obj: Model | None) -> bool:
        # Inline permissions receive the parent candidacy.
        return obj is not None and obj.election.locked


@admin.register(Candidacy)
class CandidacyAdmin(LockedResultMixin, admin.ModelAdmin):
    list_display = ["person", "election", "post_sought", "stage", "education", "source"]
    list_filter = [
        "stage",
        "post_sought",
        "education",
        "source",
        "strong_two",
        "lead_two",
        "election__campaign",
    ]
    search_fields = ["person__name", "person__id_number", "election__branch__village__name"]
    list_select_related = ["person", "election__branch"]
    autocomplete_fields = ["person", "election", "disqualifying_situation"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [EligibilityReviewInline]


@admin.register(EligibilityReview)
class EligibilityReviewAdmin(LockedResultMixin, admin.ModelAdmin):
    election_path = "candidacy__election"
    list_display = ["candidacy", "office", "passed", "situation", "reviewed_by", "reviewed_at"]
    list_filter = ["passed", "office__campaign", "office"]
    search_fields = ["candidacy__person__name"]
    list_select_related = ["candidacy__person", "candidacy__election__branch", "office"]
    raw_id_fields = ["candidacy"]


class ObjectionInline(admin.TabularInline):
    model = Objection
    extra = 0
    raw_id_fields = ["candidacy"]


@admin.register(PublicNotice)
class PublicNoticeAdmin(admin.ModelAdmin):
    list_display = ["election", "kind", "start_date", "end_date"]
    list_filter = ["kind", "election__campaign"]
    search_fields = ["election__branch__village__name"]
    list_select_related = ["election__branch"]
    autocomplete_fields = ["election"]
    inlines = [ObjectionInline]


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "notice", "candidacy", "received_on", "settled_on"]
    list_filter = ["notice__kind"]
    search_fields = ["content", "candidacy__person__name"]
    list_select_related = ["notice", "candidacy__person", "candidacy__election__branch"]
    raw_id_fields = ["notice", "candidacy"]


@admin.register(StepDefinition)
class StepDefinitionAdmin(admin.ModelAdmin):
    list_display = ["method", "order", "code", "name", "depends_on"]
    list_display_links = ["code"]
    list_editable = ["name"]
    list_filter = ["method"]
    search_fields = ["code", "name"]
    list_select_related = ["depends_on"]


class StepAttachmentInline(admin.TabularInline):
    model = StepAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Files come through the step page, where their type and size are checked.
        return False


@admin.register(ElectionStep)
class ElectionStepAdmin(admin.ModelAdmin):
    list_display = ["election", "definition", "planned_on", "done_on", "responsible"]
    list_filter = ["definition__method", "election__campaign"]
    search_fields = ["election__branch__village__name", "definition__name", "responsible"]
    list_select_related = ["election__branch", "definition"]
    autocomplete_fields = ["election"]
    inlines = [StepAttachmentInline]


@admin.register(StepAttachment)
class StepAttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "step", "content_type", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name"]
    list_select_related = ["step__definition", "uploaded_by"]
    readonly_fields = ["step", "file", "original_name", "content_type", "size", "uploaded_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(VoterExclusion)
class VoterExclusionAdmin(LockedResultMixin, admin.ModelAdmin):
    list_display = ["name", "election", "reason", "township_approved", "meeting_agreed"]
    list_filter = ["reason", "township_approved", "meeting_agreed"]
    search_fields = ["name", "election__branch__village__name"]
    list_select_related = ["election__branch"]
    autocomplete_fields = ["election"]


class BallotLineInline(LockedResultMixin, admin.TabularInline):
    model = BallotLine
    extra = 0
    raw_id_fields = ["candidacy"]

    def is_locked(self, obj: Model | None) -> bool:
        return obj is not None and obj.election.locked


@admin.register(VoteRound)
class VoteRoundAdmin(LockedResultMixin, admin.ModelAdmin):
    list_display = ["election", "kind", "number", "seats", "held_on", "status"]
    list_filter = ["kind", "status", "election__campaign"]
    search_fields = ["election__branch__village__name"]
    list_select_related = ["election__branch"]
    autocomplete_fields = ["election"]
    inlines = [BallotLineInline]


@admin.register(TallyEntry)
class TallyEntryAdmin(LockedResultMixin, admin.ModelAdmin):
    election_path = "round__election"
    list_display = ["round", "entered_by", "entered_at"]
    list_select_related = ["round__election__branch", "entered_by"]
    readonly_fields = ["round", "entered_by", "data", "entered_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Each typist enters through the tally page, which compares the two entries.
        return False


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(LockedResultMixin, admin.ModelAdmin):
    list_display = ["candidacy", "election", "post"]
    list_filter = ["post", "election__campaign"]
    search_fields = ["candidacy__person__name", "election__branch__village__name"]
    list_select_related = ["candidacy__person", "candidacy__election__branch", "election__branch"]
    raw_id_fields = ["candidacy", "election"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    """The county's certifications and unlockings: a log, written only by the services."""

    list_display = ["election", "action", "by", "at"]
    list_filter = ["action", "election__campaign"]
    search_fields = ["election__branch__village__name", "reason"]
    list_select_related = ["election__branch", "by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
