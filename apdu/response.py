"""Response APDUs: data followed by the two status bytes."""

from __future__ import annotations

from ._value import FrozenValue
from .errors import ApduError, BadResponseError
from .status import SW, describe_sw

__all__ = ["ResponseApdu"]


class ResponseApdu(FrozenValue):
    """One response APDU.

    :param data: the response data (may be empty).
    :param sw: the status word, ``SW1 << 8 | SW2``.
    """

    __slots__ = ("data", "sw")

    data: bytes
    sw: int

    def __init__(self, data: bytes, sw: int) -> None:
        if not 0 <= sw <= 0xFFFF:
            raise ValueError(f"status word must fit in 16 bits, got {sw}")
        self._set_fields(data, sw)

    @property
    def sw1(self) -> int:
        """The first status byte."""
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        """The second status byte."""
        return self.sw & 0xFF

    @property
    def ok(self) -> bool:
        """Whether the status word is ``9000``."""
        return self.sw == SW.OK

    @property
    def meaning(self) -> str:
        """What the status word means, in English."""
        return describe_sw(self.sw)

    def check(self) -> bytes:
        """Return the data if the status is ``9000``, else raise :class:`ApduError`."""
        if not self.ok:
            raise ApduError(self.sw, self.data)
        return self.data

    def to_bytes(self) -> bytes:
        """Encode as data followed by SW1 SW2."""
        return self.data + self.sw.to_bytes(2, "big")

    @classmethod
    def from_bytes(cls, raw: bytes) -> ResponseApdu:
        """Parse raw response bytes.

        :raises BadResponseError: fewer than two bytes, or status bytes that no card sends.
        """
        if len(raw) < 2:
            raise BadResponseError(
                f"a response needs at least the 2 status bytes, got {len(raw)} byte(s)"
            )
        sw = int.from_bytes(raw[-2:], "big")
        if not (0x61 <= sw >> 8 <= 0x6F or 0x90 <= sw >> 8 <= 0x9F):
            raise BadResponseError(f"{sw:04X} is not an ISO 7816 status word (garbage response)")
        return cls(bytes(raw[:-2]), sw)

    def __bytes__(self) -> bytes:
        return self.to_bytes()
