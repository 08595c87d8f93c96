"""What the application-level benchmarks share: nearest-rank summaries, formatting against a target,
bootstrapping Django on a fresh database in a child process (one engine per process), set-based loading
(executemany on SQLite, COPY on PostgreSQL) and the machine description."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def summary(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, max(0, int(round(0.95 * len(s) + 0.5)) - 1))]  # nearest rank
    return {"n": len(s), "min": s[0], "median": statistics.median(s), "p95": p95, "max": s[-1]}


def fmt_s(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def verdict(value: float, target: float) -> str:
    if value <= target:
        return f"met ({value / target:.0%} of target)"
    return f"**missed** by {fmt_s(value - target)} ({value / target:.1f}× target)"


def start_child(args: argparse.Namespace, prefix: str) -> tuple[Path, dict[str, Any]]:
    """Point the application at a fresh database (SQLite in a temp dir unless a URL is given), set
    Django up, migrate, and return the work directory and the result dictionary to fill."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["ARMSTRACE_VAR_DIR"] = str(work)
    os.environ["ARMSTRACE_DATABASE_URL"] = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "armstrace.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")
    out: dict[str, Any] = {"engine": connection.vendor, "args": vars(args), "load": {}, "measure": {},
                           "notes": []}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    out["load"]["migrate"] = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        out["engine_version"] = cur.fetchone()[0]
    print(f"[{connection.vendor}] migrated in {out['load']['migrate']:.1f} s", flush=True)
    return work, out


def _template(model, connection, given: set[str]) -> tuple[list[str], dict[str, object]]:
    """Column names of a model, and a value for every column not given per row.

    Refuses to run if a NOT NULL column has neither a per-row value nor a default, so a new
    column in a migration is noticed instead of silently breaking the load.
    """
    cols, const = [], {}
    for f in model._meta.concrete_fields:
        if f.primary_key and f.column not in given:
            continue
        cols.append(f.column)
        if f.column in given:
            continue
        value = f.get_default()
        if value is None and not f.null:
            raise SystemExit(f"{model._meta.label}.{f.column} is NOT NULL and the benchmark gives it no value")
        const[f.column] = f.get_db_prep_save(value, connection) if value is not None else None
    return cols, const


def bulk_rows(model, rows, given: list[str], chunk: int = 20_000) -> int:
    """Insert an iterable of per-row tuples (columns `given`): executemany on SQLite, COPY on PostgreSQL."""
    from django.db import connection

    cols, const = _template(model, connection, set(given))
    pos = {c: i for i, c in enumerate(given)}
    order = [(pos[c], None) if c in pos else (None, const[c]) for c in cols]
    table = model._meta.db_table
    n = 0

    def full(row):
        return tuple(row[i] if i is not None else v for i, v in order)

    quoted = ", ".join(f'"{c}"' for c in cols)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            raw = cur.cursor if hasattr(cur, "cursor") else cur
            with raw.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as cp:
                for row in rows:
                    cp.write_row(full(row))
                    n += 1
            if "id" in given:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                            f"(SELECT max(id) FROM \"{table}\"))")
        return n
    sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("%s" for _ in cols)})'
    batch = []
    with connection.cursor() as cur:
        for row in rows:
            batch.append(full(row))
            if len(batch) >= chunk:
                cur.executemany(sql, batch)
                n += len(batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
            n += len(batch)
    return n


def machine() -> str:
    cores = os.cpu_count()
    try:
        mem = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
                  .split()[1]) / 2**20
    except (OSError, StopIteration):
        mem = 0
    return (f"{cores} cores, {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def pg_admin(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def run_child(script: str, prefix: str, engine: str, url: str, args: argparse.Namespace, extra: list[str]) -> dict:
    """Run ``script --child`` on one engine (its own process; ``url`` empty = a fresh SQLite file)
    and return the result it wrote, with the wall clock of the whole child."""
    json_out = Path(tempfile.mkstemp(prefix=f"{prefix}-{engine}-", suffix=".json")[1])
    cmd = [sys.executable, script, "--child", "--json-out", str(json_out), *extra]
    if url:
        cmd += ["--database-url", url]
    if args.profile:
        cmd.append("--profile")
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    result: dict = json.loads(json_out.read_text())
    result["wall_clock"] = time.perf_counter() - start
    return result


def run_on_engines(args: argparse.Namespace, run_engine: Callable[[str, str], dict]) -> list[dict]:
    """Results of ``run_engine(engine, url)`` on the given database URL, or on SQLite and/or a
    PostgreSQL database created for the run and dropped after it; partial results are saved to
    ``args.save_json`` after each engine (a long PostgreSQL run must not lose the SQLite one)."""
    if args.database_url:
        return [run_engine("given", args.database_url)]
    results = []
    for engine in ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]:
        if engine == "sqlite":
            results.append(run_engine("sqlite", ""))
        else:
            name = args.pg_database
            base = args.pg_admin_url.rsplit("/", 1)[0]
            pg_admin(args.pg_admin_url, f'DROP DATABASE IF EXISTS "{name}"')
            pg_admin(args.pg_admin_url, f'CREATE DATABASE "{name}"')
            try:
                results.append(run_engine("postgresql", f"{base}/{name}"))
            finally:
                pg_admin(args.pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        Path(args.save_json).write_text(json.dumps(results, indent=1, default=str))
    return results


def timed_load(out: dict[str, Any], name: str, fn: Callable[[], Any]) -> Any:
    """Run one loading step, record its seconds in ``out["load"][name]`` and print them."""
    from django.db import connection

    start = time.perf_counter()
    result = fn()
    out["load"][name] = time.perf_counter() - start
    print(f"[{connection.vendor}] {name}: {out['load'][name]:.1f} s", flush=True)
    return result


def relax_sqlite_for_loading() -> None:
    """Load-only SQLite settings (large cache, no fsync); the connection is closed before measuring."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size=-2000000")
            cur.execute("PRAGMA synchronous=OFF")


def add_engine_arguments(parser: argparse.ArgumentParser, name: str, doc: Path) -> None:
    """The options every application benchmark takes: which engine(s), the PostgreSQL database it
    creates, where results are saved, report-only and child modes."""
    parser.add_argument("--database-url", default="", help="run on this database only (default: both engines)")
    parser.add_argument("--engine", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--both", action="store_const", const="both", dest="engine",
                        help="SQLite and PostgreSQL, each on a fresh database (the default)")
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-database", default=f"armstrace_{name}")
    parser.add_argument("--save-json", default=str(Path(tempfile.gettempdir()) / f"{name}-results.json"))
    parser.add_argument("--from-json", default="", help="only rewrite the report from saved results")
    parser.add_argument("--no-doc", action="store_true", help=f"do not write {doc.relative_to(ROOT)}")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", default="", help=argparse.SUPPRESS)


def dispatch(args: argparse.Namespace, child: Callable[[argparse.Namespace], None],
             parent: Callable[[argparse.Namespace], None],
             report: Callable[[list[dict], argparse.Namespace], None]) -> None:
    """Run as the measuring child, rewrite the report from saved results, or run every engine."""
    if args.child:
        child(args)
    elif args.from_json:
        report(json.loads(Path(args.from_json).read_text()), args)
    else:
        parent(args)


def dataset_and_load_lines(results: list[dict], dataset_keys: tuple[str, ...], rate: tuple[str, str, str]) -> list[str]:
    """The report's "Dataset and load" table, one column per engine.  ``rate`` = (label, dataset
    key, load step) for the rows-per-second line of the largest insert."""
    lines = ["## Dataset and load", "",
             "| | " + " | ".join(r["engine"] for r in results) + " |",
             "|---|" + "---|" * len(results),
             "| version | " + " | ".join(str(r.get("engine_version", "")) for r in results) + " |"]
    for key in dataset_keys:
        lines.append(f"| {key.replace('_', ' ')} | " + " | ".join(f"{r['dataset'][key]:,}" for r in results) + " |")
    for key in results[0]["load"]:
        lines.append(f"| load: {key} | " + " | ".join(fmt_s(r["load"].get(key, 0)) for r in results) + " |")
    label, count_key, step = rate
    per_second = [r["dataset"][count_key] / max(r["load"].get(step, 1), 1e-9) for r in results]
    lines.append(f"| {label} | " + " | ".join(f"{x:,.0f}" for x in per_second) + " |")
    lines.append("| database size | " + " | ".join(f"{r.get('db_size_mb', 0):,.0f} MB" for r in results) + " |")
    lines.append("| whole run (load + measurements) | " + " | ".join(fmt_s(r.get("wall_clock", 0)) for r in results)
                 + " |")
    lines.append("| peak RSS of the run | " + " | ".join(f"{r.get('peak_rss_mb', 0):,.0f} MB" for r in results) + " |")
    return lines


def targets_lines(results: list[dict], rows: list[tuple[str, str]]) -> list[str]:
    """The report's "Results against the targets" table: min, median, p95 and verdict per engine."""
    lines = ["", "## Results against the targets", "",
             "| measurement | engine | min | median | p95 | target | verdict (p95) |", "|---|---|---|---|---|---|---|"]
    for key, label in rows:
        for r in results:
            if key not in r["measure"]:
                continue
            mm = r["measure"][key]
            s = mm["summary"]
            target = mm.get("target")
            lines.append(f"| {label} | {r['engine']} | {fmt_s(s['min'])} | {fmt_s(s['median'])} | "
                         f"{fmt_s(s['p95'])} | {fmt_s(target) if target else '—'} | "
                         f"{verdict(s['p95'], target) if target else '(no target)'} |")
    return lines
