"""从身份证读取: read a card front off the UI thread and fill the form (issue 16).

Empty fields are filled; where the clerk typed something else the compare dialog lets them
choose. A page arriving in the 身份证复印件 material (scan, file, drop) is read the same way by
itself (`pages_received`): shaped like a card first, read once, its progress and 取消识别 on the
message line — no dialog pops up over a clerk who is typing; differences wait behind 核对差异.
Every field filled from the card is marked until the clerk confirms it (确认识别结果, or
Enter in the field; typing in it makes it the clerk's own). The OCR engine is imported on the
worker at the first read, never when this module is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from app.errors import Cancelled, KnownError
from app.views import file_dialogs
from app.views.ops import Op, OpContext

if TYPE_CHECKING:  # the reading machinery is imported on first use, not with the page
    from app.services.idcard.engine import TextEngine
    from app.services.idcard.reader import CardReading
    from app.views.business.form import BusinessForm
    from app.views.business.submit_dialog import SubmitDialog
    from app.views.idcard.compare_dialog import CompareDialog

CARD_FILTER = "身份证图片或扫描件 (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.pdf);;所有文件 (*)"
MARK_TIP = "从身份证识别填入，请与证件核对后确认（点“确认识别结果”或在此项按 Enter）"


def _default_engine() -> TextEngine:
    from app.services.idcard.engine import default_engine  # loads onnxruntime: worker only

    return default_engine()


def _set_origin(widget: QWidget, origin: str) -> None:
    """Mark (or unmark) a field as filled from the card; app.qss shows it."""
    widget.setProperty("origin", origin)
    widget.setToolTip(MARK_TIP if origin == "card" else "")
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class DropButton(QPushButton):
    """The 从身份证读取 button also takes a card image dropped on it."""

    dropped = Signal(object)  # Path

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setAcceptDrops(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            self.dropped.emit(files[0])
            event.acceptProposedAction()


class CardReadAction(QObject):
    """The button, the background read, the fill, and the marks until confirmed."""

    said = Signal(str, bool)  # message, is_error
    filled = Signal()  # the form took the card's values (after the clerk's choices)

    def __init__(
        self,
        page: QWidget,
        form: BusinessForm,
        engine: Callable[[], TextEngine] = _default_engine,
    ) -> None:
        super().__init__(page)
        self.page, self.form, self._engine = page, form, engine
        self.button = DropButton("从身份证读取…")
        self.button.setObjectName("readCardButton")
        self.button.setToolTip("选择（或拖入）身份证正面的图片或扫描件，自动填写姓名、证件号码等")
        self.button.clicked.connect(self.choose_file)
        self.button.dropped.connect(self.read_file)
        self.confirm_button = QPushButton("确认识别结果")
        self.confirm_button.setObjectName("confirmCardButton")
        self.confirm_button.setToolTip("已与证件原件核对，去掉识别标记")
        self.confirm_button.clicked.connect(self.confirm_all)
        self.confirm_button.hide()
        self.compare_button = QPushButton("核对差异…")
        self.compare_button.setObjectName("compareCardButton")
        self.compare_button.setToolTip("自动识别的身份证与已填写的内容不一致，或号码未通过校验")
        self.compare_button.clicked.connect(self._open_compare)
        self.compare_button.hide()
        self.cancel_button = QPushButton("取消识别")
        self.cancel_button.setObjectName("cancelCardButton")
        self.cancel_button.clicked.connect(self.cancel_auto)
        self.cancel_button.hide()
        self.marked: set[str] = set()
        self.op: Op[CardReading] | None = None
        self.auto_op: Op[CardReading | None] | None = None
        self._manual_running = False  # 从身份证读取 is reading: the material's pages wait
        self._seen: set[str] = set()  # fingerprints of the material pages already read
        self._queue: list[Path] = []
        self._compare: tuple[CardReading, dict[str, str]] | None = None
        self.dialog: CompareDialog | None = None
        for key, editor in form.editors.items():
            editor.widget.installEventFilter(self)
            if not isinstance(editor.widget, QComboBox):
                editor.widget.textEdited.connect(lambda _t, k=key: self._unmark(k))

    def choose_file(self) -> None:
        path, _ = file_dialogs.get_open_file_name(
            self.page, "选择身份证正面图片", "", CARD_FILTER, purpose="attachments"
        )
        if path:
            self.read_file(Path(path))

    def read_file(self, path: Path) -> Op[CardReading]:
        """Read the card in `path` in the background, then fill the form."""
        from app.services.idcard.reader import read_card_file

        make_engine = self._engine  # the worker gets the engine's factory, never the widget

        def work(ctx: OpContext) -> CardReading:
            readings = read_card_file(path, make_engine(), cancelled=lambda: ctx.cancelled)
            if not readings:
                raise KnownError(f"{path.name} 中没有可识别的页面")
            return readings[0]

        self.button.setEnabled(False)
        self.said.emit("正在识别身份证…", False)
        self._manual_running = True
        self.op = Op(self.page, work).success(self._read_done).failure(self._read_failed)
        return self.op.with_progress("正在识别身份证…").run()

    def _read_done(self, reading: CardReading) -> None:
        self._manual_running = False
        self.apply(reading)
        self._next_auto()

    def _read_failed(self, error: BaseException) -> None:
        self._manual_running = False
        self._failed(error)
        self._next_auto()

    def _failed(self, error: BaseException) -> None:
        self.button.setEnabled(True)
        if isinstance(error, Cancelled):
            self.said.emit("已取消身份证识别，表单未改动。", False)
        else:
            self.said.emit(str(error), True)

    def apply(self, reading: CardReading, *, ask: bool = True) -> None:
        """Fill the form from a reading; where the clerk's values differ, ask — or, when the
        read came by itself (`ask=False`), offer 核对差异 instead of a dialog over their typing."""
        self.button.setEnabled(self.auto_op is None)
        if not reading.is_card and reading.number is None:
            self.said.emit("没有在图片中找到身份证正面（姓名、公民身份号码），表单未改动。", True)
            return
        filled, conflicts = self.form.fill_from_card(reading.form_values())
        self._mark(filled)
        number = reading.number
        if conflicts or (number is not None and not number.trusted):
            self._compare = (reading, conflicts)
            if ask:
                self._open_compare()
            else:
                self.compare_button.show()
        self._say_filled(filled, reading, conflicts if not ask else {})
        self.filled.emit()

    def _open_compare(self) -> None:
        if self._compare is None:
            return
        reading, conflicts = self._compare
        self.compare_button.hide()
        labelled = {
            k: (self.form.editors[k].spec.label, self.form.editors[k].value(), v)
            for k, v in conflicts.items()
        }
        from app.views.idcard.compare_dialog import CompareDialog

        self.dialog = CompareDialog(labelled, reading.number, self.page)
        self.dialog.accepted.connect(lambda: self._take_choices(reading, conflicts))
        self.dialog.open()

    # --- a page arriving in the 身份证复印件 material reads itself --------------------------
    def watch_submit_dialog(self, dialog: SubmitDialog) -> None:
        """Pages added to 身份证复印件 in 全部提交 fill the form by themselves (issue 16)."""
        dialog.panel.pages_received.connect(self.pages_received)

        def show(text: str, error: bool) -> None:  # what the reading says shows there too
            dialog.panel.message.say(text, error=error)

        self.said.connect(show)
        dialog.finished.connect(lambda _result: self.said.disconnect(show))

    def pages_received(self, material: str, paths: list[Path]) -> None:
        """Pages just stored in a material: each new one of the ID card material is read."""
        from app.services.idcard.autoread import fingerprint, is_card_material

        if not is_card_material(material):
            return
        for path in paths:
            try:
                mark = fingerprint(path)
            except OSError:
                continue  # the panel has said what is wrong with the file
            if mark not in self._seen:
                self._seen.add(mark)
                self._queue.append(path)
        self._next_auto()

    def _next_auto(self) -> None:
        if self.auto_op is not None or self._manual_running or not self._queue:
            return
        from app.services.idcard.autoread import read_received_page

        path, make_engine = self._queue.pop(0), self._engine  # the worker gets no widget

        def work(ctx: OpContext) -> CardReading | None:
            return read_received_page(path, make_engine, lambda: ctx.cancelled)

        self.button.setEnabled(False)
        self.cancel_button.show()
        self.said.emit("正在自动识别身份证复印件…（可点“取消识别”）", False)
        self.auto_op = Op(self.page, work).success(self._auto_read).failure(self._auto_failed)
        self.auto_op.run()

    def cancel_auto(self) -> None:
        """取消识别: the page being read and those waiting are left as they are."""
        self._queue.clear()
        if self.auto_op is not None:
            self.auto_op.ctx.cancel()

    def _auto_done(self) -> None:
        self.auto_op = None
        self.cancel_button.hide()
        self.button.setEnabled(True)

    def _auto_read(self, reading: CardReading | None) -> None:
        self._auto_done()
        if reading is None or (not reading.is_card and reading.number is None):
            self.said.emit("新添加的身份证复印件页面不像身份证正面，未自动识别。", False)
        else:
            self.apply(reading, ask=False)
        self._next_auto()

    def _auto_failed(self, error: BaseException) -> None:
        self._auto_done()
        self._failed(error)
        self._next_auto()

    def _say_filled(self, filled: list[str], reading: CardReading, waiting: dict[str, str]) -> None:
        names = "、".join(self.form.editors[k].spec.label for k in filled)
        text = f"已从身份证填入：{names}，请核对后点“确认识别结果”。" if filled else ""
        if waiting:
            differ = "、".join(self.form.editors[k].spec.label for k in waiting)
            text += f" 身份证上的{differ}与已填写的不一致，点“核对差异”选择。"
        number = reading.number
        if number is not None and not number.trusted:
            self.said.emit((text + " 公民身份号码未通过校验，未自动填入。").strip(), True)
        else:
            self.said.emit(text.strip() or "身份证上的内容与已填写的一致。", bool(waiting))

    def _take_choices(self, reading: CardReading, conflicts: dict[str, str]) -> None:
        assert self.dialog is not None
        chosen = self.dialog.chosen()
        for key in chosen:
            self.form.editors[key].set_value(conflicts[key])
        if self.dialog.fill_unchecked_number() and reading.number is not None:
            self.form.editors["id_number"].set_value(reading.number.number)
            chosen.append("id_number")
        self._mark(chosen)
        if chosen:
            self.form.changed.emit()

    def _mark(self, keys: list[str]) -> None:
        for key in keys:
            _set_origin(self.form.editors[key].widget, "card")
            self.marked.add(key)
        self.confirm_button.setVisible(bool(self.marked))

    def _unmark(self, key: str) -> None:
        if key in self.marked:
            self.marked.discard(key)
            _set_origin(self.form.editors[key].widget, "")
        self.confirm_button.setVisible(bool(self.marked))

    def confirm_all(self) -> None:
        """The clerk checked the card's values against the card: the marks go."""
        for key in list(self.marked):
            self._unmark(key)
        self.said.emit("已确认身份证识别结果。", False)

    def clear_marks(self) -> None:
        """The form was cleared or another row is being modified: no mark outlives its value,
        and no 核对差异 waits for values that are gone."""
        for key in list(self.marked):
            self._unmark(key)
        self._compare = None
        self.compare_button.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Enter in a marked field confirms that field (and moves on, as the form does)."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            for key in list(self.marked):
                if self.form.editors[key].widget is watched:
                    self._unmark(key)
        return False
