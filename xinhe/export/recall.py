"""Recalling a delivered referral: the recall is recorded (with its reason), then a signed
recall notice goes to the outbox with its manifest line, as the referral did.

The notice names the referral (number, agency, when it was delivered, the SHA-256 of the
signed packet) and asks the agency to stop using it; it names no client. It is built like
a referral packet — reportlab, the embedded CJK font, `referral-recall.json` attached — and
signed with the studio's identity, so `xinhe verify` accepts it. If the outbox cannot be
reached the notice stays in the vault with the reason, and `deliver_recall_again` sends it.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer

from xinhe.crypto.signing import SigningIdentityError
from xinhe.errors import InvalidInput
from xinhe.export import layout
from xinhe.export.fonts import register_font
from xinhe.export.outbox import DeliveryFailed, deliver
from xinhe.export.pdf import MARGIN, embed_data, with_signature_field
from xinhe.export.pdf import _kv_table as kv_table
from xinhe.export.pdf import _p as para
from xinhe.export.pdf import _when as when_text
from xinhe.export.sign import SigningFailed, sign_pdf
from xinhe.records import vocab
from xinhe.records.common import parse_ts
from xinhe.records.referral_policy import outbox_folder
from xinhe.records.referrals import RECALL_JSON, Referral
from xinhe.records.services import Services


@dataclass(frozen=True)
class RecallResult:
    referral: Referral
    sha256: str
    delivered_to: Path | None
    failure: DeliveryFailed | None

    @property
    def delivered(self) -> bool:
        return self.failure is None


def recall_number(referral_no: str) -> str:
    """The notice's number in the outbox and its manifest: the referral's, marked."""
    return f"{referral_no}-recall"


def notice_json(services: Services, referral: Referral, now: datetime) -> dict[str, Any]:
    """The notice's machine-readable part: no client data, only the referral named."""
    seq, head = services.vault.audit.head()
    return {"schema_version": 1, "kind": "referral_recall", "referral_no": referral.referral_no,
            "agency": {"code": referral.agency}, "studio_name": services.vault.org_name,
            "recalled_at": now.isoformat(), "reason": referral.recall_reason or "",
            "delivered_at": referral.delivered_at, "referral_sha256": referral.file_sha256,
            "recalled_by": services.vault.actor.display_name,
            "audit_head": {"seq": seq, "hash": head}}


def build_recall_pdf(doc: dict[str, Any], now: datetime) -> bytes:
    """The unsigned notice (Chinese, as referral packets are) with its JSON attached."""
    font = register_font()
    styles = layout.make_styles(font)
    width = A4[0] - 2 * MARGIN
    agency = vocab.label(vocab.AGENCIES, doc["agency"]["code"], "zh_CN")
    delivered = parse_ts(doc["delivered_at"])
    area = layout.SignatureArea()
    story: list[Flowable] = [
        para("转介撤回通知", styles.title),
        kv_table([("转出机构", str(doc["studio_name"])), ("接收机构", agency),
                  ("撤回的转介", str(doc["referral_no"])),
                  ("原转介送达时间", when_text(delivered.astimezone()) if delivered else ""),
                  ("原转介文件 SHA-256", str(doc["referral_sha256"] or "")),
                  ("撤回时间", when_text(now)), ("撤回原因", str(doc["reason"])),
                  ("撤回人", str(doc["recalled_by"]))], styles, width),
        Spacer(1, 8),
        para("本机构撤回上述转介。请停止使用该转介材料，不再向第三方提供，并按贵单位的规定"
             "删除或封存已收到的文件，回复确认。本通知已作电子签名，任何改动都会使签名失效。",
             styles.body),
        Spacer(1, 10),
        layout.SignatureBox(area, "电子签章", font)]
    out = io.BytesIO()
    seq, head = int(doc["audit_head"]["seq"]), str(doc["audit_head"]["hash"])
    canvas_class = layout.numbered_canvas(
        font, footer_left=f"审计链头 #{seq} · {head[:16]}",
        footer_mid=recall_number(str(doc["referral_no"])),
        header=f"{doc['studio_name']} · 转介撤回通知",
        page_label=lambda x, y: f"第 {x} 页 / 共 {y} 页")
    SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 12,
        bottomMargin=MARGIN + 6, initialFontName=font, author=str(doc["studio_name"]),
        title=f"转介撤回通知 {doc['referral_no']}",
        keywords=(f"xinhe-referral-recall {doc['referral_no']}; audit-head-seq {seq}; "
                  f"audit-head-sha256 {head}"),
        creator="Xinhe 馨和", producer="Xinhe 馨和", lang="zh-CN",
    ).build(story, canvasmaker=canvas_class)
    writer = IncrementalPdfFileWriter(io.BytesIO(out.getvalue()))
    data = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    embed_data(writer, RECALL_JSON, data.encode("utf-8"), "application/json", now,
               "Machine-readable recall notice (Xinhe referral-recall.json)")
    return with_signature_field(writer, area)


def recall_referral(services: Services, referral_id: int, reason: str, *,
                    consent_id: int | None = None, outbox: Path | None = None) -> RecallResult:
    """Recall a delivered referral, sign the notice, keep it and deliver it to the outbox.

    Raises AccessDenied or InvalidInput before anything changes; a signing error leaves the
    referral recalled without a notice (send it with `deliver_recall_again`); a delivery
    problem does not raise but comes back in `failure`."""
    referral = services.referrals.recall(referral_id, reason, consent_id=consent_id)
    return _sign_and_deliver(services, referral, outbox)


def _sign_and_deliver(services: Services, referral: Referral,
                      outbox: Path | None) -> RecallResult:
    vault = services.vault
    now = vault.now().astimezone().replace(microsecond=0)
    doc = notice_json(services, referral, now)
    try:
        signed = sign_pdf(build_recall_pdf(doc, now), services.signing.for_signing(),
                          signer_name=vault.actor.display_name,
                          reason=f"撤回转介 {referral.referral_no}", location=vault.org_name,
                          signing_time=now)
    except (SigningIdentityError, SigningFailed) as exc:
        vault.audit_event("referral.recall_sign", "referral", referral.referral_no,
                          f"failed:{exc.code}")
        raise
    sha256 = hashlib.sha256(signed).hexdigest()
    referral = services.referrals.mark_recall_signed(referral.id, signed, sha256)
    return _deliver(services, referral, signed, outbox)


def deliver_recall_again(services: Services, referral_id: int, *,
                         outbox: Path | None = None) -> RecallResult:
    """Deliver the kept recall notice again (or sign it, if signing failed the first time)."""
    referral = services.referrals.get(referral_id)
    if referral.status != "recalled":
        raise InvalidInput("该转介没有撤回。", "This referral was not recalled.")
    if referral.recall_sha256 is None:
        return _sign_and_deliver(services, referral, outbox)
    return _deliver(services, referral, services.referrals.recall_pdf(referral_id), outbox)


def _deliver(services: Services, referral: Referral, pdf: bytes,
             outbox: Path | None) -> RecallResult:
    vault = services.vault
    folder = outbox if outbox is not None else outbox_folder(vault)
    sha256 = hashlib.sha256(pdf).hexdigest()
    try:
        delivery = deliver(folder, referral_no=recall_number(referral.referral_no),
                           agency=referral.agency, pdf=pdf, now=vault.now())
    except DeliveryFailed as failure:
        updated = services.referrals.mark_delivery_failed(referral.id, failure.note)
        return RecallResult(updated, sha256, None, failure)
    updated = services.referrals.mark_recall_delivered(referral.id, str(delivery.path))
    return RecallResult(updated, sha256, delivery.path, None)
