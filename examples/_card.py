"""Shared by the examples: which card to open, where a PIN comes from, and the file a signing
example signs.

Every example works on the built-in simulated card by default and on the card in a PC/SC
reader with ``--reader NAME`` (any part of the reader's name, as ``jpki readers`` lists it).
Both are an :class:`apdu.Connection`; use it in a ``with`` block: leaving the block closes the
connection, which powers the card down and with it every PIN verified on it.

PINs never come from the command line. In order: the PIN's environment variable
(``JPKI_AUTH_PIN``, ``JPKI_SIGN_PIN``, ``JPKI_CARD_INFO_PIN``, ``JPKI_JUKI_PIN``); on the
simulated card only (no ``--reader``), the simulator's documented default (``1234``, or
``ABCD1234`` for the signature password), announced on stderr; otherwise a prompt that does not
echo.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from apdu import Connection
from jpki.ids import PinKind
from jpki.texts import render

__all__ = ["add_card_options", "add_file_to_sign", "open_card", "output_path", "read_pin"]


def add_card_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--reader NAME`` and ``--profile NAME`` (the simulated card's profile)."""
    group = parser.add_argument_group("which card")
    group.add_argument(
        "--reader",
        metavar="NAME",
        help="use the card in this PC/SC reader (part of its name); default: the simulated card",
    )
    group.add_argument(
        "--profile",
        metavar="NAME",
        default="adult",
        help="the simulated card's profile (python -m jpki sim profiles); default: adult",
    )


def add_file_to_sign(parser: argparse.ArgumentParser, *, output: str, suffix: str) -> None:
    """Add ``FILE`` (the file to sign) and ``-o/--output`` (*output*, by default FILE with
    *suffix* added: see :func:`output_path`)."""
    parser.add_argument("file", type=Path, help="the file to sign")
    parser.add_argument("-o", "--output", type=Path, help=f"{output} (default: FILE{suffix})")


def output_path(args: argparse.Namespace, suffix: str) -> Path:
    """``--output``, else FILE with *suffix* added (``report.txt`` -> ``report.txt.sig``)."""
    return Path(args.output or args.file.with_name(args.file.name + suffix))


def open_card(args: argparse.Namespace) -> Connection:
    """The card the options name, opened; use the result in a ``with`` block.

    A reader is opened exclusively, so no other program can use a PIN verified here.
    """
    if args.reader:
        from apdu.pcsc import open_reader

        return open_reader(args.reader)
    from sim import open_simulated_card

    return open_simulated_card(profile=args.profile)


def read_pin(kind: PinKind, args: argparse.Namespace) -> str:
    """The PIN for *kind*: environment, the simulator's default (simulated card only), prompt."""
    from_environment = os.environ.get(kind.env_var)
    if from_environment is not None:
        return from_environment
    if not args.reader:
        from sim.factory.profiles import DEFAULT_PIN, DEFAULT_SIGN_PASSWORD

        default = DEFAULT_SIGN_PASSWORD if kind is PinKind.SIGN else DEFAULT_PIN
        print(
            f"{kind.env_var} is not set: using the simulated card's documented default "
            f"{render(kind.label, 'en')} ({default}); a real card needs --reader and its own PIN",
            file=sys.stderr,
        )
        return default
    return getpass.getpass(f"{render(kind.label, 'en')} ({render(kind.label, 'ja')}): ")
