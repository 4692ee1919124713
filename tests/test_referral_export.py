"""Referral export through the real encrypted vault: policy, consent at export, staff
without note access, signing identity, outbox delivery and the manifest."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import Clock, Studio
from tests.referral_fixtures import (
    DANGER_NOTE,
    ID_NUMBER,
    INCIDENT,
    NOTE_MARKER,
    SAFETY_MARKER,
    SUMMARY,
    draft_referral,
    dv_case,
    embedded_json,
    install_identity,
    pdf_text,
    places,
)
from xinhe.crypto.signing import CertificateExpired
from xinhe.errors import AccessDenied, InvalidInput
from xinhe.export.outbox import describe_note, read_manifest
from xinhe.export.pipeline import deliver_again, export_referral
from xinhe.export.verify import verify_pdf
from xinhe.records.referral_policy import default_policy, save_policy
from xinhe.records.referrals import ConsentMissing


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    folder = tmp_path / "outbox"
    folder.mkdir()
    return folder


def test_police_packet_carries_what_the_policy_allows_and_no_session_notes(
        studio: Studio, clock: Clock, outbox: Path, tmp_path: Path) -> None:
    identity = install_identity(studio)
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    result = export_referral(studio.staff, referral.id, outbox=outbox)
    assert result.delivered and result.referral.status == "delivered"
    pdf = studio.staff.referrals.signed_pdf(referral.id)
    assert hashlib.sha256(pdf).hexdigest() == result.sha256 == result.referral.file_sha256
    # nothing the police may not have, anywhere in the file
    for secret in (NOTE_MARKER, SAFETY_MARKER, "一周后回访", "病历.pdf", "同意书.png"):
        assert places(pdf, secret, tmp_path) == [], secret
    # and what they may have is there
    text = pdf_text(pdf, tmp_path)
    for shown in (SUMMARY, INCIDENT, DANGER_NOTE, ID_NUMBER, "林某", "伤情照片.jpg",
                  "掐脖子", "高风险", "王丽", "黄敏"):
        assert shown.replace(" ", "") in text, shown
    check = verify_pdf(pdf, [identity.certificate])
    assert check.ok and check.trusted and check.signer_name == "黄敏"
    assert check.referral_no == referral.referral_no and check.agency == "police"
    delivered = outbox / f"{referral.referral_no}-police.pdf"
    pdfsig = subprocess.run(["pdfsig", str(delivered)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in pdfsig and "Total document signed" in pdfsig
    fonts = subprocess.run(["pdffonts", str(delivered)], capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes " in " ".join(row.split()) + " " for row in fonts)


def test_embedded_json_matches_the_case_and_the_policy(studio: Studio, clock: Clock,
                                                       outbox: Path) -> None:
    install_identity(studio)
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    export_referral(studio.staff, referral.id, outbox=outbox)
    doc = json.loads(embedded_json(studio.staff.referrals.signed_pdf(referral.id)))
    police = default_policy().for_agency("police")
    fields = {f["key"]: f["value"] for f in doc["client_fields"]}
    assert set(fields) <= police.client_fields
    assert fields == {"name": "林某", "gender": "女", "age": "35 岁", "phone": "13800138000",
                      "id_number": ID_NUMBER, "address": "西乡街道凤凰岗社区 宝安大道 88 号 3 栋",
                      "guardian": "林父 13900139000"}
    assert {p["key"] for p in doc["record_parts"]} == {"incident_summary", "danger_checklist"}
    assert doc["risk"]["level"] == "high"
    [danger] = doc["risk"]["instruments"]
    assert danger["total"] == studio.sup.notes.assessments(case.case_id)[0].score[
        "totals"]["danger_score"] and danger["date"] == "2026-03-02"
    assert [a["name"] for a in doc["attachments"]] == ["伤情照片.jpg"]
    assert doc["attachments"][0]["included"] is True
    assert doc["consent"]["form"] == "written" and doc["consent"]["date"] == "2026-03-02"
    assert doc["referral_no"] == referral.referral_no and doc["situation_summary"] == SUMMARY
    assert (doc["counsellor_name"], doc["exported_by"]) == ("王丽", "黄敏")
    # the audit head carried is the entry that recorded this export
    [event] = studio.sup.vault.audit.events(action_prefix="referral.export")
    assert doc["audit_head"] == {"seq": event.seq, "hash": event.hash}
    assert event.object_id == referral.referral_no and event.user == "staff"


def test_staff_export_without_note_access_gets_notes_only_where_the_policy_says(
        studio: Studio, clock: Clock, outbox: Path, tmp_path: Path) -> None:
    install_identity(studio)
    case = dv_case(studio, clock, consent_for=("medical", "hospital"))
    with pytest.raises(AccessDenied):
        studio.staff.notes.sessions(case.case_id)
    hospital = default_policy().with_choice("hospital", "record_parts", "session_notes", True)
    save_policy(studio.admin.vault, hospital)
    referral = draft_referral(studio, case, agency="hospital", purpose="medical")
    export_referral(studio.staff, referral.id, outbox=outbox)
    pdf = studio.staff.referrals.signed_pdf(referral.id)
    assert places(pdf, NOTE_MARKER, tmp_path) == ["text", "streams", "json"]
    assert places(pdf, SAFETY_MARKER, tmp_path) == ["text", "streams", "json"]
    assert places(pdf, INCIDENT, tmp_path) == []  # hospital: no incident summary
    doc = json.loads(embedded_json(pdf))
    assert "id_number" not in {f["key"] for f in doc["client_fields"]}
    with pytest.raises(AccessDenied):  # still no notes through the services
        studio.staff.notes.sessions(case.case_id)


def test_consent_is_checked_again_at_export(studio: Studio, clock: Clock,
                                            outbox: Path) -> None:
    install_identity(studio)
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    [consent] = studio.wang.consents.for_case(case.case_id)
    studio.wang.consents.withdraw(consent.id)
    with pytest.raises(ConsentMissing) as info:
        export_referral(studio.staff, referral.id, outbox=outbox)
    assert "公安机关" in info.value.message("zh_CN")
    assert studio.staff.referrals.get(referral.id).status == "draft"
    assert list(outbox.iterdir()) == []
    refused = studio.sup.vault.audit.events(action_prefix="referral.refused")
    assert [e.object_id for e in refused] == [case.case_no]
    # a legal basis recorded afterwards lets it go
    studio.wang.consents.record(case.case_id, purpose="referral", recipient="police",
                                given_at=clock.now, legal_basis="danger_to_life",
                                basis_note="持刀威胁，危及生命。")
    assert export_referral(studio.staff, referral.id, outbox=outbox).delivered


def test_outbox_unreachable_keeps_signed_with_the_reason_then_delivers_again(
        studio: Studio, clock: Clock, tmp_path: Path) -> None:
    identity = install_identity(studio)
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    share = tmp_path / "share"  # not connected
    result = export_referral(studio.staff, referral.id, outbox=share)
    assert not result.delivered and result.referral.status == "signed"
    assert result.referral.status_note.startswith("missing|")
    assert str(share) in describe_note(result.referral.status_note, "zh_CN")
    assert "不存在或无法访问" in describe_note(result.referral.status_note, "zh_CN")
    assert not share.exists()
    pdf = studio.staff.referrals.signed_pdf(referral.id)
    assert verify_pdf(pdf, [identity.certificate]).ok
    # a file where the folder should be
    share.write_text("not a folder")
    again = deliver_again(studio.staff, referral.id, outbox=share)
    assert again.referral.status == "signed"
    assert again.referral.status_note.startswith("not_folder|")
    share.unlink()
    share.mkdir()
    clock.advance(minutes=5)
    done = deliver_again(studio.staff, referral.id, outbox=share)
    assert done.delivered and done.referral.status == "delivered"
    assert done.referral.status_note is None
    name = f"{referral.referral_no}-police.pdf"
    assert (share / name).read_bytes() == pdf
    assert {p.name for p in share.iterdir()} == {"manifest.csv", name}
    [line] = read_manifest(share)
    assert line == {"referral_no": referral.referral_no, "agency": "police", "file": name,
                    "sha256": hashlib.sha256(pdf).hexdigest(),
                    "delivered_at": clock.now.astimezone().isoformat()}
    actions = [(e.action, e.outcome) for e in reversed(studio.sup.vault.audit.events(
        action_prefix="referral."))]
    assert actions == [("referral.create", "XH-2026-0001"), ("referral.export", "police"),
                       ("referral.sign", (result.sha256[:16])),
                       ("referral.deliver", "failed"), ("referral.deliver", "failed"),
                       ("referral.deliver", "ok")]


def test_manifest_grows_one_line_per_referral_and_redelivery_adds_none(
        studio: Studio, clock: Clock, outbox: Path) -> None:
    install_identity(studio)
    first_case = dv_case(studio, clock)
    first = draft_referral(studio, first_case)
    export_referral(studio.staff, first.id, outbox=outbox)
    studio.wang.consents.record(first_case.case_id, purpose="protection_order",
                                recipient="court", given_at=clock.now, form="written")
    second = draft_referral(studio, first_case, agency="court", purpose="protection_order")
    export_referral(studio.staff, second.id, outbox=outbox)
    deliver_again(studio.staff, first.id, outbox=outbox)  # sent twice: harmless
    lines = read_manifest(outbox)
    assert [(x["referral_no"], x["agency"]) for x in lines] == [
        (first.referral_no, "police"), (second.referral_no, "court")]
    assert (outbox / "manifest.csv").read_text().splitlines()[0] == \
        "referral_no,agency,file,sha256,delivered_at"
    assert studio.staff.referrals.get(first.id).status == "delivered"


def test_export_refuses_a_blank_summary_and_an_admin(studio: Studio, clock: Clock,
                                                     outbox: Path) -> None:
    install_identity(studio)
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case, summary="  ")
    with pytest.raises(InvalidInput, match="情况摘要"):
        export_referral(studio.staff, referral.id, outbox=outbox)
    with pytest.raises(AccessDenied):
        export_referral(studio.admin, referral.id, outbox=outbox)
    studio.wang.referrals.update_draft(referral.id, referral.version, summary=SUMMARY,
                                       urgency="urgent")
    result = export_referral(studio.wang, referral.id, outbox=outbox)
    assert result.delivered
    with pytest.raises(InvalidInput, match="已经签名"):
        export_referral(studio.staff, referral.id, outbox=outbox)


def test_first_export_makes_the_studio_identity_when_there_is_none(
        studio: Studio, clock: Clock, outbox: Path) -> None:
    assert studio.staff.signing.current() is None
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    export_referral(studio.staff, referral.id, outbox=outbox)
    info = studio.staff.signing.current()
    assert info is not None and info.subject == "馨和家园工作室"
    pdf = studio.staff.referrals.signed_pdf(referral.id)
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(studio.staff.signing.certificate_pem())
    assert verify_pdf(pdf, [cert]).trusted
    [made] = studio.sup.vault.audit.events(action_prefix="signing_identity.generate")
    assert made.user == "staff" and made.outcome.endswith("first-use")


def test_nothing_is_written_to_a_temporary_folder(studio: Studio, clock: Clock, outbox: Path,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    spy = tmp_path / "tmp-spy"
    spy.mkdir()
    monkeypatch.setenv("TMPDIR", str(spy))
    monkeypatch.setattr(tempfile, "tempdir", str(spy))
    install_identity(studio)
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    export_referral(studio.staff, referral.id, outbox=outbox)
    assert list(spy.iterdir()) == []
    name = f"{referral.referral_no}-police.pdf"
    assert {p.name for p in outbox.iterdir()} == {name, "manifest.csv"}  # no leftovers


def test_policy_overview_shows_staff_only_what_the_agency_gets(studio: Studio,
                                                               clock: Clock) -> None:
    from xinhe.records.referral_packets import policy_overview

    case = dv_case(studio, clock)
    rows = {(r.section, r.key): r for r in policy_overview(
        studio.staff.vault, studio.templates, case.case_id, agency="police")}
    assert rows[("client_fields", "id_number")].content == ID_NUMBER
    assert rows[("record_parts", "danger_checklist")].content.endswith("3 项回答“是”")
    assert rows[("attachments", "injury_photo")].content == "伤情照片.jpg"
    for key in ("session_notes", "safety_plan", "suicide_screen"):
        assert not rows[("record_parts", key)].allowed
        assert rows[("record_parts", key)].content == ""
    assert rows[("attachments", "document")].content == ""
    with pytest.raises(AccessDenied):
        policy_overview(studio.admin.vault, studio.templates, case.case_id, agency="police")
    with pytest.raises(AccessDenied):  # not Chen's case
        policy_overview(studio.chen.vault, studio.templates, case.case_id, agency="police")


def test_an_expired_certificate_signs_nothing(studio: Studio, clock: Clock,
                                              outbox: Path) -> None:
    identity = install_identity(studio)
    case = dv_case(studio, clock)
    referral = draft_referral(studio, case)
    clock.now = identity.not_after + timedelta(days=1)
    with pytest.raises(CertificateExpired):
        export_referral(studio.staff, referral.id, outbox=outbox)
    assert studio.staff.referrals.get(referral.id).status == "draft"
    assert list(outbox.iterdir()) == []
    [failed] = studio.sup.vault.audit.events(action_prefix="referral.sign")
    assert failed.outcome == "failed:certificate_expired"


def test_an_allowed_document_travels_inside_the_signed_pdf(studio: Studio, clock: Clock,
                                                           outbox: Path) -> None:
    """The court may receive documents: the medical record goes as a file attachment of
    the signed PDF (covered by the signature), byte for byte; the police packet of the
    same case carries no such file."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    def embedded(pdf: bytes) -> dict[str, bytes]:
        names = PdfFileReader(io.BytesIO(pdf)).root["/Names"]["/EmbeddedFiles"]["/Names"]
        return {str(names[i]): names[i + 1].get_object()["/EF"]["/F"].get_object().data
                for i in range(0, len(names), 2)}

    identity = install_identity(studio)
    case = dv_case(studio, clock, consent_for=("protection_order", "court"))
    studio.wang.consents.record(case.case_id, purpose="referral", recipient="police",
                                given_at=clock.now, form="written", given_by="当事人本人")
    court = draft_referral(studio, case, agency="court", purpose="protection_order")
    export_referral(studio.staff, court.id, outbox=outbox)
    pdf = studio.staff.referrals.signed_pdf(court.id)
    files = embedded(pdf)
    assert files["病历.pdf"] == case.document
    assert "referral.json" in files
    check = verify_pdf(pdf, [identity.certificate])
    assert check.ok and check.trusted  # the file attachments are inside the signed range
    police = draft_referral(studio, case)
    export_referral(studio.staff, police.id, outbox=outbox)
    assert set(embedded(studio.staff.referrals.signed_pdf(police.id))) == {"referral.json"}
