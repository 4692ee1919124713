"""Receiving dispatches into the vault, quarantine, the same reference twice, accepting
with and without a duplicate, the first-contact clock, and who may do what."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import Clock, ServerStudio, Studio
from tests.platform_fixtures import CLIENT, dispatch_doc, write
from xinhe.errors import AccessDenied
from xinhe.records import platform_inbox as inbox
from xinhe.records.platform_dispatch import DispatchInvalid

pytestmark = pytest.mark.both_backends


def counts(studio: Studio) -> tuple[int, int, int]:
    db = studio.sup.vault.db
    return (int(db.scalar("SELECT count(*) FROM platform_dispatches")),
            int(db.scalar("SELECT count(*) FROM cases")),
            int(db.scalar("SELECT count(*) FROM clients")))


def test_a_valid_file_is_stored_encrypted_then_moved_out_of_the_inbox(
        studio: Studio, tmp_path: Path) -> None:
    box = tmp_path / "inbox"
    write(box, "d1.json", [dispatch_doc("A-1"), dispatch_doc("A-2", grade="medium")])
    result = inbox.receive_inbox(studio.staff.vault, box)
    assert result.received == ["A-1", "A-2"] and result.rejected == []
    assert not (box / "d1.json").exists()
    assert (box / "received" / "d1.json").exists()
    waiting = inbox.waiting(studio.sup.vault)
    assert [(w.platform_ref, w.grade) for w in waiting] == [("A-1", "high"), ("A-2", "medium")]
    assert waiting[0].client_name == "示例甲"
    if isinstance(studio, ServerStudio):  # a superuser's dump: the dispatch is sealed
        stored = studio.template.cluster.pg_dump(studio.template.dbname).encode()
    else:
        stored = (studio.folder.path / "vault.db").read_bytes()
        assert b"A-1" not in stored  # the whole vault file is encrypted
    for marker in ("示例甲", "13900000001", "夜间多次呼救"):
        assert marker.encode() not in stored
    actions = [r["action"] for r in studio.sup.vault.db.all(
        "SELECT action FROM audit_event WHERE action LIKE 'platform.%'")]
    assert actions.count("platform.dispatch.receive") == 2 and "platform.receive" in actions


@pytest.mark.parametrize(("content", "field"), [
    (b"not json at all", ""),
    (json.dumps(dispatch_doc(platform_ref=None)).encode(), "platform_ref"),
    (json.dumps(dispatch_doc(category="theft")).encode(), "category"),
    (json.dumps([dispatch_doc("OK-1"), dispatch_doc("BAD", grade="x")]).encode(), "[1].grade"),
])
def test_a_bad_file_is_quarantined_with_its_reason_and_nothing_is_kept(
        studio: Studio, tmp_path: Path, content: bytes, field: str) -> None:
    box = tmp_path / "inbox"
    box.mkdir()
    (box / "bad.json").write_bytes(content)
    before = counts(studio)
    result = inbox.receive_inbox(studio.staff.vault, box)
    assert result.received == [] and [p.field for p in result.rejected] == [field]
    assert counts(studio) == before  # not half-imported: the good first entry is not kept
    kept = box / "quarantine" / "bad.json"
    assert kept.read_bytes() == content  # never deleted, never changed
    reason = (box / "quarantine" / "bad.json.reason.txt").read_text(encoding="utf-8")
    assert "bad.json" in reason and f"field: {field or '-'}" in reason
    assert "原因" in reason and "reason:" in reason
    assert not (box / "bad.json").exists()


def test_the_same_reference_twice_is_refused(studio: Studio, tmp_path: Path) -> None:
    box = tmp_path / "inbox"
    write(box, "first.json", dispatch_doc("SAME-1"))
    inbox.receive_inbox(studio.staff.vault, box)
    write(box, "again.json", dispatch_doc("SAME-1", grade="low"))
    with pytest.raises(DispatchInvalid) as caught:
        inbox.receive_file(studio.sup.vault, box / "again.json")
    assert caught.value.field == "platform_ref" and "SAME-1" in caught.value.message("en")
    assert counts(studio)[0] == 1
    assert (box / "quarantine" / "again.json.reason.txt").exists()
    # also once accepted: the case keeps the reference
    dispatch_id = inbox.find_dispatch(studio.sup.vault, "SAME-1")
    inbox.accept(studio.sup.vault, dispatch_id, counsellor_id=studio.wang.vault.actor.user_id)
    write(box, "third.json", dispatch_doc("SAME-1"))
    assert [p.field for p in inbox.receive_inbox(studio.staff.vault, box).rejected] == \
        ["platform_ref"]
    assert sorted(os.listdir(box / "quarantine")) == [
        "again.json", "again.json.reason.txt", "third.json", "third.json.reason.txt"]


def test_a_quarantined_name_is_never_overwritten(studio: Studio, tmp_path: Path) -> None:
    box = tmp_path / "inbox"
    for n in range(2):
        (box / "x.json").parent.mkdir(exist_ok=True)
        (box / "x.json").write_bytes(b"junk %d" % n)
        inbox.receive_inbox(studio.staff.vault, box)
    assert (box / "quarantine" / "x.json").read_bytes() == b"junk 0"
    assert (box / "quarantine" / "x.1.json").read_bytes() == b"junk 1"
    assert (box / "quarantine" / "x.1.json.reason.txt").exists()


def test_accepting_a_new_client_opens_the_case_with_grade_and_clock(
        studio: Studio, tmp_path: Path, clock: Clock) -> None:
    write(tmp_path, "d.json", dispatch_doc("N-1"))
    inbox.receive_file(studio.staff.vault, tmp_path / "d.json")
    dispatch_id = inbox.find_dispatch(studio.sup.vault, "N-1")
    assert inbox.duplicates(studio.sup.vault, dispatch_id) == []
    header = inbox.accept(studio.sup.vault, dispatch_id,
                          counsellor_id=studio.wang.vault.actor.user_id)
    assert header.source == "platform" and header.platform_ref == "N-1"
    assert header.counsellor_name == "王丽" and header.client.name == "示例甲"
    assert header.client.phone == "13900000001" and header.client.street == "西乡街道"
    assert header.summary == "网格员报告：夜间多次呼救。"
    assert inbox.platform_grade(studio.sup.vault, header.id) == "high"
    assert header.risk_level is None  # the studio's own level is assessed, not copied
    (clock_row,) = studio.wang.planning.clocks(header.id)
    assert clock_row.kind == "first_contact" and clock_row.urgent
    assert clock_row.due_at == "2026-03-02T20:30:00+00:00"
    assert inbox.waiting(studio.sup.vault) == []
    # the counsellor now has it; the first contact is due within 48 h on her dashboard
    due = studio.wang.planning.due_items()
    assert [(d.kind, d.case_no, d.overdue) for d in due] == [
        ("first_contact", header.case_no, False)]
    clock.advance(hours=12)
    assert studio.sup.planning.due_items(mine_only=False)[0].overdue


def test_accepting_with_an_existing_client_adds_no_second_file(
        studio: Studio, tmp_path: Path) -> None:
    existing = studio.new_case(studio.wang, name="示例甲", phone="139-0000-0001")
    write(tmp_path, "d.json", dispatch_doc("D-1"))
    inbox.receive_file(studio.staff.vault, tmp_path / "d.json")
    dispatch_id = inbox.find_dispatch(studio.sup.vault, "D-1")
    matches = inbox.duplicates(studio.sup.vault, dispatch_id)
    assert [m.client.id for m in matches if m.client] == [existing.client.id]
    assert "phone" in matches[0].reasons
    clients_before = counts(studio)[2]
    header = inbox.accept(studio.sup.vault, dispatch_id,
                          counsellor_id=studio.chen.vault.actor.user_id,
                          client_id=existing.client.id)
    assert header.client.id == existing.client.id and counts(studio)[2] == clients_before
    assert header.counsellor_name == "陈芳"


def test_the_first_contact_clock_is_met_by_the_first_contact(
        studio: Studio, tmp_path: Path, clock: Clock) -> None:
    write(tmp_path, "d.json", dispatch_doc("C-1"))
    inbox.receive_file(studio.staff.vault, tmp_path / "d.json")
    header = inbox.accept(studio.sup.vault, inbox.find_dispatch(studio.sup.vault, "C-1"),
                          counsellor_id=studio.wang.vault.actor.user_id)
    clock.advance(hours=2)
    studio.wang.notes.record_crisis(header.id, occurred_at=clock.now, answers={
        "crisis_kind": "dv_high_risk", "on_site": False, "actions": "电话联系，确认安全。"})
    (met,) = studio.wang.planning.clocks(header.id)
    assert met.status == "met" and met.met_at == "2026-03-02T11:00:00+00:00"
    assert [d for d in studio.wang.planning.due_items() if d.kind == "first_contact"] == []


def test_a_session_draft_also_meets_it(studio: Studio, tmp_path: Path, clock: Clock) -> None:
    write(tmp_path, "d.json", dispatch_doc("C-2"))
    inbox.receive_file(studio.staff.vault, tmp_path / "d.json")
    header = inbox.accept(studio.sup.vault, inbox.find_dispatch(studio.sup.vault, "C-2"),
                          counsellor_id=studio.wang.vault.actor.user_id)
    studio.wang.notes.draft_session(header.id, started_at=clock.now + timedelta(hours=1),
                                    duration_min=30, modality="phone",
                                    answers={"data": "首次电话联系。"})
    assert studio.wang.planning.clocks(header.id)[0].status == "met"


def test_role_rules(studio: Studio, tmp_path: Path) -> None:
    write(tmp_path, "d.json", dispatch_doc("R-1"))
    for who in (studio.wang, studio.admin):
        with pytest.raises(AccessDenied):
            inbox.receive_file(who.vault, tmp_path / "d.json")
        with pytest.raises(AccessDenied):
            inbox.waiting(who.vault)
    assert (tmp_path / "d.json").exists()  # a refused receive leaves the file alone
    inbox.receive_file(studio.staff.vault, tmp_path / "d.json")
    dispatch_id = inbox.find_dispatch(studio.staff.vault, "R-1")
    for who in (studio.staff, studio.wang, studio.admin):
        with pytest.raises(AccessDenied):
            inbox.accept(who.vault, dispatch_id, counsellor_id=studio.wang.vault.actor.user_id)
    assert counts(studio)[1] == 0
    with pytest.raises(AccessDenied):
        inbox.set_inbox_folder(studio.sup.vault, str(tmp_path))
    assert inbox.set_inbox_folder(studio.admin.vault, str(tmp_path)) == tmp_path
    assert inbox.inbox_folder(studio.staff.vault) == tmp_path


def test_no_client_data_in_messages_or_quarantine_reasons(studio: Studio,
                                                          tmp_path: Path) -> None:
    write(tmp_path, "d.json", dispatch_doc("Q-1", parties=[{**CLIENT, "birth_date": "x"}]))
    with pytest.raises(DispatchInvalid) as caught:
        inbox.receive_file(studio.staff.vault, tmp_path / "d.json")
    reason = (tmp_path / "quarantine" / "d.json.reason.txt").read_text(encoding="utf-8")
    for text in (caught.value.message("zh_CN"), caught.value.message("en"), reason):
        assert "示例甲" not in text and "13900000001" not in text


def test_two_workstations_receiving_the_same_inbox_store_each_dispatch_once(
        studio: Studio, tmp_path: Path) -> None:
    """Real processes: both take the whole inbox at once; every dispatch is stored once,
    every file ends in received/, none in quarantine."""
    import subprocess
    import sys

    if isinstance(studio, ServerStudio):
        where, reader = studio.folder.dsn, studio.sup.vault
    else:  # a vault of its own: the studio fixture's accounts are bound to this process
        from xinhe.crypto.binding import DeviceBinding
        from xinhe.crypto.kdf import KdfParams
        from xinhe.records.accounts import AccountService
        from xinhe.records.vault import VaultFolder

        folder = VaultFolder(tmp_path / "race-vault", DeviceBinding.off("race test"),
                             kdf=KdfParams.cheap_for_tests())
        admin, _ = folder.create("馨和家园", "admin", "管理员", "admin-pass-1")
        for user, role in (("staff", "staff"), ("sup", "supervisor")):
            AccountService(admin).add_user(user, user, role, Studio.PASSWORDS[user])
        admin.close()
        where = str(folder.path)
    box = tmp_path / "inbox"
    refs = [f"RACE-{n}" for n in range(8)]
    for n, ref in enumerate(refs):
        write(box, f"d{n}.json", dispatch_doc(ref) if n % 2 else [dispatch_doc(ref)])
    child = Path(__file__).with_name("platform_race_child.py")
    procs = [subprocess.Popen([sys.executable, str(child), where, user, str(box)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for user in ("staff", "sup")]
    for proc, user in zip(procs, ("staff", "sup"), strict=True):
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(Studio.PASSWORDS[user] + "\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [json.loads(proc.communicate(timeout=120)[0]) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    stored = results[0]["received"] + results[1]["received"]
    assert sorted(stored) == sorted(refs)  # each once, by one of the two
    assert results[0]["rejected"] == results[1]["rejected"] == []
    assert sorted(p.name for p in (box / "received").iterdir()) == \
        sorted(f"d{n}.json" for n in range(8))
    assert not (box / "quarantine").exists()
    if not isinstance(studio, ServerStudio):
        reader = folder.unlock("sup", Studio.PASSWORDS["sup"])
        studio.vaults.append(reader)
    assert sorted(w.platform_ref for w in inbox.waiting(reader)) == sorted(refs)
