"""The studio's signing identity, kept inside the encrypted vault or on the studio server.

The private key never leaves the database in the clear: it is stored as
`SigningIdentity.to_private_bytes()` in `signing_identities` (SQLCipher encrypts the
whole file; on the studio server the column is sealed with the studio's data key, so the
server holds ciphertext only, and no role may read the column: those who sign take it
through the server function `signing_key()`), loaded only on the database thread to sign a
referral, and never exported. The server's first identity is made when the studio is set up.
Receivers get the certificate (PEM). Generating or importing a new identity is an
administrator's act; the one exception is the first export of a vault that has none yet,
which makes one rather than stall a referral.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from xinhe.crypto.signing import SigningIdentity, SigningIdentityError
from xinhe.errors import NoStudioCertificate
from xinhe.records.common import iso
from xinhe.records.storage.session import Session

#: Roles that sign referrals (and may therefore load the key on the database thread).
SIGNING_ROLES = ("counsellor", "supervisor", "staff")
GENERATED_YEARS = 5


@dataclass(frozen=True)
class IdentityInfo:
    """What anyone may know about a signing identity: the certificate, never the key."""

    id: int
    subject: str
    fingerprint: str  # lower-case hex SHA-256 of the certificate
    not_before: str
    not_after: str
    source: str  # "generated" | "imported"
    created_by: str
    created_at: str
    retired_at: str | None
    certificate_der: bytes

    @property
    def current(self) -> bool:
        return self.retired_at is None

    def certificate_pem(self) -> bytes:
        cert = x509.load_der_x509_certificate(self.certificate_der)
        return cert.public_bytes(serialization.Encoding.PEM)

    def fingerprint_groups(self) -> str:
        """The fingerprint in groups of four, as read out over the phone."""
        upper = self.fingerprint.upper()
        return " ".join(upper[i:i + 4] for i in range(0, len(upper), 4))


# Every column but the key, which no role reads on the studio server (pg_signing.py).
SQL = ("SELECT s.id, s.subject, s.fingerprint, s.not_before, s.not_after, s.certificate,"
       " s.source, s.created_at, s.retired_at, u.display_name AS creator"
       " FROM signing_identities s JOIN users u ON u.id = s.created_by")
#: Where the current key is read: the table in a vault, the signers' function on the server.
KEY_SQL = {"sqlite": "SELECT private_key FROM signing_identities WHERE retired_at IS NULL",
           "postgres": "SELECT private_key FROM signing_key()"}


def _info(row: Any) -> IdentityInfo:
    return IdentityInfo(int(row["id"]), str(row["subject"]), str(row["fingerprint"]),
                        str(row["not_before"]), str(row["not_after"]), str(row["source"]),
                        str(row["creator"]), str(row["created_at"]), row["retired_at"],
                        bytes(row["certificate"]))


class SigningStore:
    """The signing identity of one unlocked vault."""

    def __init__(self, vault: Session) -> None:
        self.vault = vault

    # -- reading ------------------------------------------------------------------------
    def current(self) -> IdentityInfo | None:
        """The identity referrals are signed with now, if there is one."""
        row = self.vault.db.one(SQL + " WHERE s.retired_at IS NULL")
        return None if row is None else _info(row)

    def history(self) -> list[IdentityInfo]:
        """Every identity the studio has used, newest first (certificates only)."""
        return [_info(r) for r in self.vault.db.all(SQL + " ORDER BY s.id DESC")]

    def certificate_pem(self) -> bytes:
        """The current certificate for receivers to trust; made first if there is none."""
        info = self.current()
        if info is None:
            if self.vault.db.dialect != "sqlite":  # made at set-up; only the admin replaces it
                raise NoStudioCertificate()
            info = self._make_first()
        self.vault.audit_event("signing_identity.export_cert", "signing_identity", info.id)
        return info.certificate_pem()

    def for_signing(self) -> SigningIdentity:
        """The identity with its key, to sign a referral now. Made on first need."""
        self.vault.require_role(*SIGNING_ROLES)
        if self.current() is None:
            if self.vault.db.dialect == "postgres":  # only an admin may make one there
                raise NoStudioCertificate()
            self._make_first()
        blob = self.vault.db.scalar(KEY_SQL[self.vault.db.dialect])
        identity = SigningIdentity.from_private_bytes(bytes(blob))
        identity.check_usable(self.vault.now())
        return identity

    # -- changing (admin) -----------------------------------------------------------------
    def generate(self, years: int = GENERATED_YEARS) -> IdentityInfo:
        """Admin: a new self-signed studio certificate; the previous one is retired."""
        self.vault.require_role("admin")
        identity = SigningIdentity.generate(self.vault.org_name, years=years,
                                            now=self.vault.now())
        return self._install(identity, "generated", "signing_identity.generate")

    def import_pkcs12(self, data: bytes, password: str | None) -> IdentityInfo:
        """Admin: adopt a certificate issued by the district's CA (.p12/.pfx). Refuses
        expired, not yet valid and non-signing certificates with the reason."""
        self.vault.require_role("admin")
        try:
            identity = SigningIdentity.import_pkcs12(data, password, now=self.vault.now())
        except SigningIdentityError as exc:
            self.vault.audit_event("signing_identity.import", "signing_identity", "",
                                   f"refused:{exc.code}")
            raise
        return self._install(identity, "imported", "signing_identity.import")

    def ensure_at_setup(self) -> IdentityInfo:
        """At vault set-up (the admin is acting): the studio's first identity."""
        return self.current() or self.generate()

    # -- internals ------------------------------------------------------------------------
    def _make_first(self) -> IdentityInfo:
        identity = SigningIdentity.generate(self.vault.org_name, years=GENERATED_YEARS,
                                            now=self.vault.now())
        return self._install(identity, "generated", "signing_identity.generate",
                             first_use=True)

    def _install(self, identity: SigningIdentity, source: str, action: str,
                 first_use: bool = False) -> IdentityInfo:
        now = iso(self.vault.now())
        with self.vault.db.transaction():
            self.vault.db.execute("UPDATE signing_identities SET retired_at = ?,"
                                  " private_key = NULL WHERE retired_at IS NULL", (now,))
            identity_id = self.vault.db.insert(
                "INSERT INTO signing_identities (subject, fingerprint, not_before, not_after,"
                " certificate, private_key, source, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (identity.subject_name(), identity.fingerprint_sha256(),
                 iso(identity.not_before), iso(identity.not_after), identity.cert_der(),
                 identity.to_private_bytes(), source, self.vault.actor.user_id, now))
            outcome = identity.fingerprint_sha256()[:16] + (" first-use" if first_use else "")
            self.vault.audit_event(action, "signing_identity", identity_id, outcome)
        info = self.current()
        assert info is not None
        return info


def expires_soon(info: IdentityInfo, now: datetime, days: int = 60) -> bool:
    """Whether the certificate ends within `days` (the admin should renew it)."""
    end = datetime.fromisoformat(info.not_after)
    return (end - now).days < days
