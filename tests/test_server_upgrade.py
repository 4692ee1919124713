"""`xinhe server upgrade`: a studio database made by an older Xinhe refuses sign-in until the
IT person upgrades it; the upgrade makes it exactly what a new studio is (columns, functions,
policies, triggers, grants), audited, and running it again changes nothing."""

from __future__ import annotations

import io
import subprocess

import psycopg
import pytest

from conftest import Studio
from pg_cluster import Cluster
from xinhe import cli
from xinhe.crypto.binding import DeviceBinding
from xinhe.records.storage.pg_upgrade import ServerNeedsUpgrade, WorkstationTooOld
from xinhe.records.storage.server_session import ServerFolder

pytestmark = pytest.mark.parametrize("backend", ["server"], indirect=True)

DB = "xinhe_test_studio"
# What makes two studio databases the same to the workstations: every column, function
# (its whole definition, owner and grants), policy, trigger, constraint, index and grant
# (no grant list at all is the owner's default one).
CATALOG = """
SELECT 'col', table_name || '.' || column_name, data_type || ' ' || is_nullable || ' '
       || coalesce(column_default, '') FROM information_schema.columns
 WHERE table_schema = 'xinhe'
UNION ALL
SELECT 'fn', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       md5(pg_get_functiondef(p.oid)) || ' ' || pg_get_userbyid(p.proowner) || ' '
       || coalesce((SELECT string_agg(a::text, ',' ORDER BY a::text)
                    FROM unnest(coalesce(p.proacl, acldefault('f', p.proowner))) a), '')
  FROM pg_proc p WHERE p.pronamespace = 'xinhe'::regnamespace
UNION ALL
SELECT 'policy', tablename || '.' || policyname, cmd::text || ' ' || roles::text || ' '
       || coalesce(qual, '') || ' ' || coalesce(with_check, '')
  FROM pg_policies WHERE schemaname = 'xinhe'
UNION ALL
SELECT 'trigger', t.tgrelid::regclass::text || '.' || t.tgname, pg_get_triggerdef(t.oid)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = 'xinhe'::regnamespace AND NOT t.tgisinternal
UNION ALL
SELECT 'constraint', k.conrelid::regclass::text || '.' || k.conname,
       pg_get_constraintdef(k.oid)
  FROM pg_constraint k WHERE k.connamespace = 'xinhe'::regnamespace
UNION ALL
SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'xinhe'
UNION ALL
SELECT 'relation', c.relname, c.relkind::text || ' ' || pg_get_userbyid(c.relowner) || ' '
       || c.relrowsecurity::text || c.relforcerowsecurity::text || ' '
       || coalesce((SELECT string_agg(a::text, ',' ORDER BY a::text)
                    FROM unnest(coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S'
                    THEN 's' ELSE 'r' END::"char", c.relowner))) a), '')
  FROM pg_class c WHERE c.relnamespace = 'xinhe'::regnamespace AND c.relkind IN ('r', 'S')
UNION ALL
SELECT 'column grant', a.attrelid::regclass::text || '.' || a.attname,
       (SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(a.attacl) x)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'xinhe'::regnamespace AND a.attacl IS NOT NULL
ORDER BY 1, 2, 3
"""
# How a studio made by the first server version differs from today's: no search_match or
# abuser_lookup, no login_verifiers or imported audit table, no client alias, search tokens
# in a table of their own, the deadlines' read policy of then, and version 1 recorded.
AGE = """
SET ROLE xinhe_owner;
DROP FUNCTION xinhe.search_match(bigint[], bigint, integer);
DROP FUNCTION xinhe.abuser_lookup(bigint, text, text, integer);
DROP TABLE xinhe.login_verifiers;
DROP TABLE xinhe.imported_audit_event;
DROP FUNCTION xinhe.imported_audit_closed();
ALTER TABLE xinhe.clients DROP COLUMN alias;
ALTER TABLE xinhe.search_doc DROP COLUMN tokens;
CREATE TABLE xinhe.search_token (
    doc_id bigint NOT NULL REFERENCES xinhe.search_doc(id) ON DELETE CASCADE,
    token bytea NOT NULL);
CREATE INDEX search_token_lookup ON xinhe.search_token (token, doc_id);
GRANT SELECT, INSERT, DELETE ON xinhe.search_token TO xinhe_supervisor, xinhe_counsellor;
DROP POLICY read ON xinhe.clocks;
CREATE POLICY read ON xinhe.clocks FOR SELECT USING (true);
UPDATE xinhe.meta SET value = '1' WHERE key = 'schema_version';
"""


def run(binding: DeviceBinding, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)),
                   cli.Io(io.StringIO(stdin), out, err), binding)
    return code, out.getvalue(), err.getvalue()


def superuser(cluster: Cluster, statements: str) -> str:
    try:
        return cluster.superuser_sql(statements, DB)
    except subprocess.CalledProcessError as failed:  # psql's own message, not the command
        raise AssertionError(failed.stderr) from None


def catalog(cluster: Cluster) -> list[str]:
    return superuser(cluster, CATALOG).splitlines()


def written(cluster: Cluster) -> str:
    """The audit chain's length and every user's last sign-in: what a sign-in writes."""
    return cluster.superuser_sql("SELECT (SELECT count(*) FROM xinhe.audit_event), "
                                 "(SELECT string_agg(coalesce(last_login_at, '-'), ','"
                                 " ORDER BY id) FROM xinhe.users)", DB)


def sign_out_everyone(studio: Studio) -> None:
    for session in studio.vaults:
        session.close("logout")


def sign_in(folder: ServerFolder, name: str) -> None:
    folder.unlock(name, Studio.PASSWORDS[name]).close("logout")


def test_an_old_studio_refuses_sign_in_until_upgraded_and_then_is_a_new_ones_equal(
        studio: Studio, pg_cluster: Cluster, binding: DeviceBinding) -> None:
    case = studio.new_case(studio.wang, name="林晓燕")
    draft = studio.wang.notes.draft_session(case.id, started_at=studio.folder.clock(),
                                            duration_min=30, modality="phone",
                                            answers={"data": "对方曾掐脖子。"})
    studio.wang.notes.sign_session(draft.id, draft.version)
    assert [h.case_id for h in studio.sup.search("掐脖子")] == [case.id]
    fresh = catalog(pg_cluster)
    sign_out_everyone(studio)  # every desk signed out while the IT person works
    superuser(pg_cluster, AGE)
    assert catalog(pg_cluster) != fresh

    folder, server = studio.folder, studio.folder.dsn
    before = written(pg_cluster)
    with pytest.raises(ServerNeedsUpgrade) as refused:
        sign_in(folder, "wang")
    assert "xinhe server upgrade" in refused.value.zh
    assert "xinhe server upgrade" in refused.value.en and "IT person" in refused.value.en
    code, out, err = run(binding, "cases", "list", "--server", server, "--user", "wang",
                         "--lang", "zh_CN", stdin=f"{Studio.PASSWORDS['wang']}\n")
    assert code != 0 and "技术人员" in err and "xinhe server upgrade" in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert written(pg_cluster) == before  # refused before anything was written

    code, out, err = run(binding, "server", "upgrade", "--server", server, "--setup-dsn",
                         pg_cluster.dsn(), "--lang", "en")
    assert code == 0, err
    assert "upgraded from version 1 to 2" in out
    assert "rebuilt (2 documents)" in out and "xinhe server reindex" in out  # case, note
    assert catalog(pg_cluster) == fresh
    chain = pg_cluster.superuser_sql("SELECT action, outcome, role FROM xinhe.audit_event"
                                     " ORDER BY seq DESC LIMIT 1", DB)
    assert chain.strip() == "server.upgrade|1->2|server"

    sign_in(folder, "wang")  # signs in now
    sup = studio.login("sup")
    assert sup.search("掐脖子") == []  # the old tokens are gone until a reindex
    code, out, err = run(binding, "server", "reindex", "--server", server, "--user", "sup",
                         "--json", stdin=f"{Studio.PASSWORDS['sup']}\n")
    assert code == 0, err
    assert '"documents": 2' in out
    assert [h.case_id for h in sup.search("掐脖子")] == [case.id]
    code, out, err = run(binding, "server", "reindex", "--server", server, "--user", "wang",
                         stdin=f"{Studio.PASSWORDS['wang']}\n")
    assert code != 0 and "Traceback" not in err  # a counsellor may not

    # Row security as it was: raw SQL as the other counsellor sees none of the case.
    with psycopg.connect(folder.login_conninfo("chen", Studio.PASSWORDS["chen"])) as chen:
        assert chen.execute("SELECT count(*) FROM xinhe.sessions WHERE case_id = %s",
                            (case.id,)).fetchone() == (0,)
        assert chen.execute("SELECT count(*) FROM xinhe.cases WHERE id = %s",
                            (case.id,)).fetchone() == (0,)
        assert chen.execute("SELECT count(*) FROM xinhe.search_doc WHERE case_id = %s",
                            (case.id,)).fetchone() == (0,)
    with psycopg.connect(folder.login_conninfo("wang", Studio.PASSWORDS["wang"])) as wang:
        assert wang.execute("SELECT count(*) FROM xinhe.sessions WHERE case_id = %s",
                            (case.id,)).fetchone() == (1,)

    # Again: nothing to do, nothing changed, not even the audit chain.
    before, shape = written(pg_cluster), catalog(pg_cluster)
    code, out, err = run(binding, "server", "upgrade", "--server", server, "--setup-dsn",
                         pg_cluster.dsn(), "--lang", "zh_CN")
    assert code == 0, err
    assert "已是当前版本（2）" in out and "没有做任何改动" in out
    assert written(pg_cluster) == before and catalog(pg_cluster) == shape
    code, out, err = run(binding, "audit", "verify", "--server", server, "--user", "admin",
                         "--lang", "en", stdin="admin-pass-1\n")
    assert code == 0, err


def test_a_newer_studio_database_asks_to_update_the_workstation(
        studio: Studio, pg_cluster: Cluster, binding: DeviceBinding) -> None:
    sign_out_everyone(studio)
    superuser(pg_cluster, "UPDATE xinhe.meta SET value = '3' WHERE key = 'schema_version'")
    before = written(pg_cluster)
    with pytest.raises(WorkstationTooOld) as refused:
        sign_in(studio.folder, "sup")
    assert "update it" in refused.value.en and "请先更新本工作站的馨和" in refused.value.zh
    code, out, err = run(binding, "server", "upgrade", "--server", studio.folder.dsn,
                         "--setup-dsn", pg_cluster.dsn(), "--lang", "en")
    assert code != 0 and "older than the server" in err and "Traceback" not in err
    assert written(pg_cluster) == before
