"""日程: a counsellor's day or week — appointments, follow-ups and legal clocks due — and for
a supervisor any counsellor's or the whole studio's. Appointments are booked, moved and
cancelled here; a past or overlapping time is saved and said."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xinhe.records import vocab
from xinhe.records.appointments import KINDS, Appointment, Booked, CalendarEntry, day_range
from xinhe.records.common import parse_ts
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.dialogs.clock_notice import clock_name
from xinhe.ui.operations import calendar as ops
from xinhe.ui.screens.common import item_list
from xinhe.ui.widgets import label

STUDIO = -1


class CalendarScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.day = datetime.now().astimezone().date()
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Calendar"), "pageTitle"))
        bar = QHBoxLayout()
        self.span = QComboBox()
        self.span.addItem(self.tr("Week"), 7)
        self.span.addItem(self.tr("Day"), 1)
        self.span.currentIndexChanged.connect(lambda _i: self.reload())
        bar.addWidget(self.span)
        self.steps: dict[int, QPushButton] = {}
        for text, step in ((self.tr("◀ Earlier"), -1), (self.tr("Today"), 0),
                           (self.tr("Later ▶"), 1)):
            self.steps[step] = button = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=step: self.go(s))
            bar.addWidget(button)
        self.range_label = label("", wrap=False)
        bar.addWidget(self.range_label)
        self.counsellor = QComboBox()
        self.counsellor.setVisible(ctx.has_role("supervisor"))
        bar.addWidget(self.counsellor)
        bar.addStretch()
        self.new_button = QPushButton(self.tr("New appointment…"))
        self.new_button.setObjectName("primary")
        self.new_button.clicked.connect(self.new_appointment)
        bar.addWidget(self.new_button)
        self.move_button = QPushButton(self.tr("Move or edit…"))
        self.move_button.clicked.connect(self.edit_selected)
        bar.addWidget(self.move_button)
        self.cancel_button = QPushButton(self.tr("Cancel appointment"))
        self.cancel_button.clicked.connect(self.cancel_selected)
        bar.addWidget(self.cancel_button)
        layout.addLayout(bar)
        self.notice = label("", "warning")
        self.notice.hide()
        layout.addWidget(self.notice)
        self.list = item_list([self.tr("Time"), self.tr("What"), self.tr("Case"),
                               self.tr("Client"), self.tr("Counsellor"), self.tr("Place")])
        self.list.setRootIsDecorated(True)
        self.list.itemDoubleClicked.connect(self._open)
        layout.addWidget(self.list, 1)
        self.names: dict[int, str] = {}
        self.entries: list[CalendarEntry] = []
        ctx.bus.changed.connect(self._changed)
        if ctx.has_role("supervisor"):
            self.counsellor.addItem(self.tr("Whole studio"), STUDIO)
            ops.load_counsellors(ctx=ctx, parent=self, on_done=self._counsellors)
        else:
            self.reload()

    def _counsellors(self, people: list[tuple[int, str]]) -> None:
        for user_id, name in people:
            self.names[user_id] = name
            self.counsellor.addItem(name, user_id)
        self.counsellor.currentIndexChanged.connect(lambda _i: self.reload())
        self.reload()

    def _changed(self, kinds: Changes) -> None:
        if kinds & {Change.APPOINTMENT, Change.FOLLOWUP, Change.CLOCK, Change.CASE}:
            self.reload()

    def days(self) -> int:
        return int(self.span.currentData())

    def first_day(self) -> date:
        """The shown range's first day: the day itself, or the Monday of its week."""
        if self.days() == 1:
            return self.day
        return self.day - timedelta(days=self.day.weekday())

    def go(self, step: int) -> None:
        self.day = (datetime.now().astimezone().date() if step == 0
                    else self.day + timedelta(days=step * self.days()))
        self.reload()

    def reload(self) -> None:
        first = self.first_day()
        start, end = day_range(datetime(first.year, first.month, first.day).astimezone(),
                               self.days())
        last = first + timedelta(days=self.days() - 1)
        self.range_label.setText(first.isoformat() if first == last
                                 else f"{first.isoformat()} – {last.isoformat()}")
        chosen = self.counsellor.currentData() if self.ctx.has_role("supervisor") else None
        who = None if chosen in (None, STUDIO) else int(chosen)
        ops.load_week(ctx=self.ctx, parent=self, start=start, end=end, counsellor_id=who,
                      on_done=self._loaded)

    def _what(self, entry: CalendarEntry) -> str:
        if entry.kind == "appointment":
            return vocab.label(KINDS, entry.what)
        if entry.kind == "followup":
            return self.tr("Follow-up visit due")
        return clock_name(entry.what, entry.urgent)

    def _loaded(self, entries: list[CalendarEntry]) -> None:
        self.entries = entries
        self.list.clear()
        first = self.first_day()
        days: dict[date, QTreeWidgetItem] = {}
        for offset in range(self.days()):
            day = first + timedelta(days=offset)
            heading = QTreeWidgetItem([f"{day.isoformat()} {self._weekday(day)}"])
            heading.setFirstColumnSpanned(True)
            self.list.addTopLevelItem(heading)
            heading.setFirstColumnSpanned(True)
            days[day] = heading
        for entry in entries:
            start = parse_ts(entry.start_at)
            assert start is not None
            local = start.astimezone()
            under = days.get(local.date())
            if under is None:
                continue
            end = parse_ts(entry.end_at)
            when = local.strftime("%H:%M") + (f"–{end.astimezone():%H:%M}" if end else "")
            what = self._what(entry)
            if entry.overlap:
                what += self.tr(" (overlaps)")
            item = QTreeWidgetItem([when, what, entry.case_no, entry.client_name,
                                    self.names.get(entry.counsellor_id, ""),
                                    entry.place or ""])
            item.setData(0, Qt.ItemDataRole.UserRole, (entry.kind, entry.item_id,
                                                       entry.case_id))
            under.addChild(item)
        for heading in days.values():
            if heading.childCount() == 0:
                heading.addChild(QTreeWidgetItem([self.tr("Nothing booked")]))
        self.list.expandAll()

    def _weekday(self, day: date) -> str:
        names = [self.tr("Monday"), self.tr("Tuesday"), self.tr("Wednesday"),
                 self.tr("Thursday"), self.tr("Friday"), self.tr("Saturday"),
                 self.tr("Sunday")]
        return names[day.weekday()]

    def shown_rows(self) -> list[list[str]]:
        """The lines on screen, day headings included, as text (what a person reads)."""
        rows: list[list[str]] = []
        for i in range(self.list.topLevelItemCount()):
            heading = self.list.topLevelItem(i)
            assert heading is not None
            rows.append([heading.text(0)])
            for j in range(heading.childCount()):
                child = heading.child(j)
                assert child is not None
                rows.append([child.text(c) for c in range(self.list.columnCount())])
        return rows

    def selected(self) -> tuple[str, int, int] | None:
        item = self.list.currentItem()
        key = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        return (str(key[0]), int(key[1]), int(key[2])) if key else None

    # -- actions --------------------------------------------------------------------------
    def new_appointment(self) -> None:
        from xinhe.ui.screens.appointment_dialog import AppointmentDialog

        now = datetime.now().astimezone()
        start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        if self.first_day() > now.date():
            start = datetime.combine(self.first_day(), start.time()).astimezone()
        dialog = AppointmentDialog(self.ctx, start, parent=self)
        dialog.saved.connect(self._saved)
        dialog.open()

    def _open(self) -> None:
        key = self.selected()
        if key is None:
            return
        if key[0] == "appointment":
            self.edit_selected()
        elif key[0] == "followup":
            self.ctx.bus.open_followup.emit(key[2], key[1])
        else:
            self.ctx.bus.open_case.emit(key[2])

    def _with_selected(self, then: Callable[[Appointment], None]) -> None:
        key = self.selected()
        if key is None or key[0] != "appointment":
            self.notice.setText(self.tr("Choose an appointment in the list first."))
            self.notice.show()
            return
        ops.load_appointment(ctx=self.ctx, parent=self, appointment_id=key[1],
                             on_done=then)

    def edit_selected(self) -> None:
        from xinhe.ui.screens.appointment_dialog import AppointmentDialog

        def opened(appointment: Appointment) -> None:
            start = parse_ts(appointment.start_at)
            assert start is not None
            dialog = AppointmentDialog(self.ctx, start.astimezone(), appointment, self)
            dialog.saved.connect(self._saved)
            dialog.open()
        self._with_selected(opened)

    def cancel_selected(self) -> None:
        def opened(appointment: Appointment) -> None:
            yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("Cancel appointment"),
                              self.tr("Cancel the appointment of case %1? It stays on record "
                                      "as cancelled.").replace("%1", appointment.case_no),
                              yes | no, self)
            box.setObjectName("confirmCancel")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            def answered(button: QAbstractButton) -> None:
                if box.standardButton(button) == yes:
                    ops.cancel(ctx=self.ctx, parent=self, appointment_id=appointment.id,
                               version=appointment.version, on_done=lambda _a: None)
            box.buttonClicked.connect(answered)
            box.open()
        self._with_selected(opened)

    def _saved(self, booked: Booked) -> None:
        """Say what is worth a second look (saved all the same)."""
        cautions = [c.text() for c in booked.cautions]
        self.notice.setText(self.tr("Saved. Please check: %1").replace("%1", " ".join(cautions))
                            if cautions else self.tr("Saved."))
        self.notice.show()
