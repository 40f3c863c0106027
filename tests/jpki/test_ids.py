"""The identifiers: each code table is defined once and reads both ways."""

from __future__ import annotations

import pytest

from jpki.certificate import Sex as CertificateSex
from jpki.ids import CertKind, PinKind, Sex
from jpki.texts import render


def test_sex_is_one_enum_with_both_code_tables() -> None:
    assert CertificateSex is Sex
    for sex in Sex:
        assert Sex.from_card_info_code(sex.card_info_code) is sex
    assert [sex.card_info_code for sex in Sex] == ["1", "2", "0", "9"]
    assert Sex.from_certificate_code("1") is Sex.MALE
    assert Sex.from_certificate_code("2") is Sex.FEMALE
    assert Sex.from_certificate_code("3") is Sex.UNKNOWN
    assert Sex.from_certificate_code("7") is Sex.UNKNOWN  # callers keep the raw code beside it
    assert Sex.NOT_APPLICABLE.certificate_code == "3"
    with pytest.raises(ValueError, match="not one of 0, 1, 2, 9"):
        Sex.from_card_info_code("3")


def test_pins_are_listed_in_one_order() -> None:
    assert list(PinKind) == [PinKind.AUTH, PinKind.SIGN, PinKind.CARD_INFO, PinKind.JUKI]
    assert [kind.max_tries for kind in PinKind] == [3, 5, 3, 3]


def test_labels_are_catalog_messages() -> None:
    assert PinKind.AUTH.label.key == "ids.pin.auth"
    assert CertKind.SIGN_CA.label.key == "ids.cert.sign-ca"
    assert Sex.FEMALE.label.key == "ids.sex.female"
    assert render(CertKind.SIGN.label, "ja") == "署名用電子証明書"
