"""`xinhe server import-vault DIR` and `xinhe demo --server`: a studio moving its demo vault
onto a new studio server, as the IT person runs it, and what each person then sees there.

Each test has a PostgreSQL cluster of its own: the demo's login roles (xinhe_u_admin, …) are
server-wide, so two demo studios cannot share one cluster (nor the session's test studio)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

import pg_cluster as cluster_module
from pg_cluster import Cluster
from xinhe import cli
from xinhe.crypto.binding import DeviceBinding
from xinhe.errors import AccessDenied
from xinhe.export.demo import create_full_demo
from xinhe.records import demo_text
from xinhe.records import templates as tpl
from xinhe.records.demo import DEMO_USERS
from xinhe.records.services import Services
from xinhe.records.storage.server_admin import add_server_user, init_studio
from xinhe.records.storage.server_session import ServerFolder
from xinhe.records.vault import VaultFolder

PASSWORDS = {login: password for _, login, _, password in DEMO_USERS}
SEARCH_WORDS = ("当事人", "情绪", "安全")


@pytest.fixture
def own_cluster() -> Iterator[Cluster]:
    cluster = cluster_module.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def run(binding: DeviceBinding, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(list(argv))
    code = cli.run(args, cli.Io(io.StringIO(stdin), out, err), binding)
    return code, out.getvalue(), err.getvalue()


def what_she_sees(svc: Services) -> dict[str, Any]:
    """A counsellor's view: her case numbers with their clients and every note's answers,
    and what searching finds."""
    cases = {}
    for case in sorted(svc.cases.find(), key=lambda c: c.case_no):
        notes = [(n.started_at, n.answers, n.signed) for n in svc.notes.sessions(case.id)]
        cases[case.case_no] = (case.client_name, case.counsellor_name, notes)
    hits = {word: [(h.case_no, h.kind, h.title, h.ts, h.snippet)
                   for h in svc.search(word, limit=500)] for word in SEARCH_WORDS}
    return {"cases": cases, "hits": hits}


def sign_in(dsn: str, login: str) -> Services:
    return Services(ServerFolder(dsn).unlock(login, PASSWORDS[login]),
                    tpl.TemplateRegistry.default())


def test_a_demo_vault_moves_whole_sealed_and_verifiable_and_only_once(
        own_cluster: Cluster, folder: VaultFolder, binding: DeviceBinding) -> None:
    create_full_demo(folder, cases=24, seed=11)
    local = Services(folder.unlock("wangli", PASSWORDS["wangli"]), tpl.TemplateRegistry.default())
    before = what_she_sees(local)
    supervisor = Services(folder.unlock("zhoujing", PASSWORDS["zhoujing"]),
                          tpl.TemplateRegistry.default())
    client_names = {c.client_name for c in supervisor.cases.find()}
    every_case = len(supervisor.cases.find())
    local.vault.close()
    supervisor.vault.close()
    assert before["cases"] and all(before["hits"].values())
    assert len(before["cases"]) < every_case  # her own cases, not the studio's

    server, _ = init_studio(own_cluster.dsn(), "studio", "馨和家园工作室", "admin", "系统管理员",
                            PASSWORDS["admin"])
    argv = ("server", "import-vault", str(folder.path), "--server", server, "--user", "admin",
            "--setup-dsn", own_cluster.dsn())
    secrets_in = f"{PASSWORDS['admin']}\n{PASSWORDS['admin']}\n"
    # The vault's users must have server accounts first: refused, naming them, nothing moved.
    code, out, err = run(binding, *argv, stdin=secrets_in)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "wangli" in err and "zhoujing" in err and "server add-user" in err
    assert own_cluster.superuser_sql("SELECT (SELECT count(*) FROM xinhe.cases) + (SELECT"
                                     " count(*) FROM xinhe.imported_audit_event)",
                                     "studio").strip() == "0"

    admin = ServerFolder(server).unlock("admin", PASSWORDS["admin"])
    for role, login, name, password in DEMO_USERS[1:]:
        add_server_user(own_cluster.dsn(), admin, login, role, password, name)
    admin.close()
    code, out, err = run(binding, *argv, "--json", stdin=secrets_in)
    assert code == 0, err
    report = json.loads(out)
    assert report["rows"]["cases"] == every_case

    wang = sign_in(server, "wangli")
    assert what_she_sees(wang) == before
    wang.vault.close()
    sup = sign_in(server, "zhoujing")
    assert {c.client_name for c in sup.cases.find()} == client_names
    # The duplicate check finds an imported client by her name, through the blind keys.
    some_case = sup.cases.find()[0]
    found = sup.clients.find_duplicates(name=some_case.client_name)
    assert any(some_case.case_no in d.case_numbers for d in found)
    sup.vault.close()

    # The server's chain and the imported one both verify; the import entry names its head.
    code, out, err = run(binding, "audit", "verify", "--server", server, "--user", "admin",
                         stdin=f"{PASSWORDS['admin']}\n")
    assert code == 0, err
    assert "审计链完整" in out and f"链头第 {report['imported_audit']['seq']} 条相符" in out

    # What a stolen dump of the server shows: no client's name, no sentence of a note.
    dump = own_cluster.pg_dump("studio")
    staff_names = {name for _, _, name, _ in DEMO_USERS}
    assert [n for n in client_names - staff_names if n in dump] == []
    phrases = {p for pool in (demo_text.DATA, demo_text.ASSESSMENT, demo_text.PLAN,
                              demo_text.PRESENTING) for p in pool if len(p) >= 6}
    assert phrases and [p for p in phrases if p in dump] == []

    # Once only: a second import is refused; the vault is still whole and still opens.
    code, out, err = run(binding, *argv, stdin=secrets_in)
    assert code == 1 and "已经有个案" in err and err.count("\n") == 1
    again = Services(folder.unlock("wangli", PASSWORDS["wangli"]), tpl.TemplateRegistry.default())
    assert what_she_sees(again) == before
    assert again.vault.audit.verify().ok
    assert [e.action for e in again.vault.audit.events(action_prefix="vault.export")]
    again.vault.close()


def test_nobody_may_change_the_imported_chain_and_a_change_is_found(
        own_cluster: Cluster, folder: VaultFolder, binding: DeviceBinding) -> None:
    create_full_demo(folder, cases=3, seed=5)
    server, _ = init_studio(own_cluster.dsn(), "studio", "馨和家园工作室", "admin", "系统管理员",
                            PASSWORDS["admin"])
    admin = ServerFolder(server).unlock("admin", PASSWORDS["admin"])
    for role, login, name, password in DEMO_USERS[1:]:
        add_server_user(own_cluster.dsn(), admin, login, role, password, name)
    admin.close()
    code, _, err = run(binding, "server", "import-vault", str(folder.path), "--server", server,
                       "--user", "admin", "--setup-dsn", own_cluster.dsn(),
                       stdin=f"{PASSWORDS['admin']}\n{PASSWORDS['admin']}\n")
    assert code == 0, err
    sup = ServerFolder(server).unlock("zhoujing", PASSWORDS["zhoujing"])
    assert sup.db.scalar("SELECT count(*) FROM imported_audit_event") > 10
    for statement in ("DELETE FROM imported_audit_event",
                      "UPDATE imported_audit_event SET outcome = 'x'"):
        with pytest.raises(AccessDenied):
            sup.db.execute(statement)
    sup.close()
    with pytest.raises(cluster_module.subprocess.CalledProcessError):  # the owner: refused
        own_cluster.superuser_sql("SET ROLE xinhe_owner; INSERT INTO xinhe.imported_audit_event"
                                  " SELECT seq + 1000, ts, \"user\", role, workstation, action,"
                                  " object_type, object_id, outcome, prev_hash || 'x',"
                                  " hash || 'x' FROM xinhe.imported_audit_event WHERE seq = 1",
                                  "studio")

    # Whoever gets past the triggers (a superuser) is caught by audit verify.
    own_cluster.superuser_sql("ALTER TABLE xinhe.imported_audit_event DISABLE TRIGGER USER;"
                              " UPDATE xinhe.imported_audit_event SET outcome = 'refused'"
                              " WHERE seq = 4", "studio")
    code, out, err = run(binding, "audit", "verify", "--server", server, "--user", "admin",
                         stdin=f"{PASSWORDS['admin']}\n")
    assert code == 1 and "篡改" in err
    assert re.search(r"✗ 服务器审计链第 \d+ 条记下的导入本地审计链：第 4 条审计记录被修改",
                     out), out


def test_demo_on_the_server_makes_a_studio_with_the_demo_logins(
        own_cluster: Cluster, binding: DeviceBinding) -> None:
    code, out, err = run(binding, "demo", "--server", own_cluster.dsn(), "--dbname", "demo1",
                         "--cases", "10", "--json")
    assert code == 0, err
    made = json.loads(out)
    assert {(x["user"], x["password"]) for x in made["logins"]} == set(PASSWORDS.items())
    sup = sign_in(made["server"], "zhoujing")
    cases = sup.cases.find()
    assert len(cases) == made["cases"] == 10
    sup.vault.close()
    wang = sign_in(made["server"], "wangli")
    mine = wang.cases.find()
    assert mine and {c.counsellor_name for c in mine} == {"王丽"} and len(mine) < len(cases)
    assert wang.notes.sessions(mine[0].id)
    wang.vault.close()
    code, out, err = run(binding, "audit", "verify", "--server", made["server"], "--user",
                         "admin", stdin=f"{PASSWORDS['admin']}\n")
    assert code == 0 and "审计链完整" in out, err
    # A second demo on the same server would need the same (server-wide) login names.
    code, out, err = run(binding, "demo", "--server", own_cluster.dsn(), "--dbname", "demo2",
                         "--cases", "3")
    assert code == 1 and "演示用户" in err.splitlines()[-1]  # after the progress line
    assert "admin、chenfang、huangmin、wangli、zhoujing" in err  # which names, for IT
    assert own_cluster.superuser_sql("SELECT count(*) FROM pg_database WHERE datname = 'demo2'"
                                     ).strip() == "0"
