"""``jpki expiry --csv FILE``: a resident list streamed through the rules.

Rows are read, computed and written one at a time, so memory stays flat whatever the size of
the list. A bad row gets a line in the error report (row number and reason) and the run goes
on. On a terminal a progress bar goes to stderr; the monthly summary goes to ``--summary``
(CSV) and ``--chart`` (SVG).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import time
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import date
from typing import TextIO

from jpki.texts import Msg, render

from .context import CliContext
from .errors import CliError, ExitCode

__all__ = ["run_batch"]

_BUFFER = 1 << 20
_PROGRESS_MASK = 0xFFFF  # a progress update every 65 536 rows
_BAR = 30


def _open_out(stack: ExitStack, path: str | None, default: TextIO, ctx: CliContext) -> TextIO:
    if path is None:
        return default
    try:
        return stack.enter_context(
            open(path, "w", encoding="utf-8", newline="", buffering=_BUFFER)  # noqa: SIM115
        )
    except OSError as exc:
        raise CliError(
            render(Msg("rules.batch.cannot_write", path=path, reason=exc.strerror), ctx.lang),
            ExitCode.USAGE,
        ) from exc


def _quoted(cell: str) -> str:
    """*cell* as a CSV field (quoted when it holds a comma, a quote or a line break)."""
    if _NEEDS_QUOTES(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


_NEEDS_QUOTES = re.compile('[,"\r\n]').search


def _kept(row: Sequence[str], keep: Sequence[int]) -> list[str]:
    """The passed-through cells (name, id) of a row, empty where the row is short."""
    return [row[index] if index < len(row) else "" for index in keep]


class _Progress:
    """A one-line bar on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO, total_bytes: int, lang: str) -> None:
        self.stream = stream
        self.total = max(1, total_bytes)
        self.lang = lang
        self.started = time.monotonic()
        self.active = stream.isatty()

    def show(self, rows: int, position: int) -> None:
        if not self.active:
            return
        share = min(1.0, position / self.total)
        filled = int(share * _BAR)
        rate = rows / max(1e-9, time.monotonic() - self.started)
        text = render(Msg("rules.batch.progress", rows=f"{rows:,}", rate=f"{rate:,.0f}"), self.lang)
        bar = "#" * filled + "-" * (_BAR - filled)
        self.stream.write(f"\r[{bar}] {share:4.0%} {text}")
        self.stream.flush()

    def done(self) -> None:
        if self.active:
            self.stream.write("\n")
            self.stream.flush()


def run_batch(args: argparse.Namespace, ctx: CliContext, today: date) -> int:
    """Run the resident list of ``--csv``; 0 when every row was computed, 1 with bad rows."""
    from jpki.rules.batch import OUTPUT_COLUMNS, SUMMARY_COLUMNS, RowError, process

    lang = ctx.lang
    try:
        raw = open(args.csv, "rb")  # noqa: SIM115 - closed by the ExitStack below
        size = os.fstat(raw.fileno()).st_size
    except OSError as exc:
        raise CliError(
            render(Msg("rules.batch.cannot_read", path=args.csv, reason=exc.strerror), lang),
            ExitCode.USAGE,
        ) from exc
    with ExitStack() as stack:
        stack.enter_context(raw)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")  # -sig: Excel's BOM
        reader = csv.reader(text)
        out = _open_out(stack, args.output, ctx.out, ctx)
        errors_out = _open_out(stack, args.errors, ctx.err, ctx)
        error_writer = csv.writer(errors_out, lineterminator="\n")
        if args.errors is not None:
            error_writer.writerow(("row", "reason"))
        try:
            header = next(reader)
        except (StopIteration, UnicodeDecodeError, csv.Error) as exc:
            raise CliError(
                render(Msg("rules.batch.no_header", path=args.csv), lang), ExitCode.USAGE
            ) from exc
        passed = [name for name in header if name.strip().lower() in ("name", "id")]
        keep = [header.index(name) for name in passed]
        width = len(header)
        summary_out = None if args.summary is None else _open_out(stack, args.summary, out, ctx)
        chart_out = None if args.chart is None else _open_out(stack, args.chart, out, ctx)
        progress = _Progress(ctx.err, size, lang)
        if args.format == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(("row", *passed, *OUTPUT_COLUMNS))

            write = out.write

            def emit(number: int, row: Sequence[str], values: tuple[str, ...]) -> None:
                # The computed values never need quoting; the passed-through cells might.
                kept = [row[index] for index in keep] if len(row) >= width else _kept(row, keep)
                write(f"{number},{','.join(map(_quoted, kept))},{','.join(values)}\n")
                if not number & _PROGRESS_MASK:
                    progress.show(number - 1, raw.tell())

            if len(keep) == 1:
                (kept_at,) = keep

                def emit(number: int, row: Sequence[str], values: tuple[str, ...]) -> None:
                    cell = row[kept_at] if kept_at < len(row) else ""
                    if '"' in cell or "," in cell or "\n" in cell or "\r" in cell:
                        cell = _quoted(cell)
                    write(f"{number},{cell},{','.join(values)}\n")
                    if not number & _PROGRESS_MASK:
                        progress.show(number - 1, raw.tell())

            elif not keep:

                def emit(number: int, row: Sequence[str], values: tuple[str, ...]) -> None:
                    write(f"{number},{','.join(values)}\n")
                    if not number & _PROGRESS_MASK:
                        progress.show(number - 1, raw.tell())

        else:
            names = ("row", *passed, *OUTPUT_COLUMNS)

            def emit(number: int, row: Sequence[str], values: tuple[str, ...]) -> None:
                record = (number, *_kept(row, keep), *values)
                out.write(json.dumps(dict(zip(names, record, strict=True)), ensure_ascii=False))
                out.write("\n")
                if not number & _PROGRESS_MASK:
                    progress.show(number - 1, raw.tell())

        def refuse(number: int, error: RowError) -> None:
            error_writer.writerow((number, render(error.reason, lang)))

        try:
            result = process(reader, header, today, emit, refuse)
        except RowError as exc:
            raise CliError(
                render(Msg("rules.batch.bad_file", path=args.csv, reason=exc.reason), lang),
                ExitCode.USAGE,
            ) from exc
        except (UnicodeDecodeError, csv.Error) as exc:
            raise CliError(
                render(Msg("rules.batch.unreadable", path=args.csv, reason=str(exc)), lang),
                ExitCode.USAGE,
            ) from exc
        progress.show(result.rows, size)
        progress.done()
        if summary_out is not None:
            summary_writer = csv.writer(summary_out, lineterminator="\n")
            summary_writer.writerow(SUMMARY_COLUMNS)
            summary_writer.writerows(result.summary.rows())
        if chart_out is not None:
            from jpki.rules.chart import summary_svg

            chart_out.write(summary_svg(result.summary, lang))
    ctx.message(
        render(
            Msg(
                "rules.batch.done",
                rows=result.rows,
                computed=result.computed,
                errors=result.errors,
            ),
            lang,
        )
    )
    return int(ExitCode.FAILURE if result.errors else ExitCode.OK)
