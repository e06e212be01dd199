"""Citizen ID numbers (GB 11643) and phones: normalising, checking, masking.

python-stdnum checks the checksum and the birth date. Its birth-place check is not used as
is: it rejects a region code that did not exist in the birth year, but ID numbers were issued
(from 1984 on) with the code of the place of registration at issue, so real numbers of people
born before their county was created would fail. Only the province part is checked.
"""

from datetime import date
from functools import lru_cache

from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric

FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ　", "0123456789xX ")


def normalize_id_number(value: str) -> str:
    """Upper-case, half-width, without spaces: how officials' typing is stored."""
    return "".join(str(value).translate(FULL_WIDTH).split()).upper()


@lru_cache(maxsize=64)
def _province_known(code: str) -> bool:
    return any(props for _part, props in numdb.get("cn/loc").info(code))


def birth_date_from_id(number: str) -> date:
    """The birth date digits 7-14; ValueError when they are no real date.

    Read directly rather than through stdnum's get_birth_date, which cleans the number again
    on every call and cost most of an import's validation time (measured).
    """
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender_from_id(number: str) -> str:
    """'M' or 'F' from the 17th digit (odd for men)."""
    return "M" if int(number[16]) % 2 else "F"


def well_formed_id(number: str) -> bool:
    """Whether an ID number passes every check but its birth date's; fast, as most do."""
    head = number[:17]
    return (
        len(number) == 18
        and head.isdigit()
        and head.isascii()
        and number[17] == ric.calc_check_digit(number)
        and _province_known(number[:2])
    )


def id_problems(number: str) -> list[str]:
    """Every problem of an 18-digit ID number, in Chinese; empty when it is valid."""
    if len(number) != 18:
        return [_("The ID number must have 18 characters, not %(n)d.") % {"n": len(number)}]
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return [_("The ID number must be 17 digits followed by a digit or X.")]
    problems = []
    if number[17] != ric.calc_check_digit(number):
        problems.append(_("The ID number's check digit is wrong."))
    if not _province_known(number[:2]):
        problems.append(_("The ID number's region code is unknown."))
    try:
        birth_date_from_id(number)
    except ValueError:
        problems.append(_("The ID number's birth date is not a real date."))
    return problems


def check_id_number(number: str, *, birth_date: date | None, gender: str) -> dict[str, list]:
    """Errors by field for an ID number and the birth date and gender typed beside it."""
    problems = id_problems(number or "")
    if problems:
        return {"id_number": problems}
    errors: dict[str, list] = {}
    born = birth_date_from_id(number)
    if birth_date and born != birth_date:
        errors["birth_date"] = [
            _("The birth date does not match the ID number (%(date)s).")
            % {"date": born.isoformat()}
        ]
    if gender and gender_from_id(number) != gender:
        errors["gender"] = [_("The gender does not match the ID number.")]
    return errors


def mask_id_number(number: str) -> str:
    """``3207**********1234``: region and last four only."""
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


def mask_phone(phone: str) -> str:
    """``138****5678``."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
