"""Excel for risks and inspection visits: templates, imports (all or nothing, every error in
Chinese, within the user's region, never duplicating) and the exports of all four lists, read
back with openpyxl and imported again."""

from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from oversight.models import InspectionVisit, Risk, RiskStatus, TrainingLevel
from oversight.resources import (
    RISK_COLUMNS,
    VISIT_COLUMNS,
    RiskImporter,
    VisitImporter,
)
from sheets.importing import Outcome
from sheets.models import ImportJob, ImportStatus
from sheets.reader import WorkbookError
from sheets.services import run_import
from tests.conftest import World
from tests.factories import InspectionGroupFactory
from tests.oversight.oversight_objects import (
    adjustment,
    days_ago,
    risk,
    township_training,
    training,
    upload,
    visit,
    xlsx,
)

Capture = Callable[..., object]
RISK_HEADERS = [column.header for column in RISK_COLUMNS]
VISIT_HEADERS = [column.header for column in VISIT_COLUMNS]


@pytest.fixture(autouse=True)
def uploads(settings: object, tmp_path: Path) -> Path:
    """Uploads go to this test's own folder, never to var/."""
    settings.DATA_DIR = tmp_path
    return tmp_path / "imports"


def risk_row(code: str, **cells: object) -> list[object]:
    values = {
        "区划代码": code,
        "矛盾类型": "土地纠纷",
        "风险等级(高/中/低)": "高",
        "情况描述": "村民小组之间土地承包调整纠纷",
        "化解责任人": "王建国",
        "化解措施": "镇村联合调处",
        "化解状态(未化解/化解中/已化解)": "已化解",
        "排查日期": days_ago(30),
        "化解日期": days_ago(10),
    } | cells
    return [values.get(header, "") for header in RISK_HEADERS]


def visit_row(township: str, **cells: object) -> list[object]:
    values = {
        "督查日期": days_ago(3),
        "乡镇(街道)代码": township,
        "发现问题": "公推大会现场秩序良好",
        "整改要求": "",
        "是否整改到位": "否",
    } | cells
    return [values.get(header, "") for header in VISIT_HEADERS]


def import_risks(user: User, world: World, rows: list[list[object]]) -> Outcome:
    return RiskImporter(user=user, campaign=world.campaign).run([RISK_HEADERS, *rows])


def messages(outcome: Outcome) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in outcome.errors]


def sheet_rows(response: object) -> list[tuple]:
    workbook = load_workbook(BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


# Templates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "sheet", "headers"), [
    ("risks", "矛盾隐患排查", RISK_HEADERS),
    ("visits", "督查记录", VISIT_HEADERS),
])  # fmt: skip
def test_it_serves_the_templates(
    kind: str, sheet: str, headers: list[str], county_a_client: Client
) -> None:
    response = county_a_client.get(reverse("sheets:template_download", args=[kind]))

    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["填写说明", sheet]
    assert [cell.value for cell in workbook[sheet][1]] == headers


# Risks ----------------------------------------------------------------------------------------


def test_a_township_imports_risks_through_the_pages(
    world: World,
    township_a1: User,
    township_a1_client: Client,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # given: two risks of the township's villages
    content = xlsx(
        "矛盾隐患排查",
        RISK_HEADERS,
        [
            risk_row(world.village("a1").code),
            risk_row(
                world.village("a1", 1).code,
                **{"化解状态(未化解/化解中/已化解)": "化解中", "化解日期": "", "矛盾类型": "宗族"},
            ),
        ],
    )

    # when: uploaded, checked and confirmed
    with django_capture_on_commit_callbacks(execute=True):
        township_a1_client.post(
            reverse("sheets:import_start"),
            {"kind": "risks", "campaign": world.campaign.pk, "upload": upload(content)},
        )
    job = ImportJob.objects.get()
    assert (job.status, job.created, job.updated) == (ImportStatus.VALID, 2, 0)
    with django_capture_on_commit_callbacks(execute=True):
        township_a1_client.post(reverse("sheets:job_confirm", args=[job.pk]))

    # then: both are written, with their labels read, and each is in the audit log
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    risks = {r.village.code: r for r in Risk.objects.select_related("village")}
    assert risks[world.village("a1").code].status == RiskStatus.RESOLVED
    assert risks[world.village("a1", 1).code].category == "clan"
    for risk_ in risks.values():
        assert LogEntry.objects.get_for_object(risk_).get().actor == township_a1


def test_a_risk_file_with_mistakes_writes_nothing_and_explains_each_in_chinese(
    world: World, township_a1: User
) -> None:
    outcome = import_risks(
        township_a1,
        world,
        [
            risk_row(world.village("a1").code),
            risk_row(world.village("b1").code),
            risk_row(world.village("a1").code, **{"化解日期": "", "情况描述": "另一纠纷"}),
            risk_row("3201", **{"矛盾类型": "打架", "风险等级(高/中/低)": ""}),
            risk_row(world.village("a1", 1).code, **{"化解日期": days_ago(40)}),
        ],
    )

    found = messages(outcome)
    assert [(row, column) for row, column, _message in found] == [
        (3, "区划代码"),
        (4, "化解日期"),
        (5, "区划代码"),
        (5, "矛盾类型"),
        (5, "风险等级(高/中/低)"),
        (6, "化解日期"),
    ]
    assert found[0][2] == "该村(社区)不在您的管辖范围内。"
    assert found[1][2] == "请填写矛盾隐患的化解日期。"
    assert found[2][2] == "区划代码应为12位数字。"
    # A closed list's message names the value and the official labels (not the synonyms).
    assert "打架" in found[3][2] and "宗族势力干扰、土地纠纷、经济纠纷" in found[3][2]
    assert "宗族势力、" not in found[3][2]
    assert found[5][2] == "化解日期不能早于排查日期。"
    assert not Risk.objects.exists()


def test_the_same_risk_imported_twice_is_refused_the_second_time(
    world: World, township_a1: User
) -> None:
    rows = [risk_row(world.village("a1").code)]
    assert import_risks(township_a1, world, rows).created == 1

    again = import_risks(township_a1, world, rows + rows)

    kept = Risk.objects.get()
    assert (
        3,
        "情况描述",
        f"该矛盾隐患已登记，编号为{kept.pk}；如需修改，请填写编号。",
    ) in messages(again)
    assert (2, "情况描述", "第2、3行是同一个矛盾隐患。") in messages(again)
    assert Risk.objects.count() == 1


def test_an_exported_risk_list_imports_again_as_updates(
    world: World, township_a1: User, township_a1_client: Client
) -> None:
    # given: two risks of A1 and one of B1, which A1 must not export
    first = risk(world.village("a1"), world.campaign)
    risk(world.village("a1", 1), world.campaign, status=RiskStatus.IN_PROGRESS)
    risk(world.village("b1"), world.campaign)

    # when: exported ...
    response = township_a1_client.get(reverse("oversight:risk_export"))
    rows = sheet_rows(response)

    # then: the import sheet's headers, then the extra columns, and A1's risks only
    assert response.status_code == 200
    assert list(rows[0][: len(RISK_HEADERS)]) == RISK_HEADERS
    assert rows[0][len(RISK_HEADERS) :] == (
        "所属乡镇(街道)",
        "是否重难点村",
        "选举日期",
        "是否在选举前化解",
    )
    assert [row[0] for row in rows[1:]] == sorted(
        r.pk for r in Risk.objects.exclude(village__code__startswith="320102")
    )
    assert rows[1][1:9] == (
        world.village("a1").code, world.village("a1").name, "土地纠纷", "中",
        "村民小组之间土地承包调整纠纷", "王建国", None, "未化解",
    )  # fmt: skip

    # when: one status is changed in Excel and the file imported again
    workbook = load_workbook(BytesIO(response.content))
    workbook.active["I2"], workbook.active["K2"] = "已化解", days_ago(1)
    buffer = BytesIO()
    workbook.save(buffer)
    sheet = list(load_workbook(buffer).active.iter_rows(values_only=True))
    outcome = RiskImporter(user=township_a1, campaign=world.campaign).run(sheet)

    # then: the two rows update, nothing is added
    assert messages(outcome) == []
    assert (outcome.created, outcome.updated) == (0, 2)
    first.refresh_from_db()
    assert (first.status, first.resolved_on) == (RiskStatus.RESOLVED, days_ago(1))
    assert Risk.objects.count() == 3


def test_a_risk_number_of_another_region_is_refused(world: World, township_a1: User) -> None:
    theirs = risk(world.village("b1"), world.campaign)

    outcome = import_risks(
        township_a1, world, [[theirs.pk, *risk_row(world.village("a1").code)[1:]]]
    )

    assert messages(outcome) == [
        (2, "编号(新增留空)", "您管辖范围内本次换届没有该编号的矛盾隐患。")
    ]


def test_an_inspector_cannot_import_risks(world: World, inspector: User) -> None:
    outcome = import_risks(inspector, world, [risk_row(world.village("a1").code)])

    assert messages(outcome) == [(2, "区划代码", "该村(社区)不在您的管辖范围内。")]


def test_the_risk_export_honours_the_lists_filters(world: World, county_a_client: Client) -> None:
    risk(world.village("a1"), world.campaign)
    risk(world.village("a2"), world.campaign, category="clan")

    rows = sheet_rows(county_a_client.get(reverse("oversight:risk_export"), {"category": "clan"}))

    assert [row[1] for row in rows[1:]] == [world.village("a2").code]


# Inspection visits ----------------------------------------------------------------------------


def import_visits(user: User, rows: list[list[object]]) -> Outcome:
    return VisitImporter(user=user).run([VISIT_HEADERS, *rows])


def test_an_inspector_imports_visits_of_its_own_group(world: World, inspector: User) -> None:
    outcome = import_visits(
        inspector,
        [
            visit_row(world.township_a1.code),
            visit_row(
                world.township_a1.code,
                **{"村(社区)区划代码": world.village("a1").code, "整改要求": "限期整改",
                   "是否整改到位": "是"},
            ),
        ],
    )  # fmt: skip

    assert messages(outcome) == []
    assert outcome.created == 2
    visits = InspectionVisit.objects.order_by("pk")
    assert {v.group for v in visits} == {world.inspection_group}
    assert {v.created_by for v in visits} == {inspector}
    assert (visits[1].village, visits[1].follow_up_done) == (world.village("a1"), True)
    assert LogEntry.objects.get_for_object(visits[0]).get().actor == inspector


def test_a_visit_file_outside_the_groups_townships_writes_nothing(
    world: World, inspector: User
) -> None:
    other = InspectionGroupFactory(name="第二督查指导组", townships=[world.township_a1])
    theirs = visit(other, world.township_a1)

    outcome = import_visits(
        inspector,
        [
            visit_row(world.township_a2.code),
            visit_row(world.township_a1.code, **{"村(社区)区划代码": world.village("b1").code}),
            [theirs.pk, *visit_row(world.township_a1.code)[1:]],
            visit_row(world.township_a1.code, **{"是否整改到位": "是"}),
            visit_row("999999999", **{"督查日期": days_ago(-2)}),
        ],
    )

    assert messages(outcome) == [
        (2, "乡镇(街道)代码", "您所在的督查指导组不负责该乡镇(街道)。"),
        (3, "村(社区)区划代码", "该村(社区)不属于这个乡镇(街道)。"),
        (4, "编号(新增留空)", "本组没有该编号的督查记录。"),
        (5, "整改要求", "标记整改到位前，请先填写整改要求。"),
        (6, "督查日期", "该日期晚于今天。"),
        (6, "乡镇(街道)代码", "没有使用该区划代码的乡镇(街道)。"),
    ]
    assert InspectionVisit.objects.count() == 1


@pytest.mark.parametrize("persona", ["township_a1", "county_a", "city"])
def test_only_an_inspection_group_imports_visits(
    persona: str, world: World, users: dict[str, User], tmp_path: Path
) -> None:
    path = tmp_path / "督查.xlsx"
    path.write_bytes(xlsx("督查记录", VISIT_HEADERS, [visit_row(world.township_a1.code)]))

    outcome = run_import(by=users[persona], kind="visits", campaign=None, path=path, dry_run=True)

    assert messages(outcome) == [(0, "", "只有督查指导组成员才能导入本组的督查记录。")]
    with pytest.raises(WorkbookError):
        import_visits(users[persona], [visit_row(world.township_a1.code)])


def test_an_exported_visit_list_imports_again_as_updates(
    world: World, inspector: User, inspector_client: Client
) -> None:
    own = visit(world.inspection_group, world.township_a1, follow_up="限期整改")

    rows = sheet_rows(inspector_client.get(reverse("oversight:visit_export")))

    assert list(rows[0][: len(VISIT_HEADERS)]) == VISIT_HEADERS
    assert rows[1][:7] == (own.pk, rows[1][1], world.township_a1.code, None, own.findings,
                           "限期整改", "否")  # fmt: skip
    rows[1] = (*rows[1][:6], "是", *rows[1][7:])
    outcome = VisitImporter(user=inspector).run([list(row) for row in rows])
    assert (messages(outcome), outcome.created, outcome.updated) == ([], 0, 1)
    own.refresh_from_db()
    assert own.follow_up_done


# Exports of the other lists -------------------------------------------------------------------


def test_the_adjustment_export_lists_the_region_with_chinese_labels(
    world: World, township_a1_client: Client
) -> None:
    adjustment(world.village("a1"), world.campaign, reason="health")
    adjustment(world.village("b1"), world.campaign)

    rows = sheet_rows(township_a1_client.get(reverse("oversight:adjustment_export")))

    assert rows[0][:3] == ("区划代码", "村(社区)名称", "所属乡镇(街道)")
    assert len(rows) == 2
    assert rows[1][0] == world.village("a1").code
    assert (rows[1][6], rows[1][9]) == ("身体原因", "是")


def test_the_training_export_lists_what_the_region_sees(
    world: World, township_b1_client: Client
) -> None:
    training(title="全市换届业务培训")
    training(level=TrainingLevel.COUNTY, county=world.county_a, title="甲县培训")
    township_training(world.township_b1, title="乙一镇培训", exam_taken=True, passed=30)

    rows = sheet_rows(township_b1_client.get(reverse("oversight:training_export")))

    titles = {row[4]: row for row in rows[1:]}
    assert set(titles) == {"全市换届业务培训", "乙一镇培训"}
    assert titles["乙一镇培训"][1:4] == ("乡镇级", "乙县", "乙一镇")
    assert titles["乙一镇培训"][6:8] == ("是", 30)
