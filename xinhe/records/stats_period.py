"""The period of a statistics report: calendar days in the studio's local time.

A period runs from the start of its first day to the end of its last day, both in the
workstation's time zone (Shenzhen: UTC+8), so a session at 23:30 on 31 March belongs to
March even though the vault stores it as 15:30 UTC. Record times in the vault are UTC ISO
strings of one fixed shape (`common.iso`), so a period's bounds become two such strings
and every range test is a plain string comparison that SQLite can answer from an index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from dateutil.relativedelta import relativedelta

from xinhe.errors import InvalidInput
from xinhe.records.common import iso, parse_date
from xinhe.records.stats_presets import PRESETS as PRESETS

#: The presets offered by the screen and the command line.
MAX_YEARS = 10


def local_zone(tz: tzinfo | None = None) -> tzinfo:
    """`tz`, or this computer's time zone (the studio's workstation)."""
    if tz is not None:
        return tz
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def instant(day: date, tz: tzinfo) -> str:
    """The vault's timestamp text for the start (local midnight) of `day`."""
    return iso(datetime.combine(day, time(0), tzinfo=tz))


def local_day(stamp: str, tz: tzinfo) -> date:
    """The local calendar day of a vault timestamp."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()


@dataclass(frozen=True)
class Month:
    """A calendar month of a period, cut to the period's days."""

    year: int
    month: int
    first: date  # the first day inside the period
    last: date  # the last day inside the period

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise InvalidInput(
                f"开始日期（{self.start}）晚于结束日期（{self.end}），请调换或重新选择。",
                f"The start date ({self.start}) is after the end date ({self.end}); "
                "swap them or choose again.")
        if self.end > self.start + relativedelta(years=MAX_YEARS):
            raise InvalidInput(f"统计期间最长为 {MAX_YEARS} 年。",
                               f"A statistics period can be at most {MAX_YEARS} years long.")

    # -- making one -------------------------------------------------------------------------
    @classmethod
    def parse(cls, start: str, end: str) -> Period:
        """From two YYYY-MM-DD texts; bilingual errors for a bad date or a reversed pair."""
        first = parse_date(start.strip(), "开始日期", "Start date")
        last = parse_date(end.strip(), "结束日期", "End date")
        if first is None or last is None:
            raise InvalidInput("请填写开始日期和结束日期。",
                               "Please give both a start date and an end date.")
        return cls(first, last)

    @classmethod
    def month_of(cls, day: date) -> Period:
        first = day.replace(day=1)
        return cls(first, first + relativedelta(months=1) - timedelta(days=1))

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return cls(first, first + relativedelta(months=3) - timedelta(days=1))

    @classmethod
    def preset(cls, name: str, today: date) -> Period:
        """This month, last month, this quarter, last quarter, or this year up to today."""
        if name == "month":
            return cls.month_of(today)
        if name == "last_month":
            return cls.month_of(today.replace(day=1) - timedelta(days=1))
        if name == "quarter":
            return cls.quarter_of(today)
        if name == "last_quarter":
            return cls.quarter_of(cls.quarter_of(today).start - timedelta(days=1))
        if name == "ytd":
            return cls(date(today.year, 1, 1), today)
        raise InvalidInput(f"未知的预设期间：{name}（可选：{'、'.join(PRESETS)}）",
                           f"Unknown preset period: {name} (choose {', '.join(PRESETS)})")

    # -- using one --------------------------------------------------------------------------
    def bounds(self, tz: tzinfo) -> tuple[str, str]:
        """The period as [from, to) vault timestamp texts."""
        return instant(self.start, tz), instant(self.end + timedelta(days=1), tz)

    def months(self) -> list[Month]:
        """The calendar months the period touches, each cut to the period."""
        out = []
        first = self.start.replace(day=1)
        while first <= self.end:
            following = first + relativedelta(months=1)
            out.append(Month(first.year, first.month, max(first, self.start),
                             min(following - timedelta(days=1), self.end)))
            first = following
        return out

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def is_future(self, today: date) -> bool:
        """True when the period reaches past today: its figures can only count up to now."""
        return self.end > today

    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"
