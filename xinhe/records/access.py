"""Who may see and do what with a case. Enforced here, in the records layer; the UI only
hides what a role cannot use.

- counsellor: cases assigned to or shared with them — everything in them;
- supervisor: every case — everything, plus review, reassignment, risk changes, closure;
- staff: every case's header and its referrals (content goes out only with consent) —
  never session notes, assessments, crisis records or safety plans;
- admin: no case content at all.
"""

from __future__ import annotations

from typing import Any

from xinhe.errors import AccessDenied, NotFound
from xinhe.records.storage.session import Session

CASE_ROLES = ("counsellor", "supervisor", "staff")


def visible_cases_clause(vault: Session, alias: str = "c") -> tuple[str, list[Any]]:
    """An SQL condition on the cases table (as `alias`) selecting what the actor may list."""
    actor = vault.actor
    if actor.role in ("supervisor", "staff"):
        return "1 = 1", []
    if actor.role == "counsellor":
        return (f"({alias}.counsellor_id = ? OR EXISTS (SELECT 1 FROM case_shares s "
                f"WHERE s.case_id = {alias}.id AND s.user_id = ?))",
                [actor.user_id, actor.user_id])
    return "1 = 0", []


def _refuse(vault: Session, case_no: str, need: str) -> AccessDenied:
    vault.audit_event("case.access", "case", case_no, f"refused:{need}")
    if vault.actor.role == "counsellor":
        return AccessDenied("这是其他咨询师的个案，您没有查看权限。如需参与，请联系督导共享给您。",
                            "This case belongs to another counsellor, so you cannot open it. "
                            "Ask a supervisor to share it with you if you need to work on it.")
    if vault.actor.role == "staff" and need == "notes":
        return AccessDenied("工作人员不能查看咨询记录、评估和危机干预内容。",
                            "Staff cannot read session notes, assessments or crisis records.")
    if vault.actor.role == "admin":
        return AccessDenied("管理员账户不能查看个案内容。",
                            "Administrator accounts cannot see case content.")
    return AccessDenied()


def case_row(vault: Session, case_id: int) -> Any:
    on_server = vault.db.dialect == "postgres"
    row = None
    if not (on_server and vault.actor.role == "admin"):  # the server grants admins no cases
        row = vault.db.one("SELECT * FROM cases WHERE id = ?", (case_id,))
    if row is None and on_server:
        # Hidden by row security: just its number, for the refusal and its audit entry.
        number = vault.db.scalar("SELECT xinhe.case_number(?)", (case_id,))
        if number is not None:
            return {"id": case_id, "case_no": number, "counsellor_id": None}
    if row is None:
        raise NotFound("找不到该个案。", "The case was not found.")
    return row


def is_own_or_shared(vault: Session, row: Any) -> bool:
    if row["counsellor_id"] == vault.actor.user_id:
        return True
    return vault.db.one("SELECT 1 FROM case_shares WHERE case_id = ? AND user_id = ?",
                        (row["id"], vault.actor.user_id)) is not None


def require_case(vault: Session, case_id: int, need: str = "header",
                 audit_read: bool = False) -> Any:
    """The case row if the actor may do `need` with it:
    "header" (see it listed), "notes" (read its records), "write" (add records to it),
    "supervise" (review, reassign, change risk, close). Raises AccessDenied otherwise.
    With `audit_read`, a read by anyone but the case's counsellor is audited."""
    row = case_row(vault, case_id)
    role = vault.actor.role
    if role == "admin":
        raise _refuse(vault, row["case_no"], need)
    allowed = {
        "supervisor": True,
        "counsellor": need in ("header", "notes", "write") and is_own_or_shared(vault, row),
        "staff": need == "header",
    }[role]
    if not allowed:
        raise _refuse(vault, row["case_no"], need)
    if audit_read and row["counsellor_id"] != vault.actor.user_id:
        vault.audit_event("case.read", "case", row["case_no"], need)
    return row


def require_case_role(vault: Session) -> None:
    if vault.actor.role not in CASE_ROLES:
        raise AccessDenied("管理员账户不能查看个案内容。",
                           "Administrator accounts cannot see case content.")


def client_readable(vault: Session, client_id: int) -> bool:
    """Whether the actor may see a client's full details by need: supervisors always; a
    counsellor when one of the client's cases is theirs or shared with them, or, for a
    client with no case yet, when they created the client. Staff and admin never (staff
    see a client only through a case header)."""
    role = vault.actor.role
    if role == "supervisor":
        return True
    if role != "counsellor":
        return False
    clause, params = visible_cases_clause(vault)
    if vault.db.one(f"SELECT 1 FROM cases c WHERE c.client_id = ? AND {clause}",
                    [client_id, *params]) is not None:
        return True
    return vault.db.one(
        "SELECT 1 FROM clients cl WHERE cl.id = ? AND cl.created_by = ? AND NOT EXISTS"
        " (SELECT 1 FROM cases c WHERE c.client_id = cl.id)",
        (client_id, vault.actor.user_id)) is not None


def require_client(vault: Session, client_id: int) -> None:
    """Refuse (and audit) unless the actor may see this client: as `client_readable`,
    and staff also the client of any case (its header names the client)."""
    if client_readable(vault, client_id):
        return
    if vault.actor.role == "staff" and vault.db.one(
            "SELECT 1 FROM cases WHERE client_id = ?", (client_id,)) is not None:
        return
    vault.audit_event("client.access", "client", client_id, "refused")
    if vault.actor.role == "admin":
        raise AccessDenied("管理员账户不能查看个案内容。",
                           "Administrator accounts cannot see case content.")
    raise AccessDenied("这位当事人由其他咨询师负责，您不能查看其信息。请联系负责的咨询师协调。",
                       "This client is in another counsellor's care, so you cannot see their "
                       "details. Contact the responsible counsellor to coordinate.")
