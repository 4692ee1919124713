"""Signing and delivering handling reports to the district platform.

Each report is a PDF carrying `platform-report.json` as an embedded file, signed (PAdES)
by the studio's identity like a referral — chosen over a detached-signed JSON so that one
file holds both what a person reads and what the platform's system reads, and so that
`xinhe verify` (the receiving side's rule) checks reports and referrals alike. The audit
head travels in the PDF's /Keywords and in the JSON. The path mirrors the referral's:

    queued report → PDF → sign → keep in the vault ("signed") → outbox + manifest
    ("delivered"); an unreachable outbox leaves it "signed" with the reason, sent later.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from xinhe.crypto.signing import SigningIdentityError
from xinhe.export import layout
from xinhe.export.fonts import register_font
from xinhe.export.outbox import DeliveryFailed, deliver, describe_note
from xinhe.export.pdf import MARGIN, embed_data, kv_table, paragraph, with_signature_field
from xinhe.export.sign import SigningFailed, sign_pdf
from xinhe.i18n import pick
from xinhe.records import platform_reports as reports
from xinhe.records import vocab
from xinhe.records.platform_contract import (
    EVENTS,
    FACT_LABELS,
    FOLLOWUP_RESULTS,
    JSON_NAME,
    RESULTS,
    PlatformReportPacket,
)
from xinhe.records.platform_dispatch import GRADES
from xinhe.records.referral_policy import outbox_folder
from xinhe.records.signing_store import SigningStore
from xinhe.records.storage.session import Session

#: The manifest's agency column for reports: the platform itself.
PLATFORM = "platform"


@dataclass(frozen=True)
class SendResult:
    report: reports.PlatformReport
    delivered_to: Path | None
    failure: DeliveryFailed | None

    def failure_message(self, lang: str | None = None) -> str:
        """Why the report did not arrive, and that it waits in the vault ("" if it did)."""
        if self.failure is None:
            return ""
        why = describe_note(self.failure.note, lang)
        return pick(f"平台上报 {self.report.report_no} 已保存在数据库中，但未能送达：{why}。"
                    "下次发送时会再试。",
                    f"The platform report {self.report.report_no} is kept in the vault but "
                    f"could not be delivered: {why}. It is tried again at the next send.", lang)


def audit_keywords(packet: PlatformReportPacket) -> str:
    """The /Keywords entry, in the form the audit witnesses read."""
    return (f"xinhe-platform-report {packet.report_no}; audit-head-seq {packet.audit_head.seq};"
            f" audit-head-sha256 {packet.audit_head.hash}")


def _value(key: str, value: object) -> str:
    """A fact as a reader sees it (Chinese: the platform is Chinese)."""
    tables = {"result": RESULTS, "visit_result": FOLLOWUP_RESULTS, "agency": vocab.AGENCIES,
              "reason": vocab.CLOSURE_REASONS, "platform_grade": GRADES,
              "studio_level": vocab.RISK_LEVELS, "contact_kind": {
                  "session": ("咨询", "Session"), "crisis": ("危机干预", "Crisis"),
                  "followup": ("回访", "Follow-up")}}
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in tables:
        return tables[key].get(str(value), (str(value), ""))[0]
    if key.endswith("_at"):
        return str(value).replace("T", " ")[:16] + " UTC"
    return str(value)


def build_report_pdf(packet: PlatformReportPacket) -> bytes:
    """The unsigned report PDF: the facts, the embedded JSON, an empty signature field."""
    font = register_font()
    styles = layout.make_styles(font)
    width = A4[0] - 2 * MARGIN
    area = layout.SignatureArea()
    story = [
        paragraph("个案处置情况上报", styles.title),
        kv_table([("报送机构", packet.studio_name), ("上报编号", packet.report_no),
                   ("平台编号", packet.platform_ref), ("本机构个案号", packet.case_no),
                   ("上报事项", EVENTS[packet.event][0]),
                   ("上报时间", packet.created_at.strftime("%Y-%m-%d %H:%M %z")),
                   ("上报人", packet.reported_by)], styles, width),
        paragraph("处置情况", styles.heading),
        kv_table([(FACT_LABELS.get(k, (k, k))[0], _value(k, v))
                   for k, v in sorted(packet.facts.items())] or [("—", "—")], styles, width),
        Spacer(1, 8),
        Paragraph("本上报仅含结构化处置信息，不含咨询记录内容；个案以平台编号识别。文件已作"
                  "电子签名，任何改动都会使签名失效。", styles.small),
        Spacer(1, 10),
        layout.SignatureBox(area, "电子签章", font),
    ]
    out = io.BytesIO()
    canvas_class = layout.numbered_canvas(
        font, footer_left=f"审计链头 #{packet.audit_head.seq} · {packet.audit_head.short}",
        footer_mid=f"上报编号 {packet.report_no}",
        header=f"{packet.studio_name} · 平台处置上报",
        page_label=lambda x, y: f"第 {x} 页 / 共 {y} 页")
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, initialFontName=font, title=f"平台处置上报 {packet.report_no}",
        author=packet.studio_name, subject="平台处置上报", keywords=audit_keywords(packet),
        creator="Xinhe 馨和", producer="Xinhe 馨和", lang="zh-CN")
    doc.build(story, canvasmaker=canvas_class)
    writer = IncrementalPdfFileWriter(io.BytesIO(out.getvalue()))
    embed_data(writer, JSON_NAME, packet.json_bytes(), "application/json", packet.created_at,
               "Machine-readable platform report (Xinhe platform-report.json)")
    return with_signature_field(writer, area)


def send_report(vault: Session, report_id: int, *, outbox: Path | None = None) -> SendResult:
    """Sign a queued report (naming the actor) and deliver it; a signed one that did not
    arrive is delivered again. A delivery problem comes back in `failure`."""
    found = reports.get(vault, report_id)
    if found.status == "queued":
        packet = reports.packet(vault, report_id)
        pdf = build_report_pdf(packet)
        try:
            identity = SigningStore(vault).for_signing()
            signed = sign_pdf(pdf, identity, signer_name=vault.actor.display_name,
                              reason=f"平台上报 {found.report_no}", location=vault.org_name,
                              signing_time=packet.created_at)
        except (SigningIdentityError, SigningFailed) as exc:
            vault.audit_event("platform.report.sign", "platform_report", found.report_no,
                              f"failed:{exc.code}")
            raise
        found = reports.mark_signed(vault, report_id, signed,
                                    hashlib.sha256(signed).hexdigest())
    else:
        signed = reports.signed_pdf(vault, report_id)
    folder = outbox if outbox is not None else outbox_folder(vault)
    try:
        delivery = deliver(folder, referral_no=found.report_no, agency=PLATFORM, pdf=signed,
                           now=vault.now())
    except DeliveryFailed as failure:
        return SendResult(reports.mark_delivery_failed(vault, report_id, failure.note), None,
                          failure)
    if found.status == "delivered":
        return SendResult(found, delivery.path, None)
    return SendResult(reports.mark_delivered(vault, report_id, str(delivery.path)),
                      delivery.path, None)


def send_unsent(vault: Session, *, outbox: Path | None = None) -> list[SendResult]:
    """Sign and deliver every report still waiting (the automatic ones, and those queued
    while the outbox was unreachable). Stops trying the outbox after its first failure:
    the others stay queued for the next attempt."""
    results: list[SendResult] = []
    for waiting in reports.unsent(vault):
        results.append(send_report(vault, waiting.id, outbox=outbox))
        if results[-1].failure is not None:
            break  # the outbox is away: the rest stay queued for the next attempt
    return results
