"""The referral list's model: plain `Referral` rows with their display texts made once,
and the status filter in front of it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from xinhe.export.outbox import describe_note
from xinhe.records import vocab
from xinhe.records.referrals import Referral

ModelIndex = QModelIndex | QPersistentModelIndex
FAILED = QColor("#b00020")
STATUS_COLUMN = 8


def status_text(referral: Referral) -> str:
    """The status as people read it, with the reason a signed referral was not delivered."""
    names = {
        "draft": QCoreApplication.translate("ReferralStatus", "Draft"),
        "signed": QCoreApplication.translate("ReferralStatus", "Signed, not delivered yet"),
        "delivered": QCoreApplication.translate("ReferralStatus", "Delivered"),
        "acknowledged": QCoreApplication.translate("ReferralStatus", "Acknowledged"),
        "recalled": QCoreApplication.translate("ReferralStatus", "Recalled"),
    }
    text = names.get(referral.status, referral.status)
    if referral.status_note:
        text += " — " + describe_note(referral.status_note)
    return text


class ReferralsModel(QAbstractTableModel):
    """Rows of plain `Referral` data, loaded off the UI thread. Display texts are made once
    per row and kept; a reload that only changes some rows updates just those. The model
    sorts itself with one key per row: a sorting proxy called `data()` from C++ ~30,000
    times for 600 referrals (~100 ms on the UI thread at every load)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Referral] = []
        self._texts: list[list[str] | None] = []
        self.sort_column, self.sort_order = 0, Qt.SortOrder.DescendingOrder
        self.headers = [self.tr("Referral no."), self.tr("Case"), self.tr("Client"),
                        self.tr("Agency"), self.tr("Purpose"), self.tr("Urgency"),
                        self.tr("Created"), self.tr("Delivered"), self.tr("Status")]

    def set_rows(self, rows: list[Referral]) -> None:
        """Show `rows` in the model's order. The same referrals in the same order (a sign,
        delivery or acknowledgement) update only the rows that differ; else it resets."""
        rows = self._sorted(rows)
        if [r.id for r in rows] == [r.id for r in self.rows]:
            changed = [i for i, (old, new) in enumerate(zip(self.rows, rows, strict=True))
                       if old != new]
            self.rows = rows
            for i in changed:
                self._texts[i] = None
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.headers) - 1))
            return
        self.beginResetModel()
        self.rows = rows
        self._texts = [None] * len(rows)
        self.endResetModel()

    def _key(self, r: Referral, column: int) -> Any:
        if column == 6:
            return r.created_at
        if column == 7:
            return r.delivered_at or ""
        if column in (0, 1, 2):
            return (r.referral_no, r.case_no, r.client_name)[column]
        return self.texts(r)[column]

    def _sorted(self, rows: list[Referral]) -> list[Referral]:
        column = self.sort_column
        return sorted(rows, key=lambda r: (self._key(r, column), r.id),
                      reverse=self.sort_order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column`; the selection (persistent indexes) follows its rows."""
        if (column, order) == (self.sort_column, self.sort_order) or column < 0:
            return
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self.rows[i.row()].id for i in persistent]
        texts = {r.id: t for r, t in zip(self.rows, self._texts, strict=True)}
        self.rows = self._sorted(self.rows)
        self._texts = [texts[r.id] for r in self.rows]
        at = {r.id: n for n, r in enumerate(self.rows)}
        self.changePersistentIndexList(persistent, [self.index(at[i], p.column())
                                                    for i, p in zip(ids, persistent,
                                                                    strict=True)])
        self.layoutChanged.emit()

    def sample_texts(self, count: int) -> list[list[str]]:
        """The display texts of the first `count` rows (for column widths)."""
        return [self.data_texts(i) for i in range(min(count, len(self.rows)))]

    def data_texts(self, row: int) -> list[str]:
        texts = self._texts[row]
        if texts is None:
            texts = self._texts[row] = self.texts(self.rows[row])
        return texts

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def cell(self, r: Referral, column: int) -> str:
        return self.texts(r)[column]

    @staticmethod
    def texts(r: Referral) -> list[str]:
        return [r.referral_no, r.case_no, r.client_name,
                vocab.label(vocab.AGENCIES, r.agency),
                vocab.label(vocab.CONSENT_PURPOSES, r.purpose),
                vocab.label(vocab.URGENCIES, r.urgency), r.created_at[:10],
                (r.delivered_at or "")[:10], status_text(r)]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.data_texts(index.row())[index.column()]
        referral = self.rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == STATUS_COLUMN and \
                referral.status_note:
            return FAILED
        if role == Qt.ItemDataRole.UserRole:
            return referral
        return None


class StatusFilter(QSortFilterProxyModel):
    """Shows the referrals of one status (all when `status` is ""), in the model's order:
    sorting is passed on to the model."""

    def __init__(self, model: ReferralsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.referrals = model
        self.status = ""
        self.setSourceModel(model)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.referrals.sort(column, order)

    def set_status(self, status: str) -> None:
        self.beginFilterChange()
        self.status = status
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: ModelIndex) -> bool:  # noqa: N802
        return not self.status or self.referrals.rows[row].status == self.status
