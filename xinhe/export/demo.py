"""The demo vault with its referrals taken through the whole way: the records layer makes
the casework (xinhe.records.demo); here the demo's staff member signs and delivers about
half of the draft referrals to an outbox inside the demo folder, and records some
acknowledgements. Kept apart from records.demo because exporting sits above records."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from xinhe.export.pipeline import export_referral
from xinhe.records.demo import DEMO_USERS, DemoSummary, create_demo_vault
from xinhe.records.referral_policy import set_outbox_folder
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder

OUTBOX = "outbox"


def create_full_demo(folder: VaultFolder, *, cases: int = 150, seed: int = 2019,
                     replace: bool = False, today: datetime | None = None) -> DemoSummary:
    """`create_demo_vault`, then deliver some of its referrals (reproducibly), as its
    users while the vault is still open (no second unlock, each a production KDF)."""
    outbox = folder.path / OUTBOX  # stands in for the platform's mapped share
    delivered = [0]

    def deliver(actors: dict[str, Services], _run: object) -> None:
        outbox.mkdir(exist_ok=True)
        admin_login = DEMO_USERS[0][1]
        set_outbox_folder(actors[admin_login].vault, str(outbox.resolve()))
        staff = actors[next(u[1] for u in DEMO_USERS if u[0] == "staff")]
        rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
        for referral in sorted(staff.referrals.find(status="draft"), key=lambda r: r.id):
            if rng.random() < 0.5:
                continue
            # Exported a day or two after it was drafted, as the studio would.
            sent = datetime.fromisoformat(referral.created_at) + timedelta(
                days=rng.randint(1, 2), hours=rng.randint(1, 5))
            folder.clock = fixed_clock(sent)
            result = export_referral(staff, referral.id, outbox=outbox)
            delivered[0] += int(result.delivered)
            if result.delivered and rng.random() < 0.6:
                folder.clock = fixed_clock(sent + timedelta(days=1))
                staff.referrals.acknowledge(referral.id, rng.choice((
                    "对方电话确认已收到", "平台显示已签收", "派出所回函确认")))

    summary = create_demo_vault(folder, cases=cases, seed=seed, replace=replace, today=today,
                                then=deliver)
    summary.referrals_delivered += delivered[0]
    return summary


def fixed_clock(at: datetime) -> Callable[[], datetime]:
    return lambda: at
