"""A referral exported end to end from a real encrypted vault, as staff do it.

    .venv/bin/python benchmarks/bench_referral_export.py [N]

Makes a vault (cheap key-slot KDF: unlocking is not what is measured) with one domestic-
violence case holding an intake with its danger checklist, a suicide screen, a safety plan,
a signed session note and an injury photo; drafts N police referrals; then times
`export_referral` for each: policy, consent check, assembly from the tables, PDF, signature,
the signed PDF kept in the vault, and delivery to an outbox folder with its manifest line.
Target: ≤ 0.8 s per packet (the design's budget for "made and signed" is 1 s).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.referral_samples import photo_jpeg  # noqa: E402
from xinhe.crypto.binding import DeviceBinding  # noqa: E402
from xinhe.crypto.kdf import KdfParams  # noqa: E402
from xinhe.export.pipeline import export_referral  # noqa: E402
from xinhe.records import templates as tpl  # noqa: E402
from xinhe.records.accounts import AccountService  # noqa: E402
from xinhe.records.services import Services  # noqa: E402
from xinhe.records.vault import VaultFolder  # noqa: E402

TARGET_S = 0.8


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = VaultFolder(Path(tmp) / "vault", DeviceBinding.off("benchmark"),
                             kdf=KdfParams.cheap_for_tests())
        admin, _key = folder.create("馨和家园工作室", "admin", "管理员", "admin-pass-1")
        AccountService(admin).add_user("wang", "王丽", "counsellor", "wang-pass-1")
        AccountService(admin).add_user("huang", "黄敏", "staff", "huang-pass-1")
        templates = tpl.TemplateRegistry.default()
        start = time.perf_counter()
        Services(admin, templates).signing.generate()
        keygen_s = time.perf_counter() - start
        admin.close()
        wang = Services(folder.unlock("wang", "wang-pass-1"), templates)
        client = wang.clients.create(name="林某", gender="female", birth_date="1990-05-01",
                                     phone="13800138000", id_number="440306199005011234",
                                     community="凤凰岗社区")
        case = wang.cases.open(client_id=client.id, category="domestic_violence",
                               source="self")
        danger = {f.id: f.id in ("danger_weapon", "danger_strangulation")
                  for f in templates.get("dv_intake").fields
                  if f.id.startswith("danger_") and f.type == "yes_no"}
        wang.notes.record_assessment(case.id, template_id="dv_intake", answers={
            **danger, "relationship_to_abuser": "spouse", "children_in_home": False,
            "violence_types": ["physical"], "incident_summary": "对方酒后持刀威胁。" * 20,
            "wants_protection_order": True})
        wang.notes.record_assessment(case.id, template_id="suicide_screen", answers={
            "wish_dead": True, "thoughts": False, "behaviour": False})
        wang.planning.save_safety_plan(case.id, {"warning_signs": "对方喝酒后。",
                                                 "dv_related": True})
        note = wang.notes.draft_session(case.id, started_at=wang.vault.now() -
                                        timedelta(hours=1), duration_min=50,
                                        modality="in_person", answers={"data": "会谈。" * 80})
        wang.notes.sign_session(note.id, note.version)
        wang.attachments.add(case.id, kind="injury_photo", filename="伤情照片.jpg",
                             data=photo_jpeg())
        wang.consents.record(case.id, purpose="referral", recipient="police",
                             given_at=wang.vault.now(), form="written", given_by="本人")
        ids = [wang.referrals.create(case.id, agency="police", purpose="referral",
                                     summary="当事人遭受配偶殴打，请公安机关依法处置。" * 5).id
               for _ in range(n + 1)]
        wang.vault.close()
        staff = Services(folder.unlock("huang", "huang-pass-1"), templates)
        outbox = Path(tmp) / "outbox"
        outbox.mkdir()
        export_referral(staff, ids[0], outbox=outbox)  # warm-up: font registration
        times = []
        for referral_id in ids[1:]:
            start = time.perf_counter()
            result = export_referral(staff, referral_id, outbox=outbox)
            times.append(time.perf_counter() - start)
            assert result.delivered
        size = (outbox / f"{result.referral.referral_no}-police.pdf").stat().st_size
        staff.vault.close()
    median = statistics.median(times)
    print(f"Referral export from the vault — {n} packets, {size // 1024} KB each")
    print()
    print("| step | median (ms) | p95 (ms) |")
    print("|---|---:|---:|")
    print(f"| export_referral: assemble, PDF, sign, keep, deliver | {median * 1000:.1f} | "
          f"{p95(times) * 1000:.1f} |")
    print()
    print(f"Once per studio: RSA-3072 identity generation {keygen_s * 1000:.0f} ms.")
    verdict = "meets" if p95(times) <= TARGET_S else "MISSES"
    print(f"Target ≤ {TARGET_S} s per packet: {verdict} (median {median:.3f} s, "
          f"p95 {p95(times):.3f} s).")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
