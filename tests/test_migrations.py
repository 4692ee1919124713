"""Numbered migrations upgrade real old vaults, after backing them up."""

from __future__ import annotations

import shutil
from pathlib import Path

from xinhe.crypto.binding import DeviceBinding
from xinhe.records.migrations import MIGRATIONS
from xinhe.records.vault import VaultFolder

FIXTURES = Path(__file__).parent / "fixtures" / "vaults"


def copy_fixture(name: str, tmp_path: Path) -> VaultFolder:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return VaultFolder(target, DeviceBinding.off("fixture"))


def test_a_version_1_vault_upgrades_and_keeps_its_data(tmp_path: Path) -> None:
    folder = copy_fixture("v1", tmp_path)
    original_db = folder.db_path.read_bytes()
    vault = folder.unlock("wang", "fixture-wang-1")
    assert vault.db.schema_version == MIGRATIONS[-1].version
    assert vault.actor.display_name == "王丽"
    assert vault.setting("idle_minutes") == "15"
    assert "cases" in {r[0] for r in vault.db.all("SELECT name FROM sqlite_master")}
    assert vault.audit.verify().ok
    vault.close()
    # The encrypted database was copied aside before the first migration ran.
    backups = sorted(folder.backups_path.iterdir())
    assert [p.name.split("-", 4)[-1] for p in backups] == ["keyslots.json", "vault.db"]
    assert all(p.name.startswith("pre-migration-v1-") for p in backups)
    assert next(p for p in backups if p.name.endswith("vault.db")).read_bytes() == original_db
    assert oct(backups[0].stat().st_mode & 0o777) == "0o600"
    # The recovery key of the old vault still works after the upgrade.
    key = (FIXTURES / "v1" / "RECOVERY_KEY.txt").read_text().strip()
    folder.recover(key, "admin", "new-admin-pass").close()


def test_a_current_vault_is_not_backed_up_again(tmp_path: Path) -> None:
    folder = copy_fixture("v1", tmp_path)
    folder.unlock("admin", "fixture-admin-1").close()
    count = len(list(folder.backups_path.iterdir()))
    folder.unlock("admin", "fixture-admin-1").close()
    assert len(list(folder.backups_path.iterdir())) == count


def test_migrations_are_numbered_without_gaps() -> None:
    """Gaps only at numbers reserved for another branch's migration."""
    from xinhe.records.migrations import RESERVED_VERSIONS

    versions = [m.version for m in MIGRATIONS]
    assert versions == sorted(set(versions))
    assert set(range(1, versions[-1] + 1)) - set(versions) <= set(RESERVED_VERSIONS)
    assert not set(versions) & set(RESERVED_VERSIONS)


def test_the_search_schema_in_the_migration_matches_the_search_module(tmp_path: Path) -> None:
    """Migration 2 carries a copy of search.SCHEMA (migrations never change once shipped);
    the copy must be what the search code expects."""
    import re

    from xinhe.records import search
    from xinhe.records.migrations import V2_SEARCH

    def squash(sql: str) -> str:
        return re.sub(r"\s+", " ", sql).strip()
    copied = [squash(s) for s in V2_SEARCH.split("\n;;\n") if s.strip()]
    assert copied == [squash(s) for s in search.SCHEMA]
