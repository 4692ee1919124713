"""Safety plans, follow-ups and the legal clocks, with the due-soon and overdue queries the
dashboard shows.

Clocks (due times):
- protection-order application: the court decides within 72 h, or 24 h when urgent;
- protection-order expiry: the order's end (at most 6 months after it was made);
- minor mandatory report: report to police at once (due when recorded), met when the
  report is recorded with who made it, when, and the police reference;
- police warning letter: a follow-up visit within 7 days of the letter;
- follow-up dates: each follow-up's own due time.

Signing a record whose template names clocks (`"clocks"` in its JSON) starts the clocks its
answers imply (`implied_clocks`): minor harm not yet reported, a warning letter, a wanted
protection order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from xinhe.errors import InvalidInput, NotFound
from xinhe.i18n import pick
from xinhe.records import platform_reports, vocab
from xinhe.records import templates as tpl
from xinhe.records.access import require_case, require_case_role, visible_cases_clause
from xinhe.records.common import dumps, iso, loads, parse_ts, stale
from xinhe.records.search_index import index_record
from xinhe.records.storage.session import Session

PO_DECISION = timedelta(hours=72)
PO_DECISION_URGENT = timedelta(hours=24)
PO_MAX_DURATION = relativedelta(months=6)
WARNING_FOLLOWUP = timedelta(days=7)
DUE_SOON = timedelta(hours=48)
SAFETY_PLAN_TEMPLATE = "safety_plan"
FOLLOWUP_TEMPLATE = "followup_visit"


@dataclass(frozen=True)
class SafetyPlan:
    id: int
    case_id: int
    template_id: str
    template_version: int
    answers: dict[str, Any]
    author_name: str
    created_at: str


@dataclass(frozen=True)
class FollowUp:
    id: int
    case_id: int
    case_no: str
    client_name: str
    counsellor_id: int
    due_at: str
    reason: str
    planned_method: str | None
    status: str
    done_at: str | None
    answers: dict[str, Any] | None
    version: int

    def done_late(self) -> bool:
        return self.done_at is not None and self.done_at > self.due_at


@dataclass(frozen=True)
class Clock:
    id: int
    case_id: int
    kind: str
    started_at: str
    due_at: str
    urgent: bool
    status: str
    met_at: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class DueItem:
    """A line on the dashboard: something with a due time."""

    kind: str  # "followup" | a clock kind | "review"
    item_id: int
    case_id: int
    case_no: str
    client_name: str
    counsellor_id: int
    due_at: str
    overdue: bool
    urgent: bool = False


FOLLOWUP_SQL = """
SELECT f.*, c.case_no, c.counsellor_id, cl.name AS client_name FROM followups f
JOIN cases c ON c.id = f.case_id JOIN clients cl ON cl.id = c.client_id
"""


def _followup(r: Any) -> FollowUp:
    return FollowUp(r["id"], r["case_id"], r["case_no"], r["client_name"], r["counsellor_id"],
                    r["due_at"], r["reason"], r["planned_method"], r["status"], r["done_at"],
                    loads(r["answers"]), r["version"])


def _clock(r: Any) -> Clock:
    return Clock(r["id"], r["case_id"], r["kind"], r["started_at"], r["due_at"],
                 bool(r["urgent"]), r["status"], r["met_at"], loads(r["details"]) or {})


@dataclass(frozen=True)
class ClockStart:
    """A clock that signing some answers starts (shown before signing, then started)."""

    kind: str
    started_at: datetime
    due_at: datetime
    urgent: bool = False

    def describe(self, lang: str | None = None) -> str:
        """One line for the confirmation: what, and by when."""
        name = tpl.CLOCK_KINDS[self.kind].get(lang)
        if self.due_at <= self.started_at:
            return pick(f"{name}：应立即办理（现已到期）", f"{name}: due at once (due now)", lang)
        due = self.due_at.astimezone().strftime("%Y-%m-%d %H:%M")
        urgent = pick("（紧急，24 小时）", " (urgent, 24 h)", lang) if self.urgent else ""
        return pick(f"{name}{urgent}：{due} 前", f"{name}{urgent}: by {due}", lang)


def _day_start(value: object) -> datetime | None:
    """A date answer as the start of that day on this workstation's clock."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return None
    return datetime.combine(day, time.min).astimezone()


def implied_clocks(template: tpl.Template, answers: dict[str, Any],
                   signed_at: datetime) -> list[ClockStart]:
    """The clocks that signing `answers` (cleaned) would start, from the template's
    `clocks`. A report for a minor is due at once; a warning letter's visit 7 days after
    the letter; a protection order's decision 72 h (24 h when urgent) after the
    application, which the studio makes on signing."""
    starts = []
    for trigger in template.clocks:
        if not tpl.holds(trigger.when, answers):
            continue
        since = _day_start(answers.get(trigger.since)) if trigger.since else None
        started = since or signed_at
        urgent = trigger.urgent_if is not None and tpl.holds(trigger.urgent_if, answers)
        match trigger.start:
            case "minor_report":
                starts.append(ClockStart("minor_report", signed_at, signed_at, urgent=True))
            case "warning_followup":
                starts.append(ClockStart("warning_followup", started,
                                         started + WARNING_FOLLOWUP))
            case "po_application":
                starts.append(ClockStart("po_application", started, started + (
                    PO_DECISION_URGENT if urgent else PO_DECISION), urgent))
    return starts


class PlanningService:
    def __init__(self, vault: Session, templates: tpl.TemplateRegistry) -> None:
        self.vault = vault
        self.templates = templates

    # -- safety plans ----------------------------------------------------------------------
    def save_safety_plan(self, case_id: int, answers: dict[str, Any],
                         template_id: str = SAFETY_PLAN_TEMPLATE) -> SafetyPlan:
        """A new version of the case's safety plan (earlier versions are kept)."""
        require_case(self.vault, case_id, "write")
        template = self.templates.get(template_id)
        cleaned = tpl.validate_answers(template, answers)
        now = iso(self.vault.now())
        with self.vault.db.transaction():
            plan_id = self.vault.db.insert(
                "INSERT INTO safety_plans (case_id, template_id, template_version, answers,"
                " author_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (case_id, template.id, template.version, dumps(cleaned),
                 self.vault.actor.user_id, now))
            self.vault.audit_event("safety_plan.save", "safety_plan", plan_id)
            index_record(self.vault, "safety_plan", plan_id, case_id, template, cleaned, now)
        return self.safety_plans(case_id)[-1]

    def safety_plan(self, plan_id: int) -> SafetyPlan:
        row = self.vault.db.one("SELECT case_id FROM safety_plans WHERE id = ?", (plan_id,))
        if row is None:
            raise NotFound("找不到该安全计划。", "The safety plan was not found.")
        return next(p for p in self.safety_plans(int(row["case_id"])) if p.id == plan_id)

    def safety_plans(self, case_id: int) -> list[SafetyPlan]:
        require_case(self.vault, case_id, "notes")
        return [SafetyPlan(r["id"], r["case_id"], r["template_id"], r["template_version"],
                           loads(r["answers"]), r["author_name"], r["created_at"])
                for r in self.vault.db.all(
                    "SELECT p.*, u.display_name AS author_name FROM safety_plans p JOIN users u"
                    " ON u.id = p.author_id WHERE p.case_id = ? ORDER BY p.id", (case_id,))]

    # -- follow-ups ------------------------------------------------------------------------
    def schedule_followup(self, case_id: int, due_at: datetime, reason: str = "routine",
                          planned_method: str | None = None) -> FollowUp:
        require_case(self.vault, case_id, "write")
        if planned_method is not None:
            vocab.check(vocab.FOLLOWUP_METHODS, planned_method, "回访方式", "Follow-up method")
        followup_id = self.vault.db.insert(
            "INSERT INTO followups (case_id, due_at, reason, planned_method, created_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (case_id, iso(due_at), reason, planned_method, self.vault.actor.user_id,
             iso(self.vault.now())))
        self.vault.audit_event("followup.schedule", "followup", followup_id)
        return self.followup(followup_id)

    def followup(self, followup_id: int) -> FollowUp:
        row = self.vault.db.one(FOLLOWUP_SQL + " WHERE f.id = ?", (followup_id,))
        if row is None:
            raise NotFound("找不到该回访。", "The follow-up was not found.")
        require_case(self.vault, row["case_id"], "header")
        return _followup(row)

    def complete_followup(self, followup_id: int, expected_version: int,
                          answers: dict[str, Any], done_at: datetime | None = None,
                          schedule_next: datetime | None = None) -> FollowUp:
        """Record the visit's result; optionally schedule the next one (or take the date the
        form gives in `next_followup_date`)."""
        current = self.followup(followup_id)
        require_case(self.vault, current.case_id, "write")
        if current.status != "due":
            raise InvalidInput("这次回访已经处理过了。", "This follow-up has already been handled.")
        template = self.templates.get(FOLLOWUP_TEMPLATE)
        cleaned = tpl.validate_answers(template, answers)
        when = iso(done_at or self.vault.now())
        with self.vault.db.transaction():
            cursor = self.vault.db.execute(
                "UPDATE followups SET status = 'done', done_at = ?, done_by = ?, template_id = ?,"
                " template_version = ?, answers = ?, version = version + 1 WHERE id = ? AND"
                " version = ?", (when, self.vault.actor.user_id, template.id, template.version,
                                 dumps(cleaned), followup_id, expected_version))
            if cursor.rowcount != 1:
                raise stale(self.vault, "followups", followup_id, "回访", "follow-up")
            next_date = schedule_next
            if next_date is None and cleaned.get("next_followup_date"):
                day = datetime.fromisoformat(str(cleaned["next_followup_date"]))
                next_date = day.replace(hour=9, tzinfo=self.vault.now().tzinfo)
            if next_date is not None:
                self.schedule_followup(current.case_id, next_date, current.reason,
                                       current.planned_method)
            self._meet_clocks(current.case_id, "warning_followup", when)
            platform_reports.contact_made(self.vault, current.case_id, when)
            platform_reports.on_event(self.vault, current.case_id, "followup")
            self.vault.audit_event("followup.complete", "followup", followup_id)
            index_record(self.vault, "followup", followup_id, current.case_id, template, cleaned,
                         when)
        return self.followup(followup_id)

    def followups(self, *, case_id: int | None = None, status: str | None = "due",
                  mine_only: bool = False) -> list[FollowUp]:
        """Follow-ups the actor may see, by due time."""
        require_case_role(self.vault)
        clause, params = visible_cases_clause(self.vault)
        where = [clause]
        if case_id is not None:
            where.append("f.case_id = ?")
            params.append(case_id)
        if status is not None:
            where.append("f.status = ?")
            params.append(status)
        if mine_only:
            where.append("c.counsellor_id = ?")
            params.append(self.vault.actor.user_id)
        return [_followup(r) for r in self.vault.db.all(
            FOLLOWUP_SQL + " WHERE " + " AND ".join(where) + " ORDER BY f.due_at", params)]

    # -- clocks --------------------------------------------------------------------------------
    def _start_clock(self, case_id: int, kind: str, started: datetime, due: datetime,
                     urgent: bool = False, details: dict[str, Any] | None = None) -> Clock:
        clock_id = self.vault.db.insert(
            "INSERT INTO clocks (case_id, kind, started_at, due_at, urgent, details, created_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, kind, iso(started), iso(due), int(urgent), dumps(details or {}),
             self.vault.actor.user_id, iso(self.vault.now())))
        self.vault.audit_event("clock.start", "clock", clock_id, kind)
        return self.clock(clock_id)

    def clock(self, clock_id: int) -> Clock:
        row = self.vault.db.one("SELECT * FROM clocks WHERE id = ?", (clock_id,))
        if row is None:
            raise NotFound("找不到该时限。", "The deadline was not found.")
        require_case(self.vault, row["case_id"], "header")
        return _clock(row)

    def clocks(self, case_id: int, open_only: bool = False) -> list[Clock]:
        require_case(self.vault, case_id, "header")
        sql = "SELECT * FROM clocks WHERE case_id = ?" + (" AND status = 'open'" if open_only
                                                          else "")
        return [_clock(r) for r in self.vault.db.all(sql + " ORDER BY due_at", (case_id,))]

    def _meet_clocks(self, case_id: int, kind: str, when: str,
                     details: dict[str, Any] | None = None) -> None:
        for row in self.vault.db.all("SELECT id, details FROM clocks WHERE case_id = ? AND"
                                     " kind = ? AND status = 'open'", (case_id, kind)):
            merged = {**(loads(row["details"]) or {}), **(details or {})}
            self.vault.db.execute("UPDATE clocks SET status = 'met', met_at = ?, details = ?"
                                  " WHERE id = ?", (when, dumps(merged), row["id"]))

    def protection_order_applied(self, case_id: int, applied_at: datetime, urgent: bool,
                                 court: str = "") -> Clock:
        """The studio applied for a protection order: the court decides within 72 h
        (24 h when urgent)."""
        require_case(self.vault, case_id, "write")
        due = applied_at + (PO_DECISION_URGENT if urgent else PO_DECISION)
        return self._start_clock(case_id, "po_application", applied_at, due, urgent,
                                 {"court": court.strip()})

    def protection_order_decided(self, case_id: int, decided_at: datetime, granted: bool,
                                 expires_on: datetime | None = None) -> Clock | None:
        """The court decided. A granted order starts its expiry clock (at most 6 months)."""
        require_case(self.vault, case_id, "write")
        with self.vault.db.transaction():
            self._meet_clocks(case_id, "po_application", iso(decided_at),
                              {"granted": granted})
            if not granted:
                self.vault.audit_event("protection_order.refused", "case", case_id)
                return None
            latest = decided_at + PO_MAX_DURATION
            expiry = expires_on or latest
            if expiry > latest:
                raise InvalidInput("人身安全保护令的有效期最长为六个月。",
                                   "A protection order lasts at most six months.")
            if expiry <= decided_at:
                raise InvalidInput("到期日必须晚于裁定日。",
                                   "The expiry must be after the decision.")
            return self._start_clock(case_id, "po_expiry", decided_at, expiry)

    def minor_at_risk(self, case_id: int, noted_at: datetime) -> Clock:
        """Harm to a minor is suspected: the report to police is due at once."""
        require_case(self.vault, case_id, "write")
        return self._start_clock(case_id, "minor_report", noted_at, noted_at, urgent=True)

    def minor_reported(self, case_id: int, reported_at: datetime, reporter: str,
                       police_reference: str) -> None:
        """Record who reported to police, when, and the police reference."""
        require_case(self.vault, case_id, "write")
        if not reporter.strip() or not police_reference.strip():
            raise InvalidInput("请填写报告人和公安机关的受理编号。",
                               "Please give who reported and the police reference.")
        with self.vault.db.transaction():
            if not self.vault.db.one("SELECT 1 FROM clocks WHERE case_id = ? AND kind ="
                                     " 'minor_report' AND status = 'open'", (case_id,)):
                self._start_clock(case_id, "minor_report", reported_at, reported_at, True)
            self._meet_clocks(case_id, "minor_report", iso(reported_at),
                              {"reporter": reporter.strip(),
                               "police_reference": police_reference.strip()})
            self.vault.audit_event("minor_report.recorded", "case", case_id)

    def warning_letter_issued(self, case_id: int, issued_at: datetime) -> Clock:
        """Police issued a warning letter (告诫书): a follow-up visit is due within 7 days."""
        require_case(self.vault, case_id, "write")
        with self.vault.db.transaction():
            clock = self._start_clock(case_id, "warning_followup", issued_at,
                                      issued_at + WARNING_FOLLOWUP)
            self.schedule_followup(case_id, issued_at + WARNING_FOLLOWUP, "warning_letter")
        return clock

    def start_implied_clocks(self, case_id: int, template: tpl.Template,
                             answers: dict[str, Any], signed_at: datetime) -> list[Clock]:
        """Start the clocks signed answers imply (see implied_clocks), each audited; one
        already running for the same start is not started twice."""
        started = []
        with self.vault.db.transaction():
            for start in implied_clocks(template, answers, signed_at):
                if self.vault.db.one(
                        "SELECT 1 FROM clocks WHERE case_id = ? AND kind = ? AND status = 'open'"
                        " AND (kind = 'minor_report' OR started_at = ?)",
                        (case_id, start.kind, iso(start.started_at))):
                    continue
                started.append(self._start_clock(case_id, start.kind, start.started_at,
                                                 start.due_at, start.urgent,
                                                 {"from": f"{template.id}"}))
                if start.kind == "warning_followup":
                    self.schedule_followup(case_id, start.due_at, "warning_letter")
        return started

    # -- what is due --------------------------------------------------------------------------
    def due_items(self, within: timedelta = DUE_SOON, mine_only: bool = True) -> list[DueItem]:
        """Overdue and due-soon follow-ups and clocks the actor may see, earliest first.
        `mine_only` keeps those of the actor's own cases (a supervisor sees all otherwise)."""
        require_case_role(self.vault)
        now = self.vault.now()
        horizon = iso(now + within)
        clause, params = visible_cases_clause(self.vault)
        extra = ""
        extra_params: list[Any] = []
        if mine_only and self.vault.actor.role == "counsellor":
            extra = " AND c.counsellor_id = ?"
            extra_params = [self.vault.actor.user_id]
        items: list[DueItem] = []
        base = ("FROM {table} x JOIN cases c ON c.id = x.case_id JOIN clients cl ON"
                " cl.id = c.client_id WHERE {status} AND x.due_at <= ? AND " + clause + extra)
        for r in self.vault.db.all(
                "SELECT x.id, x.case_id, x.due_at, 0 AS urgent, 'followup' AS kind, c.case_no,"
                " cl.name AS client_name, c.counsellor_id " +
                base.format(table="followups", status="x.status = 'due'"),
                [horizon, *params, *extra_params]):
            items.append(self._due(r, now))
        for r in self.vault.db.all(
                "SELECT x.id, x.case_id, x.due_at, x.urgent, x.kind, c.case_no,"
                " cl.name AS client_name, c.counsellor_id " +
                base.format(table="clocks", status="x.status = 'open'"),
                [horizon, *params, *extra_params]):
            items.append(self._due(r, now))
        return sorted(items, key=lambda i: (i.due_at, i.kind, i.item_id))

    @staticmethod
    def _due(r: Any, now: datetime) -> DueItem:
        due = parse_ts(r["due_at"])
        assert due is not None
        return DueItem(r["kind"], r["id"], r["case_id"], r["case_no"], r["client_name"],
                       r["counsellor_id"], r["due_at"], due < now, bool(r["urgent"]))
