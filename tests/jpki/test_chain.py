"""Chain checks: the issuer is chosen by signature among same-named J-LIS generations, validity
is judged at a given instant, and test or simulated hierarchies never pass as production."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from jpki.certificate import JST, CertificateInfo, IssuerClass, load_certificate_file
from jpki.chain import (
    ChainResult,
    TrustAnchor,
    Validity,
    load_trust_anchors,
    validity_at,
    verify_chain,
)
from jpki.errors import CertificateError, ChainError
from sim.factory import pki
from tests.jpki.names import AUTH_OU, SIGN_OU, jpki_name

NEW_YEAR_2022 = datetime(2022, 1, 1, tzinfo=UTC)  # openssl -attime 1640995200
GATHERED = datetime(2026, 11, 22, 12, 0, tzinfo=JST)
SIM_VALID = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def production(production_auth_pem: Path) -> CertificateInfo:
    return load_certificate_file(production_auth_pem)


@pytest.fixture(scope="module")
def all_anchors(jlis_ca_dir: Path) -> tuple[TrustAnchor, ...]:
    return load_trust_anchors(jlis_ca_dir)


def anchor_named(anchors: tuple[TrustAnchor, ...], stem: str) -> TrustAnchor:
    (found,) = [a for a in anchors if Path(a.source).stem == stem]
    return found


def test_loads_all_six_roots(all_anchors: tuple[TrustAnchor, ...]) -> None:
    assert [Path(a.source).name for a in all_anchors] == [
        "authca01.pem",
        "authca02.pem",
        "authca03.pem",
        "signca01.pem",
        "signca02.pem",
        "signca03.pem",
    ]
    assert all(a.info.issuer_class is IssuerClass.PRODUCTION for a in all_anchors)


def test_production_certificate_picks_generation_one(
    production: CertificateInfo, all_anchors: tuple[TrustAnchor, ...]
) -> None:
    result = verify_chain(production, all_anchors, at=NEW_YEAR_2022)
    assert Path(result.anchor.source).name == "authca01.pem"
    assert result.anchor.info.serial == "01"
    assert result.valid
    assert result.validity is Validity.VALID
    assert result.issuer_class is IssuerClass.PRODUCTION
    assert result.at == NEW_YEAR_2022
    assert result.at.utcoffset() is not None
    # The order of the anchors does not matter: the signature decides.
    reversed_result = verify_chain(production, tuple(reversed(all_anchors)), at=NEW_YEAR_2022)
    assert reversed_result.anchor == result.anchor


def test_generation_one_alone(
    production: CertificateInfo, all_anchors: tuple[TrustAnchor, ...]
) -> None:
    anchor = anchor_named(all_anchors, "authca01")
    assert verify_chain(production, [anchor], at=NEW_YEAR_2022).valid
    # A bare CertificateInfo works as an anchor too.
    assert verify_chain(production, [anchor.info], at=NEW_YEAR_2022).valid


@pytest.mark.parametrize("stem", ["authca02", "authca03"])
def test_same_name_other_generation_is_refused(
    production: CertificateInfo, all_anchors: tuple[TrustAnchor, ...], stem: str
) -> None:
    anchor = anchor_named(all_anchors, stem)
    assert anchor.info.subject == production.issuer  # same name ...
    with pytest.raises(ChainError, match="verifies the signature"):
        verify_chain(production, [anchor], at=NEW_YEAR_2022)  # ... other key


def test_all_other_generations_together_are_refused(
    production: CertificateInfo, all_anchors: tuple[TrustAnchor, ...]
) -> None:
    others = [a for a in all_anchors if Path(a.source).stem != "authca01"]
    with pytest.raises(ChainError, match="none of the 2 trust anchors"):
        verify_chain(production, others, at=NEW_YEAR_2022)


def test_signature_root_is_refused(
    production: CertificateInfo, all_anchors: tuple[TrustAnchor, ...]
) -> None:
    with pytest.raises(ChainError, match="no trust anchor is named"):
        verify_chain(production, [anchor_named(all_anchors, "signca01")], at=NEW_YEAR_2022)
    with pytest.raises(ChainError, match="0 anchors were given"):
        verify_chain(production, [], at=NEW_YEAR_2022)


def test_expired_at_gathering(
    production: CertificateInfo, all_anchors: tuple[TrustAnchor, ...]
) -> None:
    result = verify_chain(production, all_anchors, at=GATHERED)
    assert not result.valid
    assert result.validity is Validity.EXPIRED
    assert result.certificate_validity is Validity.EXPIRED
    assert result.anchor_validity is Validity.EXPIRED  # authca01 ended 2025-10-19
    data = result.to_json()
    assert data["valid"] is False
    assert data["validity"] == "expired"
    json.dumps(data)


def test_expiry_is_at_the_end_of_the_jst_day(
    production: CertificateInfo, all_anchors: tuple[TrustAnchor, ...]
) -> None:
    last_second = datetime(2024, 5, 2, 23, 59, 59, tzinfo=JST)
    assert verify_chain(production, all_anchors, at=last_second).valid
    next_day = datetime(2024, 5, 3, 0, 0, 0, tzinfo=JST)
    result = verify_chain(production, all_anchors, at=next_day)
    assert result.certificate_validity is Validity.EXPIRED
    assert result.anchor_validity is Validity.VALID
    assert result.validity is Validity.EXPIRED


def test_not_yet_valid(production: CertificateInfo, all_anchors: tuple[TrustAnchor, ...]) -> None:
    result = verify_chain(production, all_anchors, at=datetime(2019, 7, 1, tzinfo=UTC))
    assert result.validity is Validity.NOT_YET_VALID
    assert validity_at(production, production.not_before) is Validity.VALID
    assert validity_at(production, production.not_after) is Validity.VALID


def test_instant_must_be_aware(
    production: CertificateInfo, all_anchors: tuple[TrustAnchor, ...]
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_chain(production, all_anchors, at=datetime(2022, 1, 1))
    with pytest.raises(TypeError):
        verify_chain(production, all_anchors, at="2022-01-01")  # type: ignore[arg-type]


def test_certificate_as_der_or_object(
    production: CertificateInfo, all_anchors: tuple[TrustAnchor, ...]
) -> None:
    assert verify_chain(production.der, all_anchors, at=NEW_YEAR_2022).valid
    assert verify_chain(production.certificate, all_anchors, at=NEW_YEAR_2022).valid
    with pytest.raises(CertificateError):
        verify_chain(production.der[:50], all_anchors, at=NEW_YEAR_2022)


# --- simulated and test hierarchies ------------------------------------------------------------


def test_simulated_chain_is_refused_as_production(
    sim_sign_cert: pki.IssuedCertificate, sim_sign_ca: pki.SimulatedCa
) -> None:
    anchor = TrustAnchor(CertificateInfo.from_der(sim_sign_ca.der), "sim-sign-ca")
    with pytest.raises(ChainError, match="simulated CA") as info:
        verify_chain(sim_sign_cert.der, [anchor], at=SIM_VALID)
    assert "JPKI-SIM" in str(info.value)
    assert "sim-sign-ca" in str(info.value)
    result = verify_chain(sim_sign_cert.der, [anchor], at=SIM_VALID, require_production=False)
    assert result.valid
    assert result.issuer_class is IssuerClass.SIMULATED
    assert result.anchor is anchor


def test_test_chain_is_refused_as_production(
    testorg_sign_cert: pki.IssuedCertificate, testorg_sign_ca: pki.SimulatedCa
) -> None:
    anchor = CertificateInfo.from_der(testorg_sign_ca.der)
    with pytest.raises(ChainError, match="J-LIS test CA"):
        verify_chain(testorg_sign_cert.der, [anchor], at=SIM_VALID)
    result = verify_chain(testorg_sign_cert.der, [anchor], at=SIM_VALID, require_production=False)
    assert result.issuer_class is IssuerClass.TEST


def test_simulated_leaf_is_not_accepted_by_the_real_roots(
    sim_sign_cert: pki.IssuedCertificate, all_anchors: tuple[TrustAnchor, ...]
) -> None:
    with pytest.raises(ChainError):
        verify_chain(sim_sign_cert.der, all_anchors, at=SIM_VALID, require_production=False)


def test_forged_production_name_does_not_verify(
    make_cert: Callable[..., Any], all_anchors: tuple[TrustAnchor, ...]
) -> None:
    """A certificate that copies the J-LIS issuer name but was signed by another key."""
    forged = CertificateInfo.from_der(make_cert(issuer=jpki_name("JPKI", AUTH_OU)).der)
    assert forged.issuer_class is IssuerClass.PRODUCTION  # the name claims it ...
    with pytest.raises(ChainError, match="none of the 3 trust anchors"):
        verify_chain(forged, all_anchors, at=NEW_YEAR_2022)  # ... the signature does not


def test_production_leaf_with_test_policy_is_refused(
    make_cert: Callable[..., Any],
) -> None:
    """A root named like production that issued a test-policy certificate is not production."""
    from sim.factory import testkeys

    name = jpki_name("JPKI", SIGN_OU)
    root = make_cert(issuer=name, subject=name, ca=True, key_index=5, signer=testkeys.pool_key(5))
    leaf = make_cert(issuer=name, policies=["1.2.392.200149.8.5.1.0.20"], signer=root.key)
    anchor = CertificateInfo.from_der(root.der)
    assert anchor.issuer_class is IssuerClass.PRODUCTION
    with pytest.raises(ChainError, match="test CA"):
        verify_chain(leaf.der, [anchor], at=NEW_YEAR_2022)
    result = verify_chain(leaf.der, [anchor], at=NEW_YEAR_2022, require_production=False)
    assert result.issuer_class is IssuerClass.TEST


# --- loading anchors ---------------------------------------------------------------------------


def test_anchor_directory_forms(
    jlis_ca_dir: Path, production_auth_pem: Path, tmp_path: Path
) -> None:
    authca01 = load_certificate_file(jlis_ca_dir / "authca01.pem")
    (tmp_path / "gen1.CER").write_bytes(authca01.der)  # DER, upper-case suffix
    bundle = (jlis_ca_dir / "authca02.pem").read_bytes() + (
        jlis_ca_dir / "authca03.pem"
    ).read_bytes()
    (tmp_path / "bundle.crt").write_bytes(bundle)
    (tmp_path / "README.md").write_text("not a certificate")
    (tmp_path / "sub.pem").mkdir()
    anchors = load_trust_anchors(tmp_path)
    assert len(anchors) == 3
    result = verify_chain(load_certificate_file(production_auth_pem), anchors, at=NEW_YEAR_2022)
    assert Path(result.anchor.source).name == "gen1.CER"
    assert result.to_json()["anchor"] == {
        "source": str(tmp_path / "gen1.CER"),
        "subject": authca01.subject,
        "serial": "01",
        "issuer_class": "production",
        "sha256_fingerprint": authca01.sha256_fingerprint,
    }


def test_anchor_directory_errors(jlis_ca_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ChainError, match="does not exist"):
        load_trust_anchors(tmp_path / "missing")
    with pytest.raises(ChainError, match="does not exist"):
        load_trust_anchors(jlis_ca_dir / "authca01.pem")
    with pytest.raises(ChainError, match="no trust anchor certificates"):
        load_trust_anchors(tmp_path)
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ChainError, match="no trust anchor certificates"):
        load_trust_anchors(tmp_path)
    shutil.copy(jlis_ca_dir / "authca01.pem", tmp_path / "good.pem")
    (tmp_path / "zz-broken.pem").write_text(
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"
    )
    with pytest.raises(CertificateError, match="zz-broken.pem"):
        load_trust_anchors(tmp_path)


def test_result_is_frozen(
    production: CertificateInfo, all_anchors: tuple[TrustAnchor, ...]
) -> None:
    result: ChainResult = verify_chain(production, all_anchors, at=NEW_YEAR_2022)
    with pytest.raises(AttributeError):
        result.issuer_class = IssuerClass.TEST  # type: ignore[misc]
