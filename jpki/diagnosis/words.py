"""The words of a diagnosis: a finding's judgment said in a language, for one municipality.

Nothing here decides anything. A :class:`~jpki.diagnosis.findings.Finding` carries a code, a
remedy and typed details; this module picks the catalog entries of the ``diagnosis`` domain
(``jpki/texts/{ja,en}/diagnosis.json``) that say them, and fills in the dates, counts and the
municipality's own words (names, hours, phone numbers, from its JSON file) in the language
asked for. The text report, ``--json`` and the counter page all go through here.
"""

from __future__ import annotations

from datetime import date, datetime

from jpki.certificate import IssuerClass
from jpki.ids import CertKind, PinKind
from jpki.rules import Decision, ExpressReason, FlagVerdict, MismatchReason, express_fee
from jpki.texts import Joined, Msg, render

from .findings import Basis, Finding, FindingCode, Remedy, StoreRoute
from .municipality import Municipality
from .notes import Note

__all__ = ["action", "decision_label", "message", "note", "severity_label", "unconfirmed_mark"]

_OTHER_JPKI_PIN = {PinKind.AUTH: PinKind.SIGN, PinKind.SIGN: PinKind.AUTH}


def _m(key: str, **values: object) -> Msg:
    return Msg(f"diagnosis.{key}", **values)


def severity_label(severity: str, lang: str) -> str:
    """The tag printed in front of a finding: ``要対応`` / ``ACTION NEEDED``."""
    return render(_m(f"severity.{severity}"), lang)


def unconfirmed_mark(lang: str) -> str:
    """The mark of a finding resting on an unconfirmed reading: ``※`` / ``(unconfirmed)``."""
    return render(_m("unconfirmed_mark"), lang)


def decision_label(decision: Decision, lang: str) -> str:
    """What an unconfirmed reading of the rules is about."""
    return render(decision.msg, lang)


class _Words:
    """The values every template of one rendering may name: the municipality's, in *lang*."""

    def __init__(self, office: Municipality, lang: str) -> None:
        dial, centre = office.free_dial, office.call_centre
        self.values: dict[str, object] = {
            "municipality": office.name.get(lang),
            "counter_place": office.counter_place(lang),
            "counter_hours": office.counter_hours.get(lang),
            "store_hours": office.convenience_store_hours.get(lang),
            "dial_name": dial.name.get(lang),
            "dial_phone": dial.phone,
            "centre_name": centre.name.get(lang),
            "centre_phone": centre.phone,
            "centre_hours": centre.hours.get(lang),
            "counter": office.counter.get(lang),
            "location": office.location.get(lang),
            "address": office.address.get(lang),
            "fee": f"{office.reissue_fee_yen:,}",
            "lighter_fee": f"{office.reissue_fee_without_certificates_yen:,}",
        }
        for prefix, contact in (
            ("abroad", office.abroad_dial),
            ("foreign", office.foreign_language_dial),
        ):
            if contact is not None:
                self.values[f"{prefix}_name"] = contact.name.get(lang)
                self.values[f"{prefix}_phone"] = contact.phone
                self.values[f"{prefix}_hours"] = contact.hours.get(lang)
        # The municipality's own fees when its file gives them, else the rules' (a re-issue
        # after a loss, the holder's fault being the case that costs).
        express = office.express_reissue_fee_yen
        lighter = office.express_reissue_fee_without_certificates_yen
        if express is None or lighter is None:
            express = express_fee(ExpressReason.LOST, own_fault=True)
            lighter = express_fee(ExpressReason.LOST, own_fault=True, with_certificates=False)
        self.values["express_fee"] = f"{express:,}"
        self.values["express_lighter_fee"] = f"{lighter:,}"

    def __call__(self, key: str, **values: object) -> Msg:
        return _m(key, **self.values, **values)

    def hours(self) -> Msg:
        return self("piece.hours")


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"not a date: {value!r}")
    return value


def _left(days: object) -> Msg:
    if days == 0:
        return _m("piece.last_day")
    return _m("piece.days_left", count=days)


def _cert(kind: CertKind) -> Msg:
    return kind.label


def _cert_of(code: FindingCode) -> CertKind:
    return CertKind.SIGN if code.value.startswith("sign_") else CertKind.AUTH


def _pin(kind: PinKind) -> Msg:
    return kind.label


def _pin_short(kind: PinKind) -> Msg:
    return _m(f"pin_short.{kind.json_key}")


def message(finding: Finding, office: Municipality, lang: str) -> str:
    """What the finding says is the case, in *lang*."""
    return render(_message(finding, _Words(office, lang)), lang)


def action(finding: Finding, office: Municipality, lang: str) -> str | None:
    """What to do, where and from when, in *lang*; None when nothing is to be done."""
    if finding.remedy is None:
        return None
    return render(_action(finding, _Words(office, lang)), lang)


# A note with its fuller wording when the municipality file gives the value it needs.
_NOTE_WITH_DATA = {
    Note.MOVING_ABROAD: ("abroad_phone", "note.moving_abroad_dial"),
    Note.FOREIGN_LANGUAGES: ("foreign_phone", "note.foreign_languages_dial"),
}


def note(which: Note, office: Municipality, lang: str) -> str:
    """One of the general notes a report ends with, in *lang*."""
    words = _Words(office, lang)
    needs, fuller = _NOTE_WITH_DATA.get(which, ("", ""))
    if needs in words.values:
        return render(words(fuller), lang)
    return render(words(f"note.{which.value}"), lang)


# -- messages -----------------------------------------------------------------------------------


# Findings whose message is one catalog entry with the municipality's values only.
_PLAIN_MESSAGES = {
    FindingCode.NOT_A_MY_NUMBER_CARD: "not_a_card.message",
    FindingCode.SMARTPHONE_TOKEN: "smartphone.message",
    FindingCode.JUKI_CARD: "juki.message",
    FindingCode.CARD_EXPIRY_UNKNOWN: "card.unknown",
    FindingCode.AUTH_CERT_ABSENT: "auth.absent",
    FindingCode.AUTH_CERT_UNREADABLE: "auth.unreadable",
    FindingCode.CHAIN_INVALID: "chain.invalid",
}


def _message(f: Finding, w: _Words) -> Msg | Joined:  # noqa: C901, PLR0911, PLR0912 - one table
    d = f.details
    code = f.code
    plain = _PLAIN_MESSAGES.get(code)
    if plain is not None:
        return w(plain)
    if code in (FindingCode.CARD_OK, FindingCode.CARD_RENEWABLE, FindingCode.CARD_EXPIRED):
        name = code.value.removeprefix("card_")
        said = w(
            f"card.{name}",
            expiry=_day(d["expiry"]),
            left=_left(d["days_left"]),
            start=_day(d["renewal_from"]),
        )
        computed = w("card.computed") if d.get("basis") == Basis.COMPUTED else None
        return Joined((said, computed))
    if code in (FindingCode.CARD_EXPIRY_MISMATCH, FindingCode.CERT_EXPIRY_MISMATCH):
        return _mismatch(f, w)
    if code is FindingCode.RESIDENCE_PERIOD_LIMIT:
        return w(
            "residence.message",
            until=_day(d["residence_until"]),
            expiry=_day(d["card_expiry"]),
        )
    if code is FindingCode.AUTH_CERT_OK and d.get("no_expiry"):
        return w("cert.no_expiry", cert=_cert(CertKind.AUTH))
    if code in (FindingCode.AUTH_CERT_OK, FindingCode.SIGN_CERT_OK):
        return Joined((w("cert.ok", **_cert_values(f)), _sign_note(f, w)))
    if code in (FindingCode.SIGN_CERT_RENEWABLE, FindingCode.SIGN_CERT_EXPIRED) and (
        d.get("basis") == Basis.CAPPED_BY_AUTH
    ):  # judged from the user-authentication certificate: its own date is not readable
        state = code.value.removeprefix("sign_cert_")
        capped = w(f"sign.capped_{state}", auth_expiry=_day(d["auth_cert_expiry"]))
        return Joined((capped, w("sign.unreadable")))
    if code in (FindingCode.AUTH_CERT_RENEWABLE, FindingCode.SIGN_CERT_RENEWABLE):
        return Joined((w("cert.renewable", **_cert_values(f)), _sign_note(f, w)))
    if code in (FindingCode.AUTH_CERT_EXPIRED, FindingCode.SIGN_CERT_EXPIRED):
        grace = d.get("health_insurance_until")
        return Joined(
            (
                w("cert.expired", **_cert_values(f)),
                None if grace is None else w("cert.insurance_grace", until=_day(grace)),
                _sign_note(f, w),
            )
        )
    if code is FindingCode.AUTH_CERT_STORE_PENDING:
        return w(
            "auth.store_pending",
            issued=_day(d["issued"]),
            usable=_day(d["convenience_store_from"]),
        )
    if code is FindingCode.SIGN_CERT_PENDING:
        return w("sign.pending", issued=_day(d["issued"]), usable=_day(d["usable_from"]))
    if code is FindingCode.SIGN_CERT_PRESENT:
        auth = d.get("auth_cert_expiry")
        if auth is None:
            return w("sign.present")
        return w("sign.present_capped", auth_expiry=_day(auth))
    if code is FindingCode.SIGN_CERT_ABSENT:
        now = "_now" if d.get("now_15") else ""
        return w(f"sign.absent_{d['reason']}{now}")
    if code is FindingCode.CHAIN_OK:
        return w("chain.ok", issuer=_issuer(d["issuer_class"]))
    if code is FindingCode.CHAIN_NOT_PRODUCTION:
        return w("chain.not_production", issuer=_issuer(d["issuer_class"]))
    if code is FindingCode.PINS_OK:
        return _pins_ok(f, w)
    if code is FindingCode.UNCONFIRMED_RULE:
        return _unconfirmed(f, w)
    kind = _pin_kind(code)
    if code.value.endswith("_blocked"):
        return w("pin.blocked", pin=_pin(kind), use=_m(f"pin_use.{kind.json_key}"))
    return w("pin.last_try", pin=_pin(kind), use=_m(f"pin_use.{kind.json_key}"))


def _cert_values(f: Finding) -> dict[str, object]:
    d = f.details
    kind = _cert_of(f.code)
    return {
        "cert": _cert(kind),
        "expiry": _day(d["expiry"]),
        "left": _left(d["days_left"]),
        "start": _day(d["renewal_from"]),
        "use": _m(f"cert_use.{kind.value}"),
    }


def _sign_note(f: Finding, w: _Words) -> Msg | None:
    if not f.code.value.startswith("sign_") or f.details.get("basis") != Basis.COMPUTED:
        return None
    if f.details.get("issue_date_assumed"):
        return w("sign.computed_assumed")
    return w("sign.computed")


def _issuer(value: object) -> Msg:
    return _m(f"issuer.{IssuerClass(str(value)).value}")


def _pin_kind(code: FindingCode) -> PinKind:
    for kind in PinKind:
        if code in (FindingCode.pin_blocked(kind), FindingCode.pin_last_try(kind)):
            return kind
    raise ValueError(f"not a PIN finding: {code}")


def _mismatch(f: Finding, w: _Words) -> Joined:
    d = f.details
    reason = MismatchReason(str(d["reason"]))
    expected = d.get("expected")
    subject = (
        _m("subject.card") if f.code is FindingCode.CARD_EXPIRY_MISMATCH else _cert(CertKind.AUTH)
    )
    said = w(
        "mismatch.message",
        subject=subject,
        actual=_day(d["actual"]),
        expected=_m("piece.none") if expected is None else _day(expected),
        reason=_m(f"mismatch.{reason.value}"),
    )
    verdict = d.get("flag_verdict")
    # What the dates say about the "renewed in the window" flags, in the rules' words.
    hint = None if verdict is None else FlagVerdict(str(verdict)).msg
    return Joined((said, hint))


def _pins_ok(f: Finding, w: _Words) -> Joined:
    counts = [
        _m("piece.tries", pin=_pin_short(kind), left=f.details[kind.json_key], max=kind.max_tries)
        for kind in PinKind
        if kind.json_key in f.details
    ]
    spent = any(
        f.details[kind.json_key] != kind.max_tries for kind in PinKind if kind.json_key in f.details
    )
    return Joined((w("pins.ok", counts=counts), w("pins.come_back") if spent else None))


def _unconfirmed(f: Finding, w: _Words) -> Msg:
    subjects: dict[str, list[Msg]] = {}
    pairs = f.details["affected"]
    for pair in pairs if isinstance(pairs, tuple) else ():
        if not isinstance(pair, tuple):
            continue
        decision, code = pair
        subject = _subject(FindingCode(str(code)))
        listed = subjects.setdefault(str(decision), [])
        if subject not in listed:
            listed.append(subject)
    items = [
        _m("unconfirmed.item", decision=Decision(decision).msg, affected=affected)
        for decision, affected in sorted(subjects.items())
    ]
    return w("unconfirmed.message", items=Joined(items, "diagnosis.piece.item_separator"))


_SUBJECT_PREFIXES = (
    ("card_", "subject.card_expiry"),
    ("auth_cert_", "subject.auth_cert"),
    ("cert_expiry_", "subject.auth_cert"),
    ("sign_cert_", "subject.sign_cert"),
)


def _subject(code: FindingCode) -> Msg:
    for prefix, key in _SUBJECT_PREFIXES:
        if code.value.startswith(prefix):
            return _m(key)
    return _m("subject.other")


# -- actions ------------------------------------------------------------------------------------


# Remedies said by one catalog entry with the municipality's values only.
_PLAIN_ACTIONS = {
    Remedy.READ_AGAIN: "remedy.read_again",
    Remedy.SMARTPHONE_SUPPORT: "remedy.smartphone_token",
    Remedy.APPLY_FOR_MY_NUMBER_CARD: "remedy.apply_for_my_number_card",
    Remedy.CHECK_CARD_FACE: "remedy.check_card_face",
    Remedy.CHECK_DATES: "remedy.check_dates",
    Remedy.CHECK_OWNER: "remedy.check_owner",
    Remedy.CONFIRM_WITH_JLIS: "remedy.confirm_with_jlis",
}


def _action(f: Finding, w: _Words) -> Msg | Joined:  # noqa: C901, PLR0911, PLR0912 - one table
    remedy, d, code = f.remedy, f.details, f.code
    certificate = code.value.startswith(("auth_cert_", "sign_cert_"))
    plain = None if remedy is None else _PLAIN_ACTIONS.get(remedy)
    if plain is not None:
        return w(plain)
    if remedy is Remedy.NEW_CARD:
        if certificate:
            key = (
                "remedy.certs_with_expired_card"
                if d.get("card_expired")
                else "remedy.certs_with_new_card"
            )
            return Joined((w(key), _smartphone_cert(f, w)))
        first = w("remedy.new_card_needed") if code is FindingCode.CARD_EXPIRED else None
        return Joined((first, w("remedy.new_card"), w("remedy.pick_up")))
    if remedy is Remedy.EXTEND_STAY:
        if certificate:
            return w("remedy.certs_with_stay")
        return w("remedy.extend_stay")
    if remedy is Remedy.REISSUE_AFTER_STAY:
        if certificate:
            return w("remedy.certs_with_reissue_after_stay")
        return w("remedy.reissue_after_stay")
    if remedy is Remedy.RENEW_CERTIFICATES:
        if d.get("with_auth"):
            return w("remedy.renew_with_auth")  # the auth certificate's finding says the rest
        key = "remedy.renew_both" if d.get("both") else "remedy.renew"
        return Joined((w(key), w.hours(), _smartphone_cert(f, w)))
    if remedy is Remedy.ISSUE_CERTIFICATES:
        if code is FindingCode.AUTH_CERT_ABSENT:
            return Joined((w("remedy.apply_auth_cert"), w.hours()))
        if code is FindingCode.SIGN_CERT_ABSENT:
            first = w("remedy.now_15") if d.get("now_15") else None
            return Joined((first, w("remedy.apply_sign_cert"), w("remedy.from_15")))
        if d.get("with_auth"):
            return w("remedy.reissue_with_auth")
        return Joined((w("remedy.reissue_certs"), w.hours(), _smartphone_cert(f, w)))
    if remedy is Remedy.ASK_AT_COUNTER:
        key = (
            "remedy.chain_invalid"
            if code is FindingCode.CHAIN_INVALID
            else "remedy.read_again_chip"
        )
        return Joined((w(key), w("remedy.express_if_reissued")))
    if remedy is Remedy.RESET_PIN:
        return _reset(f, w)
    return _last_try(f, w)  # Remedy.DO_NOT_GUESS


def _smartphone_cert(f: Finding, w: _Words) -> Msg | None:
    """What becomes of a smartphone certificate, where the judge found it applies."""
    if Decision.SMARTPHONE_CERT_ON_RENEWAL not in f.decisions:
        return None
    return w("remedy.smartphone_cert_after_renewal")


def _reset(f: Finding, w: _Words) -> Joined:
    kind = _pin_kind(f.code)
    route = StoreRoute(str(f.details["convenience_store_route"]))
    parts: list[Msg | None] = [w("remedy.counter_reset"), w.hours()]
    other = _OTHER_JPKI_PIN.get(kind)
    if other is not None:
        if route is StoreRoute.POSSIBLE:
            parts.append(
                w(
                    "remedy.store_reset",
                    pin=_m(f"pin_route.{kind.json_key}"),
                    other=_m(f"pin_route.{other.json_key}"),
                    shape=_m(f"pin_shape.{other.json_key}"),
                )
            )
            if f.details.get("other_last_try"):
                parts.append(w("remedy.store_reset_other_last_try", other=_pin(other)))
        elif route is StoreRoute.OTHER_BLOCKED:
            parts.append(w("remedy.store_reset_both_blocked"))
        elif route is StoreRoute.OTHER_MISSING:
            cert = CertKind.SIGN if other is PinKind.SIGN else CertKind.AUTH
            parts.append(w("remedy.store_reset_no_cert", other=_pin(other), cert=_cert(cert)))
    return Joined(parts)


def _last_try(f: Finding, w: _Words) -> Joined:
    kind = _pin_kind(f.code)
    route = StoreRoute(str(f.details["convenience_store_route"]))
    parts: list[Msg | None] = [w("remedy.do_not_guess")]
    other = _OTHER_JPKI_PIN.get(kind)
    if other is not None and route is StoreRoute.POSSIBLE:
        parts.append(w("remedy.store_reset_short", other=_pin(other)))
    return Joined(parts)
