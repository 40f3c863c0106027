"""The message catalogs: every text in every language, same fields, no English left in Japanese."""

from __future__ import annotations

import ast
import json
import re
import string
from datetime import date
from pathlib import Path

import pytest

from jpki import texts
from jpki.texts import Joined, Msg, render
from tests.texts.latin import latin_words

CATALOGS = Path(texts.__file__).parent
SOURCES = [
    path
    for package in ("apdu", "jpki", "sim")
    for path in (CATALOGS.parents[1] / package).rglob("*.py")
]


def _catalog_files(lang: str) -> dict[str, dict[str, object]]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((CATALOGS / lang).glob("*.json"))
    }


def _fields(template: object) -> set[str]:
    forms = template.values() if isinstance(template, dict) else [template]
    return {
        name.split(".")[0].split("[")[0]
        for form in forms
        for _, name, _, _ in string.Formatter().parse(str(form))
        if name
    }


def test_there_are_at_least_japanese_and_english() -> None:
    assert {"ja", "en"} <= set(texts.languages())


@pytest.mark.parametrize("lang", [lang for lang in texts.languages() if lang != "en"])
def test_every_text_exists_in_every_language_with_known_fields(lang: str) -> None:
    english, other = _catalog_files("en"), _catalog_files(lang)
    assert set(other) == set(english), f"{lang}: catalog files differ from English"
    for domain, entries in english.items():
        assert set(other[domain]) == set(entries), (
            f"{lang}/{domain}.json: missing {sorted(set(entries) - set(other[domain]))}, "
            f"extra {sorted(set(other[domain]) - set(entries))}"
        )
        given = _values_given_in_the_code()
        for key, template in entries.items():
            if (domain, key) == ("common", "date"):  # every date field is always given
                continue
            # A translation may leave a value out, but never name one the code does not give:
            # the values of the Msg(...) calls that name the key, else the English template's.
            known = given.get(f"{domain}.{key}", _fields(template))
            assert _fields(other[domain][key]) <= known, f"{lang}: {domain}.{key}"


@pytest.mark.parametrize("lang", texts.languages())
def test_templates_name_only_values_the_code_gives(lang: str) -> None:
    given = _values_given_in_the_code()
    for domain, entries in _catalog_files(lang).items():
        for key, template in entries.items():
            full = f"{domain}.{key}"
            if full in given:
                assert _fields(template) <= given[full], f"{lang}: {full}"


def _values_given_in_the_code() -> dict[str, set[str]]:
    """For each key named literally in ``Msg("key", name=...)``: the names every call gives."""
    given: dict[str, set[str]] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Msg"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue
            names = {keyword.arg for keyword in node.keywords}
            if None in names:  # Msg("key", **values): not known statically
                continue
            key = node.args[0].value
            given[key] = given.get(key, names) & {name for name in names if name}
    return given


@pytest.mark.parametrize("lang", texts.languages())
def test_plural_forms_have_other_and_only_known_forms(lang: str) -> None:
    for domain, entries in _catalog_files(lang).items():
        for key, template in entries.items():
            if isinstance(template, dict):
                assert "other" in template and set(template) <= {"one", "other"}, (
                    f"{lang}/{domain}.{key}"
                )
            else:
                assert isinstance(template, str), f"{lang}/{domain}.{key}"


def test_no_english_left_in_the_japanese_catalogs() -> None:
    leftovers = []
    for domain, entries in _catalog_files("ja").items():
        for key, template in entries.items():
            forms = template.values() if isinstance(template, dict) else [template]
            for form in forms:
                for word in latin_words(str(form)):
                    leftovers.append(f"{domain}.{key}: {word}")
    assert not leftovers, leftovers


def test_every_literal_key_in_the_code_exists() -> None:
    used = {
        key
        for path in SOURCES
        for key in re.findall(
            r"""\bMsg\(\s*["']([a-z0-9_]+\.[A-Za-z0-9_.-]+)["']""", path.read_text()
        )
    }
    english = _catalog_files("en")
    missing = sorted(
        key for key in used if key.partition(".")[2] not in english.get(key.partition(".")[0], {})
    )
    assert not missing, missing


def test_render_fills_in_values_in_the_language() -> None:
    day = date(2026, 11, 22)
    assert render(day, "ja") == "2026年11月22日"
    assert render(day, "en") == "2026-11-22"
    assert render([day, day], "ja") == "2026年11月22日、2026年11月22日"
    assert render(Joined([Msg("common.language_name"), None, ""]), "en") == "English"
    assert render(None, "ja") == ""


def test_plural_is_chosen_by_count(tmp_path: Path) -> None:
    assert texts._plural({"one": "1 try", "other": "{count} tries"}, 1) == "1 try"
    assert texts._plural({"one": "1 try", "other": "{count} tries"}, 2) == "{count} tries"
    assert texts._plural({"other": "残り{count}回"}, 1) == "残り{count}回"


def test_language_names_and_errors() -> None:
    assert texts.language("ja_JP.UTF-8") == "ja"
    with pytest.raises(ValueError, match="no texts in language"):
        texts.language("xx")
    assert texts.default_language({"LANG": "ja_JP.UTF-8"}) == "ja"
    assert texts.default_language({"LC_ALL": "fr_FR.UTF-8", "LANG": "ja_JP"}) == "en"
    assert texts.default_language({}) == "en"


def test_a_message_key_names_its_domain_and_unknown_keys_fail() -> None:
    with pytest.raises(ValueError, match="domain.key"):
        Msg("nodomain")
    with pytest.raises(KeyError, match="no text"):
        render(Msg("common.no_such_key"), "ja")
    assert Msg("common.date", day=1) == Msg("common.date", day=1)


def _keys_built_from_identifiers() -> list[Msg]:
    """The messages whose key the code builds from an enum value or a name, not a literal."""
    from jpki.certificate import IssuerClass
    from jpki.chain import Validity
    from jpki.cli.messages import _OS_ERRORS
    from jpki.ids import CertKind, PinKind, Sex
    from sim.carddata import AtrKind
    from sim.factory.profiles import PROFILES

    labels = [kind.label for kinds in (PinKind, CertKind, Sex) for kind in kinds]
    fields = ("my_number", "name", "address", "birth_date", "sex", "kind", "subject", "issuer")
    fields += ("serial", "not_before", "not_after", "key_usage", "policies")
    return [
        *labels,
        *(profile.description for profile in PROFILES.values()),
        *(Msg(f"cli.validity.{validity.value}") for validity in Validity),
        *(Msg(f"cli.issuer_class.{issuer.value}") for issuer in IssuerClass),
        *(Msg(f"cli.sim.atr.{atr.value}", atr="3B") for atr in AtrKind),
        *(Msg(f"cli.prompt.{purpose}", pin="") for purpose in ("pin", "current", "new")),
        Msg("cli.prompt.new_again", pin=""),
        *(Msg(f"cli.label.{field}") for field in fields),
        *(Msg(f"cli.output.{problem}", path="x") for problem in ("is_directory", "no_directory")),
        Msg("cli.output.not_writable", path="x"),
        *(Msg(f"cli.os_error.{name}", detail="") for name in sorted(set(_OS_ERRORS.values()))),
    ]


@pytest.mark.parametrize("lang", texts.languages())
def test_every_key_built_from_an_identifier_exists(lang: str) -> None:
    missing = [
        message.key
        for message in _keys_built_from_identifiers()
        if message.key.partition(".")[2] not in texts.catalog(lang, message.key.partition(".")[0])
    ]
    assert not missing, missing


def test_labels_are_said_in_each_language() -> None:
    from jpki.ids import PinKind, Sex

    assert render(PinKind.SIGN.label, "ja") == "署名用電子証明書の暗証番号"
    assert render(PinKind.SIGN.label, "en") == "signature password"
    assert render(Sex.NOT_APPLICABLE.label, "ja") == "適用不能"


def test_no_inline_language_pairs_in_the_code() -> None:
    """Texts come from catalogs: no ``ctx.text(ja, en)``, ``lang == "ja"`` or label pairs."""
    root = CATALOGS.parents[1]
    found = []
    for path in SOURCES:
        name = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            # A Japanese wording picked in code is a language branch; labels are one Msg.
            pattern = r"ctx\.text\(|lang == \"ja\"|\blabel_(ja|en)\b|description_(ja|en)"
            if re.search(pattern, line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, found
