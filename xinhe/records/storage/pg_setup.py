"""Set up a studio server database and its users (`xinhe server init --dsn DSN`).

Run with the set-up role the studio's IT person created (LOGIN CREATEDB CREATEROLE, not a
superuser). It creates the owner role `xinhe_owner` (NOLOGIN, owns every object), one
NOLOGIN group role per Xinhe role, and one login role `xinhe_u_<username>` per user, member
of exactly one group. Every identifier goes through psycopg.sql, never string formatting.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from xinhe.crypto.keyslots import validate_username
from xinhe.errors import XinheError
from xinhe.records.audit import iso, utcnow
from xinhe.records.storage import (
    live,
    pg_accounts,
    pg_packets,
    pg_policies,
    pg_retention,
    pg_schema,
    pg_signing,
    pg_stats,
)

SCHEMA_VERSION = "2"  # 2: the schema of 7 Dec 2026 (pg_upgrade.py brings 1 to it)
LOGIN_PREFIX = "xinhe_u_"


class StudioServerError(XinheError):
    code = "studio_server"


def login_role(username: str) -> str:
    """The PostgreSQL login role of a Xinhe user."""
    return LOGIN_PREFIX + validate_username(username)


def _role_exists(conn: psycopg.Connection[Any], role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() \
        is not None


def _ensure_roles(conn: psycopg.Connection[Any]) -> None:
    for role in (pg_policies.OWNER, *pg_policies.GROUPS.values()):
        if not _role_exists(conn, role):
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN NOINHERIT").format(
                sql.Identifier(role)))
    # The set-up role acts as the owner to build the schema (and later to migrate it).
    conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(
        sql.Identifier(pg_policies.OWNER)))
    pg_accounts.ensure_roles(conn)


def ensure_roles(conn: psycopg.Connection[Any]) -> None:
    """The owner and group roles, made if missing; the set-up role a member of the owner."""
    _ensure_roles(conn)


def database_statements(dbname: str) -> list[sql.SQL | sql.Composed]:
    """Who may connect to the studio database `dbname`, run as the owner inside it."""
    return [sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(dbname)),
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(dbname),
                sql.SQL(", ").join(sql.Identifier(g) for g in pg_policies.GROUPS.values())),
            sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC")]


def schema_statements() -> list[str]:
    """Everything run as the owner inside the new database, in order."""
    return [f"CREATE SCHEMA {pg_schema.SCHEMA} AUTHORIZATION {pg_policies.OWNER}",
            pg_schema.TABLES, pg_policies.HELPERS, pg_schema.LOCKS, pg_schema.AUDIT,
            pg_schema.IMPORTED_AUDIT,
            pg_schema.audit_triggers(), pg_policies.CROSS_CASE,
            *pg_policies.row_security(), *pg_accounts.statements(),
            *pg_policies.revokes(), *pg_policies.grants(), *pg_accounts.grants(),
            *live.statements(),
            *pg_stats.statements(), *pg_packets.statements(), *pg_retention.statements(),
            *pg_signing.statements()]


def require_free_login(setup_dsn: str, username: str) -> None:
    """Refuse a login name another studio on this server already uses (login roles are
    server-wide), before anything is created, so a refused set-up leaves nothing behind."""
    with psycopg.connect(setup_dsn, autocommit=True) as conn:
        if _role_exists(conn, login_role(username)):
            raise StudioServerError(
                f"登录名 {username} 已被这台服务器上的另一个工作室使用（登录名在整台服务器上"
                "唯一），请换一个登录名。",
                f"The login name {username} is already used by another studio on this server "
                "(login names are server-wide); choose another.")


def init_database(setup_dsn: str, dbname: str) -> None:
    """Create the studio database `dbname` (owned by xinhe_owner), the roles if missing, the
    schema, grants and policies. Refuses a database that already holds a studio."""
    with psycopg.connect(setup_dsn, autocommit=True) as conn:
        _ensure_roles(conn)
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              (dbname,)).fetchone() is not None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' "
                                 "TEMPLATE template0").format(
                sql.Identifier(dbname), sql.Identifier(pg_policies.OWNER)))
    target = psycopg.conninfo.make_conninfo(setup_dsn, dbname=dbname)
    with psycopg.connect(target) as conn:
        if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                        (pg_schema.SCHEMA,)).fetchone() is not None:
            raise StudioServerError(
                f"数据库 {dbname} 已经是一个馨和工作室数据库，不能再次初始化。",
                f"The database {dbname} already holds a Xinhe studio; it cannot be set up "
                "again.")
        with conn.transaction():
            conn.execute(sql.SQL("SET LOCAL ROLE {}").format(
                sql.Identifier(pg_policies.OWNER)))
            conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(
                sql.Identifier(dbname)))
            conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(dbname),
                sql.SQL(", ").join(sql.Identifier(g) for g in pg_policies.GROUPS.values())))
            conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            for statement in schema_statements():
                conn.execute(statement.encode())
            conn.execute("INSERT INTO xinhe.meta (key, value) VALUES ('schema_version', %s),"
                         " ('home', 'studio-server')", (SCHEMA_VERSION,))
            conn.execute("SELECT xinhe.audit_append('server.init', 'database', %s, 'ok')",
                         (dbname,))
            pg_accounts.hand_over(conn, dbname)


def add_user(conn: psycopg.Connection[Any], username: str, xinhe_role: str,
             pg_password: str, display_name: str | None = None) -> int:
    """Create the login role `xinhe_u_<username>` (SCRAM verifier computed here, so the
    password never reaches the server's logs), put it in its role's group, and insert the
    users row. `conn` is the set-up role's, connected to the studio database. Returns the
    user's id."""
    group = pg_policies.GROUPS.get(xinhe_role)
    if group is None:
        raise StudioServerError(f"未知的角色：{xinhe_role}", f"Unknown role: {xinhe_role}")
    role = login_role(username)
    if _role_exists(conn, role):
        raise StudioServerError(f"登录名 {username} 已被使用。",
                                f"The login name {username} is already taken.")
    verifier = conn.pgconn.encrypt_password(pg_password.encode(), role.encode(),
                                            b"scram-sha-256").decode("ascii")
    with conn.transaction():
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE"
                             " NOREPLICATION NOBYPASSRLS PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(verifier)))
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group),
                                                      sql.Identifier(role)))
        pg_accounts.admit_login(conn, role)
        row = conn.execute(
            "INSERT INTO xinhe.users (username, display_name, role, active, created_at,"
            " pg_role) VALUES (%s, %s, %s, 1, %s, %s) RETURNING id",
            (username, display_name or username, xinhe_role, iso(utcnow()), role)).fetchone()
        conn.execute("INSERT INTO xinhe.login_verifiers (pg_role, verifier) VALUES (%s, %s)",
                     (role, verifier))
    assert row is not None
    return int(row[0])


def disable_user(conn: psycopg.Connection[Any], username: str) -> None:
    """The user can no longer sign in (NOLOGIN) and, should a session still be open, no
    longer counts as a Xinhe user there (`current_user_id()` needs an active row)."""
    role = login_role(username)
    with conn.transaction():
        conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(role)))
        conn.execute("UPDATE xinhe.users SET active = 0 WHERE pg_role = %s", (role,))


def remove_user(conn: psycopg.Connection[Any], username: str) -> None:
    """Drop the login role and the user's key slot; the users row stays (marked removed)
    because the records they wrote still name them."""
    role = login_role(username)
    with conn.transaction():
        conn.execute("UPDATE xinhe.users SET active = 0, removed_at = %s WHERE pg_role = %s",
                     (iso(utcnow()), role))
        conn.execute("DELETE FROM xinhe.key_slots WHERE username = %s", (username,))
        conn.execute("DELETE FROM xinhe.login_verifiers WHERE pg_role = %s", (role,))
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
