"""The import as a township official uses it: upload, read the check, confirm, see the record.

Celery runs eager here (no broker), so the check and the import happen inside the POST and
the page shows the result right after it; on_commit hooks run through
django_capture_on_commit_callbacks, as they would after a real commit.
"""

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from candidates.models import Candidacy, CommitteeMember, Person
from sheets.models import ImportJob, ImportStatus
from sheets.reader import Limits
from tests.conftest import World
from tests.sheets.rosters import person, roster, xlsx_upload

Capture = Callable[..., object]


def upload(client: Client, world: World, content: bytes, capture: Capture, **extra: object):
    data = {"kind": "people", "campaign": world.campaign.pk, "upload": xlsx_upload(content)}
    data.update(extra)
    with capture(execute=True):
        return client.post(reverse("sheets:import_start"), data)


def confirm(client: Client, job: ImportJob, capture: Capture):
    with capture(execute=True):
        return client.post(reverse("sheets:job_confirm", args=[job.pk]))


def rows_for(world: World, count: int, start: int = 0) -> list[dict]:
    villages = [world.village("a1", 0), world.village("a1", 1)]
    return [person(villages[n % 2], n) for n in range(start, start + count)]


def test_it_shows_the_form_with_the_current_campaign_and_a_template_link(
    township_a1_client: Client, world: World
) -> None:
    response = township_a1_client.get(reverse("sheets:import_start") + "?kind=people")

    assert response.status_code == 200
    assert reverse("sheets:template_download", args=["people"]) in response.text
    assert "人员名单导入模板" in response.text
    assert f'<option value="{world.campaign.pk}" selected>' in response.text


def test_it_uploads_checks_confirms_and_imports(
    township_a1_client: Client,
    world: World,
    uploads: Path,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # given: a correct roster of five people
    content = roster(rows_for(world, 5))

    # when: uploaded, the check runs and the page shows the preview
    response = upload(township_a1_client, world, content, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sheets:job_detail", args=[job.pk])
    page = township_a1_client.get(response.url)

    # then: nothing is written before the user confirms
    assert job.status == ImportStatus.VALID
    assert (job.rows, job.created, job.updated) == (5, 5, 0)
    assert Person.objects.count() == 0
    assert "确认导入" in page.text

    # when: confirmed
    confirm(township_a1_client, job, django_capture_on_commit_callbacks)

    # then: everything is written, the record is kept and the upload is gone
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.rows, job.created, job.updated, job.progress) == (5, 5, 0, 100)
    assert Person.objects.count() == 5
    assert Candidacy.objects.filter(election__campaign=world.campaign).count() == 5
    assert job.stored_name == ""
    assert list(uploads.iterdir()) == []
    assert "已导入" in township_a1_client.get(reverse("sheets:job_detail", args=[job.pk])).text


def test_it_updates_and_never_duplicates_when_the_same_file_comes_twice(
    township_a1_client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    rows = rows_for(world, 4, start=10)
    rows[0]["选举结果"], rows[0]["候选阶段"], rows[0]["职务"] = "当选", "当选", "书记"
    content = roster(rows)
    for _round in range(2):
        upload(township_a1_client, world, content, django_capture_on_commit_callbacks)
        confirm(township_a1_client, ImportJob.objects.first(), django_capture_on_commit_callbacks)

    first, second = ImportJob.objects.order_by("pk")
    assert (first.created, first.updated) == (4, 0)
    # The second check already predicted updates only, and the import did just that.
    assert (second.status, second.created, second.updated) == (ImportStatus.DONE, 0, 4)
    assert Person.objects.count() == 4
    assert Candidacy.objects.count() == 4
    assert CommitteeMember.objects.count() == 1


def test_a_file_with_one_bad_row_among_many_writes_nothing(
    township_a1_client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    # given: 60 rows; row 38 of the sheet (the 37th person) has a wrong check digit and gender
    rows = rows_for(world, 60)
    bad = rows[36]
    bad["公民身份号码"] = str(bad["公民身份号码"])[:17] + (
        "0" if bad["公民身份号码"][-1] != "0" else "1"
    )
    bad["性别"] = "未知"

    # when
    upload(township_a1_client, world, roster(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    page = township_a1_client.get(reverse("sheets:job_detail", args=[job.pk]))

    # then: the job is invalid, every error of the row is listed, and nothing was written
    assert job.status == ImportStatus.INVALID
    assert {(e["row"], e["column"]) for e in job.errors} == {(38, "性别"), (38, "公民身份号码")}
    assert Person.objects.count() == 0
    assert "第38行" in page.text
    assert "校验码" in page.text  # the check digit message, in Chinese
    assert "确认导入" not in page.text
    assert reverse("sheets:job_error_file", args=[job.pk]) in page.text

    # and confirming anyway is refused
    confirm(township_a1_client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID
    assert Person.objects.count() == 0


def test_the_error_file_has_the_explanation_on_exactly_the_bad_row(
    township_a1_client: Client,
    city_client: Client,
    world: World,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # given: an invalid upload whose 5th person (sheet row 6) has a bad phone and a formula
    rows = rows_for(world, 8)
    rows[4]["联系电话"] = "12345"
    rows[4]["民族"] = "=1+1"
    upload(township_a1_client, world, roster(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()

    # when
    response = township_a1_client.get(reverse("sheets:job_error_file", args=[job.pk]))

    # then: a workbook named after the upload, with 错误说明 filled on row 6 only
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Cache-Control"].startswith("max-age=0")
    sheet = load_workbook(io.BytesIO(response.content))["人员名单"]
    header = [cell.value for cell in sheet[1]]
    assert header[-1] == "错误说明"
    notes = {row[0].row: row[-1].value for row in sheet.iter_rows(min_row=2) if row[-1].value}
    assert list(notes) == [6]
    assert "联系电话" in notes[6]
    phone = sheet.cell(row=6, column=header.index("联系电话") + 1)
    assert phone.fill.fgColor.rgb.endswith("FFC7CE")
    # The user's text comes back as text, never as a live formula.
    ethnicity = sheet.cell(row=6, column=header.index("民族") + 1)
    assert ethnicity.data_type == "s"
    # Correct rows keep their values, the ID number among them, as text.
    id_cell = sheet.cell(row=2, column=header.index("公民身份号码") + 1)
    assert id_cell.value == rows[0]["公民身份号码"]
    assert id_cell.number_format == "@"
    # It holds every ID number in full: even the city, which reads the job, does not get it.
    assert city_client.get(reverse("sheets:job_error_file", args=[job.pk])).status_code == 404


def test_it_refuses_a_file_that_is_not_a_workbook_in_chinese(
    township_a1_client: Client,
    world: World,
    uploads: Path,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    response = upload(township_a1_client, world, b"name,id\n", django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "这不是Excel工作簿" in response.text
    assert "is not an Excel" not in response.text
    assert ImportJob.objects.count() == 0
    assert not uploads.exists() or list(uploads.iterdir()) == []


def zip_bomb() -> bytes:
    """An xlsx-shaped zip that claims 50 MB of zeros in about 50 kB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = b"\0" * 2**20
            for _megabyte in range(50):
                member.write(zeros)
    return buffer.getvalue()


def test_it_refuses_a_zip_bomb_before_parsing_it(
    township_a1_client: Client,
    world: World,
    uploads: Path,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    content = zip_bomb()
    assert len(content) < 200_000  # stays small on disk

    response = upload(township_a1_client, world, content, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "压缩比异常" in response.text  # "compressed suspiciously well", in Chinese
    assert ImportJob.objects.count() == 0
    assert list(uploads.iterdir()) == []


def test_it_refuses_a_file_over_the_size_limit_without_keeping_it(
    township_a1_client: Client,
    world: World,
    uploads: Path,
    settings: object,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.SHEETS_LIMITS = Limits(upload_bytes=1024)

    response = upload(
        township_a1_client, world, roster(rows_for(world, 3)), django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    assert "文件大小为0.0 MB" in response.text
    assert ImportJob.objects.count() == 0
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_it_explains_a_missing_sheet_as_a_file_error(
    township_a1_client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    content = roster(rows_for(world, 2), sheet="Sheet1")

    upload(township_a1_client, world, content, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    page = township_a1_client.get(reverse("sheets:job_detail", args=[job.pk]))
    assert job.status == ImportStatus.INVALID
    assert job.errors[0]["row"] == 0
    assert "Sheet1" in page.text
    # No rows to mark: no error file to offer.
    assert reverse("sheets:job_error_file", args=[job.pk]) not in page.text


def test_it_rejects_a_village_outside_the_region(
    township_a1_client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    rows = [person(world.village("a1"), 1), person(world.village("b1"), 2)]

    upload(township_a1_client, world, roster(rows), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "区划代码")]


def test_cancelling_deletes_the_upload(
    township_a1_client: Client,
    world: World,
    uploads: Path,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    upload(
        township_a1_client, world, roster(rows_for(world, 2)), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    assert job.has_upload

    response = township_a1_client.post(reverse("sheets:job_cancel", args=[job.pk]))

    job.refresh_from_db()
    assert response.status_code == 302
    assert job.status == ImportStatus.CANCELLED
    assert list(uploads.iterdir()) == []
    assert (
        township_a1_client.get(reverse("sheets:job_error_file", args=[job.pk])).status_code == 404
    )


def test_it_checks_ownership(
    township_a1_client: Client,
    county_a_client: Client,
    city_client: Client,
    world: World,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # given: a job of township A1, which its county cannot see (jobs are personal) ...
    upload(
        township_a1_client, world, roster(rows_for(world, 2)), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    detail = reverse("sheets:job_detail", args=[job.pk])

    # then
    assert county_a_client.get(detail).status_code == 404
    assert county_a_client.post(reverse("sheets:job_confirm", args=[job.pk])).status_code == 404
    assert county_a_client.post(reverse("sheets:job_cancel", args=[job.pk])).status_code == 404
    assert job.uploaded_by.username not in county_a_client.get(reverse("sheets:job_list")).text
    # ... while the city reads it, but cannot decide for the uploader.
    assert city_client.get(detail).status_code == 200
    confirm(city_client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportStatus.VALID


def test_it_offers_an_inspector_only_its_visits(inspector_client: Client, world: World) -> None:
    # Inspection groups are read-only, except for their own visits (VisitImporter.may_import).
    url = reverse("sheets:import_start")
    data = {"kind": "people", "campaign": world.campaign.pk, "upload": xlsx_upload(b"x")}

    page = inspector_client.get(url)
    refused = inspector_client.post(url, data)

    assert [kind for kind, _title in page.context["form"].fields["kind"].choices] == ["visits"]
    assert "kind" in refused.context["form"].errors
    assert ImportJob.objects.count() == 0


def test_it_lists_the_users_own_jobs(
    township_a1_client: Client,
    township_b1_client: Client,
    world: World,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    upload(
        township_a1_client, world, roster(rows_for(world, 1)), django_capture_on_commit_callbacks
    )

    assert "人员名单.xlsx" in township_a1_client.get(reverse("sheets:job_list")).text
    assert "人员名单.xlsx" not in township_b1_client.get(reverse("sheets:job_list")).text


def test_the_template_download_has_a_chinese_file_name(township_a1_client: Client) -> None:
    response = township_a1_client.get(reverse("sheets:template_download", args=["people"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    # RFC 6266/5987: the UTF-8 name percent-encoded (人员名单导入模板.xlsx).
    assert "filename*=utf-8''%E4%BA%BA%E5%91%98" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert "人员名单" in workbook.sheetnames
    # ...and its instructions sheet is titled in Chinese too
    assert next(workbook["填写说明"].values)[0] == "人员名单导入模板"


def test_an_unknown_template_is_404(township_a1_client: Client) -> None:
    response = township_a1_client.get(reverse("sheets:template_download", args=["nope"]))

    assert response.status_code == 404


def test_the_filled_in_template_itself_imports(
    township_a1_client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    # The template's example row and its 5,000 pre-formatted blank rows are skipped.
    template = township_a1_client.get(reverse("sheets:template_download", args=["people"]))
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook["人员名单"]
    row = person(world.village("a1"), 7)
    for column, header in enumerate(row, start=1):
        sheet.cell(row=3, column=column, value=row[header])
    buffer = io.BytesIO()
    workbook.save(buffer)

    upload(township_a1_client, world, buffer.getvalue(), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert (job.status, job.rows) == (ImportStatus.VALID, 1)


@pytest.mark.parametrize("persona", ["township_a1", "county_a", "city"])
def test_the_village_list_links_to_the_import_for_writers(
    persona: str, client_for: Callable[[str], Client]
) -> None:
    page = client_for(persona).get(reverse("elections:village_list"))

    assert reverse("sheets:import_start") in page.text


def test_the_village_list_has_no_import_link_for_inspectors(inspector_client: Client) -> None:
    page = inspector_client.get(reverse("elections:village_list"))

    assert reverse("sheets:import_start") not in page.text


def test_the_progress_partial_asks_htmx_to_reload_once_the_job_stops(
    township_a1_client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    upload(
        township_a1_client, world, roster(rows_for(world, 1)), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    url = reverse("sheets:job_progress", args=[job.pk])

    finished = township_a1_client.get(url, headers={"HX-Request": "true"})
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING, progress=40)
    running = township_a1_client.get(url, headers={"HX-Request": "true"})

    assert finished["HX-Refresh"] == "true"
    assert "HX-Refresh" not in running
    assert 'value="40"' in running.text
    assert 'hx-trigger="every 1s"' in running.text
    assert "style=" not in running.text  # the CSP forbids inline styles
