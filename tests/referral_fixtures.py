"""A domestic-violence case with every kind of record, for the referral export tests.

Each record carries a marker text, so a test can tell which parts of the record reached a
packet. The texts are synthetic.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader

from conftest import Clock, Studio, dv_intake_answers
from tests.referral_samples import photo_jpeg
from xinhe.crypto.signing import SigningIdentity
from xinhe.export.verify import embedded_referral_json

INCIDENT = "三月一日晚对方酒后用刀威胁并掐住当事人脖子（事件经过标记）。"
DANGER_NOTE = "对方扬言找到她就不放过（危险判断标记）。"
NOTE_MARKER = "咨询记录原文：当事人谈到童年经历与母亲的关系（会谈内容标记）。"
SAFETY_MARKER = "安全计划：暂住姐姐家，紧急时打110（安全计划标记）。"
SUMMARY = "当事人遭受配偶长期殴打，近期升级为持刀威胁。请公安机关依法处置并出具告诫书。"
ID_NUMBER = "440306199005011234"
P12_PASSWORD = "p12-pass"


@cache
def studio_identity() -> SigningIdentity:
    """One identity for the whole run (RSA key generation is the slow part)."""
    return SigningIdentity.generate("馨和家园工作室", now=datetime(2026, 1, 5, tzinfo=UTC))


def p12_bytes(identity: SigningIdentity, password: str = P12_PASSWORD) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"studio", identity.private_key, identity.certificate, None,
        BestAvailableEncryption(password.encode()))


def install_identity(studio: Studio) -> SigningIdentity:
    """The admin imports the run's identity (faster than generating one per test)."""
    identity = studio_identity()
    studio.admin.signing.import_pkcs12(p12_bytes(identity), P12_PASSWORD)
    return identity


@dataclass(frozen=True)
class DvCase:
    case_id: int
    case_no: str
    client_id: int
    photo: bytes
    document: bytes


def dv_case(studio: Studio, clock: Clock, *, consent_for: tuple[str, str] | None = (
        "referral", "police"), summary_referral: bool = False) -> DvCase:
    """Wang's high-risk DV case: intake with danger checklist, suicide screen, safety plan,
    a signed session note, a photo, a document and a consent scan; consent for a police
    referral unless `consent_for` is None."""
    svc = studio.wang
    client = svc.clients.create(name="林某", gender="female", birth_date="1990-05-01",
                                phone="13800138000", id_number=ID_NUMBER,
                                community="凤凰岗社区", address="宝安大道 88 号 3 栋",
                                guardian_name="林父", guardian_phone="13900139000")
    case = svc.cases.open(client_id=client.id, category="domestic_violence", source="self")
    svc.notes.record_assessment(case.id, template_id="dv_intake", answers=dv_intake_answers(
        "strangulation", "weapon", "threat_to_kill", incident_summary=INCIDENT,
        danger_notes=DANGER_NOTE), assessed_at=clock.now)
    svc.notes.record_assessment(case.id, template_id="suicide_screen", answers={
        "wish_dead": True, "thoughts": False, "behaviour": False}, assessed_at=clock.now)
    svc.planning.save_safety_plan(case.id, {"warning_signs": SAFETY_MARKER,
                                            "dv_related": True})
    note = svc.notes.draft_session(case.id, started_at=clock.now - timedelta(hours=1),
                                   duration_min=50, modality="in_person",
                                   answers={"data": NOTE_MARKER, "plan": "一周后回访。"})
    svc.notes.sign_session(note.id, note.version)
    photo = photo_jpeg()
    document = b"%PDF-1.4 synthetic medical record"
    svc.attachments.add(case.id, kind="injury_photo", filename="伤情照片.jpg", data=photo)
    svc.attachments.add(case.id, kind="document", filename="病历.pdf", data=document)
    svc.attachments.add(case.id, kind="consent_scan", filename="同意书.png",
                        data=_png())
    if consent_for is not None:
        purpose, agency = consent_for
        svc.consents.record(case.id, purpose=purpose, recipient=agency, given_at=clock.now,
                            form="written", given_by="当事人本人")
    return DvCase(case.id, case.case_no, client.id, photo, document)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 200, 200)).save(out, format="PNG")
    return out.getvalue()


def draft_referral(studio: Studio, case: DvCase, agency: str = "police",
                   purpose: str = "referral", summary: str = SUMMARY) -> Any:
    return studio.wang.referrals.create(case.case_id, agency=agency, purpose=purpose,
                                        urgency="urgent", summary=summary)


# -- looking inside a PDF --------------------------------------------------------------------

def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / f"{hashlib.sha256(pdf).hexdigest()[:12]}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def decompressed_streams(pdf: bytes) -> bytes:
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return b"\n".join(out)


def embedded_json(pdf: bytes) -> bytes:
    payload = embedded_referral_json(PdfFileReader(io.BytesIO(pdf)))
    assert payload is not None
    return payload


def places(pdf: bytes, text: str, tmp_path: Path) -> list[str]:
    """Where `text` can be found in a PDF: its text, its streams, its referral.json."""
    found = []
    if re.sub(r"\s+", "", text) in pdf_text(pdf, tmp_path):
        found.append("text")
    if text.encode() in decompressed_streams(pdf):
        found.append("streams")
    if text in embedded_json(pdf).decode():
        found.append("json")
    return found
