"""Exports to xlsx, read back with openpyxl: masked by default, in full only by a logged
reveal, no live formulas, 18-digit ID numbers kept as text, the user's region only, and a
people export that imports again."""

import datetime
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from stdnum.cn import ric

from accounts.models import User
from candidates.identity import mask_id_number, mask_phone
from candidates.models import Candidacy, CommitteeMember, Person, Post, Stage
from candidates.resources import PeopleImporter
from elections.models import Election
from elections.resources import ElectionImporter
from tests.conftest import World, signed_in

pytestmark = pytest.mark.django_db

ID_COLUMN, PHONE_COLUMN = "公民身份号码", "联系电话"


def id_number(n: int, born: str = "19800101") -> str:
    body = f"320102{born}{n:02d}1"  # odd 17th digit: a man
    return body + ric.calc_check_digit(body + "0")


def stand(
    election: Election,
    n: int,
    *,
    name: str = "",
    stage: str = Stage.OFFICIAL,
    post: str = Post.MEMBER,
) -> Candidacy:
    person = Person.objects.create(
        name=name or f"候选人{n}",
        gender="M",
        birth_date=datetime.date(1980, 1, 1),
        id_number=id_number(n),
        party_joined=datetime.date(2005, 7, 15),
        phone=f"1381234{n:04d}",
        township=election.branch.village.township,
    )
    return Candidacy.objects.create(
        person=person, election=election, education="bachelor", stage=stage, post_sought=post
    )


@pytest.fixture
def people(world: World) -> dict[str, Candidacy]:
    """Candidates in township A1 (one elected secretary) and one in township B1."""
    a1 = world.election("a1")
    secretary = stand(a1, 1, stage=Stage.ELECTED, post=Post.SECRETARY)
    CommitteeMember.objects.create(election=a1, candidacy=secretary, post=Post.SECRETARY)
    return {
        "secretary": secretary,
        "official": stand(a1, 2),
        "other_village": stand(world.election("a1", 1), 3, stage=Stage.PRELIMINARY),
        "b1": stand(world.election("b1"), 4),
    }


def sheet_of(response: object) -> Worksheet:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    return workbook.worksheets[0]


def records(sheet: Worksheet) -> list[dict[str, object]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def column_cells(sheet: Worksheet, header: str) -> list:
    headers = [cell.value for cell in sheet[1]]
    index = headers.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def export_people(client: Client, *, reveal: bool = False, **query: str) -> Worksheet:
    url = reverse("candidates:people_export")
    if reveal:
        from urllib.parse import urlencode

        return sheet_of(client.post(f"{url}?{urlencode(query)}", {"reveal": "1"}))
    return sheet_of(client.get(url, query))


def accesses() -> list[LogEntry]:
    return list(LogEntry.objects.filter(action=LogEntry.Action.ACCESS))


# Masking and the logged reveal --------------------------------------------------------------


def test_it_masks_id_numbers_and_phones_by_default(
    people: dict, township_a1_client: Client
) -> None:
    sheet = export_people(township_a1_client)

    rows = records(sheet)
    person = people["official"].person
    row = next(r for r in rows if r["姓名"] == person.name)
    assert row[ID_COLUMN] == mask_id_number(person.id_number)
    assert row[PHONE_COLUMN] == mask_phone(person.phone)
    for r in rows:
        assert "*" in r[ID_COLUMN]
        assert "*" in r[PHONE_COLUMN]
    assert accesses() == []  # nothing was revealed, so nothing to log


def test_it_shows_ids_in_full_only_by_a_logged_reveal(
    world: World, people: dict, township_a1: User
) -> None:
    # when
    sheet = export_people(signed_in(township_a1), reveal=True)

    # then: every digit, in text cells Excel will not round
    person = people["official"].person
    cells = {cell.value: cell for cell in column_cells(sheet, ID_COLUMN)}
    cell = cells[person.id_number]
    assert cell.data_type == "s"
    assert len(cell.value) == 18
    assert cell.number_format == "@"
    assert {c.value for c in column_cells(sheet, PHONE_COLUMN)} >= {person.phone}
    # ... and the audit log says who exported what, how many rows, before the file was sent
    (entry,) = accesses()
    assert entry.actor == township_a1
    assert entry.content_type.model == "campaign"
    assert entry.object_pk == str(world.campaign.pk)
    assert entry.additional_data["export"] == PeopleImporter.sheet_name
    assert entry.additional_data["rows"] == 3 == sheet.max_row - 1


def test_it_refuses_the_reveal_to_a_read_only_user(people: dict, inspector_client: Client) -> None:
    url = reverse("candidates:people_export")

    refused = inspector_client.post(url, {"reveal": "1"})
    masked = export_people(inspector_client)

    assert refused.status_code == 403
    assert accesses() == []
    # Reading is still allowed: an inspector exports masked data.
    assert [r[ID_COLUMN] for r in records(masked)] == [
        mask_id_number(people[k].person.id_number)
        for k in ("secretary", "official", "other_village")
    ]


def test_it_masks_a_post_without_the_reveal_option(
    people: dict, township_a1_client: Client
) -> None:
    response = township_a1_client.post(reverse("candidates:people_export"), {})

    assert all("*" in r[ID_COLUMN] for r in records(sheet_of(response)))
    assert accesses() == []


def test_it_reveals_an_elections_candidates_by_a_logged_action(
    world: World, people: dict, township_a1_client: Client, inspector_client: Client
) -> None:
    election = world.election("a1")
    url = reverse("candidates:candidates_export", args=[election.pk])

    masked = records(sheet_of(township_a1_client.get(url)))
    full = records(sheet_of(township_a1_client.post(url, {"reveal": "1"})))

    # Only this election's candidates.
    assert {r["姓名"] for r in masked} == {"候选人1", "候选人2"}
    assert {r[ID_COLUMN] for r in full} == {id_number(1), id_number(2)}
    (entry,) = accesses()
    assert (entry.content_type.model, entry.object_pk) == ("election", str(election.pk))
    assert entry.additional_data["rows"] == 2
    assert inspector_client.post(url, {"reveal": "1"}).status_code == 403


def test_it_exports_the_committee_with_posts_masked_or_revealed(
    world: World, people: dict, county_a_client: Client
) -> None:
    url = reverse("candidates:committee_export")
    secretary = people["secretary"].person

    masked = records(sheet_of(county_a_client.get(url)))
    full = records(sheet_of(county_a_client.post(url, {"reveal": "1"})))

    assert [(r["姓名"], r["职务"], r[ID_COLUMN]) for r in masked] == [
        (secretary.name, "书记", mask_id_number(secretary.id_number))
    ]
    assert full[0][ID_COLUMN] == secretary.id_number
    assert full[0]["年龄"] == secretary.age_on(world.campaign.reference_date)
    assert accesses()[0].additional_data["export"] == "党组织班子成员"


# Neutralised text --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["=1+2", "+1-2", "-2+3", "@SUM(A1)", '=HYPERLINK("x")'])
def test_it_keeps_a_formula_looking_name_as_text(
    world: World, township_a1_client: Client, name: str
) -> None:
    stand(world.election("a1"), 5, name=name)

    sheet = export_people(township_a1_client)

    (cell,) = column_cells(sheet, "姓名")
    assert cell.data_type == "s"  # a string, never a formula ("f")
    assert cell.value.endswith(name)
    assert not cell.value.startswith(("=", "+", "-", "@"))


# Scope -----------------------------------------------------------------------------------


def test_it_exports_only_a_township_officials_villages(
    world: World, township_a1_client: Client
) -> None:
    sheet = sheet_of(township_a1_client.get(reverse("elections:village_export")))

    codes = {row["区划代码"] for row in records(sheet)}
    assert codes == {village.code for village in world.villages_of("a1")}
    # The codes are text cells: a 12-digit code must not turn into a number.
    assert all(cell.data_type == "s" for cell in column_cells(sheet, "区划代码"))


def test_it_exports_only_a_township_officials_people(
    people: dict, township_a1_client: Client, township_b1_client: Client
) -> None:
    a1 = {r["姓名"] for r in records(export_people(township_a1_client))}
    b1 = {r["姓名"] for r in records(export_people(township_b1_client))}

    assert a1 == {"候选人1", "候选人2", "候选人3"}
    assert b1 == {"候选人4"}


def test_it_hides_another_townships_election_export(
    world: World, people: dict, township_b1_client: Client
) -> None:
    url = reverse("candidates:candidates_export", args=[world.election("a1").pk])

    assert township_b1_client.get(url).status_code == 404
    assert township_b1_client.post(url, {"reveal": "1"}).status_code == 404
    assert accesses() == []


def test_it_honours_the_village_lists_filters(
    world: World, people: dict, county_a_client: Client
) -> None:
    Election.objects.filter(pk=world.election("a2").pk).update(status="in_progress")
    a1 = world.township_a1.pk

    villages = records(
        sheet_of(
            county_a_client.get(reverse("elections:village_export"), {"status": "in_progress"})
        )
    )
    in_a1 = records(export_people(county_a_client, township=str(a1)))
    first_village = records(export_people(county_a_client, q=world.village("a1").code))

    assert [r["区划代码"] for r in villages] == [world.village("a2").code]
    assert {r["姓名"] for r in in_a1} == {"候选人1", "候选人2", "候选人3"}
    assert {r["姓名"] for r in first_village} == {"候选人1", "候选人2"}


def test_it_exports_the_audit_log_for_the_city(
    world: World, people: dict, township_a1_client: Client, city_client: Client
) -> None:
    export_people(township_a1_client, reveal=True)

    sheet = sheet_of(city_client.get(reverse("accounts:audit_log_export")))

    rows = records(sheet)
    reveal = next(r for r in rows if r["操作"] == "查看")
    assert reveal["用户名"] == "township_a1"
    assert PeopleImporter.sheet_name in reveal["附加信息"]
    assert isinstance(rows[0]["时间"], datetime.datetime)


# Round trips and queries ------------------------------------------------------------------


def snapshot() -> list[dict]:
    """Every person and candidacy as stored, but for when they were last written."""
    rows = [*Person.objects.order_by("pk").values(), *Candidacy.objects.order_by("pk").values()]
    return [{k: v for k, v in row.items() if k != "updated_at"} for row in rows]


def test_a_revealed_people_export_imports_again_as_updates_only(
    world: World, people: dict, township_a1: User, tmp_path: Path
) -> None:
    # given: the export, revealed, saved as the user would save the download
    response = signed_in(township_a1).post(reverse("candidates:people_export"), {"reveal": "1"})
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    before = snapshot()

    # when
    outcome = PeopleImporter(user=township_a1, campaign=world.campaign).run_file(path)

    # then: nothing wrong, nothing new, nothing changed
    assert outcome.errors == []
    assert (outcome.created, outcome.updated) == (0, 3)
    assert snapshot() == before
    seat = CommitteeMember.objects.get(election=world.election("a1"))
    assert (seat.candidacy_id, seat.post) == (people["secretary"].pk, Post.SECRETARY)


def test_a_village_export_imports_again_as_election_updates(
    world: World, township_a1: User, tmp_path: Path
) -> None:
    Election.objects.filter(pk=world.election("a1").pk).update(
        status="completed", held_date=datetime.date(2026, 1, 5), method="conventional",
        mode="indirect",
    )  # fmt: skip
    response = signed_in(township_a1).get(reverse("elections:village_export"))
    path = tmp_path / "villages.xlsx"
    path.write_bytes(response.content)

    outcome = ElectionImporter(user=township_a1, campaign=world.campaign).run_file(path)

    assert outcome.errors == []
    assert (outcome.created, outcome.updated) == (0, 2)
    election = Election.objects.get(pk=world.election("a1").pk)
    assert (election.status, election.held_date, election.mode) == (
        "completed",
        datetime.date(2026, 1, 5),
        "indirect",
    )


def queries(run: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as context:
        run()
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("url_name", "reveal"),
    [("candidates:people_export", True), ("candidates:committee_export", False),
     ("elections:village_export", False)],
)  # fmt: skip
def test_it_reads_the_rows_in_a_fixed_number_of_queries(
    world: World, township_a1: User, url_name: str, reveal: bool
) -> None:
    client = signed_in(township_a1)
    url = reverse(url_name)

    def export() -> None:
        response = client.post(url, {"reveal": "1"}) if reveal else client.get(url)
        assert response.status_code == 200

    export()  # the first page view of a session renews it (a write); the rest do not
    few = queries(export)
    for n in range(10, 30):
        candidacy = stand(world.election("a1", n % 2), n, stage=Stage.ELECTED)
        if n < 12:
            post = Post.SECRETARY if n == 10 else Post.MEMBER
            CommitteeMember.objects.create(
                election=candidacy.election, candidacy=candidacy, post=post
            )
    many = queries(export)

    assert many == few


# The buttons ------------------------------------------------------------------------------


def test_it_offers_the_reveal_option_only_to_users_who_may_write(
    world: World, township_a1_client: Client, inspector_client: Client
) -> None:
    url = reverse("elections:village_list")
    writer = township_a1_client.get(url, {"status": "in_progress"}).content.decode()
    reader = inspector_client.get(url).content.decode()

    for name in ("village_export", "people_export", "committee_export"):
        app = "elections" if name == "village_export" else "candidates"
        assert reverse(f"{app}:{name}") in writer
        assert reverse(f"{app}:{name}") in reader
    # The export keeps the list's filters.
    assert "status=in_progress" in writer
    assert writer.count('name="reveal"') == 2  # people and committees; villages hold no IDs
    assert 'name="reveal"' not in reader


def test_it_puts_an_export_on_the_election_page_and_the_audit_log(
    world: World, township_a1_client: Client, city_client: Client
) -> None:
    election = world.election("a1")

    page = township_a1_client.get(reverse("candidates:election_detail", args=[election.pk]))
    log = city_client.get(reverse("accounts:audit_log"))

    assert reverse("candidates:candidates_export", args=[election.pk]) in page.content.decode()
    assert reverse("accounts:audit_log_export") in log.content.decode()
