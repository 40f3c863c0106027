"""A simulated card kept in a JSON file: save it, load it, never leave half a file behind.

The file is ``{"format": "jpki-sim-card", "version": 1, "card": {...}}`` where ``card`` is
:meth:`~sim.carddata.CardData.to_dict`. It holds the card's PIN values and try counters (a
training card, not a secret store): it is written readable by its owner only. A write goes to
a temporary file in the same directory, is flushed to disk, then renamed over the target, so
a crash leaves either the old file or the new one.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jpki.atomic import atomic_writer
from jpki.errors import InputError
from jpki.texts import Msg
from sim.carddata import CardData
from sim.chip.applets.card_info import CARD_INFO_PIN_TRIES
from sim.chip.applets.jpki import AUTH_PIN_TRIES, SIGN_PASSWORD_TRIES
from sim.chip.applets.juki import JUKI_PIN_TRIES

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "PIN_MAX_TRIES",
    "CardFileError",
    "load_card_data",
    "save_card_data",
]

FORMAT_NAME = "jpki-sim-card"
"""The ``format`` field of a card file."""

FORMAT_VERSION = 1
"""The ``version`` of the card files this module writes and reads."""

PIN_MAX_TRIES: Mapping[str, int] = MappingProxyType(
    {
        "auth_pin": AUTH_PIN_TRIES,
        "sign_password": SIGN_PASSWORD_TRIES,
        "card_info_pin": CARD_INFO_PIN_TRIES,
        "juki_pin": JUKI_PIN_TRIES,
    }
)
"""The tries of a fresh PIN, by the :class:`~sim.carddata.CardData` field that holds it."""


class CardFileError(InputError):
    """A card file that cannot be read or written: missing, not JSON, wrong version, invalid.

    :param path: the file.
    :param reason: what is wrong with it.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(Msg("sim.card_file.unusable", path=os.fspath(path), reason=reason))
        self.path = Path(path)
        self.reason = reason


def save_card_data(data: CardData, path: str | os.PathLike[str]) -> None:
    """Write *data* to *path* atomically (replacing an existing file).

    :raises CardFileError: the file or its directory cannot be written.
    """
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "card": data.to_dict()}
    target = Path(path)
    try:
        _write_json_atomically(target, document)
    except OSError as exc:
        raise CardFileError(target, f"cannot write it: {exc.strerror or exc}") from exc


def _write_json_atomically(target: Path, document: dict[str, Any]) -> None:
    with atomic_writer(target) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
        json.dump(document, text, ensure_ascii=False, indent=2)
        text.write("\n")
        text.flush()
        text.detach()


def load_card_data(path: str | os.PathLike[str]) -> CardData:
    """Read the card kept in *path*.

    :raises CardFileError: a missing or unreadable file, bad JSON, another format or version,
        or card data that does not make a card.
    """
    source = Path(path)
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise CardFileError(source, "no such file") from None
    except OSError as exc:
        raise CardFileError(source, f"cannot read it: {exc.strerror or exc}") from exc
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CardFileError(source, "not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise CardFileError(
            source, f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from exc
    return _card_from_document(source, document)


def _card_from_document(source: Path, document: object) -> CardData:
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise CardFileError(source, f"not a simulated card file (no format {FORMAT_NAME!r})")
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise CardFileError(
            source, f"version {version!r} is not supported (this toolkit reads {FORMAT_VERSION})"
        )
    card = document.get("card")
    if not isinstance(card, dict):
        raise CardFileError(source, "the 'card' entry is missing or not an object")
    try:
        data = CardData.from_dict(card)
    except KeyError as exc:
        raise CardFileError(source, f"invalid card data: missing entry {exc}") from exc
    except (ValueError, TypeError, AttributeError) as exc:
        # Messages of CardData never carry PIN values.
        raise CardFileError(source, f"invalid card data: {exc}") from exc
    for name, max_tries in PIN_MAX_TRIES.items():
        tries = getattr(data, name).tries_left
        if tries is not None and tries > max_tries:
            raise CardFileError(source, f"invalid card data: {name} has at most {max_tries} tries")
    return data
