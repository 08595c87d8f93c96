"""The weighted edit distance's dynamic programme in plain Python: the oracle the compiled
kernel (``armstrace.marking._compiled.weighted_table``) is tested against.  It is the
implementation the index used before the kernel, kept verbatim (costs in ``distance.COSTS``; the
substitution costs and the NCIC rule are the Python ones ``distance`` keeps for explanations)."""

from __future__ import annotations

from armstrace.marking.distance import COSTS, _embedded, _sub_cost
from armstrace.marking.normalise import TRANSLITERATION_DIGRAPHS, confusion_key

_INF = float("inf")


class _SubRow(dict[str, float]):
    """Substitution costs of one query character against any record character (memoised)."""

    __slots__ = ("q",)

    def __init__(self, q: str) -> None:
        super().__init__()
        self.q = q

    def __missing__(self, r: str) -> float:
        c = _sub_cost(self.q, r)[0]
        self[r] = c
        return c


_SUB_ROWS: dict[str, _SubRow] = {}


def _sub_row(q: str) -> _SubRow:
    row = _SUB_ROWS.get(q)
    if row is None:
        row = _SubRow(q)
        if len(_SUB_ROWS) < 10_000:
            _SUB_ROWS[q] = row
    return row


def _digraph_ends(s: str) -> list[bool]:
    """out[j] is True when s[j-2:j] is a two-letter transliteration (ZH, TS, CH ...)."""
    out = [False] * (len(s) + 1)
    for j in range(2, len(s) + 1):
        if s[j - 2 : j] in TRANSLITERATION_DIGRAPHS:
            out[j] = True
    return out


def _table(query: str, record: str) -> tuple[list[list[float]], list[list[int]]]:
    """Fill the DP table (and back pointers: 1 diagonal, 2 up = extra query character or empty
    star, 3 left = missing record character or star consuming it, 4 transposition, 5 record
    digraph missing, 6 record digraph read as one character, 7 extra digraph in the query,
    8 one record character read as a digraph)."""
    n, m = len(query), len(record)
    qk, rk = confusion_key(query), confusion_key(record)
    c_emb, c_miss, c_extra = COSTS["embedded_letter"], COSTS["missing"], COSTS["extra"]
    c_star, c_star_char, c_swap = COSTS["star"], COSTS["star_char"], COSTS["transposition"]
    c_dig = COSTS["digraph"]
    miss = [c_emb if _embedded(record, j) else c_miss for j in range(m)]
    rdig = _digraph_ends(record)
    qdig = _digraph_ends(query)
    any_dig = any(rdig) or any(qdig)
    inf = _INF
    first = [0.0] * (m + 1)
    bfirst = [0] + [3] * m
    for j in range(1, m + 1):
        first[j] = first[j - 1] + miss[j - 1]
        if rdig[j] and first[j - 2] + c_dig < first[j]:
            first[j], bfirst[j] = first[j - 2] + c_dig, 5
    d = [first]
    b = [bfirst]
    for i in range(1, n + 1):
        qi = query[i - 1]
        prev = d[i - 1]
        row = [inf] * (m + 1)
        brow = [0] * (m + 1)
        if qi == "*":
            v = prev[0] + c_star
            row[0], brow[0] = v, 2
            for j in range(1, m + 1):
                up = prev[j] + c_star
                left = v + c_star_char
                if up <= left:
                    v, brow[j] = up, 2
                else:
                    v, brow[j] = left, 3
                row[j] = v
        else:
            extra = c_emb if _embedded(query, i - 1) else c_extra
            row[0], brow[0] = prev[0] + extra, 2
            pp = d[i - 2] if i > 1 else None
            if qdig[i] and pp is not None and pp[0] + c_dig < row[0]:
                row[0], brow[0] = pp[0] + c_dig, 7
            subs = list(map(_sub_row(qi).__getitem__, record))
            swap_ok = i > 1 and qi != "?" and query[i - 2] not in "?*"
            qki, qkp = qk[i - 1], qk[i - 2] if i > 1 else ""
            dig_q = any_dig and qdig[i] and pp is not None and query[i - 2] not in "?*"
            for j in range(1, m + 1):
                best, bp = prev[j - 1] + subs[j - 1], 1
                v = prev[j] + extra
                if v < best:
                    best, bp = v, 2
                v = row[j - 1] + miss[j - 1]
                if v < best:
                    best, bp = v, 3
                if swap_ok and j > 1 and pp is not None and qki == rk[j - 2] and qkp == rk[j - 1] and qki != rk[j - 1]:
                    v = pp[j - 2] + c_swap
                    if v < best:
                        best, bp = v, 4
                if any_dig:
                    if rdig[j] and qi != "?":
                        v = row[j - 2] + c_dig
                        if v < best:
                            best, bp = v, 5
                        v = prev[j - 2] + c_dig
                        if v < best:
                            best, bp = v, 6
                    if dig_q and pp is not None:
                        v = pp[j] + c_dig
                        if v < best:
                            best, bp = v, 7
                        v = pp[j - 1] + c_dig
                        if v < best:
                            best, bp = v, 8
                row[j] = best
                brow[j] = bp
        d.append(row)
        b.append(brow)
    return d, b
