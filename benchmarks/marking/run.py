"""Benchmark of armstrace.marking against rapidfuzz brute force, PostgreSQL pg_trgm and SQLite FTS5.

    .venv/bin/python benchmarks/marking/run.py --records 10000000 --queries 2000

Writes a markdown report (``--out``) and a JSON file next to it.  Everything is seeded.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from benchmarks.marking import synthetic as S  # noqa: E402

from armstrace.marking import MarkingIndex, confusion_key, normalise_query, normalise_serial  # noqa: E402

CLASSES = ("exact", "edit1", "edit2", "wildcard", "partial")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def log(*a: object) -> None:
    print(time.strftime("%H:%M:%S"), *a, flush=True)


Samples = dict[str, dict[str, list[Any]]]  # "lat" / "cpu" / "hit" / "size" -> class -> values


def measure(queries: Sequence[S.Query], fn: Callable[[S.Query], list[int]], into: Samples | None = None) -> Samples:
    """Run the readings once, adding latency (wall and CPU of this thread), whether the source
    is in the results, and the result count per class to ``into``."""
    out: Samples = into if into is not None else {m: defaultdict(list) for m in ("lat", "cpu", "hit", "size")}
    for q in queries:
        c = time.thread_time()
        t = time.perf_counter()
        ids = fn(q)
        out["lat"][q.klass].append((time.perf_counter() - t) * 1000)
        # CPU time of this thread: less sensitive to other work on the machine (for pg_trgm it
        # excludes the server's work, so it is not comparable there)
        out["cpu"][q.klass].append((time.thread_time() - c) * 1000)
        out["hit"][q.klass].append(q.target in ids)
        out["size"][q.klass].append(len(ids))
    return out


def summarise(name: str, samples: Samples, rounds: int = 1) -> dict[str, Any]:
    """Percentiles, recall@10 and mean result count per class."""
    out: dict[str, Any] = {}
    for k, lat in samples["lat"].items():
        a = np.array(lat)
        out[k] = {
            "n": len(a),
            "rounds": rounds,
            "p50": float(np.percentile(a, 50)),
            "p95": float(np.percentile(a, 95)),
            "cpu_p50": float(np.percentile(samples["cpu"][k], 50)),
            "cpu_p95": float(np.percentile(samples["cpu"][k], 95)),
            "recall": float(np.mean(samples["hit"][k])),
            "results": float(np.mean(samples["size"][k])),
        }
    log(name, {k: (round(v["p50"], 2), round(v["p95"], 2), round(v["recall"], 3)) for k, v in out.items()})
    return out


def evaluate(name: str, queries: Sequence[S.Query], fn: Callable[[S.Query], list[int]]) -> dict[str, Any]:
    return summarise(name, measure(queries, fn))


def evaluate_interleaved(
    label: str, sets: dict[str, tuple[Sequence[S.Query], Callable[[S.Query], list[int]]]], rounds: int
) -> dict[str, dict[str, Any]]:
    """Several reading sets on one engine, ``rounds`` times, the sets taking turns within each
    round and the latencies of a set pooled over the rounds: this host's speed changes within
    minutes (up to 1.8x), so sets measured one after the other would each see another state of
    it.  (The readings of a round touch far more of a 10 M index than the caches hold: a later
    round does not find its data cached.)"""
    samples: dict[str, Samples] = {}
    for _ in range(rounds):
        for name, (queries, fn) in sets.items():
            samples[name] = measure(queries, fn, samples.get(name))
    return {name: summarise(f"{label} {name}", samples[name], rounds) for name in sets}


def ours_fn(ix: MarkingIndex, explain: bool = False) -> Callable[[S.Query], list[int]]:
    """Our search; with ``explain`` every result's explanation and differences are also read
    (what a caller that shows every candidate pays: they are worked out on first use)."""

    def f(q: S.Query) -> list[int]:
        res = ix.search(q.text, manufacturer=q.manufacturer, model=q.model, calibre=q.calibre, limit=10)
        if explain:
            for m in res:
                _ = m.explanation, m.differences
        return [m.record_id for m in res]

    return f


def array_bytes(ix: MarkingIndex) -> int:
    return sum(int(a.nbytes) for a in ix._store.values())


def bench_ours(
    ds: S.Dataset,
    queries: list[S.Query],
    workdir: Path,
    label: str,
    extra: dict[str, list[S.Query]] | None = None,
    rounds: int = 1,
) -> dict[str, Any]:
    """Build, save, load and query our index.  ``extra``: further reading sets (name -> readings)
    measured on the same loaded index after the main one, and the main set's full readings once
    more with every result explained."""
    res: dict[str, Any] = {"records": len(ds)}
    gc.collect()
    rss0 = current_rss_mb()
    ix = MarkingIndex(S.aliases())
    t = time.perf_counter()
    ix.add_many(ds.records())
    res["build_s"] = time.perf_counter() - t
    res["peak_rss_mb_after_build"] = rss_mb()
    res["rss_delta_after_build_mb"] = current_rss_mb() - rss0
    res["index_bytes"] = array_bytes(ix)
    log(label, "built", res["build_s"], "s", res["index_bytes"] / 2**20, "MiB")
    path = workdir / f"ix-{label}"
    t = time.perf_counter()
    ix.save(path)
    res["save_s"] = time.perf_counter() - t
    res["disk_bytes"] = sum(p.stat().st_size for p in path.iterdir())
    # write the saved index out to disk before measuring: otherwise the kernel flushes the
    # 2.4 GB of freshly written pages during the first readings, as no running server would
    t = time.perf_counter()
    os.sync()
    res["sync_s"] = time.perf_counter() - t
    del ix
    gc.collect()
    t = time.perf_counter()
    ix = MarkingIndex.load(path)
    res["load_s"] = time.perf_counter() - t
    # warm the page cache like a running server would be
    t = time.perf_counter()
    for name, arr in ix._store.items():
        if arr.size:
            np.add.reduce(np.asarray(arr[:: 4096 // max(arr.itemsize, 1)]).astype(np.int64) if name else arr)
    res["warm_s"] = time.perf_counter() - t
    for q in queries[:100]:
        ours_fn(ix)(q)
    # adding one record to the loaded (memory-mapped) index
    add_lat = []
    for i in range(1000):
        t = time.perf_counter()
        ix.add(
            10**12 + i,
            f"ZX{i:07d}",
            manufacturer="Norinco",
            model="Type 56",
            calibre="7.62x39mm",
            country="CN",
        )
        add_lat.append((time.perf_counter() - t) * 1000)
    res["add_ms_mean"] = float(np.mean(add_lat))
    res["add_ms_max"] = float(np.max(add_lat))
    res["loadavg_before_queries"] = os.getloadavg()
    sets = {"readings": (queries, ours_fn(ix))}
    if extra:
        full = [q for q in queries if q.klass in ("exact", "edit1", "edit2")]
        sets["explained"] = (full, ours_fn(ix, explain=True))
        sets.update({name: (qs, ours_fn(ix)) for name, qs in extra.items()})
        # the host's speed in each round: brute force over 200,000 records, two readings a class
        control = [q for k in CLASSES for q in [q for q in queries if q.klass == k][:2]]
        sets["control: brute force, 200,000 records"] = (control, brute_fn(subset(ds, 200_000)))
    measured = evaluate_interleaved(f"ours[{label}]", sets, rounds)
    res["classes"] = measured.pop("readings")
    if extra:
        res["explained"] = measured.pop("explained")
        res["extra"] = measured
    res["loadavg_after_queries"] = os.getloadavg()
    del ix
    gc.collect()
    return res


def brute_fn(ds: S.Dataset) -> Callable[[S.Query], list[int]]:
    """rapidfuzz brute force over all records' confusion keys (same normalisation as ours, OSA)."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    keys = [confusion_key(normalise_serial(s)) for s in ds.serials]
    rids = ds.record_ids

    def f(q: S.Query) -> list[int]:
        qk = confusion_key(normalise_query(q.text)).replace("?", "").replace("*", "")
        return [int(rids[i]) for _, _, i in process.extract(qk, keys, scorer=OSA.distance, limit=10)]

    return f


def bench_brute(ds: S.Dataset, queries: list[S.Query]) -> dict[str, Any]:
    return evaluate("rapidfuzz brute force", queries, brute_fn(ds))


def bench_pg(ds: S.Dataset, queries: list[S.Query]) -> dict[str, Any] | None:
    try:
        import psycopg
    except ImportError:
        return None
    conn = None
    for dsn in ("postgresql://postgres@127.0.0.1:5432/test", "postgresql://127.0.0.1:5432/test"):
        try:
            conn = psycopg.connect(dsn, autocommit=True, connect_timeout=5)
            break
        except Exception as exc:  # noqa: BLE001
            log("pg connect failed", dsn, exc)
    if conn is None:
        return None
    res: dict[str, Any] = {"records": len(ds)}
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    cur.execute("DROP TABLE IF EXISTS marking_bench")
    cur.execute("CREATE UNLOGGED TABLE marking_bench (id bigint, serial text)")
    t = time.perf_counter()
    with cur.copy("COPY marking_bench (id, serial) FROM STDIN") as cp:
        for rid, s in zip(ds.record_ids.tolist(), ds.serials, strict=True):
            cp.write_row((rid, confusion_key(normalise_serial(s))))
    res["load_s"] = time.perf_counter() - t
    t = time.perf_counter()
    cur.execute("SET maintenance_work_mem = '2GB'")
    cur.execute("CREATE INDEX marking_bench_trgm ON marking_bench USING gin (serial gin_trgm_ops)")
    cur.execute("ANALYZE marking_bench")
    res["index_s"] = time.perf_counter() - t
    cur.execute("SELECT pg_relation_size('marking_bench_trgm')")
    res["index_bytes"] = cur.fetchone()[0]  # type: ignore[index]
    log("pg loaded", res)

    def f(q: S.Query) -> list[int]:
        qk = confusion_key(normalise_query(q.text))
        if "?" in qk or "*" in qk:
            cur.execute(
                "SELECT id FROM marking_bench WHERE serial LIKE %s LIMIT 10",
                (qk.replace("?", "_").replace("*", "%"),),
            )
        elif q.klass == "partial":
            cur.execute("SELECT id FROM marking_bench WHERE serial LIKE %s LIMIT 10", (f"%{qk}%",))
        else:
            cur.execute(
                "SELECT id FROM marking_bench WHERE serial %% %s ORDER BY similarity(serial, %s) DESC "
                "LIMIT 10",
                (qk, qk),
            )
        return [r[0] for r in cur.fetchall()]

    for q in queries[:50]:
        f(q)
    res["classes"] = evaluate("pg_trgm", queries, f)
    cur.execute("DROP TABLE marking_bench")
    conn.close()
    return res


def bench_sqlite(ds: S.Dataset, queries: list[S.Query], workdir: Path) -> dict[str, Any]:
    res: dict[str, Any] = {"records": len(ds)}
    db = sqlite3.connect(workdir / "fts.sqlite")
    db.execute("CREATE VIRTUAL TABLE m USING fts5(serial, tokenize='trigram')")
    t = time.perf_counter()
    db.executemany(
        "INSERT INTO m(rowid, serial) VALUES (?, ?)",
        (
            (rid, confusion_key(normalise_serial(s)))
            for rid, s in zip(ds.record_ids.tolist(), ds.serials, strict=True)
        ),
    )
    db.commit()
    res["build_s"] = time.perf_counter() - t
    res["disk_bytes"] = (workdir / "fts.sqlite").stat().st_size
    log("sqlite built", res)

    def f(q: S.Query) -> list[int]:
        qk = confusion_key(normalise_query(q.text))
        if "?" in qk or "*" in qk:
            rows = db.execute("SELECT rowid FROM m WHERE serial GLOB ? LIMIT 10", (qk,)).fetchall()
        elif q.klass == "partial":
            rows = db.execute("SELECT rowid FROM m WHERE serial LIKE ? LIMIT 10", (f"%{qk}%",)).fetchall()
        else:
            grams = sorted({qk[i : i + 3] for i in range(len(qk) - 2)})
            if not grams:
                return []
            expr = " OR ".join(f'"{g}"' for g in grams)
            rows = db.execute(
                "SELECT rowid FROM m WHERE m MATCH ? ORDER BY rank LIMIT 10", (expr,)
            ).fetchall()
        return [r[0] for r in rows]

    res["classes"] = evaluate("sqlite fts5 trigram", queries, f)
    db.close()
    return res


def subset(ds: S.Dataset, n: int) -> S.Dataset:
    return S.Dataset(ds.record_ids[:n], ds.serials[:n], ds.maker[:n], ds.model[:n])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--brute-queries", type=int, default=50)
    ap.add_argument(
        "--ext-records",
        type=int,
        default=1_000_000,
        help="records loaded into pg_trgm / SQLite (and ours again, for a fair side-by-side)",
    )
    ap.add_argument("--ext-queries", type=int, default=500)
    ap.add_argument("--skip-external", action="store_true")
    ap.add_argument(
        "--rounds", type=int, default=3, help="times our engine runs each reading set (latencies pooled)"
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--check-seed",
        type=int,
        default=99,
        help="seed of a second reading set, measured on the same index (the weights were not tuned on it alone)",
    )
    ap.add_argument("--out", default=str(ROOT / "benchmarks/marking/results.json"))
    args = ap.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="marking-bench-", dir=os.environ.get("BENCH_TMP")))
    report: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "args": vars(args),
        # other work on the machine inflates latencies: record the load around the run
        "loadavg_start": os.getloadavg(),
    }
    try:
        t = time.perf_counter()
        ds = S.generate(args.records, args.seed)
        # pure Python, unchanged between runs: a second control of the host's speed
        report["generate_s"] = time.perf_counter() - t
        log("generated", len(ds), report["generate_s"])
        queries = S.make_queries(ds, args.queries, seed=7)
        fuzzy = [q for q in queries if q.klass in ("edit1", "edit2")]
        extra = {
            "misattributed": S.misattributed(fuzzy),
            f"readings seed {args.check_seed}": S.make_queries(ds, args.queries, seed=args.check_seed),
        }
        report["ours"] = bench_ours(ds, queries, workdir, f"{args.records}", extra, args.rounds)
        bq = [q for i, q in enumerate(queries) if i < args.brute_queries * 1]
        report["brute"] = bench_brute(ds, bq)
        report["ours_on_brute_queries"] = None  # same queries are a prefix of `queries`; see per-class table
        if not args.skip_external:
            m = min(args.ext_records, len(ds))
            small = subset(ds, m)
            sq = S.make_queries(small, args.ext_queries, seed=11)
            del ds
            gc.collect()
            if m != args.records:
                report["ours_small"] = bench_ours(small, sq, workdir, f"{m}", rounds=args.rounds)
            else:
                report["ours_small"] = None
            report["pg_trgm"] = bench_pg(small, sq)
            report["sqlite_fts5"] = bench_sqlite(small, sq, workdir)
        report["peak_rss_mb"] = rss_mb()
        report["loadavg_end"] = os.getloadavg()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        Path(args.out).write_text(json.dumps(report, indent=1))
        log("wrote", args.out)


if __name__ == "__main__":
    main()
