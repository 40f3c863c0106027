"""Writing binary results: to a file (atomically) or to stdout when it is not a terminal."""

from __future__ import annotations

import os

from jpki.texts import Msg, render

from .context import CliContext
from .errors import CliError, ExitCode

__all__ = ["check_output", "write_output"]


def check_output(ctx: CliContext, output: str | None) -> None:
    """Refuse an output file that cannot be written, before any PIN is asked or sent."""
    if output is None or output == "-":
        return
    if not output.strip():
        raise CliError(render(Msg("safety.output_empty", option="-o"), ctx.lang), ExitCode.USAGE)
    from pathlib import Path  # only with -o FILE: pathlib costs milliseconds at start-up

    target = Path(output)
    parent = target.resolve().parent
    problem = None
    if target.is_dir() or output.endswith(("/", os.sep)):
        problem = "is_directory"
    elif not parent.is_dir():
        problem = "no_directory"
    elif not os.access(parent, os.W_OK):
        problem = "not_writable"
    if problem is not None:
        raise CliError(Msg(f"cli.output.{problem}", path=output), ExitCode.USAGE)


def write_output(ctx: CliContext, data: bytes, output: str | None, *, binary: bool) -> None:
    """Write *data* to *output*, or to stdout ('-' or no file) unless that is a terminal."""
    if output is not None and output != "-":
        check_output(ctx, output)
        from jpki.atomic import write_atomically  # tempfile: only when writing a file

        write_atomically(output, data)
        ctx.message(Msg("cli.output.wrote", path=output))
        return
    if binary and ctx.out.isatty():
        raise CliError(Msg("cli.output.binary_to_terminal"), ExitCode.USAGE)
    buffer = getattr(ctx.out, "buffer", None)
    if buffer is not None:
        ctx.out.flush()
        buffer.write(data)
        buffer.flush()
    else:
        ctx.out.write(data.decode("ascii"))
