"""The identifiers the registers carry (Art. 45-1.2 (1) and (2)), each checked with worked examples.

Every valid example below has its check digit computed by hand in a comment, so a change in an
algorithm shows up here as a different digit, not as a silent acceptance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from udp import identifiers

holders = pytest.mark.statute("A45-1.2-holders")
works = pytest.mark.statute("A45-1.2-works")


def refusal_code(validate: Callable[[str], str], value: str) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate(value)
    return str(excinfo.value.code)


# --- IIN -----------------------------------------------------------------------------------------
#
# A man born on 14 July 1985: YYMMDD = 850714, century/sex digit 3 (20th century, male),
# serial 0123. Stem 8 5 0 7 1 4 3 0 1 2 3, weights 1..11:
#   8*1 + 5*2 + 0*3 + 7*4 + 1*5 + 4*6 + 3*7 + 0*8 + 1*9 + 2*10 + 3*11
#   = 8 + 10 + 0 + 28 + 5 + 24 + 21 + 0 + 9 + 20 + 33 = 158;  158 mod 11 = 4  ->  check digit 4.
IIN_1985 = "850714301234"

# Serial 0173 makes the first pass give 10, so the second pass (weights 3..11, 1, 2) decides:
#   first pass: 158 - 2*10 + 7*10 = 208;  208 mod 11 = 10  -> second pass:
#   8*3 + 5*4 + 0*5 + 7*6 + 1*7 + 4*8 + 3*9 + 0*10 + 1*11 + 7*1 + 3*2
#   = 24 + 20 + 0 + 42 + 7 + 32 + 27 + 0 + 11 + 7 + 6 = 176;  176 mod 11 = 0  ->  check digit 0.
IIN_SECOND_PASS = "850714301730"


@holders
def test_an_iin_built_from_a_birth_date_century_digit_and_serial_is_accepted() -> None:
    assert identifiers.validate_iin(IIN_1985) == IIN_1985
    assert identifiers.validate_iin("8507 1430 1234") == IIN_1985


@holders
def test_an_iin_whose_first_check_pass_gives_ten_is_checked_by_the_second_pass() -> None:
    assert identifiers.validate_iin(IIN_SECOND_PASS) == IIN_SECOND_PASS
    assert refusal_code(identifiers.validate_iin, "850714301731") == "iin_checksum"


@holders
def test_an_iin_encodes_the_birth_date_with_its_century() -> None:
    assert str(identifiers.iin_birth_date(IIN_1985)) == "1985-07-14"
    # Century digit 5 (21st century, male): 05 07 14 -> 2005-07-14; digit 1 -> 1805.
    assert str(identifiers.iin_birth_date("050714501234")) == "2005-07-14"
    assert str(identifiers.iin_birth_date("050714101234")) == "1805-07-14"


@holders
@pytest.mark.parametrize("wrong_check", ["850714301230", "850714301235", "850714301239"])
def test_an_iin_with_a_wrong_check_digit_is_refused(wrong_check: Any) -> None:
    assert refusal_code(identifiers.validate_iin, wrong_check) == "iin_checksum"


@holders
@pytest.mark.parametrize(
    "impossible",
    [
        "850231301234",  # 31 February
        "851314301234",  # month 13
        "850714001234",  # century digit 0
        "850714701234",  # century digit 7
    ],
)
def test_an_iin_with_an_impossible_birth_date_is_refused(impossible: Any) -> None:
    assert refusal_code(identifiers.validate_iin, impossible) == "iin_date"


@holders
@pytest.mark.parametrize("malformed", ["85071430123", "8507143012345", "85071430123A", ""])
def test_an_iin_that_is_not_twelve_digits_is_refused(malformed: Any) -> None:
    assert refusal_code(identifiers.validate_iin, malformed) == "iin_format"


# --- BIN -----------------------------------------------------------------------------------------
#
# An entity registered in March 2005 (0503), type 4 (resident legal entity), digit 0, serial 12345.
# Stem 0 5 0 3 4 0 1 2 3 4 5, weights 1..11:
#   0 + 10 + 0 + 12 + 20 + 0 + 7 + 16 + 27 + 40 + 55 = 187;  187 mod 11 = 0  ->  check digit 0.
BIN_2005 = "050340123450"


@holders
def test_a_bin_built_from_registration_month_type_and_serial_is_accepted() -> None:
    assert identifiers.validate_bin(BIN_2005) == BIN_2005


@holders
def test_a_bin_whose_first_check_pass_gives_ten_is_checked_by_the_second_pass() -> None:
    # Stem 1 5 0 7 4 1 0 0 0 0 7 (July 2015, type 4, serial 00007):
    #   weights 1..11: 1 + 10 + 0 + 28 + 20 + 6 + 0 + 0 + 0 + 0 + 77 = 142; 142 mod 11 = 10 -> second pass:
    #   weights 3..11, 1, 2: 3 + 20 + 0 + 42 + 28 + 8 + 0 + 0 + 0 + 0 + 14 = 115; 115 mod 11 = 5.
    assert identifiers.validate_bin("150741000075") == "150741000075"
    assert refusal_code(identifiers.validate_bin, "150741000070") == "bin_checksum"


@holders
def test_a_bin_with_a_wrong_check_digit_is_refused() -> None:
    assert refusal_code(identifiers.validate_bin, "050340123451") == "bin_checksum"


@holders
def test_a_bin_with_an_impossible_registration_month_is_refused() -> None:
    assert refusal_code(identifiers.validate_bin, "051340123450") == "bin_month"
    assert refusal_code(identifiers.validate_bin, "050040123450") == "bin_month"


@holders
def test_a_bin_with_an_unknown_entity_type_is_refused() -> None:
    assert refusal_code(identifiers.validate_bin, "050330123450") == "bin_type"


@holders
def test_a_bin_of_eleven_digits_is_refused() -> None:
    assert refusal_code(identifiers.validate_bin, "05034012345") == "bin_format"


# --- IPI name numbers ----------------------------------------------------------------------------
#
# Nine digits weighted 10..2, sum mod 101, check = (101 - sum) mod 100 (two digits).
#   000000001: 1*2 = 2   -> (101 - 2) mod 100 = 99  -> 00000000199
#   000000002: 2*2 = 4   -> (101 - 4) mod 100 = 97  -> 00000000297
# Both appear as writer IPI numbers in a real CWR file.


@holders
@pytest.mark.parametrize("ipi", ["00000000199", "00000000297"])
def test_ipi_name_numbers_from_a_real_cwr_file_are_accepted(ipi: Any) -> None:
    assert identifiers.validate_ipi_name_number(ipi) == ipi


@holders
def test_an_ipi_name_number_with_wrong_check_digits_is_refused() -> None:
    assert refusal_code(identifiers.validate_ipi_name_number, "00000000198") == "ipi_checksum"


@holders
def test_an_ipi_name_number_gets_its_check_digits_appended() -> None:
    # 123456789: 10 + 18 + 24 + 28 + 30 + 30 + 28 + 24 + 18 = 210; 210 mod 101 = 8; 101 - 8 = 93.
    assert identifiers.ipi_name_number_with_check("123456789") == "12345678993"


@holders
def test_an_ipi_name_number_of_ten_digits_is_refused() -> None:
    assert refusal_code(identifiers.validate_ipi_name_number, "0000000199") == "ipi_format"


# --- ISNI ----------------------------------------------------------------------------------------


@holders
def test_an_isni_is_checked_by_its_iso_7064_check_character() -> None:
    assert identifiers.validate_isni("0000 0001 2281 955X") == "000000012281955X"
    assert refusal_code(identifiers.validate_isni, "0000 0001 2281 9551") == "isni"


# --- Kazakh IBAN ---------------------------------------------------------------------------------


@holders
def test_a_kazakh_iban_is_accepted_in_compact_form() -> None:
    # The registry's example: KZ, check 86, bank 125, account KZT5004100100 (13 characters).
    assert identifiers.validate_kz_iban("KZ86 125K ZT50 0410 0100") == "KZ86125KZT5004100100"


@holders
def test_a_kazakh_iban_with_wrong_check_digits_is_refused() -> None:
    assert refusal_code(identifiers.validate_kz_iban, "KZ87125KZT5004100100") == "iban"


@holders
def test_a_valid_foreign_iban_is_refused_with_the_country_message() -> None:
    with pytest.raises(ValidationError) as excinfo:
        identifiers.validate_kz_iban("DE89 3704 0044 0532 0130 00")
    assert excinfo.value.code == "iban_country"
    with translation.override("en"):
        assert excinfo.value.messages == ["A Kazakh bank account number (IBAN) starts with KZ."]


# --- ISWC ----------------------------------------------------------------------------------------
#
# Check digit = (10 - (1 + sum(i * d_i)) mod 10) mod 10, i = 1..9.
#   034524680: 0 + 6 + 12 + 20 + 10 + 24 + 42 + 64 + 0 = 178; 1 + 178 = 179; 10 - 9 = 1 -> T-034.524.680-1
#   123456789: 1 + 4 + 9 + ... + 81 = 285; 1 + 285 = 286; 10 - 6 = 4            -> T-123.456.789-4
#   000000001: 9; 1 + 9 = 10; (10 - 0) mod 10 = 0                                -> T-000.000.001-0


@works
@pytest.mark.parametrize(
    ("written", "compact"),
    [("T-034.524.680-1", "T0345246801"), ("T-123.456.789-4", "T1234567894"), ("t0000000010", "T0000000010")],
)
def test_an_iswc_with_its_hand_computed_check_digit_is_accepted(written: Any, compact: Any) -> None:
    assert identifiers.validate_iswc(written) == compact


@works
def test_an_iswc_is_shown_in_its_usual_dotted_form() -> None:
    assert identifiers.format_iswc("T0345246801") == "T-034.524.680-1"


@works
@pytest.mark.parametrize("wrong", ["T-034.524.680-2", "T-123.456.789-0", "T-000.000.001-1"])
def test_an_iswc_with_a_wrong_check_digit_is_refused(wrong: Any) -> None:
    assert refusal_code(identifiers.validate_iswc, wrong) == "iswc_checksum"


@works
@pytest.mark.parametrize("malformed", ["034.524.680-1", "T-034.524.680", "X-034.524.680-1"])
def test_an_iswc_without_the_t_or_a_digit_is_refused(malformed: Any) -> None:
    assert refusal_code(identifiers.validate_iswc, malformed) == "iswc_format"


# --- ISRC and ISAN (python-stdnum) -----------------------------------------------------------------


@works
def test_an_isrc_is_accepted_in_compact_form_and_a_short_one_refused() -> None:
    assert identifiers.validate_isrc("KZ-A01-25-00001") == "KZA012500001"
    assert refusal_code(identifiers.validate_isrc, "KZA01250000") == "isrc"


@works
def test_an_isan_is_accepted_with_its_check_characters_and_a_wrong_one_refused() -> None:
    assert identifiers.validate_isan("0000-0000-D07A-0090-Q-0000-0000-X") == "00000000D07A0090Q00000000X"
    assert refusal_code(identifiers.validate_isan, "0000-0000-D07A-0090-R-0000-0000-X") == "isan"


# --- IPI base number -------------------------------------------------------------------------------
#
# I-NNNNNNNNN-C: the header I counts 2, the n-th digit is weighted n, and C makes the sum a multiple
# of 10. Pablo Picasso's base number I-001068130-6:
#   2 + 0*1 + 0*2 + 1*3 + 0*4 + 6*5 + 8*6 + 1*7 + 3*8 + 0*9 = 2 + 3 + 30 + 48 + 7 + 24 = 114  ->  6.
# I-000000229-7:  2 + 2*7 + 2*8 + 9*9 = 113  ->  7.   I-123456789-3:  2 + 285 = 287  ->  3.


@holders
@pytest.mark.parametrize("value", ["I-001068130-6", "I0000002297", "i-123456789-3"])
def test_ipi_base_numbers_with_a_right_check_digit_pass(value: Any) -> None:
    assert identifiers.validate_ipi_base_number(value).startswith("I-")


@holders
@pytest.mark.parametrize("value", ["I-001068130-5", "I-000000229-0", "I-123456789-4"])
def test_ipi_base_number_check_digit_is_verified(value: Any) -> None:
    assert refusal_code(identifiers.validate_ipi_base_number, value) == "ipi_base_check"


@holders
def test_ipi_base_number_format_is_named_before_the_digit() -> None:
    assert refusal_code(identifiers.validate_ipi_base_number, "X-001068130-6") == "ipi_base_format"
