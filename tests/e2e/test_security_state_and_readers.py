"""Through pcscd: the verified state a program leaves behind, and the card behind each reader.

A real card keeps a verified PIN across PC/SC disconnect and reconnect until it is powered
down or reset (CARD.md section 4), so what matters is how a program leaves the card. The
toolkit powers it down; the control (a connection closed with ``LEAVE``) shows that the next
program would otherwise find the PIN verified. Then the client runs unchanged behind each
``jpki sim serve --reader-profile``: contact, no-extended, T=0 and NFC with a slow RSA.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.runs import default_sigint

pytestmark = pytest.mark.pcsc

PROFILE = "adult"
_SELECT_JPKI = bytes.fromhex("00A4040C0AD392F000260100000001")
_QUERY_AUTH = bytes.fromhex("00200098")


def _auth_query(reader: str) -> bytes:
    """What a second program finds: SELECT JPKI, then the auth PIN query (no try spent)."""
    from apdu.pcsc import open_reader

    with open_reader(reader, exclusive=False) as connection:
        assert connection.transmit(_SELECT_JPKI) == b"\x90\x00"
        return connection.transmit(_QUERY_AUTH)


def _verify_auth(reader: str, pin: str, disposition: Any) -> None:
    from apdu.pcsc import open_reader
    from jpki.ids import PinKind
    from jpki.session import JpkiSession

    with open_reader(reader, disposition=disposition) as connection:
        status = JpkiSession(connection).verify_pin(PinKind.AUTH, pin)
        assert status.verified


def test_a_library_block_leaves_nothing_verified_the_control_leaves_it(
    served_card: Any, tools: ModuleType
) -> None:
    from apdu.pcsc import Disposition

    served_card(35963, profile=PROFILE)
    pin = tools.card_data(PROFILE).auth_pin.value
    # Control: closed with LEAVE, the next connection finds the PIN verified (9000).
    _verify_auth(tools.READER_0, pin, Disposition.LEAVE)
    assert _auth_query(tools.READER_0) == b"\x90\x00"
    # The default: the block ends with the card powered down, nothing verified is left.
    _verify_auth(tools.READER_0, pin, Disposition.UNPOWER)
    assert _auth_query(tools.READER_0) == b"\x63\xc3"
    # A reset clears it too.
    _verify_auth(tools.READER_0, pin, Disposition.RESET)
    assert _auth_query(tools.READER_0) == b"\x63\xc3"


@pytest.mark.parametrize(
    "argv",
    [
        ("pin", "verify", "auth"),
        ("sign", "auth", "DOC"),
        ("cert", "read", "sign", "--verify-pin"),
    ],
    ids=["pin-verify", "sign", "cert-read-sign"],
)
def test_a_second_program_right_after_a_command_finds_nothing_verified(
    served_card: Any, tools: ModuleType, tmp_path: Path, argv: tuple[str, ...]
) -> None:
    served_card(35963, profile=PROFILE)
    card = tools.card_data(PROFILE)
    document = tmp_path / "doc.txt"
    document.write_text("a document\n")
    args = [str(document) if a == "DOC" else a for a in argv]
    if args[0] == "sign":
        args += ["-o", str(tmp_path / "doc.sig")]
    pins = {"auth": card.auth_pin.value, "sign": card.sign_password.value}
    tools.jpki(*args, pins=pins).ok()
    # Right after the program exits (well within pcscd's 0.4 s grace before it powers an idle
    # card down): a card left powered would answer 9000 here, as the control above shows.
    assert _auth_query(tools.READER_0) == b"\x63\xc3"
    report = tools.jpki("pin", "status", "--json").ok().json()
    assert not any(entry["verified"] for entry in report.values()), report


def test_a_failing_command_after_verify_also_powers_down(
    served_card: Any, tools: ModuleType, tmp_path: Path
) -> None:
    # The PIN is verified, then writing the output fails: the card must still be powered down.
    served_card(35963, profile=PROFILE)
    card = tools.card_data(PROFILE)
    document = tmp_path / "doc.txt"
    document.write_text("a document\n")
    target = tmp_path / "missing-directory" / "doc.sig"
    failed = tools.jpki(
        "sign", "auth", str(document), "-o", str(target), pins={"auth": card.auth_pin.value}
    )
    assert failed.code != 0 and not target.exists(), failed.describe()
    assert _auth_query(tools.READER_0) == b"\x63\xc3"


def test_ctrl_c_during_a_signature_still_powers_the_card_down(
    served_card: Any, tools: ModuleType, tmp_path: Path
) -> None:
    # The NFC reader's slow RSA (3 s) leaves time to press Ctrl-C while the card signs.
    served_card(35963, profile=PROFILE, reader_profile="nfc", sign_delay_ms=3000)
    card = tools.card_data(PROFILE)
    document = tmp_path / "doc.txt"
    document.write_text("a document\n")
    output = tmp_path / "doc.sig"
    command = [sys.executable, "-m", "jpki", "--lang", "en", "--reader", tools.READER_0]
    command += ["--trace", "sign", "auth", str(document), "-o", str(output)]
    process = subprocess.Popen(
        command,
        cwd=tools.REPO,
        env=tools.environment({"JPKI_AUTH_PIN": card.auth_pin.value}),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    seen: list[str] = []
    try:
        assert process.stderr is not None
        for line in process.stderr:  # the APDU trace, as the commands go out
            seen.append(line)
            if "> 80 2A 00 97" in line:
                break
        else:
            pytest.fail("the signature command was never sent:\n" + "".join(seen))
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, "".join(seen) + rest  # ExitCode.INTERRUPTED
    assert rest.strip().splitlines()[-1:] == ["jpki: interrupted"], rest
    assert not output.exists()
    assert _auth_query(tools.READER_0) == b"\x63\xc3"


# --- reader profiles --------------------------------------------------------------------------


@pytest.mark.parametrize("reader_profile", ["contact", "no-extended", "t0", "nfc"])
@pytest.mark.parametrize("extended", [True, False], ids=["extended", "short"])
def test_the_client_behind_each_reader(
    served_card: Any, tools: ModuleType, tmp_path: Path, reader_profile: str, extended: bool
) -> None:
    # NFC with a signature that takes 800 ms: the client must wait for it, not time out.
    served_card(35963, profile=PROFILE, reader_profile=reader_profile, sign_delay_ms=800)
    card = tools.card_data(PROFILE)
    flag = ["--extended"] if extended else []
    read = tools.jpki("cert", "read", "auth", *flag).ok()
    assert tools.certificate_der(read.out.encode()) == card.auth_certificate
    document = tmp_path / "doc.txt"
    document.write_bytes(b"behind the reader\n")
    signature = tmp_path / "doc.sig"
    tools.jpki(
        "sign",
        "auth",
        str(document),
        "-o",
        str(signature),
        *flag,
        pins={"auth": card.auth_pin.value},
    ).ok()
    key = tmp_path / "auth.pub.pem"
    key.write_bytes(tools.public_key_pem(card.auth_certificate))
    checked = tools.run(
        ["openssl", "dgst", "-sha256", "-verify", key, "-signature", signature, document]
    )
    assert checked.code == 0 and "Verified OK" in checked.out, checked.describe()


def test_the_nfc_reader_shows_its_own_atr(served_card: Any, tools: ModuleType) -> None:
    from sim.chip.readers import NFC_ATR

    served_card(35963, profile=PROFILE, reader_profile="nfc")
    listed = tools.jpki("readers", "--json", reader=None).ok().json()
    atr = next(entry["atr"] for entry in listed if entry["name"] == tools.READER_0)
    assert atr == NFC_ATR.hex().upper()
    status = tools.jpki("status", "--json").ok().json()  # found by SELECT, not by ATR
    assert status["token"]["name"] == "JPKIAPICCTOKEN2"


def test_an_extended_apdu_fails_behind_the_no_extended_reader(
    served_card: Any, tools: ModuleType
) -> None:
    from apdu.pcsc import open_reader

    served_card(35963, profile=PROFILE, reader_profile="no-extended")
    with open_reader(tools.READER_0, exclusive=False) as connection:
        assert connection.transmit(_SELECT_JPKI) == b"\x90\x00"
        assert connection.transmit(bytes.fromhex("00B08A00000000")) == b"\x67\x00"
        short = connection.transmit(bytes.fromhex("00B08A0004"))
        assert short[:2] == b"\x30\x82" and short[-2:] == b"\x90\x00" and len(short) == 6
