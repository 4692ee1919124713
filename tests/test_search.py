"""Search: exact substring semantics over both FTS5 indexes, inside the encrypted vault."""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinhe.records import search as search_mod
from xinhe.records import search_scope
from xinhe.records.db import Database
from xinhe.records.search import (
    MARK_END,
    MARK_START,
    SCHEMA,
    Document,
    SearchError,
    fold,
    index_document,
    index_documents,
    rebuild,
    remove_case,
    remove_document,
    search,
)

ACCESS = "d.case_id IN (SELECT id FROM cases WHERE counsellor_id = ?)"


def make_db(path: Path) -> Database:
    db = Database(path, os.urandom(32))
    with db.transaction():
        for statement in SCHEMA:
            db.execute(statement)
        db.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, counsellor_id INTEGER)")
    return db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = make_db(tmp_path / "vault.db")
    yield database
    database.close()


def add(db: Any, key: str, body: str, *, title: str = "", case_id: int | None = 1,
        kind: str = "note") -> None:
    index_document(db, doc_key=key, case_id=case_id, kind=kind, title=title, body=body,
                   ts="2026-03-02T09:00:00+08:00")


def keys(db: Database, query: str, **kwargs: Any) -> list[str]:
    return [hit.doc_key for hit in search(db, query, limit=1000, **kwargs)]


NOTES = {
    "session:1": "当事人陈述丈夫长期家暴，昨晚再次被殴打，已报警。",
    "session:2": "协助当事人向法院申请人身安全保护令，法院已受理。",
    "session:3": "Client reports DV; a Safety Plan was agreed. PTSD screening next week.",
    "session:4": "情绪低落，失眠。暴躁的情况有所缓解。follow-up by phone.",
    "session:5": "孩子在学校表现良好，未发现异常。",
}


@pytest.fixture
def notes(db: Database) -> Database:
    for key, body in NOTES.items():
        add(db, key, body)
    return db


def test_chinese_one_two_and_three_character_queries(notes: Database) -> None:
    assert keys(notes, "暴") == ["session:4", "session:1"]
    assert keys(notes, "家暴") == ["session:1"]
    assert keys(notes, "保护令") == ["session:2"]
    assert keys(notes, "人身安全保护令") == ["session:2"]
    assert keys(notes, "当事人") == ["session:2", "session:1"]
    assert keys(notes, "鳄") == []
    assert keys(notes, "家暴暴") == []


def test_english_is_case_insensitive_and_finds_substrings(notes: Database) -> None:
    assert keys(notes, "safety plan") == ["session:3"]
    assert keys(notes, "SAFETY") == keys(notes, "Safety") == ["session:3"]
    assert keys(notes, "ptsd") == ["session:3"]
    assert keys(notes, "dv") == ["session:3"]  # two letters
    assert keys(notes, "ow") == ["session:4"]  # inside "follow": substrings, not prefixes
    assert keys(notes, "follow-up") == ["session:4"]


def test_full_width_latin_matches_half_width(notes: Database) -> None:
    add(notes, "session:6", "当事人提供了ＰＴＳＤ诊断证明")
    assert keys(notes, "ptsd") == ["session:6", "session:3"]
    assert keys(notes, "ＰＴＳＤ") == ["session:6", "session:3"]


def test_terms_are_anded_across_lengths_and_scripts(notes: Database) -> None:
    assert keys(notes, "暴 情绪") == ["session:4"]
    assert keys(notes, "当事人 保护令") == ["session:2"]
    assert keys(notes, "家暴 保护令") == []
    assert keys(notes, "暴 follow") == ["session:4"]
    assert keys(notes, "  家暴\u3000报警 ") == ["session:1"]  # ideographic space separates


def test_title_is_searched_but_terms_do_not_span_title_and_body(db: Database) -> None:
    add(db, "client:7", "", title="王丽娟", kind="client")
    add(db, "case:5", "情绪纠纷", title="XH-2025-00005", kind="case")
    assert keys(db, "王丽") == ["client:7"]
    assert keys(db, "xh-2025-00005") == ["case:5"]
    assert keys(db, "00005情绪") == []


@pytest.mark.parametrize("query", [
    '"', '""', '"家暴', "家暴\"", "*", "暴*", "-", "-家暴", "NEAR(家暴 报警)", "NEAR",
    "AND", "OR", "NOT 家暴", "(", ")", "(家暴", "^", "^家暴", "body:家暴", "{body}: x",
    "家暴 OR 保护令", "a:b", "'", "\\", "%", "_", "+", "\x00", "\ufffd", "\U000f0022",
])
def test_hostile_fts_syntax_is_only_ever_text(notes: Database, query: str) -> None:
    odd = 'odd text: "家暴" *暴* -x- NEAR(a b) (家暴) ^家 a:b %_+\\ \''
    add(notes, "session:9", odd)
    bodies = {**NOTES, "session:9": odd}
    terms = fold(query).split()
    expected = [k for k in reversed(bodies) if terms and all(t in fold(bodies[k]) for t in terms)]
    assert keys(notes, query) == expected


def test_empty_and_blank_queries_return_nothing(notes: Database) -> None:
    assert search(notes, "") == []
    assert search(notes, "   \n\t\u3000") == []
    assert search(notes, "暴", limit=0) == []
    assert search(notes, "暴", kinds=[]) == []


def test_update_replaces_the_old_text(notes: Database) -> None:
    add(notes, "session:1", "当事人已搬离，暂住娘家。")
    assert keys(notes, "家暴") == []
    assert keys(notes, "殴打") == []
    assert keys(notes, "娘家") == ["session:1"]
    assert keys(notes, "暴") == ["session:4"]
    # the document keeps its place (its id), it does not become the newest
    assert keys(notes, "当事人") == ["session:2", "session:1"]


def test_remove_document(notes: Database) -> None:
    assert remove_document(notes, "session:1") is True
    assert remove_document(notes, "session:1") is False
    assert keys(notes, "家暴") == []
    assert keys(notes, "暴") == ["session:4"]


def test_remove_case_leaves_no_searchable_trace(db: Database) -> None:
    add(db, "session:1", "丈夫威胁要带走孩子 Zqxjv", case_id=1)
    add(db, "client:1", "", title="赵雪梅", case_id=1, kind="client")
    add(db, "session:2", "丈夫道歉", case_id=2)
    assert remove_case(db, 1) == 2
    assert keys(db, "丈夫") == ["session:2"]
    for query in ("威胁", "威", "zqxjv", "赵雪梅", "梅"):
        assert keys(db, query) == []
    assert db.scalar("SELECT count(*) FROM search_doc WHERE case_id = 1") == 0
    db.execute("CREATE VIRTUAL TABLE temp.tri_terms USING fts5vocab(main, search_tri, 'row')")
    db.execute("CREATE VIRTUAL TABLE temp.gram_terms USING fts5vocab(main, search_gram, 'row')")
    tri = {r[0] for r in db.all("SELECT term FROM temp.tri_terms")}
    grams = {r[0] for r in db.all("SELECT term FROM temp.gram_terms")}
    assert tri and grams
    assert not {"威胁要", "qxj", "赵雪梅"} & tri
    assert not {"威", "胁", "威胁", "zq", "赵", "雪梅"} & grams


class PlainDb:
    """The same SQLite build without a key: shows what the encryption is hiding."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlcipher3.connect(str(path), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA secure_delete = ON")
        self.depth = 0

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> Any:
        return self.conn.executemany(sql, rows)

    def scalar(self, sql: str, params: Any = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def transaction(self) -> Any:
        @contextlib.contextmanager
        def block() -> Iterator[PlainDb]:
            self.execute("BEGIN IMMEDIATE" if self.depth == 0 else f"SAVEPOINT s{self.depth}")
            self.depth += 1
            try:
                yield self
            finally:
                self.depth -= 1
            self.execute("COMMIT" if self.depth == 0 else f"RELEASE s{self.depth}")

        return block()

    def close(self) -> None:
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


def file_bytes(path: Path) -> bytes:
    return b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal", "-shm")
                    if Path(f"{path}{suffix}").exists())


MARKER = "QZXMARKER馨和唯一标记7731"


def test_marker_is_in_no_vault_file(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    db = make_db(path)
    add(db, "session:1", f"当事人说 {MARKER} 然后离开", title=f"标题{MARKER}")
    assert keys(db, MARKER) == ["session:1"]
    db.close()
    data = file_bytes(path)
    assert len(data) > 0
    for form in (MARKER, fold(MARKER), "QZXMARKER", "qzxmarker", "馨和唯一标记"):
        assert form.encode() not in data
        assert form.encode("utf-16-le") not in data

    # The same steps without a key leave the marker readable: the check above can fail.
    plain_path = tmp_path / "plain.db"
    plain = PlainDb(plain_path)
    for statement in SCHEMA:
        plain.execute(statement)
    index_document(plain, doc_key="session:1", case_id=1, kind="note", title="",
                   body=f"当事人说 {MARKER} 然后离开", ts="2026-03-02")
    plain.close()
    assert MARKER.encode() in file_bytes(plain_path)


def test_purge_leaves_no_bytes_behind(tmp_path: Path) -> None:
    # Checked on an unkeyed file, where leftovers would be readable.
    path = tmp_path / "plain.db"
    plain = PlainDb(path)
    for statement in SCHEMA:
        plain.execute(statement)
    index_documents(plain, [Document(f"session:{i}", i % 7, "note", "", f"普通记录{i} abc", "t")
                            for i in range(200)])
    index_document(plain, doc_key="session:x", case_id=99, kind="note", title="Qzxwvk",
                   body="Qzxwvk 颞下颌", ts="t")
    index_documents(plain, [Document(f"session:{i}", 1, "note", "", f"后来的记录{i}", "t")
                            for i in range(200, 300)])
    remove_case(plain, 99)
    plain.close()
    data = file_bytes(path)
    for gone in ("Qzxwvk", "qzx", "zxw", "xwv", "wvk", "颞下颌", "颞下", "下颌"):
        assert gone.encode() not in data, gone
    assert "普通记录".encode() in data  # the rest is still there in plain text


def test_access_filter_is_applied(db: Database) -> None:
    db.execute("INSERT INTO cases (id, counsellor_id) VALUES (1, 10), (2, 20), (3, 10)")
    add(db, "session:1", "家暴 第一", case_id=1)
    add(db, "session:2", "家暴 第二", case_id=2)
    add(db, "session:3", "家暴 第三", case_id=3)
    add(db, "session:4", "家暴 无个案", case_id=None)
    assert keys(db, "家暴", case_filter_sql=ACCESS, params=(10,)) == ["session:3", "session:1"]
    assert keys(db, "暴", case_filter_sql=ACCESS, params=(20,)) == ["session:2"]
    assert keys(db, "家暴 第二", case_filter_sql=ACCESS, params=(10,)) == []
    assert keys(db, "家暴", case_filter_sql=ACCESS, params=(30,)) == []
    assert keys(db, "家暴", case_filter_sql="0") == []
    hits = search(db, "家暴", case_filter_sql=ACCESS, params=(10,), kinds=["note"], limit=1,
                  before=3)
    assert [h.doc_key for h in hits] == ["session:1"]


def test_a_small_scope_is_searched_document_by_document_with_the_same_hits(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # A counsellor with 2 cases in a studio of 60: her scope (8 documents) is under the
    # bound and is searched by document; the studio-wide search is not.
    db.executemany("INSERT INTO cases (id, counsellor_id) VALUES (?, ?)",
                   [(c, 10 if c in (7, 31) else 20) for c in range(1, 61)])
    rng = random.Random(4)
    docs = [Document(f"session:{i}", i % 60 + 1, rng.choice(["note", "crisis"]), "",
                     rng.choice(["家暴 报警", "保护令 家暴", "孩子 上学", "Safety plan 家暴"]),
                     "t") for i in range(240)]
    index_documents(db, docs)
    monkeypatch.setattr(search_scope, "SMALL_SCOPE", 10)
    monkeypatch.setattr(search_scope, "CHUNK", 3)  # pages cross chunk boundaries
    chosen: list[bool] = []
    real = search_scope.small_scope
    monkeypatch.setattr(search_scope, "small_scope",
                        lambda *a: chosen.append((r := real(*a)) is not None) or r)
    mine = {d.doc_key for d in docs if d.case_id in (7, 31)}
    for query in ("家暴", "暴", "保护令", "家暴 safety", "上学"):
        by_document = keys(db, query, case_filter_sql=ACCESS, params=(10,))
        assert chosen.pop() is True
        everything = keys(db, query)
        assert chosen.pop() is False
        assert by_document == [k for k in everything if k in mine], query
        for kinds in (["crisis"], ["note", "crisis"]):
            assert keys(db, query, case_filter_sql=ACCESS, params=(10,), kinds=kinds) == [
                k for k in keys(db, query, kinds=kinds) if k in mine]
        paged: list[str] = []
        before = None
        while page := search(db, query, case_filter_sql=ACCESS, params=(10,), limit=2,
                             before=before):
            paged += [h.doc_key for h in page]
            before = page[-1].doc_id
        assert paged == by_document


def test_the_scope_bound_is_counted_exactly(db: Database) -> None:
    db.executemany("INSERT INTO cases (id, counsellor_id) VALUES (?, ?)",
                   [(1, 10), (2, 20)])
    index_documents(db, [Document(f"session:{i}", 1 + (i >= search_scope.SMALL_SCOPE), "note",
                                  "", "家暴", "t")
                         for i in range(search_scope.SMALL_SCOPE + 1)])
    ids = search_scope.small_scope(db, ACCESS, (10,), None, None)
    assert ids is not None and len(ids) == search_scope.SMALL_SCOPE
    assert ids == sorted(ids, reverse=True)
    assert search_scope.small_scope(db, "1", (), None, None) is None
    assert search_scope.small_scope(db, "1", (), None, ids[0]) is not None  # before the newest
    assert search_scope.small_scope(db, "1", (), ["crisis"], None) == []


def test_kinds_filter(db: Database) -> None:
    add(db, "client:1", "", title="王芳", kind="client")
    add(db, "session:1", "王芳来访", kind="note")
    add(db, "crisis:1", "王芳 crisis", kind="crisis")
    assert keys(db, "王芳", kinds=["client"]) == ["client:1"]
    assert keys(db, "王芳", kinds=("note", "crisis")) == ["crisis:1", "session:1"]


def test_keyset_paging_returns_disjoint_pages_in_order(db: Database) -> None:
    index_documents(db, [Document(f"session:{i}", 1, "note", "", f"第{i}次会谈 家暴", "t")
                         for i in range(57)])
    for query in ("家暴", "暴", "会谈", "第"):
        everything = search(db, query, limit=1000)
        assert len(everything) == 57
        pages: list[list[str]] = []
        before = None
        while True:
            page = search(db, query, limit=20, before=before)
            if not page:
                break
            pages.append([h.doc_key for h in page])
            before = page[-1].doc_id
        assert [len(p) for p in pages] == [20, 20, 17]
        flat = [k for p in pages for k in p]
        assert flat == [h.doc_key for h in everything]
        assert len(set(flat)) == 57
        ids = [h.doc_id for h in everything]
        assert ids == sorted(ids, reverse=True)


def test_snippet_marks_the_match_near_its_place(db: Database) -> None:
    body = "今天天气晴。" * 10 + "当事人表示丈夫多次家暴，她很害怕。" + "后续安排回访。" * 10
    add(db, "session:1", body, title="张女士")
    (hit,) = search(db, "家暴")
    assert f"{MARK_START}家暴{MARK_END}" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert 30 <= len(hit.snippet) <= 50
    assert hit.snippet_marked() .count("«家暴»") == 1
    (hit,) = search(db, "张女")  # only in the title
    assert hit.snippet == f"{MARK_START}张女{MARK_END}士"
    add(db, "session:2", "Safety\n\nplan  SAFETY")
    (hit,) = search(db, "safety")
    assert hit.snippet == f"{MARK_START}Safety{MARK_END} plan {MARK_START}SAFETY{MARK_END}"
    assert hit.title == "" and hit.kind == "note" and hit.case_id == 1


def test_overlapping_matches_are_marked_once(db: Database) -> None:
    add(db, "session:1", "他说家暴力不对")
    (hit,) = search(db, "家暴 暴力")
    assert hit.snippet == f"他说{MARK_START}家暴{MARK_END}力不对"
    add(db, "session:2", "aaaaa")
    (hit,) = search(db, "aa")
    assert hit.snippet == f"{MARK_START}aa{MARK_END}{MARK_START}aa{MARK_END}a"


def test_marks_in_the_text_cannot_fake_a_match(db: Database) -> None:
    add(db, "session:1", f"x{MARK_START}y{MARK_END}z 家暴")
    (hit,) = search(db, "家暴")
    assert hit.snippet.count(MARK_START) == hit.snippet.count(MARK_END) == 1


def test_rebuild_and_reopen_give_the_same_answers(tmp_path: Path) -> None:
    path, key = tmp_path / "vault.db", os.urandom(32)
    db = Database(path, key)
    for statement in SCHEMA:
        db.execute(statement)
    for k, body in NOTES.items():
        add(db, k, body)
    queries = ("暴", "家暴", "保护令", "safety", "当事人 法院")
    before = {q: keys(db, q) for q in queries}
    assert rebuild(db) == len(NOTES)
    assert {q: keys(db, q) for q in queries} == before
    assert search_mod.ensure_current(db) is False
    db.close()
    db = Database(path, key)
    assert {q: keys(db, q) for q in queries} == before
    db.execute("UPDATE search_meta SET value = 'old' WHERE key = 'index_version'")
    assert search_mod.ensure_current(db) is True
    assert {q: keys(db, q) for q in queries} == before
    db.close()


def test_an_fts_error_never_carries_the_query(notes: Database,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_mod, "_quote", lambda term: term)  # break the escaping
    with pytest.raises(SearchError) as caught:
        search(notes, '"家暴秘密')
    assert "家暴秘密" not in str(caught.value)
    assert caught.value.__suppress_context__


def test_fold_keeps_one_character_per_character() -> None:
    assert fold("AbC Ｘ１") == "abc x1"
    assert fold("İ") == "İ"  # lowercases to two characters: left as it is
    assert fold("\x00") == "\ufffd"
    assert fold("\U000f0041") == "\ufffd"  # reserved for the gram index stand-ins
    assert fold("家暴") == "家暴"


@given(st.text(max_size=40))
def test_fold_preserves_length(text: str) -> None:
    assert len(fold(text)) == len(text)


# -- the property: search equals a naive substring scan -----------------------------------

ALPHABET = "家暴保护令的人aAbBİ1１-\"*(:。， \n"
texts = st.text(alphabet=ALPHABET, max_size=24)
kinds = st.sampled_from(["note", "client"])
documents = st.lists(st.tuples(texts, texts, st.integers(1, 3), kinds), max_size=12)
queries = st.text(alphabet=ALPHABET, min_size=1, max_size=4)


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = make_db(tmp_path_factory.mktemp("prop") / "vault.db")
    yield database
    database.close()


def naive(docs: dict[str, tuple[int, str, str, int, str]], query: str,
          case_id: int | None = None) -> list[str]:
    terms = fold(query).split()
    if not terms:
        return []
    rows = sorted(docs.items(), key=lambda item: item[1][0], reverse=True)
    return [key for key, (_, title, body, case, _) in rows
            if (case_id is None or case == case_id)
            and all(t in fold(title) or t in fold(body) for t in terms)]


def check_snippet(snippet: str, terms: list[str], doc: tuple[int, str, str, int, str]) -> None:
    """Each marked piece is a term; without marks the snippet is a piece of the text."""
    assert snippet
    parts = snippet.removeprefix("…").removesuffix("…").split(MARK_START)
    plain = parts[0]
    for part in parts[1:]:
        marked, rest = part.split(MARK_END)
        assert fold(marked) in terms
        plain += marked + rest
    assert MARK_END not in parts[0]
    source = doc[2] if any(t in fold(doc[2]) for t in terms) else doc[1]
    assert plain in " ".join(source.split())


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=documents, edits=st.lists(st.tuples(st.integers(0, 11), st.none() | texts),
                                      max_size=4),
       qs=st.lists(queries, min_size=1, max_size=6), case_id=st.integers(1, 3),
       together=st.booleans(), small_scope=st.sampled_from([0, 3, 1000]),
       chunk=st.sampled_from([1, 2, 64]))
def test_search_equals_naive_substring_scan(shared_db: Database, docs: list[Any],
                                            edits: list[Any], qs: list[str],
                                            case_id: int, together: bool, small_scope: int,
                                            chunk: int) -> None:
    # Both plans: matches first (scope over small_scope documents) and document by document
    # in chunks (search_scope.py); 0 forces the first, 1000 the second, 3 mixes them.
    saved = search_scope.SMALL_SCOPE, search_scope.CHUNK
    search_scope.SMALL_SCOPE, search_scope.CHUNK = small_scope, chunk
    try:
        check_search_equals_naive_substring_scan(shared_db, docs, edits, qs, case_id,
                                                 together)
    finally:
        search_scope.SMALL_SCOPE, search_scope.CHUNK = saved


def check_search_equals_naive_substring_scan(db: Database, docs: list[Any], edits: list[Any],
                                             qs: list[str], case_id: int,
                                             together: bool) -> None:
    with db.transaction():
        db.execute("DELETE FROM search_doc")
        db.execute("INSERT INTO search_tri(search_tri) VALUES ('delete-all')")
        db.execute("INSERT INTO search_gram(search_gram) VALUES ('delete-all')")
    model: dict[str, tuple[int, str, str, int, str]] = {}
    index_documents(db, [Document(f"d:{i}", c, k, t, b, "ts")
                         for i, (t, b, c, k) in enumerate(docs)])
    for i, (t, b, c, k) in enumerate(docs):
        doc_id = db.scalar("SELECT id FROM search_doc WHERE doc_key = ?", (f"d:{i}",))
        model[f"d:{i}"] = (doc_id, t, b, c, k)
    with db.transaction() if together else contextlib.nullcontext():
        for index, new_body in edits:  # later edits and deletions
            key = f"d:{index}"
            if key not in model:
                continue
            doc_id, t, _, c, k = model[key]
            if new_body is None:
                remove_document(db, key)
                del model[key]
            else:
                add(db, key, new_body, title=t, case_id=c, kind=k)
                model[key] = (doc_id, t, new_body, c, k)
    for q in qs:
        expected = naive(model, q)
        hits = search(db, q, limit=1000)
        assert [h.doc_key for h in hits] == expected, q
        for hit in hits:
            check_snippet(hit.snippet, search_mod.terms_of(q), model[hit.doc_key])
        assert keys(db, q, case_filter_sql="d.case_id = ?", params=(case_id,)) == naive(
            model, q, case_id)
        paged: list[str] = []
        before = None
        while page := search(db, q, limit=2, before=before):
            paged += [h.doc_key for h in page]
            before = page[-1].doc_id
        assert paged == expected


def test_a_broken_filter_reports_its_own_error(notes: Database) -> None:
    with pytest.raises(sqlcipher3.OperationalError, match="no such column"):
        search(notes, "家暴", case_filter_sql="d.nonexistent = 1")


@pytest.mark.parametrize("query", ["暴", "家暴", "保护令", "暴 保护令"])
def test_filtered_plan_reads_the_index_not_the_notes(db: Database, query: str) -> None:
    terms = search_mod.terms_of(query)
    sql, args = search_mod.candidates_sql(terms, ACCESS, (10,), ["note", "crisis"], 20, 99)
    plan = " | ".join(row[3] for row in db.all(f"EXPLAIN QUERY PLAN {sql}", args))
    assert "SEARCH d USING COVERING INDEX search_doc_scope (id=?)" in plan
    assert "SEARCH t USING INTEGER PRIMARY KEY (rowid=?)" in plan
    assert plan.index("search_doc_scope") < plan.index("SEARCH t")
    assert "TEMP B-TREE" not in plan  # newest first comes straight from the FTS5 scan


# Characters that stress the gram index: ASCII punctuation (stand-ins), whitespace that
# Python splits on but FTS5's ascii tokenizer does not (U+2028, U+0085) or that folds to a
# space (U+3000, U+00A0), a tab, an information separator, full-width Latin.
BULK_ALPHABET = "家暴保护令的人王丽aAbBxX1１-\"*(:。， \n\t\x1c\u2028\u0085\u3000\xa0"


def test_an_index_built_in_bulk_finds_what_one_built_note_by_note_finds(
        tmp_path: Path) -> None:
    rng = random.Random(15)
    docs = [Document(f"session:{i}", rng.randint(1, 4), rng.choice(["note", "crisis"]),
                     "".join(rng.choices(BULK_ALPHABET, k=rng.randint(0, 8))),
                     "".join(rng.choices(BULK_ALPHABET, k=rng.randint(0, 60))), "ts")
            for i in range(search_mod.BULK_DOCUMENTS + 50)]
    bulk, one_by_one = make_db(tmp_path / "bulk.db"), make_db(tmp_path / "notes.db")
    index_documents(bulk, docs)  # one call: the bulk path (register import)
    for doc in docs:
        index_document(one_by_one, doc_key=doc.doc_key, case_id=doc.case_id, kind=doc.kind,
                       title=doc.title, body=doc.body, ts=doc.ts)
    letters = [c for c in BULK_ALPHABET if not c.isspace()]
    queries = (letters + [a + b for a in letters for b in letters]
               + ["".join(rng.choices(letters, k=rng.randint(3, 5))) for _ in range(150)]
               + [f"{rng.choice(letters)} {rng.choice(letters)}{rng.choice(letters)}"
                  for _ in range(60)])
    model = {d.doc_key: (int(d.doc_key.split(":")[1]), d.title, d.body, d.case_id or 0,
                         d.kind) for d in docs}
    found = 0
    for q in queries:
        expected = naive(model, q)
        found += bool(expected)
        assert keys(bulk, q) == keys(one_by_one, q) == expected, q
        assert keys(bulk, q, case_filter_sql="d.case_id = ?", params=(2,),
                    kinds=["crisis"]) == [k for k in expected if model[k][3] == 2
                                         and model[k][4] == "crisis"], q
    assert found > len(queries) // 2  # the queries mostly find something
    assert rebuild(bulk) == len(docs)  # the app's rebuild is the same bulk path
    assert all(keys(bulk, q) == naive(model, q) for q in queries[:: 7])
    # Later single writes merge again: the bulk settings were put back.
    for table in ("search_tri", "search_gram"):
        assert bulk.scalar(f"SELECT v FROM {table}_config WHERE k = 'automerge'") == 4
        assert bulk.scalar(f"SELECT v FROM {table}_config WHERE k = 'hashsize'") == 1 << 20
    bulk.close()
    one_by_one.close()


def test_several_changes_inside_one_outer_transaction(db: Database) -> None:
    with db.transaction():
        add(db, "session:1", "第一稿 家暴")
        add(db, "session:2", "另一份 家暴")
        add(db, "session:1", "第二稿 保护令")
        remove_document(db, "session:2")
        add(db, "session:3", "第三份 家暴 保护令")
        index_documents(db, [Document("session:3", 1, "note", "", "第三份 最终", "t"),
                             Document("session:4", 1, "note", "", "家暴", "t"),
                             Document("session:4", 1, "note", "", "家暴 第四份", "t")])
    assert keys(db, "家暴") == ["session:4"]
    assert keys(db, "保护令") == ["session:1"]
    assert keys(db, "第") == ["session:4", "session:3", "session:1"]
    assert keys(db, "第一稿") == keys(db, "另一份") == keys(db, "第三份 家暴") == []
