"""Public RSA-2048 test keys for the simulated card and its simulated CAs.

The keys ship as PEM files next to this module, so loading one is a file read and a parse, never
a key generation. They are published test material: anything they sign must never be trusted.
Regenerate them by hand with ``python -m sim.factory.testkeys.regenerate --force``.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = [
    "CA_KINDS",
    "KEY_SIZE",
    "POOL_SIZE",
    "PUBLIC_EXPONENT",
    "ca_key",
    "ca_key_filename",
    "pool_key",
    "pool_key_filename",
]

CA_KINDS: tuple[str, ...] = ("auth", "sign")
"""The CA key kinds: one key for the user-authentication CA, one for the signature CA."""

POOL_SIZE = 16
"""How many end-entity keys the pool holds (indices ``0`` to ``POOL_SIZE - 1``)."""

KEY_SIZE = 2048
"""Modulus size of every test key, in bits."""

PUBLIC_EXPONENT = 65537
"""Public exponent of every test key."""


def ca_key_filename(kind: str) -> str:
    """Return the file name of the CA key of ``kind`` (one of :data:`CA_KINDS`)."""
    if kind not in CA_KINDS:
        raise ValueError(f"unknown CA key kind {kind!r}; expected one of {CA_KINDS}")
    return f"TEST-KEY-{kind}-ca.pem"


def pool_key_filename(index: int) -> str:
    """Return the file name of pool key ``index`` (``0 <= index < POOL_SIZE``)."""
    if isinstance(index, bool) or not 0 <= index < POOL_SIZE:
        raise ValueError(f"pool key index {index!r} is outside 0..{POOL_SIZE - 1}")
    return f"TEST-KEY-pool-{index:02d}.pem"


@functools.cache
def _load(filename: str) -> rsa.RSAPrivateKey:
    # Imported on first use: the card data names pool keys by index without loading any.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    # A file next to this module (importlib.resources would cost every --sim command 20 ms).
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), filename), "rb") as f:
        pem = f.read()
    # The full consistency check of an RSA key costs tens of milliseconds; these files are our
    # own, shipped read-only, and the tests sign and verify with every one of them.
    key = serialization.load_pem_private_key(
        pem, password=None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError(f"{filename} does not hold an RSA private key")
    if key.key_size != KEY_SIZE or key.public_key().public_numbers().e != PUBLIC_EXPONENT:
        raise ValueError(f"{filename} is not an RSA-{KEY_SIZE} key with e = {PUBLIC_EXPONENT}")
    return key


def ca_key(kind: str) -> rsa.RSAPrivateKey:
    """Return the test private key of the simulated CA of ``kind`` (``"auth"`` or ``"sign"``).

    Raises ValueError for an unknown kind. Loaded keys are cached.
    """
    return _load(ca_key_filename(kind))


def pool_key(index: int) -> rsa.RSAPrivateKey:
    """Return end-entity test key ``index`` from the pool.

    Raises ValueError unless ``0 <= index < POOL_SIZE``. Loaded keys are cached.
    """
    return _load(pool_key_filename(index))
