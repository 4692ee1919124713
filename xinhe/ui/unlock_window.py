"""The unlock window: login name and password, errors shown inline; recovery from here."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xinhe.errors import AccountLocked, DeviceBindingUnavailable, VaultDamaged
from xinhe.records.roles import MIN_PASSWORD
from xinhe.records.vault import VaultFolder
from xinhe.ui.i18n import LANGUAGES
from xinhe.ui.operations import session
from xinhe.ui.operations.session import Opened
from xinhe.ui.widgets import ErrorLine, error_text, label, password_field
from xinhe.ui.worker import DbWorker

if TYPE_CHECKING:  # psycopg loads only when a studio server is used
    from xinhe.records.storage.server_session import ServerFolder

# What the main window and its first screen are made of, imported while the key is being
# derived on the database thread (the UI thread only waits then): imported on the turn the
# main window is made they made that turn ~20 ms longer.
MAIN_WINDOW_MODULES = ("xinhe.ui.context", "xinhe.ui.main_window", "xinhe.ui.search_box",
                       "xinhe.ui.screens.dashboard")
NEXT_TURN_MS = 1  # a real timer: a posted event would run in the same pass as the one before


def import_in_turns(owner: QObject, modules: tuple[str, ...]) -> None:
    """Import `modules`, one per turn of the event loop (while `owner` lives), then make a
    label as the main window does: PySide makes ~100 Python enum types the first time a
    label's flags are set after those imports (~10 ms)."""
    def step() -> None:
        if modules:
            importlib.import_module(modules[0])
            import_in_turns(owner, modules[1:])
        else:
            label("").deleteLater()
    QTimer.singleShot(NEXT_TURN_MS, owner, step)


class UnlockWindow(QWidget):
    unlocked = Signal(object)
    language_changed = Signal(str)

    def __init__(self, worker: DbWorker, folder: VaultFolder | ServerFolder, usernames: list[str],
                 last_user: str, language: str, binding_note: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.folder = folder
        self.setWindowTitle(self.tr("Xinhe — unlock"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 30, 40, 24)
        title = label(self.tr("Xinhe case records"), "pageTitle")
        outer.addWidget(title)
        outer.addWidget(label(self.tr("The records are locked. Sign in to continue."), "hint"))
        form = QFormLayout()
        self.user = QComboBox()
        self.user.setEditable(True)
        self.user.addItems(usernames)
        # The last person to sign in here, or nobody (not whoever sorts first).
        self.user.setCurrentText(last_user if last_user in usernames else "")
        self.password = password_field()
        form.addRow(self.tr("Login name"), self.user)
        form.addRow(self.tr("Password"), self.password)
        outer.addLayout(form)
        self.error = ErrorLine()
        outer.addWidget(self.error)
        buttons = QHBoxLayout()
        self.forgot = QPushButton(self.tr("Forgot password? Use the recovery key…"))
        self.forgot.setFlat(True)
        self.forgot.clicked.connect(self.open_recovery)
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setObjectName("primary")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        buttons.addWidget(self.forgot)
        # On the studio server the recovery key is the administrator's, used on the server.
        self.forgot.setVisible(isinstance(folder, VaultFolder))
        buttons.addStretch()
        buttons.addWidget(self.unlock_button)
        outer.addLayout(buttons)
        outer.addStretch()
        footer = QHBoxLayout()
        self.binding = label(binding_note, "hint")
        footer.addWidget(self.binding, 1)
        self.language = QComboBox()
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(0 if language == "zh_CN" else 1)
        self.language.currentIndexChanged.connect(
            lambda _i: self.language_changed.emit(self.language.currentData()))
        footer.addWidget(self.language)
        outer.addLayout(footer)
        self.password.returnPressed.connect(self.submit)
        self.resize(520, 360)
        (self.password if self.user.currentText() else self.user).setFocus()

    def set_busy(self, busy: bool) -> None:
        for widget in (self.user, self.password, self.unlock_button, self.forgot):
            widget.setEnabled(not busy)
        self.unlock_button.setText(self.tr("Checking…") if busy else self.tr("Unlock"))

    def show_error(self, text: str) -> None:
        self.error.say(text)

    def submit(self) -> None:
        if not self.user.currentText().strip() or not self.password.text():
            self.show_error(self.tr("Enter your login name and password."))
            return
        self.error.hide()
        self.set_busy(True)
        session.unlock(worker=self.worker, folder=self.folder, username=self.user.currentText(),
                       password=self.password.text(), on_success=self._done,
                       on_failure=self._failed)
        import_in_turns(self, MAIN_WINDOW_MODULES)

    def _done(self, opened: Opened) -> None:
        self.password.clear()
        self.set_busy(False)
        self.unlocked.emit(opened)

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.show_error(error_text(exc))
        if isinstance(exc, VaultDamaged | DeviceBindingUnavailable | AccountLocked):
            self.password.clear()
        self.password.selectAll()
        self.password.setFocus()

    def open_recovery(self) -> None:
        if not isinstance(self.folder, VaultFolder):
            return
        dialog = RecoverDialog(self.worker, self.folder, self.user.currentText(), self)
        dialog.recovered.connect(self._done)
        dialog.open()


class RecoverDialog(QDialog):
    """Set a new password with the recovery key."""

    recovered = Signal(object)

    def __init__(self, worker: DbWorker, folder: VaultFolder, username: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.folder = folder
        self.setWindowTitle(self.tr("Set a new password with the recovery key"))
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "Type the recovery key from the paper kept at set-up (8 groups of 4 characters). "
            "Capitals, spaces and dashes do not matter.")))
        form = QFormLayout()
        self.key = QLineEdit()
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.user = QLineEdit(username)
        self.password = password_field()
        self.confirm = password_field()
        form.addRow(self.tr("Recovery key"), self.key)
        form.addRow(self.tr("Login name"), self.user)
        form.addRow(self.tr("New password"), self.password)
        form.addRow(self.tr("New password again"), self.confirm)
        layout.addLayout(form)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Set password and unlock"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.key.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fail(self, text: str) -> None:
        self.error.say(text)
        self.buttons.setEnabled(True)

    def submit(self) -> None:
        if len(self.password.text()) < MIN_PASSWORD:
            self._fail(self.tr("The password needs at least %n characters.", "", MIN_PASSWORD))
            return
        if self.password.text() != self.confirm.text():
            self._fail(self.tr("The two passwords are not the same."))
            return
        self.buttons.setEnabled(False)
        self.error.hide()

        def done(opened: Opened) -> None:
            self.accept()
            self.recovered.emit(opened)

        def failed(exc: BaseException) -> None:
            self._fail(error_text(exc))
        session.recover(worker=self.worker, folder=self.folder, recovery_key=self.key.text(),
                        username=self.user.text(), new_password=self.password.text(),
                        on_success=done, on_failure=failed)
