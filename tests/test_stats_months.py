"""The statistics' per-case, per-month summary of sessions (migration 12) stays equal to a
count of the sessions themselves, by the studio's month (Shenzhen), through everything that
writes sessions: notes drafted, moved to another day, month or case, persons changed,
discarded, signed; a case deleted with its sessions; a retention purge; and a vault upgraded
from schema 11. Each row's link to the case's previous month with sessions (migration 13)
follows too. The studio's figures are read from it, so a trigger that is missing or wrong
changes what the district is told."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import Clock, Studio
from test_retention import closed_case
from xinhe.records import retention
from xinhe.records.db import Database
from xinhe.records.migrations import MIGRATIONS

SHENZHEN = timezone(timedelta(hours=8))
Counts = dict[tuple[str, int], tuple[int, int, str | None]]


def summary(db: Database) -> Counts:
    return {(r["month"], r["case_id"]): (r["sessions"], r["persons"], r["prev"])
            for r in db.all("SELECT month, case_id, sessions, persons, prev"
                            " FROM session_months")}


def counted(db: Database) -> Counts:
    """The sessions grouped by case and Shenzhen month, counted here from the raw rows, with
    the case's previous month that has sessions."""
    sums: dict[tuple[str, int], tuple[int, int]] = {}
    for row in db.all("SELECT case_id, started_at, persons_served FROM sessions"):
        month = datetime.fromisoformat(row["started_at"]).astimezone(SHENZHEN).strftime("%Y-%m")
        sessions, persons = sums.get((month, row["case_id"]), (0, 0))
        sums[(month, row["case_id"])] = (sessions + 1, persons + row["persons_served"])
    out: Counts = {}
    for month, case in sums:
        earlier = [m for m, c in sums if c == case and m < month]
        out[(month, case)] = (*sums[(month, case)], max(earlier, default=None))
    return out


def draft(studio: Studio, case_id: int, when: datetime, persons: int = 1):  # noqa: ANN201
    return studio.wang.notes.draft_session(case_id, started_at=when, duration_min=50,
                                           modality="in_person", persons_served=persons,
                                           answers={"data": "会谈"})


def test_the_summary_follows_every_change_to_a_session(studio: Studio) -> None:
    db = studio.wang.vault.db
    one, two = studio.new_case(studio.wang), studio.new_case(studio.wang)
    # 31 January 17:00 UTC is 1 February in Shenzhen: the studio's month, not UTC's.
    edge = datetime(2026, 1, 31, 17, 0, tzinfo=UTC)
    notes = [draft(studio, one.id, edge, 2), draft(studio, one.id, edge + timedelta(days=3)),
             draft(studio, one.id, edge - timedelta(hours=10), 3),
             draft(studio, two.id, edge + timedelta(days=40), 4)]
    assert summary(db) == counted(db) == {("2026-02", one.id): (2, 3, "2026-01"),
                                          ("2026-01", one.id): (1, 3, None),
                                          ("2026-03", two.id): (1, 4, None)}
    # A draft moved to another month, with other persons served.
    moved = studio.wang.notes.update_session(
        notes[0].id, notes[0].version, started_at=edge + timedelta(days=60), duration_min=50,
        modality="in_person", persons_served=5, answers={})
    assert summary(db) == counted(db)
    assert summary(db)[("2026-04", one.id)] == (1, 5, "2026-02")
    # Moved within its month: one row, the same counts.
    studio.wang.notes.update_session(moved.id, moved.version, started_at=edge + timedelta(
        days=61), duration_min=50, modality="in_person", persons_served=5, answers={})
    assert summary(db) == counted(db)
    # Moved to another case (no screen does it; the summary must follow all the same).
    db.execute("UPDATE sessions SET case_id = ? WHERE id = ?", (two.id, notes[3].id))
    db.execute("UPDATE sessions SET case_id = ? WHERE id = ?", (two.id, notes[2].id))
    assert summary(db) == counted(db)
    assert ("2026-01", one.id) not in summary(db)
    # Discarded: the month's row goes when its last session goes.
    studio.wang.notes.delete_draft(notes[1].id)
    assert summary(db) == counted(db)
    assert ("2026-02", one.id) not in summary(db)
    # Signing changes nothing counted.
    studio.wang.notes.sign_session(notes[2].id, notes[2].version)
    assert summary(db) == counted(db)
    assert len(summary(db)) == 3


def test_each_row_links_to_the_cases_previous_month(studio: Studio) -> None:
    db = studio.wang.vault.db
    one, other = studio.new_case(studio.wang), studio.new_case(studio.wang)

    def links() -> dict[str, str | None]:
        return {month: prev for (month, case), (_, _, prev) in summary(db).items()
                if case == one.id}

    def at(month: int) -> datetime:
        return datetime(2026, month, 10, 2, 0, tzinfo=UTC)

    january = draft(studio, one.id, at(1))
    draft(studio, one.id, at(4))
    draft(studio, other.id, at(2))
    assert links() == {"2026-01": None, "2026-04": "2026-01"}
    march = draft(studio, one.id, at(3))  # a month between two: both links move
    assert links() == {"2026-01": None, "2026-03": "2026-01", "2026-04": "2026-03"}
    studio.wang.notes.delete_draft(march.id)  # and back when it goes
    assert links() == {"2026-01": None, "2026-04": "2026-01"}
    studio.wang.notes.delete_draft(january.id)
    assert links() == {"2026-04": None}
    assert summary(db) == counted(db)


def test_a_deleted_case_takes_its_months_with_it(studio: Studio) -> None:
    db = studio.wang.vault.db
    kept, gone = studio.new_case(studio.wang), studio.new_case(studio.wang)
    when = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    for case in (kept, gone, gone):
        draft(studio, case.id, when)
    draft(studio, gone.id, when + timedelta(days=31))
    assert summary(db) == counted(db) and len(summary(db)) == 3
    with db.transaction():
        for table in ("case_shares", "risk_history"):
            db.execute(f"DELETE FROM {table} WHERE case_id = ?", (gone.id,))
        db.execute("DELETE FROM cases WHERE id = ?", (gone.id,))  # sessions by cascade
    assert db.scalar("SELECT count(*) FROM sessions WHERE case_id = ?", (gone.id,)) == 0
    assert summary(db) == counted(db) == {("2026-03", kept.id): (1, 1, None)}


def test_a_purged_case_leaves_nothing_in_the_summary(studio: Studio, clock: Clock) -> None:
    db = studio.sup.vault.db
    old = closed_case(studio, clock, years_ago=11, note="old")
    recent = studio.new_case(studio.wang)
    draft(studio, recent.id, clock.now)
    assert {case for _, case in summary(db)} == {old.id, recent.id}
    result = retention.purge(studio.sup.vault, [old.case_no], Studio.PASSWORDS["sup"])
    assert result.case_nos == (old.case_no,)
    assert summary(db) == counted(db)
    assert {case for _, case in summary(db)} == {recent.id}


def test_a_schema_11_vault_gets_its_summary_filled(tmp_path: Path) -> None:
    db = Database(tmp_path / "vault.db", os.urandom(32))
    with db.transaction():
        for migration in MIGRATIONS[:11]:
            for statement in migration.statements():
                db.execute(statement)
        db.execute("PRAGMA user_version = 11")
        now = "2026-01-01T00:00:00+00:00"
        db.execute("INSERT INTO users (id, username, display_name, role, created_at)"
                   " VALUES (1, 'u', 'U', 'counsellor', ?)", (now,))
        for case in (1, 2, 3):
            db.execute("INSERT INTO clients (id, name, name_key, created_by, created_at,"
                       " updated_at) VALUES (?, 'c', 'c', 1, ?, ?)", (case, now, now))
            db.execute("INSERT INTO cases (id, case_no, client_id, category, source, status,"
                       " opened_at, counsellor_id, created_by, created_at, updated_at) VALUES"
                       " (?, ?, ?, 'other', 'self', 'active', ?, 1, 1, ?, ?)",
                       (case, f"XH-{case}", case, now, now, now))
        start = datetime(2025, 12, 31, 12, 0, tzinfo=UTC)
        for n in range(60):
            when = (start + timedelta(hours=7 * n)).isoformat(timespec="seconds")
            db.execute("INSERT INTO sessions (case_id, started_at, duration_min, modality,"
                       " persons_served, template_id, template_version, answers, author_id,"
                       " created_at, updated_at) VALUES (?, ?, 50, 'in_person', ?,"
                       " 'session_note', 1, '{}', 1, ?, ?)", (n % 3 + 1, when, n % 4 + 1, now, now))
    assert db.migrate() == [m.version for m in MIGRATIONS if m.version > 11]
    assert summary(db) == counted(db)
    assert {month for month, _ in summary(db)} == {"2025-12", "2026-01"}
    # And kept from then on.
    db.execute("DELETE FROM sessions WHERE id IN (1, 2, 3)")
    assert summary(db) == counted(db)
    db.close()


@pytest.mark.parametrize("trigger", ["session_months_insert", "session_months_update",
                                     "session_months_delete", "session_months_linked",
                                     "session_months_unlinked"])
def test_without_its_trigger_the_summary_falls_behind(studio: Studio, trigger: str) -> None:
    """The checks above can tell: with any one trigger gone the summary is wrong."""
    db = studio.wang.vault.db
    case = studio.new_case(studio.wang)
    note = draft(studio, case.id, datetime(2026, 5, 1, tzinfo=UTC))
    db.execute(f"DROP TRIGGER {trigger}")
    draft(studio, case.id, datetime(2026, 5, 2, tzinfo=UTC))
    third = draft(studio, case.id, datetime(2026, 5, 3, tzinfo=UTC))
    studio.wang.notes.update_session(note.id, note.version, started_at=datetime(
        2026, 7, 1, tzinfo=UTC), duration_min=50, modality="in_person", persons_served=2,
        answers={})
    studio.wang.notes.delete_draft(third.id)
    between = draft(studio, case.id, datetime(2026, 6, 10, tzinfo=UTC))
    studio.wang.notes.delete_draft(between.id)
    assert summary(db) != counted(db)


def test_an_exported_copy_has_the_same_summary_and_keeps_it(studio: Studio,
                                                            tmp_path: Path) -> None:
    """Backups are sqlcipher_export copies: the summary is copied, not counted again by the
    triggers as the sessions are copied, and the copy's triggers keep it after."""
    db = studio.wang.vault.db
    case = studio.new_case(studio.wang)
    for day in (1, 2, 40):
        draft(studio, case.id, datetime(2026, 5, 1, 9, tzinfo=UTC) + timedelta(days=day),
              persons=2)
    key = os.urandom(32)
    db.export_to(tmp_path / "copy.db", key)
    copy = Database(tmp_path / "copy.db", key)
    assert summary(copy) == summary(db) == counted(copy) == {
        ("2026-05", case.id): (2, 4, None), ("2026-06", case.id): (1, 2, "2026-05")}
    copy.execute("DELETE FROM sessions WHERE case_id = ?", (case.id,))
    assert summary(copy) == {}
    copy.close()
