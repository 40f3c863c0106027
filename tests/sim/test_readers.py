"""The card behind each reader behaviour, and the client's extended-length fallback on each.

Every test runs the client (``jpki.session``) unchanged through a :class:`ReaderPath` and
checks both what the client got and what the card itself received.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from apdu.command import decode_command
from jpki.ids import CertKind, KeyKind, PinKind
from jpki.session import JpkiSession
from sim.carddata import CardData
from sim.chip.card import SimulatedCard
from sim.chip.connection import SimConnection
from sim.chip.readers import NFC_ATR, ReaderKind, ReaderPath, ReaderProfile

SHA256_DIGEST_INFO = bytes.fromhex("3031300D060960864801650304020105000420") + bytes(range(32))


def _extended(command: bytes) -> bool:
    return decode_command(command).extended


def _through(card: SimulatedCard, kind: ReaderKind, **settings: int) -> SimConnection:
    return SimConnection(ReaderPath(card, ReaderProfile(kind, **settings)))


@pytest.mark.parametrize("kind", list(ReaderKind))
@pytest.mark.parametrize("extended", [True, False])
def test_the_client_reads_and_signs_behind_every_reader(
    card_data: CardData, kind: ReaderKind, extended: bool
) -> None:
    card = SimulatedCard(card_data)
    with _through(card, kind, sign_delay_ms=1) as connection:
        session = JpkiSession(connection, extended=extended)
        certificate = session.read_certificate(CertKind.AUTH)
        assert certificate.info.der == card_data.auth_certificate
        session.verify_pin(PinKind.AUTH, card_data.auth_pin.value)
        signature = session.sign_digest_info(KeyKind.AUTH, SHA256_DIGEST_INFO)
    public = certificate.info.certificate.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(signature, bytes(range(32)), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    verifies = [c for c in card.received if c[1] == 0x20 and len(c) > 5]
    assert len(verifies) == 1  # a PIN command is sent once, whatever the reader does
    sent_extended = [c for c in card.received if _extended(c)]
    if extended and kind.extended:
        assert sent_extended  # the card got the extended READ
    else:
        assert sent_extended == []  # short APDUs only reached it


@pytest.mark.parametrize("kind", [ReaderKind.NO_EXTENDED, ReaderKind.T0])
def test_an_extended_apdu_fails_at_the_reader_and_the_client_falls_back(
    card_data: CardData, kind: ReaderKind
) -> None:
    card = SimulatedCard(card_data)
    with _through(card, kind) as connection:
        connection.transmit(bytes.fromhex("00A4040C0AD392F000260100000001"))
        # An extended READ BINARY by SFI never reaches the card.
        before = len(card.received)
        assert connection.transmit(bytes.fromhex("00B08A00000000")) == b"\x67\x00"
        assert len(card.received) == before
        session = JpkiSession(connection, extended=True)
        der = session.read_certificate(CertKind.AUTH).info.der
    assert der == card_data.auth_certificate


def test_t0_answers_61xx_and_6cxx_and_get_response_fetches_the_data(card_data: CardData) -> None:
    card = SimulatedCard(card_data)
    path = ReaderPath(card, ReaderProfile(ReaderKind.T0))
    path.power_on()
    assert path.process(bytes.fromhex("00A4040C0AD392F000260100000001")) == b"\x90\x00"
    # Case 2 with the wrong Le: 6Cxx names the right one (the availability EF has 3 bytes).
    assert path.process(bytes.fromhex("00B0880000")) == b"\x6c\x03"
    assert path.process(bytes.fromhex("00B0880003")) == bytes.fromhex("8F8F00") + b"\x90\x00"
    # Case 4: the signature comes back through GET RESPONSE, 61xx at a time.
    pin = card_data.auth_pin.value.encode()
    assert path.process(bytes.fromhex("0020009804") + pin) == b"\x90\x00"
    command = bytes.fromhex("802A009733") + SHA256_DIGEST_INFO[:51] + b"\x00"
    assert path.process(command) == b"\x61\x00"
    first = path.process(bytes.fromhex("00C0000080"))
    assert first[-2:] == b"\x61\x80" and len(first) == 130
    last = path.process(bytes.fromhex("00C0000080"))
    assert last[-2:] == b"\x90\x00" and len(last) == 130
    # GET RESPONSE with nothing pending goes to the card, which has nothing either.
    assert path.process(bytes.fromhex("00C0000010")) == b"\x69\x85"


def test_nfc_makes_up_its_atr_and_the_client_still_finds_the_card(card_data: CardData) -> None:
    card = SimulatedCard(card_data)
    with _through(card, ReaderKind.NFC, sign_delay_ms=0) as connection:
        assert connection.atr == NFC_ATR != card.atr
        assert NFC_ATR[:4] == bytes.fromhex("3B888001")
        check = 0
        for byte in NFC_ATR[1:]:
            check ^= byte
        assert check == 0  # TCK makes the XOR of T0..TCK zero
        session = JpkiSession(connection)  # detected by SELECT, never by ATR
        assert session.token().name == card_data.token_name


def test_reader_profile_settings() -> None:
    assert ReaderProfile(ReaderKind.NFC).sign_delay == 0.6
    assert ReaderProfile(ReaderKind.NFC, 250).sign_delay == 0.25
    assert ReaderProfile(ReaderKind.CONTACT).sign_delay == 0.0
    with pytest.raises(ValueError, match="0 to 60000"):
        ReaderProfile(ReaderKind.NFC, -1)
    with pytest.raises(TypeError):
        ReaderProfile("nfc")  # type: ignore[arg-type]
    assert [k.extended for k in ReaderKind] == [True, False, False, True]


def test_power_events_pass_to_the_card(card_data: CardData) -> None:
    card = SimulatedCard(card_data)
    path = ReaderPath(card, ReaderProfile(ReaderKind.T0))
    path.power_on()
    assert path.powered and card.powered
    path.power_off()
    assert not path.powered and not card.powered
