"""`xinhe server reindex`: every search document's blind tokens made again on the server.

A studio database from before search_doc.tokens (schema version 1) kept its tokens in a
table the upgrade drops; the tokens are HMACs under a key derived from the data key, so only a
signed-in workstation can make them. A supervisor (who may read every document) opens each
document's sealed title and body and writes its tokens with search_blind's own rule, in
batches, each its own transaction (an interrupted run is simply run again).
"""

from __future__ import annotations

from xinhe.records import search_blind
from xinhe.records.storage.server_session import ServerSession

BATCH = 200


def reindex_server(session: ServerSession) -> int:
    """Supervisor: make every search document's blind tokens again from its own sealed
    text. Returns how many documents were indexed; audited once."""
    session.require_role("supervisor")
    sealer = session.sealer
    done = 0
    after = 0
    while True:
        rows = session.db.all("SELECT id, title, body FROM search_doc WHERE id > ?"
                              " ORDER BY id LIMIT ?", (after, BATCH))
        if not rows:
            break
        with session.db.transaction():
            for doc_id, title, body in rows:
                tokens = sorted(search_blind.document_tokens(sealer, title, body))
                session.db.execute("UPDATE search_doc SET tokens = ? WHERE id = ?",
                                   (tokens, doc_id))
        done += len(rows)
        after = int(rows[-1][0])
    session.audit_event("search.reindex", "search_doc", "all", f"documents={done}")
    return done
