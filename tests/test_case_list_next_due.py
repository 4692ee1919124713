"""The case list's "next due": the earliest open follow-up or legal clock of each case, the
same whether the whole list is read (one grouped pass) or a page (a look-up per case)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import Clock, Studio

pytestmark = pytest.mark.both_backends

VISIT = {"method": "phone", "reached": True, "result": "当事人说这周平安。", "safety_now": 4}


def test_next_due_is_the_earliest_open_item_in_the_whole_list_and_a_page(
        studio: Studio, clock: Clock) -> None:
    plan = studio.wang.planning
    by_followup = studio.new_case(studio.wang)
    by_clock = studio.new_case(studio.wang, name="何某", phone="13700137000")
    nothing_open = studio.new_case(studio.chen, name="周某", phone="13600136000")
    done = plan.schedule_followup(by_followup.id, clock.now - timedelta(days=3))
    plan.complete_followup(done.id, done.version, VISIT)  # done: no longer due
    plan.schedule_followup(by_followup.id, clock.now + timedelta(days=4))
    soonest = plan.schedule_followup(by_followup.id, clock.now + timedelta(days=2))
    plan.schedule_followup(by_clock.id, clock.now + timedelta(days=9))
    application = plan.protection_order_applied(by_clock.id, clock.now, urgent=True)
    studio.chen.planning.schedule_followup(nothing_open.id, clock.now + timedelta(days=1))
    studio.sup.cases.close(nothing_open.id, "resolved")  # cancels its follow-up

    expected = {by_followup.case_no: (soonest.due_at, False),
                by_clock.case_no: (application.due_at, False),
                nothing_open.case_no: (None, False)}
    whole = {r.case_no: (r.next_due, r.overdue) for r in studio.sup.cases.find()}
    page = {r.case_no: (r.next_due, r.overdue) for r in studio.sup.cases.find(limit=200)}
    own = {r.case_no: (r.next_due, r.overdue) for r in studio.wang.cases.find()}
    assert whole == page == expected
    assert own == {k: v for k, v in expected.items() if k != nothing_open.case_no}
    staff = {r.case_no: (r.next_due, r.overdue) for r in studio.staff.cases.find()}
    assert staff == expected  # the dates, not the follow-ups themselves
    assert {r.case_no for r in studio.chen.cases.find()} == {nothing_open.case_no}
    assert [r.next_due for r in studio.chen.cases.find()] == [None]

    clock.advance(hours=25)  # the urgent application's 24 hours have passed
    assert [r.case_no for r in studio.sup.cases.find(overdue_only=True)] == [by_clock.case_no]
    assert {r.case_no for r in studio.sup.cases.find() if r.overdue} == {by_clock.case_no}
