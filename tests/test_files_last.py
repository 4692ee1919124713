"""Files (PDFs, attachments) are the last columns of their rows (migration 14): a column
read after a file makes SQLite walk, and SQLCipher decrypt, every page of the file —
listing 600 referrals read 60 MB of their PDFs. Checked on a new vault and on a vault
brought up from schema 13 with its files byte for byte."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from xinhe.records.db import Database
from xinhe.records.migrations import MIGRATIONS

FILE_TABLES = ("referrals", "platform_reports", "attachments", "court_extracts")


def columns(db: Database, table: str) -> list[tuple[str, str, bool, Any]]:
    return [(r["name"], r["type"], bool(r["notnull"]), r["dflt_value"])
            for r in db.all(f"PRAGMA table_info({table})")]


def files_are_last(db: Database, table: str) -> bool:
    types = [kind for _, kind, _, _ in columns(db, table)]
    first_file = types.index("BLOB")
    return all(kind == "BLOB" for kind in types[first_file:])


def test_a_new_vault_keeps_its_files_at_the_end_of_their_rows(tmp_path: Path) -> None:
    db = Database(tmp_path / "vault.db", os.urandom(32))
    db.migrate()
    for table in FILE_TABLES:
        assert files_are_last(db, table), table
    db.close()


def _row_values(db: Database, table: str, blob: bytes) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, kind, notnull, default in columns(db, table):
        if name == "id":
            continue
        if kind == "BLOB":
            values[name] = blob + name.encode()
        elif name == "case_id" or name.endswith("_by"):
            values[name] = 1
        elif notnull and default is None or kind == "TEXT":
            values[name] = 7 if kind == "INTEGER" else f"{table}.{name}"
    return values


def test_a_schema_13_vault_moves_its_files_and_keeps_every_byte(tmp_path: Path) -> None:
    db = Database(tmp_path / "vault.db", os.urandom(32))
    with db.transaction():
        for migration in MIGRATIONS[:13]:
            for statement in migration.statements():
                db.execute(statement)
        db.execute("PRAGMA user_version = 13")
        now = "2026-01-01T00:00:00+00:00"
        db.execute("INSERT INTO users (id, username, display_name, role, created_at)"
                   " VALUES (1, 'u', 'U', 'counsellor', ?)", (now,))
        db.execute("INSERT INTO clients (id, name, name_key, created_by, created_at,"
                   " updated_at) VALUES (1, 'c', 'c', 1, ?, ?)", (now, now))
        db.execute("INSERT INTO cases (id, case_no, client_id, category, source, status,"
                   " opened_at, counsellor_id, created_by, created_at, updated_at) VALUES"
                   " (1, 'XH-1', 1, 'other', 'self', 'active', ?, 1, 1, ?, ?)",
                   (now, now, now))
        for table in ("referrals", "platform_reports", "attachments"):
            assert not files_are_last(db, table)  # as they were before migration 14
    before: dict[str, dict[str, Any]] = {}
    for table in FILE_TABLES:
        values = _row_values(db, table, os.urandom(70_000))
        with db.transaction():
            db.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES"
                       f" ({', '.join('?' * len(values))})", list(values.values()))
        before[table] = dict(db.one(f"SELECT * FROM {table}"))
    assert db.migrate() == [m.version for m in MIGRATIONS if m.version > 13]
    for table in FILE_TABLES:
        assert files_are_last(db, table), table
        assert dict(db.one(f"SELECT * FROM {table}")) == before[table], table
    assert db.all("PRAGMA foreign_key_check") == []
    db.close()
