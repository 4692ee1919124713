"""A case's risk: highest of the latest assessments, overrides with a reason, history, and
the supervisor's 24-hour review clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import Clock, Studio, dv_intake_answers
from xinhe.errors import InvalidInput

pytestmark = pytest.mark.both_backends

SCREEN_NO = {q: False for q in ("wish_dead", "thoughts", "behaviour")}


def test_level_is_the_highest_of_the_latest_assessment_per_instrument(
        studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    svc = studio.wang
    svc.notes.record_assessment(case.id, template_id="dv_intake",
                                answers=dv_intake_answers("jealousy"))
    assert svc.cases.header(case.id).risk_level == "low"
    clock.advance(days=1)
    svc.notes.record_assessment(case.id, template_id="suicide_screen",
                                answers={**SCREEN_NO, "wish_dead": True, "thoughts": True,
                                         "method": True, "intent": False, "plan": False})
    assert svc.cases.header(case.id).risk_level == "medium"
    clock.advance(days=1)
    svc.notes.record_assessment(case.id, template_id="suicide_screen", answers=SCREEN_NO)
    # The latest screen is clear, so the DV intake's "low" is what remains.
    assert svc.cases.header(case.id).risk_level == "low"
    history = svc.cases.risk_history(case.id)
    assert [(h.previous, h.level) for h in history] == [(None, "low"), ("low", "medium"),
                                                        ("medium", "low")]
    assert all(h.changed_by == "王丽" and h.source.startswith("assessment:") for h in history)


def test_reaching_high_opens_a_24_hour_review(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    studio.wang.notes.record_assessment(case.id, template_id="dv_intake",
                                        answers=dv_intake_answers("weapon"))
    [item] = studio.sup.reviews.queue()
    assert (item.kind, item.case_no, item.risk_level) == ("high_risk", case.case_no, "high")
    assert item.due_at == (clock.now + timedelta(hours=24)).isoformat(timespec="seconds")
    studio.sup.reviews.cosign(item.id, "已与咨询师讨论安全计划。")
    assert studio.sup.reviews.queue() == []
    events = studio.sup.vault.audit.events(action_prefix="case.risk")
    assert [e.outcome for e in events] == ["-->high"]


def test_override_needs_a_reason_and_is_kept_in_history(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    svc = studio.wang
    svc.notes.record_assessment(case.id, template_id="dv_intake",
                                answers=dv_intake_answers("weapon"))
    with pytest.raises(InvalidInput):
        svc.cases.override_risk(case.id, "medium", "   ")
    clock.advance(hours=5)
    header = svc.cases.override_risk(case.id, "medium", "施暴者已被刑事拘留，当事人已搬离。")
    assert header.risk_level == "medium" and header.risk_overridden
    last = svc.cases.risk_history(case.id)[-1]
    assert (last.previous, last.level, last.source) == ("high", "medium", "override")
    assert last.reason == "施暴者已被刑事拘留，当事人已搬离。"
    # A new assessment at or below the override leaves it standing …
    clock.advance(days=1)
    svc.notes.record_assessment(case.id, template_id="dv_intake",
                                answers=dv_intake_answers("jealousy"))
    assert svc.cases.header(case.id).risk_level == "medium"
    # … one above it wins, and the override lapses (safety first).
    clock.advance(days=1)
    svc.notes.record_assessment(case.id, template_id="dv_intake",
                                answers=dv_intake_answers("threat_to_kill"))
    header = svc.cases.header(case.id)
    assert header.risk_level == "high" and not header.risk_overridden
    assert [e.outcome for e in studio.sup.vault.audit.events(action_prefix="case.risk")] == [
        "medium->high", "high->medium", "-->high"]


def test_a_supervisor_can_return_a_case_to_its_computed_level(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    studio.wang.notes.record_assessment(case.id, template_id="dv_intake",
                                        answers=dv_intake_answers())
    studio.wang.cases.override_risk(case.id, "high", "当事人自述今晚会被打，专业判断为高风险。")
    assert studio.sup.cases.header(case.id).risk_level == "high"
    back = studio.sup.cases.override_risk(case.id, None, "已核实，恢复评估结果。")
    assert back.risk_level == "low" and not back.risk_overridden
