"""The statistics report as a signed PDF: figures, charts and definitions.

Built in memory with reportlab and the embedded CJK font (the same as the referrals),
with the figures as `statistics.json` attached for machines, then signed (PAdES) with the
studio's identity by `xinhe.export.sign.sign_pdf`. Aggregates only: no client appears.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from xml.sax.saxutils import escape

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from xinhe.crypto.signing import SigningIdentity
from xinhe.export import layout
from xinhe.export.fonts import register_font
from xinhe.export.pdf import embed_data, with_signature_field
from xinhe.export.report_charts import category_chart, risk_chart, trend_chart
from xinhe.export.sign import sign_pdf
from xinhe.records.packet_contract import AuditHead, canonical_json
from xinhe.records.signing_store import SigningStore
from xinhe.records.stats import StatsReport, StatsService
from xinhe.records.stats_figures import FIGURES, section_name
from xinhe.records.stats_table import RISK_LABELS, figure_rows, format_value
from xinhe.records.storage.session import Session

JSON_NAME = "statistics.json"
MARGIN = 20 * mm
WIDTH = A4[0] - 2 * MARGIN

Translate = Callable[[str, str], str]


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _style(styles: layout.Styles, *commands: tuple[object, ...]) -> TableStyle:
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), styles.body.fontName), *commands])


def scope_text(report: StatsReport, t: Translate) -> str:
    scope = report.scope
    parts = []
    if scope.counsellor_name:
        parts.append(t(f"咨询师：{scope.counsellor_name}", f"Counsellor: {scope.counsellor_name}"))
    if scope.community:
        parts.append(t(f"社区：{scope.community}", f"Community: {scope.community}"))
    return t("，", ", ").join(parts) or t("全工作室", "Whole studio")


def build_report_pdf(report: StatsReport, *, exported_by: str, lang: str = "zh_CN",
                     audit_head: AuditHead | None = None) -> bytes:
    """The unsigned report PDF with `statistics.json` attached and an empty signature
    field over the box left for the stamp."""
    font = register_font()
    styles = layout.make_styles(font)

    def t(zh: str, en: str) -> str:
        return en if lang == "en" else zh

    area = layout.SignatureArea()
    out = io.BytesIO()
    period = f"{report.period.start} – {report.period.end}"
    audit = (t(f"审计链头 #{audit_head.seq} · {audit_head.short}",
               f"Audit head #{audit_head.seq} · {audit_head.short}") if audit_head else "")
    canvas_class = layout.numbered_canvas(
        font, footer_left=audit, footer_mid=t(f"统计期间 {period}", f"Period {period}"),
        header=t(f"{report.studio} · 统计报告 · 仅含汇总数字，不含当事人信息",
                 f"{report.studio} · Statistics report · aggregates only, no client data"),
        page_label=lambda x, y: t(f"第 {x} 页 / 共 {y} 页", f"Page {x} of {y}"))
    doc = BaseDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN + 2 * mm, initialFontName=font, pageTemplates=_templates(),
        title=t(f"统计报告 {period}", f"Statistics report {period}"), author=report.studio,
        subject=t("统计报告", "Statistics report"), creator="Xinhe 馨和",
        producer="Xinhe 馨和", lang="en" if lang == "en" else "zh-CN",
        keywords=(f"xinhe-statistics {report.period.start}..{report.period.end}"
                  + (f"; audit-head-seq {audit_head.seq}; audit-head-sha256 {audit_head.hash}"
                     if audit_head else "")))
    doc.build(_story(report, styles, t, font, area, exported_by), canvasmaker=canvas_class)
    if area.page_index < 0:  # pragma: no cover - the box is always in the story
        raise RuntimeError("signature area was not laid out")
    return _attach(out.getvalue(), report, area)


def _templates() -> list[PageTemplate]:
    """One column for the summary, charts and tables; two for the list of figures."""
    bottom, height = MARGIN + 2 * mm, A4[1] - 2 * MARGIN - 6 * mm
    half = (WIDTH - 14) / 2
    return [
        PageTemplate("one", [Frame(MARGIN, bottom, WIDTH, height, id="body")]),
        PageTemplate("two", [Frame(MARGIN, bottom, half, height, id="left"),
                             Frame(MARGIN + half + 14, bottom, half, height, id="right")]),
    ]


def _attach(pdf: bytes, report: StatsReport, area: layout.SignatureArea) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    embed_data(writer, JSON_NAME, canonical_json(report.to_json()), "application/json",
               report.generated_at, "Machine-readable statistics (Xinhe statistics.json)")
    return with_signature_field(writer, area)


def _kv(rows: list[tuple[str, str]], styles: layout.Styles) -> Table:
    table = Table([[_p(k, styles.label), _p(v, styles.cell)] for k, v in rows],
                  colWidths=[WIDTH * 0.24, WIDTH * 0.76], hAlign="LEFT")
    table.setStyle(_style(styles, ("VALIGN", (0, 0), (-1, -1), "TOP"),
                          ("LINEBELOW", (0, 0), (-1, -1), 0.4, layout.RULE),
                          ("BACKGROUND", (0, 0), (0, -1), layout.SHADE),
                          ("TOPPADDING", (0, 0), (-1, -1), 3),
                          ("BOTTOMPADDING", (0, 0), (-1, -1), 3)))
    return table


def _headline(report: StatsReport, styles: layout.Styles, t: Translate) -> Table:
    """The five numbers a reader looks for first, large."""
    big = ParagraphStyle("xinhe-big", parent=styles.body, fontSize=18, leading=24,
                         textColor=layout.ACCENT, alignment=1)
    small = ParagraphStyle("xinhe-big-label", parent=styles.small, alignment=1)
    ratio = report.handled_ratio
    items = [(str(report.cases_served), t("服务个案", "Cases served")),
             (str(report.person_times), t("服务人次", "Person-times")),
             (str(report.new_cases), t("新增个案", "New cases")),
             (str(report.crises), t("危机干预", "Crisis interventions")),
             ("—" if ratio is None else f"{ratio:.2f}%", t("处理率", "Handled ratio"))]
    table = Table([[_p(v, big) for v, _ in items], [_p(k, small) for _, k in items]],
                  colWidths=[WIDTH / len(items)] * len(items))
    table.setStyle(_style(styles, ("BOX", (0, 0), (-1, -1), 0.6, layout.RULE),
                          ("INNERGRID", (0, 0), (-1, -1), 0.3, layout.RULE),
                          ("BACKGROUND", (0, 0), (-1, -1), layout.SHADE),
                          ("TOPPADDING", (0, 0), (-1, -1), 4),
                          ("BOTTOMPADDING", (0, 0), (-1, -1), 4)))
    return table


def _figures_tables(report: StatsReport, styles: layout.Styles,
                    lang: str) -> list[Flowable]:
    """One small table per section, to be set in two balanced columns."""
    out: list[Flowable] = []
    width = (WIDTH - 14) / 2 - 12  # a column, less the frame's padding
    value_style = ParagraphStyle("xinhe-value", parent=styles.cell, alignment=2, fontSize=9,
                                 leading=12)
    indents = [ParagraphStyle(f"xinhe-indent-{depth}", parent=styles.cell,
                              leftIndent=10 * depth, fontSize=9, leading=12)
               for depth in range(3)]
    rows = figure_rows(report, lang)
    for section in dict.fromkeys(row.section for row in rows):
        data = [[_p(section_name(section, lang), styles.label), ""]]
        muted = []
        for row in (r for r in rows if r.section == section):
            if row.heading:
                muted.append(len(data))
            data.append([_p(row.label, indents[min(row.depth, 2)]),
                         _p("" if row.heading else format_value(row.value), value_style)])
        table = Table(data, colWidths=[width * 0.78, width * 0.22], hAlign="LEFT",
                      repeatRows=1)
        table.setStyle(_style(
            styles, ("LINEBELOW", (0, 0), (-1, -1), 0.3, layout.RULE),
            ("BACKGROUND", (0, 0), (-1, 0), layout.SHADE),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            *[("TEXTCOLOR", (0, i), (-1, i), layout.MUTED) for i in muted]))
        out += [table, Spacer(1, 6)]
    return out


def _month_table(report: StatsReport, styles: layout.Styles, t: Translate,
                 lang: str) -> Table:
    header = [t("月份", "Month"), t("服务个案", "Served"), t("服务人次", "Person-times"),
              t("新增个案", "New"), *[RISK_LABELS[k][1 if lang == "en" else 0]
                                   for k in ("high", "medium", "low", "none")]]
    rows = [[m.key, str(m.cases_served), str(m.person_times), str(m.new_cases),
             *(["—"] * 4 if m.risk is None else
               [str(m.risk[k]) for k in ("high", "medium", "low", "none")])]
            for m in report.months]
    table = Table([header, *rows], colWidths=[WIDTH / 8] * 8, hAlign="LEFT", repeatRows=1)
    table.setStyle(_style(styles, ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                          ("TEXTCOLOR", (0, 0), (-1, 0), layout.MUTED),
                          ("BACKGROUND", (0, 0), (-1, 0), layout.SHADE),
                          ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                          ("LINEBELOW", (0, 0), (-1, -1), 0.3, layout.RULE)))
    return table


def _story(report: StatsReport, styles: layout.Styles, t: Translate, font: str,
           area: layout.SignatureArea, exported_by: str) -> list[Flowable]:
    lang = t("zh_CN", "en")
    made = report.generated_at.astimezone(report.zone)
    story: list[Flowable] = [
        _p(t("统 计 报 告", "Statistics report"), styles.title),
        _kv([(t("机构", "Studio"), report.studio),
             (t("统计期间", "Period"), t(f"{report.period.start} 至 {report.period.end}"
                                         f"（{report.timezone} 日历日）",
                                         f"{report.period.start} to {report.period.end} "
                                         f"(calendar days, {report.timezone})")),
             (t("统计范围", "Scope"), scope_text(report, t)),
             (t("生成时间", "Generated"), f"{made:%Y-%m-%d %H:%M}"),
             (t("导出人", "Exported by"), exported_by)], styles),
        Spacer(1, 6),
    ]
    if report.future:
        story.append(_p(t("注意：本期间包含未来日期，所有数字只统计到生成时间。",
                          "Note: this period reaches into the future; every figure counts "
                          "only up to the time it was generated."), styles.body))
    half = WIDTH / 2
    charts = Table([[category_chart(report, font, t, half - 6),
                     risk_chart(report, font, t, half - 6)]], colWidths=[half, half])
    charts.setStyle(_style(styles, ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")))
    story += [_headline(report, styles, t), Spacer(1, 10),
              trend_chart(report, font, t, WIDTH), Spacer(1, 6), charts,
              NextPageTemplate("two"), PageBreak(),
              _p(t("一、全部数字", "1. All figures"), styles.heading),
              *_figures_tables(report, styles, lang),
              _p(t("二、指标定义", "2. Definitions"), styles.heading)]
    for fig in FIGURES:
        story.append(_p(f"{fig.name(lang)}{t('：', ': ')}{fig.definition(lang)}",
                        styles.small))
        story.append(Spacer(1, 2))
    story += [NextPageTemplate("one"), PageBreak(),
              _p(t("三、月度数字", "3. By month"), styles.heading),
              _month_table(report, styles, t, lang)]
    story.append(CondPageBreak(layout.STAMP_HEIGHT + 90))
    story.append(KeepTogether([
        _p(t("四、签署", "4. Signature"), styles.heading),
        _p(t("本报告由统计功能根据加密数据库中的记录自动生成，仅含汇总数字。文件已作电子签名，"
             "任何改动都会使签名失效；机器可读的数字见附件 statistics.json。",
             "Generated from the records in the encrypted vault; aggregates only. The file "
             "is electronically signed: any change invalidates the signature. The figures "
             "are attached for machines as statistics.json."), styles.small),
        Spacer(1, 8),
        layout.SignatureBox(area, t("电子签章", "Electronic signature"), font),
    ]))
    return story


def signed_report_pdf(report: StatsReport, identity: SigningIdentity, *, exported_by: str,
                      lang: str = "zh_CN", audit_head: AuditHead | None = None,
                      signing_time: datetime | None = None) -> bytes:
    """The report PDF, signed with the studio's identity and a stamp naming who exported."""
    pdf = build_report_pdf(report, exported_by=exported_by, lang=lang, audit_head=audit_head)
    return sign_pdf(pdf, identity, signer_name=exported_by,
                    reason="统计报告" if lang != "en" else "Statistics report",
                    location=report.studio, signing_time=signing_time, lang=lang)


def export_report_pdf(vault: Session, report: StatsReport, lang: str = "zh_CN") -> bytes:
    """Audit the export, then make and sign the PDF with the studio's signing identity (the
    same as the referrals'; made on first need). Runs on the vault's thread."""
    identity = SigningStore(vault).for_signing()
    StatsService(vault).record_export(report, "pdf")
    seq, digest = vault.audit.head()
    return signed_report_pdf(report, identity, exported_by=vault.actor.display_name, lang=lang,
                             audit_head=AuditHead(seq, digest),
                             signing_time=vault.now().astimezone(report.zone))
