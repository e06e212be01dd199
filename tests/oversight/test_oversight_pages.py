"""The pages of risks, secretary adjustments, inspection visits and training, per persona.

Scoping: 404 outside the user's region, 403 for read-only roles; inspection groups write
only their own group's visits (403 for another group's, 404 outside their townships).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from accounts.models import InspectionGroup, User
from elections.models import Village
from oversight.models import (
    InspectionVisit,
    Risk,
    SecretaryAdjustment,
    TrainingLevel,
    TrainingSession,
)
from tests.conftest import World
from tests.factories import InspectionGroupFactory
from tests.oversight.oversight_objects import (
    adjustment,
    days_ago,
    risk,
    township_training,
    training,
    visit,
)


@dataclass
class Records:
    risk_a1: Risk
    risk_b1: Risk
    adjustment_a1: SecretaryAdjustment
    own_visit: InspectionVisit  # the inspector's group, in A1
    other_group_visit: InspectionVisit  # another group, also assigned A1
    visit_a2: InspectionVisit  # another group, in A2 (outside the inspector's townships)
    city_training: TrainingSession
    training_a1: TrainingSession
    other_group: InspectionGroup


@pytest.fixture
def records(world: World) -> Records:
    other = InspectionGroupFactory(
        name="第二督查指导组", townships=[world.township_a1, world.township_a2]
    )
    return Records(
        risk_a1=risk(world.village("a1"), world.campaign),
        risk_b1=risk(world.village("b1"), world.campaign, description="乙县纠纷"),
        adjustment_a1=adjustment(world.village("a1"), world.campaign),
        own_visit=visit(world.inspection_group, world.township_a1),
        other_group_visit=visit(other, world.township_a1, findings="第二组发现的问题"),
        visit_a2=visit(other, world.township_a2),
        city_training=training(),
        training_a1=township_training(world.township_a1),
        other_group=other,
    )


def url(name: str, *args: object) -> str:
    return reverse(f"oversight:{name}", args=args)


# Scoping, per model and persona ---------------------------------------------------------------

PERSONAS = ("city", "county_a", "township_a1", "township_b1", "inspector", "no_role")
READ_A1 = (200, 200, 200, 404, 200, 403)
WRITE_A1 = (200, 200, 200, 404, 403, 403)
VISIT_READ = (200, 200, 200, 404, 200, 403)
OWN_VISIT_WRITE = (403, 403, 403, 404, 200, 403)
OTHER_VISIT_WRITE = (403, 403, 403, 404, 403, 403)
VISIT_A2 = (200, 200, 404, 404, 404, 403)
CITY_TRAINING_READ = (200, 200, 200, 200, 200, 403)
CITY_TRAINING_WRITE = (200, 403, 403, 403, 403, 403)

CASES: dict[str, tuple[str, Callable[[Records], object], tuple[int, ...]]] = {
    "risk-detail": ("risk_detail", lambda r: r.risk_a1, READ_A1),
    "risk-edit": ("risk_edit", lambda r: r.risk_a1, WRITE_A1),
    "adjustment-detail": ("adjustment_detail", lambda r: r.adjustment_a1, READ_A1),
    "adjustment-edit": ("adjustment_edit", lambda r: r.adjustment_a1, WRITE_A1),
    "visit-detail": ("visit_detail", lambda r: r.own_visit, VISIT_READ),
    "own-visit-edit": ("visit_edit", lambda r: r.own_visit, OWN_VISIT_WRITE),
    "other-group-visit-detail": ("visit_detail", lambda r: r.other_group_visit, VISIT_READ),
    "other-group-visit-edit": ("visit_edit", lambda r: r.other_group_visit, OTHER_VISIT_WRITE),
    "visit-a2-detail": ("visit_detail", lambda r: r.visit_a2, VISIT_A2),
    "visit-a2-edit": ("visit_edit", lambda r: r.visit_a2, (403, 403, 404, 404, 404, 403)),
    "training-a1-detail": ("training_detail", lambda r: r.training_a1, READ_A1),
    "training-a1-edit": ("training_edit", lambda r: r.training_a1, WRITE_A1),
    "city-training-detail": ("training_detail", lambda r: r.city_training, CITY_TRAINING_READ),
    "city-training-edit": ("training_edit", lambda r: r.city_training, CITY_TRAINING_WRITE),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_scopes_each_record_to_the_users_region_and_role(
    case: str, persona: str, records: Records, client_for: Callable[[str], Client]
) -> None:
    name, pick, statuses = CASES[case]

    response = client_for(persona).get(url(name, pick(records).pk))

    assert response.status_code == statuses[PERSONAS.index(persona)]


@pytest.mark.parametrize(
    ("name", "statuses"),
    [
        ("risk_create", (200, 200, 200, 200, 403, 403)),
        ("adjustment_create", (200, 200, 200, 200, 403, 403)),
        ("training_create", (200, 200, 200, 200, 403, 403)),
        # The one page an inspection group writes on; nobody else records visits.
        ("visit_create", (403, 403, 403, 403, 200, 403)),
    ],
)
def test_only_writers_open_the_create_pages(
    name: str, statuses: tuple[int, ...], world: World, client_for: Callable[[str], Client]
) -> None:
    for persona, expected in zip(PERSONAS, statuses, strict=True):
        assert client_for(persona).get(url(name)).status_code == expected, persona


def test_a_risk_cannot_be_started_in_a_village_out_of_reach(
    world: World, township_a1_client: Client
) -> None:
    response = township_a1_client.get(url("risk_create") + f"?village={world.village('b1').pk}")

    assert response.status_code == 404


# Inspection visits: the group writes its own --------------------------------------------------

VISIT = {"visited_on": days_ago(2).isoformat(), "findings": "党员大会到会人数不足", "follow_up": ""}


def test_an_inspector_records_a_visit_of_its_own_group(
    world: World, inspector: User, inspector_client: Client
) -> None:
    # when
    response = inspector_client.post(
        url("visit_create"),
        VISIT | {"township": world.township_a1.pk, "village": world.village("a1").pk},
    )

    # then: the visit is the group's, recorded by the member, and in the audit log
    visit = InspectionVisit.objects.get()
    assert response.status_code == 302
    assert response.url == url("visit_detail", visit.pk)
    assert (visit.group, visit.created_by, visit.village) == (
        world.inspection_group,
        inspector,
        world.village("a1"),
    )
    entry = LogEntry.objects.get_for_object(visit).get()
    assert entry.actor == inspector
    assert entry.action == LogEntry.Action.CREATE


def test_an_inspector_cannot_record_a_visit_outside_its_townships(
    world: World, inspector_client: Client
) -> None:
    response = inspector_client.post(
        url("visit_create"), VISIT | {"township": world.township_a2.pk}
    )

    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    assert "选择一个有效的选项" in response.text
    assert not InspectionVisit.objects.exists()


def test_an_inspector_edits_its_own_groups_visit(
    records: Records, world: World, inspector_client: Client
) -> None:
    visit = records.own_visit

    response = inspector_client.post(
        url("visit_edit", visit.pk),
        VISIT
        | {"township": world.township_a1.pk, "follow_up": "会前逐人告知", "follow_up_done": "on"},
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.follow_up, visit.follow_up_done) == ("会前逐人告知", True)


@pytest.mark.parametrize(
    ("which", "expected"), [("other_group_visit", 403), ("visit_a2", 404)], ids=["403", "404"]
)
def test_an_inspector_cannot_change_another_groups_visit(
    which: str, expected: int, records: Records, world: World, inspector_client: Client
) -> None:
    visit = getattr(records, which)

    response = inspector_client.post(
        url("visit_edit", visit.pk), VISIT | {"township": world.township_a1.pk}
    )

    assert response.status_code == expected
    visit.refresh_from_db()
    assert visit.findings != VISIT["findings"]


@pytest.mark.parametrize("persona", ["city", "county_a", "township_a1"])
def test_the_county_city_and_township_read_visits_but_do_not_write_them(
    persona: str, records: Records, world: World, client_for: Callable[[str], Client]
) -> None:
    client = client_for(persona)

    created = client.post(url("visit_create"), VISIT | {"township": world.township_a1.pk})
    changed = client.post(url("visit_edit", records.own_visit.pk), VISIT)

    assert (created.status_code, changed.status_code) == (403, 403)
    assert client.get(url("visit_list")).status_code == 200
    assert InspectionVisit.objects.count() == 3


def test_the_visit_list_counts_visits_groups_and_pending_follow_up(
    records: Records, county_a_client: Client
) -> None:
    InspectionVisit.objects.filter(pk=records.own_visit.pk).update(follow_up="限期整改")

    response = county_a_client.get(url("visit_list"))

    assert (response.context["total"], response.context["groups_visiting"]) == (3, 2)
    assert response.context["pending"] == 1


def test_the_inspector_lists_only_the_visits_of_its_townships(
    records: Records, inspector_client: Client
) -> None:
    response = inspector_client.get(url("visit_list"))

    assert {v.pk for v in response.context["page"]} == {
        records.own_visit.pk,
        records.other_group_visit.pk,
    }


# Inspection groups ----------------------------------------------------------------------------


def test_the_group_page_lists_members_townships_and_visits_within_scope(
    records: Records, inspector: User, client_for: Callable[[str], Client]
) -> None:
    def groups(persona: str) -> dict[str, object]:
        page = client_for(persona).get(url("group_list")).context["page"]
        return {group.name: group for group in page}

    # The inspector sees its own group; county A both groups of its townships; B none.
    assert set(groups("inspector")) == {"第一督查指导组"}
    assert set(groups("county_a")) == {"第一督查指导组", "第二督查指导组"}
    assert set(groups("township_b1")) == set()
    assert set(groups("city")) == {"第一督查指导组", "第二督查指导组"}
    # Members and visit counts: township A1 sees only the visits to A1.
    first = groups("township_a1")["第一督查指导组"]
    assert list(first.members.all()) == [inspector]
    assert groups("township_a1")["第二督查指导组"].visit_count == 1
    assert groups("city")["第二督查指导组"].visit_count == 2
    assert inspector.get_full_name() in client_for("county_a").get(url("group_list")).text


# Risks and difficult villages -----------------------------------------------------------------

RISK = {
    "category": "clan",
    "level": "high",
    "description": "两大姓氏争夺村党组织书记职位",
    "owner": "王建国",
    "plan": "镇党委书记包村，逐户走访",
    "status": "open",
    "found_on": days_ago(15).isoformat(),
    "resolved_on": "",
}


def test_a_township_records_a_risk_in_its_village(
    world: World, township_a1: User, township_a1_client: Client
) -> None:
    response = township_a1_client.post(
        url("risk_create") + f"?campaign={world.campaign.pk}",
        RISK | {"village": world.village("a1").pk},
    )

    risk = Risk.objects.get()
    assert response.status_code == 302
    assert response.url == url("risk_detail", risk.pk)
    assert (risk.village, risk.campaign, risk.level) == (
        world.village("a1"),
        world.campaign,
        "high",
    )
    assert LogEntry.objects.get_for_object(risk).get().actor == township_a1


def test_a_risk_cannot_be_recorded_in_another_township(
    world: World, township_a1_client: Client
) -> None:
    response = township_a1_client.post(
        url("risk_create"), RISK | {"village": world.village("b1").pk}
    )

    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not Risk.objects.exists()


@pytest.mark.parametrize(
    ("change", "chinese"),
    [
        ({"status": "resolved"}, "请填写矛盾隐患的化解日期"),
        ({"resolved_on": days_ago(1).isoformat()}, "只有已化解的矛盾隐患才填写化解日期"),
        (
            {"status": "resolved", "resolved_on": days_ago(30).isoformat()},
            "化解日期不能早于排查日期",
        ),
        ({"found_on": days_ago(-3).isoformat()}, "该日期晚于今天"),
        ({"description": ""}, "这个字段是必填项"),
    ],
    ids=["no-date", "date-while-open", "before-found", "future", "required"],
)
def test_a_bad_risk_is_sent_back_with_chinese_errors(
    change: dict, chinese: str, records: Records, township_a1_client: Client
) -> None:
    response = township_a1_client.post(url("risk_edit", records.risk_a1.pk), RISK | change)

    assert response.status_code == 200
    assert chinese in response.text
    assert 'aria-invalid="true"' in response.text
    records.risk_a1.refresh_from_db()
    assert records.risk_a1.owner == "王建国" and records.risk_a1.level == "medium"


def test_the_risk_list_counts_and_lists_the_users_region_only(
    records: Records, world: World, township_a1_client: Client
) -> None:
    Risk.objects.filter(pk=records.risk_a1.pk).update(status="resolved", resolved_on=days_ago(1))
    Village.objects.filter(pk__in=[world.village("a1").pk, world.village("b1").pk]).update(
        is_difficult=True
    )

    response = township_a1_client.get(url("risk_list"))

    assert [r.pk for r in response.context["page"]] == [records.risk_a1.pk]
    counts = response.context["counts"]
    assert (counts.found, counts.resolved, counts.resolved_before_election) == (1, 1, 1)
    assert [v.pk for v in response.context["difficult"]] == [world.village("a1").pk]
    assert response.context["difficult"][0].risk_total == 1
    # A township official is offered its own villages that are not flagged yet.
    assert [v.pk for v in response.context["flaggable"]] == [world.village("a1", 1).pk]


def test_the_risk_list_filters_by_status(records: Records, county_a_client: Client) -> None:
    shown = county_a_client.get(url("risk_list"), {"status": "resolved"}).context["page"]
    assert list(shown) == []

    shown = county_a_client.get(url("risk_list"), {"status": "open"}).context["page"]
    assert [r.pk for r in shown] == [records.risk_a1.pk]


def test_a_township_flags_and_unflags_a_difficult_village_through_the_service(
    world: World, township_a1: User, township_a1_client: Client
) -> None:
    village = world.village("a1")
    back = url("risk_list") + f"?township={world.township_a1.pk}"

    flagged = township_a1_client.post(
        url("village_difficult", village.pk), {"difficult": "1", "next": back}
    )
    village.refresh_from_db()
    assert flagged.url == back and village.is_difficult

    township_a1_client.post(url("village_difficult", village.pk), {"difficult": "0"})
    village.refresh_from_db()
    assert not village.is_difficult
    # Both changes are in the village's audit history, by the official.
    changes = LogEntry.objects.get_for_object(village).filter(action=LogEntry.Action.UPDATE)
    changes = changes.order_by("timestamp")
    assert [e.changes_dict["is_difficult"] for e in changes] == [
        ["False", "True"],
        ["True", "False"],
    ]
    assert {e.actor for e in changes} == {township_a1}


@pytest.mark.parametrize(("persona", "expected"), [("inspector", 403), ("township_b1", 404)])
def test_only_writers_of_the_region_flag_a_village(
    persona: str, expected: int, world: World, client_for: Callable[[str], Client]
) -> None:
    village = world.village("a1")

    response = client_for(persona).post(url("village_difficult", village.pk), {"difficult": "1"})

    assert response.status_code == expected
    village.refresh_from_db()
    assert not village.is_difficult


# Secretary adjustments ------------------------------------------------------------------------

ADJUSTMENT = {
    "adjusted_on": days_ago(20).isoformat(),
    "previous_secretary": "李四",
    "new_secretary": "张三",
    "reason": "weak",
    "reason_detail": "",
    "approved_by": "甲一镇党委",
}


def test_a_county_records_a_secretary_adjustment(world: World, county_a_client: Client) -> None:
    response = county_a_client.post(
        url("adjustment_create"), ADJUSTMENT | {"village": world.village("a2").pk}
    )

    adjustment = SecretaryAdjustment.objects.get()
    assert response.url == url("adjustment_detail", adjustment.pk)
    assert adjustment.campaign == world.campaign
    listed = county_a_client.get(url("adjustment_list")).context
    assert (listed["total"], listed["before_election"]) == (1, 1)


@pytest.mark.parametrize(
    ("change", "chinese"),
    [
        ({"new_secretary": "李四"}, "新任书记与原任书记是同一人"),
        ({"reason": "other"}, "请说明原因"),
        ({"reason": "bribe"}, "选择一个有效的选项"),
    ],
    ids=["same-person", "other-without-detail", "unknown-reason"],
)
def test_a_bad_adjustment_is_sent_back_with_chinese_errors(
    change: dict, chinese: str, world: World, township_a1_client: Client
) -> None:
    response = township_a1_client.post(
        url("adjustment_create"), ADJUSTMENT | {"village": world.village("a1").pk} | change
    )

    assert response.status_code == 200
    assert chinese in response.text
    assert not SecretaryAdjustment.objects.exists()


# Training -------------------------------------------------------------------------------------

TRAINING = {
    "held_on": days_ago(40).isoformat(),
    "title": "组织委员换届业务培训",
    "participants": "35",
    "notes": "",
}


def test_a_township_records_its_own_training(world: World, township_a1_client: Client) -> None:
    response = township_a1_client.post(
        url("training_create"),
        TRAINING
        | {"level": "township", "township": world.township_a1.pk, "exam_taken": "on", "passed": 33},
    )

    session = TrainingSession.objects.get()
    assert response.url == url("training_detail", session.pk)
    # The county of a township's training is taken from the township.
    assert (session.level, session.county, session.passed) == ("township", world.county_a, 33)


@pytest.mark.parametrize(
    ("persona", "change"),
    [
        ("township_a1", {"level": "county", "county": "A"}),
        ("township_a1", {"level": "township", "township": "A2"}),
        ("county_a", {"level": "city"}),
        ("county_a", {"level": "township", "township": "B1"}),
    ],
    ids=["township-as-county", "other-township", "county-as-city", "other-county"],
)
def test_nobody_records_training_above_its_level_or_outside_its_region(
    persona: str, change: dict, world: World, client_for: Callable[[str], Client]
) -> None:
    objects = {
        "A": world.county_a.pk,
        "A2": world.township_a2.pk,
        "B1": world.township_b1.pk,
    }
    data = TRAINING | {key: objects.get(value, value) for key, value in change.items()}

    response = client_for(persona).post(url("training_create"), data)

    assert response.status_code == 200
    assert "选择一个有效的选项" in response.text
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize(
    ("change", "chinese"),
    [
        ({"exam_taken": "on", "passed": "36"}, "考试合格人数超过了参训人数"),
        ({"exam_taken": "on"}, "请填写考试合格人数"),
        ({"passed": "10"}, "没有进行考试的培训不填写考试合格人数"),
        ({"level": "county", "county": ""}, "请选择主办的县(市、区)"),
    ],
    ids=["too-many-passed", "exam-without-result", "result-without-exam", "no-county"],
)
def test_a_bad_training_is_sent_back_with_chinese_errors(
    change: dict, chinese: str, county_a_client: Client, world: World
) -> None:
    data = TRAINING | {"level": "township", "township": world.township_a1.pk} | change

    response = county_a_client.post(url("training_create"), data)

    assert response.status_code == 200
    assert chinese in response.text
    assert not TrainingSession.objects.exists()


def test_the_training_list_shows_what_the_region_sees_with_totals(
    records: Records, world: World, township_b1_client: Client
) -> None:
    training(level=TrainingLevel.COUNTY, county=world.county_a, participants=12)
    township_training(world.township_b1, participants=8, exam_taken=True, passed=8)

    response = township_b1_client.get(url("training_list"))

    assert {s.pk for s in response.context["page"]} == {
        records.city_training.pk,
        TrainingSession.objects.get(township=world.township_b1).pk,
    }
    assert response.context["totals"]["trained"] == 48
    assert response.context["totals"]["passed_exam"] == 8


def test_every_write_of_the_pages_lands_in_the_audit_log(
    records: Records, county_a: User, county_a_client: Client, world: World
) -> None:
    county_a_client.post(
        url("training_edit", records.training_a1.pk),
        TRAINING | {"level": "township", "township": world.township_a1.pk, "title": "改名"},
    )
    county_a_client.post(url("risk_edit", records.risk_a1.pk), RISK)

    for model, obj in ((TrainingSession, records.training_a1), (Risk, records.risk_a1)):
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=obj.pk
        )
        assert entries.filter(action=LogEntry.Action.UPDATE, actor=county_a).exists(), model
