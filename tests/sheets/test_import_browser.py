"""Issue 4's new user, in a real Chromium, with a real Celery worker on a real Redis.

A township official signs in, downloads the people template from the import page, fills in
2,000 rows typed the ways people type with a few mistakes, uploads it, reads every mistake
in Chinese, downloads the file back with its 错误说明 column, fixes the rows, confirms with
the keyboard, and imports the same file again without doubling anything. At 1366×768, with
the page never wider than the screen. (test_import_acceptance.py walks the same path with
Django's test client, on both databases.)
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from candidates.models import Candidacy, CommitteeMember, Person
from sheets.models import ImportJob, ImportStatus
from tests.conftest import World, sign_in
from tests.sheets.rosters import fill_template, filled_rows

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

WAIT_MS = 60_000  # a job's check or import, through the worker, on a busy CI machine


def upload(page: object, live_server: object, path: Path) -> ImportJob:
    """The import form, filled in and sent; returns the job once its page shows it stopped
    (the progress bar reloads the page when the worker is done)."""
    page.goto(f"{live_server.url}{reverse('sheets:import_start')}")
    page.select_option("#id_kind", "people")
    page.set_input_files("#id_upload", str(path))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url(re.compile(r"/sheets/jobs/\d+/$"))
    page.locator("#job-progress").wait_for(state="detached", timeout=WAIT_MS)
    return ImportJob.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))


def fits_the_screen(page: object) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_township_official_imports_a_roster_in_the_browser(
    chromium: object,
    live_server: object,
    celery_worker: object,
    world: World,
    township_a1: User,
    tmp_path: Path,
) -> None:
    context = chromium.new_context(
        viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    broken = []  # anything the pages load that is not there (the tab's icon included)
    page.on("response", lambda r: broken.append(r.url) if r.status >= 400 else None)
    sign_in(page, live_server, township_a1)

    # given: the people template, downloaded from the import page
    page.goto(f"{live_server.url}{reverse('sheets:import_start')}")
    assert fits_the_screen(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="人员名单导入模板（.xlsx）").click()
    template = Path(download.value.path()).read_bytes()

    # ...filled with 2,000 rows and six mistakes (sheet row = index + 3: header, example)
    rows = filled_rows(world, 2000)
    good = {n: dict(rows[n]) for n in (100, 555, 1234, 1500, 1777, 1999)}
    rows[100]["公民身份号码"] = rows[100]["公民身份号码"][:17] + (
        "0" if rows[100]["公民身份号码"][-1] != "0" else "1"
    )
    rows[555]["性别"] = "女"  # the ID number says male
    rows[1234]["出生年月"] = "1899.01"
    rows[1500]["学历"] = "文盲"
    rows[1777]["联系电话"] = "12345"
    rows[1999]["区划代码"] = world.village("b1").code  # another county's village
    mistakes = {103: "公民身份号码", 558: "性别", 1237: "出生年月", 1503: "学历"}
    mistakes |= {1780: "联系电话", 2002: "区划代码"}
    filled = tmp_path / "人员名单.xlsx"
    filled.write_bytes(fill_template(template, rows))

    # when: it is uploaded
    job = upload(page, live_server, filled)

    # then: every mistake, and only those, explained in Chinese on its row; nothing written
    assert job.status == ImportStatus.INVALID
    assert "文件未导入" in page.locator("[role=alert]").inner_text()
    shown = {}
    for group in page.locator("table.import-errors tbody").all():
        row = int(re.fullmatch(r"第(\d+)行", group.locator("th").inner_text().strip())[1])
        cells = group.locator("td").all_inner_texts()
        shown[row] = cells[0]
        assert re.search(r"[\u4e00-\u9fff]{4}", cells[1]), cells
    assert shown == mistakes
    assert Person.objects.count() == 0
    assert fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "mistakes.png"), full_page=True)

    # when: the file is downloaded back with the explanations
    with page.expect_download() as download:
        page.get_by_role("link", name="下载附带“错误说明”列的文件").click()
    download.value.save_as(tmp_path / "错误说明.xlsx")
    sheet = load_workbook(tmp_path / "错误说明.xlsx")["人员名单"]
    header = [cell.value for cell in sheet[1]]
    explained = header.index("错误说明") + 1

    # then: the explanation is beside exactly the bad rows
    marked = {
        cell.row
        for (cell,) in sheet.iter_rows(min_row=2, min_col=explained, max_col=explained)
        if cell.value
    }
    assert marked == set(mistakes)

    # when: the rows are fixed, the file uploaded again and confirmed with the keyboard
    for n, row in good.items():
        rows[n] = row
    filled.write_bytes(fill_template(template, rows))
    job = upload(page, live_server, filled)
    assert job.status == ImportStatus.VALID
    assert "检查通过" in page.content()
    page.get_by_role("button", name="确认导入").focus()
    with page.expect_navigation(url=re.compile(rf"/sheets/jobs/{job.pk}/$")):
        page.keyboard.press("Enter")
    page.locator("#job-progress").wait_for(state="detached", timeout=WAIT_MS)

    # then: everything is written, the committee with it, and the upload is gone
    done = page.locator(".alert-success").inner_text()
    assert "已导入2000行：新增2000条，更新0条。" in done
    job.refresh_from_db()
    assert (job.status, job.has_upload) == (ImportStatus.DONE, False)
    assert (Person.objects.count(), Candidacy.objects.count()) == (2000, 2000)
    assert CommitteeMember.objects.count() == 3

    # when: the same file comes again
    job = upload(page, live_server, filled)
    with page.expect_navigation(url=re.compile(rf"/sheets/jobs/{job.pk}/$")):
        page.get_by_role("button", name="确认导入").click()
    page.locator("#job-progress").wait_for(state="detached", timeout=WAIT_MS)

    # then: updates only, nothing doubled
    assert "已导入2000行：新增0条，更新2000条。" in page.locator(".alert-success").inner_text()
    assert (Person.objects.count(), Candidacy.objects.count()) == (2000, 2000)
    assert CommitteeMember.objects.count() == 3
    assert broken == []
    context.close()
