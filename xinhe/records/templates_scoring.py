"""Scoring answers: totals, the band each total falls in, the rules that fire, and the level.

The level is the highest of every band reached and every rule fired; None when the template
gives no level for these answers (no bands, and no rule with a level fired). A total none of
whose questions is answered yet reaches no band: an unasked checklist is not "low". A partly
answered total is banded by what was answered, so answering more can only raise the level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xinhe.records.templates_answers import checked_walk, holds
from xinhe.records.templates_model import (
    UNKNOWN,
    Answer,
    Field,
    Level,
    Template,
    Text,
    condition_fields,
    higher,
)


@dataclass(frozen=True)
class BandHit:
    """The band a total fell in."""

    total_id: str
    total: int
    level: Level
    label: Text


@dataclass(frozen=True)
class Reason:
    """A rule that fired, with its text for the reader."""

    rule_id: str
    level: Level | None
    text: Text


@dataclass(frozen=True)
class ScoreResult:
    template_id: str
    version: int
    totals: dict[str, int]
    level: Level | None
    bands: tuple[BandHit, ...]
    reasons: tuple[Reason, ...]
    unanswered: tuple[str, ...]  # shown questions that count for scoring but have no answer
    unknown: tuple[str, ...]  # scored yes/no questions answered "unknown" (they add nothing)
    progress: dict[str, tuple[int, int]]  # per total: questions answered, questions shown
    pending: tuple[str, ...] = ()  # required questions shown but not yet answered (待补充)

    @property
    def band_label(self) -> Text | None:
        """The label of the first banded total, e.g. "危险增加 / Increased danger"."""
        return self.bands[0].label if self.bands else None

    @property
    def complete(self) -> bool:
        return not self.unanswered

    @property
    def assessed(self) -> bool:
        """Whether anything counted for scoring was answered (else there is no level)."""
        return any(done for done, _ in self.progress.values()) or self.level is not None


def points(fld: Field, answer: Answer | None) -> int:
    """The points one answer adds."""
    if fld.type == "yes_no":
        return (fld.score or 0) if answer is True else 0
    chosen = answer if isinstance(answer, list) else [answer]
    return sum((o.score or 0) for o in fld.options if o.id in chosen)


def score(template: Template, answers: Mapping[str, object]) -> ScoreResult:
    """Score answers (a draft may be incomplete; values must still fit: see validate_answers,
    whose InvalidAnswer this raises). Questions not shown add nothing."""
    checked = checked_walk(template, answers, partial=True)
    clean = checked.answers
    scoring = template.scoring
    totals: dict[str, int] = {}
    bands: list[BandHit] = []
    level: Level | None = None
    shown_ids = {fld.id for _, fld in checked.shown}
    progress: dict[str, tuple[int, int]] = {}
    for total in scoring.totals:
        value = sum(points(fld, clean.get(fld.id)) for fld in map(template.field, total.fields)
                    if fld is not None)
        totals[total.id] = value
        asked = [name for name in total.fields if name in shown_ids]
        progress[total.id] = (sum(name in clean for name in asked), len(asked))
        if not progress[total.id][0]:
            continue
        for band in total.bands:
            if band.minimum <= value and (band.maximum is None or value <= band.maximum):
                bands.append(BandHit(total.id, value, band.level, band.label))
                level = higher(level, band.level)
    reasons = tuple(Reason(rule.id, rule.level, rule.reason) for rule in scoring.rules
                    if holds(rule.when, clean))
    for reason in reasons:
        level = higher(level, reason.level)
    counted = {name for total in scoring.totals for name in total.fields}
    counted.update(name for rule in scoring.rules for name in condition_fields(rule.when))
    shown = [fld.id for _, fld in checked.shown if fld.id in counted]
    return ScoreResult(
        template_id=template.id, version=template.version, totals=totals, level=level,
        bands=tuple(bands), reasons=reasons,
        unanswered=tuple(f for f in shown if f not in clean),
        unknown=tuple(f for f in shown if clean.get(f) == UNKNOWN),
        progress=progress,
        pending=tuple(fld.id for _, fld in checked.shown if fld.required and fld.id not in clean),
    )
