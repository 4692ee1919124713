"""Lock from anywhere: Ctrl+L in every window (dialogs, wizards, file choosers too), a lock
button for dialogs that hold case data, and closing every window when the lock comes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMenu, QPushButton, QWidget

if TYPE_CHECKING:  # the context holds an open vault: its code loads at unlock, not at start
    from xinhe.ui.context import AppContext

LOCK_KEYS = QKeySequence("Ctrl+L")


class LockKeys(QObject):
    """An application-wide event filter for Ctrl+L. A QShortcut cannot do it: a window-modal
    dialog blocks the main window's shortcuts, and a dialog's own event loop runs outside
    them."""

    pressed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        kind = event.type()
        if not self.enabled or kind not in (QEvent.Type.ShortcutOverride,
                                            QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)
        if QKeySequence(event.keyCombination()) != LOCK_KEYS:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # no other shortcut takes it: the key press comes here next
            return True
        self.pressed.emit()
        return True


def lock_button(ctx: AppContext, parent: QWidget | None = None) -> QPushButton:
    """锁定: the records close until the user signs in again (drafts are kept)."""
    button = QPushButton(QCoreApplication.translate("Locking", "Lock"), parent)
    button.setObjectName("lockButton")
    button.setToolTip(QCoreApplication.translate(
        "Locking", "Lock now (Ctrl+L): this window closes, what you typed is kept as an "
        "encrypted draft, and the records open again when you sign in."))
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # never the button Enter presses
    button.setAutoDefault(False)
    button.clicked.connect(ctx.bus.lock_requested)
    return button


def close_windows(keep: QWidget | None) -> None:
    """Hide every window but `keep` and destroy the app's own (main window, dialogs, file
    choosers, message boxes); hiding a dialog also ends an event loop it runs."""
    app = QApplication.instance()
    popup = QApplication.activePopupWidget()
    while popup is not None:  # menus first: they grab the input
        popup.close()
        if QApplication.activePopupWidget() is popup:
            break
        popup = QApplication.activePopupWidget()
    if app is None:
        return
    for window in QApplication.topLevelWidgets():
        if window is keep or not isinstance(window, QDialog | QMainWindow | QMenu):
            continue  # tool tips and other windows Qt keeps for itself
        if window.isVisible():
            window.hide()
        if isinstance(window, QDialog | QMainWindow):
            window.deleteLater()
