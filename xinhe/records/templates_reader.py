"""Reading templates: the problems found in a file, and the reader that collects them while
checking the basic shapes (objects, ids, bilingual texts, numbers, levels).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xinhe.i18n import pick
from xinhe.records.templates_model import LEVELS, Level, Text

IDENT = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_SCORE = 1000


@dataclass(frozen=True)
class TemplateProblem:
    """Something wrong in a template file: where it is, and what, in both languages."""

    file: Path
    where: str  # a JSON path inside the file; "" for the file as a whole
    zh: str
    en: str

    @property
    def file_name(self) -> str:
        """The file as named inside its template folder (`archive/x.v1.json` for old ones)."""
        if self.file.parent.name == "archive":
            return f"archive/{self.file.name}"
        return self.file.name

    def message(self, lang: str | None = None) -> str:
        place = f"{self.file_name} {self.where}" if self.where else self.file_name
        return f"{place}: {pick(self.zh, self.en, lang)}"

    def __str__(self) -> str:
        return self.message()

    def as_dict(self) -> dict[str, str]:
        return {"file": str(self.file), "where": self.where, "zh": self.zh, "en": self.en}


def at(base: str, key: str | int) -> str:
    """The JSON path of `key` inside `base`."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key


class Reader:
    """Collects the problems of one file while its parts are read."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.problems: list[TemplateProblem] = []
        # Ids of fields that are present but could not be read: their own problems are
        # reported, so references to them are not reported again.
        self.broken_ids: set[str] = set()

    def is_broken(self, ref: object) -> bool:
        """Whether `ref` (any JSON value) names a field whose own problem is reported."""
        return isinstance(ref, str) and ref in self.broken_ids

    def problem(self, where: str, zh: str, en: str) -> None:
        self.problems.append(TemplateProblem(self.file, where, zh, en))

    @staticmethod
    def named(where: str, raw: object) -> str:
        """`where`, followed by the id of the object at it when it has a valid one."""
        ident = raw.get("id") if isinstance(raw, dict) else None
        return f"{where} ({ident})" if isinstance(ident, str) and IDENT.fullmatch(ident) else where

    def obj(self, raw: object, where: str, required: tuple[str, ...],
            optional: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """`raw` as a JSON object, reporting missing and unknown keys (a misspelt
        "required" must not quietly make a question optional)."""
        if not isinstance(raw, dict):
            self.problem(where, "这里应为一个 JSON 对象 {…}。", "this should be a JSON object {…}.")
            return None
        for key in required:
            if key not in raw:
                self.problem(where, f"缺少“{key}”。", f'"{key}" is missing.')
        for key in raw:
            if key not in required and key not in optional:
                self.problem(where, f"未知的键“{key}”。", f'unknown key "{key}".')
        return raw

    def ident(self, raw: object, where: str) -> str | None:
        if isinstance(raw, str) and IDENT.fullmatch(raw):
            return raw
        self.problem(where, "标识应以小写字母开头，只含小写字母、数字和下划线（最多 64 个字符）。",
                     "an id starts with a lowercase letter and holds only lowercase letters, "
                     "digits and underscores (at most 64 characters).")
        return None

    def text(self, raw: object, where: str) -> Text | None:
        before = len(self.problems)
        obj = self.obj(raw, where, ("zh", "en"))
        if obj is None or len(self.problems) > before:
            return None
        zh, en = obj.get("zh"), obj.get("en")
        if not (isinstance(zh, str) and zh.strip() and isinstance(en, str) and en.strip()):
            self.problem(where, "中文和英文文字都需要填写。", "both the Chinese and English text "
                         "are needed.")
            return None
        return Text(zh, en)

    def optional_text(self, obj: dict[str, Any], key: str, where: str) -> Text | None:
        return self.text(obj[key], at(where, key)) if key in obj else None

    def flag(self, obj: dict[str, Any], key: str, where: str, default: bool) -> bool:
        raw = obj.get(key, default)
        if isinstance(raw, bool):
            return raw
        self.problem(at(where, key), "应为 true 或 false。", "this should be true or false.")
        return default

    def whole(self, raw: object, where: str, low: int, high: int) -> int | None:
        if isinstance(raw, int) and not isinstance(raw, bool) and low <= raw <= high:
            return raw
        self.problem(where, f"应为 {low} 到 {high} 之间的整数。",
                     f"this should be a whole number from {low} to {high}.")
        return None

    def number(self, raw: object, where: str) -> float | None:
        if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
            return raw
        self.problem(where, "应为一个数字。", "this should be a number.")
        return None

    def level(self, raw: object, where: str) -> Level | None:
        for level in LEVELS:
            if raw == level:
                return level
        self.problem(where, "风险等级应为 high、medium 或 low。",
                     "a level is one of high, medium or low.")
        return None

    def items(self, raw: object, where: str) -> list[Any]:
        """A non-empty JSON array (an empty list after a problem)."""
        if isinstance(raw, list) and raw:
            return raw
        self.problem(where, "这里应为非空的列表 […]。", "this should be a non-empty list […].")
        return []
