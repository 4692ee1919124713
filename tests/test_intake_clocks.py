"""Signed intake answers start the legal clocks they imply (the templates say which): a
warning letter's 7-day visit, a wanted protection order's 72 h (24 h urgent), a minor's
report to police that is overdue at once."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from conftest import Clock, Studio, dv_intake_answers
from xinhe.records import templates as tpl
from xinhe.records.planning import implied_clocks
from xinhe.records.stats_period import Period

pytestmark = pytest.mark.both_backends

MINOR = {"child_age": 9, "harm_kinds": ["physical"], "how_discovered": "school",
         "discovery_details": "老师发现孩子手臂有淤青。", "child_in_danger_now": False}


def _events(studio: Studio, action: str) -> list[tuple[str, str]]:
    return [(e.object_id, e.outcome) for e in studio.admin.vault.audit.events(limit=500)
            if e.action == action]


def test_a_warning_letter_starts_the_seven_day_visit_from_the_letters_date(
        studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    answers = dv_intake_answers(police_called=True, police_warning_letter=True,
                                warning_letter_date="2026-02-27")
    studio.wang.notes.record_assessment(case.id, template_id="dv_intake", answers=answers)
    [visit] = studio.wang.planning.clocks(case.id)
    letter_day = datetime.combine(date(2026, 2, 27), time.min).astimezone()
    assert visit.kind == "warning_followup"
    assert datetime.fromisoformat(visit.started_at) == letter_day
    assert datetime.fromisoformat(visit.due_at) == letter_day + timedelta(days=7)
    [followup] = studio.wang.planning.followups(case_id=case.id)
    assert followup.reason == "warning_letter" and followup.due_at == visit.due_at
    assert [o for _, o in _events(studio, "clock.start")] == ["warning_followup"]


@pytest.mark.parametrize(("urgent", "hours"), [(False, 72), (True, 24)])
def test_a_wanted_protection_order_starts_the_application_clock(
        studio: Studio, clock: Clock, urgent: bool, hours: int) -> None:
    case = studio.new_case(studio.wang)
    answers = dv_intake_answers(wants_protection_order=True, protection_order_urgent=urgent)
    studio.wang.notes.record_assessment(case.id, template_id="dv_intake", answers=answers)
    [application] = studio.wang.planning.clocks(case.id)
    assert application.kind == "po_application" and application.urgent is urgent
    assert datetime.fromisoformat(application.due_at) - clock.now == timedelta(hours=hours)
    clock.advance(hours=hours - 1)
    [due] = studio.wang.planning.due_items()
    assert (due.kind, due.overdue) == ("po_application", False)
    clock.advance(hours=2)
    [due] = studio.wang.planning.due_items()
    assert due.overdue


def test_no_answer_that_implies_a_clock_starts_none(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    studio.wang.notes.record_assessment(case.id, template_id="dv_intake",
                                        answers=dv_intake_answers(police_called=True,
                                                                  police_warning_letter=False))
    assert studio.wang.planning.clocks(case.id) == []


@pytest.mark.local_only("statistics are not on the studio server yet")
def test_a_minor_not_yet_reported_is_overdue_at_once_and_counted_outstanding(
        studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang, category="minor_protection", birth_date="2017-04-01")
    studio.wang.notes.record_assessment(
        case.id, template_id="minor_mandatory_report",
        answers={**MINOR, "reported_to_police": False,
                 "not_reported_reason": "孩子的母亲希望先和学校商量。"})
    [report] = studio.wang.planning.clocks(case.id)
    assert (report.kind, report.urgent) == ("minor_report", True)
    assert report.due_at == clock.now.isoformat(timespec="seconds")
    clock.advance(minutes=1)
    [due] = studio.wang.planning.due_items()
    assert (due.kind, due.overdue, due.urgent) == ("minor_report", True, True)
    this_month = Period(date(2026, 3, 1), date(2026, 3, 31))
    from xinhe.records.stats import StatsService

    report_figures = StatsService(studio.sup.vault).report(this_month)
    assert report_figures.minor_reports_outstanding == 1


def test_a_minor_already_reported_starts_no_report_clock(studio: Studio) -> None:
    case = studio.new_case(studio.wang, category="minor_protection", birth_date="2017-04-01")
    studio.wang.notes.record_assessment(
        case.id, template_id="minor_mandatory_report",
        answers={**MINOR, "reported_to_police": True, "police_report_time": "2026-03-01",
                 "police_reporter": "王丽", "police_reference": "深公宝受字[2026]7号"})
    assert studio.wang.planning.clocks(case.id) == []


def test_the_same_clock_is_not_started_twice_by_a_second_record(studio: Studio) -> None:
    case = studio.new_case(studio.wang, category="minor_protection", birth_date="2017-04-01")
    answers = {**MINOR, "reported_to_police": False, "not_reported_reason": "尚在商量。"}
    for _ in range(2):
        studio.wang.notes.record_assessment(case.id, template_id="minor_mandatory_report",
                                            answers=answers)
    assert [c.kind for c in studio.wang.planning.clocks(case.id)] == ["minor_report"]


def test_the_preview_says_what_signing_will_start(clock: Clock) -> None:
    template = tpl.TemplateRegistry.default().get("dv_intake")
    answers = tpl.validate_answers(template, dv_intake_answers(
        wants_protection_order=True, protection_order_urgent=True, police_called=True,
        police_warning_letter=True, warning_letter_date="2026-03-01"))
    starts = implied_clocks(template, answers, clock.now)
    assert [s.kind for s in starts] == ["warning_followup", "po_application"]
    lines = [s.describe("zh_CN") for s in starts]
    assert lines[0].startswith("告诫书后七日内回访：") and "2026-03-08" in lines[0]
    assert lines[1].startswith("人身安全保护令申请（紧急，24 小时）：")
    minor = tpl.TemplateRegistry.default().get("minor_mandatory_report")
    [now] = implied_clocks(minor, {"reported_to_police": False}, clock.now)
    assert now.describe("en") == \
        "Report to the police (harm to a minor): due at once (due now)"


def test_an_organisations_template_can_start_clocks_and_mistakes_are_named(
        tmp_path: Path) -> None:
    source = json.loads((tpl.shipped_folder() / "minor_mandatory_report.json").read_text())
    source["id"] = "school_report"
    source["clocks"] = [{"start": "minor_report", "when": {"field": "reported_to_police",
                                                           "equals": False}},
                        {"start": "call_mum", "when": {"field": "reported_to_police",
                                                       "equals": False}},
                        {"start": "warning_followup", "since": "child_age",
                         "when": {"field": "reported_to_police", "equals": True}}]
    (tmp_path / "school_report.json").write_text(json.dumps(source, ensure_ascii=False))
    problems = tpl.check_folder(tmp_path)
    wheres = sorted(p.where for p in problems)
    assert wheres == ["clocks[1].start", "clocks[2].since"]
    source["clocks"] = source["clocks"][:1]
    (tmp_path / "school_report.json").write_text(json.dumps(source, ensure_ascii=False))
    assert tpl.check_folder(tmp_path) == []
    loaded = tpl.TemplateRegistry.default(tmp_path).get("school_report")
    assert [c.start for c in loaded.clocks] == ["minor_report"]
    assert tpl.parse_template(tpl.template_to_json(loaded), tmp_path / "x.json")[0] == loaded
