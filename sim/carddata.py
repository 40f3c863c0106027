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

import functools
import hashlib
import hmac
import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from enum import StrEnum, unique
from typing import TYPE_CHECKING, Any, Self

from sim.chip.echo import NEW_JPKI_ATR, OLD_JPKI_ATR
from sim.factory import testkeys

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = [
    "AtrKind",
    "CardData",
    "CardHolder",
    "PIN_FIELDS",
    "KeySource",
    "PinHash",
    "PinSetting",
    "SexCode",
    "TokenName",
    "load_private_key",
    "private_key_loader",
]

KeySource = int | str
"""A private key: an index into :func:`sim.factory.testkeys.pool_key`, or an RSA key as PEM text."""

_DIGITS = frozenset(string.digits)

SCRYPT_N = 2**14
"""scrypt's cost for new PIN hashes (about 50 ms per hash on a small machine)."""
SCRYPT_R = 8
"""scrypt's block size for new PIN hashes."""
SCRYPT_P = 1
"""scrypt's parallelism for new PIN hashes."""
_SALT_BYTES = 16
_DIGEST_BYTES = 32
_SCRYPT_MAXMEM = 2**27  # 128 MiB: room for the largest parameters a file may name
_TOKEN_NAME_BYTES = 32


@unique
class AtrKind(StrEnum):
    """The two contact ATRs of My Number Cards in the field; each member carries its bytes."""

    atr: bytes
    """The ATR bytes."""

    def __new__(cls, value: str, atr: bytes = b"") -> Self:
        # Only the members are made here. ``atr`` has a default because the type checker takes
        # a lookup by value (``AtrKind("old")``) for a call of this constructor; it is not one.
        member = str.__new__(cls, value)
        member._value_ = value
        member.atr = atr
        return member

    OLD = "old", OLD_JPKI_ATR
    """``3B E0 00 FF 81 31 FE 45 14``: older cards, no historical bytes (OpenSC's table ATR)."""
    NEW = "new", NEW_JPKI_ATR
    """``3B DA 13 FF 81 31 FB 46 80 12 39 2F ...``: newer cards (chaining, extended lengths)."""


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


PIN_FIELDS = ("auth_pin", "sign_password", "card_info_pin", "juki_pin")
"""The :class:`CardData` fields that hold a PIN."""


@dataclass(frozen=True, slots=True)
class PinHash:
    """A PIN as a card file keeps it: scrypt (RFC 7914) of its ASCII bytes with a random salt.

    The parameters are stored beside the hash so that a file stays readable if they change.

    :param salt: the random salt (16-64 bytes).
    :param digest: the derived key (32 bytes).
    :param n: scrypt's cost (a power of two, 2**10-2**16).
    :param r: scrypt's block size (1-16).
    :param p: scrypt's parallelism (1-4).
    """

    salt: bytes
    digest: bytes
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    def __post_init__(self) -> None:
        for name, value, low, high in (
            ("n", self.n, 2**10, 2**16),
            ("r", self.r, 1, 16),
            ("p", self.p, 1, 4),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{name} must be an integer {low}-{high}")
        if self.n & (self.n - 1):
            raise ValueError("n must be a power of two")
        if not isinstance(self.salt, bytes) or not 16 <= len(self.salt) <= 64:
            raise ValueError("salt must be 16-64 bytes")
        if not isinstance(self.digest, bytes) or len(self.digest) != _DIGEST_BYTES:
            raise ValueError(f"hash must be {_DIGEST_BYTES} bytes")

    def __repr__(self) -> str:
        return f"PinHash(n={self.n}, r={self.r}, p={self.p})"

    @classmethod
    def of(cls, value: bytes) -> PinHash:
        """The hash of *value* with a fresh random salt and the default parameters."""
        salt = secrets.token_bytes(_SALT_BYTES)
        return cls(salt, _scrypt(value, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))

    def matches(self, candidate: bytes) -> bool:
        """Whether *candidate* is the PIN this hash was made from (constant-time compare)."""
        return hmac.compare_digest(
            _scrypt(candidate, self.salt, self.n, self.r, self.p), self.digest
        )


def _scrypt(value: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        value, salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=_DIGEST_BYTES
    )


@dataclass(frozen=True, slots=True)
class PinSetting:
    """A PIN as stored on the card: its value (clear or hashed) and how many tries are left.

    A card made from a profile holds its PINs in clear; a card file holds them as a
    :class:`PinHash` only (see :mod:`sim.store`). The card compares a candidate with
    :meth:`matches` either way.

    :param value: the PIN as ASCII text, or None when only its hash is known.
    :param tries_left: tries left; ``None`` means the full count (3, or 5 for the signature
        password); ``0`` means blocked.
    :param hashed: the PIN's salted hash (exactly one of *value* and *hashed* is given).
    """

    value: str | None = None
    tries_left: int | None = None
    hashed: PinHash | None = None

    def __post_init__(self) -> None:
        if (self.value is None) == (self.hashed is None):
            raise ValueError("a PIN has either a value or a hash")
        if self.value is not None:
            if not isinstance(self.value, str) or not self.value.isascii():
                raise ValueError("a PIN value is ASCII text")
            if not 1 <= len(self.value) <= 16:
                raise ValueError("a PIN value has 1-16 characters")
        elif not isinstance(self.hashed, PinHash):
            raise TypeError("hashed must be a PinHash")
        tries = self.tries_left
        if tries is not None and (
            isinstance(tries, bool) or not isinstance(tries, int) or not 0 <= tries <= 15
        ):
            raise ValueError("tries left must be an integer 0-15")

    def __repr__(self) -> str:
        # Never the value.
        return f"PinSetting(tries_left={self.tries_left}, hashed={self.hashed is not None})"

    @property
    def known_value(self) -> str:
        """The PIN in clear (a profile's card knows it; a card file stores only its hash).

        :raises ValueError: only the hash is stored.
        """
        if self.value is None:
            raise ValueError("only the PIN's salted hash is stored, not its value")
        return self.value

    def matches(self, candidate: bytes) -> bool:
        """Whether *candidate* (the bytes a VERIFY carries) is this PIN."""
        if self.hashed is not None:
            return self.hashed.matches(candidate)
        assert self.value is not None  # noqa: S101 - __post_init__ guarantees it
        return hmac.compare_digest(candidate, self.value.encode("ascii"))

    def with_value(self, value: str) -> PinSetting:
        """The same PIN storage holding *value* instead (hashed if this one is hashed)."""
        if self.hashed is not None:
            return PinSetting(None, self.tries_left, PinHash.of(value.encode("ascii")))
        return PinSetting(value, self.tries_left)

    def with_tries(self, tries_left: int | None) -> PinSetting:
        """The same PIN with *tries_left* tries."""
        return replace(self, tries_left=tries_left)

    def hashed_copy(self) -> PinSetting:
        """This PIN stored as a salted hash (itself when it is one already)."""
        if self.hashed is not None:
            return self
        assert self.value is not None  # noqa: S101 - __post_init__ guarantees it
        return PinSetting(None, self.tries_left, PinHash.of(self.value.encode("ascii")))


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

    @property
    def pins_in_clear(self) -> bool:
        """Whether any PIN is held as its value rather than a salted hash."""
        return any(getattr(self, name).hashed is None for name in PIN_FIELDS)

    def with_hashed_pins(self) -> CardData:
        """This card with every PIN held as a salted hash (what a card file stores)."""
        if not self.pins_in_clear:
            return self
        changes = {name: getattr(self, name).hashed_copy() for name in PIN_FIELDS}
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly values: bytes as hex, dates as ISO text, enums as their values."""
        out: dict[str, Any] = {}
        for f in fields(self):
            out[f.name] = _to_json(getattr(self, f.name))
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> CardData:
        """The inverse of :meth:`to_dict`; missing keys take their defaults.

        Every value is checked for its JSON type before use, so a hand-edited or damaged file
        is refused with a message that names the entry (``auth_pin.tries_left: ...``).

        :raises ValueError: an unknown key or a malformed value (never showing a PIN value).
        """
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown card data keys: {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = {}
        for name, raw in values.items():
            try:
                kwargs[name] = _FROM_JSON.get(name, _identity)(raw)
            except KeyError as exc:
                raise ValueError(f"{name}: missing entry {exc}") from None
            except _FieldError as exc:
                raise ValueError(f"{name}.{exc}") from None
            except (ValueError, TypeError, AttributeError) as exc:
                raise ValueError(f"{name}: {exc}") from None
        try:
            return cls(**kwargs)
        except (ValueError, TypeError) as exc:
            raise ValueError(str(exc)) from None


class _FieldError(ValueError):
    """A malformed entry inside an object; its message starts with the entry's name."""


def _to_json(value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, PinSetting):
        if value.hashed is None:
            return {"value": value.value, "tries_left": value.tries_left}
        hashed = value.hashed
        return {
            "kdf": _KDF_NAME,
            "n": hashed.n,
            "r": hashed.r,
            "p": hashed.p,
            "salt": hashed.salt.hex(),
            "hash": hashed.digest.hex(),
            "tries_left": value.tries_left,
        }
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


_KDF_NAME = "scrypt"


def _identity(value: Any) -> Any:
    return value


def _typed(*types: type, optional: bool = False) -> Any:
    """A checker that passes a value of one of *types* (bool is never an int) or raises."""
    names = " or ".join(
        {str: "text", bool: "true or false", int: "an integer", dict: "an object"}[t] for t in types
    )

    def check(value: Any) -> Any:
        if value is None and optional:
            return None
        if isinstance(value, bool) and bool not in types:
            raise TypeError(f"expected {names}, not {_json_type(value)}")
        if not isinstance(value, types):
            raise TypeError(f"expected {names}, not {_json_type(value)}")
        return value

    return check


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a fractional number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, not {_json_type(value)}")
    return value


def _entry(obj: dict[str, Any], key: str, check: Any) -> Any:
    if key not in obj:
        raise _FieldError(f"{key}: missing")
    try:
        return check(obj[key])
    except (ValueError, TypeError) as exc:
        raise _FieldError(f"{key}: {exc}") from None


def _hex_text(value: Any) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"expected hexadecimal text, not {_json_type(value)}")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise ValueError("not hexadecimal") from None


def _hex_or_none(value: Any) -> bytes | None:
    return None if value is None else _hex_text(value)


def _date(value: Any) -> date:
    if not isinstance(value, str):
        raise TypeError(f"expected a date as YYYY-MM-DD text, not {_json_type(value)}")
    return date.fromisoformat(value)


def _tries(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer 0-15 or null, not {_json_type(value)}")
    if not 0 <= value <= 15:
        raise ValueError(f"expected an integer 0-15 or null, not {value}")
    return value


def _pin(value: Any) -> PinSetting:
    """A PIN entry: ``{"value", "tries_left"}`` (older files) or the scrypt form."""
    obj = _object(value)
    known = {"value", "tries_left", "kdf", "n", "r", "p", "salt", "hash"}
    unknown = set(obj) - known
    if unknown:
        raise ValueError(f"unknown entries: {', '.join(sorted(unknown))}")
    tries = _entry(obj, "tries_left", _tries) if "tries_left" in obj else None
    if "kdf" not in obj:
        if "value" not in obj:
            raise KeyError("value")
        # The message names the entry only: a PIN value is never repeated.
        text = _entry(obj, "value", _typed(str))
        if not text.isascii() or not 1 <= len(text) <= 16:
            raise _FieldError("value: expected 1-16 ASCII characters")
        return PinSetting(text, tries)
    kdf = _entry(obj, "kdf", _typed(str))
    if kdf != _KDF_NAME:
        raise _FieldError(f"kdf: {_KDF_NAME!r} is the only one supported")
    integer = _typed(int)
    hashed = PinHash(
        salt=_entry(obj, "salt", _hex_text),
        digest=_entry(obj, "hash", _hex_text),
        n=_entry(obj, "n", integer),
        r=_entry(obj, "r", integer),
        p=_entry(obj, "p", integer),
    )
    return PinSetting(None, tries, hashed)


def _holder(value: Any) -> CardHolder:
    obj = _object(value)
    text = _typed(str)
    return CardHolder(
        name=_entry(obj, "name", text),
        address=_entry(obj, "address", text),
        birth_date=_entry(obj, "birth_date", _date),
        sex=_entry(obj, "sex", lambda v: SexCode(_typed(str)(v))),
    )


def _key_source(value: Any) -> KeySource | None:
    return _typed(int, str, optional=True)(value)  # type: ignore[no-any-return]


_FROM_JSON: dict[str, Any] = {
    "token_name": _typed(str),
    "smartphone_token": _typed(bool),
    "atr": lambda v: AtrKind(_typed(str)(v)),
    "auth_certificate": _hex_or_none,
    "auth_ca_certificate": _hex_or_none,
    "sign_certificate": _hex_or_none,
    "sign_ca_certificate": _hex_or_none,
    "auth_key": _key_source,
    "sign_key": _key_source,
    "availability": _hex_or_none,
    "holder": _holder,
    "my_number": _typed(str),
    "card_serial": _typed(str),
    "municipality_code": _typed(str),
    "card_expiry": _date,
    "auth_pin": _pin,
    "sign_password": _pin,
    "card_info_pin": _pin,
    "juki_pin": _pin,
    "card_info_key": _typed(int, str),
    "clear_verified_on_select": _typed(bool),
}


def private_key_loader(
    source: KeySource,
) -> rsa.RSAPrivateKey | Callable[[], rsa.RSAPrivateKey]:
    """What :class:`~sim.chip.applets.keys.RsaSigner` takes for *source*: a pool key (its index
    is checked with the card data) as a function that loads it when it is first used; PEM text
    parsed now, so that a bad one is refused when the card is built.

    :raises ValueError: as :func:`load_private_key`, for PEM text.
    """
    if isinstance(source, int):
        return functools.partial(testkeys.pool_key, source)
    return load_private_key(source)


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
