"""Synthetic referral packets and images for the export tests (no real client data)."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta, timezone

from PIL import Image

from xinhe.records.packet_contract import (
    Attachment,
    AuditHead,
    ClientField,
    ConsentRecord,
    ReferralPacket,
    RiskInstrument,
    RiskSummary,
)

SHENZHEN = timezone(timedelta(hours=8))
SUMMARY = (
    "当事人陈述：2026年2月以来，配偶多次在酒后对其实施殴打，最近一次为3月1日晚，"
    "造成左臂淤青和面部擦伤，并以“再报警就杀了你”相威胁。当事人目前暂住亲属家中，"
    "两名子女（7岁、4岁）随其居住。咨询师已与当事人共同制定安全计划，"
    "建议公安机关出具告诫书并协助申请人身安全保护令。"
)
SESSION_NOTE_MARKER = "咨询记录原文：当事人童年经历"
POLICE_FIELDS = [
    ClientField("name", "姓名", "Name", "李某某"),
    ClientField("gender", "性别", "Gender", "女"),
    ClientField("phone", "联系电话", "Phone", "138-0000-0000"),
    ClientField("safe_contact", "安全联系方式", "Safe contact",
                "工作日 9:00–17:00 致电本工作室转接"),
]


def photo_jpeg(exif_gps: bool = True) -> bytes:
    """A small synthetic 'injury photo' JPEG; with an EXIF block holding a GPS tag."""
    img = Image.new("RGB", (640, 480), (210, 180, 160))
    for x in range(200, 440):
        for y in range(160, 320):
            img.putpixel((x, y), (120, 60, 110))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "SyntheticPhoneMaker"
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (22.0, 33.0, 44.0)
        exif[0x8825] = gps
        img.save(out, format="JPEG", exif=exif)
    else:
        img.save(out, format="JPEG")
    return out.getvalue()


def attachment(name: str, data: bytes, media_type: str, included: bool) -> Attachment:
    return Attachment(name=name, media_type=media_type, sha256=hashlib.sha256(data).hexdigest(),
                      size=len(data), included=included, data=data if included else None)


def police_packet(*, summary: str = SUMMARY, urgency: str = "urgent",
                  with_photo: bool = True, agency: str = "police") -> ReferralPacket:
    attachments = [attachment("同意书扫描件.pdf", b"%PDF-1.4 synthetic consent scan",
                              "application/pdf", False)]
    if with_photo:
        attachments.append(attachment("伤情照片1.jpg", photo_jpeg(), "image/jpeg", True))
    return ReferralPacket(
        studio_name="馨和家园工作室",
        referral_no="XH-2026-0042",
        created_at=datetime(2026, 3, 2, 10, 15, tzinfo=SHENZHEN),
        agency=agency,
        purpose="申请告诫书并协助申请人身安全保护令",
        urgency=urgency,
        client_fields=tuple(POLICE_FIELDS),
        situation_summary=summary,
        risk=RiskSummary("high", (
            RiskInstrument("亲密关系危险评估（本机构版）", 16, "high", date(2026, 3, 1)),
            RiskInstrument("自杀风险筛查", 1, "low", date(2026, 3, 1)),
        )),
        consent=ConsentRecord(form="written", given_on=date(2026, 3, 2),
                              purpose="转介公安机关处理家庭暴力", recipient="宝安公安分局"),
        attachments=tuple(attachments),
        counsellor_name="王丽",
        exported_by="陈静",
        audit_head=AuditHead(seq=1287, hash=hashlib.sha256(b"audit-head").hexdigest()),
    )


def created_utc() -> datetime:
    return datetime(2026, 3, 2, 2, 15, tzinfo=UTC)
