"""Account upkeep on the studio server: the same acts as on a local vault, done to the
server's key slots and to the users' PostgreSQL login roles.

An administrator does them alone, signed in (`xinhe.account_change`, see pg_accounts.py);
only creating a login role (`server init`, `server add-user`) and recovering without any
administrator (`recover --server`) need the IT person's set-up role. Removing a user drops
their login role and key slot but does not re-key: the studio's data key seals every
record on the server, and a new one would mean re-sealing them all (docs/server.md).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from xinhe.crypto import kdf, recovery
from xinhe.crypto import keyslots as ks
from xinhe.errors import AccountDisabled, NotFound, WrongPassword
from xinhe.records.accounts import check_password
from xinhe.records.audit import iso, utcnow
from xinhe.records.storage import pg_accounts, pg_policies, pg_setup
from xinhe.records.storage.pg_store import check_dsn
from xinhe.records.storage.server_session import ServerSession, login_password, studio_id_of

VERIFIER_RE = re.compile(r"^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$")


def login_verifier(studio_id: str, username: str, password: str) -> str:
    """The SCRAM verifier of the login role's password derived from the typed one."""
    verifier = pg_accounts.scram_verifier(login_password(studio_id, username, password))
    assert VERIFIER_RE.match(verifier)  # embedded in ALTER ROLE, which takes no parameters
    return verifier


class ServerAccounts:
    """What `AccountService` does on a local vault, for a user signed in to the server.
    The caller has checked the acting role and the last-administrator rules."""

    def __init__(self, session: ServerSession) -> None:
        self.session = session

    def _change(self, username: str, change: str, verifier: str | None = None) -> None:
        self.session.db.execute("SELECT account_change(?, ?, ?)", (username, change, verifier))

    def locked_until(self, username: str) -> datetime | None:
        """When the lockout after wrong passwords ends (administrators see it)."""
        if self.session.actor.role != "admin":
            return None
        until = self.session.db.scalar("SELECT locked_until FROM login_lockouts"
                                       " WHERE username = ?", (username,))
        if until is None:
            return None
        moment = datetime.fromisoformat(str(until))
        return moment if moment > utcnow() else None

    def set_user_active(self, username: str, active: bool) -> None:
        """Enable or disable the login role (NOLOGIN) and the users row, audited."""
        with self.session.db.transaction():
            self._change(username, "enable" if active else "disable")
            self.session.audit_event("user.enable" if active else "user.disable", "user",
                                     username)

    def unlock_account(self, username: str) -> None:
        with self.session.db.transaction():
            self._change(username, "unlock")
            self.session.audit_event("user.unlock", "user", username)

    def reset_password(self, username: str, new_password: str) -> None:
        """A new key slot wrapping the data key this administrator holds, and the login
        role's password derived from the new one; any lockout ends."""
        session = self.session
        studio = session.vault_id
        slot = ks.new_user_slot(studio, username, new_password, session.data_key(), 1,
                                kdf.KdfParams.default(), None)
        verifier = login_verifier(studio, username, new_password)
        with session.db.transaction():
            session.db.execute("INSERT INTO key_slots (username, slot, updated_at)"
                               " VALUES (?, ?, ?) ON CONFLICT (username) DO UPDATE SET"
                               " slot = excluded.slot, updated_at = excluded.updated_at",
                               (username, json.dumps(slot.to_json()), iso(session.now())))
            self._change(username, "password", verifier)
            session.audit_event("password.reset", "user", username)

    def remove_user(self, username: str) -> None:
        """Drop the login role and the key slot; the users row stays, marked removed, so
        their records and audit entries still name them."""
        with self.session.db.transaction():
            self._change(username, "remove")
            self.session.audit_event("user.remove", "user", username)

    def _own_slot(self) -> ks.UserSlot:
        raw: Any = self.session.db.scalar("SELECT slot FROM key_slots WHERE username = ?",
                                          (self.session.actor.username,))
        if raw is None:
            raise WrongPassword()
        return ks.UserSlot.from_json(raw)

    def change_password(self, old_password: str, new_password: str) -> None:
        """The acting user's own slot rewrapped and their login role's password changed
        (through `own_password`, which also keeps the backed-up verifier), in one
        transaction."""
        session = self.session
        me, studio = session.actor.username, session.vault_id
        slot = self._own_slot()
        try:
            private = ks.open_private(studio, slot, old_password, None)
        except WrongPassword:
            session.audit_event("password.change", "user", me, "failed")
            raise
        rewrapped = ks.wrap_private(studio, me, private, new_password,
                                    kdf.KdfParams.default(), None, slot.db_key,
                                    slot.next_db_key)
        verifier = login_verifier(studio, me, new_password)
        with session.db.transaction():
            session.db.execute("UPDATE key_slots SET slot = ?, updated_at = ?"
                               " WHERE username = ?",
                               (json.dumps(rewrapped.to_json()), iso(session.now()), me))
            session.db.execute("SELECT own_password(?)", (verifier,))
            session.audit_event("password.change", "user", me)
        session.relogin_as(login_password(studio, me, new_password))

    def verify_password(self, password: str, act: str = "") -> None:
        """Re-authentication: the password must open the acting user's slot (audited)."""
        session = self.session
        try:
            ks.open_private(session.vault_id, self._own_slot(), password, None)
        except WrongPassword:
            session.audit_event("reauth", "user", session.actor.username,
                                f"failed:{act}" if act else "failed")
            raise
        session.audit_event("reauth", "user", session.actor.username, act or "ok")

    def new_recovery_key(self) -> str:
        """Administrator: replace the recovery slot; the new key is returned to be shown
        once, never stored."""
        session = self.session
        session.require_role("admin")
        key = recovery.generate()
        slot = ks.new_recovery_slot(session.vault_id, recovery.secret_bytes(key),
                                    session.data_key(), 1)
        with session.db.transaction():
            session.db.execute("UPDATE recovery_slot SET slot = ?, updated_at = ?",
                               (json.dumps(slot.to_json()), iso(session.now())))
            session.audit_event("recovery_key.replace", "vault", session.vault_id)
        return key


def recover(setup_dsn: str, server_dsn: str, recovery_key: str, username: str,
            new_password: str) -> None:
    """The IT person and the recovery key's keeper together, when nobody who could reset
    the password can sign in: the recovery slot opens the data key, which is wrapped in a
    new slot for `username`; their login role gets the new derived password and any
    lockout ends. Audited as the set-up role."""
    check_password(new_password)
    check_dsn(setup_dsn)
    studio = studio_id_of(server_dsn)
    username = ks.validate_username(username)
    secret = recovery.secret_bytes(recovery_key)
    with psycopg.connect(make_conninfo(setup_dsn, dbname=studio), autocommit=True) as conn, \
            conn.transaction():
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(pg_policies.OWNER)))
        row = conn.execute("SELECT slot FROM xinhe.recovery_slot").fetchone()
        user = conn.execute("SELECT active FROM xinhe.users WHERE username = %s"
                            " AND removed_at IS NULL", (username,)).fetchone()
        if row is None:
            raise NotFound("服务器上没有恢复密钥槽。", "The server holds no recovery slot.")
        rescue = ks.RecoverySlot.from_json(row[0])
        private = ks.open_recovery(studio, rescue, secret)
        data_key = ks.unseal_generation(studio, "recovery", private, rescue.db_key)
        if user is None:
            raise NotFound(f"没有名为 {username} 的用户。", f"There is no user named {username}.")
        if not user[0]:
            raise AccountDisabled()
        slot = ks.new_user_slot(studio, username, new_password, data_key, 1,
                                kdf.KdfParams.default(), None)
        conn.execute("INSERT INTO xinhe.key_slots (username, slot, updated_at)"
                     " VALUES (%s, %s, %s) ON CONFLICT (username) DO UPDATE SET"
                     " slot = excluded.slot, updated_at = excluded.updated_at",
                     (username, json.dumps(slot.to_json()), iso(utcnow())))
        conn.execute("DELETE FROM xinhe.login_lockouts WHERE username = %s", (username,))
        role, verifier = pg_setup.login_role(username), login_verifier(studio, username,
                                                                       new_password)
        conn.execute("INSERT INTO xinhe.login_verifiers (pg_role, verifier) VALUES (%s, %s)"
                     " ON CONFLICT (pg_role) DO UPDATE SET verifier = excluded.verifier",
                     (role, verifier))
        conn.execute("SELECT xinhe.audit_append('password.recover', 'user', %s, 'ok')",
                     (username,))
        conn.execute("RESET ROLE")
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {} VALID UNTIL 'infinity'").format(
            sql.Identifier(role), sql.Literal(verifier)))
