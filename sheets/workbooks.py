"""Writing workbooks with openpyxl: import templates and plain exports.

A template has an instructions sheet, the data sheet with Chinese headers, one example row
and frozen headers, a dropdown on every closed list (long lists on a hidden sheet behind
named ranges, since Excel caps an inline list at 255 characters), and ID and phone columns
formatted as text so that Excel keeps all 18 digits.
"""

from collections.abc import Iterable, Sequence
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from sheets.importing import Column, Importer

TEMPLATE_ROWS = 5000  # rows pre-formatted (text columns, dropdowns) below the header
INLINE_LIST_LIMIT = 255
HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
HEADER_FONT = Font(bold=True, color="FFFFFF")
EXAMPLE_FONT = Font(italic=True, color="808080")
REQUIRED_MARK = "（必填）"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that Excel would run as a formula (= + - @) gets a leading apostrophe-like quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _instructions(workbook: Workbook, importer: type[Importer]) -> None:
    sheet = workbook.active
    sheet.title = "填写说明"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    sheet.append([f"{importer.title}导入模板"])  # in Chinese whatever the interface language
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for line in importer.instructions:
        sheet.append(["", str(line)])
    sheet.append([])
    sheet.append([_("Column"), _("How to fill it in")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in importer.columns:
        notes = [str(column.help)] if column.help else []
        if column.required:
            notes.insert(0, _("Required."))
        if column.choices:
            notes.append(_("Choose from: %(choices)s") % {"choices": "、".join(column.choices)})
        sheet.append([column.header, " ".join(notes)])
    for row in sheet.iter_rows(min_row=3):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


def _choices_sheet(workbook: Workbook) -> object:
    lists = workbook.create_sheet("选项")
    lists.sheet_state = "hidden"
    return lists


def _dropdown(workbook: Workbook, sheet: object, column: Column, letter: str, index: int) -> None:
    inline = ",".join(column.choices)
    if len(inline) + 2 <= INLINE_LIST_LIMIT:
        formula = f'"{inline}"'
    else:
        lists = workbook["选项"] if "选项" in workbook.sheetnames else _choices_sheet(workbook)
        list_column = get_column_letter(lists.max_column + 1 if lists["A1"].value else 1)
        for row, label in enumerate(column.choices, start=1):
            lists[f"{list_column}{row}"] = label
        name = f"list_{index}"
        reference = (
            f"{quote_sheetname('选项')}!${list_column}$1:${list_column}${len(column.choices)}"
        )
        workbook.defined_names[name] = DefinedName(name, attr_text=reference)
        formula = name
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=not column.required,
        showErrorMessage=True,
        errorTitle=_("Not in the list"),
        error=_("Choose a value from the list."),
    )
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def template(importer: type[Importer], example: Sequence[object] | None = None) -> bytes:
    """The import template of one kind, as xlsx bytes."""
    workbook = Workbook()
    _instructions(workbook, importer)
    sheet = workbook.create_sheet(importer.sheet_name)
    workbook.active = workbook.sheetnames.index(importer.sheet_name)
    sheet.append([column.header for column in importer.columns])
    sheet.append([safe_cell(value) for value in (example or [c.example for c in importer.columns])])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(importer.columns, start=1):
        letter = get_column_letter(index)
        header = sheet[f"{letter}1"]
        header.fill, header.font = HEADER_FILL, HEADER_FONT
        sheet[f"{letter}2"].font = EXAMPLE_FONT
        sheet.column_dimensions[letter].width = column.width
        if column.as_text:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet[f"{letter}{row}"].number_format = "@"
        if column.choices:
            _dropdown(workbook, sheet, column, letter, index)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    text_columns: Iterable[int] = (),
) -> bytes:
    """A plain export: one sheet, a header row, values neutralised, given columns as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    text_columns = set(text_columns)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            10, min(40, len(header) * 2 + 4)
        )
    sheet.freeze_panes = "A2"
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_export_cell(sheet, v, i in text_columns) for i, v in enumerate(row)])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _export_cell(sheet: object, value: object, as_text: bool) -> object:
    if value is None:
        return ""
    if as_text:
        # A text cell (format @), so that Excel shows all 18 digits of an ID number.
        cell = WriteOnlyCell(sheet, value=safe_cell(str(value)))
        cell.number_format = "@"
        return cell
    return safe_cell(value)
