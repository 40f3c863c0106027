"""Typed identifiers for the My Number Card: applications, files, PINs, keys, certificates.

Every magic byte of the card lives here once; the rest of :mod:`jpki` asks these enums.
"""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum, unique

from .enums import AttributedStrEnum
from .texts import Msg

__all__ = [
    "Application",
    "CardInfoFile",
    "CertKind",
    "CommonFile",
    "JpkiFile",
    "JukiFile",
    "KeyKind",
    "PinKind",
    "Sex",
    "TokenKind",
]


@unique
class Application(bytes, Enum):
    """The applications on the chip, by AID (always selected with the full AID)."""

    JPKI = bytes.fromhex("D392F000260100000001")
    CARD_INFO = bytes.fromhex("D3921000310001010408")
    SURFACE = bytes.fromhex("D3921000310001010402")
    JUKI = bytes.fromhex("D3921000310001010401")
    COMMON = bytes.fromhex("D3921000310001010100")


@unique
class JpkiFile(IntEnum):
    """Elementary files of the JPKI application (all usable as short EF identifiers)."""

    SIGN_CERT = 0x0001
    SIGN_CA_CERT = 0x0002
    TOKEN = 0x0006
    AVAILABILITY = 0x0008
    AUTH_CERT = 0x000A
    AUTH_CA_CERT = 0x000B
    AUTH_KEY = 0x0017
    AUTH_PIN = 0x0018
    SIGN_KEY = 0x001A
    SIGN_PIN = 0x001B


@unique
class CardInfoFile(IntEnum):
    """Elementary files of the card-info input helper application (券面事項入力補助AP)."""

    MY_NUMBER = 0x0001
    BASIC_INFO = 0x0002
    INTEGRITY = 0x0003
    AP_INFO = 0x0005
    PIN = 0x0011
    BLOCKED_REFERENCE = 0x0012


@unique
class JukiFile(IntEnum):
    """Elementary files of the Juki application (住基AP)."""

    PIN = 0x001C


@unique
class CommonFile(IntEnum):
    """Elementary files of the common card application (共通カードAP)."""

    CARD_RECORD = 0x0001


class _Named:
    """A name for people: the catalog message ``ids.<_catalog_prefix>.<value>``.

    Mixed into the enums below; the prefix is a class attribute set after each class (an
    attribute in an enum's body would be a member).
    """

    value: str
    _catalog_prefix: str

    @property
    def label(self) -> Msg:
        """The name staff and residents know, rendered where it is shown."""
        return Msg(f"ids.{self._catalog_prefix}.{self.value}")


@unique
class PinKind(_Named, AttributedStrEnum):
    """The four PINs (暗証番号) of the card, in the order every listing shows them.

    :attr:`label` is ``ids.pin.<value>``.
    """

    application: Application
    """The application that holds this PIN."""
    file: int
    """The PIN's reference (its EF identifier)."""
    max_tries: int
    """Tries a fresh or reset PIN has: 5 for the signature password, 3 for the others."""

    AUTH = "auth", Application.JPKI, JpkiFile.AUTH_PIN, 3
    SIGN = "sign", Application.JPKI, JpkiFile.SIGN_PIN, 5
    CARD_INFO = "card-info", Application.CARD_INFO, CardInfoFile.PIN, 3
    JUKI = "juki", Application.JUKI, JukiFile.PIN, 3

    @property
    def json_key(self) -> str:
        """The key used for this PIN in JSON output (``card_info`` with an underscore)."""
        return self.value.replace("-", "_")

    @property
    def env_var(self) -> str:
        """The environment variable the CLI reads this PIN from."""
        return f"JPKI_{self.json_key.upper()}_PIN"


PinKind._catalog_prefix = "pin"


@unique
class CertKind(_Named, AttributedStrEnum):
    """The four certificates of the JPKI application; :attr:`label` is ``ids.cert.<value>``."""

    file: JpkiFile
    """The EF that holds the certificate."""

    AUTH = "auth", JpkiFile.AUTH_CERT
    AUTH_CA = "auth-ca", JpkiFile.AUTH_CA_CERT
    SIGN = "sign", JpkiFile.SIGN_CERT
    SIGN_CA = "sign-ca", JpkiFile.SIGN_CA_CERT

    @property
    def is_ca(self) -> bool:
        """Whether this is a CA certificate."""
        return self in (CertKind.AUTH_CA, CertKind.SIGN_CA)

    @property
    def pin_on_card(self) -> PinKind | None:
        """The PIN a physical card needs before it lets this certificate be read."""
        return PinKind.SIGN if self is CertKind.SIGN else None


CertKind._catalog_prefix = "cert"


@unique
class KeyKind(AttributedStrEnum):
    """The two private keys of the JPKI application."""

    file: JpkiFile
    """The EF of the private key."""
    pin: PinKind
    """The PIN that unlocks the key."""
    certificate: CertKind
    """The certificate of the key's public half."""

    AUTH = "auth", JpkiFile.AUTH_KEY, PinKind.AUTH, CertKind.AUTH
    SIGN = "sign", JpkiFile.SIGN_KEY, PinKind.SIGN, CertKind.SIGN


@unique
class TokenKind(StrEnum):
    """What the JPKI token EF says the chip is."""

    MY_NUMBER_CARD = "JPKIAPICCTOKEN2"
    JUKI_CARD = "JPKIAPICCTOKEN"
    ANDROID = "JPKIAPGPSETOKEN"
    IPHONE = "JPKIAPIOSTOKEN"
    UNKNOWN = ""

    @property
    def is_smartphone(self) -> bool:
        """Whether the token is a smartphone certificate rather than a card."""
        return self in (TokenKind.ANDROID, TokenKind.IPHONE)


@unique
class Sex(_Named, AttributedStrEnum):
    """Sex as the card records it, with the code each source writes; :attr:`label` is
    ``ids.sex.<value>``.

    The card-info application writes the JIS X 5218 digit (``0`` unknown, ``1`` male, ``2``
    female, ``9`` not applicable); the signature certificate writes ``1`` male, ``2`` female
    and ``3`` for anything else.
    """

    card_info_code: str
    """The digit the card-info application writes."""
    certificate_code: str
    """The digit the signature certificate writes (``3`` for neither male nor female)."""

    MALE = "male", "1", "1"
    FEMALE = "female", "2", "2"
    UNKNOWN = "unknown", "0", "3"
    NOT_APPLICABLE = "not-applicable", "9", "3"

    @classmethod
    def from_certificate_code(cls, code: str) -> Sex:
        """Map the signature certificate's code (``1`` male, ``2`` female, ``3`` unknown).

        Any other code maps to :attr:`UNKNOWN`; callers keep the raw code beside it.
        """
        # ``3`` is also NOT_APPLICABLE's code; UNKNOWN, declared before it, is the one found.
        sex = cls._with("certificate_code", code)
        return cls.UNKNOWN if sex is None else sex

    @classmethod
    def from_card_info_code(cls, code: str) -> Sex:
        """Map the card-info application's JIS X 5218 code (``0``, ``1``, ``2``, ``9``).

        :raises ValueError: any other code.
        """
        sex = cls._with("card_info_code", code)
        if sex is None:
            raise ValueError(f"sex code {code!r} is not one of 0, 1, 2, 9")
        return sex


Sex._catalog_prefix = "sex"
