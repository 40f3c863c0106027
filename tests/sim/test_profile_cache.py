"""The built-in profiles' certificates kept between runs (sim.factory.certcache)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.factory import certcache, profiles
from sim.factory.opening import open_simulated_card


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / certcache.CACHE_DIR_NAME


@pytest.fixture
def issued(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every issuance of a profile's certificates."""
    calls: list[str] = []
    real = profiles._issue

    def counting(spec: profiles.CardSpec, expiries: profiles.CardExpiries) -> object:
        calls.append(spec.serial)
        return real(spec, expiries)

    monkeypatch.setattr(profiles, "_issue", counting)
    return calls


def _kept(cache_home: Path, name: str = "adult") -> Path:
    return cache_home / f"sim-profile-{name}.json"


def test_cache_directory_follows_xdg_and_defaults_to_home_cache() -> None:
    assert certcache.cache_directory({"XDG_CACHE_HOME": "/x/c"}) == Path("/x/c/jpki-toolkit")
    home = Path.home() / ".cache" / "jpki-toolkit"
    assert certcache.cache_directory({}) == home
    assert certcache.cache_directory({"XDG_CACHE_HOME": "relative"}) == home


@pytest.mark.parametrize("name", list(profiles.PROFILES))
def test_a_kept_card_is_the_card_the_profile_makes(
    name: str, cache_home: Path, issued: list[str]
) -> None:
    spec = profiles.card_spec(name)
    first = profiles._card_data(spec, name)
    second = profiles._card_data(spec, name)
    assert len(issued) == 1  # the second card came from the kept file
    assert first == second == profiles.card_data_from_spec.__wrapped__(spec)
    assert _kept(cache_home, name).is_file()


def test_the_kept_file_holds_certificates_and_the_key_only(cache_home: Path) -> None:
    data = profiles._card_data(profiles.card_spec("adult"), "adult")
    document = json.loads(_kept(cache_home).read_text())
    assert set(document) == {"format", "version", "key", "checksum", "certificates"}
    assert document["format"] == certcache.FORMAT_NAME
    assert set(document["certificates"]) == {"auth", "auth_ca", "sign", "sign_ca"}
    assert bytes.fromhex(document["certificates"]["auth"]) == data.auth_certificate
    assert data.sign_certificate is not None
    assert bytes.fromhex(document["certificates"]["sign"]) == data.sign_certificate


def test_a_file_with_another_key_is_replaced(cache_home: Path, issued: list[str]) -> None:
    spec = profiles.card_spec("adult")
    fresh = profiles._card_data(spec, "adult")
    path = _kept(cache_home)
    document = json.loads(path.read_text())
    right_key = document["key"]
    document["key"] = "0" * 64
    path.write_text(json.dumps(document))
    assert profiles._card_data(spec, "adult") == fresh
    assert len(issued) == 2
    assert json.loads(path.read_text())["key"] == right_key


def test_other_inputs_give_another_key_and_a_new_issue(cache_home: Path) -> None:
    made = certcache.CardCertificates(b"\x30\x01", b"\x30\x02", None, b"\x30\x03")
    other = certcache.CardCertificates(b"\x30\x04", b"\x30\x05", b"\x30\x06", b"\x30\x07")
    assert certcache.cached_certificates("p", "inputs one", lambda: made) == made
    assert certcache.cached_certificates("p", "inputs one", lambda: other) == made
    assert certcache.cached_certificates("p", "inputs two", lambda: other) == other
    assert certcache.cache_key("inputs one") != certcache.cache_key("inputs two")


def test_a_damaged_file_is_ignored_and_replaced(cache_home: Path, issued: list[str]) -> None:
    spec = profiles.card_spec("adult")
    fresh = profiles._card_data(spec, "adult")
    path = _kept(cache_home)
    document = json.loads(path.read_text())
    auth = document["certificates"]["auth"]
    document["certificates"]["auth"] = auth[:-2] + ("00" if auth[-2:] != "00" else "01")
    path.write_text(json.dumps(document))
    assert profiles._card_data(spec, "adult") == fresh  # the checksum caught it
    path.write_text("{not json")
    assert profiles._card_data(spec, "adult") == fresh
    path.write_bytes(b" " * (300 * 1024))
    assert profiles._card_data(spec, "adult") == fresh
    assert len(issued) == 4
    assert json.loads(path.read_text())["checksum"] == document["checksum"]


def test_a_cache_that_cannot_be_written_still_gives_the_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, issued: list[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    spec = profiles.card_spec("adult")
    expected = profiles.card_data_from_spec.__wrapped__(spec)
    issued.clear()
    assert profiles._card_data(spec, "adult") == expected
    assert profiles._card_data(spec, "adult") == expected
    assert len(issued) == 2  # nothing kept: issued each time


def test_opening_a_profile_uses_the_cache(cache_home: Path) -> None:
    profiles.profile_card_data.cache_clear()
    try:
        connection = open_simulated_card(profile="under15")
        connection.close()
    finally:
        profiles.profile_card_data.cache_clear()
    assert _kept(cache_home, "under15").is_file()


def test_without_the_sources_to_key_on_the_certificates_are_issued(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(certcache, "_sources", lambda: (cache_home / "missing.py",))
    made = certcache.CardCertificates(b"\x30\x01", b"\x30\x02", None, b"\x30\x03")
    assert certcache.cached_certificates("p", "inputs", lambda: made) == made
    assert not cache_home.exists()  # nothing kept under a key that could not be made


def test_without_a_home_directory_nothing_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # expanduser("~") stays "~" when the home directory cannot be found: never a relative path.
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: Path("~")))
    monkeypatch.chdir(tmp_path)
    made = certcache.CardCertificates(b"\x30\x01", b"\x30\x02", None, b"\x30\x03")
    assert certcache.cached_certificates("p", "inputs", lambda: made) == made
    assert list(tmp_path.iterdir()) == []
