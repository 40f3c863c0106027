"""The JPKI client: read, verify, sign and diagnose a My Number Card over any connection."""

from __future__ import annotations

__all__ = ["version"]

DISTRIBUTION = "jpki-toolkit"
"""The name the toolkit is installed under; its version is read from there, the one place."""


def version() -> str:
    """The installed toolkit's version (``setup.cfg``'s, from the package metadata).

    Read only when asked, so that importing :mod:`jpki` stays cheap; ``0+unknown`` when the
    sources run without being installed.
    """
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as distribution_version

    try:
        return distribution_version(DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"
