"""Open cases by risk level at given moments, for a statistics report (see stats_queries).

Counted in SQL as a difference array over the moments, sent back folded into one text: at
1,000,000 sessions a year has 300,000 risk changes, and a Python row each cost more than the
query itself.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xinhe.records.stats_queries import Scope

Params = dict[str, Any]


def folded(db: Any, key: str, rows: str, params: Params, prefix: str = "") -> Counter[int]:
    """How often each value of the integer `key` occurs over `rows` ("FROM …", after the
    `prefix`, e.g. a WITH clause), sent back as one text: at 300,000 rows a Python row each
    costs more than the query itself."""
    [text] = db.execute(f"{prefix}SELECT group_concat({key}) {rows}", params).fetchone()
    return Counter({int(value): count for value, count in Counter((text or "").split(",")).items()
                    if value})


def count_at_or_before(expr: str, count: int, first: int = 0, name: str = "t") -> str:
    """SQL for how many of the moments :t{first} … :t{count-1} (ascending; another letter
    by `name`) are <= `expr`, as a balanced CASE: a few text comparisons, and no function
    that makes a new string (on the encrypted vault each is a locked, wiped allocation)."""
    if count - first == 1:
        return f"(:{name}{first} <= {expr})"
    middle = (first + count) // 2
    return (f"(CASE WHEN {expr} < :{name}{middle} THEN"
            f" {count_at_or_before(expr, middle, first, name)}"
            f" ELSE {middle - first} + {count_at_or_before(expr, count, middle, name)} END)")


def moment_after(expr: str, count: int, first: int = 0, name: str = "t",
                 total: int | None = None) -> str:
    """SQL for the first of the moments :t{first} … :t{count-1} (ascending; another letter
    by `name`) later than `expr`, NULL when none is: one walk down a balanced CASE where
    comparing two counts (count_at_or_before) takes two."""
    total = count if total is None else total
    if count - first == 1:
        later = f":{name}{count}" if count < total else "NULL"
        return f"(CASE WHEN {expr} < :{name}{first} THEN :{name}{first} ELSE {later} END)"
    middle = (first + count) // 2
    return (f"(CASE WHEN {expr} < :{name}{middle} THEN"
            f" {moment_after(expr, middle, first, name, total)}"
            f" ELSE {moment_after(expr, count, middle, name, total)} END)")


OPEN = 16  # the key code of a case's own row: risk rows use 0-15 (level * 4 + previous)


def open_by_risk(db: Any, moments: list[str], scope: Scope) -> list[dict[str, int]]:
    """For each moment (ascending): the cases open then (opened before it, not closed by
    it) by their risk level then, the last risk change before the moment ("none" when
    unassessed or set back to none).

    Each row adds to a difference array over the moments instead of being tested against
    every moment: a case counts as open at the moments in (opened, closed]; a risk change
    counts +1 for its level and -1 for the level it replaced (`previous`) at the moments in
    (max(changed, opened), closed], so the changes of a case add up to its level then.

    One statement: the cases alive in the span, each with its first and last moment, are
    kept once (MATERIALIZED, in case order), then give their own row and their risk
    changes', found by risk_history_case next to the previous case's. The whole studio's
    cases come from the narrow cases_span (migration 13), not the wide cases rows."""
    if not moments:
        return []
    n = len(moments)
    span = n + 1
    join, where, params = scope.sql()
    params.update({f"t{i}": moment for i, moment in enumerate(moments)})
    source = "cases c" + ("" if scope.filtered else " INDEXED BY cases_span")
    opened = count_at_or_before("c.opened_at", n)
    until = (f"(CASE WHEN c.closed_at IS NULL THEN {n}"
             f" ELSE {count_at_or_before('c.closed_at', n)} END)")
    alive = (f" WHERE +c.opened_at < :t{n - 1} AND (c.closed_at IS NULL OR"
             f" c.closed_at >= :t0)" + where)
    cases = (f"WITH a AS MATERIALIZED (SELECT c.id, {opened} AS o, {until} AS u"
             f" FROM {source}{join}{alive}) ")
    level_code = "(CASE {} WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 0 END)"
    changed = count_at_or_before("h.changed_at", n)
    rows = (f"FROM (SELECT {OPEN * span * span} + a.o * {span} + a.u AS k FROM a UNION ALL"
            f" SELECT (({level_code.format('h.level')} * 4 + {level_code.format('h.previous')})"
            f" * {span} + max({changed}, a.o)) * {span} + a.u FROM a CROSS JOIN risk_history h"
            f" INDEXED BY risk_history_case ON h.case_id = a.id WHERE h.changed_at < :t{n - 1})")
    diffs = {key: [0] * (n + 1) for key in ("open", "high", "medium", "low")}
    levels = (None, "high", "medium", "low")
    for key, count in folded(db, "k", rows, params, cases).items():
        codes, pair = divmod(key, span * span)
        first, last = divmod(pair, span)
        if codes == OPEN:
            diffs["open"][first] += count
            diffs["open"][last] -= count
            continue
        level, previous = levels[codes // 4], levels[codes % 4]
        if first >= last:
            continue
        if level is not None:
            diffs[level][first] += count
            diffs[level][last] -= count
        if previous is not None:
            diffs[previous][first] -= count
            diffs[previous][last] += count
    result = []
    running = dict.fromkeys(diffs, 0)
    for index in range(n):
        for name in running:
            running[name] += diffs[name][index]
        at = {name: running[name] for name in ("high", "medium", "low")}
        at["none"] = running["open"] - sum(at.values())
        result.append(at)
    return result
