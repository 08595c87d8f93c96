"""Benchmark: import a 100,000-row weapons CSV (target < 60 s on SQLite), and the naive path beside it.

Usage: .venv/bin/python benchmarks/import_weapons.py [--rows 100000] [--database-url URL]
Creates a fresh database (a temporary SQLite file unless --database-url is given), loads the
starter catalogue, writes a CSV in the field's typical shape (Cyrillic serials, maker aliases,
calibre spellings), and times: the bulk import (validation + bulk insert + ledger + events),
and, for comparison, saving rows one by one through save_record (on a sample, extrapolated).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--naive-sample", type=int, default=2_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="armstrace-bench-"))
    os.environ["ARMSTRACE_VAR_DIR"] = str(work)
    if args.database_url:
        os.environ["ARMSTRACE_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "armstrace.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from armstrace.catalogue.loader import load_catalogue
    from armstrace.core.importing import run_import
    from armstrace.core.models import Country, Organisation, User
    from armstrace.core.registration import REGISTRY
    from armstrace.core.services import save_record
    from armstrace.core.tabular import read_table
    from armstrace.registry.models import Weapon

    load_catalogue()
    org = Organisation.objects.create(name="Bench org", country=Country.objects.get(iso3="LBY"))
    user = User.objects.create(username="bench", role="registrar", organisation=org)
    rng = random.Random(7)
    makers = ["ИЖМАШ", "Izhmash", "Norinco", "FN Herstal", "Arsenal AD", ""]
    models = ["AKM", "AK-47", "Type 56", "FN FAL", "G3", "PKM", "RPG-7"]
    calibres = ["7,62×39", "7.62x39mm", "7.62 x 51", "7,62х54R", ""]
    lines = ["weapon_type,manufacturer,model,calibre,serial_number,year_of_manufacture,marking_condition"]
    for i in range(args.rows):
        serial = f"{rng.choice('АБВГДЕЖИКЛМН')}{rng.choice('АБВГДЕЖИКЛМН')} {i:07d}"
        lines.append(f"assault_rifle,{rng.choice(makers)},{rng.choice(models)},\"{rng.choice(calibres)}\","
                     f"{serial},{rng.randint(1960, 2010)},intact")
    data = ("\n".join(lines) + "\n").encode()
    print(f"# {args.rows:,} rows, {len(data) / 2**20:.1f} MB, database {connection.vendor}", flush=True)

    start = time.perf_counter()
    table = read_table("bench.csv", data)
    result = run_import(REGISTRY["weapons"], table, user)
    bulk_seconds = time.perf_counter() - start
    assert result.ok and result.written == args.rows, result.errors[:3]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bulk import: {bulk_seconds:.1f} s ({args.rows / bulk_seconds:,.0f} rows/s), peak RSS {rss_mb:.0f} MB")

    sample = args.naive_sample
    start = time.perf_counter()
    for i in range(sample):
        save_record(Weapon(weapon_type="assault_rifle", serial_number=f"NAIVE-{i}"), user)
    naive_seconds = time.perf_counter() - start
    per_row = naive_seconds / sample
    print(f"row-by-row save_record: {per_row * 1000:.2f} ms/row → {per_row * args.rows:.0f} s for {args.rows:,} rows "
          f"(extrapolated from {sample:,})")
    print(f"ratio: bulk is {per_row * args.rows / bulk_seconds:.1f}× faster")
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    sys.exit(0 if bulk_seconds < 60 else 1)


if __name__ == "__main__":
    main()
