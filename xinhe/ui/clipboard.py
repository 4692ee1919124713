"""Every copy of record text goes through `copy_sensitive`: marked concealed for clipboard
managers and history, and cleared after 30 s and on lock, but only while still ours.

Qt's own copies (Ctrl+C and the context menu of text fields, text views, labels and lists)
are routed here by `copy_guard`; anything else this app puts on the clipboard is caught
when the clipboard announces the change and is replaced at once by a concealed copy.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QMimeData, QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

CLEAR_AFTER_MS = 30_000

# Clipboard managers and the OS's clipboard history skip data with these formats:
# KDE Klipper/CopyQ (x-kde-passwordManagerHint), macOS (nspasteboard.org's concealed
# type, under both names in use), Windows (monitor exclusion, no history, no cloud sync).
CONCEALED_FORMATS: dict[str, bytes] = {
    "x-kde-passwordManagerHint": b"secret",
    "application/x-nspasteboard-concealed-type": b"",
    "org.nspasteboard.ConcealedType": b"",
    "ExcludeClipboardContentFromMonitorProcessing": b"1",
    "CanIncludeInClipboardHistory": bytes(4),
    "CanUploadToCloudClipboard": bytes(4),
}
MODES = (QClipboard.Mode.Clipboard, QClipboard.Mode.Selection)
# Platforms without a system clipboard: whatever is on it was put there by this process.
PROCESS_LOCAL = {"offscreen", "minimal"}


def concealed(data: QMimeData | None) -> bool:
    return data is not None and data.hasFormat("x-kde-passwordManagerHint")


class ClipboardKeeper(QObject):
    """What this app last put on the clipboard (and the X11 selection), and the timers
    that clear it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clipboard = QGuiApplication.clipboard()
        self.ours: dict[QClipboard.Mode, QMimeData] = {}
        self.timers: dict[QClipboard.Mode, QTimer] = {}
        for mode in MODES:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda m=mode: self.clear(m))
            self.timers[mode] = timer
        self.watching = False
        self._putting = False
        self.clipboard.changed.connect(self._changed)

    def put(self, text: str, mode: QClipboard.Mode = QClipboard.Mode.Clipboard) -> None:
        data = QMimeData()
        data.setText(text)
        for name, value in CONCEALED_FORMATS.items():
            data.setData(name, value)
        self._putting = True
        try:
            self.clipboard.setMimeData(data, mode)
        finally:
            self._putting = False
        if self.clipboard.mimeData(mode) is not data:
            return  # this platform has no such clipboard (the selection outside X11)
        self.ours[mode] = data
        self.timers[mode].start(CLEAR_AFTER_MS)

    def is_ours(self, mode: QClipboard.Mode) -> bool:
        data = self.ours.get(mode)
        # Once another application copies something, Qt drops our data: not ours any more.
        return (data is not None and shiboken6.isValid(data)
                and self.clipboard.mimeData(mode) is data)

    def clear(self, mode: QClipboard.Mode) -> None:
        self.timers[mode].stop()
        if self.is_ours(mode):
            self.clipboard.clear(mode)
        self.ours.pop(mode, None)

    def clear_all(self) -> None:
        for mode in MODES:
            self.clear(mode)

    def _owned(self, mode: QClipboard.Mode) -> bool:
        if QGuiApplication.platformName() in PROCESS_LOCAL:
            return True
        if mode == QClipboard.Mode.Selection:
            return self.clipboard.ownsSelection()
        return self.clipboard.ownsClipboard()

    def _changed(self, mode: QClipboard.Mode) -> None:
        """A copy this app made some other way (a widget's own copy, a selection on X11)
        is replaced by a concealed one before clipboard managers come to read it."""
        if not self.watching or self._putting or mode not in MODES:
            return
        data = self.clipboard.mimeData(mode)
        if data is None or concealed(data) or not self._owned(mode):
            return
        text = data.text()
        if text:
            self.put(text, mode)


_keeper: ClipboardKeeper | None = None


def keeper() -> ClipboardKeeper:
    global _keeper
    if _keeper is None or not shiboken6.isValid(_keeper):
        _keeper = ClipboardKeeper(QGuiApplication.instance())
    return _keeper


def install(app: QObject) -> None:
    """Route the app's copies through here (called once the app runs)."""
    from xinhe.ui.copy_guard import guard

    keeper().watching = True
    app.installEventFilter(guard())


def uninstall(app: QObject) -> None:
    from xinhe.ui.copy_guard import guard

    keeper().watching = False
    app.removeEventFilter(guard())


def copy_sensitive(text: str) -> None:
    """Put record text (or a secret) on the clipboard, concealed, for 30 s."""
    keeper().put(text)


def clear_if_ours() -> None:
    """At lock and quit: take back what we copied, unless something newer replaced it."""
    if _keeper is not None and shiboken6.isValid(_keeper):
        _keeper.clear_all()
