"""Scores over time: the instruments (danger checklist, suicide screen, PHQ-9, GAD-7) of one
client, as series of points with the bands of their templates, so the case view can draw at
a glance whether she is safer than last month.

A scored total (danger score, PHQ-9, GAD-7) is one series of totals with the template's
bands; an instrument with rules but no total (the suicide screen) is one series of its
levels (none, low, medium, high). Points come from every case of the client that the actor
may read the notes of; nothing else is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from xinhe.errors import NotFound
from xinhe.i18n import pick
from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.records.access import require_case, visible_cases_clause
from xinhe.records.common import loads, parse_ts
from xinhe.records.templates_model import Template, Total
from xinhe.records.vault import Vault

#: The instruments drawn, in this order.
INSTRUMENTS = ("dv_intake", "suicide_screen", "phq9", "gad7")
#: A level series' values: 0 none found, then the levels' ranks.
LEVEL_VALUES = {None: 0, "low": 1, "medium": 2, "high": 3}


@dataclass(frozen=True)
class ScorePoint:
    at: datetime
    value: int
    level: str | None  # the record's level (high / medium / low), or None
    case_no: str


@dataclass(frozen=True)
class ScoreBand:
    """Values from `low` to `high` (inclusive) mean `level`; `label` in the reader's words."""

    low: int
    high: int
    level: str
    label: str


@dataclass(frozen=True)
class ScoreSeries:
    key: str  # "dv_intake:danger_score", "suicide_screen:level"
    title: str
    kind: str  # "total" | "level"
    maximum: int  # the axis' top: the most points the total can reach, or 3 for levels
    bands: tuple[ScoreBand, ...]
    points: tuple[ScorePoint, ...]

    @property
    def latest(self) -> ScorePoint | None:
        return self.points[-1] if self.points else None

    def trend(self) -> int:
        """-1 lower (safer) than the point before, 1 higher, 0 the same or one point only."""
        if len(self.points) < 2:
            return 0
        before, now = self.points[-2].value, self.points[-1].value
        return (now > before) - (now < before)


def score_history(vault: Vault, templates: tpl.TemplateRegistry, case_id: int,
                  lang: str | None = None) -> list[ScoreSeries]:
    """The series of the client of `case_id`, one per instrument total (only those with
    points). Refused (AccessDenied, audited) to whoever may not read the case's notes."""
    case = require_case(vault, case_id, "notes")
    clause, params = visible_cases_clause(vault)
    marks = ", ".join("?" for _ in INSTRUMENTS)
    rows = vault.db.all(
        "SELECT a.template_id, a.template_version, a.score, a.level, a.assessed_at, c.case_no"
        " FROM assessments a JOIN cases c ON c.id = a.case_id"
        f" WHERE c.client_id = ? AND {clause} AND a.template_id IN ({marks})"
        " ORDER BY a.assessed_at, a.id", [case["client_id"], *params, *INSTRUMENTS])
    series: dict[str, tuple[ScoreSeries, list[ScorePoint]]] = {}
    for row in rows:
        try:
            current = templates.get(str(row["template_id"]))
        except NotFound:
            continue
        moment = parse_ts(row["assessed_at"])
        assert moment is not None
        score = loads(row["score"]) or {}
        totals = {str(k): int(v) for k, v in (score.get("totals") or {}).items()}
        if current.scoring.totals:
            for total in current.scoring.totals:
                if total.id not in totals:
                    continue
                key = f"{current.id}:{total.id}"
                if key not in series:
                    series[key] = (_total_series(current, total, key, lang), [])
                series[key][1].append(ScorePoint(moment, totals[total.id], row["level"],
                                                 str(row["case_no"])))
        elif current.scoring.rules:
            key = f"{current.id}:level"
            if key not in series:
                series[key] = (_level_series(current, key, lang), [])
            series[key][1].append(ScorePoint(moment, LEVEL_VALUES.get(row["level"], 0),
                                             row["level"], str(row["case_no"])))
    order = {name: i for i, name in enumerate(INSTRUMENTS)}
    out = [ScoreSeries(s.key, s.title, s.kind, max([s.maximum, *(p.value for p in pts)]),
                       s.bands, tuple(pts)) for s, pts in series.values()]
    return sorted(out, key=lambda s: (order.get(s.key.partition(":")[0], 99), s.key))


def _total_series(template: Template, total: Total, key: str,
                  lang: str | None) -> ScoreSeries:
    fields = {f.id: f for f in template.fields}
    most = sum(fields[f].max_points for f in total.fields if f in fields)
    bands = tuple(ScoreBand(b.minimum, b.maximum if b.maximum is not None else max(
        most, b.minimum), b.level, b.label.get(lang)) for b in total.bands)
    title = template.label.get(lang)
    if len(template.scoring.totals) > 1 or template.kind != "assessment":
        title = total.label.get(lang)
    return ScoreSeries(key, title, "total", most, bands, ())


def _level_series(template: Template, key: str, lang: str | None) -> ScoreSeries:
    bands = tuple(ScoreBand(v, v, level, vocab.label(vocab.RISK_LEVELS, level, lang))
                  for level, v in LEVEL_VALUES.items() if level is not None)
    return ScoreSeries(key, template.label.get(lang), "level", 3, bands, ())


def level_axis_label(value: int, lang: str | None = None) -> str:
    """What a level series' value means: 0 none found, 1 low, 2 medium, 3 high."""
    level = {v: k for k, v in LEVEL_VALUES.items()}.get(value)
    return vocab.label(vocab.RISK_LEVELS, level, lang) if level else \
        pick("未发现", "none", lang)
