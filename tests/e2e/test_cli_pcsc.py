"""Every client command of ``jpki`` through pyscard, pcscd and vpcd to the served simulator.

Each command runs as its own process (``python -m jpki --reader "Virtual PCD 00 00" ...``),
the way a user runs it, against a card served by ``jpki sim serve``; the expected values come
from the served profile's data, not from copies in this file. The failure paths a reader
brings (card pulled mid-read, reader held by another program, no pcscd, two cards) must end
with exit status 3 and one line on stderr, never a traceback or a partial file.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.pcsc

PROFILE = "adult"


def _remaining(tools: ModuleType, reader: str | None = None) -> dict[str, int]:
    """Tries left of each PIN, as ``jpki pin status --json`` reports them."""
    where = reader if reader is not None else tools.READER_0
    report = tools.jpki("pin", "status", "--json", reader=where).ok().json()
    return {kind: entry["remaining"] for kind, entry in report.items()}


# --- readers, status, pin status ------------------------------------------------------------


def test_readers_lists_the_card_and_its_atr(served_card: Any, tools: ModuleType) -> None:
    served_card(35963, profile="old-atr")
    text = tools.jpki("readers", reader=None).ok()
    assert f"{tools.READER_0}: card present, ATR {tools.OLD_ATR}" in text.out, text.describe()
    assert f"{tools.READER_1}: no card" in text.out, text.describe()

    listed = tools.jpki("readers", "--json", reader=None).ok().json()
    by_name = {entry["name"]: entry for entry in listed}
    assert all(set(entry) == {"name", "card_present", "atr"} for entry in listed)
    assert by_name[tools.READER_0] == {
        "name": tools.READER_0,
        "card_present": True,
        "atr": tools.OLD_ATR.replace(" ", ""),
    }
    assert by_name[tools.READER_1]["card_present"] is False


def test_status(served_card: Any, tools: ModuleType) -> None:
    served_card(35963, profile=PROFILE)
    card = tools.card_data(PROFILE)
    report = tools.jpki("status", "--json").ok().json()
    assert report["token"]["name"] == card.token_name == "JPKIAPICCTOKEN2"
    assert report["availability"] == {
        "auth_certificate": True,
        "sign_certificate": True,
        "raw": "8F8F00",
    }
    assert {kind: pin["remaining"] for kind, pin in report["pins"].items()} == {
        "auth": 3,
        "sign": 5,
        "card_info": 3,
        "juki": 3,
    }
    fingerprint = hashlib.sha256(card.auth_certificate).hexdigest()
    assert report["auth_certificate"]["sha256_fingerprint"] == fingerprint
    text = tools.jpki("status").ok()
    assert "JPKIAPICCTOKEN2" in text.out, text.describe()
    assert "user-authentication PIN: 3 of 3 tries left" in text.out, text.describe()


def test_pin_status(served_card: Any, tools: ModuleType) -> None:
    served_card(35963, profile=PROFILE)
    report = tools.jpki("pin", "status", "--json").ok().json()
    assert report["auth"] == {"remaining": 3, "max": 3, "blocked": False, "verified": False}
    assert report["sign"] == {"remaining": 5, "max": 5, "blocked": False, "verified": False}
    assert set(report) == {"auth", "sign", "card_info", "juki"}
    text = tools.jpki("pin", "status").ok()
    assert "signature password: 5 of 5 tries left" in text.out, text.describe()


# --- pin verify -----------------------------------------------------------------------------


def test_pin_verify_with_the_right_pins(served_card: Any, tools: ModuleType) -> None:
    served_card(35963, profile=PROFILE)
    card = tools.card_data(PROFILE)
    auth = tools.jpki("pin", "verify", "auth", pins={"auth": card.auth_pin.value}).ok()
    assert "verified" in auth.out, auth.describe()
    sign = tools.jpki("pin", "verify", "sign", pins={"sign": card.sign_password.value}).ok()
    assert "verified" in sign.out, sign.describe()
    assert _remaining(tools) == {"auth": 3, "sign": 5, "card_info": 3, "juki": 3}


def test_wrong_pin_spends_one_try_and_the_counter_agrees(
    served_card: Any, tools: ModuleType
) -> None:
    served_card(35963, profile=PROFILE)
    card = tools.card_data(PROFILE)
    wrong = "0000" if card.auth_pin.value != "0000" else "1111"
    failed = tools.jpki("pin", "verify", "auth", pins={"auth": wrong})
    assert failed.code == 5, failed.describe()
    assert "incorrect (2 tries left)" in failed.error_line()
    assert failed.out == ""
    assert _remaining(tools)["auth"] == 2
    # The right PIN brings the counter back to the maximum.
    tools.jpki("pin", "verify", "auth", pins={"auth": card.auth_pin.value}).ok()
    assert _remaining(tools)["auth"] == 3


def test_last_try_guard_sends_nothing(served_card: Any, tools: ModuleType) -> None:
    served_card(35963, profile="blocked")  # auth PIN: 1 try left; sign password: blocked
    before = _remaining(tools)
    assert (before["auth"], before["sign"]) == (1, 0)
    wrong = "0000" if tools.card_data("blocked").auth_pin.value != "0000" else "1111"
    guarded = tools.jpki("--trace", "pin", "verify", "auth", pins={"auth": wrong})
    assert guarded.code == 5, guarded.describe()
    assert "1 try left" in guarded.err and "--force" in guarded.err, guarded.describe()
    # The trace shows the tries-left query (``00 20 00 98``) but no VERIFY carrying a PIN.
    assert "redacted" not in guarded.err, guarded.describe()
    blocked = tools.jpki("pin", "verify", "sign", pins={"sign": "ABC123"})
    assert blocked.code == 5, blocked.describe()
    assert "blocked" in blocked.error_line()
    assert _remaining(tools) == before


# --- cert read, sign, info ------------------------------------------------------------------


def test_cert_read_auth_as_pem_and_der(served_card: Any, tools: ModuleType, tmp_path: Path) -> None:
    served_card(35963, profile=PROFILE)
    expected = tools.card_data(PROFILE).auth_certificate
    pem = tools.jpki("cert", "read", "auth").ok()
    assert pem.out.startswith("-----BEGIN CERTIFICATE-----"), pem.describe()
    assert tools.certificate_der(pem.out.encode()) == expected
    tools.jpki("cert", "read", "auth", "--format", "der", "-o", tmp_path / "auth.der").ok()
    assert (tmp_path / "auth.der").read_bytes() == expected
    tools.jpki("cert", "read", "auth", "-o", tmp_path / "auth.pem").ok()
    assert tools.certificate_der((tmp_path / "auth.pem").read_bytes()) == expected


def test_sign_with_the_auth_key_verifies_with_openssl(
    served_card: Any, tools: ModuleType, tmp_path: Path, require_program: Any
) -> None:
    openssl = require_program("openssl")
    served_card(35963, profile=PROFILE)
    pin = {"auth": tools.card_data(PROFILE).auth_pin.value}
    data = tmp_path / "document.txt"
    data.write_bytes("申請書 / application form\n".encode())
    ca = tmp_path / "auth-ca.pem"
    tools.jpki("cert", "read", "auth-ca", "-o", ca).ok()
    cms = tmp_path / "document.p7s"
    tools.jpki("sign", "auth", data, "--format", "cms", "-o", cms, pins=pin).ok()

    def cms_verify(content: Path) -> Any:
        return tools.run(
            [openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", cms]
            + ["-content", content, "-CAfile", ca, "-purpose", "any", "-out", "/dev/null"]
        )

    verified = cms_verify(data).ok()
    assert "Verification successful" in verified.err, verified.describe()
    tampered = tmp_path / "tampered.txt"
    tampered.write_bytes(data.read_bytes() + b"!")
    assert cms_verify(tampered).code != 0

    # The raw PKCS#1 v1.5 signature checks against the certificate read from the card.
    raw = tmp_path / "document.sig"
    tools.jpki("sign", "auth", data, "--format", "raw", "-o", raw, pins=pin).ok()
    key = tmp_path / "auth-pub.pem"
    key.write_bytes(tools.public_key_pem(tools.jpki("cert", "read", "auth").ok().out.encode()))
    dgst = tools.run([openssl, "dgst", "-sha256", "-verify", key, "-signature", raw, data]).ok()
    assert "Verified OK" in dgst.out, dgst.describe()
    assert _remaining(tools)["auth"] == 3


def test_info_reads_the_card_info_application(served_card: Any, tools: ModuleType) -> None:
    served_card(35963, profile=PROFILE)
    card = tools.card_data(PROFILE)
    info = tools.jpki("info", "--json", pins={"card_info": card.card_info_pin.value}).ok()
    assert info.json() == {
        "my_number": card.my_number,
        "name": card.holder.name,
        "address": card.holder.address,
        "birth_date": card.holder.birth_date.isoformat(),
        "sex": "male",
        "sex_code": card.holder.sex.value,
    }
    text = tools.jpki("info", pins={"card_info": card.card_info_pin.value}).ok()
    assert card.my_number in text.out and card.holder.name in text.out, text.describe()
    assert _remaining(tools)["card_info"] == 3


def test_info_without_a_pin_sends_none(served_card: Any, tools: ModuleType) -> None:
    served_card(35963, profile=PROFILE)
    refused = tools.jpki("info")  # no JPKI_CARD_INFO_PIN and no terminal to ask on
    assert refused.code == 2 and refused.out == "", refused.describe()
    assert "JPKI_CARD_INFO_PIN" in refused.error_line()
    assert _remaining(tools)["card_info"] == 3


# --- diagnose -------------------------------------------------------------------------------


def _finding_codes(report: dict[str, Any]) -> set[str]:
    return {finding["code"] for finding in report["findings"]}


def test_diagnose(served_card: Any, tools: ModuleType) -> None:
    from sim.factory.profiles import REFERENCE_DATE

    served_card(35963, profile=PROFILE)
    served_card(35964, profile="blocked")
    # The profiles tell their story on REFERENCE_DATE; judging that day keeps the run
    # independent of the clock.
    today = ("--today", REFERENCE_DATE.isoformat())
    healthy = tools.jpki("diagnose", "--json", *today)
    assert healthy.code == 0, healthy.describe()
    report = healthy.json()
    assert report["exit_status"] == 0 and report["severity"] == "ok"
    assert {"auth_cert_ok", "pins_ok"} <= _finding_codes(report)

    blocked = tools.jpki("diagnose", "--json", *today, reader=tools.READER_1)
    assert blocked.code == 11, blocked.describe()
    report = blocked.json()
    assert report["exit_status"] == 11 and report["severity"] == "action_needed"
    assert {"sign_pin_blocked", "auth_pin_last_try"} <= _finding_codes(report)
    assert "pins_ok" not in _finding_codes(report)

    text = tools.jpki("diagnose", *today, reader=tools.READER_1)
    assert text.code == 11, text.describe()
    assert "[ACTION NEEDED] The signature password is blocked" in text.out, text.describe()


# --- what readers do: removal, a busy reader, no pcscd, two cards ----------------------------


def test_card_removed_during_cert_read(served_card: Any, tools: ModuleType, tmp_path: Path) -> None:
    # The card answers the SELECT and the first two of the six READ BINARYs the certificate
    # needs, then the simulator drops the link: the card is gone in the middle of the read.
    served_card(35963, profile=PROFILE, remove_after=3)
    output = tmp_path / "auth.pem"
    pulled = tools.jpki("cert", "read", "auth", "-o", output)
    assert pulled.code == 3, pulled.describe()
    assert "card was removed" in pulled.error_line(), pulled.describe()
    assert pulled.out == ""
    assert not output.exists()
    assert list(tmp_path.glob("auth*")) == []  # no temporary file left behind either


def test_reader_held_by_another_program(served_card: Any, tools: ModuleType) -> None:
    from apdu.pcsc import open_reader

    served_card(35963, profile=PROFILE)
    with open_reader(tools.READER_0) as holder:  # exclusive, like a signing application
        busy = tools.jpki("status")
        assert busy.code == 3, busy.describe()
        assert "held exclusively by another program" in busy.error_line(), busy.describe()
        assert busy.out == ""
        select = bytes.fromhex("00A4040C0A") + tools.JPKI_AID
        assert holder.transmit(select) == b"\x90\x00"  # the holder was not disturbed
    tools.jpki("status").ok()


def test_no_pin_is_sent_while_another_program_shares_the_card(
    served_card: Any, tools: ModuleType
) -> None:
    from apdu.pcsc import open_reader

    served_card(35963, profile=PROFILE)
    card = tools.card_data(PROFILE)
    with open_reader(tools.READER_0, exclusive=False):  # another program, shared
        refused = tools.jpki("pin", "verify", "auth", pins={"auth": card.auth_pin.value})
        assert refused.code == 5, refused.describe()
        assert "shared with another program" in refused.err, refused.describe()
        assert "opened shared, not exclusively" in refused.err  # the fallback is reported
        counters = tools.jpki("--json", "pin", "status").ok()  # reading stays possible
        assert json.loads(counters.out)["auth"]["verified"] is False


def test_wait_for_a_card_put_on_the_reader_later(
    pcsc_stack: Any, served_card: Any, tools: ModuleType
) -> None:
    import subprocess

    waiting = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jpki",
            "--reader",
            tools.READER_0,
            "--wait",
            "20",
            "--json",
            "pin",
            "status",
        ],
        cwd=tools.REPO,
        env=tools.environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        served_card(35963, profile=PROFILE)
        out, err = waiting.communicate(timeout=30)
    finally:
        waiting.kill()
    assert waiting.returncode == 0, err
    assert json.loads(out)["auth"]["remaining"] == 3


@pytest.mark.parametrize(
    "command",
    [("status",), ("pin", "status"), ("cert", "read", "auth")],
    ids=["status", "pin-status", "cert-read"],
)
def test_pcscd_not_running(pcsc_stack: Any, tools: ModuleType, command: tuple[str, ...]) -> None:
    # The client library looks for pcscd's socket here; a missing socket is "not running".
    done = tools.jpki(*command, env={"PCSCLITE_CSOCK_NAME": "/nonexistent/socket"})
    assert done.code == 3, done.describe()
    message = done.error_line()
    assert "pcscd" in message and "start it" in message, done.describe()
    assert done.out == ""


def test_two_cards_in_two_readers(served_card: Any, tools: ModuleType) -> None:
    served_card(35963, profile=PROFILE)
    served_card(35964, profile="blocked")
    assert _remaining(tools, "00 00") == {"auth": 3, "sign": 5, "card_info": 3, "juki": 3}
    assert _remaining(tools, "00 01") == {"auth": 1, "sign": 0, "card_info": 3, "juki": 3}

    listed = tools.jpki("readers", "--json", reader=None).ok().json()
    assert [entry["card_present"] for entry in listed] == [True, True]

    ambiguous = tools.jpki("pin", "status", reader=None)
    assert ambiguous.code == 3, ambiguous.describe()
    message = ambiguous.error_line()
    assert "several readers" in message, ambiguous.describe()
    assert tools.READER_0 in message and tools.READER_1 in message
