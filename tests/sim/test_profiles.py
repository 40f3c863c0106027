"""Card profiles: every one builds fast, is consistent with the rules and with itself."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from jpki.mynumber import is_valid_my_number
from jpki.rules import JST, ExpiryInputs, ItemState, evaluate
from sim.carddata import AtrKind, CardData, SexCode, TokenName
from sim.chip.card import SimulatedCard
from sim.factory import profiles
from sim.factory.profiles import (
    DEFAULT_PIN,
    DEFAULT_SIGN_PASSWORD,
    PROFILES,
    REFERENCE_DATE,
    CardSpec,
    ProfileError,
    UnknownProfileError,
    build_card_data,
    card_data_from_spec,
    card_spec,
)

D = date.fromisoformat
SELECT_JPKI = "00A4040C0AD392F000260100000001"
SELECT_CARD_INFO = "00A4040C0AD3921000310001010408"
SELECT_COMMON = "00A4040C0AD3921000310001010100"
HOLDER_OID = "1.2.392.200149.8.5.5."

# Known answers on 2026-11-22: card expiry, auth cert expiry, sign cert expiry (None: absent).
EXPECTED: dict[str, tuple[str, str, str | None]] = {
    "adult": ("2034-04-12", "2029-04-12", "2029-04-12"),
    "new-atr": ("2034-04-12", "2029-04-12", "2029-04-12"),
    "old-atr": ("2034-04-12", "2029-04-12", "2029-04-12"),
    "android": ("2034-04-12", "2029-04-12", "2029-04-12"),
    "under15": ("2028-08-20", "2028-08-20", None),
    "minor": ("2030-02-14", "2030-02-14", "2030-02-14"),
    "foreign-resident": ("2028-03-31", "2028-03-31", "2028-03-31"),
    "face-auth": ("2033-11-03", "2028-11-03", None),
    "blocked": ("2032-12-01", "2027-12-01", "2027-12-01"),
    "expired": ("2029-08-08", "2024-08-08", "2024-08-08"),
    "renewable": ("2032-01-15", "2027-01-15", "2027-01-15"),
    "juki-card": ("2025-06-01", "2018-06-01", "2018-06-01"),
}
RULES_PROFILES = [name for name in PROFILES if name != "juki-card"]  # pre-2016: explicit dates


def send(card: SimulatedCard, command: str) -> bytes:
    return card.process(bytes.fromhex(command.replace(" ", "")))


def powered(data: CardData) -> SimulatedCard:
    card = SimulatedCard(data)
    card.power_on()
    return card


def certificate(der: bytes | None) -> x509.Certificate:
    assert der is not None
    return x509.load_der_x509_certificate(der)


def jst_date(moment: datetime) -> date:
    return moment.astimezone(JST).date()


def holder_fields(cert: x509.Certificate) -> dict[str, str]:
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    fields = {}
    for other in names.get_values_for_type(x509.OtherName):
        oid = other.type_id.dotted_string
        assert oid.startswith(HOLDER_OID)
        fields[oid.removeprefix(HOLDER_OID)] = core.UTF8String.load(other.value).native
    return fields


def test_profile_names_and_descriptions() -> None:
    assert list(PROFILES)[0] == "adult"
    assert set(EXPECTED) == set(PROFILES)
    for name, profile in PROFILES.items():
        assert profile.name == name
        assert profile.description_en and "\n" not in profile.description_en
        assert profile.description_ja and "\n" not in profile.description_ja


@pytest.mark.parametrize("name", list(PROFILES))
def test_certificate_dates_are_the_known_answers(name: str) -> None:
    data = build_card_data(name)
    card, auth, sign = EXPECTED[name]
    assert data.card_expiry == D(card)
    auth_cert = certificate(data.auth_certificate)
    assert auth_cert.not_valid_after_utc == datetime.combine(D(auth), time(14, 59, 59), UTC)
    if sign is None:
        assert data.sign_certificate is None
        assert data.sign_key is None
        assert data.availability_bytes == bytes.fromhex("008F00")
    else:
        sign_cert = certificate(data.sign_certificate)
        assert sign_cert.not_valid_after_utc == datetime.combine(D(sign), time(14, 59, 59), UTC)
        assert data.sign_key == profiles.SIGN_KEY_INDEX
        assert data.availability_bytes == bytes.fromhex("8F8F00")
    assert data.auth_key == profiles.AUTH_KEY_INDEX
    assert data.card_info_key == profiles.CARD_INFO_KEY_INDEX


@pytest.mark.parametrize("name", RULES_PROFILES)
def test_dates_agree_with_the_rules_engine(name: str) -> None:
    """Re-derive the expiries from what the card itself shows (issue instants, birth date)."""
    spec = PROFILES[name].spec
    data = build_card_data(name)
    auth = certificate(data.auth_certificate)
    sign = None if data.sign_certificate is None else certificate(data.sign_certificate)
    # notBefore is the issue instant, 10:00 JST on the issue day.
    assert auth.not_valid_before_utc.astimezone(JST).time() == time(10, 0)
    inputs = ExpiryInputs(
        birth=data.holder.birth_date,
        card_issued=spec.card_issued,
        auth_cert_issued=jst_date(auth.not_valid_before_utc),
        sign_cert_issued=None if sign is None else jst_date(sign.not_valid_before_utc),
        application_received=spec.application_received,
        residence_until=spec.residence_until,
        face_auth=spec.face_auth,
    )
    report = evaluate(inputs, REFERENCE_DATE)
    assert data.card_expiry == report.card.expiry_date
    assert jst_date(auth.not_valid_after_utc) == report.auth_cert.expiry_date
    assert auth.not_valid_after_utc.time() == time(14, 59, 59)
    if sign is None:
        assert report.sign_cert.expiry_date is None
    else:
        assert jst_date(sign.not_valid_after_utc) == report.sign_cert.expiry_date


@pytest.mark.parametrize("name", list(PROFILES))
def test_the_chip_shows_what_the_profile_says(name: str) -> None:
    data = build_card_data(name)
    card = powered(data)
    assert card.atr == data.atr.atr
    assert send(card, SELECT_JPKI) == b"\x90\x00"
    assert send(card, "00B0880003") == data.availability_bytes + b"\x90\x00"
    token = send(card, "00B0860020")
    assert token[:32].rstrip(b" ").decode() == data.token_name
    assert send(card, SELECT_COMMON) == b"\x90\x00"
    record = send(card, "00B2010C00")
    assert record[-2:] == b"\x90\x00"
    digits = record[2:-2].decode("ascii")
    assert digits == data.card_serial + data.municipality_code + f"{data.card_expiry:%Y%m%d}"
    assert is_valid_my_number(data.my_number)
    assert card.internal_errors == 0


@pytest.mark.parametrize("name", [n for n in PROFILES if EXPECTED[n][2] is not None])
def test_sign_certificate_names_the_holder(name: str) -> None:
    data = build_card_data(name)
    fields = holder_fields(certificate(data.sign_certificate))
    holder = data.holder
    assert fields["1"] == holder.name
    assert fields["3"] == {SexCode.MALE: "1", SexCode.FEMALE: "2"}.get(holder.sex, "3")
    assert fields["4"][1:] == f"{holder.birth_date:%Y%m%d}"
    assert fields["5"] == holder.address


def test_states_on_the_reference_day() -> None:
    def states(name: str) -> tuple[ItemState, ItemState, ItemState]:
        report = evaluate(PROFILES[name].spec.expiry_inputs(), REFERENCE_DATE)
        return (report.card.state.value, report.auth_cert.state.value, report.sign_cert.state.value)

    valid, renewable, expired = ItemState.VALID, ItemState.RENEWABLE, ItemState.EXPIRED
    assert states("adult") == (valid, valid, valid)
    assert states("expired") == (valid, expired, expired)
    assert states("renewable") == (valid, renewable, renewable)
    assert states("under15")[2] is ItemState.NOT_ISSUED
    assert states("face-auth")[2] is ItemState.NOT_ISSUED
    report = evaluate(PROFILES["renewable"].spec.expiry_inputs(), REFERENCE_DATE)
    assert report.auth_cert.renewal_from is not None
    assert report.auth_cert.renewal_from.value == D("2026-10-16")


@pytest.mark.parametrize("today", [D("2026-11-22"), D("2027-03-01"), D("2031-07-31")])
def test_another_today_keeps_each_story(today: date) -> None:
    def report(name: str) -> tuple[ItemState, ItemState]:
        result = evaluate(card_spec(name, today=today).expiry_inputs(), today)
        return result.card.state.value, result.auth_cert.state.value

    assert report("adult") == (ItemState.VALID, ItemState.VALID)
    assert report("renewable") == (ItemState.VALID, ItemState.RENEWABLE)
    assert report("expired") == (ItemState.VALID, ItemState.EXPIRED)
    minor = card_spec("minor", today=today).holder.birth_date
    assert 15 <= (today - minor).days // 365.25 <= 17
    data = build_card_data("renewable", today=today)
    # Every date moves by the same number of days (expiries follow the moved birthday).
    assert data.holder.birth_date == D("1982-01-15") + (today - REFERENCE_DATE)


def test_adult_defaults() -> None:
    data = build_card_data()
    assert data == build_card_data("adult")
    assert data.atr is AtrKind.NEW
    assert data.token_name == TokenName.MY_NUMBER_CARD.value
    assert not data.smartphone_token
    assert not data.clear_verified_on_select  # real cards keep verified PINs across SELECT
    assert data.basic_info_long_form  # production cards: FF 20 82 HH LL
    assert data.auth_pin.value == data.card_info_pin.value == data.juki_pin.value == DEFAULT_PIN
    assert data.sign_password.value == DEFAULT_SIGN_PASSWORD
    assert all(
        pin.tries_left is None
        for pin in (data.auth_pin, data.sign_password, data.card_info_pin, data.juki_pin)
    )
    assert data.holder.name == "番号\u3000太郎"
    assert data.holder.birth_date == D("1985-04-12")


def test_atr_and_token_variants() -> None:
    adult = build_card_data("adult")
    assert build_card_data("new-atr") == adult
    assert build_card_data("old-atr") == replace(adult, atr=AtrKind.OLD)
    android = build_card_data("android")
    assert android.token_name == "JPKIAPGPSETOKEN"
    assert android.smartphone_token
    juki = build_card_data("juki-card")
    assert juki.token_name == "JPKIAPICCTOKEN"
    assert juki.atr is AtrKind.OLD


def test_android_auth_certificate_needs_the_auth_pin() -> None:
    card = powered(build_card_data("android"))
    send(card, SELECT_JPKI)
    assert send(card, "00B08A0004")[-2:] == b"\x69\x82"
    assert send(card, "002000980431323334") == b"\x90\x00"
    assert send(card, "00B08A0004")[-2:] == b"\x90\x00"


def test_blocked_profile_counters() -> None:
    data = build_card_data("blocked")
    assert data.auth_pin.tries_left == 1
    assert data.sign_password.tries_left == 0
    card = powered(data)
    send(card, SELECT_JPKI)
    assert send(card, "00200098") == b"\x63\xc1"
    assert send(card, "0020009B") == b"\x63\xc0"
    assert send(card, "0020009B08 4142434431323334") == b"\x69\x84"


def test_face_auth_has_no_pin_known_to_the_holder() -> None:
    data = build_card_data("face-auth")
    assert data.sign_certificate is None
    assert data.sign_key is None
    values = (data.auth_pin.value, data.card_info_pin.value, data.juki_pin.value)
    assert DEFAULT_PIN not in values
    assert all(len(value) == 4 and value.isdigit() for value in values)
    assert data.sign_password.value != DEFAULT_SIGN_PASSWORD
    card = powered(data)
    send(card, SELECT_JPKI)
    assert send(card, "002000980431323334") == b"\x63\xc2"
    # Set explicitly, a face-auth card takes the given value.
    assert build_card_data("face-auth", auth_pin="2468").auth_pin.value == "2468"


def test_holder_overrides_reach_text_ap_and_sign_certificate() -> None:
    data = build_card_data(
        "adult",
        name="試験\u3000花子",
        address="大阪府大阪市北区試験町１－１",
        prefecture="Osaka-fu",
        municipality="Osaka-shi Kita-ku",
        municipality_code="27127",
        birth_date=D("1990-01-02"),
        sex=SexCode.FEMALE,
        my_number="123456789018",
        card_issued=D("2025-05-01"),
    )
    card = powered(data)
    assert send(card, SELECT_CARD_INFO) == b"\x90\x00"
    assert send(card, "002000910431323334") == b"\x90\x00"
    basic = send(card, "00B0820000")
    assert basic[-2:] == b"\x90\x00"
    for expected in ("試験\u3000花子", "大阪府大阪市北区試験町１－１", "19900102"):
        assert expected.encode() in basic
    assert b"\xdf\x25\x01\x32" in basic  # sex 2
    assert b"123456789018" in send(card, "00B0810000")
    sign = certificate(data.sign_certificate)
    fields = holder_fields(sign)
    assert fields["1"] == "試験\u3000花子"
    assert fields["3"] == "2"
    assert fields["4"] == "419900102"
    assert fields["5"] == "大阪府大阪市北区試験町１－１"
    localities = [
        attr.value for attr in sign.subject.get_attributes_for_oid(x509.NameOID.LOCALITY_NAME)
    ]
    assert localities == ["Osaka-fu", "Osaka-shi Kita-ku"]
    # Issued 2025-05-01 at 35: 10th / 5th birthday after the issue date.
    assert data.card_expiry == D("2035-01-02")
    assert jst_date(sign.not_valid_after_utc) == D("2030-01-02")
    assert data.municipality_code == "27127"


def test_derived_my_number_follows_the_holder() -> None:
    first = build_card_data("adult")
    other = build_card_data("adult", name="試験\u3000花子")
    assert is_valid_my_number(other.my_number)
    assert other.my_number != first.my_number
    assert other.card_serial != first.card_serial


def test_pin_overrides_and_their_checks() -> None:
    data = build_card_data("adult", auth_pin="9876", sign_password="ZX98CV76", juki_pin_tries=2)
    assert data.auth_pin.value == "9876"
    assert data.sign_password.value == "ZX98CV76"
    assert data.juki_pin.tries_left == 2
    assert build_card_data("adult", auth_pin_tries=3).auth_pin.tries_left is None
    bad_pins: list[dict[str, Any]] = [
        {"auth_pin": "12345"},
        {"sign_password": "abcd1234"},
        {"card_info_pin": "12a4"},
    ]
    for bad in bad_pins:
        with pytest.raises(ProfileError) as caught:
            build_card_data("adult", **bad)
        assert next(iter(bad.values())) not in str(caught.value)
    with pytest.raises(ProfileError, match="0-5"):
        build_card_data("adult", sign_password_tries=6)
    assert "9876" not in repr(card_spec("adult", auth_pin="9876"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"colour": "red"}, "unknown card setting"),
        ({"name": "番号太郎"}, "U\\+3000"),
        ({"my_number": "123456789012"}, "check digit"),
        ({"birth_date": D("2025-01-01")}, "do not follow the rules"),
        ({"card_issued": D("2010-01-01")}, "do not follow the rules"),
        ({"face_auth": True, "sign_cert_issued": D("2024-06-03")}, "face-auth"),
        ({"card_serial": "123"}, "15 ASCII digits"),
    ],
)
def test_bad_overrides_are_profile_errors(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        build_card_data("adult", **overrides)


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(UnknownProfileError) as caught:
        build_card_data("pensioner")
    assert caught.value.known == tuple(PROFILES)
    for name in PROFILES:
        assert name in str(caught.value)


def test_face_auth_override_drops_the_signature_certificate() -> None:
    data = build_card_data("adult", face_auth=True)
    assert data.sign_certificate is None
    assert data.availability_bytes == bytes.fromhex("008F00")


def test_residence_override_caps_everything() -> None:
    data = build_card_data("adult", residence_until=D("2027-06-30"))
    assert data.card_expiry == D("2027-06-30")
    for der in (data.auth_certificate, data.sign_certificate):
        assert jst_date(certificate(der).not_valid_after_utc) == D("2027-06-30")


def test_specs_are_hashable_and_builds_are_cached() -> None:
    spec = card_spec("minor")
    assert hash(spec) == hash(card_spec("minor"))
    assert card_data_from_spec(spec) is card_data_from_spec(card_spec("minor"))


def test_builds_are_deterministic_and_need_no_key_generation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = {name: build_card_data(name) for name in PROFILES}

    def refuse(*args: object, **kwargs: object) -> rsa.RSAPrivateKey:
        raise AssertionError("a profile generated a key")

    monkeypatch.setattr(rsa, "generate_private_key", refuse)
    card_data_from_spec.cache_clear()
    after = {name: build_card_data(name) for name in PROFILES}
    assert after == before


def test_shifted_moves_every_date() -> None:
    spec: CardSpec = PROFILES["juki-card"].spec
    moved = spec.shifted(timedelta(days=10))
    assert moved.card_issued == spec.card_issued + timedelta(days=10)
    assert moved.card_expiry == D("2025-06-11")
    assert moved.holder.birth_date == D("1960-05-15")
    assert moved.holder.name == spec.holder.name
