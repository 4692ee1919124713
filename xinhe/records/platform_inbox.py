"""Receiving dispatched cases from the district platform, and accepting them.

- Receiving (staff or a supervisor: the people who watch the platform's share): a file is
  read, checked (platform_dispatch), and every dispatch in it is stored in the vault in
  one transaction, waiting for a supervisor. Only then is the file moved out of the inbox,
  into `received/` beside it. A file that fails the check — or repeats a platform
  reference already received — goes to `quarantine/` beside it with a `.reason.txt`: never
  deleted, nothing of it kept.
- Accepting (a supervisor: it assigns the case): the client (an existing one the supervisor
  picked after the duplicate check, or a new one from the dispatch), the case (source
  "platform", the platform reference and grade), the first-contact clock from the
  platform's deadline, all in one transaction and audited.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from xinhe.crypto.files import fsync_dir, write_all
from xinhe.errors import Conflict, InvalidInput, NotFound
from xinhe.records.cases import CaseHeader, CaseService
from xinhe.records.clients import ClientService, DuplicateMatch
from xinhe.records.common import (
    dumps,
    folder_setting,
    iso,
    loads,
    parse_ts,
    set_folder_setting,
)
from xinhe.records.platform_dispatch import Dispatch, DispatchInvalid, parse_dispatch_file
from xinhe.records.storage.session import Session

INBOX_SETTING = "platform.inbox"
RECEIVE_ROLES = ("supervisor", "staff")
QUARANTINE = "quarantine"
RECEIVED = "received"
FIRST_CONTACT = "first_contact"


@dataclass(frozen=True)
class WaitingDispatch:
    """A line of the dashboard's "new dispatches": enough to decide, no more."""

    id: int
    platform_ref: str
    dispatched_at: str
    grade: str
    category: str
    first_contact_due: str
    agency: str
    client_name: str
    overdue: bool


@dataclass(frozen=True)
class InboxResult:
    received: list[str]  # platform references stored
    rejected: list[DispatchInvalid]  # files quarantined, each with its reason


def inbox_folder(vault: Session) -> Path | None:
    """The platform's inbox folder (a mapped share in real use), if configured."""
    return folder_setting(vault, INBOX_SETTING)


def set_inbox_folder(vault: Session, folder: str) -> Path | None:
    """Admin: set (or clear, with "") the inbox folder. Audited."""
    return set_folder_setting(
        vault, INBOX_SETTING, folder, what=("收件箱文件夹", "The inbox folder"),
        examples=("Z:\\分拨 或 /mnt/platform/inbox", "Z:\\dispatch or /mnt/platform/inbox"),
        audit_action="platform.inbox.set")


def _free_name(folder: Path, name: str) -> Path:
    """folder/name, or name with a number added when that is taken (never overwrite)."""
    target = folder / name
    stem, suffix = os.path.splitext(name)
    n = 1
    while target.exists() or target.with_name(target.name + ".reason.txt").exists():
        target = folder / f"{stem}.{n}{suffix}"
        n += 1
    return target


def _move(path: Path, subfolder: str) -> Path:
    folder = path.parent / subfolder
    folder.mkdir(mode=0o750, exist_ok=True)
    target = _free_name(folder, path.name)
    os.replace(path, target)
    with contextlib.suppress(OSError):
        fsync_dir(folder)
    return target


def quarantine(path: Path, problem: DispatchInvalid, now: datetime) -> Path:
    """Move a rejected file to quarantine/ with a reason file beside it; never delete it."""
    target = _move(path, QUARANTINE)
    reason = (f"file: {path.name}\nfield: {problem.field or '-'}\n"
              f"time: {now.astimezone().isoformat(timespec='seconds')}\n"
              f"原因: {problem.reason_zh}\nreason: {problem.reason_en}\n")
    fd = os.open(target.with_name(target.name + ".reason.txt"),
                 os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        write_all(fd, reason.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return target


def _received_before(vault: Session, ref: str) -> Any:
    """The stored dispatch with `ref` (its file hash), or a case holding it, else None."""
    row = vault.db.one("SELECT file_name, file_sha256 FROM platform_dispatches WHERE"
                       " platform_ref = ?", (ref,))
    if row is not None:
        return row
    return vault.db.one("SELECT NULL AS file_name, NULL AS file_sha256 FROM cases WHERE"
                        " platform_ref = ?", (ref,))


def _refuse(vault: Session, path: Path, problem: DispatchInvalid) -> DispatchInvalid:
    with contextlib.suppress(FileNotFoundError):  # gone: another workstation took it
        quarantine(path, problem, vault.now())
    vault.audit_event("platform.receive", "file", path.name, f"quarantined:{problem.field}")
    return problem


class _SameFile(Exception):
    """Another workstation sharing the inbox received this very file (same name, same
    bytes) a moment ago: nothing to store, nothing to refuse."""


def receive_file(vault: Session, path: Path) -> list[str]:
    """Store the dispatches of one file in the vault, then move the file to received/.
    Raises DispatchInvalid (the file quarantined, nothing stored) when it is not valid or
    repeats a platform reference. Returns the platform references stored (none when
    another workstation sharing the inbox received the same file first)."""
    vault.require_role(*RECEIVE_ROLES)
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise InvalidInput(f"无法读取文件 {path.name}。", f"Cannot read the file {path.name}.") \
            from None
    try:
        dispatches = parse_dispatch_file(path.name, data)
    except DispatchInvalid as problem:
        raise _refuse(vault, path, problem) from None
    digest = hashlib.sha256(data).hexdigest()
    try:
        # The check runs inside the write transaction: two workstations never both store.
        with vault.db.transaction():
            for i, found in enumerate(dispatches):
                before = _received_before(vault, found.platform_ref)
                if before is not None and (before["file_name"], before["file_sha256"]) == \
                        (path.name, digest):
                    raise _SameFile  # the very file, taken by another workstation just now
                if before is not None:
                    field = "platform_ref" if len(dispatches) == 1 else f"[{i}].platform_ref"
                    raise DispatchInvalid(
                        path.name, field,
                        f"平台编号 {found.platform_ref} 已经接收过，不重复接收。",
                        f"the platform reference {found.platform_ref} was received before; "
                        "it is not received twice.")
            for found in dispatches:
                _store(vault, found, path.name, digest)
            vault.audit_event("platform.receive", "file", path.name,
                              f"stored:{len(dispatches)}")
    except DispatchInvalid as problem:
        raise _refuse(vault, path, problem) from None
    except _SameFile:
        with contextlib.suppress(FileNotFoundError):
            _move(path, RECEIVED)
        return []
    except Conflict:
        # On the server both workstations may pass the check at once; the unique reference
        # lets one store the file, and the other finds here that it was this very file.
        before = _received_before(vault, dispatches[0].platform_ref)
        if before is None or (before["file_name"], before["file_sha256"]) != (path.name, digest):
            raise
        with contextlib.suppress(FileNotFoundError):
            _move(path, RECEIVED)
        return []
    with contextlib.suppress(FileNotFoundError):  # another workstation moved it already
        _move(path, RECEIVED)  # only now: the vault holds every dispatch of the file
    return [d.platform_ref for d in dispatches]


def _store(vault: Session, dispatch: Dispatch, file_name: str, digest: str) -> None:
    dispatch_id = vault.db.insert(
        "INSERT INTO platform_dispatches (platform_ref, dispatched_at, grade, category,"
        " first_contact_due, agency, document, file_name, file_sha256, received_by,"
        " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (dispatch.platform_ref, iso(dispatch.dispatched_at), dispatch.grade, dispatch.category,
         iso(dispatch.first_contact_due), dispatch.agency, dumps(dispatch.document), file_name,
         digest, vault.actor.user_id, iso(vault.now())))
    vault.audit_event("platform.dispatch.receive", "platform_dispatch", dispatch_id,
                      dispatch.grade)


def receive_inbox(vault: Session, folder: Path | None = None) -> InboxResult:
    """Receive every *.json file waiting in the inbox (default: the configured one)."""
    vault.require_role(*RECEIVE_ROLES)
    folder = folder or inbox_folder(vault)
    if folder is None:
        raise InvalidInput("还没有设置平台收件箱文件夹（管理 → 转介）。",
                           "No platform inbox folder has been set (Admin → Referrals).")
    if not folder.is_dir():
        raise InvalidInput(f"平台收件箱文件夹 {folder} 不存在或无法访问（共享盘是否已连接？）",
                           f"The platform inbox folder {folder} does not exist or cannot be "
                           "reached (is the share connected?)")
    received: list[str] = []
    rejected: list[DispatchInvalid] = []
    for path in sorted(p for p in folder.iterdir()
                       if p.is_file() and p.suffix.lower() == ".json"):
        try:
            received += receive_file(vault, path)
        except DispatchInvalid as problem:
            rejected.append(problem)
        except InvalidInput:
            if path.exists():
                raise
            # gone meanwhile: another workstation sharing the inbox took it
    return InboxResult(received, rejected)


def _row(vault: Session, dispatch_id: int) -> Any:
    vault.require_role(*RECEIVE_ROLES)
    row = vault.db.one("SELECT * FROM platform_dispatches WHERE id = ?", (dispatch_id,))
    if row is None:
        raise NotFound("找不到该平台分拨。", "The platform dispatch was not found.")
    return row


def waiting(vault: Session) -> list[WaitingDispatch]:
    """Dispatches received and not yet accepted, the most pressing deadline first."""
    vault.require_role(*RECEIVE_ROLES)
    now = iso(vault.now())
    out = []
    for r in vault.db.all("SELECT * FROM platform_dispatches WHERE status = 'new'"
                          " ORDER BY first_contact_due, id"):
        client = next(p for p in loads(r["document"])["parties"] if p["role"] == "client")
        out.append(WaitingDispatch(r["id"], r["platform_ref"], r["dispatched_at"], r["grade"],
                                   r["category"], r["first_contact_due"], r["agency"],
                                   str(client["name"]), r["first_contact_due"] < now))
    return out


def dispatch(vault: Session, dispatch_id: int) -> Dispatch:
    """The dispatch as received (parties, summary), for the supervisor deciding."""
    row = _row(vault, dispatch_id)
    return parse_dispatch_file(row["file_name"], row["document"].encode("utf-8"))[0]


def duplicates(vault: Session, dispatch_id: int) -> list[DuplicateMatch]:
    """Existing clients who may be the dispatch's client (shown before accepting)."""
    client = dispatch(vault, dispatch_id).client
    return ClientService(vault).find_duplicates(
        name=client.name, phone=client.phone, id_number=client.id_number,
        birth_date=client.birth_date)


def accept(vault: Session, dispatch_id: int, *, counsellor_id: int,
           client_id: int | None = None) -> CaseHeader:
    """Supervisor: accept a dispatch — the client (existing `client_id`, or new from the
    dispatch), the case assigned to `counsellor_id`, the first-contact clock. Audited."""
    vault.require_role("supervisor")
    row = _row(vault, dispatch_id)
    if row["status"] != "new":
        raise InvalidInput("该分拨已经受理过了。", "This dispatch has already been accepted.")
    found = dispatch(vault, dispatch_id)
    cases = CaseService(vault)
    with vault.db.transaction():
        if client_id is None:
            party = found.client
            client_id = ClientService(vault).create(
                name=party.name, phone=party.phone, id_number=party.id_number,
                birth_date=party.birth_date, gender=party.gender, address=party.address,
                community=party.community).id
        header = cases.open(client_id=client_id, category=found.category, source="platform",
                            platform_ref=found.platform_ref, summary=found.summary or None,
                            counsellor_id=counsellor_id)
        now = iso(vault.now())
        vault.db.execute("UPDATE cases SET platform_grade = ? WHERE id = ?",
                         (found.grade, header.id))
        clock_id = vault.db.insert(
            "INSERT INTO clocks (case_id, kind, started_at, due_at, urgent, details,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (header.id, FIRST_CONTACT, iso(found.dispatched_at), iso(found.first_contact_due),
             int(found.grade == "high"), dumps({"platform_ref": found.platform_ref}),
             vault.actor.user_id, now))
        vault.audit_event("clock.start", "clock", clock_id, FIRST_CONTACT)
        vault.db.execute("UPDATE platform_dispatches SET status = 'accepted', case_id = ?,"
                         " accepted_by = ?, accepted_at = ? WHERE id = ? AND status = 'new'",
                         (header.id, vault.actor.user_id, now, dispatch_id))
        vault.audit_event("platform.dispatch.accept", "case", header.case_no,
                          f"dispatch {dispatch_id}")
        from xinhe.records.platform_reports import on_event

        on_event(vault, header.id, "accepted")
    return cases.header(header.id)


def platform_grade(vault: Session, case_id: int) -> str | None:
    """The platform's grade of a dispatched case (beside the studio's own level)."""
    value = vault.db.scalar("SELECT platform_grade FROM cases WHERE id = ?", (case_id,))
    return None if value is None else str(value)


def first_contact_due(vault: Session, case_id: int) -> datetime | None:
    due = vault.db.scalar("SELECT due_at FROM clocks WHERE case_id = ? AND kind = ?"
                          " ORDER BY id LIMIT 1", (case_id, FIRST_CONTACT))
    return parse_ts(str(due)) if due else None


def find_dispatch(vault: Session, platform_ref: str) -> int:
    """The id of a received dispatch by its platform reference."""
    vault.require_role(*RECEIVE_ROLES)
    value = vault.db.scalar("SELECT id FROM platform_dispatches WHERE platform_ref = ?",
                            (platform_ref.strip(),))
    if value is None:
        raise NotFound(f"没有收到平台编号为 {platform_ref} 的分拨。",
                       f"No dispatch with the platform reference {platform_ref} was received.")
    return int(value)
