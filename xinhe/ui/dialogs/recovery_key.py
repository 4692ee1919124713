"""Showing a new recovery key once: large, copyable, and not dismissed before the person
confirms they have stored it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from xinhe.ui.clipboard import copy_sensitive
from xinhe.ui.widgets import label


class RecoveryKeyDialog(QDialog):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New recovery key"))
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "This is the new recovery key. It is shown only now, and the old one no longer "
            "works. Write it on paper and keep it in the studio's safe or a locked drawer.")))
        self.key = label(key, "recoveryKey")
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.key)
        row = QHBoxLayout()
        copy = QPushButton(self.tr("Copy"))
        copy.setToolTip(self.tr("The clipboard is cleared again after 30 seconds."))
        copy.clicked.connect(lambda: copy_sensitive(key))
        row.addWidget(copy)
        row.addStretch()
        self.done_button = QPushButton(self.tr("Close"))
        self.done_button.setEnabled(False)
        self.done_button.clicked.connect(self.accept)
        row.addWidget(self.done_button)
        self.stored = QCheckBox(self.tr("I have written the recovery key down and stored it "
                                        "safely"))
        self.stored.toggled.connect(self.done_button.setEnabled)
        layout.addWidget(self.stored)
        layout.addLayout(row)
        self.setMinimumWidth(620)

    def reject(self) -> None:
        if self.stored.isChecked():
            super().reject()
