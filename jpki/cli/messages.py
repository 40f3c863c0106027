"""One-line messages and exit codes for the errors a user can meet, in Japanese and English."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from jpki.texts import Msg, render

from .errors import ExitCode

if TYPE_CHECKING:
    from jpki.errors import PinError

__all__ = ["describe_error"]


def _pin_message(exc: PinError, lang: str) -> str:
    from jpki.errors import (
        LastTryRefusedError,
        PinBlockedError,
        PinFormatError,
        PinIncorrectError,
        PinOutcomeUnknownError,
        SharedAccessError,
    )

    label = exc.pin.label_ja if lang == "ja" else exc.pin.label_en
    if isinstance(exc, PinBlockedError):
        if lang == "ja":
            return f"{label}がロックされています。窓口で初期化(再設定)の手続きが必要です。"
        return f"the {label} is blocked; it must be reset at the municipal counter"
    if isinstance(exc, PinIncorrectError):
        if lang == "ja":
            return f"{label}が違います(残り{exc.remaining}回)。"
        return f"the {label} is incorrect ({exc.remaining} tries left)"
    if isinstance(exc, LastTryRefusedError):
        if lang == "ja":
            return (
                f"{label}の残り回数は{exc.remaining}回です。間違えるとロックされるため送信しません"
                "でした。確実な場合のみ --force を付けてください。"
            )
        return (
            f"the {label} has {exc.remaining} try left and a wrong entry would block it; "
            "nothing was sent. Add --force only if you are sure of the PIN."
        )
    if isinstance(exc, PinFormatError):
        if lang == "ja":
            return f"{label}の形式が正しくありません(カードには送信していません): {exc}"
        return f"{exc} (nothing was sent to the card)"
    if isinstance(exc, SharedAccessError):
        if lang == "ja":
            return (
                "カードを他のプログラムと共有しているため、暗証番号を送信しませんでした"
                "(照合済みの暗証番号を他のプログラムが使えてしまうため)。"
                "他のプログラムを終了してから、もう一度実行してください"
                "(--shared は付けないでください)。"
            )
        return str(exc)
    if isinstance(exc, PinOutcomeUnknownError) and isinstance(exc.__cause__, KeyboardInterrupt):
        return render(Msg("safety.pin_interrupted", pin=label, command="jpki pin status"), lang)
    if isinstance(exc, PinOutcomeUnknownError):
        if lang == "ja":
            return (
                f"{label}の照合中に通信が途切れました。回数が減ったかどうかは不明です。"
                "再試行する前に 'jpki pin status' で残り回数を確認してください。"
            )
        return f"{exc}; check 'jpki pin status' before trying again"
    return str(exc)


def describe_error(exc: BaseException, lang: str) -> tuple[str, ExitCode] | None:
    """The message and exit code for an expected error, or None for a bug."""
    # Imported here, on the error path only: they are not needed to start the program.
    from apdu.errors import (
        AmbiguousReaderError,
        ApduError,
        BadResponseError,
        CardRemovedError,
        InputError,
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
        NotAMyNumberCardError,
        PinError,
        SignatureInvalidError,
    )

    ja = lang == "ja"
    store = sys.modules.get("sim.store")  # only loaded when a card file is in use
    if store is not None and isinstance(exc, store.CardInUseError):
        text = render(Msg("safety.card_in_use", path=str(exc.path), waited=f"{exc.waited:g}"), lang)
        return text, ExitCode.NO_CARD_OR_READER
    if isinstance(exc, PinError):
        return _pin_message(exc, lang), ExitCode.PIN_PROBLEM
    if isinstance(exc, NotAMyNumberCardError):
        text = (
            "マイナンバーカードではありません(公的個人認証APが見つかりません)。" if ja else str(exc)
        )
        return text, ExitCode.NOT_A_MY_NUMBER_CARD
    if isinstance(exc, PcscUnavailableError):
        text = (
            "PC/SC サービス(pcscd)が動いていません。'pcscd' を起動してください"
            "(例: sudo systemctl start pcscd)。"
            if ja
            else f"{exc}; start it with 'sudo systemctl start pcscd' (or run 'pcscd')"
        )
        return text, ExitCode.NO_CARD_OR_READER
    if isinstance(exc, AmbiguousReaderError):
        hint = (
            " 読み取り機を --reader NAME で指定してください。"
            if ja
            else "; pick one with --reader NAME"
        )
        return f"{exc}{hint}", ExitCode.NO_CARD_OR_READER
    if isinstance(exc, NoCardError | ReaderNotFoundError):
        return str(exc), ExitCode.NO_CARD_OR_READER
    if isinstance(exc, ReaderBusyError):
        text = "カードリーダーを他のプログラムが使用中です。" if ja else str(exc)
        return text, ExitCode.NO_CARD_OR_READER
    if isinstance(exc, CardRemovedError):
        text = "処理中にカードが取り外されました。結果は出力していません。" if ja else str(exc)
        return text, ExitCode.NO_CARD_OR_READER
    if isinstance(exc, SignatureInvalidError | ChainError):
        return str(exc), ExitCode.VERIFICATION_FAILED
    if isinstance(exc, MalformedApduError):
        return f"malformed APDU: {exc}", ExitCode.USAGE
    if isinstance(exc, BadResponseError | ProtocolError | TransportError | ApduError):
        return str(exc), ExitCode.FAILURE
    if isinstance(exc, InputError):
        return str(exc), ExitCode.USAGE
    if isinstance(exc, ToolkitError):
        return str(exc), ExitCode.FAILURE
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc), (
            ExitCode.FAILURE
        )
    return None
