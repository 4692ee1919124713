"""Signing in to the studio server: `server init` makes the studio with its first
administrator and a recovery key, each user signs in as their own login role with a
password derived from the typed one, and opens their key slot kept on the server."""

from __future__ import annotations

import re
import secrets

import psycopg
import pytest

from pg_cluster import Cluster
from xinhe.crypto import keyslots as ks
from xinhe.crypto import recovery
from xinhe.errors import AccessDenied, WrongPassword
from xinhe.records.storage import pg_setup
from xinhe.records.storage.server_admin import add_server_user, init_studio
from xinhe.records.storage.server_session import ServerFolder, login_password

PASSWORD = "admin-pass-1"


def test_init_sign_in_add_a_user_and_verify_the_chain(pg_cluster: Cluster) -> None:
    dbname = "studio_" + secrets.token_hex(4)
    admin_name = f"adm-{secrets.token_hex(3)}"
    dsn, recovery_key = init_studio(pg_cluster.dsn(), dbname, "馨和家园工作室", admin_name,
                                    "管理员甲", PASSWORD)
    assert "password" not in dsn and "user=" not in dsn and "verify-full" in dsn
    folder = ServerFolder(dsn, workstation="desk-1")
    admin = folder.unlock(admin_name, PASSWORD)
    try:
        assert (admin.actor.username, admin.actor.role, admin.actor.display_name) == \
            (admin_name, "admin", "管理员甲")
        assert admin.org_name == "馨和家园工作室" and admin.vault_id == dbname
        # The recovery key opens the same data key the admin's slot holds.
        rescue = ks.RecoverySlot.from_json(pg_cluster_slot(pg_cluster, dbname))
        private = ks.open_recovery(dbname, rescue, recovery.secret_bytes(recovery_key))
        assert ks.unseal_generation(dbname, "recovery", private, rescue.db_key) == \
            admin.data_key()
        counsellor = f"wang-{secrets.token_hex(3)}"
        add_server_user(pg_cluster.dsn(), admin, counsellor, "counsellor", "wang-password")
        wang = folder.unlock(counsellor, "wang-password")
        assert wang.actor.role == "counsellor" and wang.data_key() == admin.data_key()
        with pytest.raises(AccessDenied):
            wang.require_role("admin")
        wang.close()
        seq, head = admin.audit.head()
        verification = admin.audit.verify()
        assert verification.ok and verification.checked == seq and \
            verification.head_hash == head
        actions = [e.action for e in admin.audit.events(limit=50)]
        for action in ("server.init", "login", "user.add", "access.denied", "lock"):
            assert action in actions
        logins = admin.audit.events(action_prefix="login", user=counsellor)
        assert [(e.workstation, e.role) for e in logins] == [("desk-1", "counsellor")]
    finally:
        admin.close()


def pg_cluster_slot(cluster: Cluster, dbname: str) -> dict[str, object]:
    import json

    return dict(json.loads(cluster.superuser_sql("SELECT slot FROM xinhe.recovery_slot",
                                                 dbname).strip()))


def test_the_typed_password_is_not_the_login_password(pg_cluster: Cluster) -> None:
    dbname = "studio_" + secrets.token_hex(4)
    admin_name = f"adm-{secrets.token_hex(3)}"
    dsn, _ = init_studio(pg_cluster.dsn(), dbname, "工作室", admin_name, "甲", PASSWORD)
    role = pg_setup.login_role(admin_name)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(dsn, user=role, password=PASSWORD)
    derived = login_password(dbname, admin_name, PASSWORD)
    assert PASSWORD not in derived and len(derived) == 43
    with psycopg.connect(dsn, user=role, password=derived) as conn:
        assert conn.execute("SELECT xinhe.current_role()").fetchone() == ("admin",)
    # Salted per studio and per user: the same password gives other logins elsewhere.
    assert login_password("other", admin_name, PASSWORD) != derived
    assert login_password(dbname, "someone", PASSWORD) != derived
    with pytest.raises(WrongPassword):
        ServerFolder(dsn).unlock(admin_name, "not-the-password")
    with pytest.raises(WrongPassword):
        ServerFolder(dsn).unlock("nobody-here", PASSWORD)
    stored = pg_cluster.superuser_sql(f"SELECT rolpassword FROM pg_authid WHERE rolname ="
                                      f" '{role}'")
    assert stored.startswith("SCRAM-SHA-256$") and derived not in stored
    assert re.search(r"sslmode=verify-full", dsn)


@pytest.mark.parametrize("backend", ["server"], indirect=True)
def test_what_is_not_on_the_server_yet_says_so(studio) -> None:  # noqa: ANN001
    from xinhe.errors import NotOnServerYet

    studio.new_case(studio.wang)
    for call in (lambda: studio.admin.accounts.add_user("x1", "某", "staff", "pass-word-1"),):
        with pytest.raises(NotOnServerYet) as info:
            call()
        assert "工作室服务器暂不支持" in info.value.message("zh_CN")
        assert "not yet available on the studio server" in info.value.message("en")
    # The case itself is on the server, and the search did not leave its words there.
    assert [c.client_name for c in studio.wang.cases.find()] == ["林某"]
    assert "林某" not in studio.template.cluster.superuser_sql(
        "SELECT string_agg(object_id || action || outcome, ' ') FROM xinhe.audit_event",
        studio.template.dbname)


def test_an_admin_name_another_studio_uses_is_refused_before_anything_is_made(
        pg_cluster: Cluster) -> None:
    admin_name = f"adm-{secrets.token_hex(3)}"
    init_studio(pg_cluster.dsn(), "studio_" + secrets.token_hex(4), "甲工作室", admin_name,
                "甲", PASSWORD)
    second = "studio_" + secrets.token_hex(4)
    with pytest.raises(pg_setup.StudioServerError) as info:
        init_studio(pg_cluster.dsn(), second, "乙工作室", admin_name, "乙", PASSWORD)
    assert "整台服务器" in info.value.message("zh_CN")
    assert "server-wide" in info.value.message("en")
    # Nothing was left behind, so the IT person simply runs it again with another name.
    assert pg_cluster.superuser_sql(
        f"SELECT count(*) FROM pg_database WHERE datname = '{second}'").strip() == "0"
    dsn, _ = init_studio(pg_cluster.dsn(), second, "乙工作室", admin_name + "b", "乙", PASSWORD)
    ServerFolder(dsn).unlock(admin_name + "b", PASSWORD).close()
