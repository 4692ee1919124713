"""The case list's risk badge: a column sized by badge_width shows every level's whole
name, in both languages (sized to the bare label, the cell's drawing rectangle — a pixel
narrower than the section — left "低…" for every case)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from xinhe.i18n import language, set_language
from xinhe.records import vocab
from xinhe.ui import style
from xinhe.ui.models.risk import (
    BADGE_MARGIN,
    BADGE_PADDING,
    RISK_ROLE,
    RiskBadgeDelegate,
    badge_width,
)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_level_fits_a_column_of_badge_width(qapp: QApplication, qtbot: QtBot,
                                                  lang: str) -> None:
    before = language()
    set_language(lang)
    try:
        style.apply(qapp)
        model = QStandardItemModel(len(vocab.RISK_LEVELS), 1)
        for row, level in enumerate(vocab.RISK_LEVELS):
            item = QStandardItem("")
            item.setData(level, RISK_ROLE)
            model.setItem(row, 0, item)
        table = QTableView()
        qtbot.addWidget(table)
        table.setModel(model)
        table.setItemDelegateForColumn(0, RiskBadgeDelegate(table))
        table.show()
        table.ensurePolished()
        metrics = table.fontMetrics()
        table.horizontalHeader().resizeSection(0, badge_width(metrics))
        for row, level in enumerate(vocab.RISK_LEVELS):
            # What RiskBadgeDelegate.paint leaves for the label in the cell it is given.
            cell = table.visualRect(model.index(row, 0)).width()
            room = cell - 2 * BADGE_MARGIN - BADGE_PADDING
            name = vocab.label(vocab.RISK_LEVELS, level)
            assert metrics.elidedText(name, Qt.TextElideMode.ElideRight, room) == name
    finally:
        set_language(before)
