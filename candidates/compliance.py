"""What the rules say of an election's recorded rounds: outcomes and the compliance panel."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from audits.selectors import audit_status_for
from candidates import rules
from candidates.models import (
    ExclusionReason,
    NoticeKind,
    Post,
    PublicNotice,
    RoundKind,
    RoundStatus,
    VoterExclusion,
    VoteRound,
)
from elections.models import Election, ElectionStatus, Mode

MSG_TIE = _(
    "Round %(number)d: a tie at the last seat among %(names)s; hold a re-vote among them for "
    "%(seats)d seat(s)."
)
MSG_SHORTFALL = _(
    "Round %(number)d: %(missing)d seat(s) not filled because too few got more than half; hold "
    "a further round for them."
)
MSG_SHORTFALL_REDUCE = _(" Or, with the consent of more than half of the voters, reduce the seats.")
MSG_ROUND_OK = _("Round %(number)d elected %(names)s.")
MSG_COMMITTEE_INCOMPLETE = _("The committee has %(elected)d of %(seats)d members elected.")
MSG_COMMITTEE_COMPLETE = _("The committee's %(seats)d members are elected.")
MSG_EXCLUSION_UNAPPROVED = _(
    "%(name)s was left out of the expected count without the township committee's approval "
    "and the members' meeting's agreement."
)
MSG_EXCLUSIONS_OK = _("Every member left out of the expected count was approved.")
MSG_EXCLUSION_NOT_FIVE_KINDS = _(
    "%(name)s was left out of the expected count for a reason other than the five kinds; "
    "they count as expected."
)
MSG_OFFICIAL_NOTICE_OK = _(
    "The official candidates were on public notice from %(start)s to %(end)s, before the vote."
)
MSG_OFFICIAL_NOTICE_MISSING = _(
    "The official candidates' list was not put on public notice before the vote."
)
MSG_OFFICIAL_NOTICE_RUNNING = _(
    "The official candidates' notice ran until %(end)s, not over before the vote on %(vote)s."
)
MSG_SECRETARY_MISSING = _("No secretary has been elected yet.")
MSG_SECRETARY_OK = _("The secretary is elected.")
MSG_SECRETARY_RECORDED = _("The secretary is recorded in the committee (no vote entered here).")
MSG_ROUND_VOID = _("Round %(number)d is void (more ballots returned than issued); hold it again.")
MSG_ROUND_PENDING = _("Round %(number)d awaits the second entry of its tally.")
MSG_AUDIT_DONE = _("The village's pre-election economic audit is done.")
MSG_AUDIT_NOT_DONE = _(
    "The village's pre-election economic audit is not done (status: %(state)s); the audit "
    "comes before the election."
)
MSG_AUDIT_MISSING = _("not entered")


@dataclass
class RoundReport:
    round: VoteRound
    outcome: rules.Outcome | None
    results: list[rules.RuleResult] = field(default_factory=list)


@dataclass
class CommitteeOutcome:
    seats: int
    rounds: list[VoteRound]
    elected: tuple = ()

    @property
    def missing(self) -> int:
        return self.seats - len(self.elected)


def _ruleset(election: Election) -> rules.RuleSet:
    return rules.rule_set(election.campaign.rule_set)


def round_outcome(vote_round: VoteRound) -> rules.Outcome:
    """Who an accepted round elects, keyed by candidacy id (or ``w:name`` for write-ins)."""
    ruleset = _ruleset(vote_round.election)
    quorum = rules.check_quorum(
        expected=vote_round.expected, present=vote_round.present, rules=ruleset
    )
    if not quorum.ok:  # a meeting without its quorum votes invalidly: nobody is elected
        return rules.Outcome(elected=())
    base = rules.base_count(expected=vote_round.expected, present=vote_round.present, rules=ruleset)
    yes_votes = {
        (line.candidacy_id or f"w:{line.write_in}"): line.yes for line in vote_round.lines.all()
    }
    return rules.decide(yes_votes=yes_votes, seats=vote_round.seats, base=base, rules=ruleset)


def committee_outcome(election: Election) -> CommitteeOutcome:
    rounds = list(
        election.rounds.filter(kind=RoundKind.COMMITTEE, status=RoundStatus.ENTERED)
        .prefetch_related("lines")
        .order_by("number")
    )
    elected: dict = {}  # ordered and without repeats, whatever a later round's ballot held
    for vote_round in rounds:
        elected.update(dict.fromkeys(round_outcome(vote_round).elected))
    return CommitteeOutcome(seats=election.branch.seats, rounds=rounds, elected=tuple(elected))


def _names(vote_round: VoteRound, keys: tuple) -> str:
    labels = {
        (line.candidacy_id or f"w:{line.write_in}"): line.label for line in vote_round.lines.all()
    }
    return "、".join(labels.get(key, str(key)) for key in keys) or "—"


def round_report(vote_round: VoteRound, *, first_of_kind: bool) -> RoundReport:
    """Every rule's result for one round."""
    ruleset = _ruleset(vote_round.election)
    number = {"number": vote_round.number}
    if vote_round.status == RoundStatus.OPEN:
        return RoundReport(
            vote_round,
            None,
            [rules.RuleResult("tally_pending", False, str(MSG_ROUND_PENDING % number))],
        )
    r = vote_round
    results = [rules.check_quorum(expected=r.expected, present=r.present, rules=ruleset)]
    results += rules.check_ballots(
        expected=r.expected,
        present=r.present,
        issued=r.issued,
        returned=r.returned,
        valid=r.valid,
        invalid=r.invalid,
    )
    if r.status == RoundStatus.VOID:
        results.append(rules.RuleResult("round_void", False, str(MSG_ROUND_VOID % number)))
        return RoundReport(r, None, results)
    lines = list(r.lines.all())
    results.append(
        rules.check_votes(
            votes={line.label: (line.yes, line.no, line.abstain) for line in lines}, valid=r.valid
        )
    )
    if first_of_kind:
        competitive = r.kind == RoundKind.COMMITTEE or r.election.mode == Mode.DIRECT
        candidates = sum(1 for line in lines if line.candidacy_id)
        results.append(
            rules.check_margin(
                candidates=candidates, seats=r.seats, competitive=competitive, rules=ruleset
            )
        )
    outcome = round_outcome(r)
    if not results[0].ok:  # no quorum: the vote is invalid, it elects nobody (round_outcome)
        return RoundReport(r, outcome, results)
    if outcome.tied:
        message = MSG_TIE % {
            **number,
            "names": _names(r, outcome.tied),
            "seats": outcome.revote_seats,
        }
        results.append(rules.RuleResult("tie", False, str(message)))
    if outcome.shortfall:
        message = str(MSG_SHORTFALL % {**number, "missing": outcome.shortfall})
        if outcome.may_reduce_seats:
            message += str(MSG_SHORTFALL_REDUCE)
        results.append(rules.RuleResult("shortfall", False, message))
    if outcome.complete:
        message = MSG_ROUND_OK % {**number, "names": _names(r, outcome.elected)}
        results.append(rules.RuleResult("elected", True, str(message)))
    return RoundReport(r, outcome, results)


# Failures of a round that a later round of the same kind settles (a re-vote among the tied,
# a further round for missing seats, a void round held again).
SETTLED_BY_LATER_ROUND = {"tie", "shortfall", "round_void", "quorum", "ballots", "ballot_sum"}
MSG_SETTLED = _(" (settled by a later round)")


def _labelled(report: RoundReport) -> RoundReport:
    """Names the round's kind in each message: a committee round 1 and a secretary round 1
    stand side by side on the compliance panel."""
    label = report.round.get_kind_display()
    report.results = [
        rules.RuleResult(r.code, r.ok, f"{label} · {r.message}") for r in report.results
    ]
    return report


def election_round_reports(election: Election) -> list[RoundReport]:
    rounds = list(
        election.rounds.prefetch_related("lines__candidacy__person").order_by(
            "held_on", "kind", "number"
        )
    )
    reports, seen = [], set()
    for vote_round in rounds:
        report = round_report(vote_round, first_of_kind=vote_round.kind not in seen)
        reports.append(_labelled(report))
        seen.add(vote_round.kind)
    for report in reports:
        later = any(r.kind == report.round.kind and r.number > report.round.number for r in rounds)
        if later:
            report.results = [
                rules.RuleResult(r.code, True, r.message + str(MSG_SETTLED))
                if not r.ok and r.code in SETTLED_BY_LATER_ROUND
                else r
                for r in report.results
            ]
    return reports


def election_compliance(election: Election) -> list[rules.RuleResult]:
    """The compliance panel: every rule's result over the election's whole record."""
    ruleset = _ruleset(election)
    branch = election.branch
    results = [
        rules.check_seats(
            seats=branch.seats,
            branch_kind=branch.kind,
            kind_label=branch.get_kind_display(),
            rules=ruleset,
        )
    ]
    exclusions = list(VoterExclusion.objects.filter(election=election))
    for exclusion in exclusions:
        if exclusion.reason == ExclusionReason.OTHER:  # recorded before only five were offered
            message = MSG_EXCLUSION_NOT_FIVE_KINDS % {"name": exclusion.name}
            results.append(rules.RuleResult("exclusion_reason", False, str(message)))
    unapproved = [e for e in exclusions if not e.approved]
    for exclusion in unapproved:
        results.append(
            rules.RuleResult(
                "exclusion_unapproved",
                False,
                str(MSG_EXCLUSION_UNAPPROVED % {"name": exclusion.name}),
            )
        )
    if not unapproved:
        results.append(rules.RuleResult("exclusion_unapproved", True, str(MSG_EXCLUSIONS_OK)))
    for report in election_round_reports(election):
        results.extend(report.results)
    committee = committee_outcome(election)
    results += _official_notice(election, committee.rounds)
    if committee.rounds:
        values = {"elected": len(committee.elected), "seats": committee.seats}
        if committee.missing:
            results.append(
                rules.RuleResult(
                    "committee_incomplete", False, str(MSG_COMMITTEE_INCOMPLETE % values)
                )
            )
        else:
            results.append(
                rules.RuleResult("committee_incomplete", True, str(MSG_COMMITTEE_COMPLETE % values))
            )
    secretary_rounds = election.rounds.filter(
        kind=RoundKind.SECRETARY, status=RoundStatus.ENTERED
    ).prefetch_related("lines")
    secretary_elected = any(round_outcome(r).elected for r in secretary_rounds)
    message = MSG_SECRETARY_OK if secretary_elected else MSG_SECRETARY_MISSING
    if not secretary_elected and not secretary_rounds:
        # A committee loaded from a roster (选举结果 当选, issue 4) has no rounds entered here:
        # its secretary is recorded in the committee itself.
        secretary_elected = election.members.filter(post=Post.SECRETARY).exists()
        message = MSG_SECRETARY_RECORDED if secretary_elected else message
    results.append(rules.RuleResult("secretary", secretary_elected, str(message)))
    # 先审计后选举: the village's audit in this campaign is done before the result is certified.
    audit = audit_status_for(election)
    audit_done = audit == "done"
    state = audit.label if audit else MSG_AUDIT_MISSING
    audit_message = MSG_AUDIT_DONE if audit_done else MSG_AUDIT_NOT_DONE % {"state": state}
    results.append(rules.RuleResult("audit_done", audit_done, str(audit_message)))
    return results


def _official_notice(election: Election, rounds: list[VoteRound]) -> list[rules.RuleResult]:
    """The official candidates' list was on public notice, and the notice over, before the
    committee's first vote (domain.md), of its accepted ``rounds``. Only once that vote is
    entered here: a committee loaded from a roster has no vote to compare with."""
    if not rounds:
        return []
    first = min(rounds, key=lambda r: r.held_on)
    notice = PublicNotice.objects.filter(election=election, kind=NoticeKind.OFFICIAL).first()
    if notice is None:
        return [rules.RuleResult("official_notice", False, str(MSG_OFFICIAL_NOTICE_MISSING))]
    values = {
        "start": notice.start_date.isoformat(),
        "end": notice.end_date.isoformat(),
        "vote": first.held_on.isoformat(),
    }
    if not notice.is_over(first.held_on):
        message = MSG_OFFICIAL_NOTICE_RUNNING % values
        return [rules.RuleResult("official_notice", False, str(message))]
    return [rules.RuleResult("official_notice", True, str(MSG_OFFICIAL_NOTICE_OK % values))]


def steps_ahead(election: Election, voted: set[str]) -> set[str]:
    """The rules that, not met, only speak of a step still ahead of an election in progress
    (``voted``: the kinds of round entered so far): no secretary before the secretary's
    vote, an audit not done before any vote. None once the election was held: a committee
    loaded from a roster has no rounds here, and its breaches are breaches. The panel shows
    these as to do; certification, which comes after both votes, counts every rule."""
    if election.status == ElectionStatus.COMPLETED or election.held_date:
        return set()
    ahead = set()
    if RoundKind.SECRETARY not in voted:
        ahead.add("secretary")
    if not voted:
        ahead.add("audit_done")
    return ahead
