"""The PDF benchmark's APDU counts, which are deterministic: the floor plus the PIN guard's one
counter query. No timing is asserted here."""

from __future__ import annotations

from bench.pdf import measure_pdf, pdf_json, render_pdf


def test_pdf_signature_costs_the_floor_plus_the_guard() -> None:
    figures = measure_pdf(runs=1)
    assert [f.mode for f in figures] == ["short", "extended"]
    for figure in figures:
        assert figure.apdus == figure.floor + 1
        assert figure.read_binary == figure.floor_read_binary
    short, extended = figures
    assert extended.read_binary == 2  # one READ BINARY per certificate with extended APDUs
    assert short.read_binary > extended.read_binary
    assert "PDF signature" in render_pdf(figures)
    assert [row["apdus"] for row in pdf_json(figures)] == [short.apdus, extended.apdus]
