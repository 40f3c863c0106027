"""The JPKI application (公的個人認証AP): certificates, the two keys and their PINs.

Layout as CARD.md section 3: certificate EFs hold the DER followed by filler; the signature
certificate needs the signature password; on a smartphone token the user-authentication
certificate needs the auth PIN. The token EF is a 160-byte PKCS#11 ``CK_TOKEN_INFO`` with
32-bit big-endian integers (the layout one peer decoded from real cards; the values after the
label are our own, plausible but not copied from a card).
"""

from __future__ import annotations

from sim.carddata import CardData, private_key_loader

from .base import Applet
from .files import BinaryFile, ElementaryFile, KeyFile, padded_file
from .ids import Application, ChipFile
from .keys import RsaSigner
from .pins import Pin, PinFormat

__all__ = [
    "AUTH_PIN_TRIES",
    "CERTIFICATE_EF_SIZE",
    "SIGN_PASSWORD_TRIES",
    "TOKEN_INFO_SIZE",
    "build_jpki",
    "certificate_file",
    "token_info",
]

AUTH_PIN_TRIES = 3
"""Tries of the user-authentication PIN."""

SIGN_PASSWORD_TRIES = 5
"""Tries of the signature password."""

CERTIFICATE_EF_SIZE = 2048
"""Size of a certificate EF (larger certificates get the next multiple of 256) [inferred]."""

TOKEN_INFO_SIZE = 160
"""Size of the token EF: a ``CK_TOKEN_INFO`` with 4-byte integers."""

_UNAVAILABLE = 0xFFFFFFFF
# CKF_RNG | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED
_TOKEN_FLAGS = 0x0000040D


def _text(value: str, size: int) -> bytes:
    return value.encode("ascii")[:size].ljust(size, b" ")


def token_info(data: CardData) -> bytes:
    """The 160 bytes of EF ``0006``: label (the token name, space padded) and the rest."""
    words = (
        _TOKEN_FLAGS,
        0,  # ulMaxSessionCount: CK_EFFECTIVELY_INFINITE
        _UNAVAILABLE,  # ulSessionCount
        0,  # ulMaxRwSessionCount
        _UNAVAILABLE,  # ulRwSessionCount
        16,  # ulMaxPinLen
        4,  # ulMinPinLen
        _UNAVAILABLE,  # ulTotalPublicMemory
        _UNAVAILABLE,  # ulFreePublicMemory
        _UNAVAILABLE,  # ulTotalPrivateMemory
        _UNAVAILABLE,  # ulFreePrivateMemory
    )
    out = (
        _text(data.token_name, 32)
        + _text("JPKI-SIM", 32)
        + _text("SIMULATED", 16)
        + _text(data.card_serial, 16)
        + b"".join(word.to_bytes(4, "big") for word in words)
        + b"03"  # hardwareVersion: real cards put ASCII digits here
        + b"01"  # firmwareVersion
        + b" " * 16  # utcTime: no clock on the token
    )
    assert len(out) == TOKEN_INFO_SIZE  # noqa: S101 - a layout invariant, not input checking
    return out


def certificate_file(der: bytes) -> bytes:
    """A certificate EF: the DER, then filler up to the EF size."""
    return padded_file(der, CERTIFICATE_EF_SIZE)


def build_jpki(data: CardData) -> Applet:
    """The JPKI application of *data*; absent certificates and keys have no EF."""
    auth_pin = Pin.from_setting(ChipFile.JPKI_AUTH_PIN.fid, data.auth_pin, max_tries=AUTH_PIN_TRIES)
    sign_pin = Pin.from_setting(
        ChipFile.JPKI_SIGN_PIN.fid,
        data.sign_password,
        max_tries=SIGN_PASSWORD_TRIES,
        fmt=PinFormat.ALPHANUMERIC,
    )
    files: list[ElementaryFile] = [
        auth_pin,
        sign_pin,
        BinaryFile(ChipFile.JPKI_TOKEN.fid, token_info(data)),
        BinaryFile(ChipFile.JPKI_AVAILABILITY.fid, data.availability_bytes),
    ]
    auth_rule = frozenset({auth_pin.fid}) if data.smartphone_token else frozenset()
    certificates: tuple[tuple[int, bytes | None, frozenset[int]], ...] = (
        (ChipFile.JPKI_AUTH_CERT.fid, data.auth_certificate, auth_rule),
        (ChipFile.JPKI_AUTH_CA_CERT.fid, data.auth_ca_certificate, frozenset()),
        (ChipFile.JPKI_SIGN_CERT.fid, data.sign_certificate, frozenset({sign_pin.fid})),
        (ChipFile.JPKI_SIGN_CA_CERT.fid, data.sign_ca_certificate, frozenset()),
    )
    for fid, der, rule in certificates:
        if der is not None:
            files.append(BinaryFile(fid, certificate_file(der), rule))
    keys = (
        (ChipFile.JPKI_AUTH_KEY.fid, data.auth_key, auth_pin.fid),
        (ChipFile.JPKI_SIGN_KEY.fid, data.sign_key, sign_pin.fid),
    )
    for fid, source, pin_fid in keys:
        if source is not None:
            files.append(KeyFile(fid, RsaSigner(private_key_loader(source)), pin_fid))
    return Applet(Application.JPKI, files, clear_verified_on_select=data.clear_verified_on_select)
