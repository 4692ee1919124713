"""The help-seeking record as evidence (求助记录证明): an extract of one case for a court.

The Supreme People's Court's 2022 rules on protection orders count a women's federation's
records of complaint and help-seeking as evidence. The counsellor chooses what goes in
(`extract_items` lists the choices, with the minimum necessary ticked); `build_extract`
reads only what was chosen. Client identity is limited to her name and birth year — never
address, phone or ID number — and session-note text appears only for the notes ticked.

Only those who may read the case's notes (its counsellor, a colleague it is shared with, a
supervisor) make one: the extract holds note content, which staff may not read. Making,
printing and every refusal are audited; the signed PDF is kept in the vault.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from xinhe.errors import AccessDenied, InvalidInput, NotFound
from xinhe.i18n import pick
from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.records.access import require_case
from xinhe.records.attachments import KINDS as ATTACHMENT_KINDS
from xinhe.records.common import loads, next_number, parse_ts
from xinhe.records.storage.session import Session
from xinhe.records.templates_values import display_value, is_blank

JSON_NAME = "court-extract.json"
SCHEMA_VERSION = 1
EXTRACT_ROLES = ("counsellor", "supervisor")
#: Intake answers that say what was reported, and those that record injuries.
REPORTED_FIELDS = ("incident_summary", "discovery_details", "violence_types", "violence_since",
                   "frequency", "harm_kinds", "police_called", "police_warning_letter")
INJURY_FIELDS = ("injured", "medical_record", "danger_serious_injury")
#: Crisis answers a court needs; the place ("location") is whereabouts and stays out.
CRISIS_FIELDS = ("police_called", "hospital", "actions", "outcome")
#: The client facts an extract may carry (never address, phone or ID number).
CLIENT_KEYS = ("client:name", "client:birth_year")
SECTION_ORDER = ("client", "contacts", "incident", "injuries", "crises", "assessments",
                 "referrals", "notes")
RECORDED = ("signed", "delivered", "acknowledged", "recalled")


@dataclass(frozen=True)
class ExtractItem:
    """One thing the counsellor may tick: its key, section, a label without content (a date
    and a kind), and whether it is ticked to begin with (the minimum necessary)."""

    key: str
    section: str
    label: str
    default: bool


@dataclass(frozen=True)
class ExtractEntry:
    heading: str
    lines: tuple[tuple[str, str], ...]  # (label, value); value "" for a factor present


@dataclass(frozen=True)
class ExtractSection:
    key: str
    title: str
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    entries: tuple[ExtractEntry, ...] = ()


@dataclass(frozen=True)
class CourtExtract:
    """The extract as signed: already in its language, already limited to what was chosen."""

    extract_no: str
    studio_name: str
    case_no: str
    created_at: datetime
    lang: str
    client: tuple[tuple[str, str], ...]
    sections: tuple[ExtractSection, ...]
    counsellor_name: str
    exported_by: str
    audit_seq: int
    audit_hash: str

    def to_json(self) -> dict[str, Any]:
        """The embedded `court-extract.json`."""
        return {
            "schema_version": SCHEMA_VERSION, "kind": "court_extract",
            "extract_no": self.extract_no, "studio_name": self.studio_name,
            "case_no": self.case_no, "created_at": self.created_at.isoformat(),
            "lang": self.lang, "agency": {"code": "court"},
            "client": [{"label": k, "value": v} for k, v in self.client],
            "sections": [{"key": s.key, "title": s.title, "header": list(s.header),
                          "rows": [list(r) for r in s.rows],
                          "entries": [{"heading": e.heading,
                                       "lines": [list(line) for line in e.lines]}
                                      for e in s.entries]} for s in self.sections],
            "counsellor_name": self.counsellor_name, "exported_by": self.exported_by,
            "audit_head": {"seq": self.audit_seq, "hash": self.audit_hash},
        }

    def json_bytes(self) -> bytes:
        """`to_json()` in canonical form: sorted keys, compact, UTF-8 — the bytes embedded."""
        return json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> CourtExtract:
        """The extract back from its stored document (for printing a copy)."""
        return cls(
            str(doc["extract_no"]), str(doc["studio_name"]), str(doc["case_no"]),
            datetime.fromisoformat(str(doc["created_at"])), str(doc["lang"]),
            tuple((str(c["label"]), str(c["value"])) for c in doc["client"]),
            tuple(ExtractSection(
                str(s["key"]), str(s["title"]), tuple(s["header"]),
                tuple(tuple(r) for r in s["rows"]),
                tuple(ExtractEntry(str(e["heading"]), tuple(
                    (str(a), str(b)) for a, b in e["lines"])) for e in s["entries"]))
                for s in doc["sections"]),
            str(doc["counsellor_name"]), str(doc["exported_by"]),
            int(doc["audit_head"]["seq"]), str(doc["audit_head"]["hash"]))


def _day(ts: str) -> date:
    moment = parse_ts(ts)
    assert moment is not None
    return moment.astimezone().date()


def require_extract_access(vault: Session, case_id: int) -> Any:
    """The case row, if the actor may make a court extract of it; refused and audited
    otherwise (staff and administrators never: the extract holds note content)."""
    if vault.actor.role not in EXTRACT_ROLES:
        # The server grants administrators no cases at all: the number comes from
        # case_number(), for the audit entry only.
        on_server = vault.db.dialect == "postgres"
        case_no = vault.db.scalar("SELECT xinhe.case_number(?)" if on_server else
                                  "SELECT case_no FROM cases WHERE id = ?", (case_id,))
        vault.audit_event("extract.court", "case", case_no or case_id, "refused:role")
        raise AccessDenied(
            "求助记录证明含有咨询记录内容，只能由个案的咨询师或督导出具。",
            "A court extract holds the case's records, so only the case's counsellor or a "
            "supervisor can make it.")
    return require_case(vault, case_id, "notes", audit_read=True)


class _Reader:
    """Reads one case's records for the extract, in one language."""

    def __init__(self, vault: Session, templates: tpl.TemplateRegistry, lang: str) -> None:
        self.vault, self.templates, self.lang = vault, templates, lang

    def t(self, zh: str, en: str) -> str:
        return pick(zh, en, self.lang)

    def template(self, row: Any) -> tpl.Template | None:
        try:
            return self.templates.get(str(row["template_id"]), int(row["template_version"]))
        except NotFound:
            return None

    def name(self, row: Any) -> str:
        found = self.template(row)
        return found.label.get(self.lang) if found else str(row["template_id"])

    def lines(self, row: Any, field_ids: Iterable[str] | None) -> list[tuple[str, str]]:
        """Answers as (label, value), only `field_ids` (all when None), in form order."""
        found = self.template(row)
        answers = loads(row["answers"]) or {}
        if found is None:
            return []
        wanted = None if field_ids is None else set(field_ids)
        return [(f.label.get(self.lang), display_value(f, answers[f.id], self.lang))
                for f in found.fields if (wanted is None or f.id in wanted)
                and not is_blank(answers.get(f.id))]

    def assessments(self, case_id: int) -> list[Any]:
        return list(self.vault.db.all("SELECT * FROM assessments WHERE case_id = ? ORDER BY"
                                      " assessed_at, id", (case_id,)))

    def intakes(self, case_id: int) -> list[Any]:
        return [r for r in self.assessments(case_id)
                if (found := self.template(r)) is not None
                and found.kind in ("intake", "mandatory_report")]

    def sessions(self, case_id: int) -> list[Any]:
        return list(self.vault.db.all(
            "SELECT * FROM sessions WHERE case_id = ? AND signed_at IS NOT NULL"
            " ORDER BY started_at, id", (case_id,)))

    def crises(self, case_id: int) -> list[Any]:
        return list(self.vault.db.all("SELECT * FROM crisis_interventions WHERE case_id = ?"
                                      " ORDER BY occurred_at, id", (case_id,)))


def extract_items(vault: Session, templates: tpl.TemplateRegistry, case_id: int,
                  lang: str | None = None) -> list[ExtractItem]:
    """What the counsellor may choose for this case's extract, the minimum ticked."""
    require_extract_access(vault, case_id)
    return _items(_Reader(vault, templates, lang or "zh_CN"), case_id)


def _items(r: _Reader, case_id: int) -> list[ExtractItem]:
    t = r.t
    items = [ExtractItem("client:name", "client", t("姓名", "Name"), True),
             ExtractItem("client:birth_year", "client", t("出生年份", "Year of birth"), True),
             ExtractItem("contacts", "contacts", t("求助与联系的日期", "Dates of contact"), True)]
    for row in r.intakes(case_id):
        items.append(ExtractItem(f"incident:{row['id']}", "incident",
                                 f"{_day(row['assessed_at'])} {r.name(row)}", True))
    items.append(ExtractItem("injuries", "injuries", t("记录的伤情", "Injuries recorded"), True))
    for row in r.crises(case_id):
        kind = vocab.label(vocab.CRISIS_KINDS, row["kind"], r.lang)
        items.append(ExtractItem(f"crisis:{row['id']}", "crises",
                                 f"{_day(row['occurred_at'])} {kind}", True))
    items += [ExtractItem("assessments", "assessments",
                          t("风险评估及结果", "Risk assessments and their results"), True),
              ExtractItem("referrals", "referrals", t("已作出的转介", "Referrals made"), True)]
    for row in r.sessions(case_id):
        items.append(ExtractItem(f"note:{row['id']}", "notes", t(
            f"{_day(row['started_at'])} 咨询记录原文", f"{_day(row['started_at'])} session "
            "note text"), False))
    return items


def build_extract(vault: Session, templates: tpl.TemplateRegistry, case_id: int,
                  chosen: Collection[str], lang: str = "zh_CN") -> CourtExtract:
    """The extract of exactly the `chosen` items (keys from `extract_items`).

    Audited ("extract.court") before the audit head is read, so the head it carries is the
    entry recording this extract. Refused for a case the actor may not read."""
    case = require_extract_access(vault, case_id)
    r = _Reader(vault, templates, lang)
    known = {i.key for i in _items(r, case_id)}
    if set(chosen) - known or not set(chosen) - set(CLIENT_KEYS):
        raise InvalidInput("请至少选择一项个案记录（所选内容须属于本个案）。",
                           "Choose at least one part of the case record (from this case).")
    now = vault.now().astimezone()
    number = f"QZ-{now.year}-{next_number(vault, 'court_extract', now.year):04d}"
    vault.audit_event("extract.court", "case", case["case_no"], number)
    seq, head = vault.audit.head()
    counsellor = vault.db.scalar("SELECT display_name FROM users WHERE id = ?",
                                 (case["counsellor_id"],))
    sections = [s for s in _sections(r, case_id, set(chosen)) if s.rows or s.entries]
    return CourtExtract(number, vault.org_name, str(case["case_no"]), now, lang,
                        tuple(_client(r, case["client_id"], set(chosen))), tuple(sections),
                        str(counsellor), vault.actor.display_name, seq, head)


def _client(r: _Reader, client_id: int, chosen: set[str]) -> Iterable[tuple[str, str]]:
    row = r.vault.db.one("SELECT name, birth_year, birth_date FROM clients WHERE id = ?",
                         (client_id,))
    assert row is not None  # a case always has its client
    if "client:name" in chosen:
        yield r.t("姓名", "Name"), str(row["name"])
    year = row["birth_year"] or (str(row["birth_date"])[:4] if row["birth_date"] else None)
    if "client:birth_year" in chosen and year:
        yield r.t("出生年份", "Year of birth"), str(year)


def _sections(r: _Reader, case_id: int, chosen: set[str]) -> Iterable[ExtractSection]:
    t = r.t
    if "contacts" in chosen:
        yield ExtractSection("contacts", t("求助与联系记录", "Contacts and help sought"),
                             (t("日期", "Date"), t("方式", "How"), t("内容", "What")),
                             tuple(_contacts(r, case_id)))
    entries = [ExtractEntry(f"{_day(row['assessed_at'])} {r.name(row)}",
                            tuple(r.lines(row, REPORTED_FIELDS)))
               for row in r.intakes(case_id) if f"incident:{row['id']}" in chosen]
    yield ExtractSection("incident", t("当事人反映的情况", "What was reported"),
                         entries=tuple(e for e in entries if e.lines))
    if "injuries" in chosen:
        yield _injuries(r, case_id)
    yield ExtractSection("crises", t("危机干预", "Crisis interventions"), entries=tuple(
        ExtractEntry(f"{_day(row['occurred_at'])} "
                     f"{vocab.label(vocab.CRISIS_KINDS, row['kind'], r.lang)}",
                     ((t("现场干预", "On site"), t("是", "yes") if row["on_site"] else
                       t("否", "no")), *r.lines(row, CRISIS_FIELDS)))
        for row in r.crises(case_id) if f"crisis:{row['id']}" in chosen))
    if "assessments" in chosen:
        yield ExtractSection("assessments", t("风险评估及结果", "Risk assessments"),
                             (t("日期", "Date"), t("评估工具", "Instrument"),
                              t("得分", "Score"), t("结果", "Result")),
                             tuple(_assessment_rows(r, case_id)))
    if "referrals" in chosen:
        yield ExtractSection("referrals", t("转介记录", "Referrals made"),
                             (t("日期", "Date"), t("接收机构", "Agency"), t("用途", "Purpose"),
                              t("状态", "Status")), tuple(_referral_rows(r, case_id)))
    yield ExtractSection("notes", t("咨询记录摘录", "Session notes chosen"), entries=tuple(
        ExtractEntry(f"{_day(row['started_at'])} "
                     f"{vocab.label(vocab.MODALITIES, row['modality'], r.lang)}",
                     tuple(r.lines(row, None)))
        for row in r.sessions(case_id) if f"note:{row['id']}" in chosen))


def _contacts(r: _Reader, case_id: int) -> Iterable[tuple[str, str, str]]:
    t = r.t
    found: list[tuple[str, str, str]] = []
    for row in r.sessions(case_id):
        found.append((str(_day(row["started_at"])),
                      vocab.label(vocab.MODALITIES, row["modality"], r.lang),
                      t(f"咨询 {row['duration_min']} 分钟", f"Session, "
                        f"{row['duration_min']} min")))
    for row in r.crises(case_id):
        found.append((str(_day(row["occurred_at"])), t("危机干预", "Crisis intervention"),
                      vocab.label(vocab.CRISIS_KINDS, row["kind"], r.lang)))
    for row in r.assessments(case_id):
        found.append((str(_day(row["assessed_at"])), t("评估", "Assessment"), r.name(row)))
    for row in r.vault.db.all("SELECT done_at, answers FROM followups WHERE case_id = ? AND"
                              " status = 'done' AND done_at IS NOT NULL", (case_id,)):
        method = (loads(row["answers"]) or {}).get("method")
        found.append((str(_day(row["done_at"])), t("回访", "Follow-up visit"),
                      vocab.label(vocab.FOLLOWUP_METHODS, method, r.lang) if method else ""))
    return sorted(found)


def _injuries(r: _Reader, case_id: int) -> ExtractSection:
    t = r.t
    entries = [ExtractEntry(f"{_day(row['assessed_at'])} {r.name(row)}",
                            tuple(r.lines(row, INJURY_FIELDS))) for row in r.intakes(case_id)]
    photos = r.vault.db.all("SELECT filename, added_at, sha256 FROM attachments WHERE"
                            " case_id = ? AND kind = 'injury_photo' ORDER BY added_at, id",
                            (case_id,))
    if photos:
        label = ATTACHMENT_KINDS["injury_photo"][0 if r.lang != "en" else 1]
        entries.append(ExtractEntry(label, tuple(
            (str(_day(p["added_at"])), f"{p['filename']}\nSHA-256 {p['sha256']}")
            for p in photos)))
    return ExtractSection("injuries", t("记录的伤情", "Injuries recorded"),
                          entries=tuple(e for e in entries if e.lines))


def _assessment_rows(r: _Reader, case_id: int) -> Iterable[tuple[str, str, str, str]]:
    for row in r.assessments(case_id):
        found = r.template(row)
        if found is None or (not found.scoring.totals and not found.scoring.rules):
            continue
        score = loads(row["score"]) or {}
        totals = ", ".join(f"{v:g}" for v in (score.get("totals") or {}).values())
        bands = [str((b.get("label") or {}).get("en" if r.lang == "en" else "zh", ""))
                 for b in score.get("bands") or []]
        level = vocab.label(vocab.RISK_LEVELS, row["level"], r.lang) if row["level"] else \
            r.t("未发现风险", "No risk found")
        yield (str(_day(row["assessed_at"])), r.name(row), totals,
               " · ".join(b for b in [*bands, level] if b))


def _referral_rows(r: _Reader, case_id: int) -> Iterable[tuple[str, str, str, str]]:
    t = r.t
    states = {"signed": t("已签发", "Signed"), "delivered": t("已送达", "Delivered"),
              "acknowledged": t("对方已确认", "Acknowledged"), "recalled": t("已撤回", "Recalled")}
    marks = ", ".join("?" for _ in RECORDED)
    for row in r.vault.db.all(
            f"SELECT signed_at, agency, purpose, status FROM referrals WHERE case_id = ? AND"
            f" status IN ({marks}) ORDER BY signed_at, id", (case_id, *RECORDED)):
        yield (str(_day(row["signed_at"])), vocab.label(vocab.AGENCIES, row["agency"], r.lang),
               vocab.label(vocab.CONSENT_PURPOSES, row["purpose"], r.lang),
               states.get(row["status"], row["status"]))
