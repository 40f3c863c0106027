"""The ``jpki`` entry point: global options, command discovery, errors to exit codes.

Commands are listed in :mod:`jpki.cli.commands`; each lives in a ``cmd_*`` module whose
``register(subparsers)`` adds its parser and sets ``handler`` to a function
``(args, ctx) -> int``. Only the module of the command being run is imported, and command
modules import cryptography, pyscard and the simulator inside their handlers, so ``jpki
--help`` starts fast. For the same reason this module and those it imports at the top
(``commands``, ``context``, ``errors``, ``messages``) use neither ``dataclasses``, ``logging``,
``json`` nor ``typing`` at run time (``tests/test_import_boundaries.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import re
import sys

from .commands import COMMANDS
from .context import CliContext
from .errors import CliError, ExitCode
from .messages import describe_error

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would slow --help
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, NoReturn

    from _typeshed import SupportsWrite

__all__ = ["build_parser", "main"]


def _terminal_columns() -> int:
    """The terminal's width as :func:`shutil.get_terminal_size` finds it: ``$COLUMNS``, else the
    terminal of standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


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

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse asks shutil for the width (shutil costs milliseconds at every start, since
        # add_argument makes a formatter); the same width, found the same way, without it.
        width = _terminal_columns() - 2
        # Every argparse formatter takes width; the stubs' formatter protocol names only prog.
        return self.formatter_class(prog=self.prog, width=width)  # type: ignore[call-arg]

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"invalid choice: '.*?'", "invalid choice", message)
        if message.startswith("unrecognized arguments:"):
            message = (
                "unrecognized arguments (not repeated here; PINs are never taken from the "
                "command line: see --help)"
            )
        super().error(message)


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


def _may_show_listing(argv: Sequence[str], chosen_module: str | None) -> bool:
    """Whether the top-level parser may print the list of commands: when no known command is
    named, or when anything but the global options that choose the card and the output comes
    before it (``-h``, ``--hel``, ``--version``, a typo). Otherwise only the chosen command's
    parser is needed: the others, 16 parsers argparse would build for nothing, are left out."""
    if chosen_module is None:
        return True
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _VALUE_OPTIONS:
            skip = True
        elif word.startswith("-"):
            flag = word.partition("=")[0]
            if flag not in _GLOBAL_OPTIONS or (flag == word) == (flag in _VALUE_OPTIONS):
                return True  # help, version, an unknown option, or a value where none goes
        else:
            return False  # the command: what follows is its parser's
    return True


def _language(text: str) -> str:
    """argparse type of ``--lang``: a language with catalogs (looked up only when given)."""
    from jpki.texts import language, languages

    try:
        return language(text)
    except ValueError:
        # The value is not repeated: nothing typed on the command line is echoed.
        raise argparse.ArgumentTypeError(
            f"no texts in that language (have: {', '.join(languages())})"
        ) from None


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
            "type": _language,
            "metavar": "LANG",
            "help": "language of reports and messages: ja, en or any other that has catalogs in "
            "jpki/texts (default: from the locale)",
        },
    ),
    (
        "--trace",
        {"action": "store_true", "help": "print the APDU trace on stderr (PINs always redacted)"},
    ),
    ("--debug", {"action": "store_true", "help": "show debug logs and the traceback of errors"}),
)
# The global options that take a value: the word after them is not the command.
_VALUE_OPTIONS = frozenset(
    flag
    for flag, spec in (*_SOURCE_OPTIONS, *_OUTPUT_OPTIONS)
    if spec.get("action") not in ("store_true", "store_false")
)
_GLOBAL_OPTIONS = frozenset(flag for flag, _ in (*_SOURCE_OPTIONS, *_OUTPUT_OPTIONS))


class _VersionAction(argparse.Action):
    """``--version``: the installed distribution's version, looked up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from jpki import version

        parser.exit(message=f"{parser.prog} {version()}\n")


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
    """The argument parser: the command named in *argv* fully built, every other one listed
    with its summary when the top-level help could be shown (enough for ``jpki --help``).

    Only the module of the named command is imported. With *argv* None, every command is built.
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
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    chosen = None if argv is None else _chosen_command(argv)
    chosen_module = next((entry.module for entry in COMMANDS if entry.name == chosen), None)
    listing = argv is None or _may_show_listing(argv, chosen_module)
    registered: set[str] = set()
    for entry in COMMANDS:
        if entry.name in registered:
            continue
        if argv is None or entry.module == chosen_module:
            module = importlib.import_module(f"{__package__}.{entry.module}")
            before = set(subparsers.choices)
            module.register(subparsers)
            registered |= set(subparsers.choices) - before
        elif listing:
            subparsers.add_parser(entry.name, help=entry.summary)
    uses_card = {entry.name: entry.uses_card for entry in COMMANDS}
    for name, command in subparsers.choices.items():
        if name not in registered:
            continue  # a summary line for --help: it never parses anything
        for leaf in _leaf_parsers(command) or [command]:
            _add_global_options(leaf, suppress=True, card=uses_card[name])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``jpki`` with *argv* (default: the process arguments) and return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    try:
        args = parser.parse_args(arguments)
    except BrokenPipeError:  # --help or --version into a closed pipe
        _discard_stdout()
        from jpki.texts import default_language

        print(f"jpki: {_output_lost(default_language())}", file=sys.stderr)
        return int(ExitCode.FAILURE)
    if args.card is not None and getattr(args, "profile", None) is not None:
        parser.error("--profile and --card both choose the simulated card: give one of them")
    if args.card is not None:
        args.sim = True
    ctx = CliContext(args)
    from .logsetup import logs_to_stderr  # not for --help, which has exited by now

    with logs_to_stderr(debug=args.debug, trace=args.trace):
        return _run(args, ctx)


def _output_lost(lang: str) -> str:
    from jpki.texts import Msg, render  # the error path only: json is not needed to start

    return render(Msg("safety.output_lost"), lang)


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
        ctx.message(f"jpki: {ctx.render(exc.message)}")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        from jpki.texts import Msg

        ctx.message(f"jpki: {ctx.render(Msg('cli.interrupted'))}")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader of our output went away (`jpki diagnose | head -c1`): what was written
        # is lost, which is no success. Later writes (and the final flush) go nowhere.
        _discard_stdout()
        ctx.message(f"jpki: {_output_lost(ctx.lang)}")
        return int(ExitCode.FAILURE)
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into exit codes
        described = describe_error(exc, ctx.lang)
        if described is None:
            if args.debug:
                raise
            from jpki.texts import Msg

            unexpected = Msg("cli.unexpected_error", kind=type(exc).__name__, detail=str(exc))
            ctx.message(f"jpki: {ctx.render(unexpected)}")
            return int(ExitCode.FAILURE)
        message, code = described
        if args.debug:
            import logging

            logging.getLogger(__name__).debug("error detail", exc_info=exc)
        ctx.message(f"jpki: {message}")
        return int(code)
