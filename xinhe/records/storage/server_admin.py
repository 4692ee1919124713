"""Setting up a studio server and its users (`xinhe server init`, `xinhe server users add`).

The studio's random 256-bit data key is wrapped for each user and under a recovery key
exactly as a local vault's key slots are (xinhe.crypto.keyslots); the slots live on the
server. Creating a login role needs the set-up role (CREATEROLE), which only the IT person
holds; wrapping the data key for a new user needs an administrator signed in. So adding a
user takes both: the IT person's set-up DSN and an administrator's session.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from xinhe.crypto import kdf, recovery
from xinhe.crypto import keyslots as ks
from xinhe.crypto.signing import SigningIdentity
from xinhe.errors import InvalidInput
from xinhe.records.accounts import ROLES, check_password
from xinhe.records.audit import iso, utcnow
from xinhe.records.common import iso as stamp
from xinhe.records.signing_store import GENERATED_YEARS
from xinhe.records.storage import pg_policies, pg_setup
from xinhe.records.storage.pg_store import check_dsn
from xinhe.records.storage.sealing import Sealer
from xinhe.records.storage.server_session import ServerSession, login_password

DEFAULT_DBNAME = "xinhe"


def workstation_dsn(setup_dsn: str, dbname: str) -> str:
    """What every desk is given: the server, the CA and the database; no user, no password."""
    parts = {k: v for k, v in conninfo_to_dict(setup_dsn).items()
             if k in ("host", "hostaddr", "port", "sslmode", "sslrootcert")}
    return make_conninfo("", **parts, dbname=dbname)


def _as_owner(conn: psycopg.Connection[Any]) -> None:
    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(pg_policies.OWNER)))


def init_studio(setup_dsn: str, dbname: str, org_name: str, admin: str, display_name: str,
                password: str, *, set_up_at: datetime | None = None) -> tuple[str, str]:
    """Create the studio database with its first administrator and signing certificate
    (valid from `set_up_at`, default this moment). Returns the workstations' DSN and the
    recovery key (to be shown once, never stored)."""
    check_dsn(setup_dsn)
    org_name = org_name.strip()
    if not org_name:
        raise InvalidInput("请填写机构名称。", "Please enter the studio's name.")
    username = ks.validate_username(admin)
    check_password(password)
    pg_setup.require_free_login(setup_dsn, username)
    pg_setup.init_database(setup_dsn, dbname)
    data_key = secrets.token_bytes(32)
    recovery_key = recovery.generate()
    slot = ks.new_user_slot(dbname, username, password, data_key, 1, kdf.KdfParams.default(),
                            None)
    rescue = ks.new_recovery_slot(dbname, recovery.secret_bytes(recovery_key), data_key, 1)
    with psycopg.connect(make_conninfo(setup_dsn, dbname=dbname), autocommit=True) as conn:
        pg_setup.add_user(conn, username, "admin", login_password(dbname, username, password),
                          display_name.strip() or username)
        now = iso(utcnow())
        with conn.transaction():
            _as_owner(conn)
            conn.execute("INSERT INTO xinhe.meta (key, value) VALUES ('org_name', %s),"
                         " ('studio_id', %s)", (org_name, dbname))
            conn.execute("INSERT INTO xinhe.key_slots (username, slot, updated_at)"
                         " VALUES (%s, %s, %s)", (username, json.dumps(slot.to_json()), now))
            conn.execute("INSERT INTO xinhe.recovery_slot (slot, updated_at) VALUES (%s, %s)",
                         (json.dumps(rescue.to_json()), now))
            _first_signing_identity(conn, org_name, username, Sealer(data_key),
                                    set_up_at or utcnow())
    return workstation_dsn(setup_dsn, dbname), recovery_key


def _first_signing_identity(conn: psycopg.Connection[Any], org_name: str, admin: str,
                            sealer: Sealer, now: datetime) -> None:
    """The studio's certificate for referrals, made at set-up as a new vault's is; its key
    sealed here, as the seam seals it (staff and counsellors cannot write a new one)."""
    identity = SigningIdentity.generate(org_name, years=GENERATED_YEARS, now=now)
    conn.execute(
        "INSERT INTO xinhe.signing_identities (subject, fingerprint, not_before, not_after,"
        " certificate, private_key, source, created_by, created_at) VALUES (%s, %s, %s, %s,"
        " %s, %s, 'generated', (SELECT id FROM xinhe.users WHERE username = %s), %s)",
        (identity.subject_name(), identity.fingerprint_sha256(), stamp(identity.not_before),
         stamp(identity.not_after), identity.cert_der(),
         sealer.seal("signing_identities.private_key", identity.to_private_bytes()), admin,
         stamp(now)))


def add_server_user(setup_dsn: str, admin: ServerSession, username: str, role: str,
                    password: str, display_name: str | None = None) -> int:
    """Administrator and IT person together: a new user's login role (set-up DSN) and their
    key slot, wrapping the data key the signed-in administrator holds. Returns the id."""
    admin.require_role("admin")
    if role not in ROLES:
        raise InvalidInput(f"未知的角色：{role}", f"Unknown role: {role}")
    username = ks.validate_username(username)
    check_password(password)
    studio = admin.vault_id
    check_dsn(setup_dsn)
    slot = ks.new_user_slot(studio, username, password, admin.data_key(), 1,
                            kdf.KdfParams.default(), None)
    with psycopg.connect(make_conninfo(setup_dsn, dbname=studio), autocommit=True) as conn:
        user_id = pg_setup.add_user(conn, username, role,
                                    login_password(studio, username, password), display_name)
    admin.db.execute("INSERT INTO key_slots (username, slot, updated_at) VALUES (?, ?, ?)",
                     (username, json.dumps(slot.to_json()), iso(utcnow())))
    admin.audit_event("user.add", "user", username, role)
    return user_id
