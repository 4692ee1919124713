"""Sessions served between two instants from the per-case, per-month summary (migration 12).

`session_months` holds, for each case and studio month (Shenzhen, UTC+8), its sessions and
persons served, kept by triggers on every session write, and the case's previous month with
sessions (`prev`, migration 13, kept by triggers on the summary itself). A span [a, b) of
the vault's UTC timestamp text is counted from the studio months it covers, give or take a
day (a month of the report's zone, whatever that zone is), corrected by the sessions between
the span's ends and those months' ends: none when the report's months are the studio's, a
few hours' worth in another zone, the partial month's sessions when a period starts
mid-month.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from xinhe.records.common import iso

STUDIO_ZONE = timezone(timedelta(hours=8))  # migration 12's triggers key months by it
SLACK = timedelta(days=1)  # a month of any zone starts within a day of the studio's

Window = tuple[str, str]


@dataclass
class Span:
    """How to count [a, b): `keys` the first and last studio month read from the summary
    (None: none), then sessions in `add` counted in, those in `sub` counted out."""

    keys: tuple[str, str] | None
    add: list[Window] = field(default_factory=list)
    sub: list[Window] = field(default_factory=list)


def _next(start: datetime) -> datetime:
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


def span(a: str, b: str) -> Span:
    """The studio months that lie within [a - 1 day, b + 1 day), and the corrections."""
    low = datetime.fromisoformat(a) - SLACK
    high = datetime.fromisoformat(b) + SLACK
    local = low.astimezone(STUDIO_ZONE)
    start = datetime(local.year, local.month, 1, tzinfo=STUDIO_ZONE)
    if start < low:
        start = _next(start)
    first, end = start, start
    while _next(end) <= high:
        end = _next(end)
    if end == first:
        return Span(None, add=[(a, b)])
    keys = (first.strftime("%Y-%m"), (end - timedelta(days=1)).strftime("%Y-%m"))
    begins, ends = iso(first), iso(end)
    out = Span(keys)
    out.add += [w for w in ((a, begins), (ends, b)) if w[0] < w[1]]
    out.sub += [w for w in ((begins, a), (b, ends)) if w[0] < w[1]]
    return out


@dataclass
class Changes:
    """What the corrections change: cases counted in or out, sessions and persons."""

    gained: set[int] = field(default_factory=set)
    lost: set[int] = field(default_factory=set)
    sessions: int = 0
    persons: int = 0


def _window(db: Any, windows: list[Window]) -> tuple[Counter[int], int, int]:
    cases: Counter[int] = Counter()
    sessions = persons = 0
    for low, high in windows:
        count, total, ids = db.execute(
            "SELECT count(*), coalesce(sum(s.persons_served), 0), group_concat(s.case_id)"
            " FROM sessions s WHERE s.started_at >= :a AND s.started_at < :b",
            {"a": low, "b": high}).fetchone()
        sessions += int(count)
        persons += int(total)
        cases.update(int(case) for case in (ids or "").split(",") if case)
    return cases, sessions, persons


def changes(db: Any, plan: Span) -> Changes:
    """The cases whose count the span's corrections move from 0 or to 0."""
    added, add_sessions, add_persons = _window(db, plan.add)
    taken, sub_sessions, sub_persons = _window(db, plan.sub)
    out = Changes(sessions=add_sessions - sub_sessions, persons=add_persons - sub_persons)
    affected = set(added) | set(taken)
    if not affected:
        return out
    before: dict[int, int] = {}
    if plan.keys is not None:
        before = {int(case): int(count) for case, count in db.execute(
            "SELECT case_id, sum(sessions) FROM session_months WHERE month >= :k0 AND"
            " month <= :k1 AND case_id IN (SELECT value FROM json_each(:ids))"
            " GROUP BY case_id", {"k0": plan.keys[0], "k1": plan.keys[1],
                                  "ids": json.dumps(sorted(affected))}).fetchall()}
    for case in affected:
        had = before.get(case, 0)
        has = had - taken[case] + added[case]
        if had <= 0 < has:
            out.gained.add(case)
        elif has <= 0 < had:
            out.lost.add(case)
    return out


def _base(db: Any, keys: tuple[str, str]) -> tuple[int, int, int]:
    # A report's month covers one studio month, whose rows are one a case.
    distinct = "count(*)" if keys[0] == keys[1] else "count(DISTINCT case_id)"
    cases, sessions, persons = db.execute(
        f"SELECT {distinct}, coalesce(sum(sessions), 0), coalesce(sum(persons), 0)"
        " FROM session_months WHERE month >= :k0 AND month <= :k1",
        {"k0": keys[0], "k1": keys[1]}).fetchone()
    return int(cases), int(sessions), int(persons)


def served(db: Any, months: list[Window], lo: str, hi: str
           ) -> tuple[list[tuple[int, int, int]], set[str]]:
    """For each of the contiguous `months` covering [lo, hi): (cases served, sessions,
    persons served); and the ids (as text) of the cases served in [lo, hi). The summary's
    rows for the period are read once, a studio month at a time."""
    year = span(lo, hi)
    totals: dict[str, tuple[int, int, int]] = {}
    ids: set[str] = set()
    if year.keys is not None:
        # A case's first row in the months read is the one whose previous month lies before
        # them (migration 13): the distinct cases without a union of every month's.
        for key, count, sessions, persons, text in db.execute(
                "SELECT month, count(*), sum(sessions), sum(persons), group_concat(CASE WHEN"
                " prev IS NULL OR prev < :k0 THEN case_id END) FROM session_months"
                " WHERE month >= :k0 AND month <= :k1 GROUP BY month",
                {"k0": year.keys[0], "k1": year.keys[1]}).fetchall():
            totals[key] = (int(count), int(sessions), int(persons))
            ids.update((text or "").split(","))
    ids.discard("")
    moved = changes(db, year)
    ids.difference_update(str(case) for case in moved.lost)
    ids.update(str(case) for case in moved.gained)
    figures = []
    for a, b in months:
        plan = span(a, b)
        cases = sessions = persons = 0
        if plan.keys is not None:
            one = plan.keys[0] == plan.keys[1]
            if one and year.keys is not None and year.keys[0] <= plan.keys[0] <= year.keys[1]:
                cases, sessions, persons = totals.get(plan.keys[0], (0, 0, 0))
            else:
                cases, sessions, persons = _base(db, plan.keys)
        step = changes(db, plan)
        figures.append((cases + len(step.gained) - len(step.lost), sessions + step.sessions,
                        persons + step.persons))
    return figures, ids
