"""Each role sees and does what DESIGN's table says, enforced by the services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import Studio
from xinhe.errors import AccessDenied, InvalidInput

pytestmark = pytest.mark.both_backends

NOTE = {"data": "当事人讲述了昨晚的争吵经过。", "assessment": "风险存在。", "plan": "一周后面谈。"}


def note(studio: Studio, svc, case_id: int):  # noqa: ANN001, ANN201
    draft = svc.notes.draft_session(case_id, started_at=studio.folder.clock(), duration_min=50,
                                    modality="in_person", persons_served=1, answers=NOTE)
    return svc.notes.sign_session(draft.id, draft.version)


def test_a_counsellor_sees_only_own_and_shared_cases(studio: Studio) -> None:
    mine = studio.new_case(studio.wang)
    theirs = studio.new_case(studio.chen, name="赵某", phone="13900139000")
    assert [c.case_no for c in studio.wang.cases.find()] == [mine.case_no]
    with pytest.raises(AccessDenied) as info:
        studio.wang.cases.header(theirs.id)
    assert info.value.message("zh_CN").startswith("这是其他咨询师的个案")
    with pytest.raises(AccessDenied):
        studio.wang.notes.sessions(theirs.id)
    studio.chen.cases.share(theirs.id, studio.wang.vault.actor.user_id)
    assert {c.case_no for c in studio.wang.cases.find()} == {mine.case_no, theirs.case_no}
    note(studio, studio.wang, theirs.id)  # a shared case can be worked on


def test_refusals_are_audited(studio: Studio) -> None:
    theirs = studio.new_case(studio.chen)
    with pytest.raises(AccessDenied):
        studio.wang.cases.header(theirs.id)
    events = studio.sup.vault.audit.events(action_prefix="case.access")
    assert [(e.user, e.object_id, e.outcome) for e in events] == [
        ("wang", theirs.case_no, "refused:header")]


def test_note_reads_by_anyone_but_the_counsellor_are_audited(studio: Studio) -> None:
    # Opening a case is audited for everyone: tests/test_need_to_know.py.
    case = studio.new_case(studio.wang)
    note(studio, studio.wang, case.id)
    studio.wang.notes.sessions(case.id)
    assert studio.sup.vault.audit.events(action_prefix="case.read") == []
    studio.sup.notes.sessions(case.id)
    reads = studio.sup.vault.audit.events(action_prefix="case.read")
    assert [(e.user, e.outcome) for e in reads] == [("sup", "notes")]


def test_staff_see_headers_and_referrals_but_never_notes(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    note(studio, studio.wang, case.id)
    studio.wang.consents.record(case.id, purpose="referral", recipient="police",
                                given_at=studio.folder.clock(), form="written",
                                given_by="当事人本人")
    studio.wang.referrals.create(case.id, agency="police", purpose="referral")
    assert [c.case_no for c in studio.staff.cases.find()] == [case.case_no]
    header = studio.staff.cases.header(case.id)
    assert header.client.name == "林某" and not header.can_read_notes
    with pytest.raises(AccessDenied) as info:
        studio.staff.notes.sessions(case.id)
    assert "工作人员不能查看咨询记录" in info.value.message("zh_CN")
    for call in (lambda: studio.staff.planning.safety_plans(case.id),
                 lambda: studio.staff.attachments.for_case(case.id),
                 lambda: studio.staff.notes.assessments(case.id)):
        with pytest.raises(AccessDenied):
            call()
    # Staff prepare and deliver referrals, so they see the consent a referral rests on.
    assert {e.kind for e in studio.staff.timeline(case.id)} == {"referral", "consent"}
    assert [r.agency for r in studio.staff.referrals.find()] == ["police"]
    with pytest.raises(AccessDenied):
        studio.staff.referrals.create(case.id, agency="police", purpose="referral")


def test_the_admin_sees_no_case_content(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    for call in (studio.admin.cases.find, lambda: studio.admin.cases.header(case.id),
                 lambda: studio.admin.search("林某"), studio.admin.planning.due_items,
                 lambda: studio.admin.clients.find_duplicates(name="林某", birth_year=1990)):
        with pytest.raises(AccessDenied):
            call()


def test_supervisor_only_actions(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    chen_id = studio.chen.vault.actor.user_id
    with pytest.raises(AccessDenied):
        studio.wang.cases.close(case.id, "resolved")
    with pytest.raises(AccessDenied):
        studio.wang.cases.reassign(case.id, chen_id)
    with pytest.raises(AccessDenied):
        studio.wang.reviews.queue()
    studio.wang.cases.request_closure(case.id, "目标已达成")
    queue = studio.sup.reviews.queue()
    assert [(i.kind, i.case_no) for i in queue] == [("closure", case.case_no)]
    assert queue[0].due_at == (studio.folder.clock() + timedelta(hours=72)).isoformat(
        timespec="seconds")
    studio.sup.cases.reassign(case.id, chen_id)
    assert [c.case_no for c in studio.chen.cases.find()] == [case.case_no]
    assert studio.wang.cases.find() == []
    closed = studio.sup.cases.close(case.id, "resolved", "目标已达成")
    assert closed.status == "closed" and studio.sup.reviews.queue() == []


def test_a_supervisor_names_the_cases_responsible_supervisor(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    sup_id = studio.sup.vault.actor.user_id
    with pytest.raises(AccessDenied):
        studio.wang.cases.set_supervisor(case.id, sup_id)
    with pytest.raises(InvalidInput) as info:  # a counsellor is not a supervisor
        studio.sup.cases.set_supervisor(case.id, studio.chen.vault.actor.user_id)
    assert "在用的督导" in info.value.message("zh_CN")
    assert studio.wang.cases.header(case.id).supervisor_name is None
    studio.sup.cases.set_supervisor(case.id, sup_id)
    assert studio.wang.cases.header(case.id).supervisor_name == "周督导"
    studio.sup.cases.set_supervisor(case.id, None)
    assert studio.wang.cases.header(case.id).supervisor_name is None
    events = studio.sup.vault.audit.events(action_prefix="case.supervisor")
    assert [e.object_id for e in events] == [case.case_no, case.case_no]


def test_a_counsellor_cannot_open_cases_for_someone_else(studio: Studio) -> None:
    client = studio.wang.clients.create(name="吴某")
    case = studio.wang.cases.open(client_id=client.id, category="other", source="self",
                                  counsellor_id=studio.chen.vault.actor.user_id)
    assert case.counsellor_name == "王丽"
    assigned = studio.sup.cases.open(client_id=client.id, category="other", source="hotline",
                                     counsellor_id=studio.chen.vault.actor.user_id)
    assert assigned.counsellor_name == "陈芳"
