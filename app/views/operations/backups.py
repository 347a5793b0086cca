"""Back up and restore the local data (app/services/backup.py) in the background."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.services.backup import BackupInfo, BackupService, RestoreResult, inspect, restore
from app.services.context import AppServices
from app.views.ops import Op, OpContext


def back_up(parent: QWidget, service: BackupService, target: Path) -> Op[BackupInfo]:
    """One backup file at `target`, with a progress dialog if it takes a while."""
    return Op(parent, lambda _ctx: service.backup(target)).with_progress("正在备份本机数据…")


def restore_from(parent: QWidget, services: AppServices, source: Path) -> Op[RestoreResult]:
    """Check the whole file, let the database go, put the backup in place."""

    def work(_ctx: OpContext) -> RestoreResult:
        inspect(source)  # the whole file checks out before the database is let go
        services.close()
        return restore(source)

    return Op(parent, work).with_progress("正在恢复数据…")
