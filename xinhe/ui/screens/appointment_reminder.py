"""The dashboard's reminder of today's and tomorrow's appointments. Each line names the
case number and never the client, place or note (records/appointments.reminder_text), so
it may be shown where others can glance: a notification, a window title, a shared screen."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from xinhe.i18n import language
from xinhe.records.appointments import CalendarEntry, reminder_text
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.operations import calendar as ops
from xinhe.ui.screens.common import add_row, item_list


class AppointmentReminder(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setTitle(self.tr("My appointments today and tomorrow"))
        layout = QVBoxLayout(self)
        self.list = item_list([self.tr("Reminder")])
        self.list.setHeaderHidden(True)
        self.list.itemDoubleClicked.connect(self._open)
        layout.addWidget(self.list)
        self.texts: list[str] = []
        self.setVisible(ctx.has_role("counsellor", "supervisor"))
        ctx.bus.changed.connect(self._changed)
        self.reload()

    def _changed(self, kinds: Changes) -> None:
        if kinds & {Change.APPOINTMENT, Change.CASE}:
            self.reload()

    def reload(self) -> None:
        if self.ctx.has_role("counsellor", "supervisor"):
            ops.load_reminders(ctx=self.ctx, parent=self, on_done=self._loaded)

    def _loaded(self, entries: list[CalendarEntry]) -> None:
        now = datetime.now().astimezone()
        self.texts = [reminder_text(e, now, language()) for e in entries]
        self.list.clear()
        for entry, text in zip(entries, self.texts, strict=True):
            add_row(self.list, [text], entry.case_id)
        if not entries:
            add_row(self.list, [self.tr("No appointments today or tomorrow.")], None)

    def _open(self) -> None:
        item = self.list.currentItem()
        case_id = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        if case_id is not None:
            self.ctx.bus.open_case.emit(int(case_id))
