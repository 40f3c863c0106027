"""``jpki apdu HEX...``: send raw APDUs and print the data, status word and its meaning."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from jpki.texts import Msg, render

from .card import open_card
from .commands import add_command
from .context import CliContext
from .errors import CliError, ExitCode

if TYPE_CHECKING:
    from apdu import ApduProtocol, CommandApdu

__all__ = ["MAX_STDIN_CHARS", "register"]

MAX_STDIN_CHARS = 1 << 20
"""The most characters of APDUs read from standard input (``jpki apdu -``)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``apdu`` command."""
    parser = add_command(subparsers, "apdu", handler=run)
    parser.add_argument(
        "apdus",
        metavar="HEX",
        nargs="+",
        help="a command APDU in hex; '-' reads APDUs from standard input, one per line (the "
        "only way to send VERIFY or CHANGE REFERENCE DATA with data, so that no PIN is "
        "on the command line)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="send a PIN command even when its counter shows one try left or cannot be read",
    )


def _guard_pin_command(
    ctx: CliContext, protocol: ApduProtocol, command: CommandApdu, force: bool
) -> None:
    """Apply the PIN guard to a raw PIN-carrying command before it is sent.

    The card must not be shared; the counter of the same reference is read first (a case-1
    VERIFY, which spends nothing); a blocked PIN is never sent, and one with a single try left
    (or whose counter cannot be read) only with ``--force``.
    """
    from apdu import CommandApdu
    from apdu.command import ReferenceDataIns
    from apdu.status import retries_from_sw

    if not protocol.connection.exclusive:
        raise CliError(Msg("cli.apdu.shared"), ExitCode.PIN_PROBLEM)
    resets = (ReferenceDataIns.RESET_RETRY_COUNTER, ReferenceDataIns.RESET_RETRY_COUNTER_BER)
    if command.ins in resets:
        tries = None
    else:
        query = CommandApdu(command.cla, ReferenceDataIns.VERIFY, 0x00, command.p2)
        answer = protocol.send(query)
        tries = None if answer.ok else retries_from_sw(answer.sw)
        if answer.ok:
            return  # already verified: the counter is full
    if tries == 0:
        raise CliError(Msg("cli.apdu.blocked"), ExitCode.PIN_PROBLEM)
    if (tries is None or tries <= 1) and not force:
        left = "?" if tries is None else str(tries)
        raise CliError(Msg("cli.apdu.last_try", left=left), ExitCode.PIN_PROBLEM)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Send each APDU; exit 0 when the last one answered 9000, else 1.

    PIN-carrying commands go through the same guard as ``jpki pin verify``.
    """
    from apdu import ApduProtocol, CommandApdu
    from apdu.command import REFERENCE_DATA_INS
    from apdu.trace import format_command

    texts: list[tuple[str, bool]] = []  # (hex, came from the command line)
    for text in args.apdus:
        if text == "-":
            given = sys.stdin.read(MAX_STDIN_CHARS + 1)
            if len(given) > MAX_STDIN_CHARS:
                raise CliError(
                    render(Msg("safety.stdin_too_long", limit=MAX_STDIN_CHARS), ctx.lang),
                    ExitCode.USAGE,
                )
            texts += [(line, False) for line in given.splitlines() if line.strip()]
        else:
            texts.append((text, True))
    commands: list[CommandApdu] = []
    for position, (text, from_argv) in enumerate(texts, start=1):
        cleaned = text.replace(" ", "").replace(":", "")
        try:
            raw = bytes.fromhex(cleaned)
        except ValueError:
            # The text is not echoed: it could hold a PIN typed by mistake.
            raise CliError(Msg("cli.apdu.not_hex", position=position), ExitCode.USAGE) from None
        command = CommandApdu.from_bytes(raw)
        if from_argv and command.ins in REFERENCE_DATA_INS and command.data:
            raise CliError(Msg("cli.apdu.pin_in_argv", position=position), ExitCode.USAGE)
        commands.append(command)
    results: list[dict[str, Any]] = []
    last_sw = 0x9000
    with open_card(ctx) as connection:
        protocol = ApduProtocol(connection, extended=bool(args.extended))
        for command in commands:
            secret = command.ins in REFERENCE_DATA_INS and bool(command.data)
            if secret:
                _guard_pin_command(ctx, protocol, command, bool(args.force))
            try:
                response = protocol.send(command)
            except KeyboardInterrupt:
                if not secret:
                    raise
                # The card may have spent a try: "interrupted" would hide that.
                raise CliError(
                    render(Msg("safety.raw_pin_interrupted", command="jpki pin status"), ctx.lang),
                    ExitCode.PIN_PROBLEM,
                ) from None
            last_sw = response.sw
            echo = format_command(command.to_bytes())
            results.append(
                {
                    "command": echo,
                    "data": response.data.hex().upper(),
                    "sw": f"{response.sw:04X}",
                    "meaning": response.meaning,
                }
            )
            if not ctx.json:
                ctx.message(f"> {echo}")
                if response.data:
                    ctx.print(response.data.hex(" ").upper())
                ctx.print(f"{response.sw:04X} ({response.meaning})")
    if ctx.json:
        ctx.print_json(results)
    return int(ExitCode.OK if last_sw == 0x9000 else ExitCode.FAILURE)
