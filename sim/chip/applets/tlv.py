"""BER-TLV encoding for the card's files, including the non-minimal lengths the card uses."""

from __future__ import annotations

__all__ = ["encode_length", "tlv"]


def encode_length(length: int, *, octets: int | None = None) -> bytes:
    """The BER length field of *length*.

    :param octets: force the long form with this many length octets (``82 00 9F`` is
        ``octets=2`` for 159); None gives the shortest form.
    """
    if length < 0:
        raise ValueError("a length is not negative")
    if octets is None:
        if length < 0x80:
            return bytes((length,))
        octets = (length.bit_length() + 7) // 8
    if not 1 <= octets <= 4 or length >= 1 << (8 * octets):
        raise ValueError(f"{length} does not fit in {octets} length octets")
    return bytes((0x80 | octets,)) + length.to_bytes(octets, "big")


def tlv(tag: bytes, value: bytes, *, octets: int | None = None) -> bytes:
    """One BER object: *tag* (already encoded, e.g. ``b"\\xdf\\x21"``), length, *value*."""
    return tag + encode_length(len(value), octets=octets) + value
