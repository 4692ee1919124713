"""A file chooser and a notice that do not block: each opens window-modal with open() and
calls back on an answer.

The static QFileDialog/QMessageBox functions run an event loop of their own; a lock that
comes while one is open returns into the code after them (which then must not touch the
vault: operations.run refuses once ctx.locked). With these, a lock closes the window and
the callback simply never runs.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def choose_file(parent: QWidget, title: str, folder: str, name_filter: str,
                then: Callable[[str], object]) -> QFileDialog:
    """An existing file to read; `then(path)` once one is chosen."""
    dialog = QFileDialog(parent, title, folder, name_filter)
    dialog.setObjectName("fileDialog")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.fileSelected.connect(lambda path: then(path) if path else None)
    dialog.open()
    return dialog


def inform(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("notice")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
