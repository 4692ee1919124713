"""The report's counts on the studio server, from `xinhe.stats_figures` (storage/pg_stats.py).

Row-level security hides other counsellors' cases (and from staff every note), so the counts
are made by that SECURITY DEFINER function, which checks the role and scope itself and
returns only (figure, key, key, count) rows. Here they become the same `Figures` the local
vault's queries give, so `stats.compute_report` puts both together the same way.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from xinhe.records import stats_queries as q

FOLLOWUP_KEYS = ("cancelled", "overdue", "not_yet_due", "on_time", "late")
LEGAL_KEYS = ("minor_reports", "minor_outstanding", "po_applications", "po_granted",
              "po_refused")


def figures(db: Any, months: list[tuple[str, str]], lo: str, hi: str, moments: list[str],
            midnights: list[str], today_start: str, scope: q.Scope) -> q.Figures:
    """The report's counts, made on the server in one call (see stats_queries.figures)."""
    rows = db.all("SELECT figure, k1, k2, n FROM stats_figures(CAST(:lo AS text),"
                  " CAST(:hi AS text), CAST(:starts AS text[]), CAST(:ends AS text[]),"
                  " CAST(:moments AS text[]), CAST(:midnights AS text[]), CAST(:today AS text),"
                  " CAST(:counsellor AS bigint), CAST(:community AS text))",
                  {"lo": lo, "hi": hi, "starts": [a for a, _ in months],
                   "ends": [b for _, b in months], "moments": moments,
                   "midnights": midnights, "today": today_start,
                   "counsellor": scope.counsellor_id, "community": scope.community})
    n_months = len(months)
    served = q.Served(month_cases=[0] * n_months, month_persons=[0] * n_months)
    opened = q.Opened(by_month=[0] * n_months)
    crises, legal, follow = q.Crises(), q.LegalClocks(), q.FollowUps()
    referrals: dict[str, Counter[str]] = {}
    closed = 0
    open_at = [0] * len(moments)
    risk = [dict.fromkeys(("high", "medium", "low"), 0) for _ in moments]
    for figure, k1, k2, n in rows:
        count = int(n)
        if figure == "month_sessions":
            served.sessions += count
        elif figure == "month_persons":
            served.month_persons[int(k1)] = count
            served.person_times += count
        elif figure == "month_cases":
            served.month_cases[int(k1)] = count
        elif figure == "unsigned":
            served.unsigned = count
        elif figure == "served_category":
            served.by_category[k1] = count
        elif figure == "opened":
            opened.by_category[k1] += count
            opened.by_source[k2] += count
            if k2 == "platform":
                opened.platform_by_category[k1] += count
        elif figure == "handled":
            opened.handled += count
            if k2 == "platform":
                opened.platform_handled += count
        elif figure == "month_opened":
            opened.by_month[int(k1)] = count
        elif figure == "closed":
            closed = count
        elif figure == "crises":
            crises.by_kind[k1] += count
            if k2 == "1":
                crises.on_site_by_kind[k1] += count
        elif figure == "crisis_cases":
            crises.cases = count
        elif figure == "referrals":
            referrals.setdefault(k1, Counter())[k2] += count
        elif figure == "followups" and k1 in FOLLOWUP_KEYS:
            setattr(follow, k1, count)
        elif figure == "legal" and k1 in LEGAL_KEYS:
            setattr(legal, k1, count)
        elif figure == "open":
            open_at[int(k1)] = count
        elif figure == "risk":
            risk[int(k1)][k2] = count
    follow.due = follow.on_time + follow.late + follow.overdue + follow.not_yet_due
    levels = [{**levels, "none": total - sum(levels.values())}
              for levels, total in zip(risk, open_at, strict=True)]
    return q.Figures(served, opened, crises, legal, follow, referrals, closed, levels)
