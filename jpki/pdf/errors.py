"""Errors of PDF signing and checking, in the toolkit's one exception tree."""

from __future__ import annotations

from apdu.errors import InputError
from jpki.errors import JpkiError

__all__ = ["PdfError", "PdfInputError", "PdfSigningError"]


class PdfError(JpkiError):
    """A PDF could not be signed or checked."""


class PdfInputError(PdfError, InputError):
    """Input that cannot be used: not a readable PDF, no signature to check, a bad option
    (a signature box outside the page, revocation data without a time-stamp server)."""


class PdfSigningError(PdfError):
    """pyHanko could not produce the signed PDF (time-stamp server, revocation data, ...)."""
