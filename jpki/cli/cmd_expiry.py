"""``jpki expiry``: expiry dates, renewal windows and states computed from dates (no card)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from .commands import summary
from .context import CliContext
from .dates import today_jst
from .errors import CliError, ExitCode
from .rule_options import add_rule_options, parse_date, parse_rule_dates

if TYPE_CHECKING:
    from jpki.rules import ExpiryInputs, ExpiryReport, ItemReport, JsonValue, RuleResult

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``expiry`` command."""
    parser = subparsers.add_parser(
        "expiry",
        help=summary("expiry"),
        description=(
            "Compute the expiry of the My Number Card and its two certificates from dates "
            "(YYYY-MM-DD). Values resting on an unconfirmed rule are marked."
        ),
    )
    add_rule_options(parser, birth_help="date of birth (required)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Compute and print the report (text or ``--json``)."""
    from jpki.rules import RulesInputError, evaluate

    today = parse_date(args.today, "--today", ctx) or today_jst()
    try:
        inputs = _inputs(args, ctx)
        report = None if inputs is None else evaluate(inputs, today)
    except RulesInputError as exc:
        raise CliError(ctx.text(exc.problem.label_ja, str(exc)), ExitCode.USAGE) from exc
    if ctx.json:
        ctx.print_json(_json(report, today, ctx))
    else:
        _print_text(report, today, ctx)
    return int(ExitCode.OK)


def _inputs(args: argparse.Namespace, ctx: CliContext) -> ExpiryInputs | None:
    from jpki.rules import AgeCounting, ExpiryInputs, Feb29Policy

    dates = parse_rule_dates(args, ctx)
    birth = dates["birth"]
    if birth is None:
        raise CliError(
            ctx.text("生年月日(--birth)を指定してください。", "--birth is required"),
            ExitCode.USAGE,
        )
    card = dates["card_issued"]
    both = dates["cert_issued"]
    auth = dates["auth_cert_issued"] or both
    sign = dates["sign_cert_issued"]
    if sign is None and not args.face_auth:
        sign = both
    received = dates["application_received"]
    residence = dates["residence_until"]
    if birth is None or card is None:
        return None
    return ExpiryInputs(
        birth=birth,
        card_issued=card,
        auth_cert_issued=auth,
        sign_cert_issued=sign,
        application_received=received,
        residence_until=residence,
        special_extension=args.special_extension,
        renewed_in_window=args.renewed_in_window,
        certs_renewed_in_window=args.cert_renewed_in_window,
        face_auth=args.face_auth,
        feb29=Feb29Policy(args.feb29),
        age_counting=AgeCounting(args.age_counting),
    )


def _results(report: ExpiryReport) -> dict[str, tuple[str, RuleResult[object]]]:
    """Every value of the report under its JSON key, with the Japanese name of its item."""
    results: dict[str, tuple[str, RuleResult[object]]] = {}
    for item in report.items:
        key, name = item.item.value, item.item.label_ja
        results[f"{key}_expiry"] = name, item.expiry
        if item.renewal_from is not None:
            results[f"{key}_renewal_from"] = name, item.renewal_from
        results[f"{key}_state"] = name, item.state
    results["health_insurance_until"] = "マイナ保険証の資格確認", report.health_insurance_until
    return results


def _rule_notes(report: ExpiryReport, ctx: CliContext) -> list[str]:
    """Which rule gave each expiry."""
    notes = []
    for item in report.items:
        rule = item.expiry.rule
        text = ctx.text(rule.label_ja, item.expiry.explanation)
        notes.append(f"{item.item.value}_expiry: {rule.value}: {text}")
    return notes


def _general_notes(report: ExpiryReport | None, ctx: CliContext) -> list[str]:
    """Unconfirmed rules and what the holder should know."""
    if report is None:
        return [
            ctx.text(
                "カードの発行日(--card-issued)が指定されていないため、有効期限は計算できません。",
                "no --card-issued: nothing can be computed without the card issue date",
            )
        ]
    results = _results(report)
    inputs = report.inputs
    used = {"feb29": inputs.feb29.value, "age_counting": inputs.age_counting.value}
    notes = []
    for decision in sorted(
        {decision for _, result in results.values() for decision in result.decisions}
    ):
        affected = {
            key: name for key, (name, result) in results.items() if decision in result.decisions
        }
        keys = ", ".join(affected)
        names = "、".join(dict.fromkeys(affected.values()))
        reading = f" [{used[decision.value]}]" if decision.value in used else ""
        notes.append(
            ctx.text(
                f"未確定のルール({decision.value}{reading}): {decision.label_ja}。対象: {names}",
                f"unconfirmed rule ({decision.value}{reading}): {decision.label_en}; "
                f"affects {keys}",
            )
        )
    grace = report.health_insurance_until
    notes.append(
        ctx.text(
            "マイナ保険証は利用者証明用電子証明書の有効期限が切れた後も"
            f"{_japarse_date(grace.value)}まで資格確認に利用できます。",
            f"health_insurance_until {grace.value}: {grace.explanation}",
        )
    )
    if inputs.residence_until is not None:
        notes.append(
            ctx.text(
                "在留期間を更新しても有効期限は自動的に延長されません。有効期限が切れる前に、"
                "新しい在留カードとマイナンバーカードを持って市区町村の窓口で手続きをしてください"
                "(有効期限通知書は送付されません)。",
                "extending the period of stay does not extend the card: apply at the counter "
                "with the new residence card before the card expires (no expiry notice is sent)",
            )
        )
    if inputs.face_auth:
        notes.append(
            ctx.text(
                "顔認証マイナンバーカードは本人確認書類と保険証として利用できますが、"
                "コンビニ交付、e-Tax等のオンライン申請、マイナポータルは利用できません。",
                "a face-auth card works as ID and health-insurance card; no convenience-store "
                "certificates, e-Tax or Myna Portal",
            )
        )
    return notes


def _json(report: ExpiryReport | None, today: date, ctx: CliContext) -> dict[str, JsonValue]:
    """The command's JSON: flat dates, states, notes; ``rules`` holds each value's rule."""
    from jpki.rules import Item, json_value

    notes: list[JsonValue] = [*_general_notes(report, ctx)]
    if report is None:
        nulls: dict[str, JsonValue] = {
            f"{key}_{field}": None for field in ("expiry", "renewal_from") for key in Item
        }
        return {**nulls, "state": None, "notes": notes, "today": today.isoformat(), "rules": {}}
    rendered: dict[str, JsonValue] = {}
    for item in report.items:
        rendered[f"{item.item.value}_expiry"] = json_value(item.expiry_date)
    for item in report.items:
        window = None if item.renewal_from is None else item.renewal_from.value
        rendered[f"{item.item.value}_renewal_from"] = json_value(window)
    rendered["state"] = {item.item.value: json_value(item.state.value) for item in report.items}
    rendered["notes"] = [*_rule_notes(report, ctx), *notes]
    rendered["today"] = today.isoformat()
    rendered["health_insurance_until"] = json_value(report.health_insurance_until.value)
    rendered["rule_set"] = report.rule_set.value
    rendered["rules"] = {key: result.to_json() for key, (_, result) in _results(report).items()}
    return rendered


def _japarse_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _print_text(report: ExpiryReport | None, today: date, ctx: CliContext) -> None:
    ctx.print(ctx.text(f"{_japarse_date(today)}時点", f"As of {today}"))
    if report is not None:
        for item in report.items:
            _print_item(item, ctx)
    ctx.print(ctx.text("注意事項:", "Notes:"))
    for note in _general_notes(report, ctx):
        ctx.print(f"  - {note}")


def _print_item(item: ItemReport, ctx: CliContext) -> None:
    def line(name_ja: str, name_en: str, text: str, result: RuleResult[object]) -> None:
        mark = ctx.text(" ※未確定", " (unconfirmed)") if result.unconfirmed else ""
        ctx.print(f"  {ctx.text(name_ja, name_en)}: {text}{mark}")

    def day(value: date) -> str:
        return ctx.text(_japarse_date(value), value.isoformat())

    label_en = item.item.label_en
    ctx.print(ctx.text(item.item.label_ja, label_en[:1].upper() + label_en[1:]))
    rule = item.expiry.rule
    expiry = item.expiry_date
    if expiry is None:
        line(
            "有効期限",
            "expires",
            ctx.text("なし(発行されていません)", "none (not issued)"),
            item.expiry,
        )
    else:
        line("有効期限", "expires", day(expiry), item.expiry)
    ctx.print(f"  {ctx.text('根拠', 'rule')}: {ctx.text(rule.label_ja, rule.label_en)}")
    if item.renewal_from is not None:
        start = item.renewal_from.value
        line(
            "更新手続き",
            "renewal from",
            ctx.text(f"{day(start)}から", day(start)),
            item.renewal_from,
        )
    line(
        "状態", "state", ctx.text(item.state.value.label_ja, item.state.value.label_en), item.state
    )
