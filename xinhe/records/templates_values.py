"""One answer value: checking and cleaning it against its field, and showing it to a reader.

Messages never repeat the value itself: it may be client data.
"""

from __future__ import annotations

import math
import re
from datetime import date

from xinhe.i18n import pick
from xinhe.records.templates_model import UNKNOWN, Answer, Field, Text

TEXT_MAX = 500  # a one-line text answer (a name, a reference number)
LONG_TEXT_MAX = 50_000  # a long text answer: about 25 pages of Chinese
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class Rejected(Exception):  # noqa: N818 - internal signal, turned into a user message
    """The value does not fit the field; the reason is in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def is_blank(value: object) -> bool:
    """An answer left empty: missing, an empty or all-blank string, or no option chosen."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def clean_value(fld: Field, value: object) -> Answer:
    """The stored form of a non-blank answer, or Rejected saying why it does not fit."""
    match fld.type:
        case "text" | "long_text":
            return _clean_text(fld, value)
        case "yes_no":
            if isinstance(value, bool) or (fld.allow_unknown and value == UNKNOWN):
                return value
            if fld.allow_unknown:
                raise Rejected("请回答“是”“否”或“不清楚”。", "answer yes, no or unknown.")
            raise Rejected("请回答“是”或“否”。", "answer yes or no.")
        case "single_choice":
            if isinstance(value, str) and fld.option(value) is not None:
                return value
            raise Rejected("请从给出的选项中选择一项。", "choose one of the options given.")
        case "multiple_choice":
            return _clean_choices(fld, value)
        case "date":
            return _clean_date(value)
        case "number" | "scale":
            return _clean_number(fld, value)
    raise Rejected("字段类型未知。", "the field type is unknown.")  # pragma: no cover


def _clean_text(fld: Field, value: object) -> str:
    if not isinstance(value, str):
        raise Rejected("这里需要填写文字。", "this needs text.")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    limit = TEXT_MAX if fld.type == "text" else LONG_TEXT_MAX
    if len(text) > limit:
        raise Rejected(f"最多 {limit} 个字。", f"at most {limit} characters.")
    return text


def _clean_choices(fld: Field, value: object) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise Rejected("这里需要一组选项。", "this needs a list of options.")
    if any(fld.option(v) is None for v in value):
        raise Rejected("含有不在选项中的值。", "it holds a value that is not one of the options.")
    chosen = set(value)
    return [o.id for o in fld.options if o.id in chosen]  # the form's order, no repeats


def _clean_date(value: object) -> str:
    bad = Rejected("日期格式应为 年-月-日，例如 2026-03-02。",
                   "a date must be written year-month-day, e.g. 2026-03-02.")
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise bad
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise bad from None
    if not 1900 <= day.year <= 2100:
        raise Rejected("日期的年份不合理。", "the year of this date is not plausible.")
    return day.isoformat()


def _clean_number(fld: Field, value: object) -> int | float:
    number: float
    if isinstance(value, bool):
        raise Rejected("这里需要一个数字。", "this needs a number.")
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = float(value.strip())
    else:
        raise Rejected("这里需要一个数字。", "this needs a number.")
    if isinstance(number, float) and not math.isfinite(number):
        raise Rejected("这里需要一个数字。", "this needs a number.")
    whole = fld.type == "scale" or fld.integer
    if whole and number != int(number):
        raise Rejected("这里需要一个整数。", "this needs a whole number.")
    low, high = fld.minimum, fld.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        zh_range, en_range = _range_text(low, high)
        raise Rejected(f"数值应{zh_range}。", f"the number must be {en_range}.")
    if whole or (isinstance(value, int) and not isinstance(value, bool)):
        return int(number)
    return float(number)


def _range_text(low: float | None, high: float | None) -> tuple[str, str]:
    if low is not None and high is not None:
        return f"在 {fmt_number(low)} 到 {fmt_number(high)} 之间", \
            f"between {fmt_number(low)} and {fmt_number(high)}"
    if low is not None:
        return f"不小于 {fmt_number(low)}", f"at least {fmt_number(low)}"
    return f"不大于 {fmt_number(high or 0)}", f"at most {fmt_number(high or 0)}"


def fmt_number(number: float) -> str:
    """A number as a person writes it: 12, 1.5 (never 12.0)."""
    if float(number).is_integer():
        return str(int(number))
    return f"{number:g}"


YES = Text("是", "Yes")
NO = Text("否", "No")
DONT_KNOW = Text("不清楚", "Don't know")


def display_value(fld: Field, value: object, lang: str | None = None) -> str:
    """An answer as a reader should see it. A value that does not fit its field (a damaged
    record) is shown as it is rather than hidden."""
    try:
        clean = clean_value(fld, value)
    except Rejected:
        return str(value)
    if fld.type == "yes_no":
        if clean == UNKNOWN:
            return DONT_KNOW.get(lang)
        return (YES if clean else NO).get(lang)
    if fld.type in ("single_choice", "multiple_choice"):
        ids = clean if isinstance(clean, list) else [str(clean)]
        labels = [opt.label.get(lang) for opt in map(fld.option, ids) if opt is not None]
        return pick("、", ", ", lang).join(labels)
    if fld.type == "scale" and isinstance(clean, int):
        return _scale_text(fld, clean, lang)
    if isinstance(clean, int | float):
        return fmt_number(clean)
    return str(clean)


def _scale_text(fld: Field, value: int, lang: str | None) -> str:
    low, high = fmt_number(fld.minimum or 0), fmt_number(fld.maximum or 0)
    if fld.min_label and fld.max_label:
        span = f"{low} = {fld.min_label.get(lang)} … {high} = {fld.max_label.get(lang)}"
    else:
        span = f"{low}–{high}"
    return pick(f"{value}（{span}）", f"{value} ({span})", lang)
