"""Double entry of a round's paper tally (双人录入): two users, every figure compared.

Nothing reaches the round until two different users have typed the same figures.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from accounts.models import User
from candidates import services
from candidates.compliance import round_report
from candidates.models import (
    Candidacy,
    Education,
    Person,
    RoundKind,
    RoundStatus,
    Stage,
    TallyEntry,
    VoteRound,
)
from elections.models import Election
from tests.conftest import World
from tests.factories import TownshipUserFactory

pytestmark = pytest.mark.django_db

MAY_1 = datetime.date(2026, 5, 1)
FIGURES = {"expected": 50, "present": 45, "issued": 45, "returned": 45, "valid": 44, "invalid": 1}
YES = (40, 35, 30, 10)


# Local fixtures ---------------------------------------------------------------------------


def valid_id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def official(world: World, election: Election, n: int) -> Candidacy:
    birth = datetime.date(1975, 1, 1) + datetime.timedelta(days=n)
    person = Person.objects.create(
        name=f"候选人{n}",
        gender="M",
        birth_date=birth,
        id_number=valid_id(f"320101{birth:%Y%m%d}{n:02d}1"),
        township=world.township_a1,
    )
    return Candidacy.objects.create(
        election=election, person=person, education=Education.BACHELOR, stage=Stage.OFFICIAL
    )


@pytest.fixture
def second_typist(world: World) -> User:
    return TownshipUserFactory(username="township_a1_b", township=world.township_a1)


@pytest.fixture
def candidates(world: World) -> list[Candidacy]:
    election = world.election("a1")
    return [official(world, election, n) for n in range(4)]


@pytest.fixture
def vote_round(world: World, township_a1: User, candidates: list[Candidacy]) -> VoteRound:
    return services.round_open(
        by=township_a1,
        election=world.election("a1"),
        kind=RoundKind.COMMITTEE,
        seats=3,
        held_on=MAY_1,
        candidacies=candidates,
        write_ins=["王另选"],
    )


def tally(candidates: list[Candidacy], **changes: object) -> dict:
    """The paper tally of the round; ``changes`` overrides figures or ``votes`` entries."""
    votes = {f"c{c.pk}": [yes, 44 - yes, 0] for c, yes in zip(candidates, YES, strict=True)}
    votes["w:王另选"] = [2, 0, 0]
    votes |= changes.pop("votes", {})
    return {**FIGURES, **changes, "votes": votes}


def assert_nothing_written(vote_round: VoteRound) -> None:
    fresh = VoteRound.objects.get(pk=vote_round.pk)
    assert fresh.status == RoundStatus.OPEN
    assert [getattr(fresh, f) for f in services.TALLY_FIELDS] == [None] * 6
    assert {(line.yes, line.no, line.abstain) for line in fresh.lines.all()} == {(0, 0, 0)}


# Tests ------------------------------------------------------------------------------------


def test_it_waits_for_a_second_user_after_the_first_entry(
    vote_round: VoteRound, township_a1: User, candidates: list[Candidacy]
) -> None:
    result = services.tally_enter(by=township_a1, vote_round=vote_round, data=tally(candidates))

    assert result is None
    assert TallyEntry.objects.filter(round=vote_round).count() == 1
    assert_nothing_written(vote_round)


def test_it_does_not_pair_two_entries_by_the_same_user(
    vote_round: VoteRound, township_a1: User, candidates: list[Candidacy]
) -> None:
    # given the same official types the same tally twice
    data = tally(candidates)
    first = services.tally_enter(by=township_a1, vote_round=vote_round, data=data)

    # when
    second = services.tally_enter(by=township_a1, vote_round=vote_round, data=data)

    # then the second typing replaces the first: still one entry, nothing accepted
    assert first is None
    assert second is None
    assert TallyEntry.objects.filter(round=vote_round).count() == 1
    assert_nothing_written(vote_round)


def test_it_writes_the_round_from_a_matching_pair(
    vote_round: VoteRound, township_a1: User, second_typist: User, candidates: list[Candidacy]
) -> None:
    # given
    services.tally_enter(by=township_a1, vote_round=vote_round, data=tally(candidates))

    # when
    result = services.tally_enter(by=second_typist, vote_round=vote_round, data=tally(candidates))

    # then
    assert result == []
    fresh = VoteRound.objects.get(pk=vote_round.pk)
    assert fresh.status == RoundStatus.ENTERED
    assert {f: getattr(fresh, f) for f in services.TALLY_FIELDS} == FIGURES
    lines = {line.key: (line.yes, line.no, line.abstain) for line in fresh.lines.all()}
    assert lines == {
        **{f"c{c.pk}": (yes, 44 - yes, 0) for c, yes in zip(candidates, YES, strict=True)},
        "w:王另选": (2, 0, 0),
    }


@pytest.mark.parametrize("field", services.TALLY_FIELDS)
def test_it_catches_a_single_changed_figure(
    vote_round: VoteRound,
    township_a1: User,
    second_typist: User,
    candidates: list[Candidacy],
    field: str,
) -> None:
    # given the first typist's tally
    services.tally_enter(by=township_a1, vote_round=vote_round, data=tally(candidates))

    # when the second types one digit differently (45 -> 46, 1 -> 7, 50 -> 56)
    typo = {field: FIGURES[field] + (1 if FIGURES[field] == 45 else 6)}
    result = services.tally_enter(
        by=second_typist, vote_round=vote_round, data=tally(candidates, **typo)
    )

    # then the field is named and nothing is accepted
    assert result == [field]
    assert_nothing_written(vote_round)


@pytest.mark.parametrize("index", range(4))
@pytest.mark.parametrize("part", [0, 1, 2])
def test_it_catches_a_single_changed_vote_of_one_candidate(
    vote_round: VoteRound,
    township_a1: User,
    second_typist: User,
    candidates: list[Candidacy],
    index: int,
    part: int,
) -> None:
    key = f"c{candidates[index].pk}"
    votes = tally(candidates)["votes"][key]
    votes[part] += 1
    services.tally_enter(by=township_a1, vote_round=vote_round, data=tally(candidates))

    result = services.tally_enter(
        by=second_typist, vote_round=vote_round, data=tally(candidates, votes={key: votes})
    )

    assert result == [f"{key}.{('yes', 'no', 'abstain')[part]}"]
    assert_nothing_written(vote_round)


def test_it_catches_a_changed_write_in_vote(
    vote_round: VoteRound, township_a1: User, second_typist: User, candidates: list[Candidacy]
) -> None:
    services.tally_enter(by=township_a1, vote_round=vote_round, data=tally(candidates))

    result = services.tally_enter(
        by=second_typist,
        vote_round=vote_round,
        data=tally(candidates, votes={"w:王另选": [3, 0, 0]}),
    )

    assert result == ["w:王另选.yes"]
    assert_nothing_written(vote_round)


def test_it_lists_every_differing_field(
    vote_round: VoteRound, township_a1: User, second_typist: User, candidates: list[Candidacy]
) -> None:
    key = f"c{candidates[1].pk}"
    services.tally_enter(by=township_a1, vote_round=vote_round, data=tally(candidates))

    result = services.tally_enter(
        by=second_typist,
        vote_round=vote_round,
        data=tally(candidates, present=46, invalid=2, votes={key: [36, 8, 0]}),
    )

    assert result == ["present", "invalid", f"{key}.yes", f"{key}.no"]


def test_it_accepts_the_pair_once_the_typo_is_corrected(
    vote_round: VoteRound, township_a1: User, second_typist: User, candidates: list[Candidacy]
) -> None:
    # given a mismatch
    services.tally_enter(by=township_a1, vote_round=vote_round, data=tally(candidates))
    assert services.tally_enter(
        by=second_typist, vote_round=vote_round, data=tally(candidates, valid=45)
    ) == ["valid"]

    # when the second typist corrects their entry
    result = services.tally_enter(by=second_typist, vote_round=vote_round, data=tally(candidates))

    # then
    assert result == []
    assert VoteRound.objects.get(pk=vote_round.pk).valid == 44


def test_it_starts_afresh_after_the_entries_are_rejected(
    vote_round: VoteRound, township_a1: User, second_typist: User, candidates: list[Candidacy]
) -> None:
    services.tally_enter(by=township_a1, vote_round=vote_round, data=tally(candidates))
    services.tally_enter(by=second_typist, vote_round=vote_round, data=tally(candidates, valid=43))

    services.tally_reject_entries(by=township_a1, vote_round=vote_round)

    assert not TallyEntry.objects.filter(round=vote_round).exists()
    assert (
        services.tally_enter(by=second_typist, vote_round=vote_round, data=tally(candidates))
        is None
    )
    assert_nothing_written(vote_round)


def test_it_refuses_a_further_entry_once_the_round_is_accepted(
    world: World,
    vote_round: VoteRound,
    township_a1: User,
    second_typist: User,
    candidates: list[Candidacy],
) -> None:
    services.tally_enter(by=township_a1, vote_round=vote_round, data=tally(candidates))
    services.tally_enter(by=second_typist, vote_round=vote_round, data=tally(candidates))
    third = TownshipUserFactory(username="township_a1_c", township=world.township_a1)

    with pytest.raises(ValidationError) as error:
        services.tally_enter(by=third, vote_round=vote_round, data=tally(candidates, valid=40))

    assert error.value.messages == [str(services.MSG_ROUND_ENTERED)]
    assert VoteRound.objects.get(pk=vote_round.pk).valid == 44


def test_it_voids_a_round_with_one_ballot_more_returned_than_issued(
    vote_round: VoteRound, township_a1: User, second_typist: User, candidates: list[Candidacy]
) -> None:
    data = tally(candidates, returned=46, valid=45)
    services.tally_enter(by=township_a1, vote_round=vote_round, data=data)

    result = services.tally_enter(by=second_typist, vote_round=vote_round, data=data)

    assert result == []
    fresh = VoteRound.objects.get(pk=vote_round.pk)
    assert fresh.status == RoundStatus.VOID
    # The compliance panel says why, and asks for the round to be held again.
    results = {r.code: r.ok for r in round_report(fresh, first_of_kind=True).results}
    assert results["ballots"] is False
    assert results["round_void"] is False


def test_it_accepts_a_round_with_as_many_returned_as_issued(
    vote_round: VoteRound, township_a1: User, second_typist: User, candidates: list[Candidacy]
) -> None:
    data = tally(candidates, returned=45, issued=45)
    services.tally_enter(by=township_a1, vote_round=vote_round, data=data)
    services.tally_enter(by=second_typist, vote_round=vote_round, data=data)

    assert VoteRound.objects.get(pk=vote_round.pk).status == RoundStatus.ENTERED


def test_it_refuses_a_matching_pair_that_leaves_out_a_name_on_the_ballot(
    vote_round: VoteRound, township_a1: User, second_typist: User, candidates: list[Candidacy]
) -> None:
    # Both typists forget the written-in name: each entry is refused as it is typed, so no
    # pair can ever match on an incomplete ballot.
    data = tally(candidates)
    del data["votes"]["w:王另选"]
    for typist in (township_a1, second_typist):
        with pytest.raises(ValidationError) as refused:
            services.tally_enter(by=typist, vote_round=vote_round, data=data)
        assert "votes" in refused.value.message_dict

    assert_nothing_written(vote_round)
