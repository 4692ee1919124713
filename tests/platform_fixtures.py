"""Dispatch documents and files for the platform tests (synthetic people only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CLIENT = {"role": "client", "name": "示例甲", "phone": "13900000001",
          "birth_date": "1988-07-12", "gender": "female", "community": "凤凰岗社区"}


def dispatch_doc(ref: str = "BA-2026-000311", **changes: Any) -> dict[str, Any]:
    """A valid dispatch (times relative to the test clock's 2026-03-02 09:00 UTC)."""
    doc: dict[str, Any] = {
        "format": "xinhe-platform-dispatch", "version": 1, "platform_ref": ref,
        "dispatched_at": "2026-03-02T16:30:00+08:00", "grade": "high",
        "category": "domestic_violence", "first_contact_due": "2026-03-03T04:30:00+08:00",
        "agency": "宝安区家事情感纠纷智慧调处平台", "summary": "网格员报告：夜间多次呼救。",
        "parties": [dict(CLIENT), {"role": "respondent", "name": "示例乙"}]}
    doc.update(changes)
    return {k: v for k, v in doc.items() if v is not None}


def write(folder: Path, name: str, doc: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path
