"""The people around her: children, family and the person who harmed her are records of
their own; the same person who harmed clients in several cases is a risk signal for a
supervisor (masked for a counsellor who may not read the other case); a child under 18
linked to a DV case prompts the minor mandatory report."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import Clock, Studio
from xinhe.crypto.binding import DeviceBinding
from xinhe.errors import AccessDenied, Conflict, InvalidInput
from xinhe.records import templates as tpl
from xinhe.records.migrations import MIGRATIONS
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder

pytestmark = pytest.mark.both_backends

FIXTURES = Path(__file__).parent / "fixtures" / "vaults"


def test_linked_persons_are_records_of_the_case(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    persons = studio.wang.persons
    child = persons.add(case.id, relation="child", name="小明", birth_year=2016,
                        in_household=True)
    harmer = persons.add(case.id, relation="abuser", name="张某", birth_year=1985,
                         phone="138 0013 9999", id_number="440306198501011111",
                         notes="酒后动手")
    assert [p.name for p in persons.for_case(case.id)] == ["张某", "小明"]
    assert child.in_household and harmer.phone == "138 0013 9999"
    changed = persons.update(child.id, child.version, birth_year=2015)
    assert changed.birth_year == 2015 and changed.version == child.version + 1
    with pytest.raises(Conflict):  # someone saved in between
        persons.update(child.id, child.version, notes="旧版本")
    with pytest.raises(InvalidInput):
        persons.add(case.id, relation="neighbour", name="某人")
    with pytest.raises(InvalidInput):
        persons.add(case.id, relation="child", name="  ")
    # Another counsellor neither reads nor adds; staff do not read them (case content).
    with pytest.raises(AccessDenied):
        studio.chen.persons.for_case(case.id)
    with pytest.raises(AccessDenied):
        studio.chen.persons.add(case.id, relation="child", name="某")
    with pytest.raises(AccessDenied):
        studio.staff.persons.for_case(case.id)
    persons.remove(child.id)
    assert [p.name for p in persons.for_case(case.id)] == ["张某"]
    assert "小明" not in str([tuple(r) for r in studio.sup.vault.db.all(
        "SELECT * FROM audit_event")])


def test_the_same_person_who_harmed_clients_in_several_cases_is_a_signal(
        studio: Studio) -> None:
    mine = studio.new_case(studio.wang, name="林某")
    theirs = studio.new_case(studio.chen, name="李某", phone="13700000000")
    third = studio.new_case(studio.chen, name="赵某", phone="13600000000")
    studio.wang.persons.add(mine.id, relation="abuser", name="张 伟", birth_year=1985)
    # The same man: name and year (spelt with full-width spaces), then his phone.
    studio.chen.persons.add(theirs.id, relation="abuser", name="张　伟", birth_year=1985,
                            phone="+86 139 0000 1111")
    studio.chen.persons.add(third.id, relation="abuser", name="张伟伟",
                            phone="13900001111")
    # Another man of the same name and a different year is not him.
    other = studio.new_case(studio.chen, name="钱某", phone="13500000000")
    studio.chen.persons.add(other.id, relation="abuser", name="张伟", birth_year=1990)
    [signal] = studio.sup.persons.risk_signals()
    assert signal.case_numbers == (mine.case_no, theirs.case_no, third.case_no)
    assert signal.reasons == ("name_birth_year", "phone")
    # The supervisor sees each match in full from the case.
    seen = studio.sup.persons.same_person_elsewhere(mine.id)
    assert [(m.other_case_no, m.other_name, m.reasons) for m in seen] == [
        (theirs.case_no, "张　伟", ("name_birth_year",))]
    # Wang may not read chen's case: the match comes masked, no case number, whom to ask.
    [masked] = studio.wang.persons.same_person_elsewhere(mine.id)
    assert (masked.readable, masked.other_case_no, masked.other_name) == (False, None, "张*伟")
    assert masked.contacts == ("陈芳",)
    # Counsellors and staff get no studio-wide list.
    for svc in (studio.wang, studio.staff):
        with pytest.raises(AccessDenied):
            svc.persons.risk_signals()
    # Shared with wang, the case opens to her in full.
    studio.sup.cases.share(theirs.id, studio.wang.vault.actor.user_id)
    [full] = studio.wang.persons.same_person_elsewhere(mine.id)
    assert (full.readable, full.other_case_no) == (True, theirs.case_no)


def test_a_child_under_18_in_a_dv_case_prompts_the_mandatory_report(
        studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    persons = studio.wang.persons
    this_year = studio.wang.vault.now().year
    persons.add(case.id, relation="child", name="大女儿", birth_year=this_year - 25)
    assert persons.minor_report_prompt(case.id) == []  # an adult child
    young = persons.add(case.id, relation="child", name="小女儿", birth_year=this_year - 9)
    assert [p.id for p in persons.minor_report_prompt(case.id)] == [young.id]
    # Not in another kind of case.
    quarrel = studio.new_case(studio.wang, category="emotional_dispute", name="周某")
    persons.add(quarrel.id, relation="child", name="小周", birth_year=this_year - 5)
    assert persons.minor_report_prompt(quarrel.id) == []
    # Recording the report (the minor_report clock met) ends the prompt.
    studio.wang.planning.minor_reported(case.id, clock.now + timedelta(hours=1), "王丽",
                                        "深公(宝)受字 2026-001")
    assert persons.minor_report_prompt(case.id) == []


def test_migration_8_upgrades_a_real_version_4_vault(tmp_path: Path) -> None:
    target = tmp_path / "v4"
    shutil.copytree(FIXTURES / "v4", target)
    folder = VaultFolder(target, DeviceBinding.off("fixture"))
    registry = tpl.TemplateRegistry.default()
    wang_vault = folder.unlock("wang", "fixture-wang-4")
    try:
        assert wang_vault.db.schema_version == MIGRATIONS[-1].version >= 8
        wang = Services(wang_vault, registry)
        [case] = [c for c in wang.cases.find() if c.client_name == "武欣怡"]
        client = wang.cases.header(case.id).client
        # Old clients keep their details, with no alias and nothing marked.
        assert (client.name, client.alias, dict(client.confidential)) == ("武欣怡", None, {})
        wang.clients.mark_confidential(client.id, "phone", "对方在找她")
        assert wang.cases.header(case.id).client.phone in (None, "●●●●")
        wang.persons.add(case.id, relation="abuser", name="Anna Li的前夫", birth_year=1980,
                         phone="13912345678")
        assert wang_vault.db.scalar("SELECT disclosed_fields FROM referrals LIMIT 1") in (
            None, "[]")
        assert wang_vault.audit.verify().ok
    finally:
        wang_vault.close()
    chen_vault = folder.unlock("chen", "fixture-chen-4")
    try:
        chen = Services(chen_vault, registry)
        anna = next(c for c in chen.cases.find() if c.client_name == "Anna Li")
        chen.persons.add(anna.id, relation="abuser", name="某", phone="139-1234-5678")
    finally:
        chen_vault.close()
    sup_vault = folder.unlock("sup", "fixture-sup-4")
    try:
        [signal] = Services(sup_vault, registry).persons.risk_signals()
        assert signal.reasons == ("phone",) and len(signal.case_numbers) == 2
    finally:
        sup_vault.close()
    backups = sorted(p.name for p in folder.backups_path.iterdir())
    assert backups and all(name.startswith("pre-migration-v4-") for name in backups)


def test_the_panel_shows_people_the_masked_match_and_prompts_the_report(
        qtbot: Any, studio: Studio) -> None:
    from PySide6.QtWidgets import QComboBox, QLineEdit
    from test_ui_referrals import idle, signed_in

    from xinhe.ui.dialogs.records import AssessmentDialog
    from xinhe.ui.dialogs.simple import SimpleForm
    from xinhe.ui.linked_persons import LinkedPersonsDialog

    mine = studio.new_case(studio.wang, name="林某")
    theirs = studio.new_case(studio.chen, name="李某", phone="13700000000")
    studio.chen.persons.add(theirs.id, relation="abuser", name="张伟", phone="13900001111")
    studio.wang.persons.add(mine.id, relation="abuser", name="张伟", phone="139 0000 1111")
    year = studio.wang.vault.now().year
    with signed_in(studio.folder, "wang", "wang-password") as ctx:
        panel = LinkedPersonsDialog(ctx, mine.id, True)
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitUntil(lambda: panel.data is not None, timeout=10_000)
        shown = panel.signals.text()
        # Chen's case: the masked name and whom to ask, never the name or the case number.
        assert "张*" in shown and "张伟" not in shown
        assert theirs.case_no not in shown and "陈芳" in shown
        assert not panel.report_button.isVisible()
        panel.add_button.click()
        form = next(f for f in panel.findChildren(SimpleForm) if f.isVisible())
        form.findChildren(QComboBox)[0].setCurrentIndex(
            form.findChildren(QComboBox)[0].findData("child"))
        name, born = [w for w in form.findChildren(QLineEdit) if w.isVisible()][:2]
        name.setText("小明")
        born.setText(str(year - 8))
        form.ok_button.click()
        qtbot.waitUntil(lambda: panel.data is not None and len(panel.data.persons) == 2,
                        timeout=10_000)
        assert "小明" in panel.minor.text() and panel.report_button.isVisible()
        panel.report_button.click()
        report = next(d for d in panel.findChildren(AssessmentDialog) if d.isVisible())
        assert report.template.id == "minor_mandatory_report"
        report.reject()
        idle(qtbot, ctx)
    assert [p.name for p in studio.wang.persons.for_case(mine.id)] == ["张伟", "小明"]
