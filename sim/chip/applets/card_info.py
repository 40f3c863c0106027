"""The card-info input helper application (券面事項入力補助AP, "text AP").

Byte layouts as read from J-LIS test cards (CARD.md section 3, ``reference/peers.md`` 1.3):

* EF ``0001``: ``FF 10 0C`` + the 12 digits + filler ``FF FF`` (17 bytes).
* EF ``0002``: ``FF 20 82 HH LL { DF21 08 <offsets>, DF22 name, DF23 address, DF24 birth,
  DF25 sex }`` (production cards; test cards ``FF 20 LL``); the four offsets count from the
  first byte of the file to each field's tag.
* EF ``0003``: ``FF 30 82 01 4B { DF31 20 h1, DF32 20 h2, DF33 82 01 00 sig }``, 336 bytes
  exactly. ``h1`` is SHA-256 of EF ``0001`` as stored (filler included), ``h2`` SHA-256 of
  EF ``0002``'s outer value without the ``DF21`` offset table (the fields DF22-DF25), and the
  signature is PKCS#1 v1.5 / SHA-256 over the ``DF31`` and ``DF32`` objects as written. On a
  real card the signing key is certified by the AP's card-verifiable certificate (EF
  ``0004``); here it is :attr:`~sim.carddata.CardData.card_info_key`.
* EF ``0004``: the card-verifiable certificate of that key (568 bytes, free to read), see
  :func:`cv_certificate_file`.
* EF ``0005``: ``FF 40 82 00 9F { DF41 04, DF42 10, DF43 82 00 80 }`` + filler to 256 bytes.
  Real cards write the outer length non-minimally; that DF43's length is long-form too is our
  guess (a 159-byte value needs one spare octet somewhere) [inferred].

PIN ``0011`` (4 digits, 3 tries) opens EF ``0001``-``0003``; key reference ``0012`` is
blocked on every card (query ``63C0``, VERIFY ``6984``). The 照合番号 A/B references
(``0014``/``0015``) are not simulated.
"""

from __future__ import annotations

import hashlib

from sim.carddata import CardData, load_private_key

from .base import Applet
from .files import BinaryFile, DeferredBinaryFile, padded, padded_file
from .ids import Application, ChipFile
from .keys import RsaSigner, SignScheme
from .pins import Pin, PinFormat
from .tlv import tlv

__all__ = [
    "AP_INFO_EF_SIZE",
    "BASIC_INFO_EF_SIZE",
    "CARD_INFO_PIN_TRIES",
    "CV_CERTIFICATE_SIZE",
    "INTEGRITY_RECORD_SIZE",
    "ap_info_file",
    "basic_info_file",
    "build_card_info",
    "cv_certificate_file",
    "integrity_file",
    "my_number_file",
]

CARD_INFO_PIN_TRIES = 3
"""Tries of the card-info PIN."""

INTEGRITY_RECORD_SIZE = 336
"""Size of EF ``0003``: ``FF 30 82 01 4B`` and 0x14B value bytes."""

BASIC_INFO_EF_SIZE = 512
"""Size of EF ``0002`` (more if the data needs it) [inferred]."""

AP_INFO_EF_SIZE = 256
"""Size of EF ``0005``: at least 256 bytes on real cards (a peer reads 256 at once)."""

CV_CERTIFICATE_SIZE = 568
"""Size of EF ``0004``, the AP's card-verifiable certificate (three peers read 568 bytes)."""

_TAG_MY_NUMBER = b"\xff\x10"
_TAG_BASIC_INFO = b"\xff\x20"
_TAG_OFFSETS = b"\xdf\x21"
_TAG_NAME = b"\xdf\x22"
_TAG_ADDRESS = b"\xdf\x23"
_TAG_BIRTH = b"\xdf\x24"
_TAG_SEX = b"\xdf\x25"
_TAG_INTEGRITY = b"\xff\x30"
_TAG_MY_NUMBER_HASH = b"\xdf\x31"
_TAG_BASIC_INFO_HASH = b"\xdf\x32"
_TAG_SIGNATURE = b"\xdf\x33"
_TAG_AP_INFO = b"\xff\x40"
_TAG_AP_IDENTIFICATION = b"\xdf\x41"
_TAG_AP_KEY_ID = b"\xdf\x42"
_TAG_AP_OPAQUE = b"\xdf\x43"
# Spec version, extended Lc/Le supported, vendor ID, vendor byte: "01 03 0E 01" on real cards.
_AP_IDENTIFICATION = bytes.fromhex("01030E01")
# A key identifier shaped like the real ones ("5000034" production, "6000034" test); the
# leading 9 marks the simulator's hierarchy.
_AP_KEY_ID = b"9000034\x08\x05001\x00\x00\x00\x00"
_DIGEST_ROOM = 128
_LONG_FORM_OCTETS = 2
_TAG_CV_CERTIFICATE = b"\x7f\x21"
_TAG_CV_BODY = b"\x5f\x4e"
_TAG_CV_SIGNATURE = b"\x5f\x37"
_TAG_CV_MODULUS = b"\x90"
_TAG_CV_EXPONENT = b"\x91"
# Shaped like the real issuer key IDs ("5000033" production, "6000033" test); the leading 9
# marks the simulator's hierarchy, as in _AP_KEY_ID.
_RSA_2048_BYTES = 256

_CV_ISSUER_KEY_ID = b"9000033\x08\x05001\x00\x00\x00\x00"


def my_number_file(my_number: str) -> bytes:
    """EF ``0001``: the individual number object and two filler bytes (17 bytes)."""
    return tlv(_TAG_MY_NUMBER, my_number.encode("ascii")) + b"\xff\xff"


def _basic_fields(data: CardData) -> tuple[bytes, ...]:
    """The DF22-DF25 objects of EF ``0002``, in order."""
    holder = data.holder
    return (
        tlv(_TAG_NAME, holder.name.encode("utf-8")),
        tlv(_TAG_ADDRESS, holder.address.encode("utf-8")),
        tlv(_TAG_BIRTH, holder.birth_date.strftime("%Y%m%d").encode("ascii")),
        tlv(_TAG_SEX, holder.sex.value.encode("ascii")),
    )


def basic_info_file(data: CardData) -> bytes:
    """EF ``0002``: the basic four attributes with their offset table, then filler.

    The outer length is ``82 HH LL`` on production-like cards (even when one octet would do)
    and minimal on J-LIS test cards (:attr:`~sim.carddata.CardData.basic_info_long_form`);
    the offsets count from the first byte of the file, so they follow the header used.
    """
    octets = _LONG_FORM_OCTETS if data.basic_info_long_form else None
    parts = _basic_fields(data)
    table_size = len(tlv(_TAG_OFFSETS, bytes(8)))
    value_size = table_size + sum(len(part) for part in parts)
    header_size = len(tlv(_TAG_BASIC_INFO, bytes(value_size), octets=octets)) - value_size
    offsets = bytearray()
    position = header_size + table_size
    for part in parts:
        offsets += position.to_bytes(2, "big")
        position += len(part)
    value = tlv(_TAG_OFFSETS, bytes(offsets)) + b"".join(parts)
    content = tlv(_TAG_BASIC_INFO, value, octets=octets)
    return padded_file(content, BASIC_INFO_EF_SIZE)


def cv_certificate_file(data: CardData) -> bytes:
    """EF ``0004``: the AP's card-verifiable certificate, 568 bytes, signed by the issuer.

    ``7F21 82 02 33 { 5F4E 82 01 29 <issuer key ID 16> <subject key ID 16> 90 82 01 00 <n>
    91 03 <e>, 5F37 82 01 00 <signature> }``. The subject key is the one that signs the
    integrity record (EF ``0003``); the subject key ID is EF ``0005``'s. The signature is
    PKCS#1 v1.5 / SHA-256 over the ``5F4E`` object as written [inferred: the real card's
    signature input is not published].
    """
    subject = RsaSigner(load_private_key(data.card_info_key))
    issuer = RsaSigner(load_private_key(data.card_info_issuer_key))
    modulus, exponent = subject.public_numbers
    exponent_bytes = exponent.to_bytes((exponent.bit_length() + 7) // 8, "big")
    body = (
        _CV_ISSUER_KEY_ID
        + _AP_KEY_ID
        + tlv(_TAG_CV_MODULUS, modulus.to_bytes(subject.signature_length, "big"), octets=2)
        + tlv(_TAG_CV_EXPONENT, exponent_bytes)
    )
    signed = tlv(_TAG_CV_BODY, body, octets=2)
    signature = issuer.sign(SignScheme.PKCS1_SHA256, signed)
    content = tlv(
        _TAG_CV_CERTIFICATE, signed + tlv(_TAG_CV_SIGNATURE, signature, octets=2), octets=2
    )
    if len(content) != CV_CERTIFICATE_SIZE:
        raise ValueError("the card-info keys must be RSA-2048 (the CV certificate is 568 bytes)")
    return content


def integrity_file(data: CardData) -> bytes:
    """EF ``0003``: the two digests and the signature over them (336 bytes)."""
    my_number_hash = hashlib.sha256(my_number_file(data.my_number)).digest()
    basic_hash = hashlib.sha256(b"".join(_basic_fields(data))).digest()
    signed = tlv(_TAG_MY_NUMBER_HASH, my_number_hash) + tlv(_TAG_BASIC_INFO_HASH, basic_hash)
    signer = RsaSigner(load_private_key(data.card_info_key))
    signature = signer.sign(SignScheme.PKCS1_SHA256, signed)
    content = tlv(_TAG_INTEGRITY, signed + tlv(_TAG_SIGNATURE, signature, octets=2), octets=2)
    if len(content) != INTEGRITY_RECORD_SIZE:
        raise ValueError("the card-info key must be RSA-2048 (the record is 336 bytes)")
    return content


def ap_info_file(data: CardData) -> bytes:
    """EF ``0005``: the AP's identification, key ID and a 128-byte field, then filler."""
    # DF43 holds 32 opaque bytes and 96 FF on real cards; ours derive from the card serial.
    opaque = hashlib.sha256(b"card-info AP " + data.card_serial.encode("ascii")).digest()
    value = (
        tlv(_TAG_AP_IDENTIFICATION, _AP_IDENTIFICATION)
        + tlv(_TAG_AP_KEY_ID, _AP_KEY_ID)
        + tlv(_TAG_AP_OPAQUE, padded(opaque, _DIGEST_ROOM), octets=2)
    )
    return padded(tlv(_TAG_AP_INFO, value, octets=2), AP_INFO_EF_SIZE)


def _check_card_info_keys(data: CardData) -> None:
    """Refuse the keys the two signed files cannot be made with, before they are made.

    Raises the ValueError :func:`integrity_file` (the subject key) or
    :func:`cv_certificate_file` (the issuer key) would raise, so that a card with such keys
    is refused when it is built, as when the files were made at once. Pool keys (indices) are
    RSA-2048 with e = 65537, which the pool's loader checks: they are not loaded here.
    """
    if isinstance(data.card_info_key, int) and isinstance(data.card_info_issuer_key, int):
        return
    subject = RsaSigner(load_private_key(data.card_info_key))
    if subject.signature_length != _RSA_2048_BYTES:
        raise ValueError("the card-info key must be RSA-2048 (the record is 336 bytes)")
    issuer = RsaSigner(load_private_key(data.card_info_issuer_key))
    exponent = subject.public_numbers[1]
    if issuer.signature_length != _RSA_2048_BYTES or (exponent.bit_length() + 7) // 8 != 3:
        raise ValueError("the card-info keys must be RSA-2048 (the CV certificate is 568 bytes)")


def build_card_info(data: CardData) -> Applet:
    """The card-info application of *data*."""
    _check_card_info_keys(data)
    pin = Pin.from_setting(
        ChipFile.CARD_INFO_PIN.fid, data.card_info_pin, max_tries=CARD_INFO_PIN_TRIES
    )
    # Blocked at issuance on every card examined; nothing is known to open with it.
    blocked = Pin(
        ChipFile.CARD_INFO_BLOCKED_REFERENCE.fid,
        "0000",
        max_tries=CARD_INFO_PIN_TRIES,
        tries=0,
        fmt=PinFormat.NOT_SETTABLE,
    )
    rule = frozenset({pin.fid})
    files = (
        pin,
        blocked,
        BinaryFile(ChipFile.CARD_INFO_MY_NUMBER.fid, my_number_file(data.my_number), rule),
        BinaryFile(ChipFile.CARD_INFO_BASIC_INFO.fid, basic_info_file(data), rule),
        # The two signed files cost an RSA signature each: made when first read.
        DeferredBinaryFile(ChipFile.CARD_INFO_INTEGRITY.fid, lambda: integrity_file(data), rule),
        DeferredBinaryFile(
            ChipFile.CARD_INFO_CV_CERTIFICATE.fid, lambda: cv_certificate_file(data)
        ),
        BinaryFile(ChipFile.CARD_INFO_AP_INFO.fid, ap_info_file(data)),
    )
    return Applet(
        Application.CARD_INFO, files, clear_verified_on_select=data.clear_verified_on_select
    )
