"""The municipality configuration: the packaged default, a custom file, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jpki.diagnosis import (
    Municipality,
    MunicipalityError,
    default_municipality,
    load_municipality,
    parse_municipality,
)
from tests.badfiles import assert_refused


def test_default_is_bunkyo_city_from_the_guidance() -> None:
    office = default_municipality()
    assert office.id == "bunkyo"
    assert office.counter.get("ja") == "戸籍住民課"
    assert office.location.get("ja") == "文京シビックセンター2階"
    assert "春日1-16-21" in office.address.get("ja")
    assert office.call_centre.phone == "03-5803-1666"
    assert office.free_dial.phone == "0120-95-0178"
    assert (office.reissue_fee_yen, office.reissue_fee_without_certificates_yen) == (1000, 800)
    assert "水曜日は午後7時30分まで" in office.counter_hours.get("ja")
    assert "第2日曜日" in office.counter_hours.get("ja")
    assert "午前6時30分～午後11時" in office.convenience_store_hours.get("ja")
    assert office.counter_place("ja") == "戸籍住民課窓口（文京シビックセンター2階）"


def test_json_form_loads_back_to_the_same_configuration(tmp_path: Path) -> None:
    office = default_municipality()
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(office.to_json(), ensure_ascii=False), encoding="utf-8")
    assert load_municipality(path) == office
    assert parse_municipality(office.to_json()) == office


def custom() -> dict[str, Any]:
    values = default_municipality().to_json()
    assert isinstance(values, dict)
    values.update(
        {
            "id": "sample-city",
            "name": {"ja": "見本市", "en": "Sample City"},
            "counter": {"ja": "市民課", "en": "Citizens Division"},
            "location": {"ja": "本庁舎1階", "en": "1st floor, main building"},
            "reissue_fee_yen": 1000,
            "_comment": "keys starting with an underscore are ignored",
        }
    )
    return values


def test_custom_file(tmp_path: Path) -> None:
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(custom(), ensure_ascii=False), encoding="utf-8")
    office = load_municipality(path)
    assert isinstance(office, Municipality)
    assert office.counter_place("ja") == "市民課窓口（本庁舎1階）"
    assert office.counter_place("en") == "the Citizens Division counter (1st floor, main building)"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "call us"}, "key 'phone' must be a phone number"),
        ({"reissue_fee_yen": "1000"}, "key 'reissue_fee_yen' must be a whole number of yen"),
        ({"reissue_fee_yen": True}, "key 'reissue_fee_yen' must be a whole number of yen"),
        ({"reissue_fee_yen": -1}, "key 'reissue_fee_yen' must be 0-100000 yen"),
        ({"counter": "戸籍住民課"}, "key 'counter' must be a JSON object"),
        ({"counter": {"ja": "戸籍住民課"}}, "missing key 'counter.en'"),
        ({"counter": {"ja": "", "en": "x"}}, "key 'counter.ja' must be a non-empty string"),
        ({"counter": {"ja": "a", "en": "b", "fr": "c"}}, "unknown language(s) fr"),
        ({"call_centre": {"name": {"ja": "a", "en": "b"}}}, "missing key 'call_centre.phone'"),
        ({"counter_hour": {"ja": "a", "en": "b"}}, "unknown key(s) 'counter_hour'"),
        ({"id": "Bunkyo City"}, "key 'id' must be 1-40 of a-z"),
    ],
)
def test_broken_values_name_the_key(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    values = custom()
    values.update(change)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(MunicipalityError) as caught:
        load_municipality(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_key(tmp_path: Path) -> None:
    values = custom()
    del values["counter_hours"]
    with pytest.raises(MunicipalityError, match="missing key 'counter_hours'"):
        parse_municipality(values, "sample.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"id": "x",', "not valid JSON"),
        (b"[1, 2]", "the top level must be a JSON object, not an array"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    assert_refused(tmp_path, content, load_municipality, MunicipalityError, message)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MunicipalityError, match="cannot read"):
        load_municipality(tmp_path / "nowhere.json")


def test_optional_keys_may_be_left_out() -> None:
    values = custom()
    for key in (
        "abroad_dial",
        "foreign_language_dial",
        "express_reissue_fee_yen",
        "express_reissue_fee_without_certificates_yen",
    ):
        del values[key]
    office = parse_municipality(values, "sample.json")
    assert office.abroad_dial is None and office.foreign_language_dial is None
    assert office.express_reissue_fee_yen is None
    assert "abroad_dial" not in office.to_json()


def test_bunkyo_has_the_guidebook_lines_and_the_express_fees() -> None:
    office = default_municipality()
    assert office.abroad_dial is not None and office.abroad_dial.phone == "03-6734-0170"
    assert office.foreign_language_dial is not None
    assert office.foreign_language_dial.phone == "0120-0178-27"
    assert (
        office.express_reissue_fee_yen,
        office.express_reissue_fee_without_certificates_yen,
    ) == (
        2000,
        1800,
    )


def test_express_fees_go_together() -> None:
    values = custom()
    del values["express_reissue_fee_without_certificates_yen"]
    with pytest.raises(MunicipalityError, match="go together"):
        parse_municipality(values, "sample.json")


def test_a_third_language_may_be_given_and_falls_back_to_english() -> None:
    from jpki.diagnosis import Localized

    place = Localized.of(ja="本庁舎1階", en="1st floor, main building")
    assert place.get("ja") == "本庁舎1階"
    assert place.get("vi") == "1st floor, main building"


def test_error_names_the_key_for_callers() -> None:
    values = custom()
    values["phone"] = "call us"
    with pytest.raises(MunicipalityError) as caught:
        parse_municipality(values, "sample.json")
    assert caught.value.key == "phone"
