"""Small fixed dialogs: a few labelled inputs, OK and Cancel, and the re-authentication
asked before dangerous acts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from xinhe.ui import operations
from xinhe.ui.changes import Change
from xinhe.ui.context import AppContext
from xinhe.ui.forms.fields import qt_date, qt_datetime_utc
from xinhe.ui.locking import lock_button
from xinhe.ui.operations import FormValues
from xinhe.ui.operations import accounts as account_ops
from xinhe.ui.widgets import ErrorLine, label, password_field

if TYPE_CHECKING:
    from xinhe.records.accounts import User
    from xinhe.records.services import Services

FormWork = Callable[["Services", FormValues], object]


class SimpleForm(QDialog):
    """Build with add_*(); `run(work)` calls the named operation work(services, values) on
    the database thread and closes on success, or shows the reason and keeps the input."""

    def __init__(self, ctx: AppContext, title: str, intro: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.getters: dict[str, Callable[[], Any]] = {}
        layout = QVBoxLayout(self)
        if intro:
            layout.addWidget(label(intro, "hint"))
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.buttons.addButton(lock_button(ctx), QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    @property
    def ok_button(self) -> Any:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def add(self, key: str, text: str, widget: QWidget, getter: Callable[[], Any]) -> QWidget:
        self.form.addRow(text, widget)
        self.getters[key] = getter
        return widget

    def add_line(self, key: str, text: str, value: str = "") -> QLineEdit:
        edit = QLineEdit(value)
        self.add(key, text, edit, lambda: edit.text().strip())
        return edit

    def add_text(self, key: str, text: str, value: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit(value)
        edit.setMinimumHeight(90)
        edit.setTabChangesFocus(True)
        self.add(key, text, edit, lambda: edit.toPlainText().strip())
        return edit

    def add_choice(self, key: str, text: str, items: list[tuple[Any, str]],
                   current: Any = None) -> QComboBox:
        box = QComboBox()
        for value, name in items:
            box.addItem(name, value)
        box.setCurrentIndex(max(0, box.findData(current)))
        self.add(key, text, box, box.currentData)
        return box

    def add_check(self, key: str, text: str, checked: bool = False) -> QCheckBox:
        box = QCheckBox(text)
        box.setChecked(checked)
        self.add(key, "", box, box.isChecked)
        return box

    def add_datetime(self, key: str, text: str, value: datetime | None = None) -> QDateTimeEdit:
        edit = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(value.timestamp())) if value
                             else QDateTime.currentDateTime())
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.add(key, text, edit, lambda: qt_datetime_utc(edit.dateTime()))
        return edit

    def add_date(self, key: str, text: str, days_ahead: int = 0) -> QDateEdit:
        edit = QDateEdit(QDate.currentDate().addDays(days_ahead))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")

        def value() -> datetime:
            day = qt_date(edit.date())
            return datetime(day.year, day.month, day.day, 9, 0).astimezone().astimezone(UTC)
        self.add(key, text, edit, value)
        return edit

    def values(self) -> FormValues:
        return {key: get() for key, get in self.getters.items()}

    def run(self, work: FormWork, changed: Iterable[Change],
            on_done: Callable[[object], None] | None = None) -> None:
        """On OK: `work(services, values)` on the database thread."""
        def submit() -> None:
            values = self.values()
            self.buttons.setEnabled(False)
            self.error.hide()

            def done(result: object) -> None:
                self.buttons.setEnabled(True)
                self.accept()
                if on_done is not None:
                    on_done(result)

            def failed(exc: BaseException) -> None:
                self.buttons.setEnabled(True)
                self.error.say(exc)
            operations.run_form(self.ctx, work, values, parent=self, on_done=done,
                                on_failure=failed, changed=changed)
        self.buttons.accepted.connect(submit)
        self.open()


def choose_user(ctx: AppContext, parent: QWidget, title: str, field: str,
                roles: tuple[str, ...], work: FormWork, changed: Iterable[Change], *,
                intro: str = "", none_label: str | None = None,
                current: int | None = None) -> None:
    """Pick one active user with one of `roles` (or `none_label`, meaning None), then
    `work(services, values)` on the database thread, the user's id in `values["user"]`."""
    def chosen(users: list[User]) -> None:
        form = SimpleForm(ctx, title, intro, parent)
        items: list[tuple[int | None, str]] = [
            (u.id, u.display_name) for u in users if u.role in roles and u.active]
        if none_label is not None:
            items.append((None, none_label))
        form.add_choice("user", field, items, current)
        form.run(work, changed)

    account_ops.load_users(ctx=ctx, parent=parent, on_done=chosen)


def confirm(parent: QWidget | None, title: str, question: str,
            then: Callable[[], object]) -> QMessageBox:
    """Ask before a destructive act (without blocking the app); `then()` on Yes."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, question,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                      parent)
    box.setObjectName("confirm")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.finished.connect(lambda button: then() if button == QMessageBox.StandardButton.Yes
                         else None)
    box.open()
    return box


def reauthenticate(ctx: AppContext, reason: str, then: Callable[[], None],
                   parent: QWidget | None = None) -> SimpleForm:
    """Ask for the acting user's password again before a dangerous act; `then()` runs only
    when it is right (checked against their key slot, audited)."""
    dialog = SimpleForm(ctx, QCoreApplication.translate("Reauth", "Confirm it is you"),
                        reason, parent)
    field = password_field()
    dialog.add("password", QCoreApplication.translate("Reauth", "Your password"), field,
               field.text)
    dialog.run(account_ops.confirm_password, set(), on_done=lambda _r: then())
    field.setFocus()
    return dialog
