"""Measures the people import: rows/s creating, updating and as a dry run, and peak memory.

Usage (PostgreSQL, as the issue asks; it resets the database it is pointed at):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huanjie_bench \
        .venv/bin/python bench/import_people.py --migrate --rows 10000 100000
It builds a demo city big enough (seed_demo), writes each roster the way Excel does
(XlsxWriter), then times: reading alone (calamine), the dry run, the first import
(creating) and the same file again (updating). Medians of --repeat runs.

--baseline N also times django-import-export's default path on N rows, for the issue's
"over 40 times the library's default row-by-row path": a ModelResource of people only (not
their candidacies or seats, so it flatters the baseline), each row looked up, validated with
full_clean and saved through the ORM, as Resource.import_data does.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

import tablib  # noqa: E402
import xlsxwriter  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from import_export import fields, resources, widgets  # noqa: E402

from accounts.models import User  # noqa: E402
from candidates.demo import roster_rows  # noqa: E402
from candidates.models import Candidacy, CommitteeMember, Person  # noqa: E402
from candidates.resources import PEOPLE_COLUMNS, PeopleImporter  # noqa: E402
from elections.demo import results_unlock_all  # noqa: E402
from elections.models import Campaign, Village  # noqa: E402
from sheets.reader import read_rows  # noqa: E402


def write_file(path: Path, rows: list[list]) -> None:
    """As Excel and WPS save a workbook: text in the shared-strings table. (XlsxWriter's
    constant_memory mode writes each string inline instead: a sheet twice the size, which
    calamine reads ≈30% slower; not what users upload.)"""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet(PeopleImporter.sheet_name)
    sheet.write_row(0, 0, [c.header for c in PEOPLE_COLUMNS])
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    workbook.close()


def wipe() -> None:
    """Raw deletes: the ORM's would write an audit-log row for each of 100,000 people.

    Then, on PostgreSQL, the VACUUM ANALYZE that autovacuum would run in production: a
    server with autovacuum off (as some development ones are) would otherwise pile up every
    run's dead rows, and each repeat would scan more of them than the one before.
    """
    for model in (CommitteeMember, Candidacy, Person):
        rows = model.objects.all()
        rows._raw_delete(rows.db)
    if connection.vendor == "postgresql":
        tables = ", ".join(m._meta.db_table for m in (Person, Candidacy, CommitteeMember))
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {tables}")


def measure(path: Path, count: int, repeat: int, user: User, campaign: Campaign) -> dict:
    figures: dict[str, list[float]] = {"read": [], "dry run": [], "create": [], "update": []}
    importer = PeopleImporter(user=user, campaign=campaign)
    for _ in range(repeat):
        wipe()
        start = time.perf_counter()
        read = sum(1 for _ in read_rows(path, PeopleImporter.sheet_name))
        figures["read"].append(time.perf_counter() - start)
        assert read == count + 1
        for name, dry_run, created in (
            ("dry run", True, None),
            ("create", False, True),
            ("update", False, False),
        ):
            start = time.perf_counter()
            outcome = importer.run_file(path, dry_run=dry_run)
            figures[name].append(time.perf_counter() - start)
            check(outcome, count, created)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=int, default=0, help="rows for the library's path")
    parser.add_argument("--migrate", action="store_true", help="run migrate first")
    args = parser.parse_args()
    if args.migrate:
        call_command("migrate", verbosity=0)
    per_village = 5
    villages_needed = max(max(args.rows) // per_village, 100)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", "--reset", "--villages", str(villages_needed), stdout=quiet)
    # The demo's completed elections come certified, and an import refuses a locked result.
    results_unlock_all(reason="导入基准测试")
    if connection.vendor == "postgresql":  # the statistics autovacuum keeps on a live server
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = User.objects.get(username="city")
    campaign = Campaign.objects.current()
    villages = list(Village.objects.order_by("code").values_list("code", "name"))
    print(f"database: {django.db.connection.vendor}; villages: {len(villages)}")
    print(f"this machine: 10,000,000 Python additions in {python_seconds():.2f} s")
    for count in args.rows:
        chosen = villages[: count // per_village]
        rows = list(roster_rows(random.Random(count), chosen, campaign.reference_date, per_village))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "people.xlsx"
            write_file(path, rows)
            figures = measure(path, count, args.repeat, user, campaign)
            size = path.stat().st_size / 2**20
            memory = import_memory(path, campaign)
        print(f"\n{count:,} rows ({size:.1f} MB xlsx), median of {args.repeat}:")
        for name, seconds in figures.items():
            median = statistics.median(seconds)
            runs = ", ".join(f"{s:.2f}" for s in seconds)
            print(f"  {name:8s} {median:7.2f} s  {count / median:9,.0f} rows/s  ({runs})")
        print(f"  peak memory of a fresh process importing it (updating): {memory:.0f} MB")
        print(f"  load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.baseline:
        chosen = villages[: args.baseline // per_village]
        rows = list(roster_rows(random.Random(1), chosen, campaign.reference_date, per_village))
        wipe()
        seconds = library_baseline(rows)
        print(f"\ndjango-import-export's default path, {len(rows):,} people (no candidacies):")
        print(f"  create   {seconds:7.2f} s  {len(rows) / seconds:9,.0f} rows/s")


class _Choice(widgets.Widget):
    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels

    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        return self.labels[str(value).strip()]


class _BirthFromId(widgets.Widget):
    def clean(self, value: object, row: object = None, **kwargs: object) -> object:
        from candidates.identity import birth_date_from_id

        return birth_date_from_id(str(value).strip())


class _TownshipOfVillage(widgets.ForeignKeyWidget):
    """The township of the village whose division code the row gives (a query per row)."""

    def __init__(self) -> None:
        super().__init__(Village, field="code")

    def clean(self, value: object, row: object = None, **kwargs: object) -> object:
        return super().clean(value, row, **kwargs).township


class PersonBaseline(resources.ModelResource):
    id_number = fields.Field(attribute="id_number", column_name="公民身份号码")
    name = fields.Field(attribute="name", column_name="姓名")
    gender = fields.Field(
        attribute="gender", column_name="性别", widget=_Choice({"男": "M", "女": "F"})
    )
    ethnicity = fields.Field(attribute="ethnicity", column_name="民族")
    birth_date = fields.Field(
        attribute="birth_date", column_name="公民身份号码", widget=_BirthFromId()
    )
    party_joined = fields.Field(
        attribute="party_joined", column_name="入党时间", widget=widgets.DateWidget("%Y.%m")
    )
    phone = fields.Field(attribute="phone", column_name="联系电话")
    township = fields.Field(
        attribute="township", column_name="区划代码", widget=_TownshipOfVillage()
    )

    class Meta:
        model = Person
        import_id_fields = ("id_number",)
        fields = (
            "id_number", "name", "gender", "ethnicity", "birth_date", "party_joined", "phone",
            "township",
        )  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True


def library_baseline(rows: list[list]) -> float:
    """Seconds for django-import-export to create these people the default way."""
    dataset = tablib.Dataset(*rows, headers=[c.header for c in PEOPLE_COLUMNS])
    start = time.perf_counter()
    result = PersonBaseline().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - start
    assert not result.has_errors() and not result.has_validation_errors()
    assert Person.objects.count() == len(rows)
    return seconds


def python_seconds() -> float:
    """A yardstick of the machine's speed, to compare figures taken on different days or
    machines (with the "read" figure: calamine alone)."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def import_memory(path: Path, campaign: Campaign) -> float:
    """Peak RSS of a fresh process that imports ``path`` (as the Celery task would).

    Read from VmHWM, the high-water mark of the process's own memory: ru_maxrss would report
    this benchmark's (the parent's) peak instead, which Linux carries over fork and exec.
    """
    code = (
        "import os, sys, django; sys.path.insert(0, '.');"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup();"
        "from accounts.models import User; from elections.models import Campaign;"
        "from candidates.resources import PeopleImporter; from pathlib import Path;"
        f"o = PeopleImporter(user=User.objects.get(username='city'),"
        f" campaign=Campaign.objects.get(pk={campaign.pk})).run_file(Path('{path}'));"
        "assert o.ok, o.errors[:3];"
        "print([int(line.split()[1]) / 1024 for line in open('/proc/self/status')"
        " if line.startswith('VmHWM:')][0])"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def check(outcome: object, count: int, created: bool | None = None) -> None:
    assert outcome.ok, outcome.errors[:5]
    assert outcome.rows == count
    if created is True:
        assert outcome.created == count, (outcome.created, outcome.updated)
    if created is False:
        assert outcome.updated == count, (outcome.created, outcome.updated)


if __name__ == "__main__":
    main()
