"""Qt's built-in copy goes straight to the clipboard, unconcealed. This application-wide
event filter takes Copy/Cut keys and the context menus of text fields, text views,
selectable labels and lists, and copies through `clipboard.copy_sensitive` instead."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from xinhe.ui.clipboard import copy_sensitive


def _target(watched: QObject) -> QWidget | None:
    """The widget whose text a copy would take (a text view's viewport means the view,
    a spin box or editable combo box its line edit)."""
    if not isinstance(watched, QWidget):
        return None
    parent = watched.parentWidget()
    if isinstance(parent, QTextEdit | QPlainTextEdit) and parent.viewport() is watched:
        return parent
    if isinstance(watched, QAbstractSpinBox | QComboBox):
        return watched.findChild(QLineEdit)
    if isinstance(watched, QLabel):
        selectable = watched.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
        return watched if selectable else None
    if isinstance(watched, QLineEdit | QTextEdit | QPlainTextEdit | QAbstractItemView):
        return watched
    return None


def selected_text(widget: QWidget) -> str:
    """What Qt's copy would have put on the clipboard, as plain text."""
    if isinstance(widget, QLineEdit):
        if widget.echoMode() != QLineEdit.EchoMode.Normal:
            return ""  # Qt never copies a password field either
        return widget.selectedText()
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return widget.textCursor().selection().toPlainText()
    if isinstance(widget, QLabel):
        return widget.selectedText()
    if isinstance(widget, QAbstractItemView):
        index = widget.currentIndex()
        value = index.data(Qt.ItemDataRole.DisplayRole) if index.isValid() else None
        return "" if value is None else str(value)
    return ""


def _editable(widget: QWidget) -> bool:
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly() and widget.echoMode() == QLineEdit.EchoMode.Normal
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return False


def copy_from(widget: QWidget, cut: bool = False) -> None:
    text = selected_text(widget)
    if not text:
        return
    if cut and not _editable(widget):
        return  # Qt does not cut from read-only text either
    copy_sensitive(text)
    if not cut:
        return
    if isinstance(widget, QLineEdit):
        widget.insert("")
    elif isinstance(widget, QTextEdit | QPlainTextEdit):
        widget.textCursor().removeSelectedText()


class CopyGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        kind = event.type()
        if kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            copy = event.matches(QKeySequence.StandardKey.Copy)
            cut = event.matches(QKeySequence.StandardKey.Cut)
            if not (copy or cut):
                return False
            target = _target(watched)
            if target is None:
                return False
            copy_from(target, cut=cut)
            return True
        if kind == QEvent.Type.ContextMenu:
            target = _target(watched)
            if target is None or isinstance(watched, QAbstractItemView | QAbstractSpinBox |
                                            QComboBox):
                return False  # their own menus; a copy from them is concealed on arrival
            assert isinstance(event, QContextMenuEvent)
            context_menu(target, event.globalPos())
            return True
        return False


def select_all_of(label: QLabel) -> None:
    """A label's positions count its shown text, not its HTML source."""
    document = QTextDocument()
    if label.textFormat() == Qt.TextFormat.PlainText:
        document.setPlainText(label.text())
    else:
        document.setHtml(label.text())
    label.setSelection(0, document.characterCount() - 1)


def context_menu(widget: QWidget, where: QPoint) -> QMenu:
    """The widget's usual menu, with Copy and Cut going through the concealed copy. Shown
    with popup(), not exec(): a lock closes it without an event loop to unwind."""
    if isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit):
        menu = widget.createStandardContextMenu()
    else:
        menu = QMenu(widget)
        copy = menu.addAction(QCoreApplication.translate("CopyGuard", "&Copy"))
        copy.setObjectName("edit-copy")
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setEnabled(bool(selected_text(widget)))
        menu.addSeparator()
        select_all = menu.addAction(QCoreApplication.translate("CopyGuard", "Select All"))
        select_all.setObjectName("select-all")
        if isinstance(widget, QLabel):
            select_all.triggered.connect(lambda: select_all_of(widget))
    menu.setObjectName("copyGuardMenu")
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    for action in menu.actions():
        name = action.objectName()
        if name == "link-copy":
            menu.removeAction(action)  # record views hold no links worth copying
        elif name in ("edit-copy", "edit-cut"):
            if not isinstance(widget, QLabel):
                action.triggered.disconnect()  # Qt's own copy: straight to the clipboard
            action.triggered.connect(
                lambda _c=False, w=widget, cut=(name == "edit-cut"):
                copy_from(w, cut) if shiboken6.isValid(w) else None)
    menu.popup(where)
    return menu


_guard: CopyGuard | None = None


def guard() -> CopyGuard:
    global _guard
    if _guard is None or not shiboken6.isValid(_guard):
        _guard = CopyGuard(QCoreApplication.instance())
    return _guard
