"""From card facts and the expiry rules to findings: pure, no card, no clock, no words.

The chip is the truth for what it holds (the user-authentication certificate, the card's expiry
record); the rules fill in what the chip does not show without a PIN (the signature
certificate's expiry) and explain dates that differ from the computed ones. Every finding
names its remedy, and findings about one situation name the same one: certificates that end
with the card are renewed by a new card, a card that ends with the period of stay by
extending the stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from jpki.ids import PinKind
from jpki.rules import (
    Decision,
    ExpiryReport,
    Item,
    NotIssued,
    NotIssuedReason,
    age_on,
    compare_expiry,
    convenience_store_usable_from,
    end_of_month_after,
    evaluate,
    renewal_window_start,
    sign_cert_usable_from,
)

from .circumstances import Circumstances, GivenDates, RuleInputs, rule_inputs
from .facts import CardFacts, ChipKind, Problem
from .findings import Basis, Detail, Finding, FindingCode, Remedy, Severity, StoreRoute
from .municipality import Municipality, default_municipality
from .notes import Note
from .result import Diagnosis, KeyDates, Timeline

__all__ = ["diagnose"]

# A new certificate is usable at convenience stores from 06:30 on the day after the next
# business day at the latest; even across the year-end closure and a weekend that is well
# within two weeks of issue.
_STORE_PENDING_AT_MOST = timedelta(days=14)

_AGE_SIGN_CERT = 15
_AGE_CONVENIENCE_STORE = 15
_OTHER_JPKI_PIN = {PinKind.AUTH: PinKind.SIGN, PinKind.SIGN: PinKind.AUTH}


def diagnose(
    facts: CardFacts,
    today: date,
    *,
    circumstances: GivenDates | None = None,
    municipality: Municipality | None = None,
) -> Diagnosis:
    """Judge *facts* on *today* (a JST date).

    :param circumstances: what staff know beyond the chip: the rules' own
        :class:`~jpki.rules.ExpiryInputs`, or :class:`Circumstances` when the birth date or the
        card issue date is not known; with both dates the expiry rules run and are compared
        with the chip.
    :param municipality: where residents are sent (default: the packaged Bunkyo City).
    :raises RulesInputError: the dates given contradict each other.
    """
    known = circumstances or Circumstances()
    office = municipality or default_municipality()
    built = rule_inputs(known, facts) if facts.is_card else None
    report = None if built is None else evaluate(built.inputs, today)
    judge = _Judge(facts, today, known, built, report)
    findings = judge.run()
    return Diagnosis(
        today=today,
        facts=facts,
        findings=findings,
        municipality=office,
        expected=report,
        rule_inputs=built,
        notes=judge.notes(),
        timeline=Timeline(today, judge.card_dates, judge.auth_dates, judge.sign_dates),
    )


class _Judge:
    """One diagnosis in the making; the methods add findings in report order."""

    def __init__(
        self,
        facts: CardFacts,
        today: date,
        known: GivenDates,
        built: RuleInputs | None,
        report: ExpiryReport | None,
    ) -> None:
        self.facts = facts
        self.today = today
        self.known = known
        self.built = built
        self.report = report
        self.findings: list[Finding] = []
        self.card_dates: KeyDates | None = None
        self.auth_dates: KeyDates | None = None
        self.sign_dates: KeyDates | None = None
        self.auth_state: Severity | None = None

    def add(
        self,
        code: FindingCode,
        severity: Severity,
        remedy: Remedy | None = None,
        details: Mapping[str, Detail] | None = None,
        decisions: frozenset[Decision] = frozenset(),
    ) -> None:
        self.findings.append(Finding(code, severity, remedy, details or {}, decisions))

    def run(self) -> tuple[Finding, ...]:
        if not self.facts.is_card:
            self.add(FindingCode.NOT_A_MY_NUMBER_CARD, Severity.ACTION_NEEDED, Remedy.READ_AGAIN)
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

    def notes(self) -> tuple[Note, ...]:
        """The general notes that apply to this holder."""
        if not self.facts.is_card:
            return ()
        notes = [Note.LOST_CARD, Note.EXPRESS_ISSUANCE]
        if self.foreign_resident:
            notes.append(Note.FOREIGN_LANGUAGES)
        elif self.facts.chip is ChipKind.MY_NUMBER_CARD:
            notes.append(Note.MOVING_ABROAD)
        if not self.card_expired and any(
            f.code in (FindingCode.AUTH_CERT_EXPIRED, FindingCode.AUTH_CERT_ABSENT)
            for f in self.findings
        ):  # registering the card for health insurance needs the certificate
            notes.append(Note.HEALTH_INSURANCE)
        notes += [Note.CALL_CENTRE, Note.COUNTER]
        return tuple(notes)

    @property
    def smartphone(self) -> bool:
        return self.facts.chip is ChipKind.SMARTPHONE

    @property
    def foreign_resident(self) -> bool:
        """A period of stay was given: the holder is a foreign resident with one."""
        return self.known.residence_until is not None

    @property
    def card_expiry(self) -> date | None:
        return None if self.card_dates is None else self.card_dates.expiry

    @property
    def card_expired(self) -> bool:
        return self.card_expiry is not None and self.card_expiry < self.today

    @property
    def stay_limited(self) -> bool:
        """The card ends with the period of stay (not later than it)."""
        until, expiry = self.known.residence_until, self.card_expiry
        return until is not None and expiry is not None and until <= expiry

    @property
    def card_remedy(self) -> Remedy:
        """What renews the card: a new card, or for a foreign resident the stay first."""
        if self.card_expired:
            return Remedy.REISSUE_AFTER_STAY if self.foreign_resident else Remedy.NEW_CARD
        return Remedy.EXTEND_STAY if self.stay_limited else Remedy.NEW_CARD

    def ends_with_card(self, expiry: date) -> bool:
        return self.card_expiry is not None and expiry >= self.card_expiry

    def holder_age(self) -> int | None:
        birth = self.known.birth
        if birth is None:
            return None
        return age_on(birth, self.today, self.known.age_counting, self.known.feb29)

    # -- chip and card --------------------------------------------------------------------

    def chip(self) -> None:
        chip = self.facts.chip
        token = None if self.facts.token is None else self.facts.token.name
        if chip is ChipKind.SMARTPHONE:
            self.add(
                FindingCode.SMARTPHONE_TOKEN,
                Severity.ATTENTION,
                Remedy.SMARTPHONE_SUPPORT,
                {"token": token},
            )
        elif chip is ChipKind.JUKI_CARD:
            self.add(
                FindingCode.JUKI_CARD,
                Severity.ACTION_NEEDED,
                Remedy.APPLY_FOR_MY_NUMBER_CARD,
                {"token": token},
            )

    def card(self) -> None:
        facts, report = self.facts, self.report
        if self.smartphone:
            return
        expiry = facts.card_expiry
        basis = Basis.CHIP
        decisions: frozenset[Decision] = frozenset()
        if expiry is not None and report is not None:
            self.mismatch(report, FindingCode.CARD_EXPIRY_MISMATCH, Item.CARD, expiry)
        if expiry is None:
            if report is not None and report.card.expiry_date is not None:
                expiry, basis = report.card.expiry_date, Basis.COMPUTED
                decisions = report.card.expiry.decisions
            else:
                if facts.chip is ChipKind.MY_NUMBER_CARD:
                    self.add(
                        FindingCode.CARD_EXPIRY_UNKNOWN,
                        Severity.ATTENTION,
                        Remedy.CHECK_CARD_FACE,
                        {"problem": facts.card_record_problem},
                    )
                return
        start = renewal_window_start(expiry)
        self.card_dates = KeyDates(expiry, start, basis)
        details: dict[str, Detail] = {
            "expiry": expiry,
            "days_left": (expiry - self.today).days,
            "renewal_from": start,
            "basis": basis,
        }
        if self.card_expired:
            details["residence"] = self.foreign_resident
            self.add(
                FindingCode.CARD_EXPIRED,
                Severity.ACTION_NEEDED,
                self.card_remedy,
                details,
                decisions,
            )
            return
        if self.today >= start:
            self.add(
                FindingCode.CARD_RENEWABLE, Severity.ATTENTION, self.card_remedy, details, decisions
            )
        else:
            self.add(FindingCode.CARD_OK, Severity.OK, None, details, decisions)
        until = self.known.residence_until
        # Only while the stay ends no later than the card: then extending it matters.
        if until is not None and self.stay_limited:
            self.add(
                FindingCode.RESIDENCE_PERIOD_LIMIT,
                Severity.ATTENTION,
                Remedy.EXTEND_STAY,
                {"residence_until": until, "card_expiry": expiry},
            )

    def mismatch(self, report: ExpiryReport, code: FindingCode, item: Item, actual: date) -> None:
        result = compare_expiry(report, item, actual)
        comparison = result.value
        if comparison.mismatch is None:
            return
        expected = comparison.expected
        flag = (
            report.inputs.renewed_in_window
            if item is Item.CARD
            else report.inputs.certs_are_renewals
        )
        self.add(
            code,
            Severity.ATTENTION,
            Remedy.CHECK_DATES,
            {
                "item": item,
                "actual": actual,
                "expected": None if isinstance(expected, NotIssued) else expected,
                "reason": comparison.mismatch,
                "renewed_in_window_given": flag,
            },
            result.decisions,
        )

    # -- certificates -----------------------------------------------------------------------

    def cert_remedy(self, expiry: date, *, expired: bool) -> tuple[Remedy, dict[str, Detail]]:
        """The remedy of a certificate that needs one, in line with the card's."""
        if self.card_expired:
            return self.card_remedy, {"card_expired": True}
        if self.ends_with_card(expiry):
            return self.card_remedy, {"ends_with_card": True}
        if expired:
            return Remedy.ISSUE_CERTIFICATES, {}
        return Remedy.RENEW_CERTIFICATES, {}

    def auth_certificate(self) -> None:
        facts = self.facts
        cert = facts.auth_certificate
        if cert is None:
            problem = facts.auth_certificate_problem
            if self.smartphone:
                return
            if problem is Problem.ABSENT:
                self.add(
                    FindingCode.AUTH_CERT_ABSENT, Severity.ATTENTION, Remedy.ISSUE_CERTIFICATES
                )
            else:
                self.add(
                    FindingCode.AUTH_CERT_UNREADABLE,
                    Severity.ATTENTION,
                    Remedy.ASK_AT_COUNTER,
                    {"problem": problem},
                )
            return
        if cert.no_expiry:
            # RFC 5280's "no well-defined expiry": no date, no renewal window to report.
            self.auth_state = Severity.OK
            unlimited: dict[str, Detail] = {"no_expiry": True, "issuer_class": cert.issuer_class}
            self.add(FindingCode.AUTH_CERT_OK, Severity.OK, None, unlimited)
            return
        expiry = cert.expiry_date
        left = cert.days_left(self.today)
        start = renewal_window_start(expiry)
        self.auth_dates = KeyDates(expiry, start, Basis.CHIP)
        if self.report is not None:
            self.mismatch(self.report, FindingCode.CERT_EXPIRY_MISMATCH, Item.AUTH_CERT, expiry)
        details: dict[str, Detail] = {
            "expiry": expiry,
            "days_left": left,
            "renewal_from": start,
            "issued": cert.not_before.date(),
            "issuer_class": cert.issuer_class,
        }
        if left < 0:
            self.auth_state = Severity.ACTION_NEEDED
            decisions: frozenset[Decision] = frozenset()
            grace = end_of_month_after(expiry, 3)
            if self.today <= grace and not self.card_expired:
                decisions = frozenset({Decision.HEALTH_INSURANCE_GRACE})
                details["health_insurance_until"] = grace
            remedy, more = self.cert_remedy(expiry, expired=True)
            self.add(
                FindingCode.AUTH_CERT_EXPIRED,
                Severity.ACTION_NEEDED,
                remedy,
                details | more,
                decisions,
            )
            return
        if self.today >= start:
            self.auth_state = Severity.ATTENTION
            remedy, more = self.cert_remedy(expiry, expired=False)
            details["ends_with_card"] = self.ends_with_card(expiry)
            details["both"] = facts.sign_certificate_present
            self.add(FindingCode.AUTH_CERT_RENEWABLE, Severity.ATTENTION, remedy, details | more)
        else:
            self.auth_state = Severity.OK
            self.add(FindingCode.AUTH_CERT_OK, Severity.OK, None, details)
        self.store_pending(cert.not_before.date())

    def store_pending(self, issued: date) -> None:
        """When a new certificate works at convenience stores, for holders who can use them."""
        if self.today - issued > _STORE_PENDING_AT_MOST:
            return  # long usable: skip the holiday calendar (slow to load) altogether
        if self.known.face_auth:
            return  # a face-auth card has no convenience-store service
        age = self.holder_age()
        if age is not None and age < _AGE_CONVENIENCE_STORE:
            return  # the convenience-store service starts at 15 (guidebook section 12)
        usable_at = convenience_store_usable_from(issued).value
        if self.today < usable_at.date():
            self.add(
                FindingCode.AUTH_CERT_STORE_PENDING,
                Severity.ATTENTION,
                None,
                {"issued": issued, "convenience_store_from": usable_at},
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
        self.sign_pending()
        if report is not None and not isinstance(report.sign_cert.expiry.value, NotIssued):
            expiry = report.sign_cert.expiry.value
            if auth is not None:
                expiry = min(expiry, auth.expiry_date)
            self.sign_state(expiry, report.sign_cert.expiry.decisions)
            return
        if auth is None or self.auth_state is Severity.OK:
            self.add(
                FindingCode.SIGN_CERT_PRESENT,
                Severity.OK,
                None,
                {
                    "basis": Basis.CAPPED_BY_AUTH if auth is not None else Basis.UNKNOWN,
                    "auth_cert_expiry": (
                        None if auth is None or auth.no_expiry else auth.expiry_date
                    ),
                },
            )
            return
        expired = self.auth_state is Severity.ACTION_NEEDED
        details: dict[str, Detail] = {
            "basis": Basis.CAPPED_BY_AUTH,
            "auth_cert_expiry": auth.expiry_date,
        }
        remedy, more = self.sign_remedy(auth.expiry_date, expired=expired, auth_too=True)
        code = FindingCode.SIGN_CERT_EXPIRED if expired else FindingCode.SIGN_CERT_RENEWABLE
        severity = Severity.ACTION_NEEDED if expired else Severity.ATTENTION
        self.add(code, severity, remedy, details | more)

    def sign_pending(self) -> None:
        """A signature certificate issued less than a day ago works online 24 hours later."""
        given = self.known.sign_cert_issued
        auth = self.facts.auth_certificate
        if given is not None:
            issued, assumed = given, False
            usable = sign_cert_usable_from(given).value
        elif auth is not None:
            # Both certificates are issued in one sitting unless told otherwise.
            issued, assumed = auth.not_before.date(), True
            usable = sign_cert_usable_from(auth.not_before).value.date()
        else:
            return
        if issued <= self.today <= usable:
            self.add(
                FindingCode.SIGN_CERT_PENDING,
                Severity.ATTENTION,
                None,
                {"issued": issued, "usable_from": usable, "issue_date_assumed": assumed},
            )

    def sign_remedy(
        self, expiry: date, *, expired: bool, auth_too: bool
    ) -> tuple[Remedy, dict[str, Detail]]:
        remedy, more = self.cert_remedy(expiry, expired=expired)
        if remedy in (Remedy.ISSUE_CERTIFICATES, Remedy.RENEW_CERTIFICATES) and auth_too:
            auth = self.facts.auth_certificate
            # Handled with the user-authentication certificate, with the same remedy.
            if auth is not None and self.ends_with_card(auth.expiry_date):
                return self.card_remedy, {"ends_with_card": True}
            return remedy, {"with_auth": True}
        return remedy, more

    def sign_state(self, expiry: date, decisions: frozenset[Decision]) -> None:
        left = (expiry - self.today).days
        start = renewal_window_start(expiry)
        self.sign_dates = KeyDates(expiry, start, Basis.COMPUTED)
        assumed = self.built is not None and self.built.sign_issued_assumed
        details: dict[str, Detail] = {
            "expiry": expiry,
            "days_left": left,
            "renewal_from": start,
            "basis": Basis.COMPUTED,
            "issue_date_assumed": assumed,
        }
        auth_too = self.auth_state in (Severity.ATTENTION, Severity.ACTION_NEEDED)
        if left < 0:
            remedy, more = self.sign_remedy(expiry, expired=True, auth_too=auth_too)
            self.add(
                FindingCode.SIGN_CERT_EXPIRED,
                Severity.ACTION_NEEDED,
                remedy,
                details | more,
                decisions,
            )
        elif self.today >= start:
            remedy, more = self.sign_remedy(expiry, expired=False, auth_too=auth_too)
            self.add(
                FindingCode.SIGN_CERT_RENEWABLE,
                Severity.ATTENTION,
                remedy,
                details | more,
                decisions,
            )
        else:
            self.add(FindingCode.SIGN_CERT_OK, Severity.OK, None, details, decisions)

    def sign_absent(self) -> None:
        known, report = self.known, self.report
        reason: NotIssuedReason | None = None
        decisions: frozenset[Decision] = frozenset()
        if known.face_auth:
            reason = NotIssuedReason.FACE_AUTH
        elif report is not None and isinstance(report.sign_cert.expiry.value, NotIssued):
            reason = report.sign_cert.expiry.value.reason
            decisions = report.sign_cert.expiry.decisions
        age = self.holder_age()
        now_15 = reason is NotIssuedReason.UNDER_15 and age is not None and age >= _AGE_SIGN_CERT
        expected = reason is NotIssuedReason.FACE_AUTH or (
            reason is NotIssuedReason.UNDER_15 and not now_15
        )
        availability = self.facts.availability
        details: dict[str, Detail] = {
            "reason": "unknown" if reason is None else reason,
            "availability": None if availability is None else availability.raw.hex().upper(),
        }
        if now_15:
            details["now_15"] = True
        self.add(
            FindingCode.SIGN_CERT_ABSENT,
            Severity.OK if expected else Severity.ATTENTION,
            None if expected else Remedy.ISSUE_CERTIFICATES,
            details,
            decisions,
        )

    # -- PINs -------------------------------------------------------------------------------

    def pins(self) -> None:
        facts = self.facts
        if self.known.face_auth:
            return  # a face-auth card has no PIN its holder knows
        if self.smartphone:
            return  # a phone keeps its own counters; the token's answers say nothing useful
        counts: dict[str, Detail] = {}
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
                counts[fact.kind.json_key] = status.remaining
        if counts and not flagged:
            self.add(FindingCode.PINS_OK, Severity.OK, None, counts)

    def pin_problem(self, kind: PinKind, *, blocked: bool) -> None:
        route = self.store_route(kind)
        fact = self.facts.pin(kind)
        status = None if fact is None else fact.status
        other = _OTHER_JPKI_PIN.get(kind)
        other_fact = None if other is None else self.facts.pin(other)
        other_last = bool(other_fact and other_fact.status and other_fact.status.last_try)
        details: dict[str, Detail] = {
            "remaining": 0 if status is None else status.remaining,
            "max": kind.max_tries,
            "convenience_store_route": route,
            "other_last_try": other_last,
        }
        if blocked:
            self.add(
                FindingCode.pin_blocked(kind), Severity.ACTION_NEEDED, Remedy.RESET_PIN, details
            )
        else:
            self.add(
                FindingCode.pin_last_try(kind), Severity.ATTENTION, Remedy.DO_NOT_GUESS, details
            )

    def store_route(self, kind: PinKind) -> StoreRoute:
        """Whether a JPKI PIN can be reset through a convenience store."""
        other = _OTHER_JPKI_PIN.get(kind)
        if other is None:
            return StoreRoute.NOT_APPLICABLE
        facts = self.facts
        other_fact = facts.pin(other)
        if other_fact is None or other_fact.status is None:
            return StoreRoute.OTHER_MISSING
        if other_fact.status.blocked:
            return StoreRoute.OTHER_BLOCKED
        availability = facts.availability
        if availability is None:
            return StoreRoute.OTHER_MISSING
        # Both certificates must be on the card: the target's PIN and the other PIN's.
        if not (availability.sign_certificate and availability.auth_certificate):
            return StoreRoute.OTHER_MISSING
        return StoreRoute.POSSIBLE

    # -- chain and rules ------------------------------------------------------------------

    def chain(self) -> None:
        chain = self.facts.chain
        if chain is None:
            return
        # Why a signature did not verify is in the facts (card.chain.problem), for logs.
        details: dict[str, Detail] = {
            "verified": chain.verified,
            "issuer_class": chain.issuer_class,
        }
        if not chain.verified:
            self.add(
                FindingCode.CHAIN_INVALID, Severity.ACTION_NEEDED, Remedy.ASK_AT_COUNTER, details
            )
        elif chain.issuer_class.is_production:
            self.add(FindingCode.CHAIN_OK, Severity.OK, None, details)
        else:
            self.add(
                FindingCode.CHAIN_NOT_PRODUCTION, Severity.ATTENTION, Remedy.CHECK_OWNER, details
            )

    def unconfirmed(self) -> None:
        pairs: list[tuple[Decision, FindingCode]] = [
            (decision, finding.code)
            for finding in self.findings
            for decision in sorted(finding.decisions)
        ]
        if not pairs:
            return
        decisions = tuple(sorted({decision for decision, _ in pairs}))
        self.add(
            FindingCode.UNCONFIRMED_RULE,
            Severity.ATTENTION,
            Remedy.CONFIRM_WITH_JLIS,
            {
                "decisions": decisions,
                "codes": tuple(f.code for f in self.findings if f.decisions),
                "affected": tuple(pairs),
            },
        )
