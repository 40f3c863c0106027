"""Reading the files of the card-info input helper application (券面事項入力補助AP).

EF ``0001`` holds the My Number as ``FF 10 0C`` + 12 ASCII digits; EF ``0002`` holds the four
basic attributes as ``FF 20 L { DF21 offsets, DF22 name, DF23 address, DF24 birth date,
DF25 sex }``. Both are followed by filler, and their BER is not strict DER (long-form lengths
where a short one would do), so parsing is lenient about form and strict about content.
Only parsing lives here: reading the files from the card is the session's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum, unique

from apdu.ber import BerError, Tlv, iter_tlv

from .certificate import HasName
from .errors import CardInfoError, MyNumberError
from .ids import Sex
from .mynumber import MY_NUMBER_LENGTH, validate_my_number

__all__ = [
    "BasicInfo",
    "CardInfo",
    "CardInfoTag",
    "parse_basic_info",
    "parse_card_info",
    "parse_my_number",
]

_BIRTH_DATE_LENGTH = 8


@unique
class CardInfoTag(bytes, Enum):
    """The BER tags of the card-info files."""

    MY_NUMBER = bytes.fromhex("FF10")
    BASIC_INFO = bytes.fromhex("FF20")
    OFFSETS = bytes.fromhex("DF21")
    NAME = bytes.fromhex("DF22")
    ADDRESS = bytes.fromhex("DF23")
    BIRTH_DATE = bytes.fromhex("DF24")
    SEX = bytes.fromhex("DF25")


@dataclass(frozen=True, slots=True)
class BasicInfo(HasName):
    """The four basic attributes (基本4情報) of EF ``0002``.

    :param name: family and given name separated by U+3000.
    :param address: the address as printed on the card.
    :param birth_date: the Gregorian birth date.
    :param sex: decoded from :attr:`sex_code` (JIS X 5218: 0 unknown, 1, 2, 9 not applicable).
    :param sex_code: the card's digit.
    """

    name: str
    address: str
    birth_date: date
    sex: Sex
    sex_code: str

    def to_json(self) -> dict[str, object]:
        """Keys: ``name``, ``address``, ``birth_date`` (YYYY-MM-DD), ``sex``, ``sex_code``."""
        return self.basic_json()


@dataclass(frozen=True, slots=True)
class CardInfo:
    """Everything the card-info application tells: the My Number and the basic attributes.

    The My Number is kept out of ``repr`` so that logging the object does not log it.
    """

    my_number: str = field(repr=False)
    basic: BasicInfo

    def to_json(self) -> dict[str, object]:
        """Keys: ``my_number``, ``name``, ``address``, ``birth_date``, ``sex``, ``sex_code``."""
        return {"my_number": self.my_number, **self.basic.to_json()}


def _outer(data: bytes, tag: CardInfoTag, what: str) -> bytes:
    """The value of the one object of ``tag`` that opens the file; filler after it is ignored."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise CardInfoError(f"{what} must be bytes, not {type(data).__name__}")
    try:
        first = next(iter_tlv(bytes(data)), None)
    except BerError as exc:
        raise CardInfoError(f"{what} is not readable BER: {exc}") from exc
    if first is None:
        raise CardInfoError(f"{what} is empty (only filler)")
    if first.tag != tag.value:
        raise CardInfoError(
            f"{what} starts with tag {first.tag.hex().upper()}, expected {tag.value.hex().upper()}"
        )
    return first.value


def parse_my_number(data: bytes) -> str:
    """The My Number from the content of EF ``0001`` (``FF 10 0C`` + 12 digits + filler).

    :raises CardInfoError: wrong tag, truncated, or not 12 ASCII digits.
    :raises MyNumberError: 12 digits with a wrong check digit (a :class:`CardInfoError` too).
    """
    value = _outer(data, CardInfoTag.MY_NUMBER, "the My Number file")
    if len(value) != MY_NUMBER_LENGTH:
        raise CardInfoError(
            f"the My Number file holds {len(value)} bytes, expected {MY_NUMBER_LENGTH}"
        )
    if not value.isdigit():  # bytes.isdigit() is ASCII-only
        raise CardInfoError("the My Number file holds bytes that are not ASCII digits")
    number = value.decode("ascii")
    try:
        return validate_my_number(number)
    except MyNumberError as exc:
        raise MyNumberError(f"the My Number file: {exc}") from None


def _fields(value: bytes) -> dict[bytes, bytes]:
    try:
        objects: list[Tlv] = list(iter_tlv(value))
    except BerError as exc:
        raise CardInfoError(f"the basic-info file's contents are not readable BER: {exc}") from exc
    found: dict[bytes, bytes] = {}
    for tlv in objects:
        # Unknown tags are skipped (a later card generation may add some); a repeated one
        # is ambiguous.
        if tlv.tag in found:
            raise CardInfoError(f"the basic-info file has tag {tlv.tag.hex().upper()} twice")
        found[tlv.tag] = tlv.value
    return found


def _text(fields: dict[bytes, bytes], tag: CardInfoTag, label: str) -> str:
    raw = fields.get(tag.value)
    if raw is None:
        raise CardInfoError(f"the basic-info file has no {label} ({tag.value.hex().upper()})")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CardInfoError(f"the {label} in the basic-info file is not UTF-8") from exc


def parse_basic_info(data: bytes) -> BasicInfo:
    """The four basic attributes from the content of EF ``0002``.

    Both headers real cards use are read: the production cards' long form ``FF 20 82 HH LL``
    and the J-LIS test cards' ``FF 20 LL``; the fields are found by tag, not by the ``DF21``
    offsets (which differ between the two).

    :raises CardInfoError: wrong outer tag, broken BER, a missing field, a name or address that
        is not UTF-8, a birth date that is not ``YYYYMMDD``, or an unknown sex code.
    """
    fields = _fields(_outer(data, CardInfoTag.BASIC_INFO, "the basic-info file"))
    name = _text(fields, CardInfoTag.NAME, "name")
    address = _text(fields, CardInfoTag.ADDRESS, "address")
    birth = _text(fields, CardInfoTag.BIRTH_DATE, "birth date")
    if len(birth) != _BIRTH_DATE_LENGTH or not birth.isascii() or not birth.isdigit():
        raise CardInfoError("the birth date in the basic-info file is not eight digits YYYYMMDD")
    try:
        birth_date = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError as exc:
        raise CardInfoError(f"the birth date in the basic-info file is not a date: {exc}") from exc
    sex_code = _text(fields, CardInfoTag.SEX, "sex")
    try:
        sex = Sex.from_card_info_code(sex_code)
    except ValueError as exc:
        raise CardInfoError(f"the basic-info file: {exc}") from exc
    return BasicInfo(name=name, address=address, birth_date=birth_date, sex=sex, sex_code=sex_code)


def parse_card_info(my_number_file: bytes, basic_info_file: bytes) -> CardInfo:
    """Both card-info files at once (EF ``0001`` and EF ``0002``).

    :raises CardInfoError: see :func:`parse_my_number` and :func:`parse_basic_info`.
    """
    return CardInfo(
        my_number=parse_my_number(my_number_file), basic=parse_basic_info(basic_info_file)
    )
