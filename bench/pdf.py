"""Signing one PDF on the card: APDUs next to the floor, and where the time goes.

One PAdES B-B signature of a one-page PDF, on a fresh in-process simulated card, with short
and with extended APDUs. The floor is what any client needs for the same signature: SELECT
of the JPKI application, one VERIFY of the signature password, the READ BINARY commands for
the signature certificate and its CA certificate (``ceil(N / Le)`` each, the first read being
the length probe), and one COMPUTE DIGITAL SIGNATURE. The toolkit spends one APDU more on
purpose: the PIN guard reads the retry counter before it sends the password.

Time is split in two: the time spent in the card (every command's round trip, measured around
the connection), and what pyHanko adds around it (parsing the PDF, building the CMS and the
incremental update, hashing). On the simulator the card's share is tiny; on a real card the
RSA signature alone takes a few hundred milliseconds, so the pyHanko figure is the one this
benchmark is for.

Needs the ``pdf`` extra (pyHanko).
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass

from apdu import Connection
from apdu.command import MAX_LE_EXTENDED, MAX_LE_SHORT

__all__ = ["PdfSignBench", "RecordingConnection", "measure_pdf", "pdf_json", "render_pdf"]

_INS_READ_BINARY = 0xB0
_PIN = "ABCD1234"  # noqa: S105 - the documented signature password of simulated cards


@dataclass(frozen=True, slots=True)
class PdfSignBench:
    """One PDF signature, measured.

    :param mode: ``short`` or ``extended`` APDUs.
    :param apdus: commands the signature took.
    :param read_binary: of which READ BINARY.
    :param floor: the fewest commands any client needs.
    :param floor_read_binary: of which READ BINARY.
    :param runs: how many signatures were timed.
    :param total_ms: median wall time of one signature (card included).
    :param card_ms: median time inside the card's commands.
    :param pyhanko_ms: median of the difference: what pyHanko and the toolkit add.
    :param pdf_bytes: size of the signed PDF.
    """

    mode: str
    apdus: int
    read_binary: int
    floor: int
    floor_read_binary: int
    runs: int
    total_ms: float
    card_ms: float
    pyhanko_ms: float
    pdf_bytes: int


class RecordingConnection(Connection):
    """Passes commands on to *inner*, recording each instruction byte and the time spent in
    the card."""

    def __init__(self, inner: Connection) -> None:
        super().__init__()
        self.inner = inner
        self.instructions: list[int] = []
        self.seconds = 0.0

    @property
    def read_binary(self) -> int:
        """How many READ BINARY commands went by."""
        return self.instructions.count(_INS_READ_BINARY)

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def atr(self) -> bytes:
        return self.inner.atr

    @property
    def exclusive(self) -> bool:
        return self.inner.exclusive

    def _exchange(self, command: bytes) -> bytes:
        self.instructions.append(command[1])
        started = time.perf_counter()
        try:
            return self.inner.transmit(command)
        finally:
            self.seconds += time.perf_counter() - started


def _floor(sign_cert: int, ca_cert: int, le: int) -> tuple[int, int]:
    reads = math.ceil(sign_cert / le) + math.ceil(ca_cert / le)
    return 1 + 1 + reads + 1, reads  # SELECT, VERIFY, reads, SIGN


def _sign_once(pdf: bytes, extended: bool) -> tuple[RecordingConnection, float, int, int, int]:
    from jpki.ids import CertKind
    from jpki.pdf.sign import sign_pdf_with_card
    from jpki.session import JpkiSession
    from sim import open_simulated_card

    with open_simulated_card(profile="adult") as inner:
        timed = RecordingConnection(inner)
        started = time.perf_counter()
        session = JpkiSession(timed, extended=extended)
        result = sign_pdf_with_card(session, pdf, _PIN)
        elapsed = time.perf_counter() - started
        sizes = (
            len(session.read_certificate(CertKind.SIGN).info.der),
            len(session.read_certificate(CertKind.SIGN_CA).info.der),
        )
    return timed, elapsed, len(result.pdf), *sizes


def measure_pdf(runs: int = 5) -> tuple[PdfSignBench, ...]:
    """Sign a one-page PDF *runs* times with short and with extended APDUs."""
    from jpki.pdf.document import one_page_pdf

    pdf = one_page_pdf("benchmark")
    _sign_once(pdf, False)  # warm up: imports, fonts, caches
    results = []
    for mode, extended, le in (("short", False, MAX_LE_SHORT), ("extended", True, MAX_LE_EXTENDED)):
        totals: list[float] = []
        cards: list[float] = []
        for _ in range(runs):
            timed, elapsed, size, sign_cert, ca_cert = _sign_once(pdf, extended)
            totals.append(elapsed)
            cards.append(timed.seconds)
        floor, floor_reads = _floor(sign_cert, ca_cert, le)
        results.append(
            PdfSignBench(
                mode=mode,
                apdus=timed.apdu_count,
                read_binary=timed.read_binary,
                floor=floor,
                floor_read_binary=floor_reads,
                runs=runs,
                total_ms=statistics.median(totals) * 1000,
                card_ms=statistics.median(cards) * 1000,
                pyhanko_ms=statistics.median(t - c for t, c in zip(totals, cards, strict=True))
                * 1000,
                pdf_bytes=size,
            )
        )
    return tuple(results)


def render_pdf(figures: tuple[PdfSignBench, ...]) -> str:
    """The table of :func:`measure_pdf`."""
    lines = [
        "",
        "PDF signature (PAdES B-B, one page, simulated card in process)",
        f"  {'APDUs':<9} {'sent':>5} {'floor':>6} {'READ BINARY':>12} {'total ms':>9} "
        f"{'card ms':>8} {'pyHanko ms':>11}",
    ]
    for f in figures:
        lines.append(
            f"  {f.mode:<9} {f.apdus:>5} {f.floor:>6} "
            f"{f'{f.read_binary}/{f.floor_read_binary}':>12} {f.total_ms:>9.1f} "
            f"{f.card_ms:>8.2f} {f.pyhanko_ms:>11.1f}"
        )
    lines.append(
        "  floor: SELECT, VERIFY, the two certificate reads, SIGN; the toolkit adds the PIN "
        "guard's counter query (+1)"
    )
    return "\n".join(lines) + "\n"


def pdf_json(figures: tuple[PdfSignBench, ...]) -> list[dict[str, object]]:
    """The same figures as JSON."""
    return [
        {
            "mode": f.mode,
            "apdus": f.apdus,
            "floor": f.floor,
            "read_binary": f.read_binary,
            "floor_read_binary": f.floor_read_binary,
            "runs": f.runs,
            "total_ms": round(f.total_ms, 3),
            "card_ms": round(f.card_ms, 3),
            "pyhanko_ms": round(f.pyhanko_ms, 3),
            "pdf_bytes": f.pdf_bytes,
        }
        for f in figures
    ]
