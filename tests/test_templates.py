"""Structured templates: the shipped forms, their scoring, display conditions, answer checks,
broken template reports, the registry and template versions."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from xinhe.errors import InvalidInput, NotFound, XinheError
from xinhe.records.templates import (
    InvalidAnswer,
    Template,
    TemplateRegistry,
    answer_rows,
    check_folder,
    check_report,
    load_folder,
    render_text,
    score,
    shipped_folder,
    validate_answers,
    visible_field_ids,
)

FIXTURES = Path(__file__).parent / "fixtures" / "templates"
CJK = re.compile(r"[\u4e00-\u9fff]")
SHIPPED_IDS = {"general_intake", "dv_intake", "emotional_dispute_intake",
               "minor_mandatory_report", "suicide_screen", "safety_plan", "session_note",
               "crisis_intervention", "followup_visit", "phq9", "gad7"}


@pytest.fixture(scope="module")
def registry() -> TemplateRegistry:
    return TemplateRegistry.default()


def shipped(template_id: str) -> Template:
    return TemplateRegistry.default().get(template_id)


# -- the shipped templates -------------------------------------------------------------------

def test_shipped_templates_all_load_without_problems() -> None:
    result = load_folder(shipped_folder())
    assert result.problems == ()
    assert {t.id for t in result.templates} == SHIPPED_IDS
    assert check_folder(shipped_folder()) == []


@pytest.mark.parametrize(("template_id", "kind"), [
    ("general_intake", "intake"), ("dv_intake", "intake"),
    ("emotional_dispute_intake", "intake"), ("minor_mandatory_report", "mandatory_report"),
    ("suicide_screen", "assessment"), ("safety_plan", "safety_plan"), ("session_note", "note"),
    ("crisis_intervention", "crisis"), ("followup_visit", "followup"),
    ("phq9", "assessment"), ("gad7", "assessment"),
])
def test_shipped_template_kinds(registry: TemplateRegistry, template_id: str, kind: str) -> None:
    assert registry.get(template_id).kind == kind


# The records layer reads these ids: (template, field, type, required).
RECORDS_FIELDS = [
    ("general_intake", "presenting_issue", "long_text", True),
    ("general_intake", "incident_summary", "long_text", False),
    ("dv_intake", "incident_summary", "long_text", True),
    ("dv_intake", "police_warning_letter", "yes_no", False),
    ("dv_intake", "warning_letter_date", "date", False),
    ("dv_intake", "wants_protection_order", "yes_no", True),
    ("emotional_dispute_intake", "incident_summary", "long_text", True),
    ("minor_mandatory_report", "child_age", "number", True),
    ("minor_mandatory_report", "reported_to_police", "yes_no", True),
    ("minor_mandatory_report", "police_report_time", "date", True),
    ("minor_mandatory_report", "police_reporter", "text", False),
    ("minor_mandatory_report", "police_reference", "text", False),
    ("suicide_screen", "wish_dead", "yes_no", True),
    ("suicide_screen", "thoughts", "yes_no", True),
    ("suicide_screen", "method", "yes_no", True),
    ("suicide_screen", "intent", "yes_no", True),
    ("suicide_screen", "plan", "yes_no", True),
    ("suicide_screen", "behaviour", "yes_no", True),
    ("suicide_screen", "behaviour_recent", "yes_no", True),
    ("session_note", "data", "long_text", True),
    ("session_note", "assessment", "long_text", False),
    ("session_note", "plan", "long_text", False),
    ("session_note", "risk_change", "single_choice", False),
    ("crisis_intervention", "crisis_kind", "single_choice", True),
    ("crisis_intervention", "on_site", "yes_no", True),
    ("crisis_intervention", "actions", "long_text", True),
    ("crisis_intervention", "outcome", "long_text", False),
    ("crisis_intervention", "police_called", "yes_no", False),
    ("crisis_intervention", "hospital", "yes_no", False),
    ("crisis_intervention", "next_steps", "long_text", False),
    ("crisis_intervention", "location", "text", False),
    ("followup_visit", "method", "single_choice", True),
    ("followup_visit", "reached", "yes_no", True),
    ("followup_visit", "result", "long_text", True),
    ("followup_visit", "safety_now", "scale", True),
    ("followup_visit", "next_followup_date", "date", False),
]


@pytest.mark.parametrize(("template_id", "field_id", "ftype", "required"), RECORDS_FIELDS)
def test_field_ids_the_records_layer_reads(registry: TemplateRegistry, template_id: str,
                                           field_id: str, ftype: str, required: bool) -> None:
    fld = registry.get(template_id).field(field_id)
    assert fld is not None
    assert (fld.type, fld.required) == (ftype, required)


@pytest.mark.parametrize(("template_id", "field_id", "options"), [
    ("crisis_intervention", "crisis_kind", ["dv_high_risk", "suicide", "other"]),
    ("followup_visit", "method", ["phone", "home_visit", "in_person", "online", "other"]),
    ("session_note", "risk_change", ["none", "raised", "lowered"]),
])
def test_option_ids_the_records_layer_reads(registry: TemplateRegistry, template_id: str,
                                            field_id: str, options: list[str]) -> None:
    fld = registry.get(template_id).field(field_id)
    assert fld is not None and [o.id for o in fld.options] == options


def _texts(template: Template) -> list[Any]:
    texts = [template.label, template.description]
    for section in template.sections:
        texts += [section.label, section.help]
        for fld in section.fields:
            texts += [fld.label, fld.help, fld.min_label, fld.max_label]
            texts += [o.label for o in fld.options]
    for total in template.scoring.totals:
        texts += [total.label, *(b.label for b in total.bands)]
    texts += [rule.reason for rule in template.scoring.rules]
    return [t for t in texts if t is not None]


@pytest.mark.parametrize("template_id", sorted(SHIPPED_IDS))
def test_shipped_texts_are_chinese_first_with_complete_english(template_id: str) -> None:
    for text in _texts(shipped(template_id)):
        assert CJK.search(text.zh), text
        assert text.en.strip() and not CJK.search(text.en), text


def test_dv_danger_checklist_shape() -> None:
    template = shipped("dv_intake")
    danger = [f for f in template.fields if f.id.startswith("danger_") and f.type == "yes_no"]
    assert 15 <= len(danger) <= 20
    # Each may stay "not yet asked" at a first contact (the checklist's progress says so),
    # and "don't know" is an answer too.
    assert all(not f.required and f.allow_unknown and (f.score or 0) > 0 for f in danger)
    for factor in ("strangulation", "weapon", "threat_to_kill", "escalation", "separation",
                   "jealousy", "forced_sex", "pregnancy", "child_harm", "unemployed",
                   "abuser_suicide", "substance", "stalking", "fear_killed"):
        assert template.field(f"danger_{factor}") is not None, factor
    (total,) = template.scoring.totals
    assert set(total.fields) == {f.id for f in danger}


def test_suicide_screen_has_six_core_yes_no_items_and_one_follow_up() -> None:
    template = shipped("suicide_screen")
    assert [f.id for f in template.fields] == ["wish_dead", "thoughts", "method", "intent",
                                               "plan", "behaviour", "behaviour_recent"]
    assert all(f.type == "yes_no" and not f.allow_unknown for f in template.fields)


def test_safety_plan_lists_the_local_emergency_numbers() -> None:
    fld = shipped("safety_plan").field("professional_contacts")
    assert fld is not None and fld.help is not None
    for number in ("110", "120", "12338", "0755-25629459"):
        assert number in fld.help.zh and number in fld.help.en


# -- scoring: domestic violence danger checklist -----------------------------------------------

DANGER_WEIGHTS = {
    "danger_strangulation": 4, "danger_weapon": 4, "danger_threat_to_kill": 4,
    "danger_escalation": 3, "danger_separation": 3, "danger_jealousy": 2,
    "danger_forced_sex": 3, "danger_pregnancy": 3, "danger_child_harm": 3,
    "danger_unemployed": 2, "danger_abuser_suicide": 3, "danger_substance": 2,
    "danger_stalking": 2, "danger_serious_injury": 3, "danger_confinement": 2,
    "danger_order_breach": 3, "danger_isolation": 1, "danger_fear_killed": 3,
}


def dv_answers(*yes: str, **extra: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "relationship_to_abuser": "spouse", "children_in_home": False,
        "violence_types": ["physical"], "incident_summary": "记录",
        "wants_protection_order": "unknown",
    }
    answers.update({f: f in yes for f in DANGER_WEIGHTS})
    answers.update(extra)
    return answers


def test_dv_weights_are_the_hand_computed_ones() -> None:
    template = shipped("dv_intake")
    assert {f.id: f.score for f in template.fields if f.id in DANGER_WEIGHTS} == DANGER_WEIGHTS


@pytest.mark.parametrize(("yes", "total", "band", "level", "reasons"), [
    ((), 0, "低", "low", []),
    (("danger_serious_injury", "danger_order_breach"), 6, "危险较低", "low", []),
    (("danger_serious_injury", "danger_order_breach", "danger_isolation"), 7, "危险增加",
     "medium", []),
    (("danger_serious_injury", "danger_order_breach", "danger_stalking", "danger_substance",
      "danger_confinement", "danger_isolation"), 13, "危险增加", "medium", []),
    (("danger_serious_injury", "danger_order_breach", "danger_stalking", "danger_substance",
      "danger_confinement", "danger_jealousy"), 14, "严重危险", "high", []),
    (("danger_serious_injury", "danger_order_breach", "danger_stalking", "danger_substance",
      "danger_confinement", "danger_isolation", "danger_escalation", "danger_separation"), 19,
     "严重危险", "high", []),
    (("danger_serious_injury", "danger_order_breach", "danger_stalking", "danger_substance",
      "danger_isolation", "danger_escalation", "danger_separation", "danger_fear_killed"), 20,
     "极度危险", "high", ["fears_being_killed"]),
])
def test_dv_band_edges(yes: tuple[str, ...], total: int, band: str, level: str,
                       reasons: list[str]) -> None:
    result = score(shipped("dv_intake"), dv_answers(*yes))
    assert result.totals == {"danger_score": total}
    assert result.band_label is not None and band in result.band_label.zh
    assert result.level == level
    assert [r.rule_id for r in result.reasons] == reasons


@pytest.mark.parametrize("factor", ["danger_strangulation", "danger_weapon",
                                    "danger_threat_to_kill"])
def test_dv_any_lethal_factor_alone_is_high(factor: str) -> None:
    result = score(shipped("dv_intake"), dv_answers(factor))
    assert result.totals["danger_score"] == 4
    assert result.bands[0].level == "low"  # the band alone would say low
    assert result.level == "high"
    assert [r.rule_id for r in result.reasons] == ["lethal_factor"]
    assert "高风险" in result.reasons[0].text.zh


def test_dv_three_strong_factors_are_high_and_two_are_not() -> None:
    two = score(shipped("dv_intake"), dv_answers("danger_jealousy", "danger_unemployed"))
    assert (two.totals["danger_score"], two.level, two.reasons) == (4, "low", ())
    three = score(shipped("dv_intake"), dv_answers("danger_jealousy", "danger_unemployed",
                                                   "danger_separation"))
    assert three.totals["danger_score"] == 7 and three.bands[0].level == "medium"
    assert three.level == "high"
    assert [r.rule_id for r in three.reasons] == ["strong_factors"]


def test_dv_fear_of_being_killed_is_at_least_medium() -> None:
    result = score(shipped("dv_intake"), dv_answers("danger_fear_killed"))
    assert (result.totals["danger_score"], result.level) == (3, "medium")


def test_dv_child_harm_gives_a_reason_to_report_without_its_own_level() -> None:
    result = score(shipped("dv_intake"), dv_answers("danger_child_harm"))
    assert result.level == "low"
    (reason,) = result.reasons
    assert reason.rule_id == "child_at_risk" and reason.level is None
    assert "强制报告" in reason.text.zh and "mandatory report" in reason.text.en


def test_dv_children_witnessing_counts_only_when_children_are_in_the_home() -> None:
    template = shipped("dv_intake")
    shown = score(template, dv_answers(children_in_home=True, children_witnessed=True))
    assert [r.rule_id for r in shown.reasons] == ["child_at_risk"]
    hidden = score(template, dv_answers(children_in_home=False, children_witnessed=True))
    assert hidden.reasons == ()


def test_dv_unknown_answers_add_nothing_and_are_listed() -> None:
    answers = dv_answers(**dict.fromkeys(DANGER_WEIGHTS, "unknown"))
    result = score(shipped("dv_intake"), answers)
    assert result.totals["danger_score"] == 0
    assert set(result.unknown) == set(DANGER_WEIGHTS)
    assert result.complete


def test_dv_draft_scores_and_lists_unanswered_checklist_items() -> None:
    result = score(shipped("dv_intake"), {"danger_weapon": True})
    assert result.level == "high"
    assert result.totals["danger_score"] == 4
    assert set(result.unanswered) == set(DANGER_WEIGHTS) - {"danger_weapon"}
    assert not result.complete


# -- scoring: suicide screen triage, row by row ------------------------------------------------

NO_THOUGHTS = {"wish_dead": False, "thoughts": False, "behaviour": False}
THOUGHTS = {"wish_dead": True, "thoughts": True, "method": False, "intent": False,
            "plan": False, "behaviour": False}


@pytest.mark.parametrize(("answers", "level", "reasons"), [
    (NO_THOUGHTS, None, []),
    ({**NO_THOUGHTS, "wish_dead": True}, "low", ["ideation"]),
    (THOUGHTS, "low", ["ideation"]),
    ({**THOUGHTS, "wish_dead": False}, "low", ["ideation"]),
    ({**THOUGHTS, "method": True}, "medium", ["ideation", "method"]),
    ({**NO_THOUGHTS, "behaviour": True, "behaviour_recent": False}, "medium",
     ["past_behaviour"]),
    ({**THOUGHTS, "intent": True}, "high", ["ideation", "intent"]),
    ({**THOUGHTS, "plan": True}, "high", ["ideation", "plan"]),
    ({**NO_THOUGHTS, "behaviour": True, "behaviour_recent": True}, "high",
     ["recent_behaviour"]),
    ({**THOUGHTS, "method": True, "intent": True, "plan": True, "behaviour": True,
      "behaviour_recent": True}, "high", ["ideation", "method", "intent", "plan",
                                          "recent_behaviour"]),
])
def test_suicide_screen_triage(answers: dict[str, Any], level: str | None,
                               reasons: list[str]) -> None:
    template = shipped("suicide_screen")
    validate_answers(template, answers)  # each row is a complete, valid screen
    result = score(template, answers)
    assert result.level == level
    assert [r.rule_id for r in result.reasons] == reasons


def test_suicide_screen_asks_method_intent_plan_only_after_thoughts() -> None:
    template = shipped("suicide_screen")
    # Answers to the follow-up questions without thoughts are dropped and do not score.
    answers = {**NO_THOUGHTS, "method": True, "intent": True, "plan": True}
    assert validate_answers(template, answers) == NO_THOUGHTS
    assert score(template, answers).level is None
    with pytest.raises(InvalidAnswer) as raised:
        validate_answers(template, {**THOUGHTS, "intent": None})
    assert raised.value.field_id == "intent"


# -- scoring: the other templates -----------------------------------------------------------

MINOR = {"child_age": 9, "harm_kinds": ["physical"], "how_discovered": "school",
         "discovery_details": "老师发现手臂有淤青", "child_in_danger_now": False,
         "reported_to_police": True, "police_report_time": "2026-03-02"}


def test_minor_report_any_harm_is_high() -> None:
    template = shipped("minor_mandatory_report")
    for harm in ("physical", "sexual", "neglect", "psychological", "witnessing_dv", "other"):
        result = score(template, validate_answers(template, {**MINOR, "harm_kinds": [harm]}))
        assert result.level == "high"
        assert [r.rule_id for r in result.reasons] == ["harm_to_minor"]


def test_minor_report_not_yet_reported_and_danger_now_give_their_reasons() -> None:
    template = shipped("minor_mandatory_report")
    answers = {**MINOR, "reported_to_police": False, "not_reported_reason": "监护人在场",
               "child_in_danger_now": True}
    result = score(template, validate_answers(template, answers))
    assert [r.rule_id for r in result.reasons] == ["harm_to_minor", "not_reported",
                                                   "child_in_danger"]


def test_minor_report_draft_without_harm_has_no_level() -> None:
    assert score(shipped("minor_mandatory_report"), {"child_age": 9}).level is None


@pytest.mark.parametrize(("kind", "level"), [("dv_high_risk", "high"), ("suicide", "high"),
                                             ("other", None)])
def test_crisis_kind_sets_the_level(kind: str, level: str | None) -> None:
    answers = {"crisis_kind": kind, "on_site": True, "location": "派出所", "actions": "陪同报警"}
    if kind == "other":
        answers["crisis_kind_other"] = "走失"
    template = shipped("crisis_intervention")
    assert score(template, validate_answers(template, answers)).level == level


FOLLOWUP = {"method": "phone", "reached": True, "result": "情况稳定"}


@pytest.mark.parametrize(("extra", "level", "reasons"), [
    ({"safety_now": 1}, "high", ["feels_unsafe"]),
    ({"safety_now": 2}, "high", ["feels_unsafe"]),
    ({"safety_now": 3}, None, []),
    ({"safety_now": 5, "violence_since": True}, "medium", ["violence_again"]),
    ({"safety_now": 2, "violence_since": True}, "high", ["feels_unsafe", "violence_again"]),
    ({"safety_now": 4, "violence_since": "unknown"}, None, []),
])
def test_followup_scoring(extra: dict[str, Any], level: str | None,
                          reasons: list[str]) -> None:
    template = shipped("followup_visit")
    result = score(template, validate_answers(template, {**FOLLOWUP, **extra}))
    assert result.level == level
    assert [r.rule_id for r in result.reasons] == reasons


def test_followup_not_reached_hides_and_drops_the_safety_questions() -> None:
    template = shipped("followup_visit")
    answers = {**FOLLOWUP, "reached": False, "safety_now": 1}
    assert "safety_now" not in visible_field_ids(template, answers)
    assert "safety_now" not in validate_answers(template, answers)  # and not required
    assert score(template, answers).level is None


@pytest.mark.parametrize(("extra", "level", "reasons"), [
    ({"conflict_intensity": 1}, "low", ["lower_intensity"]),
    ({"conflict_intensity": 3}, "low", ["lower_intensity"]),
    ({"conflict_intensity": 4}, "medium", ["high_intensity"]),
    ({"conflict_intensity": 2, "physical_conflict": True}, "medium",
     ["lower_intensity", "physical_conflict"]),
    ({"conflict_intensity": 5, "extreme_talk": True}, "high",
     ["high_intensity", "extreme_talk"]),
])
def test_emotional_dispute_scoring(extra: dict[str, Any], level: str,
                                   reasons: list[str]) -> None:
    template = shipped("emotional_dispute_intake")
    answers = {"dispute_nature": ["divorce"], "physical_conflict": False,
               "extreme_talk": False, "incident_summary": "因离婚财产争吵", **extra}
    result = score(template, validate_answers(template, answers))
    assert result.level == level
    assert [r.rule_id for r in result.reasons] == reasons


@pytest.mark.parametrize(("template_id", "answers", "reasons"), [
    ("general_intake", {"presenting_issue": "失眠", "safety_concern": True}, ["safety_check"]),
    ("general_intake", {"presenting_issue": "失眠", "self_harm_concern": True},
     ["suicide_check"]),
    ("general_intake", {"presenting_issue": "失眠", "safety_concern": False}, []),
    ("session_note", {"data": "谈到工作压力", "risk_change": "raised"}, ["risk_raised"]),
    ("session_note", {"data": "谈到工作压力", "risk_change": "lowered"}, []),
    ("safety_plan", {"warning_signs": "睡不着", "dv_related": True, "bag_ready": True}, []),
])
def test_templates_that_only_point_to_next_steps(template_id: str, answers: dict[str, Any],
                                                 reasons: list[str]) -> None:
    template = shipped(template_id)
    result = score(template, validate_answers(template, answers))
    assert result.level is None and result.totals == {}
    assert [r.rule_id for r in result.reasons] == reasons
    assert all(r.level is None for r in result.reasons)


FREQUENCY = ["not_at_all", "several_days", "more_than_half", "nearly_every_day"]


def items_totalling(total: int, count: int) -> dict[str, str]:
    """Answers to q1..q{count} adding up to `total`, filling the first questions first."""
    answers = {}
    for i in range(1, count + 1):
        points = min(3, total)
        answers[f"q{i}"] = FREQUENCY[points]
        total -= points
    assert total == 0
    return answers


@pytest.mark.parametrize(("total", "band", "level"), [
    (0, "极轻或无抑郁症状", "low"), (4, "极轻或无抑郁症状", "low"), (5, "轻度", "low"),
    (9, "轻度", "low"), (10, "中度", "medium"), (14, "中度", "medium"),
    (15, "中重度", "medium"), (19, "中重度", "medium"), (20, "重度", "high"),
    (24, "重度", "high"),
])
def test_phq9_bands(total: int, band: str, level: str) -> None:
    template = shipped("phq9")
    result = score(template, validate_answers(template, items_totalling(total, 9)))
    assert result.totals == {"phq9_total": total}
    assert result.band_label is not None and result.band_label.zh == band
    assert (result.level, result.reasons) == (level, ())


@pytest.mark.parametrize("answer", FREQUENCY[1:])
def test_phq9_item_nine_asks_for_a_suicide_screen(answer: str) -> None:
    template = shipped("phq9")
    result = score(template, {**items_totalling(0, 9), "q9": answer})
    assert result.totals["phq9_total"] == FREQUENCY.index(answer)
    (reason,) = result.reasons
    assert reason.rule_id == "item9_positive" and reason.level is None
    assert "自杀风险筛查" in reason.text.zh and "suicide risk screen" in reason.text.en
    assert score(template, items_totalling(27, 9)).reasons == (reason,)


@pytest.mark.parametrize(("total", "band", "level"), [
    (0, "极轻或无焦虑症状", "low"), (4, "极轻或无焦虑症状", "low"), (5, "轻度", "low"),
    (9, "轻度", "low"), (10, "中度", "medium"), (14, "中度", "medium"), (15, "重度", "medium"),
    (21, "重度", "medium"),
])
def test_gad7_bands(total: int, band: str, level: str) -> None:
    template = shipped("gad7")
    result = score(template, validate_answers(template, items_totalling(total, 7)))
    assert result.totals == {"gad7_total": total}
    assert result.band_label is not None and result.band_label.zh == band
    assert result.level == level


# -- conditional display -----------------------------------------------------------------------

def test_warning_letter_date_shows_only_after_a_letter() -> None:
    template = shipped("dv_intake")
    assert "warning_letter_date" not in visible_field_ids(template, {})
    assert "police_warning_letter" not in visible_field_ids(template, {"police_called": False})
    shown = visible_field_ids(template, {"police_called": True, "police_warning_letter": True})
    assert {"police_warning_letter", "warning_letter_date"} <= shown
    # A hidden question hides the ones that depend on it, whatever they hold.
    chain = {"police_called": False, "police_warning_letter": True}
    assert "warning_letter_date" not in visible_field_ids(template, chain)


def test_hidden_answers_are_dropped() -> None:
    template = shipped("dv_intake")
    answers = dv_answers(police_called=False, police_warning_letter=True,
                         warning_letter_date="2026-03-01")
    clean = validate_answers(template, answers)
    assert "police_warning_letter" not in clean and "warning_letter_date" not in clean
    kept = validate_answers(template, dv_answers(police_called=True, police_warning_letter=True,
                                                 warning_letter_date="2026-03-01"))
    assert kept["warning_letter_date"] == "2026-03-01"


def test_hidden_required_questions_are_not_required() -> None:
    template = shipped("minor_mandatory_report")
    validate_answers(template, MINOR)  # not_reported_reason is required but hidden
    with pytest.raises(InvalidAnswer) as raised:
        validate_answers(template, {**MINOR, "reported_to_police": False})
    assert raised.value.field_id == "not_reported_reason"
    without_date = {k: v for k, v in MINOR.items() if k != "police_report_time"}
    with pytest.raises(InvalidAnswer) as raised:
        validate_answers(template, without_date)
    assert raised.value.field_id == "police_report_time"


def test_a_hidden_section_hides_its_fields() -> None:
    template = shipped("safety_plan")
    off = visible_field_ids(template, {"dv_related": False})
    on = visible_field_ids(template, {"dv_related": True})
    assert "safe_place" not in off and {"safe_place", "bag_ready", "code_word_agreed"} <= on
    assert "code_word_contact" not in on
    assert "code_word_contact" in visible_field_ids(template, {"dv_related": True,
                                                               "code_word_agreed": True})


def test_visibility_ignores_answers_that_do_not_fit() -> None:
    template = shipped("dv_intake")
    assert "police_warning_letter" not in visible_field_ids(template, {"police_called": "yes"})
    assert visible_field_ids(template, "not a mapping") == visible_field_ids(template, {})  # type: ignore[arg-type]


def test_multiple_choice_condition_matches_any_chosen_option() -> None:
    template = shipped("general_intake")
    assert "previous_help_detail" not in visible_field_ids(template, {"previous_help": []})
    assert "previous_help_detail" in visible_field_ids(template, {"previous_help": ["court"]})
    assert "referrer_detail" in visible_field_ids(template, {"referral_source": "police"})
    assert "referrer_detail" not in visible_field_ids(template, {"referral_source": "self"})


# -- malformed answers -------------------------------------------------------------------------

HOME = FIXTURES / "broken" / "good.json"


@pytest.fixture(scope="module")
def home() -> Template:
    (template,) = [t for t in load_folder(HOME.parent).templates if t.id == "home_check"]
    return template


@pytest.mark.parametrize(("field_id", "value", "en"), [
    ("weapon", "yes", "answer yes or no"),
    ("weapon", 1, "answer yes or no"),
    ("weapon", "unknown", "answer yes or no"),
    ("relation", "cousin", "choose one of the options"),
    ("relation", ["spouse"], "choose one of the options"),
    ("adults", "three", "needs a number"),
    ("adults", True, "needs a number"),
    ("adults", float("nan"), "needs a number"),
    ("adults", 11, "between 1 and 10"),
    ("adults", 0, "between 1 and 10"),
    ("adults", 2.5, "whole number"),
    ("visit_date", "2026/03/02", "year-month-day"),
    ("visit_date", "2026-02-30", "year-month-day"),
    ("visit_date", "20260302", "year-month-day"),
    ("visit_date", 20260302, "year-month-day"),
    ("visit_date", "0026-03-02", "not plausible"),
    ("notes", 42, "needs text"),
    ("notes", "很长" * 30_000, "at most 50000 characters"),
])
def test_malformed_answers_are_rejected_naming_the_field(home: Template, field_id: str,
                                                         value: Any, en: str) -> None:
    fld = home.field(field_id)
    assert fld is not None
    with pytest.raises(InvalidAnswer) as raised:
        validate_answers(home, {"visit_date": "2026-03-02", field_id: value})
    error = raised.value
    assert isinstance(error, InvalidInput) and error.code == "invalid_input"
    assert error.field_id == field_id
    assert error.zh.startswith(f"“{fld.label.zh}”：") and f"（{field_id}）" not in error.zh
    assert error.en.startswith(f'"{fld.label.en}": ') and f"({field_id})" not in error.en
    assert en in error.en


def test_error_messages_never_repeat_the_value(home: Template) -> None:
    secret = "张三 13800000000"
    for field_id in ("adults", "visit_date", "relation", "weapon"):
        with pytest.raises(InvalidAnswer) as raised:
            validate_answers(home, {"visit_date": "2026-03-02", field_id: secret})
        assert secret not in raised.value.zh and secret not in raised.value.en
    with pytest.raises(InvalidAnswer) as raised:
        validate_answers(home, {"visit_date": "2026-03-02", secret: 1})
    assert secret not in raised.value.zh and secret not in raised.value.en


def test_unknown_field_and_missing_required_are_reported_together(home: Template) -> None:
    with pytest.raises(InvalidAnswer) as raised:
        validate_answers(home, {"strangulaton": True})
    error = raised.value
    assert [(i.field_id, i.kind) for i in error.issues] == [("strangulaton", "unknown_field"),
                                                            ("visit_date", "missing")]
    assert "strangulaton" in error.zh and "家访安全检查" in error.zh and "1 处" in error.zh
    assert "(1 more to fix)" in error.en


def test_partial_answers_skip_only_the_required_check(home: Template) -> None:
    assert validate_answers(home, {"weapon": True}, partial=True) == {"weapon": True}
    with pytest.raises(InvalidAnswer):
        validate_answers(home, {"weapon": "yes"}, partial=True)


@pytest.mark.parametrize("answers", [None, [], "weapon", 3, [("weapon", True)]])
def test_answers_that_are_not_a_mapping_are_rejected(home: Template, answers: Any) -> None:
    with pytest.raises(InvalidAnswer) as raised:
        validate_answers(home, answers)
    assert raised.value.field_id is None
    with pytest.raises(InvalidAnswer):
        score(home, answers)


def test_answers_are_cleaned(home: Template) -> None:
    clean = validate_answers(home, {"visit_date": " 2026-03-02 ", "adults": "3",
                                    "notes": "  第一行\r\n第二行  ", "relation": "",
                                    "weapon": None, "threats": False})
    assert clean == {"visit_date": "2026-03-02", "adults": 3, "notes": "第一行\n第二行",
                     "threats": False}
    assert list(clean) == ["visit_date", "adults", "notes", "threats"]  # form order
    assert isinstance(clean["adults"], int)


def test_multiple_choice_is_kept_in_option_order_without_repeats() -> None:
    template = shipped("dv_intake")
    clean = validate_answers(template, dv_answers(violence_types=["sexual", "physical",
                                                                  "sexual"]))
    assert clean["violence_types"] == ["physical", "sexual"]
    with pytest.raises(InvalidAnswer) as raised:
        validate_answers(template, dv_answers(violence_types="physical"))
    assert raised.value.field_id == "violence_types"
    with pytest.raises(InvalidAnswer) as raised:
        validate_answers(template, dv_answers(violence_types=["physical", "arson"]))
    assert "not one of the options" in raised.value.en


def test_unknown_is_accepted_only_where_allowed() -> None:
    template = shipped("dv_intake")
    assert validate_answers(template, dv_answers())["wants_protection_order"] == "unknown"
    with pytest.raises(InvalidAnswer) as raised:
        validate_answers(template, dv_answers(police_called="unknown"))
    assert raised.value.field_id == "police_called"


def test_scale_answers_must_be_whole_and_in_range() -> None:
    template = shipped("followup_visit")
    for bad in (0, 6, 2.5, "很好"):
        with pytest.raises(InvalidAnswer) as raised:
            validate_answers(template, {**FOLLOWUP, "safety_now": bad})
        assert raised.value.field_id == "safety_now"
    assert validate_answers(template, {**FOLLOWUP, "safety_now": 3.0})["safety_now"] == 3


# -- broken templates --------------------------------------------------------------------------

BROKEN = [
    ("invalid_json.json", "", "invalid JSON (line 3, column 1)"),
    ("duplicate_key.json", "", '"label" appears twice'),
    ("not_an_object.json", "", "JSON object"),
    ("unknown_type.json", "sections[1].fields[3] (strangulation).type",
     'unknown field type "yesno"'),
    ("duplicate_field.json", "sections[1].fields[4] (weapon)", 'field id "weapon" is used twice'),
    ("option_without_id.json", "sections[0].fields[1] (relation).options[1]", '"id" is missing'),
    ("visible_if_missing_field.json", "sections[0].fields[2] (adults).visible_if.field",
     'names a field "children" that is not in this template'),
    ("visible_if_later_field.json", "sections[0].fields[1] (relation).visible_if.field",
     "can only depend on an earlier question"),
    ("visible_if_impossible_value.json", "sections[0].fields[2] (adults).visible_if.equals",
     "cannot occur"),
    ("band_gap.json", "scoring.totals[0] (checklist_score).bands[1]",
     "gap between bands: total 3 falls in no band"),
    ("band_overlap.json", "scoring.totals[0] (checklist_score).bands[1]",
     "overlaps the band before: total 3 falls in both"),
    ("band_short.json", "scoring.totals[0] (checklist_score).bands",
     "total 8–9 falls in no band (the highest possible total is 9)"),
    ("band_level_down.json", "scoring.totals[0] (checklist_score).bands[1].level",
     "cannot have a lower level"),
    ("rule_missing_field.json", "scoring.rules[0] (lethal).when.any_yes[1]",
     'names a field "choking"'),
    ("rule_not_yes_no.json", "scoring.rules[0] (lethal).when.any_yes[1]",
     '"relation" is not a yes/no question'),
    ("total_unscored_field.json", "scoring.totals[0] (checklist_score).fields[4]",
     'field "notes" has no scores'),
    ("bad_version.json", "version", "whole number from 1"),
    ("version_zero.json", "version", "whole number from 1"),
    ("unknown_kind.json", "kind", 'unknown kind "screening"'),
    ("label_without_english.json", "label", '"en" is missing'),
    ("misspelt_key.json", "sections[1].fields[3] (strangulation)", 'unknown key "requried"'),
    ("scale_without_max.json", "sections[0].fields[4] (calm)", 'a scale question needs "max"'),
    ("home_check_copy.json", "version", "already defined in good.json with different content"),
]


@pytest.fixture(scope="module")
def broken_result() -> Any:
    return load_folder(FIXTURES / "broken")


def test_broken_templates_do_not_stop_the_good_ones(broken_result: Any) -> None:
    assert sorted(t.id for t in broken_result.templates) == ["bom_check", "home_check"]
    (home,) = [t for t in broken_result.templates if t.id == "home_check"]
    assert home.source is not None and home.source.name == "good.json"
    reported = {p.file.name for p in broken_result.problems}
    assert reported == {name for name, _, _ in BROKEN}


@pytest.mark.parametrize(("file", "where", "en"), BROKEN)
def test_each_broken_template_is_reported_with_file_and_field(broken_result: Any, file: str,
                                                              where: str, en: str) -> None:
    problems = [p for p in broken_result.problems if p.file.name == file]
    # One cause, one problem: no knock-on reports about the same mistake.
    assert len(problems) == 1, [p.message("en") for p in problems]
    (problem,) = problems
    assert problem.where == where
    assert en in problem.en
    assert CJK.search(problem.zh)
    assert problem.message("en").startswith(f"{file} {where}".strip())
    assert problem.as_dict() == {"file": str(FIXTURES / "broken" / file), "where": where,
                                 "zh": problem.zh, "en": problem.en}


def test_a_missing_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = load_folder(tmp_path / "nowhere")
    assert result.templates == ()
    (problem,) = result.problems
    assert "does not exist" in problem.en


def test_deeply_nested_json_is_reported(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    nested: Any = {"field": "weapon", "equals": True}
    for _ in range(20):
        nested = {"all": [nested]}
    data = json.loads(HOME.read_text(encoding="utf-8"))
    data["scoring"]["rules"][0]["when"] = nested
    (tmp_path / "nested.json").write_text(json.dumps(data), encoding="utf-8")
    result = load_folder(tmp_path)
    assert result.templates == ()
    assert sorted(p.file.name for p in result.problems) == ["deep.json", "nested.json"]
    assert any("nested too deeply" in p.en for p in result.problems)


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gbk.json").write_bytes('{"id": "家访"}'.encode("gbk"))
    (problem,) = load_folder(tmp_path).problems
    assert "UTF-8" in problem.en


# -- registry and versions ------------------------------------------------------------------

def test_registry_gets_latest_and_exact_versions() -> None:
    registry = TemplateRegistry.from_folders(FIXTURES / "versions")
    assert registry.versions("demo_intake") == (1, 2)
    assert registry.get("demo_intake").version == 2
    assert registry.get("demo_intake", 1).version == 1
    assert registry.get("demo_intake", 1).source.parent.name == "archive"  # type: ignore[union-attr]
    assert [t.key for t in registry.latest()] == [("demo_intake", 2)]


def test_unknown_template_or_version_is_a_clear_bilingual_not_found() -> None:
    registry = TemplateRegistry.from_folders(FIXTURES / "versions")
    with pytest.raises(NotFound) as raised:
        registry.get("dv_intake_2030")
    assert raised.value.code == "not_found"
    assert "dv_intake_2030" in raised.value.zh and "dv_intake_2030" in raised.value.en
    with pytest.raises(NotFound) as raised:
        registry.get("demo_intake", 3)
    assert "第 3 版" in raised.value.zh and "现有版本：1、2" in raised.value.zh
    assert "version 3" in raised.value.en and "1, 2" in raised.value.en
    assert "来访登记" in raised.value.zh


def test_old_version_answers_still_render_with_their_own_labels() -> None:
    registry = TemplateRegistry.from_folders(FIXTURES / "versions")
    v1, v2 = registry.get("demo_intake", 1), registry.get("demo_intake", 2)
    stored = validate_answers(v1, {"mood": "upset", "summary": "哭着来访", "safe": False})
    # The template changed: "upset" is no longer an option, so v2 cannot take these answers.
    with pytest.raises(InvalidAnswer) as raised:
        validate_answers(v2, stored)
    assert raised.value.field_id == "mood"
    # Records keep (id, version, answers): rendering with that version still works.
    record = ("demo_intake", 1, stored)
    template = registry.get(record[0], record[1])
    assert answer_rows(template, record[2]) == [
        ("情况", "情绪", "难过"), ("情况", "情况", "哭着来访"), ("情况", "感到安全", "否")]
    assert render_text(template, record[2], "en") == (
        "Visit intake (version 1)\n\n[Situation]\nMood: Upset\nSituation: 哭着来访\n"
        "Feels safe: No\n")
    new = validate_answers(v2, {"mood": "distressed", "summary": "来访"})
    assert answer_rows(v2, new, "en")[1] == ("Situation", "What happened", "来访")


def test_registry_by_kind_and_latest_order(registry: TemplateRegistry) -> None:
    assert [t.id for t in registry.by_kind("intake")] == ["dv_intake",
                                                          "emotional_dispute_intake",
                                                          "general_intake"]
    assert [t.id for t in registry.by_kind("crisis")] == ["crisis_intervention"]
    assert [t.id for t in registry.by_kind("assessment")] == ["gad7", "phq9", "suicide_screen"]
    assert [t.kind for t in registry.latest()][:3] == ["intake"] * 3
    assert registry.latest()[-1].id == "minor_mandatory_report"
    with pytest.raises(InvalidInput):
        registry.by_kind("screening")  # type: ignore[arg-type]


def _shipped_json(template_id: str) -> dict[str, Any]:
    return json.loads((shipped_folder() / f"{template_id}.json").read_text(encoding="utf-8"))


def test_organisation_folder_adds_a_newer_version(tmp_path: Path) -> None:
    (tmp_path / "archive").mkdir()
    note = _shipped_json("session_note")
    ours = {**note, "version": 2,
            "label": {"zh": "咨询记录（本机构版）", "en": "Session note (ours)"}}
    (tmp_path / "session_note.json").write_text(json.dumps(ours, ensure_ascii=False), "utf-8")
    # An identical copy of a shipped version is harmless and ignored.
    (tmp_path / "archive" / "session_note.v1.json").write_text(json.dumps(note), "utf-8")
    registry = TemplateRegistry.default(tmp_path)
    assert registry.problems == ()
    assert registry.get("session_note").label.en == "Session note (ours)"
    assert registry.get("session_note", 1).label.en == "Session note (DAP)"
    assert check_folder(tmp_path) == []


def test_organisation_template_clashing_with_a_shipped_version_is_reported(
        tmp_path: Path) -> None:
    changed = {**_shipped_json("session_note"),
               "label": {"zh": "咨询记录（改）", "en": "Session note (changed)"}}
    (tmp_path / "my_note.json").write_text(json.dumps(changed), "utf-8")
    registry = TemplateRegistry.default(tmp_path)
    assert registry.get("session_note", 1).label.en == "Session note (DAP)"  # shipped kept
    (problem,) = registry.problems
    assert problem.file.name == "my_note.json" and "session_note.json" in problem.en
    assert "raise its version" in problem.en
    assert check_folder(tmp_path) == [problem]
    assert "Usable templates (0):" in check_report(tmp_path, "en")[0]


def test_check_report_text(tmp_path: Path) -> None:
    text, problems = check_report(FIXTURES / "broken", "en")
    assert len(problems) == len(BROKEN)
    assert "Usable templates (2):" in text
    assert "  home_check version 1 · Assessment · Home safety check" in text
    assert f"Problems ({len(BROKEN)}):" in text
    assert "  unknown_type.json sections[1].fields[3] (strangulation).type: unknown field " \
           'type "yesno"' in text
    zh, _ = check_report(lang="zh_CN")
    assert "可用的模板（12 个）：" in zh and "没有发现问题。" in zh  # dv_intake v1 archived
    assert "  dv_intake 第 2 版 · 接案登记 · 家庭暴力个案接案登记" in zh
    assert "  dv_intake 第 1 版 · 接案登记 · 家庭暴力个案接案登记" in zh
    shutil.copy(HOME, tmp_path / "home_check.json")
    assert check_report(tmp_path, "en")[1] == []


# -- rendering -----------------------------------------------------------------------------------

def test_render_text_and_rows(home: Template) -> None:
    answers = {"visit_date": "2026-03-02", "relation": "spouse", "adults": 2,
               "notes": "门口有酒瓶\n邻居说常听到争吵", "weapon": True, "threats": False}
    assert render_text(home, answers) == (
        "家访安全检查（第 1 版）\n"
        "\n【基本情况】\n家访日期：2026-03-02\n关系：配偶\n同住成年人数：2\n备注：\n"
        "  门口有酒瓶\n  邻居说常听到争吵\n"
        "\n【检查清单】\n用凶器威胁过：是\n扬言伤人：否\n")
    assert answer_rows(home, answers, "en")[:2] == [("Basics", "Visit date", "2026-03-02"),
                                                   ("Basics", "Relation", "Spouse")]


def test_render_shows_scale_ends_choices_and_unknown(registry: TemplateRegistry) -> None:
    rows = answer_rows(registry.get("followup_visit"),
                       {**FOLLOWUP, "safety_now": 2, "violence_since": "unknown"}, "en")
    assert ("Safety", "How safe the person feels now", "2 (1 = Very unsafe … 5 = Very safe)") \
        in rows
    assert ("Safety", "Violence has happened again since the last contact", "Don't know") in rows
    dv_rows = answer_rows(registry.get("dv_intake"),
                          dv_answers(violence_types=["physical", "sexual"]))
    assert ("暴力情况", "暴力的形式", "身体暴力（殴打、推搡、捆绑等）、性暴力") in dv_rows


def test_render_never_hides_what_a_damaged_record_holds(home: Template) -> None:
    damaged = {"visit_date": "2026-03-02", "adults": "twelve", "extra_note": "手写补充",
               "relation": None}
    rows = answer_rows(home, damaged)
    assert ("基本情况", "同住成年人数", "twelve") in rows
    assert ("其他（此版本模板中没有的字段）", "extra_note", "手写补充") in rows
    assert not any(r.field == "关系" for r in rows)
    assert "手写补充" in render_text(home, damaged)


# -- layering ------------------------------------------------------------------------------------

def test_templates_import_no_qt() -> None:
    code = ("import sys, xinhe.records.templates as t; t.TemplateRegistry.default(); "
            "assert not any(m.startswith('PySide6') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


def test_every_error_is_a_xinhe_error(home: Template) -> None:
    with pytest.raises(XinheError):
        validate_answers(home, {"adults": {"nested": [1, 2]}})


def test_a_condition_naming_a_field_by_a_list_is_a_problem_not_a_crash() -> None:
    """Found by the property test: `{"field": [], ...}` in a scoring rule."""
    from xinhe.records.templates import parse_template, shipped_folder

    doc = json.loads((shipped_folder() / "session_note.json").read_text(encoding="utf-8"))
    doc["scoring"]["rules"][0]["when"] = {"field": [], "equals": "raised"}
    template, problems = parse_template(doc, Path("mutated.json"))
    assert template is None
    assert [p.where for p in problems] == ["scoring.rules[0] (risk_raised).when.field"]
    assert "字段标识" in problems[0].zh
