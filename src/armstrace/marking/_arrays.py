"""Vectorised (numpy) building blocks of the marking index.

Why numpy and not per-record Python objects?  Ten million records as Python dicts/strings need
several GB and minutes to build; as flat arrays they need ~1.5 GB, build in about a minute with
``np.argsort`` on packed ``uint64`` keys, and can be memory-mapped read-only so several server
processes share one copy through the page cache.

Layout of one "store" (all arrays, saved as ``.npy``):

* ``ids`` (int64, sorted ascending, unique): record ids; row ``r`` is the r-th smallest id, so an
  id is found with ``np.searchsorted``.
* ``norm_buf`` (uint8) / ``norm_off`` (int64, N+1): normalised serials, UTF-8, each followed by
  ``\\n`` (so a gather of ``off[r]:off[r+1]`` already contains the separator).
* ``raw_buf`` / ``raw_off``: the serial exactly as registered (newlines replaced by spaces).
* ``manufacturer``/``model``/``calibre``/``country`` (int32): codes into small vocabularies,
  -1 when unknown.
* ``pair_keys`` (uint64, sorted; :func:`mix64` of the packed pair) / ``pair_rows`` (int32): the
  pigeonhole partition index (below); ``pair_dir`` (int64): where each bucket of the keys' top
  bits starts (:func:`key_directory`);
  ``pair_kp`` (uint64): each entry's packed key (``kpack`` of its row) stored inline, so the
  compiled scan reads the index sequentially instead of jumping to ``kpack`` once per hit.
* ``cheap`` (bool) / ``cpair_keys`` / ``cpair_rows`` / ``cpair_kp`` / ``cpair_dir``: the pair index restricted to
  the rows whose edits can cost less than 1.0 per key edit (see :func:`cheap_rows`).
* ``kpack`` (uint64): the first 12 key codes and the length of each row (:func:`pack_keys`).
* ``gram_off`` (int64, 32769) / ``gram_rows`` (int32): trigram posting lists (sorted, unique rows).
* ``pre_perm`` / ``suf_perm`` (int32): rows sorted by the first / last 12 characters of the key.

Pigeonhole partition index: the confusion key of length L is cut into 4 parts.  If the reading has
at most 2 edits, at least 2 of the 4 parts survive intact, each shifted by at most 2 positions.
So every record is indexed under the 6 *pairs* of its parts (hash of length, pair number and the
characters of both parts); a query probes, for each plausible record length and shift, the pairs it
would produce.  A pair covers half the serial, which is selective enough that only a few hundred
candidates reach verification even among ten million records.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ._compiled import LONG, probe_key_matrix
from .normalise import CONFUSION_CLASSES, TRANSLITERATION_DIGRAPHS

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
U64 = npt.NDArray[np.uint64]
U8 = npt.NDArray[np.uint8]

NPARTS: Final = 4
PAIRS: Final[tuple[tuple[int, int], ...]] = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
MAXPART: Final = 6  # characters of a part used in its key (5 bits each, 30 bits per part)
PREFIX_CHARS: Final = 12  # characters packed for the prefix/suffix orders (60 bits)
NGRAMS: Final = 1 << 15
SEP: Final = 10  # b"\n"


def _build_luts() -> tuple[U8, bytes]:
    """Byte -> 5-bit code of the *confusion-folded* character (0 = end, 30 = any other byte),
    and a bytes.translate table byte -> confusion-folded byte."""
    fold = {m: rep for rep, members in CONFUSION_CLASSES.items() for m in members}
    alphabet = "0123456789" + "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in fold)
    assert len(alphabet) == 29
    code = np.full(256, 30, dtype=np.uint8)
    table = bytearray(range(256))
    for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        k = fold.get(ch, ch)
        code[ord(ch)] = alphabet.index(k) + 1
        table[ord(ch)] = ord(k)
    code[SEP] = 0
    return code, bytes(table)


CODE_LUT, KEY_TABLE = _build_luts()


def splitmix64(x: int) -> int:
    """A well-mixed 64-bit constant per (length, pair) group, XOR-ed into the packed pair."""
    x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


def mix64(keys: U64) -> U64:
    """The splitmix64 finaliser, vectorised: a bijection of uint64 that spreads the packed pairs
    (whose high bits are mostly zero for short parts) evenly, so the top bits of a stored key
    address a directory bucket (:func:`key_directory`).  Being a bijection, no two keys merge."""
    with np.errstate(over="ignore"):
        x = np.asarray(keys, dtype=np.uint64)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        out: U64 = x ^ (x >> np.uint64(31))
    return out


def key_directory(keys: U64) -> npt.NDArray[np.integer]:
    """Start offset in the sorted ``keys`` of every bucket of their top ``b`` bits (about 8 keys
    per bucket), plus the end: a probe then costs two directory reads and a search among a few
    neighbouring keys instead of a binary search through the whole array."""
    bits = max(4, min(26, int(np.ceil(np.log2(max(len(keys), 1) / 8 + 1)))))
    counts = np.bincount((np.asarray(keys) >> np.uint64(64 - bits)).astype(np.int64), minlength=1 << bits)
    out: npt.NDArray[np.integer] = np.zeros((1 << bits) + 1, dtype=np.int32 if len(keys) < 2**31 else np.int64)
    np.cumsum(counts, out=out[1:])
    return out


@lru_cache(maxsize=4096)
def group_const(length: int, pair: int) -> int:
    return splitmix64(min(length, 255) * 8 + pair + 1)


@lru_cache(maxsize=256)
def part_bounds(length: int) -> tuple[tuple[int, int], ...]:
    """(start, length) of the 4 parts of a key of the given length."""
    cuts = [(i * length) // NPARTS for i in range(NPARTS + 1)]
    return tuple((cuts[i], cuts[i + 1] - cuts[i]) for i in range(NPARTS))


def ranges_index(lo: I64, cnt: I64) -> I64:
    """Concatenation of ``arange(lo[i], lo[i] + cnt[i])`` for all i, without a Python loop."""
    total = int(cnt.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(cnt)
    shift = np.repeat(lo - (ends - cnt), cnt)
    out: I64 = np.arange(total, dtype=np.int64) + shift
    return out


def gather(buf: npt.NDArray[np.uint8], off: I64, rows: npt.NDArray[np.integer]) -> tuple[U8, I64]:
    """Gather variable-length entries (with their trailing separator) of ``rows``."""
    starts = np.asarray(off[rows], dtype=np.int64)
    lens = np.asarray(off[rows + 1], dtype=np.int64) - starts
    new_off = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lens, out=new_off[1:])
    idx = ranges_index(starts, lens)
    return np.asarray(buf[idx], dtype=np.uint8), new_off


def offsets_from_separated(buf: U8) -> I64:
    """Offsets of a buffer in which every entry ends with ``\\n``."""
    nl = np.flatnonzero(buf == SEP)
    off = np.zeros(len(nl) + 1, dtype=np.int64)
    off[1:] = nl + 1
    return off


def _groups_by_length(lens: I64) -> Iterator[tuple[int, I64]]:
    if not len(lens):
        return
    order = np.argsort(lens, kind="stable")
    sl = lens[order]
    uniq, starts = np.unique(sl, return_index=True)
    ends = np.append(starts[1:], len(sl))
    for length, a, b in zip(uniq.tolist(), starts.tolist(), ends.tolist(), strict=True):
        yield int(length), order[a:b].astype(np.int64)


def _char_matrix(codes: U8, off: I64, rows: I64, length: int) -> npt.NDArray[np.uint64]:
    idx = off[rows][:, None] + np.arange(length, dtype=np.int64)[None, :]
    out: npt.NDArray[np.uint64] = codes[idx].astype(np.uint64)
    return out


def _pack_cols(m: npt.NDArray[np.uint64], start: int, length: int) -> npt.NDArray[np.uint64]:
    v = np.zeros(m.shape[0], dtype=np.uint64)
    for t in range(min(length, MAXPART)):
        v |= m[:, start + t] << np.uint64(5 * t)
    return v


_DIGRAPH_CODES: Final = np.array(sorted((ord(d[0]) << 8) | ord(d[1]) for d in TRANSLITERATION_DIGRAPHS), dtype=np.int32)


def cheap_rows(norm_buf: U8, norm_off: I64) -> npt.NDArray[np.bool_]:
    """Rows whose normalised serial allows an edit that costs less than 1.0 per key edit on the
    *record* side: a letter between digits (NCIC, 0.5), a two-letter transliteration (ZH ... one
    edit for two key characters), or any non-ASCII character (conservative)."""
    n = len(norm_off) - 1
    out = np.zeros(n, dtype=bool)
    if n == 0 or len(norm_buf) < 2:
        return out
    b = np.asarray(norm_buf)
    digit = (b >= 48) & (b <= 57)
    alpha = ((b >= 65) & (b <= 90)) | (b >= 128)
    mark = np.zeros(len(b), dtype=bool)
    mark[1:-1] = alpha[1:-1] & digit[:-2] & digit[2:]
    mark |= b >= 128
    pair = (b[:-1].astype(np.int32) << 8) | b[1:].astype(np.int32)
    mark[:-1] |= np.isin(pair, _DIGRAPH_CODES)
    pos = np.flatnonzero(mark)
    if len(pos):
        out[np.searchsorted(norm_off, pos, "right") - 1] = True
    return out


def build_cheap_index(pair_keys: U64, pair_rows: I32, cheap: npt.NDArray[np.bool_]) -> tuple[U64, I32]:
    """The pair index restricted to the cheap rows (already sorted, so a mask keeps it sorted)."""
    if not len(pair_rows):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)
    mask = cheap[pair_rows]
    return np.ascontiguousarray(pair_keys[mask]), np.ascontiguousarray(pair_rows[mask])


def complete_structures(store: dict[str, npt.NDArray[Any]]) -> None:
    """Derive, in place, the arrays an index saved by an older format lacks (cheap rows and
    their pair index, packed keys, inline packed keys, directories; before format 3 the pair
    keys were not mixed): vectorised, seconds at 10 M records."""
    if "pair_dir" not in store:
        keys = mix64(store["pair_keys"])
        order = np.argsort(keys)
        store["pair_keys"], store["pair_rows"] = keys[order], np.asarray(store["pair_rows"])[order]
        store["pair_dir"] = key_directory(store["pair_keys"])
    if "cheap" not in store:
        store["cheap"] = cheap_rows(store["norm_buf"], store["norm_off"])
    if "cpair_keys" not in store:
        store["cpair_keys"], store["cpair_rows"] = build_cheap_index(
            store["pair_keys"], store["pair_rows"], store["cheap"]
        )
    if "kpack" not in store:
        lens = (np.diff(np.asarray(store["norm_off"])) - 1).astype(np.int64)
        pre = prefix_codes(store["norm_buf"], store["norm_off"])[0]
        store["kpack"] = pack_keys(pre, lens, store["norm_buf"], store["norm_off"])
    for rows, inline in (("pair_rows", "pair_kp"), ("cpair_rows", "cpair_kp")):
        if inline not in store:
            store[inline] = np.asarray(store["kpack"])[store[rows]]
    if "cpair_dir" not in store:
        store["cpair_dir"] = key_directory(store["cpair_keys"])


def build_structures(norm_buf: U8, norm_off: I64) -> dict[str, npt.NDArray[Any]]:
    """Build the pair index, trigram postings and prefix/suffix orders for a store."""
    n = len(norm_off) - 1
    codes = CODE_LUT[norm_buf]
    lens = (np.diff(norm_off) - 1).astype(np.int64)
    pair_keys = np.empty(n * len(PAIRS), dtype=np.uint64)
    pair_rows = np.empty(n * len(PAIRS), dtype=np.int32)
    grams_parts: list[npt.NDArray[np.uint64]] = []
    pos = 0
    for length, rows in _groups_by_length(lens):
        if length == 0:
            continue
        m = _char_matrix(codes, norm_off, rows, length)
        packs = [_pack_cols(m, s, ln) for s, ln in part_bounds(length)]
        r32 = rows.astype(np.int32)
        for p, (i, j) in enumerate(PAIRS):
            k = (packs[i] << np.uint64(30)) | packs[j]
            k ^= np.uint64(group_const(length, p))
            pair_keys[pos : pos + len(rows)] = mix64(k)
            pair_rows[pos : pos + len(rows)] = r32
            pos += len(rows)
        rows_u = rows.astype(np.uint64)
        for t in range(length - 2):
            g = (m[:, t] << np.uint64(10)) | (m[:, t + 1] << np.uint64(5)) | m[:, t + 2]
            grams_parts.append((g << np.uint64(32)) | rows_u)
        del m, packs
    pair_keys = pair_keys[:pos]
    pair_rows = pair_rows[:pos]
    order = np.argsort(pair_keys)
    pair_keys = pair_keys[order]
    pair_rows = pair_rows[order]
    del order
    cheap = cheap_rows(norm_buf, norm_off)
    cpair_keys, cpair_rows = build_cheap_index(pair_keys, pair_rows, cheap)

    if grams_parts:
        comb = np.concatenate(grams_parts)
        del grams_parts
        comb.sort()
        keep = np.ones(len(comb), dtype=bool)
        keep[1:] = comb[1:] != comb[:-1]
        comb = comb[keep]
        del keep
        gram_ids = (comb >> np.uint64(32)).astype(np.int64)
        gram_rows = (comb & np.uint64(0xFFFFFFFF)).astype(np.int32)
        del comb
        gram_off = np.searchsorted(gram_ids, np.arange(NGRAMS + 1, dtype=np.int64)).astype(np.int64)
        del gram_ids
    else:
        gram_rows = np.zeros(0, dtype=np.int32)
        gram_off = np.zeros(NGRAMS + 1, dtype=np.int64)

    pre, suf = prefix_codes(norm_buf, norm_off, codes)
    pre_perm = np.argsort(pre, kind="stable").astype(np.int32)
    suf_perm = np.argsort(suf, kind="stable").astype(np.int32)
    kpack = pack_keys(pre, lens, norm_buf, norm_off)
    del pre, suf
    return {
        "pair_keys": pair_keys,
        "pair_rows": pair_rows,
        "pair_kp": kpack[pair_rows],
        "pair_dir": key_directory(pair_keys),
        "cheap": cheap,
        "cpair_keys": cpair_keys,
        "cpair_rows": cpair_rows,
        "cpair_kp": kpack[cpair_rows],
        "cpair_dir": key_directory(cpair_keys),
        "gram_off": gram_off,
        "gram_rows": gram_rows,
        "kpack": kpack,
        "pre_perm": pre_perm,
        "suf_perm": suf_perm,
    }


def prefix_codes(norm_buf: U8, norm_off: I64, codes: U8 | None = None) -> tuple[U64, U64]:
    """Per row: the first / last 12 key codes packed big-endian (0-padded)."""
    if codes is None:
        codes = CODE_LUT[np.asarray(norm_buf)]
    n = len(norm_off) - 1
    lens = (np.diff(np.asarray(norm_off)) - 1).astype(np.int64)
    pre = np.zeros(n, dtype=np.uint64)
    suf = np.zeros(n, dtype=np.uint64)
    starts = np.asarray(norm_off[:-1])
    last = max(len(codes) - 1, 0)
    for t in range(PREFIX_CHARS):
        valid = t < lens
        c = np.where(valid, codes[np.minimum(starts + t, last)], 0).astype(np.uint64) if n else pre
        pre = (pre << np.uint64(5)) | c
        c = np.where(valid, codes[np.clip(starts + lens - 1 - t, 0, last)], 0).astype(np.uint64) if n else suf
        suf = (suf << np.uint64(5)) | c
    return pre, suf




def pack_keys(pre: U64, lens: I64, norm_buf: U8, norm_off: I64) -> U64:
    """Per row: the first 12 key codes (big-endian, 5 bits each) << 4 | length (LONG when the
    packed form is not the whole key).  A fixed-width copy of the key for vectorised filtering."""
    n = len(lens)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    lcode = np.minimum(lens, LONG).astype(np.uint64)
    lcode[lens > PREFIX_CHARS] = LONG
    non_ascii = np.flatnonzero(np.asarray(norm_buf) >= 128)
    if len(non_ascii):
        lcode[np.unique(np.searchsorted(norm_off, non_ascii, "right") - 1)] = LONG
    out: U64 = (pre << np.uint64(4)) | lcode
    return out


def pack_prefix(key_codes: list[int]) -> int:
    """Big-endian 60-bit packing of up to 12 codes (0-padded), the sort key of pre/suf_perm."""
    v = 0
    for t in range(PREFIX_CHARS):
        v = (v << 5) | (key_codes[t] if t < len(key_codes) else 0)
    return v


ALL_PAIRS: Final = tuple(range(len(PAIRS)))


@lru_cache(maxsize=512)
def probe_templates(n: int, k: int, pairs: tuple[int, ...] = ALL_PAIRS) -> npt.NDArray[np.int64]:
    """For a query key of length n and at most k edits (insert/delete shift the parts), the
    substrings of the query to probe: rows of (start_a, len_a, start_b, len_b, group_const as
    int64 bits, pair number).

    A part that survives intact starts at ``record_start + delta`` in the query where ``delta`` is
    (insertions - deletions) before it; edits before part a, between a and b, and after b cost at
    least ``|da| + |db - da| + |(n - L) - db|`` which must be <= k.
    """
    out: set[tuple[int, int, int, int, int, int]] = set()
    for length in range(max(1, n - k), n + k + 1):
        bounds = part_bounds(length)
        diff = n - length
        for p in pairs:
            i, j = PAIRS[p]
            (si, li), (sj, lj) = bounds[i], bounds[j]
            g = group_const(length, p)
            for di in range(-k, k + 1):
                for dj in range(-k, k + 1):
                    if abs(di) + abs(dj - di) + abs(diff - dj) > k:
                        continue
                    a, b = si + di, sj + dj
                    if a < 0 or b < 0 or a + li > n or b + lj > n:
                        continue
                    out.add((a, min(li, MAXPART), b, min(lj, MAXPART), g - (1 << 64) if g >= 1 << 63 else g, p))
    rows = sorted(out)
    table = np.array(rows, dtype=np.int64).reshape(len(rows), 6)
    table.setflags(write=False)
    return table


def probe_keys(key_codes: list[int], k: int, pairs: tuple[int, ...] = ALL_PAIRS) -> U64:
    """Pair-index keys (before :func:`mix64`) to probe for one query key (codes) with at most k
    Levenshtein edits."""
    keys: U64 = probe_key_matrix(np.array([key_codes], dtype=np.uint64), probe_templates(len(key_codes), k, pairs))[0]
    return keys
