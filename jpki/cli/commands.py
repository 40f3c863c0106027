"""The table of ``jpki`` commands: name, the module that implements it, one-line summary; and
the paragraph each command's own ``--help`` opens with.

``jpki --help`` is built from this table alone; only the module of the command that runs is
imported, which keeps start-up fast. Each command module's ``register(subparsers)`` adds its
parser with :func:`add_command`, which takes both texts from here.
"""

from __future__ import annotations

import argparse

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would slow --help
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .context import CliContext

    Handler = Callable[[argparse.Namespace, CliContext], int]

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

# The paragraph that opens a command's own --help (needed only when its parser is built).
_DESCRIPTIONS = {
    "readers": "List the PC/SC readers, whether a card is in each, and the card's ATR. "
    "Whether a card is a My Number Card is not decided from its ATR: use 'jpki info'.",
    "diagnose": "Diagnose a My Number Card for counter staff: PIN counters, certificate and "
    "card expiry, renewal windows, what the resident can do and where. No PIN is asked for. "
    "Dates are YYYY-MM-DD (JST).",
    "sign": "Hash FILE on this computer, verify the key's PIN (guarded), let the card sign the "
    "DigestInfo, and write a raw PKCS#1 v1.5 signature or a detached CMS (verifiable with "
    "'openssl cms -verify'). A CMS signature is checked against the card's certificate, which "
    "it embeds; a raw one only with --check.",
    "verify": "Check SIGNATURE over FILE. A raw signature needs --cert; a CMS carries its "
    "signer certificate. With --trust DIR the signer must chain to a certificate in DIR; test "
    "and simulated CAs are refused unless --allow-non-production is given.",
    "apdu": "Send raw command APDUs in order and print each answer. GET RESPONSE (61xx) and "
    "wrong-Le (6Cxx) answers are followed. The data of VERIFY and CHANGE REFERENCE DATA is "
    "redacted in the echo.",
    "expiry": "Compute the expiry of the My Number Card and its two certificates from whatever "
    "dates are known (YYYY-MM-DD): each value that cannot be computed names the dates it "
    "needs; dates read on the card are checked against the rules. Values resting on an "
    "unconfirmed rule are marked. With --csv, a whole resident list.",
    "pdf": "Sign PDFs with the card as PAdES (B-B; B-T with --tsa; B-LT with revocation data), "
    "check signed PDFs offline, and explain why a strict validator would refuse one. Needs "
    "the pdf extra (pyHanko). The checks are for your own documents and testing: verifying "
    "others' signatures as a business is regulated in Japan (JPKI Act, art. 17).",
    "counter": "Serve the counter desk page on this computer: every card put on a reader is "
    "diagnosed at once (no PIN), a card taken away clears the page. With --sim, a simulated "
    "card in one virtual reader.",
    "sim": "Work with the simulated My Number Card.",
}

_SUMMARIES = {entry.name: entry.summary for entry in COMMANDS}


def summary(name: str) -> str:
    """The ``--help`` line of command *name*."""
    return _SUMMARIES[name]


def add_command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    handler: Handler | None = None,
    **options: Any,
) -> argparse.ArgumentParser:
    """Add the parser of top-level command *name*, with its ``--help`` line and description
    from the table; *handler* runs the command, *options* go to the parser (``epilog``, ...)."""
    parser = subparsers.add_parser(
        name, help=summary(name), description=_DESCRIPTIONS.get(name), **options
    )
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def add_command_group(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    metavar: str = "ACTION",
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """Add command *name* as a group: its sub-commands are required and land in
    ``<name>_command``. Returns the group's sub-parsers."""
    group = add_command(subparsers, name).add_subparsers(dest=f"{name}_command", metavar=metavar)
    group.required = True
    return group
