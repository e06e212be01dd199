"""The zh_Hans catalog is complete: every message of the code has a Chinese translation."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def untranslated(path: Path) -> list[str]:
    catalog = polib.pofile(str(path))
    return [entry.msgid for entry in catalog if not entry.obsolete and not entry.translated()]


def test_it_translates_every_message_in_the_catalog() -> None:
    assert untranslated(CATALOG) == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_it_has_every_message_of_the_code_in_the_catalog(tmp_path: Path, settings) -> None:
    # given: a copy of the catalog, refreshed from the code as makemessages would
    copy = tmp_path / "zh_Hans" / "LC_MESSAGES"
    copy.mkdir(parents=True)
    shutil.copy(CATALOG, copy / "django.po")
    settings.LOCALE_PATHS = [tmp_path]

    # when
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        ignore_patterns=[".venv/*", "tests/*", "var/*", "bench/*"],
        verbosity=0,
    )

    # then: nothing new appeared that lacks a translation
    assert untranslated(copy / "django.po") == []
