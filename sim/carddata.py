"""What one simulated card holds: a serialisable description, no behaviour.

A :class:`CardData` names everything that differs between two cards: the token name, the
certificates (DER), the private keys (an index into the published test-key pool of
:mod:`sim.factory.testkeys`, or a PEM text), the holder's data for the card-info application, the
PINs with their try counters, the ATR and a few behaviour options. :meth:`CardData.to_dict`
and :meth:`CardData.from_dict` turn it into JSON-friendly values and back; the simulated card
hands back an updated copy (changed PINs, spent tries) with
:attr:`sim.chip.card.SimulatedCard.card_data`.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum, unique
from typing import TYPE_CHECKING, Any

from sim.chip.echo import NEW_JPKI_ATR, OLD_JPKI_ATR
from sim.factory import testkeys

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = [
    "AtrKind",
    "CardData",
    "CardHolder",
    "KeySource",
    "PinSetting",
    "SexCode",
    "TokenName",
    "load_private_key",
]

KeySource = int | str
"""A private key: an index into :func:`sim.factory.testkeys.pool_key`, or an RSA key as PEM text."""

_DIGITS = frozenset(string.digits)
_TOKEN_NAME_BYTES = 32


@unique
class AtrKind(StrEnum):
    """The two contact ATRs of My Number Cards in the field."""

    OLD = "old"
    """``3B E0 00 FF 81 31 FE 45 14``: older cards, no historical bytes (OpenSC's table ATR)."""
    NEW = "new"
    """``3B DA 13 FF 81 31 FB 46 80 12 39 2F ...``: newer cards (chaining, extended lengths)."""

    @property
    def atr(self) -> bytes:
        """The ATR bytes."""
        return OLD_JPKI_ATR if self is AtrKind.OLD else NEW_JPKI_ATR


@unique
class TokenName(StrEnum):
    """The token names the JPKI token EF (``0006``) is known to carry."""

    MY_NUMBER_CARD = "JPKIAPICCTOKEN2"
    JUKI_CARD = "JPKIAPICCTOKEN"
    ANDROID = "JPKIAPGPSETOKEN"
    IPHONE = "JPKIAPIOSTOKEN"


@unique
class SexCode(StrEnum):
    """Sex as the card-info application writes it (JIS X 0303 digit)."""

    UNKNOWN = "0"
    MALE = "1"
    FEMALE = "2"
    NOT_APPLICABLE = "9"


@dataclass(frozen=True, slots=True)
class PinSetting:
    """A PIN as stored on the card: its value and how many tries are left.

    :param value: the PIN as ASCII text.
    :param tries_left: tries left; ``None`` means the full count (3, or 5 for the signature
        password); ``0`` means blocked.
    """

    value: str
    tries_left: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not self.value.isascii():
            raise ValueError("a PIN value is ASCII text")
        if not 1 <= len(self.value) <= 16:
            raise ValueError("a PIN value has 1-16 characters")
        if self.tries_left is not None and not 0 <= self.tries_left <= 15:
            raise ValueError("tries left must be 0-15")

    def __repr__(self) -> str:
        # Never the value.
        return f"PinSetting(tries_left={self.tries_left})"


@dataclass(frozen=True, slots=True)
class CardHolder:
    """The four basic attributes the card-info application holds.

    :param name: family and given name separated by U+3000.
    :param address: the full address (block numbers usually in full-width digits).
    :param birth_date: the birth date.
    :param sex: the sex code.
    """

    name: str
    address: str
    birth_date: date
    sex: SexCode

    def __post_init__(self) -> None:
        if not self.name or not self.address:
            raise ValueError("holder name and address must not be empty")
        if not isinstance(self.birth_date, date):
            raise TypeError("birth_date must be a datetime.date")
        if not isinstance(self.sex, SexCode):
            raise TypeError("sex must be a SexCode")


_DEFAULT_HOLDER = CardHolder(
    name="番号\u3000花子",
    address="東京都千代田区試験町１－２－３",
    birth_date=date(1990, 1, 1),
    sex=SexCode.FEMALE,
)


def _check_digits(label: str, value: str, count: int) -> None:
    if not isinstance(value, str) or len(value) != count or not set(value) <= _DIGITS:
        raise ValueError(f"{label} must be {count} ASCII digits")


def _check_key_source(label: str, source: KeySource | None) -> None:
    if source is None or isinstance(source, str):
        return
    if isinstance(source, bool) or not 0 <= source < testkeys.POOL_SIZE:
        raise ValueError(f"{label} must be a pool index 0-{testkeys.POOL_SIZE - 1} or PEM text")


@dataclass(frozen=True, slots=True)
class CardData:
    """The contents of one simulated card.

    :param token_name: the name in the first 32 bytes of the JPKI token EF.
    :param smartphone_token: behave as a smartphone certificate: reading the
        user-authentication certificate needs the auth PIN.
    :param atr: which of the two real ATRs the card answers with.
    :param auth_certificate: DER of the user-authentication certificate, or None (absent).
    :param auth_ca_certificate: DER of its CA certificate, or None.
    :param sign_certificate: DER of the signature certificate, or None (e.g. under 15).
    :param sign_ca_certificate: DER of its CA certificate, or None.
    :param auth_key: the user-authentication private key, or None (key EF absent).
    :param sign_key: the signature private key, or None.
    :param availability: the 3 bytes of EF ``0008``; None derives them from the
        certificates (``8F`` present, ``00`` absent; byte 0 sign, byte 1 auth).
    :param holder: the card-info application's basic four attributes.
    :param my_number: the 12-digit individual number.
    :param card_serial: the 15-digit card serial of the common application's record.
    :param municipality_code: the 5-digit municipality code of that record.
    :param card_expiry: the card's expiry date in that record.
    :param auth_pin: the user-authentication PIN (4 digits, 3 tries).
    :param sign_password: the signature password (6-16 of A-Z0-9, 5 tries).
    :param card_info_pin: the card-info application PIN (4 digits, 3 tries).
    :param juki_pin: the Juki application PIN (4 digits, 3 tries).
    :param card_info_key: the key that signs the card-info integrity record (EF ``0003``).
    :param clear_verified_on_select: selecting an application clears the verified state of
        that application's PINs. **Not observed on real cards**, which keep a verified PIN
        until power-off or reset; kept for clients written against the opposite assumption
        (OpenSC's jpki driver logs out by re-selecting).
    :param basic_info_long_form: EF ``0002`` of the card-info application opens with the
        long-form length ``FF 20 82 HH LL`` (production cards); False gives the minimal
        form ``FF 20 LL`` of J-LIS test cards. The offsets in ``DF21`` follow the header.
    :param card_info_issuer_key: the simulated issuer's key that signs the card-info
        application's card-verifiable certificate (EF ``0004``).
    """

    token_name: str = TokenName.MY_NUMBER_CARD.value
    smartphone_token: bool = False
    atr: AtrKind = AtrKind.NEW
    auth_certificate: bytes | None = None
    auth_ca_certificate: bytes | None = None
    sign_certificate: bytes | None = None
    sign_ca_certificate: bytes | None = None
    auth_key: KeySource | None = None
    sign_key: KeySource | None = None
    availability: bytes | None = None
    holder: CardHolder = _DEFAULT_HOLDER
    my_number: str = "123456789018"
    card_serial: str = "900000000000001"
    municipality_code: str = "13101"
    card_expiry: date = date(2035, 1, 1)
    auth_pin: PinSetting = PinSetting("1234")
    sign_password: PinSetting = PinSetting("SIGN1234")
    card_info_pin: PinSetting = PinSetting("1234")
    juki_pin: PinSetting = PinSetting("1234")
    card_info_key: KeySource = testkeys.POOL_SIZE - 1
    clear_verified_on_select: bool = False
    basic_info_long_form: bool = True
    card_info_issuer_key: KeySource = testkeys.POOL_SIZE - 2

    def __post_init__(self) -> None:
        name = self.token_name
        if not name.isascii() or not 1 <= len(name) <= _TOKEN_NAME_BYTES:
            raise ValueError(f"the token name is 1-{_TOKEN_NAME_BYTES} ASCII characters")
        if not isinstance(self.atr, AtrKind):
            raise TypeError("atr must be an AtrKind")
        if self.availability is not None and len(self.availability) != 3:
            raise ValueError("the availability EF holds exactly 3 bytes")
        _check_digits("my_number", self.my_number, 12)
        _check_digits("card_serial", self.card_serial, 15)
        _check_digits("municipality_code", self.municipality_code, 5)
        if not isinstance(self.card_expiry, date):
            raise TypeError("card_expiry must be a datetime.date")
        for label in ("auth_key", "sign_key", "card_info_key", "card_info_issuer_key"):
            _check_key_source(label, getattr(self, label))

    @property
    def availability_bytes(self) -> bytes:
        """The bytes of EF ``0008``: as given, or derived from the certificates present."""
        if self.availability is not None:
            return self.availability
        return bytes(
            (
                0x8F if self.sign_certificate is not None else 0x00,
                0x8F if self.auth_certificate is not None else 0x00,
                0x00,
            )
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly values: bytes as hex, dates as ISO text, enums as their values."""
        out: dict[str, Any] = {}
        for f in fields(self):
            out[f.name] = _to_json(getattr(self, f.name))
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> CardData:
        """The inverse of :meth:`to_dict`; missing keys take their defaults.

        :raises ValueError: an unknown key or a malformed value.
        """
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown card data keys: {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = {}
        for name, raw in values.items():
            kwargs[name] = _FROM_JSON.get(name, _identity)(raw)
        return cls(**kwargs)


def _to_json(value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, PinSetting):
        return {"value": value.value, "tries_left": value.tries_left}
    if isinstance(value, CardHolder):
        return {
            "name": value.name,
            "address": value.address,
            "birth_date": value.birth_date.isoformat(),
            "sex": value.sex.value,
        }
    if isinstance(value, StrEnum):
        return value.value
    return value


def _identity(value: Any) -> Any:
    return value


def _hex_or_none(value: Any) -> bytes | None:
    return None if value is None else bytes.fromhex(value)


def _pin(value: Any) -> PinSetting:
    return PinSetting(value["value"], value.get("tries_left"))


def _holder(value: Any) -> CardHolder:
    return CardHolder(
        name=value["name"],
        address=value["address"],
        birth_date=date.fromisoformat(value["birth_date"]),
        sex=SexCode(value["sex"]),
    )


_FROM_JSON: dict[str, Any] = {
    "atr": AtrKind,
    "auth_certificate": _hex_or_none,
    "auth_ca_certificate": _hex_or_none,
    "sign_certificate": _hex_or_none,
    "sign_ca_certificate": _hex_or_none,
    "availability": _hex_or_none,
    "holder": _holder,
    "card_expiry": date.fromisoformat,
    "auth_pin": _pin,
    "sign_password": _pin,
    "card_info_pin": _pin,
    "juki_pin": _pin,
}


def load_private_key(source: KeySource) -> rsa.RSAPrivateKey:
    """The RSA private key *source* names: a test-key pool index, or PEM text.

    :raises ValueError: an index outside the pool, PEM that does not hold an RSA key.
    """
    # Loaded here, not at import: the chip, which imports this module, stays free of it.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if isinstance(source, int):
        return testkeys.pool_key(source)
    key = serialization.load_pem_private_key(source.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the PEM text does not hold an RSA private key")
    return key
