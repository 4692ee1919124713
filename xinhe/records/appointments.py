"""Appointments: sessions, home visits and calls in a counsellor's week, with the case's
follow-ups and legal clocks on the same calendar, and the dashboard's reminders.

Access follows the case records (access.py): a counsellor books, moves and reads the
appointments of her own and shared cases; a supervisor all of them; staff none (a home
visit's place describes where she is, as session notes do); admin none. A time in the
past or overlapping the same counsellor's other appointment is allowed but comes back
with a warning. Reminders name the case number, never the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from xinhe.errors import AccessDenied, InvalidInput, NotFound
from xinhe.i18n import pick
from xinhe.records import vocab
from xinhe.records.access import require_case, visible_cases_clause
from xinhe.records.common import iso, parse_ts, stale
from xinhe.records.storage.session import Session

KINDS: vocab.Labels = {
    "session": ("面谈", "Session"),
    "home_visit": ("家访", "Home visit"),
    "phone": ("电话", "Phone call"),
    "other": ("其他", "Other"),
}
MAX_DURATION = timedelta(hours=12)

APPOINTMENT_SQL = """
SELECT a.*, c.case_no, cl.name AS client_name, u.display_name AS counsellor_name
FROM appointments a JOIN cases c ON c.id = a.case_id JOIN clients cl ON cl.id = c.client_id
JOIN users u ON u.id = a.counsellor_id
"""


@dataclass(frozen=True)
class Appointment:
    id: int
    case_id: int
    case_no: str
    client_name: str
    counsellor_id: int
    counsellor_name: str
    start_at: str
    end_at: str
    duration_min: int
    kind: str
    place: str | None
    note: str | None
    status: str
    version: int


@dataclass(frozen=True)
class Caution:
    """Something allowed but worth a second look (a time in the past, an overlap)."""

    code: str  # "past" | "overlap"
    zh: str
    en: str

    def text(self, lang: str | None = None) -> str:
        return pick(self.zh, self.en, lang)


@dataclass(frozen=True)
class Booked:
    """An appointment as saved, with the cautions the user should see."""

    appointment: Appointment
    cautions: tuple[Caution, ...]


@dataclass(frozen=True)
class CalendarEntry:
    """One line of the calendar: an appointment, a follow-up due or a legal clock due."""

    kind: str  # "appointment" | "followup" | "clock"
    item_id: int
    case_id: int
    case_no: str
    client_name: str
    counsellor_id: int
    start_at: str
    end_at: str | None
    what: str  # appointment kind, "followup", or the clock kind
    place: str | None = None
    overlap: bool = False
    urgent: bool = False


def _appointment(r: Any) -> Appointment:
    return Appointment(int(r["id"]), int(r["case_id"]), r["case_no"], r["client_name"],
                       int(r["counsellor_id"]), r["counsellor_name"], r["start_at"],
                       r["end_at"], int(r["duration_min"]), r["kind"], r["place"], r["note"],
                       r["status"], int(r["version"]))


def _text(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def day_range(day: datetime, days: int) -> tuple[datetime, datetime]:
    """From the local midnight starting `day` to the midnight `days` days later."""
    start = datetime.combine(day.astimezone().date(), time.min).astimezone()
    return start, datetime.combine(start.date() + timedelta(days=days), time.min).astimezone()


class AppointmentService:
    """Appointments of the cases the actor may work on. Every change is audited (by id,
    never with a name or place)."""

    def __init__(self, vault: Session) -> None:
        self.vault = vault

    # -- checks -----------------------------------------------------------------------------
    def _require_reader(self) -> None:
        if self.vault.actor.role not in ("counsellor", "supervisor"):
            self.vault.audit_event("appointment.list", "appointment", "", "refused")
            raise AccessDenied("只有咨询师和督导可以查看预约日程。",
                               "Only counsellors and supervisors can see appointments.")

    def _times(self, start: datetime, duration_min: int) -> tuple[datetime, datetime]:
        if start.tzinfo is None:
            raise InvalidInput("预约时间缺少时区。", "The appointment time has no time zone.")
        if duration_min <= 0:
            raise InvalidInput("时长必须大于零分钟。",
                               "The duration must be more than zero minutes.")
        end = start + timedelta(minutes=duration_min)
        if end - start > MAX_DURATION:
            raise InvalidInput("一次预约最长 12 小时。", "An appointment lasts at most 12 hours.")
        local_start = start.astimezone()
        midnight = datetime.combine(local_start.date() + timedelta(days=1), time.min)
        if end.astimezone() > midnight.replace(tzinfo=local_start.tzinfo):
            raise InvalidInput("预约不能跨过午夜，请分成两天登记。",
                               "An appointment cannot run past midnight; book two days "
                               "instead.")
        return start, end

    def _counsellor(self, case: Any, counsellor_id: int | None) -> int:
        if counsellor_id is None:
            return int(self.vault.actor.user_id if self.vault.actor.role == "counsellor"
                       else case["counsellor_id"])
        row = self.vault.db.one("SELECT role FROM users WHERE id = ? AND active = 1 AND"
                                " removed_at IS NULL", (counsellor_id,))
        if row is None or row["role"] not in ("counsellor", "supervisor"):
            raise InvalidInput("请选择在职的咨询师或督导。",
                               "Choose a counsellor or supervisor who is still active.")
        return counsellor_id

    def _cautions(self, counsellor_id: int, start: datetime, end: datetime,
                  appointment_id: int = 0) -> tuple[Caution, ...]:
        out = []
        if start < self.vault.now():
            out.append(Caution("past", "这个时间已经过去了。", "This time is in the past."))
        clash = self.vault.db.one(
            "SELECT c.case_no FROM appointments a JOIN cases c ON c.id = a.case_id WHERE"
            " a.counsellor_id = ? AND a.status = 'scheduled' AND a.id <> ? AND a.start_at < ?"
            " AND a.end_at > ? ORDER BY a.start_at", (counsellor_id, appointment_id,
                                                      iso(end), iso(start)))
        if clash is not None:
            number = clash["case_no"]
            out.append(Caution("overlap", f"与同一咨询师的另一预约（个案 {number}）时间重叠。",
                               "It overlaps another appointment of the same counsellor "
                               f"(case {number})."))
        return tuple(out)

    # -- changes ----------------------------------------------------------------------------
    def book(self, case_id: int, start: datetime, duration_min: int, kind: str = "session",
             *, counsellor_id: int | None = None, place: str | None = None,
             note: str | None = None) -> Booked:
        """Book an appointment for a case (the actor's own time unless a counsellor is
        named). A past or overlapping time is saved and returned with a caution."""
        case = require_case(self.vault, case_id, "write")
        vocab.check(KINDS, kind, "预约类型", "Appointment kind")
        start, end = self._times(start, duration_min)
        who = self._counsellor(case, counsellor_id)
        now = iso(self.vault.now())
        with self.vault.db.transaction():
            appointment_id = self.vault.db.insert(
                "INSERT INTO appointments (case_id, counsellor_id, start_at, end_at,"
                " duration_min, kind, place, note, created_by, created_at, updated_at) VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (case_id, who, iso(start), iso(end), duration_min, kind, _text(place),
                 _text(note), self.vault.actor.user_id, now, now))
            self.vault.audit_event("appointment.book", "appointment", appointment_id, kind)
        return Booked(self.get(appointment_id), self._cautions(who, start, end, appointment_id))

    def get(self, appointment_id: int) -> Appointment:
        """One appointment, if the actor may read its case."""
        row = self.vault.db.one(APPOINTMENT_SQL + " WHERE a.id = ?", (appointment_id,))
        if row is None:
            raise NotFound("找不到该预约。", "The appointment was not found.")
        require_case(self.vault, int(row["case_id"]), "notes")
        return _appointment(row)

    def change(self, appointment_id: int, expected_version: int, start: datetime,
               duration_min: int, kind: str, *, place: str | None = None,
               note: str | None = None) -> Booked:
        """Move or edit an appointment. Refused (Conflict) if someone saved in between."""
        current = self.get(appointment_id)
        require_case(self.vault, current.case_id, "write")
        if current.status != "scheduled":
            raise InvalidInput("这次预约已取消，不能再修改。",
                               "This appointment was cancelled and cannot be changed.")
        vocab.check(KINDS, kind, "预约类型", "Appointment kind")
        start, end = self._times(start, duration_min)
        with self.vault.db.transaction():
            cursor = self.vault.db.execute(
                "UPDATE appointments SET start_at = ?, end_at = ?, duration_min = ?, kind = ?,"
                " place = ?, note = ?, updated_at = ?, version = version + 1 WHERE id = ? AND"
                " version = ?", (iso(start), iso(end), duration_min, kind, _text(place),
                                 _text(note), iso(self.vault.now()), appointment_id,
                                 expected_version))
            if cursor.rowcount != 1:
                raise stale(self.vault, "appointments", appointment_id, "预约", "appointment")
            self.vault.audit_event("appointment.change", "appointment", appointment_id, kind)
        return Booked(self.get(appointment_id),
                      self._cautions(current.counsellor_id, start, end, appointment_id))

    def cancel(self, appointment_id: int, expected_version: int) -> Appointment:
        """Cancel an appointment (kept, marked cancelled). Refused if changed in between."""
        current = self.get(appointment_id)
        require_case(self.vault, current.case_id, "write")
        with self.vault.db.transaction():
            cursor = self.vault.db.execute(
                "UPDATE appointments SET status = 'cancelled', cancelled_at = ?,"
                " cancelled_by = ?, updated_at = ?, version = version + 1 WHERE id = ? AND"
                " version = ? AND status = 'scheduled'",
                (iso(self.vault.now()), self.vault.actor.user_id, iso(self.vault.now()),
                 appointment_id, expected_version))
            if cursor.rowcount != 1:
                raise stale(self.vault, "appointments", appointment_id, "预约", "appointment")
            self.vault.audit_event("appointment.cancel", "appointment", appointment_id)
        return self.get(appointment_id)

    # -- the calendar -----------------------------------------------------------------------
    def calendar(self, start: datetime, end: datetime,
                 counsellor_id: int | None = None) -> list[CalendarEntry]:
        """Appointments, follow-ups and open legal clocks between `start` and `end`, by
        time. A counsellor sees her own calendar; a supervisor one counsellor's or, with no
        counsellor given, the studio's."""
        self._require_reader()
        if self.vault.actor.role == "counsellor":
            counsellor_id = self.vault.actor.user_id
        clause, params = visible_cases_clause(self.vault)
        lo, hi = iso(start), iso(end)
        mine = " AND a.counsellor_id = ?" if counsellor_id is not None else ""
        owner = " AND c.counsellor_id = ?" if counsellor_id is not None else ""
        who = [counsellor_id] if counsellor_id is not None else []
        out = [CalendarEntry("appointment", a.id, a.case_id, a.case_no, a.client_name,
                             a.counsellor_id, a.start_at, a.end_at, a.kind, a.place)
               for a in map(_appointment, self.vault.db.all(
                   APPOINTMENT_SQL + f" WHERE a.status = 'scheduled' AND a.start_at < ? AND"
                   f" a.end_at > ? AND {clause}{mine}", [hi, lo, *params, *who]))]
        due = ("SELECT x.id, x.case_id, x.due_at, {cols}, c.case_no, cl.name AS client_name,"
               " c.counsellor_id FROM {table} x JOIN cases c ON c.id = x.case_id JOIN clients"
               " cl ON cl.id = c.client_id WHERE x.status = '{status}' AND x.due_at >= ? AND"
               f" x.due_at < ? AND {clause}{owner}")
        for r in self.vault.db.all(due.format(cols="'followup' AS what, 0 AS urgent",
                                              table="followups", status="due"),
                                   [lo, hi, *params, *who]):
            out.append(self._due("followup", r))
        for r in self.vault.db.all(due.format(cols="x.kind AS what, x.urgent",
                                              table="clocks", status="open"),
                                   [lo, hi, *params, *who]):
            out.append(self._due("clock", r))
        return sorted(_mark_overlaps(out), key=lambda e: (e.start_at, e.kind, e.item_id))

    @staticmethod
    def _due(kind: str, r: Any) -> CalendarEntry:
        return CalendarEntry(kind, int(r["id"]), int(r["case_id"]), r["case_no"],
                             r["client_name"], int(r["counsellor_id"]), r["due_at"], None,
                             r["what"], urgent=bool(r["urgent"]))

    def reminders(self) -> list[CalendarEntry]:
        """Today's and tomorrow's appointments of the actor (a supervisor: her own), for
        the dashboard; show them with `reminder_text`, which names no one."""
        self._require_reader()
        start, end = day_range(self.vault.now(), 2)
        user = self.vault.actor.user_id
        return [e for e in self.calendar(start, end, user) if e.kind == "appointment"]


def _mark_overlaps(entries: list[CalendarEntry]) -> list[CalendarEntry]:
    """Mark appointments overlapping another of the same counsellor."""
    booked = [e for e in entries if e.kind == "appointment"]
    clashing = {a.item_id for a in booked for b in booked if a.item_id != b.item_id
                and a.counsellor_id == b.counsellor_id and a.start_at < str(b.end_at)
                and str(a.end_at) > b.start_at}
    return [e.__class__(**{**e.__dict__, "overlap": True}) if e.item_id in clashing
            and e.kind == "appointment" else e for e in entries]


def reminder_text(entry: CalendarEntry, now: datetime, lang: str | None = None) -> str:
    """A reminder line safe for a notification or window title: day, time, kind, case
    number and length — no client name, place or note."""
    start = parse_ts(entry.start_at)
    assert start is not None
    local = start.astimezone()
    today = now.astimezone().date()
    day = (pick("今天", "Today", lang) if local.date() == today
           else pick("明天", "Tomorrow", lang) if local.date() == today + timedelta(days=1)
           else local.strftime("%Y-%m-%d"))
    what = vocab.label(KINDS, entry.what, lang)
    end = parse_ts(entry.end_at)
    minutes = int((end - start).total_seconds() // 60) if end is not None else 0
    return pick(f"{day} {local:%H:%M} {what}，个案 {entry.case_no}（{minutes} 分钟）",
                f"{day} {local:%H:%M} {what}, case {entry.case_no} ({minutes} min)", lang)
