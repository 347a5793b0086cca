"""`assess remittance` and `print remittance|back-payment`: 缴存业务 from a shell (issue 10).

gjj-desk assess remittance [--month YYYY-MM] [--json]   # figures, saved as the month's list
gjj-desk submit remittance [--attach 材料=文件 …]        # the generic 全部提交
gjj-desk print remittance 提交编号 -o 核定单.pdf
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.output import print_json, print_table
from app.cli.services import centre_options, log_in_on_the_spot, open_services
from app.errors import KnownError
from app.services.api.models import UnitProfile
from app.services.context import AppServices
from app.services.payments.assessment import RemittanceAssessments, RemittanceCentre
from app.services.payments.document import KINDS, build_document, to_html
from app.services.payments.remittance import RemittanceFigures
from app.services.session import CentreSession, profile_dict
from app.services.units import UnitInfo

NO_UNIT = "还没有添加单位。请先运行：gjj-desk unit add 单位账号 单位名称"


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    assess = commands.add_parser(
        "assess", parents=[common, centre_options()], help="汇缴核定：核定本月应缴金额并保存"
    )
    assess.add_argument("business", choices=["remittance"], metavar="BUSINESS", help="remittance")
    assess.add_argument("--month", metavar="YYYY-MM", help="核定月份（默认为缴至年月的下一个月）")
    assess.add_argument("--dry-run", action="store_true", help="只核定、不保存")
    assess.set_defaults(handler=assess_remittance)

    printing = commands.add_parser("print", parents=[common], help="把核定单保存为 PDF（A4）")
    printing.add_argument("business", choices=sorted(KINDS), metavar="BUSINESS",
                          help="remittance 或 back-payment")  # fmt: skip
    printing.add_argument("submission", type=int, metavar="SUBMISSION", help="提交编号")
    printing.add_argument("-o", "--output", required=True, metavar="FILE", help="保存为（.pdf）")
    printing.set_defaults(handler=print_document)


def remittance_service(
    services: AppServices, unit: UnitInfo, session: CentreSession, args: argparse.Namespace
) -> RemittanceAssessments:
    """The unit's 汇缴核定, asking the centre when it can be reached (logged in or a password)."""

    def centre() -> RemittanceCentre:
        log_in_on_the_spot(args, session, unit)
        return session.client(unit)

    def keep(profile: UnitProfile) -> None:
        services.units.cache_profile(unit.id, profile_dict(profile))

    return RemittanceAssessments(
        services.store,
        unit.id,
        lambda: services.units.policy(unit.id),
        profile=lambda: services.units.profile(unit.id),
        keep_profile=keep,
        centre=centre,
    )


def assess_remittance(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        unit = services.units.current()
        if unit is None:
            raise KnownError(NO_UNIT, code="no-unit")
        service = remittance_service(services, unit, CentreSession(services), args)
        figures = service.assess(args.month) if args.dry_run else service.save(args.month)
    finally:
        services.close()
    if args.json:
        print_json({**figures.as_dict(), "saved": not args.dry_run})
    else:
        _print_figures(figures, saved=not args.dry_run)
    return 0


def _money(value: Any) -> str:
    return "—" if value is None else f"{value:.2f}"


def _print_figures(figures: RemittanceFigures, *, saved: bool) -> None:
    lines = [
        ("核定月份", str(figures.month)),
        ("月缴存额", _money(figures.monthly_total)),
        ("暂存款余额", _money(figures.temporary_balance)),
        ("核定总金额", _money(figures.assessed_total)),
    ]
    for label, tally in (
        ("上月", figures.last_month),
        ("本月增加", figures.increase),
        ("本月减少", figures.decrease),
    ):
        text = "—" if tally is None else f"{tally.count} 人，{tally.amount:.2f} 元"
        lines.append((label, text))
    lines.append(("本月", f"{len(figures.people)} 人，{figures.monthly_total:.2f} 元"))
    print_table(["项目", "金额"], lines)
    people = [
        (p.account_no, p.name, _money(p.base), _money(p.amount), p.change) for p in figures.people
    ]
    print_table(["个人账号", "姓名", "缴存基数", "月缴存额", "本月增加"], people)
    for note in figures.needs_server:
        print(f"注意：{note}")
    if saved:
        print("已保存。确认无误后运行 gjj-desk submit remittance 提交。")


def _gui_offscreen() -> object:
    """A QGuiApplication for fonts and layout only (offscreen: no screen needed)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    return app if app is not None else QGuiApplication(["gjj-desk", "-platform", "offscreen"])


def print_document(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        unit = services.units.current()
        if unit is None:
            raise KnownError(NO_UNIT, code="no-unit")
        document = build_document(
            services.store, unit.id, args.business, args.submission,
            centre_name=services.units.policy(unit.id).centre_name,
            unit_code=unit.code, unit_name=unit.name,
        )  # fmt: skip
    finally:
        services.close()
    _app = _gui_offscreen()
    from app.views.payments.printing import write_pdf  # Qt only for this command

    path = write_pdf(to_html(document), args.output, f"{document.title} {document.months}")
    if args.json:
        print_json({"path": str(path), "rows": len(document.rows), "state": document.state})
    else:
        print(f"已保存{document.title}：{path}")
    return 0
