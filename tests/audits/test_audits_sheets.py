"""The audits' Excel side: templates that import once filled in, all-or-nothing imports of
audits and findings, exports within the user's region that import again unchanged."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import User
from audits.models import Audit, AuditFinding, AuditStatus
from audits.resources import AuditImporter, FindingImporter, yuan
from audits.services import MSG_DONE_TOTALS
from candidates.models import Candidacy, Person
from sheets.importing import Outcome
from sheets.models import ImportJob, ImportStatus
from sheets.parsing import CellError
from sheets.registry import importer_for
from sheets.workbooks import template
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
AUDIT_HEADER = [column.header for column in AuditImporter.columns]
FINDING_HEADER = [column.header for column in FindingImporter.columns]


def audit_row(code: str, **cells: object) -> list[object]:
    values = {
        "code": code,
        "village_name": "",
        "period_start": "2021.01",
        "period_end": "2021.12",
        "auditors": "县农经站 王明",
        "status": "已完成",
        "completed_on": TODAY.isoformat(),
        "funds": "856,000.50",
        "resources": "耕地1200亩",
        "assets": "320万",
        "finding_count": "",
        "finding_amount": "",
        "rectified_count": "",
    } | cells
    return [values[column.key] for column in AuditImporter.columns]


def finding_row(code: str, **cells: object) -> list[object]:
    values = {
        "code": code,
        "village_name": "",
        "description": "白条入账",
        "amount": "12000",
        "responsible_name": "王有才",
        "rectified": "否",
        "rectified_on": "",
    } | cells
    return [values[column.key] for column in FindingImporter.columns]


def import_audits(user: User, world: World, *rows: list[object]) -> Outcome:
    return AuditImporter(user=user, campaign=world.campaign).run([AUDIT_HEADER, *rows])


def import_findings(user: User, world: World, *rows: list[object]) -> Outcome:
    return FindingImporter(user=user, campaign=world.campaign).run([FINDING_HEADER, *rows])


def errors_of(outcome: Outcome) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in outcome.errors}


# Audits ---------------------------------------------------------------------------------------


def test_it_is_registered_with_the_import_pages() -> None:
    assert importer_for("audits") is AuditImporter
    assert importer_for("audit_findings") is FindingImporter
    assert AuditImporter.sheet_name == "经济审计"
    assert AUDIT_HEADER == [
        "区划代码", "村(社区)名称", "审计起始", "审计截止", "审计人员", "状态(计划/进行中/已完成)",
        "完成日期", "资金(元)", "资源", "资产(元)", "问题数", "问题金额(元)", "已整改",
    ]  # fmt: skip


def test_it_creates_then_updates_an_audit(world: World, township_a1: User) -> None:
    code = world.village("a1").code

    created = import_audits(township_a1, world, audit_row(code, status="进行中", completed_on=""))
    updated = import_audits(township_a1, world, audit_row(code))

    assert (created.created, created.updated) == (1, 0), created.errors
    assert (updated.created, updated.updated) == (0, 1), updated.errors
    audit = Audit.objects.get(village=world.village("a1"), campaign=world.campaign)
    assert (audit.status, audit.completed_on) == (AuditStatus.DONE, TODAY)
    # A month alone: the period starts on its first day and ends on its last.
    assert (audit.period_start, audit.period_end) == (
        datetime.date(2021, 1, 1),
        datetime.date(2021, 12, 31),
    )
    assert (audit.funds, audit.assets) == (Decimal("856000.50"), Decimal("3200000.00"))
    assert audit.updated_by == township_a1


def test_it_imports_its_own_template_filled_in(
    world: World, township_a1: User, tmp_path: Path
) -> None:
    # given: the template as downloaded, the example row left in, one row typed below it
    workbook = load_workbook(BytesIO(template(AuditImporter)))
    sheet = workbook[AuditImporter.sheet_name]
    for column, value in enumerate(audit_row(world.village("a1").code), start=1):
        sheet.cell(row=3, column=column, value=value)
    path = tmp_path / "audits.xlsx"
    workbook.save(path)

    # when
    outcome = AuditImporter(user=township_a1, campaign=world.campaign).run_file(path)

    # then: the example row is skipped, the typed row imported
    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated) == (1, 0)
    assert Audit.objects.get().village == world.village("a1")


def test_it_reports_every_fault_of_a_row(world: World, township_a1: User) -> None:
    outcome = import_audits(
        township_a1,
        world,
        audit_row(
            world.village("a1").code,
            village_name="别的村",
            status="已完成",
            completed_on="",
            funds="很多",
            assets="-5",
        ),
    )

    assert errors_of(outcome) == {
        (2, "村(社区)名称"),
        (2, "完成日期"),
        (2, "资金(元)"),
        (2, "资产(元)"),
    }
    assert not Audit.objects.exists()


def test_it_writes_nothing_when_one_row_is_wrong(world: World, township_a1: User) -> None:
    outcome = import_audits(
        township_a1,
        world,
        audit_row(world.village("a1").code),
        audit_row(world.village("a1", 1).code, status="审计完毕"),
    )

    assert errors_of(outcome) == {(3, "状态(计划/进行中/已完成)")}
    assert not Audit.objects.exists()


def test_it_refuses_villages_outside_the_region_and_duplicates(
    world: World, township_a1: User
) -> None:
    code = world.village("a1").code

    outcome = import_audits(
        township_a1, world, audit_row(code), audit_row(code), audit_row(world.village("b1").code)
    )

    assert errors_of(outcome) == {(2, "区划代码"), (3, "区划代码"), (4, "区划代码")}


def test_it_lets_no_read_only_user_import(world: World, inspector: User) -> None:
    outcome = import_audits(inspector, world, audit_row(world.village("a1").code))

    assert errors_of(outcome) == {(2, "区划代码")}


def test_it_keeps_a_done_audits_totals_unless_the_row_reopens_it(
    world: World, township_a1: User
) -> None:
    code = world.village("a1").code
    import_audits(township_a1, world, audit_row(code))

    # a row that keeps it done and changes the funds is refused ...
    refused = import_audits(township_a1, world, audit_row(code, funds="1"))
    assert [e.message for e in refused.errors] == [str(MSG_DONE_TOTALS)]
    # ... a row that takes it back to in progress may change them
    reopened = import_audits(
        township_a1, world, audit_row(code, funds="1", status="进行中", completed_on="")
    )
    assert reopened.ok, reopened.errors
    assert Audit.objects.get().funds == Decimal("1.00")


def test_it_checks_the_summary_columns_against_the_recorded_findings(
    world: World, township_a1: User
) -> None:
    code = world.village("a1").code

    # a first import cannot say there are findings: they are loaded from their own sheet
    outcome = import_audits(township_a1, world, audit_row(code, finding_count=2))
    assert errors_of(outcome) == {(2, "问题数")}

    # once loaded, a summary that agrees passes
    assert import_audits(township_a1, world, audit_row(code)).ok
    assert import_findings(
        township_a1,
        world,
        finding_row(code),
        finding_row(code, amount="500", rectified="是", rectified_on=TODAY.isoformat()),
    ).ok
    agreeing = audit_row(code, finding_count=2, finding_amount="12500", rectified_count=1)
    assert import_audits(township_a1, world, agreeing).ok
    disagreeing = audit_row(code, finding_count=2, finding_amount="1", rectified_count=2)
    assert errors_of(import_audits(township_a1, world, disagreeing)) == {
        (2, "问题金额(元)"),
        (2, "已整改"),
    }


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        (12500, Decimal("12500.00")),
        (12500.5, Decimal("12500.50")),
        (0.1 + 0.2, Decimal("0.30")),  # a float Excel computed
        ("１２,５００.５元", Decimal("12500.50")),
        ("1.25万", Decimal("12500.00")),
        ("", None),
    ],
)
def test_it_reads_amounts_the_way_they_are_typed(cell: object, amount: Decimal | None) -> None:
    assert yuan(cell) == amount


@pytest.mark.parametrize("cell", ["很多", "-1", "12.345", "NaN", "1e13", True])
def test_it_refuses_what_is_not_an_amount(cell: object) -> None:
    with pytest.raises(CellError):
        yuan(cell)


# Findings ---------------------------------------------------------------------------------


@pytest.fixture
def audited(world: World, township_a1: User) -> Audit:
    assert import_audits(township_a1, world, audit_row(world.village("a1").code)).ok
    return Audit.objects.get()


def test_it_replaces_a_villages_findings_and_links_the_candidate_named(
    world: World, township_a1: User, audited: Audit
) -> None:
    # given: 王有才 stands in the village's election
    person = Person.objects.create(
        name="王有才",
        gender="M",
        birth_date=datetime.date(1980, 1, 1),
        id_number="320102198001010018",
        township=world.township_a1,
    )
    Candidacy.objects.create(election=world.election("a1"), person=person, education="bachelor")
    code = world.village("a1").code

    # when: imported twice, the second time with one finding fewer
    first = import_findings(
        township_a1, world, finding_row(code), finding_row(code, responsible_name="外村人")
    )
    second = import_findings(township_a1, world, finding_row(code))

    # then
    assert first.ok and second.ok, (first.errors, second.errors)
    finding = AuditFinding.objects.get()
    assert (finding.audit, finding.amount) == (audited, Decimal("12000.00"))
    assert (finding.responsible_person, finding.responsible_name) == (person, "王有才")


def test_a_finding_needs_its_villages_audit_first(world: World, township_a1: User) -> None:
    outcome = import_findings(township_a1, world, finding_row(world.village("a1").code))

    assert errors_of(outcome) == {(2, "区划代码")}


def test_it_writes_no_finding_when_one_row_is_wrong(
    world: World, township_a1: User, audited: Audit
) -> None:
    code = world.village("a1").code

    outcome = import_findings(
        township_a1,
        world,
        finding_row(code),
        finding_row(code, rectified="是", rectified_on=""),
        finding_row(code, description="", amount="几千"),
    )

    assert errors_of(outcome) == {(3, "整改日期"), (4, "问题描述"), (4, "问题金额(元)")}
    assert not AuditFinding.objects.exists()


def test_the_findings_template_imports_once_filled_in(
    world: World, township_a1: User, audited: Audit, tmp_path: Path
) -> None:
    workbook = load_workbook(BytesIO(template(FindingImporter)))
    sheet = workbook[FindingImporter.sheet_name]
    for column, value in enumerate(finding_row(world.village("a1").code), start=1):
        sheet.cell(row=3, column=column, value=value)
    path = tmp_path / "findings.xlsx"
    workbook.save(path)

    outcome = FindingImporter(user=township_a1, campaign=world.campaign).run_file(path)

    assert outcome.ok, outcome.errors
    assert AuditFinding.objects.count() == 1


# Exports ----------------------------------------------------------------------------------


def sheet_of(response: object) -> Worksheet:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content)).worksheets[0]


@pytest.fixture
def recorded(world: World, county_a: User, township_b1: User) -> None:
    """Audits in A1 (with two findings), A2 and B1."""
    assert import_audits(
        county_a, world, audit_row(world.village("a1").code), audit_row(world.village("a2").code)
    ).ok
    assert import_audits(township_b1, world, audit_row(world.village("b1").code)).ok
    assert import_findings(
        county_a,
        world,
        finding_row(world.village("a1").code),
        finding_row(world.village("a1").code, amount="0", responsible_name="李四", rectified="是",
                    rectified_on=TODAY.isoformat()),
    ).ok  # fmt: skip


def test_the_export_holds_the_users_region_only(
    world: World, recorded: None, township_a1_client: Client, county_a_client: Client
) -> None:
    url = reverse("audits:audit_export")

    township = [
        row[0]
        for row in sheet_of(township_a1_client.get(url)).iter_rows(min_row=2, values_only=True)
    ]
    county = [
        row[0] for row in sheet_of(county_a_client.get(url)).iter_rows(min_row=2, values_only=True)
    ]

    assert township == [world.village("a1").code]
    assert county == [world.village("a1").code, world.village("a2").code]


def test_the_export_follows_the_lists_filters(
    world: World, recorded: None, city_client: Client
) -> None:
    response = city_client.get(reverse("audits:audit_export"), {"county": world.county_b.pk})

    codes = [row[0] for row in sheet_of(response).iter_rows(min_row=2, values_only=True)]
    assert codes == [world.village("b1").code]


def test_the_export_summarises_findings_with_names_and_nothing_more_personal(
    world: World, recorded: None, township_a1_client: Client
) -> None:
    sheet = sheet_of(township_a1_client.get(reverse("audits:audit_export")))
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))

    assert header[: len(AUDIT_HEADER)] == AUDIT_HEADER
    assert (row["问题数"], row["问题金额(元)"], row["已整改"], row["未整改"]) == (2, 12000, 1, 1)
    assert row["责任人"] == "王有才、李四"
    assert row["状态(计划/进行中/已完成)"] == "已完成"
    assert not {"公民身份号码", "联系电话"} & set(header)


def test_an_exported_sheet_imports_again_unchanged(
    world: World, recorded: None, township_a1: User, township_a1_client: Client, tmp_path: Path
) -> None:
    # given: the township's export, saved as a file
    for name, url in (("audits", "audits:audit_export"), ("findings", "audits:finding_export")):
        (tmp_path / f"{name}.xlsx").write_bytes(township_a1_client.get(reverse(url)).content)
    before = list(Audit.objects.values_list("village", "status", "funds", "assets", "resources"))

    # when: imported again
    audits = AuditImporter(user=township_a1, campaign=world.campaign).run_file(
        tmp_path / "audits.xlsx"
    )
    findings = FindingImporter(user=township_a1, campaign=world.campaign).run_file(
        tmp_path / "findings.xlsx"
    )

    # then: every row updates, nothing changes, the summary columns agree
    assert audits.ok, audits.errors
    assert (audits.created, audits.updated) == (0, 1)
    assert findings.ok, findings.errors
    assert AuditFinding.objects.count() == 2
    after = list(Audit.objects.values_list("village", "status", "funds", "assets", "resources"))
    assert after == before


def test_the_findings_export_holds_the_users_region_only(
    world: World, recorded: None, township_b1_client: Client
) -> None:
    sheet = sheet_of(township_b1_client.get(reverse("audits:finding_export")))

    assert list(sheet.iter_rows(min_row=2, values_only=True)) == []


# Through the import pages -----------------------------------------------------------------


def test_the_import_pages_load_the_audits_sheet(
    world: World,
    township_a1_client: Client,
    tmp_path: Path,
    settings: object,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    # given: the template with one row typed in, uploaded as the 经济审计 kind
    settings.DATA_DIR = tmp_path
    workbook = load_workbook(BytesIO(template(AuditImporter)))
    sheet = workbook[AuditImporter.sheet_name]
    for column, value in enumerate(audit_row(world.village("a1").code), start=1):
        sheet.cell(row=3, column=column, value=value)
    buffer = BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("经济审计.xlsx", buffer.getvalue())
    data = {"kind": "audits", "campaign": world.campaign.pk, "upload": upload}

    # when: uploaded (checked), then confirmed (imported)
    with django_capture_on_commit_callbacks(execute=True):
        response = township_a1_client.post(reverse("sheets:import_start"), data)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert ImportJob.objects.get().status == ImportStatus.VALID, job.errors
    with django_capture_on_commit_callbacks(execute=True):
        township_a1_client.post(reverse("sheets:job_confirm", args=[job.pk]))

    # then
    assert ImportJob.objects.get().status == ImportStatus.DONE
    assert Audit.objects.get().village == world.village("a1")
