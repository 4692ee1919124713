"""The risk badge: a coloured, rounded label drawn in table cells."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from xinhe.records import vocab
from xinhe.ui.style import RISK_COLOURS

RISK_ROLE = Qt.ItemDataRole.UserRole + 10  # the level code ("high" …) of a cell
BADGE_MARGIN = 6  # from the cell's edges
BADGE_PADDING = 16  # around the label inside the badge


def badge_width(metrics: QFontMetrics) -> int:
    """The cell width the widest risk badge needs."""
    # + 4: the cell a view hands the delegate is a pixel or so narrower than its section
    # (the grid line); sized to the bare label, every badge read "低…".
    return max(metrics.horizontalAdvance(vocab.label(vocab.RISK_LEVELS, level))
               for level in vocab.RISK_LEVELS) + BADGE_PADDING + 2 * BADGE_MARGIN + 4


class RiskBadgeDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        level = index.data(RISK_ROLE)
        if not level:
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.color(QPalette.ColorRole.Highlight))
        metrics = option.fontMetrics
        # Never wider than the cell: a narrowed column elides the label, not covers the next.
        room = max(option.rect.width() - 2 * BADGE_MARGIN, 0)
        text = metrics.elidedText(vocab.label(vocab.RISK_LEVELS, level),
                                  Qt.TextElideMode.ElideRight, max(room - BADGE_PADDING, 0))
        width = min(metrics.horizontalAdvance(text) + BADGE_PADDING, room)
        height = metrics.height() + 4
        rect = QRect(option.rect.x() + BADGE_MARGIN, option.rect.center().y() - height // 2,
                     width, height)
        painter.setClipRect(option.rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(RISK_COLOURS[level]))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
