"""Property tests of the rule engine: what must hold for every count, not only the examples."""

import random

from hypothesis import assume, given
from hypothesis import strategies as st

from candidates import rules

RULE_SETS = st.sampled_from(list(rules.RULE_SETS.values()))
NAMES = st.text(alphabet="张王李赵刘陈杨黄", min_size=1, max_size=3)


@st.composite
def ballots(draw: st.DrawFn) -> tuple[dict[str, int], int, int]:
    """Yes votes by candidate, the seats and the base of one round."""
    base = draw(st.integers(min_value=1, max_value=120))
    # Few distinct vote values, so that ties (at and above the cut) are common.
    votes = draw(
        st.dictionaries(NAMES, st.integers(min_value=0, max_value=base), min_size=0, max_size=12)
    )
    seats = draw(st.integers(min_value=1, max_value=9))
    return votes, seats, base


def passing_of(votes: dict[str, int], base: int, ruleset: rules.RuleSet) -> set[str]:
    return {
        k for k, v in votes.items() if rules.elected_threshold_met(yes=v, base=base, rules=ruleset)
    }


@given(ballots(), RULE_SETS)
def test_it_never_elects_more_than_the_seats(round_: tuple, ruleset: rules.RuleSet) -> None:
    votes, seats, base = round_

    outcome = rules.decide(yes_votes=votes, seats=seats, base=base, rules=ruleset)

    assert len(outcome.elected) <= seats
    assert len(set(outcome.elected)) == len(outcome.elected)
    assert len(outcome.elected) + outcome.revote_seats + outcome.shortfall == seats


@given(ballots(), RULE_SETS)
def test_it_elects_only_those_above_half_of_the_base(round_: tuple, ruleset: rules.RuleSet) -> None:
    votes, seats, base = round_

    outcome = rules.decide(yes_votes=votes, seats=seats, base=base, rules=ruleset)

    for key in outcome.elected + outcome.tied:
        assert 2 * votes[key] > base


@given(ballots(), RULE_SETS)
def test_it_leaves_out_someone_passing_only_when_the_seats_are_full_or_they_are_tied(
    round_: tuple, ruleset: rules.RuleSet
) -> None:
    votes, seats, base = round_

    outcome = rules.decide(yes_votes=votes, seats=seats, base=base, rules=ruleset)

    left_out = passing_of(votes, base, ruleset) - set(outcome.elected)
    for key in left_out:
        seats_full = len(outcome.elected) == seats
        tied_at_cut = key in outcome.tied
        # Below a tie at the cut, the re-vote's seats are what fill the committee.
        below_the_tie = bool(outcome.tied) and votes[key] < votes[outcome.tied[0]]
        assert seats_full or tied_at_cut or below_the_tie
    # Empty seats only when nobody passing is left out.
    if outcome.shortfall:
        assert not left_out
        assert outcome.shortfall == seats - len(passing_of(votes, base, ruleset))


@given(ballots(), RULE_SETS, st.randoms(use_true_random=False))
def test_it_decides_the_same_whatever_the_order_of_the_ballot(
    round_: tuple, ruleset: rules.RuleSet, rnd: random.Random
) -> None:
    votes, seats, base = round_
    items = list(votes.items())
    rnd.shuffle(items)

    one = rules.decide(yes_votes=votes, seats=seats, base=base, rules=ruleset)
    other = rules.decide(yes_votes=dict(items), seats=seats, base=base, rules=ruleset)

    assert set(one.elected) == set(other.elected)
    assert set(one.tied) == set(other.tied)
    assert (one.revote_seats, one.shortfall, one.may_reduce_seats) == (
        other.revote_seats,
        other.shortfall,
        other.may_reduce_seats,
    )


@given(ballots(), RULE_SETS)
def test_it_covers_the_top_passing_candidates_with_the_elected_and_the_tied(
    round_: tuple, ruleset: rules.RuleSet
) -> None:
    votes, seats, base = round_

    outcome = rules.decide(yes_votes=votes, seats=seats, base=base, rules=ruleset)

    ranked = sorted(passing_of(votes, base, ruleset), key=lambda k: -votes[k])
    covered = set(outcome.elected) | set(outcome.tied)
    # Whoever has at least the votes of the last seat's holder is elected or in the re-vote.
    if ranked:
        cut = votes[ranked[min(seats, len(ranked)) - 1]]
        assert {k for k in ranked if votes[k] >= cut} <= covered
    # The elected rank above every tied candidate, and the tied all share one count.
    if outcome.tied:
        assert len({votes[k] for k in outcome.tied}) == 1
        assert all(votes[k] > votes[outcome.tied[0]] for k in outcome.elected)
        assert 0 < outcome.revote_seats < len(outcome.tied)
    # The elected are listed in order of votes.
    elected_votes = [votes[k] for k in outcome.elected]
    assert elected_votes == sorted(elected_votes, reverse=True)


@given(ballots(), RULE_SETS)
def test_it_offers_to_reduce_seats_only_within_the_limit(
    round_: tuple, ruleset: rules.RuleSet
) -> None:
    votes, seats, base = round_

    outcome = rules.decide(yes_votes=votes, seats=seats, base=base, rules=ruleset)

    assert outcome.may_reduce_seats == (0 < outcome.shortfall <= ruleset.max_seat_reduction)
    assert outcome.complete == (not outcome.tied and not outcome.shortfall)


@given(
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=0, max_value=10**6),
    RULE_SETS,
)
def test_it_checks_the_quorum_as_five_present_over_four_expected(
    expected: int, present: int, ruleset: rules.RuleSet
) -> None:
    result = rules.check_quorum(expected=expected, present=present, rules=ruleset)

    assert result.ok == (5 * present > 4 * expected)


@given(
    st.integers(min_value=-(10**6), max_value=0), st.integers(min_value=-(10**6), max_value=10**6)
)
def test_it_never_meets_the_quorum_without_anyone_expected(expected: int, present: int) -> None:
    assert not rules.check_quorum(expected=expected, present=present, rules=rules.rule_set("2020"))


@given(st.integers(min_value=1, max_value=10**6))
def test_it_names_the_least_head_count_that_meets_the_quorum(expected: int) -> None:
    ruleset = rules.rule_set("2020")
    needed = expected * 4 // 5 + 1

    assert rules.check_quorum(expected=expected, present=needed, rules=ruleset)
    assert not rules.check_quorum(expected=expected, present=needed - 1, rules=ruleset)
    assert (
        f"{needed}"
        in rules.check_quorum(expected=expected, present=needed - 1, rules=ruleset).message
    )


@given(st.integers(min_value=0, max_value=10**4))
def test_it_computes_the_competitive_minimum_as_the_least_count_with_a_fifth_more(
    seats: int,
) -> None:
    minimum = rules.competitive_minimum(seats, rules.rule_set("2020"))

    def enough(c: int) -> bool:
        return 5 * (c - seats) >= seats and c > seats

    assert enough(minimum)
    assert not enough(minimum - 1)


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=0, max_value=600))
def test_it_applies_the_competitive_margin_from_the_minimum(seats: int, candidates: int) -> None:
    ruleset = rules.rule_set("2020")

    result = rules.check_margin(candidates=candidates, seats=seats, competitive=True, rules=ruleset)

    assert result.ok == (5 * (candidates - seats) >= seats and candidates > seats)


@given(st.integers(min_value=0, max_value=10**4), st.integers(min_value=0, max_value=10**4))
def test_it_elects_above_half_exactly(yes: int, base: int) -> None:
    for ruleset in rules.RULE_SETS.values():
        assert rules.elected_threshold_met(yes=yes, base=base, rules=ruleset) == (2 * yes > base)


@given(
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=0, max_value=500),
)
def test_it_voids_exactly_when_more_are_returned_than_issued(
    issued: int, returned: int, invalid: int
) -> None:
    assume(invalid <= returned)

    results = rules.check_ballots(
        expected=issued,
        present=issued,
        issued=issued,
        returned=returned,
        valid=returned - invalid,
        invalid=invalid,
    )

    codes = {r.code: r.ok for r in results}
    assert codes == {"ballots": returned <= issued}
