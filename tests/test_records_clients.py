"""Clients: the duplicate check before creating one, and safe edits."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import Studio
from xinhe.errors import AccessDenied, Conflict, InvalidInput
from xinhe.records.clients import mask_name

pytestmark = pytest.mark.both_backends


def test_likely_duplicates_are_found_before_creating(studio: Studio) -> None:
    # The counsellor's own client: full details, as before.
    svc = studio.wang
    first = svc.clients.create(name="林 晓燕", birth_date="1988-07-12", phone="138-0013-8000",
                               id_number="44030619880712002x", community="海裕社区")
    case = svc.cases.open(client_id=first.id, category="domestic_violence", source="police")
    assert first.street == "新安街道"  # filled in from the community
    by_name = svc.clients.find_duplicates(name="林晓燕", birth_year=1988)
    assert [(m.client and m.client.id, m.reasons, m.case_numbers) for m in by_name] == [
        (first.id, ("name_birth_year",), (case.case_no,))]
    assert by_name[0].client is not None and by_name[0].client.phone == "138-0013-8000"
    assert by_name[0].contacts == ("王丽",)
    # Another year still shows the same name, with its year to tell the two apart.
    [other_year] = svc.clients.find_duplicates(name="林晓燕", birth_year=1989)
    assert (other_year.reasons, other_year.birth_year) == (("name",), 1988)
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


# -- the duplicate check by need ------------------------------------------------------------
CHEN_CLIENT = {"name": "赵雪梅", "birth_date": "1990-05-01", "phone": "139-0013-9000",
               "id_number": "440306199005010023", "address": "西乡街道流塘社区某小区3栋"}
LOOKUP = {"name": "赵雪梅", "birth_year": 1990, "phone": "13900139000",
          "id_number": "440306199005010023"}
SECRETS = ("赵雪梅", "13900139000", "139-0013-9000", "440306199005010023", "流塘社区某小区")


def chen_client_with_case(studio: Studio):  # noqa: ANN201
    client = studio.chen.clients.create(**CHEN_CLIENT)
    case = studio.chen.cases.open(client_id=client.id, category="domestic_violence",
                                  source="self")
    return client, case


def every_text(value: object) -> str:
    """Every field of a match (nested dataclasses included), as one string."""
    return repr(dataclasses.asdict(value)) if dataclasses.is_dataclass(value) else repr(value)


def test_a_counsellor_sees_another_counsellors_client_only_masked(studio: Studio) -> None:
    client, case = chen_client_with_case(studio)
    [match] = studio.wang.clients.find_duplicates(**LOOKUP)
    assert not match.readable and match.client is None
    assert (match.name, match.birth_year, match.case_numbers, match.contacts) == (
        "赵*梅", 1990, (case.case_no,), ("陈芳",))
    assert match.reasons == ("id_number", "name_birth_year", "phone")
    shown = every_text(match)
    assert [s for s in SECRETS if s in shown] == []
    # The lookup is audited with the matched client id, never with what was typed.
    [event] = studio.sup.vault.audit.events(action_prefix="client.duplicates")
    assert (event.user, event.object_type, event.object_id, event.outcome) == (
        "wang", "client", str(client.id), f"masked:{client.id}")
    trail = repr([dataclasses.astuple(e) for e in studio.sup.vault.audit.events()])
    assert [s for s in SECRETS if s in trail] == []


def test_the_masked_form_cannot_be_worked_around(studio: Studio) -> None:
    client, _ = chen_client_with_case(studio)
    with pytest.raises(AccessDenied) as info:
        studio.wang.clients.get(client.id)
    assert "其他咨询师" in info.value.message("zh_CN")
    with pytest.raises(AccessDenied):  # a new case would show the client's details
        studio.wang.cases.open(client_id=client.id, category="other", source="self")
    assert [c.client_name for c in studio.sup.cases.find()] == ["赵雪梅"]
    refusals = [(e.action, e.object_id) for e in studio.sup.vault.audit.events(user="wang")
                if e.outcome == "refused"]
    assert sorted(refusals) == [("case.open", str(client.id)), ("client.access", str(client.id))]


def test_supervisors_and_the_counsellor_see_full_details_staff_masked(studio: Studio) -> None:
    client, case = chen_client_with_case(studio)
    for svc in (studio.sup, studio.chen):
        [match] = svc.clients.find_duplicates(**LOOKUP)
        assert match.readable and match.name == "赵雪梅"
        assert match.client is not None and match.client.phone == "139-0013-9000"
        assert match.client.address == CHEN_CLIENT["address"]
        assert match.contacts == ("陈芳",) and match.case_numbers == (case.case_no,)
    [staff_match] = studio.staff.clients.find_duplicates(**LOOKUP)
    assert staff_match.client is None and staff_match.name == "赵*梅"
    assert [s for s in SECRETS if s in every_text(staff_match)] == []
    events = studio.sup.vault.audit.events(action_prefix="client.duplicates")
    assert sorted((e.user, e.outcome) for e in events) == [
        ("chen", "ok"), ("staff", f"masked:{client.id}"), ("sup", "ok")]


def test_a_shared_case_makes_its_client_readable(studio: Studio) -> None:
    client, case = chen_client_with_case(studio)
    studio.chen.cases.share(case.id, studio.wang.vault.actor.user_id)
    [match] = studio.wang.clients.find_duplicates(phone="13900139000")
    assert match.client is not None and match.client.id_number == CHEN_CLIENT["id_number"]
    assert studio.wang.clients.get(client.id).name == "赵雪梅"


def test_a_client_without_a_case_belongs_to_who_created_them(studio: Studio) -> None:
    client = studio.chen.clients.create(**CHEN_CLIENT)
    [theirs] = studio.wang.clients.find_duplicates(phone="13900139000")
    assert (theirs.name, theirs.case_numbers, theirs.contacts, theirs.client) == (
        "赵*梅", (), ("陈芳",), None)
    [own] = studio.chen.clients.find_duplicates(phone="13900139000")
    assert own.client is not None and own.client.id == client.id
    [sup] = studio.sup.clients.find_duplicates(phone="13900139000")
    assert sup.client is not None


def test_a_lookup_without_matches_leaves_no_entry_and_the_admin_is_refused(
        studio: Studio) -> None:
    chen_client_with_case(studio)
    assert studio.wang.clients.find_duplicates(name="黄小梅", birth_year=1991) == []
    assert studio.sup.vault.audit.events(action_prefix="client.duplicates") == []
    with pytest.raises(AccessDenied):
        studio.admin.clients.find_duplicates(phone="13900139000")
    [event] = studio.sup.vault.audit.events(action_prefix="client.duplicates")
    assert (event.user, event.outcome, event.object_id) == ("admin", "refused", "")


@pytest.mark.parametrize(("name", "masked"), [
    ("武思怡", "武*怡"), ("王丽", "王*"), ("欧阳娜娜", "欧*娜"), ("Wendy Smith", "W***"),
    ("  amy ", "A***"), ("", "*")])
def test_masked_names_keep_only_what_tells_files_apart(name: str, masked: str) -> None:
    assert mask_name(name) == masked
