"""Booking or moving an appointment: the case, when, how long, what kind, and optionally
where and a note. A refusal stays in the form with its reason; cautions (a past time, an
overlap) come back to the calendar after saving."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from xinhe.i18n import pick
from xinhe.records.appointments import KINDS, Appointment, Booked
from xinhe.ui.context import AppContext
from xinhe.ui.operations import calendar as ops
from xinhe.ui.widgets import ErrorLine


class AppointmentDialog(QDialog):
    saved = Signal(object)  # the Booked result

    def __init__(self, ctx: AppContext, start: datetime,
                 appointment: Appointment | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.appointment = appointment
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # The title names the case number only: window titles reach the task bar.
        self.setWindowTitle(self.tr("New appointment") if appointment is None else
                            self.tr("Appointment — case %1").replace("%1",
                                                                      appointment.case_no))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.case = QComboBox()
        form.addRow(self.tr("Case"), self.case)
        self.start = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(start.timestamp())))
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd HH:mm")
        form.addRow(self.tr("Starts"), self.start)
        self.duration = QSpinBox()
        self.duration.setRange(-24 * 60, 24 * 60)  # the service says why a value is wrong
        self.duration.setSingleStep(15)
        self.duration.setValue(50)
        self.duration.setSuffix(self.tr(" min"))
        form.addRow(self.tr("Duration"), self.duration)
        self.kind = QComboBox()
        for code, names in KINDS.items():
            self.kind.addItem(pick(*names), code)
        form.addRow(self.tr("Kind"), self.kind)
        self.place = QLineEdit()
        self.place.setPlaceholderText(self.tr("Optional"))
        form.addRow(self.tr("Place"), self.place)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Optional"))
        form.addRow(self.tr("Note"), self.note)
        layout.addLayout(form)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        if appointment is None:
            self.buttons.setEnabled(False)
            ops.load_cases(ctx=ctx, parent=self, on_done=self._cases)
        else:
            self.case.addItem(appointment.case_no, appointment.case_id)
            self.case.setEnabled(False)
            self.duration.setValue(appointment.duration_min)
            self.kind.setCurrentIndex(max(self.kind.findData(appointment.kind), 0))
            self.place.setText(appointment.place or "")
            self.note.setText(appointment.note or "")

    def _cases(self, cases: list[ops.CaseChoice]) -> None:
        for case in cases:
            # Inside the app a user may read her cases' names; the list shows them.
            self.case.addItem(f"{case.case_no}  {case.client_name}", case.case_id)
        self.buttons.setEnabled(bool(cases))
        if not cases:
            self.error.say(self.tr("There is no open case to book for."))

    def chosen_start(self) -> datetime:
        return datetime.fromtimestamp(self.start.dateTime().toSecsSinceEpoch()).astimezone()

    def _submit(self) -> None:
        self.buttons.setEnabled(False)

        def done(booked: Booked) -> None:
            self.saved.emit(booked)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.say(exc)
        start, minutes = self.chosen_start(), self.duration.value()
        kind, place, note = str(self.kind.currentData()), self.place.text(), self.note.text()
        if self.appointment is None:
            ops.book(ctx=self.ctx, parent=self, case_id=int(self.case.currentData()),
                     start=start, duration_min=minutes, kind=kind, place=place, note=note,
                     on_done=done, on_failure=failed)
        else:
            ops.change(ctx=self.ctx, parent=self, appointment_id=self.appointment.id,
                       version=self.appointment.version, start=start, duration_min=minutes,
                       kind=kind, place=place, note=note, on_done=done, on_failure=failed)
