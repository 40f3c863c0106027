"""OpenSC 0.23, an independent PC/SC client, against the served simulated card.

What OpenSC sends is described in shared/PCSC.md section 4. Every test runs four times:
with the older ATR (in OpenSC's jpki ATR table) and the newer one (matched by SELECT of the
JPKI AP), each once with ``OPENSC_DRIVER=jpki`` and once with OpenSC's whole driver list,
whose probes (about 29 foreign SELECTs and GET DATAs) the simulated card must all refuse.
Signatures made through ``opensc-pkcs11.so`` are checked with ``openssl dgst`` against the
certificates ``jpki`` reads from the same card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = [pytest.mark.pcsc, pytest.mark.interop]


@dataclass(frozen=True)
class Variant:
    """One way of meeting the card: its ATR (profile) and OpenSC's driver selection."""

    profile: str
    driver: str | None  # OPENSC_DRIVER, or None for OpenSC's full driver probe

    @property
    def env(self) -> dict[str, str]:
        """The environment variables that select OpenSC's drivers."""
        return {"OPENSC_DRIVER": self.driver} if self.driver else {}

    @property
    def table_atr(self) -> bool:
        """Whether OpenSC's jpki driver knows the card by its ATR (else by SELECT AID)."""
        return self.profile == "old-atr"


VARIANTS = [
    pytest.param(Variant(profile, driver), id=f"{profile}-{driver or 'all-drivers'}")
    for profile in ("old-atr", "new-atr")
    for driver in ("jpki", None)
]


@dataclass(frozen=True)
class OpenSC:
    """The OpenSC programs, run with one variant's environment."""

    tools: ModuleType
    variant: Variant
    module: Path
    workdir: Path

    def run(self, *argv: str | Path, env: dict[str, str] | None = None) -> Any:
        """Run a program in the work directory with the variant's (and *env*'s) variables."""
        return self.tools.run(argv, env={**self.variant.env, **(env or {})}, cwd=self.workdir)

    def pkcs11(self, *args: str | Path) -> Any:
        """Run ``pkcs11-tool`` with OpenSC's PKCS#11 module."""
        return self.run("pkcs11-tool", "--module", self.module, *args)


@pytest.fixture(params=VARIANTS)
def opensc(
    request: pytest.FixtureRequest,
    served_card: Any,
    tools: ModuleType,
    require_program: Any,
    opensc_pkcs11_module: Path,
    tmp_path: Path,
) -> OpenSC:
    """The card of the variant's profile, served in ``Virtual PCD 00 00``, and OpenSC."""
    for program in ("opensc-tool", "pkcs15-tool", "pkcs11-tool", "openssl"):
        require_program(program)
    variant: Variant = request.param
    served_card(35963, profile=variant.profile)
    return OpenSC(tools, variant, opensc_pkcs11_module, tmp_path)


def _tries_left(listing: str) -> dict[str, int]:
    """``pkcs15-tool --list-pins``: tries left by PIN label."""
    blocks = re.findall(r"PIN \[([^\]]+)\].*?Tries left\s*:\s*(\d+)", listing, re.DOTALL)
    return {label: int(tries) for label, tries in blocks}


def _slot_of(listing: str, label: str) -> str:
    """The slot id (``0x1``) of the token labelled *label* in ``pkcs11-tool --list-slots``."""
    for match in re.finditer(r"^Slot \d+ \((0x[0-9a-f]+)\):.*?\n((?:  .*\n)*)", listing, re.M):
        if re.search(rf"token label\s*:\s*{re.escape(label)}\s*$", match.group(2), re.M):
            return match.group(1)
    raise AssertionError(f"no token '{label}' in:\n{listing}")


def _verify(opensc: OpenSC, certificate: str, signature: Path, data: Path) -> None:
    """``openssl dgst -sha256 -verify`` of *signature* with the key of *certificate* (PEM)."""
    key = signature.with_suffix(".pub.pem")
    key.write_bytes(opensc.tools.public_key_pem(certificate.encode()))
    checked = opensc.run(
        "openssl", "dgst", "-sha256", "-verify", key, "-signature", signature, data
    )
    assert checked.code == 0 and "Verified OK" in checked.out, checked.describe()


_SIGN_SHA256 = ("--sign", "-m", "SHA256-RSA-PKCS")

# Each test runs its tools back to back on one served card, well within the 0.4 s after which
# pcscd powers an idle card down: a tool finds whatever state the one before it left.


def test_card_recognised_and_pins_listed(opensc: OpenSC) -> None:
    tools = opensc.tools
    # OPENSC_DEBUG makes OpenSC log every APDU it exchanges (on stderr), from its own side.
    named = opensc.run("opensc-tool", "-n", env={"OPENSC_DEBUG": "3"}).ok()
    assert named.out.splitlines()[-1:] == ["jpki"], named.describe()
    exchanges = tools.opensc_apdus(named.err)
    trace = "\n".join(f"> {c.hex(' ')}\n< {r.hex(' ')}" for c, r in exchanges)
    jpki_select = bytes.fromhex("00A4040C0A") + tools.JPKI_AID
    assert all(r == b"\x90\x00" for c, r in exchanges if c == jpki_select), trace
    probes = [(c, r) for c, r in exchanges if c != jpki_select]
    if opensc.variant.driver is None:
        # The other drivers' probes: each must be refused, or that driver claims the card.
        assert len(probes) >= 20, trace
        assert [(c, r) for c, r in probes if r[-2:] == b"\x90\x00"] == [], trace
    else:
        assert probes == [], trace
    # The jpki driver selects the AP only when the ATR is not in its table.
    selects = sum(c == jpki_select for c, _ in exchanges)
    assert selects == (0 if opensc.variant.table_atr else 1), trace

    listing = opensc.run("pkcs15-tool", "--list-pins").ok()
    expected = {"User Authentication PIN": 3, "Digital Signature PIN": 5}
    assert _tries_left(listing.out) == expected, listing.describe()
    card = tools.card_data(opensc.variant.profile)
    wrong = "0000" if card.auth_pin.value != "0000" else "1111"
    spent = tools.jpki("pin", "verify", "auth", pins={"auth": wrong})
    assert spent.code == 5, spent.describe()
    listing = opensc.run("pkcs15-tool", "--list-pins").ok()
    expected["User Authentication PIN"] = 2
    assert _tries_left(listing.out) == expected, listing.describe()


def _held_powered(tools: ModuleType) -> Any:
    """A shared connection that keeps pcscd from powering the idle card down between runs.

    pcscd powers a card down 0.4 s after its last program leaves; holding a connection makes
    "the next program right after" deterministic. It is closed with a power-down.
    """
    from apdu.pcsc import open_reader

    return open_reader(tools.READER_0, exclusive=False)


def _power_down(tools: ModuleType) -> None:
    """What the toolkit does at the end of every command: the card forgets verified PINs."""
    with _held_powered(tools):
        pass


def _signing_key_flow(opensc: OpenSC, auth_certificate: str) -> None:
    """The sign key, on the token of the signature password, checked with openssl."""
    tools = opensc.tools
    card = tools.card_data(opensc.variant.profile)
    slots = opensc.pkcs11("--list-slots").ok()
    slot = _slot_of(slots.out, "JPKI (Digital Signature PIN)")
    document = opensc.workdir / "return.xml"
    document.write_bytes(b"<tax-return year='2026'/>\n")
    signature = opensc.workdir / "sign.sig"
    sign_login = ("--slot", slot, "--login", "--pin", card.sign_password.value)
    opensc.pkcs11(*sign_login, *_SIGN_SHA256, "--id", "02", "-i", document, "-o", signature).ok()
    sign_certificate = tools.jpki(
        "cert", "read", "sign", "--verify-pin", pins={"sign": card.sign_password.value}
    ).ok()
    assert tools.certificate_der(sign_certificate.out.encode()) == card.sign_certificate
    _verify(opensc, sign_certificate.out, signature, document)


def _token_not_recognised(run: Any) -> None:
    # OpenSC's jpki driver queries the PIN, expects 63Cx and gives up on 9000 (CARD.md 4).
    assert run.code != 0, run.describe()
    assert "CKR_TOKEN_NOT_RECOGNIZED" in run.err, run.describe()


def test_certificate_and_signatures(opensc: OpenSC) -> None:
    tools = opensc.tools
    card = tools.card_data(opensc.variant.profile)
    auth_certificate = tools.jpki("cert", "read", "auth").ok().out
    read = opensc.run("pkcs15-tool", "--read-certificate", "01").ok()
    assert tools.certificate_der(read.out.encode()) == card.auth_certificate, read.describe()
    assert tools.certificate_der(auth_certificate.encode()) == card.auth_certificate

    data = opensc.workdir / "data.bin"
    data.write_bytes(b"log in to the portal\n")
    first, second = opensc.workdir / "auth-1.sig", opensc.workdir / "auth-2.sig"
    login = ("--login", "--pin", card.auth_pin.value)
    with _held_powered(tools):
        opensc.pkcs11(*login, *_SIGN_SHA256, "--id", "01", "-i", data, "-o", first).ok()
        _verify(opensc, auth_certificate, first, data)
        # OpenSC leaves the card powered with the PIN verified, as a real card keeps it:
        # the next OpenSC run right after fails, on a real card too (CARD.md section 4).
        again = opensc.pkcs11(*login, *_SIGN_SHA256, "--id", "01", "-i", data, "-o", second)
        _token_not_recognised(again)
        assert not second.exists() or second.read_bytes() == b""
        # The toolkit reads the same state as "verified", without spending a try.
        status = tools.jpki("--shared", "pin", "status", "--json").ok().json()
        assert status["auth"]["verified"] and status["auth"]["remaining"] == 3, status
        assert not status["sign"]["verified"], status
    # The holder closed with a power-down: the card forgot the PIN, OpenSC works again.
    opensc.pkcs11(*login, *_SIGN_SHA256, "--id", "01", "-i", data, "-o", second).ok()
    assert second.read_bytes() == first.read_bytes()  # PKCS#1 v1.5 is deterministic
    # That run left the auth PIN verified again; after a power-down the sign token is usable.
    _power_down(tools)
    _signing_key_flow(opensc, auth_certificate)


def _assert_login_test_fails_on_the_query(tools: ModuleType, tested: Any) -> None:
    """``pkcs11-tool --login --test`` failed because a PIN query after the login got 9000.

    OpenSC's jpki driver reads the PIN's state with ``00 20 00 80`` and takes anything but
    ``63Cx`` as an error ("VERIFY GET_INFO error"); a real card answers ``9000`` on a verified
    PIN (CARD.md section 4), so the same run fails against a real card.
    """
    assert tested.code != 0, tested.describe()
    assert "CKR_SESSION_HANDLE_INVALID" in tested.err, tested.describe()
    # OpenSC keeps the login VERIFY itself out of its log; the query after it shows.
    exchanges = tools.opensc_apdus(tested.err)
    query = bytes.fromhex("00200080")
    assert [r for c, r in exchanges if c == query][-1:] == [b"\x90\x00"], tested.describe()
    # The run's last exchange with the card is that query: nothing after it was attempted.
    assert exchanges[-1] == (query, b"\x90\x00"), tested.describe()


def test_pkcs11_tool_login_test_fails_as_on_a_real_card(opensc: OpenSC) -> None:
    # Asserted, not skipped: the simulator follows the card, not OpenSC.
    card = opensc.tools.card_data(opensc.variant.profile)
    tested = opensc.run(
        "pkcs11-tool",
        "--module",
        opensc.module,
        "--login",
        "--pin",
        card.auth_pin.value,
        "--test",
        env={"OPENSC_DEBUG": "3"},
    )
    _assert_login_test_fails_on_the_query(opensc.tools, tested)


@pytest.fixture
def logout_card(served_card: Any, tools: ModuleType, tmp_path: Path, require_program: Any) -> Path:
    """A card made with the named option that re-selecting logs out (not a real card's way)."""
    for program in ("pkcs11-tool", "openssl"):
        require_program(program)
    path = tmp_path / "logout.json"
    tools.jpki(
        "sim", "new", "--profile", "new-atr", "--logout-on-select", "-o", path, reader=None
    ).ok()
    served_card(35963, card=path)
    return path


def test_the_logout_on_select_option_gives_opensc_what_it_expects(
    logout_card: Path, tools: ModuleType, opensc_pkcs11_module: Path, tmp_path: Path
) -> None:
    from sim.store import load_card_data

    card = load_card_data(logout_card)
    data = tmp_path / "data.bin"
    data.write_bytes(b"log in to the portal\n")
    login = ("--login", "--pin", card.auth_pin.value)
    with _held_powered(tools):
        for name in ("one.sig", "two.sig"):
            tools.run(
                [
                    "pkcs11-tool",
                    "--module",
                    opensc_pkcs11_module,
                    *login,
                    *_SIGN_SHA256,
                    "--id",
                    "01",
                    "-i",
                    data,
                    "-o",
                    tmp_path / name,
                ],
                env={"OPENSC_DRIVER": "jpki"},
                cwd=tmp_path,
            ).ok()
        # The option does not rescue --test: OpenSC queries the PIN after logging in without
        # re-selecting the AP (SELECT EF 0018 only), gets 9000 and fails, as on a real card.
        tested = tools.run(
            ["pkcs11-tool", "--module", opensc_pkcs11_module, *login, "--test"],
            env={"OPENSC_DRIVER": "jpki", "OPENSC_DEBUG": "3"},
            cwd=tmp_path,
        )
    assert (tmp_path / "one.sig").read_bytes() == (tmp_path / "two.sig").read_bytes()
    _assert_login_test_fails_on_the_query(tools, tested)
