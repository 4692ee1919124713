"""Scores over time: the series a counsellor sees in the case view (points in time order,
from every case of the client she may read, with the templates' bands), refused to those
who may not read notes; and the chart drawn from them holds exactly those points and bands."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from conftest import Clock, Studio, dv_intake_answers
from xinhe.errors import AccessDenied
from xinhe.records.score_history import score_history

PHQ_ANSWERS = ("not_at_all", "several_days", "more_than_half", "nearly_every_day")


def _phq9(total_per_item: int, q9: str = "not_at_all") -> dict[str, Any]:
    answers: dict[str, Any] = {f"q{i}": PHQ_ANSWERS[total_per_item] for i in range(1, 9)}
    answers["q9"] = q9
    return answers


def _history(studio: Studio, clock: Clock) -> tuple[int, int]:
    """Lin's first case (danger 3 factors, then 1 a month later; PHQ-9 16 then 8; a suicide
    screen) and a second case of hers, opened later, with one more danger checklist."""
    svc = studio.wang
    first = studio.new_case(svc)
    start = clock.now
    svc.notes.record_assessment(first.id, template_id="dv_intake", answers=dv_intake_answers(
        "strangulation", "weapon", "threat_to_kill"), assessed_at=start)
    svc.notes.record_assessment(first.id, template_id="phq9", answers=_phq9(2),
                                assessed_at=start + timedelta(days=1))
    svc.notes.record_assessment(first.id, template_id="suicide_screen", answers={
        "wish_dead": True, "thoughts": True, "method": True, "intent": False, "plan": False,
        "behaviour": False}, assessed_at=start + timedelta(days=2))
    svc.notes.record_assessment(first.id, template_id="dv_intake", answers=dv_intake_answers(
        "jealousy"), assessed_at=start + timedelta(days=30))
    svc.notes.record_assessment(first.id, template_id="phq9", answers=_phq9(1),
                                assessed_at=start + timedelta(days=31))
    client_id = svc.cases.header(first.id).client.id
    second = svc.cases.open(client_id=client_id, category="domestic_violence", source="self")
    svc.notes.record_assessment(second.id, template_id="dv_intake", answers=dv_intake_answers(
        "separation"), assessed_at=start + timedelta(days=60))
    return first.id, second.id


def test_the_series_hold_her_scores_in_order_with_the_templates_bands(
        studio: Studio, clock: Clock) -> None:
    first, second = _history(studio, clock)
    series = {s.key: s for s in score_history(studio.wang.vault, studio.templates, first)}
    assert list(series) == ["dv_intake:danger_score", "suicide_screen:level",
                            "phq9:phq9_total"]
    danger = series["dv_intake:danger_score"]
    template = studio.templates.get("dv_intake")
    weights = {f.id: f.score for f in template.fields}
    expected = [sum(weights[f"danger_{n}"] for n in names) for names in (
        ("strangulation", "weapon", "threat_to_kill"), ("jealousy",), ("separation",))]
    assert [p.value for p in danger.points] == expected
    assert expected[1] < expected[0]  # safer than last month: the line goes down
    case_nos = [p.case_no for p in danger.points]
    assert case_nos[0] == case_nos[1] != case_nos[2]  # both of her cases
    assert [(b.low, b.high, b.level) for b in danger.bands][:3] == [
        (0, 6, "low"), (7, 13, "medium"), (14, 19, "high")]
    assert danger.bands[3].low == 20 and danger.bands[3].high == danger.maximum
    assert danger.maximum == sum(f.max_points for f in template.fields
                                 if f.id in template.scoring.totals[0].fields)
    assert danger.bands[1].label == "危险增加"
    phq = series["phq9:phq9_total"]
    assert [p.value for p in phq.points] == [16, 8] and phq.trend() == -1
    assert phq.maximum == 27
    assert [(b.low, b.high) for b in phq.bands] == [(0, 4), (5, 9), (10, 14), (15, 19),
                                                    (20, 27)]
    screen = series["suicide_screen:level"]
    assert screen.kind == "level" and [(p.value, p.level) for p in screen.points] == [
        (2, "medium")]
    assert [(b.low, b.level) for b in screen.bands] == [(1, "low"), (2, "medium"),
                                                        (3, "high")]
    # the second case's view shows the same client's history
    assert [p.value for p in score_history(studio.wang.vault, studio.templates, second)[
        0].points] == expected


def test_only_those_who_may_read_notes_get_the_scores(studio: Studio, clock: Clock) -> None:
    first, _second = _history(studio, clock)
    for who in (studio.staff, studio.chen, studio.admin):
        with pytest.raises(AccessDenied):
            score_history(who.vault, studio.templates, first)
    assert score_history(studio.sup.vault, studio.templates, first)


def test_the_chart_draws_those_points_and_bands(qtbot: QtBot, studio: Studio,
                                                clock: Clock) -> None:
    from PySide6.QtCharts import QAreaSeries, QLineSeries, QScatterSeries, QValueAxis

    from xinhe.ui.score_chart import build_chart

    first, _second = _history(studio, clock)
    phq = next(s for s in score_history(studio.wang.vault, studio.templates, first)
               if s.key == "phq9:phq9_total")
    chart = build_chart(phq)
    areas = [s for s in chart.series() if isinstance(s, QAreaSeries)]
    assert [(a.lowerSeries().at(0).y(), a.upperSeries().at(0).y(), a.name())
            for a in areas] == [(b.low, b.high, b.label) for b in phq.bands]
    [line] = [s for s in chart.series() if type(s) is QLineSeries]
    assert [(int(p.x()), p.y()) for p in line.points()] == [
        (int(p.at.timestamp() * 1000), p.value) for p in phq.points]
    [dots] = [s for s in chart.series() if isinstance(s, QScatterSeries)]
    assert dots.count() == 2
    [y_axis] = [a for a in chart.axes() if isinstance(a, QValueAxis)]
    assert (y_axis.min(), y_axis.max()) == (0, 27)
    red = areas[-1].color()
    assert (red.red(), red.green(), red.blue()) == (0xc6, 0x28, 0x28)  # the high band


def test_the_case_view_shows_the_charts_to_her_counsellor_not_to_staff(
        qtbot: QtBot, studio: Studio, clock: Clock) -> None:
    from ui_helpers import signed_in, wait_idle

    first, _second = _history(studio, clock)
    with signed_in(qtbot, studio.folder, "wang", Studio.PASSWORDS["wang"]) as (app, main):
        view = main.open_case(first)
        qtbot.waitUntil(lambda: len(view.scores.charts) == 3, timeout=5000)
        wait_idle(qtbot, app)
        assert view.scores.isVisible()
        assert [c.title() for c in view.scores.charts] == [
            "危险因素得分", "自杀风险筛查", "抑郁症状筛查（PHQ-9）"]
    with signed_in(qtbot, studio.folder, "staff", Studio.PASSWORDS["staff"]) as (app, main):
        view = main.open_case(first)
        qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
        wait_idle(qtbot, app)
        assert not view.scores.isVisible() and view.scores.charts == []
