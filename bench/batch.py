"""Municipal scale: ``jpki expiry --csv`` over a generated resident register.

A register of N residents (1 000 000 in a full run) is written to a temporary CSV file with a
fixed random seed: births 1935-2024, cards issued 2016-2026, a fifth with certificates renewed
at the counter, 3 % foreign residents with a period of stay, a few application receipt dates
and 0.1 % bad rows. The command runs as a user starts it, under ``/usr/bin/time``: the figures
are rows per CPU second (user + system: one core, barely moved by other programs on the
machine), rows per wall-clock second, and the peak resident set. A sample of rows is also run
through the per-resident engine and compared with the fast path.

Targets (issue 16): at least 100 000 rows/s on one core, at most 100 MiB for 1 000 000 rows.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from jpki.rules.batch import FastRows, RowError, reference_row

from .procs import REPO, TIME_BINARY, python_command, subprocess_env
from .report import Target

__all__ = ["BatchFigures", "measure_batch", "render_batch"]

TARGET_ROWS_PER_SECOND = 100_000
TARGET_PEAK_MIB = 100
TODAY = date(2026, 11, 22)
_SEED = 16


@dataclass(frozen=True, slots=True)
class BatchFigures:
    """One run of the resident list."""

    rows: int
    cpu_seconds: float
    wall_seconds: float
    peak_kib: int
    returncode: int
    sampled: int
    identical: int
    fast_share: float

    @property
    def rows_per_cpu_second(self) -> float:
        """Rows per second of CPU time (one core)."""
        return self.rows / max(self.cpu_seconds, 1e-9)

    @property
    def rows_per_wall_second(self) -> float:
        """Rows per second of wall-clock time."""
        return self.rows / max(self.wall_seconds, 1e-9)

    @property
    def peak_mib(self) -> float:
        """Peak resident set in MiB."""
        return self.peak_kib / 1024

    def lines(self) -> list[str]:
        """Its section of the text report (a part of ``python -m bench``)."""
        return render_batch(self).strip("\n").splitlines()

    def targets(self) -> list[Target]:
        """The two targets of issue 16, judged on CPU time and the peak resident set."""
        return [
            Target(
                "batch_rows_per_second",
                "resident list, rows per CPU second",
                f"{self.rows_per_cpu_second:,.0f}",
                f">= {TARGET_ROWS_PER_SECOND:,}",
                self.rows_per_cpu_second >= TARGET_ROWS_PER_SECOND,
            ),
            Target(
                "batch_peak_mib",
                "resident list, peak memory (MiB)",
                f"{self.peak_mib:.1f}",
                f"<= {TARGET_PEAK_MIB}",
                self.peak_mib <= TARGET_PEAK_MIB,
            ),
        ]

    def to_json(self) -> dict[str, Any]:
        """Every figure, with the targets and whether they were met."""
        return {
            "rows": self.rows,
            "cpu_seconds": round(self.cpu_seconds, 3),
            "wall_seconds": round(self.wall_seconds, 3),
            "rows_per_cpu_second": round(self.rows_per_cpu_second),
            "rows_per_wall_second": round(self.rows_per_wall_second),
            "peak_mib": round(self.peak_mib, 1),
            "returncode": self.returncode,
            "sampled_rows": self.sampled,
            "identical_to_reference": self.identical,
            "fast_path_share": round(self.fast_share, 4),
            "target_rows_per_second": TARGET_ROWS_PER_SECOND,
            "target_peak_mib": TARGET_PEAK_MIB,
            "rows_target_met": self.rows_per_cpu_second >= TARGET_ROWS_PER_SECOND,
            "memory_target_met": self.peak_mib <= TARGET_PEAK_MIB,
        }


def _iso(day: date) -> str:
    return day.isoformat()


def write_register(path: Path, count: int, seed: int = _SEED) -> None:
    """Write *count* generated residents to *path* (CSV with a header row)."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    first_birth = date(1935, 1, 1).toordinal()
    last_birth = date(2024, 12, 31).toordinal()
    first_card = date(2016, 1, 4).toordinal()
    last_card = date(2026, 6, 30).toordinal()
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("name,birth,card_issued,cert_issued,residence_until,application_received\n")
        lines = []
        for number in range(count):
            birth = date.fromordinal(rng.randint(first_birth, last_birth))
            issued = date.fromordinal(rng.randint(max(first_card, birth.toordinal()), last_card))
            cert = stay = received = ""
            draw = rng.random()
            adult = issued.year - birth.year > 20  # noqa: PLR2004
            if draw < 0.2 and adult:  # noqa: PLR2004 - a fifth renewed their certificates
                cert = _iso(issued + timedelta(days=rng.randint(1_400, 1_820)))
            elif draw < 0.23:  # noqa: PLR2004 - 3 % foreign residents with a period of stay
                stay = _iso(issued + timedelta(days=rng.randint(180, 1_800)))
            elif draw < 0.235:  # noqa: PLR2004
                received = _iso(issued - timedelta(days=rng.randint(20, 60)))
            elif draw < 0.236:  # noqa: PLR2004 - 0.1 % bad rows
                birth_text = rng.choice(("1990-02-30", "", "19900101x"))
                lines.append(f"bad{number},{birth_text},{_iso(issued)},,,\n")
                continue
            if received and received < _iso(birth):
                received = ""
            lines.append(f"r{number},{_iso(birth)},{_iso(issued)},{cert},{stay},{received}\n")
            if len(lines) >= 10_000:  # noqa: PLR2004
                out.writelines(lines)
                lines.clear()
        out.writelines(lines)


def _compare_sample(path: Path, sample: int) -> tuple[int, int, float]:
    """Run the first *sample* rows through the fast path and the reference."""
    import csv

    engine = FastRows(TODAY)
    identical = fast = 0
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for index, row in enumerate(reader):
            if index >= sample:
                break
            fields = [*row[1:6], "", ""]
            fast += engine._fast(fields) is not None  # noqa: SLF001 - measuring its share
            results: list[tuple[str, ...] | str] = []
            for compute in (engine.row, lambda f: reference_row(f, TODAY)):
                try:
                    results.append(compute(fields))
                except RowError as exc:
                    results.append(str(exc))
            identical += results[0] == results[1]
    return sample, identical, fast / max(1, sample)


def measure_batch(rows: int, sample: int = 20_000) -> BatchFigures:
    """Generate *rows* residents and time ``jpki expiry --csv`` on them."""
    if not TIME_BINARY.is_file():
        raise FileNotFoundError(f"{TIME_BINARY} is not installed (Debian package 'time')")
    with tempfile.TemporaryDirectory(prefix="jpki-batch-") as folder:
        register = Path(folder) / "residents.csv"
        write_register(register, rows)
        report = Path(folder) / "time.txt"
        command = python_command(
            "-m", "jpki", "--lang", "en", "expiry", "--csv", str(register), "--today",
            TODAY.isoformat(), "-o", str(Path(folder) / "out.csv"), "--errors",
            str(Path(folder) / "errors.csv"), "--summary", str(Path(folder) / "summary.csv"),
            "--chart", str(Path(folder) / "chart.svg"),
        )  # fmt: skip
        started = time.perf_counter()
        completed = subprocess.run(
            [str(TIME_BINARY), "-f", "%M %x %U %S", "-o", str(report), *command],
            cwd=REPO,
            env=subprocess_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=3_600,
            check=False,
        )
        wall = time.perf_counter() - started
        fields = report.read_text().split()
        if len(fields) < 4 or not fields[-4].isdigit():  # noqa: PLR2004
            raise RuntimeError(f"{TIME_BINARY} gave no figures (status {completed.returncode})")
        sampled, identical, share = _compare_sample(register, min(sample, rows))
    return BatchFigures(
        rows=rows,
        cpu_seconds=float(fields[-2]) + float(fields[-1]),
        wall_seconds=wall,
        peak_kib=int(fields[-4]),
        returncode=int(fields[-3]),
        sampled=sampled,
        identical=identical,
        fast_share=share,
    )


def render_batch(figures: BatchFigures) -> str:
    """The figures as a section of the text report."""
    rows_ok = figures.rows_per_cpu_second >= TARGET_ROWS_PER_SECOND
    memory_ok = figures.peak_mib <= TARGET_PEAK_MIB
    return "\n".join(
        [
            "",
            f"Resident list (jpki expiry --csv, {figures.rows:,} rows, exit status "
            f"{figures.returncode})",
            f"  {figures.rows_per_cpu_second:>12,.0f} rows per CPU second "
            f"({figures.cpu_seconds:.2f} s CPU; target >= {TARGET_ROWS_PER_SECOND:,}: "
            f"{'met' if rows_ok else 'MISSED'})",
            f"  {figures.rows_per_wall_second:>12,.0f} rows per wall-clock second "
            f"({figures.wall_seconds:.2f} s, including start-up)",
            f"  {figures.peak_mib:>12.1f} MiB peak resident set (target <= {TARGET_PEAK_MIB}: "
            f"{'met' if memory_ok else 'MISSED'})",
            f"  {figures.identical:>12,} of {figures.sampled:,} sampled rows identical to the "
            f"per-resident engine; fast path {figures.fast_share:.1%} of rows",
            "",
        ]
    )
