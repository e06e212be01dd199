"""Times ``manage.py seed_demo`` at a given scale on the configured database.

Prints seconds, rows written per second and the database size in MB. It writes to the database
the settings point at: use a scratch one, for instance

    DATA_DIR=$(mktemp -d) .venv/bin/python bench/seed_demo.py --villages 25000 --migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huanjie_bench \\
        .venv/bin/python bench/seed_demo.py --villages 25000 --migrate
"""

import argparse
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import InspectionGroup, User  # noqa: E402
from elections.models import Branch, Campaign, County, Election, Township, Village  # noqa: E402

MODELS = (County, Township, Village, Branch, Campaign, Election, InspectionGroup, User)


def rows() -> int:
    links = InspectionGroup.townships.through.objects.count()
    return links + sum(model.objects.count() for model in MODELS)


def size_mb() -> float:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            (size,) = cursor.fetchone()
        else:
            cursor.execute("PRAGMA page_count")
            (pages,) = cursor.fetchone()
            cursor.execute("PRAGMA page_size")
            (page_size,) = cursor.fetchone()
            size = pages * page_size
    return size / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--migrate", action="store_true", help="run migrate first")
    parser.add_argument("--reset", action="store_true", help="pass --reset to seed_demo")
    args = parser.parse_args()
    if args.migrate:
        call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command(
        "seed_demo", villages=args.villages, seed=args.seed, reset=args.reset, stdout=StringIO()
    )
    seconds = time.perf_counter() - started
    written = rows()
    print(f"database   {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"villages   {args.villages}")
    print(f"seconds    {seconds:.2f}")
    print(f"rows       {written}  ({written / seconds:,.0f} rows/s)")
    print(f"size       {size_mb():.1f} MB")


if __name__ == "__main__":
    main()
