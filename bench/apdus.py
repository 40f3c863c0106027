"""Round trips and bytes on the wire for what the toolkit does, next to the floor.

Each operation runs on a fresh simulated card in this process, once with short APDUs and once
with extended APDUs (the session's ``extended=True``), and is measured from the connection's
:attr:`~apdu.Connection.stats`; READ BINARY commands are counted from what the card received.

The floor is the fewest APDUs any client needs for the same result on the same card
(CARD.md section 6): one SELECT per application that must be visited, ``ceil(N / Le)``
READ BINARY for an object of N bytes when the first read doubles as the length probe
(Le 256 with short APDUs, 65536 with extended ones), files and keys addressed by short EF
identifier (no SELECT EF), one VERIFY per PIN, one SIGN. Sizes are those of the objects on the
card in use (filler after an object is never read).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from apdu import ApduStats, Connection, parse_header
from apdu.command import MAX_LE_EXTENDED, MAX_LE_SHORT
from jpki.ids import CertKind, KeyKind, PinKind
from jpki.session import JpkiSession
from jpki.status import read_status
from sim.carddata import CardData
from sim.chip.applets import Applet, ChipFile
from sim.chip.applets import Application as SimApplication
from sim.chip.applets.files import BinaryFile
from sim.chip.card import SimulatedCard
from sim.chip.connection import SimConnection
from sim.factory.profiles import DEFAULT_PROFILE, build_card_data

__all__ = [
    "OPERATIONS",
    "REAL_AUTH_CERT",
    "REAL_CARD",
    "SIGNED_MESSAGE",
    "Floor",
    "ObjectSizes",
    "Operation",
    "OperationCost",
    "TestCard",
    "Wire",
    "default_card",
    "measure",
    "measure_all",
    "operation",
    "real_cert_card",
]

_INS_READ_BINARY = 0xB0

#: The real production auth certificate (1573 bytes of DER), public, in the test data.
REAL_AUTH_CERT = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "real" / "auth-cert-production.pem"
)

#: The card name of the operations measured on the card holding the real certificate.
REAL_CARD = "real-cert"

#: What ``sign_auth`` signs.
SIGNED_MESSAGE = b"benchmark"


@dataclass(frozen=True, slots=True)
class TestCard:
    """A simulated card to measure on.

    :param name: short name for tables and JSON (``adult``, ``real-cert``).
    :param description: what is special about it.
    :param data: its contents.
    """

    __test__ = False  # not a pytest test class, whatever its name

    name: str
    description: str
    data: CardData

    def open(self) -> SimConnection:
        """A fresh card, powered on, behind an in-process connection."""
        return SimConnection(SimulatedCard(self.data), name=f"bench card ({self.name})")


@functools.cache
def default_card() -> TestCard:
    """The default profile's card (built once per process: issuing it takes a while)."""
    data = build_card_data(DEFAULT_PROFILE)
    size = len(data.auth_certificate or b"")
    return TestCard(DEFAULT_PROFILE, f"profile '{DEFAULT_PROFILE}', auth cert {size} B", data)


@functools.cache
def real_cert_card(path: Path = REAL_AUTH_CERT) -> TestCard:
    """The default card with the real production certificate as auth certificate.

    Its auth key does not match that certificate, so it is only good for reading.

    :raises OSError: the certificate file cannot be read.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    der = x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(Encoding.DER)
    data = replace(default_card().data, auth_certificate=der)
    return TestCard(REAL_CARD, f"real production auth cert {len(der)} B", data)


@dataclass(frozen=True, slots=True)
class ObjectSizes:
    """The length of each object on a card (its BER/DER header says it; filler excluded)."""

    auth_cert: int
    auth_ca_cert: int
    sign_cert: int
    sign_ca_cert: int
    my_number: int
    basic_info: int

    @classmethod
    def of(cls, card: SimulatedCard) -> ObjectSizes:
        """The sizes of the objects on *card*."""
        jpki = card.applet(SimApplication.JPKI)
        card_info = card.applet(SimApplication.CARD_INFO)

        def size(applet: Applet, fid: int) -> int:
            ef = applet.files.get(fid)
            if not isinstance(ef, BinaryFile):
                return 0
            return parse_header(ef.content).total_length

        return cls(
            auth_cert=size(jpki, ChipFile.JPKI_AUTH_CERT.fid),
            auth_ca_cert=size(jpki, ChipFile.JPKI_AUTH_CA_CERT.fid),
            sign_cert=size(jpki, ChipFile.JPKI_SIGN_CERT.fid),
            sign_ca_cert=size(jpki, ChipFile.JPKI_SIGN_CA_CERT.fid),
            my_number=size(card_info, ChipFile.CARD_INFO_MY_NUMBER.fid),
            basic_info=size(card_info, ChipFile.CARD_INFO_BASIC_INFO.fid),
        )


@dataclass(frozen=True, slots=True)
class Floor:
    """The fewest APDUs (and READ BINARY among them) any client needs."""

    apdus: int
    read_binary: int


@dataclass(frozen=True, slots=True)
class Wire:
    """What one run of an operation put on the wire."""

    apdus: int
    read_binary: int
    bytes_sent: int
    bytes_received: int


def _reads(size: int, max_le: int) -> int:
    """READ BINARY commands for an object of *size* bytes, the first one as length probe."""
    return math.ceil(size / max_le) if size else 0


def _floor_read_auth_cert(s: ObjectSizes, le: int) -> Floor:
    rb = _reads(s.auth_cert, le)
    return Floor(1 + rb, rb)  # SELECT JPKI


def _floor_read_all_certs(s: ObjectSizes, le: int) -> Floor:
    rb = sum(_reads(n, le) for n in (s.auth_cert, s.auth_ca_cert, s.sign_cert, s.sign_ca_cert))
    return Floor(1 + 1 + rb, rb)  # SELECT JPKI, VERIFY sign password


def _floor_pin_status(s: ObjectSizes, le: int) -> Floor:
    return Floor(3 + 4, 0)  # SELECT JPKI, text AP, Juki AP; four queries


def _floor_status(s: ObjectSizes, le: int) -> Floor:
    rb = 2 + _reads(s.auth_cert, le)  # token, availability, certificate
    return Floor(1 + rb + 2 + 2 + 2, rb)  # + JPKI queries; SELECT + query for text, Juki


def _floor_diagnose(s: ObjectSizes, le: int) -> Floor:
    rb = 1 + _reads(s.auth_cert, le)  # availability, certificate
    # SELECT JPKI, reads, 2 JPKI queries, SELECT + query (text, Juki), SELECT + READ RECORD
    return Floor(1 + rb + 2 + 2 + 2 + 2, rb)


def _floor_sign_auth(s: ObjectSizes, le: int) -> Floor:
    return Floor(3, 0)  # SELECT JPKI, VERIFY by SFI, SIGN by SFI


def _floor_read_card_info(s: ObjectSizes, le: int) -> Floor:
    rb = _reads(s.my_number, le) + _reads(s.basic_info, le)
    return Floor(1 + 1 + rb, rb)  # SELECT text AP, VERIFY


def _run_read_auth_cert(connection: Connection, data: CardData, extended: bool) -> None:
    JpkiSession(connection, extended=extended).read_certificate(CertKind.AUTH)


def _run_read_all_certs(connection: Connection, data: CardData, extended: bool) -> None:
    session = JpkiSession(connection, extended=extended)
    for kind in (CertKind.AUTH, CertKind.AUTH_CA, CertKind.SIGN_CA):
        session.read_certificate(kind)
    session.verify_pin(PinKind.SIGN, data.sign_password.known_value)
    session.read_certificate(CertKind.SIGN)


def _run_pin_status(connection: Connection, data: CardData, extended: bool) -> None:
    JpkiSession(connection, extended=extended).all_pin_status()


def _run_status(connection: Connection, data: CardData, extended: bool) -> None:
    read_status(JpkiSession(connection, extended=extended))


def _run_diagnose(connection: Connection, data: CardData, extended: bool) -> None:
    from jpki.diagnosis import read_facts

    read_facts(connection, extended=extended)


def _run_sign_auth(connection: Connection, data: CardData, extended: bool) -> None:
    session = JpkiSession(connection, extended=extended)
    session.verify_pin(PinKind.AUTH, data.auth_pin.known_value)
    session.sign(KeyKind.AUTH, SIGNED_MESSAGE)


def _run_read_card_info(connection: Connection, data: CardData, extended: bool) -> None:
    session = JpkiSession(connection, extended=extended)
    session.verify_pin(PinKind.CARD_INFO, data.card_info_pin.known_value)
    session.read_card_info()


Runner = Callable[[Connection, CardData, bool], None]
FloorRule = Callable[[ObjectSizes, int], Floor]


@dataclass(frozen=True, slots=True)
class Operation:
    """Something the toolkit does, how to run it and its floor.

    :param key: the name in JSON (``apdus`` object) and tests.
    :param label: what the table shows.
    :param run: runs it on an open connection (the session is made inside).
    :param floor: the floor for the card's object sizes and the largest Le.
    :param note: what the measured figure includes beyond the floor, and why.
    """

    key: str
    label: str
    run: Runner
    floor: FloorRule
    note: str


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "read_auth_cert",
        "read the auth certificate",
        _run_read_auth_cert,
        _floor_read_auth_cert,
        "SELECT JPKI + READ BINARY by SFI, the first read is the length probe",
    ),
    Operation(
        "read_all_certs",
        "read all four certificates",
        _run_read_all_certs,
        _floor_read_all_certs,
        "the sign cert after verifying the sign password; +1 PIN query: the guard reads "
        "the counter before every VERIFY",
    ),
    Operation(
        "pin_status",
        "PIN status, all four PINs",
        _run_pin_status,
        _floor_pin_status,
        "VERIFY queries by SFI, JPKI PINs first",
    ),
    Operation(
        "status",
        "status (read_status)",
        _run_status,
        _floor_status,
        "token, availability, auth cert, four PIN counters",
    ),
    Operation(
        "diagnose",
        "diagnose (reading the card facts)",
        _run_diagnose,
        _floor_diagnose,
        "jpki.diagnosis.read_facts, no chain check; the token EF is not read on a plain card",
    ),
    Operation(
        "sign_auth",
        "sign with the auth key",
        _run_sign_auth,
        _floor_sign_auth,
        "verify PIN + sign; +1 guard PIN query; the certificate is not read (the self-check "
        "is asked for: 'sign --check', check=True); a 2nd signature costs 1 APDU",
    ),
    Operation(
        "read_card_info",
        "My Number + basic 4 info",
        _run_read_card_info,
        _floor_read_card_info,
        "verify card-info PIN + read both; +1 SELECT JPKI (the session detects the card) "
        "+1 guard PIN query",
    ),
)


@dataclass(frozen=True, slots=True)
class OperationCost:
    """One operation on one card: measured with short and extended APDUs, and the floors."""

    key: str
    label: str
    card: str
    card_description: str
    short: Wire
    extended: Wire
    floor_short: Floor
    floor_extended: Floor
    note: str

    @property
    def at_floor(self) -> bool:
        """Whether the short-APDU count equals its floor."""
        return self.short.apdus == self.floor_short.apdus


def _run_once(operation: Operation, card: TestCard, extended: bool) -> Wire:
    with card.open() as connection:
        sim_card = connection.card
        assert isinstance(sim_card, SimulatedCard)
        before: ApduStats = connection.stats
        sim_card.clear_received()
        operation.run(connection, card.data, extended)
        spent = connection.stats - before
        read_binary = sum(
            1 for command in sim_card.received if command[1:2] == bytes((_INS_READ_BINARY,))
        )
        if sim_card.internal_errors:
            raise RuntimeError(f"the simulated card failed during {operation.key}")
    return Wire(spent.apdus, read_binary, spent.bytes_sent, spent.bytes_received)


def measure(operation: Operation, card: TestCard) -> OperationCost:
    """Run *operation* on fresh copies of *card*, short and extended; compute its floors."""
    with card.open() as connection:
        sim_card = connection.card
        assert isinstance(sim_card, SimulatedCard)
        sizes = ObjectSizes.of(sim_card)
    return OperationCost(
        key=operation.key,
        label=operation.label,
        card=card.name,
        card_description=card.description,
        short=_run_once(operation, card, extended=False),
        extended=_run_once(operation, card, extended=True),
        floor_short=operation.floor(sizes, MAX_LE_SHORT),
        floor_extended=operation.floor(sizes, MAX_LE_EXTENDED),
        note=operation.note,
    )


def operation(key: str) -> Operation:
    """The operation called *key*."""
    for op in OPERATIONS:
        if op.key == key:
            return op
    raise KeyError(key)


def measure_all(real_cert: Path | None = REAL_AUTH_CERT) -> list[OperationCost]:
    """Every operation on the default card, and, when *real_cert* is given, the auth
    certificate read and the diagnosis also on a card holding that certificate.

    The auth certificate read on the real certificate comes first: it is the row that
    CARD.md's floor (7 READ BINARY for 1573 bytes) is about.
    """
    real = real_cert_card(real_cert) if real_cert is not None else None
    card = default_card()
    rows: list[OperationCost] = []
    for op in OPERATIONS:
        if real is not None and op.key == "read_auth_cert":
            rows.append(measure(op, real))
        rows.append(measure(op, card))
        if real is not None and op.key == "diagnose":
            rows.append(measure(op, real))
    return rows
