"""The map of the simulated chip: its applications and the elementary files each one holds.

The chip keeps its own copy of these numbers rather than sharing ``jpki.ids``: the card is the
reference the client is tested against, so the two must not share a mistake. They are written
the way the card's documentation lays them out: a table of applications by AID (RID + PIX),
then one table of files, each row naming its application and its file identifier (FID).
"""

from __future__ import annotations

from enum import Enum, unique

__all__ = ["Application", "ChipFile"]


_JPKI_RID = bytes.fromhex("D392F00026")
"""The registered provider part (RID, ISO 7816-5) of the JPKI application's AID."""
_CARD_RID = bytes.fromhex("D392100031")
"""The RID the four card applications of the chip share."""


@unique
class Application(bytes, Enum):
    """The five applications of the chip, valued by the full AID a SELECT by DF name carries:
    the provider's RID, then the application's own part (PIX)."""

    JPKI = _JPKI_RID + bytes.fromhex("0100000001")
    """公的個人認証AP: certificates, private keys, the auth PIN and the sign password."""
    CARD_INFO = _CARD_RID + bytes.fromhex("0001010408")
    """券面事項入力補助AP (the text AP): My Number, the four basic attributes."""
    SURFACE = _CARD_RID + bytes.fromhex("0001010402")
    """券面事項確認AP (the visual AP): no files simulated."""
    JUKI = _CARD_RID + bytes.fromhex("0001010401")
    """住基AP: the juki PIN."""
    COMMON = _CARD_RID + bytes.fromhex("0001010100")
    """共通カードAP: the card record."""


@unique
class ChipFile(Enum):
    """Every elementary file of the chip: ``(application, FID)``."""

    JPKI_SIGN_CERT = (Application.JPKI, 0x0001)
    JPKI_SIGN_CA_CERT = (Application.JPKI, 0x0002)
    JPKI_TOKEN = (Application.JPKI, 0x0006)
    JPKI_AVAILABILITY = (Application.JPKI, 0x0008)
    JPKI_AUTH_CERT = (Application.JPKI, 0x000A)
    JPKI_AUTH_CA_CERT = (Application.JPKI, 0x000B)
    JPKI_AUTH_KEY = (Application.JPKI, 0x0017)
    JPKI_AUTH_PIN = (Application.JPKI, 0x0018)
    JPKI_SIGN_KEY = (Application.JPKI, 0x001A)
    JPKI_SIGN_PIN = (Application.JPKI, 0x001B)
    CARD_INFO_MY_NUMBER = (Application.CARD_INFO, 0x0001)
    CARD_INFO_BASIC_INFO = (Application.CARD_INFO, 0x0002)
    CARD_INFO_INTEGRITY = (Application.CARD_INFO, 0x0003)
    CARD_INFO_CV_CERTIFICATE = (Application.CARD_INFO, 0x0004)
    CARD_INFO_AP_INFO = (Application.CARD_INFO, 0x0005)
    CARD_INFO_PIN = (Application.CARD_INFO, 0x0011)
    CARD_INFO_BLOCKED_REFERENCE = (Application.CARD_INFO, 0x0012)
    JUKI_PIN = (Application.JUKI, 0x001C)
    COMMON_CARD_RECORD = (Application.COMMON, 0x0001)

    @property
    def application(self) -> Application:
        """The application that holds the file."""
        application: Application = self.value[0]
        return application

    @property
    def fid(self) -> int:
        """The file identifier, unique within its application."""
        fid: int = self.value[1]
        return fid
