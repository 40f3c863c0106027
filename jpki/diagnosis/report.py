"""The result of a diagnosis: findings, the facts behind them, and the JSON form.

JSON schema (``jpki diagnose --json``; keys are stable, wording is in the chosen language)::

    {
      "schema": "jpki-diagnosis/1",
      "today": "YYYY-MM-DD",             # the day judged (JST)
      "lang": "ja" | "en",
      "severity": "ok" | "attention" | "action_needed",   # the worst finding
      "exit_status": 0 | 10 | 11,
      "findings": [                      # worst first
        {"code", "severity", "message", "action" (or null), "unconfirmed" (bool),
         "decisions" ([decision ids]), "details" ({dates, counts, reasons})}
      ],
      "card": {...},                     # CardFacts.to_json: chip, token, availability,
                                         # auth_certificate, pins, card_expiry, chain, ...
      "expected": null | {...},          # the rules report (ExpiryReport.to_json) when the
                                         # birth and card issue dates were given
      "rule_inputs": null | {"auth_cert_issued_from_chip", "sign_cert_issued_assumed"},
      "unconfirmed": [{"decision", "label", "codes"}],
      "municipality": {...},             # the configuration used (Municipality.to_json)
      "notes": ["..."]                   # lost card, fees, whom to call
    }
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jpki.rules import Decision, ExpiryReport, JsonValue

from .circumstances import RuleInputs
from .facts import CardFacts
from .findings import Finding, FindingCode, Severity
from .municipality import Municipality
from .text import Lang, Text

__all__ = ["SCHEMA", "Diagnosis"]

SCHEMA = "jpki-diagnosis/1"
"""The ``schema`` value of the JSON form; it changes only when a key changes meaning."""


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What :func:`jpki.diagnosis.diagnose` found.

    :param today: the day judged (JST).
    :param facts: what the card told.
    :param findings: the findings, worst first.
    :param municipality: where residents are sent.
    :param expected: the rules report, when the birth and card issue dates were given.
    :param rule_inputs: how the rules input was built, with :attr:`expected`.
    :param notes: general guidance every report ends with.
    """

    today: date
    facts: CardFacts
    findings: tuple[Finding, ...]
    municipality: Municipality
    expected: ExpiryReport | None = None
    rule_inputs: RuleInputs | None = None
    notes: tuple[Text, ...] = ()

    @property
    def severity(self) -> Severity:
        """The worst severity among the findings (ok when there are none)."""
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=Severity.OK)

    @property
    def exit_status(self) -> int:
        """0 when all is well, 10 with only attention findings, 11 when action is needed."""
        return self.severity.exit_status

    @property
    def codes(self) -> tuple[FindingCode, ...]:
        """The finding codes, in report order."""
        return tuple(finding.code for finding in self.findings)

    def finding(self, code: FindingCode) -> Finding | None:
        """The finding with *code*, if there is one."""
        return next((f for f in self.findings if f.code is code), None)

    @property
    def decisions(self) -> dict[Decision, tuple[FindingCode, ...]]:
        """Each unconfirmed reading the findings rest on, with the codes that rest on it."""
        result: dict[Decision, list[FindingCode]] = {}
        for finding in self.findings:
            for decision in sorted(finding.decisions):
                result.setdefault(decision, []).append(finding.code)
        return {decision: tuple(codes) for decision, codes in sorted(result.items())}

    def to_json(self, lang: Lang | str) -> dict[str, JsonValue]:
        """The diagnosis as JSON (see the module documentation), wording in *lang*."""
        language = Lang(lang)
        built = self.rule_inputs
        unconfirmed: list[JsonValue] = [
            {
                "decision": decision.value,
                "label": decision.label_ja if language is Lang.JA else decision.label_en,
                "codes": [code.value for code in codes],
            }
            for decision, codes in self.decisions.items()
        ]
        return {
            "schema": SCHEMA,
            "today": self.today.isoformat(),
            "lang": language.value,
            "severity": self.severity.value,
            "exit_status": self.exit_status,
            "findings": [finding.to_json(language) for finding in self.findings],
            "card": self.facts.to_json(self.today),
            "expected": None if self.expected is None else self.expected.to_json(),
            "rule_inputs": (
                None
                if built is None
                else {
                    "auth_cert_issued_from_chip": built.auth_issued_from_chip,
                    "sign_cert_issued_assumed": built.sign_issued_assumed,
                }
            ),
            "unconfirmed": unconfirmed,
            "municipality": self.municipality.to_json(),
            "notes": [note.get(language) for note in self.notes],
        }
