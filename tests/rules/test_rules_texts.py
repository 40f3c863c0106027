"""What staff read from ``jpki expiry``: Japanese without English or internal ids, every rule
identifier worded in both catalogs, the old label properties kept as aliases."""

from __future__ import annotations

import re

import pytest

from jpki.cli.main import main
from jpki.rules import (
    Caveat,
    Decision,
    ExpressReason,
    FlagVerdict,
    InputProblem,
    Item,
    ItemState,
    Known,
    MismatchReason,
    NotIssuedReason,
    RuleId,
    StoreUnavailableReason,
)
from jpki.texts import catalog, render

CASES = [
    ["--birth", "2000-02-29", "--card-issued", "2025-06-01"],
    ["--birth", "1990-07-07", "--card-issued", "2025-01-10", "--residence-until", "2026-09-30",
     "--special-extension"],
    ["--birth", "1980-10-10", "--cert-issued", "2024-08-01"],
    ["--card-expiry", "2026-10-10"],
    ["--birth", "1980-10-10", "--card-issued", "2020-05-15", "--card-expiry", "2030-10-10"],
    ["--birth", "1980-10-10", "--card-issued", "2020-05-15", "--cert-issued", "2024-06-30",
     "--cert-renewed-in-window", "--moving-abroad"],
    ["--birth", "2012-03-01", "--card-issued", "2026-09-01", "--auth-cert-issued", "2026-09-01",
     "--face-auth"],
    ["--birth", "2003-06-10", "--card-issued", "2022-04-15"],
    ["--birth", "1980-10-10", "--card-issued", "2016-05-15"],
]  # fmt: skip
# Latin letters a Japanese staff text may keep: product names and the options it names.
ALLOWED = re.compile(r"^(jpki|e-Tax|IC|--[a-z0-9-]+)$")
INTERNAL_IDS = re.compile(r"\b[a-z]+(_[a-z0-9]+)+\b|\b[a-z]+\.[a-z0-9_]+\b|\[[a-z0-9]+\]")


def expiry_text(capsys: pytest.CaptureFixture[str], lang: str, options: list[str]) -> str:
    """What ``jpki expiry`` prints in *lang* for *options* on 2026-11-22 (it must succeed)."""
    assert main(["--lang", lang, "expiry", "--today", "2026-11-22", *options]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("options", CASES)
def test_japanese_text_has_no_english_and_no_internal_ids(
    capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    out = expiry_text(capsys, "ja", options)
    leftovers = [
        word for word in re.findall(r"-*[A-Za-z][A-Za-z0-9._-]*", out) if not ALLOWED.match(word)
    ]
    assert leftovers == []
    assert INTERNAL_IDS.search(out) is None


@pytest.mark.parametrize("options", CASES)
def test_english_text_has_no_internal_ids(
    capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    out = expiry_text(capsys, "en", options)
    assert INTERNAL_IDS.search(out) is None, INTERNAL_IDS.search(out)
    assert not re.search(
        r"[\u3040-\u30ff\u4e00-\u9fff]", out.replace("マイナンバーカードの受取について(ご案内)", "")
    )


@pytest.mark.parametrize(
    "kind",
    [RuleId, Decision, NotIssuedReason, Item, ItemState, MismatchReason, InputProblem,
     StoreUnavailableReason, Caveat, FlagVerdict, ExpressReason, Known],
)  # fmt: skip
def test_every_identifier_is_worded_in_both_languages(kind: type) -> None:
    for member in kind:
        key = member.msg.key.partition(".")[2]
        for lang in ("ja", "en"):
            assert key in catalog(lang, "rules"), f"{lang}: {key}"
        assert render(member.msg, "ja") != render(member.msg, "en")


def test_identifiers_are_said_from_the_catalog() -> None:
    assert render(RuleId.CARD_RESIDENCE_CAP.msg, "ja") == "在留期限"
    assert render(RuleId.CARD_RESIDENCE_CAP.msg, "en") == "end of the period of stay"
    assert render(Item.AUTH_CERT.msg, "ja") == "利用者証明用電子証明書"
    assert render(ItemState.RENEWABLE.msg, "ja") == "有効(更新手続きができる期間です)"
    assert (
        render(InputProblem.ISSUED_BEFORE_BIRTH.msg, "ja") == "カードの発行日が生年月日より前です。"
    )


def test_errors_in_japanese_have_no_english(capsys: pytest.CaptureFixture[str]) -> None:
    for options in (
        ["--birth", "2020-01-01", "--card-issued", "2019-01-01"],
        ["--birth", "2020-02-30"],
        ["--today", "2026-01-01"],
        ["--card-issued", "2020-01-01", "--card-expiry", "2019-01-01"],
    ):
        assert main(["--lang", "ja", "expiry", *options]) == 2
        err = capsys.readouterr().err
        words = [w for w in re.findall(r"-*[A-Za-z][A-Za-z0-9._-]*", err) if not ALLOWED.match(w)]
        assert words == [], err
        assert err.count("\n") == 1
