"""Long item lists filled a chunk per event-loop turn, with column widths from a sample.

A dashboard or follow-up list can hold thousands of rows on a big vault; formatting and
inserting them in one go, or letting the header measure every row (ResizeToContents),
holds the UI thread for well over 100 ms. Here each turn adds CHUNK rows in one insertion,
and the widths come once from the header and the first rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem

CHUNK = 250  # rows per event-loop turn: ~10 ms of formatting and insertion
SIZE_SAMPLE = 50  # rows measured for the column widths
MAX_COLUMN_WIDTH = 360
OVERDUE = "#b00020"

# What a row shows: its texts, the key kept in UserRole, and whether it is overdue.
Shown = tuple[Sequence[str], object, bool]


def make_item(texts: Sequence[str], key: object, overdue: bool) -> QTreeWidgetItem:
    item = QTreeWidgetItem(list(texts))
    item.setData(0, Qt.ItemDataRole.UserRole, key)
    if overdue:
        colour = QColor(OVERDUE)
        for column in range(len(texts)):
            item.setForeground(column, colour)
    return item


class ChunkedFill(QObject):
    """Fills `tree` from plain rows, CHUNK per turn; a new fill cancels an unfinished one.
    `tree.topLevelItemCount()` reaches `len(rows)` when `done` is True."""

    def __init__(self, tree: QTreeWidget, show: Callable[[Any], Shown]) -> None:
        super().__init__(tree)
        self.tree = tree
        self.show = show
        self.rows: Sequence[Any] = ()
        self.next = 0
        self.done = True
        self.sized = False
        self.chunks = 0  # turns the last fill took (tests see big lists go in chunks)
        header = tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._step)

    def fill(self, rows: Sequence[Any]) -> None:
        self.timer.stop()
        self.tree.clear()
        self.rows, self.next, self.done, self.chunks = rows, 0, not rows, 0
        if rows:
            self._step()

    def _step(self) -> None:
        part = self.rows[self.next:self.next + CHUNK]
        items = [make_item(*self.show(row)) for row in part]
        self.tree.addTopLevelItems(items)
        self.next += len(part)
        self.chunks += 1
        if not self.sized and items:
            self._size_columns(items[:SIZE_SAMPLE])
        if self.next < len(self.rows):
            self.timer.start()
        else:
            self.done = True

    def _size_columns(self, sample: list[QTreeWidgetItem]) -> None:
        """Widths from the header and the first rows, once (later the person's own widths
        stay); the last column stretches."""
        header = self.tree.header()
        metrics, header_metrics = self.tree.fontMetrics(), header.fontMetrics()
        head = self.tree.headerItem()
        self.sized = True
        for column in range(self.tree.columnCount() - 1):
            widest = max((metrics.horizontalAdvance(i.text(column)) for i in sample
                          if not i.isFirstColumnSpanned()), default=0)
            width = max(widest + 24, header_metrics.horizontalAdvance(head.text(column)) + 32)
            header.resizeSection(column, min(width, MAX_COLUMN_WIDTH))
