"""The SQL behind a statistics report: aggregates only, never a name or a note.

Every function takes a database connection (the vault's `Database`, or for the benchmark a
plain SQLite one: anything whose `execute(sql, params)` returns a cursor) and a `Scope`
(the optional counsellor and community filters as SQL). Each figure is counted where its
docstring says; `xinhe.records.stats` puts them together.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, tzinfo
from typing import Any

from xinhe.records.stats_period import local_day

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


def _rows(db: Any, sql: str, params: Params) -> list[Any]:
    return list(db.execute(sql, params).fetchall())


def _month_case(column: str, month_ends: list[str]) -> tuple[str, Params]:
    """A CASE giving the index of the month a timestamp falls in (rows are already inside
    the period, so the last month is the ELSE)."""
    if len(month_ends) <= 1:
        return "0", {}
    params = {f"m{i}": end for i, end in enumerate(month_ends[:-1])}
    whens = " ".join(f"WHEN {column} < :m{i} THEN {i}" for i in range(len(month_ends) - 1))
    return f"CASE {whens} ELSE {len(month_ends) - 1} END", params


@dataclass
class Served:
    by_category: Counter[str] = field(default_factory=Counter)
    person_times: int = 0
    sessions: int = 0
    unsigned: int = 0
    month_cases: Counter[int] = field(default_factory=Counter)
    month_persons: Counter[int] = field(default_factory=Counter)


def served(db: Any, lo: str, hi: str, month_ends: list[str], scope: Scope) -> Served:
    """Sessions starting in [lo, hi): distinct cases (by category: a case has one category,
    so the categories add up to the distinct total), persons served, drafts; and per month."""
    join, where, params = scope.sql()
    params.update(lo=lo, hi=hi)
    out = Served()
    for category, cases, persons, sessions, unsigned in _rows(db, (
            "SELECT c.category, count(DISTINCT s.case_id), coalesce(sum(s.persons_served), 0),"
            " count(*), coalesce(sum(s.signed_at IS NULL), 0) FROM sessions s"
            " JOIN cases c ON c.id = s.case_id" + join +
            " WHERE s.started_at >= :lo AND s.started_at < :hi" + where +
            " GROUP BY c.category"), params):
        out.by_category[category] = int(cases)
        out.person_times += int(persons)
        out.sessions += int(sessions)
        out.unsigned += int(unsigned)
    month, month_params = _month_case("s.started_at", month_ends)
    from_sessions = " FROM sessions s"
    if scope.filtered:
        from_sessions += " JOIN cases c ON c.id = s.case_id" + join
    for index, cases, persons in _rows(db, (
            f"SELECT {month} AS m, count(DISTINCT s.case_id), sum(s.persons_served)"
            + from_sessions + " WHERE s.started_at >= :lo AND s.started_at < :hi" + where +
            " GROUP BY m"), {**params, **month_params}):
        out.month_cases[int(index)] = int(cases)
        out.month_persons[int(index)] = int(persons)
    return out


@dataclass
class Opened:
    by_category: Counter[str] = field(default_factory=Counter)
    by_source: Counter[str] = field(default_factory=Counter)
    platform_by_category: Counter[str] = field(default_factory=Counter)
    handled: int = 0
    platform_handled: int = 0
    by_month: Counter[int] = field(default_factory=Counter)


def opened(db: Any, lo: str, hi: str, month_ends: list[str], scope: Scope) -> Opened:
    """Cases opened in [lo, hi), and of those the ones closed before `hi` (handled)."""
    join, where, params = scope.sql()
    params.update(lo=lo, hi=hi)
    month, month_params = _month_case("c.opened_at", month_ends)
    out = Opened()
    for index, category, source, count, handled in _rows(db, (
            f"SELECT {month} AS m, c.category, c.source, count(*),"
            " coalesce(sum(c.closed_at IS NOT NULL AND c.closed_at < :hi), 0) FROM cases c"
            + join + " WHERE c.opened_at >= :lo AND c.opened_at < :hi" + where +
            " GROUP BY m, c.category, c.source"), {**params, **month_params}):
        out.by_month[int(index)] += int(count)
        out.by_category[category] += int(count)
        out.by_source[source] += int(count)
        out.handled += int(handled)
        if source == "platform":
            out.platform_by_category[category] += int(count)
            out.platform_handled += int(handled)
    return out


def closed(db: Any, lo: str, hi: str, scope: Scope) -> int:
    """Cases whose closure date is in [lo, hi)."""
    join, where, params = scope.sql()
    params.update(lo=lo, hi=hi)
    [(count,)] = _rows(db, "SELECT count(*) FROM cases c" + join +
                       " WHERE c.closed_at >= :lo AND c.closed_at < :hi" + where, params)
    return int(count)


@dataclass
class Crises:
    by_kind: Counter[str] = field(default_factory=Counter)
    on_site_by_kind: Counter[str] = field(default_factory=Counter)
    cases: int = 0


def crises(db: Any, lo: str, hi: str, scope: Scope) -> Crises:
    """Crisis interventions occurring in [lo, hi), by kind and on site, and their cases."""
    join, where, params = scope.sql()
    params.update(lo=lo, hi=hi)
    out = Crises()
    base = (" FROM crisis_interventions k JOIN cases c ON c.id = k.case_id" + join +
            " WHERE k.occurred_at >= :lo AND k.occurred_at < :hi" + where)
    for kind, on_site, count in _rows(db, "SELECT k.kind, k.on_site, count(*)" + base +
                                      " GROUP BY k.kind, k.on_site", params):
        out.by_kind[kind] += int(count)
        if on_site:
            out.on_site_by_kind[kind] += int(count)
    [(cases,)] = _rows(db, "SELECT count(DISTINCT k.case_id)" + base, params)
    out.cases = int(cases)
    return out


def referrals(db: Any, lo: str, hi: str, scope: Scope) -> dict[str, Counter[str]]:
    """Referrals created in [lo, hi): agency → status now → count."""
    join, where, params = scope.sql()
    params.update(lo=lo, hi=hi)
    out: dict[str, Counter[str]] = {}
    for agency, status, count in _rows(db, (
            "SELECT r.agency, r.status, count(*) FROM referrals r"
            " JOIN cases c ON c.id = r.case_id" + join +
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


def followups(db: Any, lo: str, hi: str, scope: Scope, tz: tzinfo, today: date) -> FollowUps:
    """Follow-ups due in [lo, hi), classified by local calendar day against `today`."""
    join, where, params = scope.sql()
    params.update(lo=lo, hi=hi)
    out = FollowUps()
    for status, due_at, done_at in _rows(db, (
            "SELECT f.status, f.due_at, f.done_at FROM followups f"
            " JOIN cases c ON c.id = f.case_id" + join +
            " WHERE f.due_at >= :lo AND f.due_at < :hi" + where), params):
        if status == "cancelled":
            out.cancelled += 1
            continue
        out.due += 1
        due_day = local_day(due_at, tz)
        if status == "done" and done_at:
            if local_day(done_at, tz) <= due_day:
                out.on_time += 1
            else:
                out.late += 1
        elif today > due_day:
            out.overdue += 1
        else:
            out.not_yet_due += 1
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
    join, where, params = scope.sql()
    params.update(lo=lo, hi=hi)
    out = LegalClocks()
    for kind, status, started, met, details in _rows(db, (
            "SELECT x.kind, x.status, x.started_at, x.met_at, x.details FROM clocks x"
            " JOIN cases c ON c.id = x.case_id" + join +
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


def open_by_risk(db: Any, moments: list[str], scope: Scope) -> list[dict[str, int]]:
    """For each moment: the cases open then (opened before it, not closed by it) by their
    risk level then, the last risk change before the moment ("none" when unassessed).

    One pass over the cases and one over the risk history, each row tested against every
    moment, rather than one query per moment."""
    if not moments:
        return []
    join, where, params = scope.sql()
    open_at = [f"(c.opened_at < :t{i} AND (c.closed_at IS NULL OR c.closed_at >= :t{i}))"
               for i in range(len(moments))]
    params.update({f"t{i}": moment for i, moment in enumerate(moments)})
    params["last"] = max(moments)
    [totals] = _rows(db, "SELECT " + ", ".join(f"coalesce(sum({o}), 0)" for o in open_at) +
                     " FROM cases c" + join + " WHERE c.opened_at < :last" + where, params)
    at_level = [f"(h.changed_at < :t{i} AND (h.until IS NULL OR h.until >= :t{i}) AND {o})"
                for i, o in enumerate(open_at)]
    result = [dict.fromkeys(RISK_KEYS, 0) for _ in moments]
    for row in _rows(db, (
            "WITH h AS (SELECT case_id, level, changed_at, lead(changed_at) OVER"
            " (PARTITION BY case_id ORDER BY id) AS until FROM risk_history"
            " WHERE changed_at < :last)"
            " SELECT h.level, " + ", ".join(f"coalesce(sum({a}), 0)" for a in at_level) +
            " FROM h JOIN cases c ON c.id = h.case_id" + join + " WHERE 1" + where +
            " GROUP BY h.level"), params):
        level = row[0]
        if level in ("high", "medium", "low"):
            for i in range(len(moments)):
                result[i][level] += int(row[i + 1])
    for i, total in enumerate(totals):
        result[i]["none"] = int(total) - sum(result[i][k] for k in ("high", "medium", "low"))
    return result
