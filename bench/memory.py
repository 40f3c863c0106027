"""Peak memory (maximum resident set size) of ``jpki --sim diagnose``, next to
``python -c pass``, each the largest of a few fresh processes (through ``/usr/bin/time``:
see :mod:`bench.procs` for why not :func:`resource.getrusage` of our own children)."""

from __future__ import annotations

from dataclasses import dataclass

from .procs import peak_memory_kib, python_command

__all__ = ["MemoryPeak", "measure_memory"]


@dataclass(frozen=True, slots=True)
class MemoryPeak:
    """Peak resident set sizes in KiB."""

    diagnose_kib: int
    python_pass_kib: int
    diagnose_returncode: int
    runs: int

    @property
    def ratio(self) -> float:
        """Diagnose's peak over the bare interpreter's."""
        return self.diagnose_kib / self.python_pass_kib

    def to_json(self) -> dict[str, object]:
        """``diagnose_max_rss_kib``, ``python_pass_max_rss_kib``, ``ratio``, ``runs``."""
        return {
            "diagnose_max_rss_kib": self.diagnose_kib,
            "python_pass_max_rss_kib": self.python_pass_kib,
            "ratio": round(self.ratio, 2),
            "diagnose_returncode": self.diagnose_returncode,
            "runs": self.runs,
        }


def measure_memory(runs: int) -> MemoryPeak:
    """Run each command *runs* times; keep the largest peak of each."""
    command = python_command("-m", "jpki", "--sim", "diagnose")
    diagnose = [peak_memory_kib(command) for _ in range(runs)]
    bare = [peak_memory_kib(python_command("-c", "pass")) for _ in range(runs)]
    return MemoryPeak(
        diagnose_kib=max(kib for kib, _ in diagnose),
        python_pass_kib=max(kib for kib, _ in bare),
        diagnose_returncode=max((code for _, code in diagnose), key=abs),
        runs=runs,
    )
