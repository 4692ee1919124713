"""Retention on the studio server, from the command line as a supervisor runs it: the due
case is listed, and a purge removes every row of it from every table — its notes, sealed
attachments, blind search tokens, other users' unsaved forms, the client — audited, while
the other case and its drafts stay."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from conftest import ADMIN_PASSWORD, Clock, ServerStudio
from test_retention import MARKER, closed_case
from xinhe import cli
from xinhe.crypto.binding import DeviceBinding


def run(binding: DeviceBinding, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(list(argv))
    code = cli.run(args, cli.Io(io.StringIO(stdin), out, err), binding)
    return code, out.getvalue(), err.getvalue()


def rows_of_case(server: ServerStudio, case_id: int) -> dict[str, int]:
    """As the cluster's superuser (no row security): rows naming the case, per table."""
    sql = server.template.cluster.superuser_sql
    tables = sql("SELECT table_name FROM information_schema.columns WHERE table_schema ="
                 " 'xinhe' AND column_name = 'case_id' ORDER BY 1",
                 server.template.dbname).split()
    counts = {t: int(sql(f"SELECT count(*) FROM xinhe.{t} WHERE case_id = {case_id}",
                         server.template.dbname)) for t in tables}
    counts["cases"] = int(sql(f"SELECT count(*) FROM xinhe.cases WHERE id = {case_id}",
                              server.template.dbname))
    counts["search_token"] = int(sql(  # the blind tokens, each document's array
        "SELECT coalesce(sum(cardinality(tokens)), 0) FROM xinhe.search_doc"
        f" WHERE case_id = {case_id}", server.template.dbname))
    return {t: n for t, n in counts.items() if n}


def test_a_supervisor_purges_a_due_case_on_the_server(server: ServerStudio, clock: Clock,
                                                      binding: DeviceBinding) -> None:
    case = closed_case(server, clock, years_ago=11, note=f"当事人说：{MARKER}",
                       name="清除测试人", phone="13711112222")
    wang = server.wang
    scan = wang.attachments.add(case.id, kind="consent_scan", filename="同意书.txt",
                                data=f"同意书 {MARKER}".encode())
    wang.consents.record(case.id, purpose="legal_aid", recipient="justice",
                         given_at=clock.now, form="written", given_by="本人",
                         attachment_id=scan.id)
    wang.referrals.create(case.id, agency="justice", purpose="legal_aid", summary=MARKER)
    wang.persons.add(case.id, relation="abuser", name="施暴者甲", phone="13900001111")
    wang.planning.schedule_followup(case.id, clock.now + timedelta(days=3))
    kept = closed_case(server, clock, years_ago=1, note="另一个个案")
    wang.drafts.save(f"safety_plan:{case.id}", "安全计划", {
        "kind": "safety_plan", "case_id": case.id, "answers": {"warning_signs": MARKER}})
    wang.drafts.save(f"safety_plan:{kept.id}", "安全计划", {
        "kind": "safety_plan", "case_id": kept.id, "answers": {"warning_signs": "保留"}})
    before = rows_of_case(server, case.id)
    assert {"sessions", "attachments", "consents", "referrals", "linked_persons",
            "followups", "search_doc", "search_token", "cases"} <= set(before)
    kept_before = rows_of_case(server, kept.id)

    dsn, sup = server.folder.dsn, server.PASSWORDS["sup"] + "\n"
    code, out, err = run(binding, "retention", "list", "--server", dsn, "--user", "sup",
                         "--json", stdin=sup)
    assert code == 0, err
    assert [d["case_no"] for d in json.loads(out)] == [case.case_no]
    code, out, err = run(binding, "retention", "purge", case.case_no, "--yes", "--server",
                         dsn, "--user", "wang", stdin=server.PASSWORDS["wang"] + "\n")
    assert code == 1 and err.count("\n") == 1
    code, out, err = run(binding, "retention", "purge", case.case_no, "--yes", "--server",
                         dsn, "--user", "sup", stdin=sup)
    assert code == 0, err
    assert "autovacuum" in out and "密文" in out

    assert rows_of_case(server, case.id) == {}
    assert rows_of_case(server, kept.id) == kept_before
    assert server.sup.search("PURGE-MARKER") == []
    assert [h.case_no for h in server.sup.search("另一个个案")] == [kept.case_no]
    assert server.sup.vault.db.one("SELECT 1 FROM clients WHERE id = ?",
                                   (server.sup.cases.header(kept.id).client.id,)) is not None
    assert server.template.cluster.superuser_sql(
        "SELECT count(*) FROM xinhe.clients", server.template.dbname).strip() == "1"
    # 王丽's unsaved form about the purged case is gone; the other one stays hers.
    assert [d.payload["case_id"] for d in wang.drafts.all()] == [kept.id]
    event = server.sup.vault.audit.events(action_prefix="retention.purge")[0]
    assert (event.user, event.object_id, event.outcome) == ("sup", case.case_no,
                                                            "client removed")
    assert server.sup.vault.audit.verify().ok


def test_only_a_supervisor_may_call_the_purge_and_only_for_a_closed_case(
        server: ServerStudio, clock: Clock) -> None:
    from xinhe.errors import AccessDenied

    open_case = server.new_case(server.wang)
    due = closed_case(server, clock, years_ago=11, note="到期")
    for login in ("wang", "staff", "admin"):
        raw = server.folder.connect(login, {**server.PASSWORDS, "admin": ADMIN_PASSWORD}[login])
        try:
            with pytest.raises(AccessDenied):
                raw.all("SELECT * FROM purge_case(?)", (due.id,))
        finally:
            raw.close()
    raw = server.folder.connect("sup", server.PASSWORDS["sup"])
    try:
        with pytest.raises(Exception, match="closed"):
            raw.all("SELECT * FROM purge_case(?)", (open_case.id,))
    finally:
        raw.close()
    assert rows_of_case(server, open_case.id)["cases"] == 1
    assert rows_of_case(server, due.id)["sessions"] == 1
