"""Handling reports to the platform: signed packets the receiving side verifies, their JSON
against the case, automatic events, queueing while the outbox is away, roles."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from conftest import Clock, Studio
from tests.platform_fixtures import dispatch_doc, write
from tests.referral_fixtures import install_identity, pdf_text
from xinhe import cli
from xinhe.errors import AccessDenied, InvalidInput
from xinhe.export.outbox import read_manifest
from xinhe.export.platform_report import send_report, send_unsent
from xinhe.export.verify import embedded_referral_json, verify_pdf
from xinhe.records import platform_inbox as inbox
from xinhe.records import platform_reports as reports
from xinhe.records.referral_policy import set_outbox_folder
from xinhe.records.witnesses import pdf_head

pytestmark = pytest.mark.both_backends

VISIT = {"method": "phone", "reached": True, "result": "当事人说这周平安（不应外传）。",
         "safety_now": 4, "violence_since": False}


def report_json(pdf: bytes) -> dict:
    payload = embedded_referral_json(PdfFileReader(io.BytesIO(pdf)), "platform-report.json")
    assert payload is not None
    return json.loads(payload)


@pytest.fixture
def platform_case(studio: Studio, tmp_path: Path) -> int:
    """A dispatch received by staff and accepted by the supervisor for Wang."""
    install_identity(studio)
    set_outbox_folder(studio.admin.vault, str(tmp_path / "outbox"))
    (tmp_path / "outbox").mkdir()
    write(tmp_path / "in", "d.json", dispatch_doc("BA-77"))
    inbox.receive_file(studio.staff.vault, tmp_path / "in" / "d.json")
    return inbox.accept(studio.sup.vault, inbox.find_dispatch(studio.sup.vault, "BA-77"),
                        counsellor_id=studio.wang.vault.actor.user_id).id


def test_the_accepted_report_is_signed_verified_and_minimal(
        studio: Studio, platform_case: int, tmp_path: Path) -> None:
    (queued,) = reports.for_case(studio.sup.vault, platform_case)
    assert (queued.event, queued.status, queued.automatic) == ("accepted", "queued", True)
    (sent,) = send_unsent(studio.staff.vault)
    assert sent.failure is None and sent.report.status == "delivered"
    pdf = sent.delivered_to.read_bytes()
    result = verify_pdf(pdf, [install_identity(studio).certificate])
    assert result.ok and result.trusted and result.kind == "platform_report"
    assert result.referral_no == queued.report_no and result.signer_name == "黄敏"
    doc = report_json(pdf)
    header = studio.sup.cases.header(platform_case)
    assert doc["platform_ref"] == "BA-77" == header.platform_ref
    assert doc["case_no"] == header.case_no and doc["event"] == "accepted"
    assert doc["facts"] == {"responsible": "王丽", "platform_grade": "high",
                            "accepted_at": doc["facts"]["accepted_at"]}
    assert (doc["audit_head"]["seq"], doc["audit_head"]["hash"]) == pdf_head(pdf)
    for where in (json.dumps(doc, ensure_ascii=False), pdf_text(pdf, tmp_path)):
        assert "示例甲" not in where and "13900000001" not in where  # no client data
    (line,) = read_manifest(tmp_path / "outbox")
    assert line["referral_no"] == queued.report_no and line["agency"] == "platform"
    timeline = [e for e in studio.wang.timeline(platform_case) if e.kind == "platform_report"]
    assert [(e.detail, e.status) for e in timeline] == [("accepted", "delivered")]


def test_xinhe_verify_accepts_the_report(studio: Studio, platform_case: int,
                                         tmp_path: Path) -> None:
    (sent,) = send_unsent(studio.sup.vault)
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(["verify", str(sent.delivered_to), "--json"])
    assert cli.run(args, cli.Io(io.StringIO(""), out, err)) == 0, err.getvalue()
    shown = json.loads(out.getvalue())
    assert shown["ok"] and shown["kind"] == "platform_report"
    assert shown["referral_no"] == sent.report.report_no
    tampered = bytearray(sent.delivered_to.read_bytes())
    tampered[len(tampered) // 4] ^= 0x01
    assert not verify_pdf(bytes(tampered)).ok


def test_events_report_themselves_with_their_facts(
        studio: Studio, platform_case: int, clock: Clock) -> None:
    wang = studio.wang
    clock.advance(hours=3)
    wang.notes.draft_session(platform_case, started_at=clock.now, duration_min=40,
                             modality="phone", answers={"data": "首次电话（不应外传）。"})
    visit = wang.planning.schedule_followup(platform_case, clock.now + timedelta(days=7))
    clock.advance(days=7)
    wang.planning.complete_followup(visit.id, visit.version, VISIT)
    studio.sup.cases.close(platform_case, "resolved", "说明（不应外传）")
    facts = {r.event: r.facts for r in reports.for_case(studio.sup.vault, platform_case)}
    assert list(facts) == ["accepted", "first_contact", "followup", "closed"]
    assert facts["first_contact"] == {"contact_at": "2026-03-02T12:00:00+00:00",
                                      "contact_kind": "session", "on_time": True}
    assert facts["followup"] == {"visit_date": "2026-03-09", "visit_result": "stable"}
    assert facts["closed"]["reason"] == "resolved"
    text = json.dumps(facts, ensure_ascii=False)
    assert "不应外传" not in text
    results = send_unsent(studio.staff.vault)
    assert [r.report.status for r in results] == ["delivered"] * 4


def test_the_studio_chooses_the_automatic_events(studio: Studio, platform_case: int,
                                                 clock: Clock) -> None:
    with pytest.raises(AccessDenied):
        reports.set_auto_events(studio.wang.vault, [])
    with pytest.raises(InvalidInput):
        reports.set_auto_events(studio.sup.vault, ["result"])
    assert reports.set_auto_events(studio.sup.vault, ["closed"]) == ("closed",)
    studio.wang.notes.draft_session(platform_case, started_at=clock.now, duration_min=40,
                                    modality="phone", answers={"data": "电话。"})
    assert [r.event for r in reports.for_case(studio.sup.vault, platform_case)] == ["accepted"]
    assert studio.wang.planning.clocks(platform_case)[0].status == "met"  # met all the same


def test_cases_not_accepted_from_a_dispatch_never_report_by_themselves(
        studio: Studio, clock: Clock) -> None:
    client = studio.wang.clients.create(name="林某", phone="13800000009")
    typed = studio.wang.cases.open(client_id=client.id, category="domestic_violence",
                                   source="platform", platform_ref="BA-BY-HAND-1")
    studio.wang.notes.draft_session(typed.id, started_at=clock.now, duration_min=40,
                                    modality="phone", answers={"data": "电话。"})
    studio.sup.cases.close(typed.id, "resolved")
    assert reports.for_case(studio.sup.vault, typed.id) == []
    by_hand = reports.report(studio.sup.vault, typed.id, "closed")  # asked for: it goes
    assert by_hand.facts["reason"] == "resolved" and by_hand.platform_ref == "BA-BY-HAND-1"


def test_queued_while_the_outbox_is_missing_then_delivered(
        studio: Studio, platform_case: int, tmp_path: Path) -> None:
    (tmp_path / "outbox").rmdir()
    manual = reports.report(studio.sup.vault, platform_case, "result", result="counselling")
    results = send_unsent(studio.sup.vault)
    assert len(results) == 1 and results[0].failure is not None  # stops at the first
    assert results[0].report.status == "signed" and results[0].report.status_note
    assert reports.get(studio.sup.vault, manual.id).status == "queued"
    assert len(reports.unsent(studio.sup.vault)) == 2
    (tmp_path / "outbox").mkdir()
    again = send_unsent(studio.staff.vault)
    assert [r.report.status for r in again] == ["delivered", "delivered"]
    assert len(read_manifest(tmp_path / "outbox")) == 2 and reports.unsent(studio.sup.vault) == []
    doc = report_json(again[1].delivered_to.read_bytes())
    assert doc["facts"]["result"] == "counselling" and doc["event"] == "result"
    actions = [r["action"] for r in studio.sup.vault.db.all(
        "SELECT action, outcome FROM audit_event WHERE action LIKE 'platform.report.%'")]
    assert {"platform.report.queue", "platform.report.sign", "platform.report.deliver"} <= \
        set(actions)


def test_report_rules(studio: Studio, platform_case: int) -> None:
    with pytest.raises(InvalidInput):  # nothing to report yet
        reports.report(studio.sup.vault, platform_case, "first_contact")
    with pytest.raises(InvalidInput):  # a result needs its category
        reports.report(studio.sup.vault, platform_case, "result")
    for who in (studio.chen, studio.admin):  # another counsellor's case; no case content
        with pytest.raises(AccessDenied):
            reports.report(who.vault, platform_case, "result", result="mediation")
    own = studio.new_case(studio.wang)
    with pytest.raises(InvalidInput) as caught:
        reports.report(studio.wang.vault, own.id, "accepted")
    assert own.case_no in caught.value.message("en")
    mine = reports.report(studio.wang.vault, platform_case, "result", result="mediation")
    assert send_report(studio.wang.vault, mine.id).report.status == "delivered"
