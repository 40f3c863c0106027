"""Run the toolkit as a subprocess, the way a user starts it: time it, or take its peak memory.

Peak memory goes through ``/usr/bin/time``: a child of this process would report our own
resident set as its peak, because Linux carries the parent's high-water mark over ``exec``
into ``ru_maxrss`` (and :mod:`subprocess` spawns with ``vfork``). ``time`` is a small program,
so what its child inherits is far below any Python process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = [
    "REPO",
    "TIME_BINARY",
    "ProcessRun",
    "peak_memory_kib",
    "python_command",
    "run_process",
    "run_to_end",
    "start_process",
    "subprocess_env",
]

#: The checkout the benchmark belongs to; subprocesses run there.
REPO = Path(__file__).resolve().parents[1]

#: GNU time, which reports the peak memory of the command it runs.
TIME_BINARY = Path("/usr/bin/time")


def subprocess_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for toolkit subprocesses: ours, with the checkout on ``PYTHONPATH``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if extra:
        env.update(extra)
    return env


def python_command(*args: str) -> list[str]:
    """``python ARGS`` with the interpreter running the benchmark."""
    return [sys.executable, *args]


def start_process(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path = REPO,
    stdout: int | IO[Any] = subprocess.DEVNULL,
    stderr: int | IO[Any] = subprocess.DEVNULL,
    **options: Any,
) -> subprocess.Popen[Any]:
    """Start *argv* in *cwd* (the checkout) with nothing on its standard input and, unless
    told otherwise, its output discarded.

    :param env: the environment (default: :func:`subprocess_env`).
    :param options: more :class:`subprocess.Popen` options (``text``, ``preexec_fn``, ...).
    """
    return subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else subprocess_env(),
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        **options,
    )


def run_to_end(argv: Sequence[str], *, timeout: float, **options: Any) -> tuple[int, Any]:
    """:func:`start_process` *argv* and wait for its end; its exit status and what it wrote to
    a piped standard error (``stderr=subprocess.PIPE``; else None).

    :raises subprocess.TimeoutExpired: it ran longer than *timeout* seconds (it was killed).
    """
    with start_process(argv, **options) as process:
        try:
            _, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    return process.returncode, errors


@dataclass(frozen=True, slots=True)
class ProcessRun:
    """One finished subprocess: wall time, CPU time (user + system) and exit status.

    CPU time barely moves when other programs compete for the processors; wall time does.
    """

    seconds: float
    cpu_seconds: float
    returncode: int


def run_process(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    cwd: Path = REPO,
) -> ProcessRun:
    """Run *argv* in *cwd* (the checkout) with output discarded; time it from spawn to exit.

    :param env: the environment (default: :func:`subprocess_env`).
    :raises subprocess.TimeoutExpired: it ran longer than *timeout* seconds (it was killed).
    """
    started = time.perf_counter()
    process = start_process(argv, env=env, cwd=cwd)
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        # wait4 reaps the child and hands back its own resource usage.
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if seconds >= timeout and process.returncode < 0:
        raise subprocess.TimeoutExpired(list(argv), timeout)
    return ProcessRun(seconds, usage.ru_utime + usage.ru_stime, process.returncode)


def peak_memory_kib(argv: Sequence[str], *, timeout: float = 60.0) -> tuple[int, int]:
    """Run *argv* under ``/usr/bin/time``; return its peak resident set size in KiB and its
    exit status.

    :raises FileNotFoundError: ``/usr/bin/time`` is not installed.
    :raises RuntimeError: ``time`` did not report.
    """
    if not TIME_BINARY.is_file():
        raise FileNotFoundError(f"{TIME_BINARY} is not installed (Debian package 'time')")
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        status, _ = run_to_end(
            [str(TIME_BINARY), "-f", "%M %x", "-o", report.name, *argv], timeout=timeout
        )
        fields = report.read().split()
    # On a signal, time writes "Command terminated by signal N" before the figures.
    if len(fields) < 2 or not fields[-2].isdigit():
        raise RuntimeError(f"{TIME_BINARY} gave no figures (status {status})")
    return int(fields[-2]), int(fields[-1])
