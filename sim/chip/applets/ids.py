"""Identifiers of the simulated chip: the applications and the files each one holds.

The chip model keeps its own copy of these numbers rather than sharing ``jpki.ids``: the card
is the reference the client is tested against, so the two must not share a mistake.
"""

from __future__ import annotations

from enum import Enum, IntEnum, unique

__all__ = [
    "Application",
    "CardInfoFile",
    "CommonFile",
    "JpkiFile",
    "JukiFile",
]


@unique
class Application(bytes, Enum):
    """The five applications of the chip, valued by their full AID."""

    JPKI = bytes.fromhex("D392F000260100000001")
    CARD_INFO = bytes.fromhex("D3921000310001010408")
    SURFACE = bytes.fromhex("D3921000310001010402")
    JUKI = bytes.fromhex("D3921000310001010401")
    COMMON = bytes.fromhex("D3921000310001010100")


@unique
class JpkiFile(IntEnum):
    """Elementary files of the JPKI application."""

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
    """Elementary files of the card-info input helper application (the text AP)."""

    MY_NUMBER = 0x0001
    BASIC_INFO = 0x0002
    INTEGRITY = 0x0003
    CV_CERTIFICATE = 0x0004
    AP_INFO = 0x0005
    PIN = 0x0011
    BLOCKED_REFERENCE = 0x0012


@unique
class JukiFile(IntEnum):
    """Elementary files of the Juki application."""

    PIN = 0x001C


@unique
class CommonFile(IntEnum):
    """Elementary files of the common card application."""

    CARD_RECORD = 0x0001
