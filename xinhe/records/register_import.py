"""Importing a studio's register (Excel or CSV) into the vault: `xinhe import register`
and the administrator's import wizard call the same two functions here.

Who: the administrator or a supervisor; on the studio server a supervisor. The records are
created as the named counsellors' cases (or the counsellor the importer chooses); the
importer is recorded as their creator and the audit names them. The importer sees counts,
masked names and problems — never a client's details or a summary's text
(docs/register-import.md says why).

The import is all-or-nothing: one transaction, one audit entry, refused if any row has a
problem. Each row has a keyed fingerprint of who and which case (`cases.import_key`), so
importing the same rows again creates nothing.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from xinhe.errors import InvalidInput
from xinhe.records.register_map import Layout, Mapping, find_layout
from xinhe.records.register_plan import (
    Counsellor,
    Counsellors,
    PlanContext,
    Problem,
    RowPlan,
    is_blank,
    is_total,
    plan_row,
)
from xinhe.records.register_read import Sheet, read_register
from xinhe.records.register_write import write_rows
from xinhe.records.stats_period import local_zone
from xinhe.records.storage.sealing import blind_key
from xinhe.records.storage.session import Session

IMPORT_ROLES = ("admin", "supervisor")
SALT_SETTING = "register.key_salt"


@dataclass(frozen=True)
class ImportPlan:
    """The dry run's report: the file as read, the columns as mapped, every row."""

    sheet: Sheet
    layout: Layout
    mapping: Mapping
    rows: tuple[RowPlan, ...]
    blank_rows: int
    salt: bytes = field(repr=False, default=b"")

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def unmatched(self) -> dict[str, Counter[str]]:
        """Vocabulary values that matched nothing, by field, with how often they occur."""
        out: dict[str, Counter[str]] = {}
        for problem in self.problems:
            if problem.field is not None and problem.written is not None:
                out.setdefault(problem.field, Counter())[problem.written] += 1
        return out


class RegisterProblems(InvalidInput):
    """The import was refused because rows have problems; `plan` names every one."""

    code = "register_problems"

    def __init__(self, plan: ImportPlan, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.plan = plan


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    created_cases: int
    created_clients: int
    notes: int
    case_numbers: tuple[str, ...]


def import_refusal(role: str, *, on_server: bool) -> tuple[str, str] | None:
    """Why this role may not import a register here, in Chinese and English; None if it
    may. In a vault the administrator or a supervisor imports; on the studio server only a
    supervisor (an administrator's login writes no case content there)."""
    if on_server and role == "admin":
        return ("在工作室服务器上，登记表由督导导入（管理员账户不能写入个案内容）。",
                "On the studio server a supervisor imports the register (an administrator "
                "account cannot write case content).")
    if on_server and role != "supervisor":
        return ("在工作室服务器上，只有督导可以导入登记表。",
                "On the studio server only a supervisor can import a register.")
    if role not in IMPORT_ROLES:
        return ("只有管理员或督导可以导入登记表。",
                "Only an administrator or a supervisor can import a register.")
    return None


def _require_importer(vault: Session) -> None:
    from xinhe.errors import AccessDenied

    refusal = import_refusal(vault.actor.role, on_server=vault.db.dialect == "postgres")
    if refusal is not None:
        vault.audit_event("register.import", "register", "", "refused")
        raise AccessDenied(*refusal)


def _salt(vault: Session) -> tuple[bytes, bool]:
    """The key of the rows' fingerprints, and whether it is new (to be kept in settings).
    On the server it is derived from the studio's key, so the server (which holds the
    fingerprints) never holds the key that would let it test guesses of a name or ID."""
    if vault.db.dialect == "postgres":
        derived = blind_key(vault.db, "register", "import fingerprint key")
        assert derived is not None  # a non-empty value always blinds
        return bytes.fromhex(derived), False
    stored = vault.setting(SALT_SETTING)
    return (bytes.fromhex(stored), False) if stored else (secrets.token_bytes(32), True)


def counsellor_choices(vault: Session) -> list[Counsellor]:
    """The accounts a case can be given to (active counsellors and supervisors)."""
    _require_importer(vault)
    return [Counsellor(int(r["id"]), r["username"], r["display_name"]) for r in vault.db.all(
        "SELECT id, username, display_name FROM users WHERE active = 1 AND removed_at IS NULL"
        " AND role IN ('counsellor', 'supervisor') ORDER BY display_name, username")]


def _assignee(vault: Session, login: str | None) -> Counsellor | None:
    if not login:
        return None
    for person in counsellor_choices(vault):
        if person.username == login.strip():
            return person
    raise InvalidInput(f"“{login}”不是在用的咨询师或督导账户，不能作为负责人。",
                       f"'{login}' is not an active counsellor or supervisor account, so cases "
                       "cannot be given to it.")


def _sheet(source: Path | Sheet) -> Sheet:
    return source if isinstance(source, Sheet) else read_register(source)


def plan_import(vault: Session, source: Path | Sheet, *, mapping: Mapping | None = None,
                assign_to: str | None = None) -> ImportPlan:
    """The dry run: read and check every row of the register (a file, or a sheet already
    read with `read_register`), write nothing."""
    _require_importer(vault)
    plan = _plan(vault, _sheet(source), mapping, assign_to)
    vault.audit_event("register.dry_run", "register", plan.sheet.fingerprint[:16],
                      f"{plan.count('create')} to create, {len(plan.problems)} problems")
    return plan


def _plan(vault: Session, sheet: Sheet, mapping: Mapping | None,
          assign_to: str | None) -> ImportPlan:
    mapping = mapping or Mapping()
    layout = find_layout(sheet, mapping)
    salt, _ = _salt(vault)
    keys = {r[0] for r in vault.db.execute(
        "SELECT import_key FROM cases WHERE import_key IS NOT NULL")}
    users = vault.db.all("SELECT id, username, display_name FROM users WHERE active = 1 AND"
                         " removed_at IS NULL AND role IN ('counsellor', 'supervisor')")
    ctx = PlanContext(sheet, layout, mapping, Counsellors(users), _assignee(vault, assign_to),
                      keys, salt, vault.now().astimezone(local_zone()).date())
    rows: list[RowPlan] = []
    blank = 0
    header_texts = layout.headers
    for row_no, cells in sheet.rows:
        if row_no <= layout.header_row:
            continue
        if is_blank(cells):
            blank += 1
        elif is_total(cells):
            rows.append(RowPlan(row_no, "total"))
        elif tuple(str(c or "").strip() for c in cells) == header_texts:
            blank += 1  # the header repeated (a register printed page by page)
        else:
            rows.append(plan_row(ctx, row_no, cells))
    if not any(r.action != "total" for r in rows):
        from xinhe.records.register_read import file_error

        raise file_error(sheet.file_name, f"第 {layout.header_row} 行表头之下没有数据行。",
                         f"there are no rows under the header in row {layout.header_row}.")
    return ImportPlan(sheet, layout, mapping, tuple(rows), blank, salt)


def import_register(vault: Session, source: Path | Sheet, *, mapping: Mapping | None = None,
                    assign_to: str | None = None) -> ImportResult:
    """Import the register in one transaction, audited as one act. Refused (nothing written)
    when any row has a problem; rows imported before are left as they are."""
    _require_importer(vault)
    sheet = _sheet(source)
    with vault.db.transaction():
        plan = _plan(vault, sheet, mapping, assign_to)
        if plan.ok:
            if _salt(vault)[1]:
                vault.set_setting(SALT_SETTING, plan.salt.hex())
            todo = [r for r in plan.rows if r.action == "create"]
            created = write_rows(vault, sheet.file_name, todo, time(12, tzinfo=local_zone()))
            vault.audit_event("register.import", "register", sheet.fingerprint[:16],
                              f"{len(todo)} cases created, {plan.count('imported')} already"
                              f" imported, {plan.count('repeat')} repeated rows")
            return ImportResult(plan, len(todo), created.clients, created.notes,
                                created.case_numbers)
    vault.audit_event("register.import", "register", sheet.fingerprint[:16],
                      f"refused:{len(plan.problems)} problems")
    raise RegisterProblems(
        plan,
        f"{sheet.file_name}：有 {len(plan.problems)} 处问题，没有导入任何记录。"
        "请先用“试导入”查看并修正。",
        f"{sheet.file_name}: {len(plan.problems)} problem(s); nothing was imported. "
        "Run a dry run to see them, fix them, and import again.")
