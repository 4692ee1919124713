"""Signing in to the studio server: the login role's derived password, the user's key slot
on the server, and the signed-in `ServerSession` the records services run on.

A login role's password is never the typed password: it is derived with the production
Argon2id parameters, salted by the studio and the user, so what the server holds (a SCRAM
verifier of the derived password) tests a guess no faster than the key slot does. The studio
id in that salt is the database name, the one thing a workstation knows before signing in
(it is in the DSN the IT person gives every desk; no extra file to copy or lose).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from xinhe.crypto import kdf
from xinhe.crypto import keyslots as ks
from xinhe.errors import (
    AccessDenied,
    AccountDisabled,
    AccountLocked,
    InvalidInput,
    NotOnServerYet,
    ServerUnreachable,
    VaultDamaged,
    WrongPassword,
)
from xinhe.records.audit import AuditEvent, AuditLog, utcnow
from xinhe.records.storage import live, pg_setup
from xinhe.records.storage.pg_store import PgDatabase, check_dsn, where
from xinhe.records.storage.pg_upgrade import check_version
from xinhe.records.storage.sealing import Sealer
from xinhe.records.vault_session import Actor

LOGIN_INFO = b"xinhe postgres login v1"


def studio_id_of(dsn: str) -> str:
    """The studio's id: the name of its database on the server."""
    return check_dsn(dsn).get("dbname", "")


def workstation_dsn(host: str, port: int, studio_id: str, ca_file: str) -> str:
    """What a workstation keeps to reach its studio (no user, no password): TLS verified
    against the studio's CA file, the database named by the studio id."""
    host, studio_id, ca_file = host.strip(), studio_id.strip(), ca_file.strip()
    if not host or not studio_id or not ca_file:
        raise InvalidInput("请填写服务器地址、工作室编号（数据库名）和 CA 证书文件。",
                           "Fill in the server's address, the studio id (database name) "
                           "and the CA file.")
    if not 0 < int(port) < 65536:
        raise InvalidInput("端口应在 1 到 65535 之间。", "The port must be 1 to 65535.")
    dsn = make_conninfo("", host=host, port=str(int(port)), dbname=studio_id,
                        sslmode="verify-full", sslrootcert=ca_file)
    check_dsn(dsn)
    return dsn


def login_password(studio_id: str, username: str, password: str,
                   params: kdf.KdfParams | None = None) -> str:
    """The PostgreSQL password of a user's login role, derived from the typed one."""
    salt = hashlib.sha256(f"xinhe-server|{studio_id}|{username}".encode()).digest()
    master = kdf.derive(password, salt, params or kdf.KdfParams.default())
    key = HKDF(hashes.SHA256(), 32, salt=None, info=LOGIN_INFO).derive(master)
    return base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii")


class ServerAudit(AuditLog):
    """The server's chain: appended only through `audit_append` (the server hashes and
    times each entry), read and verified with the same code as the vault's."""

    def __init__(self, db: PgDatabase) -> None:
        super().__init__(db, "")  # type: ignore[arg-type]
        self._pg = db

    def head(self) -> tuple[int, str]:
        row = self._pg.one("SELECT seq, hash FROM audit_head()")
        return (int(row["seq"]), str(row["hash"])) if row is not None else (0, "0" * 64)

    def append(self, *, user: str = "", role: str = "", action: str, object_type: str = "",
               object_id: str = "", outcome: str = "ok", ts: str | None = None,
               workstation: str | None = None) -> AuditEvent:
        """Who, when and where are the server's to say: `user`, `role`, `ts` and
        `workstation` given here are ignored."""
        row = self._pg.one("SELECT * FROM audit_append(?, ?, ?, ?)",
                           (action, object_type, str(object_id), outcome))
        if row is None:
            raise VaultDamaged("审计记录无法写入", "the audit entry could not be written")
        return AuditEvent(**dict(row))


class ServerSession:
    """A user signed in to the studio server. Lives on the thread that signed in."""

    def __init__(self, db: PgDatabase, actor: Actor, studio_id: str, data_key: bytes,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self.actor = actor
        self.audit = ServerAudit(db)
        self._studio_id = studio_id
        self._data_key: bytes | None = data_key  # for the workstation's encryption
        self.sealer = Sealer(data_key)
        db.sealer = self.sealer  # the seam seals what this user writes, opens what they read
        self._clock = clock
        self.closed = False

    @property
    def db(self) -> PgDatabase:
        """The connection; one lost to a server restart or a network cut is opened again,
        as the same login, at the next use (ServerUnreachable while the server is away)."""
        if self._db.broken and not self.closed and self._login_conninfo:
            self._db = PgDatabase(self._login_conninfo, self._workstation)
            self._db.sealer = self.sealer  # a new connection seals and opens as the old one
            self.audit = ServerAudit(self._db)
        return self._db

    @property
    def vault_id(self) -> str:
        return self._studio_id

    @property
    def org_name(self) -> str:
        return str(self.db.scalar("SELECT value FROM meta WHERE key = 'org_name'") or "")

    def now(self) -> datetime:
        return self._clock()

    def audit_event(self, action: str, object_type: str = "", object_id: object = "",
                    outcome: str = "ok") -> None:
        self.audit.append(action=action, object_type=object_type, object_id=str(object_id),
                          outcome=outcome)

    def require_role(self, *roles: str) -> None:
        if self.actor.role not in roles:
            self.audit_event("access.denied", "role", self.actor.role, "refused")
            raise AccessDenied()

    def setting(self, key: str, default: str | None = None) -> str | None:
        value = self.db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        return default if value is None else str(value)

    def set_setting(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key)"
                        " DO UPDATE SET value = excluded.value", (key, value))

    def open_own_slot(self, password: str) -> None:
        """Re-authentication before a dangerous act: the typed password must open this
        user's key slot, kept on the server. Raises WrongPassword otherwise."""
        raw: Any = self.db.scalar("SELECT slot FROM key_slots WHERE username = ?",
                                  (self.actor.username,))
        if raw is None:
            raise WrongPassword()
        ks.open_private(self._studio_id, ks.UserSlot.from_json(raw), password, None)

    def data_key(self) -> bytes:
        if self._data_key is None:
            raise AccessDenied("已锁定。", "Signed out.")
        return self._data_key

    def new_recovery_key(self) -> str:
        """Administrator: a new recovery key (the old one stops working), shown once."""
        from xinhe.records.storage.server_accounts import ServerAccounts

        return ServerAccounts(self).new_recovery_key()

    def rekey(self) -> None:
        """The data key seals every record on the server: a new one is not offered."""
        raise NotOnServerYet("更换数据密钥（重新加密）", "Re-keying (re-encrypting)")

    def relogin_as(self, derived_password: str) -> None:
        """After the user changed their password: reconnect and listen with the new one."""
        if self._login_conninfo:
            self._login_conninfo = make_conninfo(self._login_conninfo,
                                                 password=derived_password)

    def close(self, reason: str = "lock") -> None:
        """Sign out: audit, close the connection, drop the data key."""
        if self.closed:
            return
        with contextlib.suppress(Exception):  # a lock must happen even if the server is gone
            self.audit_event(reason)
        self._db.close()
        self._data_key = None
        self._login_conninfo = ""
        self.closed = True

    # The signed-in login's connection string (derived password: memory only), for the
    # second connection that listens for other desks' changes.
    _login_conninfo = ""
    _workstation = ""
    # Where the studio server is, host:port/dbname (never a user or password), to show.
    address = ""

    def change_listener(self, on_change: Callable[[live.Change], None],
                        on_reachable: Callable[[bool], None] | None = None
                        ) -> live.ChangeListener:
        """A listener for other workstations' saves on its own connection (not started)."""
        if not self._login_conninfo:
            raise AccessDenied("已锁定。", "Signed out.")
        return live.ChangeListener(self._login_conninfo, on_change, on_reachable)


class ServerFolder:
    """A studio server as a workstation knows it: a DSN without user or password."""

    def __init__(self, dsn: str, workstation: str = "",
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.dsn = dsn
        self.studio_id = studio_id_of(dsn)
        self.workstation = workstation
        self.clock = clock

    def login_conninfo(self, username: str, password: str) -> str:
        """The user's own login role, with the password derived from the typed one."""
        username = ks.validate_username(username)
        secret = login_password(self.studio_id, username, password)
        return make_conninfo(self.dsn, user=pg_setup.login_role(username), password=secret)

    def connect(self, username: str, password: str) -> PgDatabase:
        """A connection as the user's own login role."""
        return PgDatabase(self.login_conninfo(username, password), self.workstation)

    def unlock(self, username: str, password: str) -> ServerSession:
        """Sign in: connect as the user's login role, open their key slot (kept on the
        server) with the typed password, audit the login. A refused password is reported
        through the gate, which counts it and locks the login as a local vault would."""
        conninfo = self.login_conninfo(username, password)
        try:
            db = PgDatabase(conninfo, self.workstation)
        except WrongPassword:
            if self.report_failed_login(username) != "retry":
                raise
            try:  # a lockout whose delay had passed was lifted just now
                db = PgDatabase(conninfo, self.workstation)
            except WrongPassword:
                self.report_failed_login(username)
                raise
        try:
            session = self._open(db, username, password)
        except BaseException:
            db.close()
            raise
        session._login_conninfo = conninfo
        session._workstation = self.workstation
        session.address = where({k: str(v) for k, v in conninfo_to_dict(self.dsn).items()})
        return session

    def report_failed_login(self, username: str) -> str:
        """Tell the server a login failed, as the gate (pg_accounts.py): "failed",
        "retry" (a lockout ended), or raises AccountLocked."""
        from xinhe.records.storage.pg_accounts import GATE_PASSWORD, GATE_ROLE

        try:
            gate = PgDatabase(make_conninfo(self.dsn, user=GATE_ROLE, password=GATE_PASSWORD),
                              self.workstation)
        except ServerUnreachable:  # e.g. a mistyped studio: the refusal itself says what to check
            return "failed"
        try:
            outcome = str(gate.scalar("SELECT login_failed(?)", (username,)))
        finally:
            gate.close()
        if outcome.startswith("locked "):
            raise AccountLocked(datetime.fromisoformat(outcome.removeprefix("locked ")))
        return outcome

    def _open(self, db: PgDatabase, username: str, password: str) -> ServerSession:
        # Before anything is written: an older or newer schema is the IT person's to settle.
        check_version(db.scalar("SELECT value FROM meta WHERE key = 'schema_version'"))
        user = db.one("SELECT id, username, display_name, xinhe.current_role() AS role"
                      " FROM users WHERE id = current_user_id()")
        if user is None or user["role"] is None:
            raise AccountDisabled()
        raw: Any = db.scalar("SELECT slot FROM key_slots WHERE username = ?", (username,))
        if raw is None:
            raise WrongPassword()
        slot = ks.UserSlot.from_json(raw)
        private = ks.open_private(self.studio_id, slot, password, None)
        db.execute("SELECT login_succeeded()")  # the count of wrong passwords starts again
        data_key = ks.unseal_generation(self.studio_id, username, private, slot.db_key)
        actor = Actor(int(user["id"]), str(user["username"]), str(user["display_name"]),
                      str(user["role"]))
        session = ServerSession(db, actor, self.studio_id, data_key, self.clock)
        db.execute("UPDATE users SET last_login_at = ? WHERE id = ?",
                   (self.clock().isoformat(timespec="seconds"), actor.user_id))
        session.audit_event("login", "user", username)
        return session
