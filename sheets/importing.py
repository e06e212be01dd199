"""The import engine: one validation pass over every row, then one all-or-nothing write.

A kind of import (people, villages, elections …) is an ``Importer`` subclass in its app's
``resources.py``: it declares its columns, checks a row, and writes the clean records in
bulk. The engine finds the header, skips blank and example rows, collects *every* error of
every row (row number, column, Chinese message), and writes nothing at all if there is one.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from elections.models import Campaign
from sheets.parsing import CellError, text
from sheets.reader import WorkbookError, read_rows

Progress = Callable[[int, int], None]  # (rows done, rows in all)
PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    parse: Callable[[object], Any]
    required: bool = False
    example: object = ""
    # Closed list shown as a dropdown in the template (labels, in order).
    choices: Sequence[str] = ()
    # Stored as text in the template so that Excel keeps every digit (ID numbers, phones).
    as_text: bool = False
    width: int = 12
    help: str = ""


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's own row number, as the user sees it
    column: str  # the header, or "" for the row as a whole
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Record:
    row: int
    values: dict[str, Any]


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class Importer(ABC):
    do_not_call_in_templates = True  # templates show the class's title, not an instance
    kind: ClassVar[str]
    title: ClassVar[str]
    sheet_name: ClassVar[str]
    columns: ClassVar[Sequence[Column]]
    instructions: ClassVar[Sequence[str]] = ()

    def __init__(self, *, user: User, campaign: Campaign | None = None) -> None:
        self.user = user
        self.campaign = campaign

    # What a subclass provides -------------------------------------------------------------

    def prepare(self, records: list[Record]) -> None:  # noqa: B027 - optional hook
        """Loads what the checks look up (villages in scope, existing people…) in bulk."""

    def check(self, record: Record, error: Callable[[str, str], None]) -> None:  # noqa: B027
        """Checks one parsed row against the data; ``error(header, message)`` for each fault."""

    def check_file(  # noqa: B027 - optional hook
        self, records: list[Record], error: Callable[[int, str, str], None]
    ) -> None:
        """Checks across rows (duplicates inside the file); ``error(row, header, message)``."""

    @abstractmethod
    def write(self, records: list[Record]) -> tuple[int, int]:
        """Writes every record; returns (created, updated). Runs inside one transaction."""

    def count_existing(self, records: list[Record]) -> int:
        """How many records would update rather than create (for the dry run)."""
        return 0

    # The engine ---------------------------------------------------------------------------

    def example_row(self) -> list[str]:
        return [text(column.example) for column in self.columns]

    def _header_map(self, header: list) -> dict[str, int]:
        positions = {text(cell): i for i, cell in enumerate(header) if text(cell)}
        missing = [c.header for c in self.columns if c.required and c.header not in positions]
        if missing:
            raise WorkbookError(
                _("The sheet “%(sheet)s” lacks the columns %(columns)s. Use the template.")
                % {"sheet": self.sheet_name, "columns": "、".join(missing)}
            )
        return {c.key: positions[c.header] for c in self.columns if c.header in positions}

    def parse(self, rows: Iterator[list]) -> tuple[list[Record], list[RowError]]:
        """Every row through every column's parser, collecting all errors."""
        try:
            header = next(rows)
        except StopIteration:
            raise WorkbookError(_("The sheet is empty.")) from None
        where = list(self._header_map(header).items())
        columns = [(c.key, c.header, c.parse, c.required) for c in self.columns]
        example = self.example_row()
        first_example = example[0]
        records, errors = [], []
        for number, cells in enumerate(rows, start=2):
            width = len(cells)
            raw = {key: cells[i] if i < width else None for key, i in where}
            if all(v is None or (type(v) is str and not v.strip()) for v in raw.values()):
                continue  # blank lines: pre-formatted template rows
            if text(raw.get(self.columns[0].key)) == first_example and self._is_example(
                raw, example
            ):
                continue  # the template's example row, left in place
            values = {}
            for key, header, parse, required in columns:
                try:
                    value = values[key] = parse(raw.get(key))
                except CellError as problem:
                    errors.append(RowError(number, header, str(problem)))
                    values[key] = None
                    continue
                if required and (value is None or value == ""):
                    errors.append(RowError(number, header, _("This cell is required.")))
            records.append(Record(number, values))
        return records, errors

    def _is_example(self, raw: dict, example: list[str]) -> bool:
        return [text(raw.get(c.key)) for c in self.columns] == example

    def validate(
        self, rows: Iterator[list], progress: Progress | None = None
    ) -> tuple[list[Record], list[RowError]]:
        records, errors = self.parse(rows)
        self.prepare(records)
        headers = {c.key: c.header for c in self.columns}
        total = len(records)
        for done, record in enumerate(records, start=1):
            self.check(
                record,
                lambda key, message, row=record.row: errors.append(
                    RowError(row, headers.get(key, key), message)
                ),
            )
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
        self.check_file(
            records,
            lambda row, key, message: errors.append(RowError(row, headers.get(key, key), message)),
        )
        errors.sort(key=lambda e: (e.row, self._column_order(e.column)))
        return records, errors

    def _column_order(self, header: str) -> int:
        for i, column in enumerate(self.columns):
            if column.header == header:
                return i
        return -1

    def run(
        self,
        rows: Iterable[list],
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> Outcome:
        """Validates everything; writes everything only if nothing was wrong."""
        records, errors = self.validate(iter(rows), progress)
        outcome = Outcome(rows=len(records), errors=errors, dry_run=dry_run)
        if errors:
            return outcome
        if not records:
            outcome.errors.append(RowError(0, "", _("The sheet has no rows to import.")))
            return outcome
        if dry_run:
            outcome.updated = self.count_existing(records)
            outcome.created = len(records) - outcome.updated
            return outcome
        with transaction.atomic():
            outcome.created, outcome.updated = self.write(records)
        return outcome

    def run_file(self, path: Path, **kwargs: Any) -> Outcome:
        return self.run(read_rows(path, self.sheet_name), **kwargs)
