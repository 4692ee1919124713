"""Turning the candidate rows of a search statement into hits: each re-checked against
its stored text (the indexes find candidates; the substring test decides) and given an
excerpt with the matches marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlcipher3

from xinhe.errors import XinheError
from xinhe.records.search_text import MARK_END, MARK_START, excerpt, fold


class _Db(Protocol):
    def execute(self, sql: str, params: Any = ()) -> Any: ...


class SearchError(XinheError):
    code = "search_error"

    def __init__(self) -> None:
        super().__init__("搜索失败，请重试；如果反复出现，请重建搜索索引。",
                         "The search failed. Try again; if it keeps failing, rebuild the "
                         "search index.")


@dataclass(frozen=True, slots=True)
class SearchHit:
    doc_id: int  # pass the last hit's doc_id as `before` to get the next page
    doc_key: str
    case_id: int | None
    kind: str
    title: str
    snippet: str  # matches are wrapped in MARK_START ... MARK_END
    ts: str

    def snippet_marked(self, start: str = "«", end: str = "»") -> str:
        return self.snippet.replace(MARK_START, start).replace(MARK_END, end)


def collect(db: _Db, sql: str, args: list[Any], terms: Sequence[str], hits: list[SearchHit],
             limit: int) -> None:
    """Add to `hits` the candidates of one statement that really match, up to `limit`."""
    try:
        cursor = db.execute(sql, args)
    except sqlcipher3.OperationalError:
        # FTS5 messages quote the query; if a harmless expression fails too, the fault is
        # in the SQL (e.g. the caller's filter) and its own message is safe to show.
        db.execute(sql, ['"x"', *args[1:]]).close()
        raise SearchError() from None
    try:
        while len(hits) < limit:
            rows = cursor.fetchmany(limit)
            if not rows:
                break
            for doc_id, doc_key, case_id, kind, title, body, ts in rows:
                folded_title, folded_body = fold(title), fold(body)
                if all(t in folded_title or t in folded_body for t in terms):
                    text = (excerpt(terms, body, folded_body)
                            or excerpt(terms, title, folded_title))
                    hits.append(SearchHit(doc_id, doc_key, case_id, kind, title, text, ts))
                    if len(hits) == limit:
                        break
    finally:
        cursor.close()  # an unfinished statement would hold a read snapshot open
