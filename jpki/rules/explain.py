"""What ``jpki expiry`` says about a :class:`~jpki.rules.KnownReport`, as messages.

Every sentence is a :class:`~jpki.texts.Msg` of the ``rules`` catalog, rendered where it is
shown; nothing here is in a language. The words name no internal ids: rule ids and decision
names stay in the JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from jpki.texts import Joined, Msg

from .compare import ExpiryComparison
from .dates import civil_code_months_after
from .guidance import EXPRESS_ISSUANCE, FOREIGN_LANGUAGE_HELP, MOVING_ABROAD, facts_in_force
from .ids import Decision
from .known import KnownItem, KnownReport, Missing
from .report import ItemState
from .results import NotIssued, RuleResult
from .usable import StoreUnavailable

__all__ = ["applicable_facts", "item_lines", "notes", "version_line"]

Said = Msg | Joined


def version_line(report: KnownReport) -> Said:
    """The day judged and the rules used."""
    return Msg("rules.expiry.as_of", today=report.today, rules=report.version.msg)


def _missing(missing: Missing) -> Msg:
    groups = [Joined([known.msg for known in group], "rules.and") for group in missing.alternatives]
    if not groups:
        return Msg("rules.expiry.missing_unknown")
    return Msg("rules.expiry.missing", inputs=Joined(groups, "rules.or"))


def _mark(result: RuleResult[object] | Missing | None) -> Msg | None:
    if isinstance(result, RuleResult) and result.unconfirmed:
        return Msg("rules.expiry.unconfirmed_mark")
    return None


def item_lines(item: KnownItem) -> Iterator[tuple[str, Said]]:
    """The lines of one item: (field name key, what is said)."""
    expiry = item.expiry
    if isinstance(expiry, Missing):
        yield "expires", _missing(expiry)
    elif isinstance(expiry.value, NotIssued):
        yield "expires", Joined([Msg("rules.expiry.not_issued", reason=expiry.value.reason.msg)])
        return
    else:
        given = Msg("rules.expiry.given") if item.given is not None else None
        yield "expires", Joined([Msg("rules.expiry.date", day=expiry.value), given, _mark(expiry)])
    computed = item.computed
    if computed is not None and not isinstance(computed.value, NotIssued):
        yield "rule", computed.rule.msg
    if item.comparison is not None:
        yield "check", _comparison(item.comparison.value)
    for caveat in sorted(item.caveats):
        yield "caveat", caveat.msg
    window = item.renewal_from
    if isinstance(window, RuleResult):
        yield "renewal", Joined([Msg("rules.expiry.from", day=window.value), _mark(window)])
    state = item.state
    if isinstance(state, RuleResult):
        yield "state", Joined([state.value.msg, _mark(state)])


def _comparison(comparison: ExpiryComparison) -> Said:
    expected = comparison.expected
    if comparison.mismatch is None:
        return Msg("rules.expiry.check_matches")
    if isinstance(expected, NotIssued):
        return Msg("rules.expiry.check_not_expected", reason=comparison.mismatch.msg)
    return Msg("rules.expiry.check_differs", computed=expected, reason=comparison.mismatch.msg)


def notes(report: KnownReport) -> list[Said]:
    """Unconfirmed rules, flag checks, the convenience store and the facts that apply."""
    said: list[Said] = []
    if not report.version.in_force:
        said.append(Msg("rules.expiry.draft_not_in_force"))
    said += _unconfirmed(report)
    said += [check.verdict.msg for check in report.renewal_checks]
    known = report.known
    store = _store(report)
    if store is not None and not known.face_auth:  # the face-auth note below says it
        said.append(store)
    if known.residence_until is not None:
        card = report.card.expiry_date
        expired = card is not None and card < report.today and _card_ends_with_stay(report)
        said.append(Msg("rules.expiry.residence_expired" if expired else "rules.expiry.residence"))
    if known.face_auth:
        said.append(Msg("rules.expiry.face_auth"))
    said += [_fact(name, report) for name in applicable_facts(report)]
    return said


def _unconfirmed(report: KnownReport) -> Iterator[Said]:
    results = report.results()
    items = {
        "card": report.card.item.msg,
        "auth_cert": report.auth_cert.item.msg,
        "sign_cert": report.sign_cert.item.msg,
        "health_insurance_until": Msg("rules.expiry.health_insurance_subject"),
    }
    known = report.known
    readings = {
        Decision.FEB29: Msg(f"rules.reading.{known.feb29.value}"),
        Decision.AGE_COUNTING: Msg(f"rules.reading.{known.age_counting.value}"),
    }
    for decision in sorted(report.decisions):
        subjects: list[Msg] = []
        for key, result in results.items():
            subject = next(msg for prefix, msg in items.items() if key.startswith(prefix))
            if decision in result.decisions and subject not in subjects:
                subjects.append(subject)
        reading = readings.get(decision)
        used = None if reading is None else Msg("rules.expiry.reading_used", reading=reading)
        yield Msg(
            "rules.expiry.unconfirmed",
            decision=Joined([decision.msg, used]),
            subjects=Joined(subjects, "common.join"),
        )


def _store(report: KnownReport) -> Said | None:
    store = report.convenience_store
    if not isinstance(store, RuleResult):
        return None
    value = store.value
    if isinstance(value, StoreUnavailable):
        return value.reason.msg
    if isinstance(value, datetime) and value.date() >= report.today:
        return Msg("rules.expiry.store_from", day=value.date())
    return None


def applicable_facts(report: KnownReport) -> list[str]:
    """The guidance facts that concern this holder on the day judged, by name (the rule id
    without ``fact.``)."""
    in_force = {fact.fact.rule.value.removeprefix("fact.") for fact in facts_in_force(report.today)}
    names: list[str] = []
    states = {
        item.item: item.state.value for item in report.items if isinstance(item.state, RuleResult)
    }
    certs_due = any(
        states.get(item) in (ItemState.RENEWABLE, ItemState.EXPIRED)
        for item in (report.auth_cert.item, report.sign_cert.item)
    )
    card_state = states.get(report.card.item)
    stay_ends_card = _card_ends_with_stay(report)
    if isinstance(report.health_insurance_until, RuleResult):
        names.append("health_insurance")
    if certs_due and not report.known.face_auth:
        names.append("smartphone_cert")
    if card_state in (ItemState.RENEWABLE, ItemState.EXPIRED) and not stay_ends_card:
        names.append("card_pickup")  # a card ending with the stay is extended at the counter
    if card_state is ItemState.EXPIRED:
        names.append("express_issuance")
    if report.known.residence_until is not None:
        names.append("foreign_language_help")
    if report.known.moving_abroad:
        names.append("moving_abroad")
    return [name for name in names if name in in_force]


def _card_ends_with_stay(report: KnownReport) -> bool:
    """Whether the card ends with the period of stay (extended at the counter, not renewed)."""
    stay = report.known.residence_until
    card = report.card.expiry_date
    return stay is not None and card is not None and card <= civil_code_months_after(stay, 2)


def _health_insurance(report: KnownReport) -> Msg:
    """The health-insurance use on the day judged: before, during or after the grace."""
    card = report.card.expiry_date
    if card is not None and card < report.today:
        if _card_ends_with_stay(report):
            return Msg("rules.expiry.fact.health_insurance_stay_expired", card=card)
        return Msg("rules.expiry.fact.health_insurance_card_expired", card=card)
    grace = report.health_insurance_until
    until: date | None = grace.value if isinstance(grace, RuleResult) else None
    auth = report.auth_cert.expiry_date
    if until is not None and until < report.today:
        return Msg("rules.expiry.fact.health_insurance_ended", until=until)
    if auth is not None and auth < report.today:
        return Msg("rules.expiry.fact.health_insurance_grace", until=until)
    return Msg("rules.expiry.fact.health_insurance", until=until)


def _fact(name: str, report: KnownReport) -> Said:
    if name == "health_insurance":
        return Joined([_health_insurance(report), Msg("rules.expiry.unconfirmed_mark")])
    if name == "express_issuance":
        return Msg(
            "rules.expiry.fact.express_issuance",
            since=EXPRESS_ISSUANCE.fact.period.start,
        )
    if name == "moving_abroad":
        return Msg(
            "rules.expiry.fact.moving_abroad",
            since=MOVING_ABROAD.fact.period.start,
            phone=MOVING_ABROAD.lost_card_phone,
        )
    if name == "foreign_language_help":
        first, second = FOREIGN_LANGUAGE_HELP.phones
        return Msg(
            "rules.expiry.fact.foreign_language_help",
            system_phone=first,
            card_phone=second,
        )
    return Msg(f"rules.expiry.fact.{name}")
