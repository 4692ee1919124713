"""Numbered schema migrations. The version lives in `PRAGMA user_version`.

Never edit a migration that has shipped: add a new one. Old vaults kept in
tests/fixtures prove that each one still upgrades.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        # Statements are separated by a line holding only ";;" so triggers can hold ";".
        return [s.strip() for s in self.sql.split("\n;;\n") if s.strip()]


V1_FOUNDATION = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
;;
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin','supervisor','counsellor','staff')),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    last_login_at TEXT,
    removed_at    TEXT
)
;;
CREATE TABLE audit_event (
    seq          INTEGER PRIMARY KEY,
    ts           TEXT NOT NULL,
    user         TEXT NOT NULL,
    role         TEXT NOT NULL,
    workstation  TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
)
;;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
;;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
;;
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""

MIGRATIONS: list[Migration] = [
    Migration(1, "foundation: meta, users, audit chain, settings", V1_FOUNDATION),
]
