"""Compiled inner loops of the marking index (numba).

Why compiled?  At ten million records a fuzzy reading of a dense numeric serial reaches tens of
thousands of rows through the pair index, and the top ``limit`` must be chosen among the hundreds
or thousands within two edits.  As chains of numpy operations (gather, filter, unique) and a
pure-Python dynamic programme this cost 10-40 ms per reading; as loops compiled by numba over the
same memory-mapped arrays it costs about a millisecond.  numba compiles once per machine and
caches the machine code next to this module (or in ``NUMBA_CACHE_DIR``).

Two kernels:

* :func:`scan_pairs` walks the ranges of the probed pair keys and keeps a row when the optimal
  string alignment (OSA) distance between the query key and the row's key is small enough,
  computed with Hyyrö's bit-parallel algorithm (2003) on the packed key (``kpack``) or, for keys
  the packed form cannot hold, on the serial's bytes.
* :func:`weighted_table` fills the weighted edit-distance table of :mod:`.distance` (costs and
  back pointers documented there); :func:`best_first` scores the candidates of a reading in the
  order of their upper bounds and stops when no remaining one can reach the results.
"""

from __future__ import annotations

import functools
from typing import Any, Final

import numba
import numpy as np
import numpy.typing as npt

from .normalise import CONFUSION_CLASSES, TRANSLITERATION_DIGRAPHS, TRANSLITERATION_PAIRS

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: length code of a packed key (``kpack``) that does not hold the whole key (> 12 characters, non-ASCII)
LONG: Final = 15
_NEVER: Final = np.uint64(0x9E3779B97F4A7C15)  # a word the kernels compare their first reads with
_READ_AHEAD: Final = 64  # candidates whose serials the scoring reads up front
_UNKNOWN: Final = -1  # "distance not computed here": the caller computes it

# --- character properties of the weighted distance (ASCII; other characters have none) --------


def _tables() -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    cls = np.zeros(128, dtype=np.int8)
    for n, (_rep, members) in enumerate(sorted(CONFUSION_CLASSES.items()), start=1):
        for m in members:
            cls[ord(m)] = n
    translit = np.zeros((128, 128), dtype=np.bool_)
    for pair in TRANSLITERATION_PAIRS:
        a, b = sorted(pair)
        translit[ord(a), ord(b)] = translit[ord(b), ord(a)] = True
    digraph = np.zeros((128, 128), dtype=np.bool_)
    for d in TRANSLITERATION_DIGRAPHS:
        if d.isascii():
            digraph[ord(d[0]), ord(d[1])] = True
    return cls, translit, digraph


CONFUSION_CLASS, TRANSLIT, DIGRAPH = _tables()


def _letter_tables() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Per ASCII character: the bit mask (bit = letter - 'A') of its transliteration partners
    (H: N, N: H, P: R ...), and whether it is a letter of a confusion class (O, I, L, S ...)."""
    partner = np.zeros(128, dtype=np.int64)
    for pair in TRANSLITERATION_PAIRS:
        a, b = sorted(pair)
        partner[ord(a)] |= 1 << (ord(b) - 65)
        partner[ord(b)] |= 1 << (ord(a) - 65)
    confusable = np.zeros(128, dtype=np.bool_)
    for members in CONFUSION_CLASSES.values():
        for m in members:
            if m.isalpha():
                confusable[ord(m)] = True
    return partner, confusable


#: see :func:`_letter_tables` and :func:`_profile`
PARTNER, CONFUSABLE = _letter_tables()


def scoring_tables(cost: npt.NDArray[np.float64]) -> tuple[Any, ...]:
    """The character tables :func:`score_candidates` reads, with the costs in
    :data:`COST_ORDER`, as the one argument it takes them in."""
    return cost, CONFUSION_CLASS, TRANSLIT, DIGRAPH, PARTNER, CONFUSABLE


#: costs in the order of :data:`.distance.COSTS` used by the kernel
COST_ORDER: Final = (
    "confusion",
    "transliteration",
    "wildcard",
    "star",
    "star_char",
    "embedded_letter",
    "substitution",
    "missing",
    "extra",
    "transposition",
    "digraph",
)

_QMARK: Final = 63
_STAR: Final = 42

_JIT: Final[dict[str, Any]] = {"cache": True, "nogil": True}
#: small helpers of the hot loops are inlined by numba itself (a call between separately
#: compiled functions is not inlined by LLVM and costs several times the helper's own work)
_INLINE: Final[dict[str, Any]] = {**_JIT, "inline": "always"}


def as_codepoints(text: str) -> I32:
    """The code points of a string as an int32 array (the kernels' string type)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.int32)


@numba.njit(**_INLINE)
def _is_digit(c: int) -> bool:
    return 48 <= c <= 57


@numba.njit(**_INLINE)
def _is_alpha(c: int) -> bool:
    # normalised serials hold A-Z, 0-9 and letters of other scripts (digits are all folded)
    return 65 <= c <= 90 or 97 <= c <= 122 or c >= 128


@numba.njit(**_INLINE)
def _embedded(s: I32, i: int) -> bool:
    return 0 < i < len(s) - 1 and _is_alpha(s[i]) and _is_digit(s[i - 1]) and _is_digit(s[i + 1])


@numba.njit(**_INLINE)
def _profile(s: I32, digraph: Any, partner: Any, confusable: Any) -> tuple[np.int64, np.int64, bool, bool]:
    """What cheap operations of the weighted distance a string can take part in: the mask of
    its letters, the mask of their transliteration partners, whether it has anything else that
    can make an edit cost less than 1.0 (a letter between digits, a two-letter transliteration,
    a character beyond ASCII) and whether it has a letter of a confusion class."""
    letters = np.int64(0)
    partners = np.int64(0)
    cheap = False
    conf = False
    for i in range(len(s)):
        c = s[i]
        if c >= 128:
            cheap = True
            continue
        if 65 <= c <= 90:
            letters |= np.int64(1) << np.int64(c - 65)
            partners |= partner[c]
            conf = conf or confusable[c]
            cheap = cheap or _embedded(s, i)
        if i >= 1 and s[i - 1] < 128 and digraph[s[i - 1], c]:
            cheap = True
    return letters, partners, cheap, conf


@numba.njit(**_INLINE)
def _key(c: int, cls: npt.NDArray[np.int8]) -> int:
    """Confusion-folded character (the class number, offset past Unicode, or the character)."""
    if c < 128 and cls[c] != 0:
        return 0x110000 + cls[c]
    return c


@numba.njit(**_INLINE)
def _sub(q: int, r: int, cost: npt.NDArray[np.float64], cls: Any, translit: Any) -> float:
    if q == r:
        return 0.0
    if q == _QMARK:
        return cost[2]
    if q < 128 and r < 128:
        if cls[q] != 0 and cls[q] == cls[r]:
            return cost[0]
        if translit[q, r]:
            return cost[1]
    return cost[6]


@numba.njit(**_INLINE)
def _digraph_end(s: I32, j: int, digraph: Any) -> bool:
    """Is s[j-2:j] a two-letter transliteration (ZH, TS, CH ...)?"""
    return j >= 2 and s[j - 2] < 128 and s[j - 1] < 128 and digraph[s[j - 2], s[j - 1]]


@numba.njit(**_JIT)
def weighted_table(
    q: I32, r: I32, cost: npt.NDArray[np.float64], cls: Any, translit: Any, digraph: Any
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8]]:
    """DP table and back pointers of the weighted distance (see :func:`.distance._table`)."""
    d = np.empty((len(q) + 1, len(r) + 1), dtype=np.float64)
    b = np.empty((len(q) + 1, len(r) + 1), dtype=np.int8)
    scratch = _Scratch(len(r))
    _fill_table(q, r, cost, cls, translit, digraph, _substitution_table(q, cost, cls, translit), d, b, scratch)
    return d, b


@numba.njit(**_INLINE)
def _Scratch(m: int) -> tuple[I64, npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Per-record arrays of :func:`_fill_table` (key, cost of a missing character, digraph end),
    allocated once for all candidates of a reading."""
    return np.empty(m, dtype=np.int64), np.empty(m, dtype=np.float64), np.empty(m, dtype=np.bool_)


@numba.njit(**_JIT)
def _substitution_table(q: I32, cost: npt.NDArray[np.float64], cls: Any, translit: Any) -> npt.NDArray[np.float64]:
    """Cost of reading each ASCII record character as each character of the reading (row i:
    the reading's i-th character), worked out once per reading: the table's inner loop then
    reads one number instead of testing the confusion classes and transliteration pairs.
    Row by row, as :func:`_sub` decides (equal 0, ``?`` the wildcard cost, same confusion class,
    transliteration pair, anything else); filling rows whole costs a tenth of asking
    :func:`_sub` for each of the 128 characters."""
    out = np.empty((len(q), 128), dtype=np.float64)
    for i in range(len(q)):
        qi = q[i]
        if qi == _QMARK:
            out[i, :] = cost[2]
            out[i, _QMARK] = 0.0
            continue
        out[i, :] = cost[6]
        if qi < 128:
            ci = cls[qi]
            for c in range(128):
                if ci != 0 and cls[c] == ci:
                    out[i, c] = cost[0]
                elif translit[qi, c]:
                    out[i, c] = cost[1]
            out[i, qi] = 0.0
    return out


@numba.njit(**_JIT)
def _fill_table(
    q: I32,
    r: I32,
    cost: npt.NDArray[np.float64],
    cls: Any,
    translit: Any,
    digraph: Any,
    subq: npt.NDArray[np.float64],
    d: npt.NDArray[np.float64],
    b: npt.NDArray[np.int8] | None,
    scratch: tuple[I64, npt.NDArray[np.float64], npt.NDArray[np.bool_]],
) -> None:
    """Fill ``d`` and ``b`` (at least (len(q) + 1) x (len(r) + 1); reused between candidates so
    the scoring loop allocates nothing).  ``b`` None: distances only (numba compiles that case
    apart, without the back pointers: the scoring loop needs no alignment; 20 % faster).
    ``subq``: :func:`_substitution_table` of ``q``; ``scratch``: :func:`_Scratch` of at least
    len(r)."""
    n, m = len(q), len(r)
    c_star, c_star_char, c_emb = cost[3], cost[4], cost[5]
    c_miss, c_extra, c_swap, c_dig = cost[7], cost[8], cost[9], cost[10]
    c_other = cost[6]
    rk, rmiss, rdig = scratch
    any_dig = False
    for j in range(m):
        rk[j] = _key(r[j], cls)
        rmiss[j] = c_emb if _embedded(r, j) else c_miss
        rdig[j] = _digraph_end(r, j + 1, digraph)
        any_dig = any_dig or rdig[j]
    for i in range(2, n + 1):
        any_dig = any_dig or _digraph_end(q, i, digraph)
    if b is not None:
        b[0, 0] = 0
    d[0, 0] = 0.0
    for j in range(1, m + 1):
        d[0, j] = d[0, j - 1] + rmiss[j - 1]
        if b is not None:
            b[0, j] = 3
        if rdig[j - 1] and d[0, j - 2] + c_dig < d[0, j]:
            d[0, j] = d[0, j - 2] + c_dig
            if b is not None:
                b[0, j] = 5
    for i in range(1, n + 1):
        qi = q[i - 1]
        prev = d[i - 1]
        cur = d[i]
        if qi == _STAR:
            v = prev[0] + c_star
            cur[0] = v
            if b is not None:
                b[i, 0] = 2
            for j in range(1, m + 1):
                up = prev[j] + c_star
                left = v + c_star_char
                if up <= left:
                    v = up
                    if b is not None:
                        b[i, j] = 2
                else:
                    v = left
                    if b is not None:
                        b[i, j] = 3
                cur[j] = v
            continue
        extra = c_emb if _embedded(q, i - 1) else c_extra
        cur[0] = prev[0] + extra
        if b is not None:
            b[i, 0] = 2
        qdig = _digraph_end(q, i, digraph)
        if qdig and i > 1 and d[i - 2, 0] + c_dig < cur[0]:
            cur[0] = d[i - 2, 0] + c_dig
            if b is not None:
                b[i, 0] = 7
        swap_ok = i > 1 and qi != _QMARK and q[i - 2] != _QMARK and q[i - 2] != _STAR
        qki = _key(qi, cls)
        qkp = _key(q[i - 2], cls) if i > 1 else -1
        dig_q = any_dig and qdig and i > 1 and q[i - 2] != _QMARK and q[i - 2] != _STAR
        sub_row = subq[i - 1]
        left = cur[0]
        for j in range(1, m + 1):
            rc = r[j - 1]
            if rc < 128:
                sub = sub_row[rc]
            else:
                sub = 0.0 if qi == rc else (cost[2] if qi == _QMARK else c_other)
            best = prev[j - 1] + sub
            bp = 1
            v = prev[j] + extra
            if v < best:
                best, bp = v, 2
            v = left + rmiss[j - 1]
            if v < best:
                best, bp = v, 3
            if swap_ok and j > 1:
                if qki == rk[j - 2] and qkp == rk[j - 1] and qki != rk[j - 1]:
                    v = d[i - 2, j - 2] + c_swap
                    if v < best:
                        best, bp = v, 4
            if any_dig:
                if rdig[j - 1] and qi != _QMARK:
                    v = cur[j - 2] + c_dig
                    if v < best:
                        best, bp = v, 5
                    v = prev[j - 2] + c_dig
                    if v < best:
                        best, bp = v, 6
                if dig_q:
                    v = d[i - 2, j] + c_dig
                    if v < best:
                        best, bp = v, 7
                    v = d[i - 2, j - 1] + c_dig
                    if v < best:
                        best, bp = v, 8
            cur[j] = best
            left = best
            if b is not None:
                b[i, j] = bp


@numba.njit(**_JIT)
def _decode(buf: npt.NDArray[np.uint8], start: int, end: int, out: I32) -> int:
    """UTF-8 bytes ``buf[start:end]`` to code points in ``out``; returns how many."""
    m = 0
    t = start
    while t < end:
        c = int(buf[t])
        if c < 0x80:
            t += 1
        elif c < 0xE0:
            c = ((c & 0x1F) << 6) | (int(buf[t + 1]) & 0x3F)
            t += 2
        elif c < 0xF0:
            c = ((c & 0x0F) << 12) | ((int(buf[t + 1]) & 0x3F) << 6) | (int(buf[t + 2]) & 0x3F)
            t += 3
        else:
            c = (
                ((c & 0x07) << 18)
                | ((int(buf[t + 1]) & 0x3F) << 12)
                | ((int(buf[t + 2]) & 0x3F) << 6)
                | (int(buf[t + 3]) & 0x3F)
            )
            t += 4
        out[m] = c
        m += 1
    return m


@numba.njit(**_JIT)
def best_first(
    q: I32,
    buf: npt.NDArray[np.uint8],
    off: I64,
    rows: I64,
    ub: npt.NDArray[np.float64],
    bonus: npt.NDArray[np.float64],
    dk: I64,
    slot: I64,
    cache: npt.NDArray[np.float64],
    k: int,
    limit: int,
    scores: npt.NDArray[np.float64],
    scale: npt.NDArray[np.float64],
    tables: Any,
) -> tuple[I64, npt.NDArray[np.float64]]:
    """Exact weighted distances of candidates taken in the order given (best upper bound ``ub``
    of the score first) until no remaining candidate can reach the ``limit``-th best score.

    ``scores`` are the scores already found for this reading.  A candidate's score is
    ``scale[0] - min(d, scale[2]) + bonus`` when d = 0, ``scale[1] - ...`` otherwise (the exact
    and full tiers of the index); a candidate admitted with
    ``dk > k`` key edits (for a two-letter transliteration) counts only if d <= k.  Returns the
    positions and distances of the candidates that may be in the results (a slightly generous
    superset: the caller ranks them with rounded scores).

    ``cache[slot[i]]`` holds candidate i's distance once computed (NaN before), so a second
    ranking of the same candidates (the closest serials without the details' bonus) computes
    no distance twice.

    Where no operation cheaper than 1.0 can apply between the reading and a candidate (no
    transliteration partners across them, no letter between digits, no two-letter
    transliteration, ASCII only: :func:`_profile`), every key edit costs at least 1.0, so the
    distance is at least the key distance ``dk``; it *is* ``dk`` when neither has a letter of a
    confusion class.  The first case skips the table when ``dk`` alone cannot reach the results,
    the second always.  ``tables``: :func:`scoring_tables`."""
    cost, cls, translit, digraph, partner, confusable = tables
    n = len(q)
    q_letters, q_partners, q_cheap, q_conf = _profile(q, digraph, partner, confusable)
    # tables sized for the longest serial met so far (grown on demand: sizing them from every
    # candidate's length up front would read the offsets of all of them, a cache miss each)
    maxm = 32
    d = np.empty((n + 1, maxm + 1), dtype=np.float64)
    r = np.empty(maxm, dtype=np.int32)
    scratch = _Scratch(maxm)
    subq = _substitution_table(q, cost, cls, translit)
    top = np.full(max(limit, 1), -np.inf)  # the best `limit` scores so far (unordered)
    filled = 0
    for s in scores:
        if filled < limit:
            top[filled] = s
            filled += 1
        else:
            j = np.argmin(top)
            if s > top[j]:
                top[j] = s
    kth = np.min(top) if filled >= limit else -np.inf
    out_i = np.empty(len(rows), dtype=np.int64)
    out_d = np.empty(len(rows), dtype=np.float64)
    cnt = 0
    slack = 1e-6
    for i in range(len(rows)):
        if filled >= limit and ub[i] < kth - slack:
            break
        dist = cache[slot[i]]
        if np.isnan(dist):
            row = rows[i]
            start, end = off[row], off[row + 1] - 1
            if end - start > maxm:
                maxm = 2 * (end - start)
                d = np.empty((n + 1, maxm + 1), dtype=np.float64)
                r = np.empty(maxm, dtype=np.int32)
                scratch = _Scratch(maxm)
            m = _decode(buf, start, end, r)
            r_letters, r_partners, r_cheap, r_conf = _profile(r[:m], digraph, partner, confusable)
            simple = not (q_cheap or r_cheap or (q_partners & r_letters) or (r_partners & q_letters))
            if simple and dk[i] >= 0:
                if not (q_conf or r_conf):
                    dist = float(dk[i])
                    cache[slot[i]] = dist
                else:
                    reach = (scale[0] if dk[i] == 0 else scale[1]) - min(float(dk[i]), scale[2]) + bonus[i]
                    if filled >= limit and reach < kth - slack:
                        continue  # cannot reach the results: its distance is not needed
                    _fill_table(q, r[:m], cost, cls, translit, digraph, subq, d, None, scratch)
                    dist = d[n, m]
                    cache[slot[i]] = dist
            else:
                _fill_table(q, r[:m], cost, cls, translit, digraph, subq, d, None, scratch)
                dist = d[n, m]
                cache[slot[i]] = dist
        if dk[i] > k and dist > k + 1e-9:
            continue
        score = (scale[0] if dist == 0.0 else scale[1]) - min(dist, scale[2]) + bonus[i]
        if filled >= limit and score < kth - slack:
            continue
        out_i[cnt] = i
        out_d[cnt] = dist
        cnt += 1
        if filled < limit:
            top[filled] = score
            filled += 1
        else:
            j = np.argmin(top)
            if score > top[j]:
                top[j] = score
        if filled >= limit:
            kth = np.min(top)
    return out_i[:cnt], out_d[:cnt]


@numba.njit(**_JIT)
def candidate_bounds(
    rows: I64,
    dk: I64,
    cheap: npt.NDArray[np.bool_],
    ids: I64,
    k: int,
    cq: int,
    fields: Any,
    tables: Any,
    used: npt.NDArray[np.bool_],
    scale: npt.NDArray[np.float64],
) -> tuple[I64, I64, npt.NDArray[np.float64], npt.NDArray[np.float64], I64]:
    """The candidates among ``rows`` (key distances ``dk``) that can be within reach, with the
    upper bound of their score, their attribute bonus and their record id.

    A row ``k + 1`` key edits away stays only when a two-letter transliteration (Ж = ZH) can make
    that one edit (the row is "cheap", or the reading has cheap characters: ``cq`` > 0).  Lower
    bound of the weighted distance: every key edit costs at least 1.0, except up to ``cq`` of
    them through the reading's cheap letters (a transliteration pair 0.3 at least) and every edit
    of a cheap record (0.5).  Bonus: ``tables[f][code + 1]`` summed over the attributes
    ``used`` (``fields``: the four code arrays of the index)."""
    n = len(rows)
    out_rows = np.empty(n, dtype=np.int64)
    out_dk = np.empty(n, dtype=np.int64)
    ub = np.empty(n, dtype=np.float64)
    bonus = np.empty(n, dtype=np.float64)
    out_ids = np.empty(n, dtype=np.int64)
    cnt = 0
    for i in range(n):
        row = rows[i]
        d = dk[i]
        ch = cheap[row]
        if not (d <= k or (d == k + 1 and (ch or cq > 0))):
            continue
        b = 0.0
        for f in range(4):
            if used[f]:
                b += tables[f][fields[f][row] + 1]
        df = float(d)
        by_query = min(df, float(cq))
        lb = 0.3 * by_query + (df - by_query) * (0.5 if ch else 1.0)
        out_rows[cnt] = row
        out_dk[cnt] = d
        ub[cnt] = (scale[0] if d == 0 else scale[1]) - lb + b
        bonus[cnt] = b
        out_ids[cnt] = ids[row]
        cnt += 1
    return out_rows[:cnt], out_dk[:cnt], ub[:cnt], bonus[:cnt], out_ids[:cnt]


@numba.njit(**_JIT)
def score_candidates(
    q: I32,
    buf: npt.NDArray[np.uint8],
    off: I64,
    rows: I64,
    ub: npt.NDArray[np.float64],
    bonus: npt.NDArray[np.float64],
    dk: I64,
    k: int,
    limit: int,
    scores: npt.NDArray[np.float64],
    closest_limit: int,
    closest_scores: npt.NDArray[np.float64],
    scale: npt.NDArray[np.float64],
    tables: Any,
) -> tuple[I64, F64, F64, I64, F64, F64, F64]:
    """Both rankings of a reading's candidates with :func:`best_first`: by score (``ub`` and
    ``bonus``: with the details' bonus) against the ``limit`` best ``scores`` found so far, then,
    when ``closest_limit`` > 0, by the serial alone (``ub - bonus``) against ``closest_scores``,
    computing no distance twice.  Returns the candidates (indexes into the arguments),
    distances and scores (:func:`full_score`) that may be among the results of the first ranking,
    then those of the second with their scores without and with the bonus."""
    n = len(rows)
    cache = np.full(n, np.nan)
    order = np.argsort(-ub, kind="mergesort")
    # read where the serials of the likeliest candidates start, up front: these reads do not
    # depend on each other, so the memory system serves them together instead of one at each
    # candidate's turn (the comparison keeps them; storing NaN into an empty slot changes nothing)
    first_reads = np.uint64(0)
    for i in range(min(n, _READ_AHEAD)):
        start = off[rows[order[i]]]
        first_reads ^= np.uint64(start) ^ np.uint64(buf[start])
    if n and first_reads == _NEVER:
        cache[0] = np.nan
    sel, dist = best_first(
        q, buf, off, rows[order], ub[order], bonus[order], dk[order], order, cache, k, limit, scores, scale, tables
    )
    picked = order[sel]
    picked_scores = np.empty(len(picked))
    for i in range(len(picked)):
        picked_scores[i] = full_score(dist[i], bonus[picked[i]], scale)
    if closest_limit <= 0:
        none = np.zeros(0, dtype=np.float64)
        return picked, dist, picked_scores, np.zeros(0, dtype=np.int64), none, none, none
    plain = ub - bonus
    order2 = np.argsort(-plain, kind="mergesort")
    sel2, dist2 = best_first(
        q, buf, off, rows[order2], plain[order2], np.zeros(n, dtype=np.float64), dk[order2], order2, cache, k,
        closest_limit, closest_scores, scale, tables,
    )
    closest = order2[sel2]
    plain_scores = np.empty(len(closest))
    closest_scores = np.empty(len(closest))
    for i in range(len(closest)):
        plain_scores[i] = full_score(dist2[i], 0.0, scale)
        closest_scores[i] = full_score(dist2[i], bonus[closest[i]], scale)
    return picked, dist, picked_scores, closest, dist2, plain_scores, closest_scores


@numba.njit(**_INLINE)
def full_score(dist: float, bonus: float, scale: npt.NDArray[np.float64]) -> float:
    """The score of a full match of a complete reading (``scale``: the exact and full tiers'
    bases and the largest distance counted), rounded to 6 places (as ``np.round`` does) so
    that equal scores compare equal."""
    tier = scale[0] if dist == 0.0 else scale[1]
    return np.rint((tier - min(dist, scale[2]) + bonus) * 1e6) / 1e6


# --- candidate scan ------------------------------------------------------------------------------


def pattern_masks(codes: list[int]) -> npt.NDArray[np.uint64]:
    """Bit masks of the query key's positions per 5-bit code (Hyyrö's pattern-match vectors)."""
    return _pattern_masks(np.array(codes[:64], dtype=np.int64))


@numba.njit(**_JIT)
def _pattern_masks(codes: I64) -> npt.NDArray[np.uint64]:
    pm = np.zeros(32, dtype=np.uint64)
    for i in range(len(codes)):
        pm[codes[i]] |= np.uint64(1) << np.uint64(i)
    return pm


@numba.njit(**_JIT)
def mix_keys(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Pair keys as stored in the pair index: mixed by the splitmix64 finaliser (the same as the
    vectorised :func:`._arrays.mix64` that builds the index, without its temporary arrays)."""
    out = np.empty(len(keys), dtype=np.uint64)
    for i in range(len(keys)):
        x = keys[i]
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        out[i] = x ^ (x >> np.uint64(31))
    return out


@numba.njit(**_JIT)
def probe_array(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Pair keys as stored in the pair index (:func:`mix_keys`), sorted, unique."""
    out = mix_keys(keys)
    out.sort()
    n = 0
    for i in range(len(out)):
        if i == 0 or out[i] != out[n - 1]:
            out[n] = out[i]
            n += 1
    return out[:n]


@numba.njit(**_JIT)
def swapped_variants(codes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The key with each pair of different neighbours swapped, one variant per row (a swap across
    a part boundary damages two parts, so its undoing is probed separately)."""
    n = len(codes)
    count = 0
    for t in range(n - 1):
        if codes[t] != codes[t + 1]:
            count += 1
    out = np.empty((count, n), dtype=np.uint64)
    v = 0
    for t in range(n - 1):
        if codes[t] != codes[t + 1]:
            out[v, :] = codes
            out[v, t] = codes[t + 1]
            out[v, t + 1] = codes[t]
            v += 1
    return out


@numba.njit(**_INLINE)
def _osa_step(
    pm_j: np.uint64, vp: np.uint64, vn: np.uint64, d0: np.uint64, pm_old: np.uint64, mask: np.uint64, dist: int
) -> tuple[np.uint64, np.uint64, np.uint64, int]:
    one = np.uint64(1)
    tr = (((~d0) & pm_j) << one) & pm_old
    d0 = (((pm_j & vp) + vp) ^ vp) | pm_j | vn | tr
    hp = vn | ~(d0 | vp)
    hn = d0 & vp
    if hp & mask:
        dist += 1
    if hn & mask:
        dist -= 1
    hp = (hp << one) | one
    hn = hn << one
    vp = hn | ~(d0 | hp)
    vn = hp & d0
    return vp, vn, d0, dist


@numba.njit(**_INLINE)
def _osa_packed(pm: npt.NDArray[np.uint64], n: int, kp: np.uint64, m: int) -> int:
    """OSA distance between the query (pattern masks, length n >= 1) and a packed key of m codes."""
    vp = ~np.uint64(0)
    vn = np.uint64(0)
    d0 = np.uint64(0)
    pm_old = np.uint64(0)
    mask = np.uint64(1) << np.uint64(n - 1)
    dist = n
    v = kp >> np.uint64(4)
    for t in range(m):
        c = (v >> np.uint64(5 * (11 - t))) & np.uint64(31)
        pm_j = pm[c]
        vp, vn, d0, dist = _osa_step(pm_j, vp, vn, d0, pm_old, mask, dist)
        pm_old = pm_j
    return dist


@numba.njit(**_INLINE)
def _osa_packed_pair(pm: npt.NDArray[np.uint64], n: int, kp1: np.uint64, kp2: np.uint64, m: int) -> tuple[int, int]:
    """:func:`_osa_packed` of two packed keys of m codes at once: each distance is a chain of
    dependent steps that leaves the core waiting, and two chains interleaved run in about the
    time of one."""
    vp1 = vp2 = ~np.uint64(0)
    vn1 = vn2 = np.uint64(0)
    d01 = d02 = np.uint64(0)
    old1 = old2 = np.uint64(0)
    mask = np.uint64(1) << np.uint64(n - 1)
    dist1 = dist2 = n
    v1 = kp1 >> np.uint64(4)
    v2 = kp2 >> np.uint64(4)
    for t in range(m):
        shift = np.uint64(5 * (11 - t))
        pm1 = pm[(v1 >> shift) & np.uint64(31)]
        pm2 = pm[(v2 >> shift) & np.uint64(31)]
        vp1, vn1, d01, dist1 = _osa_step(pm1, vp1, vn1, d01, old1, mask, dist1)
        vp2, vn2, d02, dist2 = _osa_step(pm2, vp2, vn2, d02, old2, mask, dist2)
        old1 = pm1
        old2 = pm2
    return dist1, dist2


@numba.njit(**_JIT)
def _osa_bytes(
    pm: npt.NDArray[np.uint64], n: int, buf: npt.NDArray[np.uint8], start: int, end: int, lut: npt.NDArray[np.uint8]
) -> int:
    """OSA distance to a serial's key read from its bytes; -1 when it has non-ASCII bytes (the
    distance in characters is then not the distance in bytes)."""
    vp = ~np.uint64(0)
    vn = np.uint64(0)
    d0 = np.uint64(0)
    pm_old = np.uint64(0)
    mask = np.uint64(1) << np.uint64(n - 1)
    dist = n
    for t in range(start, end):
        byte = buf[t]
        if byte >= 128:
            return _UNKNOWN
        pm_j = pm[lut[byte]]
        vp, vn, d0, dist = _osa_step(pm_j, vp, vn, d0, pm_old, mask, dist)
        pm_old = pm_j
    return dist


_F_HIGH: Final = np.uint64(sum(1 << (5 * j + 4) for j in range(12)))
_F_LOW4: Final = np.uint64(sum(15 << (5 * j) for j in range(12)))
_F_ALL: Final = np.uint64((1 << 60) - 1)


WINDOW: Final = 3  # largest k the window test takes


def window_shifts(k: int, longer_by: int) -> range:
    """The shifts s (record character j read as reading character j + s) at which an alignment
    within k edits can match characters, for a record ``longer_by`` characters longer than the
    reading (negative: shorter).  The net indels move the shift from 0 to -longer_by; at most
    a = (k - |longer_by|) // 2 further pairs of indels go beyond that range and back; a swap
    (one edit) matches its two characters one shift either side of the current one.  Beyond
    +-k nothing can match."""
    excess = k - abs(longer_by)
    if excess < 0:
        return range(0)
    pairs = excess // 2
    swap = (excess - 1) // 2 + 1 if excess >= 1 else 0
    w = max(pairs, swap)
    lo, hi = (-longer_by - w, w) if longer_by >= 0 else (-w, -longer_by + w)
    return range(max(lo, -k), min(hi, k) + 1)


def shifted_queries(codes: list[int], k: int) -> npt.NDArray[np.uint64]:
    """The query key packed like ``kpack`` (12 big-endian five-bit fields) shifted by -3..3
    fields, then per shift the length differences (record minus reading, -3..3, bit d + 3) for
    which :func:`window_shifts` allows it, for :func:`_window_ok`; empty when the key is longer
    than 12 characters or k > 3."""
    if len(codes) > 12 or k > WINDOW:
        return np.zeros(0, dtype=np.uint64)
    qv = 0
    for c in codes:
        qv = (qv << 5) | c
    qv <<= 5 * (12 - len(codes))
    full = (1 << 60) - 1
    shifted = [(qv << (5 * s)) & full if s >= 0 else qv >> (-5 * s) for s in range(-WINDOW, WINDOW + 1)]
    return np.array([*shifted, *_shift_lengths(k)], dtype=np.uint64)


@functools.cache
def _shift_lengths(k: int) -> tuple[int, ...]:
    """Per shift -3..3: the length differences -3..3 (bit d + 3) :func:`window_shifts` allows it for."""
    return tuple(
        sum(1 << (d + WINDOW) for d in range(-WINDOW, WINDOW + 1) if s in window_shifts(k, d))
        for s in range(-WINDOW, WINDOW + 1)
    )


@numba.njit(**_INLINE)
def _popcount(x: np.uint64) -> np.int64:
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    # a signed result: numba turns int64 - uint64 into a float, which costs more than the test
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


#: high bits of the first m fields (big-endian) of a packed key, per m
_FIRST_FIELDS: Final = np.array(
    [sum(1 << (5 * (11 - j) + 4) for j in range(min(m, 12))) for m in range(16)], dtype=np.uint64
)


@numba.njit(**_INLINE)
def _equal_fields(v: np.uint64, shifted: np.uint64, mask: np.uint64) -> np.uint64:
    """High bit of every field of ``v`` equal to the same field of ``shifted`` (SWAR)."""
    x = v ^ shifted
    return ~(((x & _F_LOW4) + _F_LOW4) | x) & _F_HIGH & mask


@numba.njit(**_INLINE)
def _shift_mask(qs: npt.NDArray[np.uint64], i: int, d: int) -> np.uint64:
    """All ones if shift ``i`` (0..6) can match for a record ``d`` characters longer than the
    reading (see :func:`shifted_queries`), else zero: arithmetic on a word fixed per reading,
    so the block loop stays vectorised (a table indexed per entry would not; |d| > 3 reads an
    arbitrary bit, and the length test rejects such entries anyway)."""
    bit = (qs[7 + i] >> np.uint64((d + WINDOW) & 7)) & np.uint64(1)
    return np.uint64(0) - bit


@numba.njit(**_INLINE)
def _window_ok(qs: npt.NDArray[np.uint64], n: int, kp: np.uint64, m: int, k: int, wide: bool) -> bool:
    """Necessary condition for OSA <= k (cheaper than the distance): at most k characters of
    either key lack an equal character at a shift an alignment within k edits can use
    (:func:`window_shifts`: for keys of equal length and k = 2, +-1 only).  Unrolled over the 7
    shifts of :func:`shifted_queries` (masked per length difference; ``wide``: k >= 3, else the
    shifts by 3 fields are left out): a loop with variable shifts costs several times more."""
    v = kp >> np.uint64(4)
    d = m - n
    e1 = _equal_fields(v, qs[1], _shift_mask(qs, 1, d))
    e2 = _equal_fields(v, qs[2], _shift_mask(qs, 2, d))
    e3 = _equal_fields(v, qs[3], _shift_mask(qs, 3, d))
    e4 = _equal_fields(v, qs[4], _shift_mask(qs, 4, d))
    e5 = _equal_fields(v, qs[5], _shift_mask(qs, 5, d))
    e0 = _equal_fields(v, qs[0], _shift_mask(qs, 0, d)) if wide else np.uint64(0)
    e6 = _equal_fields(v, qs[6], _shift_mask(qs, 6, d)) if wide else np.uint64(0)
    r_hit = e0 | e1 | e2 | e3 | e4 | e5 | e6
    q_hit = (
        ((e0 << np.uint64(15)) & _F_ALL)
        | ((e1 << np.uint64(10)) & _F_ALL)
        | ((e2 << np.uint64(5)) & _F_ALL)
        | e3
        | (e4 >> np.uint64(5))
        | (e5 >> np.uint64(10))
        | (e6 >> np.uint64(15))
    )
    # both halves always evaluated (``&``, not ``and``): no branch, so the block loop vectorises
    return (m - _popcount(r_hit & _FIRST_FIELDS[m]) <= k) & (n - _popcount(q_hit & _FIRST_FIELDS[n]) <= k)


@numba.njit(**_INLINE)
def _needs_distance(qs: npt.NDArray[np.uint64], n: int, kp: np.uint64, k: int, windowed: bool, wide: bool) -> bool:
    """Can the entry with packed key ``kp`` be within k edits of the query: a key too long to be
    packed whole (its distance is computed from its bytes), or a length within k of n that passes
    the window test (when ``windowed``)."""
    m = np.int64(kp & np.uint64(15))
    ok = abs(m - n) <= k
    if windowed:
        ok = ok & _window_ok(qs, n, kp, m, k, wide)
    return (m == LONG) | ok


SCAN_BLOCK: Final = 1024  # entries tested together before their distances are computed


@numba.njit(**_INLINE)
def _block_needs_distance(
    pair_kp: npt.NDArray[np.uint64],
    a: int,
    e: int,
    qs: npt.NDArray[np.uint64],
    n: int,
    k: int,
    out: npt.NDArray[np.bool_],
) -> None:
    """``out[j - a]`` = :func:`_needs_distance` of entries a..e-1, in a loop without branches that
    LLVM vectorises (about 3 ns an entry, against about 15 when each test branches to the
    distance); the three loops only fix ``windowed`` and ``wide`` as constants."""
    if not len(qs):
        for j in range(a, e):
            out[j - a] = _needs_distance(qs, n, pair_kp[j], k, False, False)
    elif k < WINDOW:
        for j in range(a, e):
            out[j - a] = _needs_distance(qs, n, pair_kp[j], k, True, False)
    else:
        for j in range(a, e):
            out[j - a] = _needs_distance(qs, n, pair_kp[j], k, True, True)


@numba.njit(**_JIT)
def probe_key_matrix(codes: npt.NDArray[np.uint64], templates: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    """Pair-index keys (before mixing) of the probe ``templates`` (rows of start_a, len_a,
    start_b, len_b, group constant, pair; :func:`._arrays.probe_templates`) for each row of
    ``codes``: the two parts packed five bits a character, part a above part b."""
    out = np.empty((codes.shape[0], templates.shape[0]), dtype=np.uint64)
    for v in range(codes.shape[0]):
        for t in range(templates.shape[0]):
            a, la, b, lb = templates[t, 0], templates[t, 1], templates[t, 2], templates[t, 3]
            pa = np.uint64(0)
            for i in range(la):
                pa |= codes[v, a + i] << np.uint64(5 * i)
            pb = np.uint64(0)
            for i in range(lb):
                pb |= codes[v, b + i] << np.uint64(5 * i)
            out[v, t] = ((pa << np.uint64(30)) | pb) ^ np.uint64(templates[t, 4])
    return out


#: the complementary couples of part pairs (indexes into ``_arrays.PAIRS``): one edit damages
#: one of the 4 parts, so one pair of each couple is intact
_COUPLES: Final = ((0, 5), (1, 4), (2, 3))


@numba.njit(**_JIT)
def first_stage_probes(
    codes: npt.NDArray[np.uint64],
    templates: I64,
    exact_templates: I64,
    pair_keys: npt.NDArray[np.uint64],
    pair_dir: I64,
    k: int,
) -> npt.NDArray[np.uint64]:
    """The probe keys (mixed, sorted, unique) of the first stage of a reading's search for
    records within ``k`` <= 1 key edits (``codes``: the key): those of the part pair (k = 0) or
    of the complementary couple of pairs (k = 1) with the fewest entries in the index, and for
    k = 1 the intact probes of the first pair of that couple for every swap of neighbours (a swap
    across a part boundary damages two parts).  ``templates``: :func:`._arrays.probe_templates`
    for k edits, ``exact_templates`` for none, both over all pairs."""
    keys = probe_key_matrix(codes.reshape((1, len(codes))), templates)[0]
    lo, hi = key_ranges(pair_keys, pair_dir, mix_keys(keys))
    entries = np.zeros(6, dtype=np.int64)
    for t in range(len(keys)):
        entries[templates[t, 5]] += hi[t] - lo[t]
    if k == 0:
        first = second = int(np.argmin(entries))
    else:
        first, second = _COUPLES[0]
        for c in _COUPLES[1:]:
            if entries[c[0]] + entries[c[1]] < entries[first] + entries[second]:
                first, second = c
    chosen = np.zeros(len(keys), dtype=np.bool_)
    for t in range(len(keys)):
        chosen[t] = templates[t, 5] == first or templates[t, 5] == second
    picked = keys[chosen]
    if k == 0:
        return probe_array(picked)
    intact = np.zeros(len(exact_templates), dtype=np.bool_)
    for t in range(len(exact_templates)):
        intact[t] = exact_templates[t, 5] == first
    swapped = probe_key_matrix(swapped_variants(codes), exact_templates[intact]).ravel()
    return probe_array(np.concatenate((picked, swapped)))


@numba.njit(**_JIT)
def second_stage_probes(
    codes: npt.NDArray[np.uint64], templates: I64, swap_templates: I64, done: npt.NDArray[np.uint64]
) -> npt.NDArray[np.uint64]:
    """The probe keys (mixed, sorted, unique) of the second stage (2 key edits: every pair of
    ``templates``, and the probes of ``swap_templates`` for every swap of neighbours) that the
    first stage did not probe (``done``: its probes)."""
    keys = probe_key_matrix(codes.reshape((1, len(codes))), templates)[0]
    swapped = probe_key_matrix(swapped_variants(codes), swap_templates).ravel()
    probes = probe_array(np.concatenate((keys, swapped)))
    keep = np.ones(len(probes), dtype=np.bool_)
    at = np.searchsorted(done, probes)
    for i in range(len(probes)):
        keep[i] = at[i] >= len(done) or done[at[i]] != probes[i]
    return probes[keep]


@numba.njit(**_JIT)
def _merge_intersection(a: I32, b: I32) -> I64:
    """Rows in both sorted lists, by one pass over both without unpredictable branches (when the
    lists have similar lengths, as the trigram lists of digit-only readings do, this takes a
    fraction of a galloping search's time)."""
    out = np.empty(min(len(a), len(b)), dtype=np.int64)
    i = 0
    j = 0
    cnt = 0
    while i < len(a) and j < len(b):
        x = a[i]
        y = b[j]
        out[cnt] = x
        cnt += x == y
        i += x <= y
        j += y <= x
    return out[:cnt]


@numba.njit(**_JIT)
def intersect_postings(postings: I32, starts: I64, ends: I64) -> I64:
    """Rows present in every sorted posting list ``postings[starts[i]:ends[i]]`` (the first
    should be the shortest): each of its rows is looked up in the others by galloping search,
    so the cost follows the shortest list, not the longest.  When the second list is less than
    eight times as long as the first, the two are merged first (:func:`_merge_intersection`)
    and only the rows in both are looked up in the rest."""
    first = postings[starts[0] : ends[0]]
    rest = 1
    if len(starts) > 1 and ends[1] - starts[1] < 8 * len(first):
        first = _merge_intersection(first, postings[starts[1] : ends[1]]).astype(np.int32)
        rest = 2
    out = np.empty(len(first), dtype=np.int64)
    pos = starts.copy()
    cnt = 0
    for x in first:
        ok = True
        for li in range(rest, len(starts)):
            lo, end = pos[li], ends[li]
            step = 1
            hi = lo
            while hi < end and postings[hi] < x:  # gallop to a bound, then binary search
                lo = hi + 1
                hi += step
                step *= 2
            hi = min(hi, end)
            while lo < hi:
                mid = (lo + hi) // 2
                if postings[mid] < x:
                    lo = mid + 1
                else:
                    hi = mid
            pos[li] = lo
            if lo >= end or postings[lo] != x:
                ok = False
                break
        if ok:
            out[cnt] = x
            cnt += 1
    return out[:cnt]


@numba.njit(**_JIT)
def key_ranges(keys: npt.NDArray[np.uint64], directory: I64, probes: npt.NDArray[np.uint64]) -> tuple[I64, I64]:
    """[lo, hi) of each probe in the sorted ``keys`` through their bucket directory."""
    shift = np.uint64(64 - int(np.log2(len(directory) - 1)))
    lo = np.empty(len(probes), dtype=np.int64)
    hi = np.empty(len(probes), dtype=np.int64)
    for p in range(len(probes)):
        h = probes[p] >> shift
        a, e = directory[h], directory[h + 1]
        bucket = keys[a:e]
        lo[p] = a + np.searchsorted(bucket, probes[p], "left")
        hi[p] = a + np.searchsorted(bucket, probes[p], "right")
    return lo, hi


@numba.njit(**_JIT)
def scan_pairs(
    pair_keys: npt.NDArray[np.uint64],
    pair_dir: npt.NDArray[np.integer],
    pair_rows: I32,
    pair_kp: npt.NDArray[np.uint64],
    probes: npt.NDArray[np.uint64],
    norm_buf: npt.NDArray[np.uint8],
    norm_off: I64,
    lut: npt.NDArray[np.uint8],
    pm: npt.NDArray[np.uint64],
    qshift: npt.NDArray[np.uint64],
    n: int,
    kmin: int,
    kcut: int,
) -> tuple[I64, I64, int]:
    """Rows stored under the probe keys (mixed, sorted) whose key is ``kmin`` to ``kcut`` OSA edits
    from the query key (``n`` <= 64 codes, pattern masks ``pm``; ``qshift`` from :func:`shifted_queries`
    with the same ``kcut``, or empty), with that distance, or -1 when it cannot be computed here
    (a non-ASCII serial: the caller computes it on characters), and how many such rows there are.
    ``pair_kp`` holds each entry's packed key inline, so the scan reads memory sequentially.
    Rows come sorted, each once."""
    lo, hi = key_ranges(pair_keys, pair_dir, probes)
    total = 0
    # read the first entry of every range up front: these reads do not depend on each other, so
    # the memory system serves them together instead of one at each range's turn
    first_reads = np.uint64(0)
    for p in range(len(probes)):
        total += hi[p] - lo[p]
        if hi[p] > lo[p]:
            first_reads ^= pair_kp[lo[p]] ^ np.uint64(pair_rows[lo[p]])
    rows = np.empty(total, dtype=np.int64)
    dist = np.empty(total, dtype=np.int8)
    cnt = 0
    needs = np.empty(SCAN_BLOCK, dtype=np.bool_)
    passed = np.empty(SCAN_BLOCK, dtype=np.int64)
    for p in range(len(probes)):
        for a in range(lo[p], hi[p], SCAN_BLOCK):
            e = min(hi[p], a + SCAN_BLOCK)
            _block_needs_distance(pair_kp, a, e, qshift, n, kcut, needs)
            count = 0
            for j in range(a, e):  # the entries that passed, without a branch per entry
                passed[count] = j
                count += needs[j - a]
            t = 0
            while t < count:
                j = passed[t]
                kp = pair_kp[j]
                m = np.int64(kp & np.uint64(15))
                if t + 1 < count and m != LONG and m == np.int64(pair_kp[passed[t + 1]] & np.uint64(15)):
                    # two keys of the same length (as under one probe key) measured together
                    j2 = passed[t + 1]
                    d, d2 = _osa_packed_pair(pm, n, kp, pair_kp[j2], m)
                    if kmin <= d2 <= kcut:
                        rows[cnt] = pair_rows[j2]
                        dist[cnt] = d2
                        cnt += 1
                    t += 2
                else:
                    if m == LONG:
                        row = pair_rows[j]
                        d = _osa_bytes(pm, n, norm_buf, norm_off[row], norm_off[row + 1] - 1, lut)
                    else:
                        d = _osa_packed(pm, n, kp, m)
                    t += 1
                if d == _UNKNOWN or kmin <= d <= kcut:
                    rows[cnt] = pair_rows[j]
                    dist[cnt] = d
                    cnt += 1
    # sorted by row, each row once (a row hit by several probes has the same distance each time):
    # sort row and distance packed in one integer (distances -1..kcut <= 3 take 3 bits)
    packed = np.empty(cnt, dtype=np.int64)
    for t in range(cnt):
        packed[t] = (rows[t] << 3) | (dist[t] + 1)
    packed.sort()
    out_dist = np.empty(cnt, dtype=np.int64)
    n = 0
    # the first reads count as an unmeasured row in the (practically never) case that they
    # equal _NEVER: so they are kept, and the caller would only take its general path
    unknown = 1 if first_reads == _NEVER else 0
    for t in range(cnt):
        row = packed[t] >> 3
        if n == 0 or row != rows[n - 1]:
            rows[n] = row
            out_dist[n] = (packed[t] & 7) - 1
            unknown += out_dist[n] == _UNKNOWN
            n += 1
    return rows[:n], out_dist[:n], unknown


@numba.njit(**_JIT)
def drop_rows(rows: I64, dist: I64, sorted_rows: I64, dead: npt.NDArray[np.bool_]) -> tuple[I64, I64]:
    """``rows`` (sorted) and their distances without those in ``sorted_rows`` or marked ``dead``
    (an empty ``dead``: none removed)."""
    keep = np.ones(len(rows), dtype=np.bool_)
    at = np.searchsorted(sorted_rows, rows)
    for i in range(len(rows)):
        if at[i] < len(sorted_rows) and sorted_rows[at[i]] == rows[i]:
            keep[i] = False
        elif len(dead) and dead[rows[i]]:
            keep[i] = False
    return rows[keep], dist[keep]


@numba.njit(**_JIT)
def stage_candidates(
    main: Any,
    cheap_index: Any,
    probes: npt.NDArray[np.uint64],
    norm_buf: npt.NDArray[np.uint8],
    norm_off: I64,
    lut: npt.NDArray[np.uint8],
    pm: npt.NDArray[np.uint64],
    n: int,
    main_cut: int,
    main_shift: npt.NDArray[np.uint64],
    cheap_min: int,
    cheap_cut: int,
    cheap_shift: npt.NDArray[np.uint64],
    seen: I64,
    dead: npt.NDArray[np.bool_],
    bounds: Any,
) -> tuple[I64, I64, npt.NDArray[np.float64], npt.NDArray[np.float64], I64, int]:
    """One stage of a reading's search in one call: :func:`scan_pairs` of the probe keys in the
    pair index (``main``: keys, directory, rows, packed keys; cut-off ``main_cut``, skipped when
    negative) and in the small index of the "cheap" rows (``cheap_index``, ``cheap_min`` to
    ``cheap_cut`` edits, skipped when negative), merged, without the rows an earlier stage
    scored (``seen``) or dead ones, then :func:`candidate_bounds` (``bounds``: its arguments
    after the rows and distances).  Returns the candidates (rows, key distances, upper bounds,
    bonuses, record ids) and how many rows the scan could not measure (non-ASCII serials: the
    caller must then take the general path; the candidates are empty)."""
    rows = np.zeros(0, dtype=np.int64)
    dist = np.zeros(0, dtype=np.int64)
    unknown = 0
    if main_cut >= 0 and len(main[0]):
        rows, dist, unknown = scan_pairs(
            main[0], main[1], main[2], main[3], probes, norm_buf, norm_off, lut, pm, main_shift, n, 0, main_cut
        )
    if cheap_cut >= 0 and len(cheap_index[0]):
        crows, cdist, cunknown = scan_pairs(
            cheap_index[0], cheap_index[1], cheap_index[2], cheap_index[3], probes, norm_buf, norm_off, lut, pm,
            cheap_shift, n, cheap_min, cheap_cut,
        )
        unknown += cunknown
        if len(crows):  # the two indexes hold different rows at these cut-offs: merge sorted
            both = np.concatenate((rows, crows))
            order = np.argsort(both, kind="mergesort")
            rows, dist = both[order], np.concatenate((dist, cdist))[order]
    if unknown:
        return rows[:0], dist[:0], np.zeros(0), np.zeros(0), rows[:0], unknown
    rows, dist = drop_rows(rows, dist, seen, dead)
    cheap, ids, k, cq, fields, tables, used, scale = bounds
    out_rows, out_dk, ub, bonus, out_ids = candidate_bounds(rows, dist, cheap, ids, k, cq, fields, tables, used, scale)
    return out_rows, out_dk, ub, bonus, out_ids, 0

