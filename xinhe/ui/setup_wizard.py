"""First run on two pages: the studio's name and the admin account, then the recovery key
printed for the safe — or restoring the vault from a backup file (restore_pages.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from xinhe.crypto.keyslots import validate_username
from xinhe.errors import XinheError
from xinhe.records.accounts import MIN_PASSWORD
from xinhe.records.names import sound_key
from xinhe.records.restore import RestoreResult
from xinhe.records.vault import VaultFolder
from xinhe.ui.i18n import LANGUAGES
from xinhe.ui.join_page import JoinPage
from xinhe.ui.operations import session
from xinhe.ui.operations.session import Opened
from xinhe.ui.recovery_print import print_recovery_key
from xinhe.ui.restore_pages import RestoredPage, RestorePage
from xinhe.ui.widgets import error_text, label, password_field
from xinhe.ui.worker import DbWorker


class AdminPage(QWizardPage):
    """Everything a first run asks on one page: the language, the studio's name and the
    administrator account (or the road to restoring a backup). Creating the vault happens
    when this page is left, on the database thread."""

    def __init__(self, language: str, on_language: Callable[[str], None],
                 create: Callable[[AdminPage], None], restore: Callable[[], None],
                 join: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._create = create
        self.created = False
        self.restoring = False
        self.joining = False
        self.setCommitPage(True)  # once the vault exists there is no going back
        self.setTitle(self.tr("Welcome to Xinhe"))
        self.setSubTitle(self.tr(
            "Xinhe keeps the studio's case records on this computer, encrypted. Create the "
            "administrator account: they manage accounts, templates and backups, and cannot "
            "read case records."))
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(label(self.tr("Language:"), wrap=False))
        self.language = QComboBox()
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(0 if language == "zh_CN" else 1)
        self.language.currentIndexChanged.connect(
            lambda _i: on_language(self.language.currentData()))
        row.addWidget(self.language)
        row.addStretch()
        self.restore_button = QPushButton(self.tr("Restore from a backup file…"))
        self.restore_button.setToolTip(self.tr(
            "A new computer, or after a disk failure: bring the records back from a backup."))
        self.restore_button.setAutoDefault(False)
        self.restore_button.clicked.connect(restore)
        row.addWidget(self.restore_button)
        self.join_button = QPushButton(self.tr("Join a studio server…"))
        self.join_button.setToolTip(self.tr(
            "The studio keeps its records on its own server: sign in to it from here "
            "instead of creating a vault on this computer."))
        self.join_button.setAutoDefault(False)
        if join is not None:
            self.join_button.clicked.connect(join)
        row.addWidget(self.join_button)
        layout.addLayout(row)
        form = QFormLayout()
        layout.addLayout(form)
        self.org = QLineEdit(self.tr("Xinhe Home Studio"))
        self.org.setMaxLength(80)
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(self.tr("e.g. 张敏"))
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("e.g. zhangmin"))
        self._suggested = ""
        self.display_name.textChanged.connect(self._suggest_username)
        self.password = password_field()
        self.confirm = password_field()
        form.addRow(self.tr("Studio name"), self.org)
        form.addRow("", label(self.tr("It appears on referral documents and reports."),
                              "hint"))
        form.addRow(self.tr("Full name"), self.display_name)
        form.addRow(self.tr("Login name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Password again"), self.confirm)
        form.addRow("", label(self.tr("At least %n characters. A short sentence is easier to "
                                      "remember and harder to guess.", "", MIN_PASSWORD),
                              "hint"))
        self.error = label("", "error")
        self.status = label("", "hint")  # progress is not an error: never red
        form.addRow(self.error)
        form.addRow(self.status)
        for field in (self.org, self.display_name, self.username, self.password,
                      self.confirm):
            field.textChanged.connect(self.completeChanged)
        # pypinyin's dictionaries take ~0.2 s to load: not on the UI thread at a keystroke.
        threading.Thread(target=sound_key, args=("张",), daemon=True).start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        # After the wizard has put focus on the first widget (the language): typing starts
        # with the person's name.
        QTimer.singleShot(0, self, self.display_name.setFocus)

    def _suggest_username(self) -> None:
        """The login name follows the full name in pinyin until the person types one."""
        current = self.username.text()
        if current and current != self._suggested:
            return
        self._suggested = "".join(c for c in sound_key(self.display_name.text())
                                  if c.isascii() and (c.isalnum() or c in "._-"))
        self.username.setText(self._suggested)

    def isComplete(self) -> bool:
        return all(f.text().strip() for f in (self.org, self.display_name, self.username,
                                              self.password, self.confirm)) \
            and not self.busy

    busy = False

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        for field in (self.org, self.display_name, self.username, self.password,
                      self.confirm, self.language, self.restore_button, self.join_button):
            field.setEnabled(not busy)
        if busy:
            self.error.setText("")
        self.status.setText(self.tr("Creating the encrypted vault…") if busy else "")
        self.completeChanged.emit()

    def show_error(self, text: str) -> None:
        self.status.setText("")
        self.error.setText(text)

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        if self.created or self.restoring or self.joining:
            return True
        if not self._valid():
            return False
        self._create(self)
        return False

    def _valid(self) -> bool:
        try:
            validate_username(self.username.text())
        except XinheError as exc:
            self.show_error(exc.message())
            self.username.setFocus()
            return False
        if len(self.password.text()) < MIN_PASSWORD:
            self.show_error(self.tr("The password needs at least %n characters.", "",
                                    MIN_PASSWORD))
            self.password.setFocus()
            return False
        if self.password.text() != self.confirm.text():
            self.show_error(self.tr("The two passwords are not the same."))
            self.confirm.selectAll()
            self.confirm.setFocus()
            return False
        return True


class RecoveryPage(QWizardPage):
    """The last page: the key once, printed for the safe (or written down by hand)."""

    def __init__(self, org_name: Callable[[], str]) -> None:
        super().__init__()
        self._org_name = org_name
        self.printed = False
        self.setFinalPage(True)
        self.setTitle(self.tr("Your recovery key"))
        self.setSubTitle(self.tr("It is shown only now. Without it, a forgotten password "
                                 "cannot be replaced."))
        layout = QVBoxLayout(self)
        self.key = label("", "recoveryKey")
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.key)
        row = QHBoxLayout()
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.setObjectName("primary")
        self.print_button.clicked.connect(self.print_key)
        row.addWidget(self.print_button)
        self.print_status = label("", "ok")
        row.addWidget(self.print_status, 1)
        layout.addLayout(row)
        layout.addWidget(label(self.tr(
            "Print it and lock the sheet in the studio's safe. Do not store it on this "
            "computer or send it by WeChat or e-mail.")))
        self.stored = QCheckBox(self.tr("No printer: I have written the recovery key down "
                                        "by hand and stored it safely"))
        self.stored.toggled.connect(self.completeChanged)
        layout.addWidget(self.stored)
        layout.addStretch()
        self.binding = label("", "hint")
        layout.addWidget(self.binding)
        layout.addWidget(label(self.tr(
            "Next, add the accounts of your supervisors, counsellors and staff under Admin."),
            "hint"))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        QTimer.singleShot(0, self, self.print_button.setFocus)

    def print_key(self) -> None:
        def printed() -> None:
            self.printed = True
            self.print_status.setText(self.tr(
                "Printed. Check that the key is clearly readable, then lock the sheet away."))
            self.completeChanged.emit()
            wizard = self.wizard()
            if wizard is not None:
                wizard.button(QWizard.WizardButton.FinishButton).setFocus()

        print_recovery_key(self, org_name=self._org_name(), key=self.key.text(),
                           on_printed=printed)

    @property
    def secured(self) -> bool:
        return self.printed or self.stored.isChecked()

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return self.secured


class SetupWizard(QWizard):
    """Emits `finished_with(opened)` once the recovery key has been confirmed."""

    finished_with = Signal(object)
    language_changed = Signal(str)
    joined = Signal(str)  # the studio server's DSN (no user, no password), before finished_with
    restored = Signal()  # restored from a backup; the unlock window comes next

    def __init__(self, worker: DbWorker, folder: VaultFolder, language: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.folder = folder
        self.opened: Opened | None = None
        self.setWindowTitle(self.tr("Xinhe — first-time set-up"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.admin = AdminPage(language, self.language_changed.emit, self._create,
                               self._to_restore, self._to_join)
        self.recovery = RecoveryPage(lambda: self.admin.org.text().strip())
        for page in (self.admin, self.recovery):
            self.addPage(page)
        self.restore_result: RestoreResult | None = None
        self.restore_page = RestorePage(worker, folder, self._restored)
        self.restored_page = RestoredPage(worker, folder, self._opened_after_restore)
        self.restore_id = self.addPage(self.restore_page)
        self.restored_id = self.addPage(self.restored_page)
        self.join_page = JoinPage(worker, self._joined)
        self.join_id = self.addPage(self.join_page)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Create the vault"))
        self.currentIdChanged.connect(self._back_on_first_page)
        self.resize(640, 560)

    def _create(self, page: AdminPage) -> None:
        page.set_busy(True)

        def created(result: tuple[Opened, str]) -> None:
            self.opened, key = result
            page.created = True
            self.setOption(QWizard.WizardOption.NoCancelButton, True)
            page.set_busy(False)
            page.error.setText("")
            self.recovery.key.setText(key)
            self.recovery.binding.setText(
                self.tr("Workstation binding is on: a copy of the vault taken to another "
                        "computer cannot be opened with a password alone.")
                if self.opened.binding_on else
                self.tr("Workstation binding is off: this computer offers no secure keyring, "
                        "so a copied vault is protected by the passwords alone."))
            self.next()

        def failed(exc: BaseException) -> None:
            page.set_busy(False)
            page.show_error(error_text(exc))

        session.create_vault(worker=self.worker, folder=self.folder,
                             org_name=page.org.text().strip(),
                             admin_username=page.username.text(),
                             admin_display_name=page.display_name.text(),
                             password=page.password.text(), on_success=created,
                             on_failure=failed)

    def _to_restore(self) -> None:
        self.admin.restoring = True
        self.admin.setCommitPage(False)  # the restore page may go back to this one
        self.next()

    def _to_join(self) -> None:
        self.admin.joining = True
        self.admin.setCommitPage(False)  # the join page may go back to this one
        self.next()

    def _joined(self, dsn: str, opened: Opened) -> None:
        self.joined.emit(dsn)
        self.opened = opened
        self.accept()

    def _back_on_first_page(self, page_id: int) -> None:
        if self.page(page_id) is self.admin:
            self.admin.joining = False
            self.admin.restoring = False
            self.admin.setCommitPage(True)

    def nextId(self) -> int:  # noqa: N802 (Qt API)
        page = self.currentPage()
        if page is self.admin:
            if self.admin.joining:
                return self.join_id
            return self.restore_id if self.admin.restoring else super().nextId()
        if page is self.restore_page:
            return self.restored_id
        if page in (self.recovery, self.restored_page, self.join_page):
            return -1
        return super().nextId()

    def _restored(self, result: RestoreResult, recovery_key: str) -> None:
        self.restore_result = result
        self.setOption(QWizard.WizardOption.NoCancelButton, True)
        self.restored_page.show_result(result, recovery_key)
        self.next()

    def _opened_after_restore(self, opened: Opened) -> None:
        self.opened = opened
        self.accept()

    def accept(self) -> None:
        super().accept()
        if self.opened is not None:
            self.finished_with.emit(self.opened)
        elif self.restore_result is not None:
            self.restored.emit()

    def reject(self) -> None:
        if self.opened is not None and not self.recovery.secured:
            QMessageBox.warning(self, self.tr("Recovery key"), self.tr(
                "The vault has been created. Please print the recovery key (or write it down "
                "and tick the box) before leaving: it cannot be shown again."))
            return
        if self.opened is not None or self.restore_result is not None:
            self.accept()
            return
        super().reject()
