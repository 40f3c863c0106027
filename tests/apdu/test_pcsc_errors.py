"""apdu.pcsc without pcscd: error translation, reader choice, the connection over a fake API."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apdu import errors
from apdu.pcsc import (
    Disposition,
    PcscConnection,
    ReaderInfo,
    _codes,
    _connection,
    _readers,
    choose_reader,
    error_for_code,
    match_readers,
    pcsc_code_name,
    translate_exception,
)

REPO = Path(__file__).resolve().parents[2]
READERS = ["Virtual PCD 00 00", "Virtual PCD 00 01", "SCM SCR 3310 [CCID Interface] 00 00"]


@pytest.fixture
def scard() -> Any:
    """pyscard's PC/SC module (the tests that compare with pyscard skip without it)."""
    return pytest.importorskip("smartcard.scard")


# --- return codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "in_use", "expected"),
    [
        (0x8010001D, False, errors.PcscUnavailableError),  # SCARD_E_NO_SERVICE
        (0x8010001E, True, errors.PcscUnavailableError),  # SCARD_E_SERVICE_STOPPED
        (0x80100013, True, errors.PcscUnavailableError),  # SCARD_F_COMM_ERROR
        (0x8010000B, False, errors.ReaderBusyError),  # SCARD_E_SHARING_VIOLATION
        (0x8010000B, True, errors.ReaderBusyError),
        (0x8010000C, False, errors.NoCardError),  # SCARD_E_NO_SMARTCARD
        (0x80100069, False, errors.NoCardError),  # SCARD_W_REMOVED_CARD
        (0x8010000C, True, errors.CardRemovedError),
        (0x80100069, True, errors.CardRemovedError),
        (0x80100068, True, errors.CardRemovedError),  # SCARD_W_RESET_CARD
        (0x80100067, True, errors.CardRemovedError),  # SCARD_W_UNPOWERED_CARD
        (0x80100009, False, errors.ReaderNotFoundError),  # SCARD_E_UNKNOWN_READER
        (0x80100017, False, errors.ReaderNotFoundError),  # SCARD_E_READER_UNAVAILABLE
        (0x80100017, True, errors.CardRemovedError),
        (0x80100066, False, errors.NoCardError),  # SCARD_W_UNRESPONSIVE_CARD
        (0x8010000A, False, errors.NoCardError),  # SCARD_E_TIMEOUT
        (0x80100016, True, errors.TransportError),  # SCARD_E_NOT_TRANSACTED
        (0x80100003, True, errors.TransportError),  # SCARD_E_INVALID_HANDLE
        (0x80100001, False, errors.TransportError),  # SCARD_F_INTERNAL_ERROR
        (0x8010FFFF, False, errors.TransportError),  # not a known code
    ],
)
def test_error_for_code(code: int, in_use: bool, expected: type[errors.TransportError]) -> None:
    error = error_for_code(code, "doing it", reader="R", in_use=in_use)
    assert type(error) is expected
    assert f"0x{code:08X}" in str(error)


def test_negative_codes_from_32_bit_builds_are_normalised() -> None:
    signed = 0x8010001D - (1 << 32)
    assert isinstance(error_for_code(signed, "x"), errors.PcscUnavailableError)
    assert pcsc_code_name(signed) == "SCARD_E_NO_SERVICE 0x8010001D"


def test_service_error_hints_at_pcscd() -> None:
    assert "pcscd" in str(error_for_code(0x8010001D, "connecting"))


def test_busy_error_names_the_reader() -> None:
    assert "'Virtual PCD 00 00'" in str(error_for_code(0x8010000B, "x", reader="Virtual PCD 00 00"))


def test_code_names_agree_with_pyscard(scard: Any) -> None:
    for code, name in _codes._CODE_NAMES.items():
        if hasattr(scard, name):
            assert getattr(scard, name) & 0xFFFFFFFF == code, name
    assert pcsc_code_name(0x8010FFFF) == "unknown PC/SC error 0x8010FFFF"


def test_constants_agree_with_pyscard(scard: Any) -> None:
    assert Disposition.LEAVE == scard.SCARD_LEAVE_CARD
    assert Disposition.RESET == scard.SCARD_RESET_CARD
    assert Disposition.UNPOWER == scard.SCARD_UNPOWER_CARD
    assert _codes._SHARE_EXCLUSIVE == scard.SCARD_SHARE_EXCLUSIVE
    assert _codes._SHARE_SHARED == scard.SCARD_SHARE_SHARED
    assert _codes._PROTOCOL_T0 == scard.SCARD_PROTOCOL_T0
    assert _codes._PROTOCOL_T1 == scard.SCARD_PROTOCOL_T1
    assert _codes._SCOPE_USER == scard.SCARD_SCOPE_USER
    assert _codes._STATE_PRESENT == scard.SCARD_STATE_PRESENT
    assert _codes._STATE_CHANGED == scard.SCARD_STATE_CHANGED
    assert _codes._STATE_MUTE == scard.SCARD_STATE_MUTE


# --- pyscard's two exception roots -----------------------------------------------------


def test_both_pyscard_roots_are_translated(scard: Any) -> None:
    from smartcard.Exceptions import (
        CardConnectionException,
        CardServiceNotFoundException,
        NoCardException,
        NoReadersException,
        SmartcardException,
    )
    from smartcard.pcsc.PCSCExceptions import (
        BaseSCardException,
        EstablishContextException,
        ListReadersException,
    )

    cases: list[tuple[BaseException, bool, type[errors.TransportError]]] = [
        (EstablishContextException(0x8010001D), False, errors.PcscUnavailableError),
        (ListReadersException(0x8010001E), False, errors.PcscUnavailableError),
        (BaseSCardException(hresult=0x8010000B), False, errors.ReaderBusyError),
        (BaseSCardException(), False, errors.TransportError),
        (CardConnectionException("transmit", hresult=0x80100069), True, errors.CardRemovedError),
        (CardConnectionException("connect", hresult=0x8010000C), False, errors.NoCardError),
        (NoCardException("no card", 0x8010000C), False, errors.NoCardError),
        (NoCardException("no card", -1), True, errors.CardRemovedError),
        (CardServiceNotFoundException(), False, errors.PcscUnavailableError),
        (NoReadersException(), False, errors.ReaderNotFoundError),
        (SmartcardException("boom"), False, errors.TransportError),
    ]
    for exc, in_use, expected in cases:
        error = translate_exception(exc, "testing", reader="R", in_use=in_use)
        assert type(error) is expected, (exc, error)


@pytest.mark.parametrize("root", ["smartcard", "pcsc"])
def test_call_raises_translated_error_from_the_original(root: str, scard: Any) -> None:
    from smartcard.Exceptions import CardConnectionException
    from smartcard.pcsc.PCSCExceptions import EstablishContextException

    original: BaseException = (
        CardConnectionException("gone", hresult=0x80100069)
        if root == "smartcard"
        else EstablishContextException(0x8010001D)
    )

    def failing(*args: object) -> None:
        raise original

    with pytest.raises(errors.TransportError) as caught:
        _readers._call("sending a command", failing, 1, in_use=True)
    assert caught.value.__cause__ is original
    expected = errors.CardRemovedError if root == "smartcard" else errors.PcscUnavailableError
    assert type(caught.value) is expected


def test_other_exceptions_pass_through() -> None:
    def failing() -> None:
        raise KeyError("not ours")

    with pytest.raises(KeyError):
        _readers._call("x", failing)


# --- choosing a reader -----------------------------------------------------------------


def test_match_none_selects_every_reader() -> None:
    assert match_readers(READERS, None) == READERS


def test_match_substring_ignores_case_and_keeps_order() -> None:
    assert match_readers(READERS, "virtual pcd") == READERS[:2]
    assert match_readers(READERS, "scr 3310") == [READERS[2]]
    assert match_readers(READERS, "nothing") == []


def test_full_name_wins_over_partial_matches() -> None:
    names = ["Reader A", "Reader A 2"]
    assert match_readers(names, "Reader A") == ["Reader A"]
    assert match_readers(names, "reader a") == names  # not exact: both contain it


def _infos(*present: bool) -> list[ReaderInfo]:
    atr = bytes.fromhex("3BE000FF8131FE4514")
    return [
        ReaderInfo(name, card, atr if card else None)
        for name, card in zip(READERS, present, strict=False)
    ]


def test_choose_without_readers() -> None:
    with pytest.raises(errors.ReaderNotFoundError, match="no PC/SC reader"):
        choose_reader([], None)
    with pytest.raises(errors.ReaderNotFoundError, match="no PC/SC reader"):
        choose_reader([], "Virtual")


def test_choose_no_match_lists_the_readers() -> None:
    with pytest.raises(errors.ReaderNotFoundError, match="'Virtual PCD 00 01'"):
        choose_reader(_infos(True, False), "gemalto")


def test_choose_several_matches_names_them() -> None:
    with pytest.raises(errors.AmbiguousReaderError) as caught:
        choose_reader(_infos(True, True, False), "virtual")
    assert "'Virtual PCD 00 00'" in str(caught.value)
    assert "'Virtual PCD 00 01'" in str(caught.value)


def test_choose_by_name_needs_a_card() -> None:
    with pytest.raises(errors.NoCardError, match="'Virtual PCD 00 01'"):
        choose_reader(_infos(True, False), "00 01")
    assert choose_reader(_infos(True, False), "00 00").name == READERS[0]


def test_choose_without_name_takes_the_single_card() -> None:
    assert choose_reader(_infos(False, True, False), None).name == READERS[1]


def test_choose_without_name_and_no_card() -> None:
    with pytest.raises(errors.NoCardError, match="no card in any reader"):
        choose_reader(_infos(False, False, False), None)


def test_choose_without_name_and_several_cards() -> None:
    with pytest.raises(errors.AmbiguousReaderError) as caught:
        choose_reader(_infos(True, False, True), None)
    assert "'Virtual PCD 00 00'" in str(caught.value)
    assert f"'{READERS[2]}'" in str(caught.value)
    assert "'Virtual PCD 00 01'" not in str(caught.value)


def test_reader_info_json_form() -> None:
    assert ReaderInfo("R", True, bytes.fromhex("3be000")).to_dict() == {
        "name": "R",
        "card_present": True,
        "atr": "3BE000",
    }
    assert ReaderInfo("R", False).to_dict() == {"name": "R", "card_present": False, "atr": None}


# --- the connection over a scripted PC/SC API ------------------------------------------


class ScriptedScard:
    """Stands in for ``smartcard.scard``: answers from a script and records every call."""

    def __init__(self, transmit: list[tuple[int, list[int]]]) -> None:
        self.transmit = transmit
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))

    def SCardTransmit(self, card: int, protocol: int, apdu: list[int]) -> tuple[int, list[int]]:  # noqa: N802
        self._record("SCardTransmit", card, protocol, apdu)
        return self.transmit.pop(0)

    def SCardStatus(self, card: int) -> tuple[int, str, int, int, list[int]]:  # noqa: N802
        self._record("SCardStatus", card)
        return (0x80100069, "", 0, 0, [])

    def SCardBeginTransaction(self, card: int) -> int:  # noqa: N802
        self._record("SCardBeginTransaction", card)
        return 0

    def SCardEndTransaction(self, card: int, disposition: int) -> int:  # noqa: N802
        self._record("SCardEndTransaction", card, disposition)
        return 0

    def SCardDisconnect(self, card: int, disposition: int) -> int:  # noqa: N802
        self._record("SCardDisconnect", card, disposition)
        return 0

    def SCardReleaseContext(self, context: int) -> int:  # noqa: N802
        self._record("SCardReleaseContext", context)
        return 0

    def names(self) -> list[str]:
        """The functions called so far, in order."""
        return [name for name, _ in self.calls]


ConnectionFactory = Callable[..., tuple[PcscConnection, ScriptedScard]]


@pytest.fixture
def scripted() -> ConnectionFactory:
    def make(
        transmit: list[tuple[int, list[int]]] | None = None, **kwargs: Any
    ) -> tuple[PcscConnection, ScriptedScard]:
        fake = ScriptedScard(transmit or [])
        handles = _connection._Handles(fake, 11, 22)
        connection = PcscConnection(
            handles,
            reader="Reader",
            atr=b"\x3b\x00",
            protocol=_codes._PROTOCOL_T1,
            exclusive=True,
            shared_fallback=False,
            **kwargs,
        )
        return connection, fake

    return make


def test_bytes_become_int_lists_and_back(scripted: ConnectionFactory) -> None:
    connection, fake = scripted([(0, [0x01, 0x90, 0x00])])
    assert connection.transmit(b"\x00\xb0\x00\x00\x01") == b"\x01\x90\x00"
    assert fake.calls == [("SCardTransmit", (22, _codes._PROTOCOL_T1, [0, 0xB0, 0, 0, 1]))]
    assert connection.protocol == "T=1"
    assert connection.apdu_count == 1


def test_removed_card_raises_and_counts_nothing(scripted: ConnectionFactory) -> None:
    connection, _ = scripted([(0x80100069, [])])
    with pytest.raises(errors.CardRemovedError):
        connection.transmit(b"\x00\xb0\x00\x00\x00")
    assert connection.apdu_count == 0


def test_empty_answer_from_a_vanished_card_is_a_removal(scripted: ConnectionFactory) -> None:
    connection, fake = scripted([(0, [])])
    with pytest.raises(errors.CardRemovedError):
        connection.transmit(b"\x00\xb0\x00\x00\x00")
    assert fake.names() == ["SCardTransmit", "SCardStatus"]
    assert connection.apdu_count == 0


def test_close_disconnects_with_the_disposition_once(scripted: ConnectionFactory) -> None:
    connection, fake = scripted()
    assert connection.disposition is Disposition.UNPOWER
    connection.close()
    connection.close()
    assert fake.calls == [("SCardDisconnect", (22, 2)), ("SCardReleaseContext", (11,))]
    assert connection.closed
    with pytest.raises(errors.TransportError, match="closed"):
        connection.transmit(b"\x00\xa4\x00\x00")


def test_disposition_can_be_chosen(scripted: ConnectionFactory) -> None:
    connection, fake = scripted(disposition=Disposition.RESET)
    connection.disposition = Disposition.LEAVE
    with connection:
        pass
    assert ("SCardDisconnect", (22, 0)) in fake.calls


def test_transaction_brackets_commands_and_nests(scripted: ConnectionFactory) -> None:
    connection, fake = scripted([(0, [0x90, 0x00]), (0, [0x90, 0x00])])
    with connection.transaction():
        connection.transmit(b"\x00\xa4\x00\x00")
        with connection.transaction():
            connection.transmit(b"\x00\xa4\x00\x00")
    assert fake.names() == [
        "SCardBeginTransaction",
        "SCardTransmit",
        "SCardTransmit",
        "SCardEndTransaction",
    ]


def test_transaction_ends_when_the_block_fails(scripted: ConnectionFactory) -> None:
    connection, fake = scripted()
    with pytest.raises(KeyError), connection.transaction():
        raise KeyError("inside")
    assert fake.names() == ["SCardBeginTransaction", "SCardEndTransaction"]


def test_closing_inside_a_transaction_does_not_end_it_twice(
    scripted: ConnectionFactory,
) -> None:
    connection, fake = scripted()
    with connection.transaction():
        connection.close()
    assert fake.names() == ["SCardBeginTransaction", "SCardDisconnect", "SCardReleaseContext"]


def test_short_answer_from_a_present_card_is_a_bad_response(
    scripted: ConnectionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection, _ = scripted([(0, [0x90])])
    monkeypatch.setattr(PcscConnection, "_card_vanished", lambda self, handles: False)
    with pytest.raises(errors.BadResponseError, match="1 byte"):
        connection.transmit(b"\x00\xb0\x00\x00\x00")


# --- the import boundary ---------------------------------------------------------------


def test_importing_apdu_does_not_import_pyscard() -> None:
    code = (
        "import sys, apdu, apdu.pcsc, jpki.cli.main; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'smartcard'], 'imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_only_the_apdu_pcsc_package_imports_pyscard() -> None:
    importers = sorted(
        str(path.relative_to(REPO))
        for package in ("apdu", "jpki", "sim")
        for path in (REPO / package).rglob("*.py")
        if any(
            line.lstrip().startswith(("import smartcard", "from smartcard"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    )
    assert importers == ["apdu/pcsc/_codes.py", "apdu/pcsc/_readers.py"]
