"""Forms kept on the workstation while the studio server is away: sealed on disk (no text,
no case id in clear), only the same user of the same studio opens them, saved as the
user's server drafts when the server is back, nothing lost by an interrupted save or by two
app instances keeping forms at once."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from conftest import Studio
from xinhe.errors import ServerUnreachable
from xinhe.records.storage import pending, pg_setup

pytestmark = pytest.mark.parametrize("backend", ["server"], indirect=True)

FIRST = "她说丈夫昨晚又动手了（标记甲）"
SECOND = "孩子暂住外婆家（标记乙）"


def form(case_id: int, text: str) -> dict[str, object]:
    return {"kind": "session", "case_id": case_id, "template_id": "session_note",
            "template_version": 1, "answers": {"data": text}, "meta": {}}


def keep_two(studio: Studio, case_id: int) -> None:
    wang = studio.wang.vault
    pending.keep(wang, f"session:new:{case_id}", "咨询记录", form(case_id, FIRST))
    pending.keep(wang, f"assessment:{case_id}:suicide_screen", "风险评估",
                 form(case_id, SECOND))


def test_kept_forms_are_sealed_on_disk_and_only_their_user_opens_them(studio: Studio) -> None:
    from xinhe.records.storage.server_admin import init_studio
    from xinhe.records.storage.server_session import ServerFolder

    case = studio.new_case(studio.wang)
    keep_two(studio, case.id)
    wang = studio.wang.vault
    path = pending.path_for(wang)
    raw = path.read_bytes()
    for clear in (FIRST, SECOND, "标记", "咨询记录", f"new:{case.id}", f"{case.id}:suicide"):
        assert clear.encode() not in raw
    assert "wang" not in path.name and str(pending.paths.data_home()) in str(path)
    assert [f.payload["answers"] for f in pending.pending(wang)] == [
        {"data": FIRST}, {"data": SECOND}]

    # Chen of the same studio, then the administrator of another studio, given the file.
    chen = studio.chen.vault
    pending.path_for(chen).write_bytes(raw)
    with pytest.raises(pending.KeptFormsUnreadable) as refused:
        pending.pending(chen)
    assert "另一位用户" in refused.value.zh and FIRST not in str(refused.value)
    cluster = studio.template.cluster
    dsn, _ = init_studio(cluster.dsn(), "pending_other", "另一工作室", "pendadm", "乙",
                         "pw-other-1")
    try:
        other = ServerFolder(dsn).unlock("pendadm", "pw-other-1")
        pending.path_for(other).write_bytes(raw)
        with pytest.raises(pending.KeptFormsUnreadable):
            pending.keep(other, "x", "y", {})
        assert pending.path_for(other).read_bytes() == raw  # refused, not overwritten
        other.close()
    finally:
        cluster.superuser_sql("DROP DATABASE IF EXISTS pending_other WITH (FORCE)")
        cluster.superuser_sql(f"DROP ROLE IF EXISTS {pg_setup.login_role('pendadm')}")
    assert path.read_bytes() == raw


def test_a_flush_saves_kept_forms_as_drafts_and_empties_the_file(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    keep_two(studio, case.id)
    wang = studio.wang.vault
    assert pending.flush(wang, studio.wang) == 2
    drafts = {d.key: d for d in studio.wang.drafts.all()}
    assert drafts[f"session:new:{case.id}"].payload["answers"] == {"data": FIRST}
    assert drafts[f"assessment:{case.id}:suicide_screen"].title == "风险评估"
    assert pending.pending(wang) == [] and not pending.path_for(wang).exists()
    assert studio.chen.drafts.all() == []  # her drafts, not another counsellor's


def test_a_flush_cut_by_the_server_going_away_keeps_what_was_not_saved(
        studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    keep_two(studio, case.id)
    wang = studio.wang.vault
    cluster, dbname = studio.template.cluster, studio.template.dbname
    # The server drops the connection when the second draft arrives (as a cut cable would).
    cluster.superuser_sql(
        "CREATE FUNCTION xinhe.cut_second() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
        " AS $$ BEGIN IF (SELECT count(*) FROM xinhe.drafts) >= 1 THEN"
        " PERFORM pg_terminate_backend(pg_backend_pid()); END IF; RETURN NEW; END $$;"
        " CREATE TRIGGER cut_second BEFORE INSERT ON xinhe.drafts FOR EACH ROW"
        " EXECUTE FUNCTION xinhe.cut_second();", dbname)
    with pytest.raises(ServerUnreachable):
        pending.flush(wang, studio.wang)
    cluster.superuser_sql("DROP TRIGGER cut_second ON xinhe.drafts", dbname)
    assert [f.payload["answers"]["data"] for f in pending.pending(wang)] == [SECOND]
    assert [d.payload["answers"]["data"] for d in studio.wang.drafts.all()] == [FIRST]
    assert pending.flush(wang, studio.wang) == 1  # the session reconnects; the rest goes
    assert {d.payload["answers"]["data"] for d in studio.wang.drafts.all()} == {FIRST, SECOND}
    assert not pending.path_for(wang).exists()


def test_a_newer_keep_during_a_flush_is_not_forgotten(studio: Studio) -> None:
    wang = studio.wang.vault
    pending.keep(wang, "session:new:1", "咨询记录", form(1, FIRST))
    (older,) = pending.pending(wang)
    pending.keep(wang, "session:new:1", "咨询记录", form(1, SECOND))
    pending.forget(wang, "session:new:1", older.kept_id)  # what a flush of `older` does
    assert [f.payload["answers"]["data"] for f in pending.pending(wang)] == [SECOND]


def _keep_many(dsn: str, password: str, prefix: str, count: int, start: object) -> None:
    from xinhe.records.storage.server_session import ServerFolder

    session = ServerFolder(dsn).unlock("wang", password)
    start.wait()  # type: ignore[attr-defined]
    for n in range(count):
        pending.keep(session, f"{prefix}:{n}", f"表单{n}", form(n, f"{prefix}-{n}"))
    session.close()


def test_two_app_instances_keeping_at_once_lose_nothing(studio: Studio) -> None:
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Event()
    desks = [spawn.Process(target=_keep_many,
                           args=(studio.folder.dsn, Studio.PASSWORDS["wang"], name, 25, start))
             for name in ("desk-a", "desk-b")]
    for desk in desks:
        desk.start()
    start.set()
    for desk in desks:
        desk.join(120)
        assert desk.exitcode == 0
    kept = {f.draft_key for f in pending.pending(studio.wang.vault)}
    assert kept == {f"{name}:{n}" for name in ("desk-a", "desk-b") for n in range(25)}
    leftovers = [p for p in pending.path_for(studio.wang.vault).parent.iterdir()
                 if p.name.startswith(".kept-")]
    assert leftovers == [] and os.environ["XDG_DATA_HOME"] in str(pending.path_for(
        studio.wang.vault))
