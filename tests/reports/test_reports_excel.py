"""The report's statistical tables as a workbook, read back with openpyxl."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from reports.excel import render_xlsx
from reports.tables import COUNT, report_tables
from tests.reports.report_documents import city_report, county_report, give_results


@pytest.fixture
def city_workbook(world, city):
    give_results(world)
    report = city_report(world, city)
    return report, load_workbook(BytesIO(render_xlsx(report)))


def test_it_has_a_sheet_per_table_with_bold_frozen_headers(city_workbook):
    report, workbook = city_workbook
    tables = report_tables(report)

    assert workbook.sheetnames == [t.sheet_name for t in tables]
    for table in tables:
        sheet = workbook[table.sheet_name]
        assert len(sheet.title) <= 31
        header = [cell.value for cell in sheet[1]]
        assert header == [table.unit_header] + [c.header for c in table.columns]
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "B2"


def test_it_holds_a_row_per_unit_and_the_total_as_plain_numbers(city_workbook, world):
    report, workbook = city_workbook
    for table in report_tables(report):
        rows = list(workbook[table.sheet_name].iter_rows(min_row=2))
        names = [world.county_a.name, world.county_b.name, table.total.name]
        assert [r[0].value for r in rows] == names
        for cells, row in zip(rows, table.all_rows, strict=True):
            for cell, value, column in zip(cells[1:], row.values, table.columns, strict=True):
                if value is None:
                    assert cell.value is None
                elif column.kind == COUNT:
                    assert type(cell.value) is int and cell.value == value
                else:
                    # a share or a mean age: a number (75.0 is stored as 75), one decimal shown
                    assert isinstance(cell.value, int | float)
                    assert Decimal(str(cell.value)) == value
                    assert cell.number_format == "0.0"


def test_a_countys_workbook_lists_its_own_townships_only(world, county_a):
    give_results(world)
    report = county_report(world, county_a)
    workbook = load_workbook(BytesIO(render_xlsx(report)))

    names = {
        row[0]
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert world.township_a1.name in names and world.township_a2.name in names
    assert not names & {world.county_b.name, world.township_b1.name, world.township_b2.name}
    assert len(names) == 3  # the two townships and the total
