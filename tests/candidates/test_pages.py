"""The browser pages of an election: the township runs it, the county certifies it.

Everything goes through the test client, as a browser would: the forms' field names, the
redirects, the messages and the Chinese errors are what is checked.
"""

import datetime
from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from accounts.models import User
from audits.models import Audit, AuditStatus
from candidates import services
from candidates.models import (
    Candidacy,
    Certification,
    CommitteeMember,
    Education,
    ElectionStep,
    ExclusionReason,
    Objection,
    Person,
    PublicNotice,
    RoundKind,
    RoundStatus,
    Stage,
    StepAttachment,
    StepDefinition,
    VoterExclusion,
    VoteRound,
)
from elections.models import Election
from tests.conftest import World, signed_in
from tests.factories import CityUserFactory, TownshipUserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def id_number(n: int, birth: str = "19800101", gender_digit: int = 1) -> str:
    body = f"320102{birth}{n:02d}{gender_digit}"
    return body + ric.calc_check_digit(body + "0")


def url(name: str, *args: object) -> str:
    return reverse(f"candidates:{name}", args=args)


def page(response: object) -> str:
    return response.content.decode()


def shown_messages(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Shared setup ---------------------------------------------------------------------------


@pytest.fixture
def election(world: World) -> Election:
    return world.election("a1")


@pytest.fixture
def colleague(world: World) -> User:
    """A second official of township A1: the other typist of every tally."""
    return TownshipUserFactory(username="township_a1_b", township=world.township_a1)


def make_candidacy(
    election: Election, user: User, n: int, stage: str = Stage.OFFICIAL
) -> Candidacy:
    person = services.person_save(
        by=user,
        township_id=election.branch.village.township_id,
        id_number=id_number(n),
        name=f"候选人{n}",
        gender="M",
        birth_date=datetime.date(1980, 1, 1),
    )
    candidacy = services.candidacy_register(
        by=user, election=election, person=person, education=Education.BACHELOR
    )
    Candidacy.objects.filter(pk=candidacy.pk).update(stage=stage)
    candidacy.refresh_from_db()
    return candidacy


@pytest.fixture
def objects(world: World, election: Election, township_a1: User) -> dict[str, object]:
    """One object of every kind the pages address, all in township A1."""
    candidacies = [make_candidacy(election, township_a1, n) for n in range(4)]
    notice = services.notice_post(
        by=township_a1,
        election=election,
        kind="prospective",
        start_date=TODAY - 10 * DAY,
        end_date=TODAY - 5 * DAY,
    )
    objection = services.objection_save(
        by=township_a1,
        objection=Objection(notice=notice, received_on=TODAY - 9 * DAY, content="反映情况"),
    )
    step = services.election_steps_ensure(election=election)[0]
    upload = SimpleUploadedFile("会议记录.pdf", PDF, content_type="application/pdf")
    attachment = services.attachment_add(by=township_a1, step=step, upload=upload)
    exclusion = VoterExclusion.objects.create(election=election, name="外出党员", reason="abroad")
    vote_round = services.round_open(
        by=township_a1,
        election=election,
        kind=RoundKind.COMMITTEE,
        seats=3,
        held_on=TODAY,
        candidacies=candidacies,
    )
    return {
        "election": election,
        "candidacy": candidacies[0],
        "person": candidacies[0].person,
        "notice": notice,
        "objection": objection,
        "step": step,
        "attachment": attachment,
        "exclusion": exclusion,
        "round": vote_round,
    }


# Every route with the object its URL points at; GET routes, then routes that only take POST.
READ_ROUTES = [
    ("election_detail", "election"),
    ("candidacy_detail", "candidacy"),
    ("attachment_download", "attachment"),
]
WRITE_PAGES = [
    ("candidacy_create", "election"),
    ("candidacy_edit", "candidacy"),
    ("step_edit", "step"),
    ("round_create", "election"),
    ("tally_entry", "round"),
]
POST_ROUTES = [
    ("candidacy_create", "election"),
    ("candidacy_edit", "candidacy"),
    ("review_record", "candidacy"),
    ("township_vote", "candidacy"),
    ("candidacy_advance", "candidacy"),
    ("candidacy_withdraw", "candidacy"),
    ("person_reveal", "person"),
    ("notice_save", "election"),
    ("objection_create", "notice"),
    ("objection_settle", "objection"),
    ("step_create", "election"),
    ("step_edit", "step"),
    ("attachment_upload", "step"),
    ("exclusion_create", "election"),
    ("exclusion_delete", "exclusion"),
    ("round_create", "election"),
    ("tally_entry", "round"),
    ("tally_reset", "round"),
    ("election_certify", "election"),
    ("election_unlock", "election"),
]


# The whole run ------------------------------------------------------------------------------


def tally(vote_round: VoteRound, votes: dict[int, int], **figures: int) -> dict[str, object]:
    """The tally form as typed from the paper: ``votes`` maps candidacy id to yes votes."""
    data = {"expected": 30, "present": 28, "issued": 28, "returned": 28, "valid": 27}
    data |= {"invalid": 1, **figures}
    for line in vote_round.lines.all():
        yes = votes[line.candidacy_id]
        data |= {
            f"line{line.pk}_yes": yes,
            f"line{line.pk}_no": 27 - yes,
            f"line{line.pk}_abstain": 0,
        }
    return data


def post_notice(
    client: Client, election: Election, kind: str, start: datetime.date, end: datetime.date
) -> None:
    """A candidate list put on public notice through its form."""
    response = client.post(
        url("notice_save", election.pk),
        {"notice-kind": kind, "notice-start_date": start, "notice-end_date": end},
    )
    assert response.status_code == 302, page(response)


def test_a_township_runs_an_election_and_the_county_certifies_it(
    world: World, election: Election, township_a1: User, colleague: User, county_a: User
) -> None:
    official, other, county = signed_in(township_a1), signed_in(colleague), signed_in(county_a)

    # given: four preliminary nominees registered from their ID numbers alone
    for n, name in enumerate(["张一", "李二", "王三", "赵四"]):
        response = official.post(
            url("candidacy_create", election.pk),
            {
                "id_number": id_number(n),
                "name": name,
                "ethnicity": "汉族",
                "education": "bachelor",
                "source": "local_capable",
                "post_sought": "member",
                "strong_two": "on",
            },
        )
        assert response.status_code == 302, page(response)
    candidacies = list(Candidacy.objects.filter(election=election).order_by("pk"))
    assert [c.person.name for c in candidacies] == ["张一", "李二", "王三", "赵四"]
    # Birth date and gender come from the ID number when left empty.
    assert candidacies[0].person.birth_date == datetime.date(1980, 1, 1)
    assert candidacies[0].person.gender == "M"

    # when: every office passes each of them and the township committee votes in favour
    offices = list(world.campaign.review_offices.all())
    assert len(offices) == 4
    for candidacy in candidacies:
        for office in offices:
            response = official.post(
                url("review_record", candidacy.pk), {"office": office.pk, "passed": "1"}
            )
            assert response.status_code == 302, page(response)
        response = official.post(
            url("township_vote", candidacy.pk),
            {"vote-yes": 7, "vote-no": 1, "vote-abstain": 0, "vote-observed": "on"},
        )
        assert response.status_code == 302, page(response)
        response = official.post(url("candidacy_advance", candidacy.pk))
        assert response.status_code == 302
    assert set(Candidacy.objects.values_list("stage", flat=True)) == {Stage.PROSPECTIVE}

    # ... the prospective list was posted and an objection came in
    post_notice(official, election, "prospective", TODAY - 10 * DAY, TODAY - 6 * DAY)
    notice = PublicNotice.objects.get(election=election)
    prefix = f"objection-{notice.pk}"
    response = official.post(
        url("objection_create", notice.pk),
        {
            f"{prefix}-received_on": TODAY - 8 * DAY,
            f"{prefix}-content": "群众反映其长期外出",
            f"{prefix}-candidacy": candidacies[3].pk,
        },
    )
    assert response.status_code == 302, page(response)
    objection = Objection.objects.get(notice=notice)

    # then: nobody becomes official while the objection is open, and the page says why
    response = official.post(url("candidacy_advance", candidacies[0].pk), follow=True)
    assert "异议尚未办结" in " ".join(shown_messages(response))
    assert Candidacy.objects.get(pk=candidacies[0].pk).stage == Stage.PROSPECTIVE

    # when: the objection is settled, everyone becomes official
    response = official.post(
        url("objection_settle", objection.pk),
        {
            f"settle-{objection.pk}-settled_on": TODAY - 7 * DAY,
            f"settle-{objection.pk}-settlement": "经核实，其常年在村，反映不属实",
        },
    )
    assert response.status_code == 302, page(response)
    for candidacy in candidacies:
        official.post(url("candidacy_advance", candidacy.pk))
    assert set(Candidacy.objects.values_list("stage", flat=True)) == {Stage.OFFICIAL}

    # ... and the official candidates were on notice before the vote
    post_notice(official, election, "official", TODAY - 6 * DAY, TODAY - 2 * DAY)

    # ... a member abroad is left out of the count with both approvals
    response = official.post(
        url("exclusion_create", election.pk),
        {
            "exclusion-name": "钱五",
            "exclusion-reason": "abroad",
            "exclusion-township_approved": "on",
            "exclusion-meeting_agreed": "on",
        },
    )
    assert response.status_code == 302, page(response)

    # ... the committee round is opened with the four official candidates for three seats
    response = official.get(url("round_create", election.pk))
    assert response.status_code == 200
    response = official.post(
        url("round_create", election.pk),
        {
            "kind": "committee",
            "seats": 3,
            "held_on": TODAY,
            "candidacies": [c.pk for c in candidacies],
        },
    )
    assert response.status_code == 302, page(response)
    committee = VoteRound.objects.get(election=election, kind=RoundKind.COMMITTEE)
    yes = dict(zip([c.pk for c in candidacies], [25, 20, 18, 5], strict=True))

    # ... two officials type the paper tally; the second makes a typing error first
    response = official.post(url("tally_entry", committee.pk), tally(committee, yes), follow=True)
    assert "等待另一名工作人员" in " ".join(shown_messages(response))
    response = other.get(url("tally_entry", committee.pk))
    # The second typist never sees the first one's figures.
    assert 'value="25"' not in page(response)
    response = other.post(
        url("tally_entry", committee.pk), tally(committee, yes, valid=26), follow=True
    )
    assert "两次录入不一致" in " ".join(shown_messages(response))
    assert "有效票数" in page(response)
    response = other.post(url("tally_entry", committee.pk), tally(committee, yes), follow=True)
    assert "计票结果已确认" in " ".join(shown_messages(response))
    assert VoteRound.objects.get(pk=committee.pk).status == RoundStatus.ENTERED

    # ... the secretary round: two of the elected for one seat (direct election: 差额)
    response = official.post(
        url("round_create", election.pk),
        {
            "kind": "secretary",
            "seats": 1,
            "held_on": TODAY,
            "candidacies": [candidacies[0].pk, candidacies[1].pk],
        },
    )
    assert response.status_code == 302, page(response)
    secretary = VoteRound.objects.get(election=election, kind=RoundKind.SECRETARY)
    votes = {candidacies[0].pk: 22, candidacies[1].pk: 5}
    official.post(url("tally_entry", secretary.pk), tally(secretary, votes))
    other.post(url("tally_entry", secretary.pk), tally(secretary, votes))
    assert VoteRound.objects.get(pk=secretary.pk).status == RoundStatus.ENTERED

    Audit.objects.create(  # 先审计后选举: the village's audit is done
        campaign=election.campaign,
        village=election.branch.village,
        status=AuditStatus.DONE,
        completed_on=TODAY,
    )
    # ... the election appears in the county's queue with every rule met
    response = county.get(url("approval_queue"))
    assert [row.election.pk for row in response.context["rows"]] == [election.pk]
    assert response.context["rows"][0].failed == 0

    # ... and the county certifies it
    response = county.post(url("election_certify", election.pk), {}, follow=True)
    assert response.status_code == 200
    election.refresh_from_db()
    assert election.locked
    assert Certification.objects.get(election=election).action == Certification.Action.CERTIFY
    members = CommitteeMember.objects.filter(election=election)
    assert {m.candidacy.person.name: m.post for m in members} == {
        "张一": "secretary",
        "李二": "member",
        "王三": "member",
    }
    assert "已审核并锁定" in " ".join(shown_messages(response))

    # then: afterwards every edit is refused, with the reason on the page
    response = official.post(
        url("candidacy_edit", candidacies[3].pk),
        {"education": "postgraduate", "source": "other", "post_sought": "member"},
    )
    assert response.status_code == 200
    assert "已审核锁定" in page(response)
    response = official.post(
        url("township_vote", candidacies[3].pk),
        {"vote-yes": 1, "vote-no": 6, "vote-abstain": 0},
    )
    assert "已审核锁定" in page(response)
    response = official.post(url("candidacy_advance", candidacies[3].pk), follow=True)
    assert "已审核锁定" in " ".join(shown_messages(response))
    assert Candidacy.objects.get(pk=candidacies[3].pk).education == Education.BACHELOR
    assert election not in list(county.get(url("approval_queue")).context["rows"])


def test_it_lets_the_county_unlock_with_a_reason_only(
    objects: dict, county_a: User, township_a1: User
) -> None:
    election = objects["election"]
    Election.objects.filter(pk=election.pk).update(locked=True)
    county = signed_in(county_a)

    response = county.post(url("election_unlock", election.pk), {"unlock-reason": ""})
    assert response.status_code == 200
    assert "这个字段是必填项" in page(response)

    response = county.post(url("election_unlock", election.pk), {"unlock-reason": "复核计票"})
    assert response.status_code == 302
    assert not Election.objects.get(pk=election.pk).locked
    assert Certification.objects.get(election=election).action == Certification.Action.UNLOCK

    # A township official cannot unlock (or certify): only the county department can.
    Election.objects.filter(pk=election.pk).update(locked=True)
    official = signed_in(township_a1)
    assert (
        official.post(url("election_unlock", election.pk), {"unlock-reason": "x"}).status_code
        == 403
    )
    assert official.post(url("election_certify", election.pk), {}).status_code == 403


def test_it_asks_for_an_override_reason_when_rules_fail(objects: dict, county_a: User) -> None:
    # given: the round was entered with a quorum failure (20 of 30 present)
    election, vote_round = objects["election"], objects["round"]
    county = signed_in(county_a)

    # when: certifying without a committee and secretary elected
    response = county.post(url("election_certify", election.pk), {})

    # then: the page explains, in Chinese, and nothing is locked
    assert response.status_code == 200
    assert "尚不能审核" in page(response)
    assert not Election.objects.get(pk=election.pk).locked
    assert vote_round.status == RoundStatus.OPEN


def enter_both(
    vote_round: VoteRound, users: tuple[User, User], votes: dict, **figures: int
) -> None:
    for user in users:
        signed_in(user).post(url("tally_entry", vote_round.pk), tally(vote_round, votes, **figures))


def test_it_certifies_with_an_override_only_when_a_reason_is_given(
    objects: dict, township_a1: User, colleague: User, county_a: User
) -> None:
    # given: a committee and a secretary elected, but a member left out of the expected count
    # without the township committee's approval (a quorum not met is no case for an
    # override: that vote elects nobody)
    election, committee = objects["election"], objects["round"]
    typists = (township_a1, colleague)
    VoterExclusion.objects.create(
        election=election, name="张某", reason=ExclusionReason.BEDRIDDEN, township_approved=False
    )
    figures = {"present": 26, "issued": 26, "returned": 26, "valid": 26, "invalid": 0}
    lines = list(committee.lines.all())
    votes = dict(zip([line.candidacy_id for line in lines], [18, 17, 16, 2], strict=True))
    enter_both(committee, typists, votes, **figures)
    secretary = services.round_open(
        by=township_a1,
        election=election,
        kind=RoundKind.SECRETARY,
        seats=1,
        held_on=TODAY,
        candidacies=[line.candidacy for line in lines[:2]],
    )
    enter_both(secretary, typists, {lines[0].candidacy_id: 18, lines[1].candidacy_id: 2}, **figures)
    county = signed_in(county_a)

    # when: the county opens the page, the override form is offered with the failed rule
    html = page(county.get(url("election_detail", election.pk)))
    assert "张某未计入应到会人数" in html
    assert "特批通过并锁定" in html
    # ...and the click that locks the result asks first (static/js/confirm.js, on every page)
    assert 'data-confirm="确定审核通过吗？审核通过后选举结果即被锁定' in html
    assert "/static/js/confirm.js" in html

    # then: certifying without a reason is refused, with the rules named
    response = county.post(url("election_certify", election.pk), {"certify-override_reason": ""})
    assert response.status_code == 200
    assert "不符合以下规定" in page(response)
    assert not Election.objects.get(pk=election.pk).locked

    # ... and with a reason it is certified, the override recorded with the failed rules
    response = county.post(
        url("election_certify", election.pk),
        {"certify-override_reason": "张某卧床已由乡镇党委事后补批，经县委组织部研究同意"},
    )
    assert response.status_code == 302
    certification = Certification.objects.get(election=election)
    assert certification.action == Certification.Action.OVERRIDE
    overridden = {rule["code"] for rule in certification.failed_rules}
    assert "exclusion_unapproved" in overridden
    assert "quorum" not in overridden
    assert Election.objects.get(pk=election.pk).locked


# Scoping ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "target"), READ_ROUTES + WRITE_PAGES)
def test_it_hides_every_page_from_another_township(
    name: str, target: str, objects: dict, township_b1_client: Client
) -> None:
    assert township_b1_client.get(url(name, objects[target].pk)).status_code == 404


@pytest.mark.parametrize(("name", "target"), POST_ROUTES)
def test_it_refuses_every_write_from_another_township(
    name: str, target: str, objects: dict, township_b1_client: Client
) -> None:
    assert township_b1_client.post(url(name, objects[target].pk), {}).status_code == 404


@pytest.mark.parametrize(("name", "target"), POST_ROUTES)
def test_it_refuses_every_write_from_an_inspector(
    name: str, target: str, objects: dict, inspector_client: Client
) -> None:
    assert inspector_client.post(url(name, objects[target].pk), {}).status_code == 403


@pytest.mark.parametrize(("name", "target"), READ_ROUTES)
def test_it_lets_an_inspector_read(
    name: str, target: str, objects: dict, inspector_client: Client
) -> None:
    assert inspector_client.get(url(name, objects[target].pk)).status_code == 200


def test_it_shows_the_election_page_read_only_to_an_inspector(
    objects: dict, inspector_client: Client
) -> None:
    html = page(inspector_client.get(url("election_detail", objects["election"].pk)))

    assert "候选人0" in html
    assert url("candidacy_create", objects["election"].pk) not in html
    assert url("notice_save", objects["election"].pk) not in html


def test_it_keeps_the_approval_queue_to_county_and_city(
    objects: dict, client_for: Callable[[str], Client]
) -> None:
    for persona, status in [
        ("city", 200),
        ("county_a", 200),
        ("township_a1", 403),
        ("inspector", 403),
        ("no_role", 403),
    ]:
        assert client_for(persona).get(url("approval_queue")).status_code == status, persona


# Pages and their details ---------------------------------------------------------------------


def test_it_does_not_create_steps_by_reading_the_election_page(
    election: Election, township_a1_client: Client
) -> None:
    response = township_a1_client.get(url("election_detail", election.pk))

    assert response.status_code == 200
    assert not ElectionStep.objects.filter(election=election).exists()
    definitions = StepDefinition.objects.filter(method=election.method)
    assert len(response.context["timeline"]) == definitions.count()


def test_it_creates_a_step_on_its_first_edit_and_checks_its_dependency(
    election: Election, township_a1_client: Client
) -> None:
    second = StepDefinition.objects.filter(method=election.method).order_by("order")[1]

    response = township_a1_client.post(url("step_create", election.pk), {"definition": second.pk})
    step = ElectionStep.objects.get(election=election, definition=second)
    assert response.url == url("step_edit", step.pk)

    # Completing a step before the one it depends on is refused, in Chinese, on the form.
    response = township_a1_client.post(url("step_edit", step.pk), {"done_on": TODAY})
    assert response.status_code == 200
    assert "不能标记为完成" in page(response)
    assert ElectionStep.objects.get(pk=step.pk).done_on is None


def test_it_marks_an_overdue_step(election: Election, township_a1_client: Client) -> None:
    step = services.election_steps_ensure(election=election)[0]
    ElectionStep.objects.filter(pk=step.pk).update(planned_on=TODAY - DAY)

    response = township_a1_client.get(url("election_detail", election.pk))

    assert response.context["timeline"][0].overdue
    assert "逾期" in page(response)


def test_it_uploads_and_downloads_a_step_attachment(
    objects: dict, township_a1_client: Client, inspector_client: Client
) -> None:
    step = objects["step"]
    upload = SimpleUploadedFile("选举公告.pdf", PDF, content_type="application/pdf")

    response = township_a1_client.post(url("attachment_upload", step.pk), {"upload": upload})
    assert response.status_code == 302
    attachment = StepAttachment.objects.filter(step=step).order_by("-pk").first()
    assert attachment.original_name == "选举公告.pdf"

    # A read-only user may download, under the original name.
    response = inspector_client.get(url("attachment_download", attachment.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]

    # A file that is not what its name says is refused on the page.
    fake = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = township_a1_client.post(url("attachment_upload", step.pk), {"upload": fake})
    assert response.status_code == 200
    assert "PDF" in page(response)


def test_it_rerenders_the_registration_with_chinese_errors(
    election: Election, township_a1_client: Client
) -> None:
    response = township_a1_client.post(
        url("candidacy_create", election.pk),
        {"id_number": "320102198001010110", "name": "", "education": "bachelor"},
    )

    assert response.status_code == 200
    html = page(response)
    assert "校验码" in html
    assert "这个字段是必填项" in html
    assert not Candidacy.objects.exists()


def test_it_refuses_a_nominee_under_18_and_registers_nobody(
    election: Election, township_a1_client: Client
) -> None:
    young = (election.campaign.reference_date - datetime.timedelta(days=365 * 17)).strftime(
        "%Y%m%d"
    )

    response = township_a1_client.post(
        url("candidacy_create", election.pk),
        {
            "id_number": id_number(7, birth=young),
            "name": "少年",
            "ethnicity": "汉族",
            "education": "bachelor",
            "source": "other",
            "post_sought": "member",
        },
    )

    assert response.status_code == 200
    assert "18" in page(response)
    # The person is not left behind either: both are saved, or neither.
    assert not Person.objects.filter(name="少年").exists()


def test_it_checks_an_id_number_as_it_is_typed(
    objects: dict, township_a1_client: Client, township_b1_client: Client
) -> None:
    number = objects["person"].id_number

    html = page(township_a1_client.get(url("id_check"), {"id_number": number}))
    assert "1980-01-01" in html
    assert "已登记：候选人0" in html

    # Outside the region the name is not told.
    html = page(township_b1_client.get(url("id_check"), {"id_number": number}))
    assert "候选人0" not in html

    html = page(township_a1_client.get(url("id_check"), {"id_number": number[:-1] + "0"}))
    assert "校验码" in html


def test_it_keeps_read_only_users_from_probing_id_numbers(
    objects: dict, inspector_client: Client
) -> None:
    response = inspector_client.get(url("id_check"), {"id_number": objects["person"].id_number})

    assert response.status_code == 403


def test_it_reveals_an_id_number_only_by_a_logged_action(
    objects: dict, township_a1: User, inspector_client: Client
) -> None:
    person = objects["person"]
    client = signed_in(township_a1)

    detail = page(client.get(url("candidacy_detail", objects["candidacy"].pk)))
    assert person.id_number not in detail
    assert person.masked_id_number in detail

    response = client.post(url("person_reveal", person.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert person.id_number in page(response)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(person.pk))
    assert entry.actor == township_a1
    assert inspector_client.post(url("person_reveal", person.pk)).status_code == 403


def test_it_records_a_failed_review_as_a_disqualification(
    objects: dict, township_a1_client: Client
) -> None:
    candidacy = objects["candidacy"]
    office = candidacy.election.campaign.review_offices.first()
    situation = candidacy.election.campaign.disqualifying_situations.first()

    # A failed review without its situation is sent back with the reason in Chinese.
    response = township_a1_client.post(
        url("review_record", candidacy.pk), {"office": office.pk, "passed": "0"}
    )
    assert response.status_code == 200
    assert "取消资格情形" in page(response)

    response = township_a1_client.post(
        url("review_record", candidacy.pk),
        {"office": office.pk, "passed": "0", "situation": situation.pk},
    )
    assert response.status_code == 302
    assert Candidacy.objects.get(pk=candidacy.pk).stage == Stage.DISQUALIFIED


def test_it_withdraws_a_candidacy_with_its_reason(
    objects: dict, township_a1_client: Client
) -> None:
    candidacy = objects["candidacy"]

    response = township_a1_client.post(url("candidacy_withdraw", candidacy.pk), {})
    assert response.status_code == 200
    assert "这个字段是必填项" in page(response)

    response = township_a1_client.post(
        url("candidacy_withdraw", candidacy.pk), {"withdraw-reason": "本人因病申请退出"}
    )
    assert response.status_code == 302
    assert Candidacy.objects.get(pk=candidacy.pk).stage == Stage.WITHDRAWN


def test_it_rerenders_a_short_notice_with_its_chinese_error(
    election: Election, township_a1_client: Client
) -> None:
    response = township_a1_client.post(
        url("notice_save", election.pk),
        {"notice-kind": "official", "notice-start_date": TODAY, "notice-end_date": TODAY + DAY},
    )

    assert response.status_code == 200
    assert "公示期" in page(response)
    assert not PublicNotice.objects.filter(kind="official").exists()


def test_it_rerenders_the_tally_with_chinese_errors(
    objects: dict, township_a1_client: Client
) -> None:
    response = township_a1_client.post(
        url("tally_entry", objects["round"].pk), {"expected": "三十"}
    )

    assert response.status_code == 200
    html = page(response)
    assert "输入整数" in html
    assert "这个字段是必填项" in html


def test_it_refuses_a_round_without_the_competitive_margin(
    objects: dict, township_a1_client: Client
) -> None:
    election = objects["election"]
    VoteRound.objects.all().delete()
    three = list(Candidacy.objects.filter(election=election)[:3])

    response = township_a1_client.post(
        url("round_create", election.pk),
        {"kind": "committee", "seats": 3, "held_on": TODAY, "candidacies": [c.pk for c in three]},
    )

    assert response.status_code == 200
    assert "差额" in page(response)
    assert not VoteRound.objects.exists()


def test_it_lets_a_typist_discard_both_entries(objects: dict, township_a1_client: Client) -> None:
    vote_round = objects["round"]
    votes = {line.candidacy_id: 20 for line in vote_round.lines.all()}
    township_a1_client.post(url("tally_entry", vote_round.pk), tally(vote_round, votes))

    response = township_a1_client.post(url("tally_reset", vote_round.pk))

    assert response.status_code == 302
    assert not vote_round.entries.exists()


def test_it_accepts_a_tally_with_a_written_in_name_and_then_refuses_more_typing(
    objects: dict, township_a1: User, colleague: User
) -> None:
    # given: a round whose ballot also carries a written-in name
    election = objects["election"]
    VoteRound.objects.all().delete()
    candidacies = list(Candidacy.objects.filter(election=election))
    response = signed_in(township_a1).post(
        url("round_create", election.pk),
        {
            "kind": "committee",
            "seats": 3,
            "held_on": TODAY,
            "candidacies": [c.pk for c in candidacies],
            "write_ins": "周七\n\n",
        },
    )
    vote_round = VoteRound.objects.get(election=election)
    assert response.url == url("tally_entry", vote_round.pk)
    lines = list(vote_round.lines.all())
    assert [line.label for line in lines][-1] == "周七"

    # when: both type the same figures (the write-in gets 3 yes votes)
    data = {"expected": 30, "present": 28, "issued": 28, "returned": 28, "valid": 28}
    data["invalid"] = 0
    for line in lines:
        yes = 3 if line.write_in else 20
        data |= {f"line{line.pk}_yes": yes, f"line{line.pk}_no": 0, f"line{line.pk}_abstain": 0}
    for user in (township_a1, colleague):
        signed_in(user).post(url("tally_entry", vote_round.pk), data)

    # then: the round is accepted, and typing it again is refused on the page
    assert VoteRound.objects.get(pk=vote_round.pk).status == RoundStatus.ENTERED
    response = signed_in(township_a1).post(url("tally_entry", vote_round.pk), data)
    assert response.status_code == 200
    assert "本轮计票结果已确认" in page(response)


def test_it_shows_why_an_unlocked_election_cannot_be_unlocked(
    objects: dict, county_a_client: Client
) -> None:
    response = county_a_client.post(
        url("election_unlock", objects["election"].pk), {"unlock-reason": "复核"}
    )

    assert response.status_code == 200
    assert "未被锁定" in page(response)


def test_it_refuses_an_exclusion_once_the_result_is_locked(
    objects: dict, township_a1_client: Client
) -> None:
    election = objects["election"]
    Election.objects.filter(pk=election.pk).update(locked=True)

    response = township_a1_client.post(
        url("exclusion_create", election.pk),
        {"exclusion-name": "孙六", "exclusion-reason": "abroad"},
    )
    assert response.status_code == 200
    assert "已审核锁定" in page(response)

    response = township_a1_client.post(
        url("exclusion_delete", objects["exclusion"].pk), follow=True
    )
    assert "已审核锁定" in " ".join(shown_messages(response))
    assert VoterExclusion.objects.filter(election=election).count() == 1


# Query counts -------------------------------------------------------------------------------


def election_page_queries(client: Client, election: Election) -> int:
    client.get(url("election_detail", election.pk))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("election_detail", election.pk)).status_code == 200
    return len(queries)


def test_the_election_page_costs_the_same_with_more_candidates_and_rounds(
    world: World, township_a1: User, colleague: User
) -> None:
    client = signed_in(township_a1)
    small, large = world.election("a1", 0), world.election("a1", 1)
    for election, count in ((small, 4), (large, 9)):
        candidacies = [make_candidacy(election, township_a1, n + 10 * count) for n in range(count)]
        services.notice_post(
            by=township_a1,
            election=election,
            kind="prospective",
            start_date=TODAY - 10 * DAY,
            end_date=TODAY - 5 * DAY,
        )
        services.election_steps_ensure(election=election)
        vote_round = services.round_open(
            by=township_a1,
            election=election,
            kind=RoundKind.COMMITTEE,
            seats=3,
            held_on=TODAY,
            candidacies=candidacies,
        )
        votes = {c.pk: 10 for c in candidacies}
        data = tally(vote_round, votes)
        for user in (township_a1, colleague):
            signed_in(user).post(url("tally_entry", vote_round.pk), data)

    assert election_page_queries(client, small) == election_page_queries(client, large)


# Admin ----------------------------------------------------------------------------------------


def test_the_admin_keeps_a_locked_result_read_only(objects: dict) -> None:
    candidacy = objects["candidacy"]
    request = RequestFactory().get("/")
    request.user = CityUserFactory(is_superuser=True)
    candidacy_admin = site._registry[Candidacy]

    assert candidacy_admin.has_change_permission(request, candidacy)
    Election.objects.filter(pk=candidacy.election_id).update(locked=True)
    candidacy.election.refresh_from_db()
    assert not candidacy_admin.has_change_permission(request, candidacy)
    assert not candidacy_admin.has_delete_permission(request, candidacy)


@pytest.mark.parametrize(
    ("typed", "stored", "message"),
    [
        ("0523-8123 4567", "052381234567", None),
        ("１３８ ００１３ ８０００", "13800138000", None),
        ("+86 138 0013 8000", "13800138000", None),
        ("（0523）81234567", "052381234567", None),
        ("12345", None, "“12345”不是有效的电话号码。"),
        ("23800138000", None, "手机号码应以1开头。"),
    ],
)
def test_it_checks_the_phone_as_the_import_does(
    election: Election, township_a1_client: Client, typed: str, stored: str | None, message: str
) -> None:
    response = township_a1_client.post(
        url("candidacy_create", election.pk),
        {
            "id_number": id_number(8),
            "name": "王芳",
            "ethnicity": "汉族",
            "education": "bachelor",
            "source": "other",
            "post_sought": "member",
            "phone": typed,
        },
    )

    if stored is None:
        assert response.status_code == 200
        assert message in page(response)
        assert 'id="id_phone_error"' in page(response)
        assert not Candidacy.objects.exists()
    else:
        assert response.status_code == 302, page(response)
        assert Candidacy.objects.get().person.phone == stored
