"""What every screen is given: the worker, the unlocked vault handle, who is acting, and
the one "records changed" signal that views refresh from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal

from xinhe.records.vault import Actor, Vault
from xinhe.ui.worker import ChangeRelay, DbWorker

if TYPE_CHECKING:  # the set-up and unlock windows import this before any vault is open
    from xinhe.records.services import Services


class ChangeBus(QObject):
    """Writes announce what they changed (a frozenset of Change members);
    views listen here instead of being wired to each other."""

    changed = Signal(object)
    # Emitted before the vault locks: screens save their drafts (encrypted, in the vault).
    locking = Signal()
    # Navigation: any screen may ask for a case to be opened where the work is done.
    open_case = Signal(int)
    # … and a follow-up in the dialog that records it, a review item in the review queue.
    open_followup = Signal(int, int)  # case id, follow-up id
    open_review = Signal(int)
    # Any window may ask for the session to lock now (its lock button).
    lock_requested = Signal()


@dataclass
class AppContext:
    worker: DbWorker
    services: Services  # used only inside worker jobs: it belongs to the database thread
    actor: Actor
    org_name: str
    binding_on: bool
    bus: ChangeBus
    # Set when the session locks: code still holding this context finds the vault gone.
    locked: bool = False
    # On the studio server: other desks' saves arrive on bus.changed through this.
    relay: ChangeRelay | None = None
    # The studio server signed in to (host:port/dbname); "" on a local vault.
    server: str = ""

    def listen_to_server(self) -> None:
        """On the studio server, refresh the screens when another workstation saves."""
        if self.relay is None and hasattr(self.services.vault, "change_listener"):
            self.relay = ChangeRelay(self.bus)
            self.relay.changed.connect(self.bus.changed)
            self.relay.reachable.connect(self._server_back)
            self.relay.start(self.services.vault)

    def _server_back(self, reachable: bool) -> None:
        """Forms kept on this workstation while the server was away become drafts there."""
        if reachable and not self.locked:
            from xinhe.ui.operations import notes as notes_ops

            notes_ops.flush_kept(ctx=self, parent=None)

    def when_server_back(self, parent: QObject, action: Callable[[], None]) -> bool:
        """Run `action` once, on the UI thread, when the studio server answers again (unless
        `parent` has closed by then). False when not on a studio server."""
        relay = self.relay
        if relay is None:
            return False

        def back(reachable: bool) -> None:
            if reachable:
                relay.reachable.disconnect(back)
                if shiboken6.isValid(parent) and not self.locked:
                    action()
        relay.reachable.connect(back)
        return True

    def stop_listening(self) -> None:
        if self.relay is not None:
            relay, self.relay = self.relay, None
            relay.stop()
            relay.deleteLater()  # with it go the notifications still queued for the screens

    @property
    def vault(self) -> Vault:
        return self.services.vault

    def has_role(self, *roles: str) -> bool:
        return self.actor.role in roles
