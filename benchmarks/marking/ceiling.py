"""How much recall any ranking can reach on the benchmark's readings: an upper bound.

    .venv/bin/python benchmarks/marking/ceiling.py --records 10000000 --queries 2000

For each reading of the chosen classes (the same seeded readings as ``run.py``), every record's
plain edit distance (OSA) to the reading is computed by brute force on the confusion keys, so
optical confusions and script differences cost nothing, and every other edit costs one. Under the
corruption model of :mod:`benchmarks.marking.synthetic` one reading error is hundreds of times
likelier than two (each error picks a position and a character at random), so a ranking that
follows the model puts records fewer edits away first. The source record is then *out of reach*
when ten or more records are strictly fewer edits from the reading than it is; records exactly as
far as the source are counted as found (as the index returns ties). Three oracles, each more
generous than the last:

* ``any``: all records compete;
* ``maker``: when the reading names a manufacturer the register knows, only that manufacturer's
  records compete (the model never names a wrong one; a real officer sometimes does);
* ``details``: only records agreeing on every detail the reading gives (manufacturer, model,
  calibre): the most any use of the details can achieve.

The result is the recall@10 no ranking that prefers fewer reading errors can exceed. It is
written as JSON (``--out``) and printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from benchmarks.marking import synthetic as S  # noqa: E402

from armstrace.marking import confusion_key, normalise_query, normalise_serial  # noqa: E402

TOP = 10


def _log(*a: object) -> None:
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def _bucket(n: int) -> str:
    return "0" if n == 0 else "1-9" if n < TOP else "10-99" if n < 100 else "100+"


def _model_codes(ds: S.Dataset) -> tuple[np.ndarray, np.ndarray, dict[str, int], dict[str, int]]:
    """Model and calibre of every record as integer codes, and the code of each name."""
    names: dict[str, int] = {}
    calibres: dict[str, int] = {}
    per_maker = [
        [(names.setdefault(m, len(names)), calibres.setdefault(c, len(calibres))) for m, c in mk.models]
        for mk in S.MAKERS
    ]
    table = np.array([[per_maker[i][j % len(per_maker[i])] for j in range(2)] for i in range(len(S.MAKERS))])
    pairs = table[ds.maker.astype(np.int64), ds.model.astype(np.int64) % 2]
    return pairs[:, 0], pairs[:, 1], names, calibres


def analyse(ds: S.Dataset, queries: list[S.Query], workers: int) -> dict[str, Any]:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    keys = [confusion_key(normalise_serial(s)) for s in ds.serials]
    row_of = np.empty(len(ds) + 1, dtype=np.int64)
    row_of[ds.record_ids] = np.arange(len(ds))
    model, calibre, model_names, calibre_names = _model_codes(ds)
    canonical = S.aliases()
    maker_index = {m.name: i for i, m in enumerate(S.MAKERS)}
    per_class: dict[str, dict[str, Any]] = {}
    for klass in sorted({q.klass for q in queries}):
        found: Counter[str] = Counter()
        closer_hist: Counter[str] = Counter()
        mine = [q for q in queries if q.klass == klass]
        for qi, q in enumerate(mine):
            qk = confusion_key(normalise_query(q.text))
            dist = process.cdist([qk], keys, scorer=OSA.distance, score_cutoff=4, dtype=np.int8, workers=workers)[0]
            row = int(row_of[q.target])
            closer = dist < dist[row]
            found["any"] += int(np.count_nonzero(closer)) < TOP
            maker = maker_index.get(canonical.get(q.manufacturer or "", ""))
            if maker is not None:
                closer &= ds.maker == maker
            found["maker"] += int(np.count_nonzero(closer)) < TOP
            if q.model is not None:
                closer &= model == model_names[q.model]
            if q.calibre is not None:
                closer &= calibre == calibre_names[q.calibre]
            n_closer = int(np.count_nonzero(closer))
            found["details"] += n_closer < TOP
            closer_hist[_bucket(n_closer)] += 1
            if qi % 50 == 49:
                _log(klass, qi + 1, dict(found))
        per_class[klass] = {
            "n": len(mine),
            "recall_ceiling": {k: found[k] / len(mine) for k in ("any", "maker", "details")},
            "records_closer_than_source_details": dict(closer_hist),
        }
        _log(klass, per_class[klass])
    return per_class


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=10_000_000)
    ap.add_argument("--queries", type=int, default=2000, help="readings generated (as in run.py)")
    ap.add_argument("--classes", default="edit1,edit2")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--query-seed", type=int, default=7, help="seed of the readings (run.py: 7, and --check-seed)")
    ap.add_argument("--workers", type=int, default=1, help="threads for the brute-force distances")
    ap.add_argument("--out", default=str(ROOT / "benchmarks/marking/ceiling.json"))
    args = ap.parse_args()
    ds = S.generate(args.records, args.seed)
    classes = tuple(args.classes.split(","))
    queries = [q for q in S.make_queries(ds, args.queries, seed=args.query_seed) if q.klass in classes]
    _log("readings", len(queries))
    t = time.perf_counter()
    report = {
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "args": vars(args),
        "classes": analyse(ds, queries, args.workers),
        "seconds": time.perf_counter() - t,
    }
    Path(args.out).write_text(json.dumps(report, indent=1))
    _log("wrote", args.out)


if __name__ == "__main__":
    main()
