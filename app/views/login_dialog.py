"""登录: server address, 单位账号, password, 记住密码 — secrets go only to the OS keyring."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.demo import DEMO_PASSWORD, DEMO_UNIT_CODE
from app.services.session import NO_KEYRING_NOTICE, CentreSession, LoginOutcome
from app.views.looks import set_state
from app.views.operations import account as operations
from app.views.ops import Op


def demo_hint(server_url: str) -> str:
    """What the demo login says: where the demo centre runs, and its units and password."""
    return (
        f"演示模式：本机已启动参考中心服务器（{server_url}）。"
        f"演示单位账号 {DEMO_UNIT_CODE}、100002、100003，密码均为 {DEMO_PASSWORD}。"
    )


class LoginDialog(QDialog):
    """Logs in off the UI thread; `outcome` is set when it succeeded."""

    def __init__(
        self,
        session: CentreSession,
        *,
        server_url: str | None = None,
        unit_code: str | None = None,
        hint: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.outcome: LoginOutcome | None = None
        self.op: Op[LoginOutcome] | None = None
        settings = session.services.settings
        self.setWindowTitle("登录公积金中心")
        self.server_edit = QLineEdit(server_url or settings.get("server_url") or "https://")
        self.server_edit.setObjectName("serverUrl")
        self.unit_edit = QLineEdit(unit_code or settings.get("current_unit") or "")
        self.unit_edit.setObjectName("unitCode")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("记住密码（保存在系统钥匙串中）")
        self.remember.setObjectName("rememberPassword")
        self.remember.setChecked(bool(settings.get("remember_login")))
        remembered = session.vault.recall(self.server_edit.text(), self.unit_edit.text())
        if remembered and self.remember.isChecked():
            self.password_edit.setText(remembered)
        self.keyring_note = QLabel(NO_KEYRING_NOTICE)
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(not session.keyring_usable())
        if not session.keyring_usable():  # say so before, not after the clerk relies on it
            self.remember.setChecked(False)
            self.remember.setEnabled(False)
            self.remember.setText("记住密码（本机没有可用的系统钥匙串，无法保存）")
        form = QFormLayout()
        form.addRow("服务器地址(&S)：", self.server_edit)
        form.addRow("单位账号(&U)：", self.unit_edit)
        form.addRow("密码(&P)：", self.password_edit)
        form.addRow("", self.remember)
        self.hint = QLabel(hint or "")
        self.hint.setObjectName("loginHint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        set_state(self.hint, "info")
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        set_state(self.error, "error")
        buttons = QDialogButtonBox()
        self.login_button = QPushButton("登录")
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton("离线使用", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setToolTip("不登录也可录入清册，联网登录后再上传")
        self.login_button.clicked.connect(self.start_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        (self.password_edit if self.unit_edit.text() else self.unit_edit).setFocus()

    def start_login(self) -> Op[LoginOutcome]:
        server, unit, password = (
            self.server_edit.text(),
            self.unit_edit.text(),
            self.password_edit.text(),
        )
        remember = self.remember.isChecked()
        self.login_button.setEnabled(False)
        self.error.setText("正在登录…")
        set_state(self.error, "info")  # under way, not an error (it read red)
        op = operations.login(self, self.session, server, unit, password, remember=remember)
        self.op = op.success(self._done).failure(self._failed).run()
        return self.op

    def _done(self, outcome: LoginOutcome) -> None:
        self.outcome = outcome
        self.password_edit.clear()
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.login_button.setEnabled(True)
        self.error.setText(error.message if isinstance(error, KnownError) else str(error))
        set_state(self.error, "error")
        self.password_edit.selectAll()
        self.password_edit.setFocus()
