"""Show the retry counters of the card's four PINs, safely: no try is ever spent.

A counter is read with VERIFY and no PIN data (``00 20 00 80|SFI``, ISO 7816-4 case 1). The
card answers ``63Cx`` (x tries left) and counts nothing; ``9000`` means the PIN is verified in
this card session. No PIN is asked for, so this is safe on any card, even one with a PIN on its
last try. ``--trace`` prints the APDUs (a PIN would be redacted; none is sent here).

Run (after ``scripts/bootstrap``; or ``PYTHONPATH=. python3 examples/...``)::

    .venv/bin/python examples/pin_counters.py                      # simulated card
    .venv/bin/python examples/pin_counters.py --profile blocked    # one blocked, one last try
    .venv/bin/python examples/pin_counters.py --reader "NAME" --trace
    .venv/bin/python examples/pin_counters.py --json
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from _card import add_card_options, open_card

from apdu import TRAFFIC, ToolkitError
from apdu.trace import trace_logger
from jpki.ids import PinKind
from jpki.models import PinStatus
from jpki.session import JpkiSession
from jpki.texts import render


def state(status: PinStatus) -> str:
    """A counter's state in one word."""
    if status.blocked:
        return "BLOCKED"
    if status.verified:
        return "verified"
    if status.last_try:
        return "LAST TRY"
    return "ok"


_MEANING = {
    "BLOCKED": "only the municipal counter (or, for the two JPKI PINs, the convenience-store "
    "route) can reset a blocked PIN",
    "LAST TRY": "one more wrong entry blocks it: enter it only if it is known for certain "
    "(a correct entry restores the full count)",
    "verified": "verified in this card session; powering the card down clears it",
}


def main(argv: list[str] | None = None) -> int:
    """Print the four counters; 1 on a card or PC/SC problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON (as 'jpki pin status')")
    parser.add_argument("--trace", action="store_true", help="print the APDUs on stderr")
    add_card_options(parser)
    args = parser.parse_args(argv)
    if args.trace:
        logging.basicConfig(format="%(message)s")
        trace_logger.setLevel(TRAFFIC)
    try:
        with open_card(args) as connection:
            session = JpkiSession(connection)
            before = connection.apdu_count
            counters = session.all_pin_status()  # one query per PIN, in the fewest SELECTs
            apdus = connection.apdu_count - before
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    ordered = [counters[kind] for kind in PinKind]
    if args.json:
        print(json.dumps({s.kind.json_key: s.to_json() for s in ordered}, indent=2))
        return 0
    states = {status.kind: state(status) for status in ordered}
    for status in ordered:
        tries = f"{status.remaining}/{status.max}"
        label = f"{render(status.kind.label, 'en')} ({render(status.kind.label, 'ja')})"
        print(f"{status.kind.value:<10} {tries:>4}  {states[status.kind]:<9} {label}")
    for word in sorted(set(states.values()) & set(_MEANING)):
        print(f"{word}: {_MEANING[word]}")
    print(f"read with {apdus} APDUs; no try was spent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
