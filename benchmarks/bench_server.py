"""The studio server beside the local vault, in one run, over TLS to localhost (issue 13).

    .venv/bin/python benchmarks/bench_server.py                       # 100,000 notes
    .venv/bin/python benchmarks/bench_server.py --notes 5000 --cases 500 --runs 5

Builds the same records twice: in a local vault (SQLCipher, as the app opens it) and in a
studio database on a throwaway PostgreSQL cluster (tests/pg_cluster.py: TLS verified,
hostssl + SCRAM, the real schema with forced row security). The rows are written in bulk,
not through the app (a counsellor does not type 100,000 notes); on the server they are
sealed, blinded and given their search tokens with the studio's own keys exactly as the
seam writes them, by the cluster's superuser over its private socket. Then both homes are
measured the way the desktop asks, through the records services, signed in as a
counsellor (who sees her own 2% of the cases) and as the supervisor (who sees all):

- search, first page of every query class (target on the server ≤ 50 ms);
- the case list: the first screen (newest 200) and the whole list of 10,000 cases
  (target ≤ 300 ms);
- a year's statistics (target ≤ 500 ms), where the server offers them;
- a note save: a draft saved again with new text, based on its version (target ≤ 50 ms).

Prints a Markdown report with the machine's load beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("XINHE_TEST_FAST_KDF", "1")  # sign-ins are not what is measured

from benchmarks.bench_search import QUERIES  # noqa: E402
from benchmarks.common import Corpus  # noqa: E402

PASSWORDS = {"admin": "bench-admin-password", "sup": "bench-sup-password",
             "wang": "bench-wang-password"}
COUNSELLORS = 50
YEAR = 2026
NOW = datetime(YEAR, 12, 1, 12, 0, tzinfo=UTC)


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


# -- the records, once, for both homes ----------------------------------------------------------

def make_rows(cases: int, notes: int, wang_id: int, first_user: int) -> dict[str, list]:
    """Clients, cases and signed session notes: clear values, ids fixed."""
    from xinhe.records import vocab
    from xinhe.records.common import text_key
    from xinhe.records.names import sound_key

    rng, corpus = random.Random(2026), Corpus()
    communities = [c for cs in vocab.BAOAN_STREETS.values() for c in cs]
    clients, case_rows, notes_rows = [], [], []
    start = datetime(YEAR - 1, 1, 1, tzinfo=UTC)
    span = int((NOW - start).total_seconds())
    for i in range(1, cases + 1):
        name = corpus._name()
        opened = start + timedelta(seconds=rng.randrange(span))
        counsellor = wang_id if i % COUNSELLORS == 0 else first_user + rng.randrange(
            COUNSELLORS)
        clients.append({"id": i, "name": name, "name_key": text_key(name),
                        "name_sound": sound_key(name), "community": rng.choice(communities),
                        "created_by": counsellor, "created_at": opened.isoformat(),
                        "updated_at": opened.isoformat()})
        case_rows.append({"id": i, "case_no": f"XH-{opened.year}-{i:05d}", "client_id": i,
                          "category": rng.choice(list(vocab.CATEGORIES)),
                          "source": rng.choice(list(vocab.SOURCES)),
                          "status": rng.choice(("active", "active", "followup", "closed")),
                          "opened_at": opened.isoformat(), "counsellor_id": counsellor,
                          "risk_level": rng.choice((None, "low", "medium", "high")),
                          "created_by": counsellor, "created_at": opened.isoformat(),
                          "updated_at": opened.isoformat()})
    by_case = {c["id"]: c for c in case_rows}
    for n in range(1, notes + 1):
        case = by_case[rng.randint(1, cases)]
        opened = datetime.fromisoformat(case["opened_at"])
        when = opened + timedelta(seconds=rng.randrange(max(1, int((NOW - opened)
                                                                   .total_seconds()))))
        answers = {"data": corpus.note(500), "assessment": "情绪稳定，风险可控。",
                   "plan": "下周电话回访。"}
        notes_rows.append({"id": n, "case_id": case["id"], "started_at": when.isoformat(),
                           "duration_min": 50, "modality": "in_person", "persons_served": 1,
                           "template_id": "session_note", "template_version": 1,
                           "answers": json.dumps(answers, ensure_ascii=False),
                           "author_id": case["counsellor_id"], "created_at": when.isoformat(),
                           "updated_at": when.isoformat(), "signed_at": when.isoformat(),
                           "content_hash": ""})
    return {"clients": clients, "cases": case_rows, "sessions": notes_rows}


def documents(rows: dict[str, list]) -> list[Any]:
    """The search documents the services would index for these rows (search_index.py)."""
    from xinhe.records import search
    from xinhe.records import templates as tpl

    template = tpl.TemplateRegistry.default().get("session_note")
    names = {c["id"]: c["name"] for c in rows["clients"]}
    docs = [search.Document(f"case:{c['id']}", c["id"], "case",
                            f"{c['case_no']} {names[c['client_id']]}",
                            f"{c['case_no']}\n{names[c['client_id']]}", c["opened_at"])
            for c in rows["cases"]]
    docs += [search.Document(f"session:{s['id']}", s["case_id"], "session",
                             template.label.get("zh_CN"),
                             tpl.render_text(template, json.loads(s["answers"]), "zh_CN"),
                             s["started_at"]) for s in rows["sessions"]]
    return docs


def other_counsellors(first: int) -> list[dict[str, Any]]:
    return [{"id": first + i, "username": f"c{i:02d}", "display_name": f"咨询师{i:02d}",
             "role": "counsellor", "created_at": NOW.isoformat()} for i in range(COUNSELLORS)]


# -- the local vault -----------------------------------------------------------------------------

def build_local(path: Path, cases: int, notes: int) -> tuple[Any, float]:
    from xinhe.crypto.binding import DeviceBinding
    from xinhe.records import search
    from xinhe.records.accounts import AccountService
    from xinhe.records.vault import VaultFolder

    folder = VaultFolder(path, DeviceBinding.off("benchmark"))
    admin, _ = folder.create("馨和家园工作室", "admin", "管理员", PASSWORDS["admin"])
    accounts = AccountService(admin)
    accounts.add_user("sup", "周督导", "supervisor", PASSWORDS["sup"])
    wang = accounts.add_user("wang", "王丽", "counsellor", PASSWORDS["wang"]).id
    began = time.perf_counter()
    rows = make_rows(cases, notes, wang, 100)
    db = admin.db
    with db.transaction():
        insert(db.executemany, "users", other_counsellors(100), "?")
        for table in ("clients", "cases", "sessions"):
            insert(db.executemany, table, rows[table], "?")
        search.index_documents(db, documents(rows))
    admin.close("logout")
    return folder, time.perf_counter() - began


def insert(executemany: Callable[..., Any], table: str, rows: list[dict[str, Any]],
           mark: str) -> None:
    columns = list(rows[0])
    executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES"
                f" ({', '.join([mark] * len(columns))})", [tuple(r.values()) for r in rows])


# -- the studio server ---------------------------------------------------------------------------

def build_server(cluster: Any, cases: int, notes: int) -> tuple[Any, float]:
    import psycopg

    from xinhe.records.search_blind import _grams
    from xinhe.records.storage.server_admin import add_server_user, init_studio
    from xinhe.records.storage.server_session import ServerFolder

    dsn, _ = init_studio(cluster.dsn(), "xinhe_bench", "馨和家园工作室", "admin", "管理员",
                         PASSWORDS["admin"])
    admin = ServerFolder(dsn, "bench").unlock("admin", PASSWORDS["admin"])
    add_server_user(cluster.dsn(), admin, "sup", "supervisor", PASSWORDS["sup"], "周督导")
    add_server_user(cluster.dsn(), admin, "wang", "counsellor", PASSWORDS["wang"], "王丽")
    sealer = admin.sealer
    began = time.perf_counter()
    with psycopg.connect(host=str(cluster.folder / "run"), port=cluster.port, user="postgres",
                         dbname="xinhe_bench") as conn:
        conn.execute("SET search_path = xinhe")
        wang = conn.execute("SELECT id FROM users WHERE username = 'wang'").fetchone()[0]
        rows = make_rows(cases, notes, wang, 100)
        clear_docs = documents(rows)
        for client in rows["clients"]:
            client["name"] = sealer.seal("clients.name", client["name"])
            client["name_key"] = sealer.blind("name", client["name_key"])
            client["name_sound"] = sealer.blind("sound", client["name_sound"])
        for note in rows["sessions"]:
            note["answers"] = sealer.seal("sessions.answers", note["answers"])
        docs = [{"id": i, "doc_key": d.doc_key, "case_id": d.case_id, "kind": d.kind,
                 "title": sealer.seal("search_doc.title", d.title),
                 "body": sealer.seal("search_doc.body", d.body), "ts": d.ts,
                 "tokens": sorted({sealer.search_token(g) for part in (d.title, d.body)
                                   for g in _grams(part)})}
                for i, d in enumerate(clear_docs, 1)]
        with conn.transaction():
            # In bulk the GIN index is built once after the rows, not entry by entry.
            conn.execute("DROP INDEX search_doc_tokens")
            for table, table_rows in (("users", other_counsellors(100)),
                                      ("clients", rows["clients"]), ("cases", rows["cases"]),
                                      ("sessions", rows["sessions"]), ("search_doc", docs)):
                columns = list(table_rows[0])
                with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                                        ) as copy:
                    for row in table_rows:
                        copy.write_row(tuple(row.values()))
                conn.execute(f"SELECT setval(pg_get_serial_sequence('xinhe.{table}', 'id'),"
                             f" (SELECT max(id) FROM {table}))")
            conn.execute("CREATE INDEX search_doc_tokens ON search_doc USING gin (tokens)")
        conn.execute("ANALYZE")
    admin.close("logout")
    return ServerFolder(dsn, "bench"), time.perf_counter() - began


# -- measuring -----------------------------------------------------------------------------------

def timed(work: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    work()  # warm: the first run of a statement prepares it
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], result


def measure(folder: Any, runs: int) -> dict[str, Any]:
    from xinhe.records import templates as tpl
    from xinhe.records.services import Services

    registry = tpl.TemplateRegistry.default()
    out: dict[str, Any] = {}
    people = {who: folder.unlock(who, PASSWORDS[who]) for who in ("wang", "sup")}
    svc = {who: Services(session, registry) for who, session in people.items()}
    for label, query, _ in QUERIES:
        for who in ("wang", "sup"):
            out[f"search {who} {label}"] = timed(
                lambda q=query, w=who: len(svc[w].search(q, limit=20)), runs)
    for who in ("wang", "sup"):
        out[f"cases first {who}"] = timed(lambda w=who: len(svc[w].cases.find(limit=200)),
                                          runs)
        out[f"cases all {who}"] = timed(lambda w=who: len(svc[w].cases.find()), runs)
    out["stats sup"] = stats_year(svc["sup"], runs)
    case_id = svc["wang"].cases.find(limit=1)[0].id
    values = {"started_at": NOW, "duration_min": 50, "modality": "phone", "persons_served": 1}
    note = svc["wang"].notes.draft_session(case_id, answers={"data": "第一稿"}, **values)
    state = {"version": note.version, "n": 0}

    def save() -> int:
        state["n"] += 1
        saved = svc["wang"].notes.update_session(note.id, state["version"], answers={
            "data": f"第 {state['n']} 稿：当事人表示情绪平稳。"}, **values)
        state["version"] = saved.version
        return saved.version
    out["note save"] = timed(save, runs * 2)
    for session in people.values():
        session.close("logout")
    return out


def stats_year(svc: Any, runs: int) -> tuple[float, float, Any] | str:
    from datetime import date

    from xinhe.errors import XinheError
    from xinhe.records.stats import StatsService
    from xinhe.records.stats_period import Period

    try:
        period = Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
        return timed(lambda: StatsService(svc.vault).report(period), runs)
    except XinheError as exc:
        return exc.message("en")
    except (AttributeError, TypeError) as exc:
        return f"not measured ({type(exc).__name__})"


def report(local: dict[str, Any], server: dict[str, Any], meta: dict[str, Any]) -> str:
    lines = [f"### Studio server beside the local vault: {meta['notes']:,} notes, "
             f"{meta['cases']:,} cases", "",
             f"Built in bulk: local {meta['local_build']:.0f} s, server {meta['server_build']:.0f}"
             f" s. Load {meta['load_start']} at the start, {load()} at the end, "
             f"{os.cpu_count()} CPUs; median / p95 ms of {meta['runs']} runs, through the "
             "records services as the desktop asks; server over TLS to localhost.", "",
             "| measure | who | local vault | studio server | server ÷ local | server target |",
             "|---|---|---|---|---|---|"]

    def row(name: str, key: str, who: str, target: float | None) -> None:
        a, b = local.get(key), server.get(key)
        if isinstance(b, str) or b is None:
            lines.append(f"| {name} | {who} | {a[0]:.1f} / {a[1]:.1f} | {b} | | |")
            return
        ok = "" if target is None else (" ✓" if b[0] <= target else " ✗")
        lines.append(f"| {name} | {who} | {a[0]:.1f} / {a[1]:.1f} | {b[0]:.1f} / {b[1]:.1f} |"
                     f" {b[0] / max(a[0], 0.01):.1f}× | {'' if target is None else target}"
                     f"{ok} |")
    for label, _, _ in QUERIES:
        for who in ("wang", "sup"):
            row(f"search, {label}", f"search {who} {label}", who, 50)
    for who in ("wang", "sup"):
        row("case list, first screen (200)", f"cases first {who}", who, None)
        row("case list, all", f"cases all {who}", who, 300)
    row("a year's statistics", "stats sup", "sup", 500)
    row("note save (draft saved again)", "note save", "wang", 50)
    return "\n".join(lines)


def main() -> int:
    import pg_cluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    meta: dict[str, Any] = {"notes": args.notes, "cases": args.cases, "runs": args.runs,
                            "load_start": load()}
    cluster = pg_cluster.start()
    try:
        with tempfile.TemporaryDirectory(prefix="xinhe-bench-server-") as tmp:
            folder, meta["local_build"] = build_local(Path(tmp) / "vault", args.cases,
                                                      args.notes)
            server_folder, meta["server_build"] = build_server(cluster, args.cases, args.notes)
            local = measure(folder, args.runs)
            server = measure(server_folder, args.runs)
        print(report(local, server, meta))
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
