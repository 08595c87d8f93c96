"""Benchmark: linkage of seized items (`armstrace.diversion.link`) on 1,000,000 items, and the naive way beside it.

Usage: .venv/bin/python benchmarks/diversion.py [--items 1000000] [--seizures 100000] [--naive-items 20000]
       [--seed 2026] [--json out.json]

A seeded synthetic seizure database: background weapons (random serials of realistic formats,
a few import marks), background ammunition (headstamps with year, some lot numbers), plus *planted*
groups that the linkage must find -- batches of consecutive serials split across 2-4 seizures,
shared ammunition lots across seizures, same import marking on the same model -- and *decoys*: pairs
of weapons with close serials of the same format and model name but different manufacturers, which
must never be linked.  Reports time, peak memory, precision/recall against the planted groups, and
the naive all-pairs-within-block approach on a subset (same groups, time ratio).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from armstrace.diversion import Group, Link, SeizedItemFacts, groups_from_links, link  # noqa: E402
from armstrace.diversion.linkage import (  # noqa: E402
    CONFIDENCE,
    headstamp_has_year,
    serial_confidence,
    split_serial,
)
from armstrace.marking.normalise import normalise_name, normalise_serial  # noqa: E402

# maker -> (models, serial prefixes, digits).  Several makers share model names (AKM, PM) and prefixes, as
# in reality, so that close serials of different makers exist.
WEAPON_MAKERS: dict[str, tuple[list[str], list[str], int]] = {
    "Izhmash": (["AKM", "AK-74", "SVD"], [f"{y}" for y in range(60, 90)], 7),
    "Tula Arms": (["PM", "AKM", "TT"], ["TO", "ТУ", "БА", "AE"], 8),
    "Arsenal": (["AKM", "AR-M1", "PM"], [f"{y}" for y in range(60, 90)], 7),
    "Zastava": (["M70", "M92", "M76"], ["", "Z", "ZA"], 8),
    "Norinco": (["Type 56", "AKM", "Type 54"], [f"{y}" for y in range(56, 96)], 7),
    "FN Herstal": (["FAL", "FNC", "P90"], ["", "FN"], 9),
    "Heckler & Koch": (["G3", "MP5", "HK33"], ["A", "B", "C", "D"], 8),
    "Cugir": (["PM md. 63", "PM md. 65", "AKM"], [f"{y}" for y in range(60, 90)], 7),
    "Radom": (["kbk AKM", "PM-63", "AKM"], ["", "R"], 8),
    "CZ": (["vz. 58", "CZ 75", "vz. 61"], ["", "A", "B"], 8),
    "Colt": (["M16A1", "M4", "1911"], ["", "A"], 8),
    "Tokarev": (["TT", "SKS", "PM"], ["", "Б"], 8),
}
AMMO_MAKERS = {f"Factory {code}": code for code in ("17", "188", "270", "539", "711", "3", "60", "38", "46", "21")}
COUNTRIES = [f"C{i:02d}" for i in range(20)]


def _serial(prefix: str, number: int, digits: int, rng: random.Random) -> str:
    body = f"{number:0{digits}d}"
    sep = rng.choice(["", "", " ", "-"])
    return f"{prefix}{sep}{body}" if prefix else body


def generate(n_items: int, n_seizures: int, seed: int) -> tuple[list[SeizedItemFacts], dict[int, set[int]],
                                                                 list[tuple[int, int]]]:
    """Items, planted groups (group -> item ids), decoy pairs (item ids that must not be linked)."""
    rng = random.Random(seed)
    items: list[SeizedItemFacts] = []
    planted: dict[int, set[int]] = {}
    decoys: list[tuple[int, int]] = []
    next_id = 1

    def new_id() -> int:
        nonlocal next_id
        next_id += 1
        return next_id - 1

    def seizures(k: int) -> list[int]:
        return rng.sample(range(1, n_seizures + 1), k)

    makers = list(WEAPON_MAKERS)
    n_batches = n_items // 400  # 2,500 serial batches for 1 M items
    n_lots = n_items // 800
    n_imports = n_items // 2000
    n_decoys = n_items // 500

    # planted batches of consecutive serials split across 2-4 seizures
    for g in range(n_batches):
        maker = rng.choice(makers)
        models, prefixes, digits = WEAPON_MAKERS[maker]
        model, prefix = rng.choice(models), rng.choice(prefixes)
        number = rng.randrange(10 ** (digits - 1), 10**digits - 200)
        size = rng.randint(3, 12)
        sz = seizures(rng.randint(2, min(4, size)))
        ids: set[int] = set()
        for j in range(size):
            if j:
                number += rng.randint(1, 8)
            i = new_id()
            ids.add(i)
            items.append(SeizedItemFacts(i, sz[j % len(sz)], "weapon", maker, model,
                                         _serial(prefix, number, digits, rng)))
        planted[g] = ids
    # planted shared ammunition lots
    for g in range(n_batches, n_batches + n_lots):
        maker = rng.choice(list(AMMO_MAKERS))
        year = rng.randint(70, 99)
        lot = f"{rng.randint(1, 99999):05d}-{year}"
        size = rng.randint(2, 8)
        sz = seizures(rng.randint(2, min(4, size)))
        ids = set()
        for j in range(size):
            i = new_id()
            ids.add(i)
            # some readers record the manufacturer, others only the headstamp
            with_maker = rng.random() < 0.7 or j == 0
            items.append(SeizedItemFacts(i, sz[j % len(sz)], "ammunition", maker if with_maker else None, "7.62x39",
                                         lot=lot, headstamp=f"{AMMO_MAKERS[maker]} {year}"))
        planted[g] = ids
    # planted import-marking groups: same importer, year and model; serials far apart
    for g in range(n_batches + n_lots, n_batches + n_lots + n_imports):
        maker = rng.choice(makers)
        models, prefixes, digits = WEAPON_MAKERS[maker]
        model = rng.choice(models)
        country, year = rng.choice(COUNTRIES), rng.randint(1970, 2025)  # outside the background's years
        size = rng.randint(2, 5)
        sz = seizures(rng.randint(2, size))
        ids = set()
        for j in range(size):
            i = new_id()
            ids.add(i)
            items.append(SeizedItemFacts(i, sz[j % len(sz)], "weapon", maker, model,
                                         _serial(rng.choice(prefixes), rng.randrange(10**digits), digits, rng),
                                         import_country=country, import_year=year + 100))  # 2070-2125: unique
        planted[g] = ids
    # decoys: same model name and serial format, close serials, different makers, different seizures
    akm_makers = [m for m in makers if "AKM" in WEAPON_MAKERS[m][0] and WEAPON_MAKERS[m][2] == 7]
    for _ in range(n_decoys):
        ma, mb = rng.sample(akm_makers, 2)
        prefix = f"{rng.randint(60, 89)}"
        number = rng.randrange(10**6, 10**7 - 20)
        sa, sb = seizures(2)
        a, b = new_id(), new_id()
        items.append(SeizedItemFacts(a, sa, "weapon", ma, "AKM", _serial(prefix, number, 7, rng)))
        items.append(SeizedItemFacts(b, sb, "weapon", mb, "AKM", _serial(prefix, number + rng.randint(0, 10), 7, rng)))
        decoys.append((a, b))

    # background
    while len(items) < n_items:
        i = new_id()
        s = rng.randint(1, n_seizures)
        r = rng.random()
        if r < 0.55:
            maker = rng.choice(makers)
            models, prefixes, digits = WEAPON_MAKERS[maker]
            imported = rng.random() < 0.01
            items.append(SeizedItemFacts(
                i, s, "weapon", maker if rng.random() < 0.95 else None, rng.choice(models),
                _serial(rng.choice(prefixes), rng.randrange(10**digits), digits, rng) if rng.random() < 0.9 else None,
                import_country=rng.choice(COUNTRIES) if imported else None,
                import_year=rng.randint(1980, 2025) if imported else None,
            ))
        elif r < 0.90:
            maker = rng.choice(list(AMMO_MAKERS))
            year = rng.randint(70, 99)
            has_lot = rng.random() < 0.5
            items.append(SeizedItemFacts(
                i, s, "ammunition", maker if rng.random() < 0.6 else None, "7.62x39",
                lot=f"{rng.randint(1, 99999):05d}-{year}" if has_lot else None,
                headstamp=f"{AMMO_MAKERS[maker]} {year}",
            ))
        elif r < 0.95:
            items.append(SeizedItemFacts(i, s, "explosive", None, "TNT block 200 g"))
        elif r < 0.955:
            serial = f"{rng.randint(60, 89)}{rng.randrange(10**6):06d}"
            items.append(SeizedItemFacts(i, s, "manpads", "KBM", "9K32 Strela-2", serial))
        else:
            items.append(SeizedItemFacts(i, s, "other", None, None))
    rng.shuffle(items)
    return items, planted, decoys


def naive_links(items: list[SeizedItemFacts], *, window: int = 50, max_weak_block: int = 50) -> list[Link]:
    """The obvious approach: bucket by maker+model (serials) or by the equal mark, then compare *all pairs*
    inside each bucket.  Same rules, O(n^2) per bucket."""
    name = normalise_name
    out: list[Link] = []

    def add(a: SeizedItemFacts, b: SeizedItemFacts, kind: str, conf: float) -> None:
        lo, hi = sorted((a.item_id, b.item_id))
        out.append(Link(lo, hi, kind, "", conf))

    buckets: dict[tuple[str, ...], list[SeizedItemFacts]] = {}
    for it in items:
        if it.serial and it.manufacturer and it.model:
            buckets.setdefault(("S", name(it.manufacturer), name(it.model)), []).append(it)
        if it.lot:
            buckets.setdefault(("L", it.kind, name(it.lot)), []).append(it)
        if it.headstamp and headstamp_has_year(it.headstamp):
            buckets.setdefault(("H", it.kind, name(it.headstamp)), []).append(it)
        if it.import_country and it.import_year is not None and it.model:
            buckets.setdefault(("I", name(it.import_country), str(it.import_year), name(it.model)), []).append(it)
        if it.source_site:
            buckets.setdefault(("X", name(it.source_site)), []).append(it)
    for key, members in buckets.items():
        if key[0] in "HI" and len(members) > max_weak_block:
            continue
        for x in range(len(members)):
            a = members[x]
            for y in range(x + 1, len(members)):
                b = members[y]
                if key[0] == "S":
                    pa = split_serial(normalise_serial(a.serial or ""))
                    pb = split_serial(normalise_serial(b.serial or ""))
                    if pa and pb and (pa[0], pa[2], pa[3]) == (pb[0], pb[2], pb[3]):
                        gap = abs(pa[1] - pb[1])
                        if gap <= window:
                            add(a, b, "consecutive_serials", serial_confidence(gap, window))
                elif key[0] == "L":
                    same_maker = a.manufacturer and b.manufacturer and name(a.manufacturer) == name(b.manufacturer)
                    same_stamp = a.headstamp and b.headstamp and name(a.headstamp) == name(b.headstamp)
                    if same_maker or same_stamp:
                        add(a, b, "same_lot", CONFIDENCE["same_lot_with_maker"])
                elif key[0] == "H":
                    if not (a.lot and b.lot and name(a.lot) == name(b.lot)):
                        add(a, b, "same_lot", CONFIDENCE["same_lot_headstamp_only"])
                elif key[0] == "I":
                    add(a, b, "same_import_marking", CONFIDENCE["same_import_marking"])
                else:
                    add(a, b, "same_source_site", CONFIDENCE["same_source_site"])
    return out


def evaluate(groups: list[Group], planted: dict[int, set[int]], decoys: Iterable[tuple[int, int]]) -> dict[str, object]:
    owner = {i: g for g, ids in planted.items() for i in ids}
    group_of = {i: g.group_id for g in groups for i in g.item_ids}

    def pure(g: Group) -> bool:
        owners = {owner.get(i) for i in g.item_ids}
        return len(owners) == 1 and None not in owners

    exact = {g.item_ids for g in groups}
    recall_exact = sum(tuple(sorted(ids)) in exact for ids in planted.values()) / len(planted)
    recall_contained = sum(
        len({group_of.get(i) for i in ids}) == 1 and next(iter(ids)) in group_of for ids in planted.values()
    ) / len(planted)
    strong = [g for g in groups if g.confidence >= 0.85]
    by_kind: dict[str, dict[str, int]] = {}
    for g in groups:
        k = "+".join(g.kinds)
        d = by_kind.setdefault(k, {"groups": 0, "pure_planted": 0})
        d["groups"] += 1
        d["pure_planted"] += pure(g)
    decoys_linked = sum(group_of.get(a) is not None and group_of.get(a) == group_of.get(b) for a, b in decoys)
    return {
        "groups": len(groups),
        "planted_groups": len(planted),
        "precision": sum(map(pure, groups)) / max(1, len(groups)),
        "precision_conf_ge_0.85": sum(map(pure, strong)) / max(1, len(strong)),
        "groups_conf_ge_0.85": len(strong),
        "recall_exact": recall_exact,
        "recall_contained": recall_contained,
        "decoy_pairs": len(list(decoys)),
        "decoy_pairs_linked": decoys_linked,
        "by_kinds": by_kind,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--seizures", type=int, default=100_000)
    parser.add_argument("--naive-items", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    result: dict[str, object] = {"items": args.items, "seizures": args.seizures, "seed": args.seed}

    t0 = time.perf_counter()
    items, planted, decoys = generate(args.items, args.seizures, args.seed)
    result["generate_s"] = round(time.perf_counter() - t0, 2)
    print(f"generated {len(items):,} items, {len(planted):,} planted groups, {len(decoys):,} decoys "
          f"in {result['generate_s']} s", flush=True)

    t0, c0 = time.perf_counter(), time.process_time()
    groups = link(items)
    result["link_s"] = round(time.perf_counter() - t0, 2)
    result["link_cpu_s"] = round(time.process_time() - c0, 2)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result["quality"] = evaluate(groups, planted, decoys)
    print(f"link(): {result['link_s']} s wall, {result['link_cpu_s']} s CPU, "
          f"peak RSS {result['peak_rss_mb']} MB", flush=True)
    print(json.dumps(result["quality"], indent=1), flush=True)

    # side by side on a subset: the seizures with the smallest ids, so that planted groups are partly inside
    sub_seizures = max(1, args.seizures * args.naive_items // args.items)
    subset = [it for it in items if it.seizure_id <= sub_seizures]
    t0, c0 = time.perf_counter(), time.process_time()
    fast = link(subset)
    t_fast, c_fast = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    slow = groups_from_links(subset, naive_links(subset))
    t_naive, c_naive = time.perf_counter() - t0, time.process_time() - c0
    same = sorted(g.item_ids for g in fast) == sorted(g.item_ids for g in slow)
    same_conf = sorted((g.item_ids, g.confidence) for g in fast) == sorted((g.item_ids, g.confidence) for g in slow)
    result["subset"] = {
        "items": len(subset), "seizures": sub_seizures, "groups": len(fast),
        "link_s": round(t_fast, 3), "naive_s": round(t_naive, 3), "ratio": round(t_naive / t_fast, 1),
        "link_cpu_s": round(c_fast, 3), "naive_cpu_s": round(c_naive, 3), "cpu_ratio": round(c_naive / c_fast, 1),
        "same_groups": same, "same_confidences": same_conf,
    }
    print(f"subset {len(subset):,} items: link {t_fast:.3f} s ({c_fast:.3f} CPU), naive {t_naive:.3f} s "
          f"({c_naive:.3f} CPU, x{c_naive / c_fast:.1f}), same groups: {same}, same confidences: {same_conf}",
          flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
