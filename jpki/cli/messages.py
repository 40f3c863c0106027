"""One-line messages and exit codes for the errors a user can meet, in the run's language."""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

from jpki.texts import Msg, render

from .errors import ExitCode

if TYPE_CHECKING:
    from jpki.errors import PinError

__all__ = ["describe_error"]

# The operating system's errors a user meets most, said in the run's language.
_OS_ERRORS = {
    errno.ENOENT: "not_found",
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.EISDIR: "is_directory",
    errno.ENOTDIR: "not_directory",
    errno.ENOSPC: "no_space",
    errno.EROFS: "read_only",
}


def _pin_message(exc: PinError) -> Msg:
    from jpki.errors import (
        LastTryRefusedError,
        PinBlockedError,
        PinFormatError,
        PinIncorrectError,
        PinOutcomeUnknownError,
        PinRequiredError,
        SharedAccessError,
    )

    pin = exc.pin.label
    if isinstance(exc, PinBlockedError):
        return Msg("cli.error.pin_blocked", pin=pin)
    if isinstance(exc, PinIncorrectError):
        return Msg("cli.error.pin_incorrect", pin=pin, count=exc.remaining)
    if isinstance(exc, LastTryRefusedError):
        return Msg("cli.error.pin_last_try", pin=pin, count=exc.remaining)
    if isinstance(exc, PinFormatError):
        return Msg("cli.error.pin_format", detail=exc.detail or str(exc))
    if isinstance(exc, SharedAccessError):
        return Msg("cli.error.pin_shared", pin=pin)
    if isinstance(exc, PinOutcomeUnknownError):
        return Msg("cli.error.pin_outcome_unknown", pin=pin, detail=str(exc))
    if isinstance(exc, PinRequiredError):
        return Msg("cli.error.pin_required", pin=pin, detail=str(exc))
    return Msg("cli.error.pin_other", pin=pin, detail=exc.detail or str(exc))


def _describe(exc: BaseException) -> tuple[Msg, ExitCode] | None:
    # Imported here, on the error path only: they are not needed to start the program.
    from apdu.errors import (
        AmbiguousReaderError,
        ApduError,
        BadResponseError,
        CardRemovedError,
        MalformedApduError,
        NoCardError,
        PcscUnavailableError,
        ProtocolError,
        ReaderBusyError,
        ReaderNotFoundError,
        ToolkitError,
        TransportError,
    )
    from jpki.errors import (
        ChainError,
        InputError,
        NotAMyNumberCardError,
        PinError,
        SignatureInvalidError,
    )

    detail = str(exc)
    if isinstance(exc, PinError):
        return _pin_message(exc), ExitCode.PIN_PROBLEM
    if isinstance(exc, NotAMyNumberCardError):
        return Msg("cli.error.not_my_number_card", detail=detail), ExitCode.NOT_A_MY_NUMBER_CARD
    transport = {
        PcscUnavailableError: "cli.error.pcsc_unavailable",
        AmbiguousReaderError: "cli.error.ambiguous_reader",
        NoCardError: "cli.error.no_card",
        ReaderNotFoundError: "cli.error.reader_not_found",
        ReaderBusyError: "cli.error.reader_busy",
        CardRemovedError: "cli.error.card_removed",
    }
    for kind, key in transport.items():
        if isinstance(exc, kind):
            return Msg(key, detail=detail), ExitCode.NO_CARD_OR_READER
    if isinstance(exc, SignatureInvalidError | ChainError):
        return Msg("cli.error.verification_failed", detail=detail), ExitCode.VERIFICATION_FAILED
    if isinstance(exc, MalformedApduError):
        return Msg("cli.error.malformed_apdu", detail=detail), ExitCode.USAGE
    if isinstance(exc, ApduError):
        return Msg("cli.error.card_refused", sw=f"{exc.sw:04X}", detail=detail), ExitCode.FAILURE
    if isinstance(exc, BadResponseError | ProtocolError | TransportError):
        return Msg("cli.error.link_failed", detail=detail), ExitCode.FAILURE
    if isinstance(exc, InputError):
        return Msg("cli.error.input", detail=exc.detail or detail), ExitCode.USAGE
    if isinstance(exc, ToolkitError):
        return Msg("cli.error.other", detail=detail), ExitCode.FAILURE
    if isinstance(exc, OSError):
        reason: Msg | str = exc.strerror or detail
        if exc.errno in _OS_ERRORS:
            reason = Msg(f"cli.os_error.{_OS_ERRORS[exc.errno]}", detail=reason)
        if exc.filename:
            return Msg("cli.error.file", reason=reason, path=exc.filename), ExitCode.FAILURE
        return Msg("cli.error.system", reason=reason), ExitCode.FAILURE
    return None


def describe_error(exc: BaseException, lang: str) -> tuple[str, ExitCode] | None:
    """The message in *lang* and the exit code for an expected error, or None for a bug."""
    described = _describe(exc)
    if described is None:
        return None
    message, code = described
    return render(message, lang), code
