"""The uploaded sheet given back with an 错误说明 column, so the user fixes the file they know.

Read from the stored upload with the same reader as the import (so row numbers agree with
the messages), written with openpyxl in write-only mode (a 100,000-row file stays cheap).
Cells keep their values exactly, so the fixed file imports again; a text cell that Excel would
run as a formula is written as a text cell, never as a formula.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from sheets.importing import Importer
from sheets.parsing import text
from sheets.reader import read_rows
from sheets.workbooks import FORMULA_STARTS, HEADER_FILL, HEADER_FONT

ERROR_HEADER = "错误说明"
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006")
NOTE_FONT = Font(color="9C0006")
NOTE_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


def error_workbook(importer: type[Importer], path: Path, errors: Iterable[dict]) -> bytes:
    """The data sheet of the upload at ``path`` with each row's errors beside it."""
    by_row: dict[int, list[dict]] = defaultdict(list)
    for error in errors:
        if error["row"] > 0:
            by_row[error["row"]].append(error)
    workbook = Workbook(write_only=True)
    rows = read_rows(path, importer.sheet_name)
    writer = _Writer(workbook.create_sheet(importer.sheet_name), importer, next(rows, []))
    for number, cells in enumerate(rows, start=2):
        writer.append(cells, by_row.get(number))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Writer:
    def __init__(self, sheet: WriteOnlyWorksheet, importer: type[Importer], header: list) -> None:
        self.sheet = sheet
        names = [text(cell) for cell in header]
        # A file downloaded from here and uploaded again: reuse its column, do not add one.
        self.note_at = names.index(ERROR_HEADER) if ERROR_HEADER in names else len(names)
        self.positions = {name: i for i, name in enumerate(names) if name}
        text_headers = {column.header for column in importer.columns if column.as_text}
        self.text_at = {i for name, i in self.positions.items() if name in text_headers}
        widths = {column.header: column.width for column in importer.columns}
        for index, name in enumerate(names, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 12)
        sheet.column_dimensions[get_column_letter(self.note_at + 1)].width = 60
        sheet.freeze_panes = "A2"
        titles = [*names[: self.note_at], ERROR_HEADER, *names[self.note_at + 1 :]]
        sheet.append([self._header(name) for name in titles])

    def _header(self, name: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=name)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        return cell

    def append(self, values: list, errors: list[dict] | None) -> None:
        width = max(len(values), self.note_at + 1)
        cells = [self._cell(i, values[i] if i < len(values) else None) for i in range(width)]
        cells[self.note_at] = WriteOnlyCell(self.sheet, value=None)
        if errors:
            for error in errors:
                where = self.positions.get(error["column"])
                if where is not None and where != self.note_at:
                    cells[where].fill, cells[where].font = BAD_FILL, BAD_FONT
            note = WriteOnlyCell(self.sheet, value=_note(errors))
            note.font, note.alignment = NOTE_FONT, NOTE_ALIGNMENT
            cells[self.note_at] = note
        self.sheet.append(cells)

    def _cell(self, index: int, value: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=None if value == "" else value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # openpyxl would write "=…" as a live formula: keep it text
        elif isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        if index in self.text_at:
            cell.number_format = "@"
        return cell


def _note(errors: list[dict]) -> str:
    return "；".join(
        f"【{error['column']}】{error['message']}" if error["column"] else error["message"]
        for error in errors
    )
