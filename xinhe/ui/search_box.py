"""The global search box: results as you type (searched on the database thread, late
answers to older queries dropped), Enter or a click opens the hit's case."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QCursor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xinhe.records.search import MARK_END, MARK_START
from xinhe.records.search_index import Hit
from xinhe.ui.case_data import local_time
from xinhe.ui.context import AppContext
from xinhe.ui.operations import clients as client_ops


def snippet_html(snippet: str) -> str:
    text = html.escape(snippet)
    return text.replace(html.escape(MARK_START), "<b style='background:#fff1a8'>").replace(
        html.escape(MARK_END), "</b>")


class SearchBox(QLineEdit):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.generation = 0
        self.setPlaceholderText(self.tr("Search notes, names, case numbers (Ctrl+F)"))
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(320)
        self.popup = QFrame(self, Qt.WindowType.ToolTip)
        self.popup.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self.popup)
        layout.setContentsMargins(2, 2, 2, 2)
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the box
        self.results.itemActivated.connect(self._open)
        self.results.itemClicked.connect(self._open)
        layout.addWidget(self.results)
        self.status = QLabel()
        self.status.setObjectName("hint")
        layout.addWidget(self.status)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.search)
        self.textChanged.connect(lambda _t: self.timer.start())
        self.returnPressed.connect(self._enter)
        self.installEventFilter(self)
        shortcut_parent = parent or self
        QShortcut(QKeySequence("Ctrl+F"), shortcut_parent).activated.connect(self._focus)

    def _focus(self) -> None:
        self.setFocus()
        self.selectAll()

    def search(self) -> None:
        query = self.text().strip()
        self.generation += 1
        generation = self.generation
        if not query:
            self.hide_popup()
            return
        client_ops.search(ctx=self.ctx, parent=self, query=query,
                          on_done=lambda hits: self._show(generation, hits))

    def _show(self, generation: int, hits: list[Hit]) -> None:
        if generation != self.generation:
            return  # an answer to an older query
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, hit.case_id)
            label = QLabel(f"<b>{html.escape(hit.case_no)} {html.escape(hit.client_name)}</b>"
                           f" · {html.escape(hit.title)} · {local_time(hit.ts, False)}<br>"
                           f"<span style='color:#444'>{snippet_html(hit.snippet)}</span>")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setContentsMargins(4, 3, 4, 3)
            item.setSizeHint(label.sizeHint())
            self.results.addItem(item)
            self.results.setItemWidget(item, label)
        self.status.setText(self.tr("%n result(s)", "", len(hits)) if hits else
                            self.tr("Nothing found."))
        width = max(self.width(), 520)
        self.popup.resize(width, 360 if hits else 60)
        self.popup.move(self.mapToGlobal(QPoint(self.width() - width, self.height())))
        app = QApplication.instance()
        if app is not None and not self.popup.isVisible():
            app.installEventFilter(self)  # a click elsewhere closes it
        self.popup.show()
        if hits:
            self.results.setCurrentRow(0)

    def _enter(self) -> None:
        item = self.results.currentItem()
        if self.popup.isVisible() and item is not None:
            self._open(item)

    def _open(self, item: QListWidgetItem) -> None:
        case_id = item.data(Qt.ItemDataRole.UserRole)
        self.hide_popup()
        if case_id:
            self.ctx.bus.open_case.emit(int(case_id))

    def hide_popup(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.popup.hide()

    def _outside(self, point: QPoint) -> bool:
        return not self.popup.frameGeometry().contains(point) and \
            not self.rect().contains(self.mapFromGlobal(point))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        kind = event.type()
        if kind == QEvent.Type.Hide and watched is self.popup:
            # However it closed (hide_popup, Esc, the window going): no app-wide filter
            # left behind to run in Python for every event in the app.
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            return False
        if kind == QEvent.Type.MouseButtonPress and self.popup.isVisible() and \
                self._outside(event.globalPosition().toPoint()):  # type: ignore[attr-defined]
            self.hide_popup()
            return False
        if watched is self and kind == QEvent.Type.FocusOut and self.popup.isVisible() \
                and self._outside(QCursor.pos()):
            self.hide_popup()
            return False
        if watched is self and kind == QEvent.Type.KeyPress and \
                self.popup.isVisible():
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.results.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                self.results.setCurrentRow(max(0, min(row, self.results.count() - 1)))
                return True
            if key == Qt.Key.Key_Escape:
                self.hide_popup()
                return True
        return False
