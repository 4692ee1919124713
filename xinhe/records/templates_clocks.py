"""Reading a template's `clocks`: which answers start which legal clock when the record is
signed (data, not code, so an organisation's own template can start them too)."""

from __future__ import annotations

from typing import Any

from xinhe.records.templates_model import CLOCK_KINDS, ClockTrigger, Field
from xinhe.records.templates_reader import Reader, at
from xinhe.records.templates_scoring_parse import ReadCondition


def read_clock_triggers(r: Reader, fields: dict[str, Field], read_condition: ReadCondition,
                        raw: object) -> tuple[ClockTrigger, ...]:
    """Every trigger of `"clocks": [...]`, each problem reported with its path."""
    if raw is None:
        return ()
    triggers = []
    for i, item in enumerate(r.items(raw, "clocks")):
        trigger = _trigger(r, fields, read_condition, item, at("clocks", i))
        if trigger is not None:
            triggers.append(trigger)
    return tuple(triggers)


def _trigger(r: Reader, fields: dict[str, Field], read_condition: ReadCondition,
             raw: object, where: str) -> ClockTrigger | None:
    obj: dict[str, Any] | None = r.obj(raw, where, ("start", "when"), ("since", "urgent_if"))
    if obj is None:
        return None
    raw_start = obj.get("start")
    start = raw_start if isinstance(raw_start, str) and raw_start in CLOCK_KINDS else None
    if start is None:
        shown = raw_start if isinstance(raw_start, str) else "?"
        r.problem(at(where, "start"), f"未知的时限“{shown}”；可用：{'、'.join(CLOCK_KINDS)}。",
                  f'unknown clock "{shown}"; use one of: {", ".join(CLOCK_KINDS)}.')
    when = read_condition(obj["when"], at(where, "when"), None) if "when" in obj else None
    urgent = read_condition(obj["urgent_if"], at(where, "urgent_if"), None) \
        if "urgent_if" in obj else None
    since = obj.get("since")
    if since is not None and (not isinstance(since, str) or since not in fields
                              or fields[since].type != "date"):
        r.problem(at(where, "since"), "“since”应为本模板中一个日期题的标识。",
                  '"since" should name a date question of this template.')
        return None
    if start is None or when is None or ("urgent_if" in obj and urgent is None):
        return None
    return ClockTrigger(start, when, since, urgent)
