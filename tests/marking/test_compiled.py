"""The compiled kernels of the marking index against their plain references (no Django)."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA

from armstrace.marking import MarkingIndex, confusion_key, normalise_serial
from armstrace.marking import _arrays as A
from armstrace.marking import _compiled as C
from armstrace.marking.distance import COST_VECTOR, _table
from armstrace.marking.index import _SWAP_PAIRS, _Query
from marking.reference_distance import _table as reference_table

# confusable letters and digits, transliteration pairs, two-letter transliterations (ZH, CH, TS),
# letters between digits, wildcards and a letter of another script
READING = st.text(alphabet="0125689OILSZGBAHNPRCVYUXTJ?*Ж", max_size=9)
SERIAL = st.text(alphabet="0125689OILSZGBAHNPRCVYUXTJЖ", max_size=9)
KEY = st.text(alphabet="0123ABCH", min_size=1, max_size=12)


@settings(max_examples=1500, deadline=None)
@given(READING, SERIAL)
def test_compiled_weighted_table_equals_the_reference(query: str, record: str) -> None:
    table, pointers = _table(query, record)
    ref_table, ref_pointers = reference_table(query, record)
    assert table.tolist() == ref_table
    assert pointers.tolist() == ref_pointers


@settings(max_examples=300, deadline=None)
@given(READING)
def test_substitution_table_holds_the_cost_of_every_reading_of_every_character(query: str) -> None:
    q = C.as_codepoints(query)
    table = C._substitution_table(q, COST_VECTOR, C.CONFUSION_CLASS, C.TRANSLIT)
    expected = [[C._sub(int(qi), c, COST_VECTOR, C.CONFUSION_CLASS, C.TRANSLIT) for c in range(128)] for qi in q]
    assert table.tolist() == expected


def _codes(text: str) -> list[int]:
    return [int(A.CODE_LUT[b]) for b in text.encode()]


@settings(max_examples=1500, deadline=None)
@given(KEY, KEY)
def test_bit_parallel_osa_equals_rapidfuzz(query: str, record: str) -> None:
    codes = _codes(record)
    pm = C.pattern_masks(_codes(query))
    packed = np.uint64((A.pack_prefix(codes) << 4) | len(codes))
    buf = np.frombuffer(record.encode() + b"\n", dtype=np.uint8)
    expected = OSA.distance(query, record)
    assert C._osa_packed(pm, len(query), packed, len(codes)) == expected
    assert C._osa_bytes(pm, len(query), buf, 0, len(record), A.CODE_LUT) == expected


@settings(max_examples=1500, deadline=None)
@given(KEY, KEY, st.integers(min_value=0, max_value=3))
def test_window_test_never_rejects_a_record_within_k_edits(query: str, record: str, k: int) -> None:
    codes = _codes(record)
    packed = np.uint64((A.pack_prefix(codes) << 4) | len(codes))
    shifted = C.shifted_queries(_codes(query), k)
    if OSA.distance(query, record) <= k:
        assert C._window_ok(shifted, len(query), packed, len(codes), k, k >= C.WINDOW)


def test_window_test_uses_only_the_shifts_an_alignment_can_reach() -> None:
    """Keys of equal length within 2 edits match at shifts -1..1 only: a record that matches the
    reading two places along, either way (4 edits away), is rejected (the +-2 window of the
    length test alone would let it through); two swaps pass."""
    query = _codes("0123456789")

    def passes(record: str, k: int = 2) -> bool:
        codes = _codes(record)
        packed = np.uint64((A.pack_prefix(codes) << 4) | len(codes))
        return bool(C._window_ok(C.shifted_queries(query, k), len(query), packed, len(codes), k, k >= C.WINDOW))

    assert not passes("2345678901")  # OSA 4: every character two places along
    assert not passes("AB01234567")  # the other way
    assert passes("1023456798")  # two swaps: shifts -1 and +1
    assert passes("23456789")  # two characters missing: shifts 0..2
    assert list(C.window_shifts(2, 0)) == [-1, 0, 1]
    assert list(C.window_shifts(2, 2)) == [-2, -1, 0]
    assert list(C.window_shifts(2, -1)) == [-1, 0, 1, 2]
    assert list(C.window_shifts(1, 2)) == []


def test_scan_finds_exactly_the_probed_rows_within_the_cutoff() -> None:
    """The compiled scan against the plain path: every row under the probe keys, rapidfuzz OSA."""
    rng = random.Random(11)
    serials = [f"{rng.randrange(10**6):06d}" for _ in range(3000)]
    serials += [f"{rng.choice('ABHCX')}{rng.randrange(10**5):05d}{rng.choice('ZK')}" for _ in range(1500)]
    serials += ["中1234567", "ABCDEFGHJK12345"]  # a non-ASCII serial and one too long to pack
    # a family sharing its first half: its probe keys hold more entries than one scan block
    special = {"中1234576": len(serials) - 2, "ABCDEFGHJK12354": len(serials) - 1, "77770402": len(serials) + 402}
    serials += [f"7777{i:04d}" for i in range(3 * C.SCAN_BLOCK)]
    ix = MarkingIndex()
    ix.add_many({"record_id": i + 1, "serial": s} for i, s in enumerate(serials))
    compared = 0
    for reading in rng.sample(serials, 60) + list(special):
        norm = normalise_serial(reading)
        q = _Query(reading, norm, confusion_key(norm), 10, {}, {})
        q.codes = _codes(q.key)
        q.pm = C.pattern_masks(q.codes)
        probes = C.probe_array(A.probe_keys(q.codes, 2))
        for kmin, cutoff in ((0, 1), (0, 2), (0, 3), (3, 3)):
            rows, dist = ix._scan(q, probes, False, cutoff, kmin)
            probed = ix._probe(probes, ("pair_keys", "pair_rows"))
            _, probed_keys = ix._row_strings(probed)
            plain = process.cdist([q.key], probed_keys, scorer=OSA.distance, dtype=np.int64)[0]
            keep = (plain >= kmin) & (plain <= cutoff)
            assert rows.tolist() == probed[keep].tolist(), reading
            assert dist.tolist() == plain[keep].tolist(), reading
            compared += len(rows)
            if reading in special and kmin == 0:
                assert special[reading] in rows.tolist()
    assert compared > 100


def test_stage_probes_take_the_smallest_couple_of_pairs_and_skip_what_was_probed() -> None:
    """The first stage probes the part pair (exact readings) or complementary couple of pairs
    (one edit) holding the fewest index entries, with the swaps' intact probes; the second stage
    every pair's probes for two edits but those of the first.  Both against the plain
    computation, one template row at a time."""
    rng = random.Random(5)
    serials = [f"{rng.randrange(10**4):04d}{rng.choice('ABHX')}{rng.randrange(10**4):04d}" for _ in range(4000)]
    serials += [f"1234{rng.choice('ABHX')}{rng.randrange(10**4):04d}" for _ in range(500)]  # crowded first half
    ix = MarkingIndex()
    ix.add_many({"record_id": i + 1, "serial": s} for i, s in enumerate(serials))
    keys, directory = ix._store["pair_keys"], ix._store["pair_dir"]
    couples_used = set()
    for reading in ["1234A5678", "5678B1234", "12345678", "9876X5432", "1234"]:
        codes = _codes(confusion_key(normalise_serial(reading)))
        code_array = np.array(codes, dtype=np.uint64)
        n = len(codes)
        for k in (0, 1):
            templates = A.probe_templates(n, k)
            entries = [0] * len(A.PAIRS)
            for row, key in zip(templates.tolist(), A.probe_keys(codes, k).tolist(), strict=True):
                mixed = int(A.mix64(np.array([key], dtype=np.uint64))[0])
                entries[row[5]] += int(np.searchsorted(keys, mixed, "right") - np.searchsorted(keys, mixed, "left"))
            if k == 0:
                chosen = (int(np.argmin(entries)),)
            else:
                chosen = min(((0, 5), (1, 4), (2, 3)), key=lambda c: entries[c[0]] + entries[c[1]])
                couples_used.add(chosen)
            expected = set(A.probe_keys(codes, k, chosen).tolist())
            if k == 1:
                for variant in C.swapped_variants(code_array).tolist():
                    expected |= set(A.probe_keys(variant, 0, chosen[:1]).tolist())
            mixed_expected = sorted(set(A.mix64(np.array(sorted(expected), dtype=np.uint64)).tolist()))
            first = C.first_stage_probes(code_array, templates, A.probe_templates(n, 0), keys, directory, k)
            assert first.tolist() == mixed_expected, (reading, k)
        later = set(A.probe_keys(codes, 2).tolist())
        for variant in C.swapped_variants(code_array).tolist():
            later |= set(A.probe_keys(variant, 1, _SWAP_PAIRS).tolist())
        mixed_later = set(A.mix64(np.array(sorted(later), dtype=np.uint64)).tolist()) - set(first.tolist())
        second = C.second_stage_probes(code_array, A.probe_templates(n, 2), A.probe_templates(n, 1, _SWAP_PAIRS), first)
        assert second.tolist() == sorted(mixed_later), reading
    assert len(couples_used) > 1  # the crowded first half moves the choice away from it


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=60), max_size=40), min_size=1, max_size=4))
def test_posting_intersection_equals_set_intersection(lists: list[list[int]]) -> None:
    postings = [sorted(set(x)) for x in lists]
    postings.sort(key=len)
    flat = np.array([r for p in postings for r in p], dtype=np.int32)
    ends = np.cumsum([len(p) for p in postings]).astype(np.int64)
    starts = ends - np.array([len(p) for p in postings], dtype=np.int64)
    expected = sorted(set.intersection(*(set(p) for p in postings)))
    assert C.intersect_postings(flat, starts, ends).tolist() == expected


def _plain_probe_keys(codes: list[int], k: int, pairs: tuple[int, ...]) -> set[int]:
    """The pair keys of a reading computed one template at a time with Python integers."""
    prefix = [0]
    for t, c in enumerate(codes):
        prefix.append(prefix[-1] | (c << (5 * t)))

    def part(a: int, ln: int) -> int:
        return (prefix[a + ln] - prefix[a]) >> (5 * a)

    return {
        ((part(int(a), int(la)) << 30) | part(int(b), int(lb))) ^ (int(g) & (2**64 - 1))
        for a, la, b, lb, g, _ in A.probe_templates(len(codes), k, pairs).tolist()
    }


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=18),
    st.integers(min_value=0, max_value=2),
    st.sampled_from([A.ALL_PAIRS, (0, 5), (3,)]),
)
def test_compiled_probe_keys_equal_the_plain_computation(codes: list[int], k: int, pairs: tuple[int, ...]) -> None:
    assert set(A.probe_keys(codes, k, pairs).tolist()) == _plain_probe_keys(codes, k, pairs)
    variants = C.swapped_variants(np.array(codes, dtype=np.uint64))
    swaps = {(i, codes[i + 1], codes[i]) for i in range(len(codes) - 1) if codes[i] != codes[i + 1]}
    assert {next((i, r[i], r[i + 1]) for i in range(len(r)) if r[i] != codes[i]) for r in variants.tolist()} == swaps
    for row, keys in zip(
        variants.tolist(), C.probe_key_matrix(variants, A.probe_templates(len(codes), k, pairs)).tolist(), strict=True
    ):
        assert set(keys) == _plain_probe_keys(row, k, pairs)


FULL_READING = st.text(alphabet="0125689OILSZGBAHNPRCVYUXTJDKMЖ", min_size=1, max_size=9)
CANDIDATES = st.lists(st.text(alphabet="0125689OILSZGBAHNPRCVYUXTJDKMЖ", min_size=1, max_size=10), max_size=25)


@settings(max_examples=600, deadline=None)
@given(FULL_READING, CANDIDATES, st.integers(min_value=1, max_value=6))
def test_best_first_scores_the_candidates_that_reach_the_limit_exactly(
    reading: str, serials: list[str], limit: int
) -> None:
    """The scoring loop's shortcuts (the key distance instead of the table where no operation
    cheaper than 1.0 applies, skipping candidates whose key distance cannot reach the results)
    change nothing: every candidate whose exact score reaches the limit-th best is returned, with
    its exact distance."""
    from armstrace.marking.distance import COST_VECTOR, weighted_distance

    rng = random.Random(len(serials) * 31 + limit)
    serials = [normalise_serial(s) or "0" for s in serials]
    buf = np.frombuffer("".join(s + "\n" for s in serials).encode(), dtype=np.uint8)
    off = A.offsets_from_separated(buf)
    key = confusion_key(reading)
    dk = np.array([OSA.distance(key, confusion_key(s)) for s in serials], dtype=np.int64)
    bonus = np.array([rng.choice((0.0, 0.5, 1.25)) for _ in serials], dtype=np.float64)
    exact = [weighted_distance(reading, s) for s in serials]
    score = [(25.0 if d == 0 else 15.0) - min(d, 4.5) + b for d, b in zip(exact, bonus, strict=True)]
    # the index's upper bound: key edits cost at least 0.3 each (a transliteration pair)
    ub = np.where(dk == 0, 25.0, 15.0) - 0.3 * dk + bonus
    order = np.argsort(-ub, kind="stable")
    cache = np.full(len(serials), np.nan)
    sel, dist = C.best_first(
        C.as_codepoints(reading), buf, off, order.astype(np.int64), ub[order], bonus[order], dk[order],
        order.astype(np.int64), cache, 99, limit, np.zeros(0), np.array([25.0, 15.0, 4.5]),
        C.scoring_tables(COST_VECTOR),
    )
    got = {int(order[i]): d for i, d in zip(sel.tolist(), dist.tolist(), strict=True)}
    for i, d in got.items():
        assert abs(d - exact[i]) < 1e-9, (reading, serials[i])
    if serials:
        kth = sorted(score, reverse=True)[min(limit, len(score)) - 1]
        assert {i for i, s in enumerate(score) if s >= kth - 1e-9} <= set(got)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=60))
def test_compiled_probe_array_mixes_sorts_and_dedupes_like_the_index(keys: list[int]) -> None:
    arr = np.array(keys, dtype=np.uint64)
    assert C.mix_keys(arr).tolist() == A.mix64(arr).tolist()
    assert C.probe_array(arr).tolist() == sorted(set(A.mix64(arr).tolist()))
