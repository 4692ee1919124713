"""The referral PDF, built in memory with reportlab (never a temp file with client data).

`build_referral_pdf` lays out the packet (Chinese by default), embeds `referral.json` as
a PDF file attachment and adds an empty signature field over the box left for the
visible stamp on the last page. `xinhe.export.sign.sign_pdf` then fills that field.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from PIL import ImageOps
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from xinhe.export import layout
from xinhe.export.fonts import register_font
from xinhe.records.packet_contract import (
    CONSENT_FORMS,
    JSON_NAME,
    LEGAL_BASES,
    RISK_LEVELS,
    URGENCIES,
    Attachment,
    RecordPart,
    ReferralPacket,
)

SIGNATURE_FIELD = "XinheSignature"
MARGIN = 20 * mm
#: Included photos are re-encoded no larger than this (pixels on the long side).
MAX_IMAGE_PIXELS = 2000


def audit_keywords(packet: ReferralPacket) -> str:
    """The /Keywords entry: the audit-chain head the export was recorded under."""
    return (f"xinhe-referral {packet.referral_no}; audit-head-seq {packet.audit_head.seq}; "
            f"audit-head-sha256 {packet.audit_head.hash}")


def build_referral_pdf(packet: ReferralPacket, lang: str = "zh_CN") -> bytes:
    """The unsigned referral PDF: layout, embedded referral.json, empty signature field."""
    font = register_font()
    styles = layout.make_styles(font)

    def t(zh: str, en: str) -> str:
        return en if lang == "en" else zh

    area = layout.SignatureArea()
    story = _story(packet, styles, t, font, area)
    out = io.BytesIO()
    header = t(f"{packet.studio_name} · 转介材料 · 机密，"
               f"仅供{packet.agency_label_zh}办理本转介使用",
               f"{packet.studio_name} · Referral · Confidential: for "
               f"{packet.agency_label_en} handling this referral only")
    canvas_class = layout.numbered_canvas(
        font,
        footer_left=t(f"审计链头 #{packet.audit_head.seq} · {packet.audit_head.short}",
                      f"Audit head #{packet.audit_head.seq} · {packet.audit_head.short}"),
        footer_mid=t(f"转介编号 {packet.referral_no}", f"Referral {packet.referral_no}"),
        header=header,
        page_label=lambda x, y: t(f"第 {x} 页 / 共 {y} 页", f"Page {x} of {y}"),
    )
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN + 2 * mm, initialFontName=font,
        title=t(f"转介函 {packet.referral_no}", f"Referral {packet.referral_no}"),
        author=packet.studio_name, subject=t("转介材料", "Referral packet"),
        keywords=audit_keywords(packet), creator="Xinhe 馨和", producer="Xinhe 馨和",
        lang="en" if lang == "en" else "zh-CN",
    )
    doc.build(story, canvasmaker=canvas_class)
    if area.page_index < 0:  # pragma: no cover - the box is always in the story
        raise RuntimeError("signature area was not laid out")
    return _attach_json_and_field(out.getvalue(), packet, area)


def embed_data(writer: IncrementalPdfFileWriter, name: str, data: bytes, mime_type: str,
               made: datetime, description: str) -> None:
    """Embed `data` in the PDF as the file attachment `name`."""
    embed.embed_file(writer, embed.FileSpec(
        file_spec_string=name, file_name=name, description=description,
        embedded_data=embed.EmbeddedFileObject.from_file_data(
            writer, data=data, mime_type=mime_type,
            params=embed.EmbeddedFileParams(creation_date=made, modification_date=made))))


def with_signature_field(writer: IncrementalPdfFileWriter, area: layout.SignatureArea) -> bytes:
    """Add the empty signature field over the laid-out box and return the whole PDF."""
    x1, y1, x2, y2 = (round(v) for v in area.box)
    fields.append_signature_field(writer, fields.SigFieldSpec(
        SIGNATURE_FIELD, on_page=area.page_index, box=(x1, y1, x2, y2)))
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def _attach_json_and_field(pdf: bytes, packet: ReferralPacket,
                           area: layout.SignatureArea) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    embed_data(writer, JSON_NAME, packet.json_bytes(), "application/json", packet.created_at,
               "Machine-readable referral (Xinhe referral.json)")
    # Associated file (/AF), as PDF/A-3 does on PDF 1.7: pyHanko's af_relationship would
    # relabel the whole document PDF 2.0, which older verifiers may refuse.
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec_ref = names.raw_get(len(names) - 1)  # the reference, not a copy
    spec = spec_ref.get_object()
    spec[generic.pdf_name("/AFRelationship")] = generic.pdf_name("/Data")
    writer.update_container(spec)
    writer.root[generic.pdf_name("/AF")] = writer.add_object(generic.ArrayObject([spec_ref]))
    writer.update_root()  # type: ignore[no-untyped-call]
    for attachment in embedded_attachments(packet):
        assert attachment.data is not None
        embed_data(writer, attachment.name, attachment.data, attachment.media_type,
                   packet.created_at, f"Attachment, SHA-256 {attachment.sha256}")
    return with_signature_field(writer, area)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of user text: escaped (no markup injection), line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _when(moment: datetime) -> str:
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def _table_style(styles: layout.Styles, *commands: tuple[object, ...]) -> TableStyle:
    """A table style whose cells use the CJK font (reportlab's default is Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), styles.body.fontName), *commands])


def _kv_table(rows: list[tuple[str, str]], styles: layout.Styles, width: float) -> Table:
    data = [[_p(k, styles.label), _p(v, styles.cell)] for k, v in rows]
    table = Table(data, colWidths=[width * 0.26, width * 0.74], hAlign="LEFT")
    table.setStyle(_table_style(
        styles,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, layout.RULE),
        ("BACKGROUND", (0, 0), (0, -1), layout.SHADE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ))
    return table


def _grid(header: list[str], rows: list[list[str]], widths: list[float],
          styles: layout.Styles) -> Table:
    data = [[_p(h, styles.label) for h in header]]
    data += [[_p(c, styles.cell) for c in row] for row in rows]
    table = Table(data, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(_table_style(
        styles,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), layout.SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, layout.RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ))
    return table


def _story(packet: ReferralPacket, styles: layout.Styles, t: Callable[[str, str], str],
           font: str, area: layout.SignatureArea) -> list[Flowable]:
    width = A4[0] - 2 * MARGIN
    lang_en = t("", "en") == "en"
    story: list[Flowable] = [_p(t("转 介 函", "Referral"), styles.title)]
    if packet.urgency != "normal":
        zh, en = URGENCIES[packet.urgency]
        banner = Table([[_p(t(f"【{zh}】请优先处理", f"[{en.upper()}] Please act first"),
                            styles.banner)]], colWidths=[width])
        banner.setStyle(_table_style(styles, ("BACKGROUND", (0, 0), (-1, -1), layout.URGENT),
                                     ("TOPPADDING", (0, 0), (-1, -1), 6),
                                     ("BOTTOMPADDING", (0, 0), (-1, -1), 6)))
        story += [banner, Spacer(1, 8)]
    story.append(_kv_table([
        (t("转出机构", "From"), packet.studio_name),
        (t("转介编号", "Referral no."), packet.referral_no),
        (t("日期", "Date"), _when(packet.created_at)),
        (t("接收机构", "To"), packet.agency_label(t("zh_CN", "en"))),
        (t("转介目的", "Purpose"), packet.purpose),
        (t("紧急程度", "Urgency"), t(*URGENCIES[packet.urgency])),
    ], styles, width))

    numbers = iter("一二三四五六七八九")
    counter = iter(range(1, 10))

    def heading(zh: str, en: str) -> Paragraph:
        return _p(t(f"{next(numbers)}、{zh}", f"{next(counter)}. {en}"), styles.heading)

    story.append(heading("当事人信息", "Client"))
    if packet.client_fields:
        story.append(_kv_table(
            [(f.label_en if lang_en else f.label_zh, f.value) for f in packet.client_fields],
            styles, width))
    else:
        story.append(_p(t("（按本机构的字段规则，不提供当事人信息。）",
                          "(No client details are shared with this agency.)"), styles.small))

    story.append(heading("情况摘要", "Situation summary"))
    for para in packet.situation_summary.split("\n\n"):
        story.append(_p(para.strip("\n"), styles.body))

    story.append(heading("风险摘要", "Risk summary"))
    level = RISK_LEVELS.get(packet.risk.level, (packet.risk.level, packet.risk.level))
    story.append(_p(t(f"总体风险等级：{level[0]}", f"Overall risk level: {level[1]}"),
                    styles.body))
    if packet.risk.instruments:
        rows = [[i.name, "" if i.total is None else f"{i.total:g}",
                 t(*RISK_LEVELS.get(i.level, (i.level, i.level))), i.assessed_on.isoformat()]
                for i in packet.risk.instruments]
        story.append(_grid([t("评估工具", "Instrument"), t("总分", "Total"),
                            t("等级", "Level"), t("评估日期", "Date")],
                           rows, [width * 0.46, width * 0.14, width * 0.18, width * 0.22],
                           styles))

    if packet.record_parts:
        story.append(heading("记录摘录", "Extracts from the record"))
        for part in packet.record_parts:
            story += _record_part(part, styles, t, width)

    story.append(heading("知情同意", "Consent"))
    story.append(_kv_table(_consent_rows(packet, t), styles, width))

    story.append(heading("附件", "Attachments"))
    story += _attachment_list(packet, styles, t, width)
    images = [a for a in packet.attachments if a.included and a.is_image and a.data]
    for number, attachment in enumerate(images, start=1):
        story += _image_page(number, attachment, styles, t, width)

    if images:
        story.append(PageBreak())
    story.append(CondPageBreak(layout.STAMP_HEIGHT + 150))
    story.append(KeepTogether([
        heading("签署", "Signature"),
        _p(t("本转介材料由上述工作室依法出具，仅供接收机构办理本转介使用，未经当事人同意"
             "不得转交第三方。文件已作电子签名，任何改动都会使签名失效。",
             "Issued by the studio above for the receiving agency's handling of this "
             "referral only; not to be passed on without the client's consent. The file "
             "is electronically signed: any change invalidates the signature."),
           styles.small),
        Spacer(1, 6),
        _kv_table([(t("咨询师", "Counsellor"), packet.counsellor_name),
                   (t("导出人", "Exported by"), packet.exported_by)], styles, width),
        Spacer(1, 10),
        layout.SignatureBox(area, t("电子签章", "Electronic signature"), font),
    ]))
    return story


def _record_part(part: RecordPart, styles: layout.Styles, t: Callable[[str, str], str],
                 width: float) -> list[Flowable]:
    lang = t("zh_CN", "en")
    title = part.title(lang)
    if part.recorded_on is not None:
        title += t(f"（{part.recorded_on.isoformat()}）", f" ({part.recorded_on.isoformat()})")
    out: list[Flowable] = [CondPageBreak(60), _p(title, styles.label)]
    if part.note(lang):
        out += [_p(part.note(lang), styles.small), Spacer(1, 3)]
    items = [line for line in part.lines if not line.value]
    for line in items:
        out.append(_p("• " + (line.label_en if lang == "en" else line.label_zh), styles.body))
    rows = [(line.label_en if lang == "en" else line.label_zh, line.value)
            for line in part.lines if line.value]
    if rows:
        out.append(_kv_table(rows, styles, width))
    if not part.lines:
        out.append(_p(t("（无记录内容。）", "(Nothing recorded.)"), styles.small))
    out.append(Spacer(1, 6))
    return out


def _consent_rows(packet: ReferralPacket, t: Callable[[str, str], str]) -> list[tuple[str, str]]:
    consent = packet.consent
    rows: list[tuple[str, str]] = []
    if consent.form is not None:
        rows.append((t("同意方式", "Form"), t(*CONSENT_FORMS[consent.form])))
        if consent.given_on is not None:
            rows.append((t("同意日期", "Date"), consent.given_on.isoformat()))
    else:
        basis = LEGAL_BASES[consent.legal_basis or "legal_duty"]
        rows.append((t("法律依据（无需同意）", "Legal basis (no consent needed)"), t(*basis)))
    rows.append((t("用途", "Purpose"), consent.purpose))
    rows.append((t("接收方", "Recipient"), consent.recipient))
    if consent.note:
        rows.append((t("说明", "Note"), consent.note))
    return rows


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def embedded_attachments(packet: ReferralPacket) -> list[Attachment]:
    """Included files that are not pictures: they travel as PDF file attachments."""
    return [a for a in packet.attachments if a.included and not a.is_image and a.data]


def _attachment_list(packet: ReferralPacket, styles: layout.Styles,
                     t: Callable[[str, str], str], width: float) -> list[Flowable]:
    if not packet.attachments:
        return [_p(t("无附件。", "No attachments."), styles.body)]
    rows = []
    number = 0
    for a in packet.attachments:
        if a.included and a.is_image and a.data:
            number += 1
            where = t(f"附于文后（附图 {number}）", f"Included (figure {number})")
        elif a.included and a.data:
            where = t("作为文件附件嵌入本 PDF", "Embedded in this PDF as a file attachment")
        else:
            where = t("未随本文件提供", "Not included")
        rows.append([a.name, f"{a.media_type}\n{_size(a.size)}", where, a.sha256])
    return [_grid([t("文件名", "File"), t("类型 / 大小", "Type / size"), t("是否附带", "Included"),
                   "SHA-256"], rows,
                  [width * 0.24, width * 0.20, width * 0.18, width * 0.38], styles)]


def _image_page(number: int, attachment: Attachment, styles: layout.Styles,
                t: Callable[[str, str], str], width: float) -> list[Flowable]:
    data, (px_w, px_h) = clean_image(attachment.data or b"")
    max_h = A4[1] - 2 * MARGIN - 6 * mm - 70
    scale = min(width / px_w, max_h / px_h)
    image = Image(io.BytesIO(data), width=px_w * scale, height=px_h * scale)
    caption = t(f"附图 {number}：{attachment.name}", f"Figure {number}: {attachment.name}")
    return [PageBreak(), _p(caption, styles.heading),
            _p(f"SHA-256 {attachment.sha256}", styles.small), Spacer(1, 6), image]


def clean_image(data: bytes) -> tuple[bytes, tuple[int, int]]:
    """Re-encode a photo as a plain JPEG: EXIF (GPS position!) and other metadata dropped.

    Phones write where a photo was taken into it; a shelter's address must never travel
    inside an injury photo.
    """
    with PILImage.open(io.BytesIO(data)) as raw:
        upright = ImageOps.exif_transpose(raw)
        rgb = upright.convert("RGB")
    rgb.thumbnail((MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS))
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), rgb.size


#: The paragraph and key-value table other packets (the platform report) lay out alike.
paragraph = _p
kv_table = _kv_table

__all__ = ["SIGNATURE_FIELD", "audit_keywords", "build_referral_pdf", "clean_image",
           "kv_table", "paragraph"]
