"""A batch import's steps (app/services/import_session.py) in the background."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.services.engine.pending import RowView
from app.services.import_session import ImportSession, Verdict
from app.views.ops import Op, OpContext


def check_file(parent: QWidget, session: ImportSession, path: str) -> Op[Verdict]:
    """Read and check every row, with progress; 取消 ends it with `Cancelled`."""

    def work(ctx: OpContext) -> Verdict:
        return session.check_file(path, progress=ctx.report, cancelled=lambda: ctx.cancelled)

    return Op(parent, work)


def export_report(parent: QWidget, session: ImportSession, path: str | PathLike[str]) -> Op[Path]:
    """导出错误报告 of the checked file."""
    return Op(parent, lambda _ctx: session.export_report(path))


def import_rows(parent: QWidget, session: ImportSession, *, valid_only: bool) -> Op[list[RowView]]:
    """全部导入 / 仅导入正确的行, in one transaction."""
    return Op(parent, lambda _ctx: session.import_rows(valid_only=valid_only))
