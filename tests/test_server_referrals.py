"""Staff export, deliver and list referrals on the studio server from the command line: the
packet is signed with the studio's key kept sealed on the server and `xinhe verify` accepts
it, while staff still cannot read a single note there."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conftest import ServerStudio, dv_intake_answers
from xinhe import cli
from xinhe.crypto.binding import DeviceBinding
from xinhe.errors import AccessDenied
from xinhe.export.outbox import read_manifest
from xinhe.records.referral_packets import assemble_packet

NOTE = "当事人说丈夫昨晚又动手了。"
SUMMARY = "当事人遭受配偶殴打，请公安机关出具告诫书。"


def run(binding: DeviceBinding, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(list(argv))
    code = cli.run(args, cli.Io(io.StringIO(stdin), out, err), binding)
    return code, out.getvalue(), err.getvalue()


def drafted(server: ServerStudio) -> tuple[str, int]:
    """王丽's DV case with a signed note, police consent and a draft referral."""
    wang = server.wang
    case = server.new_case(wang)
    wang.notes.record_assessment(case.id, template_id="dv_intake",
                                 answers=dv_intake_answers("weapon"))
    note = wang.notes.draft_session(case.id, started_at=wang.vault.now(), duration_min=50,
                                    modality="in_person", persons_served=1,
                                    answers={"data": NOTE, "assessment": "", "plan": ""})
    wang.notes.sign_session(note.id, note.version)
    wang.consents.record(case.id, purpose="referral", recipient="police",
                         given_at=wang.vault.now(), form="written", given_by="本人")
    wang.referrals.create(case.id, agency="police", purpose="referral", summary=SUMMARY)
    return case.case_no, case.id


def test_staff_export_a_signed_packet_that_verifies_and_still_read_no_note(
        server: ServerStudio, binding: DeviceBinding, tmp_path: Path) -> None:
    case_no, case_id = drafted(server)
    # Staff's packet holds the same parts of the record as a supervisor's would.
    [draft] = server.staff.referrals.find(case_id=case_id, status="draft")
    packets = [assemble_packet(svc.vault, svc.templates, draft.id, preview=True)
               for svc in (server.staff, server.sup)]
    assert packets[0].record_parts == packets[1].record_parts
    assert "incident_summary" in {p.key for p in packets[0].record_parts}
    assert "对方多次动手" in str(packets[0].record_parts)
    dsn, staff = server.folder.dsn, server.PASSWORDS["staff"] + "\n"
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    code, out, err = run(binding, "referral", "export", case_no, "--to", "police",
                         "--purpose", "referral", "--out", str(outbox), "--server", dsn,
                         "--user", "staff", "--json", stdin=staff)
    assert code == 0, err
    exported = json.loads(out)
    assert exported["status"] == "delivered" and exported["case_no"] == case_no
    [pdf] = outbox.glob("*.pdf")
    assert exported["file"] == str(pdf)
    code, out, err = run(binding, "verify", str(pdf), "--json")
    assert code == 0, err
    verified = json.loads(out)
    assert verified["ok"] and verified["exported_by"] == "黄敏"
    assert verified["referral_no"] == exported["referral_no"]
    # The certificate is the one the studio's server holds, made when it was set up.
    current = server.staff.vault.db.one(
        "SELECT fingerprint FROM signing_identities WHERE retired_at IS NULL")
    assert verified["certificate_sha256"].replace(":", "").lower() == current["fingerprint"]
    assert [e["referral_no"] for e in read_manifest(outbox)] == [exported["referral_no"]]

    # Delivered again to a second share, then listed: all by staff on the server.
    again = tmp_path / "again"
    again.mkdir()
    code, out, err = run(binding, "referral", "deliver", exported["referral_no"], "--out",
                         str(again), "--server", dsn, "--user", "staff", stdin=staff)
    assert code == 0, err
    assert [p.read_bytes() for p in again.glob("*.pdf")] == [pdf.read_bytes()]
    code, out, err = run(binding, "referral", "list", "--server", dsn, "--user", "staff",
                         "--json", stdin=staff)
    assert code == 0, err
    assert [(r["referral_no"], r["status"], r["sha256"]) for r in json.loads(out)] == [
        (exported["referral_no"], "delivered", exported["sha256"])]

    # Staff still read no note: not through the services, not with their own SQL.
    with pytest.raises(AccessDenied):
        server.staff.notes.sessions(case_id)
    raw = server.folder.connect("staff", server.PASSWORDS["staff"])
    try:
        for table in ("sessions", "assessments", "addenda", "crisis_interventions"):
            with pytest.raises(AccessDenied):
                raw.all(f"SELECT * FROM {table}")
        docs = raw.all("SELECT kind, body FROM search_doc")
        assert {d["kind"] for d in docs} <= {"case"}
        # The packet's sources were theirs only while a consented draft waited for export.
        assert raw.all("SELECT * FROM packet_assessments(?)", (case_id,)) == []
        assert raw.all("SELECT * FROM packet_sessions(?)", (case_id,)) == []
    finally:
        raw.close()
    wang = server.folder.connect("wang", server.PASSWORDS["wang"])
    try:
        with pytest.raises(AccessDenied):  # those who read notes read the tables instead
            wang.all("SELECT * FROM packet_sessions(?)", (case_id,))
    finally:
        wang.close()
    audit = [(e.action, e.object_type) for e in server.sup.vault.audit.events(limit=80)
             if e.user == "staff"]
    assert any(action.startswith("referral.") for action, _ in audit)


def test_staff_cannot_draft_on_the_server_and_are_told_why(server: ServerStudio,
                                                           binding: DeviceBinding,
                                                           tmp_path: Path) -> None:
    case_no, _ = drafted(server)
    code, out, err = run(binding, "referral", "export", case_no, "--to", "court",
                         "--purpose", "protection_order", "--out", str(tmp_path),
                         "--server", server.folder.dsn, "--user", "staff",
                         stdin=server.PASSWORDS["staff"] + "\n")
    assert code == 1 and "工作人员再导出" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
