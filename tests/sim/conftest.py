"""Shared fixtures for the simulated-card tests: one test PKI per session, a fresh card per test.

Keys come from the published pool in :mod:`sim.factory.testkeys` (never generated here); the
certificates are issued once per session by the simulated CAs of :mod:`sim.factory.pki`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pytest

from apdu.response import ResponseApdu
from sim.carddata import CardData, CardHolder, SexCode
from sim.chip.card import SimulatedCard
from sim.factory import pki, testkeys
from tests.holders import HANAKO

AUTH_KEY_INDEX = 0
SIGN_KEY_INDEX = 1

Send = Callable[[str], ResponseApdu]
"""Send a command given as hex (spaces allowed) to the card fixture; get the parsed response."""


@dataclass(frozen=True)
class CardPki:
    """The certificates the test card carries."""

    auth_ca: pki.SimulatedCa
    sign_ca: pki.SimulatedCa
    auth: pki.IssuedCertificate
    sign: pki.IssuedCertificate


@pytest.fixture(scope="session")
def card_pki(sim_auth_ca: pki.SimulatedCa, sim_sign_ca: pki.SimulatedCa) -> CardPki:
    """A simulated JPKI hierarchy and the two end-entity certificates of one holder."""
    auth_ca, sign_ca = sim_auth_ca, sim_sign_ca
    issued_at = datetime(2024, 4, 1, 1, 2, 3, tzinfo=UTC)
    expires_on = date(2029, 1, 7)
    auth = pki.issue_auth_certificate(
        auth_ca,
        testkeys.pool_key(AUTH_KEY_INDEX),
        subject_id="SIMAUTH0000001",
        issued_at=issued_at,
        expires_on=expires_on,
    )
    sign = pki.issue_sign_certificate(
        sign_ca,
        testkeys.pool_key(SIGN_KEY_INDEX),
        holder=replace(HANAKO, name="番号\u3000花子"),
        subject_id="SIMSIGN0000001",
        issued_at=issued_at,
        expires_on=expires_on,
    )
    return CardPki(auth_ca=auth_ca, sign_ca=sign_ca, auth=auth, sign=sign)


@pytest.fixture(scope="session")
def card_data(card_pki: CardPki) -> CardData:
    """A full physical card: both certificates and keys, default PINs with all tries left."""
    return CardData(
        auth_certificate=card_pki.auth.der,
        auth_ca_certificate=card_pki.auth_ca.der,
        sign_certificate=card_pki.sign.der,
        sign_ca_certificate=card_pki.sign_ca.der,
        auth_key=AUTH_KEY_INDEX,
        sign_key=SIGN_KEY_INDEX,
        holder=CardHolder(
            name="番号\u3000花子",
            address="東京都千代田区千代田１丁目１番１号",
            birth_date=date(1989, 1, 7),
            sex=SexCode.FEMALE,
        ),
        my_number="123456789018",
        card_serial="900000000012345",
        municipality_code="13101",
        card_expiry=date(2034, 1, 7),
    )


@pytest.fixture
def card(card_data: CardData) -> SimulatedCard:
    """A freshly made, powered card."""
    made = SimulatedCard(card_data)
    made.power_on()
    return made


@pytest.fixture
def send(card: SimulatedCard) -> Send:
    """Send hex commands to :func:`card` and parse the answers (SW validity checked)."""

    def _send(command_hex: str) -> ResponseApdu:
        raw = card.process(bytes.fromhex(command_hex.replace(" ", "")))
        return ResponseApdu.from_bytes(raw)

    return _send
