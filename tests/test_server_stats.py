"""Statistics on the studio server: the same hand-built studio (tests/stats_scenario.py) on
a local vault and on the server gives the same report for every role and scope, though row
security hides most cases from a counsellor and every note from staff; the counting
function answers only the roles and scopes the local service allows, and only with counts."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from stats_scenario import (
    CLIENT_NAMES,
    PASSWORDS,
    Q1,
    Q1_FIGURES,
    Q1_MONTHS,
    Q2,
    SHENZHEN,
    Scenario,
    build,
    build_on_server,
)

from xinhe import cli
from xinhe.crypto.binding import DeviceBinding
from xinhe.errors import AccessDenied
from xinhe.records import vocab
from xinhe.records.services import Services
from xinhe.records.stats import StatsService
from xinhe.records.stats_period import Period
from xinhe.records.storage.pg_store import PgDatabase

CALL = ("SELECT figure, k1, k2, n FROM stats_figures(?, ?, CAST(? AS text[]),"
        " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), ?, CAST(? AS bigint), ?)")
Q1_ARGS = ["2025-12-31T16:00:00+00:00", "2026-03-31T16:00:00+00:00",
           ["2025-12-31T16:00:00+00:00"], ["2026-03-31T16:00:00+00:00"],
           ["2026-03-31T16:00:00+00:00"], ["2025-12-31T16:00:00+00:00",
                                            "2026-03-31T16:00:00+00:00"],
           "2026-04-09T16:00:00+00:00"]


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    made = build(tmp_path_factory.mktemp("stats") / "vault")
    yield made
    made.close()


@pytest.fixture(scope="module")
def server(server_template: Any) -> Iterator[Scenario]:
    made = build_on_server(server_template)
    yield made
    made.close()
    server_template.drop()


def figures(svc: Services, period: Period = Q1, **scope: object) -> dict[str, Any]:
    made = StatsService(svc.vault).report(period, tz=SHENZHEN, **scope)  # type: ignore[arg-type]
    return made.to_json() | {"generated_at": None}


def raw(scenario: Scenario, login: str) -> PgDatabase:
    """A connection as the user's own login role, with no service in between."""
    db: PgDatabase = scenario.folder.connect(login, PASSWORDS[login])
    return db


def test_every_role_and_scope_counts_the_same_on_the_server(local: Scenario,
                                                            server: Scenario) -> None:
    here = {name: local.login(name) for name in ("sup", "wang", "chen", "staff")}
    there = {name: server.login(name) for name in ("sup", "wang", "chen", "staff")}
    q1 = figures(there["sup"])
    for section, expected in Q1_FIGURES.items():
        assert q1[section] == expected, section
    assert [{k: m[k] for k in Q1_MONTHS[0]} for m in q1["months"]] == Q1_MONTHS
    asks: list[tuple[str, Period, dict[str, object]]] = [
        ("sup", Q1, {}), ("sup", Q2, {}), ("sup", Period.parse("2025-10-01", "2026-06-30"), {}),
        ("sup", Q1, {"counsellor": "wang"}), ("sup", Q1, {"counsellor": "chen"}),
        ("sup", Q1, {"community": "西乡社区"}), ("sup", Q2, {"community": "凤凰岗社区"}),
        ("staff", Q1, {}), ("staff", Q1, {"community": "西乡社区"}),
        ("wang", Q1, {}), ("chen", Q1, {}), ("chen", Q2, {"community": "西乡社区"})]
    for who, period, scope in asks:
        def on(made: Scenario, scope: dict[str, object] = scope) -> dict[str, object]:
            login = scope.get("counsellor")
            return {"community": scope.get("community"),
                    "counsellor_id": None if login is None else made.users[str(login)]}
        assert figures(there[who], period, **on(server)) == \
            figures(here[who], period, **on(local)), (who, period, scope)
    # What row security lets 王丽 read herself is far less than what she may count.
    wang = raw(server, "wang")
    try:
        # A, B, E and the shared C: not D's and F's sessions, which her figures leave out too.
        assert wang.scalar("SELECT count(*) FROM sessions") == 6
        assert wang.scalar("SELECT count(*) FROM cases") == 4
    finally:
        wang.close()
    staff = raw(server, "staff")
    try:
        # (The case's deadlines are part of its header, which staff read as in a vault.)
        for table in ("sessions", "crisis_interventions", "followups"):
            with pytest.raises(AccessDenied):
                staff.scalar(f"SELECT count(*) FROM {table}")
    finally:
        staff.close()


def test_the_counting_function_answers_only_whom_the_service_would(server: Scenario) -> None:
    ids = server.users
    allowed = {("sup", None), ("sup", ids["wang"]), ("staff", None), ("wang", ids["wang"]),
               ("chen", ids["chen"])}
    for login in ("admin", "sup", "wang", "chen", "staff"):
        db = raw(server, login)
        try:
            for counsellor in (None, ids["wang"], ids["chen"], ids["sup"]):
                if (login, counsellor) in allowed:
                    rows = db.all(CALL, [*Q1_ARGS, counsellor, None])
                    assert rows, (login, counsellor)
                elif login != "sup":
                    with pytest.raises(AccessDenied):
                        db.all(CALL, [*Q1_ARGS, counsellor, None])
            # Nothing else in the schema lets a login run SQL as the owner for statistics.
            assert db.scalar("SELECT has_function_privilege(current_user, oid, 'EXECUTE')"
                             " FROM pg_proc WHERE proname = 'stats_figures'") == \
                (login != "admin")
        finally:
            db.close()
    admin = raw(server, "admin")
    try:
        with pytest.raises(AccessDenied):
            admin.all(CALL, [*Q1_ARGS, None, None])
        function = admin.one(
            "SELECT p.prosecdef, pg_get_userbyid(p.proowner) AS owner, p.proconfig,"
            " p.provolatile, pg_get_function_result(p.oid) AS result,"
            " has_function_privilege('public', p.oid, 'EXECUTE') AS public"
            " FROM pg_proc p WHERE p.proname = 'stats_figures'")
    finally:
        admin.close()
    assert function["prosecdef"] and function["owner"] == "xinhe_owner"
    assert function["proconfig"] == ["search_path=pg_catalog, xinhe"]
    assert function["provolatile"] == "s"  # STABLE: it cannot write
    assert function["result"] == "TABLE(figure text, k1 text, k2 text, n bigint)"
    assert function["public"] is False


def test_the_counting_function_gives_counts_and_codes_never_rows(server: Scenario) -> None:
    sup = raw(server, "sup")
    try:
        rows = [tuple(r) for r in sup.all(CALL, [*Q1_ARGS, None, None])]
        # However the bounds are bent, a period over everything still only counts.
        wide = [tuple(r) for r in sup.all(CALL, ["", "~", [""], ["~"], ["~"], ["", "~"],
                                                  "~", None, None])]
        dump = json.dumps(rows + wide, ensure_ascii=False)
        with pytest.raises(Exception, match=r"(?i)function|does not exist|不存在"):
            sup.all("SELECT * FROM stats_figures('select * from clients')")
    finally:
        sup.close()
    codes = {*vocab.CATEGORIES, *vocab.SOURCES, *vocab.CRISIS_KINDS, *vocab.AGENCIES,
             "draft", "signed", "delivered", "acknowledged", "0", "1", "high", "medium",
             "low", "cancelled", "overdue", "not_yet_due", "on_time", "late",
             "minor_reports", "minor_outstanding", "po_applications", "po_granted",
             "po_refused", None}
    for figure, k1, k2, n in rows + wide:
        assert isinstance(n, int) and re.fullmatch(r"[a-z_]+", figure)
        for key in (k1, k2):
            assert key in codes or re.fullmatch(r"\d{1,3}", str(key)), (figure, key)
    assert not any(name in dump for name in CLIENT_NAMES)
    assert "xs1" not in dump and "2026-" not in dump and "当事人" not in dump
    assert ("crises", "dv_high_risk", "1", 1) in rows and ("closed", None, None, 2) in rows
    assert ("closed", None, None, 3) in wide  # A, B and F: every closure ever made


def test_stats_from_the_command_line_on_the_server(server: Scenario, local: Scenario,
                                                   binding: DeviceBinding,
                                                   tmp_path: Any) -> None:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args([
        "stats", "--server", server.folder.dsn, "--user", "staff", "--from", "2026-01-01",
        "--to", "2026-03-31", "--json"])
    assert cli.run(args, cli.Io(io.StringIO(PASSWORDS["staff"] + "\n"), out, err),
                   binding) == 0, err.getvalue()
    made = json.loads(out.getvalue())
    # The command counts this computer's days; the figures match the local report for them.
    staff = local.login("staff")
    expected = StatsService(staff.vault).report(Q1).to_json()
    assert made | {"generated_at": None} == expected | {"generated_at": None}
    pdf = tmp_path / "q1.pdf"
    args = cli.build_parser().parse_args([
        "stats", "--server", server.folder.dsn, "--user", "sup", "--preset", "last_quarter",
        "--pdf", str(pdf)])
    err = io.StringIO()
    assert cli.run(args, cli.Io(io.StringIO(PASSWORDS["sup"] + "\n"), io.StringIO(), err),
                   binding) == 0, err.getvalue()
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_statistics_screen_on_the_server_shows_the_local_figures(
        server: Scenario, local: Scenario, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from xinhe.ui import i18n, style
    from xinhe.ui.context import AppContext, ChangeBus
    from xinhe.ui.operations.session import _opened
    from xinhe.ui.screens.statistics import StatisticsScreen
    from xinhe.ui.worker import DbWorker

    i18n.install("zh_CN")
    style.apply(QApplication.instance())
    worker = DbWorker()
    opened = worker.call(lambda: _opened(server.folder.unlock("staff", PASSWORDS["staff"])))
    try:
        ctx = AppContext(worker, opened.services, opened.vault.actor, opened.org_name, False,
                         ChangeBus())
        screen = StatisticsScreen(ctx, zone=SHENZHEN)
        qtbot.addWidget(screen)
        screen.show()
        qtbot.waitUntil(lambda: screen.report is not None, timeout=10_000)
        before = screen.report
        screen.preset.setCurrentIndex(screen.preset.findData("last_quarter"))
        qtbot.waitUntil(lambda: screen.report is not before, timeout=10_000)
        assert screen.report is not None
        shown = screen.report.to_json() | {"generated_at": None}
        assert shown == figures(local.login("staff"))
        # What the screen's table shows, figure by figure (staff cannot read one note).
        assert [screen.model.value_of(key) for key in (
            "cases_served", "person_times", "crises_on_site")] == ["5", "10", "1"]
        assert screen.message.objectName() != "error"
    finally:
        worker.call(opened.vault.close)
        worker.shutdown()
