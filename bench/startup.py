"""Cold start of the command line: ``jpki`` as a fresh process, next to ``python -c pass``.

``jpki`` is run as ``python -m jpki`` with the interpreter running the benchmark (the
checkout has no installed console script). Runs of the commands are interleaved, one of each
per round, so that a noisy moment hits all of them alike; one warm-up round is discarded.

Two conditions, because Python's bytecode cache decides a good part of the figure:

* ``as configured``: the environment as it is. With ``PYTHONDONTWRITEBYTECODE=1`` and no
  ``__pycache__`` in the checkout, every run compiles the toolkit's sources again.
* ``bytecode cached``: ``PYTHONDONTWRITEBYTECODE`` removed and ``PYTHONPYCACHEPREFIX`` set to a
  private temporary directory (nothing is written into the checkout); the warm-up round fills
  it. This is what an installed toolkit (``pip`` compiles on install) starts like.

``python -X importtime`` tells which packages a command imports and where the time goes.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .procs import REPO, ProcessRun, python_command, run_process, run_to_end, subprocess_env

__all__ = [
    "AS_CONFIGURED",
    "CACHED",
    "COMMANDS",
    "HEAVY_PACKAGES",
    "CliCommand",
    "ImportProfile",
    "StartupFigure",
    "bytecode_condition",
    "bytecode_environment",
    "import_profile",
    "importtime_log",
    "measure_startup",
    "parse_importtime",
]

AS_CONFIGURED = "as configured"
CACHED = "bytecode cached"


@dataclass(frozen=True, slots=True)
class CliCommand:
    """A command line to time: its key in JSON, what the table shows, the arguments."""

    key: str
    label: str
    args: tuple[str, ...]


COMMANDS: tuple[CliCommand, ...] = (
    CliCommand("python_pass", "python -c pass", ("-c", "pass")),
    CliCommand("help", "jpki --help", ("-m", "jpki", "--help")),
    CliCommand("sim_status", "jpki --sim status", ("-m", "jpki", "--sim", "status")),
    CliCommand("sim_diagnose", "jpki --sim diagnose", ("-m", "jpki", "--sim", "diagnose")),
)

#: Packages that ``jpki --help`` must not import (STYLE.md; jpki/cli/main.py).
HEAVY_PACKAGES = ("cryptography", "smartcard")


@dataclass(frozen=True, slots=True)
class StartupFigure:
    """The runs of one command.

    :param runs: wall times in seconds, warm-up excluded.
    :param cpu: CPU times (user + system) of the same runs, seconds.
    :param returncodes: the distinct exit statuses seen.
    """

    key: str
    label: str
    condition: str
    runs: tuple[float, ...]
    cpu: tuple[float, ...]
    returncodes: tuple[int, ...]

    @property
    def median(self) -> float:
        """Median wall time, seconds."""
        return statistics.median(self.runs)

    @property
    def cpu_median(self) -> float:
        """Median CPU time, seconds."""
        return statistics.median(self.cpu)

    def to_json(self) -> dict[str, object]:
        """``label``, ``condition``, ``median_ms``, ``min_ms``, ``cpu_median_ms``, ``runs``,
        ``returncodes``."""
        return {
            "label": self.label,
            "condition": self.condition,
            "median_ms": round(self.median * 1e3, 1),
            "min_ms": round(min(self.runs) * 1e3, 1),
            "cpu_median_ms": round(self.cpu_median * 1e3, 1),
            "runs": len(self.runs),
            "returncodes": list(self.returncodes),
        }


def bytecode_condition() -> str:
    """How the environment as configured treats bytecode, in words."""
    writes = not os.environ.get("PYTHONDONTWRITEBYTECODE")
    prefix = os.environ.get("PYTHONPYCACHEPREFIX")
    cached = prefix is not None or any(REPO.glob("jpki/**/__pycache__"))
    if not writes and not cached:
        return "PYTHONDONTWRITEBYTECODE=1, no __pycache__: the toolkit is compiled at every run"
    return (
        f"PYTHONDONTWRITEBYTECODE {'unset' if writes else 'set'}, "
        f"bytecode cache {'present' if cached else 'absent'}"
    )


@contextlib.contextmanager
def bytecode_environment(condition: str) -> Iterator[dict[str, str]]:
    """The environment for subprocesses under a bytecode *condition* (see the module)."""
    if condition == AS_CONFIGURED:
        yield subprocess_env()
        return
    with tempfile.TemporaryDirectory(prefix="jpki-bench-pycache-") as prefix:
        env = subprocess_env({"PYTHONPYCACHEPREFIX": prefix})
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        yield env


def measure_startup(
    runs: int,
    commands: Sequence[CliCommand] = COMMANDS,
    *,
    conditions: Sequence[str] = (AS_CONFIGURED, CACHED),
    warmup: int = 1,
) -> list[StartupFigure]:
    """Run each of *commands* *runs* times (plus *warmup* discarded rounds), interleaved,
    under each of the bytecode *conditions*."""
    figures = []
    for condition in conditions:
        samples: dict[str, list[ProcessRun]] = {command.key: [] for command in commands}
        with bytecode_environment(condition) as env:
            for round_number in range(warmup + runs):
                for command in commands:
                    result = run_process(python_command(*command.args), env=env)
                    if round_number >= warmup:
                        samples[command.key].append(result)
        figures += [
            StartupFigure(
                key=command.key,
                label=command.label,
                condition=condition,
                runs=tuple(run.seconds for run in samples[command.key]),
                cpu=tuple(run.cpu_seconds for run in samples[command.key]),
                returncodes=tuple(sorted({run.returncode for run in samples[command.key]})),
            )
            for command in commands
        ]
    return figures


@dataclass(frozen=True, slots=True)
class ImportProfile:
    """What one command imported, from ``python -X importtime``.

    :param modules: every module imported, in order.
    :param heaviest: the top-level packages whose modules took longest to import, their
        own time summed (name, microseconds), largest first.
    :param total_us: the sum of the self times of every import.
    """

    command: str
    modules: tuple[str, ...]
    heaviest: tuple[tuple[str, int], ...]
    total_us: int

    def imports(self, package: str) -> bool:
        """Whether *package* or any of its submodules was imported."""
        return any(name == package or name.startswith(package + ".") for name in self.modules)

    def to_json(self) -> dict[str, object]:
        """``command``, ``modules`` (count), ``total_ms``, ``heaviest`` and the heavy packages."""
        return {
            "command": self.command,
            "modules": len(self.modules),
            "total_ms": round(self.total_us / 1e3, 1),
            "heaviest": [{"package": name, "ms": round(us / 1e3, 1)} for name, us in self.heaviest],
            "imports": {package: self.imports(package) for package in HEAVY_PACKAGES},
        }


def importtime_log(
    python: str, args: Sequence[str], *, env: Mapping[str, str], cwd: Path = REPO
) -> str:
    """What ``python -X importtime ARGS`` writes on stderr (its output is discarded)."""
    log: str  # text, from the piped standard error
    _, log = run_to_end(
        [python, "-X", "importtime", *args],
        env=env,
        cwd=cwd,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    return log


def parse_importtime(stderr: str) -> tuple[list[str], dict[str, int], int]:
    """Module names in import order, self time summed per top-level package, total."""
    modules: list[str] = []
    per_package: dict[str, int] = {}
    total = 0
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        fields = line[len("import time:") :].split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue  # the header line
        self_us = int(fields[0])
        name = fields[2].strip()
        modules.append(name)
        total += self_us
        root = name.split(".")[0]
        per_package[root] = per_package.get(root, 0) + self_us
    return modules, per_package, total


def import_profile(
    args: Sequence[str], label: str, *, condition: str = CACHED, top: int = 5
) -> ImportProfile:
    """Run ``python -X importtime ARGS`` (after one warm-up run under *condition*) and read
    what it imported.

    :raises RuntimeError: the command produced no import log.
    """
    with bytecode_environment(condition) as env:
        run_process(python_command(*args), env=env)
        log = importtime_log(sys.executable, args, env=env)
    modules, per_package, total = parse_importtime(log)
    if not modules:
        raise RuntimeError(f"no import log from {label}: {log[-500:]}")
    heaviest = sorted(per_package.items(), key=lambda item: item[1], reverse=True)[:top]
    return ImportProfile(label, tuple(modules), tuple(heaviest), total)
