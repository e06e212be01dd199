"""The scripts under bench/ still run and print their figures, at a tiny scale.

Each runs as a developer runs it, in a process of its own, on a scratch SQLite file in a
folder of its own: they reset the database they are pointed at, so never the developer's
own. (The figures themselves are read off full-scale runs; nothing here times anything.)
report_stats.py and dashboards_load.py need Celery workers and a running server: the task
pipeline and the pages they drive are tested in tests/reports and tests/dashboards.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

NUMBER = r"[\d,]+(?:\.\d+)?"
SCRIPTS = {
    "seed_demo.py": (
        ["--villages", "30", "--migrate"],
        [rf"seconds\s+{NUMBER}", rf"rows\s+{NUMBER}\s+\({NUMBER} rows/s\)", rf"size\s+{NUMBER} MB"],
    ),
    "import_people.py": (
        ["--migrate", "--rows", "100", "--repeat", "1", "--baseline", "20"],
        [
            *(
                rf"{step}\s+{NUMBER} s\s+{NUMBER} rows/s"
                for step in ("read", "dry run", "create", "update")
            ),
            rf"peak memory of a fresh process importing it \(updating\): {NUMBER} MB",
            rf"default path, 20 people \(no candidacies\):\n\s+create\s+{NUMBER} s",
        ],
    ),
    "report_pdf.py": (
        ["--migrate", "--villages", "30", "--runs", "1"],
        [rf"pdf\s+{NUMBER} s", r"pages\s+[1-9]\d*", rf"xlsx\s+{NUMBER} s"],
    ),
}
SERVICES = ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DJANGO_SETTINGS_MODULE")


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_bench_script_prints_its_figures(script: str, tmp_path: Path) -> None:
    arguments, figures = SCRIPTS[script]
    environment = {k: v for k, v in os.environ.items() if k not in SERVICES}
    environment["DATA_DIR"] = str(tmp_path)

    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, f"bench/{script}", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    for figure in figures:
        assert re.search(figure, result.stdout), (figure, result.stdout)
    assert (tmp_path / "huanjie.sqlite3").exists()  # its own database, not the developer's
