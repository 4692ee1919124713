"""The audit chain: append-only, each entry hashing the one before it.

Entries hold who, when, where, what kind of object and its id, and the outcome — never
client text. Triggers refuse UPDATE and DELETE; `verify` finds what an attacker with the
database key could still do: edit, delete or reorder entries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from xinhe.crypto.keyslots import canonical_json
from xinhe.records.db import Database

GENESIS = "0" * 64
FIELDS = ("seq", "ts", "user", "role", "workstation", "action", "object_type", "object_id",
          "outcome", "prev_hash")


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    ts: str
    user: str
    role: str
    workstation: str
    action: str
    object_type: str
    object_id: str
    outcome: str
    prev_hash: str
    hash: str


def entry_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json({k: fields[k] for k in FIELDS})).hexdigest()


@dataclass(frozen=True)
class AuditProblem:
    seq: int
    kind: str  # "edited" | "deleted" | "reordered"

    def describe(self, lang: str | None = None) -> str:
        from xinhe.i18n import pick

        zh = {"edited": "被修改", "deleted": "之前有记录被删除", "reordered": "顺序被调换"}
        en = {"edited": "was edited", "deleted": "follows a deleted entry",
              "reordered": "was moved out of order"}
        return pick(f"第 {self.seq} 条审计记录{zh[self.kind]}",
                    f"audit entry {self.seq} {en[self.kind]}", lang)


@dataclass(frozen=True)
class AuditVerification:
    checked: int
    head_hash: str
    problems: tuple[AuditProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="microseconds")


def _chain_positions(prev_of: dict[str, str]) -> dict[str, int]:
    """For each entry hash, its position counted along prev_hash links from the start
    (GENESIS is 0). Entries whose chain does not reach the start are left out."""
    position = {GENESIS: 0}
    for start in prev_of:
        path: list[str] = []
        current = start
        while current not in position and current in prev_of and len(path) <= len(prev_of):
            path.append(current)
            current = prev_of[current]
        if current not in position:
            continue
        base = position[current]
        for depth, entry in enumerate(reversed(path), start=1):
            position[entry] = base + depth
    return position


class AuditLog:
    #: The table holding the chain (the server also keeps an imported vault's chain apart).
    TABLE = "audit_event"

    def __init__(self, db: Database, workstation: str,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._workstation = workstation
        self._clock = clock

    def head(self) -> tuple[int, str]:
        row = self._db.one(f"SELECT seq, hash FROM {self.TABLE} ORDER BY seq DESC LIMIT 1")
        return (0, GENESIS) if row is None else (int(row["seq"]), str(row["hash"]))

    def hash_at(self, seq: int) -> str | None:
        """The hash of entry `seq`, or None when the chain has no such entry."""
        value = self._db.scalar(f"SELECT hash FROM {self.TABLE} WHERE seq = ?", (seq,))
        return None if value is None else str(value)

    def append(self, *, user: str, role: str, action: str, object_type: str = "",
               object_id: str = "", outcome: str = "ok", ts: str | None = None,
               workstation: str | None = None) -> AuditEvent:
        with self._db.transaction():
            seq, prev = self.head()
            fields: dict[str, Any] = {
                "seq": seq + 1, "ts": ts or iso(self._clock()), "user": user, "role": role,
                "workstation": workstation or self._workstation, "action": action,
                "object_type": object_type, "object_id": str(object_id), "outcome": outcome,
                "prev_hash": prev,
            }
            fields["hash"] = entry_hash(fields)
            self._db.execute(
                "INSERT INTO audit_event (seq, ts, \"user\", role, workstation, action,"
                " object_type, object_id, outcome, prev_hash, hash) VALUES (:seq, :ts, :user,"
                " :role, :workstation, :action, :object_type, :object_id, :outcome, :prev_hash,"
                " :hash)",
                fields)
        return AuditEvent(**fields)

    def events(self, *, limit: int = 200, before_seq: int | None = None,
               user: str | None = None, action_prefix: str | None = None,
               object_type: str | None = None, object_id: str | None = None
               ) -> list[AuditEvent]:
        """Newest first."""
        where: list[str] = []
        params: list[object] = []
        if before_seq is not None:
            where.append("seq < ?")
            params.append(before_seq)
        if user:
            where.append('"user" = ?')
            params.append(user)
        if action_prefix:
            where.append("action LIKE ? ESCAPE '\\'")
            params.append(action_prefix.replace("%", "\\%").replace("_", "\\_") + "%")
        if object_type:
            where.append("object_type = ?")
            params.append(object_type)
        if object_id is not None:
            where.append("object_id = ?")
            params.append(object_id)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        rows = self._db.all(f"SELECT * FROM {self.TABLE} {clause} ORDER BY seq DESC LIMIT ?",
                            [*params, limit])
        return [AuditEvent(**dict(r)) for r in rows]

    def verify(self) -> AuditVerification:
        """Walk the chain from the first entry; report every entry that breaks it."""
        problems: list[AuditProblem] = []
        prev_of = {str(r[0]): str(r[1])
                   for r in self._db.all(f"SELECT hash, prev_hash FROM {self.TABLE}")}
        position = _chain_positions(prev_of)
        expected_seq, prev_hash, checked = 1, GENESIS, 0
        for row in self._db.execute(f"SELECT * FROM {self.TABLE} ORDER BY seq"):
            event = AuditEvent(**dict(row))
            checked += 1
            fields = asdict(event)
            if entry_hash(fields) != event.hash:
                # An intact entry moved to another place still hashes at its original seq,
                # which is its distance from the start along the prev_hash links.
                original_seq = position.get(event.prev_hash, -1) + 1
                moved = original_seq > 0 and \
                    entry_hash({**fields, "seq": original_seq}) == event.hash
                problems.append(AuditProblem(event.seq, "reordered" if moved else "edited"))
            elif event.seq != expected_seq:
                problems.append(AuditProblem(event.seq, "deleted"))
            elif event.prev_hash != prev_hash and not (
                    problems and problems[-1].seq == event.seq - 1):
                # (A broken link right after a reported entry is that entry's problem.)
                kind = "reordered" if event.prev_hash in prev_of else "deleted"
                problems.append(AuditProblem(event.seq, kind))
            expected_seq, prev_hash = event.seq + 1, event.hash
        return AuditVerification(checked, prev_hash, tuple(problems))
