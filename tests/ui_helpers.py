"""Helpers for driving the desktop app in tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt
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
    dsn = getattr(folder, "dsn", "")
    spare = None
    if dsn:  # a ServerFolder (the `studio` fixture on the server): the desk signs in there
        import tempfile

        from xinhe.crypto.binding import DeviceBinding

        spare = tempfile.TemporaryDirectory()
        folder = VaultFolder(Path(spare.name) / "vault", DeviceBinding.off("server desk"))
    controller = AppController(folder, Prefs(server=dsn))
    controller.start()
    try:
        yield controller
    finally:
        controller.dispose()
        if spare is not None:
            spare.cleanup()
        # Windows go with deleteLater: let them really go before the next test.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        QApplication.processEvents()


@contextmanager
def signed_in(qtbot: QtBot, folder: VaultFolder, user: str, password: str) -> Iterator[Any]:
    """The app running and signed in as `user` through the unlock window. On leaving it
    also checks the rule that only the database thread ever touched the database."""
    from xinhe.ui.main_window import MainWindow

    with running_app(folder) as app:
        window = app.window
        window.user.setCurrentText(user)
        type_into(qtbot, window.password, password)
        click(qtbot, window.unlock_button)
        qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=10_000)
        first_screen_built(qtbot, app.window)
        wait_idle(qtbot, app)
        vault = app.ctx.vault
        yield app, app.window
        if app.ctx is not None:
            wait_idle(qtbot, app)
            assert app.worker.call(lambda: vault.db.threads_seen) == {app.worker.thread_id}


def first_screen_built(qtbot: QtBot, main: Any) -> None:
    """The main window builds its first section's screen over the turns after it shows."""
    qtbot.waitUntil(lambda: not main.sections or (main.sections[0].key in main._built and
                                                  not main._built[main.sections[0].key]
                                                  .isHidden()), timeout=10_000)


def wait_idle(qtbot: QtBot, app: Any) -> None:
    """Until every database job has come back to the UI thread."""
    qtbot.waitUntil(lambda: not app.worker.busy, timeout=10_000)


def top_level(kind: type, visible: bool = True) -> list[Any]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, kind) and (w.isVisible() or not visible)]


def find_dialog(qtbot: QtBot, kind: type) -> Any:
    """The open dialog of this kind (dialogs are windows of their own)."""
    found: list[Any] = []

    def there() -> bool:
        found[:] = top_level(kind)
        return bool(found)
    qtbot.waitUntil(there, timeout=5000)
    return found[-1]


def press_ok(qtbot: QtBot, form: Any) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    click(qtbot, form.buttons.button(QDialogButtonBox.StandardButton.Ok))
