"""Admin → Referrals: the platform's inbox folder, where the district platform drops the
cases it dispatches (set like the outbox beside it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xinhe.ui.context import AppContext
from xinhe.ui.operations import platform as platform_ops
from xinhe.ui.widgets import label, restyle


class PlatformInboxSetting(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setTitle(self.tr("Platform inbox"))
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "The platform drops dispatched cases (JSON files) in this folder; received files "
            "move to received/, rejected ones to quarantine/ with their reason."), "hint"))
        row = QHBoxLayout()
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(self.tr("e.g. Z:\\平台分拨 or /mnt/platform/inbox"))
        row.addWidget(self.folder, 1)
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self.choose)
        row.addWidget(browse)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.message = label("")
        layout.addWidget(self.message)
        platform_ops.load_inbox_folder(ctx=ctx, parent=self, on_done=self.folder.setText)

    def choose(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Inbox folder"),
                                                self.folder.text() or str(Path.home()))
        if path:
            self.folder.setText(path)

    def save(self) -> None:
        folder = self.folder.text().strip()

        def done(reachable: bool) -> None:
            if not folder:
                text, kind = self.tr("No inbox: dispatches can still be received file by "
                                     "file from the command line."), "warning"
            elif reachable:
                text, kind = self.tr("Saved. The folder is reachable."), "ok"
            else:
                text, kind = self.tr("Saved, but the folder cannot be reached right now."), \
                    "warning"
            self.message.setText(text)
            restyle(self.message, kind)
        platform_ops.save_inbox_folder(ctx=self.ctx, parent=self, folder=folder, on_done=done)
