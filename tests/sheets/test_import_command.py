"""manage.py import_xlsx: the same all-or-nothing import, from a shell."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from candidates.models import Person
from tests.conftest import World
from tests.sheets.rosters import person, roster


@pytest.fixture
def roster_file(tmp_path: Path, world: World) -> Path:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(roster([person(world.village("a1", n % 2), n) for n in range(4)]))
    return path


def run(*args: object) -> str:
    out = StringIO()
    call_command("import_xlsx", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_imports_a_file_by_campaign_name(
    roster_file: Path, world: World, township_a1: User
) -> None:
    output = run(
        "--campaign", world.campaign.name, "--kind", "people", "--user", "township_a1", roster_file
    )

    assert Person.objects.count() == 4
    assert "4" in output
    assert "新增4条" in output


def test_a_dry_run_by_campaign_id_writes_nothing(
    roster_file: Path, world: World, township_a1: User
) -> None:
    output = run(
        "--campaign", world.campaign.pk, "--kind", "people", "--user", "township_a1",
        "--dry-run", roster_file,
    )  # fmt: skip

    assert Person.objects.count() == 0
    assert "4" in output


def test_it_prints_every_error_and_fails(tmp_path: Path, world: World, township_a1: User) -> None:
    # given: the second row's village lies outside township A1, the third's phone is wrong
    rows = [
        person(world.village("a1"), 1),
        person(world.village("b1"), 2),
        person(world.village("a1"), 3, 联系电话="12"),
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(roster(rows))
    out = StringIO()

    # when
    with pytest.raises(CommandError):
        call_command(
            "import_xlsx", "--campaign", world.campaign.name, "--kind", "people",
            "--user", "township_a1", str(path), stdout=out,
        )  # fmt: skip

    # then: one line per error, "第N行 [列名] 消息", and nothing written
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("第3行 [区划代码] ")
    assert lines[1].startswith("第4行 [联系电话] ")
    assert Person.objects.count() == 0


def test_it_refuses_an_inspector(roster_file: Path, world: World, inspector: User) -> None:
    with pytest.raises(CommandError):
        run(
            "--campaign",
            world.campaign.name,
            "--kind",
            "people",
            "--user",
            "inspector",
            roster_file,
        )
    assert Person.objects.count() == 0


def test_it_refuses_an_unknown_campaign(roster_file: Path, township_a1: User) -> None:
    with pytest.raises(CommandError, match="没有"):
        run("--campaign", "不存在", "--kind", "people", "--user", "township_a1", roster_file)


def test_it_refuses_a_file_that_is_not_a_workbook(
    tmp_path: Path, world: World, township_a1: User
) -> None:
    path = tmp_path / "名单.csv"
    path.write_text("a,b\n")

    with pytest.raises(CommandError):
        run("--campaign", world.campaign.name, "--kind", "people", "--user", "township_a1", path)
