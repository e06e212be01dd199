"""The import engine: one validation pass over every row, then one all-or-nothing write.

A kind of import (people, villages, elections …) is an ``Importer`` subclass in its app's
``resources.py``: it declares its columns, checks a row, and writes the clean records in
bulk. The engine finds the header, skips blank and example rows, collects *every* error of
every row (row number, column, Chinese message), and writes nothing at all if there is one.

Why not django-import-export's ``Resource.import_data``: it works a row at a time (look the
row up, build the instance, full_clean, save, one or more queries each): issue 4 measured
about 450 rows/s with full validation, and ``bench/import_people.py --baseline 2000`` 100 to
130 rows/s here for the people alone, where this engine creates 17,000 to 22,000 a second
with their candidacies and seats on the same machine, depending on the hour (100,000 rows
on PostgreSQL). Measuring that baseline is what the library is used for here.
This engine keeps the library's shape (one class per kind, declaring its columns) but checks
column by column and writes with set-based SQL (sheets/bulk.py; on PostgreSQL, while the
rows are still being checked: sheets/streaming.py).
"""

import gc
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any, ClassVar

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from elections.models import Campaign
from sheets.parsing import CellError, text
from sheets.reader import WorkbookError, reading

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

    def while_reading(self, expanded_bytes: int) -> Any:
        """What can be loaded while the file is being parsed, before any row is seen (in
        ``run_file``); ``expanded_bytes``: the workbook's size, unzipped. What it returns
        is ``self.preloaded`` while that file is imported."""
        return None

    preloaded: Any = None

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

    # Streaming importers (``streams = True``) write block by block instead, while the next
    # rows are still being checked: write_start, then write_block for each block of checked
    # records, then write_finish, all in one transaction that is rolled back if any row of
    # the file turns out bad. They provide check_blocks, and must not use the ORM in these
    # three methods: on PostgreSQL they run in a writer thread (sheets/streaming.py).
    streams: ClassVar[bool] = False
    # A streaming importer whose write steps can take the locks that foreign keys take, and
    # check that the rows referred to exist, when ``self.lock_keys`` is set: its writer may
    # then run without PostgreSQL's per-row foreign-key triggers (sheets/streaming.py).
    locks_keys: ClassVar[bool] = False
    lock_keys = False

    def check_blocks(
        self,
        rows: Iterator[list],
        errors: list[RowError],
        progress: Progress | None = None,
        total: int | None = None,
    ) -> Iterator[list]:
        """The checked records a block at a time; every error goes to ``errors``, which is
        complete (and sorted) once the iterator is exhausted."""
        records, found = self.validate(rows, progress, total)
        errors += found
        yield records

    def write_start(self, cursor: object) -> None:  # noqa: B027 - optional hook
        """Prepares the blocks' writes (temporary tables…)."""

    def write_block(self, records: list, cursor: object) -> tuple[int, int]:
        """Writes one block of checked records; returns (created, updated)."""
        return self.write_chunk(records, cursor)

    def write_finish(self, cursor: object) -> None:  # noqa: B027 - optional hook
        """What needs the whole file written first (replacing a committee…)."""

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

    def _skipped(self, cells: list, plan: "_Plan", first_text: dict[str, str]) -> bool:
        """Blank lines (pre-formatted template rows) and the template's example row, left in
        place. Most rows start with a filled-in first column, which settles "blank" at once."""
        first = plan.first
        cell = cells[first] if first is not None and first < len(cells) else None
        if not (cell and (type(cell) is not str or not cell.isspace())) and (
            not any(cells) or all(type(v) is str and not v.strip() for v in cells if v)
        ):
            return True
        if first is None or first >= len(cells):
            return False
        if type(cell) is str:  # the first column repeats (division codes): remember its text
            typed = first_text.get(cell)
            if typed is None:
                typed = first_text[cell] = text(cell)
        else:
            typed = text(cell)
        return typed == plan.example[0] and self._is_example(cells, plan.where, plan.example)

    def parse_columns(
        self, rows: Iterator[list], plan: "_Plan", errors: list[RowError]
    ) -> Iterator[tuple[list[int], list[list]]]:
        """Every row through every column's parser, a block of rows at a time.

        Yields (the rows' spreadsheet numbers, one list of parsed values per column in the
        order of ``columns``); a cell that did not parse is None and its error is in
        ``errors``. The hot loop of an import (100,000 rows × 17 columns): a block is turned
        into columns, so that each column is parsed in one tight loop, and columns holding
        a closed list (``repeats``) parse each distinct value once.
        """
        present = [step[4] for step in plan.steps if step[4] is not None]
        need = max(present) + 1
        pick = itemgetter(*present)
        first_text: dict[str, str] = {}
        # First cells seen to start a row that is neither blank nor the example: most rows.
        plain: set[str] = set()
        first = plan.first if plan.first is not None else need
        number = 1  # the header's row
        for block in _blocks(rows):
            numbers, picked = [], []
            for cells in block:
                number += 1
                if not (first < len(cells) and cells[first] in plain):
                    if self._skipped(cells, plan, first_text):
                        continue
                    cell = cells[first] if first < len(cells) else None
                    if type(cell) is str and first_text.get(cell, plan.example[0]) not in (
                        "",
                        plan.example[0],
                    ):
                        plain.add(cell)
                if len(cells) < need:
                    cells = [*cells, *[None] * (need - len(cells))]
                numbers.append(number)
                picked.append(pick(cells) if len(present) > 1 else (cells[present[0]],))
            del block
            if not numbers:
                continue
            raw_columns = iter(list(zip(*picked, strict=True)))
            del picked
            columns = []
            for _key, header, parse, required, index, cache in plan.steps:
                raw = next(raw_columns) if index is not None else [None] * len(numbers)
                where = _Where(numbers, header, required, errors)
                if cache is None:
                    columns.append(_parse_each(parse, raw, where))
                else:
                    columns.append(_parse_distinct(parse, raw, cache, where))
            yield numbers, columns

    def parse(self, rows: Iterator[list]) -> tuple[list[Record], list[RowError]]:
        """Every row through every column's parser, collecting all errors."""
        plan = self._plan(self._header(rows))
        keys = [step[0] for step in plan.steps]
        records: list[Record] = []
        errors: list[RowError] = []
        for numbers, columns in self.parse_columns(rows, plan, errors):
            records += [
                Record(number, dict(zip(keys, values, strict=True)))
                for number, values in zip(numbers, zip(*columns, strict=True), strict=True)
            ]
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
        self, rows: Iterator[list], progress: Progress | None = None, total: int | None = None
    ) -> tuple[list[Record], list[RowError]]:
        """Every row parsed and checked; ``total`` is the sheet's height, where known."""
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
        if self.streams and not dry_run:
            return self._run_streaming(iter(rows), progress, total)
        with _collector_paused():
            records, errors = self.validate(iter(rows), progress, total)
            outcome = Outcome(rows=len(records), errors=errors, dry_run=dry_run)
            if not errors and not records:
                errors.append(RowError(0, "", str(MSG_NO_ROWS)))
            if errors or dry_run:
                if not errors:
                    outcome.updated = self.count_existing(records)
                    outcome.created = len(records) - outcome.updated
                # Let go of the records while the collector is still off: its first pass
                # once back on would walk every one of them (≈0.25 s at 100,000 rows, measured).
                del records
                return outcome
        with transaction.atomic(), connection.cursor() as cursor:
            outcome.created, outcome.updated = self.write_chunk(records, cursor)
        return outcome

    def _run_streaming(
        self, rows: Iterator[list], progress: Progress | None, total: int | None
    ) -> Outcome:
        """Checks and writes at once: each block of checked rows goes to the writer while the
        next block is read and checked. The first error stops the writing and the transaction
        is rolled back; the checking goes on to the end so that every error is reported."""
        from sheets.streaming import writer_for  # it imports this module

        errors: list[RowError] = []
        outcome = Outcome(errors=errors)
        rows_total = max((total or 0) - 1, 0)  # the sheet's height counts the header

        def report(written: int) -> None:  # half for checking, half for writing
            if progress and rows_total:
                progress(min((outcome.rows + written) // 2, rows_total), rows_total)

        with writer_for(self) as writer, _collector_paused():
            for block in self.check_blocks(rows, errors, total=total):
                outcome.rows += len(block)
                if errors:
                    writer.abort()  # at the first bad row: nothing more is written
                else:
                    writer.put(block)
                report(writer.written)
            if errors:  # some found across rows, once the whole file was read
                writer.abort()
                return outcome
            if not outcome.rows:
                errors.append(RowError(0, "", str(MSG_NO_ROWS)))
                return outcome
            outcome.created, outcome.updated = writer.finish(report)
        return outcome

    def run_file(self, path: Path, **kwargs: Any) -> Outcome:
        try:
            with reading(path, self.sheet_name) as sheet:
                self.preloaded = self.while_reading(sheet.expanded_bytes)
                total, rows = sheet.rows()
            return self.run(rows, total=total, **kwargs)
        finally:
            self.preloaded = None  # for this file only


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the rows are read and checked.

    They make hundreds of thousands of tuples and lists that live to the end, and each of
    them counts towards a collection that walks all of them again: ≈40% of the checking time
    at 100,000 rows (measured). Nothing made there forms a cycle; the collector runs again
    right after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


MSG_REQUIRED = gettext_lazy("This cell is required.")
MSG_NO_ROWS = gettext_lazy("The sheet has no rows to import.")


@dataclass
class _Plan:
    where: dict[str, int]
    steps: list[tuple]
    example: list[str]
    first: int | None


BLOCK_ROWS = 4096  # rows parsed column by column at a time: fast, and little held at once
# The first block is smaller, so that a streaming import's writer starts sooner (10,000 rows:
# it waited ≈0.1 s for the first 4,096 rows to be checked).
FIRST_BLOCK_ROWS = 1024


def _blocks(rows: Iterator[list]) -> Iterator[list[list]]:
    size = min(FIRST_BLOCK_ROWS, BLOCK_ROWS)
    while block := list(islice(rows, size)):
        yield block
        size = BLOCK_ROWS


@dataclass
class _Where:
    """Where a column's cells are, for its error messages."""

    numbers: list[int]
    header: str
    required: bool
    errors: list[RowError]

    def error(self, position: int, message: str) -> None:
        self.errors.append(RowError(self.numbers[position], self.header, message))


def _parse_each(parse: Callable[[object], Any], raw: Sequence, where: _Where) -> list:
    """A column of values that rarely repeat (names, ID numbers), cell by cell."""
    values: list = []
    append = values.append
    for cell in raw:
        try:
            value = parse(cell)
        except CellError as problem:
            where.error(len(values), str(problem))
            append(None)
            continue
        if where.required and (value is None or value == ""):
            where.error(len(values), str(MSG_REQUIRED))
        append(value)
    return values


def _parse_distinct(
    parse: Callable[[object], Any], raw: Sequence, cache: dict, where: _Where
) -> list:
    """A column of few distinct values: each parsed once (and remembered for later blocks)."""
    faulty = set()
    for cell in set(raw):
        value = cache.get(cell, _MISSING)
        if value is _MISSING:
            value = cache[cell] = _parse_or_error(parse, cell)
        if type(value) is CellError or (where.required and (value is None or value == "")):
            faulty.add(cell)
    values = list(map(cache.__getitem__, raw))
    if faulty:
        for position, cell in enumerate(raw):
            if cell in faulty:
                value = values[position]
                if type(value) is CellError:
                    where.error(position, str(value))
                    values[position] = None
                else:
                    where.error(position, str(MSG_REQUIRED))
    return values
