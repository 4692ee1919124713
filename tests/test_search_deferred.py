"""Indexing held back to the end of a block (`search_index.deferred`, used by the demo)."""

from __future__ import annotations

import pytest

from xinhe.records import search, search_index
from xinhe.records.vault import Vault


def _note(vault: Vault, i: int, body: str) -> None:
    search_index.index_text(vault, f"session:{i}", 1 + i % 7, "session", f"会谈 {i}", body,
                            "2026-01-01T09:00:00+08:00")


def test_deferred_documents_are_found_after_the_block_as_if_indexed_one_by_one(
        vault: Vault) -> None:
    with vault.db.transaction():
        with search_index.deferred(vault):
            for i in range(250):  # above BULK_DOCUMENTS: the bulk path
                _note(vault, i, f"第{i}次 申请保护令")
            _note(vault, 3, "改过的记录：冷暴力")  # replaced inside the block: the last text wins
            assert search.search(vault.db, "保护令") == []  # nothing indexed yet
        hits = search.search(vault.db, "保护令", limit=1000)
    assert [h.doc_key for h in hits] == [f"session:{i}" for i in range(249, -1, -1) if i != 3]
    assert [h.doc_key for h in search.search(vault.db, "冷暴力")] == ["session:3"]
    assert [h.doc_key for h in search.search(vault.db, "第17次")] == ["session:17"]
    _note(vault, 500, "块外的记录 保护令")  # outside the block: indexed at once again
    assert search.search(vault.db, "块外")[0].doc_key == "session:500"


def test_a_block_that_fails_indexes_nothing(vault: Vault) -> None:
    with pytest.raises(RuntimeError), vault.db.transaction(), search_index.deferred(vault):
        _note(vault, 1, "申请保护令")
        raise RuntimeError("stop")
    assert vault.db.scalar("SELECT count(*) FROM search_doc") == 0
    _note(vault, 2, "申请保护令")
    assert [h.doc_key for h in search.search(vault.db, "保护令")] == ["session:2"]


def test_a_case_removed_inside_the_block_is_not_indexed_at_its_end(vault: Vault) -> None:
    with vault.db.transaction(), search_index.deferred(vault):
        _note(vault, 1, "申请保护令")  # case 2
        _note(vault, 2, "申请保护令")  # case 3
        search_index.remove_case(vault, 2)
    assert [h.doc_key for h in search.search(vault.db, "保护令")] == ["session:2"]
