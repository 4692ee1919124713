"""The statistics screen: its choices, the report for a period, exporting it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from xinhe.crypto.files import atomic_write
from xinhe.records.stats import StatsReport, StatsService
from xinhe.records.stats_period import Period, local_zone
from xinhe.records.stats_table import to_csv
from xinhe.ui.operations import run

if TYPE_CHECKING:
    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext

Failure = Callable[[BaseException], None]


@dataclass(frozen=True)
class Choices:
    today: date
    counsellors: list[tuple[int, str]]
    communities: list[str]


def _choices(services: Services, zone: tzinfo | None = None) -> Choices:
    stats = StatsService(services.vault)
    return Choices(services.vault.now().astimezone(local_zone(zone)).date(),
                   stats.counsellor_choices(), stats.community_choices())


def load_choices(*, ctx: AppContext, parent: QWidget, zone: tzinfo | None,
                 on_done: Callable[[Choices], None]) -> None:
    """Today (in the studio's zone), the counsellors and communities to filter by."""
    run(ctx, lambda s: _choices(s, zone), parent=parent, on_done=on_done)


def load_report(*, ctx: AppContext, parent: QWidget, period: Period,
                counsellor_id: int | None, community: str | None, zone: tzinfo | None,
                on_done: Callable[[StatsReport], None], on_failure: Failure) -> None:
    """The figures for a period, optionally for one counsellor or community."""
    run(ctx, lambda s: StatsService(s.vault).report(period, counsellor_id=counsellor_id,
                                                    community=community, tz=zone),
        parent=parent, on_done=on_done, on_failure=on_failure)


def _csv(services: Services, report: StatsReport, path: Path, lang: str) -> Path:
    StatsService(services.vault).record_export(report, "csv")
    atomic_write(path, to_csv(report, lang))
    return path


def export_csv(*, ctx: AppContext, parent: QWidget, report: StatsReport, path: Path,
               lang: str, on_done: Callable[[Path], None], on_failure: Failure) -> None:
    """Write the figures as CSV (audited as an export)."""
    run(ctx, lambda s: _csv(s, report, path, lang), parent=parent, on_done=on_done,
        on_failure=on_failure)


def _pdf(services: Services, report: StatsReport, path: Path, lang: str) -> Path:
    from xinhe.export.report import export_report_pdf

    atomic_write(path, export_report_pdf(services.vault, report, lang))
    return path


def export_pdf(*, ctx: AppContext, parent: QWidget, report: StatsReport, path: Path,
               lang: str, on_done: Callable[[Path], None], on_failure: Failure) -> None:
    """Make and sign the figures' PDF."""
    run(ctx, lambda s: _pdf(s, report, path, lang), parent=parent, on_done=on_done,
        on_failure=on_failure)


def printable(services: Services, *, report: StatsReport, lang: str) -> str:
    """The figures as the page to print (audited as an export of kind "print")."""
    from xinhe.export.printable import statistics_html

    StatsService(services.vault).record_export(report, "print")
    return statistics_html(report, lang)
