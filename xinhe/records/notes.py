"""Session notes, crisis interventions, assessments and addenda.

A session note is drafted, then signed and locked by its author; a signed note never
changes (a database trigger refuses it too) — corrections are addenda. Crisis records and
assessments are signed when saved. A note signed on a high-risk case waits for a
supervisor's co-signature in the review queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from xinhe.errors import AccessDenied, InvalidInput, NotFound
from xinhe.records import platform_reports, risk, vocab
from xinhe.records import templates as tpl
from xinhe.records.access import require_case
from xinhe.records.cases import CaseService
from xinhe.records.common import content_hash, dumps, iso, loads, stale
from xinhe.records.planning import PlanningService
from xinhe.records.reviews import ReviewService
from xinhe.records.search_index import index_record
from xinhe.records.storage.session import Session

SESSION_TEMPLATE = "session_note"
CRISIS_TEMPLATE = "crisis_intervention"


@dataclass(frozen=True)
class SessionNote:
    id: int
    case_id: int
    started_at: str
    duration_min: int
    modality: str
    persons_served: int
    template_id: str
    template_version: int
    answers: dict[str, Any]
    author_id: int
    author_name: str
    signed_at: str | None
    cosign_required: bool
    cosigned_by: str | None
    cosigned_at: str | None
    version: int

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


@dataclass(frozen=True)
class CrisisRecord:
    id: int
    case_id: int
    occurred_at: str
    kind: str
    on_site: bool
    template_id: str
    template_version: int
    answers: dict[str, Any]
    author_name: str
    signed_at: str
    cosign_required: bool
    cosigned_by: str | None


@dataclass(frozen=True)
class Assessment:
    id: int
    case_id: int
    template_id: str
    template_version: int
    answers: dict[str, Any]
    score: dict[str, Any]
    level: str | None
    assessed_at: str
    author_name: str


@dataclass(frozen=True)
class Addendum:
    id: int
    parent_type: str
    parent_id: int
    text: str
    author_name: str
    created_at: str


NAMES_SQL = "(SELECT display_name FROM users WHERE id = {col})"


def score_json(result: tpl.ScoreResult) -> dict[str, Any]:
    """What is stored with an assessment: totals, level, bands and reasons in both
    languages, so the record reads the same even if the template later changes."""
    return {
        "totals": dict(result.totals), "level": result.level,
        "bands": [{"total": b.total_id, "value": b.total, "level": b.level,
                   "label": {"zh": b.label.zh, "en": b.label.en}} for b in result.bands],
        "reasons": [{"rule": r.rule_id, "level": r.level,
                     "text": {"zh": r.text.zh, "en": r.text.en}} for r in result.reasons],
        "progress": {k: list(v) for k, v in result.progress.items()},
        "pending": list(result.pending),
    }


class NoteService:
    def __init__(self, vault: Session, templates: tpl.TemplateRegistry) -> None:
        self.vault = vault
        self.templates = templates

    # -- session notes ------------------------------------------------------------------
    def _session_values(self, modality: str, duration_min: int, persons_served: int) -> None:
        vocab.check(vocab.MODALITIES, modality, "咨询方式", "Modality")
        if not 1 <= int(duration_min) <= 24 * 60:
            raise InvalidInput("时长应在 1 到 1440 分钟之间。",
                               "The duration must be between 1 and 1440 minutes.")
        if not 1 <= int(persons_served) <= 100:
            raise InvalidInput("服务人数应在 1 到 100 之间。",
                               "Persons served must be between 1 and 100.")

    def draft_session(self, case_id: int, *, started_at: datetime, duration_min: int,
                      modality: str, persons_served: int = 1, answers: dict[str, Any],
                      template_id: str = SESSION_TEMPLATE,
                      template_version: int | None = None) -> SessionNote:
        """Save a new session note as a draft (only its author sees it as editable)."""
        require_case(self.vault, case_id, "write")
        self._session_values(modality, duration_min, persons_served)
        template = self.templates.get(template_id, template_version)
        cleaned = tpl.validate_answers(template, answers, partial=True)
        now = iso(self.vault.now())
        with self.vault.db.transaction():
            note_id = self.vault.db.insert(
                "INSERT INTO sessions (case_id, started_at, duration_min, modality,"
                " persons_served, template_id, template_version, answers, author_id,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (case_id, iso(started_at), int(duration_min), modality, int(persons_served),
                 template.id, template.version, dumps(cleaned), self.vault.actor.user_id,
                 now, now))
            CaseService(self.vault).activate_if_new(case_id)
            platform_reports.contact_made(self.vault, case_id, started_at)
            self.vault.audit_event("session.draft", "session", note_id)
        return self.session(note_id)

    def update_session(self, note_id: int, expected_version: int, *,
                       started_at: datetime, duration_min: int, modality: str,
                       persons_served: int, answers: dict[str, Any]) -> SessionNote:
        """Change a draft. Refused once signed; Conflict if saved elsewhere meanwhile."""
        note = self._own_draft(note_id)
        self._session_values(modality, duration_min, persons_served)
        template = self.templates.get(note.template_id, note.template_version)
        cleaned = tpl.validate_answers(template, answers, partial=True)
        with self.vault.db.transaction():
            cursor = self.vault.db.execute(
                "UPDATE sessions SET started_at = ?, duration_min = ?, modality = ?,"
                " persons_served = ?, answers = ?, updated_at = ?, version = version + 1"
                " WHERE id = ? AND version = ? AND signed_at IS NULL",
                (iso(started_at), int(duration_min), modality, int(persons_served),
                 dumps(cleaned), iso(self.vault.now()), note_id, expected_version))
            if cursor.rowcount != 1:
                raise stale(self.vault, "sessions", note_id, "咨询记录", "session note")
            self.vault.audit_event("session.update", "session", note_id)
        return self.session(note_id)

    def _own_draft(self, note_id: int) -> SessionNote:
        note = self.session(note_id)
        if note.signed:
            raise InvalidInput("这份记录已签名锁定，不能修改；如需更正请添加补充说明。",
                               "This note is signed and locked; add an addendum to correct it.")
        if note.author_id != self.vault.actor.user_id:
            raise AccessDenied("只有记录的作者可以修改草稿。",
                               "Only the author can change a draft note.")
        return note

    def sign_session(self, note_id: int, expected_version: int) -> SessionNote:
        """The author signs and locks the note. On a high-risk case it goes to the review
        queue for a supervisor's co-signature."""
        note = self._own_draft(note_id)
        template = self.templates.get(note.template_id, note.template_version)
        answers = tpl.validate_answers(template, note.answers)  # now every required answer
        case = require_case(self.vault, note.case_id, "write")
        cosign = case["risk_level"] == "high" and self.vault.actor.role != "supervisor"
        now = iso(self.vault.now())
        digest = content_hash({
            "case": case["case_no"], "started_at": note.started_at,
            "duration_min": note.duration_min, "modality": note.modality,
            "persons_served": note.persons_served, "template": [template.id, template.version],
            "answers": answers, "author": self.vault.actor.username, "signed_at": now})
        with self.vault.db.transaction():
            cursor = self.vault.db.execute(
                "UPDATE sessions SET signed_at = ?, content_hash = ?, cosign_required = ?,"
                " version = version + 1 WHERE id = ? AND version = ? AND signed_at IS NULL",
                (now, digest, int(cosign), note_id, expected_version))
            if cursor.rowcount != 1:
                raise stale(self.vault, "sessions", note_id, "咨询记录", "session note")
            if cosign:
                ReviewService(self.vault).request(note.case_id, "cosign", "session", note_id)
            self._start_clocks(note.case_id, template, answers)
            self.vault.audit_event("session.sign", "session", note_id)
            index_record(self.vault, "session", note_id, note.case_id, template, answers,
                         note.started_at)
        return self.session(note_id)

    def _start_clocks(self, case_id: int, template: tpl.Template,
                      answers: dict[str, Any]) -> None:
        """Signing starts the legal clocks the answers imply (the template says which)."""
        if template.clocks:
            PlanningService(self.vault, self.templates).start_implied_clocks(
                case_id, template, answers, self.vault.now())

    def delete_draft(self, note_id: int) -> None:
        self._own_draft(note_id)
        self.vault.db.execute("DELETE FROM sessions WHERE id = ? AND signed_at IS NULL",
                              (note_id,))
        self.vault.audit_event("session.discard", "session", note_id)

    def session(self, note_id: int) -> SessionNote:
        row = self.vault.db.one(
            f"SELECT s.*, {NAMES_SQL.format(col='s.author_id')} AS author_name,"
            f" {NAMES_SQL.format(col='s.cosigned_by')} AS cosigner FROM sessions s WHERE s.id = ?",
            (note_id,))
        if row is None:
            raise NotFound("找不到该咨询记录。", "The session note was not found.")
        require_case(self.vault, row["case_id"], "notes")
        return SessionNote(row["id"], row["case_id"], row["started_at"], row["duration_min"],
                           row["modality"], row["persons_served"], row["template_id"],
                           row["template_version"], loads(row["answers"]), row["author_id"],
                           row["author_name"], row["signed_at"], bool(row["cosign_required"]),
                           row["cosigner"], row["cosigned_at"], row["version"])

    def sessions(self, case_id: int) -> list[SessionNote]:
        require_case(self.vault, case_id, "notes", audit_read=True)
        ids = self.vault.db.all("SELECT id FROM sessions WHERE case_id = ? ORDER BY started_at",
                                (case_id,))
        return [self.session(r["id"]) for r in ids]

    # -- crisis interventions --------------------------------------------------------------
    def record_crisis(self, case_id: int, *, occurred_at: datetime,
                      answers: dict[str, Any], template_id: str = CRISIS_TEMPLATE,
                      template_version: int | None = None) -> CrisisRecord:
        """Record a crisis intervention (signed at once). A DV high-risk or suicide crisis
        makes the case high risk."""
        case = require_case(self.vault, case_id, "write")
        template = self.templates.get(template_id, template_version)
        cleaned = tpl.validate_answers(template, answers)
        kind = str(cleaned.get("crisis_kind", "other"))
        on_site = bool(cleaned.get("on_site", False))
        now = iso(self.vault.now())
        digest = content_hash({"case": case["case_no"], "occurred_at": iso(occurred_at),
                               "template": [template.id, template.version], "answers": cleaned,
                               "author": self.vault.actor.username, "signed_at": now})
        with self.vault.db.transaction():
            crisis_id = self.vault.db.insert(
                "INSERT INTO crisis_interventions (case_id, occurred_at, kind, on_site,"
                " template_id, template_version, answers, author_id, created_at, signed_at,"
                " content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (case_id, iso(occurred_at), kind, int(on_site), template.id, template.version,
                 dumps(cleaned), self.vault.actor.user_id, now, now, digest))
            CaseService(self.vault).activate_if_new(case_id)
            platform_reports.contact_made(self.vault, case_id, occurred_at)
            risk.refresh(self.vault, case_id, f"crisis:{crisis_id}")
            self._start_clocks(case_id, template, cleaned)
            if self.vault.actor.role != "supervisor":
                self.vault.db.execute("UPDATE crisis_interventions SET cosign_required = 1"
                                      " WHERE id = ?", (crisis_id,))
                ReviewService(self.vault).request(case_id, "cosign", "crisis", crisis_id)
            self.vault.audit_event("crisis.record", "crisis", crisis_id, kind)
            index_record(self.vault, "crisis", crisis_id, case_id, template, cleaned,
                         iso(occurred_at))
        return self.crisis(crisis_id)

    def crisis(self, crisis_id: int) -> CrisisRecord:
        row = self.vault.db.one(
            f"SELECT k.*, {NAMES_SQL.format(col='k.author_id')} AS author_name,"
            f" {NAMES_SQL.format(col='k.cosigned_by')} AS cosigner"
            " FROM crisis_interventions k WHERE k.id = ?", (crisis_id,))
        if row is None:
            raise NotFound("找不到该危机干预记录。", "The crisis record was not found.")
        require_case(self.vault, row["case_id"], "notes")
        return CrisisRecord(row["id"], row["case_id"], row["occurred_at"], row["kind"],
                            bool(row["on_site"]), row["template_id"], row["template_version"],
                            loads(row["answers"]), row["author_name"], row["signed_at"],
                            bool(row["cosign_required"]), row["cosigner"])

    def crises(self, case_id: int) -> list[CrisisRecord]:
        require_case(self.vault, case_id, "notes")
        return [self.crisis(r["id"]) for r in self.vault.db.all(
            "SELECT id FROM crisis_interventions WHERE case_id = ? ORDER BY occurred_at",
            (case_id,))]

    # -- assessments -----------------------------------------------------------------------
    def record_assessment(self, case_id: int, *, template_id: str, answers: dict[str, Any],
                          assessed_at: datetime | None = None,
                          template_version: int | None = None) -> Assessment:
        """Score and record an assessment (signed at once) and update the case's risk. An
        intake may leave questions unanswered (kept as "pending" in its score); completing
        it later is a new assessment of the same template, which then drives the level."""
        case = require_case(self.vault, case_id, "write")
        template = self.templates.get(template_id, template_version)
        cleaned = tpl.validate_answers(template, answers, partial=template.saves_incomplete)
        result = tpl.score(template, cleaned)
        score = score_json(result)
        when = iso(assessed_at or self.vault.now())
        digest = content_hash({"case": case["case_no"], "template": [template.id,
                               template.version], "answers": cleaned, "score": score,
                               "assessed_at": when, "author": self.vault.actor.username})
        with self.vault.db.transaction():
            assessment_id = self.vault.db.insert(
                "INSERT INTO assessments (case_id, template_id, template_version, answers,"
                " score, level, assessed_at, author_id, created_at, content_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (case_id, template.id, template.version, dumps(cleaned), dumps(score),
                 result.level, when, self.vault.actor.user_id, iso(self.vault.now()), digest))
            risk.refresh(self.vault, case_id, f"assessment:{assessment_id}")
            self._start_clocks(case_id, template, cleaned)
            self.vault.audit_event("assessment.record", "assessment", assessment_id,
                                   result.level or "none")
            index_record(self.vault, "assessment", assessment_id, case_id, template, cleaned,
                         when)
        return self.assessment(assessment_id)

    def assessment(self, assessment_id: int) -> Assessment:
        row = self.vault.db.one(
            f"SELECT a.*, {NAMES_SQL.format(col='a.author_id')} AS author_name"
            " FROM assessments a WHERE a.id = ?", (assessment_id,))
        if row is None:
            raise NotFound("找不到该评估。", "The assessment was not found.")
        require_case(self.vault, row["case_id"], "notes")
        return Assessment(row["id"], row["case_id"], row["template_id"],
                          row["template_version"], loads(row["answers"]), loads(row["score"]),
                          row["level"], row["assessed_at"], row["author_name"])

    def assessments(self, case_id: int) -> list[Assessment]:
        require_case(self.vault, case_id, "notes")
        return [self.assessment(r["id"]) for r in self.vault.db.all(
            "SELECT id FROM assessments WHERE case_id = ? ORDER BY assessed_at, id", (case_id,))]

    # -- addenda -------------------------------------------------------------------------------
    def add_addendum(self, parent_type: str, parent_id: int, text: str) -> Addendum:
        """A signed correction or addition to a locked record."""
        tables = {"session": "sessions", "crisis": "crisis_interventions",
                  "assessment": "assessments"}
        if parent_type not in tables:
            raise InvalidInput("不能给这类记录添加补充说明。",
                               "Addenda cannot be added to this kind of record.")
        row = self.vault.db.one(f"SELECT case_id FROM {tables[parent_type]} WHERE id = ?",
                                (parent_id,))
        if row is None:
            raise NotFound("找不到要补充的记录。", "The record to add to was not found.")
        if parent_type == "session" and self.vault.db.scalar(
                "SELECT signed_at FROM sessions WHERE id = ?", (parent_id,)) is None:
            raise InvalidInput("草稿可以直接修改，签名后才需要补充说明。",
                               "A draft can still be edited; addenda are for signed notes.")
        case = require_case(self.vault, row["case_id"], "write")
        if not text.strip():
            raise InvalidInput("补充说明不能为空。", "The addendum is empty.")
        now = iso(self.vault.now())
        digest = content_hash({"case": case["case_no"], "parent": [parent_type, parent_id],
                               "text": text.strip(), "author": self.vault.actor.username,
                               "created_at": now})
        with self.vault.db.transaction():
            addendum_id = self.vault.db.insert(
                "INSERT INTO addenda (case_id, parent_type, parent_id, text, author_id,"
                " created_at, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row["case_id"], parent_type, parent_id, text.strip(), self.vault.actor.user_id,
                 now, digest))
            self.vault.audit_event("addendum.add", parent_type, parent_id)
            self._resubmit_if_returned(row["case_id"], parent_type, parent_id)
            from xinhe.records.search_index import index_text

            index_text(self.vault, f"addendum:{addendum_id}", row["case_id"], "addendum",
                       "", text.strip(), now)
        return self.addenda(parent_type, parent_id)[-1]

    def _resubmit_if_returned(self, case_id: int, parent_type: str, parent_id: int) -> None:
        """A note the supervisor returned goes back to them once the author has answered
        with an addendum."""
        last = self.vault.db.one(
            "SELECT status FROM reviews WHERE kind = 'cosign' AND target_type = ? AND"
            " target_id = ? ORDER BY id DESC LIMIT 1", (parent_type, parent_id))
        if last is not None and last["status"] == "returned":
            ReviewService(self.vault).request(case_id, "cosign", parent_type, parent_id,
                                              "已按意见补充说明，重新提交会签。")

    def addenda(self, parent_type: str, parent_id: int) -> list[Addendum]:
        rows = self.vault.db.all(
            f"SELECT d.*, {NAMES_SQL.format(col='d.author_id')} AS author_name FROM addenda d"
            " WHERE parent_type = ? AND parent_id = ? ORDER BY id", (parent_type, parent_id))
        if rows:
            require_case(self.vault, rows[0]["case_id"], "notes")
        return [Addendum(r["id"], r["parent_type"], r["parent_id"], r["text"], r["author_name"],
                         r["created_at"]) for r in rows]
