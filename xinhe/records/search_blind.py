"""Search on the studio server without showing it the words.

Each document's folded 1-, 2- and 3-character grams become keyed blind tokens (64 bits of
an HMAC under a key derived from the studio's data key, sealing.Sealer.search_token) in the
document's own `tokens` array, under a GIN index (one row per document, not per token: at
100,000 notes a row per token would be 87 million rows); its title and body are sealed by
the seam. A query's grams are blinded the same way and looked up with `tokens @> query`
under row security; the candidates are opened and confirmed on the
workstation with the local search's own substring rule (search.py), newest first, so the
results equal the local vault's. What the server can still learn: docs/server.md.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from xinhe.records import search
from xinhe.records.storage.sealing import SealBroken, Sealer

BATCH = 40  # candidates fetched per round trip while confirming (a page is 20 hits)


def _sealer(db: Any) -> Sealer:
    sealer: Sealer | None = getattr(db, "sealer", None)
    if sealer is None:
        raise SealBroken()
    return sealer


def _grams(text: str) -> Iterator[str]:
    for run in search.fold(text).split():
        for size in (1, 2, 3):
            for i in range(len(run) - size + 1):
                yield run[i:i + size]


def _query_grams(term: str) -> set[str]:
    """What a document must hold to contain `term`: the term itself up to 3 characters,
    else each of its 3-character grams."""
    if len(term) <= 3:
        return {term}
    return {term[i:i + 3] for i in range(len(term) - 2)}


def document_tokens(sealer: Sealer, title: str, body: str) -> set[int]:
    """The blind tokens that let a document be found: one per gram of its title and body."""
    return {sealer.search_token(g) for part in (title, body) for g in _grams(part)}


def index_document(db: Any, *, doc_key: str, case_id: int | None, kind: str, title: str,
                   body: str, ts: str) -> None:
    """Insert or replace one document and its blind tokens (a replaced one keeps its id,
    so its place in the newest-first order, as in the vault)."""
    sealer = _sealer(db)
    tokens = sorted(document_tokens(sealer, title, body))
    with db.transaction():
        doc_id = db.scalar("SELECT id FROM search_doc WHERE doc_key = ?", (doc_key,))
        if doc_id is None:
            db.insert("INSERT INTO search_doc (doc_key, case_id, kind, title, body, ts, tokens)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (doc_key, case_id, kind, title, body, ts, tokens))
        else:
            db.execute("UPDATE search_doc SET case_id = ?, kind = ?, title = ?, body = ?,"
                       " ts = ?, tokens = ? WHERE id = ?",
                       (case_id, kind, title, body, ts, tokens, doc_id))


def remove_case(db: Any, case_id: int) -> None:
    """Every document of a case gone, with its tokens."""
    db.execute("DELETE FROM search_doc WHERE case_id = ?", (case_id,))


def search_server(db: Any, query: str, *, case_filter_sql: str, params: Sequence[Any],
                  kinds: Collection[str] | None, limit: int = 20) -> list[search.SearchHit]:
    """Documents matching every term of `query`, newest first, as search.search finds
    them in the vault. `case_filter_sql` is a condition over `d` (a search_doc row)."""
    terms = search.terms_of(query)
    if not terms or limit <= 0 or (kinds is not None and not kinds):
        return []
    sealer = _sealer(db)
    tokens = sorted({sealer.search_token(g) for t in terms for g in _query_grams(t)})
    # The candidates by their tokens (search_match, pg_policies.py: it knows when the GIN
    # index pays), then their sealed text, by access; confirmed here.
    sql = ["SELECT d.id, d.doc_key, d.case_id, d.kind, d.title, d.body, d.ts FROM search_doc d"
           f" WHERE d.id = ANY(?) AND ({case_filter_sql})"]
    if kinds is not None:
        sql.append(f"AND d.kind IN ({', '.join('?' * len(kinds))})")
    sql.append("ORDER BY d.id DESC")
    hits: list[search.SearchHit] = []
    before = 1 << 62
    while len(hits) < limit:
        ids = [int(r[0]) for r in db.all("SELECT doc_id FROM search_match(?::bigint[], ?, ?)",
                                         (tokens, before, BATCH))]
        rows = db.all(" ".join(sql), [ids, *params, *(kinds or ())]) if ids else []
        for doc_id, doc_key, case_id, kind, title, body, ts in rows:
            folded_title, folded_body = search.fold(title), search.fold(body)
            if all(t in folded_title or t in folded_body for t in terms):
                text = (search.excerpt(terms, body, folded_body)
                        or search.excerpt(terms, title, folded_title))
                hits.append(search.SearchHit(doc_id, doc_key, case_id, kind, title, text, ts))
                if len(hits) == limit:
                    break
        if len(ids) < BATCH:
            break
        before = min(ids)
    return hits
