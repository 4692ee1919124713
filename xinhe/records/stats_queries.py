"""The SQL behind a statistics report: aggregates only, never a name or a note.

Every function takes a database connection (the vault's `Database`, or for the benchmark a
plain SQLite one: anything whose `execute(sql, params)` returns a cursor) and a `Scope`
(the optional counsellor and community filters as SQL). `xinhe.records.stats` puts the
results together; each figure is counted where its docstring says.

Written for speed on the encrypted vault, where cipher_memory_security makes every memory
allocation costly: no GROUP BY or DISTINCT over large row sets where a few conditional
sums will do, covering indexes (migration 4) so no table row is read for the big counts,
and range tests on the vault's uniform UTC timestamp text. At 1,000,000 sessions a Python
row each costs more than the SQL: long id lists come back as one `group_concat` text, a
scope's rows are read once with their month, and its statements start from its cases. The
whole studio's sessions served are read from the per-case, per-month summary that triggers
keep (migration 12, stats_months.py), not from the sessions.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from xinhe.records import stats_months
from xinhe.records.stats_risk import count_at_or_before, folded, moment_after, open_by_risk

Params = dict[str, Any]
RISK_KEYS = ("high", "medium", "low", "none")


@dataclass(frozen=True)
class Scope:
    """Which cases count: all, one counsellor's (by current assignment), one community's
    (the client's community)."""

    counsellor_id: int | None = None
    community: str | None = None

    def sql(self, case_alias: str = "c") -> tuple[str, str, Params]:
        """(extra JOIN for clients, extra WHERE conditions, parameters)."""
        join, where = "", ""
        params: Params = {}
        if self.community is not None:
            join = f" JOIN clients cl ON cl.id = {case_alias}.client_id"
            where += " AND cl.community = :scope_community"
            params["scope_community"] = self.community
        if self.counsellor_id is not None:
            where += f" AND {case_alias}.counsellor_id = :scope_counsellor"
            params["scope_counsellor"] = self.counsellor_id
        return join, where, params

    @property
    def filtered(self) -> bool:
        return self.counsellor_id is not None or self.community is not None

    def cases_join(self, alias: str) -> tuple[str, str, Params]:
        """Joins from a table with `case_id` (as `alias`) to the scoped cases; nothing when
        the whole studio counts."""
        if not self.filtered:
            return "", "", {}
        join, where, params = self.sql()
        return f" JOIN cases c ON c.id = {alias}.case_id" + join, where, params

    def cases_first(self, table: str, alias: str, index: str) -> tuple[str, str, Params]:
        """FROM `table` as `alias`; for one counsellor or community from their cases first
        (a few thousand), then the table's rows by its case `index` (named: without it the
        planner may scan a date index once per case)."""
        if not self.filtered:
            return f" FROM {table} {alias}", "", {}
        join, where, params = self.sql()
        return (f" FROM cases c{join} CROSS JOIN {table} {alias} INDEXED BY {index}"
                f" ON {alias}.case_id = c.id", where, params)


def _rows(db: Any, sql: str, params: Params) -> list[Any]:
    return list(db.execute(sql, params).fetchall())


def _tuples(db: Any, sql: str, params: Params) -> Any:
    """The rows as plain tuples: for the long fetches, a named row costs a third more."""
    cursor = db.execute(sql, params)
    if db.dialect == "sqlite":  # the server's rows index by position as they are
        cursor.row_factory = None
    return cursor


def _one(db: Any, sql: str, params: Params) -> Any:
    return db.execute(sql, params).fetchone()


@dataclass
class Served:
    by_category: Counter[str] = field(default_factory=Counter)
    person_times: int = 0
    sessions: int = 0
    unsigned: int = 0
    month_cases: list[int] = field(default_factory=list)
    month_persons: list[int] = field(default_factory=list)


def served(db: Any, months: list[tuple[str, str]], lo: str, hi: str,
           scope: Scope) -> Served:
    """Sessions starting in [lo, hi) and in each month's [from, to) (the months are
    contiguous and cover [lo, hi)): the cases with one (by category: a case has one category,
    so they add up), persons served, drafts."""
    out = Served(month_cases=[0] * len(months), month_persons=[0] * len(months))
    if scope.filtered:
        _served_scoped(db, months, lo, hi, scope, out)
    else:
        _served_studio(db, months, lo, hi, out)
    join, where, params = scope.cases_join("s")
    # Drafts are few: start from them (partial index sessions_unsigned), then their cases.
    [unsigned] = _one(db, "SELECT count(*) FROM sessions s" + join.replace(" JOIN cases", " CROSS"
                      " JOIN cases", 1) + " WHERE s.started_at >= :lo AND s.started_at < :hi"
                      " AND s.signed_at IS NULL" + where, {**params, "lo": lo, "hi": hi})
    out.unsigned = int(unsigned)
    return out


def _served_studio(db: Any, months: list[tuple[str, str]], lo: str, hi: str,
                   out: Served) -> None:
    """The whole studio: each month's figures from the per-case, per-month summary
    (stats_months: a month's cases served are its rows there); the year's cases are those
    of the summary's months, counted by category against the narrow cases_mix rather than
    by a probe of the sessions for every case."""
    figures, year = stats_months.served(db, months, lo, hi)
    for index, (cases, sessions, persons) in enumerate(figures):
        out.sessions += sessions
        out.person_times += persons
        out.month_cases[index] = cases
        out.month_persons[index] = persons
    for category, ids in _rows(db, "SELECT c.category, group_concat(c.id) FROM cases c"
                               " INDEXED BY cases_mix GROUP BY c.category", {}):
        served_here = len(year.intersection(ids.split(",")))
        if served_here:
            out.by_category[category] = served_here


def _served_scoped(db: Any, months: list[tuple[str, str]], lo: str, hi: str, scope: Scope,
                   out: Served) -> None:
    """One counsellor's or community's cases: their year's sessions in one pass (from the
    scoped cases, then sessions_case), each tagged with its month, instead of a pass a
    month."""
    join, where, params = scope.sql()
    params.update(lo=lo, hi=hi, **{f"m{i}": start for i, (start, _) in enumerate(months)})
    month = count_at_or_before("s.started_at", len(months), name="m")
    month_cases: list[set[int]] = [set() for _ in months]
    categories: dict[int, str] = {}
    for case_id, category, index, persons in _tuples(db, (
            f"SELECT c.id, c.category, {month} - 1, s.persons_served FROM cases c" + join +
            " CROSS JOIN sessions s INDEXED BY sessions_case ON s.case_id = c.id WHERE"
            " s.started_at >= :lo AND"
            " s.started_at < :hi" + where), params):
        out.sessions += 1
        out.month_persons[index] += persons
        month_cases[index].add(case_id)
        categories[case_id] = category
    out.person_times = sum(out.month_persons)
    out.month_cases = [len(cases) for cases in month_cases]
    out.by_category.update(categories.values())


@dataclass
class Opened:
    by_category: Counter[str] = field(default_factory=Counter)
    by_source: Counter[str] = field(default_factory=Counter)
    platform_by_category: Counter[str] = field(default_factory=Counter)
    handled: int = 0
    platform_handled: int = 0
    by_month: list[int] = field(default_factory=list)


def opened(db: Any, months: list[tuple[str, str]], lo: str, hi: str, scope: Scope) -> Opened:
    """Cases opened in [lo, hi) (and per month), and of those the ones closed before `hi`
    (handled), overall and for those from the platform."""
    join, where, params = scope.sql()
    params.update(lo=lo, hi=hi)
    out = Opened()
    # "+opened_at" keeps SQLite off the date index: reading cases_mix in (category,
    # source) order needs no sort, and is faster than sorting the period's cases.
    for category, source, count, handled in _rows(db, (
            "SELECT c.category, c.source, count(*), coalesce(sum(c.closed_at IS NOT NULL AND"
            " c.closed_at < :hi), 0) FROM cases c" + join + " WHERE +c.opened_at >= :lo AND"
            " +c.opened_at < :hi" + where + " GROUP BY c.category, c.source"), params):
        out.by_category[category] += int(count)
        out.by_source[source] += int(count)
        out.handled += int(handled)
        if source == "platform":
            out.platform_by_category[category] += int(count)
            out.platform_handled += int(handled)
    if not scope.filtered:  # a count a month from the date index alone is cheaper
        for start, end in months:
            [count] = _one(db, "SELECT count(*) FROM cases c WHERE c.opened_at >= :a AND"
                           " c.opened_at < :b", {"a": start, "b": end})
            out.by_month.append(int(count))
        return out
    # A scope's cases each need a table read: once, tagged with their month.
    params.update({f"m{i}": start for i, (start, _) in enumerate(months)})
    by_month = folded(db, count_at_or_before("c.opened_at", len(months), name="m"),
                      "FROM cases c" + join + " WHERE c.opened_at >= :lo AND c.opened_at < :hi"
                      + where, params)
    out.by_month = [by_month[index + 1] for index in range(len(months))]
    return out


def closed(db: Any, lo: str, hi: str, scope: Scope) -> int:
    """Cases whose closure date is in [lo, hi)."""
    join, where, params = scope.sql()
    [count] = _one(db, "SELECT count(*) FROM cases c" + join +
                   " WHERE c.closed_at >= :lo AND c.closed_at < :hi" + where,
                   {**params, "lo": lo, "hi": hi})
    return int(count)


@dataclass
class Crises:
    by_kind: Counter[str] = field(default_factory=Counter)
    on_site_by_kind: Counter[str] = field(default_factory=Counter)
    cases: int = 0


def crises(db: Any, lo: str, hi: str, scope: Scope) -> Crises:
    """Crisis interventions occurring in [lo, hi), by kind and on site, and their cases."""
    join, where, params = scope.cases_join("k")
    params.update(lo=lo, hi=hi)
    out = Crises()
    base = (" FROM crisis_interventions k" + join +
            " WHERE k.occurred_at >= :lo AND k.occurred_at < :hi" + where)
    for kind, on_site, count in _rows(db, "SELECT k.kind, k.on_site, count(*)" + base +
                                      " GROUP BY k.kind, k.on_site", params):
        out.by_kind[kind] += int(count)
        if on_site:
            out.on_site_by_kind[kind] += int(count)
    [cases] = _one(db, "SELECT count(DISTINCT k.case_id)" + base, params)
    out.cases = int(cases)
    return out


def referrals(db: Any, lo: str, hi: str, scope: Scope) -> dict[str, Counter[str]]:
    """Referrals created in [lo, hi): agency → status now → count."""
    join, where, params = scope.cases_join("r")
    params.update(lo=lo, hi=hi)
    out: dict[str, Counter[str]] = {}
    for agency, status, count in _rows(db, (
            "SELECT r.agency, r.status, count(*) FROM referrals r" + join +
            " WHERE r.created_at >= :lo AND r.created_at < :hi" + where +
            " GROUP BY r.agency, r.status"), params):
        out.setdefault(agency, Counter())[status] += int(count)
    return out


@dataclass
class FollowUps:
    due: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    not_yet_due: int = 0
    cancelled: int = 0


def followups(db: Any, lo: str, hi: str, scope: Scope, midnights: list[str],
              today_start: str) -> FollowUps:
    """Follow-ups due in [lo, hi). `midnights` are the local midnights from `lo` to `hi`
    (vault timestamp text): a visit is on time when done before the midnight that ends its
    due day. One still open is overdue when its due day ended before `today_start`."""
    rows, where, params = scope.cases_first("followups", "f", "followups_case")
    params.update(lo=lo, hi=hi, today=today_start,
                  **{f"d{i}": midnight for i, midnight in enumerate(midnights)})
    base = rows + " WHERE f.due_at >= :lo AND f.due_at < :hi" + where
    # Done after it was due: on time when done on the same local day, i.e. before the first
    # of the period's midnights after the due time (a balanced CASE, no Python row).
    next_midnight = moment_after("f.due_at", len(midnights), name="d")
    cancelled, overdue, waiting, done_early, same_day, later = _one(db, (
        "SELECT coalesce(sum(f.status = 'cancelled'), 0),"
        " coalesce(sum(f.status = 'due' AND f.due_at < :today), 0),"
        " coalesce(sum(f.status = 'due' AND f.due_at >= :today), 0),"
        " coalesce(sum(f.status = 'done' AND (f.done_at < f.due_at OR f.done_at IS NULL)), 0),"
        " coalesce(sum(CASE WHEN f.status = 'done' AND f.done_at >= f.due_at THEN"
        f" (f.done_at < {next_midnight}) IS NOT 0 END), 0),"
        " coalesce(sum(f.status = 'done' AND f.done_at >= f.due_at), 0)" + base), params)
    out = FollowUps(cancelled=int(cancelled), overdue=int(overdue), not_yet_due=int(waiting),
                    on_time=int(done_early) + int(same_day), late=int(later) - int(same_day))
    out.due = out.on_time + out.late + out.overdue + out.not_yet_due
    return out


@dataclass
class LegalClocks:
    minor_reports: int = 0
    minor_outstanding: int = 0
    po_applications: int = 0
    po_granted: int = 0
    po_refused: int = 0


def legal_clocks(db: Any, lo: str, hi: str, scope: Scope) -> LegalClocks:
    """Minor reports made (met) in [lo, hi) or noted there and still open; protection-order
    applications made in [lo, hi) and how the court decided."""
    join, where, params = scope.cases_join("x")
    params.update(lo=lo, hi=hi)
    out = LegalClocks()
    for kind, status, started, met, details in _rows(db, (
            "SELECT x.kind, x.status, x.started_at, x.met_at, x.details FROM clocks x" + join +
            " WHERE x.kind IN ('minor_report', 'po_application') AND"
            " ((x.started_at >= :lo AND x.started_at < :hi) OR"
            " (x.met_at >= :lo AND x.met_at < :hi))" + where), params):
        started_in = lo <= started < hi
        if kind == "minor_report":
            if status == "met" and met is not None and lo <= met < hi:
                out.minor_reports += 1
            elif status == "open" and started_in:
                out.minor_outstanding += 1
        elif started_in:
            out.po_applications += 1
            granted = (json.loads(details or "{}") or {}).get("granted")
            if status == "met" and granted is True:
                out.po_granted += 1
            elif status == "met" and granted is False:
                out.po_refused += 1
    return out


@dataclass
class Figures:
    """Everything a report counts, from either home (the server's: stats_server.py)."""

    served: Served
    opened: Opened
    crises: Crises
    legal: LegalClocks
    followups: FollowUps
    referrals: dict[str, Counter[str]]
    closed: int
    levels: list[dict[str, int]]
    """open_by_risk at each of the asked moments, in their order."""


def figures(db: Any, months: list[tuple[str, str]], lo: str, hi: str, moments: list[str],
            midnights: list[str], today_start: str, scope: Scope) -> Figures:
    """The report's counts from the local vault's queries above."""
    return Figures(served(db, months, lo, hi, scope), opened(db, months, lo, hi, scope),
                   crises(db, lo, hi, scope), legal_clocks(db, lo, hi, scope),
                   followups(db, lo, hi, scope, midnights, today_start),
                   referrals(db, lo, hi, scope), closed(db, lo, hi, scope),
                   open_by_risk(db, moments, scope))
