"""Bringing a studio database up to this program's schema (`xinhe server upgrade`).

The IT person runs it with the set-up role after updating the workstations. In ONE
transaction: the per-version steps below (what cannot be re-run blindly: columns added to
existing tables, the old search_token table), then every definition a new studio gets from
`pg_setup.schema_statements()`, made idempotent (tables and indexes IF NOT EXISTS, functions
and triggers OR REPLACE, every policy dropped and made again, grants revoked and given again),
so a studio's functions, policies and grants can never drift from a fresh one. The version in
`meta` moves last, with an audit entry on the server's chain. Sign-in refuses a database whose
recorded version is not this program's (`check_version`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from xinhe.errors import XinheError
from xinhe.records.storage import pg_accounts, pg_policies, pg_schema, pg_setup
from xinhe.records.storage.pg_store import check_dsn


class ServerNeedsUpgrade(XinheError):
    """The studio database is older than this workstation's Xinhe."""

    code = "server_needs_upgrade"

    def __init__(self, recorded: str, current: str) -> None:
        super().__init__(
            f"工作室服务器的数据库是旧版本（{recorded}），本工作站的馨和需要版本 {current}。"
            "请技术人员先运行 `xinhe server upgrade` 升级服务器数据库，然后再登录。"
            "没有写入任何内容。",
            f"The studio server's database is an older version ({recorded}); this "
            f"workstation's Xinhe needs version {current}. Your IT person must run "
            "`xinhe server upgrade` to upgrade the server's database; then sign in again. "
            "Nothing was written.")


class WorkstationTooOld(XinheError):
    """The studio database was upgraded by a newer Xinhe than this workstation's."""

    code = "workstation_too_old"

    def __init__(self, recorded: str, current: str) -> None:
        super().__init__(
            f"本工作站的馨和比服务器旧（服务器数据库版本 {recorded}，本程序只认识到 {current}）："
            "请先更新本工作站的馨和。没有写入任何内容。",
            f"This workstation's Xinhe is older than the server (the server's database is "
            f"version {recorded}, this program knows up to {current}): update it first. "
            "Nothing was written.")


def _number(version: object) -> int:
    try:
        return int(str(version))
    except ValueError:
        return 0


def check_version(recorded: object) -> None:
    """Refuse a studio database whose recorded schema version is not this program's."""
    current = pg_setup.SCHEMA_VERSION
    if _number(recorded) < _number(current):
        raise ServerNeedsUpgrade(str(recorded or "?"), current)
    if _number(recorded) > _number(current):
        raise WorkstationTooOld(str(recorded), current)


# -- per-version steps: each brings the schema from `version` to `version + 1` ---------------

def _from_1(conn: psycopg.Connection[Any]) -> list[str]:
    """Version 1 (the first studio servers): columns added to its tables since, and search
    tokens moved from the search_token table (bytea rows) into search_doc.tokens."""
    columns = {"clients": ("name_sound text", "import_source text", "import_row integer",
                           "alias text", "workplace text", "child_school text",
                           "new_location text"),
               "cases": ("import_source text", "import_row integer", "import_key text"),
               "referrals": ("disclosed_fields text NOT NULL DEFAULT '[]'",),
               "search_doc": ("tokens bigint[] NOT NULL DEFAULT '{}'",)}
    for table, added in columns.items():
        for column in added:
            conn.execute(f"ALTER TABLE xinhe.{table} ADD COLUMN IF NOT EXISTS {column}")
    notes: list[str] = []
    if conn.execute("SELECT to_regclass('xinhe.search_token')").fetchone()[0]:  # type: ignore[index]
        row = conn.execute("SELECT count(*) FROM xinhe.search_doc WHERE tokens = '{}'"
                           ).fetchone()
        notes.append(f"reindex:{int(row[0]) if row else 0}")
        conn.execute("DROP TABLE xinhe.search_token")
    return notes


STEPS: dict[int, Callable[[psycopg.Connection[Any]], list[str]]] = {1: _from_1}

# -- the definitions a new studio gets, made safe to run again ---------------------------------

_REWRITES = ((re.compile(r"\bCREATE SCHEMA (?!IF)"), "CREATE SCHEMA IF NOT EXISTS "),
             (re.compile(r"\bCREATE TABLE (?!IF)"), "CREATE TABLE IF NOT EXISTS "),
             (re.compile(r"\bCREATE (UNIQUE )?INDEX (?!IF)"), r"CREATE \1INDEX IF NOT EXISTS "),
             (re.compile(r"\bADD COLUMN (?!IF)"), "ADD COLUMN IF NOT EXISTS "),
             (re.compile(r"\bCREATE FUNCTION\b"), "CREATE OR REPLACE FUNCTION"),
             (re.compile(r"\bCREATE TRIGGER\b"), "CREATE OR REPLACE TRIGGER"))


def idempotent(statement: str) -> str:
    """The same statement, harmless where what it makes is already there (policies are
    dropped beforehand, see `_clear_policies_and_grants`)."""
    for pattern, replacement in _REWRITES:
        statement = pattern.sub(replacement, statement)
    return statement


def _clear_policies_and_grants(conn: psycopg.Connection[Any]) -> None:
    """Every policy and every group's grant in the schema goes, to be made again exactly as
    a new studio's (none left over from an older definition)."""
    for table, policy in conn.execute(
            "SELECT tablename, policyname FROM pg_policies WHERE schemaname = %s",
            (pg_schema.SCHEMA,)).fetchall():
        conn.execute(sql.SQL("DROP POLICY {} ON {}").format(
            sql.Identifier(policy), sql.Identifier(pg_schema.SCHEMA, table)))
    grantees = sql.SQL(", ").join(sql.Identifier(r) for r in (
        *pg_policies.GROUPS.values(), pg_accounts.GATE_ROLE))
    for kind in ("TABLES", "FUNCTIONS"):
        conn.execute(sql.SQL("REVOKE ALL ON ALL {} IN SCHEMA xinhe FROM {}").format(
            sql.SQL(kind), grantees))


@dataclass(frozen=True)
class UpgradeResult:
    """What `upgrade_database` did: the versions, and whether search needs a reindex."""

    database: str
    old_version: str
    new_version: str
    reindex_needed: int  # search documents whose blind tokens must be made again

    @property
    def changed(self) -> bool:
        return self.old_version != self.new_version


def upgrade_database(setup_dsn: str, dbname: str) -> UpgradeResult:
    """Bring the studio database `dbname` from its recorded version to this program's, in
    one transaction, audited on the server's chain. Already current: changes nothing."""
    check_dsn(setup_dsn)
    current = pg_setup.SCHEMA_VERSION
    with psycopg.connect(make_conninfo(setup_dsn, dbname=dbname)) as conn:
        with conn.transaction():
            if conn.execute("SELECT to_regclass('xinhe.meta')").fetchone()[0] is None:  # type: ignore[index]
                raise pg_setup.StudioServerError(
                    f"数据库 {dbname} 不是馨和工作室数据库。",
                    f"The database {dbname} does not hold a Xinhe studio.")
            # Two upgrades at once: the second waits here, then finds the database current.
            row = conn.execute("SELECT value FROM xinhe.meta WHERE key = 'schema_version'"
                               " FOR UPDATE").fetchone()
            recorded = str(row[0]) if row else "1"
            if _number(recorded) > _number(current):
                raise WorkstationTooOld(recorded, current)
            if recorded == current:
                return UpgradeResult(dbname, recorded, current, 0)
            notes = _upgrade(conn, dbname, recorded)
        reindex = sum(int(n.split(":")[1]) for n in notes if n.startswith("reindex:"))
    return UpgradeResult(dbname, recorded, current, reindex)


def _upgrade(conn: psycopg.Connection[Any], dbname: str, recorded: str) -> list[str]:
    pg_setup.ensure_roles(conn)  # roles added since (xinhe_accounts, the gate)
    # role_alter belongs to xinhe_accounts (pg_accounts.hand_over): made again by the owner.
    conn.execute("DROP FUNCTION IF EXISTS xinhe.role_alter(text, text, text)")
    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(pg_policies.OWNER)))
    notes: list[str] = []
    for version in range(max(_number(recorded), 1), _number(pg_setup.SCHEMA_VERSION)):
        notes += STEPS[version](conn)
    _clear_policies_and_grants(conn)
    for statement in (*pg_setup.database_statements(dbname), *pg_setup.schema_statements()):
        conn.execute(statement if not isinstance(statement, str)
                     else idempotent(statement).encode())
    pg_accounts.hand_over(conn, dbname)  # as the set-up role again
    for (role,) in conn.execute("SELECT u.pg_role FROM xinhe.users u JOIN pg_roles r"
                                " ON r.rolname = u.pg_role").fetchall():
        pg_accounts.admit_login(conn, str(role))
    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(pg_policies.OWNER)))
    conn.execute("UPDATE xinhe.meta SET value = %s WHERE key = 'schema_version'",
                 (pg_setup.SCHEMA_VERSION,))
    conn.execute("INSERT INTO xinhe.meta (key, value) VALUES ('schema_version', %s)"
                 " ON CONFLICT (key) DO NOTHING", (pg_setup.SCHEMA_VERSION,))
    conn.execute("SELECT xinhe.audit_append('server.upgrade', 'database', %s, %s)",
                 (dbname, f"{recorded}->{pg_setup.SCHEMA_VERSION}"))
    return notes
