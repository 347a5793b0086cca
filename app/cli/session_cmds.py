"""`login`, `roster sync`, `lookup`: the centre session from a terminal."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from app.cli import add_cmds
from app.cli.output import print_json, print_table
from app.cli.services import (
    HEADLESS_HOWTO,
    PASSWORD_ENV,
    centre_options,
    given_password,
    open_services,
    with_centre,
)
from app.errors import BadInputError
from app.services.context import AppServices
from app.services.roster import LookupKey, RosterService, SyncCounts, fetch_from
from app.services.rules.idnumber import mask_id
from app.services.session import CentreSession, LoginOutcome
from app.services.units import UnitInfo


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    login = commands.add_parser("login", parents=[common], help="登录公积金中心服务器")
    login.add_argument("--server", help="服务器地址（默认用上次的）")
    login.add_argument("--unit", help="单位账号（默认当前单位）")
    login.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"从标准输入读密码（供脚本使用；也可设环境变量 {PASSWORD_ENV}）",
    )
    login.add_argument("--remember", action="store_true", help="在系统钥匙串中记住密码")
    login.add_argument(
        "--insecure", action="store_true", help="允许以不加密的 http:// 连接非本机服务器（不推荐）"
    )
    login.set_defaults(handler=login_command)

    logout = commands.add_parser(
        "logout", parents=[common], help="退出登录（通知服务器作废令牌，并从钥匙串删除）"
    )
    logout.set_defaults(handler=logout_command)

    roster = commands.add_parser("roster", parents=[common], help="职工名册")
    actions = roster.add_subparsers(dest="action", metavar="ACTION", required=True)
    sync = actions.add_parser(
        "sync", parents=[common, centre_options()], help="从中心同步名册（增量）"
    )
    sync.set_defaults(handler=roster_sync)
    add_cmds.register_roster_list(actions, common)

    lookup = commands.add_parser(
        "lookup", parents=[common], help="按姓名、个人账号或证件号码查找职工（本地名册）"
    )
    lookup.add_argument("text", help="姓名、个人账号或证件号码")
    lookup.add_argument("--key", choices=[k.value for k in LookupKey], help="指定按哪一项查找")
    lookup.set_defaults(handler=lookup_command)


def _current(services: AppServices) -> UnitInfo:
    unit = services.units.current()
    if unit is None:
        raise BadInputError("尚未添加或登录任何单位，请先运行 gjj-desk login。")
    return unit


def login_command(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        session = CentreSession(services)
        current = services.units.current()
        server = args.server or session.server_url(current)
        unit_code = args.unit or (current.code if current else None)
        if not server or not unit_code:
            raise BadInputError("请用 --server 和 --unit 指定服务器地址和单位账号。")
        password = given_password(args) or getpass.getpass(f"单位 {unit_code} 的密码：")
        outcome = session.login(
            server, unit_code, password, remember=args.remember, insecure=args.insecure
        )
    finally:
        services.close()
    warning = _login_warning(args, outcome)
    if args.json:
        print_json(
            {
                "unit": outcome.unit.code,
                "name": outcome.unit.name,
                "server": server,
                "password_remembered": outcome.password_remembered,
                "login_kept": outcome.login_kept,
                "warning": warning,
            }
        )
    else:
        print(f"已登录：{outcome.unit.name}（{outcome.unit.code}），服务器 {server}")
    if warning:
        print(f"注意：{warning}", file=sys.stderr)
    return 0


def _login_warning(args: argparse.Namespace, outcome: LoginOutcome) -> str | None:
    """Without a usable keyring the login ends with this command: say so, and what to do."""
    if outcome.login_kept and (outcome.password_remembered or not args.remember):
        return None
    parts = []
    if not outcome.login_kept:
        parts.append("本机没有可用的系统钥匙串，此次登录不会保留：下一条命令仍是未登录。")
    if args.remember and not outcome.password_remembered:
        parts.append("密码未记住（没有可用的系统钥匙串）。")
    parts.append(HEADLESS_HOWTO)
    return "".join(parts)


def logout_command(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        unit = _current(services)
        revoked = CentreSession(services).logout(unit)
    finally:
        services.close()
    if args.json:
        print_json({"unit": unit.code, "server_revoked": revoked})
    elif revoked:
        print(f"已退出登录：{unit.name}（{unit.code}）")
    else:
        print(f"已退出登录：{unit.name}（{unit.code}）；未能连接服务器，令牌将在到期后失效。")
    return 0


def roster_sync(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        unit = _current(services)
        roster = RosterService(services.store, unit.id)
        session = CentreSession(services)

        def sync() -> SyncCounts:
            with session.client(unit) as client:
                return roster.sync(fetch_from(client))

        counts = with_centre(args, session, unit, sync)
        total = roster.count()
    finally:
        services.close()
    result = {
        "added": counts.added,
        "changed": counts.changed,
        "removed": counts.removed,
        "version": counts.version,
        "total": total,
    }
    if args.json:
        print_json(result)
    else:
        print(
            f"名册已同步：新增 {counts.added}，变更 {counts.changed}，移除 {counts.removed}，"
            f"本地共 {total} 人。"
        )
    return 0


def lookup_command(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        unit = _current(services)
        result = RosterService(services.store, unit.id).resolve(args.text, args.key)
    finally:
        services.close()
    people = [
        {
            "name": p.name,
            "account_no": p.account_no,
            "id_type": p.id_type,
            "id_number": p.id_number,
            "status": p.status,
            "base": str(p.base) if p.base is not None else None,
        }
        for p in result.persons
    ]
    if args.json:
        print_json({"state": result.state.value, "message": result.message, "persons": people})
    elif not people:
        print(result.message)
    else:
        print_table(
            ["姓名", "个人账号", "证件号码", "状态", "缴存基数"],
            [
                (p["name"], p["account_no"], mask_id(p["id_number"]), p["status"], p["base"] or "")
                for p in people
            ],
        )
    return 0 if people else 1
