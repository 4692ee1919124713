"""The report's single-pass statements (sessions served, cases opened a month, follow-ups,
risk levels at the month ends) give the figures a plain count over the raw rows gives, for
the whole studio and each scope, on an encrypted vault of random casework: partial months,
drafts, reopened risk levels, changes before the opening, cases closed before, inside and
after the period. A scope's statements start from its cases, the whole studio's from the
date indexes: the counsellors' figures must add up to the studio's."""

from __future__ import annotations

import os
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from xinhe.records import stats_queries as q
from xinhe.records.db import Database
from xinhe.records.migrations import MIGRATIONS
from xinhe.records.stats_period import Period, instant

SHENZHEN = timezone(timedelta(hours=8))
PERIOD = Period(date(2025, 7, 15), date(2026, 3, 10))
NOW = datetime(2026, 2, 20, 3, 0, tzinfo=UTC)
CATEGORIES = ("domestic_violence", "emotional_dispute", "marriage_family", "other")
LEVELS = ("high", "medium", "low", "none")


def ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """About 300 cases and 3,000 sessions around the period, by bulk SQL (seeded)."""
    db = Database(Path(tmp_path_factory.mktemp("passes")) / "vault.db", os.urandom(32))
    rng = random.Random(15)
    start = datetime(2025, 5, 1, tzinfo=SHENZHEN)
    span = 400 * 86400
    with db.transaction():
        for migration in MIGRATIONS:
            for statement in migration.statements():
                db.execute(statement)
        now = ts(NOW)
        for uid in range(1, 6):
            db.execute("INSERT INTO users (id, username, display_name, role, created_at)"
                       " VALUES (?, ?, ?, 'counsellor', ?)", (uid, f"u{uid}", f"U{uid}", now))
        for case in range(1, 301):
            db.execute("INSERT INTO clients (id, name, name_key, community, created_by,"
                       " created_at, updated_at) VALUES (?, 'c', 'c', ?, 1, ?, ?)",
                       (case, rng.choice(("西乡社区", "新安社区", "福永社区")), now, now))
            opened = start + timedelta(seconds=rng.randrange(span))
            closed = (opened + timedelta(days=rng.randint(0, 150))
                      if rng.random() < 0.6 else None)
            db.execute("INSERT INTO cases (id, case_no, client_id, category, source, status,"
                       " opened_at, closed_at, counsellor_id, created_by, created_at,"
                       " updated_at) VALUES (?, ?, ?, ?, 'self', ?, ?, ?, ?, 1, ?, ?)",
                       (case, f"XH-{case}", case, rng.choice(CATEGORIES),
                        "closed" if closed else "active", ts(opened),
                        ts(closed) if closed else None, rng.randint(1, 5), now, now))
            for _ in range(rng.choice((0, 1, 2))):
                due = opened + timedelta(days=rng.randint(-5, 120), seconds=rng.randrange(86400))
                status = rng.choice(("done", "done", "due", "cancelled"))
                done = due + timedelta(hours=rng.choice((-30, -1, 2, 20, 200)))
                db.execute("INSERT INTO followups (case_id, due_at, status, done_at, created_by,"
                           " created_at) VALUES (?, ?, ?, ?, 1, ?)",
                           (case, ts(due), status, ts(done) if status == "done" else None, now))
            previous = None
            moment = opened - timedelta(days=rng.choice((0, 0, 0, 3)))
            for _ in range(rng.choice((0, 1, 2, 4))):
                moment += timedelta(days=rng.randint(0, 50), seconds=rng.randrange(86400))
                level = rng.choice([x for x in LEVELS if x != previous])
                db.execute("INSERT INTO risk_history (case_id, level, previous, source,"
                           " changed_by, changed_at) VALUES (?, ?, ?, 'assessment', 1, ?)",
                           (case, level, previous, ts(moment)))
                previous = level
        for _ in range(3000):
            when = start + timedelta(seconds=rng.randrange(span))
            db.execute("INSERT INTO sessions (case_id, started_at, duration_min, modality,"
                       " persons_served, template_id, template_version, answers, author_id,"
                       " created_at, updated_at, signed_at) VALUES (?, ?, 50, 'in_person', ?,"
                       " 'session_note', 1, '{}', 1, ?, ?, ?)",
                       (rng.randint(1, 300), ts(when), rng.randint(1, 4), now, now,
                        None if rng.random() < 0.1 else now))
    return db


def in_scope(db: Database, scope: q.Scope) -> dict[int, str]:
    """Case id → category of the cases the scope counts."""
    return {row["id"]: row["category"] for row in db.all(
        "SELECT c.id, c.category, c.counsellor_id, cl.community FROM cases c"
        " JOIN clients cl ON cl.id = c.client_id")
        if scope.counsellor_id in (None, row["counsellor_id"])
        and scope.community in (None, row["community"])}


SCOPES = [q.Scope(), q.Scope(counsellor_id=2), q.Scope(community="西乡社区"),
          q.Scope(counsellor_id=3, community="新安社区")]


# The whole studio's months come from the summary kept in Shenzhen months (migration 12):
# other zones and periods that start or end inside a month are corrected from the sessions.
ZONES = [SHENZHEN, UTC, ZoneInfo("America/New_York"), timezone(timedelta(hours=5, minutes=30)),
         timezone(timedelta(hours=14)), timezone(timedelta(hours=-11))]
FULL_MONTHS = Period(date(2025, 6, 1), date(2026, 5, 31))
NEW_YEAR = Period(date(2025, 12, 29), date(2026, 1, 2))


@pytest.mark.parametrize("zone", ZONES,
                         ids=["shenzhen", "utc", "new_york", "kolkata", "+14", "-11"])
@pytest.mark.parametrize("period", [PERIOD, FULL_MONTHS], ids=["partial", "full"])
@pytest.mark.parametrize("scope", SCOPES, ids=["studio", "counsellor", "community", "both"])
def test_sessions_served_match_a_count_of_the_raw_rows(vault: Database, scope: q.Scope,
                                                       zone: tzinfo, period: Period) -> None:
    lo, hi = period.bounds(zone)
    months = [(instant(m.first, zone), instant(m.last + timedelta(days=1), zone))
              for m in period.months()]
    cases = in_scope(vault, scope)
    rows = [row for row in vault.all("SELECT case_id, started_at, persons_served, signed_at"
                                     " FROM sessions") if row["case_id"] in cases]
    year = [row for row in rows if lo <= row["started_at"] < hi]
    got = q.served(vault, months, lo, hi, scope)
    assert got.sessions == len(year) > 0
    assert got.person_times == sum(row["persons_served"] for row in year)
    assert got.unsigned == sum(row["signed_at"] is None for row in year) > 0
    assert got.month_cases == [len({row["case_id"] for row in year if a <= row["started_at"] < b})
                               for a, b in months]
    assert got.month_persons == [sum(row["persons_served"] for row in year
                                     if a <= row["started_at"] < b) for a, b in months]
    assert got.by_category == Counter(cases[case] for case in {row["case_id"] for row in year})


@pytest.mark.parametrize("zone", ZONES,
                         ids=["shenzhen", "utc", "new_york", "kolkata", "+14", "-11"])
def test_a_few_days_across_the_new_year_match_the_raw_rows(vault: Database,
                                                           zone: tzinfo) -> None:
    lo, hi = NEW_YEAR.bounds(zone)
    months = [(instant(m.first, zone), instant(m.last + timedelta(days=1), zone))
              for m in NEW_YEAR.months()]
    cases = in_scope(vault, q.Scope())
    rows = [row for row in vault.all("SELECT case_id, started_at, persons_served FROM sessions")
            if lo <= row["started_at"] < hi]
    got = q.served(vault, months, lo, hi, q.Scope())
    assert got.sessions == len(rows) > 0 and len(months) == 2
    assert got.month_cases == [len({row["case_id"] for row in rows if a <= row["started_at"] < b})
                               for a, b in months]
    assert got.month_persons == [sum(row["persons_served"] for row in rows
                                     if a <= row["started_at"] < b) for a, b in months]
    assert got.by_category == Counter(cases[case] for case in {row["case_id"] for row in rows})


@pytest.mark.parametrize("scope", SCOPES, ids=["studio", "counsellor", "community", "both"])
def test_risk_levels_match_the_changes_before_each_moment(vault: Database,
                                                          scope: q.Scope) -> None:
    lo, hi = PERIOD.bounds(SHENZHEN)
    moments = sorted({*(instant(m.last + timedelta(days=1), SHENZHEN) for m in PERIOD.months()
                        if instant(m.last + timedelta(days=1), SHENZHEN) < ts(NOW)),
                      ts(NOW)})
    cases = in_scope(vault, scope)
    spans = {row["id"]: (row["opened_at"], row["closed_at"]) for row in vault.all(
        "SELECT id, opened_at, closed_at FROM cases") if row["id"] in cases}
    changes = [row for row in vault.all("SELECT case_id, level, previous, changed_at"
                                        " FROM risk_history ORDER BY id")
               if row["case_id"] in cases]
    expected = []
    for moment in moments:
        # Open at the moment: opened before it and not closed before it.
        alive = {case for case, (opened, closed) in spans.items()
                 if opened < moment and (closed is None or closed >= moment)}
        level: Counter[str] = Counter()
        for row in changes:
            if row["case_id"] in alive and row["changed_at"] < moment:
                level[row["level"]] += 1
                level[row["previous"]] -= 1
        at = {key: level[key] for key in ("high", "medium", "low")}
        at["none"] = len(alive) - sum(at.values())
        expected.append(at)
    got = q.open_by_risk(vault, moments, scope)
    assert got == expected
    assert sum(at["high"] for at in got) > 0 and len(got) == len(moments) > 5


def test_scoped_statements_add_up_to_the_whole_studio(vault: Database) -> None:
    lo, hi = PERIOD.bounds(SHENZHEN)
    months = [(instant(m.first, SHENZHEN), instant(m.last + timedelta(days=1), SHENZHEN))
              for m in PERIOD.months()]
    midnights = [instant(PERIOD.start + timedelta(days=n), SHENZHEN)
                 for n in range(PERIOD.days + 1)]
    today = instant(NOW.astimezone(SHENZHEN).date(), SHENZHEN)
    studio = q.opened(vault, months, lo, hi, q.Scope())
    opened = [row["opened_at"] for row in vault.all("SELECT opened_at FROM cases")]
    assert studio.by_month == [sum(a <= at < b for at in opened) for a, b in months]
    counsellors = [q.Scope(counsellor_id=uid) for uid in range(1, 6)]
    assert [sum(month) for month in zip(*(q.opened(vault, months, lo, hi, scope).by_month
                                          for scope in counsellors), strict=True)] \
        == studio.by_month
    whole = q.followups(vault, lo, hi, q.Scope(), midnights, today)
    parts = [q.followups(vault, lo, hi, scope, midnights, today) for scope in counsellors]
    for figure in ("due", "on_time", "late", "overdue", "not_yet_due", "cancelled"):
        assert sum(getattr(part, figure) for part in parts) == getattr(whole, figure) > 0, \
            figure


@pytest.mark.parametrize("zone", [SHENZHEN, ZoneInfo("America/New_York")],
                         ids=["shenzhen", "new_york"])
@pytest.mark.parametrize("scope", SCOPES, ids=["studio", "counsellor", "community", "both"])
def test_followups_on_time_and_late_match_the_local_days(vault: Database, scope: q.Scope,
                                                         zone: tzinfo) -> None:
    lo, hi = PERIOD.bounds(zone)
    midnights = [instant(PERIOD.start + timedelta(days=n), zone)
                 for n in range(PERIOD.days + 1)]
    today = instant(NOW.astimezone(zone).date(), zone)
    cases = in_scope(vault, scope)
    rows = [row for row in vault.all("SELECT case_id, due_at, status, done_at FROM followups")
            if row["case_id"] in cases and lo <= row["due_at"] < hi]

    def day(text: str) -> date:
        return datetime.fromisoformat(text).astimezone(zone).date()

    done = [row for row in rows if row["status"] == "done"]
    on_time = sum(row["done_at"] < row["due_at"] or day(row["done_at"]) == day(row["due_at"])
                  for row in done)
    got = q.followups(vault, lo, hi, scope, midnights, today)
    assert (got.on_time, got.late) == (on_time, len(done) - on_time)
    assert got.cancelled == sum(row["status"] == "cancelled" for row in rows)
    assert got.overdue == sum(row["status"] == "due" and row["due_at"] < today for row in rows)
    assert got.not_yet_due == sum(row["status"] == "due" and row["due_at"] >= today
                                  for row in rows)
    if not scope.filtered:  # done a few hours after, on the due day or the next
        assert got.on_time > got.late > 0
