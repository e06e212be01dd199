"""Certification writes the committee and locks the result; only the county's unlock opens it.

The lock is enforced twice: the services refuse with a ValidationError, and database triggers
(migration 0002) refuse every other path with an IntegrityError, save(), QuerySet.update(),
.delete() and raw SQL alike. Each expected IntegrityError is wrapped in its own atomic block
so that the test's transaction stays usable on PostgreSQL.
"""

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from stdnum.cn import ric

from accounts.models import User
from audits.models import Audit, AuditStatus
from candidates import services
from candidates.compliance import election_compliance
from candidates.models import (
    BallotLine,
    Candidacy,
    Certification,
    CommitteeMember,
    Education,
    EligibilityReview,
    ExclusionReason,
    NoticeKind,
    Person,
    Post,
    ReviewOffice,
    RoundKind,
    RoundStatus,
    Stage,
    TallyEntry,
    VoterExclusion,
    VoteRound,
)
from elections.models import Election, ElectionStatus
from tests.conftest import World
from tests.factories import CountyUserFactory, TownshipUserFactory

pytestmark = pytest.mark.django_db

MAY_1 = datetime.date(2026, 5, 1)
MAY_2 = datetime.date(2026, 5, 2)
UNLOCK_REASON = "结果公示期间收到实名举报，需复核计票"


# Local fixtures ---------------------------------------------------------------------------


def valid_id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def make_person(world: World, n: int) -> Person:
    birth = datetime.date(1978, 6, 1) + datetime.timedelta(days=n)
    return Person.objects.create(
        name=f"候选人{n}",
        gender="M",
        birth_date=birth,
        id_number=valid_id(f"320101{birth:%Y%m%d}{n:02d}1"),
        township=world.township_a1,
    )


@pytest.fixture
def election(world: World) -> Election:
    return world.election("a1")


@pytest.fixture
def second_typist(world: World) -> User:
    return TownshipUserFactory(username="township_a1_b", township=world.township_a1)


@pytest.fixture
def candidates(world: World, election: Election) -> list[Candidacy]:
    """Four official candidates, created directly: these tests start at the vote."""
    return [
        Candidacy.objects.create(
            election=election,
            person=make_person(world, n),
            education=Education.BACHELOR,
            stage=Stage.OFFICIAL,
        )
        for n in range(4)
    ]


def hold_round(
    election: Election,
    users: tuple[User, User],
    kind: str,
    seats: int,
    held_on: datetime.date,
    yes: dict[Candidacy, int],
) -> VoteRound:
    vote_round = services.round_open(
        by=users[0],
        election=Election.objects.get(pk=election.pk),
        kind=kind,
        seats=seats,
        held_on=held_on,
        candidacies=list(yes),
    )
    data = {
        "expected": 50,
        "present": 45,
        "issued": 45,
        "returned": 45,
        "valid": 45,
        "invalid": 0,
        "votes": {f"c{c.pk}": [v, 45 - v, 0] for c, v in yes.items()},
    }
    services.tally_enter(by=users[0], vote_round=vote_round, data=data)
    assert services.tally_enter(by=users[1], vote_round=vote_round, data=data) == []
    return VoteRound.objects.get(pk=vote_round.pk)


@pytest.fixture
def voted(
    election: Election, township_a1: User, second_typist: User, candidates: list[Candidacy]
) -> Election:
    """A, B and C elected to the committee (D not); A secretary, B deputy, a day later.

    With one passed review and one approved voter exclusion, so that those tables are
    there to be guarded too.
    """
    a, b, c, d = candidates
    typists = (township_a1, second_typist)
    office = ReviewOffice.objects.create(campaign=election.campaign, name="公安")
    EligibilityReview.objects.create(
        candidacy=a, office=office, passed=True, reviewed_by=township_a1
    )
    VoterExclusion.objects.create(
        election=election,
        name="外出务工党员",
        reason=ExclusionReason.ABROAD,
        township_approved=True,
        meeting_agreed=True,
    )
    services.notice_post(
        by=township_a1, election=election, kind=NoticeKind.OFFICIAL,
        start_date=MAY_1 - datetime.timedelta(days=8), end_date=MAY_1 - datetime.timedelta(days=1),
    )  # fmt: skip
    hold_round(election, typists, RoundKind.COMMITTEE, 3, MAY_1, {a: 40, b: 35, c: 30, d: 10})
    hold_round(election, typists, RoundKind.SECRETARY, 1, MAY_2, {a: 30, b: 15})
    hold_round(election, typists, RoundKind.DEPUTY, 1, MAY_2, {b: 30, c: 15})
    # 先审计后选举: the village's audit is done, so that only the rules under test can fail.
    Audit.objects.create(
        campaign=election.campaign,
        village=election.branch.village,
        status=AuditStatus.DONE,
        completed_on=datetime.date(2026, 4, 30),
    )
    return Election.objects.get(pk=election.pk)


@pytest.fixture
def certified(voted: Election, county_a: User) -> Election:
    services.election_certify(by=county_a, election=voted)
    return Election.objects.get(pk=voted.pk)


def refused(action: Callable[[], object]) -> None:
    """The database refuses the write; the savepoint keeps the test's transaction usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


# Certification ----------------------------------------------------------------------------


def test_it_is_ready_to_certify_with_every_rule_met(voted: Election) -> None:
    failed = [r for r in election_compliance(voted) if not r.ok]

    assert failed == []


def test_it_certifies_the_committee_with_its_posts(
    voted: Election, county_a: User, candidates: list[Candidacy]
) -> None:
    a, b, c, d = candidates

    # when
    certification = services.election_certify(by=county_a, election=voted)

    # then the committee is written with its posts
    assert certification.action == Certification.Action.CERTIFY
    assert (certification.reason, certification.failed_rules) == ("", [])
    assert certification.by == county_a
    posts = {m.candidacy_id: m.post for m in CommitteeMember.objects.filter(election=voted)}
    assert posts == {a.pk: Post.SECRETARY, b.pk: Post.DEPUTY, c.pk: Post.MEMBER}
    # the stages follow the result
    stages = dict(Candidacy.objects.filter(election=voted).values_list("pk", "stage"))
    assert stages == {
        a.pk: Stage.ELECTED,
        b.pk: Stage.ELECTED,
        c.pk: Stage.ELECTED,
        d.pk: Stage.NOT_ELECTED,
    }
    # and the election is completed on the day of its last round, and locked
    election = Election.objects.get(pk=voted.pk)
    assert election.status == ElectionStatus.COMPLETED
    assert election.held_date == MAY_2
    assert election.locked
    assert election.certified_at is not None
    assert election.updated_by == county_a


def test_it_refuses_to_certify_before_the_secretary_is_elected(
    election: Election,
    county_a: User,
    township_a1: User,
    second_typist: User,
    candidates: list[Candidacy],
) -> None:
    a, b, c, d = candidates
    hold_round(
        election,
        (township_a1, second_typist),
        RoundKind.COMMITTEE,
        3,
        MAY_1,
        {a: 40, b: 35, c: 30, d: 10},
    )

    with pytest.raises(ValidationError) as error:
        services.election_certify(by=county_a, election=election)

    assert error.value.messages == [str(services.MSG_NOT_READY)]
    assert not Election.objects.get(pk=election.pk).locked


def test_it_refuses_to_certify_a_result_that_breaks_a_rule_without_an_override(
    voted: Election, county_a: User
) -> None:
    # given a member left out of the expected count without the township's approval
    VoterExclusion.objects.create(
        election=voted, name="张某", reason=ExclusionReason.BEDRIDDEN, township_approved=False
    )

    # when
    with pytest.raises(ValidationError) as error:
        services.election_certify(by=county_a, election=voted)

    # then nothing is written
    assert "张某" in error.value.messages[0]
    assert not Certification.objects.filter(election=voted).exists()
    assert not CommitteeMember.objects.filter(election=voted).exists()
    assert not Election.objects.get(pk=voted.pk).locked
    with pytest.raises(ValidationError):
        services.election_certify(by=county_a, election=voted, override_reason="   ")


def test_it_certifies_a_result_that_breaks_a_rule_with_an_override(
    voted: Election, county_a: User
) -> None:
    VoterExclusion.objects.create(
        election=voted, name="张某", reason=ExclusionReason.BEDRIDDEN, township_approved=False
    )

    certification = services.election_certify(
        by=county_a, election=voted, override_reason="经县委组织部核实，张某长期卧床，补办审批"
    )

    assert certification.action == Certification.Action.OVERRIDE
    assert certification.reason == "经县委组织部核实，张某长期卧床，补办审批"
    assert [r["code"] for r in certification.failed_rules] == ["exclusion_unapproved"]
    assert "张某" in certification.failed_rules[0]["message"]
    assert Election.objects.get(pk=voted.pk).locked
    assert CommitteeMember.objects.filter(election=voted).count() == 3


@pytest.mark.parametrize("persona", ["township", "other_county", "city"])
def test_it_lets_only_the_county_certify(
    world: World, voted: Election, township_a1: User, city: User, persona: str
) -> None:
    user = {
        "township": township_a1,
        "other_county": CountyUserFactory(username="county_b", county=world.county_b),
        "city": city,
    }[persona]

    with pytest.raises(PermissionDenied):
        services.election_certify(by=user, election=voted)

    assert not Election.objects.get(pk=voted.pk).locked


# Locked: the services ---------------------------------------------------------------------


def fresh(candidacy: Candidacy) -> Candidacy:
    return Candidacy.objects.select_related("election").get(pk=candidacy.pk)


SERVICE_CALLS: dict[str, Callable[[World, Election, User, list[Candidacy]], object]] = {
    "candidacy_register": lambda world, election, user, cs: services.candidacy_register(
        by=user, election=election, person=make_person(world, 50), education=Education.BACHELOR
    ),
    "candidacy_update": lambda world, election, user, cs: services.candidacy_update(
        by=user, candidacy=fresh(cs[3]), education=Education.POSTGRADUATE
    ),
    "candidacy_withdraw": lambda world, election, user, cs: services.candidacy_withdraw(
        by=user, candidacy=fresh(cs[3]), reason="本人申请"
    ),
    "candidacy_advance": lambda world, election, user, cs: services.candidacy_advance(
        by=user, candidacy=fresh(cs[3])
    ),
    "review_record": lambda world, election, user, cs: services.review_record(
        by=user,
        candidacy=fresh(cs[0]),
        office=ReviewOffice.objects.get(campaign=election.campaign),
        passed=True,
    ),
    "township_vote_record": lambda world, election, user, cs: services.township_vote_record(
        by=user, candidacy=fresh(cs[0]), yes=1, no=9, abstain=0, observed=True, recorded=True
    ),
    "round_open": lambda world, election, user, cs: services.round_open(
        by=user,
        election=election,
        kind=RoundKind.COMMITTEE,
        seats=1,
        held_on=MAY_2,
        candidacies=[fresh(cs[3])],
    ),
    "tally_enter": lambda world, election, user, cs: services.tally_enter(
        by=user, vote_round=election.rounds.first(), data={}
    ),
    "tally_reject_entries": lambda world, election, user, cs: services.tally_reject_entries(
        by=user, vote_round=election.rounds.select_related("election").first()
    ),
}


@pytest.mark.parametrize("name", SERVICE_CALLS)
def test_it_refuses_every_service_on_a_locked_election(
    world: World,
    certified: Election,
    township_a1: User,
    candidates: list[Candidacy],
    name: str,
) -> None:
    with pytest.raises(ValidationError) as error:
        SERVICE_CALLS[name](world, certified, township_a1, candidates)

    assert error.value.messages == [str(services.MSG_LOCKED)]


def test_it_refuses_to_certify_a_locked_election_again(certified: Election, county_a: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.election_certify(by=county_a, election=certified)

    assert error.value.messages == [str(services.MSG_LOCKED)]
    assert Certification.objects.filter(election=certified).count() == 1


# Locked: the database, by every other path -------------------------------------------------


def guarded_rows(election: Election) -> dict[str, object]:
    vote_round = election.rounds.order_by("number", "kind").first()
    return {
        "candidacy": election.candidacies.first(),
        "round": vote_round,
        "ballot line": BallotLine.objects.filter(round__election=election).first(),
        "committee member": CommitteeMember.objects.filter(election=election).first(),
        "tally entry": TallyEntry.objects.filter(round__election=election).first(),
        "eligibility review": EligibilityReview.objects.filter(
            candidacy__election=election
        ).first(),
        "voter exclusion": VoterExclusion.objects.filter(election=election).first(),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "candidacy",
        "round",
        "ballot line",
        "committee member",
        "tally entry",
        "eligibility review",
        "voter exclusion",
    ],
)
def test_it_refuses_model_save_on_a_locked_result(certified: Election, kind: str) -> None:
    row = guarded_rows(certified)[kind]
    assert row is not None

    refused(row.save)


@pytest.mark.parametrize(
    "queryset",
    [
        lambda e: Candidacy.objects.filter(election=e),
        lambda e: VoteRound.objects.filter(election=e),
        lambda e: BallotLine.objects.filter(round__election=e),
        lambda e: CommitteeMember.objects.filter(election=e),
        lambda e: TallyEntry.objects.filter(round__election=e),
        lambda e: EligibilityReview.objects.filter(candidacy__election=e),
        lambda e: VoterExclusion.objects.filter(election=e),
    ],
    ids=["candidacy", "round", "ballot line", "committee", "tally", "review", "exclusion"],
)
def test_it_refuses_queryset_update_and_delete_on_a_locked_result(
    certified: Election, queryset: Callable[[Election], object]
) -> None:
    rows = queryset(certified)
    # A no-op update still rewrites the rows: the trigger does not look at what changed.
    field = {
        Candidacy: "stage_reason",
        VoteRound: "number",
        BallotLine: "yes",
        CommitteeMember: "post",
        TallyEntry: "data",
        EligibilityReview: "note",
        VoterExclusion: "detail",
    }[rows.model]
    value = rows.values_list(field, flat=True).first()

    refused(lambda: rows.update(**{field: value}))
    refused(rows.delete)

    assert queryset(certified).count() == rows.count() > 0


def test_it_refuses_queryset_update_of_stages_and_committee_posts(
    certified: Election, candidates: list[Candidacy]
) -> None:
    # The two changes someone would most want to slip past the lock.
    refused(lambda: Candidacy.objects.filter(pk=candidates[3].pk).update(stage=Stage.ELECTED))
    refused(
        lambda: CommitteeMember.objects.filter(election=certified, post=Post.SECRETARY).update(
            post=Post.MEMBER
        )
    )

    assert Candidacy.objects.get(pk=candidates[3].pk).stage == Stage.NOT_ELECTED


def test_it_refuses_new_rows_in_a_locked_result(
    world: World, certified: Election, township_a1: User, candidates: list[Candidacy]
) -> None:
    vote_round = certified.rounds.first()
    refused(
        lambda: Candidacy.objects.create(
            election=certified, person=make_person(world, 60), education=Education.BACHELOR
        )
    )
    refused(
        lambda: VoteRound.objects.create(
            election=certified, kind=RoundKind.COMMITTEE, number=9, seats=1, held_on=MAY_2
        )
    )
    refused(lambda: BallotLine.objects.create(round=vote_round, write_in="李补录", yes=40))
    refused(
        lambda: TallyEntry.objects.create(
            round=vote_round,
            entered_by=TownshipUserFactory(township=world.township_a1),
            data={},
        )
    )
    refused(
        lambda: VoterExclusion.objects.create(
            election=certified, name="补录", reason=ExclusionReason.SENTENCE
        )
    )
    member = CommitteeMember.objects.get(candidacy=candidates[2])
    refused(member.delete)
    refused(
        lambda: CommitteeMember.objects.create(
            election=certified, candidacy=candidates[3], post=Post.MEMBER
        )
    )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE candidates_candidacy SET stage = 'elected' WHERE election_id = %s",
        "UPDATE candidates_ballotline SET yes = yes + 1 WHERE round_id IN "
        "(SELECT id FROM candidates_voteround WHERE election_id = %s)",
        "UPDATE candidates_voteround SET valid = valid + 1 WHERE election_id = %s",
        "DELETE FROM candidates_committeemember WHERE election_id = %s",
        "UPDATE elections_election SET status = 'in_progress' WHERE id = %s",
    ],
    ids=["candidacy", "ballot line", "round", "committee", "election"],
)
def test_it_refuses_raw_sql_on_a_locked_result(certified: Election, sql: str) -> None:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [certified.pk])

    refused(run)


def test_it_refuses_to_update_the_locked_election_itself(certified: Election) -> None:
    refused(
        lambda: Election.objects.filter(pk=certified.pk).update(status=ElectionStatus.POSTPONED)
    )
    certified.postponement_reason = "试图改动"
    refused(certified.save)

    election = Election.objects.get(pk=certified.pk)
    assert election.status == ElectionStatus.COMPLETED
    assert election.postponement_reason == ""


# Unlocking --------------------------------------------------------------------------------


def test_it_unlocks_with_a_logged_reason_and_then_accepts_edits(
    certified: Election, county_a: User, township_a1: User, candidates: list[Candidacy]
) -> None:
    # when
    unlock = services.election_unlock(by=county_a, election=certified, reason=UNLOCK_REASON)

    # then the unlocking is logged
    assert unlock.action == Certification.Action.UNLOCK
    assert unlock.reason == UNLOCK_REASON
    assert unlock.by == county_a
    assert list(
        Certification.objects.filter(election=certified).values_list("action", flat=True)
    ) == [Certification.Action.CERTIFY, Certification.Action.UNLOCK]
    election = Election.objects.get(pk=certified.pk)
    assert not election.locked
    # and every path is open again: services, save(), update()
    services.candidacy_update(
        by=township_a1, candidacy=fresh(candidates[3]), education=Education.POSTGRADUATE
    )
    row = VoteRound.objects.filter(election=election).first()
    row.save()
    assert BallotLine.objects.filter(round__election=election).update(abstain=0) > 0
    Election.objects.filter(pk=election.pk).update(postponement_reason="")
    assert fresh(candidates[3]).education == Education.POSTGRADUATE


def test_it_certifies_again_after_an_unlock(
    certified: Election, county_a: User, candidates: list[Candidacy]
) -> None:
    services.election_unlock(by=county_a, election=certified, reason=UNLOCK_REASON)

    services.election_certify(by=county_a, election=certified)

    assert Election.objects.get(pk=certified.pk).locked
    assert CommitteeMember.objects.filter(election=certified).count() == 3
    assert Certification.objects.filter(election=certified).count() == 3


def test_it_refuses_an_unlock_that_bypasses_the_service(certified: Election) -> None:
    # A bare UPDATE ... SET locked = false would unlock without anyone answering for it.
    refused(lambda: Election.objects.filter(pk=certified.pk).update(locked=False))

    assert Election.objects.get(pk=certified.pk).locked


def test_it_refuses_to_unlock_an_election_that_is_not_locked(
    voted: Election, county_a: User
) -> None:
    with pytest.raises(ValidationError):
        services.election_unlock(by=county_a, election=voted, reason="误操作")

    assert not voted.certifications.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_to_unlock_without_a_reason(
    certified: Election, county_a: User, reason: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.election_unlock(by=county_a, election=certified, reason=reason)

    assert error.value.message_dict == {"reason": [str(services.MSG_REASON_REQUIRED)]}
    assert Election.objects.get(pk=certified.pk).locked
    assert not Certification.objects.filter(action=Certification.Action.UNLOCK).exists()


@pytest.mark.parametrize("persona", ["township", "other_county", "city"])
def test_it_lets_only_the_county_unlock(
    world: World, certified: Election, township_a1: User, city: User, persona: str
) -> None:
    user = {
        "township": township_a1,
        "other_county": CountyUserFactory(username="county_b", county=world.county_b),
        "city": city,
    }[persona]

    with pytest.raises(PermissionDenied):
        services.election_unlock(by=user, election=certified, reason=UNLOCK_REASON)

    assert Election.objects.get(pk=certified.pk).locked


def test_it_keeps_the_round_statuses_after_certification(certified: Election) -> None:
    statuses = set(certified.rounds.values_list("status", flat=True))

    assert statuses == {RoundStatus.ENTERED}
