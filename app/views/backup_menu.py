"""文件 → 备份数据 / 恢复数据 in the main window, and the reminder when a backup is due."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMainWindow, QMessageBox

from app.errors import KnownError
from app.services.backup import (
    SUFFIX,
    BackupInfo,
    BackupService,
    RestoreResult,
    default_name,
)
from app.services.context import AppServices
from app.services.settings import Settings
from app.services.sizes import human_size
from app.views import file_dialogs
from app.views.messages import LONG_MS, StatusMessages
from app.views.operations import backups as operations
from app.views.ops import Op

logger = logging.getLogger(__name__)

FILTER = f"备份文件 (*{SUFFIX});;所有文件 (*)"


class BackupMenu(QObject):
    """The window's 文件 menu: back up while working; restore, then close to start afresh."""

    def __init__(
        self, window: QMainWindow, services: AppServices, messages: StatusMessages
    ) -> None:
        super().__init__(window)
        self.window = window
        self.messages = messages
        self.services = services
        self.service = BackupService(services.store, services.settings)
        self.op: Op[BackupInfo] | Op[RestoreResult] | None = None
        self.restored: RestoreResult | None = None
        menu = window.menuBar().addMenu("文件(&F)")
        self.backup_action = menu.addAction("备份数据…")
        self.backup_action.triggered.connect(lambda: self.backup())
        self.restore_action = menu.addAction("恢复数据…")
        self.restore_action.triggered.connect(lambda: self.restore())
        QTimer.singleShot(0, self.remind)

    def remind(self) -> None:
        """Say in the status bar when the last backup is older than the setting allows."""
        text = self.service.reminder()
        if text:
            self.messages.say(text, LONG_MS)

    def backup(self, target: Path | None = None) -> Op[BackupInfo] | None:
        """Back up to `target` (asked for when None) in the background."""
        if target is None:
            name, _ = file_dialogs.get_save_file_name(
                self.window, "备份数据", default_name(), FILTER, purpose="backup"
            )
            if not name:
                return None
            target = Path(name)
        out = target

        def done(info: BackupInfo) -> None:
            self.op = None
            self.messages.say(f"已备份到 {info.path}（共 {human_size(info.size)}）", LONG_MS)

        op = operations.back_up(self.window, self.service, out)
        self.op = op.success(done).failure(self._failed).run()
        return op

    def restore(self, source: Path | None = None) -> Op[RestoreResult] | None:
        """Check `source`, set what is here aside, put the backup in place, close the window."""
        if source is None:
            name, _ = file_dialogs.get_open_file_name(
                self.window, "恢复数据", "", FILTER, purpose="backup"
            )
            if not name:
                return None
            source = Path(name)
        answer = QMessageBox.question(
            self.window,
            "恢复数据",
            f"用备份“{source.name}”替换本机现有的全部数据？\n\n"
            "现有数据不会删除，会另存在数据文件夹的 replaced-时间 文件夹中。"
            "恢复完成后客户端将关闭，请重新打开。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        op = operations.restore_from(self.window, self.services, source)
        self.op = op.success(self._restored).failure(self._failed).run()
        return op

    def _restored(self, result: RestoreResult) -> None:
        self.op = None
        self.restored = result
        # The restored preferences, not the ones in memory, are what closing the window updates.
        self.services.settings = Settings(self.services.settings.path)
        kept = f"\n恢复前的数据保存在 {result.replaced}。" if result.replaced else ""
        QMessageBox.information(
            self.window,
            "恢复数据",
            f"已恢复 {result.backup.created_at:%Y-%m-%d %H:%M} 的备份。{kept}\n"
            "客户端现在关闭，请重新打开。",
        )
        self.window.close()

    def _failed(self, error: BaseException) -> None:
        self.op = None
        message = error.message if isinstance(error, KnownError) else str(error)
        QMessageBox.warning(self.window, "备份与恢复", message)
