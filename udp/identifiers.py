"""Validation of the identifiers the registers carry.

Where python-stdnum knows an identifier (ISNI, ISRC, ISAN, IBAN) we use it; IIN, BIN, ISWC and
IPI numbers are checked here. Each ``validate_*`` returns the compact form or raises
``django.core.exceptions.ValidationError`` with a message that says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban as std_iban
from stdnum import isan as std_isan
from stdnum import isni as std_isni
from stdnum import isrc as std_isrc
from stdnum.exceptions import ValidationError as StdnumError

_IIN_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_IIN_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def _kz_check_digit(digits: str) -> int | None:
    """Check digit of a Kazakh IIN/BIN: two weighted passes modulo 11; None if it cannot be formed."""
    values = [int(c) for c in digits[:11]]
    check = sum(w * v for w, v in zip(_IIN_WEIGHTS_1, values, strict=True)) % 11
    if check == 10:
        check = sum(w * v for w, v in zip(_IIN_WEIGHTS_2, values, strict=True)) % 11
        if check == 10:
            return None
    return check


def _compact(value: str) -> str:
    return re.sub(r"[\s\-.]", "", value or "").upper()


def iin_birth_date(iin: str) -> dt.date | None:
    """The birth date encoded in an IIN (YYMMDD + century digit), or None if it is not a valid date."""
    century_digit = int(iin[6])
    if century_digit == 0 or century_digit > 6:
        return None
    century = 1800 + 100 * ((century_digit - 1) // 2)
    try:
        return dt.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def validate_iin(value: str) -> str:
    """Individual identification number: 12 digits, birth date, century/sex digit, check digit."""
    iin = _compact(value)
    if not re.fullmatch(r"[0-9]{12}", iin):
        raise ValidationError(_("An IIN has exactly 12 digits."), code="iin_format")
    if iin_birth_date(iin) is None:
        raise ValidationError(
            _("The first seven digits of an IIN must encode a birth date."), code="iin_date"
        )
    if _kz_check_digit(iin) != int(iin[11]):
        raise ValidationError(_("The IIN check digit is wrong."), code="iin_checksum")
    return iin


def validate_bin(value: str) -> str:
    """Business identification number: 12 digits, registration year/month, entity type, check digit."""
    bin_ = _compact(value)
    if not re.fullmatch(r"[0-9]{12}", bin_):
        raise ValidationError(_("A BIN has exactly 12 digits."), code="bin_format")
    if not 1 <= int(bin_[2:4]) <= 12:
        raise ValidationError(_("Digits 3-4 of a BIN must be the month of registration."), code="bin_month")
    if bin_[4] not in "4567":
        raise ValidationError(_("Digit 5 of a BIN must be the entity type (4-7)."), code="bin_type")
    if _kz_check_digit(bin_) != int(bin_[11]):
        raise ValidationError(_("The BIN check digit is wrong."), code="bin_checksum")
    return bin_


def iswc_check_digit(nine_digits: str) -> int:
    total = 1 + sum((i + 1) * int(d) for i, d in enumerate(nine_digits))
    return (10 - total % 10) % 10


def validate_iswc(value: str) -> str:
    """ISWC: T + 9 digits + check digit. Returns the compact form ``T1234567894``."""
    iswc = _compact(value)
    if not re.fullmatch(r"T[0-9]{10}", iswc):
        raise ValidationError(_("An ISWC looks like T-123.456.789-C."), code="iswc_format")
    if iswc_check_digit(iswc[1:10]) != int(iswc[10]):
        raise ValidationError(_("The ISWC check digit is wrong."), code="iswc_checksum")
    return iswc


def format_iswc(iswc: str) -> str:
    return f"{iswc[0]}-{iswc[1:4]}.{iswc[4:7]}.{iswc[7:10]}-{iswc[10]}" if len(iswc) == 11 else iswc


def _ipi_check(nine_digits: str) -> int:
    total = sum(w * int(d) for w, d in zip(range(10, 1, -1), nine_digits, strict=True)) % 101
    return (101 - total) % 100 if total else 0


def validate_ipi_name_number(value: str) -> str:
    """IPI name number: 11 digits, the last two a check over the first nine (weights 10..2, modulo 101)."""
    ipi = _compact(value)
    if not re.fullmatch(r"[0-9]{11}", ipi):
        raise ValidationError(_("An IPI name number has 11 digits."), code="ipi_format")
    if _ipi_check(ipi[:9]) != int(ipi[9:]):
        raise ValidationError(_("The IPI name number check digits are wrong."), code="ipi_checksum")
    return ipi


def ipi_name_number_with_check(nine_digits: str) -> str:
    return f"{nine_digits}{_ipi_check(nine_digits):02d}"


def ipi_base_check_digit(digits: str) -> int:
    """The check digit of an IPI base number ``I-NNNNNNNNN-C``: a weighted modulus 10 adapted from
    ISO 7064, as for the ISWC. The header letter I counts 2, the n-th digit is weighted n, and the
    check digit makes the weighted sum a multiple of 10 (I-001068130-6, I-000000229-7)."""
    total = 2 + sum(weight * int(d) for weight, d in enumerate(digits, start=1))
    return (10 - total % 10) % 10


def validate_ipi_base_number(value: str) -> str:
    """IPI base number: I-123456789-3 (the letter I, nine digits and a check digit)."""
    base = _compact(value)
    if not re.fullmatch(r"I[0-9]{10}", base):
        raise ValidationError(_("An IPI base number looks like I-123456789-3."), code="ipi_base_format")
    if ipi_base_check_digit(base[1:10]) != int(base[10]):
        raise ValidationError(
            _("The IPI base number %(value)s has a wrong check digit."),
            code="ipi_base_check",
            params={"value": f"I-{base[1:10]}-{base[10]}"},
        )
    return f"I-{base[1:10]}-{base[10]}"


def validate_isni(value: str) -> str:
    try:
        return std_isni.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("The ISNI is not valid (16 characters, check character last)."), code="isni"
        ) from exc


def validate_isrc(value: str) -> str:
    try:
        return std_isrc.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("The ISRC is not valid (e.g. KZA012500001)."), code="isrc") from exc


def validate_isan(value: str) -> str:
    try:
        return std_isan.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("The ISAN is not valid."), code="isan") from exc


def validate_kz_iban(value: str) -> str:
    """A Kazakh IBAN: KZ, two check digits, 3-digit bank code, 13 characters of account."""
    iban = _compact(value)
    if not iban.startswith("KZ"):
        raise ValidationError(_("A Kazakh bank account number (IBAN) starts with KZ."), code="iban_country")
    try:
        return std_iban.validate(iban)
    except StdnumError as exc:
        raise ValidationError(
            _("The IBAN is not valid (KZ + 18 characters, check digits)."), code="iban"
        ) from exc


def kz_number_with_check(eleven_digits: str) -> str | None:
    """Complete an 11-digit IIN/BIN stem with its check digit; None for stems that have none."""
    check = _kz_check_digit(eleven_digits)
    return None if check is None else f"{eleven_digits}{check}"


def iswc_with_check(nine_digits: str) -> str:
    return f"T{nine_digits}{iswc_check_digit(nine_digits)}"
