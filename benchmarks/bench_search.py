"""Search benchmark: first-page latency on a large vault, encrypted vs plain SQLite.

    .venv/bin/python benchmarks/bench_search.py              # 100,000 notes (builds once)
    .venv/bin/python benchmarks/bench_search.py --notes 5000 --runs 20

Builds a synthetic vault (benchmarks/common.py) twice with the same build of SQLite:
encrypted (SQLCipher raw key, cipher_memory_security ON as before issue 15, db.py's
pragmas) and plain (sqlcipher3 without a key). The files are cached in benchmarks/out/,
keyed by the parameters, so reruns only measure. Each configuration is measured in its own
process, because cipher_memory_security is process-wide and cannot be switched off again.
Prints a Markdown report for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlcipher3  # noqa: E402

from benchmarks.common import CORPUS_VERSION, OUT, RARE, Corpus, open_db  # noqa: E402
from xinhe.records import search as search_mod  # noqa: E402

CASES_PER_NOTE = 20  # 100,000 notes -> 5,000 cases
COUNSELLORS = 100  # so one counsellor sees about 1% of the cases
ACCESS = "d.case_id IN (SELECT id FROM cases WHERE counsellor_id = ?)"
KINDS = ["note"] * 8 + ["assessment", "crisis", "referral", "followup"]

# (label, query, options). Options: "filter" applies the access rule, "page2" asks for the
# second page.
QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    ("1 char, common", "暴", {}),
    ("1 char, Latin", "x", {}),
    ("1 char, rare", RARE["1"], {}),
    ("2 chars, common", "家暴", {}),
    ("2 chars, Latin", "dv", {}),
    ("2 chars, rare", RARE["2"], {}),
    ("3 chars, common", "保护令", {}),
    ("3 chars, rare", RARE["3"], {}),
    ("4+ chars, common", "人身安全保护令", {}),
    ("4+ chars, rare", RARE["4+"], {}),
    ("4+ chars, rare run of common words", "丈夫孩子当事人", {}),
    ("English word", "safety", {}),
    ("English, upper case", "PTSD", {}),
    ("English, rare", RARE["en"], {}),
    ("no match", "不存在的词组", {}),
    ("two terms: 1 + 3 chars", "王 保护令", {}),
    ("two terms: 2 chars + English", "家暴 hotline", {}),
    ("second page", "家暴", {"page2": True}),
    ("access filter (1% of cases)", "家暴", {"filter": True}),
    ("access filter (1%), 1 char", "暴", {"filter": True}),
    ("access filter (1%), rare", RARE["2"], {"filter": True}),
    ("access filter (1%) and kinds", "家暴", {"filter": True, "kinds": ["note", "crisis"]}),
    ("access filter (0.1% of cases)", "家暴", {"filter": True, "narrow": True}),
]
CONFIGS = {
    "enc": ("enc", True),  # the app's setting
    "enc_nomemsec": ("enc", False),
    "plain": ("plain", False),
}


def db_path(notes: int, seed: int, variant: str) -> Path:
    tag = hashlib.sha256(f"{notes}/{seed}/{CORPUS_VERSION}/{search_mod.INDEX_VERSION}/"
                         f"{search_mod.SCHEMA}".encode()).hexdigest()[:10]
    return OUT / f"search-{notes}-{seed}-{tag}-{variant}.db"


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- workers (each runs in its own process) --------------------------------------------------

def build(notes: int, seed: int, variant: str) -> None:
    path = db_path(notes, seed, variant)
    remove_db(path)
    key = os.urandom(32) if variant == "enc" else None
    db = open_db(path, key)
    with db.transaction():
        for statement in search_mod.SCHEMA:
            db.execute(statement)
        db.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, counsellor_id INTEGER)")
        db.execute("CREATE INDEX cases_counsellor ON cases(counsellor_id)")
        cases = max(1, notes // CASES_PER_NOTE)
        for case_id in range(1, cases + 1):
            db.execute("INSERT INTO cases VALUES (?, ?)", (case_id, case_id % COUNSELLORS))
    corpus = Corpus(seed)
    terms = {q: search_mod.terms_of(q) for _, q, _ in QUERIES}
    counts = dict.fromkeys(terms, 0)
    indexing = 0.0
    chars = 0
    batch = 1000
    for start in range(0, notes, batch):
        docs = []
        for i in range(start, min(notes, start + batch)):
            case_id = corpus.rng.randrange(1, cases + 1)
            body = corpus.note()
            title = corpus.title(case_id)
            chars += len(body)
            docs.append(search_mod.Document(
                f"session:{i}", case_id, corpus.rng.choice(KINDS), title, body,
                f"2025-{1 + i * 12 // notes:02d}-01T09:00:00+08:00"))
            for q, ts in terms.items():
                counts[q] += search_mod.matches(ts, title, body)
        began = time.perf_counter()
        search_mod.index_documents(db, docs)
        indexing += time.perf_counter() - began
    began = time.perf_counter()
    search_mod.compact(db)
    compacting = time.perf_counter() - began
    db.close()
    meta = {"key": key.hex() if key else None, "notes": notes, "avg_chars": chars / notes,
            "index_s": indexing, "compact_s": compacting,
            "file_mb": path.stat().st_size / 1e6, "counts": counts}
    Path(f"{path}.json").write_text(json.dumps(meta, ensure_ascii=False))


def load(notes: int, seed: int, variant: str) -> tuple[Path, dict[str, Any]]:
    path = db_path(notes, seed, variant)
    return path, json.loads(Path(f"{path}.json").read_text())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(notes: int, seed: int, config: str, runs: int) -> dict[str, Any]:
    variant, memsec = CONFIGS[config]
    path, meta = load(notes, seed, variant)
    key = bytes.fromhex(meta["key"]) if meta["key"] else None
    db = open_db(path, key, memory_security=memsec)
    results: dict[str, Any] = {}
    for label, query, options in QUERIES:
        kwargs: dict[str, Any] = {}
        if options.get("filter"):
            kwargs = {"case_filter_sql": ACCESS, "params": (7,)}
        if options.get("narrow"):
            kwargs["case_filter_sql"] = ACCESS[:-1] + " AND id % 10 = 0)"
        if options.get("kinds"):
            kwargs["kinds"] = options["kinds"]
        if options.get("page2"):
            kwargs["before"] = search_mod.search(db, query)[-1].doc_id
        hits = search_mod.search(db, query, **kwargs)  # warm the cache
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            search_mod.search(db, query, **kwargs)
            times.append((time.perf_counter() - began) * 1000)
        results[label] = {"median": statistics.median(times), "p95": percentile(times, 0.95),
                          "hits": len(hits)}
    pages = int(db.scalar("PRAGMA page_count")) - int(db.scalar("PRAGMA freelist_count"))
    results["used_mb"] = pages * int(db.scalar("PRAGMA page_size")) / 1e6
    db.close()
    return results


class _Undo(Exception):
    pass


def writes(notes: int, seed: int, config: str) -> dict[str, Any]:
    """Updating a note and purging a case, on a copy of the vault."""
    variant, memsec = CONFIGS[config]
    path, meta = load(notes, seed, variant)
    copy = OUT / f"writes-{path.name}"
    remove_db(copy)
    shutil.copyfile(path, copy)
    key = bytes.fromhex(meta["key"]) if meta["key"] else None
    db = open_db(copy, key, memory_security=memsec)
    corpus = Corpus(seed + 99)
    update_ms = []
    for i in range(0, notes, max(1, notes // 15)):
        began = time.perf_counter()
        search_mod.index_document(db, doc_key=f"session:{i}", case_id=1, kind="note",
                                  title=corpus.title(1), body=corpus.note(), ts="2026")
        update_ms.append((time.perf_counter() - began) * 1000)
    began = time.perf_counter()
    removed = search_mod.remove_case(db, 2, compact_now=False)
    remove_ms = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    search_mod.compact(db)
    compact_s = time.perf_counter() - began
    db.close()
    remove_db(copy)
    return {"update_ms": statistics.median(update_ms), "update_p95": percentile(update_ms, .95),
            "remove_case_ms": remove_ms, "removed": removed, "compact_s": compact_s}


# -- the driver ----------------------------------------------------------------------------------

def worker(args: list[str]) -> Any:
    out = subprocess.run([sys.executable, __file__, "--worker", *args],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.exit(f"worker {args[:2]} failed:\n{out.stderr}")
    return json.loads(out.stdout) if out.stdout.strip() else None


def fmt(ms: float) -> str:
    return f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def report(notes: int, seed: int, runs: int, res: dict[str, Any], wr: dict[str, Any]) -> str:
    enc_meta = load(notes, seed, "enc")[1]
    plain_meta = load(notes, seed, "plain")[1]
    conn = sqlcipher3.connect(":memory:")
    versions = (conn.execute("SELECT sqlite_version()").fetchone()[0],
                conn.execute("PRAGMA cipher_version").fetchone()[0])
    lines = [
        f"### Search, {notes:,} notes (avg {enc_meta['avg_chars']:.0f} characters)",
        "",
        f"SQLite {versions[0]}, SQLCipher {versions[1]}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), load "
        f"{os.getloadavg()[0]:.1f}. First page of 20 hits (or all, if fewer), warm cache, "
        f"{runs} runs each, times in ms as median / p95. *enc* is the encrypted vault "
        "with cipher_memory_security ON (before issue 15); *plain* is the same SQLite "
        "build without a key.",
        "",
        "| query | hits / matches | target | enc | plain | enc ÷ plain | enc, memsec OFF "
        "| OFF ÷ plain | memsec cost (ON − OFF) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    slow, ratios, off_ratios = [], [], []
    for label, query, _ in QUERIES:
        e, p, o = res["enc"][label], res["plain"][label], res["enc_nomemsec"][label]
        single = all(len(t) == 1 for t in search_mod.terms_of(query))
        target = 100.0 if single else 20.0
        ratio, off_ratio = e["median"] / p["median"], o["median"] / p["median"]
        ratios.append((ratio, label))
        off_ratios.append((off_ratio, label))
        if e["median"] > target:
            slow.append(f"{label}: {fmt(e['median'])} ms > {target:.0f} ms")
        count = enc_meta["counts"][query]
        lines.append(
            f"| {label} `{query}` | {e['hits']} / {count:,} | ≤ {target:.0f} "
            f"{'✓' if e['median'] <= target else '✗'} | {fmt(e['median'])} / {fmt(e['p95'])} "
            f"| {fmt(p['median'])} / {fmt(p['p95'])} | {ratio:.2f}× "
            f"{'✓' if ratio <= 1.2 else '✗'} | {fmt(o['median'])} / {fmt(o['p95'])} | "
            f"{off_ratio:.2f}× | {e['median'] - o['median']:+.2f} ms |")
    over = [label for ratio, label in ratios if ratio > 1.2]
    lines += [
        "",
        "Targets (this brief; DESIGN.md asks ≤ 50 ms and ≤ 1.5×): first page ≤ 20 ms for "
        "queries of ≥ 2 characters, ≤ 100 ms for 1 character; encrypted ≤ 1.2× plain. "
        f"Latency: {'all met' if not slow else 'missed — ' + '; '.join(slow)}. "
        f"Ratio: {len(ratios) - len(over)} of {len(ratios)} queries within 1.2× "
        f"(worst {max(ratios)[0]:.2f}×, {max(ratios)[1]}); with cipher_memory_security OFF "
        f"the worst is {max(off_ratios)[0]:.2f}× ({max(off_ratios)[1]}).",
        "",
        "| build and size | enc | plain |",
        "|---|---|---|",
        f"| index build (search_doc rows + both FTS5 indexes, batches of 1,000) | "
        f"{enc_meta['index_s']:.0f} s | {plain_meta['index_s']:.0f} s |",
        f"| final `optimize` of both indexes | {enc_meta['compact_s']:.1f} s | "
        f"{plain_meta['compact_s']:.1f} s |",
        f"| database file (pages in use, the rest is free after `optimize`) | "
        f"{enc_meta['file_mb']:.0f} MB ({res['enc']['used_mb']:.0f} MB) | "
        f"{plain_meta['file_mb']:.0f} MB ({res['plain']['used_mb']:.0f} MB) |",
        f"| re-index one note (own transaction, synchronous=FULL), median / p95 | "
        f"{fmt(wr['enc']['update_ms'])} / {fmt(wr['enc']['update_p95'])} ms | "
        f"{fmt(wr['plain']['update_ms'])} / {fmt(wr['plain']['update_p95'])} ms |",
        f"| remove_case ({wr['enc']['removed']} documents) without / then `compact` | "
        f"{wr['enc']['remove_case_ms']:.0f} ms / {wr['enc']['compact_s']:.1f} s | "
        f"{wr['plain']['remove_case_ms']:.0f} ms / {wr['plain']['compact_s']:.1f} s |",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--rebuild", action="store_true", help="ignore cached vaults")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, *rest = args.worker
        if kind == "build":
            build(args.notes, args.seed, rest[0])
        elif kind == "measure":
            print(json.dumps(measure(args.notes, args.seed, rest[0], args.runs)))
        elif kind == "writes":
            print(json.dumps(writes(args.notes, args.seed, rest[0])))
        return 0
    OUT.mkdir(exist_ok=True)
    common = ["--notes", str(args.notes), "--seed", str(args.seed), "--runs", str(args.runs)]
    for variant in ("enc", "plain"):
        path = db_path(args.notes, args.seed, variant)
        if args.rebuild or not Path(f"{path}.json").exists():
            print(f"building {variant} vault of {args.notes:,} notes…", file=sys.stderr)
            with contextlib.suppress(FileNotFoundError):
                remove_db(path)
            worker(["build", variant, *common])
    results = {}
    for config in CONFIGS:
        print(f"measuring {config}…", file=sys.stderr)
        results[config] = worker(["measure", config, *common])
    wr = {config: worker(["writes", config, *common]) for config in ("enc", "plain")}
    print(report(args.notes, args.seed, args.runs, results, wr))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
