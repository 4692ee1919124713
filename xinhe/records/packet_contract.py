"""What one referral packet holds, already filtered by the per-agency field policy.

The contract between the records layer, which builds a `ReferralPacket`, and
`xinhe.export`, which turns it into a signed PDF carrying `referral.json`
(`ReferralPacket.to_json()`) as an embedded file. It lives here, on the records side, so
records never import export; the platform report (`platform_contract`) is the second kind.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

SCHEMA_VERSION = 1
JSON_NAME = "referral.json"

AgencyCode = Literal["police", "court", "justice", "civil_affairs", "community", "hospital",
                     "school", "other"]
AGENCIES: dict[str, tuple[str, str]] = {
    "police": ("公安机关", "Police"),
    "court": ("人民法院", "People's Court"),
    "justice": ("司法局", "Justice Bureau"),
    "civil_affairs": ("民政局", "Civil Affairs Bureau"),
    "community": ("街道/社区", "Street / community"),
    "hospital": ("医疗机构", "Hospital"),
    "school": ("学校", "School"),
    "other": ("其他机构", "Other agency"),
}
Urgency = Literal["normal", "urgent", "emergency"]
URGENCIES: dict[str, tuple[str, str]] = {
    "normal": ("一般", "Normal"),
    "urgent": ("紧急", "Urgent"),
    "emergency": ("特急（危及生命）", "Emergency (danger to life)"),
}
ConsentForm = Literal["written", "verbal", "guardian"]
CONSENT_FORMS: dict[str, tuple[str, str]] = {
    "written": ("书面同意", "Written consent"),
    "verbal": ("口头同意", "Verbal consent"),
    "guardian": ("监护人同意", "Guardian's consent"),
}
LegalBasis = Literal["legal_duty", "danger_to_life"]
LEGAL_BASES: dict[str, tuple[str, str]] = {
    "legal_duty": ("履行法定职责（如强制报告）", "Legal duty (e.g. mandatory report)"),
    "danger_to_life": ("紧急情况下保护生命安全", "Protecting life in an emergency"),
}
RISK_LEVELS: dict[str, tuple[str, str]] = {
    "high": ("高风险", "High"),
    "medium": ("中风险", "Medium"),
    "low": ("低风险", "Low"),
    "none": ("尚未评估", "Not assessed yet"),
    "no_risk": ("未发现风险", "No risk found"),
    "not_shared": ("按本机构的字段规则不提供", "Not shared with this agency"),
}


@dataclass(frozen=True)
class ClientField:
    """One client fact the agency's policy lets through: key, labels and value."""

    key: str
    label_zh: str
    label_en: str
    value: str


@dataclass(frozen=True)
class RiskInstrument:
    name: str
    total: float | int | None
    level: str  # high / medium / low, or the instrument's own band
    assessed_on: date


@dataclass(frozen=True)
class RiskSummary:
    level: str  # high / medium / low
    instruments: tuple[RiskInstrument, ...] = ()


@dataclass(frozen=True)
class PartLine:
    """One line of a record part: a label and the answer as written ("" for a checklist
    item that is simply present, e.g. a danger factor answered yes)."""

    label_zh: str
    label_en: str
    value: str = ""


@dataclass(frozen=True)
class RecordPart:
    """A part of the case record the agency's policy lets through (the incident summary,
    danger checklist results, a safety plan, a session note …)."""

    key: str
    title_zh: str
    title_en: str
    recorded_on: date | None
    lines: tuple[PartLine, ...]
    note_zh: str = ""
    note_en: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(
            line if isinstance(line, PartLine) else PartLine(*line) for line in self.lines))

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def note(self, lang: str) -> str:
        return self.note_en if lang == "en" else self.note_zh


@dataclass(frozen=True)
class ConsentRecord:
    """Consent (form, date, purpose, recipient), or the legal basis used instead."""

    form: ConsentForm | None
    given_on: date | None
    purpose: str
    recipient: str
    legal_basis: LegalBasis | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if (self.form is None) == (self.legal_basis is None):
            raise ValueError("a consent record has either a consent form or a legal basis")
        if self.form is not None and self.given_on is None:
            raise ValueError("consent needs the date it was given")


@dataclass(frozen=True)
class Attachment:
    """A file named in the packet; `data` is set for included ones (images are placed on
    pages, other files are embedded in the PDF as file attachments)."""

    name: str
    media_type: str
    sha256: str
    size: int
    included: bool
    data: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        data = self.data
        if self.included and data is not None and hashlib.sha256(data).hexdigest() != self.sha256:
            raise ValueError(f"attachment {self.name!r}: data does not match its sha256")

    @property
    def is_image(self) -> bool:
        return self.media_type in ("image/jpeg", "image/png")


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str

    @property
    def short(self) -> str:
        return self.hash[:16]


@dataclass(frozen=True)
class ReferralPacket:
    studio_name: str
    referral_no: str
    created_at: datetime
    agency: AgencyCode
    purpose: str
    urgency: Urgency
    #: Plain (key, label_zh, label_en, value) tuples and lists are accepted and converted.
    client_fields: tuple[ClientField, ...]
    situation_summary: str
    risk: RiskSummary
    consent: ConsentRecord
    attachments: tuple[Attachment, ...]
    counsellor_name: str
    exported_by: str
    audit_head: AuditHead
    agency_label_zh: str = ""
    agency_label_en: str = ""
    schema_version: int = SCHEMA_VERSION
    #: Parts of the record beyond the risk summary, as the policy allows (may be empty).
    record_parts: tuple[RecordPart, ...] = ()

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None or self.created_at.utcoffset() is None:
            raise ValueError("created_at must be an aware datetime")
        if self.agency not in AGENCIES:
            raise ValueError(f"unknown agency code: {self.agency}")
        if self.urgency not in URGENCIES:
            raise ValueError(f"unknown urgency: {self.urgency}")
        # Lists handed in by callers become tuples, so the packet really is frozen.
        fields = tuple(f if isinstance(f, ClientField) else ClientField(*f)
                       for f in self.client_fields)
        object.__setattr__(self, "client_fields", fields)
        object.__setattr__(self, "attachments", tuple(self.attachments))
        object.__setattr__(self, "record_parts", tuple(self.record_parts))
        zh, en = AGENCIES[self.agency]
        if not self.agency_label_zh:
            object.__setattr__(self, "agency_label_zh", zh)
        if not self.agency_label_en:
            object.__setattr__(self, "agency_label_en", en)

    def agency_label(self, lang: str) -> str:
        return self.agency_label_en if lang == "en" else self.agency_label_zh

    def to_json(self) -> dict[str, Any]:
        """The `referral.json` document: everything but attachment bytes."""
        consent = self.consent
        return {
            "schema_version": self.schema_version,
            "studio_name": self.studio_name,
            "referral_no": self.referral_no,
            "created_at": self.created_at.isoformat(),
            "agency": {"code": self.agency, "label_zh": self.agency_label_zh,
                       "label_en": self.agency_label_en},
            "purpose": self.purpose,
            "urgency": self.urgency,
            "client_fields": [
                {"key": f.key, "label_zh": f.label_zh, "label_en": f.label_en,
                 "value": f.value} for f in self.client_fields],
            "situation_summary": self.situation_summary,
            "risk": {
                "level": self.risk.level,
                "instruments": [
                    {"name": i.name, "total": i.total, "level": i.level,
                     "date": i.assessed_on.isoformat()} for i in self.risk.instruments],
            },
            "record_parts": [
                {"key": p.key, "title_zh": p.title_zh, "title_en": p.title_en,
                 "date": p.recorded_on.isoformat() if p.recorded_on else None,
                 "note_zh": p.note_zh, "note_en": p.note_en,
                 "lines": [{"label_zh": line.label_zh, "label_en": line.label_en,
                            "value": line.value} for line in p.lines]}
                for p in self.record_parts],
            "consent": {
                "form": consent.form,
                "date": consent.given_on.isoformat() if consent.given_on else None,
                "purpose": consent.purpose,
                "recipient": consent.recipient,
                "legal_basis": consent.legal_basis,
                "note": consent.note,
            },
            "attachments": [
                {"name": a.name, "media_type": a.media_type, "sha256": a.sha256,
                 "size": a.size, "included": a.included} for a in self.attachments],
            "counsellor_name": self.counsellor_name,
            "exported_by": self.exported_by,
            "audit_head": {"seq": self.audit_head.seq, "hash": self.audit_head.hash},
        }

    def json_bytes(self) -> bytes:
        """`to_json()` in canonical form: the exact bytes embedded in the PDF."""
        return canonical_json(self.to_json())


def canonical_json(doc: Any) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8 (not \\u escapes), newline-free."""
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")
