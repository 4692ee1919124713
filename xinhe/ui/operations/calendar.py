"""The calendar, one function per user action: each runs on the database thread and hands
its result back on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from xinhe.ui import operations
from xinhe.ui.changes import Change

if TYPE_CHECKING:
    from xinhe.records.appointments import Appointment, Booked, CalendarEntry
    from xinhe.records.persons import RiskSignal
    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext

CHANGED = {Change.APPOINTMENT}


@dataclass(frozen=True)
class CaseChoice:
    """A case the user may book for, as the booking form lists it."""

    case_id: int
    case_no: str
    client_name: str


def load_week(*, ctx: AppContext, parent: QWidget, start: datetime, end: datetime,
              counsellor_id: int | None,
              on_done: Callable[[list[CalendarEntry]], None]) -> None:
    """The calendar's lines between `start` and `end` (a supervisor's: one counsellor's,
    or the studio's with none)."""
    operations.run(ctx, lambda s: s.appointments.calendar(start, end, counsellor_id),
                   parent=parent, on_done=on_done)


def _counsellors(services: Services) -> list[tuple[int, str]]:
    return [(u.id, u.display_name) for u in services.accounts.users()
            if u.active and u.role in ("counsellor", "supervisor")]


def load_counsellors(*, ctx: AppContext, parent: QWidget,
                     on_done: Callable[[list[tuple[int, str]]], None]) -> None:
    operations.run(ctx, _counsellors, parent=parent, on_done=on_done)


def _cases(services: Services) -> list[CaseChoice]:
    return [CaseChoice(c.id, c.case_no, c.client_name)
            for c in services.cases.find(include_closed=False)]


def load_cases(*, ctx: AppContext, parent: QWidget,
               on_done: Callable[[list[CaseChoice]], None]) -> None:
    """The open cases the user may see, for the booking form's case list."""
    operations.run(ctx, _cases, parent=parent, on_done=on_done)


def load_appointment(*, ctx: AppContext, parent: QWidget, appointment_id: int,
                     on_done: Callable[[Appointment], None]) -> None:
    operations.run(ctx, lambda s: s.appointments.get(appointment_id), parent=parent,
                   on_done=on_done)


def book(*, ctx: AppContext, parent: QWidget, case_id: int, start: datetime,
         duration_min: int, kind: str, place: str, note: str,
         on_done: Callable[[Booked], None],
         on_failure: Callable[[BaseException], None]) -> None:
    """Book an appointment; the form stays open with its message if refused."""
    operations.run(ctx, lambda s: s.appointments.book(case_id, start, duration_min, kind,
                                                      place=place, note=note),
                   parent=parent, on_done=on_done, on_failure=on_failure, changed=CHANGED)


def change(*, ctx: AppContext, parent: QWidget, appointment_id: int, version: int,
           start: datetime, duration_min: int, kind: str, place: str, note: str,
           on_done: Callable[[Booked], None],
           on_failure: Callable[[BaseException], None]) -> None:
    """Move or edit an appointment opened at `version`."""
    operations.run(ctx, lambda s: s.appointments.change(
        appointment_id, version, start, duration_min, kind, place=place, note=note),
        parent=parent, on_done=on_done, on_failure=on_failure, changed=CHANGED)


def cancel(*, ctx: AppContext, parent: QWidget, appointment_id: int, version: int,
           on_done: Callable[[Appointment], None]) -> None:
    """Cancel the appointment the user saw at `version`."""
    operations.run(ctx, lambda s: s.appointments.cancel(appointment_id, version),
                   parent=parent, on_done=on_done, changed=CHANGED)


def load_reminders(*, ctx: AppContext, parent: QWidget,
                   on_done: Callable[[list[CalendarEntry]], None]) -> None:
    """Today's and tomorrow's appointments of the signed-in user."""
    operations.run(ctx, lambda s: s.appointments.reminders(), parent=parent,
                   on_done=on_done)


def load_risk_signals(*, ctx: AppContext, parent: QWidget,
                      on_done: Callable[[list[RiskSignal]], None]) -> None:
    """For a supervisor: the people who harmed clients in several cases."""
    operations.run(ctx, lambda s: s.persons.risk_signals(), parent=parent, on_done=on_done)
