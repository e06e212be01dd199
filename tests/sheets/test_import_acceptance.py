"""Issue 4's "done when", as a township official would live it.

Download the people template, fill 2,000 rows typed the ways people type (five date forms
and date cells, full-width digits, √/×, stray spaces) with a few mistakes, read every mistake
explained in Chinese, fix them, import; import the same file again and nothing doubles.
And a file of 10,000 rows with one bad row in its last block writes nothing, on the path
that writes while it checks (a writer thread on PostgreSQL).
"""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import User
from candidates.models import Candidacy, CommitteeMember, Person
from candidates.resources import PeopleImporter
from sheets.models import ImportJob, ImportStatus
from tests.conftest import World
from tests.sheets.rosters import HEADERS, fill_template, filled_rows, xlsx_upload

Capture = Callable[..., object]


def into_template(client: Client, rows: list[dict]) -> bytes:
    """The downloaded template, filled in below its example row."""
    response = client.get(reverse("sheets:template_download", args=["people"]))
    return fill_template(response.content, rows)


def upload_and_check(client: Client, world: World, content: bytes, capture: Capture) -> ImportJob:
    data = {"kind": "people", "campaign": world.campaign.pk, "upload": xlsx_upload(content)}
    with capture(execute=True):
        client.post(reverse("sheets:import_start"), data)
    return ImportJob.objects.order_by("-pk").first()


def confirm(client: Client, job: ImportJob, capture: Capture) -> ImportJob:
    with capture(execute=True):
        client.post(reverse("sheets:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    return job


@pytest.mark.django_db
def test_a_new_user_fills_the_template_fixes_the_mistakes_and_imports_2000_rows(
    township_a1_client: Client, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    capture = django_capture_on_commit_callbacks
    rows = filled_rows(world, 2000)
    good = {n: dict(rows[n]) for n in (100, 555, 1234, 1500, 1777, 1999)}
    # A few mistakes, as made late in the evening: sheet row = index + 3 (header, example)
    wrong_digit = "0" if rows[100]["公民身份号码"][-1] != "0" else "1"
    rows[100]["公民身份号码"] = rows[100]["公民身份号码"][:17] + wrong_digit
    rows[555]["性别"] = "女"  # the ID number says male
    rows[1234]["出生年月"] = "1899.01"  # not the birth date in the ID number
    rows[1500]["学历"] = "文盲"
    rows[1777]["联系电话"] = "12345"
    rows[1999]["区划代码"] = world.village("b1").code  # another county's village
    expected = {
        (103, "公民身份号码"),
        (558, "性别"),
        (1237, "出生年月"),
        (1503, "学历"),
        (1780, "联系电话"),
        (2002, "区划代码"),
    }

    # when: the filled-in template is uploaded
    job = upload_and_check(
        township_a1_client, world, into_template(township_a1_client, rows), capture
    )
    page = township_a1_client.get(reverse("sheets:job_detail", args=[job.pk])).text

    # then: every mistake, and only those, explained in Chinese; nothing written
    assert job.status == ImportStatus.INVALID
    assert {(e["row"], e["column"]) for e in job.errors} == expected
    assert all(re.search(r"[\u4e00-\u9fff]", e["message"]) for e in job.errors)
    for row, _column in expected:
        assert f"第{row}行" in page
    assert Person.objects.count() == 0

    # when: fixed and uploaded again, then confirmed
    for n, row in good.items():
        rows[n] = row
    content = into_template(township_a1_client, rows)
    job = upload_and_check(township_a1_client, world, content, capture)
    assert (job.status, job.rows, job.created, job.updated) == (ImportStatus.VALID, 2000, 2000, 0)
    job = confirm(township_a1_client, job, capture)

    # then: all of it, with the committee
    assert (job.status, job.created, job.updated) == (ImportStatus.DONE, 2000, 0)
    assert (Person.objects.count(), Candidacy.objects.count()) == (2000, 2000)
    assert CommitteeMember.objects.count() == 3
    assert Person.objects.get(id_number=rows[5]["公民身份号码"]).name == "测试5"  # trimmed

    # when: the same file comes again
    job = confirm(
        township_a1_client, upload_and_check(township_a1_client, world, content, capture), capture
    )

    # then: updates only, nothing doubled
    assert (job.status, job.created, job.updated) == (ImportStatus.DONE, 0, 2000)
    assert (Person.objects.count(), Candidacy.objects.count()) == (2000, 2000)
    assert CommitteeMember.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_one_bad_row_among_10000_writes_nothing(world: World, city: User, tmp_path: Path) -> None:
    # given: 10,000 rows (three blocks of checking) whose very last row is wrong
    rows = filled_rows(world, 10_000)
    rows[-1]["性别"] = "女" if rows[-1]["性别"] == "男" else "男"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员名单")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[h] for h in HEADERS])
    path = tmp_path / "people.xlsx"
    workbook.save(path)

    # when
    outcome = PeopleImporter(user=city, campaign=world.campaign).run_file(path)

    # then: the one error, and not one of the 9,999 good rows written
    assert [(e.row, e.column) for e in outcome.errors] == [(10_001, "性别")]
    assert (Person.objects.count(), Candidacy.objects.count()) == (0, 0)
    assert CommitteeMember.objects.count() == 0
