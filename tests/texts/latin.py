"""What counts as English left in a Japanese text, for the catalog and the output tests."""

from __future__ import annotations

import re

__all__ = ["ALLOWED_LATIN", "COMMAND_LINE", "latin_words"]

# Words that Japanese staff texts legitimately keep in Latin letters: product and service names,
# command names and options, units and codes. Anything else in ASCII letters is untranslated.
ALLOWED_LATIN = re.compile(
    r"^(e-Tax|pyHanko|NFC|PC/SC|pcscd|vpcd|jpki|JPKI|PIN|PDF|PAdES|CAdES|CMS|SHA|RSA|ATR|APDU|AP|ID|"
    r"IC|URL|CSV|JSON|A-Z|DER|PEM|SW|OK|QR|SFI|EF|DF|CA|TSA|OCSP|CRL|[A-Za-z]+\.(json|csv|pem|pdf)|"
    r"--?[a-z][a-z0-9-]*(?:/--?[a-z][a-z0-9-]*)*|[A-Z0-9_]+)$"
)

# A command the text tells the person to type, quoted or after "例:": kept as typed.
COMMAND_LINE = re.compile(r"(?:sudo )?\b(?:jpki|systemctl|pcscd)\b(?: [a-z][a-z-]*| -)*")


def latin_words(text: str) -> list[str]:
    """The words in Latin letters that *text* keeps, less fields, options and command lines."""
    text = re.sub(r"\{[^}]*\}", "", text)
    text = COMMAND_LINE.sub("", text)
    return [
        word
        for word in re.findall(r"-{0,2}[A-Za-z](?:[A-Za-z0-9./_-]*[A-Za-z0-9])?", text)
        if not ALLOWED_LATIN.match(word)
    ]
