"""Small helpers shared by the record services."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, date, datetime
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


def stale(what_zh: str, what_en: str) -> Conflict:
    return Conflict(
        f"{what_zh}在您打开之后已被他人修改，您的内容没有保存，但仍保留在表单中。请重新打开查看最新内容后再保存。",
        f"The {what_en} was changed by someone else after you opened it. Your text was not "
        "saved but is still in the form; reopen the record to see the latest version, then "
        "save again.")


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
