"""The rule engine at its exact boundaries (domain.md, "Rules of an election").

Pure functions over numbers: no database. Messages are compared with the module constants
formatted with the figures, so a test fails when a figure in the message is wrong.
"""

import pytest

from candidates import rules
from candidates.rules import Outcome

R2020 = rules.rule_set("2020")
R1990 = rules.rule_set("1990")


# --- quorum: 5 × present > 4 × expected ---------------------------------------------------


def test_it_refuses_a_quorum_of_exactly_four_fifths() -> None:
    result = rules.check_quorum(expected=50, present=40, rules=R2020)

    assert not result.ok
    assert result.code == "quorum"
    # The message tells the official how many must be present: more than 40, so 41.
    assert result.message == str(
        rules.MSG_QUORUM_FAIL % {"present": 40, "expected": 50, "needed": 41}
    )
    assert "41" in result.message


def test_it_accepts_a_quorum_of_one_more_than_four_fifths() -> None:
    result = rules.check_quorum(expected=50, present=41, rules=R2020)

    assert result.ok
    assert bool(result) is True
    assert result.message == str(
        rules.MSG_QUORUM_OK % {"present": 41, "expected": 50, "needed": 41}
    )


@pytest.mark.parametrize(
    ("expected", "present", "ok", "needed"),
    [
        (5, 4, False, 5),  # 4/5 exactly
        (5, 5, True, 5),
        (10, 8, False, 9),
        (10, 9, True, 9),
        (7, 5, False, 6),  # 4 × 7 / 5 = 5.6: 6 needed
        (7, 6, True, 6),
        (1, 1, True, 1),
        (1, 0, False, 1),
        (51, 40, False, 41),  # 40.8: 41 needed
        (51, 41, True, 41),
    ],
)
def test_it_checks_the_quorum_at_its_boundaries(
    expected: int, present: int, ok: bool, needed: int
) -> None:
    result = rules.check_quorum(expected=expected, present=present, rules=R2020)

    assert result.ok is ok
    assert f"{needed}" in result.message


def test_it_refuses_a_quorum_when_nobody_is_expected() -> None:
    # Nobody expected is a data error, never a valid vote.
    assert not rules.check_quorum(expected=0, present=0, rules=R2020)
    assert not rules.check_quorum(expected=0, present=3, rules=R2020)


def test_it_uses_the_same_quorum_in_both_rule_sets() -> None:
    assert not rules.check_quorum(expected=50, present=40, rules=R1990)
    assert rules.check_quorum(expected=50, present=41, rules=R1990)


# --- competitive margin: 5 × (candidates − seats) ≥ seats ----------------------------------


@pytest.mark.parametrize(
    ("seats", "minimum"), [(1, 2), (3, 4), (4, 5), (5, 6), (6, 8), (7, 9), (10, 12)]
)
def test_it_computes_the_competitive_minimum(seats: int, minimum: int) -> None:
    assert rules.competitive_minimum(seats, R2020) == minimum


@pytest.mark.parametrize(
    ("candidates", "seats", "ok"),
    [
        (6, 5, True),  # exactly 20% more
        (5, 5, False),
        (4, 3, True),
        (3, 3, False),
        (9, 7, True),
        (8, 7, False),  # 1/7 ≈ 14% more: not enough
        (10, 7, True),
    ],
)
def test_it_checks_the_competitive_margin_at_its_boundaries(
    candidates: int, seats: int, ok: bool
) -> None:
    result = rules.check_margin(candidates=candidates, seats=seats, competitive=True, rules=R2020)

    assert result.ok is ok
    assert result.code == "margin"


def test_it_names_the_candidates_needed_when_the_margin_fails() -> None:
    result = rules.check_margin(candidates=8, seats=7, competitive=True, rules=R2020)

    assert result.message == str(rules.MSG_MARGIN_FAIL % {"candidates": 8, "seats": 7, "needed": 9})


def test_it_allows_an_uncontested_secretary_round() -> None:
    # Indirect election: the committee elects the secretary 等额, one candidate for one seat.
    result = rules.check_margin(candidates=1, seats=1, competitive=False, rules=R2020)

    assert result.ok
    assert result.message == str(rules.MSG_UNCONTESTED_OK % {"candidates": 1, "seats": 1})


def test_it_refuses_an_uncontested_round_with_fewer_candidates_than_seats() -> None:
    assert not rules.check_margin(candidates=1, seats=2, competitive=False, rules=R2020)
    assert not rules.check_margin(candidates=0, seats=0, competitive=False, rules=R2020)


def test_it_refuses_a_competitive_round_with_no_seats() -> None:
    assert not rules.check_margin(candidates=3, seats=0, competitive=True, rules=R2020)


# --- committee seats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "seats", "ok"),
    [
        ("branch", 2, False),
        ("branch", 3, True),
        ("branch", 5, True),
        ("branch", 6, False),
        ("general_branch", 4, False),
        ("general_branch", 5, True),
        ("general_branch", 7, True),
        ("committee", 8, False),
    ],
)
def test_it_checks_the_committee_size_by_branch_kind(kind: str, seats: int, ok: bool) -> None:
    result = rules.check_seats(seats=seats, branch_kind=kind, kind_label=kind, rules=R2020)

    assert result.ok is ok


# --- ballots --------------------------------------------------------------------------------


def ballot_codes(**figures: int) -> dict[str, bool]:
    return {r.code: r.ok for r in rules.check_ballots(**figures)}


def test_it_voids_a_round_with_one_ballot_more_returned_than_issued() -> None:
    results = rules.check_ballots(
        expected=50, present=45, issued=45, returned=46, valid=44, invalid=2
    )

    ballots = next(r for r in results if r.code == "ballots")
    assert not ballots.ok
    assert ballots.message == str(
        rules.MSG_BALLOTS_VOID % {"returned": 46, "issued": 45, "valid": 44, "invalid": 2}
    )


def test_it_accepts_as_many_ballots_returned_as_issued() -> None:
    codes = ballot_codes(expected=50, present=45, issued=45, returned=45, valid=44, invalid=1)

    assert codes == {"ballots": True}


def test_it_accepts_fewer_ballots_returned_than_issued() -> None:
    codes = ballot_codes(expected=50, present=45, issued=45, returned=44, valid=44, invalid=0)

    assert codes == {"ballots": True}


@pytest.mark.parametrize(("valid", "invalid"), [(43, 1), (45, 1), (46, 0)])
def test_it_requires_valid_and_invalid_to_add_up_to_returned(valid: int, invalid: int) -> None:
    codes = ballot_codes(
        expected=50, present=45, issued=45, returned=45, valid=valid, invalid=invalid
    )

    assert codes["ballot_sum"] is False


def test_it_refuses_more_present_than_expected_and_more_issued_than_present() -> None:
    codes = ballot_codes(expected=40, present=41, issued=42, returned=42, valid=42, invalid=0)

    assert codes["present_over_expected"] is False
    assert codes["ballots_over_present"] is False


# --- votes within the valid ballots -----------------------------------------------------------


def test_it_accepts_votes_that_fill_the_valid_ballots_exactly() -> None:
    result = rules.check_votes(votes={"张三": (30, 10, 4), "李四": (20, 20, 4)}, valid=44)

    assert result.ok


def test_it_names_the_candidate_whose_votes_exceed_the_valid_ballots() -> None:
    result = rules.check_votes(votes={"张三": (30, 10, 4), "李四": (30, 10, 5)}, valid=44)

    assert not result.ok
    assert result.message == str(rules.MSG_VOTES_OVER % {"name": "李四", "total": 45, "valid": 44})


# --- elected: 2 × yes > base ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "base", "elected"),
    [(25, 50, False), (26, 50, True), (24, 49, False), (25, 49, True), (0, 0, False)],
)
def test_it_elects_only_above_half_of_the_base(yes: int, base: int, elected: bool) -> None:
    assert rules.elected_threshold_met(yes=yes, base=base, rules=R2020) is elected


def test_it_takes_the_base_from_the_rule_set() -> None:
    assert rules.base_count(expected=50, present=42, rules=R2020) == 50
    assert rules.base_count(expected=50, present=42, rules=R1990) == 42


def test_it_decides_the_same_votes_differently_under_the_two_rule_sets() -> None:
    # given 50 expected, 42 present: 24 yes is under half of 50 but over half of 42
    votes = {"张三": 24}

    # when
    under_2020 = rules.decide(
        yes_votes=votes,
        seats=1,
        base=rules.base_count(expected=50, present=42, rules=R2020),
        rules=R2020,
    )
    under_1990 = rules.decide(
        yes_votes=votes,
        seats=1,
        base=rules.base_count(expected=50, present=42, rules=R1990),
        rules=R1990,
    )

    # then
    assert under_2020.elected == ()
    assert under_2020.shortfall == 1
    assert under_1990.elected == ("张三",)
    assert under_1990.complete


# --- decide: ties, shortfalls ---------------------------------------------------------------


def test_it_elects_in_order_of_votes_up_to_the_seats() -> None:
    outcome = rules.decide(
        yes_votes={"a": 30, "b": 40, "c": 35, "d": 28}, seats=3, base=50, rules=R2020
    )

    assert outcome == Outcome(elected=("b", "c", "a"))
    assert outcome.complete


def test_it_does_not_elect_exactly_half_of_the_base() -> None:
    outcome = rules.decide(yes_votes={"a": 26, "b": 25}, seats=2, base=50, rules=R2020)

    assert outcome.elected == ("a",)
    assert outcome.shortfall == 1


def test_it_calls_a_revote_among_those_tied_at_the_last_seat() -> None:
    # a is above the cut; b, c and d share the last two seats' votes.
    outcome = rules.decide(
        yes_votes={"a": 40, "b": 30, "c": 30, "d": 30, "e": 20}, seats=3, base=50, rules=R2020
    )

    assert outcome.elected == ("a",)
    assert set(outcome.tied) == {"b", "c", "d"}
    assert outcome.revote_seats == 2
    assert not outcome.complete


def test_it_calls_a_revote_for_one_seat_among_two_tied() -> None:
    outcome = rules.decide(
        yes_votes={"a": 40, "b": 35, "c": 30, "d": 30}, seats=3, base=50, rules=R2020
    )

    assert outcome.elected == ("a", "b")
    assert set(outcome.tied) == {"c", "d"}
    assert outcome.revote_seats == 1


def test_it_accepts_a_tie_above_the_cut() -> None:
    outcome = rules.decide(
        yes_votes={"a": 40, "b": 40, "c": 30, "d": 28}, seats=3, base=50, rules=R2020
    )

    assert set(outcome.elected) == {"a", "b", "c"}
    assert outcome.complete


def test_it_accepts_a_tie_that_exactly_fills_the_seats() -> None:
    outcome = rules.decide(
        yes_votes={"a": 40, "b": 30, "c": 30, "d": 10}, seats=3, base=50, rules=R2020
    )

    assert set(outcome.elected) == {"a", "b", "c"}
    assert outcome.complete


def test_it_ignores_a_tie_among_those_below_half() -> None:
    # c and d tie, but at half of the base: neither passes, so there is no re-vote, a shortfall.
    outcome = rules.decide(
        yes_votes={"a": 40, "b": 30, "c": 25, "d": 25}, seats=3, base=50, rules=R2020
    )

    assert outcome.elected == ("a", "b")
    assert outcome.tied == ()
    assert outcome.shortfall == 1


def test_it_leaves_a_shortfall_within_the_reduction_limit() -> None:
    outcome = rules.decide(
        yes_votes={"a": 40, "b": 30, "c": 20, "d": 10}, seats=3, base=50, rules=R2020
    )

    assert outcome == Outcome(elected=("a", "b"), shortfall=1, may_reduce_seats=True)
    assert not outcome.complete


def test_it_requires_a_further_round_when_the_shortfall_exceeds_the_reduction_limit() -> None:
    outcome = rules.decide(
        yes_votes={"a": 40, "b": 20, "c": 20, "d": 10}, seats=3, base=50, rules=R2020
    )

    assert outcome == Outcome(elected=("a",), shortfall=2, may_reduce_seats=False)


def test_it_elects_nobody_when_nobody_passes() -> None:
    outcome = rules.decide(yes_votes={"a": 25, "b": 0}, seats=1, base=50, rules=R2020)

    assert outcome == Outcome(elected=(), shortfall=1, may_reduce_seats=True)


def test_it_elects_nobody_for_a_round_with_no_seats() -> None:
    # A further round opened for 0 seats must not elect anyone. (Known bug: passing[seats - 1]
    # is passing[-1] when seats == 0, so the lowest passing vote becomes the cut.)
    outcome = rules.decide(yes_votes={"a": 40, "b": 30}, seats=0, base=50, rules=R2020)

    assert outcome.elected == ()
    assert outcome.tied == ()
    assert outcome.revote_seats == 0
