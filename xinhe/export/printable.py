"""What a counsellor prints: the paper copy of a signed file, made from the machine-readable
part that file carries (referral.json, court-extract.json, referral-recall.json), so the
paper holds exactly what was signed — the same minimum necessary — and names the signed
file's SHA-256 for anyone who wants to check the electronic original with `xinhe verify`.

Plain HTML (Qt's rich-text subset); the desktop prints it with QTextDocument. No Qt here.
"""

from __future__ import annotations

import hashlib
import io
import json
from html import escape
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader

from xinhe.errors import InvalidInput
from xinhe.export.verify import KINDS, embedded_referral_json
from xinhe.i18n import pick
from xinhe.records import vocab
from xinhe.records.stats import StatsReport

TABLE = "border='1' cellspacing='0' cellpadding='4' width='100%'"


def _rows(pairs: list[tuple[str, Any]]) -> str:
    return "".join(f"<tr><td width='28%'><b>{escape(str(k))}</b></td>"
                   f"<td>{escape(str(v)).replace(chr(10), '<br>')}</td></tr>"
                   for k, v in pairs if v not in (None, ""))


def _table(pairs: list[tuple[str, Any]]) -> str:
    return f"<table {TABLE}>{_rows(pairs)}</table>"


def _grid(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table {TABLE}><tr>{head}</tr>{body}</table>"


def _page(title: str, body: str, sha256: str, number: str) -> str:
    foot = (f"<p><small>纸质副本 · 电子原件编号 {escape(number)} · SHA-256 {sha256}<br>"
            "电子原件带有工作室的电子签名，可用 xinhe verify 核验；纸质副本本身不带电子签名。"
            "</small></p>")
    return (f"<html><body><h2 align='center'>{escape(title)}</h2>{body}{foot}"
            "</body></html>")


def extract_html(doc: dict[str, Any], sha256: str) -> str:
    """A court extract on paper (its sections as signed)."""
    body = _table([("出具机构", doc["studio_name"]), ("证明编号", doc["extract_no"]),
                   ("个案编号", doc["case_no"]), ("出具日期", str(doc["created_at"])[:16]),
                   *[(c["label"], c["value"]) for c in doc["client"]]])
    for section in doc["sections"]:
        body += f"<h3>{escape(section['title'])}</h3>"
        if section["rows"]:
            body += _grid(section["header"], section["rows"])
        for entry in section["entries"]:
            body += f"<p><b>{escape(entry['heading'])}</b></p>"
            body += _table([(k, v) for k, v in entry["lines"] if v])
            body += "".join(f"<p>• {escape(k)}</p>" for k, v in entry["lines"] if not v)
    body += _table([("咨询师", doc["counsellor_name"]), ("出具人", doc["exported_by"])])
    return _page("求助记录证明", body, sha256, str(doc["extract_no"]))


def referral_html(doc: dict[str, Any], sha256: str) -> str:
    """A referral packet on paper (what the agency's policy let through, as signed)."""
    agency = doc["agency"]
    body = _table([("转出机构", doc["studio_name"]), ("转介编号", doc["referral_no"]),
                   ("日期", str(doc["created_at"])[:16]), ("接收机构", agency["label_zh"]),
                   ("转介目的", doc["purpose"]),
                   ("紧急程度", vocab.label(vocab.URGENCIES, doc["urgency"], "zh_CN"))])
    body += "<h3>当事人信息</h3>" + _table([(f["label_zh"], f["value"])
                                       for f in doc["client_fields"]])
    body += "<h3>情况摘要</h3>" + "".join(f"<p>{escape(p)}</p>" for p in
                                      str(doc["situation_summary"]).split("\n\n"))
    risk = doc["risk"]
    body += "<h3>风险摘要</h3><p>" + escape(vocab.label(vocab.RISK_LEVELS, risk["level"],
                                                     "zh_CN") or risk["level"]) + "</p>"
    if risk["instruments"]:
        body += _grid(["评估工具", "总分", "等级", "评估日期"], [
            [i["name"], "" if i["total"] is None else f"{i['total']:g}",
             vocab.label(vocab.RISK_LEVELS, i["level"], "zh_CN") or i["level"], i["date"]]
            for i in risk["instruments"]])
    for part in doc["record_parts"]:
        body += f"<h3>{escape(part['title_zh'])} {escape(part['date'] or '')}</h3>"
        if part["note_zh"]:
            body += f"<p>{escape(part['note_zh'])}</p>"
        body += _table([(line["label_zh"], line["value"]) for line in part["lines"]
                        if line["value"]])
        body += "".join(f"<p>• {escape(line['label_zh'])}</p>" for line in part["lines"]
                        if not line["value"])
    consent = doc["consent"]
    body += "<h3>知情同意</h3>" + _table([
        ("同意方式", vocab.label(vocab.CONSENT_FORMS, consent["form"], "zh_CN")),
        ("同意日期", consent["date"]),
        ("法律依据", vocab.label(vocab.LEGAL_BASES, consent["legal_basis"], "zh_CN")),
        ("用途", consent["purpose"]), ("接收方", consent["recipient"]),
        ("说明", consent["note"])])
    if doc["attachments"]:
        body += "<h3>附件</h3>" + _grid(["文件名", "类型", "SHA-256"], [
            [a["name"], a["media_type"], a["sha256"]] for a in doc["attachments"]])
    body += _table([("咨询师", doc["counsellor_name"]), ("导出人", doc["exported_by"])])
    return _page("转 介 函", body, sha256, str(doc["referral_no"]))


def recall_html(doc: dict[str, Any], sha256: str) -> str:
    """A recall notice on paper."""
    body = _table([
        ("转出机构", doc["studio_name"]),
        ("接收机构", vocab.label(vocab.AGENCIES, doc["agency"]["code"], "zh_CN")),
        ("撤回的转介", doc["referral_no"]), ("原转介文件 SHA-256", doc["referral_sha256"]),
        ("撤回时间", str(doc["recalled_at"])[:16]), ("撤回原因", doc["reason"]),
        ("撤回人", doc["recalled_by"])])
    body += ("<p>本机构撤回上述转介。请停止使用该转介材料，不再向第三方提供，并按贵单位的"
             "规定删除或封存已收到的文件，回复确认。</p>")
    return _page("转介撤回通知", body, sha256, f"{doc['referral_no']}-recall")


def statistics_html(report: StatsReport, lang: str | None = None) -> str:
    """The period's figures on paper: the same rows as the CSV export (aggregates only)."""
    from xinhe.records.stats_table import figure_rows, format_value, month_rows, report_rows

    body = _table([(r.label, format_value(r.value, lang)) for r in report_rows(report, lang)
                   if not r.heading])
    rows = [*figure_rows(report, lang), *month_rows(report, lang)]
    body += "<table " + TABLE + ">" + "".join(
        f"<tr><td colspan='2'><b>{escape(r.label)}</b></td></tr>" if r.heading else
        f"<tr><td>{'&nbsp;' * 4 * r.depth}{escape(r.label)}"
        f"{(' ' + escape(r.month)) if r.month else ''}</td>"
        f"<td align='right'>{escape(format_value(r.value, lang))}</td></tr>"
        for r in rows) + "</table>"
    title = pick("统计报告", "Statistics report", lang)
    return f"<html><body><h2 align='center'>{escape(title)}</h2>{body}</body></html>"


RENDERERS = {"referral": referral_html, "court_extract": extract_html,
             "referral_recall": recall_html}


def printable_html(pdf: bytes) -> str:
    """The paper copy of a signed Xinhe file, from the JSON it carries."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    sha256 = hashlib.sha256(pdf).hexdigest()
    for name, _number, kind in KINDS:
        payload = embedded_referral_json(reader, name)
        if payload is not None:
            return RENDERERS[kind](json.loads(payload), sha256)
    raise InvalidInput("该文件不是馨和签发的文件，无法打印副本。",
                       "This file was not issued by Xinhe; no copy can be printed.")
