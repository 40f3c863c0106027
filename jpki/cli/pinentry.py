"""Where the command line gets PINs from: never argv.

In order: the PIN's environment variable (``JPKI_AUTH_PIN``, ``JPKI_SIGN_PIN``,
``JPKI_CARD_INFO_PIN``, ``JPKI_JUKI_PIN``), one line of standard input with ``--pin-stdin``,
or a prompt on the terminal that does not echo.
"""

from __future__ import annotations

import argparse
import os
import sys

from jpki.ids import PinKind
from jpki.texts import Msg, render

from .context import CliContext
from .errors import CliError, ExitCode

__all__ = ["MAX_PIN_LINE", "add_pin_options", "read_pin"]

MAX_PIN_LINE = 256
"""The most characters read for one PIN from standard input (a PIN has at most 16)."""
_FORCE_HELP = "send the PIN even when one try is left"


def add_pin_options(parser: argparse.ArgumentParser, *, force_help: str = _FORCE_HELP) -> None:
    """Add the options of a command that sends a PIN: ``--force`` (past the last-try guard) and
    ``--pin-stdin`` (with the documentation of the environment variables)."""
    parser.add_argument("--force", action="store_true", help=force_help)
    parser.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN from one line of standard input (for scripts); the PIN may also "
        "come from JPKI_AUTH_PIN / JPKI_SIGN_PIN / JPKI_CARD_INFO_PIN / JPKI_JUKI_PIN; "
        "PINs are never taken from the command line",
    )


def read_pin(ctx: CliContext, kind: PinKind, *, purpose: str = "pin", new: bool = False) -> str:
    """Get a PIN for *kind* from the environment, stdin or a silent prompt.

    :param purpose: which prompt (``cli.prompt.<purpose>``): ``pin``, ``current``, ``new``
        or ``new_again``.
    :param new: the PIN to set; never read from the environment.
    """
    if not new:
        from_env = os.environ.get(kind.env_var)
        if from_env is not None:
            return from_env
    if getattr(ctx.args, "pin_stdin", False):
        line = sys.stdin.readline(MAX_PIN_LINE + 1)
        if len(line.rstrip("\r\n")) > MAX_PIN_LINE:
            # Not a PIN (e.g. a file or /dev/zero given by mistake): never echoed.
            raise CliError(
                render(Msg("safety.pin_line_too_long", limit=MAX_PIN_LINE), ctx.lang),
                ExitCode.USAGE,
            )
        if not line:
            raise CliError(Msg("cli.pin.none_on_stdin"), ExitCode.USAGE)
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CliError(
            Msg("cli.pin.no_terminal", pin=kind.label, variable=kind.env_var), ExitCode.USAGE
        )
    import getpass  # only to prompt: termios is not needed by commands that ask no PIN

    try:
        return getpass.getpass(ctx.render(Msg(f"cli.prompt.{purpose}", pin=kind.label)))
    except EOFError:
        # Ctrl-D at the prompt: nothing was typed, nothing is sent.
        raise CliError(render(Msg("safety.no_pin_given"), ctx.lang), ExitCode.USAGE) from None
