"""Restoring a studio server from a backup file with the recovery key (`xinhe server
restore`), on the same server or a new one.

The file is checked completely before the server is touched: structure and checksum, the
recovery key, every frame decrypted, rows counted, the audit chain walked. Then, in one
transaction as the owner, the schema is built by this version's code, the rows are loaded
with the tables' triggers off (the chain is copied as it was, not written anew), the
identity counters are moved past the loaded ids, and the counts and audit head are checked
again; only then is it committed. A restore that fails leaves the database as it was.

The database keeps its name: the studio id is the database name, and it is bound into
every key slot and every login role's derived password. The login roles (cluster-wide,
outside the database) are made again with the SCRAM verifiers kept in the backup, so every
user signs in with the same password as before; a role that is still there is set back to
the backup's verifier and group. As at set-up, `role_alter` is handed to xinhe_accounts and
the gate may connect, so account upkeep and the counting of failed logins go on.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from xinhe.crypto import keyslots as ks
from xinhe.crypto import recovery
from xinhe.errors import InvalidInput, XinheError
from xinhe.records import backup_file as bf
from xinhe.records.storage import pg_accounts, pg_policies, pg_schema, pg_setup
from xinhe.records.storage import server_backup as sb


class StudioNotEmpty(XinheError):
    """The target database already holds a studio; a restore would replace it."""

    code = "studio_not_empty"

    def __init__(self, dbname: str, org: str, cases: int, users: int, audit_seq: int) -> None:
        super().__init__(
            f"数据库 {dbname} 已有一个馨和工作室（{org}：{cases} 个个案，{users} 个用户，"
            f"审计记录 {audit_seq} 条），不会覆盖。如确需用备份替换它的全部内容，请加 --replace。",
            f"The database {dbname} already holds a Xinhe studio ({org}: {cases} cases, "
            f"{users} users, {audit_seq} audit entries); it will not be overwritten. To "
            "replace all of it with the backup, add --replace.")


class NotServerBackup(bf.BackupRefused):
    code = "not_server_backup"

    def __init__(self) -> None:
        super().__init__("这是本机数据库的备份，不是工作室服务器的备份。"
                         "请用 xinhe restore 恢复它。",
                         "This is a backup of a local vault, not of a studio server. "
                         "Restore it with `xinhe restore`.")


@dataclass(frozen=True)
class OpenedServerBackup:
    info: bf.BackupInfo
    key: bytes  # the frames' key
    snapshot: sb.ServerSnapshot
    chain_ok: bool


def open_server_backup(path: Path, recovery_key: str) -> OpenedServerBackup:
    """Check a server backup completely with the recovery key, touching no server. Raises
    the BackupRefused kinds, or BadRecoveryKey (a typo, or another studio's key)."""
    info = bf.read_backup(path, sb.latest_schema())
    if info.header.get("home") != sb.HOME:
        raise NotServerBackup()
    try:
        slot = ks.RecoverySlot.from_json(info.header["recovery"])
    except (ValueError, KeyError, TypeError):
        raise bf.BackupDamaged("恢复密钥槽格式不对", "its recovery slot is malformed") from None
    private = ks.open_recovery(info.vault_id, slot, recovery.secret_bytes(recovery_key))
    try:
        file_key = ks.unseal(info.vault_id, "recovery", private, slot.db_key)
    except Exception:  # noqa: BLE001 (InvalidTag or a malformed seal: the same to the user)
        raise bf.BackupDamaged("恢复密钥槽已损坏", "its recovery slot is damaged") from None
    inner = bf.open_inner(info.header, file_key)
    try:
        snap = sb.ServerSnapshot.from_json(inner["snapshot"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise bf.BackupDamaged("加密部分的内容不对", "its encrypted part is wrong") from None
    if snap.studio_id != info.vault_id:
        raise bf.BackupDamaged("加密部分的内容不对", "its encrypted part is wrong")
    key = sb.frame_key(file_key, info.vault_id)
    checked = sb.check_body(info, key, snap)
    return OpenedServerBackup(info, key, snap, checked.chain_ok)


@dataclass(frozen=True)
class ServerRestoreResult:
    dbname: str
    created_at: str  # when the backup was made
    org_name: str
    counts: dict[str, int]
    replaced: bool
    can_sign_in: tuple[str, ...]  # usernames whose login works with their old password
    need_new_password: tuple[str, ...]  # users with no verifier kept (cannot sign in yet)
    chain_ok: bool


def restore_server_backup(setup_dsn: str, path: Path, recovery_key: str, *,
                          dbname: str | None = None,
                          replace: bool = False) -> ServerRestoreResult:
    """Restore the studio in backup `path` into database `dbname` (default and only choice:
    the studio's own name) on the server the set-up role `setup_dsn` reaches. An absent
    database is created; one that holds a studio is replaced only with `replace`."""
    opened = open_server_backup(path, recovery_key)
    studio = opened.info.vault_id
    if dbname and dbname != studio:
        raise InvalidInput(
            f"这个备份属于工作室 {studio}，只能恢复到同名的数据库"
            "（密码和密钥槽都与这个名字绑定）。",
            f"This backup belongs to the studio {studio} and can only be restored into a "
            "database of that name (passwords and key slots are bound to it).")
    with sb.connect(setup_dsn) as conn:
        pg_setup.ensure_roles(conn)
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                        (studio,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE "
                                 "template0").format(sql.Identifier(studio),
                                                     sql.Identifier(pg_policies.OWNER)))
    with sb.connect(setup_dsn, studio) as conn:
        replaced = sb.has_studio(conn)
        if replaced:
            _refuse_unless(conn, studio, replace)
        try:
            with conn.transaction():
                can, need = _load(conn, opened, replaced)
        except psycopg.Error as exc:
            what = exc.sqlstate or type(exc).__name__
            raise pg_setup.StudioServerError(
                f"恢复没有完成（服务器错误 {what}），数据库保持原样。",
                f"The restore did not finish (server error {what}); the database was left "
                "as it was.") from None
    snap = opened.snapshot
    return ServerRestoreResult(studio, opened.info.created_at, snap.org_name, snap.counts,
                               replaced, can, need, opened.chain_ok)


def _refuse_unless(conn: psycopg.Connection[Any], dbname: str, replace: bool) -> None:
    with conn.transaction():
        sb.as_owner(conn)
        org = conn.execute("SELECT value FROM xinhe.meta WHERE key = 'org_name'").fetchone()
        cases = conn.execute("SELECT count(*) FROM xinhe.cases").fetchone()
        users = conn.execute("SELECT count(*) FROM xinhe.users").fetchone()
        seq = conn.execute("SELECT coalesce(max(seq), 0) FROM xinhe.audit_event").fetchone()
    if not replace:
        raise StudioNotEmpty(dbname, str(org[0]) if org else "", int(cases[0]) if cases else 0,
                             int(users[0]) if users else 0, int(seq[0]) if seq else 0)


def _load(conn: psycopg.Connection[Any], opened: OpenedServerBackup,
          replaced: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    snap, studio = opened.snapshot, opened.info.vault_id
    sb.as_owner(conn)
    if replaced:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(pg_schema.SCHEMA)))
    for grant in pg_setup.database_statements(studio):
        conn.execute(grant)
    for statement in pg_setup.schema_statements():
        conn.execute(statement.encode())
    if sb.studio_tables(conn) != snap.tables:
        raise bf.BackupDamaged("其中的表结构与本版本不符", "its tables differ from this version's")
    forced = {str(r[0]) for r in conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s AND c.relforcerowsecurity", (pg_schema.SCHEMA,))}
    for table in snap.tables:
        name = sql.Identifier(pg_schema.SCHEMA, table)
        conn.execute(sql.SQL("ALTER TABLE {} NO FORCE ROW LEVEL SECURITY, DISABLE TRIGGER USER"
                             ).format(name))
    _copy_rows(conn, opened)
    for table in snap.tables:
        name = sql.Identifier(pg_schema.SCHEMA, table)
        conn.execute(sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(name))
        if table in forced:
            conn.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(name))
    _move_identities(conn)
    found = sb.read_snapshot(conn, studio)
    if (found.counts, found.audit_seq, found.audit_hash) != (
            snap.counts, snap.audit_seq, snap.audit_hash):
        raise bf.BackupDamaged("恢复后的记录数量与备份不符",
                               "the restored record counts differ from the backup's")
    restored = ks.RecoverySlot.from_json(conn.execute(
        "SELECT slot FROM xinhe.recovery_slot").fetchone()[0])  # type: ignore[index]
    if restored.public_key != ks.RecoverySlot.from_json(opened.info.header["recovery"]).public_key:
        raise bf.BackupDamaged("恢复密钥槽不一致", "its recovery slots disagree")
    users = conn.execute("SELECT u.username, u.role, u.active, u.pg_role, v.verifier,"
                         " (l.locked_until::timestamptz > clock_timestamp()) IS TRUE FROM"
                         " xinhe.users u LEFT JOIN xinhe.login_verifiers v ON v.pg_role ="
                         " u.pg_role LEFT JOIN xinhe.login_lockouts l ON l.username ="
                         " u.username WHERE u.pg_role IS NOT NULL AND u.removed_at IS NULL"
                         " ORDER BY u.username").fetchall()
    conn.execute("RESET ROLE")  # login roles are the set-up role's to make (CREATEROLE)
    can, need = _logins(conn, users, snap.logins)
    # As `server init` does: account upkeep's function to xinhe_accounts, the gate let in.
    pg_accounts.hand_over(conn, studio)
    sb.as_owner(conn)
    conn.execute("SELECT xinhe.audit_append('server.restore', 'database', %s, %s)",
                 (studio, f"from backup of {opened.info.created_at}"))
    return can, need


def _copy_rows(conn: psycopg.Connection[Any], opened: OpenedServerBackup) -> None:
    """Each table's frames into one COPY, in the backup's (foreign-key) order."""
    cursor = conn.cursor()
    frames = sb.read_frames(opened.info, opened.key)
    for table, parts in itertools.groupby(frames, key=lambda frame: frame[0]):
        columns = opened.snapshot.tables[table]
        with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(pg_schema.SCHEMA, table),
                sql.SQL(", ").join(sql.Identifier(c) for c in columns))) as copy:
            for _, data in parts:
                copy.write(data)


def _move_identities(conn: psycopg.Connection[Any]) -> None:
    """Identity counters past the highest loaded id, so new rows do not collide."""
    for table, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND is_identity = 'YES'",
            (pg_schema.SCHEMA,)).fetchall():
        name = sql.Identifier(pg_schema.SCHEMA, table)
        conn.execute(sql.SQL("SELECT setval(pg_get_serial_sequence(%s, %s),"
                             " coalesce((SELECT max({}) FROM {}), 0) + 1, false)").format(
            sql.Identifier(column), name), (f"{pg_schema.SCHEMA}.{table}", column))


def _logins(conn: psycopg.Connection[Any], users: list[Any],
            groups: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    can: list[str] = []
    need: list[str] = []
    for username, role, active, pg_role, verifier, locked in users:
        group = groups.get(pg_role) or pg_policies.GROUPS[role]
        ident = sql.Identifier(pg_role)
        login = sql.SQL("LOGIN" if active and verifier else "NOLOGIN")
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                              (pg_role,)).fetchone() is not None
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} {} INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE"
                                 " NOREPLICATION NOBYPASSRLS").format(ident, login))
            pg_accounts.admit_login(conn, pg_role)
        elif verifier:
            conn.execute(sql.SQL("ALTER ROLE {} {}").format(ident, login))
        if verifier:
            # A lockout still running stays in force; any other is lifted, as in the backup.
            until = "1970-01-01 00:00:00+00" if locked else "infinity"
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {} VALID UNTIL {}").format(
                ident, sql.Literal(verifier), sql.Literal(until)))
        for other in pg_policies.GROUPS.values():
            if other != group:
                conn.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(other), ident))
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), ident))
        if active and (verifier or exists):
            can.append(str(username))
        elif active:
            need.append(str(username))
    return tuple(can), tuple(need)
