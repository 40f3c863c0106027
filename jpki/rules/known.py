"""Start from what people know: any subset of dates in, everything that follows out.

Residents and clerks rarely know the day J-LIS made the card; they know the birth date, the
expiry printed on the card, the certificate expiry written on the card (or read from the chip),
a period of stay. :func:`evaluate_known` takes any of them in :class:`KnownDates` and, for each
value of the card and its certificates, gives

- the value computed by the rules (with the birth and card issue dates the full engine,
  :func:`~jpki.rules.evaluate`, is used unchanged, so both always agree);
- or the value given (a date on the card is the card's truth), checked against the computed one
  when there is one, a difference explained (:func:`~jpki.rules.compare_expiry`);
- or :class:`Missing`: which inputs would let it be computed.

A certificate computed without the card's own expiry carries the caveat that the card, unknown,
could end it earlier. The "renewed in the window" flags are checked against the dates
(:class:`~jpki.rules.flags.RenewalCheck`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import unique

from jpki.texts import Msg

from .compare import ExpiryComparison, MismatchReason, compare_expiry
from .dates import (
    AgeCounting,
    Feb29Policy,
    age_on,
    birthday_before,
    civil_code_months_after,
    nth_birthday_after,
    renewal_window_start,
)
from .engine import evaluate
from .errors import InputProblem, RulesInputError
from .flags import RenewalCheck, renewal_checks
from .guidance import insurance_after_expiry
from .ids import Decision, NotIssuedReason, RuleId, WordedId
from .inputs import DatesAndFlags, ExpiryInputs
from .report import ExpiryReport, Item, ItemState
from .results import JsonValue, NotIssued, RuleResult, json_value, not_issued
from .rulesets import RuleSet, RulesVersion, rules_version
from .usable import StoreUnavailable, convenience_store_availability
from .window import not_issued_state, renewal_window, state_on

__all__ = [
    "Caveat",
    "Known",
    "KnownDates",
    "KnownItem",
    "KnownReport",
    "Missing",
    "evaluate_known",
]

_SIGN_CERT_MIN_AGE = 15


@unique
class Known(WordedId):
    """A date a person may know; the names of :class:`KnownDates`' fields."""

    BIRTH = "birth"
    CARD_ISSUED = "card_issued"
    CARD_EXPIRY = "card_expiry"
    AUTH_CERT_ISSUED = "auth_cert_issued"
    SIGN_CERT_ISSUED = "sign_cert_issued"
    AUTH_CERT_EXPIRY = "auth_cert_expiry"
    SIGN_CERT_EXPIRY = "sign_cert_expiry"
    RESIDENCE_UNTIL = "residence_until"
    APPLICATION_RECEIVED = "application_received"

    @property
    def option(self) -> str:
        """The ``jpki expiry`` option that gives it."""
        return _OPTIONS.get(self, "--" + self.value.replace("_", "-"))

    @property
    def msg(self) -> Msg:
        """The input in words, with its option."""
        return self.worded(option=self.option)


Known._catalog_prefix = "input"


_OPTIONS = {
    Known.AUTH_CERT_ISSUED: "--cert-issued",
    Known.SIGN_CERT_ISSUED: "--cert-issued",
    Known.AUTH_CERT_EXPIRY: "--cert-expiry",
}


@dataclass(frozen=True, slots=True)
class KnownDates(DatesAndFlags):
    """What is known about a holder and a card; every field may be left out.

    The fields of :class:`~jpki.rules.inputs.DatesAndFlags` (those of
    :class:`~jpki.rules.ExpiryInputs`; both certificate issue dates default to the card issue
    date when that is known), and:

    :param card_expiry: the expiry printed on the card face.
    :param auth_cert_expiry: the user-authentication certificate's expiry written on the card
        (or the JST date of its notAfter read from the chip).
    :param sign_cert_expiry: the same for the signature certificate.
    """

    card_expiry: date | None = None
    auth_cert_expiry: date | None = None
    sign_cert_expiry: date | None = None
    moving_abroad: bool = False
    """A Japanese national who plans to move abroad (guidebook section 10)."""

    def given(self) -> frozenset[Known]:
        """The dates given."""
        return frozenset(known for known in Known if getattr(self, known.value) is not None)

    @property
    def auth_issued(self) -> date | None:
        """The user-authentication certificate's issue date, defaulted to the card's."""
        return self.auth_cert_issued if self.auth_cert_issued is not None else self.card_issued

    @property
    def sign_issued(self) -> date | None:
        """The signature certificate's issue date, defaulted to the card's (None on a face-auth
        card, which has none)."""
        if self.face_auth:
            return self.sign_cert_issued
        return self.sign_cert_issued if self.sign_cert_issued is not None else self.card_issued

    @classmethod
    def from_inputs(cls, inputs: ExpiryInputs) -> KnownDates:
        """The full engine's inputs as known dates (every field of theirs is one of these)."""
        return cls(**{item.name: getattr(inputs, item.name) for item in fields(inputs)})

    def expiry_inputs(self) -> ExpiryInputs | None:
        """The full engine's inputs, when the birth and card issue dates are known.

        :raises RulesInputError: the dates contradict each other.
        """
        if self.birth is None or self.card_issued is None:
            return None
        return ExpiryInputs(
            **{item.name: getattr(self, item.name) for item in fields(ExpiryInputs)}
        )


@dataclass(frozen=True, slots=True)
class Missing:
    """A value that cannot be computed, and what would let it be.

    :param alternatives: each a set of inputs not given that together would suffice
        (``((BIRTH, CARD_ISSUED), (CARD_EXPIRY,))``: the birth and card issue dates, or the
        expiry on the card).
    """

    alternatives: tuple[tuple[Known, ...], ...]

    def to_json(self) -> dict[str, JsonValue]:
        """``{"missing": [[input, ...], ...]}``."""
        return {"missing": [[known.value for known in group] for group in self.alternatives]}


@unique
class Caveat(WordedId):
    """Why a computed value may still be wrong, though the rules were applied."""

    CARD_EXPIRY_UNKNOWN = "card_expiry_unknown"
    """A certificate ends with the card at the latest; the card's expiry is not known."""
    AUTH_CERT_EXPIRY_UNKNOWN = "auth_cert_expiry_unknown"
    """The signature certificate ends with the user-authentication one, which is not known."""


Caveat._catalog_prefix = "caveat"


Expiry = RuleResult[date | NotIssued]


@dataclass(frozen=True, slots=True)
class KnownItem:
    """One item: its expiry (computed, given or missing), renewal start and state.

    :param expiry: the value to use: the date given when there is one, else the computed one.
    :param computed: the rules' value, when the inputs allow it.
    :param given: the date given for the item (card face, certificate).
    :param comparison: given and computed side by side, with the likely reason of a difference.
    """

    item: Item
    expiry: Expiry | Missing
    computed: Expiry | None = None
    given: date | None = None
    comparison: RuleResult[ExpiryComparison] | None = None
    renewal_from: RuleResult[date] | Missing | None = None
    state: RuleResult[ItemState] | Missing = field(default_factory=lambda: Missing(()))
    caveats: frozenset[Caveat] = frozenset()

    @property
    def expiry_date(self) -> date | None:
        """The last valid day, None when not issued or not known."""
        if isinstance(self.expiry, Missing) or isinstance(self.expiry.value, NotIssued):
            return None
        return self.expiry.value

    def to_json(self) -> dict[str, JsonValue]:
        """Expiry, computed, given, comparison, renewal start, state, caveats."""
        return {
            "expiry": _json(self.expiry),
            "computed": _json(self.computed),
            "given": json_value(self.given),
            "comparison": None if self.comparison is None else self.comparison.to_json(),
            "renewal_from": _json(self.renewal_from),
            "state": _json(self.state),
            "caveats": [caveat.value for caveat in sorted(self.caveats)],
        }


@dataclass(frozen=True, slots=True)
class KnownReport:
    """Everything that follows from :class:`KnownDates` on one day."""

    known: KnownDates
    today: date
    version: RulesVersion
    card: KnownItem
    auth_cert: KnownItem
    sign_cert: KnownItem
    health_insurance_until: RuleResult[date] | Missing
    reference: ExpiryReport | None
    """The full engine's report, when the birth and card issue dates are known."""

    @property
    def items(self) -> tuple[KnownItem, KnownItem, KnownItem]:
        """Card, user-authentication certificate, signature certificate."""
        return (self.card, self.auth_cert, self.sign_cert)

    @property
    def renewal_checks(self) -> tuple[RenewalCheck, ...]:
        """The "renewed in the window" flags checked against the dates; computed when asked
        (it runs the engine once more for the certificates issued with the card)."""
        return renewal_checks(self.known, self.reference, (self.card, self.auth_cert))

    @property
    def convenience_store(self) -> RuleResult[datetime | StoreUnavailable] | Missing:
        """When a new user-authentication certificate (issued on the date given) works at
        convenience stores, or why the holder cannot use them; computed when asked (it needs
        the national holidays, which a resident list never does)."""
        return _store(self.known)

    def results(self) -> dict[str, RuleResult[object]]:
        """Every computed value by its JSON key (``card_expiry``, ``card_renewal_from``, ...)."""
        found: dict[str, RuleResult[object]] = {}
        for item in self.items:
            key = item.item.value
            for name, value in (
                ("expiry", item.expiry),
                ("renewal_from", item.renewal_from),
                ("state", item.state),
            ):
                if isinstance(value, RuleResult):
                    found[f"{key}_{name}"] = value
        if isinstance(self.health_insurance_until, RuleResult):
            found["health_insurance_until"] = self.health_insurance_until
        return found

    @property
    def decisions(self) -> frozenset[Decision]:
        """Every decision a value rests on."""
        return frozenset(d for result in self.results().values() for d in result.decisions)

    @property
    def unconfirmed(self) -> bool:
        """Whether any value rests on a decision."""
        return bool(self.decisions)

    def to_json(self) -> dict[str, JsonValue]:
        """Plain dict of everything."""
        return {
            "known": self.known.to_json(),
            "today": self.today.isoformat(),
            "rules_version": self.version.name,
            "in_force": self.version.in_force,
            **{item.item.value: item.to_json() for item in self.items},
            "health_insurance_until": _json(self.health_insurance_until),
            "convenience_store": _json(self.convenience_store),
            "renewal_checks": [check.to_json() for check in self.renewal_checks],
            "unconfirmed": self.unconfirmed,
        }


def _json(value: RuleResult[object] | Missing | None) -> JsonValue:
    return None if value is None else value.to_json()


def evaluate_known(known: KnownDates, today: date, rule_set: RuleSet | None = None) -> KnownReport:
    """Everything that follows from *known* on *today* (see the module docstring).

    :raises RulesInputError: the dates contradict each other.
    """
    _check(known)
    version = rules_version(today, rule_set)
    inputs = known.expiry_inputs()
    reference = None if inputs is None else evaluate(inputs, today, rule_set)
    if reference is not None:
        card = _from_reference(reference, Item.CARD, known.card_expiry)
        auth = _from_reference(reference, Item.AUTH_CERT, known.auth_cert_expiry)
        sign = _from_reference(reference, Item.SIGN_CERT, known.sign_cert_expiry)
    else:
        card = _given_or_missing(
            Item.CARD, known.card_expiry, known.card_issued, today, _card_missing(known)
        )
        auth = _partial_cert(known, Item.AUTH_CERT, card, None, today)
        sign = _partial_cert(known, Item.SIGN_CERT, card, auth, today)
    auth_end = auth.expiry_date
    grace: RuleResult[date] | Missing
    if reference is not None and auth_end == reference.auth_cert.expiry_date:
        grace = reference.health_insurance_until
    elif auth_end is not None:
        grace = insurance_after_expiry(auth_end)
    else:
        grace = _missing_like(auth)
    return KnownReport(
        known=known,
        today=today,
        version=version,
        card=card,
        auth_cert=auth,
        sign_cert=sign,
        health_insurance_until=grace,
        reference=reference,
    )


def _missing_like(item: KnownItem) -> Missing:
    return item.expiry if isinstance(item.expiry, Missing) else Missing(())


def _card_missing(known: KnownDates) -> Missing:
    need = tuple(k for k in (Known.BIRTH, Known.CARD_ISSUED) if k not in known.given())
    return Missing((need, (Known.CARD_EXPIRY,)))


def _check(known: KnownDates) -> None:
    """Contradictions the full engine cannot see (it checks its own inputs itself)."""
    if known.face_auth and (
        known.sign_cert_expiry is not None or known.sign_cert_issued is not None
    ):
        raise RulesInputError(
            InputProblem.SIGN_CERT_ON_FACE_AUTH,
            "a face-auth card carries no signature certificate, so it has no dates",
        )
    pairs = (
        (known.card_issued, known.card_expiry, "card"),
        (known.auth_issued, known.auth_cert_expiry, "user-authentication certificate"),
        (known.sign_issued, known.sign_cert_expiry, "signature certificate"),
    )
    for issued, expiry, name in pairs:
        if expiry is None:
            continue
        if known.birth is not None and expiry <= known.birth:
            raise RulesInputError(
                InputProblem.EXPIRY_BEFORE_BIRTH,
                f"the {name} expiry {expiry} is not after the birth date {known.birth}",
            )
        if issued is not None and expiry < issued:
            raise RulesInputError(
                InputProblem.EXPIRY_BEFORE_ISSUE,
                f"the {name} expiry {expiry} is before its issue date {issued}",
            )
    if known.birth is not None:
        for issued in (known.auth_cert_issued, known.sign_cert_issued):
            if issued is not None and issued < known.birth:
                raise RulesInputError(
                    InputProblem.ISSUED_BEFORE_BIRTH,
                    f"the certificate issue date {issued} is before the birth date {known.birth}",
                )
    if known.special_extension and known.residence_until is None:
        raise RulesInputError(
            InputProblem.EXTENSION_WITHOUT_RESIDENCE,
            "the special extension needs the end of the period of stay",
        )


def _from_reference(report: ExpiryReport, item: Item, given: date | None) -> KnownItem:
    computed = report.item(item)
    if given is None:
        return KnownItem(
            item,
            computed.expiry,
            computed.expiry,
            None,
            None,
            computed.renewal_from,
            computed.state,
        )
    comparison = compare_expiry(report, item, given)
    chosen = _given_result(given, comparison)
    return KnownItem(
        item,
        chosen,
        computed.expiry,
        given,
        comparison,
        _window(given),
        _state(given, computed.issued, report.today),
    )


def _given_result(given: date, comparison: RuleResult[ExpiryComparison] | None) -> Expiry:
    explanation = f"{given}, the date given from the card"
    if comparison is not None:
        explanation += f"; {comparison.explanation}"
    decisions = frozenset() if comparison is None else comparison.decisions
    return RuleResult(given, RuleId.GIVEN_ON_CARD, explanation, decisions)


def _given_or_missing(
    item: Item, given: date | None, issued: date | None, today: date, missing: Missing
) -> KnownItem:
    if given is None:
        return KnownItem(item, missing, state=missing, renewal_from=missing)
    return KnownItem(
        item,
        _given_result(given, None),
        None,
        given,
        None,
        _window(given),
        _state(given, issued, today),
    )


def _window(expiry: date) -> RuleResult[date]:
    return renewal_window(expiry)


def _state(expiry: date, issued: date | None, today: date) -> RuleResult[ItemState]:
    return state_on(issued, expiry, renewal_window_start(expiry), today)


def _partial_cert(
    known: KnownDates, item: Item, card: KnownItem, auth: KnownItem | None, today: date
) -> KnownItem:
    """A certificate without the card issue date: from its own issue date and the birth date."""
    sign = item is Item.SIGN_CERT
    issued = known.sign_issued if sign else known.auth_issued
    given = known.sign_cert_expiry if sign else known.auth_cert_expiry
    issued_key = Known.SIGN_CERT_ISSUED if sign else Known.AUTH_CERT_ISSUED
    given_key = Known.SIGN_CERT_EXPIRY if sign else Known.AUTH_CERT_EXPIRY
    if sign and known.face_auth:
        result = not_issued(
            NotIssuedReason.FACE_AUTH, "a face-auth card has no signature certificate"
        )
        return KnownItem(item, result, result, None, None, None, not_issued_state(result))
    if known.birth is None or issued is None:
        need = tuple(k for k in (Known.BIRTH, issued_key) if k not in known.given())
        return _given_or_missing(item, given, issued, today, Missing((need, (given_key,))))
    computed = _PartialCert(known, known.birth, issued, sign, card, auth).expiry()
    caveats: set[Caveat] = set()
    if card.expiry_date is None:
        caveats.add(Caveat.CARD_EXPIRY_UNKNOWN)
    if sign and auth is not None and auth.expiry_date is None:
        caveats.add(Caveat.AUTH_CERT_EXPIRY_UNKNOWN)
    if given is None:
        if isinstance(computed.value, NotIssued):
            return KnownItem(item, computed, computed, None, None, None, not_issued_state(computed))
        return KnownItem(
            item,
            computed,
            computed,
            None,
            None,
            _window(computed.value),
            _state(computed.value, issued, today),
            frozenset(caveats),
        )
    comparison = _compare_partial(known, item, computed, given)
    return KnownItem(
        item,
        _given_result(given, comparison),
        computed,
        given,
        comparison,
        _window(given),
        _state(given, issued, today),
        frozenset(caveats),
    )


@dataclass(frozen=True, slots=True)
class _PartialCert:
    """A certificate computed from its own issue date and the birth date, without the card
    issue date; *card* (and *auth* for the signature certificate) may cap it."""

    known: KnownDates
    birth: date
    issued: date
    sign: bool
    card: KnownItem
    auth: KnownItem | None

    def expiry(self) -> Expiry:
        """The certificate rules of RULES.md section 3 under the chosen readings, flagged where
        the other reading of 29 February or of the age gives another value."""
        known, birth = self.known, self.birth
        chosen = self._under(known.feb29, known.age_counting)
        decisions: set[Decision] = set()
        feb29_birth = (birth.month, birth.day) == (2, 29)
        if feb29_birth and self._under(known.feb29.other, known.age_counting).value != chosen.value:
            decisions.add(Decision.FEB29)
        if self._under(known.feb29, known.age_counting.other).value != chosen.value:
            decisions.add(Decision.AGE_COUNTING)
        if known.special_extension:
            decisions.add(Decision.EXTENSION_MONTH_END)
        return replace(chosen, decisions=frozenset(decisions))

    def _under(self, feb29: Feb29Policy, counting: AgeCounting) -> Expiry:
        if self.sign and age_on(self.birth, self.issued, counting, feb29) < _SIGN_CERT_MIN_AGE:
            return not_issued(
                NotIssuedReason.UNDER_15,
                f"under {_SIGN_CERT_MIN_AGE} on {self.issued}: no signature certificate",
            )
        count, rule = 5, RuleId.CERT_5TH_BIRTHDAY
        if self.known.certs_are_renewals:
            count, rule = 6, RuleId.CERT_6TH_BIRTHDAY_RENEWAL
        candidates: list[tuple[date, RuleId, str]] = [
            (
                nth_birthday_after(self.birth, self.issued, count, feb29),
                rule,
                f"{count}th birthday after the certificate issue date {self.issued}",
            )
        ]
        stay = self.known.residence_until
        if stay is not None:
            if self.known.special_extension:
                extended = civil_code_months_after(stay, 2)
                candidates.append(
                    (extended, RuleId.EXTENSION_SPECIAL, f"special extension to {extended}")
                )
            else:
                candidates.append(
                    (stay, RuleId.CERT_RESIDENCE_CAP, f"the period of stay ends on {stay}")
                )
        card_end = self.card.expiry_date
        if card_end is not None:
            candidates.append(
                (
                    card_end,
                    RuleId.CERT_CAPPED_BY_CARD,
                    f"capped by the card's expiry {card_end}",
                )
            )
        auth_end = None if self.auth is None else self.auth.expiry_date
        if self.sign and auth_end is not None:
            candidates.append(
                (
                    auth_end,
                    RuleId.CERT_SIGN_CAPPED_BY_AUTH,
                    f"capped by the user-authentication certificate's expiry {auth_end}",
                )
            )
        value, best_rule, why = min(candidates, key=lambda candidate: candidate[0])
        if card_end is None:
            why += "; the card's own expiry, unknown, could end it earlier"
        return RuleResult(value, best_rule, why)


def _compare_partial(
    known: KnownDates, item: Item, computed: Expiry, given: date
) -> RuleResult[ExpiryComparison]:
    """The given expiry beside the computed one, without a full report."""
    expected = computed.value
    reason: MismatchReason | None = None
    why = f"the card holds the computed expiry {expected}"
    birth = known.birth
    if isinstance(expected, date) and given != expected and birth is not None:
        if given == known.residence_until:
            reason = MismatchReason.RESIDENCE_LIMITED
        elif given == nth_birthday_after(birth, expected, 1, known.feb29):
            reason = MismatchReason.RENEWED_IN_WINDOW
        elif given < expected and given == birthday_before(birth, expected, known.feb29):
            reason = MismatchReason.RENEWED_EARLY
        elif given < expected:
            reason = (
                MismatchReason.CAPPED_BY_CARD
                if known.card_expiry is None
                else (MismatchReason.INPUT_PROBABLY_WRONG)
            )
        else:
            reason = MismatchReason.INPUT_PROBABLY_WRONG
        why = f"the card holds {given}, the rules give {expected}: {reason.value}"
    elif isinstance(expected, NotIssued):
        reason = MismatchReason.INPUT_PROBABLY_WRONG
        why = f"the card holds {given} although no certificate was expected"
    return RuleResult(
        ExpiryComparison(item, expected, given, reason),
        RuleId.COMPARE_EXPIRY,
        why,
        computed.decisions,
    )


def _store(known: KnownDates) -> RuleResult[datetime | StoreUnavailable] | Missing:
    if known.auth_cert_issued is None:
        return Missing(((Known.AUTH_CERT_ISSUED,),))
    return convenience_store_availability(
        known.auth_cert_issued,
        birth=known.birth,
        face_auth=known.face_auth,
        age_counting=known.age_counting,
        feb29=known.feb29,
    )
