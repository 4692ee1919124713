"""Showing an attachment from memory: photos and scans as images, PDFs with QtPdf, text as
text. Nothing is written to a temporary file."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from xinhe.records.attachments import Attachment
from xinhe.ui.context import AppContext
from xinhe.ui.locking import lock_button
from xinhe.ui.widgets import label


class AttachmentViewer(QDialog):
    def __init__(self, ctx: AppContext, attachment: Attachment, data: bytes,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(attachment.filename)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"{attachment.filename} · {attachment.added_by} · "
                               f"{attachment.added_at[:10]}", "hint"))
        self._buffer: QBuffer | None = None
        if attachment.media_type.startswith("image/"):
            pixmap = QPixmap()
            pixmap.loadFromData(data)
            picture = QLabel()
            picture.setPixmap(pixmap)
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            scroll = QScrollArea()
            scroll.setWidget(picture)
            layout.addWidget(scroll, 1)
        elif attachment.media_type == "application/pdf":
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView

            self._bytes = QByteArray(data)
            self._buffer = QBuffer(self._bytes, self)
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document = QPdfDocument(self)
            self.document.load(self._buffer)
            view = QPdfView()
            view.setPageMode(QPdfView.PageMode.MultiPage)
            view.setDocument(self.document)
            layout.addWidget(view, 1)
        else:
            text = QPlainTextEdit(data.decode("utf-8", errors="replace"))
            text.setReadOnly(True)
            layout.addWidget(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(lock_button(ctx), QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        self.resize(820, 680)
