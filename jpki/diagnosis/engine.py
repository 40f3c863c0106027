"""From card facts and the expiry rules to findings: pure, no card, no clock.

The chip is the truth for what it holds (the user-authentication certificate, the card's expiry
record); the rules fill in what the chip does not show without a PIN (the signature
certificate's expiry) and explain dates that differ from the computed ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from jpki.ids import CertKind, PinKind
from jpki.rules import (
    Decision,
    ExpiryReport,
    Item,
    JsonValue,
    NotIssued,
    NotIssuedReason,
    age_on,
    compare_expiry,
    convenience_store_usable_from,
    end_of_month_after,
    evaluate,
    renewal_window_start,
)

from . import wording
from .circumstances import Circumstances, RuleInputs, rule_inputs
from .facts import CardFacts, ChipKind, Problem
from .findings import Finding, FindingCode, Severity
from .municipality import Municipality, default_municipality
from .report import Diagnosis
from .text import Text

__all__ = ["diagnose"]

# A new certificate is usable at convenience stores from 06:30 on the day after the next
# business day at the latest; even across the year-end closure and a weekend that is well
# within two weeks of issue.
_STORE_PENDING_AT_MOST = timedelta(days=14)

_AGE_SIGN_CERT = 15
_OTHER_JPKI_PIN = {PinKind.AUTH: PinKind.SIGN, PinKind.SIGN: PinKind.AUTH}


def diagnose(
    facts: CardFacts,
    today: date,
    *,
    circumstances: Circumstances | None = None,
    municipality: Municipality | None = None,
) -> Diagnosis:
    """Judge *facts* on *today* (a JST date).

    :param circumstances: what staff know beyond the chip; with the birth and card issue dates
        the expiry rules run and are compared with the chip.
    :param municipality: where residents are sent (default: the packaged Bunkyo City).
    :raises RulesInputError: the dates given contradict each other.
    """
    known = circumstances or Circumstances()
    office = municipality or default_municipality()
    built = rule_inputs(known, facts) if facts.is_card else None
    report = None if built is None else evaluate(built.inputs, today)
    findings = _Engine(facts, today, known, office, built, report).run()
    return Diagnosis(
        today=today,
        facts=facts,
        findings=findings,
        municipality=office,
        expected=report,
        rule_inputs=built,
        notes=wording.notes(office),
    )


class _Engine:
    """One diagnosis in the making; the methods add findings in report order."""

    def __init__(
        self,
        facts: CardFacts,
        today: date,
        known: Circumstances,
        office: Municipality,
        built: RuleInputs | None,
        report: ExpiryReport | None,
    ) -> None:
        self.facts = facts
        self.today = today
        self.known = known
        self.office = office
        self.built = built
        self.report = report
        self.findings: list[Finding] = []
        self.card_expiry: date | None = None
        self.auth_state: Severity | None = None

    def add(
        self,
        code: FindingCode,
        severity: Severity,
        message: Text,
        action: Text | None = None,
        details: Mapping[str, JsonValue] | None = None,
        decisions: frozenset[Decision] = frozenset(),
    ) -> None:
        self.findings.append(Finding(code, severity, message, action, details or {}, decisions))

    def run(self) -> tuple[Finding, ...]:
        if not self.facts.is_card:
            message, action = wording.not_a_my_number_card()
            self.add(FindingCode.NOT_A_MY_NUMBER_CARD, Severity.ACTION_NEEDED, message, action)
            return tuple(self.findings)
        self.chip()
        if self.facts.chip is ChipKind.JUKI_CARD:
            # Nothing on it can be renewed: the one thing to do is get a My Number Card.
            return tuple(self.findings)
        self.card()
        self.auth_certificate()
        self.sign_certificate()
        self.pins()
        self.chain()
        self.unconfirmed()
        # Worst first; sorted() is stable, so each severity keeps the order above.
        return tuple(sorted(self.findings, key=lambda f: -f.severity.rank))

    @property
    def smartphone(self) -> bool:
        return self.facts.chip is ChipKind.SMARTPHONE

    # -- chip and card --------------------------------------------------------------------

    def chip(self) -> None:
        chip = self.facts.chip
        token = None if self.facts.token is None else self.facts.token.name
        if chip is ChipKind.SMARTPHONE:
            message, action = wording.smartphone_token(self.office)
            self.add(
                FindingCode.SMARTPHONE_TOKEN, Severity.ATTENTION, message, action, {"token": token}
            )
        elif chip is ChipKind.JUKI_CARD:
            message, action = wording.juki_card()
            self.add(
                FindingCode.JUKI_CARD, Severity.ACTION_NEEDED, message, action, {"token": token}
            )

    def card(self) -> None:
        facts, report = self.facts, self.report
        if self.smartphone:
            return
        expiry = facts.card_expiry
        basis = "chip"
        decisions: frozenset[Decision] = frozenset()
        if expiry is not None and report is not None:
            self.mismatch(report, FindingCode.CARD_EXPIRY_MISMATCH, Item.CARD, expiry)
        if expiry is None:
            if report is not None and report.card.expiry_date is not None:
                expiry, basis = report.card.expiry_date, "computed"
                decisions = report.card.expiry.decisions
            else:
                if facts.chip is ChipKind.MY_NUMBER_CARD:
                    message, action = wording.card_expiry_unknown()
                    problem = facts.card_record_problem
                    self.add(
                        FindingCode.CARD_EXPIRY_UNKNOWN,
                        Severity.ATTENTION,
                        message,
                        action,
                        {"problem": None if problem is None else problem.value},
                    )
                return
        self.card_expiry = expiry
        left = (expiry - self.today).days
        start = renewal_window_start(expiry)
        details: dict[str, JsonValue] = {
            "expiry": expiry.isoformat(),
            "days_left": left,
            "renewal_from": start.isoformat(),
            "basis": basis,
        }
        note = wording.card_expiry_computed() if basis == "computed" else None
        residence = self.known.residence_until is not None
        if left < 0:
            message, action = wording.card_expired(expiry, self.office, residence=residence)
            self.add(
                FindingCode.CARD_EXPIRED,
                Severity.ACTION_NEEDED,
                Text.join((message, note)),
                action,
                details,
                decisions,
            )
            return
        if self.today >= start:
            message, action = wording.card_renewable(expiry, left, start, self.office)
            self.add(
                FindingCode.CARD_RENEWABLE,
                Severity.ATTENTION,
                Text.join((message, note)),
                action,
                details,
                decisions,
            )
        else:
            message = wording.card_ok(expiry, left)
            self.add(
                FindingCode.CARD_OK,
                Severity.OK,
                Text.join((message, note)),
                None,
                details,
                decisions,
            )
        until = self.known.residence_until
        # Only while the stay ends no later than the card: then extending it matters.
        if until is not None and until <= expiry:
            message, action = wording.residence_period_limit(until, self.office)
            self.add(
                FindingCode.RESIDENCE_PERIOD_LIMIT,
                Severity.ATTENTION,
                message,
                action,
                {"residence_until": until.isoformat(), "card_expiry": expiry.isoformat()},
            )

    @property
    def card_expired(self) -> bool:
        return self.card_expiry is not None and self.card_expiry < self.today

    def mismatch(self, report: ExpiryReport, code: FindingCode, item: Item, actual: date) -> None:
        result = compare_expiry(report, item, actual)
        comparison = result.value
        if comparison.mismatch is None:
            return
        expected = comparison.expected
        expected_day = None if isinstance(expected, NotIssued) else expected
        label = Text(item.label_ja, item.label_en)
        message, action = wording.expiry_mismatch(label, actual, expected_day, comparison.mismatch)
        self.add(
            code,
            Severity.ATTENTION,
            message,
            action,
            {
                "item": item.value,
                "actual": actual.isoformat(),
                "expected": None if expected_day is None else expected_day.isoformat(),
                "reason": comparison.mismatch.value,
                "explanation": result.explanation,
            },
            result.decisions,
        )

    # -- certificates -----------------------------------------------------------------------

    def auth_certificate(self) -> None:
        facts, office = self.facts, self.office
        cert = facts.auth_certificate
        if cert is None:
            problem = facts.auth_certificate_problem
            if self.smartphone:
                return
            if problem is Problem.ABSENT:
                message, action = wording.auth_cert_absent(office)
                self.add(FindingCode.AUTH_CERT_ABSENT, Severity.ATTENTION, message, action)
            else:
                message, action = wording.auth_cert_unreadable(office)
                self.add(
                    FindingCode.AUTH_CERT_UNREADABLE,
                    Severity.ATTENTION,
                    message,
                    action,
                    {"problem": None if problem is None else problem.value},
                )
            return
        if cert.no_expiry:
            # RFC 5280's "no well-defined expiry": no date, no renewal window to report.
            self.auth_state = Severity.OK
            self.add(
                FindingCode.AUTH_CERT_OK,
                Severity.OK,
                wording.cert_no_expiry(CertKind.AUTH),
                None,
                {"expiry": None, "no_expiry": True, "issuer_class": cert.issuer_class.value},
            )
            return
        expiry = cert.expiry_date
        left = cert.days_left(self.today)
        start = renewal_window_start(expiry)
        if self.report is not None:
            self.mismatch(self.report, FindingCode.CERT_EXPIRY_MISMATCH, Item.AUTH_CERT, expiry)
        details: dict[str, JsonValue] = {
            "expiry": expiry.isoformat(),
            "days_left": left,
            "renewal_from": start.isoformat(),
            "issued": cert.not_before.date().isoformat(),
            "issuer_class": cert.issuer_class.value,
        }
        ends_with_card = self.card_expiry is not None and expiry >= self.card_expiry
        if left < 0:
            self.auth_state = Severity.ACTION_NEEDED
            message = wording.cert_expired(CertKind.AUTH, expiry)
            decisions: frozenset[Decision] = frozenset()
            grace = end_of_month_after(expiry, 3)
            if self.today <= grace:
                message += wording.insurance_grace(grace)
                decisions = frozenset({Decision.HEALTH_INSURANCE_GRACE})
                details["health_insurance_until"] = grace.isoformat()
            action = (
                wording.certs_come_with_new_card(card_expired=True)
                if self.card_expired
                else wording.reissue_at_counter(office)
            )
            self.add(
                FindingCode.AUTH_CERT_EXPIRED,
                Severity.ACTION_NEEDED,
                message,
                action,
                details,
                decisions,
            )
            return
        if self.today >= start:
            self.auth_state = Severity.ATTENTION
            action = (
                wording.certs_come_with_new_card(card_expired=False)
                if ends_with_card
                else wording.renew_at_counter(office, both=facts.sign_certificate_present)
            )
            details["ends_with_card"] = ends_with_card
            self.add(
                FindingCode.AUTH_CERT_RENEWABLE,
                Severity.ATTENTION,
                wording.cert_renewable(CertKind.AUTH, expiry, left, start),
                action,
                details,
            )
        else:
            self.auth_state = Severity.OK
            self.add(
                FindingCode.AUTH_CERT_OK,
                Severity.OK,
                wording.cert_ok(CertKind.AUTH, expiry, left, start),
                None,
                details,
            )
        issued = cert.not_before.date()
        if self.today - issued > _STORE_PENDING_AT_MOST:
            return  # long usable: skip the holiday calendar (slow to load) altogether
        usable = convenience_store_usable_from(issued).value.date()
        if self.today < usable:
            self.add(
                FindingCode.AUTH_CERT_STORE_PENDING,
                Severity.ATTENTION,
                wording.store_pending(issued, usable),
                None,
                {"issued": issued.isoformat(), "convenience_store_from": f"{usable}T06:30+09:00"},
            )

    def sign_certificate(self) -> None:
        facts = self.facts
        if self.smartphone or facts.availability is None:
            return
        if not facts.sign_certificate_present:
            self.sign_absent()
            return
        auth = facts.auth_certificate
        report = self.report
        if report is not None and not isinstance(report.sign_cert.expiry.value, NotIssued):
            expiry = report.sign_cert.expiry.value
            if auth is not None:
                expiry = min(expiry, auth.expiry_date)
            self.sign_state(expiry, "computed", report.sign_cert.expiry.decisions)
            return
        if auth is None or self.auth_state is Severity.OK:
            self.add(
                FindingCode.SIGN_CERT_PRESENT,
                Severity.OK,
                wording.sign_cert_present(
                    None if auth is None or auth.no_expiry else auth.expiry_date
                ),
                None,
                {"basis": "capped_by_auth" if auth is not None else "unknown"},
            )
            return
        expired = self.auth_state is Severity.ACTION_NEEDED
        details: dict[str, JsonValue] = {
            "basis": "capped_by_auth",
            "auth_cert_expiry": auth.expiry_date.isoformat(),
        }
        message = wording.sign_cert_capped(auth.expiry_date, expired=expired)
        message += wording.sign_cert_unreadable()
        action = self.sign_action(expired=expired, auth_too=True)
        code = FindingCode.SIGN_CERT_EXPIRED if expired else FindingCode.SIGN_CERT_RENEWABLE
        severity = Severity.ACTION_NEEDED if expired else Severity.ATTENTION
        self.add(code, severity, message, action, details)

    def sign_state(self, expiry: date, basis: str, decisions: frozenset[Decision]) -> None:
        left = (expiry - self.today).days
        start = renewal_window_start(expiry)
        assumed = self.built is not None and self.built.sign_issued_assumed
        note = wording.sign_cert_computed(assumed_issue=assumed)
        details: dict[str, JsonValue] = {
            "expiry": expiry.isoformat(),
            "days_left": left,
            "renewal_from": start.isoformat(),
            "basis": basis,
            "issue_date_assumed": assumed,
        }
        auth_too = self.auth_state in (Severity.ATTENTION, Severity.ACTION_NEEDED)
        if left < 0:
            self.add(
                FindingCode.SIGN_CERT_EXPIRED,
                Severity.ACTION_NEEDED,
                wording.cert_expired(CertKind.SIGN, expiry) + note,
                self.sign_action(expired=True, auth_too=auth_too),
                details,
                decisions,
            )
        elif self.today >= start:
            self.add(
                FindingCode.SIGN_CERT_RENEWABLE,
                Severity.ATTENTION,
                wording.cert_renewable(CertKind.SIGN, expiry, left, start) + note,
                self.sign_action(expired=False, auth_too=auth_too),
                details,
                decisions,
            )
        else:
            self.add(
                FindingCode.SIGN_CERT_OK,
                Severity.OK,
                wording.cert_ok(CertKind.SIGN, expiry, left, start) + note,
                None,
                details,
                decisions,
            )

    def sign_action(self, *, expired: bool, auth_too: bool) -> Text:
        if self.card_expired:
            return wording.certs_come_with_new_card(card_expired=True)
        if auth_too:
            return wording.with_auth_cert(expired=expired)
        if expired:
            return wording.reissue_at_counter(self.office)
        return wording.renew_at_counter(self.office)

    def sign_absent(self) -> None:
        known, report = self.known, self.report
        reason: NotIssuedReason | None = None
        decisions: frozenset[Decision] = frozenset()
        if known.face_auth:
            reason = NotIssuedReason.FACE_AUTH
        elif report is not None and isinstance(report.sign_cert.expiry.value, NotIssued):
            reason = report.sign_cert.expiry.value.reason
            decisions = report.sign_cert.expiry.decisions
        now_15 = False
        if reason is NotIssuedReason.UNDER_15 and known.birth is not None:
            age = age_on(known.birth, self.today, known.age_counting, known.feb29)
            now_15 = age >= _AGE_SIGN_CERT
        message, action = wording.sign_cert_absent(reason, self.office, now_15=now_15)
        expected = reason is NotIssuedReason.FACE_AUTH or (
            reason is NotIssuedReason.UNDER_15 and not now_15
        )
        availability = self.facts.availability
        self.add(
            FindingCode.SIGN_CERT_ABSENT,
            Severity.OK if expected else Severity.ATTENTION,
            message,
            action,
            {
                "reason": "unknown" if reason is None else reason.value,
                "availability": None if availability is None else availability.raw.hex().upper(),
            },
            decisions,
        )

    # -- PINs -------------------------------------------------------------------------------

    def pins(self) -> None:
        facts = self.facts
        if self.known.face_auth:
            return  # a face-auth card has no PIN its holder knows
        counts: list[tuple[PinKind, int, int]] = []
        flagged = False
        for fact in facts.pins:
            status = fact.status
            if status is None:
                continue
            # Without a signature certificate its password is unused: its counter says nothing.
            if fact.kind is PinKind.SIGN and not facts.sign_certificate_present:
                continue
            if status.blocked or status.last_try:
                flagged = True
                self.pin_problem(fact.kind, blocked=status.blocked)
            else:
                counts.append((fact.kind, status.remaining, status.max))
        if counts and not flagged:
            self.add(
                FindingCode.PINS_OK,
                Severity.OK,
                wording.pins_ok(counts),
                None,
                {kind.json_key: remaining for kind, remaining, _ in counts},
            )

    def pin_problem(self, kind: PinKind, *, blocked: bool) -> None:
        office = self.office
        route = self.store_route(kind)
        if self.smartphone:
            action = wording.smartphone_pin_action(office)
        else:
            action = wording.counter_reset(office) if blocked else wording.last_try_advice(office)
            other = _OTHER_JPKI_PIN.get(kind)
            if other is not None and route is not None:
                if route == "possible":
                    other_status = self.facts.pin(other)
                    other_last = bool(
                        other_status and other_status.status and other_status.status.last_try
                    )
                    action += (
                        wording.store_reset(kind, other, office, other_last_try=other_last)
                        if blocked
                        else wording.store_reset_short(other)
                    )
                elif blocked:
                    action += wording.store_reset_impossible(
                        other, other_blocked=route == "other_blocked"
                    )
        fact = self.facts.pin(kind)
        status = None if fact is None else fact.status
        details: dict[str, JsonValue] = {
            "remaining": 0 if status is None else status.remaining,
            "max": kind.max_tries,
            "convenience_store_route": route if route is not None else "not_applicable",
        }
        if blocked:
            self.add(
                FindingCode.pin_blocked(kind),
                Severity.ACTION_NEEDED,
                wording.pin_blocked(kind),
                action,
                details,
            )
        else:
            self.add(
                FindingCode.pin_last_try(kind),
                Severity.ATTENTION,
                wording.pin_last_try(kind),
                action,
                details,
            )

    def store_route(self, kind: PinKind) -> str | None:
        """``possible``, ``other_blocked`` or ``other_missing`` for a JPKI PIN, else None."""
        other = _OTHER_JPKI_PIN.get(kind)
        if other is None or self.smartphone:
            return None
        facts = self.facts
        other_fact = facts.pin(other)
        if other_fact is None or other_fact.status is None:
            return "other_missing"
        if other_fact.status.blocked:
            return "other_blocked"
        availability = facts.availability
        if availability is None:
            return "other_missing"
        # Both certificates must be on the card: the target's PIN and the other PIN's.
        if not (availability.sign_certificate and availability.auth_certificate):
            return "other_missing"
        return "possible"

    # -- chain and rules ------------------------------------------------------------------

    def chain(self) -> None:
        chain = self.facts.chain
        if chain is None:
            return
        details: dict[str, JsonValue] = {
            "verified": chain.verified,
            "issuer_class": chain.issuer_class.value,
            "problem": chain.problem,
        }
        if not chain.verified:
            message, action = wording.chain_invalid(self.office)
            self.add(FindingCode.CHAIN_INVALID, Severity.ACTION_NEEDED, message, action, details)
        elif chain.issuer_class.is_production:
            self.add(
                FindingCode.CHAIN_OK,
                Severity.OK,
                wording.chain_ok(chain.issuer_class),
                None,
                details,
            )
        else:
            message, action = wording.chain_not_production(chain.issuer_class)
            self.add(FindingCode.CHAIN_NOT_PRODUCTION, Severity.ATTENTION, message, action, details)

    def unconfirmed(self) -> None:
        affected: dict[Decision, list[Text]] = {}
        for finding in self.findings:
            for decision in finding.decisions:
                subjects = affected.setdefault(decision, [])
                subject = wording.finding_subject(finding.code)
                if subject not in subjects:
                    subjects.append(subject)
        if not affected:
            return
        items = [
            (
                Text(decision.label_ja, decision.label_en),
                Text.join(affected[decision], ja_sep="、", en_sep=", "),
            )
            for decision in sorted(affected)
        ]
        message, action = wording.unconfirmed_rule(items)
        self.add(
            FindingCode.UNCONFIRMED_RULE,
            Severity.ATTENTION,
            message,
            action,
            {
                "decisions": [decision.value for decision in sorted(affected)],
                "codes": [f.code.value for f in self.findings if f.decisions],
            },
        )
