"""A business's entry form, built from its spec: 基本信息 first, 添加更多信息 reveals the rest.

Each field has its error label right beside it; derived fields (性别 from the ID, amounts from
base and ratios) are shown read-only and follow the input as it is typed. A person-bound
business's 姓名 / 个人账号 / 证件号码 (FieldKind.PERSON) are one 反显 lookup over the roster.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec
from app.services.policy import CentrePolicy
from app.services.roster import RosterService
from app.views.business.pending_model import display_value
from app.views.looks import set_role, set_state
from app.views.person_lookup import PersonLookupField

NO_MODIFIER = Qt.KeyboardModifier.NoModifier
# Characters a field must show without scrolling: an ID (18 + X), a mobile, a date.
MIN_CHARS = {FieldKind.ID_NUMBER: 19, FieldKind.MOBILE: 11, FieldKind.DATE: 10}
PLACEHOLDERS = {
    FieldKind.MONEY: "如 5000 或 5,000.00",
    FieldKind.RATIO: "如 12%",
    FieldKind.MONTH: "如 2026-12",
    FieldKind.DATE: "如 2026-11-05",
    FieldKind.MOBILE: "11 位手机号码",
    FieldKind.ID_NUMBER: "18 位居民身份证号码",
}


class FieldEditor:
    """One field's input widget and the error label beside it."""

    def __init__(self, spec: FieldSpec, policy: CentrePolicy, parent: QWidget) -> None:
        self.spec = spec
        # Derived values follow the input; centre-filled ones come only from the centre's answer.
        self.read_only = spec.derived or spec.centre_filled
        self.label = QLabel(("* " if spec.required else "") + spec.label + "：", parent)
        self.widget: QLineEdit | QComboBox
        if spec.kind in (FieldKind.CHOICE, FieldKind.ID_TYPE) and not spec.derived:
            combo = QComboBox(parent)
            # An ID type always has a value (居民身份证 first); other optional choices may be blank.
            blank = not spec.required and spec.kind is not FieldKind.ID_TYPE
            combo.addItems(("", *spec.options(policy)) if blank else spec.options(policy))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            self.widget = combo
        else:
            edit = QLineEdit(parent)
            edit.setPlaceholderText(_hint(spec))
            # The hint is read whole (补缴金额's is long); the tooltip says it too.
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(_hint(spec)) + 24)
            edit.setToolTip(_hint(spec))
            edit.setReadOnly(self.read_only)
            if self.read_only:  # shown, grey, never typed into nor visited by Tab
                set_role(edit, "derived")
                edit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                edit.setToolTip(spec.note or "由系统自动计算")
            if spec.kind in MIN_CHARS:  # an 18-digit ID is never cut, whatever the scaling
                sample = "0" * MIN_CHARS[spec.kind]
                edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(sample) + 24)
            self.widget = edit
        self.widget.setObjectName(f"field-{spec.key}")
        self.widget.setAccessibleName(spec.label)
        self.label.setBuddy(self.widget)
        self.error = QLabel(parent)
        self.error.setObjectName(f"error-{spec.key}")
        set_state(self.error, "error")
        self.error.setWordWrap(True)

    def value(self) -> str:
        if isinstance(self.widget, QComboBox):
            return self.widget.currentText()
        return self.widget.text()

    def set_value(self, value: str) -> None:
        if isinstance(self.widget, QComboBox):
            index = self.widget.findText(value)
            self.widget.setCurrentIndex(max(index, 0))
        else:
            self.widget.setText(_shown(self.spec, value))
            self.widget.setCursorPosition(0)

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        if not self.read_only:
            set_state(self.widget, "error" if message else "plain")

    def set_visible(self, visible: bool) -> None:
        for widget in (self.label, self.widget):
            widget.setVisible(visible)
        self.error.setVisible(visible and bool(self.error.text()))


class BusinessForm(QWidget):
    """Inputs of one row; `values()` gives plain text for the engine to check."""

    changed = Signal()
    submit_requested = Signal()  # Enter in the last field

    def __init__(
        self,
        spec: BusinessSpec,
        policy: CentrePolicy,
        parent: QWidget | None = None,
        *,
        roster: RosterService | None = None,
    ):
        super().__init__(parent)
        self.spec = spec
        self.editors: dict[str, FieldEditor] = {}
        self._auto: dict[str, str] = {}  # what the rules last filled into `auto` fields
        basic = QGroupBox("基本信息")
        more = QGroupBox("更多信息")
        self.grids = (QGridLayout(basic), QGridLayout(more))
        # The person of a person-bound row: one lookup for its PERSON fields (with no roster to
        # look in, they stay plain fields and the engine resolves what was typed).
        self.person: PersonLookupField | None = None
        if roster is not None and spec.person_bound:
            self.person = PersonLookupField(roster, self)
            if spec.precondition is not None:
                self.person.set_status_filter(spec.precondition.states)
            self.person.person_selected.connect(lambda _person: self.changed.emit())
            for edit in self.person.edits.values():
                edit.textEdited.connect(self.changed)
        for field in spec.fields:
            if self.person is not None and field.kind is FieldKind.PERSON:
                continue
            editor = FieldEditor(field, policy, self)
            self.editors[field.key] = editor
            editor.error.hide()
            signal = (
                editor.widget.currentTextChanged
                if isinstance(editor.widget, QComboBox)
                else editor.widget.textEdited
            )
            signal.connect(self.changed)
            editor.widget.installEventFilter(self)
        self.columns = 0
        self._two_column_width = 0  # the narrowest the form can be with two fields a line
        self.place(2)
        self.more_box = more
        self.more_button = QPushButton("添加更多信息")
        self.more_button.setObjectName("moreButton")
        self.more_button.setCheckable(True)
        self.more_button.toggled.connect(self.show_more)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if self.person is not None:
            who = QGroupBox("职工（输入姓名、个人账号或证件号码之一）")
            QVBoxLayout(who).addWidget(self.person)
            layout.addWidget(who)
        layout.addWidget(basic)
        layout.addWidget(self.more_button)
        layout.addWidget(more)
        more.setVisible(False)
        if not any(not f.basic for f in spec.fields):
            self.more_button.hide()

    def place(self, columns: int) -> None:
        """Lay the fields out one or two a line: label | input, its error below the input."""
        basic = [e for e in self.editors.values() if e.spec.basic]
        more = [e for e in self.editors.values() if not e.spec.basic]
        for grid, editors in zip(self.grids, (basic, more), strict=True):
            for n, editor in enumerate(editors):
                row, col = divmod(n, columns)
                for widget in (editor.label, editor.widget, editor.error):
                    grid.removeWidget(widget)
                grid.addWidget(editor.label, row * 2, col * 3)
                grid.addWidget(editor.widget, row * 2, col * 3 + 1)
                grid.addWidget(editor.error, row * 2 + 1, col * 3 + 1)
            grid.setColumnStretch(1, 1)
            grid.setColumnStretch(4, 1 if columns == 2 else 0)
            grid.setColumnMinimumWidth(2, 16 if columns == 2 else 0)
        self.columns = columns

    def fit_width(self, available: int) -> None:
        """Two fields a line where they fit, one a line on a narrow (or scaled) screen."""
        if self.columns == 2:
            self._two_column_width = self.minimumSizeHint().width()
        wanted = 2 if available >= self._two_column_width else 1
        if wanted != self.columns:
            self.place(wanted)

    def show_more(self, shown: bool) -> None:
        self.more_box.setVisible(shown)
        self.more_button.setText("收起更多信息" if shown else "添加更多信息")

    def values(self) -> dict[str, str]:
        """What the clerk typed; values the rules filled in are left out, to be derived again."""
        typed = {
            k: "" if e.spec.auto and e.value() == self._auto.get(k) else e.value()
            for k, e in self.editors.items()
            if not e.read_only  # the centre fills its fields again when the row is stored
        }
        if self.person is not None:
            typed.update({key.value: edit.text() for key, edit in self.person.edits.items()})
        return typed

    def set_values(self, values: dict[str, str]) -> None:
        for key, editor in self.editors.items():
            editor.set_value(values.get(key, ""))
        if self.person is not None:
            self.person.show_values(values)
        if any(values.get(f.key) for f in self.spec.fields if not f.basic and not f.derived):
            self.more_button.setChecked(True)

    def fill_from_card(self, values: dict[str, str]) -> tuple[list[str], dict[str, str]]:
        """Fill the empty fields with values read from an ID card (issue 16).

        Returns (the keys filled, {key: card value} where the clerk typed something else);
        a typed value is never overwritten here — the clerk chooses.
        """
        filled: list[str] = []
        conflicts: dict[str, str] = {}
        for key, value in values.items():
            editor = self.editors.get(key)
            if editor is None or editor.read_only or not value:
                continue
            current = editor.value()
            if editor.spec.auto and current == self._auto.get(key):
                current = ""  # the rules filled it; the card is the better source
            if not current:
                editor.set_value(value)
                self._auto.pop(key, None)
                filled.append(key)
            elif current != value:
                conflicts[key] = value
        if any(not self.editors[k].spec.basic for k in filled):
            self.more_button.setChecked(True)  # a filled field to confirm is never out of sight
        if filled:
            self.changed.emit()
        return filled, conflicts

    def show_derived(self, values: dict[str, str]) -> None:
        """Fill the read-only fields, and the blank ones the rules fill in (性别 from the ID).

        A value the rules filled is replaced when the input changes; one the clerk typed is not.
        """
        for key, editor in self.editors.items():
            new = _shown(editor.spec, values.get(key, ""))
            if editor.spec.derived:
                editor.set_value(new)
            elif editor.read_only:
                continue  # the centre's answer, shown as stored: a preview has none
            elif editor.spec.auto and editor.value() in ("", self._auto.get(key)):
                editor.set_value(new)
                self._auto[key] = new

    def _person_error(self, errors: dict[str, str]) -> str:
        assert self.person is not None
        return "；".join(errors[key.value] for key in self.person.edits if key.value in errors)

    def show_errors(self, errors: dict[str, str]) -> None:
        if self.person is not None:
            self.person.show_problem(self._person_error(errors))
        for key, editor in self.editors.items():
            editor.set_error(errors.get(key))
        hidden = [k for k in errors if k in self.editors and not self.editors[k].spec.basic]
        if hidden:
            self.more_button.setChecked(True)
        first = next((self.editors[k] for k in self.editors if k in errors), None)
        if first is not None and not first.read_only:
            first.widget.setFocus()

    def recheck(self, errors: dict[str, str]) -> int:
        """Errors shown so far follow the input: gone once fixed, reworded when they change.

        A field not yet marked is not marked while typed into; 添加 checks everything. Returns
        how many marks remain.
        """
        for key, editor in self.editors.items():
            if editor.error.text():
                editor.set_error(errors.get(key))
        marks = sum(1 for e in self.editors.values() if e.error.text())
        if self.person is not None and self.person.problem():
            self.person.show_problem(self._person_error(errors))
            marks += bool(self.person.problem())
        return marks

    def clear(self) -> None:
        self._auto.clear()
        if self.person is not None:
            self.person.clear()
        for editor in self.editors.values():
            editor.set_value("")
            editor.set_error(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Enter moves to the next field, and in the last one asks to add (as clerks expect)."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            inputs = self.visible_inputs()
            if watched in inputs:
                if watched is inputs[-1]:
                    self.submit_requested.emit()
                else:
                    inputs[inputs.index(watched) + 1].setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return super().eventFilter(watched, event)

    def visible_inputs(self) -> list[QWidget]:
        """The fields a clerk can type into now, in the order Tab visits them."""
        person: list[QWidget] = list(self.person.edits.values()) if self.person else []
        return person + [
            e.widget
            for e in self.editors.values()
            if not e.read_only and (e.spec.basic or self.more_box.isVisibleTo(self))
        ]


def _hint(spec: FieldSpec) -> str:
    if spec.derived:
        return spec.note or "自动计算"  # 补缴's 姓名 is looked up, not computed
    if spec.centre_filled:
        return "添加时由中心查询填写"
    # An ID's note speaks of Excel columns (it is for the template); the form says what to type.
    if spec.kind is FieldKind.ID_NUMBER:
        return PLACEHOLDERS[spec.kind]
    return spec.note or PLACEHOLDERS.get(spec.kind, "")


def _shown(spec: FieldSpec, value: str) -> str:
    """A ratio as the list shows it (12%); other values as they are typed."""
    if value and spec.kind is FieldKind.RATIO:
        return display_value(spec.kind, value)
    return value
