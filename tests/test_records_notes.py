"""Session notes: draft, sign and lock, addendum; co-signature on high-risk cases;
concurrent edits never lose the earlier save silently."""

from __future__ import annotations

import psycopg
import pytest
import sqlcipher3

from conftest import Clock, Studio, dv_intake_answers
from xinhe.errors import AccessDenied, Conflict, InvalidInput

pytestmark = pytest.mark.both_backends
# What the database's lock triggers raise, on each home.
LOCKED = (sqlcipher3.IntegrityError, psycopg.errors.IntegrityConstraintViolation)

NOTE = {"data": "当事人讲述了昨晚的争吵经过。", "assessment": "风险存在。", "plan": "一周后面谈。"}
DANGER = dv_intake_answers("strangulation", "threat_to_kill")


def draft(studio: Studio, svc, case_id: int, answers=None):  # noqa: ANN001, ANN201
    return svc.notes.draft_session(case_id, started_at=studio.folder.clock(), duration_min=50,
                                   modality="phone", persons_served=2,
                                   answers=answers if answers is not None else NOTE)


def test_sign_lock_and_addendum(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    note = draft(studio, studio.wang, case.id, {"data": "初稿"})
    assert studio.wang.cases.header(case.id).status == "active"  # the first session
    note = studio.wang.notes.update_session(
        note.id, note.version, started_at=clock.now, duration_min=60, modality="in_person",
        persons_served=1, answers=NOTE)
    signed = studio.wang.notes.sign_session(note.id, note.version)
    assert signed.signed and signed.answers["data"] == NOTE["data"]
    with pytest.raises(InvalidInput, match="signed and locked|签名锁定"):
        studio.wang.notes.update_session(signed.id, signed.version, started_at=clock.now,
                                         duration_min=60, modality="in_person",
                                         persons_served=1, answers={"data": "改过的"})
    # Not even a direct write gets past the database.
    with pytest.raises(LOCKED, match="locked"):
        studio.wang.vault.db.execute("UPDATE sessions SET answers = '{}' WHERE id = ?",
                                     (signed.id,))
    clock.advance(days=1)
    addendum = studio.wang.notes.add_addendum("session", signed.id, "更正：来访时间为下午三点。")
    assert addendum.text == "更正：来访时间为下午三点。" and addendum.author_name == "王丽"
    assert studio.wang.notes.session(signed.id).answers == NOTE
    assert [e.addenda for e in studio.wang.timeline(case.id) if e.kind == "session"] == [1]


def test_signing_needs_every_required_answer(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    note = draft(studio, studio.wang, case.id, {"assessment": "只写了评估"})
    with pytest.raises(InvalidInput) as info:
        studio.wang.notes.sign_session(note.id, note.version)
    assert info.value.message("zh_CN") == "“资料（D）：本次了解到的情况”：此题必填。"
    assert not studio.wang.notes.session(note.id).signed


def test_only_the_author_edits_a_draft(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    note = draft(studio, studio.wang, case.id)
    with pytest.raises(AccessDenied):
        studio.sup.notes.update_session(note.id, note.version, started_at=clock.now,
                                        duration_min=5, modality="phone", persons_served=1,
                                        answers=NOTE)
    with pytest.raises(AccessDenied):
        studio.sup.notes.sign_session(note.id, note.version)


def test_concurrent_edits_never_lose_the_earlier_save(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    note = draft(studio, studio.wang, case.id)
    # The same counsellor has the note open in two places (say the app and a script).
    elsewhere = studio.login("wang")
    first = elsewhere.notes.update_session(note.id, note.version, started_at=clock.now,
                                           duration_min=45, modality="phone",
                                           persons_served=1, answers={"data": "先保存的内容"})
    with pytest.raises(Conflict) as info:
        studio.wang.notes.update_session(note.id, note.version, started_at=clock.now,
                                         duration_min=45, modality="phone", persons_served=1,
                                         answers={"data": "后保存的内容"})
    assert "仍保留在表单中" in info.value.message("zh_CN")
    assert studio.wang.notes.session(note.id).answers == {"data": "先保存的内容"}
    with pytest.raises(Conflict):  # signing an outdated version is refused too
        studio.wang.notes.sign_session(note.id, note.version)
    studio.wang.notes.sign_session(note.id, first.version)


def test_notes_on_high_risk_cases_need_a_cosignature(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    studio.wang.notes.record_assessment(case.id, template_id="dv_intake", answers=DANGER)
    assert studio.wang.cases.header(case.id).risk_level == "high"
    note = draft(studio, studio.wang, case.id)
    signed = studio.wang.notes.sign_session(note.id, note.version)
    assert signed.cosign_required and signed.cosigned_by is None
    queue = studio.sup.reviews.queue()
    assert [(i.kind, i.target_type) for i in queue] == [("high_risk", "case"),
                                                         ("cosign", "session")]
    item = next(i for i in queue if i.kind == "cosign")
    studio.sup.reviews.cosign(item.id, "同意。")
    cosigned = studio.wang.notes.session(signed.id)
    assert cosigned.cosigned_by == "周督导" and cosigned.cosigned_at is not None
    assert [e.status for e in studio.wang.timeline(case.id) if e.kind == "session"] == [
        "cosigned"]
    with pytest.raises(InvalidInput):
        studio.sup.reviews.cosign(item.id)  # handled already


def test_a_returned_note_keeps_the_comment(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    studio.wang.notes.record_assessment(case.id, template_id="dv_intake", answers=DANGER)
    note = draft(studio, studio.wang, case.id)
    studio.wang.notes.sign_session(note.id, note.version)
    item = next(i for i in studio.sup.reviews.queue() if i.kind == "cosign")
    with pytest.raises(InvalidInput):
        studio.sup.reviews.return_with_comment(item.id, "  ")
    returned = studio.sup.reviews.return_with_comment(item.id, "请补充危险评估的依据。")
    assert returned.status == "returned" and returned.comment == "请补充危险评估的依据。"
    seen_by_author = {i.kind: i for i in studio.wang.reviews.for_case(case.id)}
    assert seen_by_author["cosign"].comment == "请补充危险评估的依据。"
    assert seen_by_author["cosign"].status == "returned"


def test_crisis_records_are_signed_and_raise_the_risk(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang, category="psychological_crisis")
    crisis = studio.wang.notes.record_crisis(case.id, occurred_at=clock.now, answers={
        "crisis_kind": "suicide", "on_site": True, "actions": "现场陪伴，联系家属。"})
    assert crisis.kind == "suicide" and crisis.on_site and crisis.cosign_required
    assert studio.wang.cases.header(case.id).risk_level == "high"
    with pytest.raises(LOCKED):
        studio.wang.vault.db.execute("UPDATE crisis_interventions SET on_site = 0")
    with pytest.raises(InvalidInput) as info:
        studio.wang.notes.record_crisis(case.id, occurred_at=clock.now, answers={
            "crisis_kind": "flood", "on_site": False, "actions": "x"})
    assert info.value.message("zh_CN") == "“危机类型”：请从给出的选项中选择一项。"


def test_an_addendum_resubmits_a_returned_note(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    studio.wang.notes.record_assessment(case.id, template_id="dv_intake", answers=DANGER)
    note = draft(studio, studio.wang, case.id)
    studio.wang.notes.sign_session(note.id, note.version)
    item = next(i for i in studio.sup.reviews.queue() if i.kind == "cosign")
    studio.sup.reviews.return_with_comment(item.id, "请写明当事人今晚住在哪里。")
    [back] = studio.wang.reviews.returned_to_me()
    assert back.comment == "请写明当事人今晚住在哪里。" and back.target_id == note.id
    assert studio.chen.reviews.returned_to_me() == []
    studio.wang.notes.add_addendum("session", note.id, "当事人今晚住在妹妹家。")
    assert studio.wang.reviews.returned_to_me() == []
    again = [i for i in studio.sup.reviews.queue() if i.kind == "cosign"]
    assert [(i.target_id, i.status) for i in again] == [(note.id, "open")]
