"""The audit chain: append-only, and `verify` finds edited, deleted and reordered entries."""

from __future__ import annotations

import pytest
import sqlcipher3

from xinhe.records.accounts import AccountService
from xinhe.records.vault import Vault

FIELDS_FOR_SWAP = ("ts", "user", "role", "workstation", "action", "object_type", "object_id",
                   "outcome", "prev_hash", "hash")


def fill(vault: Vault, n: int = 6) -> None:
    for i in range(n):
        vault.audit_event("case.read", "case", f"XH-2026-{i:04d}")


def drop_guards(vault: Vault) -> None:
    """What an attacker holding the database key could do first."""
    vault.db.execute("DROP TRIGGER audit_event_no_update")
    vault.db.execute("DROP TRIGGER audit_event_no_delete")


def test_entries_carry_the_required_fields(vault: Vault) -> None:
    event = vault.audit.events(limit=1)[0]
    assert event.action == "login" and event.user == "admin" and event.role == "admin"
    assert event.workstation == "test-ws" and event.outcome == "ok"
    assert event.ts.endswith("+00:00")  # UTC
    assert len(event.hash) == 64 and len(event.prev_hash) == 64
    first = vault.audit.events(limit=10)[-1]
    assert first.seq == 1 and first.prev_hash == "0" * 64 and first.action == "vault.create"


def test_intact_chain_verifies(vault: Vault) -> None:
    fill(vault)
    result = vault.audit.verify()
    assert result.ok and result.checked == 8
    assert result.head_hash == vault.audit.head()[1]


def test_the_log_refuses_update_and_delete(vault: Vault) -> None:
    fill(vault, 2)
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        vault.db.execute("UPDATE audit_event SET outcome = 'x' WHERE seq = 2")
    with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
        vault.db.execute("DELETE FROM audit_event WHERE seq = 2")


def test_verify_detects_an_edited_entry(vault: Vault) -> None:
    fill(vault)
    drop_guards(vault)
    vault.db.execute("UPDATE audit_event SET user = 'someone-else' WHERE seq = 4")
    result = vault.audit.verify()
    assert [(p.seq, p.kind) for p in result.problems] == [(4, "edited")]


def test_verify_detects_a_deleted_entry(vault: Vault) -> None:
    fill(vault)
    drop_guards(vault)
    vault.db.execute("DELETE FROM audit_event WHERE seq = 5")
    result = vault.audit.verify()
    assert [(p.seq, p.kind) for p in result.problems] == [(6, "deleted")]


def test_verify_detects_a_deleted_entry_with_renumbering(vault: Vault) -> None:
    fill(vault)
    drop_guards(vault)
    vault.db.execute("DELETE FROM audit_event WHERE seq = 5")
    vault.db.execute("UPDATE audit_event SET seq = seq - 1 WHERE seq > 5")
    result = vault.audit.verify()
    assert not result.ok
    assert result.problems[0].seq == 5


def test_verify_detects_reordered_entries(vault: Vault) -> None:
    fill(vault)
    drop_guards(vault)
    rows = {r["seq"]: dict(r) for r in vault.db.all("SELECT * FROM audit_event")}
    # Swap the contents of entries 4 and 5, keeping their sequence numbers.
    for seq, source in ((4, rows[5]), (5, rows[4])):
        sets = ", ".join(f"{f} = :{f}" for f in FIELDS_FOR_SWAP)
        vault.db.execute(f"UPDATE audit_event SET {sets} WHERE seq = :seq",
                         {**{f: source[f] for f in FIELDS_FOR_SWAP}, "seq": seq})
    result = vault.audit.verify()
    assert {p.kind for p in result.problems} == {"reordered"}
    assert {p.seq for p in result.problems} == {4, 5}


def test_no_client_text_reaches_the_audit(vault: Vault) -> None:
    AccountService(vault).add_user("wang", "王小丽", "counsellor", "wang-password")
    texts = [str(v) for e in vault.audit.events(limit=100) for v in e.__dict__.values()]
    assert not any("王小丽" in t for t in texts)
