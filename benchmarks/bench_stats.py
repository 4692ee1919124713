"""Statistics benchmark: a year's report over a 100,000-session vault, encrypted vs plain.

    .venv/bin/python benchmarks/bench_stats.py               # 100,000 sessions (builds once)
    .venv/bin/python benchmarks/bench_stats.py --sessions 20000 --runs 10
    .venv/bin/python benchmarks/bench_stats.py --sessions 1000000 --runs 5 \
        --out /tmp/xinhe-bench --delete-after       # 1M sessions, target 1 s
    .venv/bin/python benchmarks/bench_stats.py --sessions 1000000 --runs 5 \
        --out /tmp/xinhe-bench --migrate-from /work/bench-h41   # copy an older build, migrate

Builds the vault's real schema (every migration) twice with the same build of SQLite:
encrypted (SQLCipher raw key, cipher_memory_security ON as before issue 15, db.py's
pragmas) and plain (sqlcipher3 without a key), then fills it with bulk SQL inserts of
synthetic casework: 20,000 clients and cases, 100,000 sessions with note-sized answers,
risk history, crises, follow-ups, referrals and legal clocks. Every session falls inside
the measured year, the worst case for "a year's figures". The files are cached in
benchmarks/out/, keyed by the parameters. Each configuration is measured in its own
process (cipher_memory_security is process-wide). Prints a Markdown report for
BENCHMARKS.md. Target: the year's report in ≤ 200 ms (DESIGN.md allows 300 ms).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlcipher3  # noqa: E402

from benchmarks.common import OUT, open_db  # noqa: E402
from xinhe.records import vocab  # noqa: E402
from xinhe.records.migrations import MIGRATIONS  # noqa: E402
from xinhe.records.stats import ReportScope, compute_report  # noqa: E402
from xinhe.records.stats_period import Period  # noqa: E402

TARGET_MS = 200.0
TARGET_MS_1M = 1000.0  # issue 15: a year over 1,000,000 sessions in <= 1 s
SHENZHEN = timezone(timedelta(hours=8))
YEAR = Period(date(2025, 7, 1), date(2026, 6, 30))
NOW = datetime(2026, 7, 15, 10, 0, tzinfo=UTC)
COUNSELLORS = 20
SESSIONS_PER_CASE = 5
BUILD_VERSION = 1
CATEGORY_WEIGHTS = {"emotional_dispute": 46, "domestic_violence": 19, "marriage_family": 19,
                    "psychological_crisis": 7, "minor_protection": 4, "other": 5}
SOURCE_WEIGHTS = {"platform": 40, "self": 20, "community": 12, "police": 10, "hotline": 8,
                  "court": 4, "school": 3, "hospital": 3}
COMMUNITIES = [c for cs in vocab.BAOAN_STREETS.values() for c in cs]
FILLER = "当事人情绪稳定，讨论了安全计划和下一步的法律援助，约定两周后回访。 safety plan " * 8
SCOPES: dict[str, ReportScope] = {
    "whole studio": ReportScope(),
    "one counsellor": ReportScope(counsellor_id=3, counsellor_name="C3"),
    "one community": ReportScope(community=COMMUNITIES[0]),
}


def db_path(sessions: int, seed: int, variant: str) -> Path:
    schema = "".join(m.sql for m in MIGRATIONS)
    tag = hashlib.sha256(f"{sessions}/{seed}/{BUILD_VERSION}/{schema}".encode()).hexdigest()[:10]
    return _out[0] / f"stats-{sessions}-{seed}-{tag}-{variant}.db"


_out = [OUT]  # --out: where the vaults are built (a 1M-session pair is ~3 GB)


def target_ms(sessions: int) -> float:
    return TARGET_MS_1M if sessions >= 1_000_000 else TARGET_MS


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# -- workers (each runs in its own process) --------------------------------------------------

def build(sessions: int, seed: int, variant: str) -> None:
    """The schema from the migrations, then casework rows by bulk INSERT."""
    path = db_path(sessions, seed, variant)
    remove_db(path)
    key = os.urandom(32) if variant == "enc" else None
    db = open_db(path, key)
    began = time.perf_counter()
    rng = random.Random(seed)
    cases = max(1, sessions // SESSIONS_PER_CASE)
    start = datetime.combine(YEAR.start, datetime.min.time(), tzinfo=SHENZHEN)
    span = (YEAR.end - YEAR.start).days * 86400
    with db.transaction():
        for migration in MIGRATIONS:
            for statement in migration.statements():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {MIGRATIONS[-1].version}")
        now = ts(NOW)
        users = [(1, "admin", "admin", "admin"), (2, "sup", "sup", "supervisor"),
                 *[(3 + i, f"c{i}", f"C{3 + i}", "counsellor") for i in range(COUNSELLORS)],
                 (3 + COUNSELLORS, "staff", "staff", "staff")]
        db._conn.executemany("INSERT INTO users (id, username, display_name, role, created_at)"
                             " VALUES (?, ?, ?, ?, ?)", [(*u, now) for u in users])
        db._conn.executemany(
            "INSERT INTO clients (id, name, name_key, community, created_by, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, 2, ?, ?)",
            [(i, f"client {i}", f"client{i}", rng.choice(COMMUNITIES), now, now)
             for i in range(1, cases + 1)])
        case_rows, opened_at = [], {}
        for i in range(1, cases + 1):
            # Opened from three months before the year (cases carried over) to its end.
            opened = start + timedelta(seconds=rng.randint(-90 * 86400, span - 86400))
            closed = opened + timedelta(days=rng.randint(20, 200)) if rng.random() < 0.7 \
                else None
            opened_at[i] = opened
            source = weighted(rng, SOURCE_WEIGHTS)
            case_rows.append((i, f"XH-{i:06d}", i, weighted(rng, CATEGORY_WEIGHTS), source,
                              f"BA-{i}" if source == "platform" else None,
                              "closed" if closed else "active", ts(opened),
                              ts(closed) if closed else None, 3 + rng.randrange(COUNSELLORS),
                              rng.choice(("high", "medium", "low", None)), now, now))
        db._conn.executemany(
            "INSERT INTO cases (id, case_no, client_id, category, source, platform_ref, status,"
            " opened_at, closed_at, counsellor_id, risk_level, created_by, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2, ?, ?)", case_rows)
        batch = []
        for n in range(sessions):
            case_id = rng.randint(1, cases)
            begins = max(opened_at[case_id], start)
            when = begins + timedelta(seconds=rng.randint(0, max(1, span - int(
                (begins - start).total_seconds()))))
            batch.append((case_id, ts(when), rng.choice((1, 1, 1, 2, 2, 3, 4)),
                          FILLER[rng.randrange(40):], None if rng.random() < 0.03 else now))
            if len(batch) == 5000 or n == sessions - 1:
                db._conn.executemany(
                    "INSERT INTO sessions (case_id, started_at, duration_min, modality,"
                    " persons_served, template_id, template_version, answers, author_id,"
                    " created_at, updated_at, signed_at) VALUES (?, ?, 50, 'in_person', ?,"
                    " 'session_note', 1, ?, 3, ?, ?, ?)",
                    [(c, w, p, a, now, now, s) for c, w, p, a, s in batch])
                batch = []
        risk, crises, followups, referrals, clocks = [], [], [], [], []
        for i in range(1, cases + 1):
            moment, previous = opened_at[i], None
            for _ in range(rng.choice((1, 1, 2, 3))):
                moment += timedelta(days=rng.randint(0, 60))
                level = rng.choice([x for x in ("high", "medium", "low") if x != previous])
                risk.append((i, level, previous, ts(moment)))
                previous = level
            if rng.random() < 0.05:
                crises.append((i, ts(opened_at[i] + timedelta(days=rng.randint(0, 30))),
                               rng.choice(("dv_high_risk", "dv_high_risk", "suicide", "other")),
                               int(rng.random() < 0.15)))
            for _ in range(rng.choice((0, 1, 1, 2))):
                due = opened_at[i] + timedelta(days=rng.randint(7, 120))
                done = due + timedelta(days=rng.choice((-2, 0, 1, 3, 9)))
                status = rng.choice(("done", "done", "done", "due", "cancelled"))
                followups.append((i, ts(due), status, ts(done) if status == "done" else None))
            if rng.random() < 0.12:
                referrals.append((i, f"ZJ-{i:06d}", rng.choice(list(vocab.AGENCIES)),
                                  rng.choice(("draft", "signed", "delivered", "acknowledged")),
                                  ts(opened_at[i] + timedelta(days=2))))
            if rng.random() < 0.04:
                kind = rng.choice(("po_application", "minor_report", "warning_followup"))
                started = opened_at[i] + timedelta(days=1)
                clocks.append((i, kind, ts(started), ts(started + timedelta(days=3)),
                               rng.choice(("open", "met")), ts(started + timedelta(days=2)),
                               json.dumps({"granted": rng.random() < 0.8})))
        db._conn.executemany("INSERT INTO risk_history (case_id, level, previous, source,"
                             " changed_by, changed_at) VALUES (?, ?, ?, 'assessment', 3, ?)",
                             risk)
        db._conn.executemany(
            "INSERT INTO crisis_interventions (case_id, occurred_at, kind, on_site, template_id,"
            " template_version, answers, author_id, created_at, signed_at, content_hash)"
            " VALUES (?, ?, ?, ?, 'crisis_intervention', 1, '{}', 3, ?, ?, '')",
            [(*c, now, now) for c in crises])
        db._conn.executemany("INSERT INTO followups (case_id, due_at, status, done_at,"
                             " created_by, created_at) VALUES (?, ?, ?, ?, 3, ?)",
                             [(*f, now) for f in followups])
        db._conn.executemany("INSERT INTO referrals (case_id, referral_no, agency, purpose,"
                             " status, created_by, created_at) VALUES (?, ?, ?, 'referral', ?,"
                             " 3, ?)", referrals)
        db._conn.executemany("INSERT INTO clocks (case_id, kind, started_at, due_at, status,"
                             " met_at, details, created_by, created_at) VALUES"
                             " (?, ?, ?, ?, ?, ?, ?, 3, ?)", [(*c, now) for c in clocks])
    built = time.perf_counter() - began
    counts = {t: db.scalar(f"SELECT count(*) FROM {t}") for t in (
        "cases", "sessions", "risk_history", "crisis_interventions", "followups", "referrals",
        "clocks")}
    db.close()
    meta = {"key": key.hex() if key else None, "build_s": built, "counts": counts,
            "file_mb": path.stat().st_size / 1e6}
    Path(f"{path}.json").write_text(json.dumps(meta))


def migrate(sessions: int, seed: int, variant: str) -> None:
    """Bring a vault copied from an older schema's build up to date, timed."""
    path, meta = load(sessions, seed, variant)
    db = open_db(path, bytes.fromhex(meta["key"]) if meta["key"] else None)
    began, cpu = time.perf_counter(), time.process_time()
    meta["migrated"] = {"from": db.schema_version, "to": MIGRATIONS[-1].version,
                        "load": os.getloadavg()[0]}
    db.migrate()
    meta["migrated"].update(wall_s=time.perf_counter() - began, cpu_s=time.process_time() - cpu)
    db.close()
    meta["file_mb"] = path.stat().st_size / 1e6
    Path(f"{path}.json").write_text(json.dumps(meta))


def copy_older(sessions: int, seed: int, variant: str, folder: Path) -> bool:
    """Copy a vault built with an older schema (any tag) from `folder`; False if none."""
    for older in sorted(folder.glob(f"stats-{sessions}-{seed}-*-{variant}.db")):
        if Path(f"{older}.json").exists():
            path = db_path(sessions, seed, variant)
            shutil.copyfile(older, path)
            shutil.copyfile(f"{older}.json", f"{path}.json")
            return True
    return False


def load(sessions: int, seed: int, variant: str) -> tuple[Path, dict[str, Any]]:
    path = db_path(sessions, seed, variant)
    return path, json.loads(Path(f"{path}.json").read_text())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


CONFIGS = {
    "enc": ("enc", True),  # the app's setting
    "enc_nomemsec": ("enc", False),
    "plain": ("plain", False),
}


def measure(sessions: int, seed: int, config: str, runs: int) -> dict[str, Any]:
    variant, memsec = CONFIGS[config]
    path, meta = load(sessions, seed, variant)
    key = bytes.fromhex(meta["key"]) if meta["key"] else None
    db = open_db(path, key, memory_security=memsec)
    out: dict[str, Any] = {"load": os.getloadavg()[0]}
    for label, scope in SCOPES.items():
        began, cpu = time.perf_counter(), time.process_time()
        report = compute_report(db, YEAR, scope=scope, now=NOW, tz=SHENZHEN, studio="bench")
        first = (time.perf_counter() - began) * 1000
        first_cpu = (time.process_time() - cpu) * 1000
        times, cpus = [], []
        for _ in range(runs):
            began, cpu = time.perf_counter(), time.process_time()
            compute_report(db, YEAR, scope=scope, now=NOW, tz=SHENZHEN, studio="bench")
            times.append((time.perf_counter() - began) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        # CPU time beside wall time: the 2 CPUs are shared, so wall time follows the load.
        out[label] = {"first": first, "median": statistics.median(times),
                      "p95": percentile(times, 0.95), "first_cpu": first_cpu,
                      "median_cpu": statistics.median(cpus), "sessions": report.sessions,
                      "cases_served": report.cases_served,
                      "figures": hashlib.sha256(json.dumps(report.to_json() | {
                          "generated_at": None}, sort_keys=True, default=str).encode()
                      ).hexdigest()[:12]}
    db.close()
    return out


# -- the driver ----------------------------------------------------------------------------------

def worker(args: list[str]) -> Any:
    out = subprocess.run([sys.executable, __file__, *args], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout) if out.stdout.strip() else None


def report(sessions: int, seed: int, runs: int, results: dict[str, Any]) -> str:
    enc_meta, plain_meta = load(sessions, seed, "enc")[1], load(sessions, seed, "plain")[1]
    conn = sqlcipher3.connect(":memory:")
    versions = (conn.execute("SELECT sqlite_version()").fetchone()[0],
                conn.execute("PRAGMA cipher_version").fetchone()[0])
    counts = enc_meta["counts"]
    target = target_ms(sessions)
    lines = [
        f"### Statistics, a year's report over {counts['sessions']:,} sessions",
        "",
        f"SQLite {versions[0]}, SQLCipher {versions[1]}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), load "
        f"{os.getloadavg()[0]:.1f} at the end (at the start of each measurement: enc "
        f"{results['enc']['load']:.1f}, memsec OFF {results['enc_nomemsec']['load']:.1f}, "
        f"plain {results['plain']['load']:.1f}). Vault: {counts['cases']:,} cases, "
        f"{counts['sessions']:,} sessions (all inside the year, notes ~600 characters), "
        f"{counts['risk_history']:,} risk changes, {counts['followups']:,} follow-ups, "
        f"{counts['crisis_interventions']:,} crises, {counts['referrals']:,} referrals, "
        f"{counts['clocks']:,} clocks; {enc_meta['file_mb']:.0f} MB encrypted. "
        f"`compute_report` for {YEAR.start} – {YEAR.end} (12 months, risk levels at each "
        f"month end). *first* is the first report on a freshly opened connection (SQLite's "
        f"page cache empty, the operating system's as it happens to be); then "
        f"median / p95 of {runs} runs, in ms. *enc* is the encrypted vault "
        "with cipher_memory_security ON (before issue 15); *plain* is the same SQLite "
        "build without a key; "
        "*memsec OFF* is the encrypted vault with cipher_memory_security off. *CPU* is the "
        "process's CPU time for the report (the machine's 2 CPUs are shared, so wall time "
        "follows the load).",
        "",
        "| scope | sessions counted | enc first | enc median / p95 | plain first "
        "| plain median / p95 | enc ÷ plain (median) | enc, memsec OFF (the app): first, "
        f"median / p95 | OFF ÷ plain | memsec ON ÷ OFF | app CPU: first, median "
        f"| plain CPU median | target ≤ {target:.0f} ms (app) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    misses = []
    for label in SCOPES:
        e, p = results["enc"][label], results["plain"][label]
        o = results["enc_nomemsec"][label]
        # The app opens the vault with memory security OFF since issue 15.
        ok = o["median"] <= target and o["first"] <= target
        if not ok:
            misses.append(label)
        lines.append(
            f"| {label} | {e['sessions']:,} | {e['first']:.0f} | {e['median']:.0f} / "
            f"{e['p95']:.0f} | {p['first']:.0f} | {p['median']:.0f} / {p['p95']:.0f} | "
            f"{e['median'] / p['median']:.2f}× | {o['first']:.0f}, {o['median']:.0f} / "
            f"{o['p95']:.0f} | {o['median'] / p['median']:.2f}× | "
            f"{e['median'] / o['median']:.2f}× | {o['first_cpu']:.0f}, {o['median_cpu']:.0f} | "
            f"{p['median_cpu']:.0f} | {'✓' if ok else '✗'} |")
        if len({r[label]["figures"] for r in results.values()}) != 1:
            raise SystemExit(f"{label}: the configurations' figures differ")
    missed = ", ".join(misses) if misses else "none"
    lines += ["", f"Target: a year's figures in ≤ {target:.0f} ms (first and median, "
              f"encrypted as the app opens it). Missed: {missed}. "
              f"Building the benchmark vault by bulk SQL took {enc_meta['build_s']:.0f} s "
              f"encrypted, {plain_meta['build_s']:.0f} s plain. " + migrated(enc_meta, plain_meta)
              + "Report fingerprints (sha256 of "
              "its JSON; equal before and after a change that keeps the figures): " +
              ", ".join(f"{label} {results['plain'][label]['figures']}" for label in SCOPES)
              + "."]
    return "\n".join(lines)


def migrated(enc_meta: dict[str, Any], plain_meta: dict[str, Any]) -> str:
    """The migration of a vault copied from an older build, if it was one."""
    if "migrated" not in enc_meta:
        return ""
    e, p = enc_meta["migrated"], plain_meta.get("migrated", {})
    text = (f"The vaults were copied from a schema-{e['from']} build and migrated to "
            f"{e['to']}: {e['wall_s']:.1f} s encrypted ({e['cpu_s']:.1f} s CPU, load "
            f"{e['load']:.1f})")
    if p:
        text += f", {p['wall_s']:.1f} s plain ({p['cpu_s']:.1f} s CPU)"
    return text + ". "


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="ignore cached vaults")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the vaults")
    parser.add_argument("--delete-after", action="store_true",
                        help="delete the vaults after measuring")
    parser.add_argument("--migrate-from", type=Path,
                        help="copy vaults built with an older schema from this folder and"
                        " migrate them, instead of building")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    _out[0] = args.out
    if args.worker:
        kind, name = args.worker
        if kind == "build":
            build(args.sessions, args.seed, name)
        elif kind == "migrate":
            migrate(args.sessions, args.seed, name)
        else:
            print(json.dumps(measure(args.sessions, args.seed, name, args.runs)))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    common = ["--sessions", str(args.sessions), "--seed", str(args.seed), "--runs",
              str(args.runs), "--out", str(args.out)]
    for variant in ("enc", "plain"):
        path = db_path(args.sessions, args.seed, variant)
        if (not args.rebuild and not Path(f"{path}.json").exists() and args.migrate_from
                and copy_older(args.sessions, args.seed, variant, args.migrate_from)):
            print(f"migrating a copy of the {variant} vault…", file=sys.stderr)
            worker([*common, "--worker", "migrate", variant])
        if args.rebuild or not Path(f"{path}.json").exists():
            print(f"building {variant} vault of {args.sessions:,} sessions…", file=sys.stderr)
            with contextlib.suppress(FileNotFoundError):
                remove_db(path)
            worker([*common, "--worker", "build", variant])
    results = {}
    for config in CONFIGS:
        print(f"measuring {config}…", file=sys.stderr)
        results[config] = worker([*common, "--worker", "measure", config])
    print(report(args.sessions, args.seed, args.runs, results))
    if args.delete_after:
        for variant in ("enc", "plain"):
            remove_db(db_path(args.sessions, args.seed, variant))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
