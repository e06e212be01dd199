"""The 信访登记 sheet: its template, the import (every error of every row, in Chinese; new
petitions numbered, corrections by number; the same rules as the form) and the export
(phones masked unless revealed by a logged action; it imports again)."""

import datetime
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import User
from petitions import services
from petitions.models import EventAction, Level, Petition
from petitions.resources import PETITION_COLUMNS, PetitionImporter
from sheets.importing import Outcome
from sheets.models import ImportJob, ImportStatus
from sheets.registry import importer_for
from tests.conftest import World
from tests.petitions.conftest import RECENT, TODAY, Register

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in PETITION_COLUMNS]


def row(**cells: object) -> list:
    """A sheet row; ``cells`` by column key."""
    values = {
        "received_on": RECENT.isoformat(),
        "level": "县",
        "county_code": "320101",
        "channel": "来访",
        "real_name": "实名",
        "petitioner": "吴十",
        "phone": "13700001111",
        "people": 2,
        "category": "贿选拉票",
        "content": "反映有人请客拉票",
    }
    values.update(cells)
    return [values.get(column.key, "") for column in PETITION_COLUMNS]


def run(user: User, *rows: list, dry_run: bool = False, world: World | None = None) -> Outcome:
    importer = PetitionImporter(user=user, campaign=world.campaign if world else None)
    return importer.run([HEADERS, *rows], dry_run=dry_run)


def errors(outcome: Outcome) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in outcome.errors]


def sheet_of(response: object) -> Worksheet:
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content)).worksheets[0]


def records(sheet: Worksheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


# The template ------------------------------------------------------------------------------


def test_the_importer_is_registered_with_its_sheet() -> None:
    importer = importer_for("petitions")

    assert importer is PetitionImporter
    assert importer.sheet_name == "信访登记"


def test_the_template_has_the_sheet_with_its_dropdowns(county_a_client: Client) -> None:
    response = county_a_client.get(reverse("sheets:template_download", args=["petitions"]))

    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook["信访登记"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    formulas = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert '"来信,来电,来访,网上信访,领导信箱,热线电话"' in formulas
    assert '"市,县,乡镇"' in formulas


def test_the_templates_example_row_is_skipped(county_a: User) -> None:
    example = [column.example for column in PETITION_COLUMNS]

    outcome = run(county_a, example, row(), dry_run=True)

    assert outcome.ok
    assert outcome.rows == 1


# Importing ---------------------------------------------------------------------------------


def test_it_registers_each_row_numbered_with_its_event_and_audit_entry(
    world: World, county_a: User
) -> None:
    outcome = run(
        county_a,
        row(village_code=world.village("a2").code),
        row(level="乡镇", township_code=world.township_a2.code, county_code="", content="其二"),
    )

    assert errors(outcome) == []
    assert (outcome.created, outcome.updated) == (2, 0)
    first, second = Petition.objects.order_by("pk")
    assert first.number.endswith("-县-0001")
    assert (first.about_township, first.people_count) == (world.township_a2, 2)
    assert second.receiving_township == world.township_a2
    assert second.county == world.county_a
    assert all(p.events.get().action == EventAction.REGISTERED for p in (first, second))
    assert LogEntry.objects.get_for_object(first).exists()


def test_a_dry_run_writes_nothing(county_a: User) -> None:
    outcome = run(county_a, row(), row(content="其二"), dry_run=True)

    assert (outcome.ok, outcome.created) == (True, 2)
    assert not Petition.objects.exists()


def test_it_reports_every_error_of_every_row_and_writes_nothing(
    world: World, county_a: User
) -> None:
    outcome = run(
        county_a,
        row(),  # a good row: not written either
        row(level="省", channel="写信", received_on="2026-13-01", content="二"),
        row(real_name="匿名", petitioner="有名字", content="三"),
        row(level="乡镇", county_code="", township_code="", content="四"),
        row(village_code=world.village("b1").code, content="五"),
        row(village_code="999999999999", candidate="某人", content="六"),
        row(content=""),
    )

    found = errors(outcome)
    rows_with_errors = {r for r, _c, _m in found}
    assert rows_with_errors == {3, 4, 5, 6, 7, 8}
    columns = {(r, c) for r, c, _m in found}
    assert {(3, "受理层级(市/县/乡镇)"), (3, "来源渠道"), (3, "收到日期")} <= columns
    assert (4, "信访人", str(services.MSG_ANONYMOUS_NAME)) in found
    assert (5, "受理乡镇(街道)代码", str(services.MSG_TOWNSHIP_REQUIRED)) in found
    assert (6, "涉及乡镇(街道)代码", str(services.MSG_OUTSIDE_REGION)) in found
    assert (7, "涉及村(社区)区划代码", _("No village or community has this code.")) in found
    assert [(c, m) for r, c, m in found if r == 8] == [("信访内容", _("This cell is required."))]
    assert not Petition.objects.exists()


def test_a_township_cannot_import_a_petition_about_itself(world: World, township_a1: User) -> None:
    outcome = run(
        township_a1,
        row(
            level="乡镇",
            county_code="",
            township_code=world.township_a1.code,
            village_code=world.village("a1").code,
        ),
    )

    assert errors(outcome) == [
        (2, "涉及乡镇(街道)代码", str(services.MSG_ABOUT_OWN_TOWNSHIP)),
    ]


def test_a_township_imports_what_it_received(world: World, township_a1: User) -> None:
    outcome = run(township_a1, row(level="乡镇", county_code="", township_code="320101001"))

    assert outcome.ok, errors(outcome)
    assert Petition.objects.get().receiving_township == world.township_a1


def test_it_refuses_a_petition_already_registered_or_twice_in_the_file(
    county_a: User, register: Register
) -> None:
    existing = register(
        county_a, real_name=True, petitioner_name="吴十", content="反映有人请客拉票"
    )

    outcome = run(county_a, row(), row(content="其二"), row(content="其二"))

    found = errors(outcome)
    assert found[0][:2] == (2, "编号")
    assert existing.number in found[0][2]
    assert {(r, c) for r, c, _m in found[1:]} == {(3, "信访内容"), (4, "信访内容")}


def test_a_row_with_a_number_corrects_that_petition(
    world: World, county_a: User, register: Register
) -> None:
    petition = register(county_a)

    outcome = run(county_a, row(number=petition.number, content="更正内容", people=5))

    assert (outcome.created, outcome.updated) == (0, 1)
    petition.refresh_from_db()
    assert (petition.content, petition.people_count) == ("更正内容", 5)
    assert Petition.objects.count() == 1


def test_a_correction_keeps_the_level_and_respects_the_workflow(
    county_a: User, register: Register
) -> None:
    petition = register(county_a)
    services.petition_decline(by=county_a, petition=petition, on=TODAY, reason="已有结论")

    moved = run(county_a, row(number=petition.number, level="市"))
    closed = run(county_a, row(number=petition.number))

    assert ("受理层级(市/县/乡镇)", str(services.MSG_UNIT_FIXED)) in [
        (c, m) for _r, c, m in errors(moved)
    ]
    assert errors(closed) == [(2, "编号", str(services.MSG_NOT_EDITABLE))]


# Exporting ---------------------------------------------------------------------------------


@pytest.fixture
def with_phone(county_a: User, register: Register) -> Petition:
    return register(
        county_a, real_name=True, petitioner_name="郑十一", petitioner_phone="13912345678"
    )


def test_the_export_masks_phones_by_default(county_a_client: Client, with_phone: Petition) -> None:
    sheet = sheet_of(county_a_client.get(reverse("petitions:petition_export")))

    (record,) = records(sheet)
    assert record["编号"] == with_phone.number
    assert record["联系电话"] == "139****5678"
    assert record["是否超期"] == "否"
    assert record["状态"] == "已登记"
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_export_reveals_phones_only_by_a_logged_post(
    county_a_client: Client, county_a: User, with_phone: Petition
) -> None:
    url = reverse("petitions:petition_export") + "?status=registered"
    sheet = sheet_of(county_a_client.post(url, {"reveal": "1"}))

    assert records(sheet)[0]["联系电话"] == "13912345678"
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == county_a
    assert entry.additional_data["export"] == "信访登记"
    assert entry.additional_data["rows"] == 1
    assert entry.additional_data["filters"] == {"status": "registered"}


def test_a_read_only_user_cannot_reveal(inspector_client: Client, a1_own: Petition) -> None:
    url = reverse("petitions:petition_export")

    assert inspector_client.post(url, {"reveal": "1"}).status_code == 403
    assert records(sheet_of(inspector_client.get(url)))[0]["联系电话"] == "138****8000"


def test_the_export_marks_overdue_petitions_and_honours_the_filter(
    county_a_client: Client, county_a: User, register: Register, with_phone: Petition
) -> None:
    late = register(county_a, received_on=TODAY - datetime.timedelta(days=40))

    everything = records(sheet_of(county_a_client.get(reverse("petitions:petition_export"))))
    overdue = records(
        sheet_of(county_a_client.get(reverse("petitions:petition_export") + "?overdue=yes"))
    )

    assert {r["编号"]: r["是否超期"] for r in everything} == {
        late.number: "是",
        with_phone.number: "否",
    }
    assert [r["编号"] for r in overdue] == [late.number]


def test_an_exported_sheet_imports_again_as_corrections(
    county_a_client: Client, county_a: User, with_phone: Petition, world: World, tmp_path: Path
) -> None:
    # given: the export, revealed so that the phone survives, with one cell changed
    content = county_a_client.post(reverse("petitions:petition_export"), {"reveal": "1"}).content
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    rows[1][HEADERS.index("信访内容")] = "经核对更正"
    workbook = Workbook()
    workbook.active.title = "信访登记"
    for values in rows:
        workbook.active.append(values)
    path = tmp_path / "信访登记.xlsx"
    workbook.save(path)

    # when: through the reader, as an uploaded file is read
    outcome = PetitionImporter(user=county_a, campaign=world.campaign).run_file(path)

    # then
    assert errors(outcome) == []
    assert (outcome.created, outcome.updated) == (0, 1)
    with_phone.refresh_from_db()
    assert (with_phone.content, with_phone.petitioner_phone) == ("经核对更正", "13912345678")


def test_a_formula_looking_content_stays_text(county_a_client: Client, county_a: User) -> None:
    services.petition_register(
        by=county_a,
        level=Level.COUNTY,
        county=county_a.county,
        received_on=RECENT,
        channel="letter",
        category="other",
        real_name=False,
        content='=HYPERLINK("http://x")',
    )

    sheet = sheet_of(county_a_client.get(reverse("petitions:petition_export")))

    assert records(sheet)[0]["信访内容"].startswith("'=")


def test_a_file_goes_through_the_import_pages(
    world: World,
    county_a_client: Client,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    # given: a workbook with the 信访登记 sheet and two petitions
    workbook = Workbook()
    workbook.active.title = "信访登记"
    for values in (HEADERS, row(), row(content="其二", petitioner="王五")):
        workbook.active.append(values)
    buffer = BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("信访.xlsx", buffer.getvalue())
    data = {"kind": "petitions", "campaign": world.campaign.pk, "upload": upload}

    # when: uploaded (checked), then confirmed
    with django_capture_on_commit_callbacks(execute=True):
        county_a_client.post(reverse("sheets:import_start"), data)
    job = ImportJob.objects.get()
    assert (job.status, job.created) == (ImportStatus.VALID, 2)
    assert not Petition.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        county_a_client.post(reverse("sheets:job_confirm", args=[job.pk]))

    # then
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Petition.objects.count() == 2
