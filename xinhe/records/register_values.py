"""Register values as people write them: dates in every usual shape (and Excel's serial
numbers), 出生年月 as a year, and the studio's words for categories, sources and statuses
matched to Xinhe's vocabulary."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from xinhe.errors import InvalidInput
from xinhe.records import vocab
from xinhe.records.register_read import Cell
from xinhe.records.typed_dates import EARLIEST_YEAR, parse_typed_date

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (it counts a 29 February 1900 that never was)
SERIAL_RANGE = (1, 2958465)  # day 1 to 9999-12-31
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_YEAR_MONTH = re.compile(r"^(\d{4})(?:年|[-/.年](\d{1,2})月?)?$")
_YEAR_MONTH_COMPACT = re.compile(r"^(\d{4})(\d{2})$")


class ValueProblem(Exception):
    """A cell that cannot be used, with a message in both languages (never the value)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def text_of(value: Cell) -> str:
    """A cell as text: numbers without a spurious .0 (Excel stores phone numbers as floats)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def read_date(value: Cell) -> date | None:
    """A date cell, an Excel serial number, or text such as 2019-03-05, 2019/3/5,
    2019年3月5日, 20190305 (a time of day after it is dropped)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 99991231:
            return read_date(str(int(number)))
        if SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + timedelta(days=int(number))
        raise _unreadable()
    raw = _TIME_TAIL.sub("", unicodedata.normalize("NFKC", str(value)).strip())
    text = "".join(raw.split())
    if text.isdigit() and len(text) == 5:  # a serial that came through CSV as text
        return read_date(int(text))
    try:
        typed = parse_typed_date(text)
    except InvalidInput:
        raise _unreadable() from None
    return typed.day if typed else None


def _unreadable() -> ValueProblem:
    return ValueProblem("无法识别这个日期（可写作 2019-03-05、2019/3/5、2019年3月5日 或 20190305）",
                        "the date cannot be read (write it as 2019-03-05, 2019/3/5, "
                        "2019年3月5日 or 20190305)")


def read_birth(value: Cell, today: date) -> tuple[str | None, int | None]:
    """(birth_date, birth_year) from a birth date, or from 出生年月 such as 1991.3,
    1991年3月, 1991-03 or 199103 (the client record keeps the year; the month is dropped).
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, float) and not value.is_integer() and 1900 <= value < 10000:
        year = int(value)  # 1991.3 typed into a number cell
    else:
        text = _normal(text_of(value))
        match = _YEAR_MONTH.match(text) or _YEAR_MONTH_COMPACT.match(text)
        if match and not isinstance(value, date):
            year = int(match.group(1))
            month = match.group(2)
            if month is not None and not 1 <= int(month) <= 12:
                raise _birth_unreadable()
        else:
            try:
                day = read_date(value)
            except ValueProblem:
                raise _birth_unreadable() from None
            if day is None:
                return None, None
            if day.year < EARLIEST_YEAR or day > today:
                raise _birth_unreadable()
            return day.isoformat(), day.year
    if not EARLIEST_YEAR <= year <= today.year:
        raise _birth_unreadable()
    return None, year


def _birth_unreadable() -> ValueProblem:
    return ValueProblem("无法识别出生日期或年月（可写作 1991-03-15、1991年3月 或 1991.3）",
                        "the date or month of birth cannot be read (write it as 1991-03-15, "
                        "1991年3月 or 1991.3)")


# Words studios write, beyond the vocabulary's own names; checked after an exact match.
CATEGORY_WORDS: tuple[tuple[str, str], ...] = (
    ("家暴", "domestic_violence"), ("家庭暴力", "domestic_violence"),
    ("暴力", "domestic_violence"), ("情感", "emotional_dispute"),
    ("感情", "emotional_dispute"), ("恋爱", "emotional_dispute"),
    ("婚姻", "marriage_family"), ("家庭纠纷", "marriage_family"),
    ("婆媳", "marriage_family"), ("离婚", "marriage_family"),
    ("未成年", "minor_protection"), ("儿童", "minor_protection"),
    ("心理危机", "psychological_crisis"), ("自杀", "psychological_crisis"),
    ("轻生", "psychological_crisis"), ("其他", "other"), ("其它", "other"),
)
SOURCE_WORDS: tuple[tuple[str, str], ...] = (
    ("平台", "platform"), ("派单", "platform"), ("分拨", "platform"),
    ("公安", "police"), ("派出所", "police"), ("110", "police"), ("警", "police"),
    ("法院", "court"), ("社区", "community"), ("居委", "community"), ("街道", "community"),
    ("村委", "community"), ("学校", "school"), ("医院", "hospital"), ("热线", "hotline"),
    ("12338", "hotline"), ("主动", "self"), ("自行", "self"), ("来访", "self"),
    ("本人", "self"), ("自来", "self"), ("求助", "self"),
)
STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("未结案", "active"), ("结案", "closed"), ("完结", "closed"), ("办结", "closed"),
    ("已完成", "closed"), ("关闭", "closed"), ("回访", "followup"), ("随访", "followup"),
    ("在办", "active"), ("跟进", "active"), ("进行", "active"), ("办理中", "active"),
    ("处理中", "active"), ("服务中", "active"), ("接案", "intake"), ("待处理", "intake"),
    ("未处理", "intake"), ("新", "intake"),
)
GENDER_WORDS: tuple[tuple[str, str], ...] = (
    ("女", "female"), ("f", "female"), ("男", "male"), ("m", "male"))

VOCABULARY: dict[str, tuple[vocab.Labels, tuple[tuple[str, str], ...]]] = {
    "category": (vocab.CATEGORIES, CATEGORY_WORDS),
    "source": (vocab.SOURCES, SOURCE_WORDS),
    "status": (vocab.STATUSES, STATUS_WORDS),
    "gender": (vocab.GENDERS, GENDER_WORDS),
}


def match_word(field_name: str, written: str, extra: dict[str, str] | None = None
               ) -> str | None:
    """The vocabulary code for what was written in a category, source, status or gender
    cell: the mapping file's own words first, then the code or its zh/en name, then the
    studio words above (家暴 → domestic_violence). None when nothing matches."""
    labels, words = VOCABULARY[field_name]
    key = _normal(written).lower()
    if not key:
        return None
    for word, code in (extra or {}).items():
        if _normal(word).lower() == key and code in labels:
            return code
    for code, (zh, en) in labels.items():
        if key in (code, _normal(zh).lower(), _normal(en).lower()):
            return code
    if field_name == "gender":
        return next((code for word, code in words if key == word), None)
    return next((code for word, code in words if word in key), None)


def read_id_number(value: Cell) -> str | None:
    """An ID number; one Excel turned into a number (3.2e17) has lost digits for good."""
    if isinstance(value, float) and value >= 1e15:
        raise ValueProblem("身份证号被 Excel 存成了数字，末几位已丢失；"
                           "请把该列设为“文本”后重新填写",
                           "Excel stored the ID number as a number and its last digits are "
                           "lost; format the column as text and type the numbers again")
    return text_of(value) or None
