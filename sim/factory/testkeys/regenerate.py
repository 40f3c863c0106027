"""Regenerate the simulator's public test keys (run by hand, never at test time).

Usage: ``python -m sim.factory.testkeys.regenerate [--force]``

Every certificate the simulator issues depends on these keys, so regenerating them changes every
simulated certificate's bytes. Existing files are kept unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sim.factory.testkeys import (
    CA_KINDS,
    KEY_SIZE,
    POOL_SIZE,
    PUBLIC_EXPONENT,
    ca_key_filename,
    pool_key_filename,
)

__all__ = ["key_filenames", "main", "regenerate"]


def key_filenames() -> list[str]:
    """Return the file name of every test key, CA keys first."""
    return [ca_key_filename(kind) for kind in CA_KINDS] + [
        pool_key_filename(index) for index in range(POOL_SIZE)
    ]


def regenerate(directory: Path, *, force: bool = False) -> list[Path]:
    """Write a fresh RSA-2048 key (unencrypted PKCS#8 PEM) for every test key file.

    Returns the paths written. Raises FileExistsError if a file exists and ``force`` is false.
    """
    targets = [directory / name for name in key_filenames()]
    existing = [path for path in targets if path.exists()]
    if existing and not force:
        raise FileExistsError(f"{len(existing)} test key file(s) exist; pass --force to replace")
    for path in targets:
        key = rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_SIZE)
        pem = key.private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )
        path.write_bytes(pem)
    return targets


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.factory.testkeys.regenerate",
        description="Regenerate the simulator's public test keys.",
    )
    parser.add_argument("--force", action="store_true", help="replace existing key files")
    args = parser.parse_args(argv)
    try:
        written = regenerate(Path(__file__).resolve().parent, force=args.force)
    except FileExistsError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    sys.stdout.write(f"wrote {len(written)} test keys\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
