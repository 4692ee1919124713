"""Full-text search over notes, client names and case numbers, inside the encrypted vault.

A query is whitespace-separated terms, all of which must occur. A document matches a term
when the term is a substring of its title or body, both compared after `fold` (case and
full-width forms folded, one character to one character). Results are exactly what that
substring scan returns, newest document first, filtered by the caller's access rule.

Two contentless FTS5 indexes (the text itself is stored once, in search_doc):
- `search_tri` (trigram tokenizer over the folded text): exact phrase lookup for terms of
  three or more characters;
- `search_gram` (ascii tokenizer, detail=none): every character and every pair of
  adjacent characters of a document as one token, so a 1- or 2-character term is a
  single-token lookup (the texts of both are made in search_text.py).
Candidates are re-checked in Python against the stored text before they are returned.

Index rowids are the negated document ids, so "newest first" is FTS5's ascending scan:
with cipher_memory_security on, a descending FTS5 scan cost 40-100x more (measured).
"""

from __future__ import annotations

import operator
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from xinhe.records import search_build, search_scope
from xinhe.records.search_hits import SearchError as SearchError
from xinhe.records.search_hits import SearchHit as SearchHit
from xinhe.records.search_hits import collect
from xinhe.records.search_text import MARK_END as MARK_END
from xinhe.records.search_text import MARK_START as MARK_START
from xinhe.records.search_text import PLACEHOLDERS as _PLACEHOLDERS
from xinhe.records.search_text import SNIPPET_CHARS as SNIPPET_CHARS
from xinhe.records.search_text import excerpt as excerpt  # search_blind.py snips alike
from xinhe.records.search_text import fold as fold
from xinhe.records.search_text import gram_text as _gram_text
from xinhe.records.search_text import matches as matches
from xinhe.records.search_text import terms_of as terms_of
from xinhe.records.search_text import tri_text as _tri_text

SCHEMA: list[str] = [
    """CREATE TABLE search_doc (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_key TEXT NOT NULL UNIQUE,
    case_id INTEGER,
    kind    TEXT NOT NULL,
    title   TEXT NOT NULL DEFAULT '',
    body    TEXT NOT NULL DEFAULT '',
    ts      TEXT NOT NULL
)""",
    "CREATE INDEX search_doc_case ON search_doc(case_id)",
    # Access filters run on this, not on the wide rows: at 100,000 notes a 1% filter read
    # ~2,000 rows of note text per page of hits (21 ms encrypted), this index 0.6 ms.
    "CREATE INDEX search_doc_scope ON search_doc(id, kind, case_id)",
    """CREATE VIRTUAL TABLE search_tri USING fts5(
    text, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1
)""",
    """CREATE VIRTUAL TABLE search_gram USING fts5(
    grams, tokenize = 'ascii', detail = none, content = '', contentless_delete = 1
)""",
    """CREATE TABLE search_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
)""",
]


# The fold depends on Python's Unicode tables: a different version means a rebuild.
INDEX_VERSION = f"1/unicode-{unicodedata.unidata_version}"

# From this many documents on, `index_documents` writes the indexes in bulk (`_bulk`).
BULK_DOCUMENTS = 200
# While writing in bulk: one large in-memory segment per index and no merging until the
# end, because every merge re-reads and re-encrypts pages just written.
_BULK_SETTINGS = {"automerge": 0, "crisismerge": 1999, "hashsize": 32 << 20}
_FTS5_DEFAULTS = {"automerge": 4, "crisismerge": 16, "hashsize": 1 << 20}
_INDEXES = ("search_tri", "search_gram")
_GRAM_SQL = next(sql for sql in SCHEMA if "VIRTUAL TABLE search_gram " in sql)


class _Db(Protocol):
    """What search needs of a connection; `xinhe.records.db.Database` provides it."""

    def execute(self, sql: str, params: Any = ()) -> Any: ...

    def scalar(self, sql: str, params: Any = ()) -> Any: ...

    def executemany(self, sql: str, rows: Iterable[Any]) -> Any: ...

    def transaction(self) -> AbstractContextManager[Any]: ...


@dataclass(frozen=True, slots=True)
class Document:
    doc_key: str
    case_id: int | None
    kind: str
    title: str
    body: str
    ts: str


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


# -- writing ------------------------------------------------------------------------------

def _insert_index(db: _Db, rows: Iterable[tuple[int, str, str]]) -> None:
    """Index (doc_id, title, body) rows, given in descending doc_id order (FTS5 flushes
    its in-memory segment whenever a rowid is not above the last one)."""
    tri: list[tuple[int, str]] = []
    gram: list[tuple[int, str]] = []
    for doc_id, title, body in rows:
        text = _tri_text(title, body)
        tri.append((-doc_id, text))
        gram.append((-doc_id, _gram_text(text)))
    db.executemany("INSERT INTO search_tri(rowid, text) VALUES (?, ?)", tri)
    db.executemany("INSERT INTO search_gram(rowid, grams) VALUES (?, ?)", gram)


def _fts5_setting(db: _Db, table: str, key: str) -> int | None:
    value = db.scalar(f"SELECT v FROM {table}_config WHERE k = ?", (key,))
    return None if value is None else int(value)


@contextmanager
def _bulk(db: _Db, indexes: Sequence[str] = _INDEXES) -> Iterator[None]:
    """Inside a transaction: write the indexes with `_BULK_SETTINGS`, then put back the
    settings they had (merging resumes with the next write). On an error the caller's
    rollback undoes the settings with the rest."""
    saved = {(t, k): _fts5_setting(db, t, k) for t in indexes for k in _BULK_SETTINGS}
    for table in indexes:
        for key, value in _BULK_SETTINGS.items():
            db.execute(f"INSERT INTO {table}({table}, rank) VALUES (?, ?)", (key, value))
    yield
    for (table, key), before in saved.items():
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES (?, ?)",
                   (key, _FTS5_DEFAULTS[key] if before is None else before))


def _delete_index(db: _Db, doc_id: int) -> None:
    db.execute("DELETE FROM search_tri WHERE rowid = ?", (-doc_id,))
    db.execute("DELETE FROM search_gram WHERE rowid = ?", (-doc_id,))


def index_documents(db: _Db, documents: Iterable[Document]) -> None:
    """Insert or replace many documents in one transaction (a replaced one keeps its id,
    so its place in the newest-first order). Replaced text is no longer found at once;
    its old index entries are dropped from the (encrypted) pages at the next merge."""
    pending: dict[int, Document] = {}
    with db.transaction():
        for doc in documents:
            old = db.scalar("SELECT id FROM search_doc WHERE doc_key = ?", (doc.doc_key,))
            if old is None:
                doc_id = int(db.execute(
                    "INSERT INTO search_doc(doc_key, case_id, kind, title, body, ts) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (doc.doc_key, doc.case_id, doc.kind, doc.title, doc.body, doc.ts),
                ).lastrowid)
            else:
                doc_id = int(old)
                if doc_id not in pending:
                    _delete_index(db, doc_id)
                db.execute("UPDATE search_doc SET case_id = ?, kind = ?, title = ?, body = ?, "
                           "ts = ? WHERE id = ?",
                           (doc.case_id, doc.kind, doc.title, doc.body, doc.ts, doc_id))
            pending[doc_id] = doc
        rows = [(doc_id, pending[doc_id].title, pending[doc_id].body)
                for doc_id in sorted(pending, reverse=True)]
        if len(rows) < BULK_DOCUMENTS:
            _insert_index(db, rows)
        else:
            with _bulk(db):
                _insert_index(db, rows)


def index_document(db: _Db, *, doc_key: str, case_id: int | None, kind: str, title: str,
                   body: str, ts: str) -> None:
    """Insert or replace one document, e.g. doc_key "session:123", in both indexes."""
    index_documents(db, [Document(doc_key, case_id, kind, title, body, ts)])


def remove_document(db: _Db, doc_key: str) -> bool:
    """Remove a document; it is no longer found. Returns whether it was there.

    Its index entries stay in encrypted pages until the next merge; use `compact` or
    `remove_case` when nothing may remain."""
    with db.transaction():
        doc_id = db.scalar("SELECT id FROM search_doc WHERE doc_key = ?", (doc_key,))
        if doc_id is None:
            return False
        _delete_index(db, int(doc_id))
        db.execute("DELETE FROM search_doc WHERE id = ?", (doc_id,))
        return True


def remove_case(db: _Db, case_id: int, *, compact_now: bool = True) -> int:
    """Purge every document of a case and, unless `compact_now` is false (for a batch of
    purges followed by one `compact`), rewrite the indexes so no trace of it remains."""
    with db.transaction():
        ids = [int(r[0]) for r in
               db.execute("SELECT id FROM search_doc WHERE case_id = ?", (case_id,)).fetchall()]
        for doc_id in ids:
            _delete_index(db, doc_id)
        db.execute("DELETE FROM search_doc WHERE case_id = ?", (case_id,))
        if compact_now:
            compact(db)
    return len(ids)


def compact(db: _Db) -> None:
    """Merge each index into one segment, physically dropping deleted entries (the
    vault's secure_delete then zeroes the freed pages). Seconds on a large vault."""
    with db.transaction():
        db.execute("INSERT INTO search_tri(search_tri) VALUES ('optimize')")
        db.execute("INSERT INTO search_gram(search_gram) VALUES ('optimize')")


def rebuild(db: _Db, batch: int = 2000, *, threads: bool = True) -> int:
    """Rebuild both indexes from search_doc, in one transaction and in bulk (see `_bulk`),
    then merge each into one segment. Returns the number of documents.

    With `threads`, the gram index is built on a second thread in memory and copied in
    (search_build.py), unless the notes are too large for that."""
    count = 0
    with db.transaction():
        side = search_build.gram_builder(db, _GRAM_SQL, _BULK_SETTINGS) if threads else None
        try:
            db.execute("INSERT INTO search_tri(search_tri) VALUES ('delete-all')")
            if side is None:
                db.execute("INSERT INTO search_gram(search_gram) VALUES ('delete-all')")
            last = 1 << 62
            with _bulk(db, _INDEXES if side is None else ("search_tri",)):
                while True:
                    rows = db.execute("SELECT id, title, body FROM search_doc WHERE id < ? "
                                      "ORDER BY id DESC LIMIT ?", (last, batch)).fetchall()
                    if not rows:
                        break
                    if side is None:
                        _insert_index(db, ((int(r[0]), r[1], r[2]) for r in rows))
                    else:
                        tri = [(-int(r[0]), _tri_text(r[1], r[2])) for r in rows]
                        side.add(tri)
                        db.executemany("INSERT INTO search_tri(rowid, text) VALUES (?, ?)", tri)
                    last = int(rows[-1][0])
                    count += len(rows)
                if side is not None:  # merged while the other thread finishes its index
                    db.execute("INSERT INTO search_tri(search_tri) VALUES ('optimize')")
            if side is not None:
                side.finish()
                side.copy_into(db)
        except BaseException:
            if side is not None:
                side.discard()
            raise
        compact(db)
        db.execute("INSERT OR REPLACE INTO search_meta(key, value) VALUES ('index_version', ?)",
                   (INDEX_VERSION,))
    return count


def ensure_current(db: _Db) -> bool:
    """Rebuild the indexes if they were made with other folding tables (e.g. after a
    Python upgrade). Call once after unlocking; returns whether it rebuilt."""
    stored = db.scalar("SELECT value FROM search_meta WHERE key = 'index_version'")
    if stored == INDEX_VERSION:
        return False
    if db.scalar("SELECT 1 FROM search_doc LIMIT 1") is None:
        db.execute("INSERT OR REPLACE INTO search_meta(key, value) VALUES ('index_version', ?)",
                   (INDEX_VERSION,))
        return False
    rebuild(db)
    return True


# -- searching ----------------------------------------------------------------------------

def _plan(terms: Sequence[str]) -> tuple[str, str, bool]:
    """(index table, MATCH expression, whether the index answer is already exact)."""
    long_terms = [t for t in terms if len(t) >= 3]
    if len(long_terms) == len(terms):
        return "search_tri", " ".join(_quote(t) for t in long_terms), True
    tokens: set[str] = set()
    for term in terms:
        grams = term.translate(_PLACEHOLDERS)
        # A long term contributes its pairs: necessary for it, checked exactly afterwards.
        tokens.update([grams] if len(grams) <= 2 else map(operator.add, grams, grams[1:]))
    return "search_gram", " ".join(_quote(t) for t in sorted(tokens)), not long_terms


def search(db: _Db, query: str, *, case_filter_sql: str = "1", params: Sequence[Any] = (),
           kinds: Collection[str] | None = None, limit: int = 20,
           before: int | None = None) -> list[SearchHit]:
    """Documents matching every term of `query`, newest (highest doc_id) first.

    `case_filter_sql` is an SQL condition over the alias `d` (a search_doc row) with `?`
    placeholders bound from `params`; the records layer uses it to enforce access. It is
    evaluated on the covering index search_doc_scope, so a filter over d.id, d.case_id and
    d.kind reads no note text (restrict kinds with `kinds`, not with `d.kind = ?`).
    `before` continues after a previous page (the last hit's doc_id)."""
    terms = terms_of(query)
    if not terms or limit <= 0 or (kinds is not None and not kinds):
        return []
    scope = search_scope.small_scope(db, case_filter_sql, params, kinds, before)
    if scope is None:
        statements: Iterable[tuple[str, list[Any]]] = [
            candidates_sql(terms, case_filter_sql, params, kinds, limit, before)]
    else:
        table, expr, _exact = _plan(terms)
        statements = search_scope.by_document(table, expr, scope)
    hits: list[SearchHit] = []
    for sql, args in statements:
        collect(db, sql, args, terms, hits, limit)
        if len(hits) == limit:
            break
    return hits


def candidates_sql(terms: Sequence[str], case_filter_sql: str, params: Sequence[Any],
                   kinds: Collection[str] | None, limit: int,
                   before: int | None) -> tuple[str, list[Any]]:
    """The statement yielding candidate rows, newest first (exposed for plan checks).

    `d` reads search_doc through the covering index search_doc_scope, so rows the filter
    rejects cost an index probe, not a page of note text; `t` is the full row of those
    that pass."""
    table, expr, exact = _plan(terms)
    sql = [f"SELECT t.id, t.doc_key, t.case_id, t.kind, t.title, t.body, t.ts "
           f"FROM {table} AS f "
           f"CROSS JOIN search_doc AS d INDEXED BY search_doc_scope ON d.id = -f.rowid "
           f"CROSS JOIN search_doc AS t ON t.id = d.id "
           f"WHERE {table} MATCH ?"]
    args: list[Any] = [expr]
    if before is not None:
        sql.append("AND f.rowid > ?")
        args.append(-before)
    if kinds is not None:
        kinds = list(kinds)
        # "+" keeps d.kind out of the index lookup, so a filter's IN list stays a filter.
        sql.append(f"AND +d.kind IN ({', '.join('?' * len(kinds))})")
        args.extend(kinds)
    sql.append(f"AND ({case_filter_sql}) ORDER BY f.rowid")
    args.extend(params)
    if exact:
        sql.append("LIMIT ?")
        args.append(limit)
    return " ".join(sql), args
