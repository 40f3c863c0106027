"""The identifiers: each code table is defined once and reads both ways."""

from __future__ import annotations

import pytest

from jpki.certificate import Sex as CertificateSex
from jpki.enums import AttributedStrEnum
from jpki.ids import Application, CertKind, JpkiFile, KeyKind, PinKind, Sex
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


def test_keys_know_their_file_pin_and_certificate() -> None:
    assert [(key.file, key.pin, key.certificate) for key in KeyKind] == [
        (JpkiFile.AUTH_KEY, PinKind.AUTH, CertKind.AUTH),
        (JpkiFile.SIGN_KEY, PinKind.SIGN, CertKind.SIGN),
    ]
    assert KeyKind("sign") is KeyKind.SIGN
    assert KeyKind.SIGN == "sign"


def test_pins_and_certificates_know_where_they_live() -> None:
    assert (PinKind.CARD_INFO.application, PinKind.CARD_INFO.file) == (Application.CARD_INFO, 0x11)
    assert (PinKind.JUKI.application, PinKind.JUKI.file) == (Application.JUKI, 0x1C)
    assert [kind.file for kind in CertKind] == [0x0A, 0x0B, 0x01, 0x02]


def test_members_carry_the_constants_their_class_annotates() -> None:
    class Colour(AttributedStrEnum):
        rgb: str
        warm: bool

        RED = "red", "#f00", True
        BLUE = "blue", "#00f", False

    assert Colour("blue") is Colour.BLUE
    assert Colour.RED.value == "red" and f"{Colour.RED}" == "red"
    assert (Colour.RED.rgb, Colour.RED.warm, Colour.BLUE.warm) == ("#f00", True, False)
    assert Colour._with("rgb", "#00f") is Colour.BLUE
    assert Colour._with("rgb", "#0f0") is None


def test_a_member_with_the_wrong_number_of_constants_is_refused() -> None:
    with pytest.raises(TypeError, match=r"'red' gives 1 values for 2 attributes \(rgb, warm\)"):

        class Colour(AttributedStrEnum):
            rgb: str
            warm: bool

            RED = "red", "#f00"
