"""Writing binary results: to a file (atomically) or to stdout when it is not a terminal."""

from __future__ import annotations

from jpki.atomic import write_atomically

from .context import CliContext
from .errors import CliError, ExitCode

__all__ = ["write_output"]


def write_output(ctx: CliContext, data: bytes, output: str | None, *, binary: bool) -> None:
    """Write *data* to *output*, or to stdout ('-' or no file) unless that is a terminal."""
    if output and output != "-":
        write_atomically(output, data)
        ctx.message(ctx.text(f"{output} に書き込みました。", f"wrote {output}"))
        return
    if binary and ctx.out.isatty():
        raise CliError(
            ctx.text(
                "バイナリを端末に出力しません。-o FILE を指定してください。",
                "refusing to write binary data to a terminal; use -o FILE",
            ),
            ExitCode.USAGE,
        )
    buffer = getattr(ctx.out, "buffer", None)
    if buffer is not None:
        ctx.out.flush()
        buffer.write(data)
        buffer.flush()
    else:
        ctx.out.write(data.decode("ascii"))
