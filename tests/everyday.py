"""Driving the app as a person does, with the steps counted, for the everyday tasks (T1–T7)
and the tests beside them: a click, a key chord, or one typed field (getting into the field
included) is one step."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ui_helpers import click, find_dialog, type_into, wait_idle


class Steps:
    """A person's steps, counted."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def click(self, button: Any) -> None:
        click(self.qtbot, button)
        self.count += 1

    def type(self, widget: QWidget, text: str) -> None:
        type_into(self.qtbot, widget, text)
        self.count += 1

    def key(self, widget: QWidget, key: Qt.Key,
            modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(widget, key, modifier)
        self.count += 1

    def click_row(self, view: Any, item: Any, double: bool = False) -> None:
        """A row of a list or tree widget, or a model index of an item view."""
        rect = view.visualItemRect(item) if hasattr(view, "visualItemRect") else \
            view.visualRect(item)
        assert rect.isValid(), "the row is not on screen"
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        if double:
            self.qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                                   pos=rect.center())
        self.count += 1

    def answer(self, which: QMessageBox.StandardButton) -> QMessageBox:
        box = find_dialog(self.qtbot, QMessageBox)
        self.click(box.button(which))
        return box

    def scroll_to(self, form: Any, widget: QWidget) -> None:
        self.count += 1  # a turn of the wheel
        form.page_scroll.ensureWidgetVisible(widget, 0, 60)


def print_to_pdf(qtbot: QtBot, steps: Steps, target: Path) -> None:
    """In Qt's print dialog, with no printer on this machine: type the file to print to and
    press Print, as a person without a printer would."""
    from PySide6.QtPrintSupport import QPrintDialog

    dialog = find_dialog(qtbot, QPrintDialog)
    name = next(e for e in dialog.findChildren(QLineEdit)
                if e.objectName() == "filename" and e.isVisible())
    name.clear()
    steps.type(name, str(target))
    box = next(b for b in dialog.findChildren(QDialogButtonBox) if b.isVisible())
    steps.click(box.button(QDialogButtonBox.StandardButton.Ok))
    qtbot.waitUntil(lambda: target.exists() and target.stat().st_size > 0, timeout=5000)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def buttons(widget: QWidget, text: str) -> list[QPushButton]:
    return [b for b in widget.findChildren(QPushButton) if b.text() == text and b.isVisible()]


def in_vault(app: Any, work: Any) -> Any:
    services = app.ctx.services
    return app.worker.call(lambda: work(services))


def open_case(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Any:
    view = main.open_case(case_id)
    qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
    wait_idle(qtbot, app)
    return view
