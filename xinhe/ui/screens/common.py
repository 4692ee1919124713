"""Pieces the list screens share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from xinhe.ui.style import RISK_COLOURS


class WhenShown(QObject):
    """`reload` at once while `screen` is on screen, else when it next shows. A screen
    nobody looks at does not reload at every change made elsewhere: on a big vault each
    reload of the dashboard or the follow-ups is thousands of rows made on the database
    thread (holding the GIL) and then filled on the UI thread while the person works."""

    def __init__(self, screen: QWidget, reload: Callable[[], None]) -> None:
        super().__init__(screen)
        self.screen, self.reload, self.stale = screen, reload, False
        self.skipped = 0  # reloads left for later (tests see them)
        screen.installEventFilter(self)

    def __call__(self) -> None:
        if self.screen.isVisible():
            self.reload()
        elif not self.stale:
            self.stale, self.skipped = True, self.skipped + 1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if self.stale and event.type() == QEvent.Type.Show:
            self.stale = False
            self.reload()
        return False


class Time(QObject):
    """Durations in words. A QObject so that lupdate sees the plural forms: the one that
    comes with PySide6 6.11 reads `self.tr(text, "", n)` as plural, not
    `QCoreApplication.translate(context, text, "", n)`."""

    def days(self, n: int) -> str:
        return self.tr("%n day(s)", "", n)

    def hours(self, n: int) -> str:
        return self.tr("%n hour(s)", "", n)

    def minutes(self, n: int) -> str:
        return self.tr("%n minute(s)", "", n)


def time_left(due_at: str, now: datetime | None = None) -> tuple[str, bool]:
    """("还剩 5 小时" / "逾期 2 天", overdue) for a due time."""
    now = now or datetime.now().astimezone()
    delta = datetime.fromisoformat(due_at) - now
    overdue = delta.total_seconds() < 0
    seconds = abs(delta.total_seconds())
    days, hours = int(seconds // 86400), int(seconds % 86400 // 3600)
    minutes = int(seconds % 3600 // 60)
    words = Time()
    span = words.days(days) if days else words.hours(hours) if hours else \
        words.minutes(max(minutes, 1))
    text = (QCoreApplication.translate("Time", "%1 overdue") if overdue else
            QCoreApplication.translate("Time", "%1 left")).replace("%1", span)
    return text, overdue


def item_list(headers: Sequence[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setUniformRowHeights(True)
    header = tree.header()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return tree


def add_row(tree: QTreeWidget, texts: Sequence[str], key: object, *, overdue: bool = False,
            risk: str | None = None, risk_column: int | None = None) -> QTreeWidgetItem:
    item = QTreeWidgetItem(list(texts))
    item.setData(0, Qt.ItemDataRole.UserRole, key)
    if overdue:
        for column in range(len(texts)):
            item.setForeground(column, QColor("#b00020"))
    if risk and risk_column is not None:
        item.setForeground(risk_column, QColor(RISK_COLOURS[risk]))
    tree.addTopLevelItem(item)
    return item
