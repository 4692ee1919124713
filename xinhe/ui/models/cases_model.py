"""The case list: rows of CaseRow, sorted and filtered by a proxy."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from xinhe.records import vocab
from xinhe.records.cases import CaseRow
from xinhe.ui.models.risk import RISK_ROLE

translate = QCoreApplication.translate


ROW_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex


class CaseTableModel(QAbstractTableModel):
    """Display texts and sort keys are computed once per load, so showing, sorting and
    filtering 10,000 rows never waits on Python per cell."""

    COLUMNS = (
        "case_no",
        "client",
        "category",
        "source",
        "status",
        "risk",
        "counsellor",
        "community",
        "opened",
        "next_due",
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CaseRow] = []
        self.texts: list[tuple[str, ...]] = []
        self.headers = [
            translate("CaseTable", "Case no."),
            translate("CaseTable", "Client"),
            translate("CaseTable", "Category"),
            translate("CaseTable", "Source"),
            translate("CaseTable", "Status"),
            translate("CaseTable", "Risk"),
            translate("CaseTable", "Counsellor"),
            translate("CaseTable", "Community"),
            translate("CaseTable", "Opened"),
            translate("CaseTable", "Next due"),
        ]

    def set_rows(self, rows: list[CaseRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.texts = [row_texts(r) for r in self.rows]
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows themselves (the proxy keeps this order and only filters)."""
        self.layoutAboutToBeChanged.emit()
        pairs = sorted(
            zip(self.rows, self.texts, strict=True),
            key=lambda pair: sort_key(pair[0], pair[1], column),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self.rows = [p[0] for p in pairs]
        self.texts = [p[1] for p in pairs]
        self.layoutChanged.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts[row][column]
        case = self.rows[row]
        if role == ROW_ROLE:
            return case
        if role == RISK_ROLE and column == 5:
            return case.risk_level
        if role == Qt.ItemDataRole.ForegroundRole and column == 9 and case.overdue:
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.ToolTipRole and column == 9 and case.overdue:
            return translate("CaseTable", "Overdue")
        return None


def row_texts(row: CaseRow) -> tuple[str, ...]:
    due = (row.next_due or "")[:10]
    return (
        row.case_no,
        row.client_name,
        vocab.label(vocab.CATEGORIES, row.category),
        vocab.label(vocab.SOURCES, row.source),
        vocab.label(vocab.STATUSES, row.status),
        vocab.label(vocab.RISK_LEVELS, row.risk_level) or "—",
        row.counsellor_name,
        row.community or "",
        row.opened_at[:10],
        f"{due} ⚠" if row.overdue else due,
    )


def sort_key(row: CaseRow, texts: tuple[str, ...], column: int) -> Any:
    if column == 5:
        return vocab.RISK_RANK[row.risk_level]
    if column == 8:
        return row.opened_at
    if column == 9:
        return row.next_due or "~"
    return texts[column]


class CaseFilter(QSortFilterProxyModel):
    """Filters: risk, status, category, counsellor, overdue only, and text (number/name)."""

    def __init__(self) -> None:
        super().__init__()
        self.risk: str | None = None
        self.status: str | None = None
        self.category: str | None = None
        self.counsellor_id: int | None = None
        self.overdue_only = False
        self.text = ""
        self.hide_closed = True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting happens in the source model (fast); the proxy only filters."""
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def set(self, **values: Any) -> None:
        for key, value in values.items():
            setattr(self, key, value)
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, CaseTableModel)
        row = model.rows[source_row]
        if self.hide_closed and self.status is None and row.status == "closed":
            return False
        checks = (
            (self.risk, row.risk_level),
            (self.status, row.status),
            (self.category, row.category),
            (self.counsellor_id, row.counsellor_id),
        )
        if any(wanted is not None and wanted != actual for wanted, actual in checks):
            return False
        if self.overdue_only and not row.overdue:
            return False
        needle = self.text.strip().lower()
        return not needle or needle in row.case_no.lower() or needle in row.client_name.lower()
