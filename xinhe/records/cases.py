"""Cases (个案): opening, listing, the case header, status, assignment and closure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from xinhe.errors import AccessDenied, InvalidInput, NotFound
from xinhe.records import platform_reports, risk, vocab
from xinhe.records.access import (
    client_readable,
    require_case,
    require_case_role,
    visible_cases_clause,
)
from xinhe.records.clients import Client, load_client, require_existing_client
from xinhe.records.common import iso, next_number
from xinhe.records.search_index import index_case
from xinhe.records.storage.session import Session

TRANSITIONS = {
    "intake": ("active", "closed"),
    "active": ("followup", "closed"),
    "followup": ("active", "closed"),
    "closed": ("active",),
}


@dataclass(frozen=True)
class CaseRow:
    """A line of the case list: plain data, safe to hand to a table model."""

    id: int
    case_no: str
    client_name: str
    category: str
    source: str
    status: str
    risk_level: str | None
    counsellor_id: int
    counsellor_name: str
    community: str | None
    opened_at: str
    closed_at: str | None
    next_due: str | None
    overdue: bool


@dataclass(frozen=True)
class CaseHeader:
    id: int
    case_no: str
    client: Client
    category: str
    source: str
    platform_ref: str | None
    status: str
    closure_reason: str | None
    closure_note: str | None
    opened_at: str
    closed_at: str | None
    counsellor_id: int
    counsellor_name: str
    supervisor_id: int | None
    supervisor_name: str | None
    risk_level: str | None
    risk_overridden: bool
    summary: str | None
    shared_with: tuple[str, ...]
    can_read_notes: bool
    version: int


# Columns in CaseRow's order (the rows are built positionally: 10,000 of them must come
# back fast). "next_due" is the earliest open follow-up or legal clock.
LIST_COLUMNS = """
SELECT c.id, c.case_no, cl.name, c.category, c.source, c.status, c.risk_level,
       c.counsellor_id, u.display_name, cl.community, c.opened_at, c.closed_at"""
LIST_FROM = """
FROM cases c
JOIN clients cl ON cl.id = c.client_id
JOIN users u ON u.id = c.counsellor_id
"""
# A page: each case's next due date by two index look-ups.
NEXT_DUE_PER_CASE = """,
       (SELECT min(due) FROM (
            SELECT min(f.due_at) AS due FROM followups f
            WHERE f.case_id = c.id AND f.status = 'due'
            UNION ALL
            SELECT min(k.due_at) FROM clocks k WHERE k.case_id = c.id AND k.status = 'open')
        AS dues)"""
LIST_SQL = LIST_COLUMNS + NEXT_DUE_PER_CASE + LIST_FROM
# On the server staff may not read follow-ups or clocks: open_dues() gives just the dates of
# the cases the caller may list, in one grouped pass (a function call per case, each asking
# the row-security helpers again, cost ~0.15 ms a case: 1.7 s for 10,000).
SERVER_LIST_SQL = LIST_COLUMNS + ",\n       dues.due" + LIST_FROM + \
    "LEFT JOIN xinhe.open_dues() dues ON dues.case_id = c.id\n"
# The whole list: every case's next due date from one grouped pass over each table
# (per-case look-ups cost ~4 µs a case, 0.4 s at 100,000 cases).
OPEN_DUE_SQL = ("SELECT case_id, min(due_at) FROM followups WHERE status = 'due'"
                " GROUP BY case_id",
                "SELECT case_id, min(due_at) FROM clocks WHERE status = 'open'"
                " GROUP BY case_id")


class CaseService:
    def __init__(self, vault: Session) -> None:
        self.vault = vault

    # -- opening --------------------------------------------------------------------------
    def next_case_no(self, year: int) -> str:
        return f"XH-{year}-{next_number(self.vault, 'case', year):04d}"

    def open(self, *, client_id: int, category: str, source: str,
             platform_ref: str | None = None, summary: str | None = None,
             counsellor_id: int | None = None, opened_at: datetime | None = None) -> CaseHeader:
        """Open a case for a client; the case number is assigned here. A counsellor opens
        cases for themselves; a supervisor may assign another counsellor. A counsellor
        opens a case only for a client they may read (not another counsellor's client)."""
        self.vault.require_role("counsellor", "supervisor")
        vocab.check(vocab.CATEGORIES, category, "个案类别", "Case category")
        vocab.check(vocab.SOURCES, source, "个案来源", "Case source")
        require_existing_client(self.vault, client_id)
        if not client_readable(self.vault, client_id):
            self.vault.audit_event("case.open", "client", client_id, "refused")
            raise AccessDenied("这位当事人已由其他咨询师负责，请联系负责的咨询师协调，"
                               "或请督导共享个案。",
                               "This client is in another counsellor's care. Contact the "
                               "responsible counsellor, or ask a supervisor to share the case.")
        if counsellor_id is None or self.vault.actor.role == "counsellor":
            counsellor_id = self.vault.actor.user_id
        self._require_counsellor(counsellor_id)
        when = opened_at or self.vault.now()
        now = iso(self.vault.now())
        with self.vault.db.transaction():
            case_no = self.next_case_no(when.year)
            case_id = self.vault.db.insert(
                "INSERT INTO cases (case_no, client_id, category, source, platform_ref, summary,"
                " opened_at, counsellor_id, created_by, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (case_no, client_id, category, source, (platform_ref or "").strip() or None,
                 (summary or "").strip() or None, iso(when), counsellor_id,
                 self.vault.actor.user_id, now, now))
            self.vault.audit_event("case.open", "case", case_no)
            index_case(self.vault, case_id)
        return self.header(case_id)

    def _require_counsellor(self, user_id: int) -> None:
        row = self.vault.db.one("SELECT role, active FROM users WHERE id = ? AND removed_at IS"
                                " NULL", (user_id,))
        if row is None or not row["active"] or row["role"] not in ("counsellor", "supervisor"):
            raise InvalidInput("只能把个案分配给在用的咨询师或督导。",
                               "A case can only be assigned to an active counsellor or "
                               "supervisor.")

    # -- reading ----------------------------------------------------------------------------
    def find(self, *, risk: str | None = None, status: str | None = None,
             category: str | None = None, counsellor_id: int | None = None,
             overdue_only: bool = False, include_closed: bool = True,
             limit: int | None = None) -> list[CaseRow]:
        """The cases the actor may see, newest first, with their next due date."""
        require_case_role(self.vault)
        clause, params = visible_cases_clause(self.vault)
        where = [clause]
        for column, value in (("c.risk_level", risk), ("c.status", status),
                              ("c.category", category), ("c.counsellor_id", counsellor_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if not include_closed and status is None:
            where.append("c.status != 'closed'")
        order = " WHERE " + " AND ".join(where) + " ORDER BY c.opened_at DESC, c.id DESC"
        now = iso(self.vault.now())
        rows = []
        # The grouped pass pays off only when (nearly) every case is listed; the server
        # gives the dates through open_dues() (staff may not read the tables).
        server = self.vault.db.dialect != "sqlite"
        if server or limit is not None or clause != "1" or len(where) > 1:
            sql = (SERVER_LIST_SQL if server else LIST_SQL) + order + \
                ("" if limit is None else f" LIMIT {int(limit)}")
            cursor = self.vault.db.execute(sql, params)
            listed = ((r, r[12]) for r in cursor)
        else:
            due = self._open_due()
            cursor = self.vault.db.execute(LIST_COLUMNS + LIST_FROM + order, params)
            listed = ((r, due.get(r[0])) for r in cursor)
        for r, next_due in listed:
            status = r[5]
            overdue = next_due is not None and next_due < now and status != "closed"
            if overdue_only and not overdue:
                continue
            rows.append(CaseRow(r[0], r[1], r[2], r[3], r[4], status, r[6], r[7], r[8], r[9],
                                r[10], r[11], next_due, overdue))
        return rows

    def _open_due(self) -> dict[int, str]:
        """Every case's earliest open follow-up or clock, by case id."""
        due: dict[int, str] = {}
        for sql in OPEN_DUE_SQL:
            for case_id, when in self.vault.db.execute(sql):
                if case_id not in due or when < due[case_id]:
                    due[case_id] = when
        return due

    def find_by_number(self, case_no: str) -> int:
        row = self.vault.db.one("SELECT id FROM cases WHERE case_no = ?", (case_no.strip(),))
        if row is None:
            raise NotFound(f"没有编号为 {case_no} 的个案。", f"There is no case {case_no}.")
        return int(row["id"])

    def view(self, case_id: int) -> CaseHeader:
        """The header for someone opening the case to work on or read it. Every open, by
        every role and by the responsible counsellor too, leaves one `case.read` entry
        ("open:notes", or "open:header" for a header-only reader). Refreshes of a case
        already open call `header`, which leaves none."""
        header = self.header(case_id)
        self.vault.audit_event("case.read", "case", header.case_no,
                               "open:notes" if header.can_read_notes else "open:header")
        return header

    def header(self, case_id: int) -> CaseHeader:
        """The case header (client, status, people, risk) for anyone who may list it."""
        row = require_case(self.vault, case_id, "header")
        client = load_client(self.vault, row["client_id"])
        names = {r["id"]: r["display_name"] for r in self.vault.db.all(
            "SELECT id, display_name FROM users")}
        shared = tuple(names[r["user_id"]] for r in self.vault.db.all(
            "SELECT user_id FROM case_shares WHERE case_id = ? ORDER BY shared_at", (case_id,)))
        # Past the header check, only staff lack notes access (a probe would audit a refusal).
        can_read = self.vault.actor.role != "staff"
        return CaseHeader(
            row["id"], row["case_no"], client, row["category"], row["source"],
            row["platform_ref"], row["status"], row["closure_reason"], row["closure_note"],
            row["opened_at"], row["closed_at"], row["counsellor_id"],
            names[row["counsellor_id"]], row["supervisor_id"],
            names.get(row["supervisor_id"]) if row["supervisor_id"] else None,
            row["risk_level"], row["risk_override"] is not None, row["summary"], shared,
            can_read, row["version"])

    # -- changing -------------------------------------------------------------------------
    def set_status(self, case_id: int, status: str) -> CaseHeader:
        """Move a case along intake → active → follow-up. Closing has its own call."""
        row = require_case(self.vault, case_id, "write")
        vocab.check(vocab.STATUSES, status, "个案状态", "Case status")
        if status == "closed":
            raise InvalidInput("结案请使用“结案”操作并写明原因。",
                               "Use 'Close case' and give a reason to close a case.")
        if status not in TRANSITIONS[row["status"]]:
            raise InvalidInput(
                f"个案不能从“{vocab.label(vocab.STATUSES, row['status'], 'zh_CN')}”"
                f"直接变为“{vocab.label(vocab.STATUSES, status, 'zh_CN')}”。",
                f"A case cannot go from '{vocab.label(vocab.STATUSES, row['status'], 'en')}' "
                f"to '{vocab.label(vocab.STATUSES, status, 'en')}'.")
        if row["status"] == "closed":
            self.vault.require_role("supervisor")
        self.vault.db.execute("UPDATE cases SET status = ?, closed_at = NULL, updated_at = ?,"
                              " version = version + 1 WHERE id = ?",
                              (status, iso(self.vault.now()), case_id))
        self.vault.audit_event("case.status", "case", row["case_no"], status)
        return self.header(case_id)

    def activate_if_new(self, case_id: int) -> None:
        """The first session moves a case from intake to active."""
        self.vault.db.execute("UPDATE cases SET status = 'active', updated_at = ?,"
                              " version = version + 1 WHERE id = ? AND status = 'intake'",
                              (iso(self.vault.now()), case_id))

    def close(self, case_id: int, reason: str, note: str = "",
              closed_at: datetime | None = None) -> CaseHeader:
        """Supervisor: close a case with a reason. Open follow-ups are cancelled."""
        self.vault.require_role("supervisor")
        row = require_case(self.vault, case_id, "supervise")
        vocab.check(vocab.CLOSURE_REASONS, reason, "结案原因", "Closure reason")
        if row["status"] == "closed":
            raise InvalidInput("该个案已经结案。", "The case is already closed.")
        when = iso(closed_at or self.vault.now())
        with self.vault.db.transaction():
            self.vault.db.execute(
                "UPDATE cases SET status = 'closed', closure_reason = ?, closure_note = ?,"
                " closed_at = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                (reason, note.strip() or None, when, iso(self.vault.now()), case_id))
            self.vault.db.execute("UPDATE followups SET status = 'cancelled' WHERE case_id = ?"
                                  " AND status = 'due'", (case_id,))
            self.vault.db.execute(
                "UPDATE reviews SET status = 'done', reviewer_id = ?, decided_at = ? WHERE"
                " case_id = ? AND kind = 'closure' AND status = 'open'",
                (self.vault.actor.user_id, iso(self.vault.now()), case_id))
            self.vault.audit_event("case.close", "case", row["case_no"], reason)
            platform_reports.on_event(self.vault, case_id, "closed")
        return self.header(case_id)

    def request_closure(self, case_id: int, note: str) -> None:
        """Counsellor: ask a supervisor to close the case (it lands in the review queue)."""
        row = require_case(self.vault, case_id, "write")
        from xinhe.records.reviews import ReviewService

        ReviewService(self.vault).request(case_id, "closure", "case", case_id, note,
                                          hours=72)
        self.vault.audit_event("case.closure_requested", "case", row["case_no"])

    def reassign(self, case_id: int, counsellor_id: int, reason: str = "") -> CaseHeader:
        """Supervisor: give the case to another counsellor."""
        self.vault.require_role("supervisor")
        row = require_case(self.vault, case_id, "supervise")
        self._require_counsellor(counsellor_id)
        self.vault.db.execute("UPDATE cases SET counsellor_id = ?, updated_at = ?,"
                              " version = version + 1 WHERE id = ?",
                              (counsellor_id, iso(self.vault.now()), case_id))
        self.vault.audit_event("case.reassign", "case", row["case_no"], f"to user {counsellor_id}")
        return self.header(case_id)

    def set_supervisor(self, case_id: int, supervisor_id: int | None) -> CaseHeader:
        self.vault.require_role("supervisor")
        row = require_case(self.vault, case_id, "supervise")
        if supervisor_id is not None:
            user = self.vault.db.one("SELECT role, active FROM users WHERE id = ? AND"
                                     " removed_at IS NULL", (supervisor_id,))
            if user is None or not user["active"] or user["role"] != "supervisor":
                raise InvalidInput("负责督导只能是在用的督导账户。",
                                   "The responsible supervisor must be an active supervisor "
                                   "account.")
        self.vault.db.execute("UPDATE cases SET supervisor_id = ?, updated_at = ?,"
                              " version = version + 1 WHERE id = ?",
                              (supervisor_id, iso(self.vault.now()), case_id))
        self.vault.audit_event("case.supervisor", "case", row["case_no"],
                               f"to user {supervisor_id}" if supervisor_id else "none")
        return self.header(case_id)

    def share(self, case_id: int, user_id: int) -> CaseHeader:
        """Supervisor or the case's counsellor: let another counsellor work on the case."""
        row = require_case(self.vault, case_id, "write")
        if self.vault.actor.role != "supervisor" and \
                row["counsellor_id"] != self.vault.actor.user_id:
            raise AccessDenied("只有个案的咨询师或督导可以共享个案。",
                               "Only the case's counsellor or a supervisor can share it.")
        self._require_counsellor(user_id)
        self.vault.db.execute("INSERT INTO case_shares (case_id, user_id, shared_by,"
                              " shared_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                              (case_id, user_id, self.vault.actor.user_id,
                               iso(self.vault.now())))
        self.vault.audit_event("case.share", "case", row["case_no"], f"with user {user_id}")
        return self.header(case_id)

    def override_risk(self, case_id: int, level: str | None, reason: str) -> CaseHeader:
        """Counsellor or supervisor: set the risk level by professional judgement."""
        require_case(self.vault, case_id, "write")
        with self.vault.db.transaction():
            risk.override(self.vault, case_id, level, reason)
        return self.header(case_id)

    def risk_history(self, case_id: int) -> list[risk.RiskChange]:
        require_case(self.vault, case_id, "header")
        return risk.history(self.vault, case_id)
