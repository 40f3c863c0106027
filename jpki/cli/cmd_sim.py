"""``jpki sim``: the simulated card outside this process.

``serve`` lives here; ``new``, ``show`` and ``profiles`` (card files and profiles) come from
:mod:`jpki.cli.sim_manage`. Each subcommand has a ``_register_<name>`` function that adds its
parser to the group and a ``_run_<name>`` handler.
"""

from __future__ import annotations

import argparse
import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from jpki.texts import Msg, render

from .commands import add_command_group
from .errors import CliError, ExitCode
from .sim_manage import register_management

if TYPE_CHECKING:
    from sim.chip.model import CardModel
    from sim.chip.vpcd import VpcdServer

    from .context import CliContext

__all__ = ["register"]

_DEFAULT_PORT = 35963
DEFAULT_CONNECT_TIMEOUT = 30.0
"""How long ``sim serve`` waits for pcscd's vpcd driver to take the card (``--connect-timeout``)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sim`` command group and its subcommands."""
    sim_sub = add_command_group(subparsers, "sim", metavar="SUBCOMMAND")
    _register_serve(sim_sub)
    register_management(sim_sub)  # new, show, profiles


def _port(text: str) -> int:
    try:
        port = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 0xFFFF:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, not {port}")
    return port


def _atr(text: str) -> bytes:
    try:
        atr = bytes.fromhex(text.replace(":", " "))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not hex bytes: {text!r}") from None
    if not 2 <= len(atr) <= 33:
        raise argparse.ArgumentTypeError(f"an ATR has 2 to 33 bytes, not {len(atr)}")
    return atr


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a number of seconds") from None
    if not 0 <= value <= 86_400:
        raise argparse.ArgumentTypeError("must be 0 (wait forever) to 86400 seconds")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


# --- jpki sim serve ---------------------------------------------------------------------


def _register_serve(sim_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sim_sub.add_parser(
        "serve",
        help="put the simulated card in a vpcd reader of pcscd",
        description=(
            "Serve the simulated card to pcscd through the vsmartcard vpcd driver, so that "
            "any PC/SC program (this toolkit, OpenSC, pcsc-tools) sees it in the reader "
            "'Virtual PCD 00 00' (port 35963) or 'Virtual PCD 00 01' (port 35964). Runs "
            "until interrupted (Ctrl-C or SIGTERM); stopping removes the card."
        ),
    )
    which = parser.add_mutually_exclusive_group()
    # SUPPRESS keeps the global --card/--profile values when these are not given here.
    which.add_argument(
        "--card",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="serve the card kept in FILE (PIN counters are saved back)",
    )
    which.add_argument(
        "--profile",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="serve a fresh card of this profile (see 'jpki sim profiles')",
    )
    which.add_argument(
        "--echo",
        action="store_true",
        help="serve a card that answers 9000 to everything (transport tests, timing baseline)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=_DEFAULT_PORT,
        help=f"vpcd port of the reader slot (default {_DEFAULT_PORT}; 35964 is the second)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="where vpcd listens (default 127.0.0.1)"
    )
    parser.add_argument(
        "--atr",
        type=_atr,
        metavar="HEX",
        help="the echo card's ATR (default: older My Number Card)",
    )
    parser.add_argument(
        "--reader-profile",
        choices=("contact", "no-extended", "t0", "nfc"),
        default="contact",
        help="the reader the card sits behind: contact (T=1, extended APDUs; default), "
        "no-extended (extended APDUs answered 6700), t0 (61xx/6Cxx, GET RESPONSE), "
        "nfc (contactless ATR, slow signatures)",
    )
    parser.add_argument(
        "--sign-delay-ms",
        type=_count,
        metavar="MS",
        help="milliseconds each signature takes behind the reader (default 600 for nfc, else 0)",
    )
    parser.add_argument(
        "--remove-after",
        type=_count,
        metavar="N",
        help="pull the card out after answering N commands, then exit (for tests)",
    )
    parser.add_argument(
        "--connect-timeout",
        type=_seconds,
        metavar="SECONDS",
        default=DEFAULT_CONNECT_TIMEOUT,
        help=f"give up when pcscd's vpcd driver has not taken the card after SECONDS "
        f"(default {DEFAULT_CONNECT_TIMEOUT:g}; 0 waits forever)",
    )
    parser.set_defaults(handler=_run_serve)


@contextlib.contextmanager
def _load_card(args: argparse.Namespace) -> Iterator[tuple[CardModel, Msg]]:
    """The card ``sim serve`` serves and a short description of it, for the whole run.

    This is the one place that knows where simulated cards come from; whatever it opened is
    closed (and a card file saved) when serving ends.
    """
    card_file: str | None = getattr(args, "card", None)
    profile: str | None = getattr(args, "profile", None)
    if args.echo:
        if card_file is not None or profile is not None:
            raise CliError(Msg("cli.serve.echo_alone"), ExitCode.USAGE)
        from sim.chip.echo import OLD_JPKI_ATR, EchoCard

        card = EchoCard(args.atr if args.atr is not None else OLD_JPKI_ATR)
        yield card, Msg("cli.serve.echo_card", atr=card.atr.hex(" ").upper())
        return
    if args.atr is not None:
        raise CliError(Msg("cli.serve.atr_echo_only"), ExitCode.USAGE)
    from sim.factory.opening import open_simulated_card
    from sim.factory.profiles import DEFAULT_PROFILE

    # A card file is written as its counters change, before each answer that depends on it.
    connection = open_simulated_card(profile=profile, card_file=card_file)
    if card_file is not None:
        label = Msg("cli.serve.file_card", path=card_file)
    else:
        label = Msg("cli.serve.profile_card", profile=profile or DEFAULT_PROFILE)
    try:
        yield connection.card, label
    finally:
        connection.close()


def _behind_reader(card: CardModel, args: argparse.Namespace) -> CardModel:
    """*card* behind the reader ``--reader-profile`` names (the card itself for contact)."""
    from sim.chip.readers import ReaderKind, ReaderPath, ReaderProfile

    kind = ReaderKind(args.reader_profile)
    if kind is ReaderKind.CONTACT and not args.sign_delay_ms:
        return card
    try:
        profile = ReaderProfile(kind, args.sign_delay_ms)
    except ValueError as exc:
        raise CliError(Msg("cli.serve.sign_delay", detail=str(exc)), ExitCode.USAGE) from None
    return ReaderPath(card, profile)


def _run_serve(args: argparse.Namespace, ctx: CliContext) -> int:
    from sim.chip.vpcd import VpcdServer, reader_name_for_port, stop_on_signals

    reader = reader_name_for_port(args.port)
    where = Msg("cli.serve.reader", reader=reader) if reader else Msg("cli.serve.other_slot")
    with _load_card(args) as (card, label):
        announced = False

        def connected(server: VpcdServer) -> None:
            nonlocal announced
            if not announced:
                announced = True
                ctx.message(Msg("cli.serve.serving", card=label, port=args.port, where=where))

        server = VpcdServer(
            _behind_reader(card, args),
            host=args.host,
            port=args.port,
            on_connected=connected,
            remove_after_apdus=args.remove_after,
        )
        timeout = float(args.connect_timeout)
        where_to: dict[str, object] = {
            "host": args.host,
            "port": args.port,
            "driver": "vsmartcard-vpcd",
            "option": "--connect-timeout",
        }
        ctx.message(
            render(
                Msg("safety.serve_waiting", seconds=f"{timeout:g}", **where_to)
                if timeout
                else Msg("safety.serve_waiting_forever", **where_to),
                ctx.lang,
            )
        )
        gave_up = threading.Event()

        def give_up_unless_connected() -> None:
            if not server.wait_connected(timeout) and not server.stopping:
                gave_up.set()
                server.stop()

        if timeout:
            threading.Thread(target=give_up_unless_connected, daemon=True).start()
        with stop_on_signals(server):
            server.serve_forever()
        if gave_up.is_set():
            raise CliError(
                render(
                    Msg(
                        "safety.serve_gave_up",
                        seconds=f"{timeout:g}",
                        where="--host/--port",
                        **where_to,
                    ),
                    ctx.lang,
                ),
                ExitCode.NO_CARD_OR_READER,
            )
    return 0
