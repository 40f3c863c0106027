"""Tests for the simulated JPKI CAs, their certificates, the test keys and the era codes."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import core as asn1_core
from asn1crypto import parser as asn1_parser
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    ExtensionOID,
    NameOID,
    SignatureAlgorithmOID,
)
from hypothesis import given
from hypothesis import strategies as st

from jpki.certificate import CertificateInfo, Era
from sim.factory import pki, testkeys
from sim.factory.pki import era_birth_date, era_of
from sim.factory.testkeys import regenerate
from tests.holders import HANAKO

JST = timezone(timedelta(hours=9))
ISSUED_AT = datetime(2024, 4, 1, 10, 30, 15, 123456, tzinfo=JST)
EXPIRES_ON = date(2029, 5, 2)
AUTH_ID = "840444E37SIMAAAA0000001A"
SIGN_ID = "2024040110301500001SIM000001"
# Inside every certificate issued with ISSUED_AT / EXPIRES_ON: 2025-01-01T00:00:00Z.
VERIFY_AT = 1735689600

HOLDER = HANAKO


def _issue(
    issue: Callable[..., pki.IssuedCertificate],
    ca: pki.SimulatedCa,
    key_index: int,
    **settings: Any,
) -> pki.IssuedCertificate:
    """*issue* a certificate valid from ISSUED_AT to EXPIRES_ON unless *settings* say otherwise;
    the key is test key *key_index* unless a ``key`` is given."""
    args: dict[str, Any] = {"issued_at": ISSUED_AT, "expires_on": EXPIRES_ON, **settings}
    key = args.pop("key", testkeys.pool_key(key_index))
    return issue(ca, key, **args)


def _auth(ca: pki.SimulatedCa, **overrides: Any) -> pki.IssuedCertificate:
    settings = {"subject_id": AUTH_ID, **overrides}
    return _issue(pki.issue_auth_certificate, ca, 0, **settings)


def _sign(ca: pki.SimulatedCa, **overrides: Any) -> pki.IssuedCertificate:
    settings = {"holder": HOLDER, "subject_id": SIGN_ID, **overrides}
    return _issue(pki.issue_sign_certificate, ca, 1, **settings)


def _extension_profile(cert: x509.Certificate) -> list[tuple[x509.ObjectIdentifier, bool]]:
    return [(ext.oid, ext.critical) for ext in cert.extensions]


def _name_types(der: bytes, field: str) -> list[tuple[str, str, str]]:
    name = asn1_x509.Certificate.load(der)["tbs_certificate"][field]
    return [
        (atv["type"].dotted, type(atv["value"].chosen).__name__, atv["value"].native)
        for rdn in name.chosen
        for atv in rdn
    ]


def _assert_long_form_der(der: bytes) -> None:
    assert der[:2] == b"\x30\x82"
    assert int.from_bytes(der[2:4], "big") + 4 == len(der)


# --- test keys ---------------------------------------------------------------------------------


def test_every_test_key_is_rsa_2048_with_e_65537_and_distinct() -> None:
    keys = [testkeys.ca_key(kind) for kind in testkeys.CA_KINDS]
    keys += [testkeys.pool_key(i) for i in range(testkeys.POOL_SIZE)]
    assert len(keys) == 2 + 16
    moduli = set()
    for key in keys:
        assert key.key_size == 2048
        assert key.public_key().public_numbers().e == 65537
        # Loading skips the slow consistency check, so prove every key still works.
        signature = key.sign(b"probe", padding.PKCS1v15(), hashes.SHA256())
        key.public_key().verify(signature, b"probe", padding.PKCS1v15(), hashes.SHA256())
        moduli.add(key.public_key().public_numbers().n)
    assert len(moduli) == len(keys)


def test_loaded_keys_are_cached() -> None:
    assert testkeys.pool_key(3) is testkeys.pool_key(3)
    assert testkeys.ca_key("sign") is testkeys.ca_key(pki.CaKind.SIGN)


@pytest.mark.parametrize("index", [-1, 16, 17, 100, True])
def test_pool_key_index_out_of_range_is_rejected(index: int) -> None:
    with pytest.raises(ValueError, match="outside 0..15"):
        testkeys.pool_key(index)


@pytest.mark.parametrize("kind", ["", "AUTH", "root", "pool"])
def test_unknown_ca_key_kind_is_rejected(kind: str) -> None:
    with pytest.raises(ValueError, match="unknown CA key kind"):
        testkeys.ca_key(kind)


def test_key_files_are_unencrypted_pkcs8_pem_with_a_warning_readme() -> None:
    folder = Path(testkeys.__file__).parent
    names = regenerate.key_filenames()
    assert names[:2] == ["TEST-KEY-auth-ca.pem", "TEST-KEY-sign-ca.pem"]
    assert names[2] == "TEST-KEY-pool-00.pem" and names[-1] == "TEST-KEY-pool-15.pem"
    assert sorted(p.name for p in folder.glob("*.pem")) == sorted(names)
    for name in names:
        assert (folder / name).read_text("ascii").startswith("-----BEGIN PRIVATE KEY-----\n")
    readme = (folder / "README.txt").read_text("utf-8")
    assert "never" in readme.lower() and "trust" in readme.lower()


def test_regenerate_refuses_to_overwrite_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_keygen(*args: object, **kwargs: object) -> rsa.RSAPrivateKey:
        raise AssertionError("a key was generated")

    monkeypatch.setattr(rsa, "generate_private_key", no_keygen)
    (tmp_path / "TEST-KEY-pool-07.pem").write_text("keep me")
    with pytest.raises(FileExistsError):
        regenerate.regenerate(tmp_path)
    assert (tmp_path / "TEST-KEY-pool-07.pem").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["TEST-KEY-pool-07.pem"]


def test_building_a_card_pki_never_generates_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_keygen(*args: object, **kwargs: object) -> rsa.RSAPrivateKey:
        raise AssertionError("a key was generated")

    monkeypatch.setattr(rsa, "generate_private_key", no_keygen)
    testkeys._load.cache_clear()  # force real loads from the package files
    auth_ca = pki.build_ca(pki.CaKind.AUTH)
    sign_ca = pki.build_ca(pki.CaKind.SIGN)
    _auth(auth_ca, key=testkeys.pool_key(4))
    _sign(sign_ca, key=testkeys.pool_key(5))


# --- CAs ---------------------------------------------------------------------------------------

CA_PROFILE = [
    (ExtensionOID.KEY_USAGE, True),
    (ExtensionOID.SUBJECT_ALTERNATIVE_NAME, False),
    (ExtensionOID.BASIC_CONSTRAINTS, True),
    (ExtensionOID.CRL_DISTRIBUTION_POINTS, False),
    (ExtensionOID.SUBJECT_KEY_IDENTIFIER, False),
]


@pytest.mark.parametrize(
    ("kind", "purpose"),
    [
        (pki.CaKind.AUTH, "JPKI for user authentication"),
        (pki.CaKind.SIGN, "JPKI for digital signature"),
    ],
)
def test_ca_mirrors_the_real_root_profile(kind: pki.CaKind, purpose: str) -> None:
    ca = pki.build_ca(kind)
    cert = ca.certificate
    assert ca.kind is kind and ca.organization == "JPKI-SIM"
    assert cert.subject == cert.issuer
    assert _name_types(ca.der, "subject") == [
        ("2.5.4.6", "PrintableString", "JP"),
        ("2.5.4.10", "UTF8String", "JPKI-SIM"),
        ("2.5.4.11", "UTF8String", purpose),
        ("2.5.4.11", "UTF8String", pki.AGENCY),
    ]
    assert cert.version is x509.Version.v3
    assert cert.signature_algorithm_oid == SignatureAlgorithmOID.RSA_WITH_SHA256
    assert _extension_profile(cert) == CA_PROFILE
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.key_cert_sign and ku.crl_sign and not ku.digital_signature
    bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert bc.ca and bc.path_length is None
    (alt,) = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert isinstance(alt, x509.DirectoryName)
    alt_org = alt.value.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert alt_org == "公的個人認証サービス（JPKI-SIM）"
    (dp,) = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert dp.full_name == [x509.DirectoryName(cert.subject)]
    ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert ski == x509.SubjectKeyIdentifier.from_public_key(cert.public_key())
    assert cert.not_valid_before_utc == pki.CA_NOT_BEFORE
    assert cert.not_valid_after_utc == pki.CA_NOT_AFTER
    assert cert.not_valid_after_utc.time().isoformat() == "14:59:59"
    assert cert.public_key() == testkeys.ca_key(kind.value).public_key()
    assert ca.private_key is testkeys.ca_key(kind.value)
    cert.verify_directly_issued_by(cert)
    _assert_long_form_der(ca.der)


def test_ca_is_reproducible() -> None:
    first = pki.build_ca(pki.CaKind.AUTH)
    second = pki.build_ca(pki.CaKind.AUTH)
    assert first.der == second.der
    assert first.certificate.serial_number == second.certificate.serial_number


def test_ca_repr_does_not_show_the_private_key(sim_auth_ca: pki.SimulatedCa) -> None:
    assert "private_key" not in repr(sim_auth_ca)


def test_test_organization_ca_shares_the_key_but_not_the_name(
    sim_auth_ca: pki.SimulatedCa, sim_sign_ca: pki.SimulatedCa
) -> None:
    test_auth = pki.build_ca(pki.CaKind.AUTH, organization=pki.TEST_ORGANIZATION)
    assert test_auth.organization == "JPKI-TEST"
    org = test_auth.certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    assert [a.value for a in org] == ["JPKI-TEST"]
    assert test_auth.certificate.public_key() == sim_auth_ca.certificate.public_key()
    assert test_auth.certificate.serial_number != sim_auth_ca.certificate.serial_number
    leaf = _auth(test_auth)
    leaf.certificate.verify_directly_issued_by(test_auth.certificate)
    with pytest.raises(ValueError):
        leaf.certificate.verify_directly_issued_by(sim_auth_ca.certificate)
    ocsp = leaf.certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    assert ocsp.value[0].access_location.value == "http://ocspauthnorm.jpki-test.invalid"

    test_sign = pki.build_ca(pki.CaKind.SIGN, organization=pki.TEST_ORGANIZATION)
    policies = _sign(test_sign).certificate.extensions.get_extension_for_class(
        x509.CertificatePolicies
    )
    assert policies.value[0].policy_identifier == pki.TEST_SIGN_POLICY_OID
    assert pki.TEST_SIGN_POLICY_OID.dotted_string == "1.2.392.200149.8.5.1.0.20"


@pytest.mark.parametrize("organization", ["JPKI", "", "   "])
def test_production_or_empty_organization_is_refused(organization: str) -> None:
    with pytest.raises(ValueError, match="organization"):
        pki.build_ca(pki.CaKind.AUTH, organization=organization)


# --- user-authentication certificate -----------------------------------------------------------

# Both end-entity certificates end with the same five non-critical extensions, in this order.
COMMON_TAIL = [
    (ExtensionOID.ISSUER_ALTERNATIVE_NAME, False),
    (ExtensionOID.CRL_DISTRIBUTION_POINTS, False),
    (ExtensionOID.AUTHORITY_INFORMATION_ACCESS, False),
    (ExtensionOID.AUTHORITY_KEY_IDENTIFIER, False),
    (ExtensionOID.SUBJECT_KEY_IDENTIFIER, False),
]

AUTH_PROFILE = [
    (ExtensionOID.KEY_USAGE, True),
    (ExtensionOID.EXTENDED_KEY_USAGE, False),
    (ExtensionOID.CERTIFICATE_POLICIES, True),
    *COMMON_TAIL,
]


def _check_aki_ski(leaf: x509.Certificate, ca: x509.Certificate) -> None:
    aki = leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ca_ski.digest
    assert aki.authority_cert_issuer == [x509.DirectoryName(ca.subject)]
    assert aki.authority_cert_serial_number == ca.serial_number
    ski = leaf.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert ski == x509.SubjectKeyIdentifier.from_public_key(leaf.public_key())


def _crl_dp_name(leaf: x509.Certificate) -> list[tuple[str, str, str]]:
    (dp,) = leaf.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert dp.relative_name is None and dp.crl_issuer is None and dp.reasons is None
    (full_name,) = dp.full_name or []
    assert isinstance(full_name, x509.DirectoryName)
    return [(a.oid.dotted_string, a.rfc4514_attribute_name, str(a.value)) for a in full_name.value]


def test_auth_certificate_follows_the_real_profile(sim_auth_ca: pki.SimulatedCa) -> None:
    issued = _auth(sim_auth_ca)
    cert = issued.certificate
    cert.verify_directly_issued_by(sim_auth_ca.certificate)
    assert issued.der == cert.public_bytes(serialization.Encoding.DER)
    assert issued.private_key is testkeys.pool_key(0)
    assert cert.public_key() == testkeys.pool_key(0).public_key()
    assert cert.signature_algorithm_oid == SignatureAlgorithmOID.RSA_WITH_SHA256
    assert cert.issuer == sim_auth_ca.certificate.subject
    assert _name_types(issued.der, "subject") == [
        ("2.5.4.6", "PrintableString", "JP"),
        ("2.5.4.3", "UTF8String", AUTH_ID),
    ]
    assert _extension_profile(cert) == AUTH_PROFILE
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and not ku.content_commitment and not ku.key_cert_sign
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    (policy,) = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert policy.policy_identifier.dotted_string == "1.2.392.200149.8.5.1.3.30"
    assert policy.policy_qualifiers == ["http://www.jpki-sim.invalid/cps.html"]
    assert _crl_dp_name(cert) == [
        ("2.5.4.6", "C", "JP"),
        ("2.5.4.10", "O", "JPKI-SIM"),
        ("2.5.4.11", "OU", "JPKI for user authentication"),
        ("2.5.4.11", "OU", "CRL Distribution Points"),
        ("2.5.4.11", "OU", "Tokyo-to"),
        ("2.5.4.3", "CN", "Chiyoda-ku CRLDP"),
    ]
    (ocsp,) = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert ocsp.access_method == AuthorityInformationAccessOID.OCSP
    assert ocsp.access_location.value == "http://ocspauthnorm.jpki-sim.invalid"
    (ian,) = cert.extensions.get_extension_for_class(x509.IssuerAlternativeName).value
    assert isinstance(ian, x509.DirectoryName)
    assert [a.value for a in ian.value] == ["JP", "公的個人認証サービス（JPKI-SIM）"]
    _check_aki_ski(cert, sim_auth_ca.certificate)
    _assert_long_form_der(issued.der)


def test_auth_certificate_crl_partition_can_be_chosen(sim_auth_ca: pki.SimulatedCa) -> None:
    cert = _auth(sim_auth_ca, crl_prefecture="Ibaraki-ken", crl_municipality="Tsukuba-shi")
    assert _crl_dp_name(cert.certificate)[-2:] == [
        ("2.5.4.11", "OU", "Ibaraki-ken"),
        ("2.5.4.3", "CN", "Tsukuba-shi CRLDP"),
    ]


def test_validity_is_issue_instant_to_145959z_on_the_expiry_date(
    sim_auth_ca: pki.SimulatedCa,
) -> None:
    cert = _auth(sim_auth_ca).certificate
    # 10:30:15.123456 JST is 01:30:15Z; X.509 keeps whole seconds.
    assert cert.not_valid_before_utc == datetime(2024, 4, 1, 1, 30, 15, tzinfo=UTC)
    assert cert.not_valid_after_utc == datetime(2029, 5, 2, 14, 59, 59, tzinfo=UTC)
    assert cert.not_valid_after_utc.astimezone(JST) == datetime(2029, 5, 2, 23, 59, 59, tzinfo=JST)
    assert pki.expiry_instant(date(2029, 5, 2)) == cert.not_valid_after_utc


def test_expiry_on_the_jst_issue_day_is_allowed_until_midnight_jst(
    sim_auth_ca: pki.SimulatedCa,
) -> None:
    late_evening = datetime(2024, 4, 1, 23, 59, 59, tzinfo=JST)
    cert = _auth(sim_auth_ca, issued_at=late_evening, expires_on=date(2024, 4, 1)).certificate
    assert cert.not_valid_before_utc == cert.not_valid_after_utc
    just_after_midnight = datetime(2024, 4, 2, 0, 0, 0, tzinfo=JST)
    with pytest.raises(ValueError, match="before notBefore"):
        _auth(sim_auth_ca, issued_at=just_after_midnight, expires_on=date(2024, 4, 1))


def test_certificates_are_reproducible(
    sim_auth_ca: pki.SimulatedCa, sim_sign_ca: pki.SimulatedCa
) -> None:
    assert _auth(sim_auth_ca).der == _auth(pki.build_ca(pki.CaKind.AUTH)).der
    assert _sign(sim_sign_ca).der == _sign(pki.build_ca(pki.CaKind.SIGN)).der


def test_serial_derives_from_the_inputs(sim_auth_ca: pki.SimulatedCa) -> None:
    base = _auth(sim_auth_ca).certificate.serial_number
    assert base > 0 and base.bit_length() <= 31
    variants = [
        _auth(sim_auth_ca, subject_id=AUTH_ID + "X"),
        _auth(sim_auth_ca, key=testkeys.pool_key(2)),
        _auth(sim_auth_ca, issued_at=ISSUED_AT + timedelta(seconds=1)),
        _auth(sim_auth_ca, expires_on=EXPIRES_ON - timedelta(days=1)),
    ]
    serials = {base} | {v.certificate.serial_number for v in variants}
    assert len(serials) == 5


def test_explicit_serial_is_used(
    sim_auth_ca: pki.SimulatedCa, sim_sign_ca: pki.SimulatedCa
) -> None:
    assert _auth(sim_auth_ca, serial=0x012D57CA).certificate.serial_number == 0x012D57CA
    assert _sign(sim_sign_ca, serial=2**158).certificate.serial_number == 2**158


@pytest.mark.parametrize("serial", [0, -1, 2**159, True])
def test_bad_serial_is_rejected(sim_auth_ca: pki.SimulatedCa, serial: int) -> None:
    with pytest.raises(ValueError, match="serial"):
        _auth(sim_auth_ca, serial=serial)


@pytest.mark.parametrize("subject_id", ["", "has space", "名前", "A" * 65, "tab\tid"])
def test_bad_subject_id_is_rejected(
    sim_auth_ca: pki.SimulatedCa, sim_sign_ca: pki.SimulatedCa, subject_id: str
) -> None:
    with pytest.raises(ValueError, match="subject_id"):
        _auth(sim_auth_ca, subject_id=subject_id)
    with pytest.raises(ValueError, match="subject_id"):
        _sign(sim_sign_ca, subject_id=subject_id)


def test_naive_issue_instant_is_rejected(sim_auth_ca: pki.SimulatedCa) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        _auth(sim_auth_ca, issued_at=datetime(2024, 4, 1, 10, 0, 0))


def test_expiry_before_issue_is_rejected(
    sim_auth_ca: pki.SimulatedCa, sim_sign_ca: pki.SimulatedCa
) -> None:
    with pytest.raises(ValueError, match="before notBefore"):
        _auth(sim_auth_ca, expires_on=date(2024, 3, 31))
    with pytest.raises(ValueError, match="before notBefore"):
        _sign(sim_sign_ca, expires_on=date(2020, 1, 1))


def test_validity_outside_the_ca_is_rejected(sim_auth_ca: pki.SimulatedCa) -> None:
    with pytest.raises(ValueError, match="within its CA"):
        _auth(sim_auth_ca, expires_on=date(2045, 1, 2))
    with pytest.raises(ValueError, match="within its CA"):
        _auth(sim_auth_ca, issued_at=datetime(2014, 12, 31, 23, 59, 59, tzinfo=UTC))


def test_wrong_time_types_are_rejected(sim_auth_ca: pki.SimulatedCa) -> None:
    with pytest.raises(TypeError, match="expires_on"):
        _auth(sim_auth_ca, expires_on=datetime(2029, 5, 2, tzinfo=UTC))
    with pytest.raises(TypeError, match="issued_at"):
        _auth(sim_auth_ca, issued_at=date(2024, 4, 1))


def test_non_rsa_key_is_rejected(
    sim_auth_ca: pki.SimulatedCa, sim_sign_ca: pki.SimulatedCa
) -> None:
    ec_key = ec.derive_private_key(1, ec.SECP256R1())
    with pytest.raises(TypeError, match="RSA"):
        _auth(sim_auth_ca, key=ec_key)
    with pytest.raises(TypeError, match="RSA"):
        _sign(sim_sign_ca, key=ec_key)


def test_certificate_needs_the_ca_of_its_kind(
    sim_auth_ca: pki.SimulatedCa, sim_sign_ca: pki.SimulatedCa
) -> None:
    with pytest.raises(ValueError, match="needs the auth CA"):
        _auth(sim_sign_ca)
    with pytest.raises(ValueError, match="needs the sign CA"):
        _sign(sim_auth_ca)


# --- signature certificate ---------------------------------------------------------------------

SIGN_PROFILE = [
    (ExtensionOID.KEY_USAGE, True),
    (ExtensionOID.CERTIFICATE_POLICIES, True),
    (ExtensionOID.SUBJECT_ALTERNATIVE_NAME, False),
    *COMMON_TAIL,
]


def _other_names(der: bytes) -> dict[str, str]:
    """Decode the subjectAltName otherNames with asn1crypto, independently of cryptography."""
    tbs = asn1_x509.Certificate.load(der)["tbs_certificate"]
    (san,) = [e for e in tbs["extensions"] if e["extn_id"].native == "subject_alt_name"]
    values: dict[str, str] = {}
    for general_name in san["extn_value"].parsed:
        assert general_name.name == "other_name"
        other = general_name.chosen
        # value is [0] EXPLICIT ANY: unwrap the context tag, then load the universal type.
        class_, method, tag, _header, contents, _trailer = asn1_parser.parse(
            other["value"].dump(), strict=True
        )
        assert (class_, method, tag) == (2, 1, 0)
        parsed = asn1_core.load(contents, strict=True)
        assert isinstance(parsed, asn1_core.UTF8String)
        assert parsed.dump(force=True) == contents  # canonical DER
        values[other["type_id"].dotted] = parsed.native
    return values


def test_sign_certificate_follows_the_profile(sim_sign_ca: pki.SimulatedCa) -> None:
    issued = _sign(sim_sign_ca)
    cert = issued.certificate
    cert.verify_directly_issued_by(sim_sign_ca.certificate)
    assert issued.private_key is testkeys.pool_key(1)
    assert _name_types(issued.der, "subject") == [
        ("2.5.4.6", "PrintableString", "JP"),
        ("2.5.4.7", "UTF8String", "Tokyo-to"),
        ("2.5.4.7", "UTF8String", "Chiyoda-ku"),
        ("2.5.4.3", "UTF8String", SIGN_ID),
    ]
    assert _extension_profile(cert) == SIGN_PROFILE
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment and not ku.key_cert_sign
    (policy,) = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert policy.policy_identifier.dotted_string == "1.2.392.200149.8.5.1.1.20"
    assert _crl_dp_name(cert)[2:] == [
        ("2.5.4.11", "OU", "JPKI for digital signature"),
        ("2.5.4.11", "OU", "CRL Distribution Points"),
        ("2.5.4.11", "OU", "Tokyo-to"),
        ("2.5.4.3", "CN", "Chiyoda-ku CRLDP"),
    ]
    (ocsp,) = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert ocsp.access_location.value == "http://ocspsignnorm.jpki-sim.invalid"
    _check_aki_ski(cert, sim_sign_ca.certificate)
    _assert_long_form_der(issued.der)


def test_sign_certificate_other_names_decode_to_the_holder(sim_sign_ca: pki.SimulatedCa) -> None:
    values = _other_names(_sign(sim_sign_ca).der)
    assert values == {
        "1.2.392.200149.8.5.5.1": "山田\u3000花子",
        "1.2.392.200149.8.5.5.2": "00000",
        "1.2.392.200149.8.5.5.3": "2",
        "1.2.392.200149.8.5.5.4": "319890107",
        "1.2.392.200149.8.5.5.5": "東京都千代田区千代田１丁目１番１号",
        "1.2.392.200149.8.5.5.6": "0" * 17,
    }
    holder = CertificateInfo.from_der(_sign(sim_sign_ca).der).holder
    assert holder is not None
    assert (holder.birth_era, holder.birth_date) == (Era.SHOWA, date(1989, 1, 7))


def test_sign_certificate_other_names_via_cryptography(sim_sign_ca: pki.SimulatedCa) -> None:
    san = _sign(sim_sign_ca).certificate.extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    other_names = san.value.get_values_for_type(x509.OtherName)
    assert [o.type_id for o in other_names] == [
        x509.ObjectIdentifier(f.value) for f in pki.HolderAttribute
    ]
    sex = next(o for o in other_names if o.type_id.dotted_string == pki.HolderAttribute.SEX)
    assert sex.value == b"\x0c\x012"


@pytest.mark.parametrize(
    "address",
    [
        "一" * 42 + "1",  # 127 UTF-8 bytes: the longest short-form length
        "一" * 42 + "12",  # 128 bytes: the shortest long-form length
        "北海道札幌市中央区" + "一" * 51,  # 180 bytes
        "東" * 200,  # the longest address allowed, 600 bytes: two length octets
    ],
    ids=["127-bytes", "128-bytes", "180-bytes", "600-bytes"],
)
def test_holder_values_of_any_length_are_der_utf8strings(
    sim_sign_ca: pki.SimulatedCa, address: str
) -> None:
    holder = pki.Holder(
        name="長い名前" * 10,
        sex=pki.Sex.UNKNOWN,
        birth_date=date(1912, 7, 30),
        address=address,
        prefecture="Hokkaido",
        municipality="Sapporo-shi Chuo-ku",
    )
    issued = _sign(sim_sign_ca, holder=holder)
    values = _other_names(issued.der)
    assert values["1.2.392.200149.8.5.5.1"] == "長い名前" * 10
    assert values["1.2.392.200149.8.5.5.5"] == address
    assert values["1.2.392.200149.8.5.5.6"] == "0" * len(address)
    assert values["1.2.392.200149.8.5.5.3"] == "3"
    assert values["1.2.392.200149.8.5.5.4"] == "219120730"
    _assert_long_form_der(issued.der)


def test_holder_data_changes_the_serial(sim_sign_ca: pki.SimulatedCa) -> None:
    moved = pki.Holder(
        name=HOLDER.name,
        sex=HOLDER.sex,
        birth_date=HOLDER.birth_date,
        address="大阪府大阪市北区１番",
        prefecture="Osaka-fu",
        municipality="Osaka-shi Kita-ku",
    )
    first = _sign(sim_sign_ca).certificate.serial_number
    assert _sign(sim_sign_ca, holder=moved).certificate.serial_number != first


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"name": ""}, ValueError),
        ({"name": "   "}, ValueError),
        ({"address": ""}, ValueError),
        ({"address": "東" * 201}, ValueError),
        ({"prefecture": ""}, ValueError),
        ({"municipality": "x" * 129}, ValueError),
        ({"sex": "1"}, TypeError),
        ({"birth_date": datetime(1990, 1, 2)}, TypeError),
        ({"birth_date": "19900102"}, TypeError),
    ],
)
def test_bad_holder_is_rejected(changes: dict[str, Any], error: type[Exception]) -> None:
    fields: dict[str, Any] = {
        "name": HOLDER.name,
        "sex": HOLDER.sex,
        "birth_date": HOLDER.birth_date,
        "address": HOLDER.address,
        "prefecture": HOLDER.prefecture,
        "municipality": HOLDER.municipality,
    }
    fields.update(changes)
    with pytest.raises(error):
        pki.Holder(**fields)


def test_sex_digits() -> None:
    sexes = (pki.Sex.MALE, pki.Sex.FEMALE, pki.Sex.UNKNOWN)
    assert [pki.certificate_sex_code(s) for s in sexes] == ["1", "2", "3"]
    with pytest.raises(ValueError, match="no code"):
        pki.certificate_sex_code(pki.Sex.NOT_APPLICABLE)


# --- openssl -----------------------------------------------------------------------------------

OPENSSL = shutil.which("openssl")


def _openssl_verify(tmp_path: Path, ca: pki.SimulatedCa, leaf: pki.IssuedCertificate) -> int:
    assert OPENSSL is not None
    ca_pem = tmp_path / "ca.pem"
    leaf_pem = tmp_path / "leaf.pem"
    ca_pem.write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
    leaf_pem.write_bytes(leaf.certificate.public_bytes(serialization.Encoding.PEM))
    result = subprocess.run(
        [
            OPENSSL,
            "verify",
            "-x509_strict",
            "-partial_chain",
            "-attime",
            str(VERIFY_AT),
            "-CAfile",
            str(ca_pem),
            str(leaf_pem),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    return result.returncode


@pytest.mark.skipif(OPENSSL is None, reason="openssl binary not installed")
def test_openssl_accepts_the_chain_and_refuses_the_wrong_ca(
    tmp_path: Path, sim_auth_ca: pki.SimulatedCa, sim_sign_ca: pki.SimulatedCa
) -> None:
    auth_leaf = _auth(sim_auth_ca)
    sign_leaf = _sign(sim_sign_ca)
    assert _openssl_verify(tmp_path, sim_auth_ca, auth_leaf) == 0
    assert _openssl_verify(tmp_path, sim_sign_ca, sign_leaf) == 0
    assert _openssl_verify(tmp_path, sim_sign_ca, auth_leaf) != 0
    assert _openssl_verify(tmp_path, sim_auth_ca, sign_leaf) != 0


# --- eras --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "era", "code"),
    [
        (date(1868, 10, 22), Era.UNKNOWN, "018681022"),
        (date(1868, 10, 23), Era.MEIJI, "118681023"),
        (date(1912, 7, 29), Era.MEIJI, "119120729"),
        (date(1912, 7, 30), Era.TAISHO, "219120730"),
        (date(1926, 12, 24), Era.TAISHO, "219261224"),
        (date(1926, 12, 25), Era.SHOWA, "319261225"),
        (date(1989, 1, 7), Era.SHOWA, "319890107"),
        (date(1989, 1, 8), Era.HEISEI, "419890108"),
        (date(1990, 1, 2), Era.HEISEI, "419900102"),
        (date(2019, 4, 30), Era.HEISEI, "420190430"),
        (date(2019, 5, 1), Era.REIWA, "520190501"),
        (date(2030, 12, 31), Era.REIWA, "520301231"),
    ],
)
def test_era_boundaries(day: date, era: Era, code: str, sim_sign_ca: pki.SimulatedCa) -> None:
    assert era_of(day) is era
    assert era_birth_date(day) == code
    # The client (jpki.certificate) reads back what the factory wrote.
    holder = CertificateInfo.from_der(
        _sign(sim_sign_ca, holder=replace(HOLDER, birth_date=day)).der
    ).holder
    assert holder is not None
    assert (holder.birth_date_code, holder.birth_era, holder.birth_date) == (code, era, day)


def test_era_starts() -> None:
    assert Era.UNKNOWN not in pki.ERA_STARTS
    assert pki.ERA_STARTS[Era.HEISEI] == date(1989, 1, 8)
    assert pki.ERA_STARTS[Era.REIWA] == date(2019, 5, 1)


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_era_birth_date_round_trips(day: date) -> None:
    code = era_birth_date(day)
    assert len(code) == 9 and code.isdigit()
    era = Era(int(code[0]))
    assert code[1:] == day.strftime("%Y%m%d").rjust(8, "0") and era is era_of(day)
    start = pki.ERA_STARTS.get(era)
    assert start is None or start <= day
    later = [s for e, s in pki.ERA_STARTS.items() if e > era]
    assert all(day < s for s in later)


def test_era_functions_reject_datetimes() -> None:
    with pytest.raises(TypeError):
        era_birth_date(datetime(1990, 1, 2))
    with pytest.raises(TypeError):
        era_of(datetime(1990, 1, 2))
