"""Unsaved form drafts, kept encrypted in the vault so they survive a lock or a crash.
Each user sees only their own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xinhe.records.common import dumps, iso, loads
from xinhe.records.storage.session import Session


@dataclass(frozen=True)
class Draft:
    key: str
    title: str
    payload: dict[str, Any]
    updated_at: str


class DraftService:
    def __init__(self, vault: Session) -> None:
        self.vault = vault

    def save(self, key: str, title: str, payload: dict[str, Any]) -> None:
        self.vault.db.execute(
            "INSERT INTO drafts (user_id, draft_key, title, payload, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id, draft_key) DO UPDATE SET"
            " title = excluded.title, payload = excluded.payload,"
            " updated_at = excluded.updated_at",
            (self.vault.actor.user_id, key, title, dumps(payload), iso(self.vault.now())))

    def load(self, key: str) -> Draft | None:
        row = self.vault.db.one("SELECT * FROM drafts WHERE user_id = ? AND draft_key = ?",
                                (self.vault.actor.user_id, key))
        return None if row is None else Draft(row["draft_key"], row["title"],
                                              loads(row["payload"]), row["updated_at"])

    def all(self) -> list[Draft]:
        """This user's drafts, newest first. An administrator on the studio server has
        none: she writes no case records, and the server grants admins no drafts table."""
        if self.vault.actor.role == "admin" and self.vault.db.dialect == "postgres":
            return []
        return [Draft(r["draft_key"], r["title"], loads(r["payload"]), r["updated_at"])
                for r in self.vault.db.all("SELECT * FROM drafts WHERE user_id = ? ORDER BY"
                                           " updated_at DESC", (self.vault.actor.user_id,))]

    def discard(self, key: str) -> None:
        self.vault.db.execute("DELETE FROM drafts WHERE user_id = ? AND draft_key = ?",
                              (self.vault.actor.user_id, key))
