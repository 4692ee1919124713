"""Three processes on one studio server for a short while: the soak of benchmarks/
soak_server.py (ten minutes there), judged from the server's rows (issue 13)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import soak_server  # noqa: E402


def test_two_desks_and_a_supervisor_lose_no_update_and_never_hang(pg_cluster) -> None:  # noqa: ANN001
    problems, hung, figures = soak_server.soak(pg_cluster, minutes=0.25,
                                               dbname="xinhe_soak_test")
    assert problems == []
    assert hung == []
    entries = figures["entries"]
    saved = {(e["desk"], e["act"]) for e in entries if e["outcome"] == "saved"}
    # Both desks really saved the shared drafts and client, and notes went through review.
    assert {("A", "draft"), ("B", "draft"), ("A", "client"), ("B", "client"),
            ("S", "cosign")} <= saved
    assert figures["signed"] > 0 and figures["cosigned"] > 0
    assert figures["audit_entries"] >= len(entries)
