"""The studio server enforces the access table in the engine: each test connects as a
person's own PostgreSQL login over verified TLS and runs raw SQL, as a curious or careless
client program would, and sees only what that person's role may see."""

from __future__ import annotations

import secrets
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest

from pg_cluster import Cluster
from xinhe.records.audit import GENESIS, entry_hash
from xinhe.records.storage import pg_policies, pg_setup
from xinhe.records.vault import Vault

NOW = "2025-03-01T09:00:00.000000+00:00"
PEOPLE = {"admin": "admin", "sup": "supervisor", "anna": "counsellor", "bo": "counsellor",
          "staff1": "staff"}
NOTE_TABLES = ("sessions", "assessments", "crisis_interventions", "safety_plans")


@dataclass
class StudioServer:
    cluster: Cluster
    dbname: str
    tag: str = field(default_factory=lambda: secrets.token_hex(3))
    passwords: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)

    def username(self, short: str) -> str:
        # Login roles are cluster-wide: a tag keeps this module's apart from other tests'.
        return f"{short}-{self.tag}"

    def connect(self, short: str) -> psycopg.Connection[Any]:
        return psycopg.connect(self.cluster.dsn(
            user=pg_setup.login_role(self.username(short)), password=self.passwords[short],
            dbname=self.dbname), autocommit=True)

    def setup(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.cluster.dsn(dbname=self.dbname), autocommit=True)


def _one(conn: psycopg.Connection[Any], query: str, *params: Any) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


def _open_case(conn: psycopg.Connection[Any], case_no: str) -> dict[str, int]:
    """As a counsellor: a client, a case, a session, an assessment and a referral."""
    me = _one(conn, "SELECT xinhe.current_user_id()")
    client = _one(conn, "INSERT INTO xinhe.clients (name, name_key, created_by, created_at,"
                  " updated_at) VALUES ('sealed-name', 'tok', %s, %s, %s) RETURNING id",
                  me, NOW, NOW)
    case = _one(conn, "INSERT INTO xinhe.cases (case_no, client_id, category, source,"
                " opened_at, counsellor_id, created_by, created_at, updated_at) VALUES"
                " (%s, %s, 'dv', 'walk_in', %s, %s, %s, %s, %s) RETURNING id",
                case_no, client, NOW, me, me, NOW, NOW)
    session = _one(conn, "INSERT INTO xinhe.sessions (case_id, started_at, duration_min,"
                   " modality, template_id, template_version, answers, author_id,"
                   " created_at, updated_at) VALUES (%s, %s, 50, 'in_person', 'dap', 1,"
                   " 'sealed-note', %s, %s, %s) RETURNING id", case, NOW, me, NOW, NOW)
    assessment = _one(conn, "INSERT INTO xinhe.assessments (case_id, template_id,"
                      " template_version, answers, score, level, assessed_at, author_id,"
                      " created_at, content_hash) VALUES (%s, 'dv_intake', 1, 'sealed',"
                      " '7', 'high', %s, %s, %s, 'h') RETURNING id", case, NOW, me, NOW)
    referral = _one(conn, "INSERT INTO xinhe.referrals (case_id, referral_no, agency,"
                    " purpose, created_by, created_at) VALUES (%s, %s, 'police',"
                    " 'protection', %s, %s) RETURNING id", case, "R-" + case_no, me, NOW)
    return {"client": client, "case": case, "session": session, "assessment": assessment,
            "referral": referral}


@pytest.fixture(scope="module")
def server(pg_cluster: Cluster) -> Iterator[StudioServer]:
    server = StudioServer(pg_cluster, "studio_" + secrets.token_hex(4))
    pg_setup.init_database(pg_cluster.dsn(), server.dbname)
    with server.setup() as conn:
        for username, role in PEOPLE.items():
            server.passwords[username] = secrets.token_urlsafe(16)
            server.ids[username] = pg_setup.add_user(conn, server.username(username), role,
                                                     server.passwords[username])
    for username in ("anna", "bo"):
        with server.connect(username) as conn:
            server.rows[username] = _open_case(conn, f"2025-{username}")
    yield server


def test_a_counsellor_sees_nothing_of_anothers_case(server: StudioServer) -> None:
    anna = server.rows["anna"]
    with server.connect("bo") as bo:
        for table, key in (("cases", "case"), ("clients", "client"), ("sessions", "session"),
                           ("assessments", "assessment"), ("referrals", "referral")):
            mine = bo.execute(f"SELECT id FROM xinhe.{table}").fetchall()
            assert mine == [(server.rows["bo"][key],)], table
            assert bo.execute(f"SELECT * FROM xinhe.{table} WHERE id = %s",
                              (anna[key],)).fetchall() == [], table
        changed = bo.execute("UPDATE xinhe.cases SET summary = 'x' WHERE id = %s",
                             (anna["case"],))
        assert changed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            bo.execute("INSERT INTO xinhe.sessions (case_id, started_at, duration_min,"
                       " modality, template_id, template_version, answers, author_id,"
                       " created_at, updated_at) VALUES (%s, %s, 5, 'phone', 'dap', 1, 'x',"
                       " %s, %s, %s)", (anna["case"], NOW, server.ids["bo"], NOW, NOW))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            bo.execute("INSERT INTO xinhe.case_shares (case_id, user_id, shared_by, shared_at)"
                       " VALUES (%s, %s, %s, %s)",
                       (anna["case"], server.ids["bo"], server.ids["bo"], NOW))
        assert _one(bo, "SELECT xinhe.can_see_case(%s, 'notes')", anna["case"]) is False
    with server.connect("anna") as conn:
        assert _one(conn, "SELECT summary FROM xinhe.cases WHERE id = %s", anna["case"]) \
            is None


def test_a_shared_case_opens_to_the_colleague(server: StudioServer) -> None:
    with server.connect("anna") as anna:
        rows = _open_case(anna, "2025-shared")
        with server.connect("bo") as bo:
            assert bo.execute("SELECT 1 FROM xinhe.sessions WHERE id = %s",
                              (rows["session"],)).fetchall() == []
            anna.execute("INSERT INTO xinhe.case_shares (case_id, user_id, shared_by,"
                         " shared_at) VALUES (%s, %s, %s, %s)",
                         (rows["case"], server.ids["bo"], server.ids["anna"], NOW))
            for table, key in (("cases", "case"), ("clients", "client"),
                               ("sessions", "session"), ("assessments", "assessment")):
                assert bo.execute(f"SELECT id FROM xinhe.{table} WHERE id = %s",
                                  (rows[key],)).fetchall() == [(rows[key],)], table
            assert _one(bo, "SELECT xinhe.can_see_case(%s, 'write')", rows["case"]) is True
            assert _one(bo, "SELECT xinhe.can_see_case(%s, 'supervise')", rows["case"]) \
                is False
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="reassign"):
                bo.execute("UPDATE xinhe.cases SET counsellor_id = %s WHERE id = %s",
                           (server.ids["bo"], rows["case"]))


def test_staff_see_headers_and_referrals_but_no_notes(server: StudioServer) -> None:
    cases = {server.rows[u]["case"] for u in ("anna", "bo")}
    referrals = {server.rows[u]["referral"] for u in ("anna", "bo")}
    with server.connect("staff1") as staff:
        assert cases <= {r[0] for r in staff.execute("SELECT id FROM xinhe.cases")}
        assert referrals <= {r[0] for r in staff.execute("SELECT id FROM xinhe.referrals")}
        done = staff.execute("UPDATE xinhe.referrals SET status = 'delivered',"
                             " delivered_at = %s WHERE id = %s",
                             (NOW, server.rows["anna"]["referral"]))
        assert done.rowcount == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            staff.execute("UPDATE xinhe.referrals SET summary = 'x'")
        for table in NOTE_TABLES:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                staff.execute(f"SELECT * FROM xinhe.{table}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            staff.execute("SELECT data FROM xinhe.attachments")


def test_admin_sees_users_and_audit_but_no_case_content(server: StudioServer) -> None:
    with server.connect("admin") as admin:
        assert _one(admin, "SELECT count(*) FROM xinhe.users") >= len(PEOPLE)
        assert _one(admin, "SELECT count(*) FROM xinhe.audit_event") > 0
        for table in ("cases", "clients", "sessions", "referrals", "case_shares"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                admin.execute(f"SELECT * FROM xinhe.{table}")


def test_row_security_holds_even_if_a_grant_slips_in(server: StudioServer) -> None:
    tables = ", ".join(f"xinhe.{t}" for t in (*NOTE_TABLES, "cases", "clients"))
    server.cluster.superuser_sql(f"GRANT SELECT ON {tables} TO xinhe_staff, xinhe_admin",
                                 server.dbname)
    try:
        with server.connect("staff1") as staff, server.connect("admin") as admin:
            for table in NOTE_TABLES:
                assert staff.execute(f"SELECT * FROM xinhe.{table}").fetchall() == [], table
            for table in ("cases", "clients", "sessions"):
                assert admin.execute(f"SELECT * FROM xinhe.{table}").fetchall() == [], table
    finally:
        server.cluster.superuser_sql(f"REVOKE SELECT ON {tables} FROM xinhe_staff,"
                                     " xinhe_admin", server.dbname)


def test_the_supervisor_reads_every_case(server: StudioServer) -> None:
    with server.connect("sup") as sup:
        for table, key in (("cases", "case"), ("clients", "client"), ("sessions", "session"),
                           ("assessments", "assessment")):
            seen = {r[0] for r in sup.execute(f"SELECT id FROM xinhe.{table}")}
            assert {server.rows[u][key] for u in ("anna", "bo")} <= seen, table
        case = server.rows["bo"]["case"]
        assert _one(sup, "SELECT xinhe.can_see_case(%s, 'supervise')", case) is True
        sup.execute("UPDATE xinhe.cases SET supervisor_id = %s WHERE id = %s",
                    (server.ids["sup"], case))


def test_nobody_can_put_another_name_on_a_record(server: StudioServer) -> None:
    anna, bo_id = server.rows["anna"], server.ids["bo"]
    with server.connect("anna") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO xinhe.sessions (case_id, started_at, duration_min,"
                         " modality, template_id, template_version, answers, author_id,"
                         " created_at, updated_at) VALUES (%s, %s, 5, 'phone', 'dap', 1,"
                         " 'x', %s, %s, %s)", (anna["case"], NOW, bo_id, NOW, NOW))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO xinhe.clients (name, name_key, created_by, created_at,"
                         " updated_at) VALUES ('n', 'k', %s, %s, %s)", (bo_id, NOW, NOW))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="cannot be changed"):
            conn.execute("UPDATE xinhe.sessions SET author_id = %s WHERE id = %s",
                         (bo_id, anna["session"]))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO xinhe.audit_event VALUES (999, %s, 'bo', 'counsellor',"
                         " 'pc', 'x', 'x', 'x', 'ok', %s, %s)", (NOW, GENESIS, "f" * 64))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE xinhe.users SET role = 'supervisor', pg_role = 'x'")


def test_signed_notes_are_locked_and_drafts_stay_private(server: StudioServer) -> None:
    session = server.rows["anna"]["session"]
    with server.connect("anna") as anna, server.connect("sup") as sup:
        anna.execute("UPDATE xinhe.sessions SET signed_at = %s WHERE id = %s", (NOW, session))
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="locked"):
            anna.execute("UPDATE xinhe.sessions SET answers = 'y' WHERE id = %s", (session,))
        anna.execute("INSERT INTO xinhe.drafts (user_id, draft_key, payload, updated_at)"
                     " VALUES (%s, 'note', 'sealed', %s)", (server.ids["anna"], NOW))
        assert _one(anna, "SELECT count(*) FROM xinhe.drafts") == 1
        assert _one(sup, "SELECT count(*) FROM xinhe.drafts") == 0


def test_the_audit_table_is_append_only_for_everyone(server: StudioServer) -> None:
    connections = [server.connect(u) for u in PEOPLE] + [server.setup()]
    try:
        before = _one(connections[0], "SELECT count(*) FROM xinhe.audit_event")
        for conn in connections:
            for statement in ("UPDATE xinhe.audit_event SET outcome = 'x'",
                              "DELETE FROM xinhe.audit_event",
                              "TRUNCATE xinhe.audit_event"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    finally:
        for conn in connections:
            conn.close()
    for statement in ("UPDATE xinhe.audit_event SET outcome = 'x'",
                      "DELETE FROM xinhe.audit_event", "TRUNCATE xinhe.audit_event"):
        with pytest.raises(subprocess.CalledProcessError) as refused:
            server.cluster.superuser_sql(statement, server.dbname)
        assert "append-only" in refused.value.stderr
    with server.connect("admin") as admin:
        assert _one(admin, "SELECT count(*) FROM xinhe.audit_event") >= before


def _chain(server: StudioServer) -> list[dict[str, Any]]:
    with server.connect("admin") as admin:
        cursor = admin.execute("SELECT * FROM xinhe.audit_event ORDER BY seq")
        names = [c.name for c in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor]


def _assert_chain_intact(entries: list[dict[str, Any]]) -> None:
    previous = GENESIS
    for number, entry in enumerate(entries, start=1):
        assert entry["seq"] == number
        assert entry["prev_hash"] == previous
        assert entry_hash(entry) == entry["hash"], entry["seq"]
        previous = entry["hash"]


def test_triggers_and_audit_append_chain_as_python_verifies(server: StudioServer) -> None:
    awkward = '第1条 "quoted" back\\slash\nnew line\ttab \x01 \u2028 é 😀'
    with server.connect("bo") as bo:
        bo.execute("SET xinhe.workstation = 'desk-2'")
        appended = bo.execute("SELECT seq, hash, \"user\", role, workstation FROM"
                              " xinhe.audit_append('case.read', 'case', %s, 'notes')",
                              (awkward,)).fetchone()
        assert bo.execute("SELECT * FROM xinhe.audit_head()").fetchone() == appended[:2]
    entries = _chain(server)
    _assert_chain_intact(entries)
    assert appended[2:] == (server.username("bo"), "counsellor", "desk-2")
    assert entries[appended[0] - 1]["object_id"] == awkward
    written = {(e["user"], e["action"], e["object_id"]) for e in entries}
    for user in ("anna", "bo"):
        rows = server.rows[user]
        for action, key in (("cases.insert", "case"), ("sessions.insert", "session"),
                            ("assessments.insert", "assessment"),
                            ("clients.insert", "client"), ("referrals.insert", "referral")):
            assert (server.username(user), action, str(rows[key])) in written


def test_concurrent_writers_never_fork_the_chain(server: StudioServer) -> None:
    errors: list[BaseException] = []

    def append_many(username: str) -> None:
        try:
            with server.connect(username) as conn:
                for number in range(20):
                    with conn.transaction():
                        conn.execute("SELECT xinhe.audit_append('race', 'test', %s, 'ok')",
                                     (f"{username}-{number}",))
        except BaseException as error:  # reported below, from the test's thread
            errors.append(error)

    workers = [threading.Thread(target=append_many, args=(u,))
               for u in ("anna", "bo", "sup", "staff1")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    entries = _chain(server)
    _assert_chain_intact(entries)
    assert sum(e["action"] == "race" for e in entries) == 80


def test_daily_roles_own_nothing_and_every_case_table_forces_row_security(
        server: StudioServer) -> None:
    with server.setup() as conn:
        owners = conn.execute(
            "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n"
            " ON n.oid = c.relnamespace WHERE n.nspname = 'xinhe'").fetchall()
        assert owners == [(pg_policies.OWNER,)]
        daily = conn.execute(
            "SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,"
            " array(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g"
            " ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1)"
            " FROM pg_roles r WHERE r.rolname IN (SELECT pg_role FROM xinhe.users)"
            " OR r.rolname = ANY(%s)", (list(pg_policies.GROUPS.values()),)).fetchall()
        assert len(daily) == len(PEOPLE) + len(pg_policies.GROUPS)
        for name, superuser, bypass, createrole, createdb, groups in daily:
            assert not (superuser or bypass or createrole or createdb), name
            if name.startswith("xinhe_u_"):
                short = name.removeprefix("xinhe_u_").removesuffix(f"-{server.tag}")
                assert groups == [pg_policies.GROUPS[PEOPLE[short]]], name
            else:
                assert groups == [], name
        flags = dict((r[0], (r[1], r[2])) for r in conn.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'xinhe' AND c.relkind = 'r'"))
        for table in pg_policies.CASE_SCOPED:
            assert flags[table] == (True, True), table


def test_setting_up_twice_is_refused_and_users_can_be_shut_out(server: StudioServer) -> None:
    with pytest.raises(pg_setup.StudioServerError) as twice:
        pg_setup.init_database(server.cluster.dsn(), server.dbname)
    assert "already holds a Xinhe studio" in twice.value.en
    assert "已经是一个馨和工作室数据库" in twice.value.zh
    with server.setup() as conn:
        server.passwords["leaver"] = "a-passphrase"
        pg_setup.add_user(conn, server.username("leaver"), "counsellor", "a-passphrase")
        with server.connect("leaver") as leaver:
            assert _one(leaver, "SELECT xinhe.current_role()") == "counsellor"
            pg_setup.disable_user(conn, server.username("leaver"))
            assert _one(leaver, "SELECT xinhe.current_role()") is None
            assert leaver.execute("SELECT * FROM xinhe.sessions").fetchall() == []
        with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
            server.connect("leaver")
        pg_setup.remove_user(conn, server.username("leaver"))
        assert conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                            (pg_setup.login_role(server.username("leaver")),)).fetchall() == []
        assert _one(conn, "SELECT removed_at IS NOT NULL FROM xinhe.users WHERE username = %s",
                    server.username("leaver")) is True



def test_key_slots_are_each_users_own_and_the_admins(server: StudioServer) -> None:
    anna, bo = server.username("anna"), server.username("bo")
    slot = '{"wrapped": "sealed"}'
    with server.connect("admin") as admin:
        for username in (anna, bo):
            admin.execute("INSERT INTO xinhe.key_slots (username, slot, updated_at)"
                          " VALUES (%s, %s, %s)", (username, slot, NOW))
        admin.execute("INSERT INTO xinhe.recovery_slot (slot, updated_at) VALUES (%s, %s)",
                      (slot, NOW))
    with server.connect("anna") as conn:
        assert conn.execute("SELECT username FROM xinhe.key_slots").fetchall() == [(anna,)]
        assert conn.execute("UPDATE xinhe.key_slots SET updated_at = 'x' WHERE username = %s",
                            (bo,)).rowcount == 0
        assert conn.execute("UPDATE xinhe.key_slots SET updated_at = 'x' WHERE username = %s",
                            (anna,)).rowcount == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM xinhe.recovery_slot")


SQLITE_ONLY = {"search_tri", "search_gram", "sqlite_sequence", "session_months"}
SERVER_ONLY = {"key_slots", "recovery_slot", "login_verifiers", "imported_audit_event",
               "login_lockouts"}
TYPES = {"TEXT": {"text"}, "INTEGER": {"integer", "bigint"}, "BLOB": {"bytea"}}


def test_the_server_has_the_vaults_tables_and_columns(server: StudioServer,
                                                      vault: Vault) -> None:
    local: dict[str, dict[str, tuple[str, bool]]] = {}
    for (table,) in vault.db.all("SELECT name FROM sqlite_master WHERE type = 'table'"):
        if table in SQLITE_ONLY or table.startswith(("search_tri_", "search_gram_")):
            continue
        local[table] = {r["name"]: (r["type"], bool(r["notnull"] or r["pk"]))
                        for r in vault.db.all(f"PRAGMA table_info({table})")}
    remote: dict[str, dict[str, tuple[str, bool]]] = {}
    with server.setup() as conn:
        for table, column, data_type, nullable in conn.execute(
                "SELECT table_name, column_name, data_type, is_nullable FROM"
                " information_schema.columns WHERE table_schema = 'xinhe'"):
            remote.setdefault(table, {})[column] = (data_type, nullable == "NO")
    assert set(remote) - set(local) == SERVER_ONLY
    assert set(local) - set(remote) == set()
    for table, columns in local.items():
        extra = {"users": {"pg_role"}, "search_doc": {"tokens"}}.get(table, set())
        assert set(remote[table]) == set(columns) | extra, table
        for column, (sqlite_type, not_null) in columns.items():
            data_type, required = remote[table][column]
            assert data_type in TYPES[sqlite_type], (table, column)
            assert required == not_null, (table, column)
