"""`template|validate|import|pending|submit|history BUSINESS`: a business's life from a shell.

    gjj-desk template open-account -o 模版.xlsx
    gjj-desk validate open-account 名单.xlsx [--json]      # needs no unit
    gjj-desk import open-account 名单.xlsx [--valid-only]
    gjj-desk pending list open-account | show open-account ID | delete open-account ID
    gjj-desk submit open-account [--attach 身份证复印件=scan.pdf …]
    gjj-desk history open-account [--json]       # review states in the clerk's words, per row
    gjj-desk add seal 证件号码=4102… 封存原因=离职    # see add_cmds

Everything but `template` and `validate` works on the current unit (`unit add`/`unit switch`).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.cli.output import print_json, print_table
from app.cli.services import open_services
from app.errors import BadInputError, KnownError
from app.services import batch_import
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.history import SubmissionHistory
from app.services.engine.pending import PendingLists, RowView
from app.services.engine.spec import BusinessSpec, RowContext
from app.services.policy import CentrePolicy, load_default
from app.services.units import UnitInfo

NO_UNIT = "还没有添加单位。请先运行：gjj-desk unit add 单位账号 单位名称"


@dataclass
class _Business:
    services: AppServices
    unit: UnitInfo
    spec: BusinessSpec
    pending: PendingLists

    def policy(self) -> CentrePolicy:
        return self.services.units.policy(self.unit.id)


def business_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "business", choices=sorted(SPECS), metavar="BUSINESS", help="业务，如 open-account"
    )


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    template = commands.add_parser("template", parents=[common], help="下载业务的批量导入模版")
    business_arg(template)
    template.add_argument("-o", "--output", required=True, metavar="FILE", help="保存为（.xlsx）")
    template.set_defaults(handler=make_template)

    validate = commands.add_parser("validate", parents=[common], help="校验批量导入文件")
    business_arg(validate)
    validate.add_argument("file", metavar="FILE", help=".xlsx / .xls / .ods / .csv")
    validate.add_argument("--report", metavar="FILE", help="把错误报告另存为 .xlsx")
    validate.set_defaults(handler=validate_command)

    imp = commands.add_parser("import", parents=[common], help="把文件导入清册")
    business_arg(imp)
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--valid-only", action="store_true", help="仅导入正确的行（否则有错即不导入）")
    imp.add_argument(
        "--list",
        action="append",
        default=[],
        dest="list_values",
        metavar="字段=值",
        help="整个清册统一的值（如 封存年月=2026-11），表中留空的单元格采用它",
    )
    imp.set_defaults(handler=import_file)

    pending = commands.add_parser("pending", parents=[common], help="清册：列出、查看、删除")
    actions = pending.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common], help="列出清册中的记录")
    business_arg(listing)
    listing.set_defaults(handler=list_pending)
    for name, handler, help_text in (
        ("show", show_pending, "查看一条记录"),
        ("delete", delete_pending, "删除一条记录"),
    ):
        action = actions.add_parser(name, parents=[common], help=help_text)
        business_arg(action)
        action.add_argument("id", type=int, metavar="ID", help="记录编号（见 pending list）")
        action.set_defaults(handler=handler)

    submit = commands.add_parser("submit", parents=[common], help="全部提交清册")
    business_arg(submit)
    submit.add_argument(
        "--attach",
        action="append",
        default=[],
        metavar="MATERIAL=FILE",
        help="影像资料，如 身份证复印件=scan.pdf；可多次给出，同一材料可给多个文件",
    )
    submit.set_defaults(handler=submit_list)

    history = commands.add_parser("history", parents=[common], help="已提交的记录与审核状态")
    business_arg(history)
    history.set_defaults(handler=show_history)


@contextmanager
def open_business(code: str) -> Iterator[_Business]:
    services = open_services()
    try:
        unit = services.units.current()
        if unit is None:
            raise KnownError(NO_UNIT, code="no-unit")
        spec = SPECS[code]
        # The business's own list class where it has one (补缴: 起缴年月, months already paid).
        pending = spec.open_list(services.store, unit.id, lambda: services.units.policy(unit.id))
        yield _Business(services, unit, spec, pending)
    finally:
        services.close()


def make_template(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        unit = services.units.current()
        policy = services.units.policy(unit.id) if unit else load_default()
    finally:
        services.close()
    path = batch_import.write_template_file(args.output, SPECS[args.business], policy)
    if args.json:
        print_json({"path": str(path)})
    else:
        print(f"已生成模版：{path}")
    return 0


def _print_check(check: batch_import.ImportCheck, as_json: bool) -> None:
    if as_json:
        print_json([p.as_dict() for p in check.problems])
        return
    for note in check.notes:
        print(note)
    if check.problems:
        rows = [(p.row, p.column, p.value, p.message) for p in check.problems]
        print_table(["行号", "列", "值", "原因"], rows)
    if check.unknown_headers:
        print(f"已忽略的列：{'、'.join(check.unknown_headers)}")
    print(
        f"共 {len(check.rows)} 行：正确 {len(check.good_rows)} 行，有误 {len(check.bad_rows)} 行。"
    )


def validate_command(args: argparse.Namespace) -> int:
    spec = SPECS[args.business]
    services = open_services()
    try:
        unit = services.units.current()
        if unit is None:
            target: PendingLists | RowContext = batch_import.standalone_context(load_default())
            notes = ["（未添加单位：按中心默认政策校验，不核对本单位花名册和清册。）"]
        else:
            target = spec.open_list(services.store, unit.id, lambda: services.units.policy(unit.id))
            notes = []
        check = batch_import.validate_file(args.file, spec, target)
    finally:
        services.close()
    check.notes.extend(notes)
    _print_check(check, args.json)
    if args.report and check.problems:
        batch_import.write_report(check, args.report)
        if not args.json:
            print(f"错误报告已保存：{args.report}")
    return 0 if check.clean else 1


def _set_list_values(business: _Business, pairs: list[str]) -> None:
    """`--list 字段=值`: stored with the list before its rows are checked."""
    if not pairs:
        return
    names = {n: f for f in business.spec.list_level for n in (f.label, f.key, *f.aliases)}
    shared: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        field = names.get(name.strip())
        if not sep or field is None:
            known = "、".join(f.label for f in business.spec.list_level) or "（本业务没有）"
            raise BadInputError(f"--list 应写成 字段=值，字段为：{known}（收到“{pair}”）")
        shared[field.key] = value.strip()
    business.pending.set_list_values({**business.pending.list_values(), **shared})


def import_file(args: argparse.Namespace) -> int:
    with open_business(args.business) as business:
        _set_list_values(business, args.list_values)
        check = batch_import.validate_file(args.file, business.spec, business.pending)
        if not args.valid_only and not check.clean:
            _print_check(check, args.json)  # what is wrong, before the refusal below
        added = batch_import.import_rows(check, business.pending, valid_only=args.valid_only)
        skipped = [r.row for r in check.bad_rows]
    if args.json:
        print_json(
            {
                "imported": len(added),
                "skipped_rows": skipped,
                "problems": [p.as_dict() for p in check.problems],
            }
        )
    else:
        if check.problems:
            _print_check(check, False)
        print(f"已导入 {len(added)} 行到{business.spec.list_name}。", end="")
        print(f"跳过有误的 {len(skipped)} 行。" if skipped else "")
    return 0


def _row_dict(spec: BusinessSpec, row: RowView) -> dict[str, Any]:
    return {"id": row.id, "source": row.source, "values": row.values, "errors": row.errors}


def list_pending(args: argparse.Namespace) -> int:
    with open_business(args.business) as business:
        rows = business.pending.rows()
        summary = business.pending.summary(rows)
    spec = business.spec
    if args.json:
        print_json([_row_dict(spec, r) for r in rows])
        return 0
    fields = spec.list_fields()
    table = [
        (r.id, *(r.values.get(f.key, "") for f in fields), "；".join(r.errors.values()))
        for r in rows
    ]
    print_table(["编号", *(f.label for f in fields), "错误说明"], table)
    totals = "，".join(f"{spec.field(k).label}合计 {v:.2f}" for k, v in summary.totals.items())
    print(f"{spec.list_name}：共 {summary.count} 条" + (f"，{totals}" if totals else ""))
    return 0


def _find(business: _Business, row_id: int) -> RowView:
    for row in business.pending.rows():
        if row.id == row_id:
            return row
    raise BadInputError(f"{business.spec.list_name}中没有编号为 {row_id} 的记录。")


def show_pending(args: argparse.Namespace) -> int:
    with open_business(args.business) as business:
        row = _find(business, args.id)
    spec = business.spec
    if args.json:
        print_json(_row_dict(spec, row))
        return 0
    lines = [(f.label, row.values.get(f.key, ""), row.errors.get(f.key, "")) for f in spec.fields]
    print_table(["项目", "值", "问题"], lines)
    print(f"来源：{row.source or ''}")
    return 0


def delete_pending(args: argparse.Namespace) -> int:
    with open_business(args.business) as business:
        row = _find(business, args.id)
        business.pending.delete(row.id)
    if args.json:
        print_json({"deleted": row.id})
    else:
        print(f"已从{business.spec.list_name}删除：{row.values.get('name', row.id)}")
    return 0


def _attachments(pairs: list[str]) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for pair in pairs:
        material, sep, file = pair.partition("=")
        if not sep or not material.strip() or not file.strip():
            raise BadInputError(
                f"--attach 应写成 材料名=文件，如 身份证复印件=scan.pdf（收到“{pair}”）"
            )
        path = Path(file.strip())
        if not path.is_file():
            raise BadInputError(f"找不到文件：{path}")
        found.setdefault(material.strip(), []).append(path)
    return found


def submit_list(args: argparse.Namespace) -> int:
    materials = _attachments(args.attach)
    with open_business(args.business) as business:
        attachments = AttachmentService(business.services.store, business.unit.id)
        list_id = business.pending.list_id()
        policy = business.policy()
        for material, files in materials.items():
            attachments.add(business.spec.code, list_id, material, list(files), policy)
        count = len(business.pending.rows())
        outbox_id = business.pending.submit()
    if args.json:
        print_json({"outbox_id": outbox_id, "rows": count})
    else:
        print(f"已提交 {count} 条（提交编号 {outbox_id}）；联网后自动上传。")
        print("可用 gjj-desk history 查看上传和审核状态。")
    return 0


def _outcomes(history: SubmissionHistory, code: str) -> dict[int, list[dict[str, Any]]]:
    """Each submission's rows as the reviewer left them: the person, the word, the reason."""
    found: dict[int, list[dict[str, Any]]] = {}
    for row in history.rows((code,)):
        rows = found.setdefault(row.outbox_id, [])
        rows.append(
            {
                "row": len(rows) + 1,
                "name": row.name,
                "account_no": row.account_no,
                "id_number": row.id_number,
                "status": row.state,
                "reason": row.reason,
            }
        )
    return found


def show_history(args: argparse.Namespace) -> int:
    with open_business(args.business) as business:
        history = SubmissionHistory(business.services.store, business.unit.id)
        items = history.submissions((business.spec.code,))
        outcomes = _outcomes(history, business.spec.code) if args.json else {}
    if args.json:
        print_json(
            [
                {
                    "id": i.id,
                    "created_at": i.created_at.isoformat(),
                    "rows": i.row_count,
                    "state": i.state,
                    "review_state": i.review_state,
                    "review_reason": i.review_reason,
                    "last_error": i.last_error,
                    "status": i.status.label,
                    "rejected_rows": i.rejected_rows,
                    "outcomes": outcomes.get(i.id, []),
                }
                for i in items
            ]
        )
        return 0
    table = [
        (
            i.id,
            i.created_at.strftime("%Y-%m-%d %H:%M"),
            i.row_count,
            i.status.label + (f"（{i.rejected_rows} 条被退回）" if i.rejected_rows else ""),
            i.state_label,
            i.review_reason or i.last_error or "",
        )
        for i in items
    ]
    print_table(["提交编号", "提交时间", "条数", "状态", "上传状态", "原因"], table)
    return 0
