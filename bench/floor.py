"""Each command next to its floor: a minimal script doing the same APDUs, timed in the same run.

The simulated card (the default profile) is served by :class:`sim.chip.vpcd.VpcdServer` on a thread
of this process to the first free vpcd slot of pcscd, so every run goes pyscard -> pcscd ->
vpcd -> the card. For each measured command, the toolkit runs once first; the commands the card
received then are what the floor replays: a script of a dozen lines that imports pyscard,
connects to the reader, sends those commands and prints the last answer
(:data:`FLOOR_SCRIPT`). ``jpki --help`` and ``jpki --sim diagnose`` need no reader: their floor
is ``python -c pass``. Runs are interleaved (toolkit, floor, next command, ...) so that a noisy
moment hits both alike; each run is checked to have sent as many APDUs as the first.

Two installations are measured, one after the other:

* ``checkout``: ``python -m jpki`` from this checkout (bytecode cached in a private
  temporary directory);
* ``installed``: a wheel built from this checkout, installed (compiled, as pip does) into a
  temporary virtual environment, run as its ``jpki`` console script from an empty directory;
  its dependencies come from the running interpreter's environment through a ``.pth`` file.
  This is how users get the package.

Some targets are below what any program doing the command's job can reach. Next to their
floor, the same rounds time lower bounds: for the commands that show a certificate's contents
(``status``, ``diagnose``, ``--sim diagnose``), the floor and then parsing the certificate it
read with a real X.509 library (issue 17 keeps that requirement), once with
``cryptography.x509`` and once with ``asn1crypto.x509`` (:data:`FLOOR_PARSE_SCRIPT`; for
``--sim diagnose`` the card's certificate from a file); for ``--help``, ``python -c "import
argparse"``. A bound above the target's ratio shows the target cannot be met that way.

The figures are medians of CPU time (user + system of the child: barely moved by other
programs on the machine) and of wall time; the ratio is the toolkit's median over the floor's.
The targets of issue 17 are judged on CPU time. ``python -X importtime`` of each command (once,
checkout) tells which packages it loads.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .apdus import default_card
from .latency import VPCD_READERS, free_vpcd_ports
from .procs import REPO, ProcessRun, run_process, subprocess_env
from .report import Target
from .startup import CACHED, bytecode_environment, importtime_log, parse_importtime

__all__ = [
    "BOUND_LABELS",
    "COMMANDS",
    "FLOOR_PARSE_SCRIPT",
    "FLOOR_SCRIPT",
    "FloorCommand",
    "FloorFigure",
    "FloorResult",
    "FloorSuite",
    "measure_floor",
    "served_card",
]

#: The floor: the same commands through pyscard and nothing else. VERIFY data is masked in the
#: card's log, so the PIN is filled in from JPKI_AUTH_PIN, the variable jpki reads it from.
FLOOR_SCRIPT = """\
import os, sys
from smartcard.System import readers
pin = os.environ.get("JPKI_AUTH_PIN", "").encode()
with open(sys.argv[2]) as f:
    commands = [bytes.fromhex(line) for line in f if line.strip()]
connection = next(r for r in readers() if str(r) == sys.argv[1]).createConnection()
connection.connect()
for command in commands:
    if command[1] == 0x20 and len(command) > 5:
        command = command[:4] + bytes((len(pin),)) + pin
    data, sw1, sw2 = connection.transmit(list(command))
connection.disconnect()
print(bytes(data).hex(), f"{sw1:02X}{sw2:02X}")
"""

#: A lower bound for a command that shows certificate contents: the floor's APDUs (or, with
#: ``-`` for the reader, no card and the certificate from a file), then the certificate parsed
#: by a real X.509 library (``cryptography`` or ``asn1crypto``) and the facts a report shows
#: taken from it. The certificate is the run of READ BINARY answers starting with a DER
#: SEQUENCE, cut to its length.
FLOOR_PARSE_SCRIPT = """\
import os, sys
library, reader, source = sys.argv[1:4]
if reader == "-":
    with open(source, "rb") as f:
        der = f.read()
else:
    from smartcard.System import readers
    pin = os.environ.get("JPKI_AUTH_PIN", "").encode()
    with open(source) as f:
        commands = [bytes.fromhex(line) for line in f if line.strip()]
    connection = next(r for r in readers() if str(r) == reader).createConnection()
    connection.connect()
    read = []
    for command in commands:
        if command[1] == 0x20 and len(command) > 5:
            command = command[:4] + bytes((len(pin),)) + pin
        data, sw1, sw2 = connection.transmit(list(command))
        if command[1] == 0xB0:
            read.append(bytes(data))
    connection.disconnect()
    start = next(i for i, chunk in enumerate(read) if chunk[:2] == b"\\x30\\x82")
    der = b"".join(read[start:])
    der = der[: 4 + int.from_bytes(der[2:4], "big")]
if library == "cryptography":
    from cryptography import x509
    cert = x509.load_der_x509_certificate(der)
    facts = (cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(), cert.serial_number,
             cert.not_valid_before_utc, cert.not_valid_after_utc, len(cert.extensions))
else:
    from asn1crypto import x509
    cert = x509.Certificate.load(der)
    facts = (cert.subject.human_friendly, cert.issuer.human_friendly, cert.serial_number,
             cert.not_valid_before, cert.not_valid_after,
             len(cert["tbs_certificate"]["extensions"]))
print(*facts)
"""

PYSCARD = "pyscard"
BARE_PYTHON = "python -c pass"

#: The lower bounds a command can be timed against (see the module's docstring).
BOUND_CRYPTOGRAPHY = "cryptography"
BOUND_ASN1CRYPTO = "asn1crypto"
BOUND_ARGPARSE = "argparse"
BOUND_LABELS = {
    BOUND_CRYPTOGRAPHY: "floor + cryptography.x509 parse",
    BOUND_ASN1CRYPTO: "floor + asn1crypto.x509 parse",
    BOUND_ARGPARSE: 'python -c "import argparse"',
}
_PARSE_BOUNDS = (BOUND_CRYPTOGRAPHY, BOUND_ASN1CRYPTO)

#: The message ``sign`` signs (written to a file for the run).
MESSAGE = b"benchmark message\n"


@dataclass(frozen=True, slots=True)
class FloorCommand:
    """A ``jpki`` command line and its floor.

    :param args: the arguments after ``jpki``; ``{reader}``, ``{message}`` and ``{output}`` are
        filled in.
    :param floor: :data:`PYSCARD` (same APDUs) or :data:`BARE_PYTHON`.
    :param target: the largest CPU ratio issue 17 allows, or None (measured, not judged).
    :param bounds: the lower bounds timed next to it (:data:`BOUND_LABELS`).
    """

    key: str
    label: str
    args: tuple[str, ...]
    floor: str
    target: float | None
    bounds: tuple[str, ...] = ()


COMMANDS: tuple[FloorCommand, ...] = (
    FloorCommand(
        "pin_status", "pin status", ("--reader", "{reader}", "pin", "status"), PYSCARD, 1.5
    ),
    FloorCommand(
        "cert_read",
        "cert read auth",
        ("--reader", "{reader}", "cert", "read", "auth"),
        PYSCARD,
        1.5,
    ),
    FloorCommand(
        "status", "status", ("--reader", "{reader}", "status"), PYSCARD, 1.5, _PARSE_BOUNDS
    ),
    FloorCommand(
        "sign_raw",
        "sign auth (raw)",
        ("--reader", "{reader}", "sign", "auth", "{message}", "-o", "{output}"),
        PYSCARD,
        None,
    ),
    FloorCommand(
        "diagnose", "diagnose", ("--reader", "{reader}", "diagnose"), PYSCARD, 2.0, _PARSE_BOUNDS
    ),
    FloorCommand(
        "sim_diagnose", "--sim diagnose", ("--sim", "diagnose"), BARE_PYTHON, 3.0, _PARSE_BOUNDS
    ),
    FloorCommand("help", "--help", ("--help",), BARE_PYTHON, 1.5, (BOUND_ARGPARSE,)),
)

#: The suites of the toolkit being benchmarked; others are a baseline (``--baseline REV``).
CURRENT = ("checkout", "installed")

#: The top-level packages whose loading the import profile reports.
PACKAGES = ("jpki", "apdu", "sim", "smartcard", "cryptography", "asn1crypto")


@dataclass(frozen=True, slots=True)
class FloorFigure:
    """One command's runs and its floor's, from the same interleaved rounds."""

    key: str
    label: str
    floor_label: str
    apdus: int
    target: float | None
    toolkit: tuple[ProcessRun, ...]
    floor: tuple[ProcessRun, ...]
    #: each lower bound's runs, by its key in :data:`BOUND_LABELS`, from the same rounds
    bounds: dict[str, tuple[ProcessRun, ...]] = field(default_factory=dict)

    @staticmethod
    def _median(runs: Sequence[ProcessRun], cpu: bool) -> float:
        return statistics.median(r.cpu_seconds if cpu else r.seconds for r in runs)

    @property
    def cpu(self) -> tuple[float, float]:
        """Median CPU seconds of the toolkit and of the floor."""
        return self._median(self.toolkit, True), self._median(self.floor, True)

    @property
    def wall(self) -> tuple[float, float]:
        """Median wall seconds of the toolkit and of the floor."""
        return self._median(self.toolkit, False), self._median(self.floor, False)

    @property
    def cpu_ratio(self) -> float:
        """Toolkit over floor, median CPU time."""
        toolkit, floor = self.cpu
        return toolkit / floor

    @property
    def wall_ratio(self) -> float:
        """Toolkit over floor, median wall time."""
        toolkit, floor = self.wall
        return toolkit / floor

    def bound_cpu(self, bound: str) -> float:
        """Median CPU seconds of a lower bound."""
        return self._median(self.bounds[bound], True)

    @property
    def exit_statuses(self) -> tuple[int, ...]:
        """The distinct exit statuses of the toolkit's runs."""
        return tuple(sorted({r.returncode for r in self.toolkit}))

    def to_json(self) -> dict[str, Any]:
        """Medians in ms, ratios, the floor, APDUs and the exit statuses."""
        return {
            "label": self.label,
            "floor": self.floor_label,
            "apdus": self.apdus,
            "cpu_ms": round(self.cpu[0] * 1e3, 1),
            "floor_cpu_ms": round(self.cpu[1] * 1e3, 1),
            "cpu_ratio": round(self.cpu_ratio, 2),
            "wall_ms": round(self.wall[0] * 1e3, 1),
            "floor_wall_ms": round(self.wall[1] * 1e3, 1),
            "wall_ratio": round(self.wall_ratio, 2),
            "target_cpu_ratio": self.target,
            "runs": len(self.toolkit),
            "exit_statuses": list(self.exit_statuses),
            "bounds": {
                bound: {
                    "label": BOUND_LABELS[bound],
                    "cpu_ms": round(self.bound_cpu(bound) * 1e3, 1),
                    "cpu_ratio": round(self.bound_cpu(bound) / self.cpu[1], 2),
                }
                for bound in self.bounds
            },
        }


@dataclass(frozen=True, slots=True)
class FloorSuite:
    """Every command measured in one installation (``checkout`` or ``installed``)."""

    case: str
    description: str
    figures: tuple[FloorFigure, ...]


@dataclass(frozen=True, slots=True)
class FloorResult:
    """The floor comparison: one suite per installation, the imports of each command."""

    reader: str
    suites: tuple[FloorSuite, ...]
    imports: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report section."""
        lines = [
            "Each command next to its floor: the same APDUs from a minimal pyscard script, or "
            "python -c pass",
            f"(through pcscd + vpcd, reader '{self.reader}'; fresh processes, interleaved; "
            "medians; ratio = jpki / floor)",
        ]
        for suite in self.suites:
            lines.append(f"  {suite.case}: {suite.description}")
            lines.append(
                f"    {'command':<18} {'APDUs':>5} {'CPU jpki':>9} {'floor':>8} {'ratio':>6} "
                f"{'target':>7} {'wall jpki':>10} {'floor':>8} {'ratio':>6}  floor, exit"
            )
            for f in suite.figures:
                target = "-" if f.target is None else f"{f.target:.1f}x"
                lines.append(
                    f"    {f.label:<18} {f.apdus:>5} {f.cpu[0] * 1e3:>6.1f} ms "
                    f"{f.cpu[1] * 1e3:>5.1f} ms {f.cpu_ratio:>5.2f}x {target:>7} "
                    f"{f.wall[0] * 1e3:>7.1f} ms {f.wall[1] * 1e3:>5.1f} ms {f.wall_ratio:>5.2f}x"
                    f"  {f.floor_label}, {','.join(map(str, f.exit_statuses))}"
                )
            lines += _bound_lines(suite)
        lines += self._comparison()
        if self.imports:
            lines.append("  packages each command imports (python -X importtime, checkout):")
            for label, packages in self.imports.items():
                lines.append(f"    {label:<18} {', '.join(packages) or '-'}")
        for part, text in self.problems.items():
            lines.append(f"  not measured: {part}: {text}")
        return lines

    def _comparison(self) -> list[str]:
        """Median CPU time of each command, the baseline's next to the current one's."""
        suites = {suite.case: suite for suite in self.suites}
        lines = []
        for case in CURRENT:
            current = suites.get(case)
            baselines = [s for s in self.suites if s.case.endswith(" " + case)]
            if current is None or not baselines:
                continue
            for baseline in baselines:
                lines.append(f"  {baseline.case} -> {case}: median CPU of jpki, same rounds")
                before = {f.key: f for f in baseline.figures}
                for f in current.figures:
                    old = before.get(f.key)
                    if old is None:
                        continue
                    lines.append(
                        f"    {f.label:<18} {old.cpu[0] * 1e3:>6.1f} -> {f.cpu[0] * 1e3:>6.1f} ms"
                        f"  ({old.apdus} -> {f.apdus} APDUs; floor {f.cpu[1] * 1e3:.1f} ms)"
                    )
        return lines

    def to_json(self) -> dict[str, Any]:
        """``reader``, per installation the figures by command, ``imports``, ``problems``."""
        return {
            "reader": self.reader,
            **{suite.case: {f.key: f.to_json() for f in suite.figures} for suite in self.suites},
            "imports": {label: list(p) for label, p in self.imports.items()},
            "problems": dict(self.problems),
        }

    def targets(self) -> list[Target]:
        """Issue 17's ratios, on median CPU time, for each installation."""
        targets = []
        for suite in self.suites:
            if suite.case not in CURRENT:
                continue  # a baseline is measured for comparison, not judged
            for f in suite.figures:
                if f.target is None:
                    continue
                ok = f.exit_statuses == (0,)
                figure = f"{f.cpu_ratio:.2f}x ({f.cpu[0] * 1e3:.0f} / {f.cpu[1] * 1e3:.0f} ms)"
                if not ok:
                    figure += f" (exit {','.join(map(str, f.exit_statuses))})"
                targets.append(
                    Target(
                        f"floor_{f.key}_{suite.case}",
                        f"jpki {f.label} vs {f.floor_label}, CPU ({suite.case})",
                        figure,
                        f"<= {f.target:.1f}x, exit 0",
                        ok and f.cpu_ratio <= f.target,
                    )
                )
        return targets


def _bound_lines(suite: FloorSuite) -> list[str]:
    """The lower bounds of a suite: CPU median, ratio to the same floor, the target."""
    rows = [(f, bound) for f in suite.figures for bound in f.bounds]
    if not rows:
        return []
    lines = [
        "    lower bounds (same rounds): what any program doing the command's job costs at least",
        f"    {'command':<18} {'bound':<32} {'CPU':>9} {'floor':>8} {'ratio':>6} {'target':>7}",
    ]
    for f, bound in rows:
        cpu, floor = f.bound_cpu(bound), f.cpu[1]
        target = "-" if f.target is None else f"{f.target:.1f}x"
        lines.append(
            f"    {f.label:<18} {BOUND_LABELS[bound]:<32} {cpu * 1e3:>6.1f} ms "
            f"{floor * 1e3:>5.1f} ms {cpu / floor:>5.2f}x {target:>7}"
        )
    return lines


@contextlib.contextmanager
def served_card(port: int) -> Iterator[tuple[Any, str]]:
    """The default card served on *port* from a thread; yields the card and its reader.

    :raises apdu.errors.NoCardError: pcscd did not see the card within 20 seconds.
    """
    from apdu.pcsc import wait_for_card, wait_for_card_removal
    from sim.chip.card import SimulatedCard
    from sim.chip.vpcd import VpcdServer

    card = SimulatedCard(default_card().data)
    server = VpcdServer(card, port=port)
    thread = threading.Thread(target=server.serve_forever, name="bench-vpcd", daemon=True)
    thread.start()
    reader = VPCD_READERS[port]
    try:
        wait_for_card(reader, 20.0)
        yield card, reader
    finally:
        server.stop()
        thread.join(10.0)
        wait_for_card_removal(reader, 10.0)


@dataclass(frozen=True, slots=True)
class _Installation:
    case: str
    description: str
    jpki: tuple[str, ...]
    python: str
    env: dict[str, str]
    cwd: Path


def _run(argv: Sequence[str], installation: _Installation) -> ProcessRun:
    return run_process(argv, env=installation.env, cwd=installation.cwd)


def _build_installed(workdir: Path, tree: Path = REPO) -> _Installation:
    """Build a wheel of *tree* (the checkout) and install it into a fresh virtual environment."""
    wheels = workdir / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(tree)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("*.whl")
    venv = workdir / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONPYCACHEPREFIX")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # pip compiles on install, as it does for users
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env=env,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    # The dependencies (cryptography, pyscard, asn1crypto) of the running environment.
    ours = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    (Path(site) / "_bench_dependencies.pth").write_text("\n".join(ours) + "\n")
    run_dir = workdir / "run"
    run_dir.mkdir()
    return _Installation(
        "installed",
        f"wheel {wheel.name} in a fresh venv, its 'jpki' console script",
        (str(venv / "bin" / "jpki"),),
        str(python),
        env,
        run_dir,
    )


def _checkout(prefix: str, tree: Path = REPO, case: str = "checkout") -> _Installation:
    env = subprocess_env({"PYTHONPYCACHEPREFIX": prefix})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")]))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    where = "this checkout" if tree == REPO else f"{tree.name}"
    return _Installation(
        case,
        f"python -m jpki from {where}, bytecode cached",
        (sys.executable, "-m", "jpki"),
        sys.executable,
        env,
        tree,
    )


def _fill(args: Sequence[str], values: dict[str, str]) -> list[str]:
    return [arg.format(**values) for arg in args]


@dataclass(frozen=True, slots=True)
class _Prepared:
    """One command in one installation, ready to be timed: its command line, its floor's, and
    how many APDUs both send."""

    toolkit: list[str]
    floor: list[str]
    apdus: int
    bounds: dict[str, list[str]] = field(default_factory=dict)


def _prepare(
    installation: _Installation,
    card: Any,
    values: dict[str, str],
    workdir: Path,
    commands: Sequence[FloorCommand],
) -> dict[str, _Prepared]:
    """Run each command once; what the card received is what its floor will send."""
    script = workdir / "floor.py"
    script.write_text(FLOOR_SCRIPT)
    parse_script = workdir / "floor_parse.py"
    parse_script.write_text(FLOOR_PARSE_SCRIPT)
    certificate = workdir / "auth_certificate.der"
    der = default_card().data.auth_certificate  # the card served to pcscd
    if der is not None:
        certificate.write_bytes(der)
    prepared = {}
    for command in commands:
        argv = [*installation.jpki, *_fill(command.args, values)]
        card.clear_received()
        first = _run(argv, installation)
        received = card.received
        if first.returncode != 0:
            raise RuntimeError(
                f"'jpki {command.label}' ({installation.case}) exited {first.returncode}"
            )
        if command.floor == PYSCARD:
            path = workdir / f"{command.key}.apdus"
            path.write_text("".join(c.hex().upper() + "\n" for c in received))
            path.chmod(0o600)
            floor = [installation.python, str(script), values["reader"], str(path)]
            reader, source = values["reader"], str(path)
            prepared[command.key] = _Prepared(argv, floor, len(received))
        else:
            reader, source = "-", str(certificate)
            prepared[command.key] = _Prepared(argv, [installation.python, "-c", "pass"], 0)
        for bound in command.bounds:
            if bound == BOUND_ARGPARSE:
                bound_argv = [installation.python, "-c", "import argparse"]
            else:
                bound_argv = [installation.python, str(parse_script), bound, reader, source]
            prepared[command.key].bounds[bound] = bound_argv
    return prepared


def _measure_suites(
    installations: Sequence[_Installation],
    card: Any,
    values: dict[str, str],
    workdir: Path,
    runs: int,
    commands: Sequence[FloorCommand],
) -> list[FloorSuite]:
    """Time every command and its floor in every installation, taking turns command by
    command, so that a noisy moment hits all of them alike."""
    prepared = {}
    for installation in installations:
        suite_dir = workdir / installation.case.replace(" ", "-")
        suite_dir.mkdir()
        prepared[installation.case] = _prepare(installation, card, values, suite_dir, commands)
    toolkit: dict[tuple[str, str], list[ProcessRun]] = {}
    floor: dict[tuple[str, str], list[ProcessRun]] = {}
    bounds: dict[tuple[str, str, str], list[ProcessRun]] = {}
    for _ in range(runs):
        for command in commands:
            for installation in installations:
                key = (installation.case, command.key)
                ready = prepared[installation.case][command.key]
                counted = command.floor == PYSCARD
                card.clear_received()
                toolkit.setdefault(key, []).append(_run(ready.toolkit, installation))
                sent = len(card.received) if counted else 0
                card.clear_received()
                floor.setdefault(key, []).append(_run(ready.floor, installation))
                replayed = len(card.received) if counted else 0
                if not sent == replayed == ready.apdus:
                    raise RuntimeError(
                        f"{command.label} ({installation.case}): {sent} APDUs from jpki, "
                        f"{replayed} from the floor, {ready.apdus} at the first run"
                    )
                for bound, bound_argv in ready.bounds.items():
                    card.clear_received()
                    run = _run(bound_argv, installation)
                    if run.returncode != 0 or len(card.received) != replayed:
                        raise RuntimeError(
                            f"{command.label} ({installation.case}), {BOUND_LABELS[bound]}: "
                            f"exit {run.returncode}, {len(card.received)} APDUs"
                        )
                    bounds.setdefault((*key, bound), []).append(run)
    return [
        FloorSuite(
            installation.case,
            installation.description,
            tuple(
                FloorFigure(
                    c.key,
                    c.label,
                    "same APDUs, pyscard" if c.floor == PYSCARD else BARE_PYTHON,
                    prepared[installation.case][c.key].apdus,
                    c.target,
                    tuple(toolkit[installation.case, c.key]),
                    tuple(floor[installation.case, c.key]),
                    {
                        bound: tuple(bounds[installation.case, c.key, bound])
                        for bound in prepared[installation.case][c.key].bounds
                    },
                )
                for c in commands
            ),
        )
        for installation in installations
    ]


def _imports(
    installation: _Installation, values: dict[str, str], commands: Sequence[FloorCommand]
) -> dict[str, tuple[str, ...]]:
    found = {}
    for command in commands:
        log = importtime_log(
            installation.python,
            ["-m", "jpki", *_fill(command.args, values)],
            env=installation.env,
            cwd=installation.cwd,
        )
        modules, _, _ = parse_importtime(log)
        roots = {name.split(".")[0] for name in modules}
        found[command.label] = tuple(p for p in PACKAGES if p in roots)
    return found


def _baseline_tree(revision: str, workdir: Path) -> Path:
    """The files of *revision* of this repository, extracted into *workdir*."""
    tree = workdir / f"baseline-{revision}"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True, timeout=120)
    return tree


def measure_floor(
    runs: int,
    *,
    installed: bool = True,
    baseline: str | None = None,
    commands: Sequence[FloorCommand] = COMMANDS,
) -> FloorResult:
    """Measure each of *commands* and its floor *runs* times (after the first run), in the
    checkout and, when *installed*, from a wheel in a temporary virtual environment; with a
    git *baseline* revision, the same for that revision of the toolkit, in the same rounds.

    :raises bench.latency.PcscUnavailable: no pcscd or no free vpcd slot.
    """
    port = free_vpcd_ports()[0]
    problems: dict[str, str] = {}
    with (
        tempfile.TemporaryDirectory(prefix="jpki-bench-floor-") as tmp,
        served_card(port) as (card, reader),
        bytecode_environment(CACHED) as cached_env,
    ):
        workdir = Path(tmp)
        message = workdir / "message.txt"
        message.write_bytes(MESSAGE)
        values = {"reader": reader, "message": str(message), "output": str(workdir / "sig")}
        pin_env = {"JPKI_AUTH_PIN": default_card().data.auth_pin.known_value}
        prefix = cached_env["PYTHONPYCACHEPREFIX"]
        checkout = _checkout(prefix)
        trees = [("", REPO)]
        if baseline is not None:
            try:
                trees.append((f"{baseline} ", _baseline_tree(baseline, workdir)))
            except (subprocess.SubprocessError, OSError) as exc:
                problems["baseline"] = f"could not check out {baseline}: {exc}"
        installations = []
        for label, tree in trees:
            installations.append(
                checkout if tree == REPO else _checkout(prefix, tree, f"{label}checkout")
            )
            if installed:
                build_dir = workdir / f"{label.strip() or 'this'}-build"
                build_dir.mkdir()
                try:
                    built = _build_installed(build_dir, tree)
                except (subprocess.SubprocessError, OSError, ValueError) as exc:
                    problems[f"{label}installed"] = f"could not build and install: {exc}"
                else:
                    installations.append(replace(built, case=f"{label}installed"))
        for installation in installations:
            installation.env.update(pin_env)
        suites = _measure_suites(installations, card, values, workdir, runs, commands)
        imports = _imports(checkout, values, commands)
    return FloorResult(reader, tuple(suites), imports, problems)
