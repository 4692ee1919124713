"""The figures table of the statistics screen: a model over plain rows (no database)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from xinhe.records.stats import StatsReport
from xinhe.records.stats_figures import section_name
from xinhe.records.stats_table import FigureRow, figure_rows, format_value

Index = QModelIndex | QPersistentModelIndex
SECTION_BACKGROUND = QColor("#f4eff6")
MUTED = QColor("#5f5f5f")


class FiguresModel(QAbstractTableModel):
    """Section titles, then each figure with its value and, beside it, what it counts (the
    definition's first sentence; all of it as a tooltip)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[FigureRow | str] = []  # a str is a section title

    def set_report(self, report: StatsReport | None) -> None:
        self.beginResetModel()
        self.rows = []
        if report is not None:
            section = ""
            for row in figure_rows(report):
                if row.section != section:
                    section = row.section
                    self.rows.append(section_name(section))
                self.rows.append(row)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Figure"), self.tr("Value"), self.tr("What it counts"))[section]
        return None

    def value_of(self, code: str) -> str:
        """The shown value of a figure code (for people reading the screen, and tests)."""
        for row in self.rows:
            if isinstance(row, FigureRow) and row.code == code:
                return format_value(row.value)
        raise KeyError(code)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if isinstance(row, str):
            if role == Qt.ItemDataRole.DisplayRole and column == 0:
                return row
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(SECTION_BACKGROUND)
            if role == Qt.ItemDataRole.FontRole:
                bold = QFont()
                bold.setBold(True)
                return bold
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return "    " * row.depth + row.label
            if column == 2:
                return row.short_definition
            return "" if row.heading else format_value(row.value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.definition
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and (row.heading or column == 2):
            return QBrush(MUTED)
        if role == Qt.ItemDataRole.UserRole:
            return row.code
        return None
