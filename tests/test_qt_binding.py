"""The Qt binding itself: PySide6 6.12.0 dropped a reference to Python's None on every
item setData, so a session that filled a few thousand list rows (the dashboard of a
10,000-case vault) aborted with "Fatal Python error: none_dealloc". Pinned to 6.11.2; this
test fails if an upgrade brings the leak back."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import QListWidgetItem, QTableWidgetItem, QTreeWidgetItem


@pytest.mark.parametrize("item_type", [QStandardItem, QListWidgetItem, QTableWidgetItem,
                                       QTreeWidgetItem])
def test_setting_item_data_keeps_none_alive(qapp, item_type: type) -> None:  # noqa: ANN001
    item = item_type()
    before = sys.getrefcount(None)
    for value in range(1_000):
        if item_type is QTreeWidgetItem:
            item.setData(0, Qt.ItemDataRole.UserRole, value)
        else:
            item.setData(Qt.ItemDataRole.UserRole, value)
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"{item_type.__name__}.setData lost {lost} references to None"
