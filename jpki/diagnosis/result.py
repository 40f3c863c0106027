"""The result of a diagnosis: findings, the facts behind them, the key dates, the JSON form.

JSON schema (``jpki diagnose --json``; keys are stable, wording is in the chosen language)::

    {
      "schema": "jpki-diagnosis/1",
      "today": "YYYY-MM-DD",             # the day judged (JST)
      "lang": "ja" | "en",
      "severity": "ok" | "attention" | "action_needed",   # the worst finding
      "exit_status": 0 | 10 | 11,
      "findings": [                      # worst first
        {"code", "severity", "message", "action" (or null), "remedy" (a remedy code or null),
         "unconfirmed" (bool), "decisions" ([decision ids]), "details" ({dates, counts, ids})}
      ],
      "timeline": {                      # the key dates, for drawing a timeline
        "today": "YYYY-MM-DD",
        "card" | "auth_cert" | "sign_cert": null | {"expiry", "renewal_from", "renewal_until",
                                                   "basis": "chip" | "computed"}
      },
      "card": {...},                     # CardFacts.to_json: chip, token, availability,
                                         # auth_certificate, pins, card_expiry, chain, ...
      "expected": null | {...},          # the rules report (ExpiryReport.to_json) when the
                                         # birth and card issue dates were given
      "rule_inputs": null | {"auth_cert_issued_from_chip", "sign_cert_issued_assumed"},
      "unconfirmed": [{"decision", "label", "codes"}],
      "municipality": {...},             # the configuration used (Municipality.to_json)
      "notes": ["..."],                  # lost card, express issuance, whom to call, ...
      "note_codes": ["lost_card", ...]   # which notes, in the same order
    }
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jpki.rules import Decision, ExpiryReport, JsonValue
from jpki.texts import language

from . import words
from .circumstances import RuleInputs
from .facts import CardFacts
from .findings import Basis, Finding, FindingCode, Severity
from .municipality import Municipality
from .notes import Note

__all__ = ["SCHEMA", "Diagnosis", "KeyDates", "Timeline"]

SCHEMA = "jpki-diagnosis/1"
"""The ``schema`` value of the JSON form; it changes only when a key changes meaning."""


@dataclass(frozen=True, slots=True)
class KeyDates:
    """The dates of one item (card or certificate) a timeline is drawn from.

    :param expiry: the last valid day, which is also the end of the renewal window.
    :param renewal_from: the first day of the renewal window.
    :param basis: read from the chip or computed from the dates given.
    """

    expiry: date
    renewal_from: date
    basis: Basis

    def to_json(self) -> dict[str, JsonValue]:
        """``expiry``, ``renewal_from``, ``renewal_until`` (the expiry) and ``basis``."""
        return {
            "expiry": self.expiry.isoformat(),
            "renewal_from": self.renewal_from.isoformat(),
            "renewal_until": self.expiry.isoformat(),
            "basis": self.basis.value,
        }


@dataclass(frozen=True, slots=True)
class Timeline:
    """The key dates of a diagnosis; an item is None when its dates are not known."""

    today: date
    card: KeyDates | None = None
    auth_cert: KeyDates | None = None
    sign_cert: KeyDates | None = None

    def to_json(self) -> dict[str, JsonValue]:
        """``today`` and ``card``, ``auth_cert``, ``sign_cert`` (null when unknown)."""
        return {
            "today": self.today.isoformat(),
            "card": None if self.card is None else self.card.to_json(),
            "auth_cert": None if self.auth_cert is None else self.auth_cert.to_json(),
            "sign_cert": None if self.sign_cert is None else self.sign_cert.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What :func:`jpki.diagnosis.diagnose` found; words are chosen only when it is shown.

    :param today: the day judged (JST).
    :param facts: what the card told.
    :param findings: the findings, worst first.
    :param municipality: where residents are sent.
    :param expected: the rules report, when the birth and card issue dates were given.
    :param rule_inputs: how the rules input was built, with :attr:`expected`.
    :param notes: the general notes that apply, in report order.
    :param timeline: the key dates.
    """

    today: date
    facts: CardFacts
    findings: tuple[Finding, ...]
    municipality: Municipality
    expected: ExpiryReport | None = None
    rule_inputs: RuleInputs | None = None
    notes: tuple[Note, ...] = ()
    timeline: Timeline | None = None

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

    def message(self, finding: Finding, lang: str) -> str:
        """What *finding* says, in *lang*, for this diagnosis's municipality."""
        return words.message(finding, self.municipality, language(lang))

    def action(self, finding: Finding, lang: str) -> str | None:
        """What to do about *finding*, in *lang*; None when nothing is to be done."""
        return words.action(finding, self.municipality, language(lang))

    def note_texts(self, lang: str) -> list[str]:
        """The general notes in *lang*."""
        return [words.note(note, self.municipality, language(lang)) for note in self.notes]

    def finding_json(self, finding: Finding, lang: str) -> dict[str, JsonValue]:
        """One finding as JSON: ``code``, ``severity``, ``message``, ``action`` (null when
        none), ``remedy``, ``unconfirmed``, ``decisions`` and ``details``; words in *lang*."""
        return {
            "code": finding.code.value,
            "severity": finding.severity.value,
            "message": self.message(finding, lang),
            "action": self.action(finding, lang),
            "remedy": None if finding.remedy is None else finding.remedy.value,
            "unconfirmed": finding.unconfirmed,
            "decisions": [decision.value for decision in sorted(finding.decisions)],
            "details": finding.details_json(),
        }

    def to_json(self, lang: str) -> dict[str, JsonValue]:
        """The diagnosis as JSON (see the module documentation), wording in *lang*.

        :raises ValueError: no texts in *lang*.
        """
        chosen = language(lang)
        built = self.rule_inputs
        unconfirmed: list[JsonValue] = [
            {
                "decision": decision.value,
                "label": words.decision_label(decision, chosen),
                "codes": [code.value for code in codes],
            }
            for decision, codes in self.decisions.items()
        ]
        timeline = self.timeline or Timeline(self.today)
        return {
            "schema": SCHEMA,
            "today": self.today.isoformat(),
            "lang": chosen,
            "severity": self.severity.value,
            "exit_status": self.exit_status,
            "findings": [self.finding_json(finding, chosen) for finding in self.findings],
            "timeline": timeline.to_json(),
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
            "notes": list(self.note_texts(chosen)),
            "note_codes": [note.value for note in self.notes],
        }
