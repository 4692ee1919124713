"""Her week and the counsellor's: appointments booked, moved and cancelled per case, with
the case's follow-ups and legal clocks on the same calendar, and reminders that name the
case number, never the client."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from conftest import Clock, Studio
from xinhe.errors import AccessDenied, Conflict, InvalidInput, NotFound
from xinhe.records.appointments import day_range, reminder_text

pytestmark = pytest.mark.both_backends


def at(clock: Clock, days: int, hour: int, minute: int = 0) -> datetime:
    """A local time `days` after the clock's day."""
    day = clock.now.astimezone().date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute)).astimezone()


def audit_actions(studio: Studio) -> list[tuple[str, str]]:
    return [(r["action"], str(r["object_id"])) for r in studio.sup.vault.db.all(
        "SELECT action, object_id FROM audit_event WHERE action LIKE 'appointment.%'"
        " ORDER BY seq")]


def test_book_move_cancel_each_audited_and_a_stale_edit_refused(studio: Studio,
                                                                clock: Clock) -> None:
    case = studio.new_case(studio.wang, name="林秀英")
    booked = studio.wang.appointments.book(case.id, at(clock, 1, 10), 60, "home_visit",
                                           place="凤凰岗社区 3 栋", note="带上联系卡")
    visit = booked.appointment
    assert booked.cautions == ()
    assert (visit.case_no, visit.kind, visit.duration_min, visit.place, visit.status) == (
        case.case_no, "home_visit", 60, "凤凰岗社区 3 栋", "scheduled")
    moved = studio.wang.appointments.change(visit.id, visit.version, at(clock, 2, 15), 90,
                                            "home_visit", place="社区服务站")
    assert moved.appointment.version == visit.version + 1
    assert moved.appointment.start_at > visit.start_at
    with pytest.raises(Conflict):  # opened before the move
        studio.wang.appointments.change(visit.id, visit.version, at(clock, 3, 9), 30, "phone")
    with pytest.raises(Conflict):
        studio.wang.appointments.cancel(visit.id, visit.version)
    cancelled = studio.wang.appointments.cancel(visit.id, moved.appointment.version)
    assert cancelled.status == "cancelled"
    week = studio.wang.appointments.calendar(*day_range(clock.now, 7))
    assert [e for e in week if e.kind == "appointment"] == []
    assert audit_actions(studio) == [("appointment.book", str(visit.id)),
                                     ("appointment.change", str(visit.id)),
                                     ("appointment.cancel", str(visit.id))]
    # The audit holds ids, never the place or the note.
    trail = str([tuple(r) for r in studio.sup.vault.db.all("SELECT * FROM audit_event")])
    assert "凤凰岗" not in trail and "联系卡" not in trail and "林秀英" not in trail


def test_access_follows_the_case_records(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    visit = studio.wang.appointments.book(case.id, at(clock, 1, 10), 50).appointment
    with pytest.raises(AccessDenied):  # another counsellor's case
        studio.chen.appointments.book(case.id, at(clock, 1, 14), 50)
    # Refused locally; on the server, row security hides the row altogether.
    with pytest.raises((AccessDenied, NotFound)):
        studio.chen.appointments.get(visit.id)
    with pytest.raises((AccessDenied, NotFound)):
        studio.staff.appointments.get(visit.id)
    with pytest.raises(AccessDenied):
        studio.staff.appointments.calendar(*day_range(clock.now, 7))
    with pytest.raises(AccessDenied):
        studio.admin.appointments.calendar(*day_range(clock.now, 7))
    assert studio.chen.appointments.calendar(*day_range(clock.now, 7)) == []
    # Shared with chen, the case's appointments open to her; she books her own time.
    studio.sup.cases.share(case.id, studio.chen.vault.actor.user_id)
    assert studio.chen.appointments.get(visit.id).id == visit.id
    hers = studio.chen.appointments.book(case.id, at(clock, 1, 14), 50).appointment
    assert hers.counsellor_id == studio.chen.vault.actor.user_id
    # The supervisor sees the studio's week, or one counsellor's.
    studio_week = studio.sup.appointments.calendar(*day_range(clock.now, 7))
    assert {e.item_id for e in studio_week if e.kind == "appointment"} == {visit.id, hers.id}
    wangs = studio.sup.appointments.calendar(*day_range(clock.now, 7),
                                             counsellor_id=visit.counsellor_id)
    assert [e.item_id for e in wangs if e.kind == "appointment"] == [visit.id]


def test_past_and_overlapping_times_are_saved_but_marked(studio: Studio,
                                                         clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    other = studio.new_case(studio.wang, name="赵某", phone="13600000000")
    first = studio.wang.appointments.book(case.id, at(clock, 1, 10), 60).appointment
    clash = studio.wang.appointments.book(other.id, at(clock, 1, 10, 30), 60, "phone")
    assert [c.code for c in clash.cautions] == ["overlap"]
    assert case.case_no in clash.cautions[0].text("en")
    late = studio.wang.appointments.book(case.id, clock.now - timedelta(hours=3), 30)
    assert [c.code for c in late.cautions] == ["past"]
    assert late.cautions[0].text("zh") == "这个时间已经过去了。"
    day = studio.wang.appointments.calendar(*day_range(at(clock, 1, 0), 1))
    assert {(e.item_id, e.overlap) for e in day} == {(first.id, True),
                                                     (clash.appointment.id, True)}
    # Chen's time at the same hour is no clash for wang.
    mine = studio.new_case(studio.chen, name="钱某", phone="13500000000")
    assert studio.chen.appointments.book(mine.id, at(clock, 1, 10), 60).cautions == ()


def test_bad_input_gets_a_clear_message(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    book = studio.wang.appointments.book
    cases = [((case.id, at(clock, 1, 10), 0), "时长必须大于零分钟。"),
             ((case.id, at(clock, 1, 10), -30), "时长必须大于零分钟。"),
             ((case.id, at(clock, 1, 9), 13 * 60), "一次预约最长 12 小时。"),
             ((case.id, at(clock, 1, 22), 180), "预约不能跨过午夜，请分成两天登记。")]
    for args, message in cases:
        with pytest.raises(InvalidInput) as refused:
            book(*args)
        assert refused.value.zh == message and refused.value.en
    with pytest.raises(InvalidInput) as refused:
        book(case.id, at(clock, 1, 10), 60, "dinner")
    assert "预约类型" in refused.value.zh and "Appointment kind" in refused.value.en
    with pytest.raises(NotFound) as missing:
        book(case.id + 999, at(clock, 1, 10), 60)
    assert missing.value.zh == "找不到该个案。" and missing.value.en == "The case was not found."
    # Ending at midnight exactly is still the same day.
    assert book(case.id, at(clock, 1, 22), 120).appointment.duration_min == 120
    assert studio.wang.appointments.calendar(*day_range(at(clock, 1, 0), 1))[0].kind == \
        "appointment"


def test_the_week_holds_followups_and_legal_clocks(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    visit = studio.wang.appointments.book(case.id, at(clock, 2, 10), 60).appointment
    followup = studio.wang.planning.schedule_followup(case.id, at(clock, 3, 9))
    studio.wang.planning.schedule_followup(case.id, at(clock, 12, 9))  # next week
    clock_due = studio.wang.planning.protection_order_applied(case.id, at(clock, 0, 8),
                                                             urgent=False)
    week = studio.wang.appointments.calendar(*day_range(clock.now, 7))
    assert [(e.kind, e.item_id, e.what) for e in week] == [
        ("appointment", visit.id, "session"), ("clock", clock_due.id, "po_application"),
        ("followup", followup.id, "followup")]
    assert all(e.case_no == case.case_no for e in week)
    # The day view: only that day's lines.
    day = studio.wang.appointments.calendar(*day_range(at(clock, 3, 0), 1))
    assert [(e.kind, e.item_id) for e in day] == [("clock", clock_due.id),
                                                  ("followup", followup.id)]


def test_reminders_name_the_case_number_never_the_client(studio: Studio,
                                                        clock: Clock) -> None:
    case = studio.new_case(studio.wang, name="林秀英")
    studio.wang.appointments.book(case.id, at(clock, 0, 23), 30, "phone",
                                  place="她妹妹家", note="林秀英要求晚上打")
    studio.wang.appointments.book(case.id, at(clock, 1, 10), 45, "home_visit",
                                  place="她妹妹家")
    studio.wang.appointments.book(case.id, at(clock, 2, 10), 45)  # the day after tomorrow
    reminders = studio.wang.appointments.reminders()
    texts = [reminder_text(e, clock.now, "zh") for e in reminders]
    assert texts == [f"今天 23:00 电话，个案 {case.case_no}（30 分钟）",
                     f"明天 10:00 家访，个案 {case.case_no}（45 分钟）"]
    english = [reminder_text(e, clock.now, "en") for e in reminders]
    assert english[1] == f"Tomorrow 10:00 Home visit, case {case.case_no} (45 min)"
    for text in texts + english:
        assert "林秀英" not in text and "妹妹" not in text
