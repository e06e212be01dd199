"""Use cases of an election, from registering a candidate to certifying the committee.

Every function checks the rules of domain.md before it writes and raises a Django
``ValidationError`` with a Chinese message (the module constants below) when a step is wrong.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from candidates import rules
from candidates.compliance import committee_outcome, election_compliance, round_outcome
from candidates.identity import normalize_id_number
from candidates.models import (
    BallotLine,
    Candidacy,
    Certification,
    CommitteeMember,
    DisqualifyingSituation,
    ElectionStep,
    EligibilityReview,
    NoticeKind,
    Objection,
    Person,
    Post,
    PublicNotice,
    ReviewOffice,
    RoundKind,
    RoundStatus,
    Stage,
    StepAttachment,
    StepDefinition,
    TallyEntry,
    VoteRound,
)
from elections.models import Campaign, Election, ElectionStatus, Mode

DEFAULT_REVIEW_OFFICES = ("纪检", "公安", "综治", "信访")
DEFAULT_SITUATIONS = (
    "受过刑事处罚的",
    "涉黑涉恶、参与宗族恶势力的",
    "受到党纪政务处分、影响期未满的",
    "拖欠或侵占、挪用集体资金资产的",
    "组织或参与非法宗教活动、邪教活动的",
    "长期外出不能正常履职的",
    "有严重违法用地、违章建房行为拒不整改的",
    "以贿选等不正当手段参选的",
)

MSG_LOCKED = gettext_lazy(
    "The result of this election is certified and locked; the county must unlock it first."
)
MSG_REVIEW_INCOMPLETE = gettext_lazy(
    "%(name)s cannot advance before every office has passed the eligibility review "
    "(missing: %(offices)s)."
)
MSG_TOWNSHIP_VOTE = gettext_lazy(
    "%(name)s cannot become a prospective candidate without a township committee vote in "
    "favour (more than half of the votes cast)."
)
MSG_NOTICE_MISSING = gettext_lazy(
    "The list of prospective candidates has not been posted for public notice."
)
MSG_NOTICE_RUNNING = gettext_lazy(
    "The public notice runs until %(end)s; candidates can be confirmed from the day after."
)
MSG_OBJECTIONS_OPEN = gettext_lazy(
    "%(count)d objection(s) received during the public notice are not settled yet."
)
MSG_BAD_TRANSITION = gettext_lazy("A candidate cannot go from %(from)s to %(to)s.")
MSG_CANNOT_ADVANCE = gettext_lazy(
    "A candidate at the stage “%(stage)s” cannot be moved on by hand: official candidates "
    "are elected or not by the certified vote."
)
MSG_NO_SEATS = gettext_lazy("A round must have at least one seat.")
MSG_TALLY_FIGURE = gettext_lazy("%(field)s must be a whole number of zero or more.")
MSG_TALLY_NAMES = gettext_lazy(
    "The entry must give yes, no and abstain for exactly the names on the ballot."
)
MSG_WRITE_IN_ELECTED = gettext_lazy(
    "The written-in name %(name)s was elected: register them as a candidate of this election "
    "first, so that the committee records who they are."
)
MSG_ALREADY_ELECTED = gettext_lazy(
    "%(name)s was already elected to the committee in an earlier round."
)
MSG_STEP_AFTER_DEPENDENT = gettext_lazy(
    "“%(step)s” cannot be completed on %(date)s, after “%(after)s” that depends on it "
    "(%(after_date)s)."
)
MSG_STEP_DEPENDENT_DONE = gettext_lazy(
    "“%(step)s” cannot be reopened while “%(after)s”, which depends on it, is completed."
)
MSG_NOT_LOCKED = gettext_lazy("This election is not locked.")
MSG_REGISTERED_ELSEWHERE = gettext_lazy(
    "This ID number is registered elsewhere under another name; check the number and the name."
)
MSG_ROUND_NOT_OPEN = gettext_lazy(
    "Only the entries of a round awaiting its tally can be discarded."
)
MSG_ROUND_ENTERED = gettext_lazy("This round's tally has already been accepted.")
MSG_NOT_COUNTY = gettext_lazy("Only the county organization department can do this.")
MSG_NOT_READY = gettext_lazy(
    "The election cannot be certified yet: the committee and the secretary must be elected "
    "in rounds whose tallies are accepted."
)
MSG_RULES_FAILED = gettext_lazy(
    "The result breaks these rules: %(rules)s. Correct it, or record an override with its reason."
)
MSG_REASON_REQUIRED = gettext_lazy("Give a reason.")
MSG_STEP_DONE_AHEAD = gettext_lazy("A step cannot be done on a day still to come.")
MSG_STEP_DEPENDENCY = gettext_lazy(
    "“%(step)s” cannot be completed before “%(before)s” is completed."
)
MSG_STEP_BEFORE_DEPENDENCY = gettext_lazy(
    "“%(step)s” cannot be completed on %(date)s, before “%(before)s” (%(before_date)s)."
)
MSG_ALREADY_STANDING = gettext_lazy("%(name)s is already registered in this election.")
MSG_TOO_YOUNG = gettext_lazy("A candidate must be at least 18 years old on the reference date.")
MSG_NOT_OFFICIAL = gettext_lazy("%(name)s is not an official candidate of this election.")
MSG_NOT_ELECTED_MEMBER = gettext_lazy(
    "%(name)s was not elected to the committee and cannot stand for %(post)s."
)
MSG_ATTACHMENT_TYPE = gettext_lazy("Only PDF, JPEG, PNG, Word and Excel files can be attached.")
MSG_ATTACHMENT_SIZE = gettext_lazy("An attachment can be at most %(mb)d MB.")

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# File signatures, checked on the content, not trusted from the browser's content type.
ATTACHMENT_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"PK\x03\x04": "application/zip",  # docx / xlsx are zip containers
}
# The content type each accepted extension must have on sniffing.
ATTACHMENT_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/zip",
    ".xlsx": "application/zip",
}


def _require_unlocked(election: Election) -> None:
    # Asks the database, not the object handed in, which may be stale.
    if Election.objects.filter(pk=election.pk, locked=True).exists():
        raise ValidationError(MSG_LOCKED)


def _require_county(user: User, election: Election) -> None:
    county_id = election.branch.village.township.county_id
    is_county = user.role == Role.COUNTY and user.county_id == county_id
    if not (is_county or user.is_superuser):
        raise PermissionDenied(MSG_NOT_COUNTY)


@transaction.atomic
def campaign_ensure_review_lists(*, campaign: Campaign) -> None:
    """Gives a campaign the default review offices and disqualifying situations once."""
    if not campaign.review_offices.exists():
        ReviewOffice.objects.bulk_create(
            ReviewOffice(campaign=campaign, name=name, order=i)
            for i, name in enumerate(DEFAULT_REVIEW_OFFICES)
        )
    if not campaign.disqualifying_situations.exists():
        DisqualifyingSituation.objects.bulk_create(
            DisqualifyingSituation(campaign=campaign, name=name, order=i)
            for i, name in enumerate(DEFAULT_SITUATIONS)
        )


@transaction.atomic
def person_save(*, by: User, township_id: int, **fields: Any) -> Person:
    """The person with this ID number, created or brought up to date.

    A person registered outside the user's region is linked as they are, never changed (the
    user may not even see them); a different name typed for that number is refused.
    """
    fields["id_number"] = normalize_id_number(fields["id_number"])
    person = Person.objects.filter(id_number=fields["id_number"]).first()
    if person is None:
        person = Person(township_id=township_id)
    elif not Person.objects.visible_to(by).filter(pk=person.pk).exists():
        if fields.get("name") and fields["name"] != person.name:
            raise ValidationError({"id_number": MSG_REGISTERED_ELSEWHERE})
        return person
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def election_started(election: Election) -> None:
    """An election whose work has begun (a step done, a nominee, a notice, a round) is under
    way: 未启动 becomes 进行中 by itself, for the progress tables and dashboards, where a
    township would otherwise have to set it by hand. Logged like any change of status."""
    if election.status == ElectionStatus.NOT_STARTED:
        election.status = ElectionStatus.IN_PROGRESS
        # updated_at too: the dashboards' refresh looks for elections changed since its run.
        election.save(update_fields=["status", "updated_at"])


def candidacy_register(*, by: User, election: Election, person: Person, **fields: Any) -> Candidacy:
    """Registers a person as a preliminary nominee (初步人选) of an election."""
    _require_unlocked(election)
    if Candidacy.objects.filter(election=election, person=person).exists():
        raise ValidationError(MSG_ALREADY_STANDING % {"name": person.name})
    if person.age_on(election.campaign.reference_date) < 18:
        raise ValidationError({"birth_date": MSG_TOO_YOUNG})
    campaign_ensure_review_lists(campaign=election.campaign)
    candidacy = Candidacy(election=election, person=person, stage=Stage.PRELIMINARY, **fields)
    candidacy.full_clean()
    candidacy.save()
    election_started(election)
    return candidacy


@transaction.atomic
def candidacy_update(*, by: User, candidacy: Candidacy, **fields: Any) -> Candidacy:
    _require_unlocked(candidacy.election)
    for name, value in fields.items():
        setattr(candidacy, name, value)
    candidacy.full_clean()
    candidacy.save()
    return candidacy


@transaction.atomic
def review_record(
    *,
    by: User,
    candidacy: Candidacy,
    office: ReviewOffice,
    passed: bool,
    situation: DisqualifyingSituation | None = None,
    note: str = "",
) -> EligibilityReview:
    """One office's verdict; a failed review disqualifies the candidacy with its reason."""
    _require_unlocked(candidacy.election)
    review = EligibilityReview.objects.filter(candidacy=candidacy, office=office).first()
    review = review or EligibilityReview(candidacy=candidacy, office=office)
    review.passed, review.situation, review.note = passed, situation, note
    review.reviewed_by, review.reviewed_at = by, timezone.now()
    review.full_clean()
    review.save()
    if not passed:
        candidacy.stage = Stage.DISQUALIFIED
        candidacy.disqualifying_situation = situation
        candidacy.stage_reason = f"{office.name}：{situation}" + (f"（{note}）" if note else "")
        candidacy.save(update_fields=["stage", "disqualifying_situation", "stage_reason"])
    return review


def missing_reviews(candidacy: Candidacy) -> list[ReviewOffice]:
    """The campaign's offices that have not passed this candidacy."""
    passed = candidacy.reviews.filter(passed=True).values("office_id")
    offices = ReviewOffice.objects.filter(campaign=candidacy.election.campaign_id)
    return list(offices.exclude(pk__in=passed))


@transaction.atomic
def township_vote_record(
    *,
    by: User,
    candidacy: Candidacy,
    yes: int,
    no: int,
    abstain: int,
    observed: bool,
    recorded: bool,
) -> Candidacy:
    _require_unlocked(candidacy.election)
    candidacy.township_yes, candidacy.township_no, candidacy.township_abstain = yes, no, abstain
    candidacy.township_vote_observed, candidacy.township_vote_recorded = observed, recorded
    candidacy.save(
        update_fields=[
            "township_yes",
            "township_no",
            "township_abstain",
            "township_vote_observed",
            "township_vote_recorded",
        ]
    )
    return candidacy


def _check_prospective(candidacy: Candidacy) -> None:
    missing = missing_reviews(candidacy)
    if missing:
        raise ValidationError(
            MSG_REVIEW_INCOMPLETE
            % {"name": candidacy.person.name, "offices": "、".join(o.name for o in missing)}
        )
    if not candidacy.township_vote_passed:
        raise ValidationError(MSG_TOWNSHIP_VOTE % {"name": candidacy.person.name})


def _check_notice_done(election: Election, kind: str, today: date) -> None:
    notice = PublicNotice.objects.filter(election=election, kind=kind).first()
    if notice is None:
        raise ValidationError(MSG_NOTICE_MISSING)
    if not notice.is_over(today):
        raise ValidationError(MSG_NOTICE_RUNNING % {"end": notice.end_date.isoformat()})
    open_count = notice.objections.filter(settled_on__isnull=True).count()
    if open_count:
        raise ValidationError(MSG_OBJECTIONS_OPEN % {"count": open_count})


ALLOWED_ADVANCES = {
    Stage.PRELIMINARY: Stage.PROSPECTIVE,
    Stage.PROSPECTIVE: Stage.OFFICIAL,
}


@transaction.atomic
def candidacy_advance(*, by: User, candidacy: Candidacy, today: date | None = None) -> Candidacy:
    """Moves a candidacy one stage on, if every rule for that step holds."""
    _require_unlocked(candidacy.election)
    today = today or timezone.localdate()
    target = ALLOWED_ADVANCES.get(Stage(candidacy.stage))
    if target is None:
        raise ValidationError(MSG_CANNOT_ADVANCE % {"stage": candidacy.get_stage_display()})
    if target == Stage.PROSPECTIVE:
        _check_prospective(candidacy)
    else:
        _check_notice_done(candidacy.election, NoticeKind.PROSPECTIVE, today)
    candidacy.stage = target
    candidacy.save(update_fields=["stage", "updated_at"])
    return candidacy


@transaction.atomic
def candidacy_withdraw(*, by: User, candidacy: Candidacy, reason: str) -> Candidacy:
    _require_unlocked(candidacy.election)
    if not reason.strip():
        raise ValidationError({"stage_reason": MSG_REASON_REQUIRED})
    if candidacy.stage in (Stage.ELECTED, Stage.NOT_ELECTED, Stage.DISQUALIFIED):
        raise ValidationError(
            MSG_BAD_TRANSITION
            % {"from": candidacy.get_stage_display(), "to": Stage.WITHDRAWN.label}
        )
    candidacy.stage, candidacy.stage_reason = Stage.WITHDRAWN, reason.strip()
    candidacy.save(update_fields=["stage", "stage_reason", "updated_at"])
    return candidacy


@transaction.atomic
def notice_post(
    *, by: User, election: Election, kind: str, start_date: date, end_date: date, note: str = ""
) -> PublicNotice:
    notice = PublicNotice.objects.filter(election=election, kind=kind).first()
    notice = notice or PublicNotice(election=election, kind=kind)
    notice.start_date, notice.end_date, notice.note = start_date, end_date, note
    notice.full_clean()
    notice.save()
    election_started(election)
    return notice


@transaction.atomic
def objection_save(*, by: User, objection: Objection) -> Objection:
    objection.full_clean()
    objection.save()
    return objection


@transaction.atomic
def election_steps_ensure(*, election: Election) -> list[ElectionStep]:
    """The election's steps for its method, created from the definitions where missing."""
    definitions = StepDefinition.objects.filter(method=election.method)
    have = set(election.steps.values_list("definition_id", flat=True))
    ElectionStep.objects.bulk_create(
        ElectionStep(election=election, definition=d) for d in definitions if d.pk not in have
    )
    return list(
        election.steps.filter(definition__method=election.method).select_related(
            "definition__depends_on"
        )
    )


@transaction.atomic
def step_update(*, by: User, step: ElectionStep, **fields: Any) -> ElectionStep:
    """Saves a step; completing it needs the step it depends on completed no later."""
    for name, value in fields.items():
        setattr(step, name, value)
    if step.done_on and step.done_on > timezone.localdate():
        raise ValidationError({"done_on": MSG_STEP_DONE_AHEAD})
    before_definition = step.definition.depends_on
    if step.done_on and before_definition:
        before = ElectionStep.objects.filter(
            election=step.election_id, definition=before_definition
        ).first()
        names = {"step": step.definition.name, "before": before_definition.name}
        if before is None or before.done_on is None:
            raise ValidationError({"done_on": MSG_STEP_DEPENDENCY % names})
        if step.done_on < before.done_on:
            names |= {"date": step.done_on.isoformat(), "before_date": before.done_on.isoformat()}
            raise ValidationError({"done_on": MSG_STEP_BEFORE_DEPENDENCY % names})
    _check_dependents(step)
    step.full_clean()
    step.save()
    if step.done_on:
        election_started(step.election)
    return step


def _check_dependents(step: ElectionStep) -> None:
    """Steps that depend on this one were completed no earlier, and stay after it."""
    dependents = ElectionStep.objects.filter(
        election=step.election_id, definition__depends_on=step.definition_id, done_on__isnull=False
    ).select_related("definition")
    for after in dependents:
        names = {"step": step.definition.name, "after": after.definition.name}
        if step.done_on is None:
            raise ValidationError({"done_on": MSG_STEP_DEPENDENT_DONE % names})
        if step.done_on > after.done_on:
            names |= {"date": step.done_on.isoformat(), "after_date": after.done_on.isoformat()}
            raise ValidationError({"done_on": MSG_STEP_AFTER_DEPENDENT % names})


def _sniff(head: bytes) -> str | None:
    for signature, content_type in ATTACHMENT_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def attachment_check(upload: Any) -> tuple[str, str]:
    """(extension, content type) of an upload whose size, name and actual content pass;
    ValidationError otherwise. Shared by every module that takes attachments."""
    name = upload.name or ""
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": MSG_ATTACHMENT_SIZE % {"mb": ATTACHMENT_MAX_BYTES >> 20}})
    head = upload.read(16)
    upload.seek(0)
    content_type = _sniff(head)
    if content_type is None or ATTACHMENT_EXTENSIONS.get(extension) != content_type:
        raise ValidationError({"file": MSG_ATTACHMENT_TYPE})
    return extension, content_type


@transaction.atomic
def attachment_add(*, by: User, step: ElectionStep, upload: Any) -> StepAttachment:
    """Attaches a file after checking its size, its name and its actual content."""
    extension, content_type = attachment_check(upload)
    name = upload.name or ""
    attachment = StepAttachment(
        step=step,
        original_name=name[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(f"{timezone.now():%Y%m%d%H%M%S}{extension}", upload, save=False)
    attachment.save()
    return attachment


def round_candidates(election: Election, kind: str) -> list[Candidacy]:
    """Who may stand in a round: official candidates for the committee; for the secretary
    and deputies, the members the committee rounds elected."""
    standing = election.candidacies.select_related("person")
    elected = [key for key in committee_outcome(election).elected if isinstance(key, int)]
    if kind == RoundKind.COMMITTEE:
        # A further round is for the seats still empty: who is elected stands no more.
        return list(standing.filter(stage=Stage.OFFICIAL).exclude(pk__in=elected))
    return list(standing.filter(pk__in=elected))


@transaction.atomic
def round_open(
    *,
    by: User,
    election: Election,
    kind: str,
    seats: int,
    held_on: date,
    candidacies: Iterable[Candidacy],
    write_ins: Iterable[str] = (),
) -> VoteRound:
    """Opens a round with its ballot; a competitive round needs enough candidates."""
    _require_unlocked(election)
    if seats < 1:
        raise ValidationError({"seats": MSG_NO_SEATS})
    candidacies = list(candidacies)
    allowed = {c.pk for c in round_candidates(election, kind)}
    for candidacy in candidacies:
        if candidacy.pk not in allowed:
            message = MSG_NOT_OFFICIAL if kind == RoundKind.COMMITTEE else MSG_NOT_ELECTED_MEMBER
            raise ValidationError(
                message % {"name": candidacy.person.name, "post": RoundKind(kind).label}
            )
    ruleset = rules.rule_set(election.campaign.rule_set)
    competitive = kind == RoundKind.COMMITTEE or election.mode == Mode.DIRECT
    first_round = not VoteRound.objects.filter(election=election, kind=kind).exists()
    # Re-votes among the tied and further rounds for missing seats need no fresh margin.
    if first_round:
        margin = rules.check_margin(
            candidates=len(candidacies), seats=seats, competitive=competitive, rules=ruleset
        )
        if not margin:
            raise ValidationError(margin.message)
    number = VoteRound.objects.filter(election=election, kind=kind).count() + 1
    vote_round = VoteRound.objects.create(
        election=election, kind=kind, number=number, seats=seats, held_on=held_on
    )
    BallotLine.objects.bulk_create(
        [BallotLine(round=vote_round, candidacy=c) for c in candidacies]
        + [
            BallotLine(round=vote_round, write_in=name.strip())
            for name in write_ins
            if name.strip()
        ]
    )
    election_started(election)
    return vote_round


TALLY_FIELDS = ("expected", "present", "issued", "returned", "valid", "invalid")


def tally_differences(first: Mapping, second: Mapping) -> list[str]:
    """Every field on which two entries disagree, by name (figures and per-candidate votes)."""
    differences = [f for f in TALLY_FIELDS if first.get(f) != second.get(f)]
    votes_a, votes_b = first.get("votes", {}), second.get("votes", {})
    for key in sorted(set(votes_a) | set(votes_b)):
        for i, part in enumerate(("yes", "no", "abstain")):
            a, b = votes_a.get(key, [None] * 3)[i], votes_b.get(key, [None] * 3)[i]
            if a != b:
                differences.append(f"{key}.{part}")
    return differences


@transaction.atomic
def tally_enter(*, by: User, vote_round: VoteRound, data: Mapping) -> list[str] | None:
    """Stores one user's typing of the tally; with two from different users, compares them.

    Returns None while waiting for the second entry, the list of differing fields when the
    two disagree (nothing is accepted), or [] when they match and the round was written.
    """
    vote_round = VoteRound.objects.select_for_update().get(pk=vote_round.pk)
    _require_unlocked(vote_round.election)
    if vote_round.status != RoundStatus.OPEN:
        raise ValidationError(MSG_ROUND_ENTERED)
    _check_tally_shape(vote_round, data)
    TallyEntry.objects.update_or_create(
        round=vote_round, entered_by=by, defaults={"data": dict(data)}
    )
    entries = list(vote_round.entries.order_by("entered_at"))
    if len(entries) < 2:
        return None
    mine = next(e for e in entries if e.entered_by_id == by.pk)
    other = next((e for e in entries if e.entered_by_id != by.pk), None)
    if other is None:
        return None
    differences = tally_differences(mine.data, other.data)
    if not differences:
        _apply_tally(vote_round, mine.data)
    return differences


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_tally_shape(vote_round: VoteRound, data: Mapping) -> None:
    """An entry gives every figure and exactly the ballot's names, as whole numbers."""
    errors = {}
    for name in TALLY_FIELDS:
        if not _whole(data.get(name)):
            label = VoteRound._meta.get_field(name).verbose_name
            errors[name] = MSG_TALLY_FIGURE % {"field": label}
    votes = data.get("votes")
    keys = {line.key for line in vote_round.lines.all()}
    well_formed = isinstance(votes, Mapping) and set(votes) == keys
    if not well_formed or not all(
        isinstance(v, list | tuple) and len(v) == 3 and all(map(_whole, v)) for v in votes.values()
    ):
        errors["votes"] = MSG_TALLY_NAMES
    if errors:
        raise ValidationError(errors)


def _apply_tally(vote_round: VoteRound, data: Mapping) -> None:
    for name in TALLY_FIELDS:
        setattr(vote_round, name, data[name])
    vote_round.status = (
        RoundStatus.VOID if data["returned"] > data["issued"] else RoundStatus.ENTERED
    )
    vote_round.save()
    lines = list(vote_round.lines.all())
    for line in lines:
        line.yes, line.no, line.abstain = data["votes"][line.key]
    BallotLine.objects.bulk_update(lines, ["yes", "no", "abstain"])


@transaction.atomic
def tally_reject_entries(*, by: User, vote_round: VoteRound) -> None:
    """Discards both typings of a round still open, so that it can be entered afresh."""
    vote_round = VoteRound.objects.select_for_update().get(pk=vote_round.pk)
    _require_unlocked(vote_round.election)
    if vote_round.status != RoundStatus.OPEN:
        raise ValidationError(MSG_ROUND_NOT_OPEN)
    vote_round.entries.all().delete()


@transaction.atomic
def election_certify(
    *, by: User, election: Election, override_reason: str = "", today: date | None = None
) -> Certification:
    """The county's approval: writes the committee, sets stages, completes and locks."""
    election = Election.objects.select_for_update().get(pk=election.pk)
    _require_county(by, election)
    _require_unlocked(election)
    committee = committee_outcome(election)
    secretary = _post_outcome(election, RoundKind.SECRETARY)
    if not committee.rounds or secretary is None:
        raise ValidationError(MSG_NOT_READY)
    failed = [r for r in election_compliance(election) if not r.ok]
    if failed and not override_reason.strip():
        raise ValidationError(MSG_RULES_FAILED % {"rules": "；".join(r.message for r in failed)})
    deputies = _post_outcome(election, RoundKind.DEPUTY)
    for outcome in (committee, secretary, deputies):
        for key in outcome.elected if outcome else ():
            if not isinstance(key, int):
                raise ValidationError(MSG_WRITE_IN_ELECTED % {"name": key.removeprefix("w:")})
    posts = {pk: Post.MEMBER for pk in committee.elected}
    posts |= {pk: Post.DEPUTY for pk in (deputies.elected if deputies else ())}
    posts |= {pk: Post.SECRETARY for pk in secretary.elected[:1]}
    CommitteeMember.objects.filter(election=election).delete()
    CommitteeMember.objects.bulk_create(
        CommitteeMember(election=election, candidacy_id=pk, post=post) for pk, post in posts.items()
    )
    standing = election.candidacies.filter(
        stage__in=[Stage.OFFICIAL, Stage.ELECTED, Stage.NOT_ELECTED]
    )
    standing.filter(pk__in=posts).update(stage=Stage.ELECTED)
    standing.exclude(pk__in=posts).update(stage=Stage.NOT_ELECTED)
    action = Certification.Action.OVERRIDE if failed else Certification.Action.CERTIFY
    certification = Certification.objects.create(
        election=election,
        action=action,
        reason=override_reason.strip(),
        failed_rules=[{"code": r.code, "message": r.message} for r in failed],
        by=by,
    )
    last_round = election.rounds.order_by("-held_on").first()
    election.status, election.held_date = ElectionStatus.COMPLETED, last_round.held_on
    election.locked, election.certified_at, election.updated_by = True, timezone.now(), by
    election.save(
        update_fields=["status", "held_date", "locked", "certified_at", "updated_by", "updated_at"]
    )
    return certification


def _post_outcome(election: Election, kind: str) -> rules.Outcome | None:
    rounds = list(election.rounds.filter(kind=kind, status=RoundStatus.ENTERED))
    if not rounds:
        return None
    elected: list = []
    for vote_round in rounds:
        elected.extend(round_outcome(vote_round).elected)
    return rules.Outcome(elected=tuple(elected))


@transaction.atomic
def election_unlock(*, by: User, election: Election, reason: str) -> Certification:
    """The county's logged unlocking, the only way to change a certified result."""
    election = Election.objects.select_for_update().get(pk=election.pk)
    _require_county(by, election)
    if not election.locked:
        raise ValidationError(MSG_NOT_LOCKED)
    if not reason.strip():
        raise ValidationError({"reason": MSG_REASON_REQUIRED})
    # The record goes first: the database refuses to unlock an election without one.
    certification = Certification.objects.create(
        election=election, action=Certification.Action.UNLOCK, reason=reason.strip(), by=by
    )
    election.locked, election.updated_by = False, by
    election.save(update_fields=["locked", "updated_by", "updated_at"])
    return certification
