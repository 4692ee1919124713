"""Consent per purpose and recipient, legal bases, guardians, withdrawal; the referral gate."""

from __future__ import annotations

import pytest

from conftest import Clock, Studio
from xinhe.errors import InvalidInput
from xinhe.records.referrals import ConsentMissing

pytestmark = pytest.mark.both_backends


def test_a_referral_is_refused_without_consent(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    with pytest.raises(ConsentMissing) as info:
        studio.wang.referrals.create(case.id, agency="police", purpose="referral")
    assert "公安机关" in info.value.message("zh_CN") and "知情同意" in info.value.message("zh_CN")
    assert studio.wang.referrals.find() == []
    refused = studio.sup.vault.audit.events(action_prefix="referral.refused")
    assert [e.object_id for e in refused] == [case.case_no]


def test_consent_covers_one_purpose_and_one_recipient(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    consent = studio.wang.consents.record(case.id, purpose="legal_aid", recipient="justice",
                                          given_at=clock.now, form="written",
                                          given_by="当事人本人")
    assert consent.describe("zh_CN") == "法律援助 → 司法局（法律援助/人民调解）: 书面同意"
    with pytest.raises(ConsentMissing):  # same purpose, other agency
        studio.wang.referrals.create(case.id, agency="court", purpose="legal_aid")
    with pytest.raises(ConsentMissing):  # same agency, other purpose
        studio.wang.referrals.create(case.id, agency="justice", purpose="mediation")
    referral = studio.wang.referrals.create(case.id, agency="justice", purpose="legal_aid",
                                            urgency="urgent", summary="请协助离婚诉讼。")
    assert (referral.status, referral.consent_id, referral.referral_no) == (
        "draft", consent.id, "ZJ-2026-0001")


def test_withdrawn_consent_no_longer_covers(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    consent = studio.wang.consents.record(case.id, purpose="shelter", recipient="civil_affairs",
                                          given_at=clock.now, form="verbal",
                                          given_by="当事人本人")
    withdrawn = studio.wang.consents.withdraw(consent.id)
    assert not withdrawn.active
    with pytest.raises(ConsentMissing):
        studio.wang.referrals.create(case.id, agency="civil_affairs", purpose="shelter")
    with pytest.raises(InvalidInput):
        studio.wang.consents.withdraw(consent.id)


def test_a_legal_basis_stands_in_for_consent_with_a_note(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang, category="minor_protection", birth_date="2016-02-01")
    with pytest.raises(InvalidInput):
        studio.wang.consents.record(case.id, purpose="referral", recipient="police",
                                    given_at=clock.now, legal_basis="legal_duty")
    with pytest.raises(InvalidInput):  # both a form and a basis: one or the other
        studio.wang.consents.record(case.id, purpose="referral", recipient="police",
                                    given_at=clock.now, form="guardian",
                                    legal_basis="legal_duty", basis_note="强制报告")
    studio.wang.consents.record(case.id, purpose="referral", recipient="police",
                                given_at=clock.now, legal_basis="legal_duty",
                                basis_note="疑似未成年人遭受侵害，依法强制报告。")
    assert studio.wang.referrals.create(case.id, agency="police", purpose="referral")


def test_a_child_under_14_needs_a_guardian(studio: Studio, clock: Clock) -> None:
    case = studio.new_case(studio.wang, category="minor_protection", birth_date="2013-03-03")
    with pytest.raises(InvalidInput, match="14"):
        studio.wang.consents.record(case.id, purpose="medical", recipient="hospital",
                                    given_at=clock.now, form="written", given_by="本人")
    studio.wang.consents.record(case.id, purpose="medical", recipient="hospital",
                                given_at=clock.now, form="guardian", given_by="母亲 李某")
    # On the day of the 14th birthday the child's own consent counts.
    older = studio.new_case(studio.wang, name="卢某", birth_date="2012-03-02",
                            phone="13600136000")
    studio.wang.consents.record(older.id, purpose="medical", recipient="hospital",
                                given_at=clock.now, form="written", given_by="本人")


def test_referral_status_runs_draft_signed_delivered_acknowledged(studio: Studio,
                                                                   clock: Clock) -> None:
    case = studio.new_case(studio.wang)
    studio.wang.consents.record(case.id, purpose="referral", recipient="police",
                                given_at=clock.now, form="written", given_by="当事人本人")
    referral = studio.wang.referrals.create(case.id, agency="police", purpose="referral")
    edited = studio.wang.referrals.update_draft(referral.id, referral.version,
                                                summary="当事人多次被殴打。", urgency="urgent")
    with pytest.raises(InvalidInput):
        studio.staff.referrals.acknowledge(referral.id, "已收到")
    signed = studio.staff.referrals.mark_signed(referral.id, b"%PDF-1.7 test", "ab" * 32)
    assert signed.status == "signed" and signed.signed_by == "黄敏"
    with pytest.raises(InvalidInput):
        studio.wang.referrals.update_draft(referral.id, signed.version, summary="改",
                                           urgency="normal")
    failed = studio.staff.referrals.mark_delivery_failed(referral.id, "共享盘不可用")
    assert failed.status == "signed" and failed.status_note == "共享盘不可用"
    delivered = studio.staff.referrals.mark_delivered(referral.id, "/mnt/platform/outbox")
    assert delivered.status == "delivered" and delivered.status_note is None
    done = studio.staff.referrals.acknowledge(referral.id, "派出所 张警官 电话确认")
    assert (done.status, done.acknowledgement) == ("acknowledged", "派出所 张警官 电话确认")
    assert edited.summary == "当事人多次被殴打。"
    actions = [e.action for e in reversed(studio.sup.vault.audit.events(
        action_prefix="referral."))]
    assert actions == ["referral.create", "referral.update", "referral.sign",
                       "referral.deliver", "referral.deliver", "referral.acknowledge"]
