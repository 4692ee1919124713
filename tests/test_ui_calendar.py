"""The calendar driven as people use it: a counsellor books a home visit for her case, sees
it in her week and in the dashboard's reminder (case number, no name); a bad duration is
refused in the form; a supervisor sees the studio's week and the risk-signal list."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QDateTime
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from ui_helpers import click, find_dialog, press_ok, signed_in, type_into, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder

PASSWORDS = {"sup": "sup-password", "wang": "wang-password", "chen": "chen-password"}


def tomorrow_at(hour: int) -> datetime:
    day = datetime.now().astimezone().date() + timedelta(days=1)
    return datetime.combine(day, time(hour)).astimezone()


@pytest.fixture
def seeded(tmp_path: Path, binding: DeviceBinding) -> dict[str, Any]:
    """Wang's case for 林晓燕 and chen's for 赵红, each naming the same man who harmed
    them (same phone); chen has a session booked tomorrow at 9."""
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    for user, name, role in (("sup", "周督导", "supervisor"), ("wang", "王丽", "counsellor"),
                             ("chen", "陈芳", "counsellor")):
        AccountService(admin).add_user(user, name, role, PASSWORDS[user])
    admin.close()
    cases = {}
    for user, client, phone in (("wang", "林晓燕", "13800138000"),
                                ("chen", "赵红", "13700137000")):
        vault = folder.unlock(user, PASSWORDS[user])
        svc = Services(vault, tpl.TemplateRegistry.default())
        made = svc.clients.create(name=client, birth_date="1990-05-01", phone=phone)
        case = svc.cases.open(client_id=made.id, category="domestic_violence", source="self")
        svc.persons.add(case.id, relation="abuser", name="张伟", phone="13900001111")
        if user == "chen":
            svc.appointments.book(case.id, tomorrow_at(9), 60)
        cases[user] = case
        vault.close()
    return {"folder": folder, "cases": cases}


def open_calendar(qtbot: QtBot, main: Any) -> Any:
    """The calendar section, on the week that holds tomorrow."""
    keys = main.section_keys()
    main.nav.setCurrentRow(keys.index("calendar"))
    qtbot.waitUntil(lambda: "calendar" in main._built)
    calendar = main._built["calendar"]
    qtbot.waitUntil(calendar.isVisible)
    if tomorrow_at(0).weekday() == 0:  # today is Sunday: tomorrow is in next week
        click(qtbot, calendar.steps[1])
    return calendar


def test_a_counsellor_books_a_visit_and_sees_it_in_her_week_and_reminder(
        qtbot: QtBot, seeded: dict[str, Any]) -> None:
    from xinhe.ui.screens.appointment_dialog import AppointmentDialog

    case = seeded["cases"]["wang"]
    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        reminder = main._built["dashboard"].appointments
        qtbot.waitUntil(lambda: reminder.list.topLevelItemCount() == 1)
        assert reminder.list.topLevelItem(0).text(0) == "今天和明天没有预约。"
        calendar = open_calendar(qtbot, main)
        wait_idle(qtbot, app)
        click(qtbot, calendar.new_button)
        dialog = find_dialog(qtbot, AppointmentDialog)
        qtbot.waitUntil(lambda: dialog.case.count() == 1)
        assert dialog.case.currentText() == f"{case.case_no}  林晓燕"  # her own case only
        dialog.start.setDateTime(QDateTime.fromSecsSinceEpoch(int(tomorrow_at(14).timestamp())))
        dialog.kind.setCurrentIndex(dialog.kind.findText("家访"))
        dialog.duration.setValue(0)
        type_into(qtbot, dialog.place, "她妹妹家")
        press_ok(qtbot, dialog)
        qtbot.waitUntil(lambda: dialog.error.isVisible())
        assert dialog.error.text() == "时长必须大于零分钟。"  # refused, the form kept
        assert dialog.place.text() == "她妹妹家"
        dialog.duration.setValue(90)
        press_ok(qtbot, dialog)
        qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
        wait_idle(qtbot, app)
        assert calendar.notice.text() == "已保存。"
        day = f"{tomorrow_at(0).date().isoformat()} "
        qtbot.waitUntil(lambda: ["14:00–15:30", "家访", case.case_no, "林晓燕", "",
                                 "她妹妹家"] in calendar.shown_rows())
        rows = calendar.shown_rows()
        assert rows[rows.index(["14:00–15:30", "家访", case.case_no, "林晓燕", "",
                                "她妹妹家"]) - 1][0].startswith(day)
        # Chen's appointment is not in wang's week.
        assert all(row[2:3] != [seeded["cases"]["chen"].case_no] for row in rows)
        # The dashboard reminder: the case number, never her name or the place.
        qtbot.waitUntil(lambda: reminder.texts == [
            f"明天 14:00 家访，个案 {case.case_no}（90 分钟）"])
        shown = reminder.list.topLevelItem(0).text(0)
        assert case.case_no in shown and "林晓燕" not in shown and "妹妹" not in shown
        assert "林晓燕" not in main.windowTitle()
    vault = seeded["folder"].unlock("wang", PASSWORDS["wang"])
    try:
        [visit] = Services(vault, tpl.TemplateRegistry.default()).appointments.reminders()
        assert (visit.case_id, visit.what, visit.place) == (case.id, "home_visit", "她妹妹家")
    finally:
        vault.close()


def test_a_supervisor_sees_the_studios_week_and_the_risk_signals(
        qtbot: QtBot, seeded: dict[str, Any]) -> None:
    wang, chen = seeded["cases"]["wang"], seeded["cases"]["chen"]
    with signed_in(qtbot, seeded["folder"], "sup", PASSWORDS["sup"]) as (app, main):
        signals = main._built["dashboard"].risk_signals
        assert signals.isVisible()
        qtbot.waitUntil(lambda: signals.list.topLevelItemCount() == 1
                        and signals.list.topLevelItem(0).text(0) == "张伟")
        row = signals.list.topLevelItem(0)
        assert row.text(2) == f"{wang.case_no} {chen.case_no}" and row.text(3) == "电话相同"
        calendar = open_calendar(qtbot, main)
        qtbot.waitUntil(calendar.counsellor.isVisible)
        qtbot.waitUntil(lambda: ["09:00–10:00", "面谈", chen.case_no, "赵红", "陈芳", ""]
                        in calendar.shown_rows())
        # One counsellor's week: wang has nothing booked.
        calendar.counsellor.setCurrentIndex(calendar.counsellor.findText("王丽"))
        qtbot.waitUntil(lambda: all(chen.case_no not in row for row in calendar.shown_rows()))
        wait_idle(qtbot, app)


def test_the_calendar_is_not_offered_to_staff(qtbot: QtBot, seeded: dict[str, Any],
                                              tmp_path: Path) -> None:
    vault = seeded["folder"].unlock("admin", ADMIN_PASSWORD)
    AccountService(vault).add_user("huang", "黄敏", "staff", "huang-password")
    vault.close()
    with signed_in(qtbot, seeded["folder"], "huang", "huang-password") as (_app, main):
        assert "calendar" not in main.section_keys()
        assert not main._built["dashboard"].appointments.isVisible()
        assert not main._built["dashboard"].risk_signals.isVisible()
