"""Referral PDF made and signed: time per packet against a bare reportlab one-page PDF.

    .venv/bin/python benchmarks/bench_referral_pdf.py [N]

Builds and signs N synthetic police packets (with one included photo) with one studio
identity and prints a Markdown table for BENCHMARKS.md. Target: ≤ 0.8 s per packet
(the design's budget for "made and signed" is 1 s). Everything stays in memory.
"""

from __future__ import annotations

import io
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.lib.styles import getSampleStyleSheet  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402

from tests.referral_samples import police_packet  # noqa: E402
from xinhe.crypto.signing import SigningIdentity  # noqa: E402
from xinhe.export.fonts import register_font  # noqa: E402
from xinhe.export.pdf import build_referral_pdf  # noqa: E402
from xinhe.export.sign import sign_pdf  # noqa: E402
from xinhe.export.verify import verify_pdf  # noqa: E402

TARGET_S = 0.8


def bare_pdf() -> bytes:
    out = io.BytesIO()
    style = getSampleStyleSheet()["Normal"]
    SimpleDocTemplate(out).build([Paragraph("Referral " * 40, style)])
    return out.getvalue()


def timed(n: int, fn: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(n: int) -> None:
    start = time.perf_counter()
    register_font()
    font_s = time.perf_counter() - start
    start = time.perf_counter()
    identity = SigningIdentity.generate("馨和家园工作室")
    keygen_s = time.perf_counter() - start
    packet = police_packet()
    unsigned = build_referral_pdf(packet)  # warm-up
    signed = sign_pdf(unsigned, identity, signer_name="陈静", reason="转介", location="深圳")
    bare_pdf()

    def full() -> None:
        pdf = build_referral_pdf(packet)
        sign_pdf(pdf, identity, signer_name="陈静", reason="转介", location="深圳")

    rows = [
        ("bare reportlab one-page PDF (baseline)", timed(n, bare_pdf)),
        ("referral PDF built (layout, font subset, photo, referral.json)",
         timed(n, lambda: build_referral_pdf(packet))),
        ("signed (PAdES B-B + visible stamp)",
         timed(n, lambda: sign_pdf(unsigned, identity, signer_name="陈静", reason="转介",
                                   location="深圳"))),
        ("**built and signed (per packet)**", timed(n, full)),
        ("verified (verify_pdf, with trust anchor)",
         timed(n, lambda: verify_pdf(signed, [identity.certificate]))),
    ]
    baseline = statistics.median(rows[0][1])
    print(f"Referral PDF benchmark — {n} packets, Python {platform.python_version()}, "
          f"{platform.machine()}, {len(signed) // 1024} KB signed PDF")
    print()
    print("| step | median (ms) | p95 (ms) | × baseline |")
    print("|---|---:|---:|---:|")
    for name, values in rows:
        median = statistics.median(values)
        print(f"| {name} | {median * 1000:.1f} | {p95(values) * 1000:.1f} | "
              f"{median / baseline:.1f} |")
    print()
    print(f"One-time per process: CJK font registration {font_s * 1000:.0f} ms; "
          f"RSA-3072 identity generation {keygen_s * 1000:.0f} ms (once per studio).")
    full_median = statistics.median(rows[3][1])
    verdict = "meets" if p95(rows[3][1]) <= TARGET_S else "MISSES"
    print(f"Target ≤ {TARGET_S} s per packet: {verdict} (median {full_median:.3f} s, "
          f"p95 {p95(rows[3][1]):.3f} s).")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
