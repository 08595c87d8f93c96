"""What the application-level benchmarks share: nearest-rank summaries, formatting against a target,
and bootstrapping Django on a fresh database in a child process (one engine per process)."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any


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
