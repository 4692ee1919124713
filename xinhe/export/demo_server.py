"""The demo on a studio server (`xinhe demo --server SETUP_DSN`): the local demo is made in a
temporary folder, exactly as `xinhe demo` makes it, then moved onto a new studio database by
the same import a studio uses for its own vault (records.storage.vault_import). The demo's
users become server users with the local demo's passwords; the temporary vault is deleted."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

from xinhe.crypto.binding import DeviceBinding
from xinhe.errors import ServerUnreachable
from xinhe.export.demo import create_full_demo
from xinhe.records.demo import DEMO_ORG, DEMO_USERS, DemoSummary
from xinhe.records.referral_policy import OUTBOX_SETTING
from xinhe.records.storage.pg_setup import LOGIN_PREFIX, StudioServerError, login_role
from xinhe.records.storage.pg_store import check_dsn, where
from xinhe.records.storage.server_admin import add_server_user, init_studio
from xinhe.records.storage.server_session import ServerFolder
from xinhe.records.storage.vault_import import import_vault
from xinhe.records.vault import VaultFolder

DEMO_DBNAME = "xinhe_demo"


@dataclass
class ServerDemo:
    summary: DemoSummary
    server: str  # the workstations' DSN
    recovery_key: str  # the studio server's, shown once


def create_server_demo(setup_dsn: str, dbname: str = DEMO_DBNAME, *, cases: int = 150,
                       seed: int = 2019) -> ServerDemo:
    """A new demo studio database `dbname`, made with the IT person's set-up role. Refuses
    before changing anything when the demo's login roles already exist on the server (they
    are server-wide: one demo studio per PostgreSQL server)."""
    _refuse_taken_logins(setup_dsn)
    with tempfile.TemporaryDirectory(prefix="xinhe-demo-") as temp:
        folder = VaultFolder(Path(temp) / "vault", DeviceBinding.off("temporary demo vault"))
        summary = create_full_demo(folder, cases=cases, seed=seed)
        _, admin_login, admin_name, admin_password = DEMO_USERS[0]
        server, recovery_key = init_studio(setup_dsn, dbname, DEMO_ORG, admin_login,
                                           admin_name, admin_password)
        admin = ServerFolder(server, workstation="xinhe-demo").unlock(admin_login,
                                                                      admin_password)
        try:
            for role, login, name, password in DEMO_USERS[1:]:
                add_server_user(setup_dsn, admin, login, role, password, name)
            vault = folder.unlock(admin_login, admin_password)
            try:
                import_vault(setup_dsn, admin, vault)
            finally:
                vault.close("logout")
            # The demo's outbox was in the temporary folder, now gone.
            admin.db.execute("DELETE FROM settings WHERE key = ?", (OUTBOX_SETTING,))
        finally:
            admin.close("logout")
    return ServerDemo(summary, server, recovery_key)


def _refuse_taken_logins(setup_dsn: str) -> None:
    parts = check_dsn(setup_dsn)
    roles = [login_role(login) for _, login, _, _ in DEMO_USERS]
    try:
        with psycopg.connect(make_conninfo(setup_dsn, connect_timeout="10")) as conn:
            taken = [r[0] for r in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (roles,)).fetchall()]
    except psycopg.OperationalError:
        raise ServerUnreachable(where(parts)) from None
    if taken:
        names = "、".join(sorted(r.removeprefix(LOGIN_PREFIX) for r in taken))
        raise StudioServerError(
            f"这台服务器上已经有演示用户的登录名：{names}（已建过一个演示工作室，或另一个工作室"
            "在用这些名字）。登录名在整台服务器上通用，每台服务器只能建一个演示工作室。",
            f"The demo users' login names are already taken on this server: "
            f"{names.replace('、', ', ')} (a demo studio was made before, or another studio "
            "uses them). Login names are server-wide: one demo studio per server.")
