"""Account upkeep and the login lockout on the studio server, in the engine.

Changing a login role (NOLOGIN, a new password, a lockout, DROP ROLE) needs CREATEROLE,
which no Xinhe user holds. `xinhe_accounts` (NOLOGIN, CREATEROLE) owns one function,
`role_alter`, that changes only Xinhe login roles (`xinhe_u_…`, none privileged) in only
these ways, and only the owner may run it: through `account_change` (an administrator
signed in), `own_password` (a user changing their own) and `login_failed` (the gate). The
first two also keep `login_verifiers` current, so a restored server has today's passwords.
So an administrator keeps accounts without the IT person, and nobody gets a general power
over roles.

A wrong password fails in PostgreSQL's SCRAM exchange, where no hook runs. The workstation
then reports it as `xinhe_gate`, a login whose password every workstation knows (it is not
a secret: it can only run `login_failed`). That counts and audits the failure and, at the
local vault's threshold, locks the login with a password validity in the past, so the right
password fails exactly as a wrong one does until the delay is over or an administrator
unlocks it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any

import psycopg
from psycopg import sql

from xinhe.records.accounts import LOCKOUT_BASE, LOCKOUT_MAX, LOCKOUT_THRESHOLD

ACCOUNTS_ROLE = "xinhe_accounts"
GATE_ROLE = "xinhe_gate"
#: Known to every workstation by design (the gate can only report a failed login).
GATE_PASSWORD = "xinhe-gate-reports-failed-logins"  # noqa: S105 (public by design)
SCRAM_ITERATIONS = 4096

TABLE = """
CREATE TABLE xinhe.login_lockouts (
    username text PRIMARY KEY, failures integer NOT NULL DEFAULT 0, locked_until text);
"""

# Owned by xinhe_accounts after set-up (hand_over); runs nothing but these ALTER/DROP ROLEs.
ROLE_ALTER = """
CREATE FUNCTION xinhe.role_alter(p_username text, p_change text, p_verifier text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    target text := 'xinhe_u_' || p_username;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = target AND NOT r.rolsuper
                   AND NOT r.rolcreaterole AND NOT r.rolcreatedb AND NOT r.rolbypassrls
                   AND NOT r.rolreplication) THEN
        RAISE EXCEPTION 'not a Xinhe login' USING ERRCODE = 'insufficient_privilege';
    END IF;
    CASE p_change
    WHEN 'login' THEN EXECUTE format('ALTER ROLE %I LOGIN', target);
    WHEN 'nologin' THEN EXECUTE format('ALTER ROLE %I NOLOGIN', target);
    WHEN 'lock' THEN
        EXECUTE format('ALTER ROLE %I VALID UNTIL %L', target, '1970-01-01 00:00:00+00');
    WHEN 'unlock' THEN EXECUTE format('ALTER ROLE %I VALID UNTIL %L', target, 'infinity');
    WHEN 'password' THEN
        IF p_verifier IS NULL OR left(p_verifier, 14) <> 'SCRAM-SHA-256$' THEN
            RAISE EXCEPTION 'a SCRAM verifier is needed' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        EXECUTE format('ALTER ROLE %I PASSWORD %L VALID UNTIL %L', target, p_verifier,
                       'infinity');
    WHEN 'drop' THEN EXECUTE format('DROP ROLE %I', target);
    END CASE;
END $$;
"""


def _functions() -> str:
    base = int(LOCKOUT_BASE.total_seconds())
    most = int(LOCKOUT_MAX.total_seconds())
    return f"""
CREATE FUNCTION xinhe.account_change(p_username text, p_change text, p_verifier text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
BEGIN
    IF xinhe.current_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'administrators only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_change IN ('disable', 'remove') AND p_username = xinhe.current_username() THEN
        RAISE EXCEPTION 'not one''s own account' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM xinhe.users u WHERE u.username = p_username
                   AND u.removed_at IS NULL) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = 'no_data_found';
    END IF;
    CASE p_change
    WHEN 'disable' THEN
        UPDATE xinhe.users SET active = 0 WHERE username = p_username;
        PERFORM xinhe.role_alter(p_username, 'nologin', NULL);
    WHEN 'enable' THEN
        UPDATE xinhe.users SET active = 1 WHERE username = p_username;
        PERFORM xinhe.role_alter(p_username, 'login', NULL);
    WHEN 'unlock' THEN
        DELETE FROM xinhe.login_lockouts WHERE username = p_username;
        PERFORM xinhe.role_alter(p_username, 'unlock', NULL);
    WHEN 'password' THEN
        DELETE FROM xinhe.login_lockouts WHERE username = p_username;
        PERFORM xinhe.role_alter(p_username, 'password', p_verifier);
        INSERT INTO xinhe.login_verifiers (pg_role, verifier)
            VALUES ('xinhe_u_' || p_username, p_verifier)
            ON CONFLICT (pg_role) DO UPDATE SET verifier = excluded.verifier;
    WHEN 'remove' THEN
        UPDATE xinhe.users SET active = 0, removed_at = to_char(clock_timestamp()
            AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
            WHERE username = p_username;
        DELETE FROM xinhe.key_slots WHERE username = p_username;
        DELETE FROM xinhe.login_lockouts WHERE username = p_username;
        DELETE FROM xinhe.login_verifiers WHERE pg_role = 'xinhe_u_' || p_username;
        PERFORM xinhe.role_alter(p_username, 'drop', NULL);
    ELSE
        RAISE EXCEPTION 'unknown change' USING ERRCODE = 'invalid_parameter_value';
    END CASE;
END $$;
CREATE FUNCTION xinhe.own_password(p_verifier text) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
DECLARE
    me text := xinhe.current_username();
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'not a Xinhe user' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM xinhe.role_alter(me, 'password', p_verifier);
    INSERT INTO xinhe.login_verifiers (pg_role, verifier) VALUES ('xinhe_u_' || me, p_verifier)
        ON CONFLICT (pg_role) DO UPDATE SET verifier = excluded.verifier;
END $$;
CREATE FUNCTION xinhe.login_failed(p_username text) RETURNS text LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
DECLARE
    name text := left(lower(btrim(coalesce(p_username, ''))), 64);
    moment timestamptz := clock_timestamp();
    entry xinhe.login_lockouts;
    lock_end text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM xinhe.users u WHERE u.username = name
                   AND u.removed_at IS NULL) THEN
        PERFORM xinhe.audit_write('login', 'user', name, 'failed');
        RETURN 'failed';
    END IF;
    INSERT INTO xinhe.login_lockouts (username) VALUES (name) ON CONFLICT DO NOTHING;
    SELECT * INTO entry FROM xinhe.login_lockouts l WHERE l.username = name FOR UPDATE;
    IF entry.locked_until IS NOT NULL AND entry.locked_until::timestamptz > moment THEN
        PERFORM xinhe.audit_write('login', 'user', name, 'refused:locked');
        RETURN 'locked ' || entry.locked_until;
    ELSIF entry.locked_until IS NOT NULL THEN
        -- The delay is over: the password may be tried again; the failures still count.
        UPDATE xinhe.login_lockouts SET locked_until = NULL WHERE username = name;
        PERFORM xinhe.role_alter(name, 'unlock', NULL);
        RETURN 'retry';
    END IF;
    UPDATE xinhe.login_lockouts SET failures = failures + 1 WHERE username = name
        RETURNING * INTO entry;
    PERFORM xinhe.audit_write('login', 'user', name, 'failed');
    IF entry.failures < {LOCKOUT_THRESHOLD} THEN
        RETURN 'failed';
    END IF;
    lock_end := to_char((moment + least(make_interval(secs => {base}
                      * power(2, least(entry.failures - {LOCKOUT_THRESHOLD}, 16))),
                      make_interval(secs => {most}))) AT TIME ZONE 'UTC',
                     'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
    UPDATE xinhe.login_lockouts SET locked_until = lock_end WHERE username = name;
    PERFORM xinhe.role_alter(name, 'lock', NULL);
    PERFORM xinhe.audit_write('account.locked', 'user', name, 'until ' || lock_end);
    RETURN 'locked ' || lock_end;
END $$;
CREATE FUNCTION xinhe.login_succeeded() RETURNS void LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, xinhe AS $$
    DELETE FROM xinhe.login_lockouts WHERE username = xinhe.current_username() $$;
"""


def statements() -> list[str]:
    """Run as the owner with the schema, before `pg_policies.revokes()` and `grants()`."""
    return [TABLE, ROLE_ALTER, _functions()]


def grants() -> list[str]:
    """Run as the owner after `pg_policies.grants()`."""
    every = "xinhe_admin, xinhe_supervisor, xinhe_counsellor, xinhe_staff"
    return [f"GRANT USAGE ON SCHEMA xinhe TO {GATE_ROLE}",
            f"GRANT EXECUTE ON FUNCTION xinhe.login_failed(text) TO {GATE_ROLE}",
            f"GRANT EXECUTE ON FUNCTION xinhe.login_succeeded() TO {every}",
            f"GRANT EXECUTE ON FUNCTION xinhe.own_password(text) TO {every}",
            "GRANT EXECUTE ON FUNCTION xinhe.account_change(text, text, text) TO xinhe_admin",
            "GRANT SELECT ON xinhe.login_lockouts TO xinhe_admin"]


def ensure_roles(conn: psycopg.Connection[Any]) -> None:
    """The accounts role and the gate (cluster-wide, made once by the set-up role)."""
    def exists(role: str) -> bool:
        return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                            (role,)).fetchone() is not None

    if not exists(ACCOUNTS_ROLE):
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN NOINHERIT CREATEROLE").format(
            sql.Identifier(ACCOUNTS_ROLE)))
    if not exists(GATE_ROLE):
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOINHERIT PASSWORD {}").format(
            sql.Identifier(GATE_ROLE),
            sql.Literal(scram_verifier(GATE_PASSWORD))))
    conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(ACCOUNTS_ROLE)))


def hand_over(conn: psycopg.Connection[Any], dbname: str) -> None:
    """As the set-up role (a member of the owner and of xinhe_accounts), inside the set-up
    transaction: give `role_alter` to xinhe_accounts, runnable by the owner alone, and let
    the gate connect."""
    function = sql.SQL("xinhe.role_alter(text, text, text)")
    conn.execute(sql.SQL("RESET ROLE"))
    conn.execute(sql.SQL("GRANT CREATE ON SCHEMA xinhe TO {}").format(
        sql.Identifier(ACCOUNTS_ROLE)))
    conn.execute(sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(
        function, sql.Identifier(ACCOUNTS_ROLE)))
    conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA xinhe FROM {}").format(
        sql.Identifier(ACCOUNTS_ROLE)))
    conn.execute(sql.SQL("REVOKE ALL ON FUNCTION {} FROM PUBLIC").format(function))
    conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {} TO xinhe_owner").format(function))
    conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
        sql.Identifier(dbname), sql.Identifier(GATE_ROLE)))


def admit_login(conn: psycopg.Connection[Any], role: str) -> None:
    """From PostgreSQL 16 a CREATEROLE role changes only roles it administers: let
    xinhe_accounts administer a new login role (without using its rights)."""
    if conn.info.server_version >= 160000:
        conn.execute(sql.SQL("GRANT {} TO {} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE")
                     .format(sql.Identifier(role), sql.Identifier(ACCOUNTS_ROLE)))


def scram_verifier(password: str, salt: bytes | None = None) -> str:
    """What PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5803 form), computed here
    so the password itself never reaches the server or its logs. `password` is ASCII (the
    derived login passwords are), so SASLprep leaves it as it is."""
    salt = salt or os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")
    return (f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}"
            f"${b64(stored_key)}:{b64(server_key)}")
