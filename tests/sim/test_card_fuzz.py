"""The card answers anything: random and mutated commands never raise and always get a SW.

``process`` has a last-resort guard that turns an exception into ``6F00``; the tests also
assert that the guard never fired (:attr:`SimulatedCard.internal_errors` stays 0), so a bug
cannot hide behind it.
"""

from __future__ import annotations

import os
import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apdu.command import CommandApdu
from sim.carddata import CardData
from sim.chip.applets.ids import Application
from sim.chip.applets.keys import RsaSigner
from sim.chip.card import SimulatedCard
from sim.chip.faults import Faults

ITERATIONS = 120_000
FRESH_CARD_EVERY = 2_000


def _valid_sw(response: bytes) -> bool:
    if len(response) < 2:
        return False
    sw1 = response[-2]
    return 0x61 <= sw1 <= 0x6F or 0x90 <= sw1 <= 0x9F


def _seed_commands(card_data: CardData) -> list[bytes]:
    """Well-formed commands reaching every handler, with right and wrong PINs."""

    def ascii_lc(value: str) -> str:
        raw = value.encode()
        return f"{len(raw):02X}{raw.hex()}"

    hex_commands = [f"00A4040C0A{application.value.hex()}" for application in Application]
    hex_commands += [f"00A4020C02{fid:04X}" for fid in (1, 2, 3, 5, 6, 8, 10, 11, 0x11, 0x12)]
    hex_commands += [f"00A4020C02{fid:04X}" for fid in (0x17, 0x18, 0x1A, 0x1B, 0x1C)]
    hex_commands += [
        "00A40000",
        "00B0000004",
        "00B0000000",
        "00B00100FF",
        "00B0000000FFFF",
        "00B08A0000",
        "00B0810010",
        "00B2010400",
        "00B2010C00",
        "00200080",
        "00200098",
        "0020009B",
        "00200091",
        "00200092",
        "0020009C",
        "0020009800",
        "00200098" + ascii_lc(card_data.auth_pin.value),
        "0020009B" + ascii_lc(card_data.sign_password.value),
        "00200091" + ascii_lc(card_data.card_info_pin.value),
        "0020009C" + ascii_lc(card_data.juki_pin.value),
        "00200098" + ascii_lc("0000"),
        "00240198" + ascii_lc("1234"),
        "0024019B" + ascii_lc("NEWPASS1"),
        "802A009733" + "3031300D060960864801650304020105000420" + "AB" * 32 + "00",
        "802A009A33" + "3031300D060960864801650304020105000420" + "CD" * 32 + "00",
        "802A0197" + "04DEADBEEF00",
        "802A0297" + "20" + "11" * 32 + "00",
        "802A0597" + "0100" + "00",
        "802A0080" + "0101" + "00",
        "0084000008",
        "00C0000010",
    ]
    return [bytes.fromhex(command) for command in hex_commands]


def _mutate(rng: random.Random, seed: bytes) -> bytes:
    choice = rng.randrange(9)
    raw = bytearray(seed)
    if choice == 0 and raw:  # flip a few bits
        for _ in range(rng.randint(1, 3)):
            raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        return bytes(raw)
    if choice == 1:  # truncate
        return bytes(raw[: rng.randrange(len(raw) + 1)])
    if choice == 2:  # extend
        tail = rng.choice((b"\x00", b"\x00\x00", b"\xff", rng.randbytes(rng.randint(1, 6))))
        return bytes(raw) + tail
    if choice == 3 and len(raw) >= 4:  # random CLA, INS, P1 or P2
        raw[rng.randrange(4)] = rng.randrange(256)
        return bytes(raw)
    if choice == 4 and len(raw) >= 5:  # corrupt Lc (or the first extended length byte)
        raw[4] = rng.randrange(256)
        return bytes(raw)
    if choice == 5:  # random header on a random case
        body = rng.choice(
            (
                b"",
                bytes((rng.randrange(256),)),
                bytes((0, rng.randrange(256), rng.randrange(256))),
                bytes((n := rng.randint(1, 40),)) + rng.randbytes(n),
                bytes((n := rng.randint(1, 40),)) + rng.randbytes(n) + b"\x00",
                b"\x00" + (n := rng.randint(1, 300)).to_bytes(2, "big") + rng.randbytes(n),
            )
        )
        return rng.randbytes(4) + body
    if choice == 6:  # pure noise, mostly short
        return rng.randbytes(rng.choice((0, 1, 2, 3, 4, 5, 6, 7, rng.randint(8, 300))))
    if choice == 7:  # a known INS under a random CLA
        raw[0:1] = bytes((rng.randrange(256),)) if raw else b""
        return bytes(raw)
    return bytes(raw)  # the seed itself, to move the state machine on


def _fresh_cards(card_data: CardData) -> list[SimulatedCard]:
    cards = [
        SimulatedCard(card_data, log_limit=64),
        SimulatedCard(
            replace(card_data, clear_verified_on_select=False),
            faults=Faults(get_response_chunk=50, exact_le=True),
            log_limit=64,
        ),
        SimulatedCard(
            replace(card_data, smartphone_token=True),
            faults=Faults(refuse_extended=True, fail_first_after_power_on=True),
            log_limit=64,
        ),
    ]
    for card in cards:
        card.power_on()
    return cards


def test_random_and_mutated_commands_always_get_a_status_word(
    card_data: CardData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real RSA costs milliseconds; the fuzz is about parsing and state, and real signing has
    # its own tests (and the property test below), so the private-key step is stubbed.
    monkeypatch.setattr(RsaSigner, "sign", lambda self, scheme, data: bytes(256))
    # A fixed seed keeps CI deterministic; JPKI_FUZZ_SEED=random explores new inputs and
    # JPKI_FUZZ_SEED=<n> replays a run (the seed is in every failure message).
    chosen = os.environ.get("JPKI_FUZZ_SEED", "")
    if chosen == "random":
        seed = random.SystemRandom().getrandbits(32)
    else:
        seed = int(chosen) if chosen else 0x4A504B49
    rng = random.Random(seed)  # noqa: S311 - test inputs, not secrets
    seeds = _seed_commands(card_data)
    cards = _fresh_cards(card_data)
    errors = 0
    for i in range(ITERATIONS):
        if i % FRESH_CARD_EVERY == 0 and i:
            errors += sum(card.internal_errors for card in cards)
            cards = _fresh_cards(card_data)
        card = cards[i % len(cards)]
        if rng.random() < 0.002:
            rng.choice((card.power_off, card.power_on, card.reset))()
        command = _mutate(rng, rng.choice(seeds))
        response = card.process(command)
        assert _valid_sw(response), f"seed {seed}: {command.hex()} -> {response.hex()}"
    errors += sum(card.internal_errors for card in cards)
    assert errors == 0, f"seed {seed}: {errors} commands hit a simulator bug (see the log)"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_get_a_status_word(card_data: CardData, command: bytes) -> None:
    card = _card_for_property(card_data)
    for prefix in (b"", bytes.fromhex(f"00A4040C0A{Application.JPKI.value.hex()}")):
        if prefix:
            card.process(prefix)
        assert _valid_sw(card.process(command))
    assert card.internal_errors == 0


@settings(max_examples=60, deadline=None)
@given(p1=st.integers(0, 255), data=st.binary(max_size=300), le=st.sampled_from([None, 1, 256]))
def test_real_signing_with_any_input_gets_a_status_word(
    card_data: CardData, p1: int, data: bytes, le: int | None
) -> None:
    card = SimulatedCard(card_data)  # fresh: earlier examples must not have spent PIN tries
    card.power_on()
    card.process(bytes.fromhex(f"00A4040C0A{Application.JPKI.value.hex()}"))
    pin = card_data.auth_pin.value.encode()
    assert card.process(bytes.fromhex(f"0020009804{pin.hex()}")) == b"\x90\x00"
    command = CommandApdu(0x80, 0x2A, p1, 0x97, data, le)
    response = card.process(command.to_bytes())
    assert _valid_sw(response)
    if response[-2:] == b"\x90\x00":
        assert len(response) == 258
    assert card.internal_errors == 0


_PROPERTY_CARDS: dict[int, SimulatedCard] = {}


def _card_for_property(card_data: CardData) -> SimulatedCard:
    """One card per card data, re-powered for each example (building costs milliseconds)."""
    card = _PROPERTY_CARDS.get(id(card_data))
    if card is None:
        card = _PROPERTY_CARDS[id(card_data)] = SimulatedCard(card_data)
    card.power_off()
    card.power_on()
    return card
