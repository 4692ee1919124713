"""Showing a new recovery key once: large, printed for the safe (never copied), and not
dismissed before it has been printed or written down."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from xinhe.ui.recovery_print import print_recovery_key
from xinhe.ui.widgets import label


class RecoveryKeyDialog(QDialog):
    def __init__(self, key: str, org_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.printed = False
        self.setWindowTitle(self.tr("New recovery key"))
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "This is the new recovery key. It is shown only now, and the old one no longer "
            "works. Print it and lock the sheet in the studio's safe; do not keep it on this "
            "computer.")))
        self.key = label(key, "recoveryKey")
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.key)
        row = QHBoxLayout()
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.setObjectName("primary")
        self.print_button.clicked.connect(
            lambda: print_recovery_key(self, org_name=org_name, key=key,
                                       on_printed=self._printed))
        row.addWidget(self.print_button)
        self.print_status = label("", "ok")
        row.addWidget(self.print_status, 1)
        self.done_button = QPushButton(self.tr("Close"))
        self.done_button.setEnabled(False)
        self.done_button.clicked.connect(self.accept)
        row.addWidget(self.done_button)
        self.stored = QCheckBox(self.tr("No printer: I have written the recovery key down "
                                        "by hand and stored it safely"))
        self.stored.toggled.connect(lambda _on: self._update())
        layout.addWidget(self.stored)
        layout.addLayout(row)
        self.setMinimumWidth(620)
        self.print_button.setFocus()

    def _printed(self) -> None:
        self.printed = True
        self.print_status.setText(self.tr(
            "Printed. Check that the key is clearly readable, then lock the sheet away."))
        self._update()
        self.done_button.setFocus()

    def _update(self) -> None:
        self.done_button.setEnabled(self.printed or self.stored.isChecked())

    def reject(self) -> None:
        if self.done_button.isEnabled():
            super().reject()
