"""Referral actions: one keyword-only function each, run on the database thread.

Signing and delivery report their steps through a `StepSignal` (emitted on the database
thread, delivered on the UI thread), so the wizard shows progress while it works.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from xinhe.crypto.files import atomic_write
from xinhe.errors import InvalidInput
from xinhe.records import referral_policy
from xinhe.records.referral_packets import assemble_packet
from xinhe.records.referrals import Referral
from xinhe.ui.changes import Change
from xinhe.ui.operations import FormValues, run

if TYPE_CHECKING:  # the PDF and signing stack loads on the database thread, when first used
    from xinhe.export.pipeline import ExportResult
    from xinhe.records.consent import Consent
    from xinhe.records.referral_policy import FieldPolicy
    from xinhe.records.services import Services
    from xinhe.records.signing_store import IdentityInfo
    from xinhe.ui.context import AppContext

CHANGED = {Change.REFERRAL}


class StepSignal(QObject):
    """Carries the export's steps ("assemble", "pdf", "sign", "store", "deliver")."""

    step = Signal(str)


def load_referrals(*, ctx: AppContext, parent: QWidget | None,
                   on_done: Callable[[list[Referral]], None]) -> None:
    run(ctx, lambda s: s.referrals.find(), parent=parent, on_done=on_done)


def preview_pdf(*, ctx: AppContext, referral_id: int, parent: QWidget | None,
                on_done: Callable[[bytes], None],
                on_failure: Callable[[BaseException], None]) -> None:
    """The unsigned packet as it would be signed now (audited as a preview)."""
    def work(services: Services) -> bytes:
        from xinhe.export.pdf import build_referral_pdf
        from xinhe.export.pipeline import PACKET_LANGUAGE

        packet = assemble_packet(services.vault, services.templates, referral_id,
                                 preview=True, lang=PACKET_LANGUAGE)
        return build_referral_pdf(packet, PACKET_LANGUAGE)
    run(ctx, work, parent=parent, on_done=on_done, on_failure=on_failure)


def check_password(*, ctx: AppContext, password: str, act: str, parent: QWidget | None,
                   on_done: Callable[[None], None],
                   on_failure: Callable[[BaseException], None]) -> None:
    """Ask again before a dangerous act: the acting user's own password (audited)."""
    run(ctx, lambda s: s.accounts.verify_password(password, act), parent=parent,
        on_done=on_done, on_failure=on_failure)


def sign_and_deliver(*, ctx: AppContext, referral_id: int, steps: StepSignal,
                     parent: QWidget | None, on_done: Callable[[ExportResult], None],
                     on_failure: Callable[[BaseException], None]) -> None:
    """Sign the draft (naming the acting user) and deliver it to the configured outbox."""
    def work(services: Services) -> ExportResult:
        from xinhe.export.pipeline import export_referral

        return export_referral(services, referral_id, progress=steps.step.emit)
    run(ctx, work, parent=parent, on_done=on_done, on_failure=on_failure, changed=CHANGED)


def deliver_again(*, ctx: AppContext, referral_id: int, parent: QWidget | None,
                  on_done: Callable[[ExportResult], None]) -> None:
    def work(services: Services) -> ExportResult:
        from xinhe.export.pipeline import deliver_again as deliver_signed

        return deliver_signed(services, referral_id)
    run(ctx, work, parent=parent, on_done=on_done, changed=CHANGED)


def deliver_recall_again(*, ctx: AppContext, referral_id: int, parent: QWidget | None,
                         on_done: Callable[[object], None]) -> None:
    """Send the kept recall notice again (after the outbox was unreachable)."""
    def work(services: Services) -> object:
        from xinhe.export.recall import deliver_recall_again as deliver_notice

        return deliver_notice(services, referral_id)
    run(ctx, work, parent=parent, on_done=on_done, changed=CHANGED)


def acknowledge(*, ctx: AppContext, referral_id: int, note: str, parent: QWidget | None,
                on_done: Callable[[Referral], None] | None = None) -> None:
    run(ctx, lambda s: s.referrals.acknowledge(referral_id, note), parent=parent,
        on_done=on_done, changed=CHANGED)


def save_signed_copy(*, ctx: AppContext, referral_id: int, path: Path,
                     parent: QWidget | None, on_done: Callable[[None], None]) -> None:
    """Write the signed PDF where the user chose (an explicit act, audited)."""
    def work(services: Services) -> None:
        referral = services.referrals.get(referral_id)
        atomic_write(path, services.referrals.signed_pdf(referral_id))
        services.vault.audit_event("referral.copy", "referral", referral.referral_no)
    run(ctx, work, parent=parent, on_done=on_done)


def export_certificate(*, ctx: AppContext, path: Path, parent: QWidget | None,
                       on_done: Callable[[str], None]) -> None:
    """Write the studio certificate (PEM) for receivers; returns its fingerprint."""
    def work(services: Services) -> str:
        atomic_write(path, services.signing.certificate_pem())
        info = services.signing.current()
        assert info is not None
        return info.fingerprint_groups()
    run(ctx, work, parent=parent, on_done=on_done, changed={Change.SIGNING_IDENTITY})


def outbox_reachable(folder: str) -> bool:
    path = Path(folder)
    return path.is_dir() and os.access(path, os.W_OK)


def _set_outbox(services: Services, folder: str) -> bool:
    referral_policy.set_outbox_folder(services.vault, folder)
    return bool(folder) and outbox_reachable(folder)


def save_outbox_folder(*, ctx: AppContext, parent: QWidget, folder: str,
                       on_done: Callable[[bool], None]) -> None:
    """Where signed referrals are delivered ("": none); hands back whether it is reachable."""
    run(ctx, lambda s: _set_outbox(s, folder), parent=parent, on_done=on_done,
        changed={Change.SETTINGS})


def save_policy(*, ctx: AppContext, parent: QWidget, policy: FieldPolicy) -> None:
    """The studio's policy of which fields each receiving agency is sent."""
    run(ctx, lambda s: referral_policy.save_policy(s.vault, policy), parent=parent,
        changed={Change.SETTINGS})


def reset_policy(*, ctx: AppContext, parent: QWidget) -> None:
    """Go back to the shipped field policy."""
    run(ctx, lambda s: referral_policy.reset_policy(s.vault), parent=parent,
        changed={Change.SETTINGS})


def record_consent(*, ctx: AppContext, parent: QWidget, case_id: int,
                   values: dict[str, Any], on_done: Callable[[Consent], None],
                   on_failure: Callable[[BaseException], None]) -> None:
    """Record the client's consent (or the legal basis) for sharing with a recipient."""
    run(ctx, lambda s: s.consents.record(case_id, **values), parent=parent, on_done=on_done,
        on_failure=on_failure, changed={Change.CONSENT})


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        raise InvalidInput(f"无法读取文件 {path}。", f"Cannot read the file {path}.") from None


def _replace_identity(services: Services, password: str, path: Path | None,
                      file_password: str) -> IdentityInfo:
    act = "signing_identity.import" if path else "signing_identity.generate"
    services.accounts.verify_password(password, act)
    if path is None:
        return services.signing.generate()
    return services.signing.import_pkcs12(_read(path), file_password or None)


def replace_identity(*, ctx: AppContext, parent: QWidget, password: str, path: Path | None,
                     file_password: str, on_done: Callable[[IdentityInfo], None],
                     on_failure: Callable[[BaseException], None]) -> None:
    """Give the studio a new signing certificate: imported from `path` (a .p12/.pfx file)
    or, without one, a new self-signed one. Asks the user's password again."""
    run(ctx, lambda s: _replace_identity(s, password, path, file_password), parent=parent,
        on_done=on_done, on_failure=on_failure, changed={Change.SIGNING_IDENTITY})


def recall_referrals(services: Services, values: FormValues, *, referral_ids: list[int],
                     consent_id: int | None) -> list[object]:
    """Recall each delivered referral of `referral_ids` ticked in the form (`r<id>`), for
    the `reason`; each recall sends a signed notice to the outbox."""
    from xinhe.export.recall import recall_referral

    return [recall_referral(services, referral_id, str(values["reason"]),
                            consent_id=consent_id)
            for referral_id in referral_ids if values[f"r{referral_id}"]]


def print_copy(services: Services, *, referral_id: int) -> bytes:
    """The signed referral (the recall notice, once recalled), fetched to be printed
    (audited as a print)."""
    return services.referrals.print_copy(referral_id)
