"""Replacing the studio's signing identity — a new self-signed certificate, or a PKCS#12
file from the district's CA. Asks for the administrator's password first: the old key is
deleted, and receivers must be sent the new certificate."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xinhe.records.signing_store import IdentityInfo
from xinhe.ui.context import AppContext
from xinhe.ui.operations import referrals as referral_ops
from xinhe.ui.widgets import ErrorLine, label, password_field


class IdentityDialog(QDialog):
    """`importing`: from a .p12/.pfx file; otherwise a new self-signed certificate.
    Emits `replaced(info)` when the new identity is in place."""

    replaced = Signal(object)

    def __init__(self, ctx: AppContext, importing: bool, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.importing = importing
        self.setWindowTitle(self.tr("Import a certificate") if importing else
                            self.tr("Make a new studio certificate"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "Referrals signed from now on use the new certificate. The current key is "
            "deleted; packets already sent stay valid. Send the new certificate to every "
            "receiving agency."), "hint"))
        form = QFormLayout()
        self.file = QLineEdit()
        self.file_password = password_field()
        if importing:
            row = QHBoxLayout()
            row.addWidget(self.file, 1)
            browse = QPushButton(self.tr("Choose…"))
            browse.clicked.connect(self.choose)
            row.addWidget(browse)
            form.addRow(self.tr("PKCS#12 file (.p12, .pfx)"), row)
            form.addRow(self.tr("Password of the file"), self.file_password)
        self.password = password_field()
        form.addRow(self.tr("Your password"), self.password)
        layout.addLayout(form)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Certificate file"), str(Path.home()),
            self.tr("PKCS#12 files (*.p12 *.pfx)"))
        if path:
            self.file.setText(path)

    @property
    def ok_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def save(self) -> None:
        password = self.password.text()
        path = Path(self.file.text().strip()) if self.importing else None
        file_password = self.file_password.text()

        def done(info: IdentityInfo) -> None:
            self.password.clear()
            self.file_password.clear()
            self.replaced.emit(info)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.say(exc)
            self.password.selectAll()
        if self.importing and not self.file.text().strip():
            self.error.say(self.tr("Choose the certificate file first."))
            return
        self.buttons.setEnabled(False)
        self.error.hide()
        referral_ops.replace_identity(ctx=self.ctx, parent=self, password=password, path=path,
                                      file_password=file_password, on_done=done,
                                      on_failure=failed)
