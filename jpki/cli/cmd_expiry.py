"""``jpki expiry``: expiry dates, renewal windows and states computed from dates (no card).

One resident from any dates that are known (``--birth``, ``--card-expiry``, ...), or a whole
resident list with ``--csv FILE`` (see :mod:`jpki.rules.batch`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jpki.texts import Msg, render

from .commands import add_command
from .context import CliContext
from .dates import today_jst
from .errors import CliError, ExitCode
from .rule_options import (
    add_rule_options,
    input_error,
    known_dates,
    parse_date,
    parse_rule_dates,
)

if TYPE_CHECKING:
    from jpki.rules import JsonValue, KnownDates, KnownReport

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``expiry`` command."""
    parser = add_command(subparsers, "expiry", handler=run)
    add_rule_options(parser, birth_help="date of birth", known_dates=True)
    parser.add_argument(
        "--rules",
        metavar="NAME",
        choices=("card-2016", "next-generation-draft"),
        help="use this rule set (default: the one in force on --today); "
        "'next-generation-draft' is a proposal, not in force",
    )
    batch = parser.add_argument_group("resident lists")
    batch.add_argument("--csv", metavar="FILE", help="a resident list (CSV, header row)")
    batch.add_argument(
        "-o", "--output", metavar="FILE", help="per-resident results (default: stdout)"
    )
    batch.add_argument(
        "--format",
        choices=("csv", "jsonl"),
        default="csv",
        help="per-resident results as CSV or JSON Lines (default: csv)",
    )
    batch.add_argument(
        "--errors", metavar="FILE", help="the error report, one line per bad row (default: stderr)"
    )
    batch.add_argument("--summary", metavar="FILE", help="the monthly summary as CSV")
    batch.add_argument("--chart", metavar="FILE", help="the monthly summary as an SVG chart")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Compute and print the report (text or ``--json``), or run a resident list."""
    from jpki.rules import RuleSet, RulesInputError, evaluate_known

    today = parse_date(args.today, "--today", ctx) or today_jst()
    if args.csv is not None:
        from .expiry_batch import run_batch

        return run_batch(args, ctx, today)
    rule_set = None if args.rules is None else RuleSet(args.rules)
    try:
        report = evaluate_known(_known(args, ctx), today, rule_set)
    except RulesInputError as exc:
        raise input_error(exc, exc.problem.msg, ctx) from exc
    if ctx.json:
        ctx.print_json(_json(report, ctx.lang))
    else:
        _print_text(report, ctx)
    return int(ExitCode.OK)


def _known(args: argparse.Namespace, ctx: CliContext) -> KnownDates:
    dates = parse_rule_dates(args, ctx)
    given = {name for name, value in dates.items() if value is not None and name != "today"}
    if not given:
        raise CliError(
            render(
                Msg("rules.cli.nothing_given", birth="--birth", card_expiry="--card-expiry"),
                ctx.lang,
            ),
            ExitCode.USAGE,
        )
    return known_dates(args, dates)


def _json(report: KnownReport, lang: str) -> dict[str, JsonValue]:
    """Flat dates and states, the notes in *lang*; ``rules`` holds the version and each value's
    rule; ``missing`` what each value not computed needs."""
    from jpki.rules import Missing, explain, facts_in_force, json_value

    rendered: dict[str, JsonValue] = {}
    missing: dict[str, JsonValue] = {}
    for item in report.items:
        key = item.item.value
        rendered[f"{key}_expiry"] = json_value(item.expiry_date)
        if isinstance(item.expiry, Missing):
            missing[f"{key}_expiry"] = item.expiry.to_json()["missing"]
    for item in report.items:
        window = item.renewal_from
        value = None if window is None or isinstance(window, Missing) else window.value
        rendered[f"{item.item.value}_renewal_from"] = json_value(value)
    rendered["state"] = {
        item.item.value: None if isinstance(item.state, Missing) else item.state.value.value
        for item in report.items
    }
    rendered["notes"] = [render(note, lang) for note in explain.notes(report)]
    rendered["today"] = report.today.isoformat()
    grace = report.health_insurance_until
    rendered["health_insurance_until"] = (
        None if isinstance(grace, Missing) else grace.value.isoformat()
    )
    rendered["rule_set"] = report.version.rule_set.value
    rendered["missing"] = missing
    rendered["items"] = {item.item.value: item.to_json() for item in report.items}
    rendered["convenience_store"] = report.to_json()["convenience_store"]
    rendered["renewal_checks"] = [check.to_json() for check in report.renewal_checks]
    names = set(explain.applicable_facts(report))
    rendered["facts"] = [
        fact.fact.to_json()
        for fact in facts_in_force(report.today)
        if fact.fact.rule.value.removeprefix("fact.") in names
    ]
    rules: dict[str, JsonValue] = {
        "version": report.version.name,
        "in_force": report.version.in_force,
    }
    rules.update({key: result.to_json() for key, result in report.results().items()})
    rendered["rules"] = rules
    return rendered


def _print_text(report: KnownReport, ctx: CliContext) -> None:
    from jpki.rules import explain

    lang = ctx.lang
    ctx.print(render(explain.version_line(report), lang))
    for item in report.items:
        ctx.print(render(Msg(f"rules.expiry.heading.{item.item.value}"), lang))
        for name, said in explain.item_lines(item):
            label = render(Msg(f"rules.expiry.field.{name}"), lang)
            ctx.print(f"  {label}: {render(said, lang)}")
    ctx.print(render(Msg("rules.expiry.notes"), lang))
    for note in explain.notes(report):
        ctx.print(f"  - {render(note, lang)}")
