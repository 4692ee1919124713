"""What the records services need of a signed-in user, on either home.

`Vault` (the local vault) and `ServerSession` (the studio server) both provide it; the
services are typed against `Session`, never against one home. Backup, restore, witnesses
and account maintenance stay local-vault features and keep asking for a `Vault`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from xinhe.records.storage.base import Store

if TYPE_CHECKING:
    from xinhe.records.audit import AuditVerification
    from xinhe.records.vault_session import Actor


class AuditTrail(Protocol):
    """The audit chain as the services and `audit verify` read it."""

    def head(self) -> tuple[int, str]: ...

    def hash_at(self, seq: int) -> str | None: ...

    def events(self, *, limit: int = 200, before_seq: int | None = None,
               user: str | None = None, action_prefix: str | None = None,
               object_type: str | None = None, object_id: str | None = None) -> list[Any]: ...

    def verify(self) -> AuditVerification: ...


class Session(Protocol):
    """A signed-in user of one record set: its store, who acts, the audit, settings."""

    @property
    def db(self) -> Store: ...

    @property
    def actor(self) -> Actor: ...

    @property
    def audit(self) -> AuditTrail: ...

    @property
    def vault_id(self) -> str: ...

    @property
    def org_name(self) -> str: ...

    def now(self) -> datetime: ...

    def audit_event(self, action: str, object_type: str = "", object_id: object = "",
                    outcome: str = "ok") -> None: ...

    def require_role(self, *roles: str) -> None: ...

    def setting(self, key: str, default: str | None = None) -> str | None: ...

    def set_setting(self, key: str, value: str) -> None: ...
