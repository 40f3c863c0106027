"""Every identifier a diagnosis can carry has its words in every language.

Keys built from enum values (``diagnosis.decision.<id>``, ``diagnosis.mismatch.<reason>``...)
are not literal in the code, so the catalog test cannot see them: this test names them all, so
that a new identifier (a new rules decision, a new remedy) fails here until it has words.
"""

from __future__ import annotations

import pytest

from jpki import texts
from jpki.certificate import IssuerClass
from jpki.diagnosis import FindingCode, Note, Remedy
from jpki.ids import PinKind
from jpki.rules import Decision, InputProblem, MismatchReason, NotIssuedReason
from jpki.texts import catalog


def _keys() -> list[str]:
    keys = [f"decision.{d.value}" for d in Decision]
    keys += [f"mismatch.{r.value}" for r in MismatchReason]
    keys += [f"issuer.{c.value}" for c in IssuerClass]
    keys += [f"error.rules.{p.value}" for p in InputProblem]
    keys += [f"note.{n.value}" for n in Note]
    keys += [f"sign.absent_{r.value}" for r in NotIssuedReason] + ["sign.absent_unknown"]
    for kind in PinKind:
        keys += [f"pin.{kind.json_key}", f"pin_short.{kind.json_key}", f"pin_use.{kind.json_key}"]
    for kind in (PinKind.AUTH, PinKind.SIGN):
        keys += [f"pin_shape.{kind.json_key}", f"pin_route.{kind.json_key}"]
    keys += [f"severity.{severity}" for severity in ("ok", "attention", "action_needed")]
    return keys


@pytest.mark.parametrize("lang", texts.languages())
def test_every_identifier_has_words(lang: str) -> None:
    words = catalog(lang, "diagnosis")
    missing = [key for key in _keys() if key not in words]
    assert not missing, f"{lang}/diagnosis.json lacks {missing}"


def test_every_finding_code_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "diagnosis.md").read_text()
    for code in FindingCode:
        if "_pin_" in code.value and code is not FindingCode.PINS_OK:
            continue  # documented as a group (`auth_pin_blocked`, `sign_pin_blocked`, ...)
        assert f"`{code.value}`" in doc, code
    for remedy in Remedy:
        assert f"| `{remedy.value}` |" in doc, remedy
