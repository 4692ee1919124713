"""Dates as people type them: 1991-03-15, 1991/3/15, 1991.3.15, 19910315, 1991年3月15日,
in half- or full-width characters; for a birth date the year alone (1991, 1991年) too."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from xinhe.errors import InvalidInput

_SEPARATED = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})年?$")
EARLIEST_YEAR = 1900


@dataclass(frozen=True)
class TypedDate:
    """What was typed: a whole date, or (where allowed) only the year."""

    day: date | None
    year: int

    def iso(self) -> str:
        return self.day.isoformat() if self.day else str(self.year)


def _normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _unreadable(text: str, what_zh: str, what_en: str) -> InvalidInput:
    del text  # never echo what was typed: it may be a client's data
    return InvalidInput(f"{what_zh}：无法识别这个日期，请按 1991-03-15 这样的格式填写。",
                        f"{what_en}: this date cannot be read; type it like 1991-03-15.")


def parse_typed_date(text: str | None, *, what_zh: str = "日期", what_en: str = "Date",
                     year_only: bool = False) -> TypedDate | None:
    """Read a typed date. Empty text is None; anything unreadable or impossible (a 30
    February, a year before 1900 or after this one when only the year is given) raises
    InvalidInput naming the field. With `year_only`, a year alone is accepted."""
    cleaned = _normalise(text or "")
    if not cleaned:
        return None
    match = _SEPARATED.match(cleaned) or _COMPACT.match(cleaned)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            whole = date(year, month, day)
        except ValueError:
            raise _unreadable(cleaned, what_zh, what_en) from None
        if year < EARLIEST_YEAR:
            raise _unreadable(cleaned, what_zh, what_en)
        return TypedDate(whole, year)
    match = _YEAR.match(cleaned)
    if match and year_only:
        year = int(match.group(1))
        if EARLIEST_YEAR <= year <= date.today().year:
            return TypedDate(None, year)
    raise _unreadable(cleaned, what_zh, what_en)
