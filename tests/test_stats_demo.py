"""The demo vault's reports: internally consistent, and equal to a plain recount in Python
from the raw rows (the report's SQL is written for speed; this recount is written to be
obviously right)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from stats_scenario import SHENZHEN

from conftest import InMemoryKeyring
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import vocab
from xinhe.records.accounts import AccountService
from xinhe.records.demo import DemoSummary, create_demo_vault
from xinhe.records.stats import ReportScope, StatsService, compute_report
from xinhe.records.stats_period import Period, instant
from xinhe.records.vault import Vault, VaultFolder

TODAY = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
NOW = TODAY + timedelta(days=3)
PERIODS = [Period(date(2025, 11, 1), date(2026, 10, 31)),  # a year
           Period(date(2026, 4, 1), date(2026, 6, 30)),  # a quarter
           Period(date(2026, 8, 1), date(2026, 8, 31)),  # a month
           Period(date(2026, 10, 1), date(2026, 12, 31))]  # reaching into the future


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Vault, DemoSummary]]:
    path = tmp_path_factory.mktemp("demo") / "vault"
    binding = DeviceBinding(InMemoryKeyring())
    summary = create_demo_vault(VaultFolder(path, binding, kdf=KdfParams.cheap_for_tests()),
                                cases=90, seed=11, today=TODAY)
    folder = VaultFolder(path, binding, kdf=KdfParams.cheap_for_tests(), clock=lambda: NOW)
    vault = folder.unlock("zhoujing", "xinhe-zhoujing")
    yield vault, summary
    vault.close()


def local_day(stamp: str | None) -> date | None:
    return None if stamp is None else datetime.fromisoformat(stamp).astimezone(SHENZHEN).date()


def recount(vault: Vault, period: Period, counsellor: int | None = None,
            community: str | None = None) -> dict[str, Any]:
    """Every figure, straight from the rows, one Python loop per table."""
    db = vault.db
    cases = {r["id"]: r for r in db.all(
        "SELECT c.*, cl.community FROM cases c JOIN clients cl ON cl.id = c.client_id")}
    keep = {i for i, c in cases.items() if (counsellor is None or c["counsellor_id"] ==
                                             counsellor) and (community is None or
                                                              c["community"] == community)}

    def inside(stamp: str | None) -> bool:
        day = local_day(stamp)
        return day is not None and period.start <= day <= period.end

    hi = instant(period.end + timedelta(days=1), SHENZHEN)
    now = NOW.isoformat()
    sessions = [s for s in db.all("SELECT * FROM sessions") if s["case_id"] in keep and
                inside(s["started_at"])]
    served = {s["case_id"] for s in sessions}
    opened = [c for i, c in cases.items() if i in keep and inside(c["opened_at"])]
    handled = [c for c in opened if c["closed_at"] and c["closed_at"] < hi]
    crises = [k for k in db.all("SELECT * FROM crisis_interventions") if k["case_id"] in keep
              and inside(k["occurred_at"])]
    follow = Counter()
    today = NOW.astimezone(SHENZHEN).date()
    for f in db.all("SELECT * FROM followups"):
        if f["case_id"] not in keep or not inside(f["due_at"]):
            continue
        if f["status"] == "cancelled":
            follow["cancelled"] += 1
        elif f["status"] == "done":
            follow["on_time" if local_day(f["done_at"]) <= local_day(f["due_at"])
                   else "late"] += 1
        else:
            follow["overdue" if today > local_day(f["due_at"]) else "not_yet_due"] += 1
    history = db.all("SELECT * FROM risk_history ORDER BY id")

    def levels_at(moment: str) -> dict[str, int]:
        out = dict.fromkeys(("high", "medium", "low", "none"), 0)
        for i in keep:
            c = cases[i]
            if not (c["opened_at"] < moment and (c["closed_at"] is None or
                                                 c["closed_at"] >= moment)):
                continue
            level = None
            for h in history:
                if h["case_id"] == i and h["changed_at"] < moment:
                    level = h["level"]
            out[level or "none"] += 1
        return out

    months = []
    for month in period.months():
        start = instant(month.first, SHENZHEN)
        end = min(instant(month.last + timedelta(days=1), SHENZHEN), now)
        in_month = [s for s in sessions if local_day(s["started_at"]).strftime("%Y-%m")
                    == month.key]
        months.append({"month": month.key, "cases_served": len({s["case_id"] for s in
                                                                in_month}),
                       "person_times": sum(s["persons_served"] for s in in_month),
                       "new_cases": sum(local_day(c["opened_at"]).strftime("%Y-%m") ==
                                        month.key for c in opened),
                       "risk": levels_at(end) if start <= now else None})
    at_end = levels_at(min(hi, now))
    return {
        "served": {"cases": len(served), "person_times": sum(s["persons_served"]
                                                              for s in sessions),
                   "sessions": len(sessions),
                   "sessions_unsigned": sum(s["signed_at"] is None for s in sessions)},
        "served_by_category": Counter(cases[i]["category"] for i in served),
        "new_by_category": Counter(c["category"] for c in opened),
        "new_by_source": Counter(c["source"] for c in opened),
        "handled": len(handled),
        "platform_handled": sum(c["source"] == "platform" for c in handled),
        "crises_by_kind": Counter(k["kind"] for k in crises),
        "on_site_by_kind": Counter(k["kind"] for k in crises if k["on_site"]),
        "crisis_cases": len({k["case_id"] for k in crises}),
        "closed": sum(1 for i in keep if inside(cases[i]["closed_at"])),
        "followups": follow,
        "referrals": Counter((r["agency"], r["status"]) for r in db.all(
            "SELECT * FROM referrals") if r["case_id"] in keep and inside(r["created_at"])),
        "at_end": at_end,
        "months": months,
    }


def nonzero(counts: dict[str, int]) -> Counter[str]:
    return Counter({k: v for k, v in counts.items() if v})


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label())
def test_the_report_equals_a_recount_from_the_rows(demo: tuple[Vault, DemoSummary],
                                                   period: Period) -> None:
    vault, _ = demo
    made = compute_report(vault.db, period, scope=ReportScope(), now=NOW, tz=SHENZHEN,
                          studio="demo")
    want = recount(vault, period)
    data = made.to_json()
    assert {k: v for k, v in data["served"].items() if k != "by_category"} == want["served"]
    assert nonzero(made.served_by_category) == want["served_by_category"]
    assert nonzero(made.new_by_category) == want["new_by_category"]
    assert nonzero(made.new_by_source) == want["new_by_source"]
    assert (made.handled, made.platform_handled) == (want["handled"], want["platform_handled"])
    assert nonzero(made.crises_by_kind) == want["crises_by_kind"]
    assert nonzero(made.crises_on_site_by_kind) == want["on_site_by_kind"]
    assert made.crisis_cases == want["crisis_cases"]
    assert made.cases_closed == want["closed"]
    assert nonzero(data["followups"] | {"due": 0}) == want["followups"]
    assert Counter({(a, s): n for a, statuses in made.referrals_by_agency.items()
                    for s, n in statuses.items() if n}) == want["referrals"]
    assert data["risk"] == {"cases_open_at_end": sum(want["at_end"].values()),
                            "high_risk_open_at_end": want["at_end"]["high"]}
    assert [{k: m[k] for k in ("month", "cases_served", "person_times", "new_cases", "risk")}
            for m in data["months"]] == want["months"]


def test_a_counsellors_and_a_communitys_report_equal_a_recount(
        demo: tuple[Vault, DemoSummary]) -> None:
    vault, _ = demo
    wang = AccountService(vault).user("wangli").id
    community = vault.db.scalar("SELECT community FROM clients GROUP BY community"
                                " ORDER BY count(*) DESC LIMIT 1")
    for counsellor, place in ((wang, None), (None, community), (wang, community)):
        made = compute_report(vault.db, PERIODS[0], scope=ReportScope(counsellor, None, place),
                              now=NOW, tz=SHENZHEN, studio="demo")
        want = recount(vault, PERIODS[0], counsellor, place)
        assert made.to_json()["served"]["cases"] == want["served"]["cases"]
        assert made.person_times == want["served"]["person_times"]
        assert nonzero(made.new_by_category) == want["new_by_category"]
        assert made.high_risk_open_at_end == want["at_end"]["high"]
        assert [m.risk for m in made.months] == [m["risk"] for m in want["months"]]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label())
def test_the_report_is_internally_consistent(demo: tuple[Vault, DemoSummary],
                                             period: Period) -> None:
    vault, _ = demo
    r = compute_report(vault.db, period, scope=ReportScope(), now=NOW, tz=SHENZHEN,
                       studio="demo")
    assert r.crises == sum(r.crises_by_kind.values())
    assert r.crises_on_site == sum(r.crises_on_site_by_kind.values()) <= r.crises
    assert all(r.crises_on_site_by_kind[k] <= r.crises_by_kind[k] for k in vocab.CRISIS_KINDS)
    assert r.crisis_cases <= r.crises
    assert r.cases_served == sum(r.served_by_category.values())
    assert r.new_cases == sum(r.new_by_category.values()) == sum(r.new_by_source.values())
    assert r.platform_received == r.new_by_source["platform"] == \
        sum(r.platform_by_category.values())
    assert r.handled <= r.new_cases and r.platform_handled <= r.platform_received
    f = r.followups
    assert f.due == f.on_time + f.late + f.overdue + f.not_yet_due
    assert r.referrals == sum(r.referrals_by_status.values())
    assert r.sessions_unsigned <= r.sessions and r.person_times >= r.sessions
    assert sum(m.person_times for m in r.months) == r.person_times
    assert sum(m.new_cases for m in r.months) == r.new_cases
    assert all(m.cases_served <= r.cases_served for m in r.months)
    assert r.cases_served <= sum(m.cases_served for m in r.months)
    begun = [m for m in r.months if m.begun]
    assert sum(begun[-1].risk.values()) == r.cases_open_at_end  # type: ignore[union-attr]
    assert begun[-1].risk["high"] == r.high_risk_open_at_end  # type: ignore[index]
    assert r.high_risk_open_at_end <= r.cases_open_at_end
    if r.new_cases:
        assert abs(float(r.handled_ratio) - 100 * r.handled / r.new_cases) < 0.005  # type: ignore[arg-type]


def test_the_whole_demo_year_matches_what_the_generator_made(
        demo: tuple[Vault, DemoSummary], tmp_path: Path) -> None:
    """Over all of the demo's dates, the report counts what the generator counted."""
    vault, summary = demo
    everything = Period(date(2025, 11, 1), date(2026, 11, 30))
    r = StatsService(vault).report(everything, tz=SHENZHEN)
    assert (r.sessions, r.person_times, r.new_cases) == (summary.sessions,
                                                         summary.person_times, summary.cases)
    assert r.sessions_unsigned == summary.draft_sessions
    assert nonzero(r.new_by_category) == summary.categories
    assert nonzero(r.new_by_source) == summary.sources
    assert (r.crises, r.crises_on_site) == (summary.crises, summary.crises_on_site)
    assert nonzero(r.crises_by_kind) == summary.crisis_kinds
    assert r.referrals == summary.referrals and r.cases_closed == summary.closed
    assert r.followups.on_time + r.followups.late == summary.followups_done
    assert r.months[-1].risk is not None  # the current month has begun
