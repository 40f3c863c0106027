"""Typed identifiers for the My Number Card: applications, files, PINs, keys, certificates.

Every magic byte of the card lives here once; the rest of :mod:`jpki` asks these enums.
"""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum, unique

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
class PinKind(_Named, StrEnum):
    """The four PINs (暗証番号) of the card, in the order every listing shows them.

    :attr:`label` is ``ids.pin.<value>``.
    """

    AUTH = "auth"
    SIGN = "sign"
    CARD_INFO = "card-info"
    JUKI = "juki"

    @property
    def application(self) -> Application:
        """The application that holds this PIN."""
        return _PIN_SLOT[self][0]

    @property
    def file(self) -> int:
        """The PIN's reference (its EF identifier)."""
        return int(_PIN_SLOT[self][1])

    @property
    def max_tries(self) -> int:
        """Tries a fresh or reset PIN has: 5 for the signature password, 3 for the others."""
        return 5 if self is PinKind.SIGN else 3

    @property
    def json_key(self) -> str:
        """The key used for this PIN in JSON output (``card_info`` with an underscore)."""
        return self.value.replace("-", "_")

    @property
    def env_var(self) -> str:
        """The environment variable the CLI reads this PIN from."""
        return f"JPKI_{self.json_key.upper()}_PIN"


PinKind._catalog_prefix = "pin"
# Where each PIN lives: its application and its reference (the EF identifier).
_PIN_SLOT = {
    PinKind.AUTH: (Application.JPKI, JpkiFile.AUTH_PIN),
    PinKind.SIGN: (Application.JPKI, JpkiFile.SIGN_PIN),
    PinKind.CARD_INFO: (Application.CARD_INFO, CardInfoFile.PIN),
    PinKind.JUKI: (Application.JUKI, JukiFile.PIN),
}


@unique
class CertKind(_Named, StrEnum):
    """The four certificates of the JPKI application; :attr:`label` is ``ids.cert.<value>``."""

    AUTH = "auth"
    AUTH_CA = "auth-ca"
    SIGN = "sign"
    SIGN_CA = "sign-ca"

    @property
    def file(self) -> JpkiFile:
        """The EF that holds the certificate."""
        return _CERT_FILE[self]

    @property
    def is_ca(self) -> bool:
        """Whether this is a CA certificate."""
        return self in (CertKind.AUTH_CA, CertKind.SIGN_CA)

    @property
    def pin_on_card(self) -> PinKind | None:
        """The PIN a physical card needs before it lets this certificate be read."""
        return PinKind.SIGN if self is CertKind.SIGN else None


CertKind._catalog_prefix = "cert"
_CERT_FILE = {
    CertKind.AUTH: JpkiFile.AUTH_CERT,
    CertKind.AUTH_CA: JpkiFile.AUTH_CA_CERT,
    CertKind.SIGN: JpkiFile.SIGN_CERT,
    CertKind.SIGN_CA: JpkiFile.SIGN_CA_CERT,
}


@unique
class KeyKind(StrEnum):
    """The two private keys of the JPKI application."""

    AUTH = "auth"
    SIGN = "sign"

    @property
    def file(self) -> JpkiFile:
        """The EF of the private key."""
        return JpkiFile.AUTH_KEY if self is KeyKind.AUTH else JpkiFile.SIGN_KEY

    @property
    def pin(self) -> PinKind:
        """The PIN that unlocks the key."""
        return PinKind.AUTH if self is KeyKind.AUTH else PinKind.SIGN

    @property
    def certificate(self) -> CertKind:
        """The certificate of the key's public half."""
        return CertKind.AUTH if self is KeyKind.AUTH else CertKind.SIGN


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
class Sex(_Named, StrEnum):
    """Sex as the card records it, with the code each source writes; :attr:`label` is
    ``ids.sex.<value>``.

    The card-info application writes the JIS X 5218 digit (``0`` unknown, ``1`` male, ``2``
    female, ``9`` not applicable); the signature certificate writes ``1`` male, ``2`` female
    and ``3`` for anything else.
    """

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not-applicable"

    @property
    def card_info_code(self) -> str:
        """The digit the card-info application writes."""
        return _CARD_INFO_SEX_CODE[self]

    @property
    def certificate_code(self) -> str:
        """The digit the signature certificate writes (``3`` for neither male nor female)."""
        return _CERTIFICATE_SEX_CODE.get(self, "3")

    @classmethod
    def from_certificate_code(cls, code: str) -> Sex:
        """Map the signature certificate's code (``1`` male, ``2`` female, ``3`` unknown).

        Any other code maps to :attr:`UNKNOWN`; callers keep the raw code beside it.
        """
        return next(
            (sex for sex, known in _CERTIFICATE_SEX_CODE.items() if known == code), cls.UNKNOWN
        )

    @classmethod
    def from_card_info_code(cls, code: str) -> Sex:
        """Map the card-info application's JIS X 5218 code (``0``, ``1``, ``2``, ``9``).

        :raises ValueError: any other code.
        """
        for sex, known in _CARD_INFO_SEX_CODE.items():
            if known == code:
                return sex
        raise ValueError(f"sex code {code!r} is not one of 0, 1, 2, 9")


Sex._catalog_prefix = "sex"
_CARD_INFO_SEX_CODE = {Sex.UNKNOWN: "0", Sex.MALE: "1", Sex.FEMALE: "2", Sex.NOT_APPLICABLE: "9"}
_CERTIFICATE_SEX_CODE = {Sex.MALE: "1", Sex.FEMALE: "2", Sex.UNKNOWN: "3"}
