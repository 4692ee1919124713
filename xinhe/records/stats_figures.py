"""What every statistics figure means: its code, its name and its definition, in Chinese
and English. The report, the CSV, the PDF and the screen's tooltips all read them from
here; README.md's "Statistics glossary" says the same (a test checks every code is there).

Codes with a vocabulary suffix (`new_by_category.domestic_violence`) take their base
figure's definition, restricted to that category, source, kind, agency or status.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinhe.i18n import pick


@dataclass(frozen=True)
class Figure:
    code: str
    section: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str

    def name(self, lang: str | None = None) -> str:
        return pick(self.zh, self.en, lang)

    def definition(self, lang: str | None = None) -> str:
        return pick(self.definition_zh, self.definition_en, lang)


SECTIONS: dict[str, tuple[str, str]] = {
    "report": ("报告信息", "Report"),
    "served": ("咨询服务", "Counselling served"),
    "new": ("新增个案", "New cases"),
    "crisis": ("危机干预", "Crisis interventions"),
    "risk": ("风险", "Risk"),
    "referrals": ("转介", "Referrals"),
    "followups": ("回访", "Follow-ups"),
    "legal": ("法定事项", "Legal duties"),
    "closure": ("结案与处理率", "Closure and handled ratio"),
    "trend": ("月度趋势", "Monthly trend"),
    "risk_trend": ("月末风险等级", "Risk levels at month end"),
}

_F = Figure
FIGURES: tuple[Figure, ...] = (
    _F("cases_served", "served", "服务个案数", "Cases served",
       "期间内至少有一次咨询记录（已签名或草稿）的个案数；一个个案无论咨询几次只计一次。",
       "Cases with at least one session (signed or draft) starting in the period; a case "
       "counts once however many sessions it had."),
    _F("person_times", "served", "服务人次", "Person-times",
       "期间内各次咨询“服务人数”之和（一次有三位家庭成员参加的咨询计 3 人次）。",
       "The sum of 'persons served' over the period's sessions (a session with three family "
       "members counts 3)."),
    _F("sessions", "served", "咨询次数", "Sessions",
       "开始时间在期间内的咨询记录条数。", "Session records starting in the period."),
    _F("sessions_unsigned", "served", "其中未签名", "of which not yet signed",
       "上述咨询中记录仍为草稿的条数；草稿可被作者删除，因此相关数字在签名前可能变化。",
       "Of those sessions, notes still in draft; a draft can be discarded by its author, so "
       "the figures above may change until they are signed."),
    _F("served_by_category", "served", "服务个案（按类别）", "Cases served by category",
       "服务个案数按个案类别拆分；各类别之和等于服务个案数。",
       "Cases served split by case category; the categories add up to cases served."),
    _F("new_cases", "new", "新增个案（收案）", "New cases (received)",
       "开案日期在期间内的个案数，即“收案”。",
       "Cases opened in the period: what the handled ratio calls 'received'."),
    _F("new_by_category", "new", "新增个案（按类别）", "New cases by category",
       "新增个案按类别拆分；各类别之和等于新增个案。",
       "New cases split by category; the categories add up to new cases."),
    _F("new_by_source", "new", "新增个案（按来源）", "New cases by source",
       "新增个案按来源拆分（主动求助、平台分拨、公安转介……）；各来源之和等于新增个案。",
       "New cases split by source (self-referred, platform, police, …); the sources add up "
       "to new cases."),
    _F("platform_received", "new", "平台分拨收案", "Received from the platform",
       "新增个案中来源为“平台分拨”（区家事纠纷智慧调处平台）的个案数。",
       "New cases whose source is the district platform."),
    _F("platform_by_category", "new", "平台分拨收案（按类别）",
       "Received from the platform, by category",
       "平台分拨收案按类别拆分（如家庭暴力、情感纠纷）。",
       "Cases received from the platform split by category (e.g. domestic violence, "
       "emotional dispute)."),
    _F("crises", "crisis", "危机干预次数", "Crisis interventions",
       "发生时间在期间内的危机干预记录数。", "Crisis intervention records occurring in the "
       "period."),
    _F("crises_by_kind", "crisis", "危机干预（按类型）", "Crisis interventions by kind",
       "危机干预按类型拆分：家暴高危、自杀危机、其他；各类型之和等于危机干预次数。",
       "Crisis interventions split by kind: high-risk domestic violence, suicide crisis, "
       "other; the kinds add up to the total."),
    _F("crises_on_site", "crisis", "其中现场干预", "of which on site",
       "危机干预中在现场进行的次数。现场干预同时计入其所属类型，不是单独的类型。",
       "Crisis interventions made on site. An on-site intervention also counts in its kind: "
       "on site is not a kind of its own."),
    _F("crises_on_site_by_kind", "crisis", "现场干预（按类型）", "On site, by kind",
       "现场干预按类型拆分（如“自杀危机 8 次，其中现场干预 2 次”）。",
       "On-site interventions split by kind (as in 'eight suicide crises, two of them on "
       "site')."),
    _F("crisis_cases", "crisis", "危机干预个案数", "Cases with a crisis intervention",
       "期间内至少有一次危机干预的个案数；一个个案只计一次。",
       "Cases with at least one crisis intervention in the period, each counted once."),
    _F("cases_open_at_end", "risk", "期末在案个案", "Cases open at period end",
       "期末（期间最后一天结束时；若晚于现在，则为现在）已开案且尚未结案的个案数。",
       "Cases opened before the period's end and not closed by then (the end of its last "
       "day, or now if the period has not ended yet)."),
    _F("high_risk_open_at_end", "risk", "期末在案高风险个案", "High-risk cases open at end",
       "期末在案个案中，期末时风险等级（此前最后一次风险变更的结果，含评估与人工调整）为高风险的个案数。",
       "Cases open at the period's end whose risk level then (the last risk change before "
       "it, assessed or overridden) was high."),
    _F("referrals", "referrals", "转介数", "Referrals",
       "创建日期在期间内的转介数。", "Referrals created in the period."),
    _F("referrals_by_agency", "referrals", "转介（按接收机构）", "Referrals by agency",
       "期间内创建的转介按接收机构拆分，并按当前状态细分。",
       "Referrals created in the period split by receiving agency, and within each agency "
       "by its status now."),
    _F("referrals_by_status", "referrals", "转介（按状态）", "Referrals by status",
       "期间内创建的转介按当前状态拆分：草稿、已签名、已送达、已回执。",
       "Referrals created in the period split by their status now: draft, signed, "
       "delivered, acknowledged."),
    _F("followups_due", "followups", "应回访", "Follow-ups due",
       "到期日在期间内的回访数，不含因结案而取消的回访。"
       "应回访 = 按时完成 + 逾期完成 + 逾期未完成 + 尚未到期。",
       "Follow-ups whose due day is in the period, not counting those cancelled when the "
       "case closed. Due = on time + late + overdue + not yet due."),
    _F("followups_on_time", "followups", "按时完成", "Done on time",
       "在到期日当天或之前完成的回访（按本地日期，当天任何时间完成都算按时）。",
       "Done on or before the due day (local date: any time on the due day is on time)."),
    _F("followups_late", "followups", "逾期完成", "Done late",
       "在到期日之后才完成的回访。", "Done after the due day."),
    _F("followups_overdue", "followups", "逾期未完成", "Overdue",
       "至今仍未完成、且到期日已过的回访。", "Not done, and the due day has passed."),
    _F("followups_not_yet_due", "followups", "尚未到期", "Not yet due",
       "尚未完成、到期日为今天或以后的回访（只出现在包含今天或将来的期间）。",
       "Not done, due today or later (only in periods that reach today)."),
    _F("followups_cancelled", "followups", "已取消", "Cancelled",
       "到期日在期间内、因结案而取消的回访（不计入应回访）。",
       "Due in the period but cancelled when the case closed (not part of 'due')."),
    _F("minor_reports", "legal", "未成年人强制报告", "Mandatory reports for minors",
       "期间内向公安机关完成的未成年人强制报告数（按记录的报告时间）。",
       "Reports to police about harm to a minor made in the period (by the recorded report "
       "time)."),
    _F("minor_reports_outstanding", "legal", "未成年人强制报告（尚未报告）",
       "Minor reports still outstanding",
       "期间内记录了疑似未成年人受害、但至今没有记录报警的次数；应为 0。",
       "Suspected harm to a minor noted in the period with no report to police recorded "
       "yet; should be 0."),
    _F("po_applications", "legal", "人身安全保护令申请", "Protection-order applications",
       "申请时间在期间内的人身安全保护令申请数。",
       "Protection-order applications made in the period."),
    _F("po_granted", "legal", "其中已核发", "of which granted",
       "上述申请中，法院已裁定核发的数量（按目前记录）。",
       "Of those applications, the ones the court has granted (as recorded now)."),
    _F("po_refused", "legal", "其中被驳回", "of which refused",
       "上述申请中，法院已裁定驳回的数量；其余为尚待裁定。",
       "Of those applications, the ones the court refused; the rest await a decision."),
    _F("cases_closed", "closure", "结案数", "Cases closed",
       "结案日期在期间内的个案数（不论何时开案）。结案后又重新开启的个案不计入。",
       "Cases closed in the period, whenever they were opened. A case reopened since has no "
       "closure date and is not counted."),
    _F("handled", "closure", "已处理", "Handled",
       "期间内新增的个案中，到期末已结案的个案数。下一期间才结案的不计入本期。",
       "Of the cases opened in the period, those closed by the period's end. A case closed "
       "in a later period is not handled in this one."),
    _F("handled_ratio", "closure", "处理率（%）", "Handled ratio (%)",
       "已处理 ÷ 新增个案 × 100，保留两位小数（四舍五入）；没有新增个案时为空。",
       "Handled ÷ new cases × 100, to two decimals (half up); blank when no case was "
       "opened."),
    _F("platform_handled", "closure", "平台分拨已处理", "Platform cases handled",
       "平台分拨收案中，到期末已结案的个案数。",
       "Of the cases received from the platform in the period, those closed by its end."),
    _F("platform_handled_ratio", "closure", "平台分拨处理率（%）",
       "Platform handled ratio (%)",
       "平台分拨已处理 ÷ 平台分拨收案 × 100，保留两位小数；没有平台收案时为空。",
       "Platform cases handled ÷ received from the platform × 100, to two decimals; blank "
       "when none was received."),
    _F("trend_cases_served", "trend", "服务个案数", "Cases served",
       "每个月（按期间截取）的服务个案数；一个个案在几个月都有咨询时每月各计一次，"
       "所以各月之和可以大于整个期间的服务个案数。",
       "Cases served in each month (cut to the period); a case seen in several months "
       "counts in each, so the months can add up to more than the period's figure."),
    _F("trend_person_times", "trend", "服务人次", "Person-times",
       "每个月的服务人次；各月之和等于期间的服务人次。",
       "Person-times in each month; the months add up to the period's figure."),
    _F("trend_new_cases", "trend", "新增个案", "New cases",
       "每个月的新增个案；各月之和等于期间的新增个案。",
       "New cases in each month; the months add up to the period's figure."),
    _F("risk_at_month_end", "risk_trend", "月末在案个案（按风险等级）",
       "Open cases by risk level at month end",
       "每月末（最后一个月取期末；尚未到来的月份为空）在案个案按当时的风险等级计数："
       "高、中、低、未评估；各等级之和为当时的在案个案数。",
       "At each month's end (the period's end for the last month; blank for months still "
       "to come), open cases counted by their risk level then: high, medium, low, not "
       "assessed; the levels add up to the cases open then."),
)

BY_CODE: dict[str, Figure] = {f.code: f for f in FIGURES}


def figure(code: str) -> Figure:
    """The figure of a code, suffixed codes included (`new_by_category.other`)."""
    return BY_CODE[code.split(".", 1)[0]]


def section_name(section: str, lang: str | None = None) -> str:
    zh, en = SECTIONS[section]
    return pick(zh, en, lang)
