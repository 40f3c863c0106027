"""The certificates of the built-in profiles, kept between runs in the user's cache directory.

Issuing a profile's four certificates (two CAs, the auth and the signature certificate) costs
RSA signatures and most of a ``jpki --sim`` command's own work, and gives the same bytes every
time: the keys are the published test keys, the serials derive from the contents and PKCS#1
v1.5 signatures are deterministic. So the first run of a profile keeps them in
``$XDG_CACHE_HOME/jpki-toolkit/`` (``~/.cache/jpki-toolkit/`` by default), one file per profile,
and later runs read them back.

A kept file is used only when its key matches: a SHA-256 over everything the certificates are
made from (the card's spec and expiries as values, the source of the modules that issue them,
the test keys, the cryptography version). Any change gives another key, and the certificates
are issued again and the file replaced. A file that cannot be read, does not parse, or whose
checksum does not match is ignored the same way; a cache directory that cannot be written
only means the certificates are issued on every run. The files hold certificates only
(public data) and the key, never a PIN.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from jpki.atomic import write_atomically

__all__ = [
    "CACHE_DIR_NAME",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "CardCertificates",
    "cache_directory",
    "cached_certificates",
]

CACHE_DIR_NAME = "jpki-toolkit"
"""The toolkit's directory under the user's cache directory."""

FORMAT_NAME = "jpki-sim-certificates"
FORMAT_VERSION = 1

#: A kept file larger than this is not read (four certificates take about 12 KiB as hex).
_FILE_LIMIT = 256 * 1024

_HERE = Path(__file__).resolve().parent


class CardCertificates(NamedTuple):
    """The DER of a card's four certificates (``sign`` is None on a card without one)."""

    auth: bytes
    auth_ca: bytes
    sign: bytes | None
    sign_ca: bytes


def cache_directory(environ: dict[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/jpki-toolkit``, or ``~/.cache/jpki-toolkit`` when it is not set."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / CACHE_DIR_NAME


def _sources() -> tuple[Path, ...]:
    import jpki.certificate

    testkeys = _HERE / "testkeys"
    return (
        _HERE / "profiles.py",
        _HERE / "pki.py",
        Path(__file__).resolve(),
        Path(jpki.certificate.__file__).resolve(),
        *sorted(testkeys.glob("*.pem")),
    )


def cache_key(inputs: str) -> str:
    """The key of certificates made from *inputs* (a text naming every value they use) by
    the code and keys of this installation."""
    from cryptography import __version__ as cryptography_version

    digest = hashlib.sha256()
    for part in (FORMAT_NAME, str(FORMAT_VERSION), cryptography_version, inputs):
        digest.update(part.encode() + b"\0")
    for path in _sources():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _checksum(certificates: CardCertificates) -> str:
    digest = hashlib.sha256()
    for der in certificates:
        digest.update(b"-" if der is None else len(der).to_bytes(4, "big") + der)
    return digest.hexdigest()


def _load(path: Path, key: str) -> CardCertificates | None:
    try:
        with path.open("rb") as stream:
            raw = stream.read(_FILE_LIMIT + 1)
        if len(raw) > _FILE_LIMIT:
            return None
        document = json.loads(raw)
        if (
            not isinstance(document, dict)
            or document.get("format") != FORMAT_NAME
            or document.get("version") != FORMAT_VERSION
            or document.get("key") != key
        ):
            return None
        fields = document["certificates"]
        sign = fields["sign"]
        certificates = CardCertificates(
            auth=bytes.fromhex(fields["auth"]),
            auth_ca=bytes.fromhex(fields["auth_ca"]),
            sign=None if sign is None else bytes.fromhex(sign),
            sign_ca=bytes.fromhex(fields["sign_ca"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if document.get("checksum") != _checksum(certificates):
        return None
    return certificates


def _store(path: Path, key: str, certificates: CardCertificates) -> None:
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "key": key,
        "checksum": _checksum(certificates),
        "certificates": {
            name: None if der is None else der.hex()
            for name, der in zip(CardCertificates._fields, certificates, strict=True)
        },
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(document, indent=1).encode() + b"\n")
    except OSError:
        pass  # a cache that cannot be written: the certificates are issued next time too


def cached_certificates(
    profile: str, inputs: str, issue: Callable[[], CardCertificates]
) -> CardCertificates:
    """The certificates of built-in *profile*: kept ones when their key matches, else
    ``issue()``'s, which are then kept.

    :param profile: the profile's name (the file is ``sim-profile-NAME.json``).
    :param inputs: a text naming every value the certificates are made from.
    :param issue: makes the certificates.
    """
    directory = cache_directory()
    if not directory.is_absolute():  # no home directory to keep anything in
        return issue()
    try:
        key = cache_key(inputs)
    except OSError:  # an installation without its sources: nothing to key the cache on
        return issue()
    path = directory / f"sim-profile-{profile}.json"
    kept = _load(path, key)
    if kept is not None:
        return kept
    certificates = issue()
    _store(path, key, certificates)
    return certificates
