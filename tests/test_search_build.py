"""`search.rebuild` with the gram index built on a second thread (search_build.py)."""

from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_search import BULK_ALPHABET, keys, naive

from xinhe.records.db import Database
from xinhe.records.search import (
    SCHEMA,
    Document,
    compact,
    fold,
    index_document,
    index_documents,
    rebuild,
    remove_case,
    remove_document,
)
from xinhe.records.search_text import PLACEHOLDERS, gram_text

MARKER = "鳄鱼螺蛳粉zebrafinch"


def _docs(rng: random.Random, count: int) -> list[Document]:
    return [Document(f"session:{i}", rng.randint(1, 4), rng.choice(["note", "crisis"]),
                     "".join(rng.choices(BULK_ALPHABET, k=rng.randint(0, 8))),
                     "".join(rng.choices(BULK_ALPHABET, k=rng.randint(0, 60))), "ts")
            for i in range(count)]


def _model(db: Database) -> dict[str, tuple[int, str, str, int, str]]:
    return {r["doc_key"]: (r["id"], r["title"], r["body"], r["case_id"] or 0, r["kind"])
            for r in db.all("SELECT id, doc_key, title, body, case_id, kind FROM search_doc")}


def _queries(rng: random.Random) -> list[str]:
    letters = [c for c in BULK_ALPHABET if not c.isspace()]
    return (letters + [a + b for a in letters for b in letters]
            + ["".join(rng.choices(letters, k=rng.randint(3, 5))) for _ in range(100)]
            + [f"{rng.choice(letters)} {rng.choice(letters)}{rng.choice(letters)}"
               for _ in range(40)])


def _vault(folder: Path, key: bytes) -> Database:
    folder.mkdir()
    db = Database(folder / "vault.db", key)
    with db.transaction():
        for statement in SCHEMA:
            db.execute(statement)
    return db


def test_the_threaded_rebuild_finds_exactly_what_the_serial_one_finds(tmp_path: Path) -> None:
    rng = random.Random(43)
    key = os.urandom(32)
    threaded = _vault(tmp_path / "a", key)
    index_documents(threaded, _docs(rng, 300))
    for i in range(0, 300, 7):  # replaced and removed documents: deleted entries to drop
        index_document(threaded, doc_key=f"session:{i}", case_id=2, kind="note", title="",
                       body="".join(rng.choices(BULK_ALPHABET, k=30)), ts="ts")
    for i in range(3, 300, 11):
        remove_document(threaded, f"session:{i}")
    threaded.execute("INSERT INTO search_gram(search_gram, rank) VALUES ('pgsz', 1000)")
    threaded.close()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    threaded = Database(tmp_path / "a" / "vault.db", key)
    serial = Database(tmp_path / "b" / "vault.db", key)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert rebuild(threaded) == rebuild(serial, threads=False) == 300 - 27
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == files  # no side file
    model = _model(threaded)
    queries = _queries(rng)
    for q in queries:
        assert keys(threaded, q) == keys(serial, q) == naive(model, q), q
        assert keys(threaded, q, case_filter_sql="d.case_id = ?", params=(2,),
                    kinds=["note"]) == keys(serial, q, case_filter_sql="d.case_id = ?",
                                            params=(2,), kinds=["note"]), q
    # FTS5's own check of the copied index, and the settings it had before the rebuild.
    threaded.execute("INSERT INTO search_gram(search_gram, rank) VALUES ('integrity-check', 0)")
    threaded.execute("INSERT INTO search_tri(search_tri, rank) VALUES ('integrity-check', 0)")
    for table in ("search_tri", "search_gram"):
        assert threaded.scalar(f"SELECT v FROM {table}_config WHERE k = 'automerge'") == 4
        assert threaded.scalar(f"SELECT v FROM {table}_config WHERE k = 'hashsize'") == 1 << 20
    assert threaded.scalar("SELECT v FROM search_gram_config WHERE k = 'pgsz'") == 1000
    # Writes after the rebuild, in this connection and after reopening, keep it exact.
    add_after = Document("session:900", 2, "note", "", f"新的 {MARKER} 王丽", "ts")
    for db in (threaded, serial):
        index_documents(db, [add_after])
        remove_case(db, 3)
    assert keys(threaded, MARKER) == ["session:900"]
    # The removed case's entries left the copied index too (FTS5 found their positions).
    model = _model(threaded)
    for table, token in (("search_gram", "王"), ("search_gram", "家暴"), ("search_tri", "保护令")):
        rowids = {-r[0] for r in threaded.execute(
            f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (f'"{token}"',))}
        assert rowids == {doc_id for doc_id, title, body, _, _ in model.values()
                          if token in fold(f"{title}\n{body}")}, token
    threaded.close()
    threaded = Database(tmp_path / "a" / "vault.db", key)
    compact(threaded)
    model = _model(threaded)
    for q in [*queries[::5], "王丽", MARKER[:2], MARKER[-4:]]:
        assert keys(threaded, q) == keys(serial, q) == naive(model, q), q
    threaded.close()
    serial.close()



def _previous_gram_text(folded: str) -> str:
    """The gram text as made before (a translate of every character): the reference."""
    text = folded.translate({code: stand_in for code, stand_in in PLACEHOLDERS.items()})
    pairs = [text[i:i + 2] for i in range(len(text) - 1)]
    return " ".join([*set(text), *pairs])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=BULK_ALPHABET + "!#$%&'+,./;<=>?@[\\]^_`{|}~\U0001f600é", max_size=40))
def test_the_gram_text_has_the_tokens_it_had(text: str) -> None:
    folded = fold(text)
    assert _tokens(gram_text(folded)) == _tokens(_previous_gram_text(folded))


def _tokens(text: str) -> set[str]:
    """What FTS5's ascii tokenizer indexes: runs of characters other than ASCII non-alnum."""
    return set(re.findall(r"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+", text))


def test_a_failure_on_either_thread_leaves_the_index_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from xinhe.records import search_build

    rng = random.Random(8)
    db = _vault(tmp_path / "v", os.urandom(32))
    docs = _docs(rng, 700)
    index_documents(db, docs)
    queries = _queries(rng)
    before = {q: keys(db, q) for q in queries}
    calls = 0

    def failing_gram_text(text: str) -> str:
        nonlocal calls
        calls += 1
        if calls == 300:
            raise MemoryError("the second thread ran out")
        return gram_text(text)

    monkeypatch.setattr(search_build, "gram_text", failing_gram_text)
    with pytest.raises(MemoryError):
        rebuild(db, batch=100)
    monkeypatch.setattr(search_build, "gram_text", gram_text)
    assert calls == 300  # it failed on the second thread, and the vault's thread said so
    assert not [t for t in threading.enumerate() if t.name == "xinhe-search-build"]
    assert {q: keys(db, q) for q in queries} == before
    # The vault's own thread failing half-way: the second thread is stopped, not left.
    original = db.executemany
    seen = 0

    def failing_executemany(sql: str, rows: object) -> object:
        nonlocal seen
        if sql.startswith("INSERT INTO search_tri"):
            seen += 1
            if seen == 3:
                raise RuntimeError("the vault's thread failed")
        return original(sql, rows)

    monkeypatch.setattr(db, "executemany", failing_executemany)
    with pytest.raises(RuntimeError):
        rebuild(db, batch=100)
    monkeypatch.setattr(db, "executemany", original)
    assert not [t for t in threading.enumerate() if t.name == "xinhe-search-build"]
    assert {q: keys(db, q) for q in queries} == before
    assert db.scalar("SELECT count(*) FROM search_doc") == 700
    db.execute("INSERT INTO search_gram(search_gram, rank) VALUES ('integrity-check', 0)")
    db.execute("INSERT INTO search_tri(search_tri, rank) VALUES ('integrity-check', 0)")
    assert rebuild(db) == 700  # and a later build works
    assert {q: keys(db, q) for q in queries} == before
    db.close()
