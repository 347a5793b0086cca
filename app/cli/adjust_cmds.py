"""缴存比例调整 and 缴存基数调整 from a shell; `add` serves every business.

    gjj-desk add ratio-change 调整年月=2027-01 单位缴存比例=10% 个人缴存比例=10%
    gjj-desk export base-change -o 职工.xlsx
    gjj-desk validate base-change 职工.xlsx [--month 2027-01] [--json]
    gjj-desk import base-change 职工.xlsx [--month 2027-01]
    gjj-desk review base-change [--json]          # the difference review of the list
    gjj-desk history ratio-change [--json]        # 已复核 / 已使用 with their days

`validate` and `import` are the batch commands of business_cmds; for base-change they read the
edited export instead of a batch template, and `history ratio-change` shows each state with its
day (the routes are set here, after those commands are registered).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.cli.business_cmds import NO_UNIT
from app.cli.output import print_json, print_table
from app.cli.services import open_services
from app.errors import KnownError
from app.services.adjustments.importer import AdjustmentImport
from app.services.adjustments.ratio_history import RatioChangeHistory
from app.services.adjustments.review import DifferenceReview
from app.services.adjustments.service import BaseChangeService
from app.services.businesses import SPECS
from app.services.businesses.ratio_change import STATES_SENTENCE
from app.services.rules.yearmonth import YearMonth

BASE_CHANGE = "base-change"
RATIO_CHANGE = "ratio-change"
Handler = Callable[[argparse.Namespace], int]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    export = commands.add_parser("export", parents=[common], help="缴存职工数据导出")
    export.add_argument("business", choices=[BASE_CHANGE], metavar="BUSINESS", help="base-change")
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="保存为（.xlsx）")
    export.set_defaults(handler=export_file)

    review = commands.add_parser("review", parents=[common], help="缴存基数调整的差异核对")
    review.add_argument("business", choices=[BASE_CHANGE], metavar="BUSINESS", help="base-change")
    review.set_defaults(handler=show_review)

    for name, handler in (("validate", validate_file), ("import", import_file)):
        parser = commands.choices.get(name)  # present when business_cmds registered it first
        if parser is None:
            continue
        parser.add_argument("--month", metavar="YYYY-MM", help="调整年月（仅 base-change）")
        _route(parser, BASE_CHANGE, handler)
    history = commands.choices.get("history")
    if history is not None:
        _route(history, RATIO_CHANGE, show_ratio_history)


def _route(parser: argparse.ArgumentParser, business: str, handler: Handler) -> None:
    """`business` to `handler`, every other business to the command's own handler."""
    generic: Handler = parser.get_default("handler")

    def route(args: argparse.Namespace) -> int:
        return handler(args) if args.business == business else generic(args)

    parser.set_defaults(handler=route)


def _service(run: Callable[[BaseChangeService], Any]) -> Any:
    services = open_services()
    try:
        unit = services.units.current()
        if unit is None:
            raise KnownError(NO_UNIT, code="no-unit")
        return run(
            BaseChangeService(services.store, unit.id, lambda: services.units.policy(unit.id))
        )
    finally:
        services.close()


def export_file(args: argparse.Namespace) -> int:
    result = _service(lambda s: (s.export(args.output), s.ratios()))
    exported, ratios = result
    if args.json:
        print_json({"path": str(exported.path), "employees": exported.count})
    else:
        print(f"已导出 {exported.count} 名缴存职工：{exported.path}")
        print(f"调整后适用：{ratios.describe()}")
    return 0


def _month(args: argparse.Namespace) -> YearMonth | None:
    return YearMonth.parse(args.month) if getattr(args, "month", None) else None


def _print_import(result: AdjustmentImport, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "rows": len(result.rows),
                "month": str(result.month),
                "ratios": result.ratios.describe(),
                "problems": [
                    {"row": p.row, "column": p.column, "value": p.value, "message": p.message}
                    for p in result.problems
                ],
                "not_in_roster": [
                    {"row": s.row, "name": s.name, "account_no": s.account_no}
                    for s in result.strangers
                ],
            }
        )
        return
    for note in result.notes:
        print(note)
    if result.problems:
        rows = [(p.row, p.column, p.value, p.message) for p in result.problems]
        print_table(["行号", "列", "值", "原因"], rows)
    for stranger in result.strangers:
        who = f"{stranger.name}（{stranger.account_no}）"
        print(f"第 {stranger.row} 行 {who}不在本单位花名册中，未导入")
    print(
        f"调整年月 {result.month}，{result.ratios.describe()}；"
        f"正确 {len(result.rows)} 行，有误 {len({p.row for p in result.problems})} 行。"
    )


def validate_file(args: argparse.Namespace) -> int:
    result: AdjustmentImport = _service(lambda s: s.validate(args.file, _month(args)))
    _print_import(result, args.json)
    return 0 if result.clean else 1


def import_file(args: argparse.Namespace) -> int:
    def run(service: BaseChangeService) -> tuple[AdjustmentImport, DifferenceReview]:
        checked = service.validate(args.file, _month(args))
        if checked.problems:
            _print_import(checked, args.json)  # every bad row, before the refusal
        return service.import_checked(checked), service.review()

    result, review = _service(run)
    if args.json:
        print_json({"imported": len(result.rows), "summary": review.summary()})
    else:
        _print_import(result, False)
        print(f"已导入 {len(result.rows)} 行到{SPECS[BASE_CHANGE].list_name}。{review.summary()}")
    return 0


def show_review(args: argparse.Namespace) -> int:
    review: DifferenceReview = _service(lambda s: s.review())
    if args.json:
        print_json(
            {
                "summary": review.summary(),
                "changed": review.changed,
                "unchanged": review.unchanged,
                "old_amount_total": str(review.old_amount_total),
                "new_amount_total": str(review.new_amount_total),
                "missing": [{"account_no": m.account_no, "name": m.name} for m in review.missing],
                "rows": [
                    {
                        "account_no": r.account_no,
                        "name": r.name,
                        "old_base": str(r.old_base),
                        "new_base": str(r.new_base),
                        "old_monthly_amount": str(r.old_total),
                        "monthly_amount": str(r.new_total),
                    }
                    for r in review.rows
                ],
            }
        )
        return 0
    table = [
        (r.account_no, r.name, r.old_base, r.new_base, r.old_total, r.new_total, r.total_change)
        for r in review.rows
    ]
    print_table(["个人账号", "姓名", "原基数", "新基数", "原月缴存额", "新月缴存额", "变化"], table)
    if review.missing:
        print(
            "花名册中未出现在文件里的职工（基数不变）：" + "、".join(m.name for m in review.missing)
        )
    print(review.summary())
    return 0


def show_ratio_history(args: argparse.Namespace) -> int:
    """缴存比例调整 as 缴存比例调整查询 shows them: ratios, state with its day, what it means."""
    services = open_services()
    try:
        unit = services.units.current()
        if unit is None:
            raise KnownError(NO_UNIT, code="no-unit")
        changes = RatioChangeHistory(services.store, unit.id).changes()
    finally:
        services.close()
    if args.json:
        print_json([{"id": c.outbox_id, **c.as_dict()} for c in changes])
        return 0
    table = [
        (
            c.outbox_id,
            c.submitted_at.strftime("%Y-%m-%d %H:%M"),
            c.effective_month,
            c.unit_ratio,
            c.personal_ratio,
            c.dated_state,
            c.reason or c.note,
        )
        for c in changes
    ]
    headers = ["提交编号", "提交时间", "调整年月", "单位比例", "个人比例", "状态", "说明"]
    print_table(headers, table)
    print(f"缴存比例调整{STATES_SENTENCE}")
    return 0
