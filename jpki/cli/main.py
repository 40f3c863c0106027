"""The ``jpki`` entry point: global options, command discovery, errors to exit codes.

Commands are listed in :mod:`jpki.cli.commands`; each lives in a ``cmd_*`` module whose
``register(subparsers)`` adds its parser and sets ``handler`` to a function
``(args, ctx) -> int``. Only the module of the command being run is imported, and command
modules import cryptography, pyscard and the simulator inside their handlers, so ``jpki
--help`` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import re
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from jpki.texts import Msg, render

from .commands import COMMANDS
from .context import CliContext, default_language
from .errors import CliError, ExitCode
from .messages import describe_error

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = ["build_parser", "main"]

logger = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse, except that a usage error never repeats what was typed.

    ``jpki pin verify auth 1234`` must not print the 1234 back: a PIN typed on the command line
    by mistake would otherwise end up on the screen and in logs of the terminal.
    """

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse swallows a failed write (a closed pipe): --help would then "succeed" with
        # its text lost. Let main() see it instead.
        if message:
            stream = file or sys.stderr
            stream.write(message)
            flush = getattr(stream, "flush", None)
            if flush is not None:
                flush()

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"invalid choice: '.*?'", "invalid choice", message)
        if message.startswith("unrecognized arguments:"):
            message = (
                "unrecognized arguments (not repeated here; PINs are never taken from the "
                "command line: see --help)"
            )
        super().error(message)


_VALUE_OPTIONS = frozenset({"--reader", "--profile", "--card", "--lang", "--wait"})


def _chosen_command(argv: Sequence[str]) -> str | None:
    """The command named in *argv* (the first word that is not an option or its value)."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word == "--":
            return None
        elif word.startswith("-"):
            skip = word in _VALUE_OPTIONS
        else:
            return word
    return None


_SOURCE_OPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("--reader", {"metavar": "NAME", "help": "use the PC/SC reader whose name contains NAME"}),
    (
        "--sim",
        {"action": "store_true", "help": "use the built-in simulated card (in process)"},
    ),
    (
        "--profile",
        {
            "metavar": "NAME",
            "help": "simulated card profile for --sim (see 'jpki sim profiles'; default: adult)",
        },
    ),
    (
        "--card",
        {
            "metavar": "FILE",
            "help": "use the simulated card kept in FILE (implies --sim; PIN counters are saved)",
        },
    ),
    (
        "--shared",
        {
            "action": "store_true",
            "help": "open the reader shared instead of exclusively (never while verifying PINs)",
        },
    ),
    (
        "--wait",
        {
            "metavar": "SECONDS",
            "type": float,
            "help": "wait up to SECONDS for a card to be put on the reader",
        },
    ),
    (
        "--extended",
        {"action": "store_true", "help": "use extended APDUs (falls back to short if refused)"},
    ),
)
_OUTPUT_OPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("--json", {"action": "store_true", "help": "print JSON instead of text"}),
    (
        "--lang",
        {
            "choices": ("ja", "en"),
            "help": "language of reports and messages (default: from the locale)",
        },
    ),
    (
        "--trace",
        {"action": "store_true", "help": "print the APDU trace on stderr (PINs always redacted)"},
    ),
    ("--debug", {"action": "store_true", "help": "show debug logs and the traceback of errors"}),
)


def _add_global_options(
    parser: argparse.ArgumentParser, *, suppress: bool, card: bool = True
) -> None:
    """Add the options that choose the card (when *card*) and the output.

    They are accepted before or after a command; a command's own option of the same name
    wins. After the command they default to "not given", so they never undo the value
    given before it.
    """
    groups = (("which card", _SOURCE_OPTIONS),) if card else ()
    for title, options in (*groups, ("output", _OUTPUT_OPTIONS)):
        group = parser.add_argument_group(title)
        for flag, spec in options:
            if flag in parser._option_string_actions:  # the command defines its own
                continue
            if suppress:
                spec = {**spec, "default": argparse.SUPPRESS}
            group.add_argument(flag, **spec)


def _leaf_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    leaves: list[argparse.ArgumentParser] = []
    for action in parser._actions:  # argparse offers no public walk over subparsers
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                leaves.extend(_leaf_parsers(child) or [child])
    return leaves


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser: every command listed, the one named in *argv* fully built.

    Only the module of that command is imported; the others appear with their summary
    (enough for ``jpki --help``). With *argv* None, every command is built.
    """
    parser = _Parser(
        prog="jpki",
        description=(
            "Read, diagnose and simulate the JPKI applet of the My Number Card "
            "(マイナンバーカード) over PC/SC."
        ),
        epilog="Global options may also follow the command, e.g. 'jpki status --sim --json'.",
    )
    _add_global_options(parser, suppress=False)
    parser.add_argument("--version", action="version", version="%(prog)s 0.1.0")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    chosen = None if argv is None else _chosen_command(argv)
    chosen_module = next((entry.module for entry in COMMANDS if entry.name == chosen), None)
    registered: set[str] = set()
    for entry in COMMANDS:
        if entry.name in registered:
            continue
        if argv is None or entry.module == chosen_module:
            module = importlib.import_module(f"{__package__}.{entry.module}")
            before = set(subparsers.choices)
            module.register(subparsers)
            registered |= set(subparsers.choices) - before
        else:
            subparsers.add_parser(entry.name, help=entry.summary)
    uses_card = {entry.name: entry.uses_card for entry in COMMANDS}
    for name, command in subparsers.choices.items():
        for leaf in _leaf_parsers(command) or [command]:
            _add_global_options(leaf, suppress=True, card=uses_card[name])
    return parser


@contextlib.contextmanager
def _logging_for(args: argparse.Namespace) -> Iterator[None]:
    """Send logs (and, with --trace, the redacted APDU trace) to stderr for this run only.

    The handler and levels are put back afterwards, so calling :func:`main` from a program
    or a test leaves logging as it found it.
    """
    from apdu.trace import TRAFFIC, trace_logger

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    saved_root_level, saved_trace_level = root.level, trace_logger.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if args.debug else logging.WARNING)
    if args.trace:
        trace_logger.setLevel(TRAFFIC)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_root_level)
        trace_logger.setLevel(saved_trace_level)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``jpki`` with *argv* (default: the process arguments) and return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    try:
        args = parser.parse_args(arguments)
    except BrokenPipeError:  # --help or --version into a closed pipe
        _discard_stdout()
        print(f"jpki: {render(Msg('safety.output_lost'), default_language())}", file=sys.stderr)
        return int(ExitCode.FAILURE)
    if args.card is not None and getattr(args, "profile", None) is not None:
        parser.error("--profile and --card both choose the simulated card: give one of them")
    if args.card is not None:
        args.sim = True
    ctx = CliContext(args)
    with _logging_for(args):
        return _run(args, ctx)


def _discard_stdout() -> None:
    """Point file descriptor 1 at /dev/null so that nothing more can fail on it."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _run(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        code = int(args.handler(args, ctx))
        ctx.out.flush()  # a closed stdout shows here, not in the interpreter's exit
        return code
    except CliError as exc:
        ctx.message(f"jpki: {exc}")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        ctx.message("jpki: interrupted")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader of our output went away (`jpki diagnose | head -c1`): what was written
        # is lost, which is no success. Later writes (and the final flush) go nowhere.
        _discard_stdout()
        ctx.message(f"jpki: {render(Msg('safety.output_lost'), ctx.lang)}")
        return int(ExitCode.FAILURE)
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into exit codes
        described = describe_error(exc, ctx.lang)
        if described is None:
            if args.debug:
                raise
            ctx.message(
                f"jpki: unexpected error: {type(exc).__name__}: {exc} "
                "(run with --debug for details)"
            )
            return int(ExitCode.FAILURE)
        message, code = described
        if args.debug:
            logger.debug("error detail", exc_info=exc)
        ctx.message(f"jpki: {message}")
        return int(code)
