"""Helpers for driving the desktop app in tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from xinhe.records.vault import VaultFolder
from xinhe.ui.controller import AppController
from xinhe.ui.prefs import Prefs


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    if isinstance(button, QCheckBox | QRadioButton):
        # Click the box itself; a wide check box's centre may be empty space.
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type as a person would: key presses for ASCII, and for Chinese what an input
    method sends, a commit string (QTest cannot press keys for non-ASCII characters)."""
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    chunks = text.split(" ")
    for index, chunk in enumerate(chunks):
        if chunk.isascii():
            qtbot.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)
        if index < len(chunks) - 1:
            qtbot.keyClick(widget, Qt.Key.Key_Space)


@contextmanager
def running_app(folder: VaultFolder) -> Iterator[AppController]:
    from xinhe.ui import i18n, style

    i18n.install("zh_CN")
    style.apply(QApplication.instance())
    controller = AppController(folder, Prefs())
    controller.start()
    try:
        yield controller
    finally:
        controller.dispose()
