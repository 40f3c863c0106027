"""PDF signatures with the card (PAdES), and offline checks of signed PDFs, on pyHanko.

Needs the ``pdf`` extra (``pip install 'jpki-toolkit[pdf]'``). Importing :mod:`jpki` or
running a ``jpki`` command other than ``jpki pdf`` never imports pyHanko; this package's
modules import it themselves:

- :mod:`jpki.pdf.signer`: :class:`~jpki.pdf.signer.CardSigner`, a pyHanko signer whose RSA
  operation is the card's COMPUTE DIGITAL SIGNATURE;
- :mod:`jpki.pdf.sign`: :func:`~jpki.pdf.sign.sign_pdf`, PAdES B-B, B-T, B-LT, visible box;
- :mod:`jpki.pdf.appearance`: the visible signature box and its font;
- :mod:`jpki.pdf.check`: :func:`~jpki.pdf.check.check_pdf`, offline validation;
- :mod:`jpki.pdf.preflight`: why a strict validator would refuse a signed PDF;
- :mod:`jpki.pdf.plugin`: the ``pyhanko sign addsig jpki`` command.
"""

from __future__ import annotations

__all__: list[str] = []
