"""What every command handler gets: the parsed options, the output streams, the card."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from apdu import Connection

__all__ = ["CliContext"]


@dataclass
class CliContext:
    """The state of one ``jpki`` run that handlers share.

    Data goes to :attr:`out` (stdout), messages to :attr:`err` (stderr). Both take plain text
    or a :class:`~jpki.texts.Msg`, rendered in :attr:`lang`.
    """

    args: argparse.Namespace
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    @property
    def json(self) -> bool:
        """Whether the user asked for JSON output."""
        return bool(getattr(self.args, "json", False))

    @property
    def lang(self) -> str:
        """The language of the texts (``--lang``, else the locale's; see :mod:`jpki.texts`)."""
        lang = getattr(self.args, "lang", None)
        if lang:
            return str(lang)
        from jpki.texts import default_language  # not needed to start: --help never asks

        return default_language()

    def render(self, text: object) -> str:
        """*text* (a :class:`~jpki.texts.Msg`, a date, plain text...) in :attr:`lang`."""
        if isinstance(text, str):
            return text
        from jpki.texts import render

        return render(text, self.lang)

    def text(self, ja: str, en: str) -> str:
        """Pick the Japanese or the English wording (for commands not yet using catalogs)."""
        return ja if self.lang == "ja" else en

    def print(self, text: object = "") -> None:
        """Write a line of data to stdout."""
        print(self.render(text), file=self.out)

    def message(self, text: object) -> None:
        """Write a line for the person (progress, notes, warnings) to stderr."""
        print(self.render(text), file=self.err)

    def print_json(self, obj: Any) -> None:
        """Write *obj* as indented UTF-8 JSON to stdout."""
        print(json.dumps(obj, ensure_ascii=False, indent=2), file=self.out)

    def open_connection(self) -> Connection:
        """Open the card the global options name: a simulated card or a PC/SC reader."""
        args = self.args
        if args.card is not None:
            from sim import open_simulated_card

            return open_simulated_card(card_file=args.card, faults=None)
        if args.sim:
            from sim import open_simulated_card

            return open_simulated_card(profile=args.profile)
        from apdu.pcsc import open_reader

        return open_reader(
            args.reader, exclusive=not args.shared, wait_seconds=float(args.wait or 0.0)
        )
