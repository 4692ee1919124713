"""The casework vocabulary: codes stored in the vault, with their Chinese and English names."""

from __future__ import annotations

from xinhe.errors import InvalidInput
from xinhe.i18n import pick

Labels = dict[str, tuple[str, str]]

CATEGORIES: Labels = {
    "domestic_violence": ("家庭暴力", "Domestic violence"),
    "emotional_dispute": ("情感纠纷", "Emotional dispute"),
    "marriage_family": ("婚姻家庭", "Marriage and family"),
    "minor_protection": ("未成年人保护", "Minor protection"),
    "psychological_crisis": ("心理危机", "Psychological crisis"),
    "other": ("其他", "Other"),
}

SOURCES: Labels = {
    "self": ("主动求助", "Self-referred"),
    "platform": ("平台分拨", "Platform dispatch"),
    "police": ("公安转介", "Police"),
    "court": ("法院转介", "Court"),
    "community": ("社区转介", "Community"),
    "school": ("学校", "School"),
    "hospital": ("医院", "Hospital"),
    "hotline": ("热线", "Hotline"),
}

STATUSES: Labels = {
    "intake": ("接案", "Intake"),
    "active": ("跟进中", "Active"),
    "followup": ("回访期", "Follow-up"),
    "closed": ("已结案", "Closed"),
}
STATUS_ORDER = ("intake", "active", "followup", "closed")

CLOSURE_REASONS: Labels = {
    "resolved": ("问题已解决", "Resolved"),
    "referred_out": ("已转介他处", "Referred elsewhere"),
    "client_withdrew": ("当事人退出", "Client withdrew"),
    "lost_contact": ("失去联系", "Lost contact"),
    "moved_away": ("已迁离", "Moved away"),
    "other": ("其他", "Other"),
}

MODALITIES: Labels = {
    "in_person": ("面谈", "In person"),
    "phone": ("电话", "Phone"),
    "home_visit": ("家访", "Home visit"),
    "online": ("线上", "Online"),
    "on_site": ("现场", "On site"),
}

RISK_LEVELS: Labels = {
    "high": ("高风险", "High"),
    "medium": ("中风险", "Medium"),
    "low": ("低风险", "Low"),
}
RISK_RANK = {None: 0, "low": 1, "medium": 2, "high": 3}

CRISIS_KINDS: Labels = {
    "dv_high_risk": ("家暴高危", "High-risk domestic violence"),
    "suicide": ("自杀危机", "Suicide crisis"),
    "other": ("其他危机", "Other crisis"),
}

AGENCIES: Labels = {
    "police": ("公安机关", "Police"),
    "court": ("人民法院", "Court"),
    "justice": ("司法局（法律援助/人民调解）", "Justice bureau (legal aid / mediation)"),
    "civil_affairs": ("民政局（庇护救助）", "Civil affairs (shelter)"),
    "community": ("街道/社区", "Street / community"),
    "hospital": ("医院", "Hospital"),
    "school": ("学校", "School"),
    "other": ("其他机构", "Other agency"),
}

CONSENT_FORMS: Labels = {
    "written": ("书面同意", "Written"),
    "verbal": ("口头同意", "Verbal"),
    "guardian": ("监护人同意（未满14周岁）", "Guardian (under 14)"),
}

LEGAL_BASES: Labels = {
    "legal_duty": ("履行法定职责（如强制报告）", "Legal duty (e.g. mandatory report)"),
    "danger_to_life": ("紧急情况下保护生命安全", "Protecting life in an emergency"),
}

CONSENT_PURPOSES: Labels = {
    "referral": ("转介", "Referral"),
    "protection_order": ("申请人身安全保护令", "Protection-order application"),
    "legal_aid": ("法律援助", "Legal aid"),
    "shelter": ("临时庇护", "Temporary shelter"),
    "mediation": ("人民调解", "Mediation"),
    "medical": ("就医", "Medical care"),
    "followup": ("联合回访", "Joint follow-up"),
}

URGENCIES: Labels = {
    "normal": ("一般", "Normal"),
    "urgent": ("紧急", "Urgent"),
    "emergency": ("特急", "Emergency"),
}

FOLLOWUP_METHODS: Labels = {
    "phone": ("电话", "Phone"),
    "home_visit": ("家访", "Home visit"),
    "in_person": ("面谈", "In person"),
    "online": ("线上", "Online"),
    "other": ("其他", "Other"),
}

CLOCK_KINDS: Labels = {
    "po_application": ("保护令申请（法院应在72小时内裁定）",
                       "Protection-order application (court decides within 72 h)"),
    "po_expiry": ("保护令到期", "Protection order expires"),
    "minor_report": ("未成年人强制报告（应立即报警）",
                     "Minor mandatory report (report to police at once)"),
    "warning_followup": ("告诫书后回访", "Follow-up after a police warning letter"),
    "first_contact": ("平台分拨：首次联系时限", "Platform dispatch: first-contact deadline"),
}

# The intake form each category starts with (others use the general intake).
INTAKE_TEMPLATES = {"domestic_violence": "dv_intake",
                    "emotional_dispute": "emotional_dispute_intake",
                    "minor_protection": "minor_mandatory_report"}


def intake_template(category: str) -> str:
    return INTAKE_TEMPLATES.get(category, "general_intake")


GENDERS: Labels = {
    "female": ("女", "Female"),
    "male": ("男", "Male"),
    "other": ("其他", "Other"),
}

# Bao'an district: streets (街道) and some of their communities (社区), for addresses and
# for statistics by community.
BAOAN_STREETS: dict[str, tuple[str, ...]] = {
    "西乡街道": ("凤凰岗社区", "西乡社区", "固戍社区", "流塘社区", "河东社区", "盐田社区"),
    "新安街道": ("海裕社区", "宝民社区", "翻身社区", "上川社区", "安乐社区"),
    "航城街道": ("黄田社区", "鹤洲社区", "钟屋社区", "三围社区"),
    "福永街道": ("福永社区", "白石厦社区", "凤凰社区", "塘尾社区"),
    "福海街道": ("桥头社区", "新田社区", "稔田社区"),
    "沙井街道": ("沙井社区", "后亭社区", "共和社区", "衙边社区"),
    "新桥街道": ("新桥社区", "上星社区", "黄埔社区"),
    "松岗街道": ("松岗社区", "东方社区", "楼岗社区"),
    "燕罗街道": ("燕川社区", "罗田社区", "塘下涌社区"),
    "石岩街道": ("石岩社区", "浪心社区", "官田社区", "水田社区"),
}


def label(table: Labels, code: str | None, lang: str | None = None) -> str:
    """The name of a code in the current language ("" for None, the code if unknown)."""
    if code is None:
        return ""
    names = table.get(code)
    return pick(names[0], names[1], lang) if names else code


def check(table: Labels, code: str, what_zh: str, what_en: str) -> str:
    if code not in table:
        raise InvalidInput(f"{what_zh}“{code}”不在可选范围内。",
                           f"{what_en} '{code}' is not one of the choices.")
    return code


def higher_risk(a: str | None, b: str | None) -> str | None:
    return a if RISK_RANK[a] >= RISK_RANK[b] else b
