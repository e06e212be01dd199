"""Read-only queries behind the candidates pages: what each page shows, in a fixed number of
queries however many candidates, rounds or steps an election has."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from stdnum.cn import ric

from accounts.models import Role, User
from candidates.compliance import election_compliance, round_outcome, steps_ahead
from candidates.identity import gender_from_id, id_problems, normalize_id_number
from candidates.models import (
    BallotLine,
    Candidacy,
    ElectionStep,
    Gender,
    Objection,
    Person,
    PublicNotice,
    RoundKind,
    RoundStatus,
    Stage,
    StepDefinition,
    TallyEntry,
    VoteRound,
)
from candidates.services import TALLY_FIELDS, tally_differences
from elections.models import Election

ADVANCEABLE = (Stage.PRELIMINARY, Stage.PROSPECTIVE)


def election_queryset() -> QuerySet[Election]:
    """Elections with what their page header and the compliance rules read."""
    return Election.objects.select_related(
        "campaign", "branch__village__township__county", "updated_by"
    )


def candidacy_queryset() -> QuerySet[Candidacy]:
    return Candidacy.objects.select_related(
        "person",
        "disqualifying_situation",
        "election__campaign",
        "election__branch__village__township",
    )


def step_queryset() -> QuerySet[ElectionStep]:
    return ElectionStep.objects.select_related(
        "definition__depends_on", "election__branch__village"
    ).prefetch_related("attachments")


def round_queryset() -> QuerySet[VoteRound]:
    return VoteRound.objects.select_related(
        "election__campaign", "election__branch__village"
    ).prefetch_related(
        Prefetch("lines", queryset=BallotLine.objects.select_related("candidacy__person"))
    )


def can_certify(user: User, election: Election) -> bool:
    """Whether ``user`` is the county department of ``election`` (what certification needs)."""
    county_id = election.branch.village.township.county_id
    return user.is_superuser or (user.role == Role.COUNTY and user.county_id == county_id)


def is_approver(user: User) -> bool:
    return user.is_city or (user.role == Role.COUNTY and user.county_id is not None)


# The election page --------------------------------------------------------------------------


@dataclass
class TimelineRow:
    definition: StepDefinition
    step: ElectionStep | None
    overdue: bool


def step_timeline(election: Election, today: date) -> list[TimelineRow]:
    """Every step of the election's method, joined with the election's step rows where they
    exist: reading the page creates nothing."""
    steps = {
        step.definition_id: step
        for step in election.steps.prefetch_related("attachments").select_related("definition")
    }
    rows = []
    for definition in StepDefinition.objects.filter(method=election.method).order_by("order"):
        step = steps.get(definition.pk)
        rows.append(TimelineRow(definition, step, bool(step and step.is_overdue(today))))
    return rows


@dataclass
class RoundSummary:
    round: VoteRound
    lines: list[BallotLine]
    entries: list[TallyEntry]
    differences: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.round.status == RoundStatus.OPEN


def vote_labels() -> dict[str, str]:
    return {"yes": _("yes votes"), "no": _("no votes"), "abstain": _("abstentions")}


def difference_labels(lines: list[BallotLine], differences: list[str]) -> list[str]:
    """``["expected", "c12.yes"]`` as the paper calls them: 应到会人数, 张三 赞成票."""
    names = {line.key: line.label for line in lines}
    parts = vote_labels()
    labels = []
    for difference in differences:
        if difference in TALLY_FIELDS:
            labels.append(str(VoteRound._meta.get_field(difference).verbose_name))
            continue
        key, _dot, part = difference.rpartition(".")
        labels.append(f"{names.get(key, key)} {parts.get(part, part)}")
    return labels


def entries_differences(lines: list[BallotLine], entries: list[TallyEntry]) -> list[str]:
    """Where the two typings of a round disagree, as labels (never the figures themselves)."""
    if len(entries) < 2:
        return []
    return difference_labels(lines, tally_differences(entries[0].data, entries[1].data))


def round_summaries(election: Election) -> list[RoundSummary]:
    rounds = election.rounds.prefetch_related(
        Prefetch("lines", queryset=BallotLine.objects.select_related("candidacy__person")),
        Prefetch("entries", queryset=TallyEntry.objects.select_related("entered_by")),
    ).order_by("held_on", "kind", "number")
    summaries = []
    for vote_round in rounds:
        lines, entries = list(vote_round.lines.all()), list(vote_round.entries.all())
        if vote_round.status == RoundStatus.ENTERED:
            elected = set(round_outcome(vote_round).elected)
            for line in lines:
                line.elected = (line.candidacy_id or f"w:{line.write_in}") in elected
        differences = (
            entries_differences(lines, entries) if vote_round.status == RoundStatus.OPEN else []
        )
        summaries.append(RoundSummary(vote_round, lines, entries, differences))
    return summaries


def election_page(election: Election, *, user: User, today: date) -> dict:
    """Everything the election page shows; ``election`` comes from ``election_queryset``."""
    candidacies = list(election.candidacies.select_related("person"))
    objections = Objection.objects.select_related("candidacy__person")
    compliance = election_compliance(election)
    rounds = round_summaries(election)
    accepted = {s.round.kind for s in rounds if s.round.status == RoundStatus.ENTERED}
    ahead = steps_ahead(election, accepted)
    return {
        "election": election,
        "today": today,
        "timeline": step_timeline(election, today),
        "candidacies": candidacies,
        "stage_counts": stage_counts(candidacies),
        "notices": list(election.notices.prefetch_related(Prefetch("objections", objections))),
        "exclusions": list(election.exclusions.all()),
        "rounds": rounds,
        # What certification needs (the service says why otherwise): both kinds accepted.
        "ready_to_certify": {RoundKind.COMMITTEE, RoundKind.SECRETARY} <= accepted,
        "compliance": [(result, not result.ok and result.code in ahead) for result in compliance],
        "failed_rules": [r for r in compliance if not r.ok and r.code not in ahead],
        "rules_to_do": sum(1 for r in compliance if not r.ok and r.code in ahead),
        "members": list(election.members.select_related("candidacy__person")),
        "certifications": list(election.certifications.select_related("by")),
        "can_write": not user.is_read_only,
        "can_certify": can_certify(user, election),
    }


def stage_counts(candidacies: list[Candidacy]) -> list[tuple[str, str, int]]:
    """(stage, label, count) for the stages present, in the order of the procedure."""
    counts = Counter(c.stage for c in candidacies)
    return [(stage.value, stage.label, counts[stage]) for stage in Stage if counts[stage]]


# The candidacy page -------------------------------------------------------------------------


def candidacy_page(candidacy: Candidacy) -> dict:
    """The candidacy with its campaign's review offices, each carrying its verdict if any."""
    campaign = candidacy.election.campaign
    reviews = {
        review.office_id: review
        for review in candidacy.reviews.select_related("situation", "reviewed_by")
    }
    offices = list(campaign.review_offices.all())
    for office in offices:
        office.review = reviews.get(office.pk)
    return {
        "candidacy": candidacy,
        "election": candidacy.election,
        "person": candidacy.person,
        "offices": offices,
        "objections": list(candidacy.objections.select_related("notice")),
        "can_advance": candidacy.stage in ADVANCEABLE,
    }


# The ID-number check ------------------------------------------------------------------------


def id_number_check(raw: str, *, user: User) -> dict:
    """What an ID number tells before the form is sent: its problems, or the birth date and
    gender it carries and whether that person is already registered."""
    number = normalize_id_number(raw)
    if not number:
        return {"number": ""}
    problems = id_problems(number)
    if problems:
        return {"number": number, "problems": problems}
    existing = Person.objects.filter(id_number=number)
    return {
        "number": number,
        "birth_date": ric.get_birth_date(number),
        "gender": Gender(gender_from_id(number)).label,
        "known": existing.visible_to(user).first(),
        "known_elsewhere": existing.exists(),
    }


# The tally page -----------------------------------------------------------------------------


def tally_state(vote_round: VoteRound, user: User) -> dict:
    """Who has typed the round's tally and where the two typings disagree; never the other
    typist's figures."""
    lines = list(vote_round.lines.all())
    entries = list(vote_round.entries.select_related("entered_by").order_by("entered_at"))
    mine = next((e for e in entries if e.entered_by_id == user.pk), None)
    others = [e for e in entries if e.entered_by_id != user.pk]
    return {
        "round": vote_round,
        "election": vote_round.election,
        "lines": lines,
        "entries": entries,
        "mine": mine,
        "others": others,
        "differences": entries_differences(lines, entries),
        "is_open": vote_round.status == RoundStatus.OPEN,
    }


def own_entry(vote_round: VoteRound, user: User) -> dict | None:
    entry = vote_round.entries.filter(entered_by=user).first()
    return entry.data if entry else None


# The approval queue -------------------------------------------------------------------------


def approval_queue(user: User) -> QuerySet[Election]:
    """Unlocked elections in the user's region with at least one accepted round."""
    accepted = VoteRound.objects.filter(election=OuterRef("pk"), status=RoundStatus.ENTERED)
    return (
        election_queryset()
        .visible_to(user)
        .filter(locked=False)
        .filter(Exists(accepted))
        .annotate(
            open_rounds=Count("rounds", filter=Q(rounds__status=RoundStatus.OPEN)),
            secretary_rounds=Count(
                "rounds",
                filter=Q(rounds__kind=RoundKind.SECRETARY, rounds__status=RoundStatus.ENTERED),
            ),
        )
        .order_by("-campaign__start_date", "branch__village__code", "branch__name")
    )


@dataclass
class QueueRow:
    election: Election
    failed: int
    ready: bool


def queue_rows(elections: list[Election]) -> list[QueueRow]:
    """Each election with its count of failed rules (the compliance panel's ✗)."""
    rows = []
    for election in elections:
        # A queued election has a round accepted: the secretary's, or else the committee's.
        voted = {RoundKind.SECRETARY if election.secretary_rounds else RoundKind.COMMITTEE}
        ahead = steps_ahead(election, voted)
        results = election_compliance(election)
        failed = sum(1 for result in results if not result.ok and result.code not in ahead)
        ready = election.secretary_rounds > 0 and election.open_rounds == 0
        rows.append(QueueRow(election, failed, ready))
    return rows


def notice_queryset() -> QuerySet[PublicNotice]:
    return PublicNotice.objects.select_related("election__campaign")
