"""Two desks at once on the studio server: a save based on an older version is refused
naming who saved meanwhile and when; other desks hear of a save within a second (NOTIFY
carries the table and case id, never content), and a lost server is noticed at once."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from conftest import Clock, Studio
from pg_cluster import StudioTemplate
from xinhe.errors import Conflict
from xinhe.records.storage import live

CHILD = Path(__file__).with_name("server_desk_child.py")
NOTE = {"data": "当事人讲述了昨晚的争吵经过。"}


def desk(studio: Studio, workstation: str, user: str, action: str,
         target: int) -> subprocess.Popen[str]:
    """Another workstation: a real process signed in to the same studio server."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), studio.folder.dsn, workstation, user, action,
         str(target)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    assert child.stdin is not None
    child.stdin.write(Studio.PASSWORDS[user] + "\n")
    child.stdin.flush()
    return child


def said(child: subprocess.Popen[str]) -> str:
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line, child.stderr.read() if child.stderr else ""
    return line.strip()


def go(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.write("go\n")
    child.stdin.flush()


def server_time(template: StudioTemplate, action: str, object_id: int) -> str:
    """When the server's audit says the row was saved, as the message shows it."""
    ts = template.cluster.superuser_sql(
        f"SELECT ts FROM xinhe.audit_event WHERE action = '{action}' AND object_id ="
        f" '{object_id}' ORDER BY seq DESC LIMIT 1", template.dbname).strip()
    return datetime.fromisoformat(ts).astimezone().strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize("backend", ["server"], indirect=True)
def test_two_desks_save_one_draft_the_second_is_told_who_and_when(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    note = studio.wang.notes.draft_session(case.id, started_at=studio.folder.clock(),
                                           duration_min=50, modality="phone",
                                           persons_served=1, answers=NOTE)
    first = desk(studio, "desk-a", "wang", "edit-note", note.id)
    second = desk(studio, "desk-b", "wang", "edit-note", note.id)
    try:
        # Both desks have the same version open before either saves.
        assert said(first) == said(second) == f"ready {note.version}"
        go(first)
        assert json.loads(said(first)) == {"outcome": "saved"}
        go(second)
        outcome = json.loads(said(second))
    finally:
        for child in (first, second):
            child.wait(timeout=60)
    assert outcome["outcome"] == "refused"
    when = server_time(studio.template, "sessions.update", note.id)
    assert "王丽" in outcome["zh"] and "desk-a" in outcome["zh"] and when in outcome["zh"]
    assert "仍保留在表单中" in outcome["zh"]
    assert "王丽" in outcome["en"] and "desk-a" in outcome["en"] and when in outcome["en"]
    assert "still in the form" in outcome["en"]
    # The first desk's text is what the server kept.
    assert studio.wang.notes.session(note.id).answers == {"data": "desk-a 写的内容"}


@pytest.mark.parametrize("backend", ["local", "server"], indirect=True)
def test_a_refused_client_save_names_the_colleague(studio: Studio, clock: Clock,
                                                   backend: str) -> None:
    case = studio.new_case(studio.wang)
    client = studio.wang.clients.get(case.client.id)
    studio.sup.clients.update(client.id, client.version, phone="13900139000")
    with pytest.raises(Conflict) as info:
        studio.wang.clients.update(client.id, client.version, phone="13700137000")
    zh, en = info.value.message("zh_CN"), info.value.message("en")
    assert "周督导" in zh and "周督导" in en  # the supervisor saved first
    if backend == "local":  # the vault's clock; the server times entries itself
        when = clock.now.astimezone().strftime("%Y-%m-%d %H:%M")
    else:
        when = server_time(studio.template, "clients.update", client.id)
    assert when in zh and when in en
    assert "13700137000" not in zh + en and "林某" not in zh + en


@pytest.mark.parametrize("backend", ["server"], indirect=True)
def test_another_desks_save_is_heard_within_a_second(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    heard: queue.Queue[live.Change] = queue.Queue()
    reachable: list[bool] = []
    listener = studio.sup.vault.change_listener(heard.put, reachable.append)
    listener.start()
    other = desk(studio, "desk-b", "wang", "draft-note", case.id)
    try:
        assert listener.wait_listening(10)
        assert said(other) == "ready"
        go(other)
        assert said(other) == "done"
        saved = time.monotonic()
        deadline = saved + 1.0
        changes: list[live.Change] = []
        while time.monotonic() < deadline and not any(c.table == "sessions" for c in changes):
            try:
                changes.append(heard.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        assert live.Change("sessions", case.id) in changes
        assert changes[-1].kind == "session"
    finally:
        other.wait(timeout=60)
        listener.stop()
    assert reachable == [True]


def test_the_notification_carries_the_table_and_case_only() -> None:
    from xinhe.records.storage.live import NOTIFY_SQL

    # The payload is built from two fields of the row and nothing else.
    built = NOTIFY_SQL[NOTIFY_SQL.index("json_build_object"):NOTIFY_SQL.index("::text")]
    assert built.count("rec ->") == 2 and "'id'" in built and "'case_id'" in built
    assert live.parse('{"table": "reviews", "case": 7}') == live.Change("reviews", 7)
    assert live.parse('{"table": "clients", "case": null}') == live.Change("clients", None)
    assert live.parse("not ours") is None


def test_every_table_heard_is_a_kind_the_screens_know() -> None:
    from xinhe.records.storage.live import TABLE_KINDS
    from xinhe.ui.changes import Change

    # A kind missing from Change would reach the screens only as Change.REMOTE.
    assert set(TABLE_KINDS.values()) <= {change.value for change in Change}


@pytest.mark.parametrize("backend", ["server"], indirect=True)
def test_the_desktop_refreshes_when_another_desk_saves(studio: Studio, qtbot) -> None:  # noqa: ANN001
    from xinhe.ui.changes import Change
    from xinhe.ui.context import ChangeBus
    from xinhe.ui.worker import ChangeRelay

    case = studio.new_case(studio.wang)
    bus, relay = ChangeBus(), ChangeRelay()
    relay.changed.connect(bus.changed)
    relay.start(studio.sup.vault)
    other = desk(studio, "desk-b", "wang", "draft-note", case.id)
    try:
        assert relay._listener.wait_listening(10)
        assert said(other) == "ready"
        # Views refresh on "session" (the review queue and the dashboard among them).
        with qtbot.waitSignal(bus.changed, timeout=1000,
                              check_params_cb=lambda kinds:
                              {Change.SESSION, Change.REMOTE} <= kinds):
            go(other)
            assert said(other) == "done"  # the one-second wait starts after the save
    finally:
        other.wait(timeout=60)
        relay.stop()


def test_a_lost_server_is_noticed_at_once(qtbot) -> None:  # noqa: ANN001
    import pg_cluster
    from xinhe.records.storage.server_admin import init_studio
    from xinhe.records.storage.server_session import ServerFolder
    from xinhe.ui.worker import ChangeRelay

    cluster = pg_cluster.start()  # its own cluster: this test stops it
    try:
        dsn, _ = init_studio(cluster.dsn(), "studio_lost", "工作室", "admin", "甲", "admin-pw-1")
        session = ServerFolder(dsn, workstation="desk-a").unlock("admin", "admin-pw-1")
        relay = ChangeRelay()
        relay.start(session)
        assert relay._listener.wait_listening(10)
        with qtbot.waitSignal(relay.reachable, timeout=2000) as lost:
            cluster.stop()
        assert lost.args == [False]
        relay.stop()
        session.close()
    finally:
        cluster.stop()


def test_the_note_form_keeps_the_typed_text_when_its_save_is_refused(
        qtbot, studio: Studio, clock: Clock) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QPushButton

    from ui_helpers import click, signed_in, type_into
    from xinhe.ui.dialogs.records import SessionDialog

    case = studio.new_case(studio.wang)
    note = studio.wang.notes.draft_session(case.id, started_at=clock.now, duration_min=50,
                                           modality="phone", persons_served=1, answers=NOTE)
    with signed_in(qtbot, studio.folder, "wang", Studio.PASSWORDS["wang"]) as (app, main):
        template = app.ctx.services.templates.get(note.template_id, note.template_version)
        dialog = SessionDialog(app.ctx, case.id, template, note_id=note.id,
                               version=note.version, answers=note.answers,
                               meta={"started_at": note.started_at, "duration_min": 50,
                                     "modality": "phone", "persons_served": 1}, parent=main)
        dialog.show()
        typed = "补充：她已联系娘家人暂住"
        type_into(qtbot, dialog.form.inputs["data"].edit, typed)
        # Meanwhile the same counsellor saved it at another desk.
        studio.wang.notes.update_session(note.id, note.version, started_at=clock.now,
                                         duration_min=50, modality="phone", persons_served=1,
                                         answers={"data": "另一处先保存的内容"})
        click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "保存草稿"))
        qtbot.waitUntil(lambda: "王丽" in dialog.error.text(), timeout=10_000)
        assert clock.now.astimezone().strftime("%Y-%m-%d %H:%M") in dialog.error.text()
        assert dialog.isVisible() and typed in dialog.form.raw_answers()["data"]
        dialog.reject()
