"""PIN semantics of the simulated card (CARD.md section 4): counting, blocking, persistence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from apdu.response import ResponseApdu
from sim.carddata import CardData, PinSetting
from sim.chip.applets.ids import Application
from sim.chip.card import SimulatedCard
from sim.chip.connection import SimConnection

Send = Callable[[str], ResponseApdu]


def select(application: Application) -> str:
    return f"00A4040C0A{application.value.hex()}"


def lc_data(value: str) -> str:
    raw = value.encode("ascii")
    return f"{len(raw):02X}{raw.hex()}"


# (application, PIN file ID, CardData field, tries)
PINS = [
    pytest.param(Application.JPKI, 0x18, "auth_pin", 3, id="auth"),
    pytest.param(Application.JPKI, 0x1B, "sign_password", 5, id="sign"),
    pytest.param(Application.CARD_INFO, 0x11, "card_info_pin", 3, id="card-info"),
    pytest.param(Application.JUKI, 0x1C, "juki_pin", 3, id="juki"),
]


def wrong_value(right: str) -> str:
    return "0000" if right != "0000" else "1111"


@pytest.mark.parametrize(("application", "fid", "field", "tries"), PINS)
def test_wrong_pins_count_down_to_63c0_then_6984(
    send: Send,
    card: SimulatedCard,
    card_data: CardData,
    application: Application,
    fid: int,
    field: str,
    tries: int,
) -> None:
    right = getattr(card_data, field).value
    verify = f"002000{0x80 | fid:02X}"
    send(select(application))
    for left in range(tries - 1, 0, -1):
        assert send(verify + lc_data(wrong_value(right))).sw == 0x63C0 | left
        assert send(verify).sw == 0x63C0 | left  # the query spends nothing
    assert send(verify + lc_data(wrong_value(right))).sw == 0x63C0  # the exhausting attempt
    assert send(verify + lc_data(wrong_value(right))).sw == 0x6984
    assert send(verify + lc_data(right)).sw == 0x6984  # even the right PIN
    assert send(verify).sw == 0x63C0  # query of a blocked PIN
    assert send(f"002401{0x80 | fid:02X}" + lc_data(right)).sw == 0x6984
    card.power_off()
    card.power_on()
    send(select(application))
    assert send(verify).sw == 0x63C0  # still blocked after a power cycle
    assert getattr(card.card_data, field).tries_left == 0


def test_blocked_auth_pin_leaves_the_auth_key_unusable(send: Send) -> None:
    send(select(Application.JPKI))
    for _ in range(3):
        send("00200098" + lc_data("0000"))
    digest_info = "3031300D060960864801650304020105000420" + "00" * 32
    assert send(f"802A009733{digest_info}00").sw == 0x6982


def test_success_resets_the_counter_to_max(
    send: Send, card: SimulatedCard, card_data: CardData
) -> None:
    send(select(Application.JPKI))
    assert send("0020009B" + lc_data("WRONG1")).sw == 0x63C4
    assert send("0020009B" + lc_data("WRONG2")).sw == 0x63C3
    assert send("0020009B" + lc_data(card_data.sign_password.value)).sw == 0x9000
    send(select(Application.JPKI))
    assert send("0020009B").sw == 0x9000  # verified: the query answers 9000, not 63Cx
    card.reset()  # only a reset (or power-off) clears the verified state
    send(select(Application.JPKI))
    assert send("0020009B").sw == 0x63C5


def test_tries_survive_power_cycles_and_connections(card: SimulatedCard) -> None:
    with SimConnection(card) as conn:
        conn.transmit(bytes.fromhex(select(Application.JUKI)))
        assert conn.transmit(bytes.fromhex("0020009C" + lc_data("0000"))) == b"\x63\xc2"
    assert not card.powered
    with SimConnection(card) as conn:
        conn.transmit(bytes.fromhex(select(Application.JUKI)))
        assert conn.transmit(bytes.fromhex("0020009C")) == b"\x63\xc2"


def test_tries_survive_a_round_trip_through_the_card_data(card: SimulatedCard, send: Send) -> None:
    send(select(Application.JPKI))
    send("00200098" + lc_data("0000"))
    stored = CardData.from_dict(card.card_data.to_dict())
    assert stored.auth_pin.tries_left == 2
    again = SimulatedCard(stored)
    again.power_on()
    again.process(bytes.fromhex(select(Application.JPKI)))
    assert again.process(bytes.fromhex("00200098")) == b"\x63\xc2"


def test_verified_state_is_volatile(card: SimulatedCard, send: Send, card_data: CardData) -> None:
    send(select(Application.JPKI))
    send("00200098" + lc_data(card_data.auth_pin.value))
    send(select(Application.JUKI))
    card.reset()
    assert card.current_application is None
    assert send("00200098").sw == 0x6A88  # nothing selected after the reset
    send(select(Application.JPKI))
    assert send("00200098").sw == 0x63C3


def test_a_wrong_verify_drops_the_verified_state(send: Send, card_data: CardData) -> None:
    send(select(Application.JPKI))
    send("00200098" + lc_data(card_data.auth_pin.value))
    assert send("00200098").sw == 0x9000
    assert send("00200098" + lc_data("0000")).sw == 0x63C2
    assert send("00200098").sw == 0x63C2


@pytest.mark.parametrize(
    "command",
    [
        "0020009800",  # case 2: query with a trailing Le
        "002000980431323334" + "00",  # case 4: PIN and Le
        "0020009811" + "31" * 17,  # longer than the 16 bytes a PIN can have
    ],
)
def test_malformed_verify_is_6700_and_spends_no_try(send: Send, command: str) -> None:
    send(select(Application.JPKI))
    assert send(command).sw == 0x6700
    assert send("00200098").sw == 0x63C3


def test_lower_case_sign_password_is_just_wrong(send: Send, card_data: CardData) -> None:
    send(select(Application.JPKI))
    lower = card_data.sign_password.value.lower()
    assert send("0020009B" + lc_data(lower)).sw == 0x63C4


@pytest.mark.parametrize(
    ("command", "sw"),
    [
        ("00200000", 0x6A86),  # P2 00: no reference
        ("0020007F", 0x6A86),
        ("0020009F", 0x6A86),  # SFI 1F is not an SFI
        ("00200180", 0x6A86),  # P1 must be 00
        ("00200080", 0x6A88),  # P2 80 with no PIN EF current
        ("0020008A", 0x6A88),  # SFI names a certificate EF, not a PIN
        ("00200097", 0x6A88),  # nor is a key EF a PIN
    ],
)
def test_verify_references(send: Send, command: str, sw: int) -> None:
    send(select(Application.JPKI))
    assert send(command).sw == sw


def test_verify_p2_80_acts_on_the_selected_pin_ef(send: Send, card_data: CardData) -> None:
    send(select(Application.JPKI))
    send("00A4020C02001B")
    assert send("00200080").sw == 0x63C5
    assert send("00200080" + lc_data(card_data.sign_password.value)).sw == 0x9000
    assert send("00200098").sw == 0x63C3  # the other PIN is untouched


@pytest.mark.parametrize(
    ("fid", "field", "new_value", "sw"),
    [
        (0x18, "auth_pin", "5678", 0x9000),
        (0x18, "auth_pin", "567", 0x6A80),
        (0x18, "auth_pin", "56789", 0x6A80),
        (0x18, "auth_pin", "56a8", 0x6A80),
        (0x1B, "sign_password", "NEWPASS9", 0x9000),
        (0x1B, "sign_password", "A1B2C3D4E5F6G7H8", 0x9000),
        (0x1B, "sign_password", "newpass9", 0x6A80),  # lower case
        (0x1B, "sign_password", "NEWPASS", 0x6A80),  # no digit
        (0x1B, "sign_password", "123456", 0x6A80),  # no letter
        (0x1B, "sign_password", "AB12", 0x6A80),  # too short
        (0x1B, "sign_password", "A1B2C3D4E5F6G7H8I", 0x6A80),  # 17: too long
    ],
)
def test_change_reference_data_checks_the_new_format(
    send: Send,
    card: SimulatedCard,
    card_data: CardData,
    fid: int,
    field: str,
    new_value: str,
    sw: int,
) -> None:
    old = getattr(card_data, field).value
    p2 = f"{0x80 | fid:02X}"
    send(select(Application.JPKI))
    assert send(f"002000{p2}" + lc_data(old)).sw == 0x9000
    assert send(f"002401{p2}" + lc_data(new_value)).sw == sw
    expected = new_value if sw == 0x9000 else old
    assert getattr(card.card_data, field).value == expected
    send(select(Application.JPKI))
    assert send(f"002000{p2}" + lc_data(expected)).sw == 0x9000


@pytest.mark.parametrize(
    ("command", "sw"),
    [
        ("00240098" + "0435363738", 0x6A86),  # P1 00 (old and new together) not offered
        ("00240198", 0x6700),  # no new value
        ("002401980435363738" + "00", 0x6700),  # with Le
        ("00240197" + "0435363738", 0x6A88),  # a key is not a PIN
        ("00240199" + "0435363738", 0x6A88),  # no such EF
    ],
)
def test_change_reference_data_rejects_malformed_commands(
    send: Send, card_data: CardData, command: str, sw: int
) -> None:
    send(select(Application.JPKI))
    send("00200098" + lc_data(card_data.auth_pin.value))
    assert send(command).sw == sw
    assert send("00200098").sw == 0x9000  # nothing changed, still verified


def test_pins_and_pin_commands_never_show_the_value(
    card: SimulatedCard, send: Send, card_data: CardData
) -> None:
    send(select(Application.JPKI))
    send("00200098" + lc_data(card_data.auth_pin.value))
    pin = card.applet(Application.JPKI).pin(0x18)
    assert card_data.auth_pin.value not in repr(pin)
    assert card_data.auth_pin.value not in repr(card_data.auth_pin)
    logged = card.received[-1]
    assert logged == bytes.fromhex("0020009804") + b"****"


def test_pin_tries_can_start_partly_spent(card_data: CardData) -> None:
    setting = PinSetting(card_data.sign_password.value, tries_left=1)
    card = SimulatedCard(replace(card_data, sign_password=setting))
    card.power_on()
    card.process(bytes.fromhex(select(Application.JPKI)))
    assert card.process(bytes.fromhex("0020009B")) == b"\x63\xc1"
