"""What one handling report to the district platform holds: the contract between the
records layer (xinhe/records/platform_reports.py builds it) and xinhe/export, which signs
it as a PDF carrying `platform-report.json`.

Minimum necessary: the platform's own reference identifies the case; the facts are
structured codes, dates and the responsible person — never note text, never a client's
name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from xinhe.records.packet_contract import AuditHead, canonical_json

SCHEMA_VERSION = 1
JSON_NAME = "platform-report.json"
FORMAT = "xinhe-platform-report"

#: event → (zh, en)
EVENTS: dict[str, tuple[str, str]] = {
    "accepted": ("已受理（责任人）", "Accepted (responsible person)"),
    "first_contact": ("已首次联系", "First contact made"),
    "result": ("处置结果", "Handling result"),
    "referral": ("已转介", "Referral made"),
    "followup": ("已回访", "Follow-up visit done"),
    "closed": ("已结案", "Closed"),
}
#: handling result categories for the "result" event
RESULTS: dict[str, tuple[str, str]] = {
    "counselling": ("心理疏导", "Psychological counselling"),
    "crisis_intervention": ("危机干预", "Crisis intervention"),
    "mediation": ("人民调解", "People's mediation"),
    "legal_aid": ("法律援助", "Legal aid"),
    "protection_order": ("协助申请人身安全保护令", "Protection-order application assisted"),
    "shelter": ("临时庇护", "Temporary shelter"),
    "resolved": ("纠纷已化解", "Dispute resolved"),
    "declined": ("当事人拒绝服务", "Client declined the service"),
    "unreachable": ("无法联系当事人", "Client could not be reached"),
}
#: follow-up visit result categories
FOLLOWUP_RESULTS: dict[str, tuple[str, str]] = {
    "stable": ("情况稳定，未再发生暴力", "Stable, no further violence"),
    "violence_again": ("再次发生暴力", "Violence happened again"),
    "not_reached": ("未联系上", "Not reached"),
}
#: labels of the facts' keys (for the PDF; the JSON carries the keys)
FACT_LABELS: dict[str, tuple[str, str]] = {
    "responsible": ("责任人", "Responsible person"),
    "accepted_at": ("受理时间", "Accepted at"),
    "contact_at": ("首次联系时间", "First contact at"),
    "contact_kind": ("联系方式", "Contact by"),
    "on_time": ("是否在时限内", "Within the deadline"),
    "result": ("处置结果", "Result"),
    "agency": ("转介机构", "Referred to"),
    "referred_at": ("转介时间", "Referred at"),
    "visit_date": ("回访日期", "Visit date"),
    "visit_result": ("回访结果", "Visit result"),
    "reason": ("结案原因", "Closure reason"),
    "closed_at": ("结案时间", "Closed at"),
    "platform_grade": ("平台分级", "Platform grade"),
    "studio_level": ("工作室评估等级", "Studio's assessed level"),
}


@dataclass(frozen=True)
class PlatformReportPacket:
    studio_name: str
    report_no: str
    platform_ref: str
    case_no: str
    event: str
    created_at: datetime
    reported_by: str
    audit_head: AuditHead
    facts: dict[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None or self.created_at.utcoffset() is None:
            raise ValueError("created_at must be an aware datetime")
        if self.event not in EVENTS:
            raise ValueError(f"unknown platform report event: {self.event}")

    def to_json(self) -> dict[str, Any]:
        """The `platform-report.json` document."""
        return {
            "format": FORMAT,
            "schema_version": self.schema_version,
            "studio_name": self.studio_name,
            "report_no": self.report_no,
            "platform_ref": self.platform_ref,
            "case_no": self.case_no,
            "event": self.event,
            "created_at": self.created_at.isoformat(),
            "reported_by": self.reported_by,
            "facts": dict(self.facts),
            "audit_head": {"seq": self.audit_head.seq, "hash": self.audit_head.hash},
        }

    def json_bytes(self) -> bytes:
        """`to_json()` in canonical form: the exact bytes embedded in the PDF."""
        return canonical_json(self.to_json())
