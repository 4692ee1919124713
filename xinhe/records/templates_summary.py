"""A score said in the instrument's own words, for the form, the case header and the record:
"危险因素得分 19 · 严重危险", "危险因素清单未完成：已答 2/18", "待补充 5 项".

It reads either a live ScoreResult or the score stored with an assessment (whose "progress"
and "pending" are absent in records made before they were kept: those count as complete).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xinhe.i18n import pick
from xinhe.records.templates_model import Template, Text, Total
from xinhe.records.templates_scoring import ScoreResult


@dataclass(frozen=True)
class ScoreSummary:
    """What a reader is told about one scored record."""

    totals: tuple[str, ...]  # "危险因素得分 19 · 严重危险", one per total
    incomplete: tuple[str, ...]  # "危险因素清单未完成：已答 2/18", one per unfinished total
    pending: int  # required questions still to be answered (待补充)

    @property
    def complete(self) -> bool:
        return not self.incomplete and not self.pending


def checklist_name(template: Template, total: Total) -> Text:
    """What the counsellor calls the questions of a total: their section when the form has
    several (危险因素清单), else the form itself (PHQ-9)."""
    if len(template.sections) > 1:
        for section in template.sections:
            if any(f.id in total.fields for f in section.fields):
                return section.label
    return template.label


def total_text(label: str, value: int, band: str | None) -> str:
    """"危险因素得分 19 · 严重危险": a band label is never put in brackets, as it may hold
    its own."""
    return f"{label} {value}" + (f" · {band}" if band else "")


def summarize(template: Template, totals: Mapping[str, int], bands: Mapping[str, Text],
              progress: Mapping[str, tuple[int, int]], pending: int,
              lang: str | None = None) -> ScoreSummary:
    """The summary of one record's score; totals with nothing answered are left out."""
    lines, incomplete = [], []
    for total in template.scoring.totals:
        done, asked = progress.get(total.id, (1, 0))
        if total.id in totals and done:
            band = bands.get(total.id)
            lines.append(total_text(total.label.get(lang), totals[total.id],
                                    band.get(lang) if band else None))
        if done < asked:
            name = checklist_name(template, total)
            incomplete.append(pick(f"{name.zh}未完成：已答 {done}/{asked}",
                                   f"{name.en} incomplete: {done}/{asked} answered", lang))
    return ScoreSummary(tuple(lines), tuple(incomplete), pending)


def summarize_result(template: Template, result: ScoreResult,
                     lang: str | None = None) -> ScoreSummary:
    """The summary of a live score (the form while answering)."""
    return summarize(template, result.totals, {b.total_id: b.label for b in result.bands},
                     result.progress, len(result.pending), lang)


def summarize_stored(template: Template, score: Mapping[str, object],
                     lang: str | None = None) -> ScoreSummary:
    """The summary of the score stored with an assessment."""
    totals = score.get("totals")
    totals = {str(k): int(v) for k, v in totals.items()} if isinstance(totals, dict) else {}
    bands: dict[str, Text] = {}
    for band in score.get("bands") or []:  # type: ignore[attr-defined]
        label = band.get("label") or {}
        bands.setdefault(str(band.get("total")), Text(str(label.get("zh", "")),
                                                      str(label.get("en", ""))))
    raw = score.get("progress")
    progress = {str(k): (int(v[0]), int(v[1])) for k, v in raw.items()} \
        if isinstance(raw, dict) else {}
    pending = score.get("pending")
    return summarize(template, totals, bands, progress,
                     len(pending) if isinstance(pending, list) else 0, lang)


def pending_text(count: int, lang: str | None = None) -> str:
    """"待补充 5 项" / "5 to complete"."""
    return pick(f"待补充 {count} 项", f"{count} to complete", lang)
