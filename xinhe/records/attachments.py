"""Attachments: consent scans, injury photos, documents — encrypted inside the vault,
never written to disk in the clear."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from xinhe.errors import InvalidInput, NotFound
from xinhe.records.access import require_case
from xinhe.records.common import iso
from xinhe.records.storage.session import Session

MAX_BYTES = 25 * 1024 * 1024
KINDS = {
    "consent_scan": ("知情同意书扫描件", "Consent form scan"),
    "injury_photo": ("伤情照片", "Injury photo"),
    "document": ("文书材料", "Document"),
    "other": ("其他", "Other"),
}
MEDIA_TYPES = {"image/jpeg", "image/png", "application/pdf", "text/plain"}


@dataclass(frozen=True)
class Attachment:
    id: int
    case_id: int
    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str
    description: str | None
    added_by: str
    added_at: str


def _attachment(r: Any) -> Attachment:
    return Attachment(r["id"], r["case_id"], r["kind"], r["filename"], r["media_type"],
                      r["size"], r["sha256"], r["description"], r["added_by_name"],
                      r["added_at"])


SQL = ("SELECT a.id, a.case_id, a.kind, a.filename, a.media_type, a.size, a.sha256,"
       " a.description, a.added_at, u.display_name AS added_by_name FROM attachments a"
       " JOIN users u ON u.id = a.added_by")


def sniff_media_type(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


class AttachmentService:
    def __init__(self, vault: Session) -> None:
        self.vault = vault

    def add(self, case_id: int, *, kind: str, filename: str, data: bytes,
            description: str = "") -> Attachment:
        require_case(self.vault, case_id, "write")
        if kind not in KINDS:
            raise InvalidInput("未知的附件类型。", "Unknown kind of attachment.")
        if not data:
            raise InvalidInput("文件是空的。", "The file is empty.")
        if len(data) > MAX_BYTES:
            raise InvalidInput("文件超过 25 MB，请压缩后再添加。",
                               "The file is larger than 25 MB; please make it smaller first.")
        media_type = sniff_media_type(data)
        if media_type not in MEDIA_TYPES:
            raise InvalidInput("只能添加 JPEG、PNG、PDF 或文本文件。",
                               "Only JPEG, PNG, PDF or text files can be attached.")
        name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "attachment"
        attachment_id = self.vault.db.insert(
            "INSERT INTO attachments (case_id, kind, filename, media_type, size, sha256, data,"
            " description, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, kind, name[:200], media_type, len(data), hashlib.sha256(data).hexdigest(),
             data, description.strip() or None, self.vault.actor.user_id,
             iso(self.vault.now())))
        self.vault.audit_event("attachment.add", "attachment", attachment_id, kind)
        return self.get(attachment_id)

    def get(self, attachment_id: int) -> Attachment:
        row = self.vault.db.one(SQL + " WHERE a.id = ?", (attachment_id,))
        if row is None:
            raise NotFound("找不到该附件。", "The attachment was not found.")
        require_case(self.vault, row["case_id"], "notes")
        return _attachment(row)

    def for_case(self, case_id: int) -> list[Attachment]:
        require_case(self.vault, case_id, "notes")
        return [_attachment(r) for r in self.vault.db.all(
            SQL + " WHERE a.case_id = ? ORDER BY a.added_at", (case_id,))]

    def data(self, attachment_id: int) -> bytes:
        """The file's bytes, for showing in the app (never written to a temp file)."""
        attachment = self.get(attachment_id)
        self.vault.audit_event("attachment.read", "attachment", attachment_id)
        blob = self.vault.db.scalar("SELECT data FROM attachments WHERE id = ?", (attachment.id,))
        return bytes(blob)
