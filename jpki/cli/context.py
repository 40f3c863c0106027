"""What every command handler gets: the parsed options, the output streams, the card."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would slow --help

if TYPE_CHECKING:
    import argparse
    from typing import Any, TextIO

    from apdu import Connection

__all__ = ["CliContext"]


class CliContext:
    """The state of one ``jpki`` run that handlers share.

    Data goes to :attr:`out` (stdout), messages to :attr:`err` (stderr). Both take plain text
    or a :class:`~jpki.texts.Msg`, rendered in :attr:`lang`.
    A plain class: a dataclass would cost ``jpki --help`` the import of ``dataclasses``.
    """

    __slots__ = ("args", "err", "out")

    def __init__(
        self, args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
    ) -> None:
        self.args = args
        self.out: TextIO = sys.stdout if out is None else out
        self.err: TextIO = sys.stderr if err is None else err

    def __repr__(self) -> str:
        return f"CliContext(args={self.args!r})"

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

    def print(self, text: object = "") -> None:
        """Write a line of data to stdout."""
        print(self.render(text), file=self.out)

    def message(self, text: object) -> None:
        """Write a line for the person (progress, notes, warnings) to stderr."""
        print(self.render(text), file=self.err)

    def print_json(self, obj: Any) -> None:
        """Write *obj* as indented UTF-8 JSON to stdout."""
        import json

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
