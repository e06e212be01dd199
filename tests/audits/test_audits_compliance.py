"""先审计后选举: an election is certified only once its village's audit (same campaign) is done,
unless the county records an override with its reason; and a candidate named responsible for
an unrectified finding is found by the selector the eligibility review reads."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from stdnum.cn import ric

from accounts.models import User
from audits.models import Audit, AuditFinding, AuditStatus
from audits.selectors import audit_status_for, unrectified_findings_for
from candidates import services
from candidates.compliance import (
    MSG_AUDIT_DONE,
    MSG_AUDIT_MISSING,
    committee_outcome,
    election_compliance,
)
from candidates.models import (
    Candidacy,
    Certification,
    Education,
    NoticeKind,
    Person,
    RoundKind,
    Stage,
)
from elections.models import Election
from tests.conftest import World
from tests.factories import CampaignFactory, TownshipUserFactory

pytestmark = pytest.mark.django_db

MAY_1 = datetime.date(2026, 5, 1)
MAY_2 = datetime.date(2026, 5, 2)
OVERRIDE = "审计报告已出具、待县审计组签字，经县委组织部研究同意先行审核"


def make_person(world: World, n: int, name: str = "") -> Person:
    birth = datetime.date(1978, 6, 1) + datetime.timedelta(days=n)
    body = f"320101{birth:%Y%m%d}{n:02d}1"
    return Person.objects.create(
        name=name or f"候选人{n}",
        gender="M",
        birth_date=birth,
        id_number=body + ric.calc_check_digit(body + "0"),
        township=world.township_a1,
    )


def stand(world: World, election: Election, n: int, name: str = "") -> Candidacy:
    return Candidacy.objects.create(
        election=election,
        person=make_person(world, n, name),
        education=Education.BACHELOR,
        stage=Stage.OFFICIAL,
    )


def hold_round(
    election: Election,
    typists: tuple[User, User],
    kind: str,
    seats: int,
    day: datetime.date,
    yes: dict,
) -> None:
    vote_round = services.round_open(
        by=typists[0],
        election=Election.objects.get(pk=election.pk),
        kind=kind,
        seats=seats,
        held_on=day,
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
    services.tally_enter(by=typists[0], vote_round=vote_round, data=data)
    assert services.tally_enter(by=typists[1], vote_round=vote_round, data=data) == []


def official_notice(election: Election, by: User) -> None:
    """The official candidates on public notice for a week, over the day before the vote."""
    services.notice_post(
        by=by, election=election, kind=NoticeKind.OFFICIAL,
        start_date=MAY_1 - datetime.timedelta(days=8), end_date=MAY_1 - datetime.timedelta(days=1),
    )  # fmt: skip


@pytest.fixture
def voted(world: World, township_a1: User) -> Election:
    """An election of township A1 whose every rule but the audit's is met (as in
    tests/candidates/test_locking.py): three elected of four, a secretary elected."""
    election = world.election("a1")
    typists = (township_a1, TownshipUserFactory(username="typist_2", township=world.township_a1))
    a, b, c, d = (stand(world, election, n) for n in range(4))
    official_notice(election, township_a1)
    hold_round(election, typists, RoundKind.COMMITTEE, 3, MAY_1, {a: 40, b: 35, c: 30, d: 10})
    hold_round(election, typists, RoundKind.SECRETARY, 1, MAY_2, {a: 30, b: 15})
    return Election.objects.get(pk=election.pk)


def audit_of(election: Election, status: str = AuditStatus.IN_PROGRESS) -> Audit:
    return Audit.objects.create(
        campaign=election.campaign,
        village=election.branch.village,
        status=status,
        completed_on=datetime.date(2026, 4, 20) if status == AuditStatus.DONE else None,
    )


def failed_codes(election: Election) -> list[str]:
    return [result.code for result in election_compliance(election) if not result.ok]


# The rule -----------------------------------------------------------------------------------


def test_it_fails_the_rule_when_the_village_has_no_audit(voted: Election) -> None:
    results = {r.code: r for r in election_compliance(voted)}

    assert failed_codes(voted) == ["audit_done"]
    # The message names the state: no audit at all.
    assert str(MSG_AUDIT_MISSING) in results["audit_done"].message


@pytest.mark.parametrize("status", [AuditStatus.PLANNED, AuditStatus.IN_PROGRESS])
def test_it_fails_the_rule_while_the_audit_is_not_done(voted: Election, status: str) -> None:
    audit_of(voted, status)

    results = {r.code: r for r in election_compliance(voted)}

    assert failed_codes(voted) == ["audit_done"]
    assert str(AuditStatus(status).label) in results["audit_done"].message


def test_it_meets_the_rule_once_the_audit_is_done(voted: Election) -> None:
    audit_of(voted, AuditStatus.DONE)

    results = {r.code: r for r in election_compliance(voted)}

    assert failed_codes(voted) == []
    assert results["audit_done"].message == str(MSG_AUDIT_DONE)


def test_it_reads_the_audit_of_the_elections_own_campaign_only(
    world: World, voted: Election
) -> None:
    # given: the village's audit is done, but in another campaign
    Audit.objects.create(
        campaign=CampaignFactory(),
        village=voted.branch.village,
        status=AuditStatus.DONE,
        completed_on=datetime.date(2026, 4, 20),
    )

    assert audit_status_for(voted) is None
    assert failed_codes(voted) == ["audit_done"]


def test_it_reads_the_audit_of_the_elections_own_village_only(
    world: World, voted: Election
) -> None:
    audit_of(world.election("a1", 1), AuditStatus.DONE)

    assert audit_status_for(voted) is None


# Certification ------------------------------------------------------------------------------


def test_it_refuses_to_certify_before_the_audit_is_done(voted: Election, county_a: User) -> None:
    audit_of(voted, AuditStatus.IN_PROGRESS)

    with pytest.raises(ValidationError) as error:
        services.election_certify(by=county_a, election=voted)

    # then nothing is certified, and the refusal names the audit rule
    assert "audit_done" not in error.value.messages[0]  # a message for people, not a code
    assert str(AuditStatus.IN_PROGRESS.label) in error.value.messages[0]
    assert not Certification.objects.filter(election=voted).exists()
    assert not Election.objects.get(pk=voted.pk).locked


def test_it_refuses_an_override_without_a_reason(voted: Election, county_a: User) -> None:
    with pytest.raises(ValidationError):
        services.election_certify(by=county_a, election=voted, override_reason="   ")

    assert not Election.objects.get(pk=voted.pk).locked


def test_it_certifies_with_the_countys_override_and_logs_it(
    voted: Election, county_a: User
) -> None:
    # when: the county certifies with a reason, the audit still in progress
    audit_of(voted, AuditStatus.IN_PROGRESS)
    certification = services.election_certify(by=county_a, election=voted, override_reason=OVERRIDE)

    # then the override is recorded with who, why and which rule it overrode
    assert certification.action == Certification.Action.OVERRIDE
    assert (certification.reason, certification.by) == (OVERRIDE, county_a)
    assert [rule["code"] for rule in certification.failed_rules] == ["audit_done"]
    assert Election.objects.get(pk=voted.pk).locked


def test_it_certifies_plainly_once_the_audit_is_done(voted: Election, county_a: User) -> None:
    audit_of(voted, AuditStatus.DONE)

    certification = services.election_certify(by=county_a, election=voted)

    assert certification.action == Certification.Action.CERTIFY
    assert certification.failed_rules == []


# Unrectified findings and the eligibility review ------------------------------------------


@pytest.fixture
def findings(world: World) -> dict:
    """Candidates of village A1-1; findings of its audit, rectified or not, linked or named."""
    election = world.election("a1")
    linked = stand(world, election, 1, "王有才")
    named = stand(world, election, 2, "李守田")
    clean = stand(world, election, 3, "赵清白")
    audit = audit_of(election)
    other_village = audit_of(world.election("a1", 1))
    rows = {
        "linked": AuditFinding.objects.create(
            audit=audit, description="白条入账", responsible_person=linked.person,
            responsible_name="王有才",
        ),
        "named": AuditFinding.objects.create(
            audit=audit, description="坐支现金", responsible_name="李守田"
        ),
        "rectified": AuditFinding.objects.create(
            audit=audit, description="资产未入账", responsible_person=clean.person,
            responsible_name="赵清白", rectified=True, rectified_on=datetime.date(2026, 4, 1),
        ),
        # Someone of the same name in another village is not this candidate.
        "namesake": AuditFinding.objects.create(
            audit=other_village, description="合同不规范", responsible_name="赵清白"
        ),
    }  # fmt: skip
    return {"linked": linked, "named": named, "clean": clean, "campaign": world.campaign, **{
        f"finding_{key}": value for key, value in rows.items()
    }}  # fmt: skip


def test_it_finds_the_unrectified_findings_a_candidate_is_responsible_for(findings: dict) -> None:
    campaign = findings["campaign"]

    linked = list(unrectified_findings_for(findings["linked"].person, campaign))
    named = list(unrectified_findings_for(findings["named"].person, campaign))

    assert linked == [findings["finding_linked"]]
    # A finding naming the candidate in words only, in the village where they stand, counts.
    assert named == [findings["finding_named"]]


def test_it_finds_nothing_for_rectified_findings_or_a_namesake_elsewhere(findings: dict) -> None:
    assert list(unrectified_findings_for(findings["clean"].person, findings["campaign"])) == []


def test_it_finds_nothing_in_another_campaign(findings: dict) -> None:
    assert list(unrectified_findings_for(findings["linked"].person, CampaignFactory())) == []


def test_it_stops_flagging_once_the_finding_is_rectified(findings: dict) -> None:
    finding = findings["finding_linked"]
    finding.rectified, finding.rectified_on = True, datetime.date(2026, 4, 2)
    finding.save()

    assert list(unrectified_findings_for(findings["linked"].person, findings["campaign"])) == []


def test_it_flags_the_candidate_in_the_eligibility_review(
    findings: dict, township_a1_client: Client
) -> None:
    # given: a candidate named responsible for an unrectified finding, and one who is not
    flagged = reverse("candidates:candidacy_detail", args=[findings["linked"].pk])
    clean = reverse("candidates:candidacy_detail", args=[findings["clean"].pk])

    # then: the reviewing offices see the finding on the candidate's page, and only there
    assert "白条入账" in township_a1_client.get(flagged).text
    assert "尚未整改" in township_a1_client.get(flagged).text
    assert "尚未整改" not in township_a1_client.get(clean).text


def test_the_panel_shows_the_steps_ahead_of_an_election_as_to_do_not_as_breaches(
    world: World, township_a1: User, township_a1_client: Client
) -> None:
    # given: an election not voted yet, its audit still in progress
    election = world.election("a1")
    audit_of(election)

    # when
    response = township_a1_client.get(reverse("candidates:election_detail", args=[election.pk]))

    # then: neither the secretary nor the audit counts as a rule not met, both are to do
    context = response.context
    assert [r.code for r in context["failed_rules"]] == []
    ahead = {result.code for result, to_do in context["compliance"] if to_do}
    assert ahead == {"secretary", "audit_done"}
    html = response.content.decode()
    assert "（尚待进行）" in html
    assert "无违规，2项待办" in html
    assert "全部符合规定" not in html


def test_once_voted_the_same_rules_are_breaches(
    voted: Election, township_a1_client: Client
) -> None:
    # given: both votes entered, the audit still in progress
    audit_of(voted)

    # when
    response = township_a1_client.get(reverse("candidates:election_detail", args=[voted.pk]))

    # then: the audit not done before the vote is a rule not met
    assert [r.code for r in response.context["failed_rules"]] == ["audit_done"]
    assert not any(to_do for _result, to_do in response.context["compliance"])


def test_a_committee_loaded_from_a_roster_has_its_secretary(world: World) -> None:
    # given: an election whose committee came from an imported roster: seats, no rounds
    from candidates.models import CommitteeMember, Post

    election = world.election("a1")
    secretary = stand(world, election, 1)
    CommitteeMember.objects.create(election=election, candidacy=secretary, post=Post.SECRETARY)

    # when
    results = {r.code: r for r in election_compliance(election)}

    # then
    assert results["secretary"].ok
    assert "班子" in results["secretary"].message
    assert not {r.code: r for r in election_compliance(world.election("a1", 1))}["secretary"].ok


def test_a_committee_loaded_from_a_roster_has_no_step_ahead(
    world: World, township_a1_client: Client
) -> None:
    # given: a completed election whose committee came from a roster (no rounds here), its
    # village's audit still in progress
    from candidates.models import CommitteeMember, Post

    election = world.election("a1")
    secretary = stand(world, election, 1)
    CommitteeMember.objects.create(election=election, candidacy=secretary, post=Post.SECRETARY)
    Election.objects.filter(pk=election.pk).update(status="completed", held_date=MAY_2)
    audit_of(election)

    # when
    response = township_a1_client.get(reverse("candidates:election_detail", args=[election.pk]))

    # then: the audit not done before the election is a breach, not a step to do
    assert [r.code for r in response.context["failed_rules"]] == ["audit_done"]
    assert not any(to_do for _result, to_do in response.context["compliance"])


def test_the_approval_queue_counts_what_the_election_page_counts(
    world: World, township_a1: User, county_a_client: Client
) -> None:
    # given: the committee voted, the secretary not yet, the audit done
    election = world.election("a1")
    typists = (township_a1, TownshipUserFactory(username="typist_2", township=world.township_a1))
    a, b, c, d = (stand(world, election, n) for n in range(4))
    official_notice(election, township_a1)
    hold_round(election, typists, RoundKind.COMMITTEE, 3, MAY_1, {a: 40, b: 35, c: 30, d: 10})
    audit_of(election, AuditStatus.DONE)

    # when
    queue = county_a_client.get(reverse("candidates:approval_queue")).context["rows"]
    page = county_a_client.get(reverse("candidates:election_detail", args=[election.pk]))

    # then: no rule broken on either, the secretary's vote being still ahead
    row = next(row for row in queue if row.election.pk == election.pk)
    assert row.failed == len(page.context["failed_rules"]) == 0
    assert not row.ready


def test_a_round_without_its_quorum_elects_nobody(world: World, township_a1: User) -> None:
    # given: the committee's round, with 48 of 60 present (exactly four fifths: invalid)
    election = world.election("a1")
    typists = (township_a1, TownshipUserFactory(username="typist_2", township=world.township_a1))
    people = [stand(world, election, n) for n in range(4)]
    vote_round = services.round_open(
        by=typists[0], election=election, kind=RoundKind.COMMITTEE, seats=3, held_on=MAY_1,
        candidacies=people,
    )  # fmt: skip
    data = {
        "expected": 60, "present": 48, "issued": 48, "returned": 48, "valid": 48, "invalid": 0,
        "votes": {f"c{c.pk}": [40 - n, 8 + n, 0] for n, c in enumerate(people)},
    }  # fmt: skip
    services.tally_enter(by=typists[0], vote_round=vote_round, data=data)
    assert services.tally_enter(by=typists[1], vote_round=vote_round, data=data) == []

    # when
    election = Election.objects.get(pk=election.pk)
    results = {r.code: r for r in election_compliance(election)}

    # then: the quorum is not met, and nobody is elected by that round
    assert not results["quorum"].ok
    assert "elected" not in results
    assert committee_outcome(election).elected == ()
    assert not results["committee_incomplete"].ok


@pytest.mark.parametrize(
    ("notice", "ok", "says"),
    [
        (None, False, "未在选举前公示"),
        ((MAY_1 - datetime.timedelta(days=4), MAY_1), False, "尚未期满"),
        ((MAY_1 - datetime.timedelta(days=8), MAY_1 - datetime.timedelta(days=1)), True, "已于"),
    ],
)
def test_the_official_candidates_are_on_notice_before_the_vote(
    world: World, township_a1: User, notice: tuple | None, ok: bool, says: str
) -> None:
    # given: the official candidates' notice as given, then the committee's vote on May 1
    election = world.election("a1")
    typists = (township_a1, TownshipUserFactory(username="typist_2", township=world.township_a1))
    if notice:
        services.notice_post(
            by=township_a1, election=election, kind=NoticeKind.OFFICIAL,
            start_date=notice[0], end_date=notice[1],
        )  # fmt: skip
    people = [stand(world, election, n) for n in range(4)]
    votes = dict(zip(people, (40, 35, 30, 10), strict=True))
    hold_round(election, typists, RoundKind.COMMITTEE, 3, MAY_1, votes)

    # when
    results = {r.code: r for r in election_compliance(Election.objects.get(pk=election.pk))}

    # then
    assert results["official_notice"].ok is ok
    assert says in results["official_notice"].message


def test_no_notice_rule_before_the_committees_vote(world: World) -> None:
    assert "official_notice" not in {r.code for r in election_compliance(world.election("a1"))}
