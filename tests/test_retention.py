"""Retention: which closed cases are due, and a purge that leaves no trace of them — not
in any decrypted page of the database file or its log, not in the search index. The rules
and refusals run on the local vault and on the studio server (the server's purge itself:
tests/test_server_retention.py)."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from conftest import Clock, Studio
from xinhe.errors import AccessDenied, InvalidInput, NotFound, WrongPassword
from xinhe.records import retention

pytestmark = pytest.mark.both_backends

MARKER = "清除标记PURGE-MARKER-c0ffee"
PAGE = 4096
RESERVE = 80  # SQLCipher 4: 16-byte IV + 64-byte HMAC at the end of each page


def _decrypt(page: bytes, key: bytes, first: bool) -> bytes:
    body = page[16:PAGE - RESERVE] if first else page[:PAGE - RESERVE]
    iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(body) + decryptor.finalize()


def plaintext_pages(folder: Path, key: bytes) -> list[bytes]:
    """Every page of vault.db and of its write-ahead log, decrypted as SQLCipher 4 stores
    them (raw key, AES-256-CBC): free pages and stale log frames included."""
    pages = []
    db = (folder / "vault.db").read_bytes()
    for number, start in enumerate(range(0, len(db), PAGE), start=1):
        pages.append(_decrypt(db[start:start + PAGE], key, number == 1))
    wal = folder / "vault.db-wal"
    if wal.exists():
        data = wal.read_bytes()[32:]
        for start in range(0, len(data) - (24 + PAGE) + 1, 24 + PAGE):
            number = struct.unpack(">I", data[start:start + 4])[0]
            pages.append(_decrypt(data[start + 24:start + 24 + PAGE], key, number == 1))
    return pages


def traces(studio: Studio, text: str) -> int:
    key = studio.admin.vault._key()
    needles = (text.encode("utf-8"), text.encode("utf-16-le"))
    return sum(1 for page in plaintext_pages(studio.folder.path, key)
               if any(n in page for n in needles))


def closed_case(studio: Studio, clock: Clock, *, years_ago: float, note: str | None = None,
                **client: str):  # noqa: ANN003, ANN201
    """A case opened and closed `years_ago`, with a signed note when `note` is given."""
    real_now = clock.now
    clock.now = real_now - timedelta(days=365.25 * years_ago + 30)
    case = studio.new_case(studio.wang, **client)
    if note is not None:
        draft = studio.wang.notes.draft_session(case.id, started_at=clock.now, duration_min=40,
                                                modality="phone", answers={"data": note})
        studio.wang.notes.sign_session(draft.id, draft.version)
    clock.now = real_now - timedelta(days=365.25 * years_ago)
    studio.sup.cases.close(case.id, "resolved")
    clock.now = real_now
    return case


def test_default_policy_and_who_may_change_it(studio: Studio) -> None:
    rules = retention.policy(studio.sup.vault)
    assert set(rules.years.values()) == {10} and rules.intake_only_years == 3
    assert rules.years_for("domestic_violence", intake_only=True) == 3
    changed = retention.set_policy(studio.sup.vault, retention.RetentionPolicy(
        {"minor_protection": 30}, 2))
    assert changed.years["minor_protection"] == 30 and changed.years["other"] == 10
    assert retention.policy(studio.wang.vault).intake_only_years == 2
    with pytest.raises(AccessDenied):
        retention.set_policy(studio.wang.vault, retention.RetentionPolicy())
    with pytest.raises(InvalidInput):
        retention.set_policy(studio.sup.vault, retention.RetentionPolicy({"other": 0}, 3))
    with pytest.raises(InvalidInput):
        retention.set_policy(studio.sup.vault, retention.RetentionPolicy({"unknown": 5}, 3))


def test_which_closed_cases_are_due(studio: Studio, clock: Clock) -> None:
    old = closed_case(studio, clock, years_ago=10.1, note="十年前的记录")
    recent = closed_case(studio, clock, years_ago=9.5, note="九年前的记录")
    intake_only = closed_case(studio, clock, years_ago=3.2)
    moved_on = closed_case(studio, clock, years_ago=3.2)
    studio.sup.cases.set_status(moved_on.id, "active")  # reopened: a full case now
    studio.sup.cases.close(moved_on.id, "resolved", closed_at=clock.now - timedelta(days=1200))
    still_open = studio.new_case(studio.wang)
    due = retention.due_cases(studio.sup.vault)
    # Longest overdue first: the intake-only case fell due about a month earlier.
    assert [(d.case_no, d.intake_only, d.years) for d in due] == [
        (intake_only.case_no, True, 3), (old.case_no, False, 10)]
    assert due[0].counsellor_name == "王丽"
    listed = {d.case_no for d in due}
    assert recent.case_no not in listed and still_open.case_no not in listed
    retention.set_policy(studio.sup.vault, retention.RetentionPolicy({}, 4))
    assert [d.case_no for d in retention.due_cases(studio.sup.vault)] == [old.case_no]
    for role in ("wang", "staff"):
        with pytest.raises(AccessDenied):
            retention.due_cases(getattr(studio, role).vault)
    with pytest.raises(AccessDenied):
        retention.due_cases(studio.admin.vault)


@pytest.mark.local_only("pages of the vault file; the server's purge: test_server_retention")
def test_purge_leaves_no_trace_in_the_file_or_the_index(studio: Studio, clock: Clock) -> None:
    case = closed_case(studio, clock, years_ago=11, note=f"当事人说：{MARKER}",
                       name="清除测试人", phone="13711112222")
    wang = studio.wang
    photo = wang.attachments.add(case.id, kind="consent_scan", filename="同意书.txt",
                                 data=f"同意书 {MARKER}".encode())
    consent = wang.consents.record(case.id, purpose="legal_aid", recipient="justice",
                                   given_at=clock.now, form="written", given_by="本人",
                                   attachment_id=photo.id)
    wang.referrals.create(case.id, agency="justice", purpose="legal_aid", summary=MARKER)
    kept = closed_case(studio, clock, years_ago=1, note="另一个个案")
    wang.drafts.save(f"safety_plan:{case.id}", "安全计划", {
        "kind": "safety_plan", "case_id": case.id, "answers": {"warning_signs": MARKER}})
    wang.drafts.save(f"safety_plan:{kept.id}", "安全计划", {
        "kind": "safety_plan", "case_id": kept.id, "answers": {"warning_signs": "保留"}})
    assert studio.sup.vault.db.scalar("SELECT attachment_id FROM consents WHERE id = ?",
                                      (consent.id,)) == photo.id
    assert [h.case_no for h in studio.sup.search("PURGE-MARKER")] == [case.case_no]
    for vault in studio.vaults:
        if vault is not studio.sup.vault:
            vault.db.checkpoint()
    assert traces(studio, MARKER) > 0 and traces(studio, "清除测试人") > 0

    result = retention.purge(studio.sup.vault, [case.case_no], Studio.PASSWORDS["sup"])
    assert result.case_nos == (case.case_no,) and result.clients_removed == 1
    assert studio.sup.search("PURGE-MARKER") == []
    assert studio.sup.search("清除测试人") == []
    db = studio.sup.vault.db
    assert db.one("SELECT 1 FROM cases WHERE case_no = ?", (case.case_no,)) is None
    assert db.one("SELECT 1 FROM clients WHERE name = '清除测试人'") is None
    for table in retention.case_tables(studio.sup.vault):
        assert db.scalar(f"SELECT count(*) FROM {table} WHERE case_id = ?", (case.id,)) == 0
    assert db.scalar("SELECT count(*) FROM search_doc WHERE case_id = ?", (case.id,)) == 0
    # No page of the file or its log holds any of it any more, decrypted or not.
    assert traces(studio, MARKER) == 0
    assert traces(studio, "清除测试人") == 0 and traces(studio, "13711112222") == 0
    data = (studio.folder.path / "vault.db").read_bytes()
    assert MARKER.encode() not in data
    # The audit trail says who purged which case, and nothing of its content.
    event = studio.sup.vault.audit.events(action_prefix="retention.purge")[0]
    assert (event.user, event.object_id, event.outcome) == ("sup", case.case_no,
                                                            "client removed")
    assert studio.sup.vault.audit.verify().ok
    # The other case is untouched, and so is its unsaved form; the purged case's is gone.
    assert [h.case_no for h in studio.sup.search("另一个个案")] == [kept.case_no]
    assert [d.payload["case_id"] for d in wang.drafts.all()] == [kept.id]


def test_a_client_with_another_case_is_kept(studio: Studio, clock: Clock) -> None:
    old = closed_case(studio, clock, years_ago=12, note="旧个案")
    client_id = studio.sup.cases.header(old.id).client.id
    newer = studio.wang.cases.open(client_id=client_id, category="emotional_dispute",
                                   source="self")
    result = retention.purge(studio.sup.vault, [old.case_no], Studio.PASSWORDS["sup"])
    assert result.clients_removed == 0
    assert studio.sup.cases.header(newer.id).client.id == client_id


def test_purge_is_refused_without_the_password_role_or_due_date(studio: Studio,
                                                                clock: Clock) -> None:
    due = closed_case(studio, clock, years_ago=11, note="到期")
    recent = closed_case(studio, clock, years_ago=2, note="未到期")
    sup = studio.sup.vault
    with pytest.raises(WrongPassword):
        retention.purge(sup, [due.case_no], "not-the-password")
    refused = sup.audit.events(action_prefix="retention.purge")[0]
    assert refused.outcome == "refused:password"
    with pytest.raises(InvalidInput, match="尚未到保存期限"):
        retention.purge(sup, [recent.case_no], Studio.PASSWORDS["sup"])
    with pytest.raises(NotFound):
        retention.purge(sup, ["XH-1999-0001"], Studio.PASSWORDS["sup"])
    with pytest.raises(InvalidInput):
        retention.purge(sup, [], Studio.PASSWORDS["sup"])
    with pytest.raises(AccessDenied):
        retention.purge(studio.wang.vault, [due.case_no], Studio.PASSWORDS["wang"])
    # All or nothing: one case not due stops the whole batch.
    with pytest.raises(InvalidInput):
        retention.purge(sup, [due.case_no, recent.case_no], Studio.PASSWORDS["sup"])
    assert sup.db.scalar("SELECT count(*) FROM cases") == 2


def test_due_dates_count_calendar_years_from_closure(studio: Studio, clock: Clock) -> None:
    clock.now = datetime(2030, 2, 28, 12, tzinfo=UTC)
    case = closed_case(studio, clock, years_ago=0, note="闰年")
    studio.sup.vault.db.execute("UPDATE cases SET closed_at = '2020-02-29T10:00:00+00:00'"
                                " WHERE id = ?", (case.id,))
    assert retention.due_cases(studio.sup.vault) == []  # kept through its last day
    clock.now = datetime(2030, 3, 1, 0, tzinfo=UTC)
    (due,) = retention.due_cases(studio.sup.vault)
    assert due.keep_until.isoformat() == "2030-02-28"


@pytest.mark.local_only("the server has no file to compact: its autovacuum reclaims rows")
def test_a_compaction_that_cannot_run_now_is_kept_pending(
        studio: Studio, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The purge stands even when VACUUM cannot run (another program holds the file)."""
    from xinhe.errors import StorageError

    case = closed_case(studio, clock, years_ago=11, note=MARKER)

    def busy(vault: object) -> None:
        raise StorageError("数据库正被占用", "the database is in use")
    monkeypatch.setattr(retention, "vacuum", busy)
    result = retention.purge(studio.sup.vault, [case.case_no], Studio.PASSWORDS["sup"])
    assert not result.compacted and studio.sup.search("PURGE-MARKER") == []
    assert studio.sup.vault.setting(retention.PENDING_COMPACTION) == "1"
    monkeypatch.undo()
    assert retention.compact_pending(studio.sup.vault)
    assert studio.sup.vault.setting(retention.PENDING_COMPACTION) == ""
    for vault in studio.vaults:
        vault.db.checkpoint()
    assert traces(studio, MARKER) == 0
