"""A statistics report as rows of a table: what the screen, the CSV and the PDF show.

`figure_rows` flattens a report into labelled rows (headings for breakdowns, then their
parts), in Chinese or English. `to_csv` writes them as UTF-8 with a byte-order mark, so
Excel opens the Chinese correctly; its first line is the header, Chinese by default.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from xinhe.i18n import pick
from xinhe.records import vocab
from xinhe.records.stats import MonthFigures, StatsReport
from xinhe.records.stats_figures import figure, section_name

Value = int | Decimal | str | None

CSV_HEADER_ZH = ("分组", "指标", "月份", "数值", "代码", "说明")
CSV_HEADER_EN = ("Section", "Figure", "Month", "Value", "Code", "Definition")
RISK_LABELS: vocab.Labels = {**vocab.RISK_LEVELS, "none": ("未评估", "Not assessed")}
REFERRAL_STATUS_LABELS: vocab.Labels = {
    "draft": ("草稿", "Draft"), "signed": ("已签名", "Signed"),
    "delivered": ("已送达", "Delivered"), "acknowledged": ("已回执", "Acknowledged")}


@dataclass(frozen=True)
class FigureRow:
    """One line: a figure, a part of a breakdown (depth 1–2), or a heading (no value)."""

    section: str
    code: str
    label: str
    full_label: str  # the label with its heading, for a flat file ("新增个案（按类别）：家庭暴力")
    value: Value
    month: str = ""
    depth: int = 0
    heading: bool = False
    definition: str = ""

    @property
    def short_definition(self) -> str:
        """The definition's first sentence: one line beside the figure."""
        for stop in ("。", ". "):
            if stop in self.definition:
                return self.definition.split(stop, 1)[0] + stop.strip()
        return self.definition


def month_labels(months: tuple[MonthFigures, ...] | list[MonthFigures],
                 lang: str | None = None) -> list[str]:
    """Short axis labels: "3月" / "Mar", or "25-12" when the months span several years."""
    if len({m.key[:4] for m in months}) > 1:
        return [m.key[2:] for m in months]
    if pick("zh", "en", lang) == "en":
        names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                 "Dec")
        return [names[int(m.key[5:]) - 1] for m in months]
    return [f"{int(m.key[5:])}月" for m in months]


def format_value(value: Value, lang: str | None = None) -> str:
    """How a value is shown: numbers plain, ratios with two decimals, missing as "—"."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


class _Rows:
    def __init__(self, lang: str | None) -> None:
        self.lang = lang
        self.rows: list[FigureRow] = []

    def t(self, zh: str, en: str) -> str:
        return pick(zh, en, self.lang)

    def add(self, code: str, value: Value, depth: int = 0) -> None:
        fig = figure(code)
        self.rows.append(FigureRow(fig.section, code, fig.name(self.lang), fig.name(self.lang),
                                   value, depth=depth, definition=fig.definition(self.lang)))

    def breakdown(self, code: str, parts: dict[str, int], labels: vocab.Labels,
                  depth: int = 1) -> None:
        """A heading row, then one row per code."""
        fig = figure(code)
        name = fig.name(self.lang)
        self.rows.append(FigureRow(fig.section, code, name, name, None, depth=depth - 1,
                                   heading=True, definition=fig.definition(self.lang)))
        sep = self.t("：", ": ")
        for key, count in parts.items():
            part = vocab.label(labels, key, self.lang)
            self.rows.append(FigureRow(fig.section, f"{code}.{key}", part,
                                       f"{name}{sep}{part}", count, depth=depth,
                                       definition=fig.definition(self.lang)))


def report_rows(report: StatsReport, lang: str | None = None) -> list[FigureRow]:
    """The report's own facts: studio, period, scope, when it was made."""
    def t(zh: str, en: str) -> str:
        return pick(zh, en, lang)
    scope = report.scope
    facts: list[tuple[str, str, str]] = [
        ("report.studio", t("机构", "Studio"), report.studio),
        ("report.from", t("开始日期", "From"), report.period.start.isoformat()),
        ("report.to", t("结束日期", "To"), report.period.end.isoformat()),
        ("report.timezone", t("时区", "Time zone"), report.timezone),
        ("report.counsellor", t("咨询师", "Counsellor"),
         scope.counsellor_name or t("全部", "All")),
        ("report.community", t("社区", "Community"), scope.community or t("全部", "All")),
        ("report.generated_at", t("生成时间", "Generated at"),
         report.generated_at.astimezone(report.zone).isoformat(timespec="seconds")),
        ("report.future", t("含未来日期", "Reaches into the future"),
         t("是（数字只统计到现在）", "yes (figures count up to now)") if report.future
         else t("否", "no")),
    ]
    heading = pick("报告信息", "Report", lang)
    return [FigureRow("report", code, label, f"{heading}{t('：', ': ')}{label}", value)
            for code, label, value in facts]


def figure_rows(report: StatsReport, lang: str | None = None) -> list[FigureRow]:
    """The period's figures in report order (monthly rows: `month_rows`)."""
    r = _Rows(lang)
    r.add("cases_served", report.cases_served)
    r.add("person_times", report.person_times)
    r.add("sessions", report.sessions)
    r.add("sessions_unsigned", report.sessions_unsigned, depth=1)
    r.breakdown("served_by_category", report.served_by_category, vocab.CATEGORIES)
    r.add("new_cases", report.new_cases)
    r.breakdown("new_by_category", report.new_by_category, vocab.CATEGORIES)
    r.breakdown("new_by_source", report.new_by_source, vocab.SOURCES)
    r.add("platform_received", report.platform_received)
    r.breakdown("platform_by_category", report.platform_by_category, vocab.CATEGORIES)
    r.add("crises", report.crises)
    r.breakdown("crises_by_kind", report.crises_by_kind, vocab.CRISIS_KINDS)
    r.add("crises_on_site", report.crises_on_site)
    r.breakdown("crises_on_site_by_kind", report.crises_on_site_by_kind, vocab.CRISIS_KINDS)
    r.add("crisis_cases", report.crisis_cases)
    r.add("cases_open_at_end", report.cases_open_at_end)
    r.add("high_risk_open_at_end", report.high_risk_open_at_end)
    r.add("referrals", report.referrals)
    by_agency = report.referrals_by_agency
    r.breakdown("referrals_by_agency", {a: sum(s.values()) for a, s in by_agency.items()},
                vocab.AGENCIES)
    agency_rows = [row for row in r.rows if row.code.startswith("referrals_by_agency.")]
    for row in agency_rows:  # each agency's statuses under it, where there are any
        agency = row.code.split(".", 1)[1]
        at = r.rows.index(row) + 1
        sep = r.t("：", ": ")
        parts = [FigureRow(row.section, f"{row.code}.{status}",
                           vocab.label(REFERRAL_STATUS_LABELS, status, lang),
                           f"{row.full_label}{sep}"
                           f"{vocab.label(REFERRAL_STATUS_LABELS, status, lang)}",
                           count, depth=2, definition=row.definition)
                 for status, count in by_agency[agency].items() if count]
        r.rows[at:at] = parts
    r.breakdown("referrals_by_status", report.referrals_by_status, REFERRAL_STATUS_LABELS)
    f = report.followups
    r.add("followups_due", f.due)
    for code, value in (("followups_on_time", f.on_time), ("followups_late", f.late),
                        ("followups_overdue", f.overdue),
                        ("followups_not_yet_due", f.not_yet_due)):
        r.add(code, value, depth=1)
    r.add("followups_cancelled", f.cancelled)
    r.add("minor_reports", report.minor_reports)
    r.add("minor_reports_outstanding", report.minor_reports_outstanding)
    r.add("po_applications", report.po_applications)
    r.add("po_granted", report.po_granted, depth=1)
    r.add("po_refused", report.po_refused, depth=1)
    r.add("cases_closed", report.cases_closed)
    r.add("handled", report.handled)
    r.add("handled_ratio", report.handled_ratio)
    r.add("platform_handled", report.platform_handled)
    r.add("platform_handled_ratio", report.platform_handled_ratio)
    return r.rows


def month_rows(report: StatsReport, lang: str | None = None) -> list[FigureRow]:
    """One row per month and figure: the trend, then open cases by risk level."""
    rows: list[FigureRow] = []
    sep = pick("：", ": ", lang)
    for code, attr in (("trend_cases_served", "cases_served"),
                       ("trend_person_times", "person_times"),
                       ("trend_new_cases", "new_cases")):
        fig = figure(code)
        for month in report.months:
            rows.append(FigureRow(fig.section, code, fig.name(lang), fig.name(lang),
                                  getattr(month, attr), month=month.key,
                                  definition=fig.definition(lang)))
    fig = figure("risk_at_month_end")
    for level in RISK_LABELS:
        part = vocab.label(RISK_LABELS, level, lang)
        for month in report.months:
            rows.append(FigureRow(fig.section, f"risk_at_month_end.{level}", part,
                                  f"{fig.name(lang)}{sep}{part}",
                                  None if month.risk is None else month.risk[level],
                                  month=month.key, definition=fig.definition(lang)))
    return rows


def to_csv(report: StatsReport, lang: str | None = None) -> bytes:
    """The whole report as CSV: UTF-8 with BOM, one value per line, headings left out."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER_EN if pick("zh", "en", lang) == "en" else CSV_HEADER_ZH)
    for row in [*report_rows(report, lang), *figure_rows(report, lang),
                *month_rows(report, lang)]:
        if row.heading:
            continue
        section = section_name(row.section, lang)
        value = "" if row.value is None else format_value(row.value)
        writer.writerow([section, row.full_label, row.month, value, row.code, row.definition])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
