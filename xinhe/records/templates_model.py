"""The parsed form of a structured template: plain frozen dataclasses, no behaviour beyond
lookups. The JSON format they come from is described in `xinhe.records.templates`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal, get_args

from xinhe.i18n import pick

Kind = Literal["intake", "assessment", "safety_plan", "note", "crisis", "followup",
               "mandatory_report"]
FieldType = Literal["text", "long_text", "yes_no", "single_choice", "multiple_choice", "date",
                    "number", "scale"]
Level = Literal["low", "medium", "high"]

KINDS: tuple[Kind, ...] = get_args(Kind)
FIELD_TYPES: tuple[FieldType, ...] = get_args(FieldType)
LEVELS: tuple[Level, ...] = get_args(Level)  # lowest first: the order levels are compared in
CHOICE_TYPES: tuple[FieldType, ...] = ("single_choice", "multiple_choice")

UNKNOWN = "unknown"  # the third answer of a yes/no field that allows it
Scalar = bool | int | float | str
Answer = bool | int | float | str | list[str]


@dataclass(frozen=True)
class Text:
    """A text in both languages; Chinese is the default."""

    zh: str
    en: str

    def get(self, lang: str | None = None) -> str:
        return pick(self.zh, self.en, lang)


KIND_LABELS: dict[Kind, Text] = {
    "intake": Text("接案登记", "Intake"),
    "assessment": Text("风险评估", "Assessment"),
    "safety_plan": Text("安全计划", "Safety plan"),
    "note": Text("咨询记录", "Session note"),
    "crisis": Text("危机干预", "Crisis intervention"),
    "followup": Text("回访", "Follow-up"),
    "mandatory_report": Text("强制报告", "Mandatory report"),
}
LEVEL_LABELS: dict[Level, Text] = {
    "high": Text("高风险", "High risk"),
    "medium": Text("中风险", "Medium risk"),
    "low": Text("低风险", "Low risk"),
}


# -- conditions: when a section or field is shown, when a scoring rule fires -----------------

@dataclass(frozen=True)
class FieldIs:
    """`{"field": f, "equals": v}` or `{"field": f, "in": [v, ...]}`. On a multiple-choice
    field it holds when any of the values is among the selected options."""

    field: str
    values: tuple[Scalar, ...]
    op: Literal["equals", "in"] = "in"


@dataclass(frozen=True)
class FieldInRange:
    """`{"field": f, "at_least": a}`, `{"field": f, "at_most": b}` or both, on a number or
    scale field."""

    field: str
    at_least: float | None = None
    at_most: float | None = None


@dataclass(frozen=True)
class FieldAnswered:
    """`{"field": f, "answered": true|false}`."""

    field: str
    answered: bool = True


@dataclass(frozen=True)
class AnyYes:
    """`{"any_yes": [f, ...]}`: at least one of these yes/no fields is answered yes."""

    fields: tuple[str, ...]


@dataclass(frozen=True)
class CountYes:
    """`{"count_yes": [f, ...], "at_least": n}`: n or more of them are answered yes."""

    fields: tuple[str, ...]
    at_least: int


@dataclass(frozen=True)
class AllOf:
    """`{"all": [condition, ...]}`."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """`{"any": [condition, ...]}`."""

    conditions: tuple[Condition, ...]


Condition = FieldIs | FieldInRange | FieldAnswered | AnyYes | CountYes | AllOf | AnyOf


def condition_fields(condition: Condition) -> tuple[str, ...]:
    """Every field id a condition reads, in the order it names them."""
    match condition:
        case FieldIs(field=f) | FieldInRange(field=f) | FieldAnswered(field=f):
            return (f,)
        case AnyYes(fields=fs) | CountYes(fields=fs):
            return fs
        case AllOf(conditions=cs) | AnyOf(conditions=cs):
            return tuple(f for c in cs for f in condition_fields(c))
    raise TypeError(condition)  # pragma: no cover - the union is exhausted above


# -- the form ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    """One answer of a choice question; `score` is the points it adds to totals."""

    id: str
    label: Text
    score: int | None = None


@dataclass(frozen=True)
class Field:
    """One question. Attributes that do not belong to its type keep their defaults."""

    id: str
    type: FieldType
    label: Text
    required: bool = False
    help: Text | None = None
    visible_if: Condition | None = None
    options: tuple[Option, ...] = ()  # single_choice, multiple_choice
    score: int | None = None  # yes_no: points when answered yes
    allow_unknown: bool = False  # yes_no: "unknown" is a valid answer
    minimum: float | None = None  # number, scale
    maximum: float | None = None  # number, scale
    integer: bool = True  # number: whole numbers only (a scale always is)
    min_label: Text | None = None  # scale
    max_label: Text | None = None  # scale

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def scored(self) -> bool:
        """Whether an answer to this field can add points to a total."""
        return self.score is not None or any(o.score is not None for o in self.options)

    @property
    def max_points(self) -> int:
        """The most points one answer can add (scores are never negative)."""
        if self.type == "yes_no":
            return self.score or 0
        points = [o.score or 0 for o in self.options]
        if self.type == "multiple_choice":
            return sum(points)
        return max(points, default=0)


@dataclass(frozen=True)
class Section:
    """A titled group of questions, shown or hidden as a whole."""

    id: str
    label: Text
    fields: tuple[Field, ...]
    help: Text | None = None
    visible_if: Condition | None = None


@dataclass(frozen=True)
class Band:
    """Totals from `minimum` to `maximum` (inclusive; None: no upper end) mean `level`."""

    minimum: int
    maximum: int | None
    level: Level
    label: Text


@dataclass(frozen=True)
class Total:
    """A named sum of the points of `fields`, optionally banded."""

    id: str
    label: Text
    fields: tuple[str, ...]
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True)
class Rule:
    """When `when` holds, the result is at least `level` (None: a reason shown, no level)."""

    id: str
    when: Condition
    reason: Text
    level: Level | None = None


@dataclass(frozen=True)
class Scoring:
    """How answers give a level: totals with bands, and rules (both may be empty)."""

    totals: tuple[Total, ...] = ()
    rules: tuple[Rule, ...] = ()


CLOCK_KINDS: dict[str, Text] = {
    "minor_report": Text("向公安机关报告（未成年人受侵害）",
                         "Report to the police (harm to a minor)"),
    "warning_followup": Text("告诫书后七日内回访", "Visit within 7 days of a warning letter"),
    "po_application": Text("人身安全保护令申请", "Protection-order application"),
}


@dataclass(frozen=True)
class ClockTrigger:
    """`{"start": KIND, "when": CONDITION, "since": DATE_FIELD, "urgent_if": CONDITION}`:
    signing answers for which `when` holds starts the legal clock KIND, running from the
    date answered in `since` (else from signing), urgent where `urgent_if` holds."""

    start: str
    when: Condition
    since: str | None = None
    urgent_if: Condition | None = None


@dataclass(frozen=True)
class Template:
    """One version of a template. `source` is the file it was read from."""

    id: str
    version: int
    kind: Kind
    label: Text
    sections: tuple[Section, ...]
    description: Text | None = None
    scoring: Scoring = Scoring()
    source: Path | None = field(default=None, compare=False)
    clocks: tuple[ClockTrigger, ...] = ()

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        """All fields in the order a form shows them."""
        return tuple(f for s in self.sections for f in s.fields)

    @cached_property
    def _by_id(self) -> dict[str, Field]:
        return {f.id: f for f in self.fields}

    def field(self, field_id: str) -> Field | None:
        return self._by_id.get(field_id)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    @property
    def saves_incomplete(self) -> bool:
        """An intake is saved with what the person told at first contact: its required
        questions left unanswered are marked to complete later (待补充), not refused."""
        return self.kind == "intake"


def higher(a: Level | None, b: Level | None) -> Level | None:
    """The higher of two levels (None is below low)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if LEVELS.index(a) >= LEVELS.index(b) else b
