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

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from elections.models import Campaign
from sheets.parsing import CellError, text
from sheets.reader import WorkbookError, open_rows

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
    # Few distinct values (closed lists, yes/no, codes repeated per village): parse each once.
    repeats: bool = False


_MISSING = object()


def _parse_or_error(parse: Callable[[object], Any], raw: object) -> Any:
    """The parsed value, or the CellError itself, so that both can be remembered."""
    try:
        return parse(raw)
    except CellError as problem:
        return problem


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

    @classmethod
    def may_import(cls, user: User) -> bool:
        """Who may run this import: every role that writes; an importer may widen it (the
        inspection groups' own visits) or narrow it."""
        return not user.is_read_only

    def prepare(self, records: list[Record]) -> None:  # noqa: B027 - optional hook
        """Loads what the checks look up (villages in scope, existing people…) in bulk."""

    def check(self, record: Record, error: Callable[[str, str], None]) -> None:  # noqa: B027
        """Checks one parsed row against the data; ``error(header, message)`` for each fault."""

    def check_file(  # noqa: B027 - optional hook
        self, records: list[Record], error: Callable[[int, str, str], None]
    ) -> None:
        """Checks across rows (duplicates inside the file); ``error(row, header, message)``."""

    @abstractmethod
    def write_chunk(self, records: list[Record], cursor: object) -> tuple[int, int]:
        """Writes these records with ``cursor``; returns (created, updated).

        Runs inside the import's one transaction, after every row passed its checks.
        """

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

    def _plan(self, header: list) -> "_Plan":
        where = self._header_map(header)
        steps = [
            (c.key, c.header, c.parse, c.required, where.get(c.key), {} if c.repeats else None)
            for c in self.columns
        ]
        return _Plan(where, steps, self.example_row(), where.get(self.columns[0].key))

    def _parse_row(
        self, number: int, cells: list, plan: "_Plan", errors: list[RowError]
    ) -> Record | None:
        """One row through every column's parser (None for blank and example rows).

        The hot loop of an import (100,000 rows × 17 columns): cells are read by position, and
        columns holding a closed list (``repeats``) parse each distinct value once.
        """
        if not any(cells) or all(type(v) is str and not v.strip() for v in cells if v):
            return None  # blank lines: pre-formatted template rows
        width = len(cells)
        first = plan.first
        if (
            first is not None
            and first < width
            and text(cells[first]) == plan.example[0]
            and self._is_example(cells, plan.where, plan.example)
        ):
            return None  # the template's example row, left in place
        values = {}
        for key, header, parse, required, index, cache in plan.steps:
            raw = cells[index] if index is not None and index < width else None
            try:
                if cache is None:
                    value = parse(raw)
                else:
                    value = cache.get(raw, _MISSING)
                    if value is _MISSING:
                        value = cache[raw] = _parse_or_error(parse, raw)
                    if type(value) is CellError:
                        raise value
            except CellError as problem:
                errors.append(RowError(number, header, str(problem)))
                values[key] = None
                continue
            values[key] = value
            if required and (value is None or value == ""):
                errors.append(RowError(number, header, str(MSG_REQUIRED)))
        return Record(number, values)

    def parse(self, rows: Iterator[list]) -> tuple[list[Record], list[RowError]]:
        """Every row through every column's parser, collecting all errors."""
        plan = self._plan(self._header(rows))
        records: list[Record] = []
        errors: list[RowError] = []
        for number, cells in enumerate(rows, start=2):
            record = self._parse_row(number, cells, plan, errors)
            if record is not None:
                records.append(record)
        return records, errors

    def _header(self, rows: Iterator[list]) -> list:
        try:
            return next(rows)
        except StopIteration:
            raise WorkbookError(_("The sheet is empty.")) from None

    def _is_example(self, cells: list, where: dict[str, int], example: list[str]) -> bool:
        typed = [
            text(cells[where[c.key]]) if where.get(c.key, len(cells)) < len(cells) else ""
            for c in self.columns
        ]
        return typed == example

    def _errors_for(self, errors: list[RowError]) -> tuple[Callable, Callable]:
        headers = {c.key: c.header for c in self.columns}

        def at(row: int, key: str, message: str) -> None:
            errors.append(RowError(row, headers.get(key, key), message))

        return headers, at

    def validate(
        self, rows: Iterator[list], progress: Progress | None = None
    ) -> tuple[list[Record], list[RowError]]:
        records, errors = self.parse(rows)
        self.prepare(records)
        _headers, at = self._errors_for(errors)
        total = len(records)
        for done, record in enumerate(records, start=1):
            self.check(record, lambda key, message, row=record.row: at(row, key, message))
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
        self.check_file(records, at)
        self._sort(errors)
        return records, errors

    def _sort(self, errors: list[RowError]) -> None:
        order = {c.header: i for i, c in enumerate(self.columns)}
        errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))

    def run(
        self,
        rows: Iterable[list],
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        total: int | None = None,  # rows in the sheet, where the reader knows it
    ) -> Outcome:
        """Validates everything; writes everything only if nothing was wrong."""
        records, errors = self.validate(iter(rows), progress)
        outcome = Outcome(rows=len(records), errors=errors, dry_run=dry_run)
        if errors:
            return outcome
        if not records:
            outcome.errors.append(RowError(0, "", str(MSG_NO_ROWS)))
            return outcome
        if dry_run:
            outcome.updated = self.count_existing(records)
            outcome.created = len(records) - outcome.updated
            return outcome
        with transaction.atomic(), connection.cursor() as cursor:
            outcome.created, outcome.updated = self.write_chunk(records, cursor)
        return outcome

    def run_file(self, path: Path, **kwargs: Any) -> Outcome:
        total, rows = open_rows(path, self.sheet_name)
        return self.run(rows, total=total, **kwargs)


MSG_REQUIRED = gettext_lazy("This cell is required.")
MSG_NO_ROWS = gettext_lazy("The sheet has no rows to import.")


@dataclass
class _Plan:
    where: dict[str, int]
    steps: list[tuple]
    example: list[str]
    first: int | None
