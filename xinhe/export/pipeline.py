"""Export, sign and deliver one referral: the path every export takes (desktop and CLI).

    assemble (policy, consent re-checked) → PDF → sign (naming the exporting user)
    → keep the signed PDF in the vault ("signed") → outbox + manifest ("delivered")

Everything happens in memory until the outbox: no temporary file holds client data. If
the outbox cannot be reached the referral stays "signed" with the reason, and
`deliver_again` finishes the job later. Each step is audited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xinhe.crypto.signing import SigningIdentityError
from xinhe.errors import InvalidInput
from xinhe.export.outbox import DeliveryFailed, deliver
from xinhe.export.pdf import build_referral_pdf
from xinhe.export.sign import SigningFailed, sign_pdf
from xinhe.records import platform_reports
from xinhe.records.referral_packets import assemble_packet
from xinhe.records.referral_policy import outbox_folder
from xinhe.records.referrals import Referral
from xinhe.records.services import Services
from xinhe.records.signing_store import SigningStore

#: The steps reported to `progress`, in order.
STEPS = ("assemble", "pdf", "sign", "store", "deliver")
#: Referral packets go to Chinese agencies: Chinese, whatever the UI language.
PACKET_LANGUAGE = "zh_CN"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ExportResult:
    referral: Referral
    sha256: str
    delivered_to: Path | None
    failure: DeliveryFailed | None

    @property
    def delivered(self) -> bool:
        return self.failure is None


def _nothing(_step: str) -> None:
    return None


def export_referral(services: Services, referral_id: int, *, outbox: Path | None = None,
                    progress: Progress | None = None,
                    lang: str = PACKET_LANGUAGE) -> ExportResult:
    """Sign a draft referral and deliver it to `outbox` (default: the configured one).

    Raises ConsentMissing, AccessDenied, InvalidInput or a signing error before anything
    is stored; a delivery problem does not raise but comes back in `failure`."""
    step = progress or _nothing
    vault = services.vault
    referral = services.referrals.get(referral_id)
    if referral.status != "draft":
        raise InvalidInput("该转介已经签名；如未送达，请使用“重新送达”。",
                           "This referral is already signed; use 'Deliver again' if it "
                           "did not arrive.")
    step("assemble")
    packet = assemble_packet(vault, services.templates, referral_id, lang=lang)
    step("pdf")
    pdf = build_referral_pdf(packet, lang)
    step("sign")
    try:
        identity = SigningStore(vault).for_signing()
        signed = sign_pdf(pdf, identity, signer_name=vault.actor.display_name,
                          reason=f"转介 {referral.referral_no}" if lang != "en" else
                          f"Referral {referral.referral_no}", location=vault.org_name,
                          signing_time=packet.created_at, lang=lang)
    except (SigningIdentityError, SigningFailed) as exc:
        vault.audit_event("referral.sign", "referral", referral.referral_no,
                          f"failed:{exc.code}")
        raise
    sha256 = hashlib.sha256(signed).hexdigest()
    step("store")
    with vault.db.transaction():
        referral = services.referrals.mark_signed(referral_id, signed, sha256)
        platform_reports.on_event(vault, referral.case_id, "referral")
    step("deliver")
    return _deliver(services, referral, signed, outbox)


def deliver_again(services: Services, referral_id: int, *,
                  outbox: Path | None = None) -> ExportResult:
    """Deliver the signed PDF kept in the vault (after the outbox was unreachable)."""
    referral = services.referrals.get(referral_id)
    if referral.status not in ("signed", "delivered"):
        raise InvalidInput("只有已签名的转介才能送达。",
                           "Only a signed referral can be delivered.")
    pdf = services.referrals.signed_pdf(referral_id)
    return _deliver(services, referral, pdf, outbox)


def _deliver(services: Services, referral: Referral, pdf: bytes,
             outbox: Path | None) -> ExportResult:
    vault = services.vault
    folder = outbox if outbox is not None else outbox_folder(vault)
    sha256 = hashlib.sha256(pdf).hexdigest()
    try:
        delivery = deliver(folder, referral_no=referral.referral_no, agency=referral.agency,
                           pdf=pdf, now=vault.now())
    except DeliveryFailed as failure:
        updated = services.referrals.mark_delivery_failed(referral.id, failure.note)
        return ExportResult(updated, sha256, None, failure)
    if referral.status == "delivered":  # sent again: the status and its time stay
        vault.audit_event("referral.deliver", "referral", referral.referral_no, "again")
        return ExportResult(referral, sha256, delivery.path, None)
    updated = services.referrals.mark_delivered(referral.id, str(delivery.path))
    return ExportResult(updated, sha256, delivery.path, None)
