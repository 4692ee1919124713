"""The dry run of a register import: every row read, checked and described, nothing written.

What a row's description holds is what the importer may see (docs/register-import.md):
the client only as a masked name, the case's structure (category, source, status, dates,
counsellor), whether a summary note comes with it, and each problem by row and column.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from xinhe.i18n import pick
from xinhe.records.clients import mask_name
from xinhe.records.common import digits_key, text_key
from xinhe.records.register_map import FIELDS, Layout, Mapping
from xinhe.records.register_read import Cell, Sheet
from xinhe.records.register_values import (
    ValueProblem,
    match_word,
    read_birth,
    read_date,
    read_id_number,
    text_of,
)

TOTAL_WORDS = ("合计", "总计", "小计", "共计", "总数", "汇总", "total", "sum", "subtotal")


@dataclass(frozen=True)
class Problem:
    """Why a row (or the file) cannot be imported, by row number and column header."""

    row: int | None
    column: str | None
    zh: str
    en: str
    field: str | None = None  # for a vocabulary value that matched nothing:
    written: str | None = None  # the field and what was written (shown for fixing)

    def message(self, lang: str | None = None) -> str:
        where_zh = "".join([f"第 {self.row} 行" if self.row else "",
                            f"“{self.column}”列" if self.column else ""])
        where_en = ", ".join([f"row {self.row}" if self.row else "",
                              f"column '{self.column}'" if self.column else ""]).strip(", ")
        return pick(f"{where_zh}：{self.zh}" if where_zh else self.zh,
                    f"{where_en}: {self.en}" if where_en else self.en, lang)


@dataclass(frozen=True)
class RowPlan:
    """One row of the register and what the import would do with it:
    "create", "imported" (created by an earlier import), "repeat" (same as an earlier row),
    "total" (a total row, ignored) or "error"."""

    row: int
    action: str
    client: str = ""  # masked
    category: str | None = None
    source: str | None = None
    status: str | None = None
    opened_on: str | None = None
    closed_on: str | None = None
    counsellor: str | None = None  # display name of the responsible counsellor
    assigned: bool = False  # the sheet's counsellor has no account: --assign-to was used
    has_note: bool = False
    same_as: int | None = None
    problems: tuple[Problem, ...] = ()
    values: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    key: str = field(default="", repr=False)


@dataclass(frozen=True)
class Counsellor:
    user_id: int
    username: str
    display_name: str


class Counsellors:
    """Who can be made responsible: active counsellors and supervisors, by login or name."""

    def __init__(self, rows: list[Any]) -> None:
        self.by_key: dict[str, list[Counsellor]] = {}
        for r in rows:
            person = Counsellor(int(r["id"]), r["username"], r["display_name"])
            for key in {text_key(person.username), text_key(person.display_name)}:
                self.by_key.setdefault(key, []).append(person)

    def find(self, written: str) -> list[Counsellor]:
        return list(dict.fromkeys(self.by_key.get(text_key(written), [])))


@dataclass
class PlanContext:
    sheet: Sheet
    layout: Layout
    mapping: Mapping
    counsellors: Counsellors
    assign_to: Counsellor | None
    imported_keys: set[str]
    salt: bytes
    today: date
    seen: dict[str, int] = field(default_factory=dict)


def is_blank(values: tuple[Cell, ...]) -> bool:
    return all(v is None or str(v).strip() == "" for v in values)


def is_total(values: tuple[Cell, ...]) -> bool:
    first = next((text_of(v) for v in values if v is not None and text_of(v)), "")
    word = "".join(first.split()).lower().rstrip(":：")
    return any(word == w or word.startswith(w) for w in TOTAL_WORDS)


def row_key(values: dict[str, Any], salt: bytes) -> str:
    """Who and which case, keyed: the same row read from a re-saved or re-ordered sheet has
    the same key, so a second import of it creates nothing."""
    material = "\x1f".join(str(values.get(k) or "") for k in (
        "name_key", "birth_date", "birth_year", "id_key", "phone_key", "category",
        "opened_on"))
    return hmac.new(salt, material.encode("utf-8"), hashlib.sha256).hexdigest()


def plan_row(ctx: PlanContext, row_no: int, cells: tuple[Cell, ...]) -> RowPlan:
    """Read one data row into what would be created, or the problems that stop it."""
    layout, mapping = ctx.layout, ctx.mapping
    problems: list[Problem] = []

    def cell(name: str) -> tuple[Cell, str | None]:
        index = layout.column_of(name)
        value = cells[index] if index is not None and index < len(cells) else None
        header = layout.headers[index] if index is not None else None
        if (value is None or text_of(value) == "") and name in mapping.defaults:
            return mapping.defaults[name], header
        return value, header

    def problem(header: str | None, zh: str, en: str) -> None:
        problems.append(Problem(row_no, header, zh, en))

    values: dict[str, Any] = {}
    name, header = cell("name")
    values["name"] = text_of(name)
    if not values["name"]:
        problem(header or FIELDS["name"][0], "姓名为空", "the name is empty")
    for word_field in ("category", "source", "status", "gender"):
        raw, header = cell(word_field)
        written = text_of(raw)
        code = match_word(word_field, written, mapping.values.get(word_field))
        values[word_field] = code
        if written and code is None:
            problems.append(Problem(row_no, header,
                                    f"“{written}”不是可识别的{FIELDS[word_field][0]}",
                                    f"'{written}' is not a known "
                                    f"{FIELDS[word_field][1].lower()}", word_field, written))
        elif not written and word_field in ("category", "source"):
            problem(header or FIELDS[word_field][0], f"{FIELDS[word_field][0]}为空",
                    f"the {FIELDS[word_field][1].lower()} is empty")
    for date_field in ("opened_at", "closed_at"):
        raw, header = cell(date_field)
        try:
            day = read_date(raw)
        except ValueProblem as exc:
            problem(header, exc.zh, exc.en)
            day = None
        else:
            if day is not None and day > ctx.today:
                problem(header, "日期在今天之后", "the date is after today")
            if day is None and date_field == "opened_at":
                problem(header or FIELDS["opened_at"][0], "开案日期为空",
                        "the date opened is empty")
        values[date_field.replace("_at", "_on")] = day.isoformat() if day else None
    _status(values, problem, cell)
    raw, header = cell("birth")
    try:
        values["birth_date"], values["birth_year"] = read_birth(raw, ctx.today)
    except ValueProblem as exc:
        problem(header, exc.zh, exc.en)
    raw, header = cell("id_number")
    try:
        values["id_number"] = read_id_number(raw)
    except ValueProblem as exc:
        problem(header, exc.zh, exc.en)
    for plain in ("phone", "address", "street", "community", "summary", "platform_ref"):
        values[plain] = text_of(cell(plain)[0]) or None
    counsellor, assigned = _counsellor(ctx, cell, problem)
    values.update(name_key=text_key(values["name"]), id_key=digits_key(values.get("id_number")),
                  phone_key=digits_key(values.get("phone")))
    key = row_key(values, ctx.salt) if not problems else ""
    action, same_as = "error" if problems else "create", None
    if key and key in ctx.imported_keys:
        action = "imported"
    elif key and key in ctx.seen:
        action, same_as = "repeat", ctx.seen[key]
    elif key:
        ctx.seen[key] = row_no
    if counsellor is not None:
        values["counsellor_id"] = counsellor.user_id
    return RowPlan(row_no, action, mask_name(values["name"]) if values["name"] else "",
                   values["category"], values["source"], values["status"],
                   values["opened_on"], values["closed_on"],
                   counsellor.display_name if counsellor else None, assigned,
                   bool(values["summary"]), same_as, tuple(problems), values, key)


def _status(values: dict[str, Any], problem: Any, cell: Any) -> None:
    status, closed = values["status"], values["closed_on"]
    _raw, header = cell("status")
    closed_header = cell("closed_at")[1] or FIELDS["closed_at"][0]
    if status is None:
        values["status"] = "closed" if closed else "active"
    elif status == "closed" and not closed:
        problem(closed_header, "已结案的个案需要结案日期", "a closed case needs the date closed")
    elif status != "closed" and closed:
        problem(header, "填了结案日期，但状态不是已结案",
                "a date closed is given but the status is not closed")
    opened = values["opened_on"]
    if closed and opened and closed < opened:
        problem(closed_header, "结案日期早于开案日期", "the date closed is before the date opened")


def _counsellor(ctx: PlanContext, cell: Any, problem: Any) -> tuple[Counsellor | None, bool]:
    raw, header = cell("counsellor")
    written = text_of(raw)
    if written:
        found = ctx.counsellors.find(written)
        if len(found) == 1:
            return found[0], False
        if len(found) > 1:
            problem(header, f"“{written}”对应多个账户，请在表中写登录名",
                    f"'{written}' matches several accounts; write the login name instead")
            return None, False
    if ctx.assign_to is not None:
        return ctx.assign_to, bool(written)
    if written:
        problem(header, f"咨询师“{written}”没有在用的账户；"
                "请先建账户，或指定统一负责人（--assign-to）",
                f"counsellor '{written}' has no active account; add the account, or choose "
                "who takes these cases (--assign-to)")
    else:
        problem(header or FIELDS["counsellor"][0],
                "没有写负责咨询师；请指定统一负责人（--assign-to）",
                "no counsellor is named; choose who takes these cases (--assign-to)")
    return None, False
