"""Finding an existing client by name: the same name whatever the birth year (shown to tell
people apart), a name of the same sound (王丽 / 王莉 / 王立), masked where the user may not
read the case, found through an index, and filled in for the clients of an older vault."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from conftest import Studio
from ui_helpers import click, find_dialog, signed_in, type_into
from xinhe.crypto.binding import DeviceBinding
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.clients import SAME_NAME_SQL, SAME_SOUND_SQL
from xinhe.records.migrations import MIGRATIONS
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder

FIXTURES = Path(__file__).parent / "fixtures" / "vaults"


def found(matches: list[Any]) -> list[tuple[str, int | None, tuple[str, ...]]]:
    return [(m.name, m.birth_year, m.reasons) for m in matches]


def test_the_same_name_shows_with_each_birth_year(studio: Studio) -> None:
    wang = studio.wang.clients
    first = wang.create(name="武欣怡", birth_year=1990)
    studio.wang.cases.open(client_id=first.id, category="domestic_violence", source="self")
    wang.create(name="武 欣怡", birth_date="1975-03-02")  # another woman of the same name
    # The name alone finds both; each with her year, so the two can be told apart.
    assert found(wang.find_duplicates(name="武欣怡")) == [
        ("武欣怡", 1990, ("name",)), ("武 欣怡", 1975, ("name",))]
    # With a year, the one born that year comes first and says so.
    assert found(wang.find_duplicates(name="武欣怡", birth_year=1975)) == [
        ("武 欣怡", 1975, ("name_birth_year",)), ("武欣怡", 1990, ("name",))]
    assert wang.find_duplicates(name="武欣") == []


def test_names_of_the_same_sound_are_found_and_labelled(studio: Studio) -> None:
    wang = studio.wang.clients
    for name, year in (("王丽", 1985), ("王莉", 1990), ("王立", None), ("王磊", 1985)):
        wang.create(name=name, birth_year=year)
    assert found(wang.find_duplicates(name="王丽", birth_year=1990)) == [
        ("王丽", 1985, ("name",)), ("王莉", 1990, ("name_sound",)),
        ("王立", None, ("name_sound",))]
    # Written in pinyin, or in full-width letters, it still sounds the same.
    assert [m.name for m in wang.find_duplicates(name="Wang Li")] == ["王丽", "王莉", "王立"]
    assert [m.name for m in wang.find_duplicates(name="ｗａｎｇ ｌｅｉ")] == ["王磊"]
    # A changed name is found by its new sound, no longer by the old one.
    lei = next(m.client for m in wang.find_duplicates(name="王磊") if m.client)
    wang.update(lei.id, lei.version, name="黄蕾")
    assert [m.name for m in wang.find_duplicates(name="黄雷")] == ["黄蕾"]
    assert wang.find_duplicates(name="王雷") == []


def test_a_sound_alike_in_another_counsellors_case_comes_masked(studio: Studio) -> None:
    theirs = studio.chen.clients.create(name="王莉", birth_year=1990, phone="13900139000",
                                        address="流塘社区某小区")
    case = studio.chen.cases.open(client_id=theirs.id, category="domestic_violence",
                                  source="self")
    for services in (studio.wang, studio.staff):
        [match] = services.clients.find_duplicates(name="王丽")
        assert (match.name, match.birth_year, match.reasons, match.client) == (
            "王*", 1990, ("name_sound",), None)
        assert (match.case_numbers, match.contacts) == ((case.case_no,), ("陈芳",))
        shown = repr(dataclasses.asdict(match))
        assert "王莉" not in shown and "13900139000" not in shown and "流塘" not in shown
    [same_name] = studio.wang.clients.find_duplicates(name="王莉")
    assert (same_name.name, same_name.reasons, same_name.client) == ("王*", ("name",), None)
    [sup] = studio.sup.clients.find_duplicates(name="王丽")
    assert sup.client is not None and sup.client.name == "王莉"
    events = studio.sup.vault.audit.events(action_prefix="client.duplicates")
    outcomes = sorted((e.user, e.outcome) for e in events)
    assert outcomes == [("staff", f"masked:{theirs.id}"), ("sup", "ok"),
                        ("wang", f"masked:{theirs.id}"), ("wang", f"masked:{theirs.id}")]
    assert all("王" not in e.object_id and "wang" not in e.object_id for e in events)


def test_the_name_lookups_read_an_index_only(studio: Studio) -> None:
    db = studio.wang.vault.db
    for name, year in (("王丽", 1985), ("王莉", 1990), ("王立", None)):
        studio.wang.clients.create(name=name, birth_year=year)
    for sql, params, index in ((SAME_NAME_SQL, ("王丽", 1985, 20), "clients_name_year"),
                               (SAME_SOUND_SQL, ("wangli", "王丽", 1985, 20),
                                "clients_name_sound")):
        plan = " | ".join(str(r["detail"]) for r in db.all("EXPLAIN QUERY PLAN " + sql,
                                                          params))
        assert f"COVERING INDEX {index}" in plan, plan
        assert "SCAN" not in plan, plan


def test_a_version_4_vault_gets_the_sound_of_every_name(tmp_path: Path) -> None:
    target = tmp_path / "v4"
    shutil.copytree(FIXTURES / "v4", target)
    folder = VaultFolder(target, DeviceBinding.off("fixture"))
    vault = folder.unlock("wang", "fixture-wang-4")
    try:
        assert vault.db.schema_version == MIGRATIONS[-1].version >= 5
        assert [r["name_sound"] for r in vault.db.all(
            "SELECT name_sound FROM clients ORDER BY id")] == [
            "wuxinyi", "wangli", "wangli", "annali"]
        wang = Services(vault, tpl.TemplateRegistry.default()).clients
        # Her own client by exact name, with no year typed (the walk's 武欣怡).
        [own] = wang.find_duplicates(name="武欣怡")
        assert (own.name, own.birth_year, own.reasons) == ("武欣怡", 1990, ("name",))
        assert own.client is not None
        # 王丽 typed: her own 王立 in full, chen's 王莉 masked; both as sounding the same.
        matches = wang.find_duplicates(name="王丽", birth_year=1985)
        assert [(m.name, m.birth_year, m.reasons, m.readable) for m in matches] == [
            ("王立", 1985, ("name_sound",), True), ("王*", 1985, ("name_sound",), False)]
        assert matches[1].contacts == ("陈芳",) and len(matches[1].case_numbers) == 1
        assert vault.audit.verify().ok
    finally:
        vault.close()
    backups = sorted(p.name for p in folder.backups_path.iterdir())
    assert backups and all(name.startswith("pre-migration-v4-") for name in backups)


PASSWORDS = {"wang": "wang-password", "chen": "chen-password"}


def test_the_new_case_dialog_shows_the_same_name_and_the_sound_alike(
        qtbot: QtBot, tmp_path: Path, binding: DeviceBinding) -> None:
    from conftest import ADMIN_PASSWORD
    from xinhe.crypto.kdf import KdfParams
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("wang", "王丽", "counsellor", PASSWORDS["wang"])
    AccountService(admin).add_user("chen", "陈芳", "counsellor", PASSWORDS["chen"])
    admin.close()
    for user, name, year in (("wang", "武欣怡", 1990), ("chen", "吴欣仪", 1988)):
        vault = folder.unlock(user, PASSWORDS[user])
        svc = Services(vault, tpl.TemplateRegistry.default())
        client = svc.clients.create(name=name, birth_year=year)
        svc.cases.open(client_id=client.id, category="domestic_violence", source="self")
        vault.close()
    with signed_in(qtbot, folder, "wang", PASSWORDS["wang"]) as (_app, main):
        cases = main.show_section("cases")
        click(qtbot, cases.list_panel.new_case)
        dialog = find_dialog(qtbot, NewCaseDialog)
        type_into(qtbot, dialog.name, "武欣怡")  # the exact name, no birth date typed

        def rows() -> list[str]:
            return [dialog.matches.item(i).text() for i in range(dialog.matches.count())]
        qtbot.waitUntil(lambda: len(rows()) == 2, timeout=3000)
        own, other = rows()
        assert own.startswith("武欣怡") and "1990年生" in own and "同名" in own
        assert other.startswith("吴*仪") and "1988年生" in other and "同音姓名" in other
        assert "吴欣仪" not in other and "陈芳" in other
        dialog.reject()
