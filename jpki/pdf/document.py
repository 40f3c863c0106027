"""A small one-page PDF to sign: for the examples, the tests and the benchmark."""

from __future__ import annotations

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

__all__ = ["A4", "one_page_pdf"]

A4 = (0, 0, 595, 842)
"""An A4 page in PDF points."""


def one_page_pdf(text: str = "Hello from jpki-toolkit") -> bytes:
    """A one-page A4 PDF showing one line of ASCII *text* in Helvetica.

    :raises ValueError: *text* is not printable ASCII.
    """
    if not (text.isascii() and text.isprintable()):
        raise ValueError("the page text must be printable ASCII")
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    writer = PdfFileWriter(stream_xrefs=False)  # type: ignore[no-untyped-call]
    content = generic.StreamObject(stream_data=f"BT /F1 14 Tf 72 760 Td ({escaped}) Tj ET".encode())
    font = generic.DictionaryObject(  # type: ignore[no-untyped-call]
        {
            pdf_name("/Type"): pdf_name("/Font"),
            pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name("/Helvetica"),
        }
    )
    resources = generic.DictionaryObject(  # type: ignore[no-untyped-call]
        {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): writer.add_object(font)})}  # type: ignore[no-untyped-call]
    )
    page = PageObject(writer.add_object(content), A4, resources)  # type: ignore[no-untyped-call]
    writer.insert_page(page)  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()
