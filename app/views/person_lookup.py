"""The person lookup field every business form uses: type any one of 姓名 / 个人账号 / 证件号码.

On leaving the field (or picking a suggestion) the other two and the person's status fill in
(反显). Suggestions come from the roster cache as the clerk types (throttled, searched off the
UI thread, stale answers dropped: `ThrottledSearch`); a name shared by several
people opens a chooser; nobody found gives a message beside the field. Works offline: everything
is read from `RosterService`'s local cache.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence

import shiboken6
from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.services.engine.spec import RosterEntry
from app.services.roster import LookupKey, LookupState, RosterService, guess_key
from app.services.rules.idnumber import mask_id
from app.services.rules.money import format_money
from app.views.looks import set_role, set_state
from app.views.person_chooser import PERSON_ROLE as PERSON_ROLE  # tests read it here
from app.views.person_chooser import PersonChooserDialog as PersonChooserDialog
from app.views.person_chooser import PersonSuggestionModel, key_value
from app.views.throttled_search import ThrottledSearch

logger = logging.getLogger(__name__)

SUGGESTION_LIMIT = 20


class PersonLookupField(QWidget):
    """姓名 / 个人账号 / 证件号码: type one, the others and the status fill in (反显)."""

    person_selected = Signal(object)  # RosterEntry, or None when cleared

    def __init__(self, roster: RosterService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roster = roster
        self._person: RosterEntry | None = None
        self._allowed: frozenset[str] | None = None
        self.chooser: PersonChooserDialog | None = None  # open while a shared name is resolved
        self._problem = ""  # what the row's rules said about the person (shown as an error)
        self.setAccessibleName("职工查找")

        self.edits: dict[LookupKey, QLineEdit] = {}
        self.models: dict[LookupKey, PersonSuggestionModel] = {}
        self.searches: dict[LookupKey, ThrottledSearch] = {}
        labels = {
            LookupKey.NAME: "姓名",
            LookupKey.ACCOUNT_NO: "个人账号",
            LookupKey.ID_NUMBER: "证件号码",
        }
        placeholders = {
            LookupKey.NAME: "输入姓名",
            LookupKey.ACCOUNT_NO: "输入个人账号",
            LookupKey.ID_NUMBER: "输入证件号码或后4–6位",
        }
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for column, key in enumerate(LookupKey):
            edit = self._make_edit(key, labels[key], placeholders[key])
            label = QLabel(f"{labels[key]}：")  # as every label of the form below
            label.setBuddy(edit)
            layout.addWidget(label, 0, column * 2)
            layout.addWidget(edit, 0, column * 2 + 1)
        self.status_edit = self._make_readonly("statusEdit", "状态")
        # The person's figures now: 启封's form has a 缴存基数 and a 月缴存额 of its own, and a
        # screen reader must tell them apart.
        self.base_edit = self._make_readonly("baseEdit", "职工当前缴存基数")
        self.amount_edit = self._make_readonly("monthlyAmountEdit", "职工当前月缴存额")
        for column, (text, edit) in enumerate(
            (
                ("状态", self.status_edit),
                ("缴存基数", self.base_edit),
                ("月缴存额", self.amount_edit),
            )
        ):
            label = QLabel(f"{text}：")
            label.setBuddy(edit)
            layout.addWidget(label, 1, column * 2)
            layout.addWidget(edit, 1, column * 2 + 1)
        self.message_label = QLabel()
        self.message_label.setObjectName("lookupMessage")
        self.message_label.setAccessibleName("查找提示")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        layout.addWidget(self.message_label, 2, 0, 1, 6)
        for column in (1, 3, 5):
            layout.setColumnStretch(column, 1)

        name, account, id_number = (self.edits[k] for k in LookupKey)
        QWidget.setTabOrder(name, account)
        QWidget.setTabOrder(account, id_number)
        self.setFocusProxy(name)

    def _make_edit(self, key: LookupKey, label: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"{key.value}Edit")
        edit.setAccessibleName(label)
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        edit.setMaxLength(40)
        chars = {LookupKey.NAME: 8, LookupKey.ACCOUNT_NO: 14, LookupKey.ID_NUMBER: 20}[key]
        edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("0") * chars + 36)
        model = PersonSuggestionModel(key, self)
        completer = QCompleter(model, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setMaxVisibleItems(10)
        popup = completer.popup()
        assert popup is not None  # a completer always makes its own popup
        popup.setAccessibleName("候选职工")
        completer.activated[QModelIndex].connect(  # type: ignore[index]
            lambda index, k=key: self._suggestion_picked(k, index)
        )
        edit.setCompleter(completer)
        roster = self.roster  # the search runs on a worker: it gets the service, not the widget
        search = ThrottledSearch(lambda text: roster.search(text, SUGGESTION_LIMIT), self)
        search.answered.connect(lambda text, found, k=key: self._show_suggestions(k, text, found))
        self.searches[key] = search
        edit.textEdited.connect(lambda text, k=key: self._edited(k, text))
        edit.editingFinished.connect(lambda k=key: self._left(k))
        self.edits[key] = edit
        self.models[key] = model
        return edit

    def _make_readonly(self, name: str, accessible: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setReadOnly(True)
        set_role(edit, "derived")  # looks not typeable
        edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # shown, not typed: out of the tab order
        return edit

    # --- public ---------------------------------------------------------------------------
    def person(self) -> RosterEntry | None:
        """The person the fields show, or None."""
        return self._person

    def set_person(self, person: RosterEntry | None) -> None:
        """Show a person (e.g. a pending row being edited), or clear the fields."""
        if person is None:
            self.clear()
        else:
            self._select(person)

    def clear(self) -> None:
        """Empty every field and forget the person."""
        for edit in (*self.edits.values(), self.status_edit, self.base_edit, self.amount_edit):
            edit.clear()
        for search in self.searches.values():
            search.cancel()
        for model in self.models.values():
            model.set_persons([])
        self._show_message("")
        self._forget()

    def show_values(self, values: Mapping[str, str]) -> None:
        """Show a stored row's person: from the roster when it still has the account."""
        account = values.get(LookupKey.ACCOUNT_NO.value, "")
        person = self.roster.get(account) if account else None
        if person is not None:
            self._select(person)
            return
        self.clear()
        for key, edit in self.edits.items():
            edit.setText(values.get(key.value, ""))
            edit.setCursorPosition(0)

    def show_problem(self, text: str) -> None:
        """The row's rules' verdict on the person ('' once it holds again)."""
        if text:
            self._problem = text
            self._show_message(text, "error")
        elif self._problem:
            self._problem = ""
            if self._person is not None:
                self._show_status_verdict(self._person)
            else:
                self._show_message("")

    def problem(self) -> str:
        return self._problem

    def set_status_filter(self, allowed: Collection[str] | None) -> None:
        """The statuses the business accepts (封存 needs 正常, 启封 needs 封存); None: any."""
        self._allowed = frozenset(allowed) if allowed else None
        if self._person is not None:
            self._show_status_verdict(self._person)

    def status_ok(self) -> bool:
        """A person is shown and is in a status the business accepts."""
        return self._person is not None and (
            self._allowed is None or self._person.status in self._allowed
        )

    def message(self) -> str:
        """The message beside the fields ('' when there is none)."""
        return self.message_label.text() if self.message_label.isVisible() else ""

    # --- typing and leaving ---------------------------------------------------------------
    def _edited(self, key: LookupKey, text: str) -> None:
        if self._person is not None:
            # The clerk is typing someone else: the shown person no longer holds.
            for other, edit in self.edits.items():
                if other is not key:
                    edit.clear()
            for edit in (self.status_edit, self.base_edit, self.amount_edit):
                edit.clear()
            self._forget()
        self._show_message("")
        if text.strip():
            self.searches[key].request(text)  # throttled, off the UI thread
        else:
            self.searches[key].cancel()
            self._show_suggestions(key, text, [])

    def _show_suggestions(self, key: LookupKey, text: str, persons: list[RosterEntry]) -> None:
        edit = self.edits[key]
        if edit.text() != text or self._person is not None:
            return  # an answer to text since changed, or a person was chosen meanwhile
        self.models[key].set_persons(persons)
        completer, popup = edit.completer(), edit.completer().popup()
        assert popup is not None
        if persons and edit.hasFocus():
            # As wide as the suggestions need, not just the field (names are short fields); a
            # minimum, because QLineEdit's own completion call resizes the popup to the field.
            needed = popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width() + 12
            popup.setMinimumWidth(needed)
            completer.complete()
        else:
            popup.hide()

    def _left(self, key: LookupKey) -> None:
        if not shiboken6.isValid(self) or not all(
            shiboken6.isValid(edit) for edit in self.edits.values()
        ):
            return  # the form is being destroyed: its focused field let go of the focus
        self.searches[key].cancel()  # suggestions for a field left behind are moot
        text = self.edits[key].text().strip()
        if not text:
            return
        if self._person is not None and text == key_value(self._person, key):
            return  # already resolved (a suggestion was picked, or the clerk just tabbed on)
        if self.chooser is not None:
            return
        # Digits typed into the 姓名 field are no name: a clerk pasting an account or an ID
        # number there means that person.
        lookup_key = guess_key(text) if key is LookupKey.NAME else key
        result = self.roster.resolve(text, lookup_key)
        if result.state is LookupState.ONE and result.person is not None:
            self._select(result.person)
        elif result.state is LookupState.MANY:
            self._choose(result.persons)
        else:
            self._show_message(result.message, "error")  # nobody found

    def _suggestion_picked(self, key: LookupKey, index: QModelIndex) -> None:
        person = index.data(PERSON_ROLE)
        if isinstance(person, RosterEntry):
            self._select(person)

    def _choose(self, persons: Sequence[RosterEntry]) -> None:
        self.chooser = PersonChooserDialog(persons, self)
        self.chooser.finished.connect(self._chosen)
        self.chooser.open()

    def _chosen(self, result: int) -> None:
        chooser, self.chooser = self.chooser, None
        if chooser is None:
            return
        person = chooser.chosen() if result == QDialog.DialogCode.Accepted else None
        chooser.deleteLater()
        if person is not None:
            self._select(person)
        else:
            self._show_message("有多名同名职工，请选择一人，或输入个人账号或证件号码。")

    # --- showing ----------------------------------------------------------------------------
    def _select(self, person: RosterEntry) -> None:
        for search in self.searches.values():
            search.cancel()
        for key, edit in self.edits.items():
            edit.setText(key_value(person, key))
            edit.setCursorPosition(0)
        self.status_edit.setText(person.status)
        self.base_edit.setText(format_money(person.base) if person.base is not None else "")
        self.amount_edit.setText(
            format_money(person.monthly_amount) if person.monthly_amount is not None else ""
        )
        self._person = person
        self._show_status_verdict(person)
        logger.debug("person %s chosen (ID %s)", person.account_no, mask_id(person.id_number))
        self.person_selected.emit(person)

    def _show_status_verdict(self, person: RosterEntry) -> None:
        if self._allowed is None or person.status in self._allowed:
            self._show_message("")
            return
        wanted = "或".join(f"“{s}”" for s in sorted(self._allowed))
        self._show_message(
            "该职工当前状态为“%1”，此业务要求状态为%2。".replace("%1", person.status).replace(
                "%2", wanted
            ),
            "warning",  # found, but not in the status the business needs
        )

    def _forget(self) -> None:
        if self._person is not None:
            self._person = None
            self.person_selected.emit(None)

    def _show_message(self, text: str, state: str = "error") -> None:
        if not text:
            self._problem = ""
        self.message_label.setText(text)
        set_state(self.message_label, state)
        self.message_label.setVisible(bool(text))
