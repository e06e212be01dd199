"""ID numbers (GB 11643) and phones: checking, normalising, masking."""

import datetime
from typing import TYPE_CHECKING

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from candidates import services
from candidates.identity import (
    check_id_number,
    gender_from_id,
    id_problems,
    mask_id_number,
    mask_phone,
    normalize_id_number,
)

if TYPE_CHECKING:
    from accounts.models import User
    from tests.conftest import World

FULL_WIDTH_DIGITS = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


CHECK_DIGIT_WRONG = gettext("The ID number's check digit is wrong.")


def valid_id(body: str) -> str:
    """A valid 18-character number from its first 17 digits (the check digit computed)."""
    assert len(body) == 17
    # calc_check_digit reads the first 17 of a full 18-character number.
    return body + ric.calc_check_digit(body + "0")


def changed_digit(number: str, position: int) -> str:
    digit = str((int(number[position]) + 1) % 10)
    return number[:position] + digit + number[position + 1 :]


# 320102: 南京市玄武区; born 1 March 1985; 17th digit 3 (odd): a man.
MAN = valid_id("32010219850301123")
# 17th digit 4 (even): a woman, born 29 February 1988.
WOMAN = valid_id("32010219880229124")


def test_it_accepts_a_valid_id_number() -> None:
    assert id_problems(MAN) == []
    assert check_id_number(MAN, birth_date=datetime.date(1985, 3, 1), gender="M") == {}
    assert check_id_number(WOMAN, birth_date=datetime.date(1988, 2, 29), gender="F") == {}


def test_it_accepts_a_check_digit_of_x() -> None:
    # Find a body whose check digit is X, so that the X branch is exercised.
    number = next(
        valid_id(f"3201021985030112{n}")
        for n in range(10)
        if valid_id(f"3201021985030112{n}").endswith("X")
    )

    assert id_problems(number) == []


@pytest.mark.parametrize("position", range(17))
def test_it_rejects_any_single_changed_digit(position: int) -> None:
    number = changed_digit(MAN, position)

    # Whatever else breaks (region, birth date), the checksum catches every single typo.
    assert CHECK_DIGIT_WRONG in id_problems(number)


def test_it_rejects_a_changed_check_digit() -> None:
    number = MAN[:17] + ("0" if MAN[17] != "0" else "1")

    assert id_problems(number) == [CHECK_DIGIT_WRONG]


def test_it_accepts_a_county_created_after_the_birth_year() -> None:
    # 320707 赣榆区 was created in 2014; people born in 1980 registered there carry it.
    number = valid_id("32070719800101123")

    with pytest.raises(StdnumError):  # stdnum itself refuses it
        ric.validate(number)
    assert id_problems(number) == []


@pytest.mark.parametrize("province", ["99", "00", "10", "20", "39", "80"])
def test_it_rejects_an_unknown_province(province: str) -> None:
    number = valid_id(f"{province}010219850301123")

    assert id_problems(number) == [gettext("The ID number's region code is unknown.")]


def test_it_rejects_a_birth_date_that_does_not_exist() -> None:
    number = valid_id("32010219870229123")  # 1987 is not a leap year

    assert id_problems(number) == [gettext("The ID number's birth date is not a real date.")]


@pytest.mark.parametrize(
    "number",
    ["", "3201021985030112", "3201021985030112345", "32010219850301123A", "3201021985O301123X"],
)
def test_it_rejects_a_malformed_id_number(number: str) -> None:
    assert len(id_problems(number)) == 1


def test_it_reports_a_birth_date_mismatch_on_the_birth_date_field() -> None:
    errors = check_id_number(MAN, birth_date=datetime.date(1985, 3, 2), gender="M")

    assert set(errors) == {"birth_date"}
    assert "1985-03-01" in errors["birth_date"][0]


def test_it_reports_a_gender_mismatch_on_the_gender_field() -> None:
    errors = check_id_number(MAN, birth_date=datetime.date(1985, 3, 1), gender="F")

    assert set(errors) == {"gender"}


def test_it_reports_both_mismatches_separately() -> None:
    errors = check_id_number(WOMAN, birth_date=datetime.date(1988, 3, 1), gender="M")

    assert set(errors) == {"birth_date", "gender"}


def test_it_reports_an_invalid_number_on_the_id_field_only() -> None:
    errors = check_id_number(
        changed_digit(MAN, 3), birth_date=datetime.date(2000, 1, 1), gender="F"
    )

    assert set(errors) == {"id_number"}


def test_it_reads_the_gender_from_the_17th_digit() -> None:
    assert gender_from_id(MAN) == "M"
    assert gender_from_id(WOMAN) == "F"


def test_it_normalises_full_width_digits_spaces_and_a_lower_case_x() -> None:
    number = next(
        valid_id(f"3201021985030112{n}")
        for n in range(10)
        if valid_id(f"3201021985030112{n}").endswith("X")
    )
    typed = " " + number[:6] + "　" + number[6:].translate(FULL_WIDTH_DIGITS).replace("Ｘ", "ｘ")

    assert normalize_id_number(typed) == number
    assert normalize_id_number(number.lower()) == number


@pytest.mark.django_db
def test_it_stores_a_full_width_id_number_half_width(world: "World", township_a1: "User") -> None:
    person = services.person_save(
        by=township_a1,
        township_id=world.township_a1.pk,
        name="王五",
        gender="M",
        birth_date=datetime.date(1985, 3, 1),
        id_number=MAN.translate(FULL_WIDTH_DIGITS),
    )

    person.refresh_from_db()
    assert person.id_number == MAN


@pytest.mark.django_db
def test_it_refuses_to_save_a_person_whose_birth_date_disagrees(
    world: "World", township_a1: "User"
) -> None:
    with pytest.raises(ValidationError) as error:
        services.person_save(
            by=township_a1,
            township_id=world.township_a1.pk,
            name="王五",
            gender="F",
            birth_date=datetime.date(1985, 3, 2),
            id_number=MAN,
        )

    assert set(error.value.message_dict) == {"birth_date", "gender"}


def test_it_masks_an_id_number() -> None:
    assert mask_id_number("320707198001011234") == "3207**********1234"


def test_it_masks_a_short_id_number_entirely() -> None:
    assert mask_id_number("3207123") == "*******"


def test_it_masks_a_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone("12345") == "*****"
