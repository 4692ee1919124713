"""Statistics (统计): the studio's period report, in the shape of its reports to the district.

`StatsService.report(period, …)` gives a `StatsReport` for any from/to days (presets in
`stats_period.Period.preset`). Every figure's definition is its field's docstring below,
the same text as `stats_figures.FIGURES` and README.md's "Statistics glossary".

Who may run statistics (aggregates only, never a client's name):
- supervisor: the whole studio, or one counsellor's cases, or one community's;
- staff: the whole studio or one community (not per counsellor: that is a supervisor's
  view of a colleague's work);
- counsellor: their own caseload only (cases assigned to them; shared cases count for the
  counsellor they are assigned to), optionally by community;
- admin: none (no case content, not even counted).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from xinhe.errors import AccessDenied, InvalidInput
from xinhe.records import stats_queries as q
from xinhe.records import stats_server, vocab
from xinhe.records.common import iso
from xinhe.records.stats_period import Month, Period, instant, local_zone
from xinhe.records.stats_queries import RISK_KEYS
from xinhe.records.storage.session import Session

STATS_ROLES = ("supervisor", "staff", "counsellor")
REFERRAL_STATUSES = ("draft", "signed", "delivered", "acknowledged")


def percentage(part: int, whole: int) -> Decimal | None:
    """part ÷ whole × 100 to two decimals, rounded half up; None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def full(codes: dict[str, Any], counts: Counter[str]) -> dict[str, int]:
    """Every vocabulary code (zeros included, in vocabulary order), then any other code
    found in the vault, so breakdowns always add up to their totals."""
    out = {code: int(counts.get(code, 0)) for code in codes}
    out.update({code: int(n) for code, n in sorted(counts.items()) if code not in out})
    return out


@dataclass(frozen=True)
class ReportScope:
    """Whose cases a report counts (names are staff names, never clients')."""

    counsellor_id: int | None = None
    counsellor_name: str | None = None
    community: str | None = None
    own_caseload: bool = False  # a counsellor's report on their own cases


@dataclass(frozen=True)
class MonthFigures:
    """One month of the trend, cut to the period."""

    key: str  # "2026-03"
    first: date
    last: date
    cases_served: int
    """Cases with a session in this month (a case seen in two months counts in both)."""
    person_times: int
    """Persons served over this month's sessions."""
    new_cases: int
    """Cases opened in this month."""
    risk: dict[str, int] | None
    """Open cases at the month's end (the period's end, or now, whichever is first) by
    risk level then: high, medium, low, none. None for a month that has not begun."""

    @property
    def begun(self) -> bool:
        return self.risk is not None


@dataclass(frozen=True)
class FollowUpFigures:
    due: int
    """Follow-ups due in the period, not counting cancelled ones. Due = on time + late +
    overdue + not yet due."""
    on_time: int
    """Done on or before the due day (local date)."""
    late: int
    """Done after the due day."""
    overdue: int
    """Not done, and the due day has passed."""
    not_yet_due: int
    """Not done, due today or later."""
    cancelled: int
    """Due in the period but cancelled when the case was closed."""


@dataclass(frozen=True)
class StatsReport:
    studio: str
    period: Period
    scope: ReportScope
    generated_at: datetime
    zone: tzinfo
    """The time zone whose calendar days the period counts."""
    timezone: str
    """That zone's UTC offset at the period's end (e.g. "UTC+08:00")."""
    future: bool
    """The period reaches past today: its figures can only count up to now."""
    measured_at: str
    """When the "at the end" figures are taken: the period's end, or now if earlier."""

    cases_served: int
    """Cases with at least one session (signed or draft) starting in the period."""
    person_times: int
    """Sum of persons served over the period's sessions."""
    sessions: int
    """Sessions starting in the period."""
    sessions_unsigned: int
    """Of those, notes still in draft (the figures may change until they are signed)."""
    served_by_category: dict[str, int]
    """Cases served by case category; adds up to cases_served."""

    new_cases: int
    """Cases opened in the period ("received")."""
    new_by_category: dict[str, int]
    """New cases by category; adds up to new_cases."""
    new_by_source: dict[str, int]
    """New cases by source; adds up to new_cases."""
    platform_received: int
    """New cases whose source is the district platform."""
    platform_by_category: dict[str, int]
    """Platform cases by category; adds up to platform_received."""

    crises: int
    """Crisis interventions occurring in the period."""
    crises_by_kind: dict[str, int]
    """By kind (dv_high_risk, suicide, other); adds up to crises."""
    crises_on_site: int
    """Of those, made on site (also counted in their kind)."""
    crises_on_site_by_kind: dict[str, int]
    """On-site interventions by kind; adds up to crises_on_site."""
    crisis_cases: int
    """Cases with at least one crisis intervention in the period."""

    cases_open_at_end: int
    """Cases opened before `measured_at` and not closed by then."""
    high_risk_open_at_end: int
    """Of those, the ones whose risk level at `measured_at` was high."""

    referrals: int
    """Referrals created in the period."""
    referrals_by_agency: dict[str, dict[str, int]]
    """agency → status now → count, over the period's referrals."""

    followups: FollowUpFigures

    minor_reports: int
    """Mandatory reports to police about a minor recorded as made in the period."""
    minor_reports_outstanding: int
    """Harm to a minor noted in the period with no report to police recorded yet."""
    po_applications: int
    """Protection-order applications made in the period."""
    po_granted: int
    """Of those, granted by the court (as recorded now)."""
    po_refused: int
    """Of those, refused by the court (the rest await a decision)."""

    cases_closed: int
    """Cases whose closure date is in the period (whenever they were opened)."""
    handled: int
    """Of the cases opened in the period, those closed by its end."""
    handled_ratio: Decimal | None
    """handled ÷ new_cases × 100, two decimals, half up; None when new_cases is 0."""
    platform_handled: int
    """Of the platform cases received in the period, those closed by its end."""
    platform_handled_ratio: Decimal | None
    """platform_handled ÷ platform_received × 100; None when none was received."""

    months: tuple[MonthFigures, ...] = field(default=())

    @property
    def referrals_by_status(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for statuses in self.referrals_by_agency.values():
            totals.update(statuses)
        return full(dict.fromkeys(REFERRAL_STATUSES), totals)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: codes, not labels; ratios as numbers with two decimals."""
        def ratio(value: Decimal | None) -> float | None:
            return None if value is None else float(value)
        f = self.followups
        return {
            "studio": self.studio,
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat(),
                       "timezone": self.timezone, "future": self.future,
                       "measured_at": self.measured_at},
            "scope": {"counsellor": self.scope.counsellor_name,
                      "community": self.scope.community,
                      "own_caseload": self.scope.own_caseload},
            "generated_at": iso(self.generated_at),
            "served": {"cases": self.cases_served, "person_times": self.person_times,
                       "sessions": self.sessions, "sessions_unsigned": self.sessions_unsigned,
                       "by_category": self.served_by_category},
            "new_cases": {"total": self.new_cases, "by_category": self.new_by_category,
                          "by_source": self.new_by_source,
                          "platform": self.platform_received,
                          "platform_by_category": self.platform_by_category},
            "crises": {"total": self.crises, "by_kind": self.crises_by_kind,
                       "on_site": self.crises_on_site,
                       "on_site_by_kind": self.crises_on_site_by_kind,
                       "cases": self.crisis_cases},
            "risk": {"cases_open_at_end": self.cases_open_at_end,
                     "high_risk_open_at_end": self.high_risk_open_at_end},
            "referrals": {"total": self.referrals, "by_agency": self.referrals_by_agency,
                          "by_status": self.referrals_by_status},
            "followups": {"due": f.due, "on_time": f.on_time, "late": f.late,
                          "overdue": f.overdue, "not_yet_due": f.not_yet_due,
                          "cancelled": f.cancelled},
            "legal": {"minor_reports": self.minor_reports,
                      "minor_reports_outstanding": self.minor_reports_outstanding,
                      "po_applications": self.po_applications, "po_granted": self.po_granted,
                      "po_refused": self.po_refused},
            "closure": {"cases_closed": self.cases_closed, "received": self.new_cases,
                        "handled": self.handled, "handled_ratio": ratio(self.handled_ratio),
                        "platform_received": self.platform_received,
                        "platform_handled": self.platform_handled,
                        "platform_handled_ratio": ratio(self.platform_handled_ratio)},
            "months": [{"month": m.key, "from": m.first.isoformat(), "to": m.last.isoformat(),
                        "cases_served": m.cases_served, "person_times": m.person_times,
                        "new_cases": m.new_cases, "risk": m.risk} for m in self.months],
        }


def utc_offset_label(tz: tzinfo, day: date) -> str:
    offset = datetime.combine(day, datetime.min.time(), tzinfo=tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def compute_report(db: Any, period: Period, *, scope: ReportScope, now: datetime,
                   tz: tzinfo, studio: str) -> StatsReport:
    """The report over `db` (no access checks: `StatsService.report` makes them)."""
    lo, hi = period.bounds(tz)
    now_text = iso(now)
    today = now.astimezone(tz).date()
    months = period.months()
    bounds = [(instant(m.first, tz), instant(m.last + timedelta(days=1), tz)) for m in months]
    midnights = [instant(period.start + timedelta(days=n), tz) for n in range(period.days + 1)]
    sql_scope = q.Scope(scope.counsellor_id, scope.community)

    # Risk is taken at each month's end (or now, for the month under way) and at the end.
    measured_at = min(hi, now_text)
    month_moments = [min(end, now_text) if start <= now_text else None
                     for start, end in bounds]
    moments = sorted({measured_at, *(m for m in month_moments if m is not None)})
    # On the server the counts come from one function that may count past row security.
    source = q.figures if db.dialect == "sqlite" else stats_server.figures
    counts = source(db, bounds, lo, hi, moments, midnights, instant(today, tz), sql_scope)
    served, opened, crises = counts.served, counts.opened, counts.crises
    legal, follow, referrals = counts.legal, counts.followups, counts.referrals
    levels = dict(zip(moments, counts.levels, strict=True))
    at_end = levels[measured_at]
    month_rows = [_month(month, served, opened, index,
                         None if moment is None else levels[moment])
                  for index, (month, moment) in enumerate(zip(months, month_moments,
                                                                  strict=True))]
    new_cases = sum(opened.by_category.values())
    platform = sum(opened.platform_by_category.values())
    return StatsReport(
        studio=studio, period=period, scope=scope, generated_at=now.astimezone(UTC),
        zone=tz, timezone=utc_offset_label(tz, period.end), future=period.is_future(today),
        measured_at=measured_at,
        cases_served=sum(served.by_category.values()), person_times=served.person_times,
        sessions=served.sessions, sessions_unsigned=served.unsigned,
        served_by_category=full(vocab.CATEGORIES, served.by_category),
        new_cases=new_cases, new_by_category=full(vocab.CATEGORIES, opened.by_category),
        new_by_source=full(vocab.SOURCES, opened.by_source), platform_received=platform,
        platform_by_category=full(vocab.CATEGORIES, opened.platform_by_category),
        crises=sum(crises.by_kind.values()),
        crises_by_kind=full(vocab.CRISIS_KINDS, crises.by_kind),
        crises_on_site=sum(crises.on_site_by_kind.values()),
        crises_on_site_by_kind=full(vocab.CRISIS_KINDS, crises.on_site_by_kind),
        crisis_cases=crises.cases,
        cases_open_at_end=sum(at_end.values()), high_risk_open_at_end=at_end["high"],
        referrals=sum(sum(s.values()) for s in referrals.values()),
        referrals_by_agency={agency: full(dict.fromkeys(REFERRAL_STATUSES),
                                          referrals.get(agency, Counter()))
                             for agency in [*vocab.AGENCIES, *sorted(
                                 a for a in referrals if a not in vocab.AGENCIES)]},
        followups=FollowUpFigures(follow.due, follow.on_time, follow.late, follow.overdue,
                                  follow.not_yet_due, follow.cancelled),
        minor_reports=legal.minor_reports, minor_reports_outstanding=legal.minor_outstanding,
        po_applications=legal.po_applications, po_granted=legal.po_granted,
        po_refused=legal.po_refused,
        cases_closed=counts.closed, handled=opened.handled,
        handled_ratio=percentage(opened.handled, new_cases),
        platform_handled=opened.platform_handled,
        platform_handled_ratio=percentage(opened.platform_handled, platform),
        months=tuple(month_rows),
    )


def _month(month: Month, served: q.Served, opened: q.Opened, index: int,
           risk: dict[str, int] | None) -> MonthFigures:
    return MonthFigures(month.key, month.first, month.last, served.month_cases[index],
                        served.month_persons[index], opened.by_month[index],
                        None if risk is None else {k: risk[k] for k in RISK_KEYS})


class StatsService:
    """Statistics for the acting user, within what their role may count."""

    def __init__(self, vault: Session) -> None:
        self.vault = vault

    def _refuse(self, zh: str, en: str, why: str) -> AccessDenied:
        self.vault.audit_event("stats.run", "stats", self.vault.actor.role, f"refused:{why}")
        return AccessDenied(zh, en)

    def scope_for(self, counsellor_id: int | None, community: str | None) -> ReportScope:
        """The scope the actor asked for, checked against their role."""
        actor = self.vault.actor
        community = (community or "").strip() or None
        if actor.role not in STATS_ROLES:
            raise self._refuse("管理员账户不能查看个案统计。",
                               "Administrator accounts cannot see case statistics.", "role")
        if actor.role == "counsellor":
            if counsellor_id not in (None, actor.user_id):
                raise self._refuse("咨询师只能统计自己负责的个案。",
                                   "Counsellors can only count their own cases.", "counsellor")
            return ReportScope(actor.user_id, actor.display_name, community, own_caseload=True)
        if counsellor_id is None:
            return ReportScope(community=community)
        if actor.role != "supervisor":
            raise self._refuse("只有督导可以按咨询师查看统计。",
                               "Only a supervisor can see statistics per counsellor.",
                               "counsellor")
        row = self.vault.db.one("SELECT display_name, role FROM users WHERE id = ?",
                                (counsellor_id,))
        if row is None or row["role"] not in ("counsellor", "supervisor"):
            raise InvalidInput("找不到该咨询师。", "That counsellor was not found.")
        return ReportScope(counsellor_id, row["display_name"], community)

    def report(self, period: Period, *, counsellor_id: int | None = None,
               community: str | None = None, tz: tzinfo | None = None) -> StatsReport:
        """The period's figures for the whole studio, one counsellor (supervisor only) or
        one community. Days are those of `tz` (default: this computer's time zone)."""
        scope = self.scope_for(counsellor_id, community)
        zone = local_zone(tz)
        return compute_report(self.vault.db, period, scope=scope, now=self.vault.now(),
                              tz=zone, studio=self.vault.org_name)

    def counsellor_choices(self) -> list[tuple[int, str]]:
        """Whom a supervisor may filter by: everyone who holds or held cases."""
        if self.vault.actor.role != "supervisor":
            return []
        return [(int(r["id"]), str(r["display_name"])) for r in self.vault.db.all(
            "SELECT id, display_name FROM users WHERE role IN ('counsellor', 'supervisor')"
            " OR id IN (SELECT DISTINCT counsellor_id FROM cases) ORDER BY display_name")]

    def counsellor_by_login(self, login: str) -> int:
        """A counsellor's user id from their login name (for the command line)."""
        row = self.vault.db.one("SELECT id FROM users WHERE username = ?",
                                (login.strip().lower(),))
        if row is None:
            raise InvalidInput(f"没有登录名为 {login} 的咨询师。",
                               f"There is no counsellor with the login {login}.")
        return int(row["id"])

    def community_choices(self) -> list[str]:
        """Bao'an's communities, and any other community named on a client."""
        if self.vault.actor.role not in STATS_ROLES:
            return []
        known = [c for communities in vocab.BAOAN_STREETS.values() for c in communities]
        extra = [str(r[0]) for r in self.vault.db.all(
            "SELECT DISTINCT community FROM clients WHERE community IS NOT NULL"
            " ORDER BY community") if r[0] not in known]
        return known + extra

    def record_export(self, report: StatsReport, kind: str) -> None:
        """Audit that figures left the vault (`kind`: "csv" or "pdf")."""
        self.vault.audit_event("stats.export", "stats",
                               f"{report.period.start}..{report.period.end}", kind)
