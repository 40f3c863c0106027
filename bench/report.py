"""The benchmark's result, its targets, and the two renderings of it: a table and JSON.

Both renderings are made from the same :class:`BenchResult`; nothing is computed in one that
the other does not show.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from sim.factory.profiles import DEFAULT_PROFILE

from .apdus import REAL_CARD, OperationCost
from .latency import COMMAND, InProcessLatency, PcscLatency
from .memory import MemoryPeak
from .startup import AS_CONFIGURED, CACHED, HEAVY_PACKAGES, ImportProfile, StartupFigure
from .throughput import Throughput

__all__ = [
    "SCHEMA",
    "TARGETS",
    "BenchResult",
    "PartResult",
    "RunInfo",
    "Target",
    "evaluate_targets",
    "render_table",
    "to_json",
]

SCHEMA = "jpki-bench/1"

#: The limits the figures are held to.
TARGETS = {
    "auth_cert_read_binary_short": 7,  # READ BINARY for the real 1573-byte certificate
    "auth_cert_read_binary_extended": 2,
    "diagnose_apdus": 16,
    "sim_latency_overhead": 0.20,  # at most +20 % on the echo card's latency through pcscd
    "simple_apdus_per_second": 50_000,
    "help_vs_python": 2.0,
    "sim_diagnose_ms": 300.0,
}

_PACKAGE_NAMES = {"cryptography": "cryptography", "smartcard": "pyscard (smartcard)"}


class PartResult(Protocol):
    """What a further part (``bench.__main__.PARTS``) hands back: it renders itself."""

    def lines(self) -> list[str]:
        """Its section of the text report (first line: the title)."""
        ...

    def to_json(self) -> dict[str, Any]:
        """Its figures as plain data (under ``parts.NAME`` in the JSON)."""
        ...

    def targets(self) -> list[Target]:
        """Its targets with their verdicts (may be empty)."""
        ...


@dataclass(frozen=True, slots=True)
class RunInfo:
    """How the benchmark ran."""

    mode: str
    python: str
    cpus: int
    started: str
    seconds: float
    pcsc: str
    bytecode: str
    load: tuple[float, float]

    def to_json(self) -> dict[str, object]:
        """Every field, seconds rounded; ``load`` is the 1-minute load average at the start
        and at the end (other programs' work makes the timings noisy)."""
        return {
            "mode": self.mode,
            "python": self.python,
            "cpus": self.cpus,
            "started": self.started,
            "seconds": round(self.seconds, 1),
            "pcsc": self.pcsc,
            "bytecode": self.bytecode,
            "load": list(self.load),
        }


@dataclass(frozen=True, slots=True)
class BenchResult:
    """Every figure of one run; a part that was not measured is None (see :attr:`errors`
    and :attr:`pcsc_status`)."""

    run: RunInfo
    operations: tuple[OperationCost, ...] | None
    in_process: InProcessLatency | None
    pcsc: PcscLatency | None
    pcsc_status: str
    throughput: tuple[Throughput, ...] | None
    startup: tuple[StartupFigure, ...] | None
    help_imports: ImportProfile | None
    diagnose_imports: ImportProfile | None
    memory: MemoryPeak | None
    errors: dict[str, str] = field(default_factory=dict)
    #: the further parts by name: their result, or why they were not measured
    parts: dict[str, PartResult | str] = field(default_factory=dict)

    def operation(self, key: str, card: str | None = None) -> OperationCost | None:
        """The row of operation *key* (on *card*; default: the first row of that key)."""
        for row in self.operations or ():
            if row.key == key and (card is None or row.card == card):
                return row
        return None

    def startup_figure(self, key: str, condition: str = AS_CONFIGURED) -> StartupFigure | None:
        """The cold-start figure of command *key* under the bytecode *condition*."""
        return next(
            (f for f in self.startup or () if f.key == key and f.condition == condition), None
        )

    def apdu_counts(self, *, extended: bool = False) -> dict[str, int]:
        """Each operation's APDU count (the first row of each key: the real certificate for
        ``read_auth_cert`` when it was measured, else the default card)."""
        counts: dict[str, int] = {}
        for row in self.operations or ():
            if row.key not in counts:
                counts[row.key] = (row.extended if extended else row.short).apdus
        return counts


@dataclass(frozen=True, slots=True)
class Target:
    """A limit a figure is held to; *passed* is None when the figure was not measured."""

    key: str
    label: str
    figure: str
    limit: str
    passed: bool | None

    @property
    def verdict(self) -> str:
        """``PASS``, ``FAIL`` or ``n/a``."""
        if self.passed is None:
            return "n/a"
        return "PASS" if self.passed else "FAIL"

    def to_json(self) -> dict[str, object]:
        """Every field."""
        return asdict(self)


def _auth_cert_targets(result: BenchResult) -> list[Target]:
    row = result.operation("read_auth_cert", REAL_CARD)
    size = row.card_description if row is not None else "real certificate"
    short_limit = TARGETS["auth_cert_read_binary_short"]
    ext_limit = TARGETS["auth_cert_read_binary_extended"]
    if row is None:
        return [
            Target("auth_cert_short", "auth cert, short APDUs", "not measured", "7", None),
            Target("auth_cert_extended", "auth cert, extended APDUs", "not measured", "2", None),
        ]
    return [
        Target(
            "auth_cert_short",
            f"read auth cert ({size}), short APDUs",
            f"{row.short.read_binary} READ BINARY ({row.short.apdus} APDUs)",
            f"<= {short_limit} READ BINARY (floor {row.floor_short.read_binary})",
            row.short.read_binary <= min(short_limit, row.floor_short.read_binary),
        ),
        Target(
            "auth_cert_extended",
            f"read auth cert ({size}), extended APDUs",
            f"{row.extended.read_binary} READ BINARY ({row.extended.apdus} APDUs)",
            f"<= {ext_limit} READ BINARY",
            row.extended.read_binary <= ext_limit,
        ),
    ]


def _help_target(result: BenchResult, condition: str) -> Target:
    help_run = result.startup_figure("help", condition)
    bare = result.startup_figure("python_pass", condition)
    limit = TARGETS["help_vs_python"]
    ratio = help_run.median / bare.median if help_run and bare else None
    return Target(
        f"help_vs_python_{condition.replace(' ', '_')}",
        f"jpki --help cold start vs python -c pass, median ({condition})",
        "not measured"
        if ratio is None or help_run is None
        else f"{ratio:.2f}x ({help_run.median * 1e3:.0f} ms)",
        f"<= {limit:.1f}x",
        None if ratio is None else ratio <= limit,
    )


def _diagnose_time_target(result: BenchResult, condition: str) -> Target:
    run = result.startup_figure("sim_diagnose", condition)
    limit = TARGETS["sim_diagnose_ms"]
    ok = run is not None and run.returncodes == (0,)
    figure = "not measured" if run is None else f"{run.median * 1e3:.0f} ms"
    if run is not None and not ok:
        figure += f" (exit status {','.join(map(str, run.returncodes))})"
    return Target(
        f"sim_diagnose_ms_{condition.replace(' ', '_')}",
        f"jpki --sim diagnose cold start, median ({condition})",
        figure,
        f"< {limit:.0f} ms, exit 0",
        None if run is None else ok and run.median * 1e3 < limit,
    )


def evaluate_targets(result: BenchResult) -> list[Target]:
    """Every target with its verdict."""
    targets = _auth_cert_targets(result)

    diagnose = result.operation("diagnose", DEFAULT_PROFILE)
    limit = TARGETS["diagnose_apdus"]
    targets.append(
        Target(
            "diagnose_apdus",
            f"diagnose, short APDUs ({diagnose.card if diagnose else 'default'} card)",
            f"{diagnose.short.apdus} APDUs" if diagnose else "not measured",
            f"<= {limit}",
            None if diagnose is None else diagnose.short.apdus <= limit,
        )
    )

    overhead = TARGETS["sim_latency_overhead"]
    pcsc = result.pcsc
    targets.append(
        Target(
            "sim_latency_overhead",
            "simulator vs echo card through pcscd + vpcd (median of rounds)",
            f"{pcsc.ratio:.3f}x ({(pcsc.ratio - 1) * 100:+.1f} %)" if pcsc else result.pcsc_status,
            f"<= {1 + overhead:.2f}x",
            None if pcsc is None else pcsc.ratio <= 1 + overhead,
        )
    )

    per_second = TARGETS["simple_apdus_per_second"]
    simple = [t for t in result.throughput or () if t.key in ("read_binary", "verify_query")]
    slowest = min(simple, key=lambda t: t.per_second) if simple else None
    targets.append(
        Target(
            "simple_apdus_per_second",
            "simple APDUs/s in process (slowest of READ BINARY, VERIFY query)",
            f"{slowest.per_second:,.0f}/s ({slowest.label})" if slowest else "not measured",
            f">= {per_second:,}/s",
            None if slowest is None else slowest.per_second >= per_second,
        )
    )

    for condition in (AS_CONFIGURED, CACHED):
        targets.append(_help_target(result, condition))
    imports = result.help_imports
    heavy = [p for p in HEAVY_PACKAGES if imports and imports.imports(p)]
    targets.append(
        Target(
            "help_imports",
            "jpki --help imports neither cryptography nor pyscard",
            "not measured"
            if imports is None
            else ("imports " + ", ".join(_PACKAGE_NAMES[p] for p in heavy) if heavy else "neither"),
            "neither",
            None if imports is None else not heavy,
        )
    )

    for condition in (AS_CONFIGURED, CACHED):
        targets.append(_diagnose_time_target(result, condition))
    for part in result.parts.values():
        if not isinstance(part, str):
            targets += part.targets()
    return targets


# --- JSON -------------------------------------------------------------------------------


def _wire_json(row: OperationCost, extended: bool) -> dict[str, int]:
    wire = row.extended if extended else row.short
    floor = row.floor_extended if extended else row.floor_short
    return {
        "apdus": wire.apdus,
        "floor_apdus": floor.apdus,
        "read_binary": wire.read_binary,
        "floor_read_binary": floor.read_binary,
        "bytes_sent": wire.bytes_sent,
        "bytes_received": wire.bytes_received,
    }


def to_json(result: BenchResult) -> dict[str, Any]:
    """The whole result as plain data (the schema is :data:`SCHEMA`)."""
    out: dict[str, Any] = {"schema": SCHEMA, "run": result.run.to_json()}
    out["apdus"] = result.apdu_counts()
    out["apdus_extended"] = result.apdu_counts(extended=True)
    out["operations"] = [
        {
            "key": row.key,
            "label": row.label,
            "card": row.card,
            "card_description": row.card_description,
            "short": _wire_json(row, False),
            "extended": _wire_json(row, True),
            "note": row.note,
        }
        for row in result.operations or ()
    ]
    latency: dict[str, Any] = {"command": COMMAND.hex().upper(), "pcsc_status": result.pcsc_status}
    if result.in_process is not None:
        latency["in_process"] = {
            "sim": result.in_process.sim.to_json_us(),
            "echo": result.in_process.echo.to_json_us(),
            "sim_over_echo": round(result.in_process.sim.median / result.in_process.echo.median, 2),
        }
    if result.pcsc is not None:
        latency["pcsc"] = {
            "mode": result.pcsc.mode,
            "sim": result.pcsc.sim.to_json_us(),
            "echo": result.pcsc.echo.to_json_us(),
            "sim_over_echo": round(result.pcsc.ratio, 4),
            "round_ratios": [round(r, 4) for r in result.pcsc.round_ratios],
        }
        if result.in_process is not None:
            latency["in_process_sim_over_pcsc_echo"] = round(
                result.in_process.sim.median / result.pcsc.echo.median, 4
            )
    out["latency"] = latency
    out["throughput"] = {t.key: t.to_json() for t in result.throughput or ()}
    startup: dict[str, Any] = {}
    for condition in (AS_CONFIGURED, CACHED):
        figures = [f for f in result.startup or () if f.condition == condition]
        if not figures:
            continue
        part: dict[str, Any] = {f.key: f.to_json() for f in figures}
        bare = result.startup_figure("python_pass", condition)
        if bare is not None:
            part["ratio_to_python_pass"] = {
                f.key: round(f.median / bare.median, 2) for f in figures
            }
        startup[condition.replace(" ", "_")] = part
    if result.help_imports is not None:
        startup["help_imports"] = result.help_imports.to_json()
    if result.diagnose_imports is not None:
        startup["sim_diagnose_imports"] = result.diagnose_imports.to_json()
    out["startup"] = startup
    out["memory"] = None if result.memory is None else result.memory.to_json()
    out["parts"] = {
        name: {"status": part} if isinstance(part, str) else part.to_json()
        for name, part in result.parts.items()
    }
    out["targets"] = [target.to_json() for target in evaluate_targets(result)]
    out["errors"] = dict(result.errors)
    return out


# --- the table --------------------------------------------------------------------------


def _apdu_section(result: BenchResult) -> list[str]:
    lines = [
        "APDUs on the wire: simulated card in process, each operation on a fresh card",
        "(floor = fewest APDUs for these file sizes, CARD.md 6; RB = READ BINARY; "
        "bytes = command + response, SW included)",
    ]
    if result.operations is None:
        lines.append(f"  not measured: {result.errors.get('apdus', 'skipped')}")
        return lines
    head = (
        f"  {'operation':<34} {'card':<9} "
        f"{'short: APDUs':>12} {'floor':>5} {'RB':>3} {'floor':>5} {'sent':>5} {'recv':>6}   "
        f"{'extended: APDUs':>15} {'floor':>5} {'RB':>3} {'floor':>5} {'recv':>6}"
    )
    lines += [head, "  " + "-" * (len(head) - 2)]
    notes: dict[str, str] = {}
    for row in result.operations:
        s, e, fs, fe = row.short, row.extended, row.floor_short, row.floor_extended
        lines.append(
            f"  {row.label:<34} {row.card:<9} "
            f"{s.apdus:>12} {fs.apdus:>5} {s.read_binary:>3} {fs.read_binary:>5} "
            f"{s.bytes_sent:>5} {s.bytes_received:>6}   "
            f"{e.apdus:>15} {fe.apdus:>5} {e.read_binary:>3} {fe.read_binary:>5} "
            f"{e.bytes_received:>6}"
        )
        notes.setdefault(row.label, row.note)
    cards = {row.card: row.card_description for row in result.operations}
    lines.append("  cards: " + "; ".join(f"{name} = {text}" for name, text in cards.items()))
    lines.append("  notes:")
    lines += [f"    {label}: {note}" for label, note in notes.items()]
    return lines


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:8.1f} us"


def _latency_section(result: BenchResult) -> list[str]:
    lines = [
        f"Latency of one APDU (SELECT JPKI AP {COMMAND.hex().upper()} -> 9000)",
        f"  {'path':<52} {'median':>11} {'p95':>11} {'n':>7}",
    ]
    rows = []
    if result.in_process is not None:
        rows += [
            ("in process, simulated card (SimConnection)", result.in_process.sim),
            ("in process, echo card", result.in_process.echo),
        ]
    else:
        lines.append(f"  in process: not measured: {result.errors.get('latency', 'skipped')}")
    if result.pcsc is not None:
        rows += [
            ("pyscard -> pcscd -> vpcd, echo card", result.pcsc.echo),
            ("pyscard -> pcscd -> vpcd, simulated card", result.pcsc.sim),
        ]
    for label, summary in rows:
        lines.append(f"  {label:<52} {_us(summary.median)} {_us(summary.p95)} {summary.n:>7}")
    if result.in_process is not None:
        sim, echo = result.in_process.sim.median, result.in_process.echo.median
        lines.append(
            f"  simulator / echo card in process: {sim / echo:.2f}x "
            f"(+{(sim - echo) * 1e6:.1f} us per APDU)"
        )
    if result.pcsc is None:
        lines.append(f"  pyscard -> pcscd -> vpcd: {result.pcsc_status}")
    else:
        ratio = result.pcsc.ratio
        extra = (result.pcsc.sim.median - result.pcsc.echo.median) * 1e6
        rounds = result.pcsc.round_ratios
        lines.append(f"  through pcscd: {result.pcsc.mode}, batches of commands alternating")
        lines.append(
            f"  simulator / echo card through pcscd: {ratio:.3f}x ({(ratio - 1) * 100:+.1f} %; "
            f"median of {len(rounds)} rounds, range {min(rounds):.3f}-{max(rounds):.3f}x); "
            f"pooled medians differ by {extra:+.1f} us per APDU"
        )
        if result.in_process is not None:
            share = result.in_process.sim.median / result.pcsc.echo.median
            lines.append(
                "  the simulated card's own work in process is "
                f"{share * 100:.1f} % of an echo round trip through pcscd"
            )
    return lines


def _throughput_section(result: BenchResult) -> list[str]:
    lines = ["Simulator throughput in process (SimConnection.transmit, default card)"]
    if result.throughput is None:
        lines.append(f"  not measured: {result.errors.get('throughput', 'skipped')}")
        return lines
    for t in result.throughput:
        lines.append(
            f"  {t.label:<40} {t.per_second:>12,.0f} APDUs/s   ({t.apdus} in {t.seconds:.2f} s)"
        )
    return lines


def _startup_section(result: BenchResult) -> list[str]:
    lines = [
        "CLI cold start (jpki = python -m jpki; fresh processes, interleaved; "
        f"as configured: {result.run.bytecode})"
    ]
    if result.startup is None:
        lines.append(f"  not measured: {result.errors.get('startup', 'skipped')}")
        return lines
    lines.append(
        f"  {'command':<24} {'condition':<16} {'median':>10} {'min':>10} {'vs pass':>8} "
        f"{'CPU median':>11} {'vs pass':>8} {'runs':>5} {'exit':>5}"
    )
    for f in result.startup:
        bare = result.startup_figure("python_pass", f.condition)
        ratio = f"{f.median / bare.median:.2f}x" if bare else "-"
        cpu_ratio = f"{f.cpu_median / bare.cpu_median:.2f}x" if bare else "-"
        lines.append(
            f"  {f.label:<24} {f.condition:<16} {f.median * 1e3:>7.1f} ms "
            f"{min(f.runs) * 1e3:>7.1f} ms {ratio:>8} {f.cpu_median * 1e3:>8.1f} ms {cpu_ratio:>8} "
            f"{len(f.runs):>5} {','.join(str(c) for c in f.returncodes):>5}"
        )
    for profile in (result.help_imports, result.diagnose_imports):
        if profile is None:
            continue
        loaded = ", ".join(
            f"{_PACKAGE_NAMES[p]}: {'yes' if profile.imports(p) else 'no'}" for p in HEAVY_PACKAGES
        )
        heaviest = ", ".join(f"{name} {us / 1e3:.0f} ms" for name, us in profile.heaviest)
        lines.append(
            f"  {profile.command}: {len(profile.modules)} modules; imports {loaded}; "
            f"own import time by package (-X importtime, bytecode cached): {heaviest}"
        )
    return lines


def _memory_section(result: BenchResult) -> list[str]:
    memory = result.memory
    if memory is None:
        return [f"Peak memory: not measured: {result.errors.get('memory', 'skipped')}"]
    return [
        f"Peak memory (max RSS, largest of {memory.runs} fresh processes, /usr/bin/time)",
        f"  jpki --sim diagnose {memory.diagnose_kib / 1024:.1f} MiB; python -c pass "
        f"{memory.python_pass_kib / 1024:.1f} MiB ({memory.ratio:.1f}x)",
    ]


def _target_section(result: BenchResult) -> list[str]:
    targets = evaluate_targets(result)
    label_width = max(len(t.label) for t in targets)
    figure_width = max(len(t.figure) for t in targets)
    lines = ["Targets"]
    for t in targets:
        lines.append(
            f"  {t.verdict:<4}  {t.label:<{label_width}}  {t.figure:<{figure_width}}  "
            f"target {t.limit}"
        )
    return lines


def render_table(result: BenchResult) -> str:
    """The result as the text report."""
    run = result.run
    sections = [
        [
            f"JPKI toolkit benchmark: {run.mode} run, Python {run.python}, {run.cpus} CPUs, "
            f"started {run.started}, took {run.seconds:.1f} s; "
            f"load average {run.load[0]:.2f} at the start, {run.load[1]:.2f} at the end"
        ],
        _apdu_section(result),
        _latency_section(result),
        _throughput_section(result),
        _startup_section(result),
        _memory_section(result),
        *(
            [f"{name}: {part}"] if isinstance(part, str) else part.lines()
            for name, part in result.parts.items()
        ),
        _target_section(result),
    ]
    if result.errors:
        sections.append(["Errors"] + [f"  {part}: {text}" for part, text in result.errors.items()])
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
