"""The table of ``jpki`` commands: name, the module that implements it, one-line summary.

``jpki --help`` is built from this table alone; only the module of the command that runs is
imported, which keeps start-up fast. Each command module's ``register(subparsers)`` adds its
parser with :func:`add_command` (``help=summary(name)``).
"""

from __future__ import annotations

import argparse

__all__ = ["COMMANDS", "CommandEntry", "add_command", "add_command_group", "summary"]


class CommandEntry:
    """One top-level command (read-only by convention; a plain class, because this table is
    on the path of ``jpki --help`` and a dataclass would cost it the ``dataclasses`` import).

    :param name: what the user types.
    :param module: the ``jpki.cli`` module whose ``register`` adds it.
    :param summary: the line shown by ``jpki --help``.
    :param uses_card: whether it works on a card (and so takes ``--reader``, ``--sim``, ...
        after its name too).
    """

    __slots__ = ("module", "name", "summary", "uses_card")

    def __init__(self, name: str, module: str, summary: str, uses_card: bool = True) -> None:
        self.name = name
        self.module = module
        self.summary = summary
        self.uses_card = uses_card

    def __repr__(self) -> str:
        return f"CommandEntry({self.name!r}, {self.module!r})"


COMMANDS: tuple[CommandEntry, ...] = (
    CommandEntry("readers", "cmd_readers", "list PC/SC readers and the cards in them"),
    CommandEntry(
        "diagnose",
        "cmd_diagnose",
        "counter report: what is wrong, what to do, where and from when (no PIN)",
    ),
    CommandEntry(
        "status",
        "cmd_status",
        "what the card tells without a PIN: token, certificates, PIN counters",
    ),
    CommandEntry(
        "pin", "cmd_pin", "PIN retry counters, verify and change (guarded against lock-out)"
    ),
    CommandEntry("cert", "cmd_cert", "read and show the card's certificates"),
    CommandEntry(
        "sign",
        "cmd_sign",
        "sign a file with the card's auth or sign key (asks for the key's PIN)",
    ),
    CommandEntry(
        "verify", "cmd_sign", "check a raw or CMS signature over a file, offline", uses_card=False
    ),
    CommandEntry(
        "info",
        "cmd_info",
        "My Number and name, address, birth date, sex (asks for the card-info PIN)",
    ),
    CommandEntry("apdu", "cmd_apdu", "send raw APDUs (hex) and show the answers"),
    CommandEntry(
        "expiry",
        "cmd_expiry",
        "expiry dates, renewal windows and states of the card and certificates (no card)",
        uses_card=False,
    ),
    CommandEntry("pdf", "cmd_pdf", "sign PDFs with the card (PAdES) and check signed PDFs offline"),
    CommandEntry(
        "counter", "cmd_counter", "the counter desk: a local web page that diagnoses cards"
    ),
    CommandEntry("sim", "cmd_sim", "run the simulated My Number Card (serve it to PC/SC programs)"),
)

_SUMMARIES = {entry.name: entry.summary for entry in COMMANDS}


def summary(name: str) -> str:
    """The ``--help`` line of command *name*."""
    return _SUMMARIES[name]


def add_command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """Add the parser of top-level command *name*, with its ``--help`` line from the table."""
    return subparsers.add_parser(name, help=summary(name), description=description)


def add_command_group(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    description: str | None = None,
    *,
    metavar: str = "ACTION",
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """Add command *name* as a group: its sub-commands are required and land in
    ``<name>_command``. Returns the group's sub-parsers."""
    group = add_command(subparsers, name, description).add_subparsers(
        dest=f"{name}_command", metavar=metavar
    )
    group.required = True
    return group
