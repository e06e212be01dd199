"""The report's statistical tables as an Excel workbook: one sheet per table (reports.tables),
a row per unit and the total row, plain values that can be summed and sorted again."""

from io import BytesIO

from django.conf import settings
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.models import Report
from reports.tables import COUNT, Table, Value, report_tables

BOLD = Font(bold=True)
ONE_DECIMAL = "0.0"


def cell_value(value: Value, kind: str) -> int | float | None:
    """Counts as ints; shares and mean ages as numbers shown with one decimal."""
    if value is None:
        return None
    return int(value) if kind == COUNT else float(value)


def write_sheet(workbook: Workbook, table: Table) -> None:
    sheet = workbook.create_sheet(title=table.sheet_name)
    sheet.append([table.unit_header] + [c.header for c in table.columns])
    for cell in sheet[1]:
        cell.font = BOLD
    for row in table.all_rows:
        values = [cell_value(v, c.kind) for v, c in zip(row.values, table.columns, strict=True)]
        sheet.append([row.name, *values])
        if row.is_total:
            for cell in sheet[sheet.max_row]:
                cell.font = BOLD
    for index, column in enumerate(table.columns, start=2):
        if column.kind != COUNT:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = ONE_DECIMAL
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(column.header) + 4)
    sheet.column_dimensions["A"].width = 16
    sheet.freeze_panes = "B2"


def render_xlsx(report: Report) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook()
        workbook.remove(workbook.active)
        for table in report_tables(report):
            write_sheet(workbook, table)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
