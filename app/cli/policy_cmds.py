"""`policy show`: the centre policy in force for the current unit."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from app.cli.output import print_json, print_table
from app.cli.services import current_policy
from app.services.policy import BUSINESS_NAMES, CentrePolicy
from app.services.rules.money import format_money


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    policy = commands.add_parser("policy", parents=[common], help="中心政策")
    actions = policy.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", parents=[common], help="显示当前单位适用的中心政策")
    show.set_defaults(handler=show_policy)


def _span(low: Decimal, high: Decimal) -> str:
    return f"{format_money(low)} – {format_money(high)}"


def _rows(policy: CentrePolicy) -> list[tuple[str, str]]:
    origin = "客户端内置默认值（待中心服务器下发后替换）" if policy.is_default else "中心服务器下发"
    rows = [
        ("管理中心", policy.centre_name),
        ("政策版本", f"{policy.version}（{origin}）"),
        ("单位缴存比例", policy.unit_ratio.describe()),
        ("个人缴存比例", policy.personal_ratio.describe()),
        ("缴存基数", _span(policy.base_floor, policy.base_ceiling)),
        ("月缴存额", _span(policy.monthly_amount_min, policy.monthly_amount_max)),
        ("舍入方式", policy.rounding.label),
        ("封存原因", "、".join(policy.seal_reasons)),
        ("启封原因", "、".join(policy.unseal_reasons)),
        ("补缴原因", "、".join(policy.backpay_reasons)),
        ("补缴最多追溯", f"{policy.backpay_max_months_back} 个月"),
        ("证件类型", "、".join(policy.accepted_id_types)),
        (
            "影像资料上限",
            f"每份 {policy.attachments.max_bytes_per_document // 1024 // 1024} MB，"
            f"{'/'.join(policy.attachments.accepted_file_types)}，"
            f"{policy.attachments.target_dpi} dpi",
        ),
    ]
    for code, name in BUSINESS_NAMES.items():
        materials = policy.materials_for(code)
        listed = "、".join(f"{m.name}{'（必传）' if m.required else ''}" for m in materials)
        rows.append((f"材料：{name}", listed or "无"))
    return rows


def show_policy(args: argparse.Namespace) -> int:
    policy = current_policy()
    if args.json:
        print_json(policy.to_dict())
    else:
        print_table(["项目", "内容"], _rows(policy))
    return 0
