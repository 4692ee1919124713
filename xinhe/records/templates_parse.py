"""Reading one template from JSON. Every problem is collected, not just the first, each with
the file and a JSON path to the part at fault (`sections[1].fields[3] (danger_weapon)`), so
the person fixing a template sees them all at once. A template with any problem is not used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from xinhe.records.templates_clocks import read_clock_triggers
from xinhe.records.templates_model import (
    CHOICE_TYPES,
    FIELD_TYPES,
    KINDS,
    AllOf,
    AnyOf,
    AnyYes,
    Condition,
    CountYes,
    Field,
    FieldAnswered,
    FieldInRange,
    FieldIs,
    FieldType,
    Kind,
    Option,
    Scalar,
    Section,
    Template,
    Text,
)
from xinhe.records.templates_reader import MAX_SCORE, Reader, TemplateProblem, at
from xinhe.records.templates_scoring_parse import ScoringReader
from xinhe.records.templates_values import Rejected, clean_value

MAX_FILE_BYTES = 1_000_000
MAX_CONDITION_DEPTH = 8

_COMMON_KEYS = ("help", "required", "visible_if")  # besides id, type and label
_TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "text": (), "long_text": (), "date": (),
    "yes_no": ("score", "allow_unknown"),
    "single_choice": ("options",), "multiple_choice": ("options",),
    "number": ("min", "max", "integer"),
    "scale": ("min", "max", "min_label", "max_label"),
}
_ALL_TYPE_KEYS = tuple(sorted({k for keys in _TYPE_KEYS.values() for k in keys}))


class _Conditions:
    """Reads conditions against the template's fields. For `visible_if`, `before` is the
    position of the part it guards: it may only depend on questions that come before it,
    which keeps a form free of cycles and lets it be shown in one pass."""

    def __init__(self, reader: Reader, fields: dict[str, Field], order: dict[str, int]) -> None:
        self.r = reader
        self.fields = fields
        self.order = order

    def read(self, raw: object, where: str, before: int | None, depth: int = 0) -> Condition | None:
        r = self.r
        if depth >= MAX_CONDITION_DEPTH:
            r.problem(where, "条件嵌套太深。", "the condition is nested too deeply.")
            return None
        if isinstance(raw, dict) and ("all" in raw or "any" in raw):
            key = "all" if "all" in raw else "any"
            if r.obj(raw, where, (key,)) is None:
                return None
            parts = [self.read(c, at(at(where, key), i), before, depth + 1)
                     for i, c in enumerate(r.items(raw[key], at(where, key)))]
            if not parts or None in parts:
                return None
            conditions = tuple(c for c in parts if c is not None)
            return AllOf(conditions) if key == "all" else AnyOf(conditions)
        if isinstance(raw, dict) and "any_yes" in raw:
            if r.obj(raw, where, ("any_yes",)) is None:
                return None
            names = self._yes_fields(raw["any_yes"], at(where, "any_yes"), before)
            return AnyYes(names) if names else None
        if isinstance(raw, dict) and "count_yes" in raw:
            if r.obj(raw, where, ("count_yes", "at_least")) is None:
                return None
            names = self._yes_fields(raw["count_yes"], at(where, "count_yes"), before)
            least = r.whole(raw.get("at_least"), at(where, "at_least"), 1, max(len(names), 1))
            return CountYes(names, least) if names and least is not None else None
        if isinstance(raw, dict) and "field" in raw:
            return self._field_test(raw, where, before)
        r.problem(where, "无法识别的条件：应使用 field、any_yes、count_yes、all 或 any。",
                  "unrecognised condition: use field, any_yes, count_yes, all or any.")
        return None

    def guard(self, pending: _Pending, before: int) -> Condition | None:
        """The display condition of a section or field at position `before`."""
        if pending.visible_if is None:
            return None
        return self.read(pending.visible_if, at(pending.where, "visible_if"), before)

    def ref(self, raw: object, where: str, before: int | None) -> Field | None:
        if not isinstance(raw, str):
            self.r.problem(where, "这里应填写一个字段标识（文字）。",
                           "this should be a field id (text).")
            return None
        fld = self.fields.get(raw)
        if fld is None and self.r.is_broken(raw):
            return None
        if fld is None:
            self.r.problem(where, f"引用的字段“{raw}”不在此模板中。",
                           f'it names a field "{raw}" that is not in this template.')
            return None
        if before is not None and self.order[fld.id] >= before:
            self.r.problem(where, f"显示条件只能依据排在前面的问题，而“{fld.id}”不在前面。",
                           f'a display condition can only depend on an earlier question, and '
                           f'"{fld.id}" does not come earlier.')
            return None
        return fld

    def _yes_fields(self, raw: object, where: str, before: int | None) -> tuple[str, ...]:
        """The named yes/no fields, or () when any of them is not one."""
        items = self.r.items(raw, where)
        names: list[str] = []
        for i, name in enumerate(items):
            fld = self.ref(name, at(where, i), before)
            if fld is not None and fld.type != "yes_no":
                self.r.problem(at(where, i), f"“{fld.id}”不是是/否题，不能按“是”计数。",
                               f'"{fld.id}" is not a yes/no question, so it cannot be counted '
                               'as yes.')
            elif fld is not None:
                names.append(fld.id)
        return tuple(names) if len(names) == len(items) else ()

    def _field_test(self, raw: dict[str, Any], where: str, before: int | None) -> Condition | None:
        r = self.r
        ops = [k for k in ("equals", "in", "answered") if k in raw]
        ranged = [k for k in ("at_least", "at_most") if k in raw]
        if r.obj(raw, where, ("field",), ("equals", "in", "answered", "at_least", "at_most")) \
                is None:
            return None
        if len(ops) + (1 if ranged else 0) != 1:
            r.problem(where, "字段条件需要且只能有 equals、in、answered 或 at_least/at_most 之一。",
                      "a field condition needs exactly one of equals, in, answered or "
                      "at_least/at_most.")
            return None
        fld = self.ref(raw["field"], at(where, "field"), before)
        if fld is None:
            return None
        if ranged:
            if fld.type not in ("number", "scale"):
                r.problem(where, "at_least/at_most 只能用于数字或量表题。",
                          "at_least/at_most only apply to number and scale questions.")
                return None
            bounds = {k: r.number(raw[k], at(where, k)) for k in ranged}
            if None in bounds.values():
                return None
            return FieldInRange(fld.id, bounds.get("at_least"), bounds.get("at_most"))
        if ops == ["answered"]:
            return FieldAnswered(fld.id, r.flag(raw, "answered", where, True))
        op = ops[0]
        values = self._values(fld, raw[op] if op == "in" else [raw[op]], at(where, op), op)
        if values is None:
            return None
        return FieldIs(fld.id, values, "equals" if op == "equals" else "in")

    def _values(self, fld: Field, raw: object, where: str, op: str) -> tuple[Scalar, ...] | None:
        r = self.r
        if fld.type in ("text", "long_text", "date"):
            r.problem(where, "文字和日期题只能用 answered 作条件。",
                      "text and date questions can only be tested with answered.")
            return None
        if fld.type == "multiple_choice" and op == "equals":
            r.problem(where, "多选题请用 in 列出选项。", "for a multiple-choice question, list "
                      "the options with in.")
            return None
        values: list[Scalar] = []
        single = replace(fld, type="single_choice") if fld.type == "multiple_choice" else fld
        for i, value in enumerate(r.items(raw, where)):
            spot = at(where, i) if op == "in" else where
            if fld.type in ("number", "scale") and not isinstance(value, int | float):
                r.problem(spot, "这里应为一个数字。", "this should be a number.")
                return None
            try:
                values.append(cast(Scalar, clean_value(single, value)))
            except Rejected as bad:
                r.problem(spot, f"这个值不可能出现：{bad.zh}", f"this value cannot occur: {bad.en}")
                return None
        return tuple(values) or None


@dataclass(frozen=True)
class _Pending:
    """A section or field read without its display condition, and that condition raw."""

    where: str
    visible_if: object


def _read_sections(r: Reader, raw: object) -> list[tuple[Section, _Pending, list[_Pending]]]:
    """Sections and their fields without display conditions (those are read once every field
    is known), each with the raw conditions of the section and of its fields."""
    result: list[tuple[Section, _Pending, list[_Pending]]] = []
    seen_sections: set[str] = set()
    seen_fields: set[str] = set()
    for si, raw_section in enumerate(r.items(raw, "sections")):
        where = at("sections", si)
        obj = r.obj(raw_section, where, ("id", "label", "fields"), ("help", "visible_if"))
        if obj is None:
            continue
        sid = r.ident(obj.get("id"), at(where, "id")) if "id" in obj else None
        if sid is not None:
            if sid in seen_sections:
                r.problem(at(where, "id"), f"分区标识“{sid}”重复。",
                          f'section id "{sid}" is used twice.')
            seen_sections.add(sid)
        label = r.text(obj["label"], at(where, "label")) if "label" in obj else None
        help_text = r.optional_text(obj, "help", where)
        fields: list[Field] = []
        pending: list[_Pending] = []
        for fi, raw_field in enumerate(r.items(obj.get("fields"), at(where, "fields"))):
            fwhere = at(at(where, "fields"), fi)
            fld = read_field(r, raw_field, fwhere)
            if fld is None:
                if isinstance(raw_field, dict) and isinstance(raw_field.get("id"), str):
                    r.broken_ids.add(raw_field["id"])
                continue
            fwhere = r.named(fwhere, raw_field)
            if fld.id in seen_fields:
                r.problem(fwhere, f"字段标识“{fld.id}”在模板中重复。",
                          f'field id "{fld.id}" is used twice in the template.')
                continue
            seen_fields.add(fld.id)
            fields.append(fld)
            pending.append(_Pending(fwhere, raw_field.get("visible_if")))
        if sid is not None and label is not None:
            section = Section(sid, label, tuple(fields), help_text)
            result.append((section, _Pending(where, obj.get("visible_if")), pending))
    return result


def read_field(r: Reader, raw: object, where: str) -> Field | None:
    """One field, without its display condition (read later, once all fields are known)."""
    ftype = raw.get("type") if isinstance(raw, dict) else None
    allowed = _TYPE_KEYS.get(ftype, _ALL_TYPE_KEYS) if isinstance(ftype, str) else _ALL_TYPE_KEYS
    problems_before = len(r.problems)
    where = r.named(where, raw)
    obj = r.obj(raw, where, ("id", "type", "label"), _COMMON_KEYS + allowed)
    if obj is None:
        return None
    fid = r.ident(obj["id"], at(where, "id")) if "id" in obj else None
    if ftype not in FIELD_TYPES:
        r.problem(at(where, "type"), f"未知的字段类型“{ftype}”；可用：{'、'.join(FIELD_TYPES)}。",
                  f'unknown field type "{ftype}"; use one of: {", ".join(FIELD_TYPES)}.')
    label = r.text(obj.get("label"), at(where, "label")) if "label" in obj else None
    fld = Field(
        id=fid or "", type=cast(FieldType, ftype), label=label or Text("", ""),
        required=r.flag(obj, "required", where, False),
        help=r.optional_text(obj, "help", where),
    )
    if ftype in CHOICE_TYPES:
        fld = replace(fld, options=_options(r, obj.get("options"), at(where, "options")))
    elif ftype == "yes_no":
        score = obj.get("score")
        fld = replace(fld, allow_unknown=r.flag(obj, "allow_unknown", where, False),
                      score=None if score is None else r.whole(score, at(where, "score"), 0,
                                                               MAX_SCORE))
    elif ftype in ("number", "scale"):
        fld = _numeric(r, obj, where, fld)
    if len(r.problems) > problems_before or fid is None or label is None:
        return None
    return fld


def _options(r: Reader, raw: object, where: str) -> tuple[Option, ...]:
    options: list[Option] = []
    items = r.items(raw, where)
    if len(items) == 1:
        r.problem(where, "选择题至少需要两个选项。",
                  "a choice question needs at least two options.")
    for i, raw_option in enumerate(items):
        owhere = r.named(at(where, i), raw_option)
        obj = r.obj(raw_option, owhere, ("id", "label"), ("score",))
        if obj is None:
            continue
        oid = r.ident(obj.get("id"), at(owhere, "id")) if "id" in obj else None
        if oid is not None and any(o.id == oid for o in options):
            r.problem(owhere, f"选项标识“{oid}”重复。", f'option id "{oid}" is used twice.')
        label = r.text(obj.get("label"), at(owhere, "label")) if "label" in obj else None
        score = obj.get("score")
        points = None if score is None else r.whole(score, at(owhere, "score"), 0, MAX_SCORE)
        if oid is not None and label is not None:
            options.append(Option(oid, label, points))
    return tuple(options)


def _numeric(r: Reader, obj: dict[str, Any], where: str, fld: Field) -> Field:
    scale = fld.type == "scale"
    if scale:
        for key in ("min", "max"):
            if key not in obj:
                r.problem(where, f"量表题需要“{key}”。", f'a scale question needs "{key}".')
    integer = True if scale else r.flag(obj, "integer", where, True)
    bounds: list[float | None] = []
    for key in ("min", "max"):
        value = r.number(obj[key], at(where, key)) if key in obj else None
        if value is not None and integer and not float(value).is_integer():
            r.problem(at(where, key), "整数题的上下限应为整数。",
                      "the limits of a whole-number question must be whole numbers.")
            value = None
        bounds.append(int(value) if value is not None and integer else value)
    low, high = bounds
    if low is not None and high is not None and (low > high or (scale and low == high)):
        r.problem(where, "最小值应小于最大值。", "min must be below max.")
    if scale and low is not None and high is not None and high - low > 100:
        r.problem(where, "量表最多 101 个刻度。", "a scale has at most 101 points.")
    return replace(fld, minimum=low, maximum=high, integer=integer,
                   min_label=r.optional_text(obj, "min_label", where),
                   max_label=r.optional_text(obj, "max_label", where))


def parse_template(data: object, file: Path) -> tuple[Template | None, list[TemplateProblem]]:
    """A template from its decoded JSON, or None and every problem found in it."""
    r = Reader(file)
    top = r.obj(data, "", ("id", "version", "kind", "label", "sections"),
                ("description", "scoring", "clocks"))
    if top is None:
        return None, r.problems
    tid = r.ident(top.get("id"), "id") if "id" in top else None
    version = r.whole(top["version"], "version", 1, 1_000_000) if "version" in top else None
    kind = top.get("kind")
    if "kind" in top and kind not in KINDS:
        r.problem("kind", f"未知的模板类别“{kind}”；可用：{'、'.join(KINDS)}。",
                  f'unknown kind "{kind}"; use one of: {", ".join(KINDS)}.')
    label = r.text(top["label"], "label") if "label" in top else None
    description = r.optional_text(top, "description", "")
    read = _read_sections(r, top.get("sections"))
    fields = {f.id: f for section, _, _ in read for f in section.fields}
    conditions = _Conditions(r, fields, {fid: i for i, fid in enumerate(fields)})
    sections: list[Section] = []
    start = 0  # the position of the section's first field among all fields
    for section, guard, field_guards in read:
        visible_if = conditions.guard(guard, start)
        guarded = tuple(replace(fld, visible_if=conditions.guard(pending, start + i))
                        for i, (fld, pending) in enumerate(zip(section.fields, field_guards,
                                                               strict=True)))
        sections.append(replace(section, fields=guarded, visible_if=visible_if))
        start += len(guarded)
    scoring = ScoringReader(r, fields, conditions.read).read(top.get("scoring"))
    clocks = read_clock_triggers(r, fields, conditions.read, top.get("clocks"))
    if r.problems or tid is None or version is None or label is None:
        return None, r.problems
    return Template(tid, version, cast(Kind, kind), label, tuple(sections), description,
                    scoring, file, clocks), r.problems


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def read_template_file(path: Path) -> tuple[Template | None, list[TemplateProblem]]:
    """Read, decode and parse one template file; never raises for a bad file."""
    r = Reader(path)
    try:
        raw = path.read_bytes()
    except OSError:
        r.problem("", "无法读取此文件。", "the file cannot be read.")
        return None, r.problems
    if len(raw) > MAX_FILE_BYTES:
        r.problem("", "文件太大（超过 1 MB），不像是模板。", "the file is too large (over 1 MB) "
                  "to be a template.")
        return None, r.problems
    try:
        text = raw.decode("utf-8-sig")  # Windows editors often add a byte-order mark
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys,
                          parse_constant=_no_constant)
    except UnicodeDecodeError:
        r.problem("", "文件不是 UTF-8 编码。", "the file is not UTF-8 encoded.")
        return None, r.problems
    except json.JSONDecodeError as exc:
        r.problem("", f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}。",
                  f"invalid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}.")
        return None, r.problems
    except _DuplicateKey as exc:
        r.problem("", f"同一个对象里“{exc}”出现了两次。", f'"{exc}" appears twice in one object.')
        return None, r.problems
    except (ValueError, RecursionError):
        r.problem("", "JSON 格式错误。", "invalid JSON.")
        return None, r.problems
    return parse_template(data, path)
