"""File choosers, questions and notices that do not block: each opens window-modal with
open() and calls back on an answer.

The static QFileDialog/QMessageBox/QInputDialog functions run an event loop of their own;
a lock that comes while one is open would return into code that then works on a closed
vault. With these, a lock closes the window and the callback simply never runs.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget


def _file_dialog(parent: QWidget, title: str, folder: str, name_filter: str,
                 then: Callable[[str], object]) -> QFileDialog:
    dialog = QFileDialog(parent, title, folder, name_filter)
    dialog.setObjectName("fileDialog")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda path: then(path) if path else None)
    return dialog


def choose_file(parent: QWidget, title: str, folder: str, name_filter: str,
                then: Callable[[str], object]) -> QFileDialog:
    """An existing file to read; `then(path)` once one is chosen."""
    dialog = _file_dialog(parent, title, folder, name_filter, then)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.open()
    return dialog


def choose_save_path(parent: QWidget, title: str, suggested: str, name_filter: str,
                     then: Callable[[str], object]) -> QFileDialog:
    """Where to write a file (asking before an existing one is replaced)."""
    dialog = _file_dialog(parent, title, suggested, name_filter, then)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.open()
    return dialog


def choose_folder(parent: QWidget, title: str, folder: str,
                  then: Callable[[str], object]) -> QFileDialog:
    dialog = _file_dialog(parent, title, folder, "", then)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.open()
    return dialog


def inform(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("notice")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def ask_text(parent: QWidget, title: str, prompt: str,
             then: Callable[[str], object]) -> QInputDialog:
    """One line of text; `then(text)` on OK (also when it is empty)."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("askText")
    dialog.setWindowTitle(title)
    dialog.setLabelText(prompt)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.textValueSelected.connect(then)
    dialog.open()
    return dialog
