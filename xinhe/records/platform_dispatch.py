"""The district platform's dispatched case, format 1 (docs/platform-dispatch.md).

`parse_dispatch_file` checks a received file against the format with no schema library:
docs/platform-dispatch.schema.json documents the same rules, and a test proves the two
agree on required fields and enums. A file holds one dispatch (an object) or a list of
them; any fault rejects the whole file, naming the file and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from xinhe.errors import XinheError
from xinhe.records import vocab

FORMAT = "xinhe-platform-dispatch"
VERSION = 1
GRADES: vocab.Labels = {
    "high": ("高", "High"),
    "medium": ("中", "Medium"),
    "low": ("低", "Low"),
}
#: The platform's categories are the studio's case categories.
CATEGORIES = tuple(vocab.CATEGORIES)
PARTY_ROLES: vocab.Labels = {
    "client": ("当事人（求助人）", "Client (the person seeking help)"),
    "respondent": ("对方当事人", "Respondent (the other party)"),
    "reporter": ("报告人", "Reporter"),
    "minor": ("涉及的未成年人", "Minor involved"),
    "other": ("其他相关人", "Other person"),
}
REQUIRED = ("format", "version", "platform_ref", "dispatched_at", "grade", "category",
            "first_contact_due", "agency", "parties")
OPTIONAL = ("summary",)
PARTY_REQUIRED = ("role", "name")
PARTY_OPTIONAL = ("phone", "id_number", "birth_date", "gender", "address", "community")
MAX_TEXT = 4000
MAX_REF = 64


class DispatchInvalid(XinheError):
    """A received file that is not a valid dispatch: it is quarantined, nothing is kept."""

    code = "dispatch_invalid"

    def __init__(self, file: str, field: str, zh: str, en: str) -> None:
        self.file = file
        self.field = field
        where_zh = f"文件 {file}" + (f"，字段 {field}" if field else "")
        where_en = f"file {file}" + (f", field {field}" if field else "")
        super().__init__(f"平台分拨文件无效（{where_zh}）：{zh}",
                         f"Invalid platform dispatch ({where_en}): {en}")
        self.reason_zh = zh
        self.reason_en = en


@dataclass(frozen=True)
class Party:
    role: str
    name: str
    phone: str | None = None
    id_number: str | None = None
    birth_date: str | None = None
    gender: str | None = None
    address: str | None = None
    community: str | None = None


@dataclass(frozen=True)
class Dispatch:
    platform_ref: str
    dispatched_at: datetime
    grade: str
    category: str
    first_contact_due: datetime
    agency: str
    summary: str
    parties: tuple[Party, ...]
    document: dict[str, Any]  # the dispatch as received, kept in the vault

    @property
    def client(self) -> Party:
        return next(p for p in self.parties if p.role == "client")


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, field: str, zh: str, en: str) -> DispatchInvalid:
        return DispatchInvalid(self.file, field, zh, en)

    def text(self, doc: dict[str, Any], key: str, where: str, required: bool,
             limit: int = MAX_TEXT) -> str | None:
        value = doc.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(where, "缺少必填内容。", "it is missing.")
            return None
        if not isinstance(value, str):
            raise self.fail(where, "应为文字。", "it must be text.")
        if len(value) > limit:
            raise self.fail(where, f"超过 {limit} 个字符。", f"it is longer than {limit} "
                            "characters.")
        return value.strip()

    def moment(self, doc: dict[str, Any], key: str) -> datetime:
        raw = self.text(doc, key, key, True)
        try:
            moment = datetime.fromisoformat(str(raw))
        except ValueError:
            raise self.fail(key, "不是 ISO 8601 日期时间（如 2026-03-01T09:30:00+08:00）。",
                            "it is not an ISO 8601 date and time (e.g. "
                            "2026-03-01T09:30:00+08:00).") from None
        if moment.tzinfo is None:
            raise self.fail(key, "缺少时区（如 +08:00）。", "it has no time zone (e.g. +08:00).")
        return moment

    def choice(self, doc: dict[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> str:
        value = self.text(doc, key, where, True)
        if value not in allowed:
            raise self.fail(where, f"“{value}”不是可接受的值（{', '.join(allowed)}）。",
                            f"'{value}' is not one of {', '.join(allowed)}.")
        return str(value)

    def no_unknown(self, doc: dict[str, Any], known: tuple[str, ...], where: str) -> None:
        extra = sorted(set(doc) - set(known))
        if extra:
            field = f"{where}.{extra[0]}" if where else extra[0]
            raise self.fail(field, "格式中没有这个字段。", "the format has no such field.")

    def party(self, doc: Any, where: str) -> Party:
        if not isinstance(doc, dict):
            raise self.fail(where, "应为对象。", "it must be an object.")
        self.no_unknown(doc, PARTY_REQUIRED + PARTY_OPTIONAL, where)
        role = self.choice(doc, "role", f"{where}.role", tuple(PARTY_ROLES))
        name = self.text(doc, "name", f"{where}.name", True, 100)
        values = {k: self.text(doc, k, f"{where}.{k}", False, 200) for k in PARTY_OPTIONAL}
        if values["gender"] is not None and values["gender"] not in vocab.GENDERS:
            raise self.fail(f"{where}.gender", "应为 female、male 或 other。",
                            "it must be female, male or other.")
        if values["birth_date"] is not None:
            try:
                date.fromisoformat(values["birth_date"])
            except ValueError:
                raise self.fail(f"{where}.birth_date", "不是 YYYY-MM-DD 格式的日期。",
                                "it is not a YYYY-MM-DD date.") from None
        return Party(role, str(name), **values)

    def dispatch(self, doc: Any, prefix: str) -> Dispatch:
        if not isinstance(doc, dict):
            raise self.fail(prefix, "应为对象（一个分拨）或对象列表。",
                            "it must be an object (one dispatch) or a list of them.")
        self.no_unknown(doc, REQUIRED + OPTIONAL, prefix.rstrip("."))
        if doc.get("format") != FORMAT:
            raise self.fail(prefix + "format", f"应为 “{FORMAT}”。", f"it must be '{FORMAT}'.")
        if doc.get("version") != VERSION or isinstance(doc.get("version"), bool):
            raise self.fail(prefix + "version", f"本程序只读第 {VERSION} 版。",
                            f"this program reads version {VERSION} only.")
        ref = self.text(doc, "platform_ref", prefix + "platform_ref", True, MAX_REF)
        dispatched = self.moment(doc, "dispatched_at")
        due = self.moment(doc, "first_contact_due")
        if due < dispatched:
            raise self.fail(prefix + "first_contact_due", "首次联系时限早于分拨时间。",
                            "the first-contact deadline is before the dispatch time.")
        grade = self.choice(doc, "grade", prefix + "grade", tuple(GRADES))
        category = self.choice(doc, "category", prefix + "category", CATEGORIES)
        agency = self.text(doc, "agency", prefix + "agency", True, 200)
        summary = self.text(doc, "summary", prefix + "summary", False) or ""
        raw_parties = doc.get("parties")
        if not isinstance(raw_parties, list) or not raw_parties:
            raise self.fail(prefix + "parties", "应为至少含一人的列表。",
                            "it must be a list of at least one person.")
        parties = tuple(self.party(p, f"{prefix}parties[{i}]")
                        for i, p in enumerate(raw_parties))
        if sum(p.role == "client" for p in parties) != 1:
            raise self.fail(prefix + "parties", "应恰好有一位 role 为 client 的当事人。",
                            "exactly one person must have the role 'client'.")
        return Dispatch(str(ref), dispatched, grade, category, due, str(agency), summary,
                        parties, doc)


def parse_dispatch_file(name: str, data: bytes) -> list[Dispatch]:
    """The dispatches in a received file, or DispatchInvalid naming the file and field."""
    check = _Checker(name)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise check.fail("", "不是 UTF-8 编码的 JSON 文件。",
                         "it is not a UTF-8 JSON file.") from None
    if isinstance(doc, list):
        if not doc:
            raise check.fail("", "列表是空的。", "the list is empty.")
        found = [check.dispatch(d, f"[{i}].") for i, d in enumerate(doc)]
    else:
        found = [check.dispatch(doc, "")]
    refs = [d.platform_ref for d in found]
    for i, ref in enumerate(refs):
        if ref in refs[:i]:
            raise check.fail(f"[{i}].platform_ref", "同一文件中平台编号重复。",
                             "the same platform reference appears twice in the file.")
    return found
