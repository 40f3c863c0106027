"""Read the My Number (個人番号) and the basic 4 info (基本4情報) from the card.

Both live in the card-info input helper application (券面事項入力補助AP) behind its 4-digit
PIN (3 tries), which comes from ``JPKI_CARD_INFO_PIN``, never from the command line. Without
it, on the simulated card (no ``--reader``), the simulator's documented PIN ``1234`` is used;
with ``--reader`` you are asked for it (no echo). The guard refuses to send a PIN on its last
try.

The My Number is personal data that the law restricts: it is shown masked (last 4 digits) unless
``--show`` is given. The name, address, birth date and sex are personal data too; do not log or
keep what this prints.

Run (after ``scripts/bootstrap``; or ``PYTHONPATH=. python3 examples/...``)::

    .venv/bin/python examples/card_info.py                 # simulated card, number masked
    .venv/bin/python examples/card_info.py --show
    .venv/bin/python examples/card_info.py --reader "NAME"
"""

from __future__ import annotations

import argparse
import sys

from _card import add_card_options, open_card, read_pin

from apdu import ToolkitError
from jpki.ids import PinKind
from jpki.mynumber import mask_my_number
from jpki.session import JpkiSession


def main(argv: list[str] | None = None) -> int:
    """Verify the card-info PIN, read and print the card info; 1 on any card problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print the My Number unmasked")
    add_card_options(parser)
    args = parser.parse_args(argv)
    pin = read_pin(PinKind.CARD_INFO, args)
    try:
        with open_card(args) as connection:
            session = JpkiSession(connection)
            session.verify_pin(PinKind.CARD_INFO, pin)
            del pin
            info = session.read_card_info()  # parsed, check digit verified
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    basic = info.basic
    family, given = basic.name_parts
    number = info.my_number if args.show else mask_my_number(info.my_number)
    print(f"My Number:  {number}")
    print(f"name:       {basic.name} (family name {family}, given name {given})")
    print(f"address:    {basic.address}")
    print(f"birth date: {basic.birth_date.isoformat()}")
    print(f"sex:        {basic.sex.value} (code {basic.sex_code})")
    if not args.show:
        print("the My Number is masked; --show prints it in full")
    return 0


if __name__ == "__main__":
    sys.exit(main())
