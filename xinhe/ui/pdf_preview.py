"""A PDF shown inside the app (QtPdf), read from memory: never a temporary file, since a
referral PDF holds client data. `clear()` drops the bytes when the view is done."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from xinhe.ui.widgets import label


class PdfPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setMinimumHeight(320)
        layout.addWidget(self.view, 1)
        self.pages = label("", "hint", wrap=False)
        layout.addWidget(self.pages)
        self._buffer: QBuffer | None = None

    def show_pdf(self, data: bytes) -> int:
        """Show `data`; returns the number of pages (0 if it could not be read)."""
        self.clear()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self.document.load(buffer)
        count = self.document.pageCount()
        self.pages.setText(self.tr("%n page(s)", "", count) if count else
                           self.tr("The PDF could not be shown."))
        return count

    def page_count(self) -> int:
        return self.document.pageCount()

    def clear(self) -> None:
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.setData(QByteArray())
            self._buffer.deleteLater()
            self._buffer = None
        self.pages.setText("")
