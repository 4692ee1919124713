"""The per-agency field policy: which client fields and which parts of the record each
receiving agency may be sent (the minimum necessary, PIPL).

It is data: a shipped default in `xinhe/resources/referral_policy.json`, replaced by the
administrator's own version stored (encrypted) in the vault's settings. A policy that does
not validate is never used, and never silently replaced by the default.

    {"version": 1,
     "instruments": {"danger_checklist": [template ids], "suicide_screen": [...],
                     "other_assessments": [...]},
     "agencies": {"police": {"client_fields": [...], "record_parts": [...],
                             "attachments": [attachment kinds]}, ...}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xinhe.errors import InvalidInput
from xinhe.paths import resource
from xinhe.records import vocab
from xinhe.records.attachments import KINDS as ATTACHMENT_KINDS
from xinhe.records.common import folder_setting, set_folder_setting
from xinhe.records.storage.session import Session

POLICY_VERSION = 1
SETTING = "referral.policy"
DEFAULT_FILE = "referral_policy.json"

#: Client facts an agency may receive (key → zh, en). "age" and "community" are the
#: smaller alternatives to "birth_date" and "address". A field the counsellor marked
#: confidential goes only when the policy allows it AND she ticks it for that one packet
#: (`xinhe.records.clients.packet_client_fields`).
CLIENT_FIELDS: vocab.Labels = {
    "name": ("姓名", "Name"),
    "gender": ("性别", "Gender"),
    "birth_date": ("出生日期", "Date of birth"),
    "age": ("年龄", "Age"),
    "phone": ("联系电话", "Phone"),
    "id_number": ("身份证件号码", "ID number"),
    "address": ("住址", "Address"),
    "community": ("所在街道/社区", "Street / community"),
    "guardian": ("监护人", "Guardian"),
    "workplace": ("工作单位", "Workplace"),
    "child_school": ("子女就读学校", "Children's school"),
    "new_location": ("新住处", "New location"),
}

#: Parts of the case record an agency may receive.
RECORD_PARTS: vocab.Labels = {
    "incident_summary": ("接案登记中的事件经过", "Incident summary from the intake"),
    "risk_level": ("个案风险等级", "The case's risk level"),
    "danger_checklist": ("危险因素清单结果", "Danger checklist results"),
    "suicide_screen": ("自杀风险筛查结果", "Suicide screen results"),
    "other_assessments": ("其他量表得分（如 PHQ-9、GAD-7）",
                          "Other scale totals (e.g. PHQ-9, GAD-7)"),
    "safety_plan": ("安全计划", "Safety plan"),
    "session_notes": ("咨询记录（最近 3 次已签名）", "Session notes (latest 3 signed)"),
}

#: Which templates count as each kind of instrument.
INSTRUMENT_PARTS = ("danger_checklist", "suicide_screen", "other_assessments")
SECTIONS = ("client_fields", "record_parts", "attachments")
CHOICES: dict[str, vocab.Labels] = {"client_fields": CLIENT_FIELDS,
                                    "record_parts": RECORD_PARTS,
                                    "attachments": dict(ATTACHMENT_KINDS)}
SECTION_LABELS: vocab.Labels = {
    "client_fields": ("当事人字段", "client field"),
    "record_parts": ("记录内容", "record part"),
    "attachments": ("附件类型", "attachment kind"),
}


class PolicyError(InvalidInput):
    code = "referral_policy"

    def __init__(self, zh_detail: str, en_detail: str) -> None:
        super().__init__(f"转介字段规则有误：{zh_detail}。", f"The referral field policy is "
                         f"not valid: {en_detail}.")


@dataclass(frozen=True)
class AgencyPolicy:
    """What one agency may receive."""

    client_fields: frozenset[str]
    record_parts: frozenset[str]
    attachments: frozenset[str]

    def allows(self, section: str, key: str) -> bool:
        allowed: frozenset[str] = getattr(self, section)
        return key in allowed


@dataclass(frozen=True)
class FieldPolicy:
    agencies: dict[str, AgencyPolicy]
    instruments: dict[str, tuple[str, ...]]

    def for_agency(self, agency: str) -> AgencyPolicy:
        vocab.check(vocab.AGENCIES, agency, "接收机构", "Agency")
        return self.agencies[agency]

    def to_json(self) -> dict[str, Any]:
        """The policy as stored: lists in the order of the choices, so diffs stay small."""
        def ordered(section: str, keys: frozenset[str]) -> list[str]:
            return [k for k in CHOICES[section] if k in keys]
        return {
            "version": POLICY_VERSION,
            "instruments": {part: list(self.instruments.get(part, ()))
                            for part in INSTRUMENT_PARTS},
            "agencies": {agency: {section: ordered(section, getattr(p, section))
                                  for section in SECTIONS}
                         for agency, p in self.agencies.items()},
        }

    def with_choice(self, agency: str, section: str, key: str, allowed: bool) -> FieldPolicy:
        """A copy with one item allowed or refused for one agency."""
        current = self.for_agency(agency)
        keys: set[str] = set(getattr(current, section))
        if allowed:
            keys.add(key)
        else:
            keys.discard(key)
        changed = {**{s: getattr(current, s) for s in SECTIONS}, section: frozenset(keys)}
        return FieldPolicy({**self.agencies, agency: AgencyPolicy(**changed)},
                           dict(self.instruments))


def _names(doc: Any, where_zh: str, where_en: str, choices: vocab.Labels | None) -> list[str]:
    if not isinstance(doc, list) or not all(isinstance(x, str) for x in doc):
        raise PolicyError(f"{where_zh}应为文字列表", f"{where_en} must be a list of names")
    if choices is not None:
        for name in doc:
            if name not in choices:
                raise PolicyError(f"{where_zh}中的“{name}”不是可选项",
                                  f"'{name}' in {where_en} is not one of the choices")
    return list(doc)


def parse_policy(doc: Any) -> FieldPolicy:
    """Validate a policy document; the error names the agency and entry at fault."""
    if not isinstance(doc, dict):
        raise PolicyError("应为 JSON 对象", "it must be a JSON object")
    if doc.get("version") != POLICY_VERSION:
        raise PolicyError(f"版本应为 {POLICY_VERSION}", f"the version must be {POLICY_VERSION}")
    unknown = set(doc) - {"version", "instruments", "agencies"}
    if unknown:
        name = sorted(unknown)[0]
        raise PolicyError(f"未知的项“{name}”", f"unknown entry '{name}'")
    instruments_doc = doc.get("instruments", {})
    if not isinstance(instruments_doc, dict) or set(instruments_doc) - set(INSTRUMENT_PARTS):
        raise PolicyError("instruments 只能包含 " + "、".join(INSTRUMENT_PARTS),
                          "instruments may only hold " + ", ".join(INSTRUMENT_PARTS))
    instruments = {part: tuple(_names(instruments_doc.get(part, []), f"instruments.{part}",
                                      f"instruments.{part}", None))
                   for part in INSTRUMENT_PARTS}
    agencies_doc = doc.get("agencies")
    if not isinstance(agencies_doc, dict):
        raise PolicyError("缺少 agencies", "agencies is missing")
    agencies: dict[str, AgencyPolicy] = {}
    for agency in vocab.AGENCIES:
        zh, en = vocab.AGENCIES[agency]
        entry = agencies_doc.get(agency)
        if not isinstance(entry, dict):
            raise PolicyError(f"缺少“{zh}”的规则", f"the rules for '{en}' are missing")
        extra = set(entry) - set(SECTIONS)
        if extra:
            name = sorted(extra)[0]
            raise PolicyError(f"“{zh}”中有未知的项“{name}”",
                              f"'{en}' has an unknown entry '{name}'")
        values = {}
        for section in SECTIONS:
            szh, sen = SECTION_LABELS[section]
            values[section] = frozenset(_names(entry.get(section, []), f"“{zh}”的{szh}",
                                               f"the {sen}s of '{en}'", CHOICES[section]))
        agencies[agency] = AgencyPolicy(**values)
    extra_agencies = set(agencies_doc) - set(vocab.AGENCIES)
    if extra_agencies:
        name = sorted(extra_agencies)[0]
        raise PolicyError(f"未知的机构“{name}”", f"unknown agency '{name}'")
    return FieldPolicy(agencies, instruments)


def default_policy_path() -> Path:
    return resource(DEFAULT_FILE)


def default_policy() -> FieldPolicy:
    """The shipped policy."""
    return parse_policy(json.loads(default_policy_path().read_text(encoding="utf-8")))


def load_policy(vault: Session) -> FieldPolicy:
    """The policy in force: the administrator's, else the shipped default."""
    stored = vault.setting(SETTING)
    if stored is None:
        return default_policy()
    try:
        doc = json.loads(stored)
    except ValueError:
        raise PolicyError("保存的内容不是有效的 JSON", "the stored text is not valid JSON") \
            from None
    return parse_policy(doc)


def policy_is_default(vault: Session) -> bool:
    return vault.setting(SETTING) is None


def save_policy(vault: Session, policy: FieldPolicy | dict[str, Any]) -> FieldPolicy:
    """Admin: store a new policy (validated first). Audited."""
    vault.require_role("admin")
    parsed = policy if isinstance(policy, FieldPolicy) else parse_policy(policy)
    text = json.dumps(parsed.to_json(), ensure_ascii=False, sort_keys=True)
    vault.set_setting(SETTING, text)
    vault.audit_event("referral_policy.update", "setting", SETTING)
    return parsed


def reset_policy(vault: Session) -> FieldPolicy:
    """Admin: go back to the shipped default. Audited."""
    vault.require_role("admin")
    vault.db.execute("DELETE FROM settings WHERE key = ?", (SETTING,))
    vault.audit_event("referral_policy.reset", "setting", SETTING)
    return default_policy()


# -- the outbox -------------------------------------------------------------------------------

OUTBOX_SETTING = "referral.outbox"


def outbox_folder(vault: Session) -> Path | None:
    """The platform's outbox folder (a mapped share in real use), if configured."""
    return folder_setting(vault, OUTBOX_SETTING)


def set_outbox_folder(vault: Session, folder: str) -> Path | None:
    """Admin: set (or clear, with "") the outbox folder. Audited."""
    return set_folder_setting(
        vault, OUTBOX_SETTING, folder, what=("发件箱文件夹", "The outbox folder"),
        examples=("Z:\\转介 或 /mnt/platform/outbox", "Z:\\referrals or /mnt/platform/outbox"),
        audit_action="referral.outbox.set")
