"""Put the simulated My Number Card into a PC/SC reader, for any other PC/SC program.

pcscd's vsmartcard ``vpcd`` driver provides two virtual readers, ``Virtual PCD 00 00`` (TCP port
35963) and ``Virtual PCD 00 01`` (35964); the card side connects to that port.
:class:`sim.chip.vpcd.VpcdServer` does that for a simulated card, so ``pcsc_scan``, OpenSC's
``pkcs15-tool``, your own application or ``jpki --reader`` see an inserted card, with the same
files, PINs and answers as the in-process simulator. This is what ``jpki sim serve`` does; the
example shows how to do it from your own code (a test harness, a demo kiosk).

It waits until pcscd talks to the card, prints what to try, and serves until Ctrl-C (or
SIGTERM), or for ``--seconds N`` and then stops by itself (for CI; it exits 1 if pcscd never
connected in that time). Stopping removes the card from the reader. This example is for the
simulated card only, so it has no ``--reader`` option.

Needs pcscd running with vpcd (``scripts/bootstrap`` installs them; in a container without
systemd start pcscd yourself, e.g. ``scripts/pcscd-session``).

Run (after ``scripts/bootstrap``; or ``PYTHONPATH=. python3 examples/...``)::

    .venv/bin/python examples/serve_simulated_card.py                       # adult card
    .venv/bin/python examples/serve_simulated_card.py --profile blocked --port 35964
    .venv/bin/python examples/serve_simulated_card.py --card training.json  # a card file
    .venv/bin/python examples/serve_simulated_card.py --seconds 30          # stop by itself
"""

from __future__ import annotations

import argparse
import shlex
import sys
import threading
import time

from apdu import ToolkitError
from sim import open_simulated_card
from sim.chip.vpcd import DEFAULT_PORT, VpcdServer, reader_name_for_port, stop_on_signals

_HINT_AFTER = 5.0  # seconds without pcscd before explaining what is missing


def print_instructions(reader: str) -> None:
    """What to run against the served card, in another terminal."""
    quoted = shlex.quote(reader)
    print("try, in another terminal:")
    print("  pcsc_scan -c                          # the readers, the card, its ATR")
    print(f"  pkcs15-tool --reader {quoted} --list-pins")
    print(f"  pkcs15-tool --reader {quoted} --list-certificates")
    print(f"  python -m jpki --reader {quoted} status")
    print(f"  python -m jpki --reader {quoted} diagnose")
    print("  (OPENSC_DRIVER=jpki makes OpenSC skip its probes of other card types)")
    print("stop with Ctrl-C", flush=True)


def serve(server: VpcdServer, seconds: float | None) -> int:
    """Serve on a thread; wait for pcscd, then for a signal or the deadline."""
    thread = threading.Thread(target=server.serve_forever, name="vpcd", daemon=True)
    deadline = None if seconds is None else time.monotonic() + seconds
    host, port = server.address
    reader = server.reader_name or f"the reader of vpcd port {port}"
    connected = False
    with stop_on_signals(server):  # Ctrl-C and SIGTERM stop the server, not the program
        thread.start()
        started = time.monotonic()
        hinted = False
        while thread.is_alive():
            if not connected and server.wait_connected(0.2):
                connected = True
                print(f"the card is in '{reader}' (vpcd {host}:{port})")
                print_instructions(reader)
            elif not connected:
                if not hinted and time.monotonic() - started > _HINT_AFTER:
                    hinted = True
                    print(
                        f"pcscd has not connected to vpcd port {port} yet: is pcscd running, "
                        "with the vsmartcard-vpcd driver installed?",
                        file=sys.stderr,
                    )
            else:
                thread.join(0.2)  # short waits, so that signals are handled promptly
            if deadline is not None and time.monotonic() >= deadline:
                server.stop()
        thread.join()
    print(f"stopped after {server.apdus} APDUs; the card is out of the reader")
    if seconds is not None and not connected:
        print("pcscd never connected", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Serve the card until stopped; 1 when pcscd never came (with --seconds) or on errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--profile", default=None, help="card profile (default: adult)")
    which.add_argument("--card", metavar="FILE", help="a card file from 'jpki sim new'")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="vpcd port: 35963 (default) or 35964"
    )
    parser.add_argument("--host", default="127.0.0.1", help="where vpcd listens")
    parser.add_argument("--seconds", type=float, help="stop by itself after this many seconds")
    args = parser.parse_args(argv)
    try:
        # The connection owns the card: closing it at the end powers the card down and, for a
        # card file, saves the PIN counters the PC/SC programs changed.
        with open_simulated_card(profile=args.profile, card_file=args.card) as connection:
            server = VpcdServer(connection.card, host=args.host, port=args.port)
            reader = reader_name_for_port(args.port) or "a non-default vpcd slot"
            print(f"serving {connection.name} on vpcd port {args.port} ({reader})", flush=True)
            return serve(server, args.seconds)
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
