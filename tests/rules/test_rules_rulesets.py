"""Rule sets by date: every rule's period, the version in force on a day, the draft by name."""

from __future__ import annotations

from datetime import date

import pytest

from jpki.cli.main import main
from jpki.rules import (
    Decision,
    ExpiryInputs,
    ItemState,
    RuleId,
    RuleSet,
    evaluate,
    rule_in_force,
    rule_period,
    rule_set_in_force,
    rules_version,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("today", "name"),
    [
        ("2016-01-01", "card-2016@2016-01-01"),
        ("2022-03-31", "card-2016@2021-10-20"),
        ("2022-04-01", "card-2016@2022-04-01"),
        ("2024-05-27", "card-2016@2024-05-27"),
        ("2024-12-01", "card-2016@2024-05-27"),
        ("2024-12-02", "card-2016@2024-12-02"),
        ("2031-01-01", "card-2016@2024-12-02"),
    ],
)
def test_the_version_in_force_on_a_day(today: str, name: str) -> None:
    version = rules_version(D(today))
    assert version.name == name
    assert version.in_force


def test_the_draft_is_never_chosen_by_date() -> None:
    for year in (2027, 2028, 2029, 2040):
        assert rule_set_in_force(date(year, 6, 1)) is RuleSet.CARD_2016
    assert RuleSet.NEXT_GENERATION_DRAFT.is_draft
    assert RuleSet.NEXT_GENERATION_DRAFT.in_force_from == date.max
    assert not RuleSet.CARD_2016.is_draft
    assert RuleSet.CARD_2016.in_force_from == date(2016, 1, 1)


def test_every_rule_has_a_period() -> None:
    for rule in RuleId:
        period = rule_period(rule)
        assert period.start >= D("2016-01-01")
    assert not rule_in_force(RuleId.FACT_EXPRESS_ISSUANCE, D("2024-12-01"))
    assert rule_in_force(RuleId.FACT_EXPRESS_ISSUANCE, D("2024-12-02"))
    assert not rule_in_force(RuleId.FACT_MOVING_ABROAD, D("2024-05-26"))
    assert rule_in_force(RuleId.CARD_10TH_BIRTHDAY, D("2016-01-01"))


def test_evaluate_names_the_version_and_judges_days_before_the_first_card() -> None:
    inputs = ExpiryInputs(birth=D("1980-10-10"), card_issued=D("2020-05-15"))
    report = evaluate(inputs, D("2025-06-01"))
    assert report.version is not None and report.version.name == "card-2016@2024-12-02"
    early = evaluate(inputs, D("2015-06-01"))
    assert early.card.state.value is ItemState.NOT_YET_ISSUED
    assert early.version is not None and early.version.rule_set is RuleSet.CARD_2016


def test_the_draft_by_name_is_marked_not_in_force() -> None:
    inputs = ExpiryInputs(birth=D("1980-10-10"), card_issued=D("2028-05-15"))
    report = evaluate(inputs, D("2029-01-01"), RuleSet.NEXT_GENERATION_DRAFT)
    assert report.version is not None and not report.version.in_force
    assert report.version.name == "next-generation-draft@not-in-force"
    # Draft: 10th birthday 2037-10-10, one month after it; certificates end with the card.
    assert report.card.expiry_date == D("2037-11-10")
    assert report.auth_cert.expiry_date == D("2037-11-10")
    assert report.card.renewal_from is not None
    assert report.card.renewal_from.value == D("2036-11-11")
    for item in report.items:
        assert Decision.DRAFT_RULE_SET in item.expiry.decisions
    assert report.unconfirmed
    assert report.to_json()["in_force"] is False
    # The same card under the rules in force.
    current = evaluate(inputs, D("2029-01-01"))
    assert current.card.expiry_date == D("2037-10-10")
    assert current.auth_cert.expiry_date == D("2032-10-10")


def test_cli_names_the_version_and_warns_about_the_draft(
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = ["expiry", "--birth", "1980-10-10", "--card-issued", "2028-05-15", "--today"]
    assert main(["--lang", "ja", *base, "2029-01-01", "--rules", "next-generation-draft"]) == 0
    out = capsys.readouterr().out
    assert "次期マイナンバーカードの案(施行されていません)" in out
    assert "窓口での案内には使わないでください" in out
    assert "2037年11月10日" in out
    assert main(["--lang", "ja", *base, "2029-01-01"]) == 0
    current = capsys.readouterr().out
    assert "施行されていません" not in current
    assert "マイナンバーカードの現行ルール(2024年12月2日の改正まで)" in current
