"""`check-id` and `calc`: the rules, from a terminal or a script."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from app.cli.output import print_json, print_table
from app.services.rules.contribution import compute_contribution
from app.services.rules.idnumber import IdCheck, check_resident_id
from app.services.rules.money import format_money, format_ratio, parse_money, parse_ratio
from app.services.rules.rounding import RoundingMethod


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    check = commands.add_parser(
        "check-id",
        parents=[common],
        help="校验居民身份证号码",
        description="校验居民身份证号码（18 位，或 15 位旧号自动升为 18 位）。",
    )
    check.add_argument(
        "ids", nargs="+", metavar="ID", help="证件号码；用 - 表示从标准输入每行读一个"
    )
    check.set_defaults(handler=check_ids)

    calc = commands.add_parser(
        "calc",
        parents=[common],
        help="按中心政策计算月缴存额",
        description="按当前单位的中心政策计算单位、个人月缴存额及合计。",
    )
    calc.add_argument("--base", required=True, help="缴存基数，如 5000 或 5,000.00")
    calc.add_argument("--unit-ratio", required=True, help="单位缴存比例，如 12%% 或 0.12 或 12")
    calc.add_argument("--personal-ratio", required=True, help="个人缴存比例")
    calc.add_argument(
        "--rounding",
        help="舍入方式（代码或中文名，如 half_up_yuan / 见角进元）；默认按政策",
    )
    calc.set_defaults(handler=calc_amounts)


def _ids_from(args: argparse.Namespace) -> list[str]:
    ids: list[str] = []
    for value in args.ids:
        if value == "-":
            ids.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            ids.append(value)
    return ids


def _as_json(check: IdCheck) -> dict[str, Any]:
    return {
        "input": check.input,
        "valid": check.valid,
        "normalized": check.normalized,
        "birth_date": check.birth_date.isoformat() if check.birth_date else None,
        "sex": check.sex,
        "message": check.message,
        "warnings": list(check.warnings),
    }


def check_ids(args: argparse.Namespace) -> int:
    checks = [check_resident_id(value) for value in _ids_from(args)]
    if args.json:
        print_json([_as_json(c) for c in checks])
    else:
        rows = [
            (
                c.input,
                "有效" if c.valid else "无效",
                c.normalized or "",
                c.birth_date.isoformat() if c.birth_date else "",
                c.sex or "",
                c.message or "；".join(c.warnings),
            )
            for c in checks
        ]
        print_table(["输入", "结论", "标准号码", "出生日期", "性别", "说明"], rows)
    return 0 if checks and all(c.valid for c in checks) else 1


def calc_amounts(args: argparse.Namespace) -> int:
    from app.cli.services import current_policy  # the store: not for check-id

    policy = current_policy()
    base = parse_money(args.base, what="缴存基数")
    unit_ratio = parse_ratio(args.unit_ratio, what="单位缴存比例")
    personal_ratio = parse_ratio(args.personal_ratio, what="个人缴存比例")
    rounding = RoundingMethod.parse(args.rounding) if args.rounding else policy.rounding
    policy = dataclasses.replace(policy, rounding=rounding)
    result = compute_contribution(base, unit_ratio, personal_ratio, policy)
    if args.json:
        print_json(
            {
                "base": str(base),
                "unit_ratio": str(unit_ratio),
                "personal_ratio": str(personal_ratio),
                "rounding": rounding.value,
                "unit_amount": f"{result.unit_amount:.2f}",
                "personal_amount": f"{result.personal_amount:.2f}",
                "total": f"{result.total:.2f}",
                "valid": not result.problems,
                "problems": list(result.problems),
            }
        )
    else:
        print_table(
            ["项目", "数值"],
            [
                ("缴存基数", format_money(base)),
                ("单位比例", format_ratio(unit_ratio)),
                ("个人比例", format_ratio(personal_ratio)),
                ("舍入方式", rounding.label),
                ("单位月缴存额", format_money(result.unit_amount)),
                ("个人月缴存额", format_money(result.personal_amount)),
                ("月缴存额合计", format_money(result.total)),
            ],
        )
        for problem in result.problems:
            print(f"不符合政策：{problem}")
    return 0 if not result.problems else 1
