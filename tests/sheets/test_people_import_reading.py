"""A file is parsed in a thread of its own while the people import loads the user's region
(sheets/reader.py ``reading``, PeopleImporter.while_reading). Whether the region was loaded
whole or block by block, the same file gets the same outcome, and a workbook that cannot be
read gets a message in the user's language."""

import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from accounts.models import User
from candidates import resources
from candidates.resources import PeopleImporter
from elections.models import Election
from sheets.reader import WorkbookError
from tests.conftest import World
from tests.sheets.rosters import HEADERS, person, roster

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "人员名单.xlsx"
    path.write_bytes(roster(rows))
    return path


def _mixed(world: World) -> list[dict]:
    """Good rows, a village of another county, a code that does not exist, a locked one."""
    locked = world.village("a2", 1)
    Election.objects.filter(branch__village=locked).update(locked=True)
    return [
        person(world.village("a1"), 0),
        person(world.village("b1"), 1),
        person(world.village("a1", 1), 2, 区划代码="320101999999"),
        person(locked, 3),
        person(world.village("a2"), 4),
    ]


def _outcome(importer: PeopleImporter, path: Path) -> tuple:
    outcome = importer.run_file(path, dry_run=True)
    return outcome.rows, [(e.row, e.column, e.message) for e in outcome.errors]


@pytest.mark.parametrize("region_loaded_while_reading", [True, False], ids=["whole", "blocks"])
def test_the_region_loaded_whole_or_by_blocks_gives_the_same_outcome(
    world: World,
    county_a: User,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    region_loaded_while_reading: bool,
) -> None:
    mixed = _mixed(world)
    path = _file(tmp_path, mixed)
    rows = [HEADERS, *([row[h] for h in HEADERS] for row in mixed)]
    by_rows = PeopleImporter(user=county_a, campaign=world.campaign)
    expected = by_rows.run(iter(rows), dry_run=True)
    if not region_loaded_while_reading:  # a region too large for so small a file
        monkeypatch.setattr(resources, "REGION_BYTES", 10**9)
    importer = PeopleImporter(user=county_a, campaign=world.campaign)

    outcome = _outcome(importer, path)

    assert (importer.region is not None) is region_loaded_while_reading
    assert outcome == (expected.rows, [(e.row, e.column, e.message) for e in expected.errors])
    assert {column for _row, column, _message in outcome[1]} == {"区划代码"}
    assert [row for row, _column, _message in outcome[1]] == [3, 4, 5]


def test_a_region_loaded_for_one_file_is_not_used_for_the_next(
    world: World, county_a: User, tmp_path: Path
) -> None:
    importer = PeopleImporter(user=county_a, campaign=world.campaign)
    path = _file(tmp_path, [person(world.village("a1"), 0)])
    assert importer.run_file(path, dry_run=True).ok

    # when: the village's election is certified, then rows are checked without a file
    Election.objects.filter(branch__village=world.village("a1")).update(locked=True)
    rows = [HEADERS, [person(world.village("a1"), 0)[h] for h in HEADERS]]
    outcome = importer.run(iter(rows), dry_run=True)

    # then: the election is read again, not taken from the earlier file's region
    assert [e.message for e in outcome.errors] == ["该村(社区)的选举结果已审核锁定。"]


def test_a_workbook_without_the_sheet_is_refused_in_chinese(
    world: World, county_a: User, tmp_path: Path
) -> None:
    path = tmp_path / "别的.xlsx"
    path.write_bytes(roster([person(world.village("a1"), 0)], sheet="Sheet1"))

    with pytest.raises(WorkbookError, match="没有名为“人员名单”的工作表"):
        PeopleImporter(user=county_a, campaign=world.campaign).run_file(path)


def test_a_sheet_that_is_not_xml_is_refused_in_chinese(
    world: World, county_a: User, tmp_path: Path
) -> None:
    # given: a good workbook whose sheet was damaged (as a truncated copy would be)
    good = zipfile.ZipFile(BytesIO(roster([person(world.village("a1"), 0)])))
    damaged = BytesIO()
    with zipfile.ZipFile(damaged, "w") as workbook:
        for entry in good.infolist():
            data = good.read(entry)
            if entry.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            workbook.writestr(entry, data)
    path = tmp_path / "人员名单.xlsx"
    path.write_bytes(damaged.getvalue())

    importer = PeopleImporter(user=county_a, campaign=world.campaign)
    with pytest.raises(WorkbookError, match="无法读取"):
        importer.run_file(path)
    assert importer.preloaded is None  # the region loaded meanwhile went with the file
