"""The demo vault: reproducible from its seed, counts as planned, never touching a real
vault."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import ADMIN_PASSWORD
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.errors import InvalidInput, VaultExists
from xinhe.records import search, search_index
from xinhe.records.demo import DEMO_USERS, DemoSummary, create_demo_vault
from xinhe.records.vault import VaultFolder

TODAY = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def make(path: Path, binding: DeviceBinding, **kw: object) -> tuple[VaultFolder, DemoSummary]:
    folder = VaultFolder(path, binding, kdf=KdfParams.cheap_for_tests())
    return folder, create_demo_vault(folder, cases=60, seed=7, today=TODAY, **kw)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[VaultFolder, DemoSummary]:
    from conftest import InMemoryKeyring

    return make(tmp_path_factory.mktemp("demo") / "vault", DeviceBinding(InMemoryKeyring()))


def test_counts_in_the_vault_match_the_seed(demo: tuple[VaultFolder, DemoSummary]) -> None:
    folder, summary = demo
    vault = folder.unlock("zhoujing", "xinhe-zhoujing")
    try:
        db = vault.db
        assert db.scalar("SELECT count(*) FROM cases") == summary.cases == 60
        assert db.scalar("SELECT count(*) FROM clients") == summary.clients
        assert db.scalar("SELECT count(*) FROM sessions") == summary.sessions
        assert db.scalar("SELECT count(*) FROM sessions WHERE signed_at IS NULL") == \
            summary.draft_sessions
        assert db.scalar("SELECT sum(persons_served) FROM sessions") == summary.person_times
        assert db.scalar("SELECT count(*) FROM assessments") == summary.assessments
        assert db.scalar("SELECT count(*) FROM crisis_interventions") == summary.crises
        assert db.scalar("SELECT count(*) FROM crisis_interventions WHERE on_site") == \
            summary.crises_on_site
        assert Counter(dict(db.all("SELECT kind, count(*) FROM crisis_interventions GROUP BY"
                                   " kind"))) == summary.crisis_kinds
        assert Counter(dict(db.all("SELECT category, count(*) FROM cases GROUP BY category"))) \
            == summary.categories
        assert Counter(dict(db.all("SELECT source, count(*) FROM cases GROUP BY source"))) == \
            summary.sources
        assert db.scalar("SELECT count(*) FROM followups WHERE status = 'done'") == \
            summary.followups_done
        assert db.scalar("SELECT count(*) FROM referrals") == summary.referrals
        assert db.scalar("SELECT count(*) FROM cases WHERE status = 'closed'") == summary.closed
        assert vault.audit.verify().ok
    finally:
        vault.close()


def test_the_mix_follows_the_studios_year(demo: tuple[VaultFolder, DemoSummary]) -> None:
    _, summary = demo
    assert summary.categories["emotional_dispute"] > 1.5 * summary.categories[
        "domestic_violence"] > 0
    assert 0 < summary.crises <= 0.12 * summary.cases
    assert summary.person_times > summary.sessions  # person-times are not sessions


def test_the_same_seed_gives_the_same_vault(tmp_path: Path, binding: DeviceBinding,
                                            demo: tuple[VaultFolder, DemoSummary]) -> None:
    _, again = make(tmp_path / "again", binding)
    first = demo[1]
    assert (again.categories, again.sessions, again.person_times, again.crises) == (
        first.categories, first.sessions, first.person_times, first.crises)


def test_every_demo_login_works(demo: tuple[VaultFolder, DemoSummary]) -> None:
    folder, summary = demo
    assert summary.logins()[1] == "supervisor: zhoujing / xinhe-zhoujing"
    for role, login, _, password in DEMO_USERS:
        vault = folder.unlock(login, password)
        assert vault.actor.role == role
        vault.close()


def test_it_never_touches_a_vault_that_is_not_a_demo(tmp_path: Path, folder: VaultFolder,
                                                      vault: object) -> None:
    before = folder.db_path.read_bytes()
    with pytest.raises(VaultExists):
        create_demo_vault(folder, cases=5)
    assert folder.db_path.read_bytes() == before
    folder.unlock("admin", ADMIN_PASSWORD).close()


def test_an_existing_demo_is_rebuilt_only_on_request(tmp_path: Path,
                                                     binding: DeviceBinding) -> None:
    folder = VaultFolder(tmp_path / "d", binding, kdf=KdfParams.cheap_for_tests())
    create_demo_vault(folder, cases=3, seed=1, today=TODAY)
    with pytest.raises(InvalidInput, match="--replace"):
        create_demo_vault(folder, cases=3, seed=1, today=TODAY)
    rebuilt = create_demo_vault(folder, cases=4, seed=2, today=TODAY, replace=True)
    assert rebuilt.cases == 4
    vault = folder.unlock("zhoujing", "xinhe-zhoujing")
    assert vault.db.scalar("SELECT count(*) FROM cases") == 4
    vault.close()


def test_the_full_demo_takes_referrals_all_the_way(tmp_path: Path,
                                                   binding: DeviceBinding) -> None:
    from xinhe.export.demo import create_full_demo
    from xinhe.export.outbox import read_manifest
    from xinhe.export.verify import verify_pdf

    folder = VaultFolder(tmp_path / "full", binding, kdf=KdfParams.cheap_for_tests())
    summary = create_full_demo(folder, cases=60, seed=7, today=TODAY)
    vault = folder.unlock("zhoujing", "xinhe-zhoujing")
    try:
        statuses = Counter(dict(vault.db.all("SELECT status, count(*) FROM referrals"
                                             " GROUP BY status")))
    finally:
        vault.close()
    assert summary.referrals_delivered > 0
    assert statuses["delivered"] + statuses["acknowledged"] == summary.referrals_delivered
    assert sum(statuses.values()) == summary.referrals and statuses["draft"] > 0
    outbox = folder.path / "outbox"
    manifest = read_manifest(outbox)
    assert len(manifest) == summary.referrals_delivered
    first = sorted(outbox.glob("*.pdf"))[0]
    assert verify_pdf(first.read_bytes()).ok


def test_search_finds_every_signed_record_exactly(demo: tuple[VaultFolder, DemoSummary]) -> None:
    """The demo indexes its year in one bulk call at the end: every case and signed
    session is in the index, and a search returns what a scan of the texts returns."""
    folder, _ = demo
    vault = folder.unlock("zhoujing", "xinhe-zhoujing")
    try:
        db = vault.db
        keys = {r[0] for r in db.all("SELECT doc_key FROM search_doc")}
        signed = {f"session:{r[0]}" for r in
                  db.all("SELECT id FROM sessions WHERE signed_at IS NOT NULL")}
        cases = {f"case:{r[0]}" for r in db.all("SELECT id FROM cases")}
        assert signed and signed | cases <= keys
        docs = db.all("SELECT id, title, body FROM search_doc ORDER BY id DESC")
        for query in ("暴", "保护令", "风险", "安全计划", "转介 社区"):
            terms = search.terms_of(query)
            expected = [r["id"] for r in docs if search.matches(terms, r["title"], r["body"])]
            assert expected
            assert [h.doc_id for h in search.search(db, query, limit=10_000)] == expected
        case_id, case_no = db.one("SELECT id, case_no FROM cases ORDER BY id DESC LIMIT 1")
        assert f"case:{case_id}" in {h.doc_key for h in search_index.find(vault, case_no)}
    finally:
        vault.close()
