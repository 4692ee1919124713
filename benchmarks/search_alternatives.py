"""How the short-query index was chosen: alternatives measured on the benchmark vault.

    .venv/bin/python benchmarks/search_alternatives.py [--notes 100000]

Run bench_search.py first (it builds the vault). Works on a copy of the encrypted vault,
opened as the app opens it, and compares for 1- and 2-character queries:
  like     LIKE '%q%' over search_doc, newest first (no index);
  vocab    fts5vocab over the trigram index: every trigram starting with q, OR-ed;
  unigram  the suggested design: a contentless unicode61 FTS5 table in which each CJK
           character is its own token (Latin words stay words), 2 characters = a phrase;
  gram     what search.py does: each distinct character and adjacent pair as one token
           (ascii tokenizer, detail=none), so 1 or 2 characters = one token;
  search() the whole call on top of gram: rows read, checked, snippets made.
Only `gram` and `like` are exact for every query (`unigram` finds Latin 1-2 letters only
at word starts, `vocab` misses a pair at the very end of a text).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_search import RARE, load, percentile, remove_db  # noqa: E402
from benchmarks.common import OUT, open_db  # noqa: E402
from xinhe.records import search as search_mod  # noqa: E402

_CJK = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])")


def unigram_text(title: str, body: str) -> str:
    return _CJK.sub(r" \1 ", f"{title}\n{body}")


def unigram_expr(query: str) -> str:
    if _CJK.match(query):
        return '"' + " ".join(query) + '"'
    return f'"{query}" *'


def timed(fn: Any, runs: int) -> tuple[float, float, int]:
    result = fn()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), percentile(times, 0.95), len(result)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    path, meta = load(args.notes, args.seed, "enc")
    copy = OUT / f"alternatives-{path.name}"
    remove_db(copy)
    shutil.copyfile(path, copy)
    db = open_db(copy, bytes.fromhex(meta["key"]))
    try:
        return run(db, args)
    finally:
        db.close()
        remove_db(copy)


def run(db: Any, args: argparse.Namespace) -> int:
    db.execute("CREATE VIRTUAL TABLE alt_uni USING fts5(text, tokenize = 'unicode61', "
               "content = '', contentless_delete = 1)")
    began = time.perf_counter()
    with db.transaction():
        for doc_id, title, body in db.execute(
                "SELECT id, title, body FROM search_doc ORDER BY id DESC").fetchall():
            db.execute("INSERT INTO alt_uni(rowid, text) VALUES (?, ?)",
                       (-doc_id, unigram_text(title, body)))
        db.execute("INSERT INTO alt_uni(alt_uni) VALUES ('optimize')")
    uni_build = time.perf_counter() - began
    sizes = {t: db.scalar(f"SELECT sum(length(block)) FROM {t}_data") / 1e6
             for t in ("alt_uni", "search_gram", "search_tri")}
    db.execute("CREATE VIRTUAL TABLE temp.tri_vocab USING fts5vocab(main, search_tri, 'row')")
    db.execute("CREATE VIRTUAL TABLE temp.gram_vocab USING fts5vocab(main, search_gram, 'row')")

    # A pair of frequent characters that seldom stand together: a phrase query's worst case.
    freq = dict(db.execute("SELECT term, doc FROM temp.gram_vocab WHERE length(term) = 1 "
                           "AND term >= '一' ORDER BY doc DESC LIMIT 40").fetchall())
    rare_pair = min(
        ((term, doc) for term, doc in db.execute(
            "SELECT term, doc FROM temp.gram_vocab WHERE length(term) = 2").fetchall()
         if term[0] in freq and term[1] in freq and doc >= 1),
        key=lambda item: (item[1], -freq[item[0][0]] - freq[item[0][1]]))[0]

    queries = [("1 char, common", "暴"), ("1 char, rare", RARE["1"]),
               ("2 chars, common", "家暴"), ("2 chars, rare", RARE["2"]),
               ("2 chars, frequent characters, rare pair", rare_pair),
               ("2 Latin letters, in words", "dv")]

    def like(q: str) -> Any:
        return db.execute("SELECT id FROM search_doc WHERE title LIKE ?1 OR body LIKE ?1 "
                          "ORDER BY id DESC LIMIT 20", (f"%{q}%",)).fetchall()

    def vocab(q: str) -> Any:
        terms = [r[0] for r in db.execute("SELECT term FROM temp.tri_vocab WHERE term >= ? "
                                          "AND term < ?", (q, q + "\U0010ffff")).fetchall()]
        if not terms:
            return []
        expr = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        return db.execute("SELECT rowid FROM search_tri WHERE search_tri MATCH ? "
                          "ORDER BY rowid LIMIT 20", (expr,)).fetchall()

    def unigram(q: str) -> Any:
        return db.execute("SELECT rowid FROM alt_uni WHERE alt_uni MATCH ? ORDER BY rowid "
                          "LIMIT 20", (unigram_expr(q),)).fetchall()

    def gram(q: str) -> Any:
        token = q.translate(search_mod._PLACEHOLDERS)
        return db.execute("SELECT rowid FROM search_gram WHERE search_gram MATCH ? "
                          "ORDER BY rowid LIMIT 20", (f'"{token}"',)).fetchall()

    def full(q: str) -> Any:
        return search_mod.search(db, q)

    print(f"#### Short queries: alternatives ({args.notes:,} notes, encrypted, memsec ON, "
          f"median / p95 ms, first 20)\n")
    print("| query | like | vocab | unigram | gram (chosen) | search() with gram |")
    print("|---|---|---|---|---|---|")
    for label, q in queries:
        cells = []
        for fn in (like, vocab, unigram, gram, full):
            med, p95, n = timed(lambda fn=fn, q=q: fn(q), args.runs)
            cells.append(f"{med:.2f} / {p95:.2f} ({n})")
        print(f"| {label} `{q}` | " + " | ".join(cells) + " |")
    print(f"\nIndex data: unigram {sizes['alt_uni']:.0f} MB (built in {uni_build:.0f} s), "
          f"gram {sizes['search_gram']:.0f} MB, trigram {sizes['search_tri']:.0f} MB. "
          "(n) = rows returned. The index columns fetch rowids only; `search()` also reads "
          "each hit's row, checks it and makes its snippet.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
