"""The case list: rows of CaseRow, sorted and filtered in the model, shown a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from xinhe.records import vocab
from xinhe.records.cases import CaseRow
from xinhe.ui.models.risk import RISK_ROLE

translate = QCoreApplication.translate


ROW_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex


PAGE = 200  # rows made ready for the view at a time; more as the person scrolls
DEFAULT_SORT = (8, Qt.SortOrder.DescendingOrder)  # newest first, as CaseService.find returns


class CaseTableModel(QAbstractTableModel):
    """All the rows the person may see are held as plain data, sorted and filtered here;
    the view gets them a page at a time (canFetchMore/fetchMore), so opening, sorting and
    filtering 10,000 or 100,000 cases formats and lays out only what is on screen."""

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
        self.rows: list[CaseRow] = []  # every loaded row, in the current sort order
        self.matching: list[CaseRow] = []  # those the filter accepts, in that order
        self.texts: list[tuple[str, ...]] = []  # display texts of the rows handed out so far
        self.filter = CaseFilter()
        self.sort_column, self.sort_order = DEFAULT_SORT
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

    @property
    def default_sorted(self) -> bool:
        return (self.sort_column, self.sort_order) == DEFAULT_SORT

    def set_rows(self, rows: list[CaseRow]) -> None:
        """Show `rows` (as CaseService.find returns them, newest first) from the top."""
        self.beginResetModel()
        self.rows = list(rows) if self.default_sorted else self._sorted(rows)
        self._refilter()
        self.endResetModel()

    def extend_rows(self, rows: list[CaseRow]) -> None:
        """All rows, after a first page was shown: when the page shown is their start, it
        stays as it is (no reset, no jump) and the rest is fetched on scroll."""
        if not self.default_sorted:
            self.set_rows(rows)
            return
        matching = self.filter.select(rows)
        shown = len(self.texts)
        if matching[:shown] != self.matching[:shown]:  # a write came in between
            self.set_rows(rows)
            return
        self.rows, self.matching = list(rows), matching
        if shown < PAGE and self.canFetchMore():
            self.fetchMore()

    def clear(self) -> None:
        self.set_rows([])

    def set_filter(self, **values: Any) -> None:
        for key, value in values.items():
            setattr(self.filter, key, value)
        self.beginResetModel()
        self._refilter()
        self.endResetModel()

    def _refilter(self) -> None:
        self.matching = self.filter.select(self.rows)
        self.texts = [row_texts(r) for r in self.matching[:PAGE]]

    def _sorted(self, rows: list[CaseRow]) -> list[CaseRow]:
        return sorted(rows, key=lambda row: sort_key(row, self.sort_column),
                      reverse=self.sort_order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort all rows by keys computed once each, then show the first page again."""
        if (column, order) == (self.sort_column, self.sort_order):
            return
        self.sort_column, self.sort_order = column, order
        self.beginResetModel()
        self.rows = self._sorted(self.rows)
        self._refilter()
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and len(self.texts) < len(self.matching)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid():
            return
        first = len(self.texts)
        last = min(first + PAGE, len(self.matching)) - 1
        if last < first:
            return
        self.beginInsertRows(QModelIndex(), first, last)
        self.texts.extend(row_texts(r) for r in self.matching[first:last + 1])
        self.endInsertRows()

    def shown_count(self) -> int:
        """How many loaded cases pass the filter (handed to the view or not yet)."""
        return len(self.matching)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.texts)

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
        case = self.matching[row]
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


def sort_key(row: CaseRow, column: int) -> Any:
    if column == 5:
        return vocab.RISK_RANK[row.risk_level]
    if column == 8:
        return row.opened_at
    if column == 9:
        return row.next_due or "~"
    if column in (2, 3, 4):
        return row_texts(row)[column]
    return (row.case_no, row.client_name, "", "", "", "", row.counsellor_name,
            row.community or "")[column]


class CaseFilter:
    """Filters: risk, status, category, counsellor, overdue only, and text (number/name)."""

    def __init__(self) -> None:
        self.risk: str | None = None
        self.status: str | None = None
        self.category: str | None = None
        self.counsellor_id: int | None = None
        self.overdue_only = False
        self.text = ""
        self.hide_closed = True

    def select(self, rows: list[CaseRow]) -> list[CaseRow]:
        """The rows this filter accepts, in their order (one pass, the tests set up once)."""
        wanted = [(name, value) for name, value in (
            ("risk_level", self.risk), ("status", self.status), ("category", self.category),
            ("counsellor_id", self.counsellor_id)) if value is not None]
        hide_closed = self.hide_closed and self.status is None
        needle = self.text.strip().lower()
        if not wanted and not hide_closed and not self.overdue_only and not needle:
            return list(rows)
        return [r for r in rows
                if not (hide_closed and r.status == "closed")
                and all(getattr(r, name) == value for name, value in wanted)
                and (r.overdue or not self.overdue_only)
                and (not needle or needle in r.case_no.lower()
                     or needle in r.client_name.lower())]
