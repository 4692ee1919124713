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


SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex


class CaseTableModel(QAbstractTableModel):
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
        self.rows = rows
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == ROW_ROLE:
            return row
        if role == RISK_ROLE and column == "risk":
            return row.risk_level
        if role == SORT_ROLE:
            return {
                "risk": vocab.RISK_RANK[row.risk_level],
                "next_due": row.next_due or "~",
                "opened": row.opened_at,
            }.get(column, self._text(row, column))
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == "next_due" and row.overdue:
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.ToolTipRole and column == "next_due" and row.overdue:
            return translate("CaseTable", "Overdue")
        return None

    def _text(self, row: CaseRow, column: str) -> str:
        if column == "case_no":
            return row.case_no
        if column == "client":
            return row.client_name
        if column == "category":
            return vocab.label(vocab.CATEGORIES, row.category)
        if column == "source":
            return vocab.label(vocab.SOURCES, row.source)
        if column == "status":
            return vocab.label(vocab.STATUSES, row.status)
        if column == "risk":
            return vocab.label(vocab.RISK_LEVELS, row.risk_level) or "—"
        if column == "counsellor":
            return row.counsellor_name
        if column == "community":
            return row.community or ""
        if column == "opened":
            return row.opened_at[:10]
        due = (row.next_due or "")[:10]
        return f"{due} ⚠" if row.overdue else due


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
        self.setSortRole(SORT_ROLE)

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
