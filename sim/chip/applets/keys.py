"""The card's private-key operation: COMPUTE DIGITAL SIGNATURE with raw RSA.

The card pads whatever it is given (P1 ``00``), so it cannot be built on a library call that
expects a known hash: the EMSA-PKCS1-v1_5 block is made here and exponentiated with the CRT
values, computed once per key. P1 ``01``-``05`` are the card's on-card hashing and PSS
variants; their meaning comes from one peer that recovered the padded blocks on a real card
(``soltia48/myna-card``, see ``reference/peers.md`` 1.8), so treat it as [card, single source].
"""

from __future__ import annotations

import hashlib
from enum import IntEnum, unique
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["SHA256_DIGEST_INFO_PREFIX", "RsaSigner", "SignScheme"]

SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300D060960864801650304020105000420")
"""DER of a SHA-256 DigestInfo up to the 32 hash bytes."""

_SHA256_LENGTH = 32
_PSS_SALT_LENGTH = 32  # [inferred] the hash length, the usual choice; the card's is not known


@unique
class SignScheme(IntEnum):
    """P1 of COMPUTE DIGITAL SIGNATURE: how the card turns the data into the signed block."""

    PKCS1_AS_GIVEN = 0x00
    """PKCS#1 v1.5 over the data as given (a DigestInfo of any hash), 1 to k-11 bytes."""
    PKCS1_SHA256_BARE = 0x01
    """The card hashes the data with SHA-256 and pads the bare 32-byte hash (no DigestInfo)."""
    PKCS1_PREHASHED = 0x02
    """The data is a SHA-256 hash; the card wraps it in a DigestInfo and pads it."""
    PKCS1_SHA256 = 0x03
    """The card hashes the data with SHA-256, wraps it in a DigestInfo and pads it."""
    PSS_PREHASHED = 0x04
    """The data is a SHA-256 hash, signed with RSASSA-PSS (MGF1-SHA-256, 32-byte salt)."""
    PSS_SHA256 = 0x05
    """The card hashes the data with SHA-256 and signs with RSASSA-PSS."""

    def accepts(self, data: bytes, max_payload: int) -> bool:
        """Whether *data* has a length this scheme takes (else the card answers ``6700``)."""
        size = len(data)
        if self is SignScheme.PKCS1_AS_GIVEN:
            return 1 <= size <= max_payload
        if self in (SignScheme.PKCS1_PREHASHED, SignScheme.PSS_PREHASHED):
            return size == _SHA256_LENGTH
        return size >= 1


class RsaSigner:
    """One RSA private key of the card, ready to sign.

    :param private_key: the key, or a function that loads it: then it is loaded when it is
        first used (every ``--sim`` command builds a card, and most never sign: loading keys
        needs cryptography's serialization modules, tens of milliseconds at start-up). Its CRT
        parameters are extracted once.
    """

    __slots__ = ("_dp", "_dq", "_e", "_key", "_length", "_load", "_p", "_q", "_qinv")

    def __init__(self, private_key: rsa.RSAPrivateKey | Callable[[], rsa.RSAPrivateKey]) -> None:
        self._load: Callable[[], rsa.RSAPrivateKey] | None = None
        if callable(private_key):
            self._load = private_key
        else:
            self._set(private_key)

    def _set(self, private_key: rsa.RSAPrivateKey) -> None:
        numbers = private_key.private_numbers()
        self._key = private_key
        self._p = numbers.p
        self._q = numbers.q
        self._dp = numbers.dmp1
        self._dq = numbers.dmq1
        self._qinv = numbers.iqmp
        self._e = numbers.public_numbers.e
        self._length = (numbers.public_numbers.n.bit_length() + 7) // 8
        self._load = None

    def _loaded(self) -> rsa.RSAPrivateKey:
        if self._load is not None:
            self._set(self._load())
        return self._key

    def __repr__(self) -> str:
        if self._load is not None:
            return "RsaSigner(not loaded yet)"
        return f"RsaSigner({self._length * 8}-bit)"

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        """The public half."""
        return self._loaded().public_key()

    @property
    def public_numbers(self) -> tuple[int, int]:
        """The modulus and the public exponent."""
        self._loaded()
        return self._p * self._q, self._e

    @property
    def signature_length(self) -> int:
        """Bytes in a signature (the modulus length, 256 for RSA-2048)."""
        self._loaded()
        return self._length

    @property
    def max_payload(self) -> int:
        """The longest data PKCS#1 v1.5 can pad: the modulus length minus 11."""
        return self.signature_length - 11

    def sign(self, scheme: SignScheme, data: bytes) -> bytes:
        """Sign *data* as *scheme* says; the caller has checked :meth:`SignScheme.accepts`."""
        if scheme is SignScheme.PKCS1_AS_GIVEN:
            return self.sign_pkcs1(data)
        if scheme is SignScheme.PKCS1_SHA256_BARE:
            return self.sign_pkcs1(hashlib.sha256(data).digest())
        if scheme is SignScheme.PKCS1_PREHASHED:
            return self.sign_pkcs1(SHA256_DIGEST_INFO_PREFIX + data)
        if scheme is SignScheme.PKCS1_SHA256:
            return self.sign_pkcs1(SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(data).digest())
        # PSS needs a salt and MGF1: the key's own implementation, loaded only for it.
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding, utils

        digest = data if scheme is SignScheme.PSS_PREHASHED else hashlib.sha256(data).digest()
        return self._loaded().sign(
            digest,
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=_PSS_SALT_LENGTH),
            utils.Prehashed(hashes.SHA256()),
        )

    def sign_pkcs1(self, payload: bytes) -> bytes:
        """RSASSA-PKCS1-v1_5 over *payload* as given (1 to :attr:`max_payload` bytes)."""
        if not 1 <= len(payload) <= self.max_payload:  # loads the key if not yet done
            raise ValueError(f"PKCS#1 v1.5 pads 1-{self.max_payload} bytes, not {len(payload)}")
        block = b"\x00\x01" + b"\xff" * (self._length - 3 - len(payload)) + b"\x00" + payload
        m = int.from_bytes(block, "big")
        # Garner's CRT: two half-size exponentiations instead of one full one.
        s1 = pow(m, self._dp, self._p)
        s2 = pow(m, self._dq, self._q)
        s = s2 + self._q * ((self._qinv * (s1 - s2)) % self._p)
        return s.to_bytes(self._length, "big")
