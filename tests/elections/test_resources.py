"""Importing villages with their Party organizations, and a campaign's elections."""

import datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.models import User
from elections.models import Branch, Election, ElectionStatus, Village
from elections.resources import ElectionImporter, VillageImporter
from elections.services import MSG_LOCKED
from sheets.importing import Outcome
from sheets.reader import WorkbookError
from sheets.workbooks import template
from tests.conftest import World
from tests.factories import BranchFactory, CampaignFactory

pytestmark = pytest.mark.django_db

VILLAGE_HEADER = [column.header for column in VillageImporter.columns]
ELECTION_HEADER = [column.header for column in ElectionImporter.columns]
TODAY = timezone.localdate()


def village_row(code: str = "320101001003", **cells: object) -> list[object]:
    """A good row for a new village of township A1 (320101001), with ``cells`` changed."""
    values = {
        "code": code,
        "name": "新建村",
        "kind": "村",
        "township_code": code[:9],
        "party_members": 42,
        "grade": "先进村",
        "is_difficult": "否",
        "branch_name": "",
        "branch_kind": "党支部",
        "seats": 5,
    } | cells
    return [values[column.key] for column in VillageImporter.columns]


def election_row(code: str, **cells: object) -> list[object]:
    values = {
        "code": code,
        "village_name": "",
        "method": "公推直选",
        "mode": "直接选举",
        "batch": 1,
        "status": "进行中",
        "reason": "",
        "planned": "2026-03-10",
        "held": "",
        "branch_name": "",
    } | cells
    return [values[column.key] for column in ElectionImporter.columns]


def import_villages(user: User, *rows: list[object]) -> Outcome:
    return VillageImporter(user=user).run([VILLAGE_HEADER, *rows])


def import_elections(user: User, world: World, *rows: list[object]) -> Outcome:
    return ElectionImporter(user=user, campaign=world.campaign).run([ELECTION_HEADER, *rows])


def errors_of(outcome: Outcome) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in outcome.errors}


def messages_of(outcome: Outcome) -> list[str]:
    return [error.message for error in outcome.errors]


# Villages -----------------------------------------------------------------------------------


def test_it_creates_a_village_with_its_branch_entered_in_the_running_campaign(
    world: World, township_a1: User
) -> None:
    outcome = import_villages(township_a1, village_row())

    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated) == (1, 0)
    village = Village.objects.get(code="320101001003")
    assert (village.name, village.kind, village.township, village.party_members) == (
        "新建村",
        "rural",
        world.township_a1,
        42,
    )
    assert (village.grade, village.is_difficult) == ("advanced", False)
    # An empty organization name takes the village's name and the kind, as village_create does.
    branch = Branch.objects.get(village=village)
    assert (branch.name, branch.kind, branch.seats) == ("新建村党支部", "branch", 5)
    # The new organization takes part in the campaign still running, like one added by hand.
    election = Election.objects.get(branch=branch)
    assert (election.campaign, election.updated_by) == (world.campaign, township_a1)


def test_it_updates_on_re_import_and_never_duplicates(world: World, township_a1: User) -> None:
    # given
    import_villages(township_a1, village_row())

    # when: the same file again, then with changed details
    again = import_villages(township_a1, village_row())
    changed = import_villages(
        township_a1, village_row(name="新建社区", kind="社区", seats=3, grade="", party_members="")
    )

    # then
    assert (again.created, again.updated) == (0, 1)
    assert (changed.created, changed.updated) == (1, 0)  # a new name makes a new branch
    village = Village.objects.get(code="320101001003")
    assert (village.name, village.kind, village.grade, village.party_members) == (
        "新建社区",
        "community",
        "middle",  # an empty grade counts as 中间村, an empty count as 0
        0,
    )
    assert Village.objects.filter(code="320101001003").count() == 1
    assert Election.objects.filter(branch__village=village).count() == 2


def test_it_updates_an_existing_branch_by_village_and_name(world: World, township_a1: User) -> None:
    village = world.village("a1")
    branch = world.branch("a1")
    row = village_row(
        village.code,
        name=village.name,
        branch_name=branch.name,
        branch_kind="党总支",
        seats=7,
    )

    outcome = import_villages(township_a1, row)

    assert (outcome.created, outcome.updated) == (0, 1)
    branch.refresh_from_db()
    assert (branch.kind, branch.seats) == ("general_branch", 7)
    assert Branch.objects.filter(village=village).count() == 1
    assert Election.objects.filter(branch=branch).count() == 1


def test_it_counts_creations_and_updates_on_a_dry_run_without_writing(
    world: World, township_a1: User
) -> None:
    village = world.village("a1")
    rows = [
        VILLAGE_HEADER,
        village_row(village.code, name=village.name, branch_name=world.branch("a1").name, seats=4),
        village_row(),
    ]

    outcome = VillageImporter(user=township_a1).run(rows, dry_run=True)

    assert (outcome.created, outcome.updated) == (1, 1)
    assert not Village.objects.filter(code="320101001003").exists()
    assert Branch.objects.get(pk=world.branch("a1").pk).seats == 3


def test_it_imports_two_branches_of_one_village(world: World, township_a1: User) -> None:
    outcome = import_villages(
        township_a1,
        village_row(branch_name="新建村第一党支部"),
        village_row(branch_name="新建村第二党支部", seats=3),
    )

    assert outcome.ok, outcome.errors
    assert Branch.objects.filter(village__code="320101001003").count() == 2


def test_it_reports_every_fault_of_a_row(world: World, township_a1: User) -> None:
    row = village_row(
        "32010100100X",
        name="",
        kind="乡",
        township_code="32010100",
        party_members="很多",
        grade="优秀村",
        is_difficult="也许",
        branch_kind="党小组",
        seats="",
    )

    outcome = import_villages(township_a1, row)

    assert errors_of(outcome) == {
        (2, header)
        for header in (
            "区划代码",
            "村(社区)名称",
            "类型(村/社区)",
            "所属乡镇(街道)代码",
            "党员人数",
            "分类定级(先进村/中间村/薄弱村)",
            "是否重难点村",
            "党组织类型(党委/党总支/党支部)",
            "委员职数",
        )
    }


@pytest.mark.parametrize(
    ("kind", "seats", "ok"),
    [("党支部", 3, True), ("党支部", 6, False), ("党总支", 5, True), ("党委", 4, False),
     ("党委", 7, True), ("党委", 8, False), ("党支部", 2, False)],
)  # fmt: skip
def test_it_keeps_seats_within_the_kinds_limits(
    world: World, township_a1: User, kind: str, seats: int, ok: bool
) -> None:
    outcome = import_villages(township_a1, village_row(branch_kind=kind, seats=seats))

    assert outcome.ok is ok
    if not ok:
        assert errors_of(outcome) == {(2, "委员职数")}


def test_it_refuses_numbers_too_big_for_the_database(world: World, township_a1: User) -> None:
    villages = import_villages(township_a1, village_row(party_members=10**12, seats=10**6))
    elections = import_elections(
        township_a1, world, election_row(world.village("a1").code, batch=40000)
    )

    assert errors_of(villages) == {(2, "党员人数"), (2, "委员职数")}
    assert errors_of(elections) == {(2, "批次")}


def test_it_wants_the_village_code_to_start_with_the_townships(
    world: World, township_a1: User
) -> None:
    outcome = import_villages(township_a1, village_row("320101002009", township_code="320101001"))

    assert errors_of(outcome) == {(2, "区划代码")}
    assert messages_of(outcome) == [_("A village's code must start with its township's code.")]


@pytest.mark.parametrize(
    ("township_code", "message"),
    [
        ("320101002", "This township is outside your region."),  # A2: the same county
        ("320102001", "This township is outside your region."),  # B1: another county
        ("320101009", "No township has this code."),
        ("3201010", "A township code has 9 digits."),
    ],
)
def test_it_refuses_a_township_outside_a_township_officials_own(
    world: World, township_a1: User, township_code: str, message: str
) -> None:
    row = village_row(f"{township_code}003" if len(township_code) == 9 else "320101001003")
    row[VILLAGE_HEADER.index("所属乡镇(街道)代码")] = township_code

    outcome = import_villages(township_a1, row)

    assert (2, "所属乡镇(街道)代码") in errors_of(outcome)
    assert _(message) in messages_of(outcome)


def test_it_lets_a_county_write_in_all_its_townships_only(world: World, county_a: User) -> None:
    good = import_villages(county_a, village_row(), village_row("320101002003"))
    outside = import_villages(county_a, village_row("320102001003"))

    assert good.ok, good.errors
    assert errors_of(outside) == {(2, "所属乡镇(街道)代码")}


def test_it_lets_no_read_only_user_import(world: World, inspector: User) -> None:
    outcome = import_villages(inspector, village_row())

    assert errors_of(outcome) == {(2, "所属乡镇(街道)代码")}


def test_it_finds_duplicates_and_disagreements_inside_the_file(
    world: World, township_a1: User
) -> None:
    outcome = import_villages(
        township_a1,
        village_row(),
        village_row(),  # the same branch twice
        village_row("320101001004", branch_name="甲支部"),
        village_row("320101001004", branch_name="乙支部", name="别名村"),
    )

    assert errors_of(outcome) == {
        (2, "党组织名称"),
        (3, "党组织名称"),
        (4, "区划代码"),
        (5, "区划代码"),
    }


def test_it_writes_nothing_when_one_row_is_wrong(world: World, township_a1: User) -> None:
    outcome = import_villages(township_a1, village_row(), village_row("320101001004", seats=9))

    assert errors_of(outcome) == {(3, "委员职数")}
    assert not Village.objects.filter(code__in=["320101001003", "320101001004"]).exists()


def test_it_imports_its_own_template_filled_in(
    world: World, township_a1: User, tmp_path: Path
) -> None:
    # given: the template as downloaded, the example row left in, one row typed below it
    workbook = load_workbook(BytesIO(template(VillageImporter)))
    sheet = workbook[VillageImporter.sheet_name]
    for column, value in enumerate(village_row(grade="薄弱", seats="５"), start=1):
        sheet.cell(row=3, column=column, value=value)
    path = tmp_path / "villages.xlsx"
    workbook.save(path)

    # when
    outcome = VillageImporter(user=township_a1).run_file(path)

    # then: the example row is skipped; full-width digits and a short label are understood
    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated) == (1, 0)
    assert Village.objects.get(code="320101001003").grade == "weak"


# Elections --------------------------------------------------------------------------------


def test_it_updates_an_election_of_the_campaign(world: World, township_a1: User) -> None:
    election = world.election("a1")
    code = election.branch.village.code
    row = election_row(
        code, status="已完成", held="2026年1月5日", method="常规选举", mode="", batch=2
    )

    outcome = import_elections(township_a1, world, row)
    again = import_elections(township_a1, world, row)

    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated) == (0, 1)
    assert (again.created, again.updated) == (0, 1)
    election.refresh_from_db()
    assert (election.status, election.method, election.batch) == ("completed", "conventional", 2)
    # An empty mode takes the one the method implies.
    assert election.mode == "indirect"
    assert election.held_date == datetime.date(2026, 1, 5)
    assert election.planned_date == datetime.date(2026, 3, 10)
    assert election.updated_by == township_a1
    assert Election.objects.filter(campaign=world.campaign).count() == 8


def test_it_creates_the_election_of_a_branch_not_yet_entered(
    world: World, township_a1: User
) -> None:
    # given: a village of A1 with two branches, the second one not in the campaign
    village = world.village("a1")
    second = BranchFactory(village=village, name="第二党支部")

    outcome = import_elections(
        township_a1, world, election_row(village.code, branch_name="第二党支部")
    )

    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated) == (1, 0)
    assert Election.objects.get(branch=second).campaign == world.campaign


def test_it_asks_which_branch_when_a_village_has_several(world: World, township_a1: User) -> None:
    village = world.village("a1")
    BranchFactory(village=village, name="第二党支部")

    unnamed = import_elections(township_a1, world, election_row(village.code))
    unknown = import_elections(township_a1, world, election_row(village.code, branch_name="无"))

    assert errors_of(unnamed) == {(2, "党组织名称")}
    assert errors_of(unknown) == {(2, "党组织名称")}


RULES = [
    # (cells, the column of the error, the message: Election.clean's own)
    ({"status": "延期", "reason": ""}, "延期原因", "Give the reason for postponing the election."),
    ({"status": "已完成", "held": ""}, "选举日期",
     "A completed election needs the date it was held."),
    ({"status": "未启动", "held": "2026-01-05"}, "选举日期",
     "An election that has not started cannot have been held."),
    ({"method": "常规选举", "mode": "直接选举"}, "选举办法(直接选举/间接选举)",
     "A conventional election is always indirect."),
    ({"method": "公推直选", "mode": "间接选举"}, "选举办法(直接选举/间接选举)",
     "Public nomination and direct election is always direct."),
    ({"method": "两推一选", "mode": ""}, "选举办法(直接选举/间接选举)",
     "Give the mode: 直接选举 or 间接选举."),
    ({"status": "已完成", "held": (TODAY + datetime.timedelta(days=1)).isoformat()}, "选举日期",
     "The election date is in the future."),
    ({"planned": "2026.03"}, "计划选举日期", "Give the day too, like 2026-03-12."),
]  # fmt: skip


@pytest.mark.parametrize(("cells", "column", "message"), RULES)
def test_it_checks_every_rule_of_an_election(
    world: World, township_a1: User, cells: dict, column: str, message: str
) -> None:
    code = world.village("a1").code

    outcome = import_elections(township_a1, world, election_row(code, **cells))

    assert errors_of(outcome) == {(2, column)}
    assert messages_of(outcome) == [_(message)]
    assert Election.objects.get(pk=world.election("a1").pk).status == ElectionStatus.NOT_STARTED


def test_it_accepts_a_postponed_election_with_its_reason(world: World, township_a1: User) -> None:
    code = world.village("a1").code

    outcome = import_elections(
        township_a1, world, election_row(code, status="延期", reason="候选人人选尚未确定")
    )

    assert outcome.ok, outcome.errors
    election = Election.objects.get(pk=world.election("a1").pk)
    assert (election.status, election.postponement_reason) == ("postponed", "候选人人选尚未确定")


def test_it_reports_all_the_faults_of_an_election_row(world: World, township_a1: User) -> None:
    row = election_row(
        world.village("a1").code,
        village_name="别的村",
        method="海选",
        batch=0,
        status="",
        held="2026-13-01",
    )

    outcome = import_elections(township_a1, world, row)

    assert errors_of(outcome) == {
        (2, "村(社区)名称"),
        (2, "选举方式(公推直选/两推一选/常规选举)"),
        (2, "批次"),
        (2, "状态(未启动/进行中/已完成/延期)"),
        (2, "选举日期"),
    }


def test_it_refuses_a_locked_election(world: World, township_a1: User) -> None:
    Election.objects.filter(pk=world.election("a1").pk).update(locked=True)

    outcome = import_elections(township_a1, world, election_row(world.village("a1").code))

    assert errors_of(outcome) == {(2, "区划代码")}
    assert messages_of(outcome) == [str(MSG_LOCKED)]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("320102001001", "This village is outside your region."),
        ("320101002001", "This village is outside your region."),
        ("320101001999", "No village or community has this code."),
        ("3201010010", "A division code has 12 digits."),
    ],
)
def test_it_refuses_a_code_outside_the_users_region(
    world: World, township_a1: User, code: str, message: str
) -> None:
    outcome = import_elections(township_a1, world, election_row(code))

    assert errors_of(outcome) == {(2, "区划代码")}
    assert messages_of(outcome) == [_(message)]


def test_it_lets_an_inspector_change_no_election(world: World, inspector: User) -> None:
    outcome = import_elections(inspector, world, election_row(world.village("a1").code))

    assert messages_of(outcome) == [_("This village is outside your region.")]


def test_it_finds_the_same_election_twice_in_a_file(world: World, township_a1: User) -> None:
    code = world.village("a1").code

    outcome = import_elections(
        township_a1, world, election_row(code), election_row(code, status="未启动", planned="")
    )

    assert errors_of(outcome) == {(2, "区划代码"), (3, "区划代码")}


def test_it_writes_no_election_when_one_row_is_wrong(world: World, county_a: User) -> None:
    good = [election_row(world.village(t, i).code, status="进行中") for t in ("a1", "a2")
            for i in (0, 1)]  # fmt: skip
    bad = election_row(world.village("a2", 1).code, status="延期")

    outcome = import_elections(county_a, world, *good[:3], bad)

    assert errors_of(outcome) == {(5, "延期原因")}
    assert not Election.objects.filter(status="in_progress").exists()


def test_it_imports_elections_into_the_chosen_campaign_only(
    world: World, township_a1: User
) -> None:
    # given: an earlier campaign in which the same village took part
    earlier = CampaignFactory(name="2021年集中换届")
    old = Election.objects.create(campaign=earlier, branch=world.branch("a1"))

    outcome = ElectionImporter(user=township_a1, campaign=earlier).run(
        [
            ELECTION_HEADER,
            election_row(world.village("a1").code, status="已完成", held="2021-05-01"),
        ]
    )

    assert outcome.ok, outcome.errors
    old.refresh_from_db()
    assert old.status == "completed"
    assert Election.objects.get(pk=world.election("a1").pk).status == "not_started"


def test_it_needs_a_campaign(world: World, township_a1: User) -> None:
    with pytest.raises(WorkbookError):
        ElectionImporter(user=township_a1).run(
            [ELECTION_HEADER, election_row(world.village("a1").code)]
        )


# Whatever is typed ------------------------------------------------------------------------

CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.text(max_size=20),
    st.sampled_from(["是", "否", "村", "社区", "党支部", "党委", "5", "已完成", "延期", "公推直选",
                     "320101001", "320101001003", "2026-13-01", "２０２６．３．１", "=1+2"]),
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_it_never_fails_and_never_writes_part_of_a_file(
    world: World, township_a1: User, data: st.DataObject
) -> None:
    # given: a good row among rows of random cells, for either importer
    importer = data.draw(st.sampled_from([VillageImporter, ElectionImporter]))
    width = len(importer.columns)
    noise = data.draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=3))
    good = village_row() if importer is VillageImporter else election_row(world.village("a1").code)
    header = [column.header for column in importer.columns]
    before = (Village.objects.count(), Branch.objects.count(), list(Election.objects.values()))

    with transaction.atomic():
        # when: nothing may raise
        outcome = importer(user=township_a1, campaign=world.campaign).run([header, good, *noise])

        # then: all or nothing
        after = (Village.objects.count(), Branch.objects.count(), list(Election.objects.values()))
        transaction.set_rollback(True)  # each example starts from the same world
    if outcome.errors:
        assert after == before
    else:
        assert outcome.created + outcome.updated == outcome.rows
