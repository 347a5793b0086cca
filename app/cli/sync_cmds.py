"""`sync` (send the outbox, pull review states) and `status` (unit, login, outbox, last sync).

Exit codes: 0 all well; 1 some submission was refused by the centre (失败, the clerk must fix
it); 2 offline, not logged in or the login expired (nothing is lost: the outbox keeps it all).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from app.cli.output import error, print_json
from app.cli.services import NOT_LOGGED_IN as HEADLESS_NOT_LOGGED_IN
from app.cli.services import centre_options, log_in_on_the_spot, open_services
from app.errors import AuthError
from app.services.context import AppServices
from app.services.engine.states import UploadState
from app.services.outbox import STATE_LABELS, OutboxSync, SyncReport
from app.services.outbox_batch import DEFAULT_BATCH
from app.services.session import CentreSession
from app.services.units import UnitInfo

EXIT_OK, EXIT_FAILED_ITEMS, EXIT_TROUBLE = 0, 1, 2
NO_UNIT = "尚未登录任何单位，请先运行 gjj-desk login 登录。"
NOT_LOGGED_IN = f"{HEADLESS_NOT_LOGGED_IN}待上传的申报都已保留。"


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    sync = commands.add_parser(
        "sync",
        parents=[common, centre_options()],
        help="上传待提交的申报并拉回审核状态",
        description="上传待提交的申报（含影像资料）并拉回审核状态。"
        "退出码：0 正常；1 有申报被中心拒收；2 无法连接、未登录或登录失效。",
    )
    sync.set_defaults(handler=run_sync)
    status = commands.add_parser(
        "status", parents=[common], help="当前单位、服务器、登录状态、待上传数量与上次同步时间"
    )
    status.set_defaults(handler=show_status)


class _TerminalProgress:
    """`上传中 3/10` rewritten in place on stderr (only used when stderr is a terminal)."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        print(f"\r上传中 {done}/{total}", end="", file=sys.stderr, flush=True)
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _outbox(services: AppServices, unit: UnitInfo, session: CentreSession) -> OutboxSync:
    return OutboxSync(services.store, unit.id, lambda: session.client(unit), batch=DEFAULT_BATCH)


def run_sync(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        unit = services.units.current()
        if unit is None:
            return _trouble(args, NO_UNIT)
        session = CentreSession(services)
        try:
            log_in_on_the_spot(args, session, unit)  # GJJ_DESK_PASSWORD / --password-stdin
        except AuthError as exc:
            refused = exc.code != "auth_required"  # a given password the centre refused
            return _trouble(args, exc.message if refused else NOT_LOGGED_IN, unit)
        outbox = _outbox(services, unit, session)
        progress = _TerminalProgress() if sys.stderr.isatty() and not args.json else None
        try:
            report = outbox.sync(progress=progress, manual=True)  # asked by hand: send now
        except AuthError:
            return _trouble(args, NOT_LOGGED_IN, unit)
        finally:
            if progress is not None:
                progress.finish()
        return _report(args, unit, report, outbox.counts())
    finally:
        services.close()


def _trouble(args: argparse.Namespace, message: str, unit: UnitInfo | None = None) -> int:
    if args.json:
        print_json({"ok": False, "unit": unit.code if unit else None, "error": message})
    else:
        error(message)
    return EXIT_TROUBLE


def _report(
    args: argparse.Namespace, unit: UnitInfo, report: SyncReport, counts: dict[str, int]
) -> int:
    run = report.run
    trouble = None if run.cancelled else run.stopped
    trouble = trouble or report.pull_error
    if args.json:
        print_json(
            {
                "ok": trouble is None and not run.failures,
                "unit": unit.code,
                "sent": run.sent,
                "replayed": run.replayed,
                "retry_later": run.retry_later,
                "failed": [{"id": i, "error": why} for i, why in run.failures],
                "reviews_updated": report.reviews_updated,
                "roster_added": report.roster.added if report.roster else 0,
                "roster_changed": report.roster.changed if report.roster else 0,
                "idle_reason": report.idle_reason,
                "originals_removed": report.originals_removed,
                "error": trouble,
                "outbox": counts,
            }
        )
    else:
        line = f"已上传 {run.sent} 笔"
        if report.idle_reason and not run.sent:
            line = report.idle_reason.rstrip("。")
        if run.replayed:
            line += f"（其中 {run.replayed} 笔中心此前已收到，未重复记录）"
        if run.retry_later:
            line += f"；{run.retry_later} 笔稍后自动重试"
        if report.pulled:
            line += f"；审核状态更新 {report.reviews_updated} 笔"
        if report.roster is not None:
            line += f"；名册新增 {report.roster.added} 人、变更 {report.roster.changed} 人"
        if report.originals_removed:
            line += f"；已清理 {report.originals_removed} 份审核通过且已到期的原件"
        print(line + "。")
        for item_id, why in run.failures:
            print(f"失败（提交 {item_id}）：{why}")
        print(_counts_line(counts))
        if trouble:
            error(f"{trouble}（未上传的申报已保留，联网后再次同步即可）")
    if trouble:
        return EXIT_TROUBLE
    return EXIT_FAILED_ITEMS if run.failures else EXIT_OK


def _counts_line(counts: dict[str, int]) -> str:
    return " · ".join(f"{label} {counts.get(label, 0)}" for label in STATE_LABELS.values())


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def show_status(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        unit = services.units.current()
        if unit is None:
            if args.json:
                print_json({"unit": None, "server_url": None, "logged_in": False})
            else:
                print("当前单位：无（请先运行 gjj-desk login 登录）")
            return EXIT_OK
        session = CentreSession(services)
        outbox = _outbox(services, unit, session)
        server_url, logged_in = session.server_url(unit), session.is_logged_in(unit)
        counts, reviews = outbox.counts(), outbox.review_counts()
        last_sync = outbox.last_synced_at()
        failed = outbox.items(state=UploadState.FAILED)
    finally:
        services.close()
    if args.json:
        print_json(
            {
                "unit": {"code": unit.code, "name": unit.name},
                "server_url": server_url,
                "logged_in": logged_in,
                "outbox": counts,
                "reviews": reviews,
                "last_sync": _when(last_sync),
                "failed": [
                    {"id": f.id, "business": f.business, "error": f.last_error} for f in failed
                ],
            }
        )
        return EXIT_OK
    print(f"当前单位：{unit.name}（{unit.code}）")
    print(f"中心服务器：{server_url or '未设置'}")
    print(f"登录状态：{'已登录' if logged_in else '未登录'}")
    print(f"申报：{_counts_line(counts)}")
    if reviews:
        print("审核：" + " · ".join(f"{state} {n}" for state, n in reviews.items()))
    shown = f"{last_sync:%Y-%m-%d %H:%M:%S}（UTC）" if last_sync else "从未同步"
    print(f"上次同步：{shown}")
    for item in failed:
        print(f"失败（提交 {item.id}）：{item.last_error}")
    return EXIT_OK
