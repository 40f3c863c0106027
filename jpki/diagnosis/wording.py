"""The words of a diagnosis: every message and action, in Japanese and English.

Japanese follows the municipal guidance (Bunkyo City FAQ and guidebook) and is written so that
staff can read it out or hand it over; English is plain. Nothing here decides anything: the
engine picks the wording and fills in dates, counts and the municipality.
"""

from __future__ import annotations

from datetime import date

from jpki.certificate import IssuerClass
from jpki.ids import CertKind, PinKind
from jpki.rules import MismatchReason, NotIssuedReason

from .findings import FindingCode
from .municipality import Municipality
from .text import Text, en_date, ja_date

__all__ = [
    "auth_cert_absent",
    "auth_cert_unreadable",
    "card_expired",
    "card_expiry_computed",
    "card_expiry_unknown",
    "card_ok",
    "card_renewable",
    "cert_expired",
    "cert_ok",
    "cert_no_expiry",
    "cert_renewable",
    "certs_come_with_new_card",
    "chain_invalid",
    "chain_not_production",
    "chain_ok",
    "counter_reset",
    "day",
    "days_left",
    "expiry_mismatch",
    "finding_subject",
    "insurance_grace",
    "juki_card",
    "last_try_advice",
    "not_a_my_number_card",
    "notes",
    "pin_blocked",
    "pin_last_try",
    "pins_ok",
    "reissue_at_counter",
    "renew_at_counter",
    "residence_period_limit",
    "sign_cert_absent",
    "sign_cert_capped",
    "sign_cert_computed",
    "sign_cert_present",
    "sign_cert_unreadable",
    "smartphone_pin_action",
    "smartphone_token",
    "store_pending",
    "store_reset",
    "store_reset_impossible",
    "store_reset_short",
    "unconfirmed_rule",
    "with_auth_cert",
]

_PIN_SHORT = {
    PinKind.AUTH: Text("利用者証明用", "auth"),
    PinKind.SIGN: Text("署名用", "signature"),
    PinKind.CARD_INFO: Text("券面事項入力補助用", "card-info"),
    PinKind.JUKI: Text("住民基本台帳用", "resident register"),
}
_PIN_USE = {
    PinKind.AUTH: Text(
        "コンビニ交付、マイナポータルへのログイン、健康保険証の利用登録など",
        "convenience-store certificates, Myna Portal login and health-insurance registration",
    ),
    PinKind.SIGN: Text("e-Tax等の電子申請", "e-Tax and other online applications"),
    PinKind.CARD_INFO: Text(
        "公金受取口座の登録やe-Tax等での本人情報の入力",
        "bank account registration and filling in personal details for e-Tax",
    ),
    PinKind.JUKI: Text(
        "窓口での住所・氏名などの変更手続き", "address and name changes at the counter"
    ),
}
_PIN_SHAPE = {
    PinKind.AUTH: Text("数字4桁", "4 digits"),
    PinKind.SIGN: Text("英数字6～16桁", "6-16 letters and digits"),
}
_CERT_USE = {
    CertKind.AUTH: Text(
        "コンビニ交付やマイナポータルへのログインなど",
        "convenience-store certificates, Myna Portal login and the like",
    ),
    CertKind.SIGN: Text("e-Tax等の電子申請", "e-Tax and other online applications"),
}
_ISSUER = {
    IssuerClass.PRODUCTION: Text("J-LIS（本番）", "J-LIS (production)"),
    IssuerClass.TEST: Text("J-LISの試験用認証局", "a J-LIS test CA"),
    IssuerClass.SIMULATED: Text("シミュレーター用の認証局", "a simulator CA"),
    IssuerClass.UNKNOWN: Text("不明な認証局", "an unknown CA"),
}
_APPLY_NEW_CARD = Text(
    "新しいカードの申請は、郵送、パソコン・スマートフォン、まちなかの証明写真機からご自身でできます"
    "（申請から受け取りまで約2か月かかります）。",
    "Apply for the new card by post, online (computer or smartphone) or at a photo booth "
    "(it takes about 2 months until the card is ready).",
)


def day(value: date) -> Text:
    """A date in both languages."""
    return Text(ja_date(value), en_date(value))


def days_left(days: int) -> Text:
    """``あと12日`` / ``12 days left``; the expiry day itself is ``本日まで`` / ``last day``."""
    if days == 0:
        return Text("本日まで", "last day today")
    return Text(f"あと{days}日", f"{days} day{'s' if days != 1 else ''} left")


def _hours(m: Municipality) -> Text:
    return Text(f"受付時間は{m.counter_hours.ja}です。", f"Open {m.counter_hours.en}.")


def _label(kind: CertKind) -> Text:
    return Text(kind.label_ja, kind.label_en)


# -- chip --------------------------------------------------------------------------------------


def not_a_my_number_card() -> tuple[Text, Text]:
    """The card has no JPKI application."""
    return (
        Text(
            "マイナンバーカードとして読み取れませんでした（公的個人認証の機能が見つかりません）。",
            "The card cannot be read as a My Number Card (it has no JPKI application).",
        ),
        Text(
            "カードの向きや置き方を確かめて、もう一度読み取ってください。"
            "健康保険証など別のカードの可能性もあります。",
            "Check how the card lies on the reader and read it again; it may be another card "
            "(a health insurance card, for example).",
        ),
    )


def smartphone_token(m: Municipality) -> tuple[Text, Text]:
    """A smartphone certificate instead of a card."""
    dial = m.free_dial
    return (
        Text(
            "スマートフォン用電子証明書です（マイナンバーカードではありません）。"
            "スマートフォン用電子証明書の有効期限は、暗証番号がないと読み取れません。",
            "This is a smartphone certificate, not a My Number Card; its expiry cannot be read "
            "without the PIN.",
        ),
        Text(
            "スマートフォン用電子証明書の暗証番号の再設定や、失効・一時停止の手続きは、"
            "マイナンバーカードとは異なります。詳しくはデジタル庁のホームページ、または"
            f"{dial.name.ja}（{dial.phone}）でご確認ください。カードの状態を確認するには、"
            "マイナンバーカードをカードリーダーに置いてください。",
            "PIN resets, suspension and revocation work differently for smartphone "
            "certificates: see the Digital Agency's website or call the "
            f"{dial.name.en} ({dial.phone}). To check the card itself, put the My Number Card "
            "on the reader.",
        ),
    )


def juki_card() -> tuple[Text, Text]:
    """An old Basic Resident Register card."""
    return (
        Text(
            "住民基本台帳カード（住基カード）です。マイナンバーカードではありません。",
            "This is a Basic Resident Register card (住基カード), not a My Number Card.",
        ),
        Text(
            "住基カードの電子証明書は発行・更新できません。マイナンバーカードを申請してください"
            "（郵送、パソコン・スマートフォン、証明写真機から申請できます）。",
            "Its certificates can no longer be issued or renewed: apply for a My Number Card "
            "(by post, online or at a photo booth).",
        ),
    )


# -- the card ----------------------------------------------------------------------------------


def card_ok(expiry: date, left: int) -> Text:
    """The card is valid and not yet renewable."""
    when, rest = day(expiry), days_left(left)
    return Text(
        f"マイナンバーカードの有効期限は{when.ja}です（{rest.ja}）。",
        f"The My Number Card is valid until {when.en} ({rest.en}).",
    )


def card_renewable(expiry: date, left: int, start: date, m: Municipality) -> tuple[Text, Text]:
    """The card is in its renewal window."""
    when, rest, first = day(expiry), days_left(left), day(start)
    place = m.counter_place
    return (
        Text(
            f"マイナンバーカードの有効期限は{when.ja}です（{rest.ja}）。"
            f"{first.ja}から新しいカードを申請できる期間に入っています。",
            f"The My Number Card expires on {when.en} ({rest.en}); a new card can be applied "
            f"for since {first.en}.",
        ),
        _APPLY_NEW_CARD
        + Text(
            f"申請は無料です。受け取りは{place.ja}で、予約制です。",
            f"It is free; the card is collected at {place.en}, by appointment.",
        ),
    )


def card_expired(expiry: date, m: Municipality, *, residence: bool) -> tuple[Text, Text]:
    """The card has expired; after a period of stay ended, re-issue is paid."""
    when, place = day(expiry), m.counter_place
    action = Text(
        f"新しいカードの申請が必要です。受け取りは{place.ja}です。",
        f"A new card is needed; it is collected at {place.en}.",
    )
    if residence:
        action += Text(
            "在留期間の満了により有効期限が切れたカードは、有料での再交付となります。"
            f"新しい在留カードとマイナンバーカードを持って{place.ja}にお越しください。",
            "A card that lapsed with the period of stay is re-issued for a fee: come to "
            f"{place.en} with the new residence card and the My Number Card.",
        )
    else:
        action += _APPLY_NEW_CARD
    return (
        Text(
            f"マイナンバーカードの有効期限（{when.ja}）が過ぎています。"
            "本人確認書類や電子証明書として使えません。",
            f"The My Number Card expired on {when.en}: it no longer works as ID or for "
            "certificates.",
        ),
        action,
    )


def card_expiry_unknown() -> tuple[Text, Text]:
    """A card whose expiry record cannot be read."""
    return (
        Text(
            "カードの有効期限をICチップから読み取れませんでした。",
            "The card's expiry could not be read from the chip.",
        ),
        Text(
            "カード表面に記載された有効期限をご確認ください。",
            "Check the expiry printed on the front of the card.",
        ),
    )


def residence_period_limit(until: date, m: Municipality) -> tuple[Text, Text]:
    """The card ends with the period of stay."""
    when, place = day(until), m.counter_place
    return (
        Text(
            f"在留期間の満了日（{when.ja}）までに、マイナンバーカードの有効期限が切れます。"
            "在留期間を更新しても、カードの有効期限は自動的には延長されません"
            "（有効期限の通知書も送付されません）。",
            f"The card ends with the period of stay ({when.en}) at the latest. Extending the "
            "stay does not extend the card, and no expiry notice is sent.",
        ),
        Text(
            "在留期間を更新したら、カードの有効期限が切れる前に、新しい在留カードと"
            f"マイナンバーカードを持って{place.ja}にお越しください。"
            "有効期限が切れると有料での再交付になります。",
            "After extending the stay, come to "
            f"{place.en} with the new residence card and the My Number Card before the card "
            "expires; once it has expired, re-issue costs a fee.",
        ),
    )


def expiry_mismatch(
    label: Text, actual: date, expected: date | None, reason: MismatchReason
) -> tuple[Text, Text]:
    """A date on the chip that differs from the computed one."""
    got = day(actual)
    computed = Text("なし", "none") if expected is None else day(expected)
    return (
        Text(
            f"{label.ja}の有効期限が、入力された日付からの計算と異なります"
            f"（カード: {got.ja}、計算: {computed.ja}）。考えられる理由: {reason.label_ja}。",
            f"The {label.en}'s expiry differs from the one computed from the dates given "
            f"(card: {got.en}, computed: {computed.en}); likely reason: {reason.label_en}.",
        ),
        Text(
            "カードに記録された日付が正式な有効期限です。入力した生年月日・発行日などをご確認"
            "ください。",
            "The date on the card is the real expiry; check the birth and issue dates given.",
        ),
    )


# -- certificates ------------------------------------------------------------------------------


def cert_ok(kind: CertKind, expiry: date, left: int, start: date) -> Text:
    """A certificate that is valid and not yet renewable."""
    label, when, rest, first = _label(kind), day(expiry), days_left(left), day(start)
    return Text(
        f"{label.ja}は有効です（有効期限: {when.ja}、{rest.ja}）。"
        f"更新手続きは{first.ja}からできます。",
        f"The {label.en} is valid until {when.en} ({rest.en}); it can be renewed from {first.en}.",
    )


def cert_no_expiry(kind: CertKind) -> Text:
    """A certificate whose notAfter is 9999-12-31 23:59:59 UTC (RFC 5280: no expiry)."""
    label = _label(kind)
    return Text(
        f"{label.ja}は有効です（有効期限なし）。",
        f"The {label.en} is valid (no expiry).",
    )


def cert_renewable(kind: CertKind, expiry: date, left: int, start: date) -> Text:
    """A certificate in its renewal window."""
    label, when, rest, first = _label(kind), day(expiry), days_left(left), day(start)
    return Text(
        f"{label.ja}の有効期限は{when.ja}です（{rest.ja}）。"
        f"{first.ja}から更新手続きができる期間に入っています。",
        f"The {label.en} expires on {when.en} ({rest.en}); it can be renewed since {first.en}.",
    )


def cert_expired(kind: CertKind, expiry: date) -> Text:
    """A certificate past its expiry."""
    label, when, use = _label(kind), day(expiry), _CERT_USE[kind]
    return Text(
        f"{label.ja}の有効期限（{when.ja}）が過ぎています。{use.ja}に使えません。",
        f"The {label.en} expired on {when.en}: it no longer works for {use.en}.",
    )


def insurance_grace(until: date) -> Text:
    """Health-insurance checks still work for a while after the auth certificate expired."""
    when = day(until)
    return Text(
        f"マイナ保険証での資格確認は{when.ja}まで引き続き利用できます。",
        f"Health-insurance checks with the card still work until {when.en}.",
    )


def renew_at_counter(m: Municipality, *, both: bool = False) -> Text:
    """Renew certificates at the counter: free, in person, with the card and its PIN."""
    place = m.counter_place
    what = Text("2つの電子証明書をまとめて", "both certificates ") if both else Text("", "")
    return Text(
        f"{place.ja}で{what.ja}更新できます（手数料は無料です）。ご本人がマイナンバーカードを"
        "お持ちください（暗証番号を入力していただきます）。有効期限の通知書が届く前でも"
        "手続きできます。",
        f"Renew {what.en}at {place.en}, free of charge: the holder comes in person with the "
        "card (the PIN is entered there). There is no need to wait for the expiry notice.",
    ) + _hours(m)


def reissue_at_counter(m: Municipality) -> Text:
    """An expired certificate can still be issued anew at the counter, free."""
    place = m.counter_place
    return Text(
        f"有効期限が過ぎていても、{place.ja}で新しい電子証明書を無料で発行できます。"
        "ご本人がマイナンバーカードをお持ちください（暗証番号を入力していただきます）。",
        f"Even after expiry a new certificate is issued free of charge at {place.en}: the "
        "holder comes in person with the card (the PIN is entered there).",
    ) + _hours(m)


def certs_come_with_new_card(*, card_expired: bool) -> Text:
    """Certificates that end with the card are renewed by getting a new card."""
    if card_expired:
        return Text(
            "マイナンバーカードの有効期限も過ぎているため、新しいカードの申請が必要です。"
            "電子証明書は新しいカードを受け取るときに発行されます。",
            "The card itself has expired too: apply for a new card; the certificates are "
            "issued with it.",
        )
    return Text(
        "有効期限がカードの有効期限と同じため、新しいカードを受け取るときに電子証明書も"
        "新しく発行されます。電子証明書の更新ではなく、カードの申請をしてください。",
        "It ends with the card: the new card comes with new certificates, so apply for a new "
        "card rather than renewing the certificate.",
    )


def store_pending(issued: date, usable: date) -> Text:
    """A new auth certificate that convenience stores accept only from a later morning."""
    first, ready = day(issued), day(usable)
    return Text(
        f"利用者証明用電子証明書は{first.ja}に発行されたため、コンビニ交付は"
        f"{ready.ja}の午前6時30分から利用できます。",
        f"The user-authentication certificate was issued on {first.en}; convenience stores "
        f"accept it from 06:30 on {ready.en}.",
    )


def auth_cert_absent(m: Municipality) -> tuple[Text, Text]:
    """No user-authentication certificate on the card."""
    place = m.counter_place
    return (
        Text(
            "利用者証明用電子証明書が搭載されていません。コンビニ交付、マイナポータル、"
            "健康保険証の利用登録などに使えません。",
            "The card holds no user-authentication certificate: no convenience-store "
            "certificates, Myna Portal or health-insurance registration.",
        ),
        Text(
            f"必要な場合は{place.ja}で電子証明書の発行を申請できます。"
            "ご本人がマイナンバーカードをお持ちください。",
            f"If wanted, apply for the certificate at {place.en}; the holder comes in person "
            "with the card.",
        )
        + _hours(m),
    )


def auth_cert_unreadable(m: Municipality) -> tuple[Text, Text]:
    """The user-authentication certificate could not be read."""
    place = m.counter_place
    return (
        Text(
            "利用者証明用電子証明書を読み取れませんでした。",
            "The user-authentication certificate could not be read.",
        ),
        Text(
            "カードを置き直して、もう一度読み取ってください。何度読み取ってもできない場合は"
            f"ICチップが故障している可能性があります。{place.ja}にご相談ください。",
            "Put the card on the reader again and retry; if it keeps failing the chip may be "
            f"damaged: ask at {place.en}.",
        ),
    )


def sign_cert_present(auth_expiry: date | None) -> Text:
    """The signature certificate is there; its expiry needs the signature password."""
    if auth_expiry is None:
        return Text(
            "署名用電子証明書は搭載されています。有効期限は署名用電子証明書の暗証番号がないと"
            "読み取れません。",
            "The signature certificate is on the card. Its expiry cannot be read without the "
            "signature password.",
        )
    when = day(auth_expiry)
    return Text(
        "署名用電子証明書は搭載されています。有効期限は署名用電子証明書の暗証番号がないと"
        f"読み取れませんが、利用者証明用電子証明書の有効期限（{when.ja}）より後になることは"
        "ありません。",
        "The signature certificate is on the card. Its expiry cannot be read without the "
        "signature password, but it never ends after the user-authentication certificate's "
        f"({when.en}).",
    )


def sign_cert_computed(*, assumed_issue: bool) -> Text:
    """Why the signature certificate's date is a computation, not a reading."""
    text = Text(
        "署名用電子証明書の有効期限は暗証番号がないと読み取れないため、"
        "入力された生年月日と発行日から計算しました。",
        "The signature certificate's expiry cannot be read without its password; it was "
        "computed from the dates given.",
    )
    if assumed_issue:
        text += Text(
            "（発行日は利用者証明用電子証明書と同じとしています。）",
            "(Its issue date is taken to be the user-authentication certificate's.)",
        )
    return text


def sign_cert_unreadable() -> Text:
    """The signature certificate's own expiry needs its password."""
    return Text(
        "（署名用電子証明書の有効期限は暗証番号がないと読み取れません。）",
        "(Its own expiry cannot be read without its password.)",
    )


def card_expiry_computed() -> Text:
    """The card's expiry comes from the dates given, not from the chip."""
    return Text(
        "（ICチップから読み取れなかったため、入力された日付から計算した日付です。）",
        "(Computed from the dates given: the chip's record could not be read.)",
    )


def sign_cert_capped(auth_expiry: date, *, expired: bool) -> Text:
    """The signature certificate's state implied by the auth certificate's."""
    when = day(auth_expiry)
    if expired:
        return Text(
            f"利用者証明用電子証明書の有効期限（{when.ja}）が過ぎているため、"
            "署名用電子証明書も有効期限が過ぎています。e-Tax等の電子申請に使えません。",
            f"As the user-authentication certificate expired on {when.en}, the signature "
            "certificate has expired too: no e-Tax or other online applications.",
        )
    return Text(
        f"利用者証明用電子証明書の有効期限（{when.ja}）から、署名用電子証明書も更新できる期間に"
        "入っているか、すでに有効期限が過ぎています。",
        f"From the user-authentication certificate's expiry ({when.en}), the signature "
        "certificate is in its renewal window too, or already expired.",
    )


def sign_cert_absent(
    reason: NotIssuedReason | None, m: Municipality, *, now_15: bool = False
) -> tuple[Text, Text | None]:
    """No signature certificate: under 15, face-auth card, or reason unknown."""
    place = m.counter_place
    apply = Text(
        f"必要な場合は{place.ja}で署名用電子証明書の発行を申請できます。"
        "ご本人がマイナンバーカードをお持ちください。",
        f"If wanted, apply for one at {place.en}; the holder comes in person with the card.",
    )
    if reason is NotIssuedReason.FACE_AUTH:
        return (
            Text(
                "顔認証マイナンバーカードのため、署名用電子証明書は搭載されておらず、"
                "暗証番号もありません。本人確認書類やマイナ保険証として使えますが、コンビニ交付、"
                "e-Tax等のオンライン申請、マイナポータルは利用できません。",
                "A face-auth card: no signature certificate and no PINs. It works as ID and as "
                "a health-insurance card, but not for convenience-store certificates, e-Tax and "
                "other online applications, or the Myna Portal.",
            ),
            None,
        )
    if reason is NotIssuedReason.UNDER_15:
        if now_15:
            return (
                Text(
                    "署名用電子証明書は搭載されていません（発行時に15歳未満だったため）。",
                    "No signature certificate: the holder was under 15 when it would have been "
                    "issued.",
                ),
                Text("15歳になられているので、", "The holder is 15 or older now. ") + apply,
            )
        return (
            Text(
                "15歳未満のため、署名用電子証明書は搭載されていません"
                "（原則として15歳未満の方には発行されません）。",
                "No signature certificate: it is not issued, in principle, under 15.",
            ),
            None,
        )
    return (
        Text(
            "署名用電子証明書が搭載されていません（15歳未満の方、顔認証マイナンバーカード、"
            "発行を希望されなかった場合など）。e-Tax等の電子申請には使えません。",
            "The card holds no signature certificate (under 15, a face-auth card, or not "
            "requested, for example): no e-Tax or other online applications.",
        ),
        apply + Text("（原則15歳以上）", " (from age 15)"),
    )


# -- chain -------------------------------------------------------------------------------------


def chain_ok(issuer: IssuerClass) -> Text:
    """The auth certificate's signature verified with the CA certificate on the card."""
    by = _ISSUER[issuer]
    return Text(
        "利用者証明用電子証明書の署名を、カード内の認証局の証明書で確認しました"
        f"（発行元: {by.ja}）。",
        f"The user-authentication certificate's signature verifies with the CA certificate on "
        f"the card (issued by {by.en}).",
    )


def chain_not_production(issuer: IssuerClass) -> tuple[Text, Text]:
    """A certificate from a test or simulated hierarchy."""
    by = _ISSUER[issuer]
    return (
        Text(
            f"この電子証明書は本番の認証局（J-LIS）ではなく、{by.ja}が発行したものです。",
            f"This certificate was issued by {by.en}, not by the production J-LIS CA.",
        ),
        Text(
            "試験用のカードの可能性があります。住民の方のカードであるかご確認ください。",
            "It may be a test card: check that this is the resident's own card.",
        ),
    )


def chain_invalid(m: Municipality) -> tuple[Text, Text]:
    """The auth certificate's signature does not verify with the CA on the card."""
    place = m.counter_place
    return (
        Text(
            "利用者証明用電子証明書の署名を、カード内の認証局の証明書で確認できませんでした。",
            "The user-authentication certificate's signature does not verify with the CA "
            "certificate on the card.",
        ),
        Text(
            "もう一度読み取っても同じ場合は、ICチップの異常の可能性があります。"
            f"{place.ja}にご相談ください。",
            f"If it happens again the chip may be faulty: ask at {place.en}.",
        ),
    )


# -- PINs --------------------------------------------------------------------------------------


def pin_blocked(kind: PinKind) -> Text:
    """A PIN with no tries left."""
    use = _PIN_USE[kind]
    return Text(
        f"{kind.label_ja}がロックされています（{use.ja}で使う暗証番号です）。",
        f"The {kind.label_en} is blocked (it is used for {use.en}).",
    )


def pin_last_try(kind: PinKind) -> Text:
    """A PIN with one try left."""
    use = _PIN_USE[kind]
    return Text(
        f"{kind.label_ja}は、あと1回間違えるとロックされます（{use.ja}で使う暗証番号です）。"
        "正しく入力できれば残り回数は元に戻ります。",
        f"The {kind.label_en} has one try left: one more wrong entry blocks it (it is used for "
        f"{use.en}). A correct entry restores the full count.",
    )


def counter_reset(m: Municipality) -> Text:
    """Reset a blocked PIN at the counter, in person, with the card and one more ID document."""
    place = m.counter_place
    return Text(
        f"{place.ja}で初期化（再設定）の手続きができます。ご本人がマイナンバーカードと"
        "本人確認書類（保険証や運転免許証など）をもう1点お持ちください。"
        f"{m.name.ja}では暗証番号を把握していないため、新しい暗証番号を設定していただきます"
        "（電話では手続きできません）。",
        f"It can be reset at {place.en}: the holder comes in person with the card and one "
        f"more identity document (health insurance card, driving licence, ...). {m.name.en} "
        "does not know PINs, so a new one is set; this cannot be done by phone.",
    ) + _hours(m)


def last_try_advice(m: Municipality) -> Text:
    """Do not guess; a forgotten PIN is reset at the counter."""
    place = m.counter_place
    return Text(
        "暗証番号が確実に分からない場合は入力しないでください。分からない場合は"
        f"{place.ja}で再設定できます（マイナンバーカードと本人確認書類をもう1点お持ちください）。",
        "If the PIN is not known for certain, do not enter it: a forgotten PIN is reset at "
        f"{place.en}; bring the card and one more identity document.",
    )


def store_reset(kind: PinKind, other: PinKind, m: Municipality, *, other_last_try: bool) -> Text:
    """The convenience-store route for a JPKI PIN, which needs the other JPKI PIN."""
    other_short, shape = _PIN_SHORT[other], _PIN_SHAPE[other]
    text = Text(
        "コンビニでも再設定できます。①スマートフォンの専用アプリでカードを撮影し、"
        f"ICチップを{other_short.ja}の暗証番号（{shape.ja}）で読み取って顔の照合を行い、"
        "②24時間以内にコンビニのマルチコピー機にカードをかざして"
        f"{other_short.ja}の暗証番号を入力し、新しい{_PIN_SHORT[kind].ja}の暗証番号を設定します。"
        f"マルチコピー機の利用時間は{m.convenience_store_hours.ja}です。"
        "NFC対応のスマートフォンが必要です。",
        "It can also be reset through a convenience store: (1) in the smartphone app, "
        f"photograph the card, read its chip with the {other.label_en} ({shape.en}) and pass "
        "the face match; (2) within 24 hours, at the store's multi-copy machine, touch the "
        f"card, enter the {other.label_en} and set a new {kind.label_en}. The machines are "
        f"open {m.convenience_store_hours.en}. An NFC smartphone is needed.",
    )
    if other_last_try:
        text += Text(
            f"（ただし、{other.label_ja}は残り1回のため、確実に分かる場合に限ります。）",
            f"(The {other.label_en} has one try left: use this route only if it is known for "
            "certain.)",
        )
    return text


def store_reset_impossible(other: PinKind, *, other_blocked: bool) -> Text:
    """Why the convenience-store route is closed: the other JPKI PIN is blocked or missing."""
    if other_blocked:
        return Text(
            "署名用・利用者証明用の暗証番号がどちらもロックされているため、"
            "コンビニでの再設定はできません。窓口での手続きとなります。",
            "Both JPKI PINs are blocked, so the convenience-store route is closed: only the "
            "counter can reset them.",
        )
    cert = CertKind.SIGN if other is PinKind.SIGN else CertKind.AUTH
    return Text(
        f"コンビニでの再設定には{other.label_ja}が必要ですが、{cert.label_ja}が搭載されて"
        "いないため、窓口での手続きとなります。",
        f"The convenience-store route needs the {other.label_en}, but the card holds no "
        f"{cert.label_en}: only the counter can reset it.",
    )


def store_reset_short(other: PinKind) -> Text:
    """The convenience-store route in one sentence (for a PIN that is not blocked yet)."""
    return Text(
        f"{other.label_ja}が分かれば、コンビニでも再設定できます"
        "（NFC対応のスマートフォンが必要です）。",
        f"With the {other.label_en} it can also be reset through a convenience store (an NFC "
        "smartphone is needed).",
    )


def with_auth_cert(*, expired: bool) -> Text:
    """The signature certificate is handled together with the user-authentication one."""
    if expired:
        return Text(
            "利用者証明用電子証明書と一緒に、窓口で新しく発行できます（手数料は無料です）。",
            "It is issued anew together with the user-authentication certificate, free of charge.",
        )
    return Text(
        "利用者証明用電子証明書と一緒に、窓口で更新できます（手数料は無料です）。",
        "It is renewed together with the user-authentication certificate, free of charge.",
    )


def smartphone_pin_action(m: Municipality) -> Text:
    """PIN problems of a smartphone certificate are not handled at the card counter."""
    dial = m.free_dial
    return Text(
        "スマートフォン用電子証明書の暗証番号は、マイナンバーカードの暗証番号とは別のもので、"
        "再設定の手続きも異なります。デジタル庁のホームページ、または"
        f"{dial.name.ja}（{dial.phone}）でご確認ください。",
        "The PINs of a smartphone certificate are separate from the card's and are reset "
        f"differently: see the Digital Agency's website or call the {dial.name.en} "
        f"({dial.phone}).",
    )


def pins_ok(counts: list[tuple[PinKind, int, int]]) -> Text:
    """No PIN blocked or on its last try; *counts* are (kind, remaining, max)."""
    ja = "、".join(f"{_PIN_SHORT[k].ja} {left}/{top}回" for k, left, top in counts)
    en = ", ".join(f"{_PIN_SHORT[k].en} {left}/{top}" for k, left, top in counts)
    text = Text(
        f"暗証番号はいずれもロックされていません（残り回数: {ja}）。",
        f"No PIN is blocked (tries left: {en}).",
    )
    if any(left < top for _, left, top in counts):
        text += Text(
            "正しい暗証番号を入力すると、残り回数は元に戻ります。",
            "A correct entry restores the full count.",
        )
    return text


# -- rules and general notes -------------------------------------------------------------------


_SUBJECTS = (
    ("card_", Text("マイナンバーカードの有効期限", "the card's expiry")),
    ("auth_cert_", Text("利用者証明用電子証明書", "the user-authentication certificate")),
    ("cert_expiry_", Text("利用者証明用電子証明書", "the user-authentication certificate")),
    ("sign_cert_", Text("署名用電子証明書", "the signature certificate")),
)


def finding_subject(code: FindingCode) -> Text:
    """What a finding is about, for the list of unconfirmed values."""
    for prefix, subject in _SUBJECTS:
        if code.value.startswith(prefix):
            return subject
    return Text(code.value, code.value)


def unconfirmed_rule(items: list[tuple[Text, Text]]) -> tuple[Text, Text]:
    """Values resting on readings of the rules the public texts leave open.

    :param items: (what was decided, which findings it affects).
    """
    ja = "／".join(f"{decision.ja}（対象: {affected.ja}）" for decision, affected in items)
    en = "; ".join(f"{decision.en} (affects {affected.en})" for decision, affected in items)
    return (
        Text(
            f"※印の内容は、公表資料で確定していない解釈に基づいています: {ja}。",
            f"Values marked (unconfirmed) rest on readings the public texts leave open: {en}.",
        ),
        Text(
            "※印の日付は、住民の方にお伝えする前にJ-LISの案内などで確認してください。",
            "Check the marked values with J-LIS guidance before telling the resident.",
        ),
    )


def notes(m: Municipality) -> tuple[Text, ...]:
    """What every report ends with: a lost card, fees, and whom to call."""
    dial, centre = m.free_dial, m.call_centre
    fee, lighter = m.reissue_fee_yen, m.reissue_fee_without_certificates_yen
    return (
        Text(
            f"カードを紛失したときは、すぐに{dial.name.ja}（{dial.phone}、一時停止は24時間受付）"
            "に連絡してカードの機能を一時停止し、警察に遺失物届を出してください。"
            f"見つからない場合の再交付は有料です（{fee:,}円、電子証明書が不要な場合は"
            f"{lighter:,}円）。",
            f"If the card is lost, call the {dial.name.en} ({dial.phone}; suspension 24 hours a "
            "day) at once to suspend it, and report the loss to the police. Re-issue costs "
            f"{fee:,} yen ({lighter:,} yen without certificates).",
        ),
        Text(
            f"お問い合わせは{centre.name.ja}（{centre.phone}）へ。"
            f"受付時間は{centre.hours.ja}です。",
            f"Questions: {centre.name.en}, {centre.phone}, {centre.hours.en}.",
        ),
        Text(
            f"窓口: {m.counter.ja}（{m.location.ja}、{m.address.ja}）。"
            f"受付時間は{m.counter_hours.ja}です。",
            f"Counter: {m.counter.en}, {m.location.en}, {m.address.en}; open {m.counter_hours.en}.",
        ),
    )
