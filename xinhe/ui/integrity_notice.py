"""The daily damage check, shown in the main window.

After an unlock, once a day, the whole vault file is read on the database thread
(records.integrity.daily_check). Intact: the administrator gets a quiet line in the
status bar. Damaged: a red banner that cannot be missed; the administrator is told to
restore from a backup, everyone else to tell the administrator now.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QMainWindow, QWidget

from xinhe.errors import VaultDamaged
from xinhe.records.integrity import IntegrityReport
from xinhe.ui.context import AppContext
from xinhe.ui.operations import maintenance
from xinhe.ui.widgets import error_text, label


class IntegrityNotice(QFrame):
    DELAY_MS = 2000

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.is_admin = ctx.has_role("admin")
        self.report: IntegrityReport | None = None
        self.finished = False  # the check came back (or was not due today)
        self.setObjectName("damage")
        self.setStyleSheet("QFrame#damage { background: #fdecea; border-bottom: 2px solid "
                           "#b00020; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        self.text = label("", "error")
        layout.addWidget(self.text, 1)
        self.hide()
        # It reads the whole file: let the first screen load before it takes the worker.
        QTimer.singleShot(self.DELAY_MS, self, self.start)

    def start(self) -> None:
        maintenance.daily_check(ctx=self.ctx, parent=self, on_done=self._show,
                                on_failure=self._failed)

    def _failed(self, exc: BaseException) -> None:
        # Damage that stops the check part-way is a finding; anything else is only logged.
        if isinstance(exc, VaultDamaged):
            self._show(None, damaged=True)
        else:
            self.finished = True
            error_text(exc)

    def _show(self, report: IntegrityReport | None, damaged: bool = False) -> None:
        self.report, self.finished = report, True
        if report is not None and report.ok:
            if self.is_admin:
                self._status(self.tr("Today's check of the records file found no damage."))
            return
        if report is None and not damaged:
            return  # already checked today
        if self.is_admin:
            advice = report.message() if report is not None else self.tr(
                "The records file is damaged. Restore it from the latest backup, or call "
                "your IT person.")
            self.text.setText(self.tr("Today's check found damage in the records file "
                                      "(vault.db). Do not enter new records until it is "
                                      "repaired: they may not be saved.") + "\n" + advice)
        else:
            self.text.setText(self.tr(
                "The records file on this computer is damaged. Please tell the administrator "
                "now, and do not enter new records until it is repaired: they may not be "
                "saved."))
        self.show()

    def _status(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 15_000)
