"""Rosters to upload: correct rows for the world's villages, and xlsx files made of them."""

from collections.abc import Iterable
from datetime import date
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from stdnum.cn import ric

from candidates.resources import PEOPLE_COLUMNS
from elections.models import Village

HEADERS = [column.header for column in PEOPLE_COLUMNS]


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
