"""The guidance facts as typed data: sources, periods, open points, fees, the grace."""

from __future__ import annotations

from datetime import date

import pytest

from jpki.rules import (
    CARD_PICKUP,
    EXPRESS_ISSUANCE,
    FOREIGN_LANGUAGE_HELP,
    HEALTH_INSURANCE,
    MOVING_ABROAD,
    SMARTPHONE_CERT,
    Decision,
    ExpressReason,
    RuleId,
    express_fee,
    facts_in_force,
    insurance_after_expiry,
)
from jpki.texts import Msg, render

D = date.fromisoformat
FACTS = (MOVING_ABROAD, FOREIGN_LANGUAGE_HELP, SMARTPHONE_CERT, HEALTH_INSURANCE,
         EXPRESS_ISSUANCE, CARD_PICKUP)  # fmt: skip


def test_each_fact_has_a_rule_id_a_source_and_its_open_points() -> None:
    for fact in FACTS:
        assert fact.fact.rule.value.startswith("fact.")
        assert fact.fact.source
    assert MOVING_ABROAD.fact.period.start == D("2024-05-27")
    assert EXPRESS_ISSUANCE.fact.period.start == D("2024-12-02")
    assert "10" in MOVING_ABROAD.fact.source and "15-4" in MOVING_ABROAD.fact.source
    assert "Q2" in CARD_PICKUP.fact.source
    assert not MOVING_ABROAD.fact.unconfirmed and not CARD_PICKUP.fact.unconfirmed
    assert SMARTPHONE_CERT.fact.decisions == {Decision.SMARTPHONE_CERT_ON_RENEWAL}
    assert HEALTH_INSURANCE.fact.decisions == {
        Decision.HEALTH_INSURANCE_GRACE,
        Decision.INSURANCE_AFTER_CARD_EXPIRY,
    }
    assert EXPRESS_ISSUANCE.fact.unconfirmed
    json = EXPRESS_ISSUANCE.fact.to_json()
    assert json["rule"] == "fact.express_issuance" and json["since"] == "2024-12-02"


def test_the_guidebook_figures() -> None:
    assert MOVING_ABROAD.lost_card_phone == "03-6734-0170"
    assert FOREIGN_LANGUAGE_HELP.phones == ("0120-0178-26", "0120-0178-27")
    assert len(FOREIGN_LANGUAGE_HELP.languages) == 10
    assert not SMARTPHONE_CERT.has_pin_counters
    assert HEALTH_INSURANCE.paper_cards_end == D("2024-12-02")
    assert CARD_PICKUP.by_reservation and CARD_PICKUP.in_person


def test_facts_in_force_follow_the_day() -> None:
    before = {fact.fact.rule for fact in facts_in_force(D("2024-05-26"))}
    assert RuleId.FACT_MOVING_ABROAD not in before
    assert RuleId.FACT_EXPRESS_ISSUANCE not in before
    assert RuleId.FACT_CARD_PICKUP in before
    after = {fact.fact.rule for fact in facts_in_force(D("2024-12-02"))}
    assert {RuleId.FACT_MOVING_ABROAD, RuleId.FACT_EXPRESS_ISSUANCE} <= after


@pytest.mark.parametrize(
    ("reason", "own_fault", "certs", "fee"),
    [
        (ExpressReason.LOST, True, True, 2_000),
        (ExpressReason.LOST, True, False, 1_800),
        (ExpressReason.DAMAGED, True, True, 2_000),
        (ExpressReason.LOST, False, True, 0),
        (ExpressReason.UNDER_1, False, True, 0),
        (ExpressReason.MOVED_IN_FROM_ABROAD, True, True, 0),
    ],
)
def test_express_fees(reason: ExpressReason, own_fault: bool, certs: bool, fee: int) -> None:
    assert express_fee(reason, own_fault=own_fault, with_certificates=certs) == fee


def test_health_insurance_grace_is_flagged() -> None:
    grace = insurance_after_expiry(D("2030-02-28"))
    assert grace.value == D("2030-05-31")
    assert grace.decisions == {Decision.HEALTH_INSURANCE_GRACE}
    assert insurance_after_expiry(D("2029-11-30")).value == D("2030-02-28")


def test_every_express_reason_is_worded() -> None:
    for reason in ExpressReason:
        assert render(reason.msg, "ja") != render(reason.msg, "en")
    assert render(Msg("rules.express_reason.lost"), "ja") == "カードを紛失した方"
