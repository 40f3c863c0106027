"""Sign a PDF with the card as PAdES, check it offline, and print what a validator would say.

:func:`jpki.pdf.sign.sign_pdf_with_card` verifies the signature password through the PIN
guard, reads the signature certificate and its CA certificate from the card, and lets pyHanko
build a PAdES B-B signature (``ETSI.CAdES.detached``, SHA-256) whose RSA operation is the
card's. The signed file is an incremental update of the input: earlier signatures stay valid.
:func:`jpki.pdf.check.check_pdf` then checks it offline against the CA certificate read from
the same card, and :func:`jpki.pdf.preflight.preflight` lists what a strict validator would
refuse. ``pdfsig OUT`` (poppler-utils) checks it independently.

Without an input file, a one-page PDF is made. ``--text`` adds a visible signature box
(Japanese is drawn with Noto Sans CJK when ``fonts-noto-cjk`` is installed).

The signature password comes from ``JPKI_SIGN_PIN``, never from the command line; without it
the simulated card uses its documented default (``ABCD1234``) and a real card (``--reader``)
asks for it. Needs the ``pdf`` extra (pyHanko), which ``scripts/bootstrap`` installs.

The check is for your own documents and for testing: verifying other people's signatures as
a business is regulated in Japan (JPKI Act, article 17).

Run (after ``scripts/bootstrap``; or ``PYTHONPATH=. python3 examples/...``)::

    .venv/bin/python examples/sign_pdf.py -o /tmp/signed.pdf
    .venv/bin/python examples/sign_pdf.py form.pdf -o signed.pdf --text "署名 番号花子"
    .venv/bin/python examples/sign_pdf.py form.pdf -o signed.pdf --reader "NAME"
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _card import add_card_options, open_card, read_pin

from apdu import ToolkitError
from jpki.ids import CertKind, KeyKind
from jpki.pdf.appearance import VisibleSignature
from jpki.pdf.check import check_pdf
from jpki.pdf.document import one_page_pdf
from jpki.pdf.preflight import preflight
from jpki.pdf.sign import SignOptions, sign_pdf_with_card
from jpki.session import JpkiSession
from jpki.texts import render

_BOX = (72, 640, 340, 720)  # lower left, upper right, in points: top of an A4 page


def main(argv: list[str] | None = None) -> int:
    """Sign, check, explain; 1 on a card, PIN, PC/SC or PDF problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path, nargs="?", help="the PDF (default: a new page)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the signed PDF")
    parser.add_argument("--text", help="show a signature box with this short text")
    parser.add_argument("--tsa", metavar="URL", help="RFC 3161 time-stamp server (PAdES B-T)")
    parser.add_argument("--lang", choices=("ja", "en"), default="en")
    add_card_options(parser)
    args = parser.parse_args(argv)
    pdf = args.input.read_bytes() if args.input else one_page_pdf("Signed with jpki-toolkit")
    visible = VisibleSignature(0, _BOX, args.text) if args.text else None
    options = SignOptions(key=KeyKind.SIGN, tsa_url=args.tsa, visible=visible)
    pin = read_pin(KeyKind.SIGN.pin, args)
    try:
        with open_card(args) as connection:
            session = JpkiSession(connection)
            result = sign_pdf_with_card(session, pdf, pin, options)  # the guard applies
            del pin
            ca = session.read_certificate(CertKind.SIGN_CA).info
        # Offline from here: the card is powered down.
        check = check_pdf(result.pdf, [ca], require_production=ca.issuer_class.is_production)
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    args.output.write_bytes(result.pdf)
    print(f"wrote {args.output}: PAdES {result.level.value}, field {result.field_name}")
    print(f"the card signed {result.card.signatures} time(s); signer {result.signer}")
    for note in result.notes:
        print(f"note: {render(note, args.lang)}")
    print(f"check: {'valid' if check.ok else 'NOT valid'}")
    for finding in preflight(check).findings:
        print(f"{finding.severity.value}: {render(finding.message, args.lang)}")
    print(f"check it independently: pdfsig {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
