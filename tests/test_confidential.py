"""Where she must not be found: a client's address, phone, workplace, children's school and
new location can be marked confidential (per field, with a reason). Every screen masks
them until the user asks to see them (audited); no packet carries them unless the
counsellor ticks them for that one packet (audited); the duplicate check shows them masked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Clock, Studio
from tests.referral_fixtures import (
    draft_referral,
    dv_case,
    embedded_json,
    install_identity,
    places,
)
from xinhe.errors import InvalidInput
from xinhe.export.pipeline import export_referral
from xinhe.records.clients import MASK, load_client, packet_client_fields
from xinhe.records.packet_disclosure import tick_confidential
from xinhe.records.referral_packets import policy_overview
from xinhe.records.vault import Vault

ADDRESS = "宝安大道 88 号 3 栋"
PHONE = "13800138000"
NEW_PLACE = "西乡街道某庇护点 5 楼"
SCHOOL = "凤凰岗小学三年级"


def audit(vault: Vault, action: str) -> list[tuple[str, str]]:
    return [(r["object_id"], r["outcome"]) for r in vault.db.all(
        "SELECT object_id, outcome FROM audit_event WHERE action = ? ORDER BY seq", (action,))]


def hide(studio: Studio, client_id: int, *keys: str) -> None:
    for key in keys:
        studio.wang.clients.mark_confidential(client_id, key, "对方在找她")


def test_marked_fields_are_masked_for_every_reader_until_revealed(studio: Studio) -> None:
    wang = studio.wang.clients
    client = wang.create(name="林某", phone=PHONE, address=ADDRESS, alias="小林",
                         new_location=NEW_PLACE, child_school=SCHOOL,
                         confidential={"new_location": "庇护地址"})
    case = studio.wang.cases.open(client_id=client.id, category="domestic_violence",
                                  source="self")
    assert client.new_location == MASK and client.address == ADDRESS and client.alias == "小林"
    hide(studio, client.id, "address", "phone")
    for svc in (studio.wang, studio.sup, studio.staff):
        seen = svc.cases.header(case.id).client
        assert (seen.address, seen.phone, seen.new_location) == (MASK, MASK, MASK)
        assert seen.child_school == SCHOOL  # not marked: shown as it is
        assert seen.confidential["address"] == "对方在找她"
    assert studio.wang.clients.get(client.id).phone == MASK
    # Asking to see one field shows that one, and leaves a trace naming the field only.
    assert studio.sup.clients.reveal(client.id, "address") == ADDRESS
    assert audit(studio.sup.vault, "client.reveal") == [(str(client.id), "address")]
    assert ADDRESS not in json.dumps([tuple(r) for r in studio.sup.vault.db.all(
        "SELECT * FROM audit_event")], ensure_ascii=False)
    # A masked value saved back is refused rather than overwriting the real one.
    seen = studio.wang.clients.get(client.id)
    with pytest.raises(InvalidInput):
        studio.wang.clients.update(client.id, seen.version, phone=seen.phone)
    assert load_client(studio.wang.vault, client.id, unmasked=True).phone == PHONE
    # Lifting the mark shows the value again; a mark needs a reason and a known field.
    studio.wang.clients.unmark_confidential(client.id, "phone")
    assert studio.wang.clients.get(client.id).phone == PHONE
    with pytest.raises(InvalidInput):
        studio.wang.clients.mark_confidential(client.id, "address", "  ")
    with pytest.raises(InvalidInput):
        studio.wang.clients.mark_confidential(client.id, "name", "原因")


def test_the_duplicate_check_shows_confidential_fields_masked(studio: Studio) -> None:
    client = studio.wang.clients.create(name="林某", phone=PHONE, address=ADDRESS)
    hide(studio, client.id, "phone", "address")
    [match] = studio.wang.clients.find_duplicates(phone=PHONE)
    assert match.readable and match.reasons == ("phone",)
    assert match.client is not None
    assert (match.client.phone, match.client.address) == (MASK, MASK)


def test_packet_client_fields_leaves_confidential_fields_out_unless_ticked(
        studio: Studio) -> None:
    client = studio.wang.clients.create(name="林某", phone=PHONE, address=ADDRESS,
                                        workplace="某电子厂")
    hide(studio, client.id, "address", "workplace")
    full = load_client(studio.wang.vault, client.id, unmasked=True)
    facts = packet_client_fields(full, ())
    assert (facts["address"], facts["workplace"], facts["phone"]) == (None, None, PHONE)
    assert packet_client_fields(full, {"address"})["address"] == ADDRESS
    with pytest.raises(InvalidInput):  # a tick on a field that is not confidential
        packet_client_fields(full, {"phone"})
    with pytest.raises(InvalidInput):  # a masked copy never passes for the value
        packet_client_fields(studio.wang.clients.get(client.id), {"address"})


def _export(studio: Studio, clock: Clock, outbox: Path, ticked: tuple[str, ...] = ()
            ) -> tuple[bytes, Any]:
    install_identity(studio)
    case = dv_case(studio, clock)
    hide(studio, case.client_id, "address", "phone")
    referral = draft_referral(studio, case)
    if ticked:
        tick_confidential(studio.wang.vault, referral.id, ticked)
    export_referral(studio.staff, referral.id, outbox=outbox)
    return studio.staff.referrals.signed_pdf(referral.id), referral


def test_a_referral_carries_no_confidential_value_unless_ticked(
        studio: Studio, clock: Clock, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    pdf, referral = _export(studio, clock, tmp_path / "out")
    # The police policy allows phone and address; marked confidential, neither goes.
    for secret in (ADDRESS, PHONE):
        assert places(pdf, secret, tmp_path) == [], secret
    doc = json.loads(embedded_json(pdf))
    assert {f["key"] for f in doc["client_fields"]} & {"phone", "address"} == set()
    assert audit(studio.staff.vault, "client.disclose") == []


def test_a_ticked_field_goes_in_that_packet_and_the_audit_says_so(
        studio: Studio, clock: Clock, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    pdf, referral = _export(studio, clock, tmp_path / "out", ticked=("address",))
    assert {"text", "json"} <= set(places(pdf, ADDRESS, tmp_path))
    assert places(pdf, PHONE, tmp_path) == []  # marked too, but not ticked
    assert audit(studio.wang.vault, "referral.disclose") == [(referral.referral_no,
                                                              "address")]
    assert audit(studio.staff.vault, "client.disclose") == [(referral.referral_no, "address")]
    # Only for that packet: the next packet of the same case goes without it again.
    rows = {r.key: r for r in policy_overview(studio.wang.vault, studio.templates,
                                              referral.case_id, agency="court")}
    assert (rows["address"].allowed, rows["address"].content) == (False, MASK)
    assert rows["address"].confidential and not rows["address"].ticked
    ticked = {r.key: r for r in policy_overview(studio.wang.vault, studio.templates,
                                                referral.case_id, agency="court",
                                                ticked={"address"})}
    assert ticked["address"].allowed and ADDRESS.replace(" ", "") in \
        ticked["address"].content.replace(" ", "")
    assert ticked["address"].ticked


def test_ticking_is_the_counsellors_act_on_a_draft_of_marked_fields(
        studio: Studio, clock: Clock, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    pdf, referral = _export(studio, clock, tmp_path / "out")
    with pytest.raises(InvalidInput):  # signed: what it sends cannot change
        tick_confidential(studio.wang.vault, referral.id, ["address"])
    case = studio.wang.cases.header(referral.case_id)
    draft = studio.wang.referrals.create(case.id, agency="police", purpose="referral",
                                         urgency="normal", summary="再次转介。")
    with pytest.raises(InvalidInput):  # not marked confidential
        tick_confidential(studio.wang.vault, draft.id, ["workplace"])
    from xinhe.errors import AccessDenied
    with pytest.raises(AccessDenied):  # staff export; they do not decide what is disclosed
        tick_confidential(studio.staff.vault, draft.id, ["address"])
    with pytest.raises(AccessDenied):  # another counsellor's case
        tick_confidential(studio.chen.vault, draft.id, ["address"])


# -- the screens ------------------------------------------------------------------------------

def test_the_case_header_masks_and_shows_on_request_with_an_audit(
        qtbot: Any, studio: Studio, clock: Clock) -> None:
    from test_ui_referrals import idle, signed_in

    from xinhe.ui.case_view import CaseView

    case = dv_case(studio, clock)
    hide(studio, case.client_id, "address", "phone")
    with signed_in(studio.folder, "sup", "sup-password") as ctx:
        view = CaseView(ctx, case.case_id)
        qtbot.addWidget(view)
        qtbot.waitUntil(lambda: view.data is not None, timeout=10_000)
        shown = view.header.text()
        assert MASK in shown and PHONE not in shown
        assert "宝安大道" not in shown and "凤凰岗社区" in shown
        view.header.linkActivated.emit("reveal:address")
        qtbot.waitUntil(lambda: "宝安大道" in view.header.text(), timeout=10_000)
        assert PHONE not in view.header.text()  # only the field asked for
        idle(qtbot, ctx)
    assert audit(studio.sup.vault, "client.reveal") == [(str(case.client_id), "address")]


def test_the_new_case_dialog_shows_a_matching_clients_phone_masked(
        qtbot: Any, studio: Studio) -> None:
    from test_ui_referrals import signed_in

    from ui_helpers import type_into
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    client = studio.wang.clients.create(name="林某", phone=PHONE)
    hide(studio, client.id, "phone")
    with signed_in(studio.folder, "wang", "wang-password") as ctx:
        dialog = NewCaseDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        type_into(qtbot, dialog.phone, PHONE)
        qtbot.waitUntil(lambda: dialog.matches.count() == 1, timeout=10_000)
        row = dialog.matches.item(0).text()
        assert row.startswith("林某") and MASK in row and PHONE not in row
        dialog.reject()


def test_the_referral_wizard_ticks_a_confidential_field_in_red_for_one_packet(
        qtbot: Any, studio: Studio, clock: Clock) -> None:
    from PySide6.QtCore import Qt
    from test_ui_referrals import next_page, signed_in, window, wizard_of

    from tests.referral_fixtures import SUMMARY
    from ui_helpers import type_into
    from xinhe.records.packet_disclosure import disclosed_fields
    from xinhe.ui.referral_wizard import open_referral_wizard
    from xinhe.ui.referral_wizard_pages import DISCLOSED_RED, OK_MARK

    case = dv_case(studio, clock)
    hide(studio, case.client_id, "address")
    with signed_in(studio.folder, "wang", "wang-password") as ctx:
        parent = window(qtbot)
        open_referral_wizard(ctx, case.case_id, parent)
        wizard = wizard_of(qtbot, parent)
        page = wizard.agency_page
        page.agency.setCurrentIndex(page.agency.findData("police"))
        page.purpose.setCurrentIndex(page.purpose.findData("referral"))
        next_page(qtbot, wizard)
        next_page(qtbot, wizard)
        fields = wizard.fields_page
        qtbot.waitUntil(lambda: not fields.busy and fields.table.rowCount() > 0)

        def address_row() -> int:
            return next(r for r in range(fields.table.rowCount())
                        if fields.table.item(r, 0).text().strip().startswith("住址"))
        row = address_row()
        assert fields.table.item(row, 2).text() == MASK
        assert fields.table.item(row, 1).text() != OK_MARK
        assert not any("宝安大道" in v for v in fields.sent_items().values())
        fields.table.item(row, 1).setCheckState(Qt.CheckState.Checked)
        qtbot.waitUntil(lambda: not fields.busy and "宝安大道" in fields.table.item(
            address_row(), 2).text(), timeout=10_000)
        cell = fields.table.item(address_row(), 2)
        assert cell.foreground().color().name() == DISCLOSED_RED
        assert any("宝安大道" in v for v in fields.sent_items().values())
        next_page(qtbot, wizard)
        type_into(qtbot, wizard.summary_page.summary, SUMMARY)
        next_page(qtbot, wizard)
        qtbot.waitUntil(lambda: wizard.preview_page.preview.page_count() > 0, timeout=15_000)
        assert wizard.referral is not None
        referral_id = wizard.referral.id
        wizard.reject()
    assert disclosed_fields(studio.wang.vault, referral_id) == {"address"}
    assert [o for _, o in audit(studio.wang.vault, "referral.disclose")] == ["address"]
    assert [o for _, o in audit(studio.wang.vault, "client.disclose.preview")] == ["address"]


def test_the_client_details_dialog_marks_a_field_and_shows_one_on_request(
        qtbot: Any, studio: Studio) -> None:
    from test_ui_referrals import idle, signed_in

    from xinhe.ui.dialogs.client_details import ClientDetailsDialog

    client = studio.wang.clients.create(name="林某", phone=PHONE)
    hide(studio, client.id, "phone")
    with signed_in(studio.folder, "wang", "wang-password") as ctx:
        dialog = ClientDetailsDialog(ctx, studio.wang.clients.get(client.id))
        qtbot.addWidget(dialog)
        dialog.show()
        phone = dialog.edits["phone"]
        assert phone.text() == MASK and phone.isReadOnly()
        dialog.show_buttons["phone"].click()
        qtbot.waitUntil(lambda: phone.text() == PHONE, timeout=10_000)
        assert not phone.isReadOnly()
        dialog.alias.setText("小林")
        dialog.edits["workplace"].setText("某电子厂")
        dialog.secret["workplace"].setChecked(True)
        dialog.save()  # no reason given: refused, nothing saved
        qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
        dialog.reasons["workplace"].setText("对方会去厂里找她")
        dialog.save()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
        idle(qtbot, ctx)
    seen = studio.wang.clients.get(client.id)
    assert (seen.alias, seen.workplace, seen.phone) == ("小林", MASK, MASK)
    assert seen.confidential["workplace"] == "对方会去厂里找她"
    assert load_client(studio.wang.vault, client.id, unmasked=True).workplace == "某电子厂"
    assert audit(studio.wang.vault, "client.reveal") == [(str(client.id), "phone")]
