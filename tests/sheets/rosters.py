"""Rosters to upload: correct rows for the world's villages, and xlsx files made of them."""

from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from candidates.resources import PEOPLE_COLUMNS
from elections.models import Village
from tests.conftest import World

HEADERS = [column.header for column in PEOPLE_COLUMNS]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def id_number(born: date, sequence: int, *, male: bool = True) -> str:
    """A valid ID number (Beijing, Chaoyang) for the birth date; odd 17th digit for men."""
    serial = sequence * 2 + (1 if male else 0)
    body = f"110105{born:%Y%m%d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def person(village: Village, n: int, **cells: object) -> dict[str, object]:
    """One correct roster row for ``village``; ``cells`` override columns by header."""
    born = date(1970 + n % 20, 1 + n % 12, 1 + n % 28)
    row: dict[str, object] = {
        "区划代码": village.code,
        "村(社区)名称": village.name,
        "姓名": f"测试{n}",
        "性别": "男",
        "民族": "汉族",
        "公民身份号码": id_number(born, n),
        "出生年月": f"{born:%Y.%m}",
        "学历": "大专",
        "入党时间": f"{born.year + 25}.07",
        "职务": "委员",
        "来源": "其他",
        "是否双强": "是",
        "是否双带": "否",
        "是否妇代会主任": "否",
        "候选阶段": "正式候选人",
        "选举结果": "",
        "联系电话": f"1380013{n:04d}",
    }
    row.update(cells)
    return row


def roster(rows: Iterable[dict[str, object]], sheet: str = "人员名单") -> bytes:
    """An xlsx with the people sheet's headers and ``rows``."""
    workbook = Workbook()
    data = workbook.active
    data.title = sheet
    data.append(HEADERS)
    for row in rows:
        data.append([row.get(header, "") for header in HEADERS])
        for cell in data[data.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed text, as Excel keeps it, not a formula
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(content: bytes, name: str = "人员名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def typed_birth(born: date, n: int) -> object:
    """出生年月 as people type it: every form the issue names, and real date cells."""
    forms = (
        f"{born:%Y.%m}",
        f"{born.year}-{born.month}-{born.day}",
        f"{born:%Y/%m/%d}",
        f"{born.year}年{born.month}月",
        f"{born:%Y%m}",
        datetime(born.year, born.month, born.day),
        f" {born:%Y.%m} ".translate(FULL_WIDTH),
    )
    return forms[n % len(forms)]


def filled_rows(world: World, count: int) -> list[dict]:
    """``count`` correct rows for two villages of township A1, typed as people type: every
    date form, √/×/Y, names with stray spaces; rows 0, 2 and 4 elect the first village's
    committee."""
    villages = [world.village("a1", 0), world.village("a1", 1)]
    rows = []
    for n in range(count):
        row = person(villages[n % 2], n, 是否双强="√" if n % 3 else "Y", 是否双带="×")
        born = date(1970 + n % 20, 1 + n % 12, 1 + n % 28)  # as person() makes the ID number
        assert row["公民身份号码"][6:14] == f"{born:%Y%m%d}"
        row["出生年月"] = typed_birth(born, n)
        row["姓名"] = f" {row['姓名']} " if n % 5 == 0 else row["姓名"]
        rows.append(row)
    # The first village's committee: a secretary and two members.
    for n, post in ((0, "书记"), (2, "委员"), (4, "委员")):
        rows[n].update(候选阶段="当选", 选举结果="当选", 职务=post)
    return rows


def fill_template(template: bytes, rows: list[dict]) -> bytes:
    """The people template (as downloaded), filled in below its example row."""
    workbook = load_workbook(BytesIO(template))
    sheet = workbook["人员名单"]
    for offset, row in enumerate(rows):
        for column, header in enumerate(HEADERS, start=1):
            sheet.cell(row=3 + offset, column=column, value=row[header])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
