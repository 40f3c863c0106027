"""PC/SC constants and return codes, and their translation into the toolkit's errors.

Nothing here imports pyscard at module level; :func:`translate_exception` looks its two
exception roots up only when asked.
"""

from __future__ import annotations

from ..errors import (
    CardRemovedError,
    NoCardError,
    PcscUnavailableError,
    ReaderBusyError,
    ReaderNotFoundError,
    TransportError,
)

# PC/SC constants (values from the PC/SC specification, as in pcsc-lite's headers).
_SCOPE_USER = 0
_SHARE_EXCLUSIVE = 1
_SHARE_SHARED = 2
_PROTOCOL_T0 = 1
_PROTOCOL_T1 = 2
_LEAVE_CARD = 0
_STATE_UNAWARE = 0x0000
_STATE_CHANGED = 0x0002
_STATE_PRESENT = 0x0020
_STATE_MUTE = 0x0200

_S_SUCCESS = 0x00000000
_E_INVALID_HANDLE = 0x80100003
_E_UNKNOWN_READER = 0x80100009
_E_TIMEOUT = 0x8010000A
_E_SHARING_VIOLATION = 0x8010000B
_E_NO_SMARTCARD = 0x8010000C
_F_COMM_ERROR = 0x80100013
_E_NOT_TRANSACTED = 0x80100016
_E_READER_UNAVAILABLE = 0x80100017
_E_NO_SERVICE = 0x8010001D
_E_SERVICE_STOPPED = 0x8010001E
_E_NO_READERS_AVAILABLE = 0x8010002E
_W_UNRESPONSIVE_CARD = 0x80100066
_W_UNPOWERED_CARD = 0x80100067
_W_RESET_CARD = 0x80100068
_W_REMOVED_CARD = 0x80100069

_CODE_NAMES: dict[int, str] = {
    _S_SUCCESS: "SCARD_S_SUCCESS",
    0x80100001: "SCARD_F_INTERNAL_ERROR",
    0x80100002: "SCARD_E_CANCELLED",
    _E_INVALID_HANDLE: "SCARD_E_INVALID_HANDLE",
    0x80100004: "SCARD_E_INVALID_PARAMETER",
    0x80100005: "SCARD_E_INVALID_TARGET",
    0x80100006: "SCARD_E_NO_MEMORY",
    0x80100007: "SCARD_F_WAITED_TOO_LONG",
    0x80100008: "SCARD_E_INSUFFICIENT_BUFFER",
    _E_UNKNOWN_READER: "SCARD_E_UNKNOWN_READER",
    _E_TIMEOUT: "SCARD_E_TIMEOUT",
    _E_SHARING_VIOLATION: "SCARD_E_SHARING_VIOLATION",
    _E_NO_SMARTCARD: "SCARD_E_NO_SMARTCARD",
    0x8010000D: "SCARD_E_UNKNOWN_CARD",
    0x8010000E: "SCARD_E_CANT_DISPOSE",
    0x8010000F: "SCARD_E_PROTO_MISMATCH",
    0x80100010: "SCARD_E_NOT_READY",
    0x80100011: "SCARD_E_INVALID_VALUE",
    0x80100012: "SCARD_E_SYSTEM_CANCELLED",
    _F_COMM_ERROR: "SCARD_F_COMM_ERROR",
    0x80100014: "SCARD_F_UNKNOWN_ERROR",
    0x80100015: "SCARD_E_INVALID_ATR",
    _E_NOT_TRANSACTED: "SCARD_E_NOT_TRANSACTED",
    _E_READER_UNAVAILABLE: "SCARD_E_READER_UNAVAILABLE",
    0x80100019: "SCARD_E_PCI_TOO_SMALL",
    0x8010001A: "SCARD_E_READER_UNSUPPORTED",
    0x8010001B: "SCARD_E_DUPLICATE_READER",
    0x8010001C: "SCARD_E_CARD_UNSUPPORTED",
    _E_NO_SERVICE: "SCARD_E_NO_SERVICE",
    _E_SERVICE_STOPPED: "SCARD_E_SERVICE_STOPPED",
    0x8010001F: "SCARD_E_UNSUPPORTED_FEATURE",
    _E_NO_READERS_AVAILABLE: "SCARD_E_NO_READERS_AVAILABLE",
    0x8010002F: "SCARD_E_COMM_DATA_LOST",
    0x80100031: "SCARD_E_SERVER_TOO_BUSY",
    0x80100065: "SCARD_W_UNSUPPORTED_CARD",
    _W_UNRESPONSIVE_CARD: "SCARD_W_UNRESPONSIVE_CARD",
    _W_UNPOWERED_CARD: "SCARD_W_UNPOWERED_CARD",
    _W_RESET_CARD: "SCARD_W_RESET_CARD",
    _W_REMOVED_CARD: "SCARD_W_REMOVED_CARD",
}

_SERVICE_GONE = frozenset({_E_NO_SERVICE, _E_SERVICE_STOPPED, _F_COMM_ERROR})
_CARD_GONE = frozenset({_E_NO_SMARTCARD, _W_REMOVED_CARD, _W_RESET_CARD, _W_UNPOWERED_CARD})
_READER_GONE = frozenset({_E_UNKNOWN_READER, _E_READER_UNAVAILABLE, _E_NO_READERS_AVAILABLE})
#: Failures of a command that may mean the card was pulled while it ran.
_MAYBE_PULLED = frozenset({_E_NOT_TRANSACTED, 0x8010002F, _W_UNRESPONSIVE_CARD})


def _code(result: int) -> int:
    """A PC/SC return code as the unsigned 32-bit value (32-bit builds hand out negatives)."""
    return result & 0xFFFFFFFF


def pcsc_code_name(code: int) -> str:
    """The symbolic name of a PC/SC return code with its hex value, e.g. for messages."""
    code = _code(code)
    name = _CODE_NAMES.get(code, "unknown PC/SC error")
    return f"{name} 0x{code:08X}"


def error_for_code(
    code: int, action: str, *, reader: str | None = None, in_use: bool = False
) -> TransportError:
    """The toolkit error for a failed PC/SC call.

    :param code: the PC/SC return code (negative values from 32-bit builds are accepted).
    :param action: what was being done, for the message ("connecting", "sending a command").
    :param reader: the reader concerned, if any.
    :param in_use: True once a card connection is open: a missing card is then a card
        removed mid-operation (:class:`CardRemovedError`) rather than :class:`NoCardError`.
    """
    code = _code(code)
    where = f" '{reader}'" if reader else ""
    detail = pcsc_code_name(code)
    if code in _SERVICE_GONE:
        return PcscUnavailableError(
            f"the PC/SC service is not available (pcscd not running? {detail})"
        )
    if code == _E_SHARING_VIOLATION:
        return ReaderBusyError(
            f"reader{where} is in use by another program (held exclusively) ({detail})"
        )
    if code in _CARD_GONE:
        if not in_use:
            return NoCardError(f"no card in reader{where} ({detail})")
        if code == _W_RESET_CARD:
            return CardRemovedError(
                f"the card in reader{where} was reset by another program while {action} ({detail})"
            )
        return CardRemovedError(
            f"the card was removed from reader{where} while {action} ({detail})"
        )
    if code in _READER_GONE:
        if in_use:
            return CardRemovedError(f"reader{where} went away while {action} ({detail})")
        return ReaderNotFoundError(f"reader{where} is not available ({detail})")
    if code == _W_UNRESPONSIVE_CARD and not in_use:
        return NoCardError(f"the card in reader{where} does not answer (mute card?) ({detail})")
    if code == _E_TIMEOUT and not in_use:
        return NoCardError(f"no card in reader{where} in time ({detail})")
    if code == _E_INVALID_HANDLE:
        return TransportError(
            f"the PC/SC handle is no longer valid while {action} (pcscd restarted?) ({detail})"
        )
    return TransportError(f"PC/SC failed while {action}{' on' + where if where else ''}: {detail}")


def _pyscard_roots() -> tuple[type[BaseException], ...]:
    try:
        from smartcard.Exceptions import SmartcardException
        from smartcard.pcsc.PCSCExceptions import BaseSCardException
    except ImportError:
        return ()
    return (SmartcardException, BaseSCardException)


def translate_exception(
    exc: BaseException, action: str, *, reader: str | None = None, in_use: bool = False
) -> TransportError:
    """The toolkit error for an exception from pyscard (either of its two exception roots).

    Exceptions that carry a PC/SC return code are translated as :func:`error_for_code`
    does; the others by their class. The caller raises the result ``from`` *exc*.
    """
    hresult = getattr(exc, "hresult", -1)
    if isinstance(hresult, int) and hresult not in (-1, 0):
        return error_for_code(hresult, action, reader=reader, in_use=in_use)
    kind = type(exc).__name__
    where = f" '{reader}'" if reader else ""
    if kind in ("CardServiceNotFoundException", "CardServiceStoppedException"):
        return PcscUnavailableError(
            f"the PC/SC service is not available (pcscd not running? {exc})"
        )
    if kind == "NoReadersException":
        return ReaderNotFoundError("no PC/SC reader found")
    if kind == "NoCardException":
        if in_use:
            return CardRemovedError(f"the card was removed from reader{where} while {action}")
        return NoCardError(f"no card in reader{where}")
    if kind == "InvalidReaderException":
        return ReaderNotFoundError(f"reader{where} is not available")
    return TransportError(f"PC/SC failed while {action}: {kind}: {exc}")
