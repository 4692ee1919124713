"""Handling reports back to the district platform: accepted, first contact, result,
referral, follow-up visit, closed.

A report is queued here with its facts (structured codes, dates and the responsible
person; see platform_contract), by hand (`report`) or automatically on the events the
studio chose (`on_event`, called by the services where the event happens). The export
layer signs a queued report into a PDF (xinhe/export/platform_report.py) and delivers it
to the outbox; until then it waits in the vault, and one the outbox could not take stays
"signed" with the reason and is sent again later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from xinhe.errors import InvalidInput, NotFound
from xinhe.records.access import require_case
from xinhe.records.common import dumps, iso, loads, next_number, parse_ts
from xinhe.records.packet_contract import AuditHead
from xinhe.records.platform_contract import (
    EVENTS,
    RESULTS,
    PlatformReportPacket,
)
from xinhe.records.storage.session import Session

AUTO_SETTING = "platform.auto_report"
#: Events a studio may have reported automatically ("result" needs a person's judgement).
AUTO_EVENTS = ("accepted", "first_contact", "referral", "followup", "closed")
ONCE = ("accepted", "first_contact")
FIRST_CONTACT = "first_contact"
REPORT_ROLES = ("counsellor", "supervisor", "staff")


@dataclass(frozen=True)
class PlatformReport:
    id: int
    case_id: int
    case_no: str
    platform_ref: str
    report_no: str
    event: str
    facts: dict[str, Any]
    automatic: bool
    status: str  # queued → signed → delivered
    status_note: str | None
    created_at: str
    created_by: str
    signed_at: str | None
    file_sha256: str | None
    delivered_at: str | None
    delivered_to: str | None


SELECT = ("SELECT r.*, c.case_no, c.platform_ref, u.display_name AS who FROM platform_reports r"
          " JOIN cases c ON c.id = r.case_id JOIN users u ON u.id = r.created_by")


def _report(r: Any) -> PlatformReport:
    return PlatformReport(r["id"], r["case_id"], r["case_no"], r["platform_ref"],
                          r["report_no"], r["event"], loads(r["facts"]) or {},
                          bool(r["automatic"]), r["status"], r["status_note"], r["created_at"],
                          r["who"], r["signed_at"], r["file_sha256"], r["delivered_at"],
                          r["delivered_to"])


# -- the studio's choice of automatic reports -------------------------------------------------
def auto_events(vault: Session) -> tuple[str, ...]:
    """The events reported automatically (default: all of AUTO_EVENTS)."""
    value = vault.setting(AUTO_SETTING)
    if value is None:
        return AUTO_EVENTS
    return tuple(e for e in value.split(",") if e in AUTO_EVENTS)


def set_auto_events(vault: Session, events: list[str]) -> tuple[str, ...]:
    """Admin or supervisor: which events are reported automatically. Audited."""
    vault.require_role("admin", "supervisor")
    unknown = sorted(set(events) - set(AUTO_EVENTS))
    if unknown:
        choices = ", ".join(AUTO_EVENTS)
        raise InvalidInput(f"不能自动上报的事件：{', '.join(unknown)}（可选：{choices}）",
                           f"Events that cannot be reported automatically: "
                           f"{', '.join(unknown)} (choices: {choices})")
    chosen = tuple(e for e in AUTO_EVENTS if e in events)
    vault.set_setting(AUTO_SETTING, ",".join(chosen))
    vault.audit_event("platform.auto_report.set", "setting", AUTO_SETTING, ",".join(chosen))
    return chosen


# -- the facts of each event --------------------------------------------------------------
def _missing(zh: str, en: str) -> InvalidInput:
    return InvalidInput(f"无法上报：{zh}", f"Nothing to report: {en}")


def first_contact_at(vault: Session, case_id: int) -> tuple[str, str] | None:
    """The first session, crisis intervention or completed follow-up: (time, kind)."""
    row = vault.db.one(
        "SELECT at, kind FROM (SELECT min(started_at) AS at, 'session' AS kind FROM sessions"
        " WHERE case_id = ? UNION ALL SELECT min(occurred_at), 'crisis' FROM"
        " crisis_interventions WHERE case_id = ? UNION ALL SELECT min(done_at), 'followup'"
        " FROM followups WHERE case_id = ? AND status = 'done') AS contact WHERE at IS NOT NULL"
        " ORDER BY at LIMIT 1", (case_id, case_id, case_id))
    return (str(row["at"]), str(row["kind"])) if row else None


def _visit_result(answers: dict[str, Any]) -> str:
    if answers.get("reached") is False:
        return "not_reached"
    return "violence_again" if answers.get("violence_since") is True else "stable"


def facts(vault: Session, case: Any, event: str, result: str | None = None) -> dict[str, Any]:
    """What a report of `event` says about the case: codes, dates, the responsible person."""
    case_id = int(case["id"])
    if event == "accepted":
        who = vault.db.scalar("SELECT display_name FROM users WHERE id = ?",
                              (case["counsellor_id"],))
        accepted = vault.db.scalar("SELECT accepted_at FROM platform_dispatches WHERE"
                                   " case_id = ?", (case_id,))
        return {"responsible": str(who), "accepted_at": str(accepted or case["opened_at"]),
                "platform_grade": case["platform_grade"]}
    if event == "first_contact":
        found = first_contact_at(vault, case_id)
        if found is None:
            raise _missing("尚未记录任何联系（咨询、危机干预或回访）。",
                           "no contact (session, crisis intervention or follow-up) is "
                           "recorded yet.")
        due = vault.db.scalar("SELECT due_at FROM clocks WHERE case_id = ? AND kind = ?"
                              " ORDER BY id LIMIT 1", (case_id, FIRST_CONTACT))
        on_time = None if due is None else found[0] <= str(due)
        return {"contact_at": found[0], "contact_kind": found[1], "on_time": on_time}
    if event == "result":
        if result not in RESULTS:
            raise InvalidInput(f"请选择处置结果（{', '.join(RESULTS)}）。",
                               f"Choose the handling result ({', '.join(RESULTS)}).")
        return {"result": result, "studio_level": case["risk_level"],
                "platform_grade": case["platform_grade"]}
    if event == "referral":
        row = vault.db.one("SELECT agency, signed_at FROM referrals WHERE case_id = ? AND"
                           " signed_at IS NOT NULL ORDER BY signed_at DESC, id DESC LIMIT 1",
                           (case_id,))
        if row is None:
            raise _missing("该个案还没有已签发的转介。", "the case has no signed referral yet.")
        return {"agency": row["agency"], "referred_at": row["signed_at"]}
    if event == "followup":
        row = vault.db.one("SELECT done_at, answers FROM followups WHERE case_id = ? AND"
                           " status = 'done' ORDER BY done_at DESC, id DESC LIMIT 1", (case_id,))
        if row is None:
            raise _missing("该个案还没有完成的回访。", "the case has no follow-up visit done yet.")
        moment = parse_ts(row["done_at"])
        assert moment is not None
        return {"visit_date": moment.astimezone().date().isoformat(),
                "visit_result": _visit_result(loads(row["answers"]) or {})}
    if event == "closed":
        if case["status"] != "closed":
            raise _missing("该个案尚未结案。", "the case is not closed.")
        return {"reason": case["closure_reason"], "closed_at": case["closed_at"]}
    raise InvalidInput(f"未知的上报事件“{event}”（可选：{', '.join(EVENTS)}）。",
                       f"Unknown report event '{event}' (choices: {', '.join(EVENTS)}).")


# -- queueing -------------------------------------------------------------------------------
def report(vault: Session, case_id: int, event: str, *, result: str | None = None,
           automatic: bool = False) -> PlatformReport:
    """Queue a handling report for a dispatched case (the case's counsellor, a supervisor
    or staff). Raises InvalidInput when the case did not come from the platform or the
    event has nothing to report yet."""
    vault.require_role(*REPORT_ROLES)
    case = require_case(vault, case_id, "header")
    if not case["platform_ref"]:
        raise InvalidInput(f"个案 {case['case_no']} 不是平台分拨的个案，无需向平台上报。",
                           f"Case {case['case_no']} was not dispatched by the platform; "
                           "there is nothing to report to it.")
    values = facts(vault, case, event, result)
    now = vault.now()
    with vault.db.transaction():
        report_no = f"PR-{now.year}-{next_number(vault, 'platform_report', now.year):04d}"
        report_id = vault.db.insert(
            "INSERT INTO platform_reports (case_id, report_no, event, facts, automatic,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (case_id, report_no, event, dumps(values), int(automatic), vault.actor.user_id,
             iso(now)))
        vault.audit_event("platform.report.queue", "platform_report", report_no,
                          f"{event}:{'auto' if automatic else 'manual'}")
    return get(vault, report_id)


def on_event(vault: Session, case_id: int, event: str) -> PlatformReport | None:
    """Queue the automatic report of `event` if the case was accepted from a received
    dispatch and the studio reports that event automatically; quietly nothing otherwise.
    Cases given a platform reference by hand (or imported) never report by themselves:
    the platform did not dispatch them through this inbox."""
    if vault.db.one("SELECT 1 FROM platform_dispatches WHERE case_id = ?", (case_id,)) is None \
            or event not in auto_events(vault):
        return None
    if event in ONCE and vault.db.one("SELECT 1 FROM platform_reports WHERE case_id = ? AND"
                                      " event = ?", (case_id, event)):
        return None
    try:
        return report(vault, case_id, event, automatic=True)
    except InvalidInput:
        return None  # nothing to report yet (say, a follow-up not done)


def contact_made(vault: Session, case_id: int, when: datetime | str) -> None:
    """A session, crisis intervention or follow-up was recorded: the first-contact clock
    is met (and reported, if the studio reports it automatically)."""
    open_clocks = vault.db.all("SELECT id FROM clocks WHERE case_id = ? AND kind = ? AND"
                               " status = 'open'", (case_id, FIRST_CONTACT))
    if not open_clocks:
        return
    met = when if isinstance(when, str) else iso(when)
    for clock in open_clocks:
        vault.db.execute("UPDATE clocks SET status = 'met', met_at = ? WHERE id = ?",
                         (met, clock["id"]))
        vault.audit_event("clock.met", "clock", clock["id"], FIRST_CONTACT)
    on_event(vault, case_id, "first_contact")


# -- reading and delivery status ------------------------------------------------------------
def get(vault: Session, report_id: int) -> PlatformReport:
    row = vault.db.one(SELECT + " WHERE r.id = ?", (report_id,))
    if row is None:
        raise NotFound("找不到该平台上报。", "The platform report was not found.")
    require_case(vault, row["case_id"], "header")
    return _report(row)


def for_case(vault: Session, case_id: int) -> list[PlatformReport]:
    """The case's reports to the platform, oldest first, with their delivery status."""
    require_case(vault, case_id, "header")
    return [_report(r) for r in vault.db.all(SELECT + " WHERE r.case_id = ? ORDER BY r.id",
                                             (case_id,))]


def unsent(vault: Session) -> list[PlatformReport]:
    """Reports not yet delivered (queued, or signed while the outbox was unreachable) on
    cases the actor may see."""
    vault.require_role(*REPORT_ROLES)
    from xinhe.records.access import visible_cases_clause

    clause, params = visible_cases_clause(vault)
    return [_report(r) for r in vault.db.all(
        SELECT + " WHERE r.status IN ('queued', 'signed') AND " + clause + " ORDER BY r.id",
        params)]


def packet(vault: Session, report_id: int) -> PlatformReportPacket:
    """The packet to sign now: the facts as queued, the signer, the audit head."""
    found = get(vault, report_id)
    seq, head = vault.audit.head()
    return PlatformReportPacket(vault.org_name, found.report_no, found.platform_ref,
                                found.case_no, found.event, vault.now().astimezone(),
                                vault.actor.display_name, AuditHead(seq, head), found.facts)


def mark_signed(vault: Session, report_id: int, pdf: bytes, sha256: str) -> PlatformReport:
    found = get(vault, report_id)
    cursor = vault.db.execute(
        "UPDATE platform_reports SET status = 'signed', signed_by = ?, signed_at = ?, pdf = ?,"
        " file_sha256 = ?, status_note = NULL WHERE id = ? AND status = 'queued'",
        (vault.actor.user_id, iso(vault.now()), pdf, sha256, report_id))
    if cursor.rowcount != 1:
        raise InvalidInput("该上报已经签名。", "This report is already signed.")
    vault.audit_event("platform.report.sign", "platform_report", found.report_no, sha256[:16])
    return get(vault, report_id)


def signed_pdf(vault: Session, report_id: int) -> bytes:
    get(vault, report_id)
    data = vault.db.scalar("SELECT pdf FROM platform_reports WHERE id = ?", (report_id,))
    if data is None:
        raise InvalidInput("该上报还没有签名。", "This report is not signed yet.")
    return bytes(data)


def mark_delivered(vault: Session, report_id: int, destination: str) -> PlatformReport:
    found = get(vault, report_id)
    vault.db.execute("UPDATE platform_reports SET status = 'delivered', delivered_at = ?,"
                     " delivered_to = ?, status_note = NULL WHERE id = ?",
                     (iso(vault.now()), destination, report_id))
    vault.audit_event("platform.report.deliver", "platform_report", found.report_no)
    return get(vault, report_id)


def mark_delivery_failed(vault: Session, report_id: int, note: str) -> PlatformReport:
    found = get(vault, report_id)
    vault.db.execute("UPDATE platform_reports SET status_note = ? WHERE id = ?",
                     (note, report_id))
    vault.audit_event("platform.report.deliver", "platform_report", found.report_no, "failed")
    return get(vault, report_id)
