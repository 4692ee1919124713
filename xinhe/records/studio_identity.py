"""The studio's signing identity, kept inside the encrypted vault.

Signed documents (referral packets, statistics reports) are signed with it. It lives in
the vault's settings under `signing_identity`, as base64 of
`SigningIdentity.to_private_bytes()`: the key is only ever stored inside the encrypted
database. If none is stored yet, one is generated for the studio on first use, so the
first signed export works on a fresh vault; an administrator may later replace it with a
certificate from a CA.
"""

from __future__ import annotations

import base64
import binascii

from xinhe.crypto.signing import DamagedIdentity, SigningIdentity
from xinhe.records.vault import Vault

SETTING_KEY = "signing_identity"


def stored_identity(vault: Vault) -> SigningIdentity | None:
    """The identity kept in the vault, or None if there is none yet."""
    text = vault.setting(SETTING_KEY)
    if text is None:
        return None
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise DamagedIdentity() from exc
    return SigningIdentity.from_private_bytes(raw)


def studio_identity(vault: Vault) -> SigningIdentity:
    """The studio's identity; generated and stored (audited) the first time it is needed."""
    identity = stored_identity(vault)
    if identity is not None:
        return identity
    identity = SigningIdentity.generate(vault.org_name, now=vault.now())
    with vault.db.transaction():
        vault.set_setting(SETTING_KEY,
                          base64.b64encode(identity.to_private_bytes()).decode("ascii"))
        vault.audit_event("signing_identity.generate", "certificate",
                          identity.fingerprint_sha256()[:16])
    return identity
