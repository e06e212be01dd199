"""The election rules, as versioned rule sets: every threshold of domain.md in one place.

Pure functions over numbers, free of the ORM, so that each rule can be tested at its exact
boundaries and with property tests. Each check yields a ``RuleResult`` with a stable code
and a Chinese message (through gettext).
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from django.utils.translation import gettext_lazy as _


class Base(StrEnum):
    """Whose count the "more than half" of an election is taken of."""

    EXPECTED = "expected"  # 应到会: party-affairs handbooks on the 2020 条例
    PRESENT = "present"  # 实到会: the 1990 暂行条例


@dataclass(frozen=True)
class RuleSet:
    version: str
    # A vote is valid only if those present exceed this share of those expected.
    quorum: Fraction = Fraction(4, 5)
    # Competitive committee elections: candidates exceed seats by at least this share.
    margin: Fraction = Fraction(1, 5)
    # Elected: yes votes above this share of the base.
    elected_share: Fraction = Fraction(1, 2)
    base: Base = Base.EXPECTED
    # Committee sizes by branch kind (支部 3-5, 总支/党委 5-7).
    seats: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: {
            "branch": (3, 5),
            "general_branch": (5, 7),
            "committee": (5, 7),
        }
    )
    # Where fewer are elected than seats, seats may be reduced instead of a further round
    # when the shortfall is at most this many (and more than half of the voters agree).
    max_seat_reduction: int = 1


RULE_SETS: dict[str, RuleSet] = {
    "2020": RuleSet(version="2020", base=Base.EXPECTED),
    "1990": RuleSet(version="1990", base=Base.PRESENT),
}


def rule_set(version: str) -> RuleSet:
    return RULE_SETS[version]


@dataclass(frozen=True)
class RuleResult:
    code: str
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok


def _result(code: str, ok: bool, message: object) -> RuleResult:
    return RuleResult(code=code, ok=ok, message=str(message))


# Each message names the rule; the numbers go in through %-formatting so tests can match.
MSG_QUORUM_OK = _("Quorum met: %(present)d present of %(expected)d expected (more than 4/5).")
MSG_QUORUM_FAIL = _(
    "Quorum not met: %(present)d present of %(expected)d expected; more than four fifths "
    "(at least %(needed)d) must be present. The vote is invalid."
)
MSG_MARGIN_OK = _(
    "Competitive margin met: %(candidates)d candidates for %(seats)d seats "
    "(at least %(needed)d needed)."
)
MSG_MARGIN_FAIL = _(
    "Not enough candidates for a competitive election: %(candidates)d for %(seats)d seats; "
    "candidates must exceed seats by at least 20%%, that is at least %(needed)d."
)
MSG_UNCONTESTED_OK = _("%(candidates)d candidates for %(seats)d seats (uncontested allowed).")
MSG_UNCONTESTED_FAIL = _(
    "%(candidates)d candidates for %(seats)d seats: there must be at least as many "
    "candidates as seats."
)
MSG_SEATS_FAIL = _("A %(kind)s committee has %(low)d to %(high)d seats, not %(seats)d.")
MSG_SEATS_OK = _("%(seats)d seats is within the allowed %(low)d to %(high)d.")
MSG_BALLOTS_VOID = _(
    "%(returned)d ballots returned but only %(issued)d issued: the vote is void and must be "
    "held again."
)
MSG_BALLOTS_OK = _("%(returned)d ballots returned of %(issued)d issued.")
MSG_BALLOTS_SUM = _(
    "Valid (%(valid)d) and invalid (%(invalid)d) ballots must add up to the %(returned)d returned."
)
MSG_PRESENT_OVER = _("%(present)d present is more than the %(expected)d expected.")
MSG_BALLOTS_OVER_PRESENT = _("%(issued)d ballots issued to only %(present)d voters present.")
MSG_VOTES_OVER = _("%(name)s: yes, no and abstain (%(total)d) exceed the %(valid)d valid ballots.")
MSG_VOTES_OK = _("Every candidate's votes fit within the valid ballots.")


def check_quorum(*, expected: int, present: int, rules: RuleSet) -> RuleResult:
    """Present must exceed four fifths of expected: 5 × present > 4 × expected."""
    ok = expected > 0 and present * rules.quorum.denominator > expected * rules.quorum.numerator
    # The smallest head count that strictly exceeds the quorum share.
    needed = expected * rules.quorum.numerator // rules.quorum.denominator + 1
    values = {"present": present, "expected": expected, "needed": needed}
    return _result("quorum", ok, (MSG_QUORUM_OK if ok else MSG_QUORUM_FAIL) % values)


def competitive_minimum(seats: int, rules: RuleSet) -> int:
    """The fewest candidates for a competitive election: (c − s) ≥ margin × s."""
    extra = -(-seats * rules.margin.numerator // rules.margin.denominator)  # ceiling
    return seats + max(extra, 1)


def check_margin(*, candidates: int, seats: int, competitive: bool, rules: RuleSet) -> RuleResult:
    """Competitive: 5 × (candidates − seats) ≥ seats, and at least one more than seats.

    Uncontested (等额, indirect election of secretary and deputies): at least as many.
    """
    values = {"candidates": candidates, "seats": seats}
    if not competitive:
        ok = candidates >= seats > 0
        return _result("margin", ok, (MSG_UNCONTESTED_OK if ok else MSG_UNCONTESTED_FAIL) % values)
    needed = competitive_minimum(seats, rules)
    ok = seats > 0 and candidates >= needed
    values["needed"] = needed
    return _result("margin", ok, (MSG_MARGIN_OK if ok else MSG_MARGIN_FAIL) % values)


def check_seats(*, seats: int, branch_kind: str, kind_label: str, rules: RuleSet) -> RuleResult:
    low, high = rules.seats[branch_kind]
    ok = low <= seats <= high
    values = {"seats": seats, "low": low, "high": high, "kind": kind_label}
    return _result("seats", ok, (MSG_SEATS_OK if ok else MSG_SEATS_FAIL) % values)


def check_ballots(
    *, expected: int, present: int, issued: int, returned: int, valid: int, invalid: int
) -> list[RuleResult]:
    """Returned more than issued voids the round; the counts must agree with each other."""
    results = []
    if present > expected:
        results.append(
            _result(
                "present_over_expected",
                False,
                MSG_PRESENT_OVER % {"present": present, "expected": expected},
            )
        )
    if issued > present:
        results.append(
            _result(
                "ballots_over_present",
                False,
                MSG_BALLOTS_OVER_PRESENT % {"issued": issued, "present": present},
            )
        )
    ok = returned <= issued
    values = {"returned": returned, "issued": issued, "valid": valid, "invalid": invalid}
    results.append(_result("ballots", ok, (MSG_BALLOTS_OK if ok else MSG_BALLOTS_VOID) % values))
    if valid + invalid != returned:
        results.append(_result("ballot_sum", False, MSG_BALLOTS_SUM % values))
    return results


def check_votes(*, votes: Mapping[str, tuple[int, int, int]], valid: int) -> RuleResult:
    """Each candidate's yes + no + abstain fits within the valid ballots."""
    for name, (yes, no, abstain) in votes.items():
        total = yes + no + abstain
        if total > valid:
            return _result(
                "votes_over_valid",
                False,
                MSG_VOTES_OVER % {"name": name, "total": total, "valid": valid},
            )
    return _result("votes_over_valid", True, MSG_VOTES_OK)


def elected_threshold_met(*, yes: int, base: int, rules: RuleSet) -> bool:
    """Yes votes above half of the base: 2 × yes > base (exactly half is not elected)."""
    share = rules.elected_share
    return yes * share.denominator > base * share.numerator


def base_count(*, expected: int, present: int, rules: RuleSet) -> int:
    return expected if rules.base == Base.EXPECTED else present


@dataclass(frozen=True)
class Outcome:
    """Who an election round elects, and what must happen next."""

    elected: tuple[Hashable, ...]
    # Tied at the last seat(s): a re-vote among exactly these for ``revote_seats`` seats.
    tied: tuple[Hashable, ...] = ()
    revote_seats: int = 0
    # Seats left empty because too few passed the threshold: a further round (or, within
    # ``max_seat_reduction`` and with the voters' consent, fewer seats).
    shortfall: int = 0
    may_reduce_seats: bool = False

    @property
    def complete(self) -> bool:
        return not self.tied and not self.shortfall


def decide(*, yes_votes: Mapping[Hashable, int], seats: int, base: int, rules: RuleSet) -> Outcome:
    """Elected: above half of the base, in order of votes, up to the seats.

    A tie straddling the last seat goes to a re-vote among the tied; too few above half
    leaves a shortfall for a further round, never filled from below half.
    """
    if seats < 1:
        return Outcome(elected=())
    passing = sorted(
        (
            key
            for key, yes in yes_votes.items()
            if elected_threshold_met(yes=yes, base=base, rules=rules)
        ),
        key=lambda key: -yes_votes[key],
    )
    if len(passing) <= seats:
        shortfall = seats - len(passing)
        return Outcome(
            elected=tuple(passing),
            shortfall=shortfall,
            may_reduce_seats=0 < shortfall <= rules.max_seat_reduction,
        )
    cut = yes_votes[passing[seats - 1]]
    above = tuple(key for key in passing if yes_votes[key] > cut)
    at_cut = tuple(key for key in passing if yes_votes[key] == cut)
    if len(above) + len(at_cut) == seats:
        return Outcome(elected=above + at_cut)
    return Outcome(elected=above, tied=at_cut, revote_seats=seats - len(above))
