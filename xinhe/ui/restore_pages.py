"""The set-up wizard's other road: restore the vault from a backup file with the recovery
key, then (on a new workstation) give an administrator a new password."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
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

from xinhe.errors import VaultExists
from xinhe.records.accounts import MIN_PASSWORD
from xinhe.records.backup_file import SUFFIX
from xinhe.records.restore import RestoreResult
from xinhe.records.vault import VaultFolder
from xinhe.ui.operations import maintenance, session
from xinhe.ui.operations.session import Opened
from xinhe.ui.screens.backup_panel import local_time
from xinhe.ui.widgets import error_text, label, password_field, restyle
from xinhe.ui.worker import DbWorker


class RestorePage(QWizardPage):
    """Choose the backup file and type the recovery key; restoring happens on leaving."""

    def __init__(self, worker: DbWorker, folder: VaultFolder,
                 on_restored: Callable[[RestoreResult, str], None]) -> None:
        super().__init__()
        self.worker = worker
        self.folder = folder
        self.on_restored = on_restored
        self.restored = False
        self.busy = False
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Restore"))
        self.setTitle(self.tr("Restore from a backup"))
        self.setSubTitle(self.tr(
            "For a new computer, or after this computer's vault was lost. You need the backup "
            "file and the recovery key written down at set-up."))
        form = QFormLayout(self)
        self.file = QLineEdit()
        self.file.setPlaceholderText(self.tr("e.g. E:\\xinhe-backup-20260301.xhbak"))
        choose = QPushButton(self.tr("Choose…"))
        choose.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(choose)
        form.addRow(self.tr("Backup file"), row)
        self.key = QLineEdit()
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.key.setObjectName("recoveryKeyInput")
        form.addRow(self.tr("Recovery key"), self.key)
        form.addRow("", label(self.tr(
            "The records are restored into %1. Nothing that is already there is overwritten "
            "without asking.").replace("%1", str(folder.path)), "hint"))
        self.error = label("", "error")
        form.addRow(self.error)
        for field in (self.file, self.key):
            field.textChanged.connect(self.completeChanged)

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the backup file"), str(Path.home()),
            self.tr("Xinhe backups (*%1);;All files (*)").replace("%1", SUFFIX))
        if chosen:
            self.file.setText(chosen)

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return bool(self.file.text().strip() and self.key.text().strip()) and not self.busy

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.file.setEnabled(not busy)
        self.key.setEnabled(not busy)
        restyle(self.error, "hint" if busy else "error")  # progress is not an error
        self.error.setText(text)
        self.completeChanged.emit()

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        if self.restored:
            return True
        self.start(replace=False)
        return False

    def start(self, replace: bool) -> None:
        self.set_busy(True, self.tr("Checking the backup and restoring it…"))
        key = self.key.text()

        def done(result: RestoreResult) -> None:
            self.restored = True
            self.set_busy(False)
            self.on_restored(result, key)

        def failed(exc: BaseException) -> None:
            self.set_busy(False, error_text(exc))
            if isinstance(exc, VaultExists) and self.ask_replace():
                self.start(replace=True)
        maintenance.restore(worker=self.worker, folder=self.folder,
                            path=Path(self.file.text().strip()), recovery_key=key,
                            replace=replace, on_success=done, on_failure=failed)

    def ask_replace(self) -> bool:
        answer = QMessageBox.question(self, self.tr("Replace the vault?"), self.tr(
            "There is already a vault in %1. Replace it with the backup? The vault that is "
            "there now is kept aside, in a folder named with today's date and time.")
            .replace("%1", str(self.folder.path)))
        return answer == QMessageBox.StandardButton.Yes


class RestoredPage(QWizardPage):
    """What was restored, who can sign in here, and a new administrator password if the
    accounts were bound to another workstation."""

    def __init__(self, worker: DbWorker, folder: VaultFolder,
                 on_opened: Callable[[Opened], None]) -> None:
        super().__init__()
        self.worker = worker
        self.folder = folder
        self.on_opened = on_opened
        self.recovery_key = ""
        self.setTitle(self.tr("The records are restored"))
        layout = QVBoxLayout(self)
        self.summary = label("")
        layout.addWidget(self.summary)
        self.accounts = label("", "hint")
        layout.addWidget(self.accounts)
        self.new_password = QWidget()
        form = QFormLayout(self.new_password)
        form.setContentsMargins(0, 8, 0, 0)
        form.addRow(label(self.tr(
            "Set a new password for an administrator now (this uses the recovery key you "
            "typed), then give the others new passwords under Admin."), "warning"))
        self.admin = QComboBox()
        self.password = password_field()
        self.confirm = password_field()
        form.addRow(self.tr("Administrator"), self.admin)
        form.addRow(self.tr("New password"), self.password)
        form.addRow(self.tr("Password again"), self.confirm)
        self.set_password = QPushButton(self.tr("Set the password and open"))
        self.set_password.setObjectName("primary")
        self.set_password.clicked.connect(self.submit)
        row = QHBoxLayout()
        row.addWidget(self.set_password)
        row.addStretch()
        form.addRow("", row)
        self.error = label("", "error")
        form.addRow(self.error)
        layout.addWidget(self.new_password)
        layout.addStretch()

    def show_result(self, result: RestoreResult, recovery_key: str) -> None:
        self.recovery_key = recovery_key
        self.summary.setText(
            self.tr("The backup of %1 (%2, %n case(s)) is restored on this computer.", "",
                    result.counts.get("cases", 0))
            .replace("%1", local_time(datetime.fromisoformat(result.created_at)))
            .replace("%2", result.org_name))
        lines = []
        if result.aside is not None:
            lines.append(self.tr("The vault that was there is kept in %1.")
                         .replace("%1", str(result.aside)))
        if result.keep_password:
            lines.append(self.tr("These accounts sign in with their passwords: %1")
                         .replace("%1", ", ".join(result.keep_password)))
        if result.need_new_password:
            lines.append(self.tr("These accounts were bound to another workstation and need "
                                 "new passwords: %1")
                         .replace("%1", ", ".join(result.need_new_password)))
        self.accounts.setText("\n".join(lines))
        admins = [a for a in result.admins if a in result.need_new_password]
        self.admin.addItems(admins)
        self.new_password.setVisible(bool(admins))

    def submit(self) -> None:
        if len(self.password.text()) < MIN_PASSWORD:
            self.error.setText(self.tr("The password needs at least %n characters.", "",
                                       MIN_PASSWORD))
            return
        if self.password.text() != self.confirm.text():
            self.error.setText(self.tr("The two passwords are not the same."))
            return
        self.set_password.setEnabled(False)

        def done(opened: Opened) -> None:
            self.recovery_key = ""
            self.on_opened(opened)

        def failed(exc: BaseException) -> None:
            self.set_password.setEnabled(True)
            self.error.setText(error_text(exc))
        session.recover(worker=self.worker, folder=self.folder, recovery_key=self.recovery_key,
                        username=self.admin.currentText(), new_password=self.password.text(),
                        on_success=done, on_failure=failed)
