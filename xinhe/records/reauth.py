"""Asking again before a dangerous act (signing a referral, replacing the studio's key):
the acting user types their password, which must open their own key slot."""

from __future__ import annotations

from xinhe.crypto import keyslots as ks
from xinhe.errors import DeviceBindingUnavailable, WrongPassword
from xinhe.records.vault import Vault


def confirm_password(vault: Vault, password: str, act: str) -> None:
    """Raise WrongPassword (audited as `reauth` failed) unless `password` is the acting
    user's. `act` names what is being confirmed, e.g. "referral.sign"."""
    slot = vault.slots.users.get(vault.actor.username)
    if slot is None:
        raise WrongPassword()
    device_secret = None
    if slot.device_bound:
        device_secret = vault.folder.binding.get_secret(vault.vault_id)
        if device_secret is None:
            raise DeviceBindingUnavailable()
    try:
        ks.open_private(vault.vault_id, slot, password, device_secret)
    except WrongPassword:
        vault.audit_event("reauth", "user", vault.actor.username, f"failed:{act}")
        raise
    vault.audit_event("reauth", "user", vault.actor.username, act)
