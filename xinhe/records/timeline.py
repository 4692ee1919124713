"""A case's timeline: everything that happened in it, newest first, as plain rows."""

from __future__ import annotations

from dataclasses import dataclass

from xinhe.records.access import require_case
from xinhe.records.storage.session import Session


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # session, assessment, crisis, safety_plan, referral, followup, attachment,
    #            consent, platform_report (status queued/signed/delivered, detail the event),
    #            imported
    record_id: int
    at: str
    author: str
    template_id: str | None
    status: str  # draft, signed, cosign_pending, cosigned, due, done, … (kind-specific)
    level: str | None = None
    detail: str = ""  # a code: modality, crisis kind, agency, attachment kind …
    addenda: int = 0
    author_id: int | None = None  # who may continue a draft (only its author)


def timeline(vault: Session, case_id: int) -> list[TimelineEntry]:
    """What the actor may see of the case: staff see referrals, the consents they rest on,
    and follow-up dates only."""
    row = require_case(vault, case_id, "header")
    del row
    from xinhe.errors import AccessDenied

    try:
        require_case(vault, case_id, "notes")
        notes = True
    except AccessDenied:
        notes = False
    db = vault.db
    name = "(SELECT display_name FROM users WHERE id = {})"
    addenda = {(r["parent_type"], r["parent_id"]): r["n"] for r in db.all(
        "SELECT parent_type, parent_id, count(*) AS n FROM addenda WHERE case_id = ?"
        " GROUP BY parent_type, parent_id", (case_id,))} if notes else {}
    entries: list[TimelineEntry] = []
    if notes:
        for r in db.all(f"SELECT s.*, {name.format('s.author_id')} AS who FROM sessions s"
                        " WHERE case_id = ?", (case_id,)):
            status = "draft" if r["signed_at"] is None else (
                "cosigned" if r["cosigned_at"] else
                "cosign_pending" if r["cosign_required"] else "signed")
            entries.append(TimelineEntry("session", r["id"], r["started_at"], r["who"],
                                         r["template_id"], status, None, r["modality"],
                                         addenda.get(("session", r["id"]), 0),
                                         r["author_id"]))
        for r in db.all(f"SELECT a.*, {name.format('a.author_id')} AS who FROM assessments a"
                        " WHERE case_id = ?", (case_id,)):
            entries.append(TimelineEntry("assessment", r["id"], r["assessed_at"], r["who"],
                                         r["template_id"], "signed", r["level"], "",
                                         addenda.get(("assessment", r["id"]), 0)))
        for r in db.all(f"SELECT k.*, {name.format('k.author_id')} AS who FROM"
                        " crisis_interventions k WHERE case_id = ?", (case_id,)):
            status = "cosigned" if r["cosigned_at"] else (
                "cosign_pending" if r["cosign_required"] else "signed")
            entries.append(TimelineEntry("crisis", r["id"], r["occurred_at"], r["who"],
                                         r["template_id"], status, None,
                                         r["kind"] + (":on_site" if r["on_site"] else ""),
                                         addenda.get(("crisis", r["id"]), 0)))
        for r in db.all(f"SELECT p.*, {name.format('p.author_id')} AS who FROM safety_plans p"
                        " WHERE case_id = ?", (case_id,)):
            entries.append(TimelineEntry("safety_plan", r["id"], r["created_at"], r["who"],
                                         r["template_id"], "signed"))
        for r in db.all(f"SELECT a.id, a.kind, a.added_at, {name.format('a.added_by')} AS who"
                        " FROM attachments a WHERE case_id = ?", (case_id,)):
            entries.append(TimelineEntry("attachment", r["id"], r["added_at"], r["who"], None,
                                         "added", None, r["kind"]))
        # A case imported from a register (register_import.py): where it came from, at its
        # opening; its detail holds the imported summary note.
        for r in db.all(f"SELECT c.opened_at, c.import_row, c.import_source,"
                        f" {name.format('c.created_by')} AS who FROM cases c"
                        " WHERE c.id = ? AND c.import_source IS NOT NULL", (case_id,)):
            entries.append(TimelineEntry("imported", case_id, r["opened_at"], r["who"], None,
                                         "imported", None,
                                         f"{r['import_row']}:{r['import_source']}"))
    for r in db.all(f"SELECT r.*, {name.format('r.created_by')} AS who FROM referrals r"
                    " WHERE case_id = ?", (case_id,)):
        entries.append(TimelineEntry("referral", r["id"], r["created_at"], r["who"], None,
                                     r["status"], None, r["agency"]))
    followups = f"SELECT f.*, {name.format('f.created_by')} AS who FROM followups f" \
        " WHERE case_id = ?"
    if not notes and db.dialect == "postgres":  # the server shows staff only the dates
        followups = "SELECT * FROM xinhe.followup_dates(?)"
    for r in db.all(followups, (case_id,)):
        entries.append(TimelineEntry("followup", r["id"], r["done_at"] or r["due_at"],
                                     r["who"], r["template_id"], r["status"], None,
                                     r["reason"]))
    for r in db.all(f"SELECT k.*, {name.format('k.recorded_by')} AS who FROM consents k"
                    " WHERE case_id = ?", (case_id,)):
        entries.append(TimelineEntry("consent", r["id"], r["given_at"], r["who"], None,
                                     "withdrawn" if r["withdrawn_at"] else "in_force", None,
                                     f"{r['purpose']}:{r['recipient']}:"
                                     f"{'basis' if r['legal_basis'] else 'consent'}"))
    for r in db.all(f"SELECT p.id, p.event, p.status, p.created_at, {name.format('p.created_by')}"
                    " AS who FROM platform_reports p WHERE case_id = ?", (case_id,)):
        entries.append(TimelineEntry("platform_report", r["id"], r["created_at"], r["who"],
                                     None, r["status"], None, r["event"]))
    return sorted(entries, key=lambda e: (e.at, e.kind, e.record_id), reverse=True)
