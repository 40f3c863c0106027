"""``python -m bench``: measure, print the table, optionally write the same figures as JSON.

Exit status: 0 when every part ran; 1 when a part failed (or ``--pcsc`` was given and the
PC/SC part could not run), or with ``--check`` when a target was missed; 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from .apdus import REAL_AUTH_CERT, measure_all
from .latency import PcscUnavailable, measure_in_process, measure_pcsc
from .memory import measure_memory
from .pdf import measure_pdf, pdf_json, render_pdf
from .report import BenchResult, RunInfo, evaluate_targets, render_table, to_json
from .startup import bytecode_condition, import_profile, measure_startup
from .throughput import measure_throughput

__all__ = ["Settings", "main", "run"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Settings:
    """How much to measure."""

    mode: str
    in_process_apdus: int
    pcsc_apdus: int
    pcsc_rounds: int
    throughput_seconds: float
    startup_runs: int
    memory_runs: int


QUICK = Settings("quick", 2_000, 600, 2, 0.2, 3, 1)
FULL = Settings("full", 20_000, 8_000, 8, 1.0, 15, 3)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Measure what the toolkit costs: APDUs next to their floor, latency through "
            "pcscd + vpcd, simulator throughput, CLI cold start, peak memory."
        ),
        epilog=(
            "The PC/SC part needs pcscd with the vpcd readers free: "
            "scripts/pcscd-session python -m bench --pcsc"
        ),
    )
    parser.add_argument("--quick", action="store_true", help="a short run (a few seconds)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the figures here")
    pcsc = parser.add_mutually_exclusive_group()
    pcsc.add_argument(
        "--pcsc",
        dest="pcsc",
        action="store_true",
        default=None,
        help="measure through pcscd + vpcd; fail if that is not possible",
    )
    pcsc.add_argument(
        "--no-pcsc", dest="pcsc", action="store_false", help="skip the PC/SC measurement"
    )
    parser.add_argument(
        "--real-cert",
        metavar="PEM",
        type=Path,
        default=REAL_AUTH_CERT,
        help="the real 1573-byte auth certificate (default: the shared test data)",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 when a target is missed"
    )
    return parser.parse_args(argv)


def _progress(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


def _part(errors: dict[str, str], name: str, action: Callable[[], T]) -> T | None:
    """Run one part; a failure is recorded under *name* and the run goes on."""
    _progress(f"measuring {name}")
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - one broken part must not hide the others
        errors[name] = f"{type(exc).__name__}: {exc}"
        return None


def run(settings: Settings, *, pcsc: bool | None, real_cert: Path | None) -> BenchResult:
    """Measure everything *settings* asks for (PC/SC: None = when available)."""
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    errors: dict[str, str] = {}
    cert = real_cert if real_cert is not None and real_cert.is_file() else None
    if real_cert is not None and cert is None:
        errors["real_cert"] = f"{real_cert} not found: the real-certificate rows are missing"

    operations = _part(errors, "apdus", lambda: tuple(measure_all(cert)))
    throughput = _part(
        errors, "throughput", lambda: tuple(measure_throughput(settings.throughput_seconds))
    )
    in_process = _part(errors, "latency", lambda: measure_in_process(settings.in_process_apdus))

    pcsc_latency = None
    if pcsc is False:
        pcsc_status = "not measured: skipped (--no-pcsc)"
    else:
        _progress("measuring latency through pcscd + vpcd")
        try:
            pcsc_latency = measure_pcsc(settings.pcsc_apdus, rounds=settings.pcsc_rounds)
            pcsc_status = f"measured ({pcsc_latency.mode})"
        except PcscUnavailable as exc:
            pcsc_status = f"not measured: {exc}"
            if pcsc:
                errors["pcsc"] = f"--pcsc given but {exc}"
        except Exception as exc:  # noqa: BLE001 - reported, the other parts still count
            pcsc_status = "not measured: failed (see Errors)"
            errors["pcsc"] = f"{type(exc).__name__}: {exc}"

    startup = _part(errors, "startup", lambda: tuple(measure_startup(settings.startup_runs)))
    help_imports = _part(
        errors, "help imports", lambda: import_profile(["-m", "jpki", "--help"], "jpki --help")
    )
    diagnose_imports = _part(
        errors,
        "diagnose imports",
        lambda: import_profile(["-m", "jpki", "--sim", "diagnose"], "jpki --sim diagnose"),
    )
    memory = _part(errors, "memory", lambda: measure_memory(settings.memory_runs))

    info = RunInfo(
        mode=settings.mode,
        python=platform.python_version(),
        cpus=os.cpu_count() or 0,
        started=started_at,
        seconds=time.perf_counter() - started,
        pcsc=pcsc_status,
        bytecode=bytecode_condition(),
        load=(round(load_before, 2), round(os.getloadavg()[0], 2)),
    )
    return BenchResult(
        run=info,
        operations=operations,
        in_process=in_process,
        pcsc=pcsc_latency,
        pcsc_status=pcsc_status,
        throughput=throughput,
        startup=startup,
        help_imports=help_imports,
        diagnose_imports=diagnose_imports,
        memory=memory,
        errors=errors,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = _parse(argv)
    settings = QUICK if args.quick else FULL
    result = run(settings, pcsc=args.pcsc, real_cert=args.real_cert)
    pdf = _part(result.errors, "pdf signature", lambda: measure_pdf(3 if args.quick else 10))
    sys.stdout.write(render_table(result))
    if pdf is not None:
        sys.stdout.write(render_pdf(pdf))
    if args.json is not None:
        figures = to_json(result)
        if pdf is not None:
            figures["pdf_signature"] = pdf_json(pdf)
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
        _progress(f"figures written to {args.json}")
    if result.errors:
        return 1
    if args.check and any(t.passed is False for t in evaluate_targets(result)):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
