"""Import boundaries of ``apdu``, ``jpki`` and the ``jpki`` command line, each checked in a
fresh interpreter (this test process has long since imported everything).

The boundaries are the package rules of STYLE.md (``jpki`` -> ``apdu``; only ``apdu``'s PC/SC
module imports pyscard, and importing ``apdu`` does not) and what keeps each command close to
its floor (issue 17): ``jpki --help`` loads neither pyscard nor cryptography, nor the
standard library's slower modules; reading PIN counters or exporting a certificate loads no
X.509 or ASN.1 library; the X.509 library is loaded when a certificate's contents are needed.
No timing is asserted here: what is asserted is which modules a fresh process ends up with.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.runs import run_fresh

REPO = Path(__file__).resolve().parents[1]

PYSCARD = "smartcard"
CRYPTOGRAPHY = "cryptography"
ASN1CRYPTO = "asn1crypto"
SIMULATOR = "sim"

#: A card with an auth certificate of 300 bytes (a SEQUENCE of zeros: not a certificate),
#: PIN counters at 3, answering by instruction; enough for the session's verbs.
FAKE_CARD = """
from apdu import Connection

DER = bytes.fromhex("30820128") + bytes(296)


class FakeCard(Connection):
    name = "fake"
    atr = bytes.fromhex("3BE000FF8131FE4514")

    def _exchange(self, command):
        ins, p1, p2 = command[1], command[2], command[3]
        if ins == 0xA4:
            return bytes.fromhex("9000")
        if ins == 0x20:
            return bytes.fromhex("63C3")
        if ins == 0xB0:
            offset = p2 if p1 & 0x80 else (p1 << 8) | p2
            size = command[4] or 256
            return DER[offset : offset + size] + bytes.fromhex("9000")
        return bytes.fromhex("6D00")
"""


def loaded_after(code: str) -> set[str]:
    """The top-level packages and modules loaded in a fresh interpreter after running *code*."""
    script = "\n".join(
        [
            "import sys",
            "before = set(sys.modules)",
            textwrap.dedent(code),
            "loaded = sorted(set(sys.modules) - before)",
            "import json",  # only after taking the list: json is one of the modules watched
            "print(json.dumps(loaded))",
        ]
    )
    modules = json.loads(run_fresh(script).stdout.splitlines()[-1])
    return set(modules) | {name.split(".")[0] for name in modules}


def test_apdu_loads_neither_pyscard_nor_cryptography_nor_the_client() -> None:
    loaded = loaded_after("import apdu, apdu.testing")
    assert not loaded & {PYSCARD, CRYPTOGRAPHY, ASN1CRYPTO, "jpki", SIMULATOR}


def test_apdu_pcsc_is_the_importer_of_pyscard() -> None:
    # pyscard is only loaded once a reader is actually used, never by the import.
    assert PYSCARD not in loaded_after("import apdu.pcsc")


def test_jpki_help_loads_neither_pyscard_nor_cryptography() -> None:
    loaded = loaded_after(
        """
        from jpki.cli.main import main
        try:
            main(["--help"])
        except SystemExit as exc:
            assert exc.code == 0, exc.code
        """
    )
    assert not loaded & {PYSCARD, CRYPTOGRAPHY, ASN1CRYPTO, SIMULATOR, "apdu"}


def test_jpki_help_loads_only_argparse_and_the_cli() -> None:
    # The start-up path of every command: these standard modules each cost milliseconds.
    loaded = loaded_after(
        """
        from jpki.cli.main import main
        try:
            main(["--help"])
        except SystemExit:
            pass
        """
    )
    assert not loaded & {"dataclasses", "inspect", "logging", "typing", "json", "shutil"}
    assert {name for name in loaded if name.startswith("jpki.")} == {
        "jpki.cli",
        "jpki.cli.commands",
        "jpki.cli.context",
        "jpki.cli.errors",
        "jpki.cli.main",
        "jpki.cli.messages",
    }
    # The help is plain argparse text: no catalog is read (jpki.texts loads when a message
    # is rendered, see jpki.cli.messages).
    assert "jpki.texts" not in loaded


def test_every_jpki_module_stays_off_the_simulator() -> None:
    # jpki -> apdu only (the command line may use the simulator, lazily).
    modules = sorted(
        ".".join(path.relative_to(REPO).with_suffix("").parts)
        for path in (REPO / "jpki").rglob("*.py")
        if "cli" not in path.parts and path.name != "__main__.py"
    )
    loaded = loaded_after("\n".join(f"import {name}" for name in modules))
    assert SIMULATOR not in loaded
    assert PYSCARD not in loaded


@pytest.mark.parametrize(
    "command",
    [["pin", "status"], ["cert", "read", "auth"], ["status"], ["sign", "auth", "f"]],
)
def test_a_command_module_loads_no_x509_library(command: list[str]) -> None:
    # Building the parser imports the command's module; its handler imports the rest.
    loaded = loaded_after(
        f"""
        from jpki.cli.main import build_parser
        build_parser({command!r})
        import jpki.session
        """
    )
    assert not loaded & {CRYPTOGRAPHY, ASN1CRYPTO, SIMULATOR}
    # Decoding certificates and writing files atomically (tempfile) wait until they are needed.
    assert not loaded & {"jpki.certificate", "tempfile"}


def test_pin_counters_load_no_x509_or_asn1_library() -> None:
    loaded = loaded_after(
        FAKE_CARD
        + """
from jpki.session import JpkiSession
counters = JpkiSession(FakeCard()).all_pin_status()
assert all(status.remaining == 3 for status in counters.values()), counters
"""
    )
    assert not loaded & {CRYPTOGRAPHY, ASN1CRYPTO, SIMULATOR}
    # The apdu result types are not dataclasses: pin status loads neither dataclasses nor
    # the inspect module it brings. Its debug records are dropped without loading logging.
    assert not loaded & {"dataclasses", "inspect", "logging"}


def test_the_session_and_its_results_load_no_date_or_string_module() -> None:
    # Defined at every card command's start: datetime is loaded when a date is asked for, the
    # PIN checks spell their alphabets out rather than importing the string module.
    loaded = loaded_after(
        """
        from jpki.models import CardRecord, PinStatus
        from jpki.pins import encode_pin
        from jpki.session import JpkiSession
        """
    )
    assert not loaded & {"datetime", "string"}
    assert "datetime" in loaded_after(
        """
        from jpki.models import CardRecord
        assert CardRecord("1" * 15, "13101", "20300101").card_expiry.year == 2030
        """
    )


def test_opening_a_reader_loads_neither_the_watcher_nor_logging() -> None:
    # The reader watcher (threads, logging, a dataclass) is the counter's; a command opens one
    # reader. Its names still come from apdu.pcsc, on first use.
    loaded = loaded_after(
        """
        import apdu.pcsc
        from apdu.pcsc import PcscConnection, list_readers, open_reader
        assert "apdu.pcsc._watch" not in sys.modules
        from apdu.pcsc import PNP_NOTIFICATION, ReaderSnapshot, ReaderWatcher
        assert ReaderWatcher.__module__ == "apdu.pcsc._watch", ReaderWatcher.__module__
        """
    )
    assert "apdu.pcsc._watch" in loaded
    assert PYSCARD not in loaded
    assert not loaded_after("from apdu.pcsc import open_reader") & {
        "apdu.pcsc._watch",
        "logging",
        "dataclasses",
    }


@pytest.mark.parametrize("package", ["apdu.pcsc", "jpki.rules", "jpki.diagnosis"])
def test_an_unknown_name_of_a_package_with_lazy_names_is_refused_and_loads_nothing(
    package: str,
) -> None:
    # These packages import a name's module when the name is first used; a name they do not
    # have is an AttributeError naming it, as in any module, and loads no module on the way.
    loaded = loaded_after(
        f"""
        import importlib
        package = importlib.import_module("{package}")
        before_lookup = set(sys.modules)
        try:
            package.no_such_name
        except AttributeError as exc:
            assert "no_such_name" in str(exc), exc
        else:
            raise AssertionError("an unknown name was found in {package}")
        assert set(sys.modules) == before_lookup, sorted(set(sys.modules) - before_lookup)
        """
    )
    assert package in loaded


def test_a_card_command_run_from_the_cli_loads_no_logging() -> None:
    # The module loggers and the CLI's stderr handler load logging only when something is
    # logged that could be shown (tests/cli/test_logsetup.py shows that it then is).
    loaded = loaded_after(
        """
        from jpki.cli.main import main
        assert main(["--sim", "pin", "status"]) == 0
        """
    )
    assert "logging" not in loaded
    assert {"apdu.lazylog", "jpki.cli.logsetup"} <= loaded


def test_status_loads_neither_the_rules_nor_the_chain_check(tmp_path: Path) -> None:
    # jpki status reads the facts through jpki.diagnosis.collect; the judge, the expiry rules
    # and the chain check are loaded by what uses them (diagnose), not by status.
    from sim import build_card_data, save_card_data

    card = tmp_path / "card.json"
    save_card_data(build_card_data("adult"), card)
    loaded_after(
        f"""
        from sim.store import load_card_data
        from sim.chip.card import SimulatedCard
        from sim.chip.connection import SimConnection

        connection = SimConnection(SimulatedCard(load_card_data({str(card)!r})))
        before_status = set(sys.modules)
        from jpki.session import JpkiSession
        from jpki.status import read_status

        status = read_status(JpkiSession(connection))
        assert status.auth_certificate is not None and status.token is not None, status
        new = set(sys.modules) - before_status
        unwanted = sorted(
            name for name in new
            if name.startswith(("jpki.rules", "jpki.chain", "jpki.diagnosis.judge"))
        )
        assert not unwanted, unwanted
        assert "cryptography.x509" in new  # the certificate is parsed by the X.509 library
        """
    )


def test_the_simulated_card_loads_its_keys_when_it_signs() -> None:
    # Every --sim command builds a card; only signing needs its private keys, and loading them
    # needs cryptography's serialization modules. The packaged data files (test keys, the
    # municipality) are read without importlib.resources. The first run makes the simulator's
    # certificates (signing them with the CA keys) and keeps them; the second is measured.
    run = """
        from jpki.cli.main import main
        assert main(["--sim", "diagnose"]) == 0
        """
    loaded_after(run)
    loaded = loaded_after(run)
    assert CRYPTOGRAPHY in loaded  # the certificate is parsed
    assert not loaded & {
        "cryptography.hazmat.primitives.serialization",
        "importlib.resources",
        "zipfile",
    }
    signed = loaded_after(
        """
        from sim import build_card_data
        from sim.chip.card import SimulatedCard
        from sim.chip.connection import SimConnection
        from jpki.ids import KeyKind
        from jpki.session import JpkiSession

        data = build_card_data("adult")
        session = JpkiSession(SimConnection(SimulatedCard(data)))
        session.verify_pin(KeyKind.AUTH.pin, data.auth_pin.known_value)
        assert len(session.sign(KeyKind.AUTH, b"message", check=True)) == 256
        """
    )
    assert "cryptography.hazmat.primitives.serialization" in signed


def test_exporting_a_certificate_loads_no_x509_library() -> None:
    loaded = loaded_after(
        FAKE_CARD
        + """
from jpki.pem import certificate_pem
from jpki.ids import CertKind
from jpki.session import JpkiSession
der = JpkiSession(FakeCard()).read_certificate_der(CertKind.AUTH)
assert der == DER, len(der)
assert certificate_pem(der).startswith(b"-----BEGIN CERTIFICATE-----")
"""
    )
    assert not loaded & {CRYPTOGRAPHY, ASN1CRYPTO, SIMULATOR, "jpki.certificate"}


def test_decoding_a_certificate_uses_the_x509_library() -> None:
    # The other side of the boundary: the contents are parsed by cryptography, which refuses
    # the fake certificate; asn1crypto is kept for the signature certificate's holder.
    loaded = loaded_after(
        FAKE_CARD
        + """
from jpki.errors import CertificateError
from jpki.ids import CertKind
from jpki.session import JpkiSession
try:
    JpkiSession(FakeCard()).read_certificate(CertKind.AUTH)
except CertificateError as exc:
    assert "not a DER X.509 certificate" in str(exc), exc
else:
    raise AssertionError("a SEQUENCE of zeros was taken for a certificate")
"""
    )
    assert CRYPTOGRAPHY in loaded
    assert ASN1CRYPTO not in loaded


def test_the_rules_package_loads_its_modules_on_first_use() -> None:
    # Importing jpki.rules loads none of its modules; asking for a name loads the module that
    # defines it (and what that module imports), not the whole package.
    loaded = loaded_after(
        """
        import jpki.rules
        assert not [name for name in sys.modules if name.startswith("jpki.rules.")]
        from jpki.rules import Decision, JsonValue
        assert Decision.__module__ == "jpki.rules.ids", Decision.__module__
        assert "Decision" in dir(jpki.rules)
        """
    )
    assert {"jpki.rules.ids", "jpki.rules.results"} <= loaded
    assert not loaded & {
        "jpki.rules.engine",
        "jpki.rules.known",
        "jpki.rules.compare",
        "jpki.rules.batch",
        "jpki.rules.explain",
    }
