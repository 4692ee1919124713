"""Small helpers shared by the record services."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from xinhe.crypto.keyslots import canonical_json
from xinhe.errors import Conflict, InvalidInput


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="seconds")


def parse_ts(text: str | None) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_date(text: str | None, what_zh: str, what_en: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what_zh}的日期格式不对（应为 年-月-日，如 2026-03-02）。",
                           f"{what_en}: the date is not valid (use YYYY-MM-DD, "
                           "e.g. 2026-03-02).") from None


def text_key(text: str) -> str:
    """For duplicate checks: width-folded, lower-case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def digits_key(text: str | None) -> str | None:
    if not text:
        return None
    kept = "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum()).upper()
    if kept.startswith("86") and len(kept) == 13:  # +86 mobile numbers
        kept = kept[2:]
    return kept or None


def content_hash(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def loads(text: str | None) -> Any:
    return json.loads(text) if text else None


# Where the local vault's audit names a row's saves (on the server, its triggers do).
_LOCAL_SAVES: dict[str, tuple[str, tuple[str, ...]]] = {
    "sessions": ("session", ("session.draft", "session.update", "session.sign")),
    "clients": ("client", ("client.create", "client.update")),
    "referrals": ("referral", ("referral.create", "referral.update", "referral.sign")),
    "linked_persons": ("case", ("person.add", "person.update")),
    "followups": ("followup", ("followup.schedule", "followup.complete")),
    "appointments": ("appointment", ("appointment.book", "appointment.change",
                                     "appointment.cancel")),
}


def last_change(vault: Any, table: str, row_id: object,
                audit_id: object = None) -> tuple[str, datetime, str] | None:
    """Who last saved a row, when, at which workstation (from the audit); `audit_id` is
    the object id the local vault's audit names the row by, if not its id."""
    if vault.db.dialect == "postgres":
        row = vault.db.one("SELECT * FROM last_change(?, ?)", (table, str(row_id)))
    else:
        object_type, actions = _LOCAL_SAVES[table]
        marks = ", ".join("?" * len(actions))
        row = vault.db.one(
            'SELECT coalesce(u.display_name, a."user") AS display_name, a.ts, a.workstation'
            ' FROM audit_event a LEFT JOIN users u ON u.username = a."user"'
            f" WHERE a.object_type = ? AND a.object_id = ? AND a.action IN ({marks})"
            " ORDER BY a.seq DESC LIMIT 1",
            (object_type, str(row_id if audit_id is None else audit_id), *actions))
    when = parse_ts(row["ts"]) if row is not None else None
    if row is None or when is None:
        return None
    return str(row["display_name"]), when, str(row["workstation"] or "")


def stale(vault: Any, table: str, row_id: object, what_zh: str, what_en: str,
          audit_id: object = None) -> Conflict:
    """A save based on an older version: refused, naming who saved meanwhile and when."""
    change = last_change(vault, table, row_id, audit_id)
    keep_zh = "您的内容没有保存，但仍保留在表单中。请重新打开查看最新内容后再保存。"
    keep_en = ("Your text was not saved but is still in the form; reopen the record to see "
               "the latest version, then save again.")
    if change is None:
        return Conflict(f"{what_zh}在您打开之后已被他人修改，{keep_zh}",
                        f"The {what_en} was changed by someone else after you opened it. "
                        + keep_en)
    name, when, workstation = change
    at = when.astimezone().strftime("%Y-%m-%d %H:%M")
    where_zh = f"（工作站 {workstation}）" if workstation else ""
    where_en = f" (workstation {workstation})" if workstation else ""
    return Conflict(f"{what_zh}在您打开之后已被 {name}{where_zh} 于 {at} 修改，{keep_zh}",
                    f"The {what_en} was changed by {name}{where_en} at {at}, after you "
                    f"opened it. {keep_en}")


def required(value: str | None, what_zh: str, what_en: str) -> str:
    if value is None or not str(value).strip():
        raise InvalidInput(f"请填写{what_zh}。", f"Please fill in {what_en}.")
    return str(value).strip()


def next_number(vault: Any, name: str, year: int) -> int:
    """The next number of a yearly series (case numbers, referral numbers)."""
    last = vault.db.scalar("SELECT last FROM counters WHERE name = ? AND year = ?", (name, year))
    number = int(last or 0) + 1
    vault.db.execute("INSERT INTO counters (name, year, last) VALUES (?, ?, ?) ON CONFLICT"
                     "(name, year) DO UPDATE SET last = excluded.last", (name, year, number))
    return number


def folder_setting(vault: Any, key: str) -> Path | None:
    """A folder kept in the vault's settings (the platform's inbox or outbox share)."""
    value = vault.setting(key)
    return Path(value) if value else None


def set_folder_setting(vault: Any, key: str, folder: str, *, what: tuple[str, str],
                       examples: tuple[str, str], audit_action: str) -> Path | None:
    """Admin: set (or clear, with "") a folder setting; it must be a full path. Audited.
    `what` names the folder and `examples` shows a full path, in Chinese and English."""
    vault.require_role("admin")
    folder = folder.strip()
    if folder and not Path(folder).is_absolute():
        raise InvalidInput(f"{what[0]}需要完整路径（如 {examples[0]}）。",
                           f"{what[1]} needs a full path (e.g. {examples[1]}).")
    if folder:
        vault.set_setting(key, folder)
    else:
        vault.db.execute("DELETE FROM settings WHERE key = ?", (key,))
    vault.audit_event(audit_action, "setting", key)
    return Path(folder) if folder else None
