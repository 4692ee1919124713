"""Answers to a template: which questions are shown, checking and cleaning what was entered,
and showing the answers as text.

Answers are a JSON object mapping field ids to values: text for text and long text, true /
false (or "unknown" where allowed) for yes/no, an option id for single choice, a list of
option ids for multiple choice, "YYYY-MM-DD" for a date, a number for number and scale.
Blank answers (missing, "", [], null) count as not answered. Answers to questions that are
not shown are dropped, so a condition changed after typing never leaves hidden data behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from xinhe.errors import InvalidInput
from xinhe.i18n import pick
from xinhe.records.templates_model import (
    AllOf,
    Answer,
    AnyOf,
    AnyYes,
    Condition,
    CountYes,
    Field,
    FieldAnswered,
    FieldInRange,
    FieldIs,
    Section,
    Template,
    Text,
)
from xinhe.records.templates_reader import IDENT
from xinhe.records.templates_values import Rejected, clean_value, display_value, is_blank

IssueKind = Literal["missing", "invalid", "unknown_field", "not_a_mapping"]


@dataclass(frozen=True)
class AnswerIssue:
    """One thing wrong with a set of answers. `field_id` is None when not about one field."""

    field_id: str | None
    kind: IssueKind
    zh: str
    en: str


class InvalidAnswer(InvalidInput):
    """Answers that do not fit their template. The message names the first field at fault
    by its label (the id is for code: `field_id`); `issues` lists them all, so a form can
    mark every one."""

    def __init__(self, issues: Sequence[AnswerIssue]) -> None:
        first, more = issues[0], len(issues) - 1
        super().__init__(first.zh + (f"（另有 {more} 处需要修改）" if more else ""),
                         first.en + (f" ({more} more to fix)" if more else ""))
        self.issues = tuple(issues)

    @property
    def field_id(self) -> str | None:
        return self.issues[0].field_id


def holds(condition: Condition, answers: Mapping[str, Answer]) -> bool:
    """Whether a condition holds for cleaned answers (a question not answered matches no
    value and counts as not yes)."""
    match condition:
        case FieldIs(field=f, values=values):
            answer = answers.get(f)
            if isinstance(answer, list):
                return any(v in answer for v in values)
            return answer is not None and answer in values
        case FieldInRange(field=f, at_least=low, at_most=high):
            answer = answers.get(f)
            if isinstance(answer, bool) or not isinstance(answer, int | float):
                return False
            return (low is None or answer >= low) and (high is None or answer <= high)
        case FieldAnswered(field=f, answered=answered):
            return (f in answers) == answered
        case AnyYes(fields=names):
            return any(answers.get(f) is True for f in names)
        case CountYes(fields=names, at_least=least):
            return sum(answers.get(f) is True for f in names) >= least
        case AllOf(conditions=parts):
            return all(holds(c, answers) for c in parts)
        case AnyOf(conditions=parts):
            return any(holds(c, answers) for c in parts)
    raise TypeError(condition)  # pragma: no cover - the union is exhausted above


@dataclass
class Walk:
    """One pass over a form in order: the questions shown, the answers that fit, the rest."""

    shown: list[tuple[Section, Field]] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    issues: list[AnswerIssue] = field(default_factory=list)


def _named(fld: Field, zh: str, en: str) -> tuple[str, str]:
    # The label only: a counsellor reads this, the field id means nothing to her.
    return f"“{fld.label.zh}”：{zh}", f'"{fld.label.en}": {en}'


def walk(template: Template, answers: Mapping[str, object]) -> Walk:
    """Go through the form as a person would: a question's display condition reads only the
    answers already given to the questions shown before it."""
    result = Walk()
    for section in template.sections:
        if section.visible_if is not None and not holds(section.visible_if, result.answers):
            continue
        for fld in section.fields:
            if fld.visible_if is not None and not holds(fld.visible_if, result.answers):
                continue
            result.shown.append((section, fld))
            raw = answers.get(fld.id)
            if is_blank(raw):
                if fld.required:
                    zh, en = _named(fld, "此题必填。", "this question must be answered.")
                    result.issues.append(AnswerIssue(fld.id, "missing", zh, en))
                continue
            try:
                result.answers[fld.id] = clean_value(fld, raw)
            except Rejected as bad:
                zh, en = _named(fld, bad.zh, bad.en)
                result.issues.append(AnswerIssue(fld.id, "invalid", zh, en))
    return result


def _unknown_fields(template: Template, answers: Mapping[str, object]) -> list[AnswerIssue]:
    issues = []
    for key in answers:
        if isinstance(key, str) and template.field(key) is not None:
            continue
        # A key is echoed only when it looks like an id: anything else may be client text.
        name = key if isinstance(key, str) and IDENT.fullmatch(key) else None
        where_zh = f"模板“{template.label.zh}”（第 {template.version} 版）"
        where_en = f'the template "{template.label.en}" (version {template.version})'
        issues.append(AnswerIssue(
            name, "unknown_field",
            f"答案中的字段“{name}”不在{where_zh}中。" if name else
            f"答案中有一个无效的字段标识，不属于{where_zh}。",
            f'the answers name a field "{name}" that is not in {where_en}.' if name else
            f"the answers hold a field id that is not valid for {where_en}."))
    return issues


def validate_answers(template: Template, answers: Mapping[str, object], *,
                     partial: bool = False) -> dict[str, Answer]:
    """Check answers against their template and return them cleaned, in form order.

    Raises InvalidAnswer (an InvalidInput) naming the field by label and id for an unknown
    field, a value of the wrong type, an unknown option, a number or scale out of range or
    not a number, a malformed date, and (unless `partial`, for drafts) a required question
    that is shown but not answered. Answers to questions not shown are dropped.
    """
    return checked_walk(template, answers, partial=partial).answers


def checked_walk(template: Template, answers: Mapping[str, object], *,
                 partial: bool = False) -> Walk:
    """`walk`, raising InvalidAnswer as `validate_answers` describes."""
    if not isinstance(answers, Mapping):
        raise InvalidAnswer([AnswerIssue(None, "not_a_mapping",
                                         "答案应为“字段标识 → 答案”的对应表。",
                                         "answers must map field ids to answers.")])
    result = walk(template, answers)
    issues = _unknown_fields(template, answers) + [
        i for i in result.issues if not (partial and i.kind == "missing")]
    if issues:
        raise InvalidAnswer(issues)
    return result


def visible_field_ids(template: Template, answers: Mapping[str, object]) -> frozenset[str]:
    """The ids of the questions shown for these answers (which may be incomplete or still
    hold mistakes: an answer that does not fit counts as not given)."""
    if not isinstance(answers, Mapping):
        answers = {}
    return frozenset(fld.id for _, fld in walk(template, answers).shown)


class AnswerRow(NamedTuple):
    """One answered question as shown to a reader."""

    section: str
    field: str
    value: str


_OTHER = Text("其他（此版本模板中没有的字段）", "Other (fields not in this template version)")


def answer_rows(template: Template, answers: Mapping[str, object],
                lang: str | None = None) -> list[AnswerRow]:
    """(section label, field label, display value) for each answered question shown, in form
    order, with the labels of the answers' own template version. Stored values that no longer
    fit (a damaged record) are shown as they are, never hidden: records may be read in court."""
    if not isinstance(answers, Mapping):
        return []
    rows = [AnswerRow(section.label.get(lang), fld.label.get(lang),
                      display_value(fld, answers[fld.id], lang))
            for section, fld in walk(template, answers).shown if not is_blank(answers.get(fld.id))]
    other = _OTHER.get(lang)
    rows += [AnswerRow(other, str(key), str(value)) for key, value in answers.items()
             if not (isinstance(key, str) and template.field(key)) and not is_blank(value)]
    return rows


def render_text(template: Template, answers: Mapping[str, object],
                lang: str | None = None) -> str:
    """The answers as plain "label: value" text under section headings, for search indexing
    and PDFs. Multi-line answers are indented under their label."""
    colon = pick("：", ": ", lang)
    lines = [pick(f"{template.label.zh}（第 {template.version} 版）",
                  f"{template.label.en} (version {template.version})", lang)]
    section = None
    for row in answer_rows(template, answers, lang):
        if row.section != section:
            section = row.section
            lines += ["", pick(f"【{section}】", f"[{section}]", lang)]
        if "\n" in row.value:
            lines.append(row.field + colon.rstrip())
            lines += ["  " + line for line in row.value.split("\n")]
        else:
            lines.append(row.field + colon + row.value)
    return "\n".join(lines) + "\n"
