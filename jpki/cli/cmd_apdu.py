"""``jpki apdu HEX...``: send raw APDUs and print the data, status word and its meaning."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .card import open_card
from .commands import summary
from .context import CliContext
from .errors import CliError, ExitCode

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``apdu`` command."""
    parser = subparsers.add_parser(
        "apdu",
        help=summary("apdu"),
        description="Send raw command APDUs in order and print each answer. GET RESPONSE "
        "(61xx) and wrong-Le (6Cxx) answers are followed. The data of VERIFY and CHANGE "
        "REFERENCE DATA is redacted in the echo.",
    )
    parser.add_argument(
        "apdus",
        metavar="HEX",
        nargs="+",
        help="a command APDU in hex; '-' reads APDUs from standard input, one per line (the "
        "only way to send VERIFY or CHANGE REFERENCE DATA with data, so that no PIN is "
        "on the command line)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Send each APDU; exit 0 when the last one answered 9000, else 1."""
    from apdu import ApduProtocol, CommandApdu
    from apdu.trace import SECRET_INS, format_command

    texts: list[tuple[str, bool]] = []  # (hex, came from the command line)
    for text in args.apdus:
        if text == "-":
            texts += [(line, False) for line in sys.stdin.read().splitlines() if line.strip()]
        else:
            texts.append((text, True))
    commands: list[CommandApdu] = []
    for position, (text, from_argv) in enumerate(texts, start=1):
        cleaned = text.replace(" ", "").replace(":", "")
        try:
            raw = bytes.fromhex(cleaned)
        except ValueError:
            # The text is not echoed: it could hold a PIN typed by mistake.
            raise CliError(f"APDU #{position} is not hexadecimal", ExitCode.USAGE) from None
        command = CommandApdu.from_bytes(raw)
        if from_argv and command.ins in SECRET_INS and command.data:
            raise CliError(
                ctx.text(
                    f"APDU #{position} は暗証番号を含むため、コマンドラインでは受け付けません"
                    "(プロセス一覧や履歴に残るため)。標準入力から渡してください: jpki apdu -",
                    f"APDU #{position} carries PIN data, which is refused on the command line "
                    "(other users and the shell history could see it); give it on standard "
                    "input: jpki apdu -",
                ),
                ExitCode.USAGE,
            )
        commands.append(command)
    results: list[dict[str, Any]] = []
    last_sw = 0x9000
    with open_card(ctx) as connection:
        protocol = ApduProtocol(connection, extended=bool(args.extended))
        for command in commands:
            response = protocol.send(command)
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
