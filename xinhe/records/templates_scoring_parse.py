"""Reading the `scoring` part of a template: totals, their bands, and rules.

Bands are checked to cover every total the template can produce exactly once, from 0 to the
highest possible total, so no answer set can fall between two bands or into two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xinhe.records.templates_model import LEVELS, Band, Condition, Field, Rule, Scoring, Total
from xinhe.records.templates_reader import Reader, at

ReadCondition = Callable[[object, str, int | None], Condition | None]
_MAX_TOTAL = 1_000_000


class ScoringReader:
    def __init__(self, reader: Reader, fields: dict[str, Field],
                 read_condition: ReadCondition) -> None:
        self.r = reader
        self.fields = fields
        self.read_condition = read_condition

    def read(self, raw: object) -> Scoring:
        if raw is None:
            return Scoring()
        obj = self.r.obj(raw, "scoring", (), ("totals", "rules"))
        if obj is None:
            return Scoring()
        totals = self._each(obj, "totals", self._total)
        rules = self._each(obj, "rules", self._rule)
        return Scoring(tuple(t for t in totals if isinstance(t, Total)),
                       tuple(r for r in rules if isinstance(r, Rule)))

    def _each(self, obj: dict[str, Any], key: str,
              read: Callable[[object, str], Total | Rule | None]) -> list[Total | Rule]:
        """Read every total or rule, reporting ids used twice."""
        result: list[Total | Rule] = []
        where = at("scoring", key)
        for i, raw in enumerate(self.r.items(obj[key], where) if key in obj else []):
            item = read(raw, at(where, i))
            if item is not None and any(x.id == item.id for x in result):
                self.r.problem(at(where, i), f"标识“{item.id}”重复。",
                               f'id "{item.id}" is used twice.')
            elif item is not None:
                result.append(item)
        return result

    def _total(self, raw: object, where: str) -> Total | None:
        r = self.r
        where = r.named(where, raw)
        obj = r.obj(raw, where, ("id", "label"), ("fields", "bands"))
        if obj is None:
            return None
        tid = r.ident(obj["id"], at(where, "id")) if "id" in obj else None
        label = r.text(obj["label"], at(where, "label")) if "label" in obj else None
        if "fields" in obj:
            names = self._scored_fields(obj["fields"], at(where, "fields"))
        else:
            names = tuple(f.id for f in self.fields.values() if f.scored)
            if not names:
                r.problem(where, "模板中没有计分的题目可供合计。",
                          "the template has no scored questions to add up.")
        highest = sum(self.fields[n].max_points for n in names)
        bands = self._bands(obj["bands"], at(where, "bands"), highest) if "bands" in obj else ()
        if tid is None or label is None or not names or bands is None:
            return None
        return Total(tid, label, names, bands)

    def _scored_fields(self, raw: object, where: str) -> tuple[str, ...]:
        items = self.r.items(raw, where)
        names: list[str] = []
        for i, name in enumerate(items):
            fld = self.fields.get(name) if isinstance(name, str) else None
            if fld is None and self.r.is_broken(name):
                continue
            if fld is None:
                self.r.problem(at(where, i), f"合计引用的字段“{name}”不在此模板中。",
                               f'the total names a field "{name}" that is not in this template.')
            elif not fld.scored:
                self.r.problem(at(where, i), f"字段“{name}”没有分值，不能计入合计。",
                               f'field "{name}" has no scores, so it cannot count in a total.')
            elif name in names:
                self.r.problem(at(where, i), f"字段“{name}”在合计中出现了两次。",
                               f'field "{name}" is listed twice in the total.')
            else:
                names.append(name)
        return tuple(names) if len(names) == len(items) else ()

    def _bands(self, raw: object, where: str, highest: int) -> tuple[Band, ...] | None:
        r = self.r
        bands: list[Band] = []
        for i, raw_band in enumerate(r.items(raw, where)):
            bwhere = at(where, i)
            obj = r.obj(raw_band, bwhere, ("min", "level", "label"), ("max",))
            if obj is None:
                return None
            low = r.whole(obj["min"], at(bwhere, "min"), 0, _MAX_TOTAL) if "min" in obj else None
            high = r.whole(obj["max"], at(bwhere, "max"), 0, _MAX_TOTAL) if "max" in obj else None
            level = r.level(obj["level"], at(bwhere, "level")) if "level" in obj else None
            label = r.text(obj["label"], at(bwhere, "label")) if "label" in obj else None
            if low is None or level is None or label is None or ("max" in obj and high is None):
                return None
            bands.append(Band(low, high, level, label))
        return tuple(bands) if bands and self._cover(bands, where, highest) else None

    def _cover(self, bands: list[Band], where: str, highest: int) -> bool:
        """Whether the bands cover 0..highest once each, with levels that never go down."""
        r = self.r
        problems = len(r.problems)
        expected = 0  # the lowest total not yet in a band
        for i, band in enumerate(bands):
            bwhere = at(where, i)
            if band.minimum > expected:
                span = _span(expected, band.minimum - 1)
                r.problem(bwhere, f"区间之间有空缺：总分 {span} 不属于任何区间。",
                          f"gap between bands: total {span} falls in no band.")
            elif band.minimum < expected:
                span = _span(band.minimum, expected - 1)
                r.problem(bwhere, f"与前一区间重叠：总分 {span} 同属两个区间。",
                          f"overlaps the band before: total {span} falls in both.")
            if band.maximum is None and i < len(bands) - 1:
                r.problem(bwhere, "只有最后一个区间可以不写 max。",
                          "only the last band may leave out max.")
            elif band.maximum is not None and band.maximum < band.minimum:
                r.problem(bwhere, "max 不能小于 min。", "max cannot be below min.")
            if i and LEVELS.index(band.level) < LEVELS.index(bands[i - 1].level):
                r.problem(at(bwhere, "level"), "总分更高的区间，风险等级不能更低。",
                          "a band of higher totals cannot have a lower level.")
            expected = _MAX_TOTAL + 1 if band.maximum is None else band.maximum + 1
        if expected <= highest:
            span = _span(expected, highest)
            r.problem(where, f"总分 {span} 不属于任何区间（最高可能总分为 {highest}）。",
                      f"total {span} falls in no band (the highest possible total is "
                      f"{highest}).")
        return len(r.problems) == problems

    def _rule(self, raw: object, where: str) -> Rule | None:
        r = self.r
        where = r.named(where, raw)
        obj = r.obj(raw, where, ("id", "when", "reason"), ("level",))
        if obj is None:
            return None
        rid = r.ident(obj["id"], at(where, "id")) if "id" in obj else None
        when = self.read_condition(obj["when"], at(where, "when"), None) if "when" in obj \
            else None
        reason = r.text(obj["reason"], at(where, "reason")) if "reason" in obj else None
        level = None if obj.get("level") is None else r.level(obj["level"], at(where, "level"))
        if rid is None or when is None or reason is None or \
                (obj.get("level") is not None and level is None):
            return None
        return Rule(rid, when, reason, level)


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"
