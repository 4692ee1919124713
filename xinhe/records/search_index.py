"""Keeping the full-text index in step with the records, and searching it by access.

Indexed: each case (its number, the client's name, platform reference and summary) and
each signed record (rendered from its template). Drafts are not indexed. On the studio
server the index is blind tokens (search_blind.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from xinhe.errors import AccessDenied
from xinhe.i18n import language
from xinhe.records import search, search_blind
from xinhe.records import templates as tpl
from xinhe.records.access import visible_cases_clause
from xinhe.records.storage.session import Session

HEADER_KINDS = ("case",)

# Documents held back by `deferred`, by the id of the connection they are for.
_deferred: dict[int, list[search.Document]] = {}


@contextmanager
def deferred(vault: Session) -> Iterator[None]:
    """Inside this block, documents written to the vault are indexed in one bulk
    `index_documents` call at its end (the demo writes a year of records at once); nothing
    written inside is found by a search until then. Call it inside the caller's
    transaction, so the records and their index are committed together."""
    if vault.db.dialect != "sqlite" or id(vault.db) in _deferred:
        yield
        return
    pending = _deferred[id(vault.db)] = []
    try:
        yield
    finally:
        del _deferred[id(vault.db)]
    search.index_documents(vault.db, pending)


def index_text(vault: Session, doc_key: str, case_id: int, kind: str, title: str, body: str,
               ts: str) -> None:
    pending = _deferred.get(id(vault.db))
    if pending is not None:
        pending.append(search.Document(doc_key, case_id, kind, title, body, ts))
        return
    if vault.db.dialect != "sqlite":
        search_blind.index_document(vault.db, doc_key=doc_key, case_id=case_id, kind=kind,
                                    title=title, body=body, ts=ts)
        return
    search.index_document(vault.db, doc_key=doc_key, case_id=case_id, kind=kind, title=title,
                          body=body, ts=ts)


def index_many(vault: Session, documents: list[search.Document]) -> None:
    """Index many documents at once (an import): FTS5 in one pass in the vault, blind
    tokens document by document on the server."""
    pending = _deferred.get(id(vault.db))
    if pending is not None:
        pending.extend(documents)
        return
    if vault.db.dialect == "sqlite":
        search.index_documents(vault.db, documents)
        return
    for doc in documents:
        search_blind.index_document(vault.db, doc_key=doc.doc_key, case_id=doc.case_id,
                                    kind=doc.kind, title=doc.title, body=doc.body, ts=doc.ts)


def index_case(vault: Session, case_id: int) -> None:
    row = vault.db.one(
        "SELECT c.case_no, c.platform_ref, c.summary, c.opened_at, cl.name FROM cases c"
        " JOIN clients cl ON cl.id = c.client_id WHERE c.id = ?", (case_id,))
    if row is None:
        return
    body = "\n".join(v for v in (row["case_no"], row["name"], row["platform_ref"],
                                 row["summary"]) if v)
    index_text(vault, f"case:{case_id}", case_id, "case", f"{row['case_no']} {row['name']}",
               body, row["opened_at"])


def index_client(vault: Session, client_id: int) -> None:
    for row in vault.db.all("SELECT id FROM cases WHERE client_id = ?", (client_id,)):
        index_case(vault, int(row["id"]))


def index_record(vault: Session, kind: str, record_id: int, case_id: int,
                 template: tpl.Template, answers: dict[str, Any], ts: str) -> None:
    index_text(vault, f"{kind}:{record_id}", case_id, kind, template.label.get(language()),
               tpl.render_text(template, answers, language()), ts)


def remove_case(vault: Session, case_id: int) -> None:
    pending = _deferred.get(id(vault.db))
    if pending is not None:
        pending[:] = [doc for doc in pending if doc.case_id != case_id]
    if vault.db.dialect != "sqlite":
        search_blind.remove_case(vault.db, case_id)
        return
    search.remove_case(vault.db, case_id)


@dataclass(frozen=True)
class Hit:
    doc_key: str
    case_id: int
    case_no: str
    client_name: str
    kind: str
    title: str
    snippet: str
    ts: str


def find(vault: Session, query: str, limit: int = 20) -> list[Hit]:
    """Search what the actor may read: counsellors their own and shared cases, supervisors
    everything, staff case headers only, admins nothing."""
    if vault.actor.role == "admin":
        raise AccessDenied("管理员账户不能搜索个案内容。",
                           "Administrator accounts cannot search case content.")
    clause, params = visible_cases_clause(vault, "c")
    kinds = set(HEADER_KINDS) if vault.actor.role == "staff" else None
    where = f"d.case_id IN (SELECT c.id FROM cases c WHERE {clause})"
    if vault.db.dialect == "postgres":
        hits = search_blind.search_server(vault.db, query, case_filter_sql=where,
                                          params=params, kinds=kinds, limit=limit)
    else:
        hits = search.search(vault.db, query, kinds=kinds, limit=limit,
                             case_filter_sql=where, params=params)
    if not hits:
        return []
    case_ids = sorted({h.case_id for h in hits if h.case_id is not None})
    marks = ",".join("?" * len(case_ids))
    names = {r["id"]: (r["case_no"], r["name"]) for r in vault.db.all(
        f"SELECT c.id, c.case_no, cl.name FROM cases c JOIN clients cl ON cl.id = c.client_id"
        f" WHERE c.id IN ({marks})", case_ids)}
    vault.audit_event("search", "search", "", f"{len(hits)} hits")
    return [Hit(h.doc_key, h.case_id, *names[h.case_id], h.kind, h.title, h.snippet, h.ts)
            for h in hits if h.case_id is not None]
