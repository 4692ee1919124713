"""The risk levels at the month ends read each case's opening and closing moments from the
narrow index of migration 13 (cases_span), in case order, and find its risk changes by
risk_history_case: on a vault of 1,000,000 sessions the wide cases rows cost the first
report a third of a second. A vault upgraded from schema 12 gets the index and the same
levels as a count over its raw rows. The period's referrals are counted from an index of
migration 13 too, not from their rows (which hold the referral PDFs)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from xinhe.records import stats_queries as q
from xinhe.records.db import Database
from xinhe.records.migrations import MIGRATIONS
from xinhe.records.stats_risk import open_by_risk

NOW = "2026-01-01T00:00:00+00:00"
MOMENTS = ["2025-09-30T16:00:00+00:00", "2025-10-31T16:00:00+00:00",
           "2025-11-30T16:00:00+00:00", "2025-12-31T16:00:00+00:00"]
# (opened, closed, [(changed, level, previous)]): closed before, inside and after the
# moments, a change before the opening, a level set back to none.
CASES = [
    ("2025-08-01T02:00:00+00:00", None, [("2025-08-01T03:00:00+00:00", "high", None)]),
    ("2025-10-05T02:00:00+00:00", "2025-11-15T00:00:00+00:00",
     [("2025-10-05T03:00:00+00:00", "medium", None),
      ("2025-10-20T03:00:00+00:00", "high", "medium")]),
    ("2025-09-01T00:00:00+00:00", None, [("2025-08-25T00:00:00+00:00", "low", None),
                                         ("2025-11-02T00:00:00+00:00", None, "low")]),
    ("2025-06-01T00:00:00+00:00", "2025-07-01T00:00:00+00:00",
     [("2025-06-02T00:00:00+00:00", "high", None)]),
    ("2025-12-01T00:00:00+00:00", None, []),
    ("2025-11-10T00:00:00+00:00", "2026-02-01T00:00:00+00:00",
     [("2025-11-11T00:00:00+00:00", "low", None), ("2025-12-02T00:00:00+00:00", "medium", "low"),
      ("2025-12-20T00:00:00+00:00", "high", "medium")]),
]


class Recorder:
    """The vault's connection, keeping every statement the report sends."""

    dialect = "sqlite"

    def __init__(self, db: Database) -> None:
        self.db = db
        self.sent: list[tuple[str, Any]] = []

    def execute(self, sql: str, params: Any = ()) -> Any:
        self.sent.append((sql, params))
        return self.db.execute(sql, params)


def plan(db: Database, scope: q.Scope) -> list[str]:
    recorder = Recorder(db)
    open_by_risk(recorder, MOMENTS, scope)
    [(sql, params)] = recorder.sent
    return [str(row[-1]) for row in db.all("EXPLAIN QUERY PLAN " + sql, params)]


def expected(db: Database) -> list[dict[str, int]]:
    """Open cases at each moment by their last risk level before it, from the raw rows."""
    spans = {r["id"]: (r["opened_at"], r["closed_at"])
             for r in db.all("SELECT id, opened_at, closed_at FROM cases")}
    changes = db.all("SELECT case_id, level, changed_at FROM risk_history ORDER BY id")
    out = []
    for moment in MOMENTS:
        alive = {case for case, (opened, closed) in spans.items()
                 if opened < moment and (closed is None or closed >= moment)}
        last = {row["case_id"]: row["level"] for row in changes
                if row["case_id"] in alive and row["changed_at"] < moment}
        levels = Counter(last.get(case) or "none" for case in alive)
        out.append({level: levels[level] for level in ("high", "medium", "low", "none")})
    return out


def fill(db: Database, migrations: int) -> None:
    with db.transaction():
        for migration in MIGRATIONS[:migrations]:
            for statement in migration.statements():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {migrations}")
        db.execute("INSERT INTO users (id, username, display_name, role, created_at)"
                   " VALUES (1, 'u', 'U', 'counsellor', ?), (2, 'v', 'V', 'counsellor', ?)",
                   (NOW, NOW))
        for case, (opened, closed, changes) in enumerate(CASES, start=1):
            db.execute("INSERT INTO clients (id, name, name_key, community, created_by,"
                       " created_at, updated_at) VALUES (?, 'c', 'c', '西乡社区', 1, ?, ?)",
                       (case, NOW, NOW))
            db.execute("INSERT INTO cases (id, case_no, client_id, category, source, status,"
                       " opened_at, closed_at, counsellor_id, created_by, created_at,"
                       " updated_at) VALUES (?, ?, ?, 'other', 'self', 'active', ?, ?, ?, 1,"
                       " ?, ?)", (case, f"XH-{case}", case, opened, closed, case % 2 + 1,
                                  NOW, NOW))
            for changed, level, previous in changes:
                db.execute("INSERT INTO risk_history (case_id, level, previous, source,"
                           " changed_by, changed_at) VALUES (?, ?, ?, 'assessment', 1, ?)",
                           (case, level, previous, changed))


@pytest.fixture
def vault(tmp_path: Path) -> Database:
    db = Database(tmp_path / "vault.db", os.urandom(32))
    fill(db, len(MIGRATIONS))
    return db


def test_the_studio_reads_the_narrow_index_and_never_the_case_rows(vault: Database) -> None:
    steps = plan(vault, q.Scope())
    assert "SCAN c USING COVERING INDEX cases_span" in steps
    assert "SEARCH h USING COVERING INDEX risk_history_case (case_id=?)" in steps
    # Neither the wide cases rows (by rowid or by a scan) nor the risk_history table.
    assert not [step for step in steps if ("c " in step or "h " in step)
                and "COVERING INDEX" not in step], steps


@pytest.mark.parametrize("scope", [q.Scope(counsellor_id=1), q.Scope(community="西乡社区")],
                         ids=["counsellor", "community"])
def test_a_scope_starts_from_its_own_cases(vault: Database, scope: q.Scope) -> None:
    steps = plan(vault, scope)
    assert "SEARCH h USING COVERING INDEX risk_history_case (case_id=?)" in steps
    assert not [step for step in steps if step.startswith("SCAN h")], steps


def test_the_levels_match_the_raw_rows_in_every_scope(vault: Database) -> None:
    assert open_by_risk(vault, MOMENTS, q.Scope()) == expected(vault) == [
        {"high": 1, "medium": 0, "low": 1, "none": 0},
        {"high": 2, "medium": 0, "low": 1, "none": 0},
        {"high": 1, "medium": 0, "low": 1, "none": 1},
        {"high": 2, "medium": 0, "low": 0, "none": 2}]
    parts = [open_by_risk(vault, MOMENTS, q.Scope(counsellor_id=uid)) for uid in (1, 2)]
    assert [{level: a[level] + b[level] for level in a} for a, b in zip(*parts, strict=True)] \
        == expected(vault)


def test_a_schema_12_vault_gets_the_index_and_the_same_levels(tmp_path: Path) -> None:
    db = Database(tmp_path / "vault.db", os.urandom(32))
    fill(db, 12)
    assert db.one("SELECT name FROM sqlite_master WHERE name = 'cases_span'") is None
    before = expected(db)
    assert db.migrate() == [m.version for m in MIGRATIONS if m.version > 12]
    assert [r["name"] for r in db.all("PRAGMA index_info(cases_span)")] == [
        "id", "opened_at", "closed_at"]
    assert [r["name"] for r in db.all("PRAGMA index_info(referrals_created)")] == [
        "created_at", "agency", "status", "case_id"]
    assert open_by_risk(db, MOMENTS, q.Scope()) == before
    # A case closed later moves at once: the index is the table's, not a copy.
    db.execute("UPDATE cases SET closed_at = '2025-10-01T00:00:00+00:00' WHERE id = 1")
    assert open_by_risk(db, MOMENTS, q.Scope()) == expected(db) != before
    db.close()


def test_the_studio_counts_referrals_from_an_index_not_their_rows(vault: Database) -> None:
    recorder = Recorder(vault)
    q.referrals(recorder, MOMENTS[0], MOMENTS[-1], q.Scope())
    [(sql, params)] = recorder.sent
    steps = [str(row[-1]) for row in vault.all("EXPLAIN QUERY PLAN " + sql, params)]
    assert steps[0] == ("SEARCH r USING COVERING INDEX referrals_created"
                        " (created_at>? AND created_at<?)"), steps
