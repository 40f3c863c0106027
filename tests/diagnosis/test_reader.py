"""Reading the facts from simulated cards: the APDU budget, no PIN spent, the odd cards."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from apdu import CardRemovedError
from apdu.testing import ScriptedConnection
from jpki.certificate import CertificateInfo, IssuerClass, load_certificate_file
from jpki.chain import verify_chain
from jpki.diagnosis import ChipKind, Problem, read_facts
from jpki.errors import ChainError
from jpki.ids import PinKind, TokenKind
from sim import CardData, Faults, SimConnection, SimulatedCard, open_simulated_card
from sim.factory.profiles import build_card_data

SELECT_JPKI = "00A4040C0AD392F000260100000001"

# 10 + ceil(1484 / 256) = 16 for the simulator's certificates.
APDUS = {
    "adult": 16,
    "new-atr": 16,
    "old-atr": 16,
    "under15": 16,
    "minor": 16,
    "foreign-resident": 16,
    "face-auth": 16,
    "blocked": 16,
    "expired": 16,
    "renewable": 16,
    # SELECT, availability, auth read refused (6982), token, 4 PIN queries (6), record (2).
    "android": 12,
    # The certificate predates the first My Number Card: the token is read too.
    "juki-card": 17,
}


def _verify_commands(connection: SimConnection) -> list[bytes]:
    card = connection.card
    assert isinstance(card, SimulatedCard)
    return [command for command in card.received if command[1] == 0x20]


@pytest.mark.parametrize("profile", sorted(APDUS))
def test_apdu_count_per_profile(profile: str) -> None:
    with open_simulated_card(profile=profile) as connection:
        start = connection.apdu_count
        facts = read_facts(connection)
        assert connection.apdu_count - start == APDUS[profile]
        assert facts.apdu_count == APDUS[profile]


def test_adult_card_within_budget_and_no_pin_spent() -> None:
    with open_simulated_card(profile="adult") as connection:
        facts = read_facts(connection)
        assert connection.apdu_count <= 16
        card = connection.card
        assert isinstance(card, SimulatedCard)
        before = card.card_data
        # Only case-1 VERIFY queries (4 bytes, no PIN data): no try can be spent.
        verifies = _verify_commands(connection)
        assert len(verifies) == 4
        assert all(len(command) == 4 for command in verifies)
        assert card.card_data == before
    assert facts.chip is ChipKind.MY_NUMBER_CARD
    assert facts.token is None  # not needed for a card that answers like this one
    assert facts.auth_certificate is not None
    assert facts.auth_certificate.expiry_date == date(2029, 4, 12)
    assert facts.card_expiry == date(2034, 4, 12)
    assert facts.availability is not None and facts.availability.sign_certificate
    statuses = [fact.status for fact in facts.pins]
    assert [fact.kind for fact in facts.pins] == list(PinKind)
    assert all(status is not None and not status.blocked for status in statuses)
    assert facts.chain is None


def test_blocked_profile_counters() -> None:
    with open_simulated_card(profile="blocked") as connection:
        facts = read_facts(connection)
    sign, auth = facts.pin(PinKind.SIGN), facts.pin(PinKind.AUTH)
    assert sign is not None and sign.status is not None and sign.status.blocked
    assert auth is not None and auth.status is not None and auth.status.last_try


def test_smartphone_token_is_recognised() -> None:
    with open_simulated_card(profile="android") as connection:
        facts = read_facts(connection)
    assert facts.chip is ChipKind.SMARTPHONE
    assert facts.token is not None and facts.token.kind is TokenKind.ANDROID
    assert facts.auth_certificate is None
    assert facts.auth_certificate_problem is Problem.PIN_REQUIRED


def test_juki_card_is_recognised() -> None:
    with open_simulated_card(profile="juki-card") as connection:
        facts = read_facts(connection)
    assert facts.chip is ChipKind.JUKI_CARD


def test_not_a_my_number_card_is_a_fact_not_an_error() -> None:
    connection = ScriptedConnection([(SELECT_JPKI, "6A82")])
    facts = read_facts(connection)
    connection.assert_done()
    assert facts.chip is ChipKind.NOT_A_MY_NUMBER_CARD
    assert not facts.is_card
    assert facts.apdu_count == 1


def test_missing_applications_are_tolerated() -> None:
    # A token without the card-info, Juki and common applications (as a smartphone may be).
    connection = ScriptedConnection(
        [
            (SELECT_JPKI, "9000"),
            ("00B0880003", "008F009000"),  # availability: no signature certificate
            ("00B08A0000", "6982"),  # auth certificate: needs the PIN
            ("00B08600A0", "4A504B49415047505345544F4B454E" + "20" * 145 + "9000"),
            ("00200098", "63C3"),
            ("0020009B", "63C5"),
            ("00A4040C0AD3921000310001010408", "6A82"),
            ("00A4040C0AD3921000310001010401", "6A82"),
            ("00A4040C0AD3921000310001010100", "6A82"),
        ]
    )
    facts = read_facts(connection)
    connection.assert_done()
    assert facts.chip is ChipKind.SMARTPHONE
    missing = [fact.kind for fact in facts.pins if fact.problem is Problem.ABSENT]
    assert missing == [PinKind.CARD_INFO, PinKind.JUKI]
    assert facts.card_record is None and facts.card_record_problem is Problem.ABSENT


def test_card_removed_during_reading_propagates() -> None:
    with (
        open_simulated_card(profile="adult", faults=Faults(remove_after=5)) as connection,
        pytest.raises(CardRemovedError),
    ):
        read_facts(connection)


def test_extended_apdus_need_fewer_reads() -> None:
    with open_simulated_card(profile="adult") as connection:
        facts = read_facts(connection, extended=True)
    assert facts.apdu_count is not None and facts.apdu_count < 16


def test_check_chain_reads_the_cas_and_verifies() -> None:
    with open_simulated_card(profile="adult") as connection:
        facts = read_facts(connection, check_chain=True)
    assert facts.chain is not None
    assert facts.chain.verified
    assert facts.chain.issuer_class is IssuerClass.SIMULATED
    assert facts.chain.auth_ca is not None and facts.chain.sign_ca is not None
    assert facts.token is not None  # read while the JPKI application is selected anyway
    assert facts.apdu_count is not None and 16 < facts.apdu_count <= 30


def test_check_chain_with_a_foreign_ca_fails() -> None:
    data = build_card_data("adult")
    # Put the signature CA where the auth CA belongs: its key did not sign the auth certificate.
    assert data.sign_ca_certificate is not None
    wrong_ca = CardData.from_dict(
        {**data.to_dict(), "auth_ca_certificate": data.sign_ca_certificate.hex()}
    )
    with SimConnection(SimulatedCard(wrong_ca)) as connection:
        facts = read_facts(connection, check_chain=True)
    assert facts.chain is not None and not facts.chain.verified
    assert facts.chain.problem


def _real_card(testdata_dir: Path) -> CardData:
    real = load_certificate_file(testdata_dir / "real" / "auth-cert-production.pem")
    roots = [
        load_certificate_file(path) for path in sorted((testdata_dir / "jlis-ca").glob("authca*"))
    ]
    root = next(ca for ca in roots if _issued_by(real, ca))  # the generation that signed it
    data = build_card_data("adult")
    return CardData.from_dict(
        {
            **data.to_dict(),
            "auth_certificate": real.der.hex(),
            "auth_ca_certificate": root.der.hex(),
        }
    )


def _issued_by(cert: CertificateInfo, ca: CertificateInfo) -> bool:
    try:
        verify_chain(cert, [ca], at=cert.not_before)
    except ChainError:
        return False
    return True


def test_real_production_certificate_costs_seven_reads(testdata_dir: Path) -> None:
    with SimConnection(SimulatedCard(_real_card(testdata_dir))) as connection:
        facts = read_facts(connection)
    assert facts.auth_certificate is not None
    assert len(facts.auth_certificate.der) == 1573
    assert facts.apdu_count == 17  # 10 + ceil(1573 / 256)


def test_real_production_certificate_chain(testdata_dir: Path) -> None:
    with SimConnection(SimulatedCard(_real_card(testdata_dir))) as connection:
        facts = read_facts(connection, check_chain=True)
    assert facts.chain is not None and facts.chain.verified
    assert facts.chain.issuer_class is IssuerClass.PRODUCTION


def test_status_reads_through_the_facts_reader() -> None:
    from jpki.session import JpkiSession
    from jpki.status import read_status

    with open_simulated_card(profile="blocked") as connection:
        start = connection.apdu_count
        status = read_status(JpkiSession(connection))
        # SELECT, availability, the certificate, token, 4 PIN queries (6): no common AP read.
        assert connection.apdu_count - start == 1 + 1 + 6 + 1 + 6
        card = connection.card
        assert isinstance(card, SimulatedCard)
        assert all(len(command) == 4 for command in _verify_commands(connection))
        assert not any(command[1] == 0xB2 for command in card.received)  # no READ RECORD
    assert status.token.name == "JPKIAPICCTOKEN2"
    blocked = status.pin(PinKind.SIGN)
    assert blocked is not None and blocked.blocked
    assert status.to_json()["pins"]["auth"]["remaining"] == 1
    assert status.auth_certificate_problem is None


def test_status_of_a_smartphone_token_says_why_there_is_no_certificate() -> None:
    from jpki.session import JpkiSession
    from jpki.status import read_status

    with open_simulated_card(profile="android") as connection:
        status = read_status(JpkiSession(connection))
    assert status.auth_certificate is None
    assert status.auth_certificate_problem is Problem.PIN_REQUIRED
    assert status.to_json()["auth_certificate_problem"] == "pin_required"


@pytest.mark.parametrize(
    ("lang", "said"), [("ja", "残り回数を確認できません"), ("en", "cannot be queried")]
)
def test_status_shows_a_counter_that_cannot_be_queried(lang: str, said: str) -> None:
    import argparse

    from jpki.cli.cmd_status import render_status
    from jpki.cli.context import CliContext
    from jpki.diagnosis import PinFact
    from jpki.models import PinStatus
    from jpki.session import JpkiSession
    from jpki.status import CardStatus, read_status

    with open_simulated_card(profile="adult") as connection:
        status = read_status(JpkiSession(connection))
    pins = (
        *status.pins[:3],
        PinFact(PinKind.JUKI, None, Problem.UNREADABLE),
    )
    odd = CardStatus(status.token, status.availability, pins, status.auth_certificate, None)
    lines = render_status(CliContext(argparse.Namespace(lang=lang)), odd, date(2026, 11, 22))
    assert said in lines[-1]
    assert odd.pin(PinKind.JUKI) is None
    assert odd.pin(PinKind.AUTH) == PinStatus(PinKind.AUTH, 3)
    assert odd.to_json()["pins"]["juki"] == {"problem": "unreadable"}
