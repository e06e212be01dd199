"""The zh_Hans catalog is complete: every message of the code has a Chinese translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOG = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SKIP = shutil.ignore_patterns(".venv", ".git", "var", "__pycache__", "*.pyc", "node_modules")


def untranslated(path: Path) -> list[str]:
    catalog = polib.pofile(str(path))
    return [entry.msgid for entry in catalog if not entry.obsolete and not entry.translated()]


def test_it_translates_every_message_in_the_catalog() -> None:
    assert untranslated(CATALOG) == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_it_has_every_message_of_the_code_in_the_catalog(tmp_path: Path) -> None:
    # given: a copy of the project, so that makemessages cannot touch the real catalog
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=SKIP)

    # when: the catalog is refreshed from the code, as a developer would
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--ignore=tests",
         "--ignore=bench", "--ignore=var", "--ignore=.venv"],
        cwd=copy, check=True, capture_output=True,
    )  # fmt: skip

    # then: nothing new appeared that lacks a translation
    assert untranslated(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po") == []
