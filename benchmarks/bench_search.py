"""Search benchmark: first-page latency on a large vault, encrypted vs plain SQLite.

    .venv/bin/python benchmarks/bench_search.py              # 100,000 notes (builds once)
    .venv/bin/python benchmarks/bench_search.py --notes 5000 --runs 20
    .venv/bin/python benchmarks/bench_search.py --notes 1000000 --runs 20 \
        --out /tmp/xinhe-bench --delete-after      # 1M notes, ~12 GB while it runs

Builds a synthetic vault (benchmarks/common.py; above 100,000 notes the texts repeat)
twice with the same build of SQLite:
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
    return _out[0] / f"search-{notes}-{seed}-{tag}-{variant}.db"


_out = [OUT]  # --out: where the vaults are built


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- workers (each runs in its own process) --------------------------------------------------

UNIQUE_BODIES = 100_000  # above this, note texts repeat (fresh titles, cases, kinds)


def _fill(db: Any, notes: int, seed: int) -> dict[str, int]:
    """The cases and the search_doc rows by bulk SQL, not through the app; returns how many
    notes each query matches (the reference scan)."""
    cases = max(1, notes // CASES_PER_NOTE)
    with db.transaction():
        for statement in search_mod.SCHEMA:
            db.execute(statement)
        db.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, counsellor_id INTEGER)")
        db.execute("CREATE INDEX cases_counsellor ON cases(counsellor_id)")
        db.executemany("INSERT INTO cases VALUES (?, ?)",
                       ((c, c % COUNSELLORS) for c in range(1, cases + 1)))
    corpus = Corpus(seed)
    terms = {q: search_mod.terms_of(q) for _, q, _ in QUERIES}
    counts = dict.fromkeys(terms, 0)
    bodies: list[tuple[str, str]] = []  # (text, folded) of the first UNIQUE_BODIES notes
    batch = 10_000
    for start in range(0, notes, batch):
        rows = []
        for i in range(start, min(notes, start + batch)):
            case_id = corpus.rng.randrange(1, cases + 1)
            if i < UNIQUE_BODIES:
                body = corpus.note()
                bodies.append((body, search_mod.fold(body)))
            body, folded_body = bodies[i % UNIQUE_BODIES]
            title = corpus.title(case_id)
            folded_title = search_mod.fold(title)
            rows.append((f"session:{i}", case_id, corpus.rng.choice(KINDS), title, body,
                         f"2025-{1 + i * 12 // notes:02d}-01T09:00:00+08:00"))
            for q, ts in terms.items():
                counts[q] += all(t in folded_title or t in folded_body for t in ts)
        with db.transaction():
            db.executemany("INSERT INTO search_doc(doc_key, case_id, kind, title, body, ts) "
                           "VALUES (?, ?, ?, ?, ?, ?)", rows)
    return counts


def _copy_rows(db: Any, source: Path) -> None:
    """The plain vault's cases and search_doc rows, copied by SQL (same notes, same ids)."""
    with db.transaction():
        for statement in search_mod.SCHEMA:
            db.execute(statement)
    db.execute("ATTACH DATABASE ? AS src KEY ''", (str(source),))
    with db.transaction():
        db.execute("CREATE TABLE cases AS SELECT * FROM src.cases")
        db.execute("CREATE INDEX cases_counsellor ON cases(counsellor_id)")
        db.execute("INSERT INTO search_doc SELECT * FROM src.search_doc ORDER BY id")
    db.execute("DETACH DATABASE src")


def encrypt_copy(notes: int, seed: int) -> None:
    """The encrypted vault as an encrypted copy of the built plain one (sqlcipher_export:
    the same rows and index pages), so a 1M-note run builds the index once."""
    path, plain = db_path(notes, seed, "enc"), db_path(notes, seed, "plain")
    remove_db(path)
    key = os.urandom(32)
    source = open_db(plain, None)
    began = time.perf_counter()
    source.export_to(path, key)
    copy_s = time.perf_counter() - began
    source.close()
    meta = json.loads(Path(f"{plain}.json").read_text())
    meta.update({"key": key.hex(), "copied_s": copy_s, "file_mb": path.stat().st_size / 1e6})
    Path(f"{path}.json").write_text(json.dumps(meta, ensure_ascii=False))


def build(notes: int, seed: int, variant: str) -> None:
    """The rows by bulk SQL (plain first; the encrypted vault copies its rows), then the
    index by `search.rebuild`, the app's bulk path (one transaction, then `optimize`)."""
    path = db_path(notes, seed, variant)
    remove_db(path)
    key = os.urandom(32) if variant == "enc" else None
    db = open_db(path, key)
    plain = db_path(notes, seed, "plain")
    began = time.perf_counter()
    if variant == "enc" and Path(f"{plain}.json").exists():
        _copy_rows(db, plain)
        counts = json.loads(Path(f"{plain}.json").read_text())["counts"]
    else:
        counts = _fill(db, notes, seed)
    rows_s = time.perf_counter() - began
    chars = sum(int(r[0]) for r in db.execute(
        "SELECT length(body) FROM search_doc WHERE id <= ?", (UNIQUE_BODIES,)))
    load_before = os.getloadavg()[0]
    began, cpu, own = time.perf_counter(), time.process_time(), time.thread_time()
    indexed = search_mod.rebuild(db)
    index_s, index_cpu = time.perf_counter() - began, time.process_time() - cpu
    own = time.thread_time() - own  # the vault's thread; the rest ran on the second one
    assert indexed == notes
    db.close()
    meta = {"key": key.hex() if key else None, "notes": notes,
            "avg_chars": chars / min(notes, UNIQUE_BODIES), "rows_s": rows_s,
            "index_s": index_s, "index_cpu_s": index_cpu, "index_own_cpu_s": own,
            "index_load": [load_before, os.getloadavg()[0]],
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
    results: dict[str, Any] = {"load": os.getloadavg()[0]}
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


BULK_ADD = 5_000  # notes added to the big vault in one `index_documents` call


def writes(notes: int, seed: int, config: str) -> dict[str, Any]:
    """Adding notes in bulk, updating a note and purging a case, on a copy of the vault."""
    variant, memsec = CONFIGS[config]
    path, meta = load(notes, seed, variant)
    copy = _out[0] / f"writes-{path.name}"
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
    # Last, so the writes above meet the one-segment index a rebuild leaves, as before.
    added = [search_mod.Document(f"added:{i}", 1 + i % 50, "imported_note", corpus.title(1),
                                 corpus.note(), "2026") for i in range(BULK_ADD)]
    began, cpu = time.perf_counter(), time.process_time()
    search_mod.index_documents(db, added)  # one call, as the register import makes it
    add_s, add_cpu = time.perf_counter() - began, time.process_time() - cpu
    db.close()
    remove_db(copy)
    return {"update_ms": statistics.median(update_ms), "update_p95": percentile(update_ms, .95),
            "remove_case_ms": remove_ms, "removed": removed, "compact_s": compact_s,
            "add_s": add_s, "add_cpu_s": add_cpu, "load": os.getloadavg()[0]}


# -- the driver ----------------------------------------------------------------------------------

def worker(args: list[str]) -> Any:
    out = subprocess.run([sys.executable, __file__, "--worker", *args],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.exit(f"worker {args[:2]} failed:\n{out.stderr}")
    return json.loads(out.stdout) if out.stdout.strip() else None


def fmt(ms: float) -> str:
    return f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def build_cell(meta: dict[str, Any]) -> str:
    if "copied_s" in meta:
        return f"not built: the plain vault encrypted (sqlcipher_export, {meta['copied_s']:.0f} s)"
    wall, cpu, load = meta["index_s"], meta["index_cpu_s"], meta["index_load"]
    # The busier thread's CPU time bounds the wall time on an idle machine with 2 CPUs.
    busiest = max(meta.get("index_own_cpu_s", cpu), cpu - meta.get("index_own_cpu_s", cpu))
    return (f"{wall:.0f} s, **{meta['notes'] / wall:,.0f}/s** ({cpu:.0f} s, "
            f"{meta['notes'] / cpu:,.0f}/s; busier thread {busiest:.0f} s, "
            f"{meta['notes'] / busiest:,.0f}/s) [{load[0]:.1f} → {load[1]:.1f}]")


def add_cell(wr: dict[str, Any]) -> str:
    return (f"{wr['add_s']:.1f} s, {BULK_ADD / wr['add_s']:,.0f}/s "
            f"({BULK_ADD / wr['add_cpu_s']:,.0f}/s) [{wr['load']:.1f}]")


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
        f"{os.getloadavg()[0]:.1f} at the end (at the start of the measurements: enc "
        f"{res['enc']['load']:.1f}, memsec OFF {res['enc_nomemsec']['load']:.1f}, plain "
        f"{res['plain']['load']:.1f}). First page of 20 hits (or all, if fewer), warm cache, "
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
        f"| index build, `search.rebuild` (both FTS5 indexes in bulk, the gram index on a "
        f"second thread, then `optimize`): wall, notes/s (CPU time of both threads, notes/s "
        f"of CPU; CPU time of the busier thread, notes/s) [load at start → end] | "
        f"{build_cell(enc_meta)} | {build_cell(plain_meta)} |",
        *([] if not wr else [
            f"| {BULK_ADD:,} notes added in one `index_documents` call (the register "
            f"import's path): wall, notes/s (CPU) [load] | {add_cell(wr['enc'])} | "
            f"{add_cell(wr['plain'])} |"]),
        f"| database file (pages in use, the rest is free after `optimize`) | "
        f"{enc_meta['file_mb']:.0f} MB ({res['enc']['used_mb']:.0f} MB) | "
        f"{plain_meta['file_mb']:.0f} MB ({res['plain']['used_mb']:.0f} MB) |",
    ]
    if wr:
        lines += [
            f"| re-index one note (own transaction, synchronous=FULL), median / p95 | "
            f"{fmt(wr['enc']['update_ms'])} / {fmt(wr['enc']['update_p95'])} ms | "
            f"{fmt(wr['plain']['update_ms'])} / {fmt(wr['plain']['update_p95'])} ms |",
            f"| remove_case ({wr['enc']['removed']} documents) without / then `compact` | "
            f"{wr['enc']['remove_case_ms']:.0f} ms / {wr['enc']['compact_s']:.1f} s | "
            f"{wr['plain']['remove_case_ms']:.0f} ms / {wr['plain']['compact_s']:.1f} s |"]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--rebuild", action="store_true", help="ignore cached vaults")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the vaults")
    parser.add_argument("--delete-after", action="store_true",
                        help="delete the vaults after measuring")
    parser.add_argument("--encrypt-copy", action="store_true",
                        help="make the encrypted vault by encrypting the plain one (its "
                        "index build is then not measured)")
    parser.add_argument("--no-writes", action="store_true",
                        help="skip the writes (each copies the vault)")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    _out[0] = args.out
    if args.worker:
        kind, *rest = args.worker
        if kind == "build":
            build(args.notes, args.seed, rest[0])
        elif kind == "encrypt-copy":
            encrypt_copy(args.notes, args.seed)
        elif kind == "measure":
            print(json.dumps(measure(args.notes, args.seed, rest[0], args.runs)))
        elif kind == "writes":
            print(json.dumps(writes(args.notes, args.seed, rest[0])))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    common = ["--notes", str(args.notes), "--seed", str(args.seed), "--runs", str(args.runs),
              "--out", str(args.out)]
    for variant in ("plain", "enc"):  # the encrypted vault copies the plain one's rows
        path = db_path(args.notes, args.seed, variant)
        if args.rebuild or not Path(f"{path}.json").exists():
            print(f"building {variant} vault of {args.notes:,} notes…", file=sys.stderr)
            with contextlib.suppress(FileNotFoundError):
                remove_db(path)
            copy = variant == "enc" and args.encrypt_copy
            worker(["encrypt-copy" if copy else "build", variant, *common])
    results = {}
    for config in CONFIGS:
        print(f"measuring {config}…", file=sys.stderr)
        results[config] = worker(["measure", config, *common])
    wr = {} if args.no_writes else {
        config: worker(["writes", config, *common]) for config in ("enc", "plain")}
    print(report(args.notes, args.seed, args.runs, results, wr))
    if args.delete_after:
        for variant in ("enc", "plain"):
            remove_db(db_path(args.notes, args.seed, variant))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
