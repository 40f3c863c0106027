"""CertificateInfo: the real production certificate, the J-LIS roots, simulated and hand-made
certificates, and every way a certificate can be broken."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from jpki.certificate import (
    AUTH_POLICY_OID,
    JST,
    SIGN_POLICY_OID,
    TEST_SIGN_POLICY_OID,
    CertificateInfo,
    Era,
    IssuerClass,
    Sex,
    certificate_der_from_ef,
    load_certificate_file,
    load_certificates,
)
from jpki.errors import CertificateError, JpkiError
from jpki.ids import CertKind
from sim.factory import pki
from tests.jpki.names import AUTH_OU, SIGN_OU, jpki_name

PRODUCTION_SUBJECT = "CN=840444E37PAFHN08220003A,C=JP"
AUTH_CA_NAME = (
    "OU=Japan Agency for Local Authority Information Systems,"
    "OU=JPKI for user authentication,O=JPKI,C=JP"
)
SIGN_CA_NAME = (
    "OU=Japan Agency for Local Authority Information Systems,"
    "OU=JPKI for digital signature,O=JPKI,C=JP"
)
BASE_KEYS = {
    "kind",
    "issuer_class",
    "subject",
    "issuer",
    "serial",
    "not_before",
    "not_after",
    "expiry_date",
    "policies",
    "key_usage",
    "is_ca",
    "sha256_fingerprint",
}

MakeCert = Callable[..., Any]
HolderNames = Callable[..., list[tuple[str, bytes]]]


@pytest.fixture(scope="module")
def production(production_auth_pem: Path) -> CertificateInfo:
    return load_certificate_file(production_auth_pem)


# --- the real production user-authentication certificate -------------------------------------


def test_production_auth_certificate(production: CertificateInfo) -> None:
    assert len(production.der) == 1573
    assert production.kind is CertKind.AUTH
    assert production.issuer_class is IssuerClass.PRODUCTION
    assert production.issuer_class.is_production
    assert production.subject == PRODUCTION_SUBJECT
    assert production.issuer == AUTH_CA_NAME
    assert production.serial == "012D57CA"
    assert production.not_before == datetime(2019, 7, 25, 15, 28, 6, tzinfo=UTC)
    assert production.not_before.utcoffset() == timedelta(hours=9)
    assert production.not_after == datetime(2024, 5, 2, 23, 59, 59, tzinfo=JST)
    assert production.expiry_date == date(2024, 5, 2)
    assert production.key_usage == ("digitalSignature",)
    assert production.policies == (AUTH_POLICY_OID,)
    assert production.is_ca is False
    assert production.holder is None
    assert production.sha256_fingerprint == (
        "449ef3f93be0c5425330af2b41c63769190aa75a713223d96839f6537104007e"
    )


def test_days_left_counts_jst_calendar_days(production: CertificateInfo) -> None:
    assert production.days_left(date(2024, 5, 2)) == 0  # the last valid day
    assert production.days_left(date(2024, 5, 3)) == -1
    assert production.days_left(date(2024, 4, 30)) == 2
    assert production.days_left(date(2026, 11, 22)) < -900
    # 2024-05-02T15:30Z is already 2024-05-03 in Japan.
    assert production.days_left(datetime(2024, 5, 2, 15, 30, tzinfo=UTC)) == -1


def test_production_json(production: CertificateInfo) -> None:
    data = production.to_json()
    assert set(data) == BASE_KEYS
    assert data["kind"] == "auth"
    assert data["issuer_class"] == "production"
    assert data["serial"] == "012D57CA"
    assert data["not_before"] == "2019-07-26T00:28:06+09:00"
    assert data["not_after"] == "2024-05-02T23:59:59+09:00"
    assert data["expiry_date"] == "2024-05-02"
    assert data["policies"] == [AUTH_POLICY_OID]
    assert data["key_usage"] == ["digitalSignature"]
    json.dumps(data)  # serialisable as is
    assert production.to_json() == data  # deterministic
    dated = production.to_json(today=date(2024, 5, 1))
    assert set(dated) == BASE_KEYS | {"days_left"}
    assert dated["days_left"] == 1


def test_der_pem_and_ef_forms_agree(production: CertificateInfo, tmp_path: Path) -> None:
    der_file = tmp_path / "auth.cer"
    der_file.write_bytes(production.der)
    assert load_certificate_file(der_file) == production
    assert CertificateInfo.from_der(production.der) == production
    assert CertificateInfo.from_der(bytearray(production.der)) == production
    assert CertificateInfo.from_certificate(production.certificate) == production
    # An EF dump: the certificate then filler to the end of the file.
    ef = production.der + b"\xff" * 300
    ef_file = tmp_path / "ef000a.bin"
    ef_file.write_bytes(ef)
    assert load_certificate_file(ef_file) == production
    assert certificate_der_from_ef(ef) == production.der
    assert certificate_der_from_ef(production.der + b"\x00\x00") == production.der


def test_repr_is_short_and_has_no_der(production: CertificateInfo) -> None:
    text = repr(production)
    assert "012D57CA" in text
    assert production.der.hex() not in text


# --- the J-LIS roots ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "serial", "expiry"),
    [
        ("authca01", CertKind.AUTH_CA, "01", date(2025, 10, 19)),
        ("authca02", CertKind.AUTH_CA, "0133C349", date(2029, 9, 14)),
        ("authca03", CertKind.AUTH_CA, "06D18006", date(2033, 7, 15)),
        ("signca01", CertKind.SIGN_CA, "01", date(2025, 10, 19)),
        ("signca02", CertKind.SIGN_CA, "0132C4AB", date(2029, 9, 14)),
        ("signca03", CertKind.SIGN_CA, "067C6A21", date(2033, 7, 15)),
    ],
)
def test_jlis_roots(
    jlis_ca_dir: Path, name: str, kind: CertKind, serial: str, expiry: date
) -> None:
    info = load_certificate_file(jlis_ca_dir / f"{name}.pem")
    assert info.kind is kind
    assert info.is_ca
    assert info.issuer_class is IssuerClass.PRODUCTION
    assert (
        info.subject == info.issuer == (AUTH_CA_NAME if kind is CertKind.AUTH_CA else SIGN_CA_NAME)
    )
    assert info.serial == serial
    assert info.expiry_date == expiry
    assert info.not_after.time().isoformat() == "23:59:59"
    assert "keyCertSign" in info.key_usage
    assert info.to_json()["kind"] == kind.value


# --- simulated and test-hierarchy signature certificates -------------------------------------


@pytest.mark.parametrize(
    ("certificate", "issuer_class", "policy"),
    [
        ("sim_sign_cert", IssuerClass.SIMULATED, SIGN_POLICY_OID),
        ("testorg_sign_cert", IssuerClass.TEST, TEST_SIGN_POLICY_OID),
    ],
)
def test_sign_certificate_of_each_hierarchy(
    request: pytest.FixtureRequest, certificate: str, issuer_class: IssuerClass, policy: str
) -> None:
    issued: pki.IssuedCertificate = request.getfixturevalue(certificate)
    info = CertificateInfo.from_der(issued.der)
    assert info.kind is CertKind.SIGN
    assert info.issuer_class is issuer_class
    assert not info.issuer_class.is_production
    assert info.key_usage == ("digitalSignature", "nonRepudiation")
    assert info.policies == (policy,)


def test_simulated_sign_certificate_holder(
    sim_sign_cert: pki.IssuedCertificate, sim_holder: pki.Holder
) -> None:
    info = CertificateInfo.from_der(sim_sign_cert.der)
    assert info.subject == "CN=SIMSIGN0001,L=Chiyoda-ku,L=Tokyo-to,C=JP"
    assert info.expiry_date == date(2030, 1, 2)
    holder = info.holder
    assert holder is not None
    assert holder.name == sim_holder.name
    assert holder.name_parts == ("山田", "花子")
    assert holder.name_substitutions == "00000"
    assert holder.sex is Sex.FEMALE
    assert holder.sex_code == "2"
    assert holder.birth_date == date(1990, 1, 2)
    assert holder.birth_era is Era.HEISEI
    assert holder.birth_date_code == "419900102"
    assert holder.address == sim_holder.address
    assert holder.address_substitutions == "0" * len(sim_holder.address)
    # Personal data stays out of repr (and so out of logs).
    assert sim_holder.name not in repr(info)


def test_sign_certificate_json(sim_sign_cert: pki.IssuedCertificate) -> None:
    data = CertificateInfo.from_der(sim_sign_cert.der).to_json(today=date(2029, 12, 31))
    assert set(data) == BASE_KEYS | {"holder", "days_left"}
    assert data["kind"] == "sign"
    assert data["issuer_class"] == "simulated"
    assert data["days_left"] == 2
    holder = data["holder"]
    assert isinstance(holder, dict)
    assert {"name", "sex", "birth_date", "address"} <= set(holder)
    assert holder["sex"] == "female"
    assert holder["birth_date"] == "1990-01-02"
    assert holder["birth_era"] == "heisei"
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_simulated_auth_certificate(sim_auth_cert: pki.IssuedCertificate) -> None:
    info = CertificateInfo.from_der(sim_auth_cert.der)
    assert info.kind is CertKind.AUTH
    assert info.issuer_class is IssuerClass.SIMULATED
    assert info.holder is None
    assert "holder" not in info.to_json()


def test_simulated_cas(sim_sign_ca: pki.SimulatedCa, sim_auth_ca: pki.SimulatedCa) -> None:
    assert CertificateInfo.from_der(sim_sign_ca.der).kind is CertKind.SIGN_CA
    assert CertificateInfo.from_der(sim_auth_ca.der).kind is CertKind.AUTH_CA
    assert CertificateInfo.from_der(sim_auth_ca.der).issuer_class is IssuerClass.SIMULATED


def test_test_hierarchy_ca(testorg_sign_ca: pki.SimulatedCa) -> None:
    assert CertificateInfo.from_der(testorg_sign_ca.der).issuer_class is IssuerClass.TEST


def test_test_policy_marks_test_even_under_a_production_name(make_cert: MakeCert) -> None:
    made = make_cert(issuer=jpki_name("JPKI", SIGN_OU), policies=[TEST_SIGN_POLICY_OID])
    info = CertificateInfo.from_der(made.der)
    assert info.issuer_class is IssuerClass.TEST
    assert info.kind is CertKind.SIGN
    # Without it the name alone claims production: only the chain check can prove it.
    made = make_cert(issuer=jpki_name("JPKI", SIGN_OU), policies=[SIGN_POLICY_OID])
    assert CertificateInfo.from_der(made.der).issuer_class is IssuerClass.PRODUCTION


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        (jpki_name("JPKI", AUTH_OU), IssuerClass.PRODUCTION),
        (jpki_name("JPKI-TEST", AUTH_OU), IssuerClass.TEST),
        (jpki_name("JPKI-SIM", AUTH_OU), IssuerClass.SIMULATED),
        (jpki_name("Example", AUTH_OU), IssuerClass.UNKNOWN),
        ([(NameOID.ORGANIZATION_NAME, "JPKI")], IssuerClass.UNKNOWN),  # no C=JP
        ([(NameOID.COMMON_NAME, "Edge CA")], IssuerClass.UNKNOWN),
    ],
)
def test_issuer_class(
    make_cert: MakeCert, issuer: list[tuple[x509.ObjectIdentifier, str]], expected: IssuerClass
) -> None:
    assert CertificateInfo.from_der(make_cert(issuer=issuer).der).issuer_class is expected


# --- kind detection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"policies": [AUTH_POLICY_OID]}, CertKind.AUTH),
        ({"policies": [SIGN_POLICY_OID]}, CertKind.SIGN),
        ({"policies": [TEST_SIGN_POLICY_OID]}, CertKind.SIGN),
        ({"issuer": jpki_name("JPKI", AUTH_OU)}, CertKind.AUTH),
        ({"issuer": jpki_name("JPKI", SIGN_OU)}, CertKind.SIGN),
        ({}, None),  # nothing says what it is
        ({"issuer": jpki_name("JPKI", SIGN_OU), "policies": [AUTH_POLICY_OID]}, None),
        ({"policies": [AUTH_POLICY_OID, SIGN_POLICY_OID]}, None),
        ({"ca": True, "subject": jpki_name("JPKI", AUTH_OU)}, CertKind.AUTH_CA),
        ({"ca": True, "subject": jpki_name("JPKI", SIGN_OU)}, CertKind.SIGN_CA),
        ({"ca": True}, None),  # a CA, but not a JPKI one
        ({"key_usage": {"key_cert_sign": True}, "subject": jpki_name("JPKI", SIGN_OU)}, "sign-ca"),
        ({"ca": False, "policies": [AUTH_POLICY_OID]}, CertKind.AUTH),
    ],
)
def test_kind(make_cert: MakeCert, options: dict[str, Any], expected: CertKind | None) -> None:
    info = CertificateInfo.from_der(make_cert(**options).der)
    assert info.kind == expected
    assert info.to_json()["kind"] == ("unknown" if expected is None else expected)


def test_holder_makes_a_sign_certificate(make_cert: MakeCert, holder_names: HolderNames) -> None:
    info = CertificateInfo.from_der(make_cert(other_names=holder_names()).der)
    assert info.kind is CertKind.SIGN
    made = make_cert(other_names=holder_names(), policies=[AUTH_POLICY_OID])
    assert CertificateInfo.from_der(made.der).kind is None  # contradicting hints


def test_key_usage_names(make_cert: MakeCert) -> None:
    made = make_cert(
        key_usage={
            "digital_signature": True,
            "key_encipherment": True,
            "data_encipherment": True,
            "key_agreement": True,
            "encipher_only": True,
            "crl_sign": True,
        }
    )
    assert CertificateInfo.from_der(made.der).key_usage == (
        "digitalSignature",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "cRLSign",
        "encipherOnly",
    )
    assert CertificateInfo.from_der(make_cert().der).key_usage == ()


def test_serial_hex_is_even_length(make_cert: MakeCert) -> None:
    assert CertificateInfo.from_der(make_cert(serial=0xABC).der).serial == "0ABC"
    assert CertificateInfo.from_der(make_cert(serial=0x80).der).serial == "80"


# --- holder decoding -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "expected"),
    [("1", Sex.MALE), ("2", Sex.FEMALE), ("3", Sex.UNKNOWN), ("7", Sex.UNKNOWN)],
)
def test_holder_sex_codes(
    make_cert: MakeCert, holder_names: HolderNames, sex: str, expected: Sex
) -> None:
    holder = CertificateInfo.from_der(make_cert(other_names=holder_names(sex=sex)).der).holder
    assert holder is not None
    assert holder.sex is expected
    assert holder.sex_code == sex


@pytest.mark.parametrize(
    ("code", "era", "day"),
    [
        ("319800217", Era.SHOWA, date(1980, 2, 17)),
        ("119000101", Era.MEIJI, date(1900, 1, 1)),
        ("219200101", Era.TAISHO, date(1920, 1, 1)),
        ("520200501", Era.REIWA, date(2020, 5, 1)),
        ("019700101", Era.UNKNOWN, date(1970, 1, 1)),
        ("019700000", Era.UNKNOWN, None),  # month and day unknown: not a calendar date
        ("419900230", Era.HEISEI, None),
    ],
)
def test_holder_birth_dates(
    make_cert: MakeCert, holder_names: HolderNames, code: str, era: Era, day: date | None
) -> None:
    holder = CertificateInfo.from_der(make_cert(other_names=holder_names(birth=code)).der).holder
    assert holder is not None
    assert holder.birth_era is era
    assert holder.birth_date == day
    assert holder.birth_date_code == code
    assert holder.to_json()["birth_date"] == (None if day is None else day.isoformat())


def test_holder_without_substitution_maps(make_cert: MakeCert, holder_names: HolderNames) -> None:
    made = make_cert(other_names=holder_names(name="一郎", drop=(2, 6)))
    holder = CertificateInfo.from_der(made.der).holder
    assert holder is not None
    assert holder.name_substitutions == holder.address_substitutions == ""
    assert holder.name_parts == ("一郎", "")


def test_unrelated_other_names_are_ignored(
    make_cert: MakeCert, utf8: Callable[[str], bytes]
) -> None:
    made = make_cert(other_names=[("1.2.3.4", utf8("x")), ("1.2.392.200149.8.5.5.9", utf8("y"))])
    assert CertificateInfo.from_der(made.der).holder is None


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"birth": "31980021"}, "nine digits"),
        ({"birth": "3198002170"}, "nine digits"),
        ({"birth": "X19800217"}, "nine digits"),
        ({"birth": "719800217"}, "era digit 7"),
        ({"drop": (5,)}, "lacks ADDRESS"),
        ({"drop": (1, 3)}, "lacks NAME, SEX"),
    ],
)
def test_broken_holder(
    make_cert: MakeCert, holder_names: HolderNames, kwargs: dict[str, Any], match: str
) -> None:
    made = make_cert(other_names=holder_names(**kwargs))
    with pytest.raises(CertificateError, match=match):
        CertificateInfo.from_der(made.der)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (b"\x02\x01\x05", "Integer, not a string"),
        (b"\x0c\x02\xff\xfe", "not valid text"),
    ],
)
def test_holder_values_that_are_not_text(
    make_cert: MakeCert, holder_names: HolderNames, value: bytes, match: str
) -> None:
    names = [(oid, value if oid.endswith(".5.5.1") else v) for oid, v in holder_names()]
    with pytest.raises(CertificateError, match=match):
        CertificateInfo.from_der(make_cert(other_names=names).der)


def test_duplicate_holder_attribute(make_cert: MakeCert, holder_names: HolderNames) -> None:
    names = holder_names()
    with pytest.raises(CertificateError, match="twice"):
        CertificateInfo.from_der(make_cert(other_names=[*names, names[0]]).der)


# --- broken input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00", b"garbage", b"\x30\x03\x02\x01\x01", b"\x30\x82\x06"],
)
def test_garbage_der(data: bytes) -> None:
    with pytest.raises(CertificateError):
        CertificateInfo.from_der(data)


def test_truncated_and_padded_der(production: CertificateInfo) -> None:
    for cut in (1, 2, 100, 1000, 1572):
        with pytest.raises(CertificateError, match="not a DER X.509 certificate"):
            CertificateInfo.from_der(production.der[:cut])
    # from_der is exact: use certificate_der_from_ef for EF contents.
    with pytest.raises(CertificateError):
        CertificateInfo.from_der(production.der + b"\xff")
    with pytest.raises(CertificateError, match="truncated"):
        certificate_der_from_ef(production.der[:1000])
    with pytest.raises(CertificateError, match="unexpected bytes"):
        certificate_der_from_ef(production.der + b"\xff\x01")
    with pytest.raises(CertificateError, match="tag 31"):
        certificate_der_from_ef(b"\x31" + production.der[1:])
    with pytest.raises(CertificateError, match="no certificate"):
        certificate_der_from_ef(b"\x30")


def test_flipped_byte_never_escapes(production: CertificateInfo) -> None:
    der = bytearray(production.der)
    der[5] ^= 0xFF  # inside the TBSCertificate header
    with pytest.raises(CertificateError):
        CertificateInfo.from_der(bytes(der))


def test_not_bytes() -> None:
    with pytest.raises(CertificateError, match="must be bytes"):
        CertificateInfo.from_der("30 82")  # type: ignore[arg-type]


def test_pem_with_bad_base64(production_auth_pem: Path, tmp_path: Path) -> None:
    text = production_auth_pem.read_text()
    lines = text.splitlines()
    lines[3] = "!!!" + lines[3][3:]
    broken = tmp_path / "broken.pem"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(CertificateError, match="broken.pem: not a readable PEM") as info:
        load_certificate_file(broken)
    assert isinstance(info.value, JpkiError)


def test_pem_with_truncated_body(production_auth_pem: Path, tmp_path: Path) -> None:
    lines = production_auth_pem.read_text().splitlines()
    short = tmp_path / "short.pem"
    short.write_text("\n".join([lines[0], *lines[1:5], lines[-1]]) + "\n")
    with pytest.raises(CertificateError, match="short.pem"):
        load_certificate_file(short)


def test_pem_holding_no_certificate(tmp_path: Path) -> None:
    body = base64.b64encode(b"\x30\x03\x02\x01\x01").decode()
    path = tmp_path / "key.pem"
    path.write_text(f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n")
    with pytest.raises(CertificateError):
        load_certificate_file(path)
    other = tmp_path / "other.pem"
    other.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(CertificateError):
        load_certificate_file(other)


def test_file_with_two_certificates(
    production_auth_pem: Path, jlis_ca_dir: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(
        production_auth_pem.read_bytes() + (jlis_ca_dir / "authca01.pem").read_bytes()
    )
    with pytest.raises(CertificateError, match="holds 2 certificates"):
        load_certificate_file(bundle)
    infos = load_certificates(bundle.read_bytes())
    assert [i.kind for i in infos] == [CertKind.AUTH, CertKind.AUTH_CA]


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match="cannot read"):
        load_certificate_file(tmp_path / "missing.pem")
    with pytest.raises(CertificateError, match="cannot read"):
        load_certificate_file(tmp_path)
    empty = tmp_path / "empty.cer"
    empty.write_bytes(b"")
    with pytest.raises(CertificateError, match="empty.cer"):
        load_certificate_file(empty)
    huge = tmp_path / "huge.cer"
    huge.write_bytes(b"\x30" * ((1 << 20) + 1))
    with pytest.raises(CertificateError, match="larger than"):
        load_certificate_file(huge)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=64))
def test_random_bytes_raise_only_certificate_error(data: bytes) -> None:
    with pytest.raises(CertificateError):
        CertificateInfo.from_der(data)
    with pytest.raises(CertificateError):
        load_certificates(data)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_mutated_production_certificate_never_leaks_foreign_errors(
    production: CertificateInfo, data: st.DataObject
) -> None:
    der = bytearray(production.der)
    index = data.draw(st.integers(min_value=0, max_value=len(der) - 1))
    der[index] = data.draw(st.integers(min_value=0, max_value=255))
    try:
        info = CertificateInfo.from_der(bytes(der))
    except CertificateError:
        return
    info.to_json()  # whatever parsed must also render


def test_certificate_built_from_parsed_object_round_trips(
    sim_sign_cert: pki.IssuedCertificate,
) -> None:
    info = CertificateInfo.from_certificate(sim_sign_cert.certificate)
    assert info.der == sim_sign_cert.certificate.public_bytes(Encoding.DER)
