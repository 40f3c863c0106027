"""The benchmark's APDU counts, which are deterministic: each operation at its floor, or
above it by exactly what the toolkit chooses to spend (and says so). No timing here."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.apdus import (
    OPERATIONS,
    REAL_CARD,
    Floor,
    ObjectSizes,
    OperationCost,
    default_card,
    measure,
    measure_all,
    operation,
    real_cert_card,
)
from bench.report import TARGETS, BenchResult, RunInfo, evaluate_targets, to_json
from jpki.ids import KeyKind, PinKind
from jpki.session import JpkiSession
from sim.chip.card import SimulatedCard

REAL_CERT_SIZE = 1573
OPERATION_KEYS = (
    "read_auth_cert",
    "read_all_certs",
    "pin_status",
    "status",
    "diagnose",
    "sign_auth",
    "read_card_info",
)


@pytest.fixture(scope="module")
def real_pem(testdata_dir: Path) -> Path:
    """The real production auth certificate (1573 bytes of DER)."""
    return testdata_dir / "real" / "auth-cert-production.pem"


@pytest.fixture(scope="module")
def sizes() -> ObjectSizes:
    """The object sizes on the default card."""
    with default_card().open() as connection:
        card = connection.card
        assert isinstance(card, SimulatedCard)
        return ObjectSizes.of(card)


@pytest.fixture(scope="module")
def costs() -> dict[str, OperationCost]:
    """Every operation measured on the default card."""
    card = default_card()
    return {op.key: measure(op, card) for op in OPERATIONS}


def reads(size: int) -> int:
    """READ BINARY commands for *size* bytes with short APDUs."""
    return math.ceil(size / 256)


def test_the_operations_are_the_ones_the_json_reports() -> None:
    assert tuple(op.key for op in OPERATIONS) == OPERATION_KEYS


def test_real_certificate_is_read_at_the_documented_floor(real_pem: Path) -> None:
    card = real_cert_card(real_pem)
    assert len(card.data.auth_certificate or b"") == REAL_CERT_SIZE
    cost = measure(operation("read_auth_cert"), card)
    # CARD.md 6: 7 READ BINARY with short APDUs (the first doubles as the length probe).
    assert cost.floor_short == Floor(apdus=8, read_binary=7)
    assert (cost.short.apdus, cost.short.read_binary) == (8, 7)
    assert cost.short.read_binary <= TARGETS["auth_cert_read_binary_short"]
    # Extended: the whole file in one READ BINARY.
    assert cost.floor_extended == Floor(apdus=2, read_binary=1)
    assert (cost.extended.apdus, cost.extended.read_binary) == (2, 1)
    assert cost.extended.read_binary <= TARGETS["auth_cert_read_binary_extended"]
    # The certificate and nothing more comes back: 7 x SW + the SELECT's SW.
    assert cost.short.bytes_received == REAL_CERT_SIZE + 8 * 2


def test_diagnose_with_the_real_certificate_is_at_its_floor(real_pem: Path) -> None:
    cost = measure(operation("diagnose"), real_cert_card(real_pem))
    assert (cost.short.apdus, cost.floor_short.apdus) == (10 + 7, 10 + 7)
    assert (cost.extended.apdus, cost.floor_extended.apdus) == (11, 11)


def test_diagnose_within_its_target(costs: dict[str, OperationCost]) -> None:
    assert costs["diagnose"].short.apdus <= TARGETS["diagnose_apdus"]


@pytest.mark.parametrize("key", ["read_auth_cert", "pin_status", "status", "diagnose"])
def test_operations_at_the_floor(costs: dict[str, OperationCost], key: str) -> None:
    cost = costs[key]
    assert cost.short.apdus == cost.floor_short.apdus
    assert cost.short.read_binary == cost.floor_short.read_binary
    assert cost.extended.apdus == cost.floor_extended.apdus
    assert cost.extended.read_binary == cost.floor_extended.read_binary


def test_floors_follow_the_file_sizes(sizes: ObjectSizes, costs: dict[str, OperationCost]) -> None:
    auth = reads(sizes.auth_cert)
    assert costs["read_auth_cert"].floor_short == Floor(1 + auth, auth)
    others = (sizes.auth_ca_cert, sizes.sign_cert, sizes.sign_ca_cert)
    all_reads = auth + sum(reads(n) for n in others)
    assert costs["read_all_certs"].floor_short == Floor(2 + all_reads, all_reads)
    assert costs["pin_status"].floor_short == Floor(7, 0)
    assert costs["status"].floor_short == Floor(9 + auth, 2 + auth)
    assert costs["diagnose"].floor_short == Floor(10 + auth, 1 + auth)
    assert costs["sign_auth"].floor_short == Floor(3, 0)
    info = reads(sizes.my_number) + reads(sizes.basic_info)
    assert costs["read_card_info"].floor_short == Floor(2 + info, info)
    for cost in costs.values():
        assert cost.floor_extended.read_binary <= cost.floor_short.read_binary


def test_read_all_certs_spends_one_guard_query(costs: dict[str, OperationCost]) -> None:
    cost = costs["read_all_certs"]
    # The sign certificate is read after the sign password; the guard reads the counter first.
    assert cost.short.apdus == cost.floor_short.apdus + 1
    assert cost.short.read_binary == cost.floor_short.read_binary
    assert cost.extended.apdus == cost.floor_extended.apdus + 1


def test_sign_includes_the_guard_and_the_certificate_read(
    sizes: ObjectSizes, costs: dict[str, OperationCost]
) -> None:
    cost = costs["sign_auth"]
    auth = reads(sizes.auth_cert)
    assert cost.short.read_binary == auth
    assert cost.short.apdus == cost.floor_short.apdus + 1 + auth
    assert cost.extended.apdus == cost.floor_extended.apdus + 1 + 1


def test_a_second_signature_costs_one_apdu() -> None:
    card = default_card()
    with card.open() as connection:
        session = JpkiSession(connection)
        session.verify_pin(PinKind.AUTH, card.data.auth_pin.value)
        session.sign(KeyKind.AUTH, b"first")
        before = connection.apdu_count
        session.sign(KeyKind.AUTH, b"second")
        assert connection.apdu_count - before == 1


def test_card_info_spends_the_detection_select_and_a_guard_query(
    costs: dict[str, OperationCost],
) -> None:
    cost = costs["read_card_info"]
    assert cost.short.apdus == cost.floor_short.apdus + 2
    assert cost.short.read_binary == cost.floor_short.read_binary


def test_counts_are_deterministic(costs: dict[str, OperationCost]) -> None:
    card = default_card()
    again = {op.key: measure(op, card) for op in OPERATIONS}
    assert again == costs


def _result(rows: list[OperationCost]) -> BenchResult:
    info = RunInfo("test", "3", 1, "now", 0.0, "skipped", "n/a", (0.0, 0.0))
    return BenchResult(info, tuple(rows), None, None, "skipped", None, None, None, None, None)


def test_json_apdus_maps_every_operation_to_its_short_count(real_pem: Path) -> None:
    rows = measure_all(real_pem)
    data = to_json(_result(rows))
    assert set(data["apdus"]) == set(OPERATION_KEYS)
    # read_auth_cert is the real certificate's row, the one CARD.md's floor is about.
    assert data["apdus"]["read_auth_cert"] == 8
    first = {row.key: row for row in reversed(rows)}
    for key, count in data["apdus"].items():
        assert count == first[key].short.apdus
    assert rows[0].card == REAL_CARD
    assert data["apdus_extended"]["read_auth_cert"] == 2


def test_apdu_targets_pass_and_unmeasured_ones_are_not_judged(real_pem: Path) -> None:
    verdicts = {t.key: t.passed for t in evaluate_targets(_result(measure_all(real_pem)))}
    assert verdicts["auth_cert_short"] is True
    assert verdicts["auth_cert_extended"] is True
    assert verdicts["diagnose_apdus"] is True
    assert verdicts["sim_latency_overhead"] is None
    assert verdicts["simple_apdus_per_second"] is None
