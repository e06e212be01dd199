"""Reading cells the way officials type them, late in the evening before a deadline.

Each parser takes a raw cell value (str, int, float, bool, date, datetime or None, as the
reader gives them) and returns the clean value or raises ``CellError`` with a Chinese
message. Nothing here touches the database.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime

from django.utils.translation import gettext as _

FULL_WIDTH_CHARS = (
    "０１２３４５６７８９ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"
    "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ．－／：　（）"
)
FULL_WIDTH = str.maketrans(
    FULL_WIDTH_CHARS,
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-/: ()",
)
# Whether a cell has anything to translate: looking costs a third of translating Chinese text,
# and most Chinese cells (names, villages) have nothing to translate (measured).
HAS_FULL_WIDTH = re.compile(f"[{re.escape(FULL_WIDTH_CHARS)}]").search


FORMULA_STARTS = ("=", "+", "-", "@")


class CellError(ValueError):
    pass


def text(value: object) -> str:
    """Half-width, trimmed, inner runs of spaces collapsed; numbers without a stray '.0'."""
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    if not value.isascii() and HAS_FULL_WIDTH(value):
        value = value.translate(FULL_WIDTH)
    # An export neutralises text that Excel would run as a formula with a leading apostrophe
    # (sheets.workbooks.safe_cell); reading it back takes the apostrophe off again.
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        value = value[1:]
    # str.split() splits on every Unicode space, the ideographic one (U+3000) included.
    return " ".join(value.split())


def compact(value: object) -> str:
    """Like text() but without any space at all: codes, ID numbers, phones."""
    if value is None:
        return ""
    if type(value) is not str:
        return text(value).replace(" ", "")
    if not value.isascii() and HAS_FULL_WIDTH(value):
        value = value.translate(FULL_WIDTH)
    return "".join(value.split())


TRUE_WORDS = {"是", "√", "✓", "✔", "y", "yes", "1", "true", "t", "对", "有"}
FALSE_WORDS = {"否", "×", "✗", "✘", "x", "n", "no", "0", "false", "f", "不是", "无"}


def boolean(value: object) -> bool | None:
    """是/否, √/×, Y/N, 1/0; empty is None (not given)."""
    if isinstance(value, bool):
        return value
    word = compact(value).lower()
    if not word:
        return None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Write 是 or 否 (√/×, Y/N also work), not “%(value)s”.") % {"value": word})


DATE_PATTERNS = (
    # 1975-3-12, 1975/03/12, 1975.3.12, 1975年3月12日
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    # 19750312
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
MONTH_PATTERNS = (
    # 1975.03, 1975-3, 1975/3, 1975年3月
    re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"),
    # 197503
    re.compile(r"^(\d{4})(\d{2})$"),
)


def _make_date(year: str, month: str, day: str, raw: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": raw}) from None


def date_or_month(value: object) -> tuple[date, bool] | None:
    """A date, or a month typed without a day: (first of the month, True). Empty is None.

    Accepts 1975.03, 1975-3-12, 1975/03/12, 1975年3月, 197503, 19750312 and date cells.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date(), False
    if isinstance(value, date):
        return value, False
    raw = compact(value)
    if not raw:
        return None
    # 1975.1 typed in a number cell arrives as the float 1975.1: October, not January.
    if isinstance(value, float) and not value.is_integer():
        raw = f"{value:.2f}"
    for pattern in DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            return _make_date(*match.groups(), raw), False
    for pattern in MONTH_PATTERNS:
        match = pattern.match(raw)
        if match:
            return _make_date(match[1], match[2], "1", raw), True
    raise CellError(
        _("“%(value)s” is not a date: write it like 1975-03-12, 1975.03 or 1975年3月.")
        % {"value": raw}
    )


def choice(
    value: object, labels: Mapping[str, str], *, field: str, shown: Mapping[str, str] | None = None
) -> str:
    """The code of a closed list's label, accepting the code itself too; empty is ''."""
    word = text(value)
    if not word:
        return ""
    if word in labels:
        return labels[word]
    if word in labels.values():
        return word
    raise CellError(
        _("“%(value)s” is not one of the choices for %(field)s: %(choices)s.")
        % {"value": word, "field": field, "choices": "、".join(shown or labels)}
    )


def whole_number(value: object, *, minimum: int = 0) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("Write a whole number."))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        raw = compact(value)
        if not raw:
            return None
        if not raw.isascii() or not raw.lstrip("-").isdigit():
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw})
        number = int(raw)
    if number < minimum:
        raise CellError(_("The number must be at least %(min)d.") % {"min": minimum})
    return number


def id_number_cell(value: object) -> str:
    """An ID number cell: text. A number cell has lost digits in Excel already."""
    if type(value) is str and value.isascii():  # most cells: compact() without its calls
        return "".join(value.split()).upper()
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise CellError(
            _(
                "The ID number was stored as a number, so Excel has rounded it; format the "
                "column as text and type it again."
            )
        )
    return compact(value).upper()


# What people put between a phone number's digits: 0523-8123 4567, (0523)81234567.
PHONE_PUNCTUATION = str.maketrans("", "", "-()（）")


def phone(value: object) -> str:
    """A phone number as stored: digits only, without the spaces, dashes, brackets,
    full-width digits and +86 people type ("" when empty): 7 to 12 digits (a landline with
    its area code, or a mobile), and 11 digits are a mobile number, which starts with 1."""
    if (  # most cells: a mobile number typed as it should be, which needs no cleaning
        type(value) is str
        and len(value) == 11
        and value[0] == "1"
        and value.isdigit()
        and value.isascii()
    ):
        return value
    typed = compact(value)
    number = typed.translate(PHONE_PUNCTUATION)
    if number.startswith("+86"):  # the country code, as mobiles show it: not stored
        number = number[3:]
    if number and not (number.isascii() and number.isdigit() and 7 <= len(number) <= 12):
        raise CellError(_("“%(value)s” is not a phone number.") % {"value": typed})
    if len(number) == 11 and not number.startswith("1"):
        raise CellError(_("A mobile number starts with 1."))
    return number
