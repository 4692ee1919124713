"""Statistics on a studio whose every count is known (tests/stats_scenario.py): the figures,
the scope filters, who may run them, the period rules and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date
from decimal import Decimal
from pathlib import Path

import pytest
from stats_scenario import NOW, Q1, Q1_FIGURES, Q1_MONTHS, Q2, SHENZHEN, Scenario, build

from xinhe.errors import AccessDenied, InvalidInput
from xinhe.records.services import Services
from xinhe.records.stats import StatsReport, StatsService, percentage
from xinhe.records.stats_period import Period


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    made = build(tmp_path_factory.mktemp("stats") / "vault")
    yield made
    made.close()


@pytest.fixture(scope="module")
def sup(scenario: Scenario) -> Services:
    return scenario.login("sup")


def report(svc: Services, period: Period = Q1, **scope: object) -> StatsReport:
    return StatsService(svc.vault).report(period, tz=SHENZHEN, **scope)  # type: ignore[arg-type]


def test_every_q1_figure_of_the_hand_built_studio(sup: Services) -> None:
    made = report(sup).to_json()
    for section, figures in Q1_FIGURES.items():
        assert made[section] == figures, section
    assert made["referrals"]["total"] == 2
    assert made["referrals"]["by_agency"]["police"] == {"draft": 1, "signed": 0,
                                                        "delivered": 0, "acknowledged": 0}
    assert made["referrals"]["by_agency"]["court"]["signed"] == 1
    assert made["referrals"]["by_status"] == {"draft": 1, "signed": 1, "delivered": 0,
                                              "acknowledged": 0}
    months = [{k: m[k] for k in ("month", "cases_served", "person_times", "new_cases", "risk")}
              for m in made["months"]]
    assert months == Q1_MONTHS
    assert made["period"] == {"from": "2026-01-01", "to": "2026-03-31", "timezone": "UTC+08:00",
                              "future": False, "measured_at": "2026-03-31T16:00:00+00:00"}


def test_the_named_cases_count_where_the_definitions_say(sup: Services) -> None:
    made = report(sup)
    # A crisis that is both DV high risk and on site counts once in its kind, once on site.
    assert made.crises_by_kind["dv_high_risk"] == 1 and made.crises_on_site == 1
    assert made.crises_on_site_by_kind == {"dv_high_risk": 1, "suicide": 0, "other": 0}
    assert made.crises == sum(made.crises_by_kind.values())
    # A follow-up done two days after its due day is late; one done the evening of its due
    # day is on time; so is one whose Shenzhen day is its due day though UTC says otherwise.
    assert (made.followups.late, made.followups.on_time) == (1, 2)
    # B was opened in Q1 and closed on 5 April: received in Q1 but not handled in it...
    assert made.handled == 1 and made.handled_ratio == Decimal("25.00")
    # ...and in Q2 it is a closure, while Q2 received nothing (the ratio is blank, not 0).
    second = report(sup, Q2)
    assert (second.cases_closed, second.new_cases, second.handled_ratio) == (1, 0, None)


def test_days_are_local_days(sup: Services) -> None:
    """D opened at 00:30 on 1 January and C's session at 00:30 on 1 April, Shenzhen time.
    Counted in UTC days, both would move to the previous quarter."""
    local = report(sup)
    assert (local.new_cases, local.sessions) == (4, 6)
    utc = StatsService(sup.vault).report(Q1, tz=UTC)
    assert (utc.new_cases, utc.sessions) == (3, 7)
    assert utc.followups.late == 2  # D's 07:00 follow-up done at 09:00 crosses midnight UTC


def test_a_period_reaching_into_the_future_is_marked_and_counts_up_to_now(
        sup: Services) -> None:
    made = report(sup, Q2)
    assert made.future and made.measured_at == NOW.isoformat()
    assert (made.sessions, made.person_times, made.cases_served) == (1, 1, 1)
    assert (made.followups.due, made.followups.not_yet_due) == (1, 1)
    assert [m.key for m in made.months] == ["2026-04", "2026-05", "2026-06"]
    assert made.months[0].risk == {"high": 2, "medium": 1, "low": 0, "none": 0}
    assert [m.risk for m in made.months[1:]] == [None, None]  # months still to come
    assert (made.cases_open_at_end, made.high_risk_open_at_end) == (3, 2)
    assert not report(sup).future


def test_an_empty_period_gives_zeros(sup: Services) -> None:
    made = report(sup, Period(date(2019, 1, 1), date(2019, 3, 31)))
    data = made.to_json()
    assert data["served"]["cases"] == data["served"]["person_times"] == 0
    assert data["new_cases"]["total"] == data["crises"]["total"] == 0
    assert data["followups"]["due"] == data["referrals"]["total"] == 0
    assert data["closure"]["handled_ratio"] is None
    assert data["risk"] == {"cases_open_at_end": 0, "high_risk_open_at_end": 0}
    assert all(m["cases_served"] == 0 and m["risk"] == dict.fromkeys(
        ("high", "medium", "low", "none"), 0) for m in data["months"])


def test_filter_by_counsellor_and_by_community(sup: Services, scenario: Scenario) -> None:
    wang = report(sup, counsellor_id=scenario.users["wang"])
    assert wang.scope.counsellor_name == "王丽"
    assert (wang.cases_served, wang.person_times, wang.sessions) == (3, 7, 4)
    assert (wang.new_cases, wang.crises, wang.referrals, wang.po_applications) == (2, 1, 2, 1)
    assert (wang.cases_open_at_end, wang.high_risk_open_at_end) == (2, 1)
    assert (wang.followups.due, wang.followups.late, wang.cases_closed) == (2, 1, 1)
    assert wang.handled_ratio == Decimal("50.00")
    xixiang = report(sup, community="西乡社区")
    assert (xixiang.cases_served, xixiang.person_times, xixiang.new_cases) == (2, 3, 2)
    assert (xixiang.crises_by_kind["suicide"], xixiang.minor_reports,
            xixiang.minor_reports_outstanding) == (1, 1, 1)
    assert (xixiang.followups.due, xixiang.followups.overdue) == (2, 1)
    assert xixiang.handled_ratio == Decimal("0.00")
    both = report(sup, counsellor_id=scenario.users["wang"], community="西乡社区")
    assert both.cases_served == 0


def test_a_counsellor_counts_their_own_cases_only(scenario: Scenario, sup: Services) -> None:
    wang = scenario.login("wang")
    own = report(wang)
    assert own.scope.own_caseload and own.scope.counsellor_name == "王丽"
    # C is shared with 王丽 but belongs to 陈芳's caseload: it is not counted twice.
    assert own.to_json() | {"scope": None, "generated_at": None} == report(
        sup, counsellor_id=scenario.users["wang"]).to_json() | {"scope": None,
                                                                "generated_at": None}
    assert report(wang, counsellor_id=scenario.users["wang"]).cases_served == 3
    with pytest.raises(AccessDenied, match="自己负责"):
        report(wang, counsellor_id=scenario.users["chen"])


def test_staff_count_the_studio_but_not_per_counsellor(scenario: Scenario,
                                                       sup: Services) -> None:
    staff = scenario.login("staff")
    assert report(staff).to_json()["served"] == Q1_FIGURES["served"]
    assert report(staff, community="西乡社区").cases_served == 2
    with pytest.raises(AccessDenied, match="只有督导"):
        report(staff, counsellor_id=scenario.users["wang"])
    assert StatsService(staff.vault).counsellor_choices() == []
    assert ("王丽" in dict(StatsService(sup.vault).counsellor_choices()).values())


def test_admin_may_not_run_statistics(scenario: Scenario) -> None:
    admin = scenario.login("admin")
    with pytest.raises(AccessDenied) as refused:
        report(admin)
    assert "管理员" in refused.value.message("zh_CN")
    assert "Administrator" in refused.value.message("en")
    last = admin.vault.db.one("SELECT action, outcome FROM audit_event ORDER BY seq DESC")
    assert (last["action"], last["outcome"]) == ("stats.run", "refused:role")


def test_from_after_to_is_a_clear_error_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as bad:
        Period.parse("2026-04-01", "2026-03-31")
    assert bad.value.message("zh_CN") == \
        "开始日期（2026-04-01）晚于结束日期（2026-03-31），请调换或重新选择。"
    assert bad.value.message("en") == ("The start date (2026-04-01) is after the end date "
                                       "(2026-03-31); swap them or choose again.")
    for start, end in (("2026-02-30", "2026-03-31"), ("1.1.2026", "2026-03-31"), ("", "")):
        with pytest.raises(InvalidInput):
            Period.parse(start, end)
    with pytest.raises(InvalidInput, match="10"):
        Period(date(2000, 1, 1), date(2026, 1, 1))
    assert Period.parse("2026-03-31", "2026-03-31").days == 1


def test_presets() -> None:
    today = date(2026, 5, 17)
    assert Period.preset("month", today) == Period(date(2026, 5, 1), date(2026, 5, 31))
    assert Period.preset("last_month", today) == Period(date(2026, 4, 1), date(2026, 4, 30))
    assert Period.preset("quarter", today) == Period(date(2026, 4, 1), date(2026, 6, 30))
    assert Period.preset("last_quarter", today) == Q1
    assert Period.preset("ytd", today) == Period(date(2026, 1, 1), today)
    assert Period.preset("last_quarter", date(2026, 2, 1)) == Period(date(2025, 10, 1),
                                                                     date(2025, 12, 31))
    assert Period.preset("last_month", date(2026, 1, 9)).start == date(2025, 12, 1)
    with pytest.raises(InvalidInput):
        Period.preset("fortnight", today)
    months = Period(date(2025, 12, 15), date(2026, 2, 10)).months()
    assert [(m.key, m.first.day, m.last.day) for m in months] == [
        ("2025-12", 15, 31), ("2026-01", 1, 31), ("2026-02", 1, 10)]


def test_handled_ratio_is_a_percentage_with_two_decimals() -> None:
    assert percentage(753, 957) == Decimal("78.68")  # the studio's 2019 platform figure
    assert percentage(2, 3) == Decimal("66.67") and percentage(1, 8) == Decimal("12.50")
    assert percentage(1, 3) == Decimal("33.33") and percentage(5, 5) == Decimal("100.00")
    assert percentage(0, 0) is None and percentage(0, 4) == Decimal("0.00")


def test_reports_hold_no_client_names(sup: Services) -> None:
    from stats_scenario import CLIENT_NAMES

    from xinhe.records.stats_table import to_csv

    text = str(report(sup).to_json()) + to_csv(report(sup)).decode("utf-8-sig")
    assert not [name for name in CLIENT_NAMES if name in text]


def test_the_report_is_signed_by_the_studio_identity_the_referrals_use(
        scenario: Scenario) -> None:
    from xinhe.export.report import export_report_pdf
    from xinhe.export.verify import verify_pdf

    staff = scenario.login("staff")
    pdf = export_report_pdf(staff.vault, report(staff))
    result = verify_pdf(pdf)
    # Not a referral packet (it carries statistics.json), but the signer is plain to see.
    assert result.code == "no_referral_json"
    assert result.cert_fingerprint == staff.signing.current().fingerprint


def test_the_readme_glossary_defines_every_figure() -> None:
    from xinhe.records.stats_figures import FIGURES

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    glossary = readme.split("### Statistics glossary", 1)[1].split("\n## ", 1)[0]
    for fig in FIGURES:
        assert f"| `{fig.code}` | {fig.zh} | {fig.en} | {fig.definition_en} |" in glossary, \
            fig.code
