"""First run: the studio's name, the admin account, and the recovery key — or restoring
the vault from a backup file (restore_pages.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from xinhe.crypto.keyslots import validate_username
from xinhe.errors import XinheError
from xinhe.records.accounts import MIN_PASSWORD
from xinhe.records.restore import RestoreResult
from xinhe.records.vault import VaultFolder
from xinhe.ui.clipboard import copy_sensitive
from xinhe.ui.operations import session
from xinhe.ui.operations.session import Opened
from xinhe.ui.restore_pages import RestoredPage, RestorePage
from xinhe.ui.widgets import error_text, label, password_field
from xinhe.ui.worker import DbWorker

LANGUAGES = (("zh_CN", "中文"), ("en", "English"))


class WelcomePage(QWizardPage):
    def __init__(self, language: str, on_language: Callable[[str], None]) -> None:
        super().__init__()
        self.setTitle(self.tr("Welcome to Xinhe"))
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "Xinhe keeps the studio's case records on this computer, encrypted. Only the "
            "people you give an account can open them.")))
        layout.addWidget(label(self.tr(
            "In the next steps you name the studio, create the administrator account, and "
            "receive a recovery key. Keep the recovery key on paper in a locked place: it is "
            "the only way back in if every password is forgotten.")))
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
        layout.addLayout(row)
        self.new_vault = QRadioButton(self.tr("Set up a new vault"))
        self.new_vault.setChecked(True)
        self.from_backup = QRadioButton(self.tr(
            "Restore the records from a backup file (a new computer, or after a disk failure)"))
        layout.addWidget(self.new_vault)
        layout.addWidget(self.from_backup)
        layout.addStretch()


class StudioPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Your studio"))
        self.setSubTitle(self.tr("The name appears on referral documents and reports."))
        form = QFormLayout(self)
        self.org = QLineEdit(self.tr("Xinhe Home Studio"))
        self.org.setMaxLength(80)
        form.addRow(self.tr("Studio name"), self.org)
        self.registerField("org", self.org)
        self.org.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        # Not a "mandatory" field: Qt would then demand a change from the suggested name.
        return bool(self.org.text().strip())


class AdminPage(QWizardPage):
    """Creating the vault happens when this page is left, on the database thread."""

    def __init__(self, create: Callable[[AdminPage], None]) -> None:
        super().__init__()
        self._create = create
        self.created = False
        self.setCommitPage(True)  # once the vault exists there is no going back
        self.setTitle(self.tr("Administrator account"))
        self.setSubTitle(self.tr(
            "The administrator manages accounts, templates and backups. They cannot read "
            "case records."))
        form = QFormLayout(self)
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(self.tr("e.g. 张敏"))
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("e.g. zhangmin"))
        self.password = password_field()
        self.confirm = password_field()
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
        for field in (self.display_name, self.username, self.password, self.confirm):
            field.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return all(f.text().strip() for f in (self.display_name, self.username, self.password,
                                              self.confirm)) and not self.busy

    busy = False

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        for field in (self.display_name, self.username, self.password, self.confirm):
            field.setEnabled(not busy)
        if busy:
            self.error.setText("")
        self.status.setText(self.tr("Creating the encrypted vault…") if busy else "")
        self.completeChanged.emit()

    def show_error(self, text: str) -> None:
        self.status.setText("")
        self.error.setText(text)

    def validatePage(self) -> bool:
        if self.created:
            return True
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
        self._create(self)
        return False


class RecoveryPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Your recovery key"))
        self.setSubTitle(self.tr("It is shown only now. Without it, a forgotten password "
                                 "cannot be replaced."))
        layout = QVBoxLayout(self)
        self.key = label("", "recoveryKey")
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.key)
        row = QHBoxLayout()
        copy = QPushButton(self.tr("Copy"))
        copy.setToolTip(self.tr("The clipboard is cleared again after 30 seconds."))
        copy.clicked.connect(lambda: copy_sensitive(self.key.text()))
        row.addWidget(copy)
        row.addStretch()
        layout.addLayout(row)
        layout.addWidget(label(self.tr(
            "Write it on paper and keep it in the studio's safe or a locked drawer. Do not "
            "store it on this computer or send it by WeChat or e-mail.")))
        self.stored = QCheckBox(self.tr("I have written the recovery key down and stored it "
                                        "safely"))
        self.stored.toggled.connect(self.completeChanged)
        layout.addWidget(self.stored)
        layout.addStretch()

    def isComplete(self) -> bool:
        return self.stored.isChecked()


class DonePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Ready"))
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "The vault is ready. Next, add the accounts of your supervisors, counsellors "
            "and staff under Admin.")))
        self.binding = label("", "hint")
        layout.addWidget(self.binding)
        layout.addStretch()


class SetupWizard(QWizard):
    """Emits `finished_with(opened)` once the recovery key has been confirmed."""

    finished_with = Signal(object)
    language_changed = Signal(str)
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
        self.welcome = WelcomePage(language, self.language_changed.emit)
        self.studio = StudioPage()
        self.admin = AdminPage(self._create)
        self.recovery = RecoveryPage()
        self.done_page = DonePage()
        for page in (self.welcome, self.studio, self.admin, self.recovery, self.done_page):
            self.addPage(page)
        self.restore_result: RestoreResult | None = None
        self.restore_page = RestorePage(worker, folder, self._restored)
        self.restored_page = RestoredPage(worker, folder, self._opened_after_restore)
        self.restore_id = self.addPage(self.restore_page)
        self.restored_id = self.addPage(self.restored_page)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Create the vault"))
        self.resize(640, 520)

    def _create(self, page: AdminPage) -> None:
        page.set_busy(True)

        def created(result: tuple[Opened, str]) -> None:
            self.opened, key = result
            page.created = True
            self.setOption(QWizard.WizardOption.NoCancelButton, True)
            page.set_busy(False)
            page.error.setText("")
            self.recovery.key.setText(key)
            self.done_page.binding.setText(
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
                             org_name=self.field("org"),
                             admin_username=page.username.text(),
                             admin_display_name=page.display_name.text(),
                             password=page.password.text(), on_success=created,
                             on_failure=failed)

    def nextId(self) -> int:  # noqa: N802 (Qt API)
        page = self.currentPage()
        if page is self.welcome:
            return self.restore_id if self.welcome.from_backup.isChecked() else \
                super().nextId()
        if page is self.restore_page:
            return self.restored_id
        if page in (self.done_page, self.restored_page):
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
        if self.opened is not None and not self.recovery.stored.isChecked():
            QMessageBox.warning(self, self.tr("Recovery key"), self.tr(
                "The vault has been created. Please write down the recovery key and tick the "
                "box before leaving: it cannot be shown again."))
            return
        if self.opened is not None or self.restore_result is not None:
            self.accept()
            return
        super().reject()
