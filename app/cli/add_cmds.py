"""`add BUSINESS 字段=值 …` and `roster list`: one row into a 清册, and the roster as cached.

    gjj-desk add seal 证件号码=4102… 封存原因=离职 [--list 封存年月=2026-11] [--json]
    gjj-desk roster list [--status 正常|封存] [--json]

Field names are the business's template headers (its keys and the headers' other names are
accepted too); any one of 姓名 / 个人账号 / 证件号码 identifies the person. Exit 0 when the row
was added; 1 with every problem (`--json`: the list `validate --json` prints) and nothing added.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from app.cli.business_cmds import business_arg, open_business
from app.cli.output import print_json, print_table
from app.cli.services import open_services
from app.errors import KnownError
from app.services.batch_import import ImportProblem
from app.services.engine.spec import BusinessSpec, FieldSpec
from app.services.roster import RosterService

SOURCE = "命令行录入"
NO_UNIT = "还没有添加单位。请先运行：gjj-desk unit add 单位账号 单位名称"


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    add = commands.add_parser("add", parents=[common], help="向业务的清册添加一条记录")
    business_arg(add)
    add.add_argument(
        "values", nargs="*", metavar="字段=值", help="字段名同模版表头，如 封存原因=离职"
    )
    add_list_option(add)
    add.set_defaults(handler=add_row)


def add_list_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--list",
        action="append",
        default=[],
        dest="list_values",
        metavar="字段=值",
        help="整个清册统一的值（如 封存年月=2026-11），清册中留空的记录采用它",
    )


def register_roster_list(actions: Any, common: argparse.ArgumentParser) -> None:
    listing = actions.add_parser("list", parents=[common], help="列出本地缓存的职工名册")
    listing.add_argument("--status", metavar="状态", help="只列出该状态的职工，如 正常、封存")
    listing.set_defaults(handler=roster_list)


def _by_name(fields: Iterable[FieldSpec]) -> dict[str, FieldSpec]:
    names: dict[str, FieldSpec] = {}
    for field in fields:
        for name in (field.label, field.key, *field.aliases):
            names.setdefault(name, field)
    return names


def parse_pairs(
    pairs: Iterable[str], fields: Iterable[FieldSpec], row: int
) -> tuple[dict[str, str], list[ImportProblem]]:
    """`字段=值` texts as field key -> value; a problem for each one that names no field."""
    names = _by_name(fields)
    values: dict[str, str] = {}
    problems: list[ImportProblem] = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        field = names.get(name.strip())
        if not sep or field is None:
            known = "、".join(f.label for f in {id(f): f for f in names.values()}.values())
            message = f"“{pair}”应写成 字段=值，字段为：{known}"
            problems.append(ImportProblem(row, name.strip(), value, message))
            continue
        values[field.key] = value.strip()
    return values, problems


def row_problems(
    spec: BusinessSpec, errors: dict[str, str], raw: dict[str, str]
) -> list[ImportProblem]:
    labels = {f.key: f.label for f in spec.fields}
    return [
        ImportProblem(1, labels.get(key, ""), raw.get(key, ""), message, key or None)
        for key, message in errors.items()
    ]


def add_row(args: argparse.Namespace) -> int:
    with open_business(args.business) as business:
        spec = business.spec
        shared, problems = parse_pairs(args.list_values, spec.list_level, 0)
        raw, bad_names = parse_pairs(args.values, spec.input_fields, 1)
        problems += bad_names
        if not problems:
            merged = {**business.pending.list_values(), **shared}
            check = business.pending.check({**merged, **raw})
            problems += row_problems(spec, check.errors, raw)
        if not problems:
            if shared:
                business.pending.set_list_values({**business.pending.list_values(), **shared})
            row = business.pending.add(raw, source=SOURCE)
    if problems:
        if args.json:
            print_json([p.as_dict() for p in problems])
        else:
            print_table(["列", "值", "原因"], [(p.column, p.value, p.message) for p in problems])
        return 1
    if args.json:
        print_json({"id": row.id, "values": row.values})
    else:
        who = row.values.get("name") or row.id
        print(f"已添加到{spec.list_name}：{who}（编号 {row.id}）")
    return 0


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def roster_list(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        unit = services.units.current()
        if unit is None:
            raise KnownError(NO_UNIT, code="no-unit")
        entries = RosterService(services.store, unit.id).roster().entries
    finally:
        services.close()
    if args.status:
        entries = [e for e in entries if e.status == args.status]
    people = [
        {
            "name": e.name,
            "account_no": e.account_no,
            "id_number": e.id_number,
            "status": e.status,
            "base": _money(e.base),
            "monthly_amount": _money(e.monthly_amount),
        }
        for e in sorted(entries, key=lambda e: e.account_no)
    ]
    if args.json:
        print_json(people)
        return 0
    columns = ("name", "account_no", "id_number", "status", "base", "monthly_amount")
    print_table(
        ["姓名", "个人账号", "证件号码", "状态", "缴存基数", "月缴存额"],
        [tuple(p[c] or "" for c in columns) for p in people],
    )
    print(f"共 {len(people)} 人")
    return 0
