"""The court extract (求助记录证明) as a signed PDF: built like a referral packet (reportlab,
embedded CJK font, the machine-readable `court-extract.json` attached, an empty signature
field over the stamp box), signed with the studio's identity, kept in the vault and, when a
folder is given, written there atomically. `xinhe verify` applies the referral rule to it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.lib.pagesizes import A4
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, SimpleDocTemplate, Spacer

from xinhe.crypto.signing import SigningIdentityError
from xinhe.errors import XinheError
from xinhe.export import layout
from xinhe.export.fonts import register_font
from xinhe.export.outbox import _place_file, reason_text
from xinhe.export.pdf import MARGIN, embed_data, with_signature_field
from xinhe.export.pdf import _grid as grid
from xinhe.export.pdf import _kv_table as kv_table
from xinhe.export.pdf import _p as para
from xinhe.export.pdf import _when as when_text
from xinhe.export.sign import SigningFailed, sign_pdf
from xinhe.records import templates as tpl
from xinhe.records.court_extract import JSON_NAME, CourtExtract, ExtractSection, build_extract
from xinhe.records.court_extract_store import ExtractRecord, record_extract
from xinhe.records.signing_store import SigningStore
from xinhe.records.storage.session import Session

Progress = Callable[[str], None]
STEPS = ("assemble", "pdf", "sign", "store", "save")


class ExtractNotSaved(XinheError):
    """The extract is signed and kept in the vault, but the chosen folder refused the file."""

    code = "extract_not_saved"

    def __init__(self, reason: str, folder: Path, file: str = "") -> None:
        self.reason = reason
        super().__init__(
            "求助记录证明已签名并保存在数据库中，但未能写入文件夹："
            f"{reason_text(reason, str(folder), file, 'zh_CN')}。可在个案中重新保存或打印。",
            "The court extract is signed and kept in the vault, but could not be written: "
            f"{reason_text(reason, str(folder), file, 'en')}. Save or print it again from "
            "the case.")


@dataclass(frozen=True)
class ExtractResult:
    record: ExtractRecord
    extract: CourtExtract
    pdf: bytes
    saved_to: Path | None


def file_name(extract_no: str) -> str:
    """The file's name: the extract number, nothing about the client."""
    return "".join(ch for ch in extract_no if ch.isalnum() or ch in "-_") + "-court.pdf"


def build_extract_pdf(extract: CourtExtract) -> bytes:
    """The unsigned extract PDF with `court-extract.json` attached and the signature field."""
    font = register_font()
    styles = layout.make_styles(font)
    en = extract.lang == "en"

    def t(zh: str, english: str) -> str:
        return english if en else zh

    area = layout.SignatureArea()
    width = A4[0] - 2 * MARGIN
    story: list[Flowable] = [
        para(t("求助记录证明", "Record of help sought"), styles.title),
        para(t("（依据最高人民法院关于办理人身安全保护令案件的规定，供人民法院审查）",
               "(for the People's Court, under the Supreme People's Court's rules on "
               "protection orders)"), styles.small),
        Spacer(1, 6),
        kv_table([(t("出具机构", "Issued by"), extract.studio_name),
                  (t("证明编号", "Extract no."), extract.extract_no),
                  (t("个案编号", "Case no."), extract.case_no),
                  (t("出具日期", "Date"), when_text(extract.created_at)),
                  *extract.client], styles, width)]
    numbers = iter("一二三四五六七八九十")
    for number, section in enumerate(extract.sections, start=1):
        story.append(para(t(f"{next(numbers)}、{section.title}",
                            f"{number}. {section.title}"), styles.heading))
        story += _section(section, styles, width)
    story.append(CondPageBreak(layout.STAMP_HEIGHT + 150))
    story.append(KeepTogether([
        para(t("签署", "Signature"), styles.heading),
        para(t("以上内容摘自本机构的个案记录，由咨询师按最小必要原则选定，仅供人民法院审查"
               "人身安全保护令申请使用。文件已作电子签名，任何改动都会使签名失效；可用"
               "“xinhe verify”核验。",
               "Taken from the studio's case record and chosen by the counsellor as the "
               "minimum necessary, for the court's review of a protection-order application "
               "only. The file is electronically signed: any change invalidates the "
               "signature; check it with 'xinhe verify'."), styles.small),
        Spacer(1, 6),
        kv_table([(t("咨询师", "Counsellor"), extract.counsellor_name),
                  (t("出具人", "Issued by"), extract.exported_by)], styles, width),
        Spacer(1, 10),
        layout.SignatureBox(area, t("电子签章", "Electronic signature"), font)]))
    out = io.BytesIO()
    canvas_class = layout.numbered_canvas(
        font, footer_left=t(f"审计链头 #{extract.audit_seq} · {extract.audit_hash[:16]}",
                            f"Audit head #{extract.audit_seq} · {extract.audit_hash[:16]}"),
        footer_mid=extract.extract_no,
        header=t(f"{extract.studio_name} · 求助记录证明 · 机密，仅供人民法院使用",
                 f"{extract.studio_name} · Record of help sought · Confidential: for the "
                 "court only"),
        page_label=lambda x, y: t(f"第 {x} 页 / 共 {y} 页", f"Page {x} of {y}"))
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 12,
        bottomMargin=MARGIN + 6, initialFontName=font, author=extract.studio_name,
        title=t(f"求助记录证明 {extract.extract_no}", f"Court extract {extract.extract_no}"),
        keywords=(f"xinhe-court-extract {extract.extract_no}; audit-head-seq "
                  f"{extract.audit_seq}; audit-head-sha256 {extract.audit_hash}"),
        creator="Xinhe 馨和", producer="Xinhe 馨和", lang="en" if en else "zh-CN")
    doc.build(story, canvasmaker=canvas_class)
    writer = IncrementalPdfFileWriter(io.BytesIO(out.getvalue()))
    embed_data(writer, JSON_NAME, extract.json_bytes(), "application/json",
               extract.created_at, "Machine-readable court extract (Xinhe court-extract.json)")
    return with_signature_field(writer, area)


def _section(section: ExtractSection, styles: layout.Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = []
    if section.rows:
        share = width / len(section.header)
        out.append(grid(list(section.header), [list(r) for r in section.rows],
                        [share] * len(section.header), styles))
    for entry in section.entries:
        out += [CondPageBreak(60), para(entry.heading, styles.label)]
        listed = [(k, v) for k, v in entry.lines if v]
        out += [para("• " + k, styles.body) for k, v in entry.lines if not v]
        if listed:
            out.append(kv_table(listed, styles, width))
        out.append(Spacer(1, 4))
    return out


def export_court_extract(vault: Session, templates: tpl.TemplateRegistry, case_id: int,
                         chosen: Collection[str], *, out_dir: Path | None = None,
                         lang: str = "zh_CN", progress: Progress | None = None) -> ExtractResult:
    """Make, sign and keep the extract of the `chosen` items; write it to `out_dir` if given.

    Raises AccessDenied, InvalidInput or a signing error before anything is kept, and
    ExtractNotSaved (with the extract already kept in the vault) if the folder refuses it."""
    step = progress or (lambda _s: None)
    step("assemble")
    extract = build_extract(vault, templates, case_id, chosen, lang)
    step("pdf")
    pdf = build_extract_pdf(extract)
    step("sign")
    try:
        signed = sign_pdf(pdf, SigningStore(vault).for_signing(),
                          signer_name=vault.actor.display_name,
                          reason=("Court extract " if lang == "en" else "求助记录证明 ") +
                          extract.extract_no, location=vault.org_name,
                          signing_time=extract.created_at, lang=lang)
    except (SigningIdentityError, SigningFailed) as exc:
        vault.audit_event("extract.sign", "court_extract", extract.extract_no,
                          f"failed:{exc.code}")
        raise
    sha256 = hashlib.sha256(signed).hexdigest()
    step("store")
    record = record_extract(vault, extract, chosen, signed, sha256)
    step("save")
    saved = save_copy(out_dir, extract.extract_no, signed) if out_dir is not None else None
    return ExtractResult(record, extract, signed, saved)


def save_copy(folder: Path, extract_no: str, pdf: bytes) -> Path:
    """Write the signed PDF into `folder` atomically. Raises ExtractNotSaved with the reason."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ExtractNotSaved("missing", folder)
    name = file_name(extract_no)
    try:
        _place_file(folder, name, pdf, hashlib.sha256(pdf).hexdigest())
    except OSError:
        raise ExtractNotSaved("not_writable", folder) from None
    except XinheError:  # a different file of that name is already there
        raise ExtractNotSaved("name_taken", folder, name) from None
    return folder / name
