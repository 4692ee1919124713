"""Legal clocks and follow-ups: due times, due-soon and overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conftest import Clock, Studio
from xinhe.errors import InvalidInput

pytestmark = pytest.mark.both_backends

VISIT = {"method": "phone", "reached": True, "result": "当事人说这周平安。", "safety_now": 4}


def test_protection_order_application_72h_or_24h_when_urgent(studio: Studio,
                                                              clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    normal = studio.wang.planning.protection_order_applied(case.id, clock.now, urgent=False,
                                                           court="宝安区人民法院")
    urgent = studio.wang.planning.protection_order_applied(case.id, clock.now, urgent=True)
    assert datetime.fromisoformat(normal.due_at) - clock.now == timedelta(hours=72)
    assert datetime.fromisoformat(urgent.due_at) - clock.now == timedelta(hours=24)
    assert urgent.urgent and normal.details == {"court": "宝安区人民法院"}


def test_protection_order_expiry_is_at_most_six_months(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    studio.wang.planning.protection_order_applied(case.id, clock.now, urgent=True)
    decided = clock.now + timedelta(hours=20)
    with pytest.raises(InvalidInput, match="六个月|six months"):
        studio.wang.planning.protection_order_decided(
            case.id, decided, granted=True, expires_on=decided + timedelta(days=200))
    expiry = studio.wang.planning.protection_order_decided(case.id, decided, granted=True)
    assert expiry is not None and expiry.kind == "po_expiry"
    assert datetime.fromisoformat(expiry.due_at) == datetime(2026, 9, 3, 5, 0, tzinfo=UTC)
    application = [c for c in studio.wang.planning.clocks(case.id) if c.kind == "po_application"]
    assert application[0].status == "met" and application[0].details["granted"] is True


def test_minor_report_is_due_at_once_and_records_who_when_and_reference(
        studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang, category="minor_protection", birth_date="2015-04-01")
    clock_ = studio.wang.planning.minor_at_risk(case.id, clock.now)
    assert clock_.due_at == clock.now.isoformat(timespec="seconds") and clock_.urgent
    clock.advance(minutes=1)
    [due] = studio.wang.planning.due_items()
    assert (due.kind, due.overdue, due.urgent) == ("minor_report", True, True)
    with pytest.raises(InvalidInput):
        studio.wang.planning.minor_reported(case.id, clock.now, "王丽", "")
    studio.wang.planning.minor_reported(case.id, clock.now, "王丽", "深公宝(西)受字[2026]101号")
    [met] = studio.wang.planning.clocks(case.id)
    assert met.status == "met" and met.met_at == clock.now.isoformat(timespec="seconds")
    assert met.details == {"reporter": "王丽", "police_reference": "深公宝(西)受字[2026]101号"}
    assert studio.wang.planning.due_items() == []


def test_warning_letter_starts_a_seven_day_follow_up(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    issued = clock.now - timedelta(days=2)
    letter = studio.wang.planning.warning_letter_issued(case.id, issued)
    assert datetime.fromisoformat(letter.due_at) == issued + timedelta(days=7)
    [followup] = studio.wang.planning.followups(case_id=case.id)
    assert followup.reason == "warning_letter" and followup.due_at == letter.due_at
    studio.wang.planning.complete_followup(followup.id, followup.version, VISIT)
    assert studio.wang.planning.clocks(case.id)[0].status == "met"


def test_due_soon_and_overdue_follow_ups(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    other = studio.new_case(studio.chen, name="何某", phone="13700137000")
    plan = studio.wang.planning
    overdue = plan.schedule_followup(case.id, clock.now - timedelta(hours=3))
    soon = plan.schedule_followup(case.id, clock.now + timedelta(hours=30))
    later = plan.schedule_followup(case.id, clock.now + timedelta(days=5))
    studio.chen.planning.schedule_followup(other.id, clock.now - timedelta(days=1))
    items = plan.due_items()
    assert [(i.item_id, i.overdue) for i in items] == [(overdue.id, True), (soon.id, False)]
    assert later.id not in [i.item_id for i in plan.due_items(within=timedelta(days=1))]
    assert len(studio.sup.planning.due_items(mine_only=False)) == 3
    assert [r.overdue for r in studio.wang.cases.find()] == [True]
    assert [r.case_no for r in studio.wang.cases.find(overdue_only=True)] == [case.case_no]


def test_completing_a_follow_up_can_schedule_the_next(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    plan = studio.wang.planning
    first = plan.schedule_followup(case.id, clock.now + timedelta(days=1), "routine", "phone")
    clock.advance(days=3)  # done two days late
    done = plan.complete_followup(first.id, first.version,
                                  {**VISIT, "next_followup_date": "2026-03-20"})
    assert done.status == "done" and done.done_late()
    [upcoming] = plan.followups(case_id=case.id)
    assert upcoming.due_at.startswith("2026-03-20") and upcoming.planned_method == "phone"
    with pytest.raises(InvalidInput):
        plan.complete_followup(first.id, done.version, VISIT)
