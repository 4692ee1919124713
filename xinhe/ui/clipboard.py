"""Clipboard copies of sensitive text are cleared after 30 s, but only if still ours."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QTimer
from PySide6.QtGui import QGuiApplication

CLEAR_AFTER_MS = 30_000


def copy_sensitive(text: str, clear_after_ms: int = CLEAR_AFTER_MS) -> None:
    clipboard = QGuiApplication.clipboard()
    data = QMimeData()
    data.setText(text)
    # Ask clipboard managers not to keep a history of it (KDE/KeePassXC convention).
    data.setData("x-kde-passwordManagerHint", b"secret")
    clipboard.setMimeData(data)

    def clear() -> None:
        if clipboard.text() == text:
            clipboard.clear()
    QTimer.singleShot(clear_after_ms, clear)


def clear_if_ours(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if text and clipboard.text() == text:
        clipboard.clear()
