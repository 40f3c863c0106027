"""Shared helpers of the diagnosis tests: hand-made card facts, certificates, the CLI runner.

Certificates come from the simulated CAs of :mod:`sim.factory.pki` with the published test keys (no
key is generated); the real production certificate and the J-LIS roots are read from
``tests/data`` (public certificates copied into the repository).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import pytest

from apdu.trace import trace_logger
from jpki.certificate import CertificateInfo
from jpki.cli.main import main
from jpki.diagnosis import CardFacts, ChipKind, PinFact
from jpki.ids import PinKind, TokenKind
from jpki.jst import JST
from jpki.models import Availability, CardRecord, PinStatus, TokenInfo
from sim.factory import pki, testkeys

TODAY = date(2026, 11, 22)
"""The day every test judges (the simulator profiles' reference date)."""

ADULT_CARD_EXPIRY = date(2034, 4, 12)
ADULT_CERT_ISSUED = date(2024, 6, 3)
ADULT_CERT_EXPIRY = date(2029, 4, 12)
BOTH = bytes.fromhex("8F8F00")
AUTH_ONLY = bytes.fromhex("008F00")


@functools.cache
def _auth_ca(organization: str) -> pki.SimulatedCa:
    return pki.build_ca(pki.CaKind.AUTH, organization=organization)


@functools.cache
def auth_certificate(
    issued: date = ADULT_CERT_ISSUED,
    expires: date = ADULT_CERT_EXPIRY,
    organization: str = pki.SIM_ORGANIZATION,
) -> CertificateInfo:
    """A user-authentication certificate issued at 10:00 JST on *issued*, valid to *expires*."""
    issued_cert = pki.issue_auth_certificate(
        _auth_ca(organization),
        testkeys.pool_key(0),
        subject_id="DIAGTEST0001",
        issued_at=datetime.combine(issued, time(10), tzinfo=JST),
        expires_on=expires,
    )
    return CertificateInfo.from_der(issued_cert.der)


def pins(**remaining: int) -> tuple[PinFact, ...]:
    """The four PIN facts, full unless a count is given (``auth=0``, ``card_info=1``...)."""
    facts = []
    for kind in PinKind:
        left = remaining.get(kind.json_key, kind.max_tries)
        facts.append(PinFact(kind, PinStatus(kind, left)))
    return tuple(facts)


def record(expiry: date = ADULT_CARD_EXPIRY) -> CardRecord:
    """A common-AP record with *expiry*."""
    return CardRecord("900000000000001", "13105", expiry.strftime("%Y%m%d"))


def card_facts(**overrides: Any) -> CardFacts:
    """Facts of a healthy adult card (both certificates, full PINs), with *overrides*."""
    values: dict[str, Any] = {
        "chip": ChipKind.MY_NUMBER_CARD,
        "availability": Availability(BOTH),
        "auth_certificate": auth_certificate(),
        "pins": pins(),
        "card_record": record(),
    }
    values.update(overrides)
    return CardFacts(**values)


def card_until(
    expiry: date, auth_issued: date, auth_expiry: date | None = None, **overrides: Any
) -> CardFacts:
    """Facts of a card the chip says ends on *expiry*, whose user-authentication certificate
    was issued on *auth_issued* and ends with the card (or on *auth_expiry*), with
    *overrides* as in :func:`card_facts`."""
    return card_facts(
        auth_certificate=auth_certificate(auth_issued, auth_expiry or expiry),
        card_record=record(expiry),
        **overrides,
    )


def token_facts(kind: TokenKind, **overrides: Any) -> CardFacts:
    """Facts of a chip whose token EF names *kind*, of the chip kind that token stands for."""
    return card_facts(
        chip=ChipKind.from_token(kind), token=TokenInfo(kind.value, kind), **overrides
    )


def expired_card() -> CardFacts:
    """A card that ended on 2026-03-01; its certificates, never renewed, on 2021-03-01."""
    return card_until(date(2026, 3, 1), date(2016, 3, 1), date(2021, 3, 1))


class Kit:
    """The helpers above, handed to tests as the ``kit`` fixture (conftest is not importable)."""

    today = TODAY
    card_expiry = ADULT_CARD_EXPIRY
    cert_issued = ADULT_CERT_ISSUED
    cert_expiry = ADULT_CERT_EXPIRY
    both = BOTH
    auth_only = AUTH_ONLY
    facts = staticmethod(card_facts)
    auth = staticmethod(auth_certificate)
    pins = staticmethod(pins)
    record = staticmethod(record)
    card_until = staticmethod(card_until)
    expired_card = staticmethod(expired_card)
    token_facts = staticmethod(token_facts)


@pytest.fixture(scope="session")
def kit() -> Kit:
    """Hand-made facts and certificates for engine tests."""
    return Kit()


@dataclass(frozen=True)
class CliRun:
    """What one in-process ``jpki`` run printed and returned."""

    code: int
    out: str
    err: str

    @property
    def json(self) -> dict[str, Any]:
        """stdout parsed as JSON."""
        result: dict[str, Any] = json.loads(self.out)
        return result

    @property
    def codes(self) -> list[str]:
        """The finding codes of a ``--json`` run."""
        return [finding["code"] for finding in self.json["findings"]]


Runner = Callable[..., CliRun]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Iterator[Runner]:
    """Run ``jpki ARGS...`` in this process and capture its output.

    ``main`` configures logging for its process; in one test process the handlers and the
    trace level of earlier runs (``--trace`` elsewhere) would otherwise write into these runs.
    """
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, trace_logger.level)
    root.handlers.clear()
    trace_logger.setLevel(logging.NOTSET)

    def run(*args: str) -> CliRun:
        try:
            code = main(list(args))
        finally:
            root.handlers.clear()
            trace_logger.setLevel(logging.NOTSET)
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    yield run
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    trace_logger.setLevel(saved[2])
