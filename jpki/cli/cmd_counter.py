"""``jpki counter``: the counter desk, a local web page that diagnoses every card put on a reader.

It watches the PC/SC readers through pcscd's change notifications; a card put on a reader is
read at once without any PIN (as ``jpki diagnose`` reads it) and its report shown; a card
taken away clears it. With ``--sim`` it serves one simulated reader instead. The page listens
on 127.0.0.1 and ::1 only unless ``--bind ADDRESS --allow-remote`` is given.

Starlette, uvicorn and Jinja2 (the ``counter`` extra) are imported only here, when the command
runs.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jpki.texts import Msg, render

from .commands import add_command
from .context import CliContext
from .errors import CliError, ExitCode
from .municipality import add_municipality_option
from .rule_options import parse_date

if TYPE_CHECKING:
    from apdu import Connection
    from jpki.counter.sources import ReaderSource, SimulatedSource

__all__ = ["register", "run"]

_DEFAULT_PORT = 8765
_MAX_IDLE_MINUTES = 24 * 60


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``counter`` command."""
    parser = add_command(subparsers, "counter", handler=run)
    parser.add_argument(
        "--port",
        type=int,
        default=_DEFAULT_PORT,
        help=f"port to listen on (default {_DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--bind",
        metavar="ADDRESS",
        help="listen on ADDRESS instead of 127.0.0.1 and ::1 (needs --allow-remote if it "
        "is not a loopback address)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow --bind on an address other computers can reach (not recommended)",
    )
    parser.add_argument("--open", action="store_true", help="open the page in the browser")
    parser.add_argument(
        "--idle-minutes",
        type=float,
        default=5.0,
        metavar="MINUTES",
        help="clear a report after this long without activity (default 5)",
    )
    add_municipality_option(parser)
    parser.add_argument(
        "--today", metavar="DATE", help="the day to judge (default: today in Japan)"
    )


def _say(ctx: CliContext, key: str, **params: object) -> str:
    return render(Msg(f"counter.cli.{key}", **params), ctx.lang)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Serve the desk until interrupted."""
    if not 0 <= args.port <= 65535:
        raise CliError(_say(ctx, "bad_port", option="--port", port=args.port), ExitCode.USAGE)
    if not 0 < args.idle_minutes <= _MAX_IDLE_MINUTES:
        raise CliError(
            _say(
                ctx,
                "bad_idle",
                option="--idle-minutes",
                minutes=args.idle_minutes,
                limit=_MAX_IDLE_MINUTES,
            ),
            ExitCode.USAGE,
        )
    if args.trace:
        # An APDU trace holds what the card says: certificates, counters, the card's serial.
        raise CliError(_say(ctx, "no_trace", option="--trace"), ExitCode.USAGE)
    fixed_day = parse_date(args.today, "--today", ctx)
    try:
        import jinja2  # noqa: F401 - checking the extra is installed
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        install = "pip install 'jpki-toolkit[counter]'"
        message = _say(ctx, "no_extra", extra="counter", module=exc.name, command=install)
        raise CliError(message, ExitCode.FAILURE) from exc
    from jpki.counter.app import DeskSettings, create_app
    from jpki.counter.desk import Desk
    from jpki.counter.security import new_token
    from jpki.counter.server import BindError, explicit_binding, is_loopback, loopback_binding
    from jpki.counter.watch import Watcher
    from jpki.diagnosis import (
        MunicipalityError,
        default_municipality,
        load_municipality,
        read_facts,
    )
    from jpki.jst import today_jst

    if args.bind is not None and not is_loopback(args.bind) and not args.allow_remote:
        refused = _say(
            ctx, "remote_refused", option="--bind", address=args.bind, flag="--allow-remote"
        )
        raise CliError(refused, ExitCode.USAGE)
    try:
        municipality = (
            default_municipality()
            if args.municipality is None
            else load_municipality(args.municipality)
        )
    except MunicipalityError as exc:
        raise CliError(_say(ctx, "bad_municipality", problem=str(exc)), ExitCode.USAGE) from exc
    source, sim = _source(args)
    desk = Desk(
        municipality=municipality,
        today=(lambda: fixed_day) if fixed_day is not None else today_jst,
        idle_seconds=args.idle_minutes * 60,
    )
    try:
        binding = (
            loopback_binding(args.port)
            if args.bind is None
            else explicit_binding(args.bind, args.port)
        )
    except BindError as exc:
        raise CliError(_say(ctx, "cannot_listen", problem=str(exc)), ExitCode.FAILURE) from exc
    if args.bind is not None and not is_loopback(args.bind):
        ctx.message(_say(ctx, "remote_warning", address=args.bind))
    settings = DeskSettings(
        hosts=binding.hosts,
        token=new_token(),
        default_lang=args.lang or "ja",  # the counter's language unless told otherwise
        sim=sim,
        sim_profile=(args.profile or "adult") if sim is not None else None,
    )
    extended = bool(args.extended)
    watcher = Watcher(source, desk, read=lambda card: read_facts(card, extended=extended))
    app = create_app(desk, watcher, settings)
    ctx.message(_say(ctx, "serving", url=binding.url, stop_key="Ctrl-C"))
    if args.open:
        _open_browser(binding.url, ctx)
    from jpki.counter.server import serve

    try:
        serve(app, binding)
    finally:
        binding.close()
    return int(ExitCode.OK)


def _open_browser(url: str, ctx: CliContext) -> None:
    """Open *url* in the desktop's browser; without a desktop, say so (a text-mode browser
    would take over this terminal)."""
    import os

    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        ctx.message(_say(ctx, "no_display", url=url))
        return
    import webbrowser

    if not webbrowser.open(url):
        ctx.message(_say(ctx, "no_display", url=url))


def _source(args: argparse.Namespace) -> tuple[ReaderSource, SimulatedSource | None]:
    """The readers: one simulated reader with ``--sim`` (or ``--card``), else the PC/SC
    readers (those ``--reader`` names, opened shared with ``--shared``)."""
    from jpki.counter.sources import PcscSource, SimulatedSource

    if not args.sim:
        return PcscSource(args.reader, exclusive=not args.shared), None
    from sim import open_simulated_card

    def opener() -> Connection:
        if args.card is not None:
            return open_simulated_card(card_file=args.card)
        return open_simulated_card(profile=args.profile)

    with opener() as first:  # also checks the profile or card file before serving
        atr = first.atr
    source = SimulatedSource("Simulated reader", opener, atr)
    return source, source
