"""Clients: the duplicate check before creating one, and safe edits."""

from __future__ import annotations

import pytest

from conftest import Studio
from xinhe.errors import AccessDenied, Conflict, InvalidInput


def test_likely_duplicates_are_found_before_creating(studio: Studio) -> None:
    svc = studio.wang
    first = svc.clients.create(name="林 晓燕", birth_date="1988-07-12", phone="138-0013-8000",
                               id_number="44030619880712002x", community="海裕社区")
    case = svc.cases.open(client_id=first.id, category="domestic_violence", source="police")
    assert first.street == "新安街道"  # filled in from the community
    by_name = svc.clients.find_duplicates(name="林晓燕", birth_year=1988)
    assert [(m.client.id, m.reasons, m.case_numbers) for m in by_name] == [
        (first.id, ("name_birth_year",), (case.case_no,))]
    assert svc.clients.find_duplicates(name="林晓燕", birth_year=1989) == []
    by_phone = svc.clients.find_duplicates(name="别人", phone="+86 13800138000")
    assert [m.reasons for m in by_phone] == [("phone",)]
    by_id = svc.clients.find_duplicates(id_number="44030619880712002X")
    assert [m.reasons for m in by_id] == [("id_number",)]
    all_three = svc.clients.find_duplicates(name="林晓燕", birth_date="1988-07-12",
                                            phone="13800138000",
                                            id_number="44030619880712002X")
    assert all_three[0].reasons == ("id_number", "name_birth_year", "phone")


def test_client_edits_detect_a_save_in_between(studio: Studio) -> None:
    client = studio.wang.clients.create(name="邓某", phone="13500135000")
    studio.wang.cases.open(client_id=client.id, category="other", source="self")
    updated = studio.wang.clients.update(client.id, client.version, phone="13500135001")
    with pytest.raises(Conflict):
        studio.wang.clients.update(client.id, client.version, address="西乡街道某小区")
    assert studio.wang.clients.get(client.id).phone == "13500135001"
    studio.wang.clients.update(client.id, updated.version, address="西乡街道某小区")


def test_bad_client_input_is_named(studio: Studio) -> None:
    with pytest.raises(InvalidInput, match="姓名|name"):
        studio.wang.clients.create(name="  ")
    with pytest.raises(InvalidInput, match="出生日期"):
        studio.wang.clients.create(name="某", birth_date="1990-13-40")
    with pytest.raises(InvalidInput, match="性别"):
        studio.wang.clients.create(name="某", gender="x")
    with pytest.raises(InvalidInput):
        studio.wang.clients.create(name="某", favourite_colour="red")


def test_counsellors_edit_only_clients_of_their_cases(studio: Studio) -> None:
    client = studio.chen.clients.create(name="韦某")
    studio.chen.cases.open(client_id=client.id, category="other", source="self")
    with pytest.raises(AccessDenied):
        studio.wang.clients.update(client.id, client.version, phone="1")
    studio.sup.clients.update(client.id, client.version, phone="13300133000")
