"""A private upload folder per test: uploads (they hold ID numbers, if fake ones) never
land in var/ and never outlive the test."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def uploads(settings: object, tmp_path: Path) -> Path:
    """The private upload folder of this test (DATA_DIR/imports)."""
    settings.DATA_DIR = tmp_path
    return tmp_path / "imports"
