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
    per row and kept; a reload that only changes some rows updates just those."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Referral] = []
        self._texts: list[list[str] | None] = []
        self.headers = [self.tr("Referral no."), self.tr("Case"), self.tr("Client"),
                        self.tr("Agency"), self.tr("Purpose"), self.tr("Urgency"),
                        self.tr("Created"), self.tr("Delivered"), self.tr("Status")]

    def set_rows(self, rows: list[Referral]) -> None:
        """Show `rows`. The same referrals in the same order (a sign, delivery or
        acknowledgement) update only the rows that differ; anything else resets."""
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
        referral = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            texts = self._texts[index.row()]
            if texts is None:
                texts = self._texts[index.row()] = self.texts(referral)
            return texts[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == STATUS_COLUMN and \
                referral.status_note:
            return FAILED
        if role == Qt.ItemDataRole.UserRole:
            return referral
        return None


class StatusFilter(QSortFilterProxyModel):
    """Sorts the referrals and shows those of one status (all when `status` is "")."""

    def __init__(self, model: ReferralsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.referrals = model
        self.status = ""
        self.setSourceModel(model)

    def set_status(self, status: str) -> None:
        self.beginFilterChange()
        self.status = status
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: ModelIndex) -> bool:  # noqa: N802
        return not self.status or self.referrals.rows[row].status == self.status
