"""Weighted edit distance between a normalised query and a normalised registered serial.

Why weighted?  A plain edit distance treats ``O``→``0`` (a frequent, harmless misreading) like
``3``→``8`` on a digit nobody could confuse.  Examiners need the opposite ranking, so:

================================  ======  ===============================================
operation                         cost    why
================================  ======  ===============================================
same character                    0
optical confusion (O/0, B/8, ...) 0.2     frequent reading error (:data:`CONFUSION_CLASSES`)
transliteration pair (H/N, P/R)   0.3     Cyrillic look-alike vs transliteration
``?`` in the query                0.1     the examiner said it is illegible: assumed
``*`` in the query                0.1     + 0.02 per character it covers
letter between digits missing     0.5     NCIC ignores such letters (369J257 ≈ 369257)
  or extra
other substitution                1.0
missing / extra character         1.0
adjacent transposition            1.0     (optimal string alignment)
two-letter transliteration        1.0     one Cyrillic letter (Ж = ZH, Ц = TS, Ч = CH ...)
  (ZH ...) missing, extra or              missing or misread is *one* edit, not two
  read as one character
================================  ======  ===============================================

The dynamic programme is small (serials are 4-20 characters) and only runs on the few candidates
that survived the index filter, so plain Python is fast enough and keeps the traceback that
explains the match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .normalise import CONFUSION_CLASSES, TRANSLITERATION_DIGRAPHS, TRANSLITERATION_PAIRS, confusion_key

__all__ = ["COSTS", "Difference", "align", "weighted_distance"]

COSTS: Final[dict[str, float]] = {
    "confusion": 0.2,
    "transliteration": 0.3,
    "wildcard": 0.1,
    "star": 0.1,
    "star_char": 0.02,
    "embedded_letter": 0.5,
    "substitution": 1.0,
    "missing": 1.0,
    "extra": 1.0,
    "transposition": 1.0,
    "digraph": 1.0,
}

_CLASS_OF: Final[dict[str, str]] = {m: rep for rep, members in CONFUSION_CLASSES.items() for m in members}
_INF: Final = float("inf")


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference between the registered serial and the reading.

    ``position`` is the 0-based index in the *normalised* registered serial (for ``extra`` it is
    the position the extra character was inserted before; for ``star`` the first covered
    character).  ``expected`` is the registered character(s), ``read`` the query character(s).
    ``raw_position`` is the index in the raw registered serial when it can be mapped.
    """

    kind: str  # confusion | transliteration | substitution | missing | extra | transposition |
    # embedded_letter | wildcard | star
    position: int
    expected: str
    read: str
    raw_position: int | None = None

    def describe(self) -> str:
        """Human-readable, 1-based positions (as an examiner counts)."""
        p = self.position + 1
        if self.kind == "confusion":
            return f"{self.expected} read as {self.read} at position {p}"
        if self.kind == "transliteration":
            return f"{self.expected} read as {self.read} at position {p} (transliteration)"
        if self.kind == "substitution":
            return f"{self.expected} read as {self.read} at position {p} (different character)"
        if self.kind == "missing":
            return f"{self.expected} at position {p} missing from the reading"
        if self.kind == "embedded_letter":
            if self.read:
                return f"extra letter {self.read} between digits before position {p} (ignored as in NCIC)"
            return f"letter {self.expected} between digits at position {p} not read (ignored as in NCIC)"
        if self.kind == "extra":
            return f"extra {self.read} in the reading before position {p}"
        if self.kind == "transposition":
            return f"{self.expected} read as {self.read} at positions {p}-{p + 1} (swapped)"
        if self.kind == "wildcard":
            return f"position {p} illegible (?), assumed {self.expected}"
        if self.kind == "star":
            n = len(self.expected)
            return f"{n} character{'s' if n != 1 else ''} illegible (*) at position {p}"
        return f"{self.kind} at position {p}"


def _sub_cost(q: str, r: str) -> tuple[float, str]:
    if q == r:
        return 0.0, ""
    if q == "?":
        return COSTS["wildcard"], "wildcard"
    cq = _CLASS_OF.get(q)
    if cq is not None and cq == _CLASS_OF.get(r):
        return COSTS["confusion"], "confusion"
    if frozenset((q, r)) in TRANSLITERATION_PAIRS:
        return COSTS["transliteration"], "transliteration"
    return COSTS["substitution"], "substitution"


def _embedded(s: str, i: int) -> bool:
    """Is s[i] a letter with a digit on both sides (NCIC ignores those)?"""
    return 0 < i < len(s) - 1 and s[i].isalpha() and s[i - 1].isdigit() and s[i + 1].isdigit()


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


def weighted_distance(query: str, record: str) -> float:
    """Weighted distance between a normalised query (may contain ``?``/``*``) and a normalised
    registered serial; see the module docstring for the costs."""
    if (
        "*" not in query
        and "?" not in query
        and len(query) == len(record)
        and confusion_key(query) == confusion_key(record)
    ):
        # Same confusion key: only confusions differ, no DP needed (the common, hot case).
        return sum(COSTS["confusion"] for a, c in zip(query, record, strict=True) if a != c)
    d, _ = _table(query, record)
    return d[len(query)][len(record)]


def align(query: str, record: str) -> tuple[float, list[Difference]]:
    """Weighted distance plus the list of differences (the optimal alignment's traceback)."""
    if (
        "*" not in query
        and "?" not in query
        and len(query) == len(record)
        and confusion_key(query) == confusion_key(record)
    ):
        fast = [Difference("confusion", j, r, q) for j, (q, r) in enumerate(zip(query, record, strict=True)) if q != r]
        return COSTS["confusion"] * len(fast), fast
    d, b = _table(query, record)
    i, j = len(query), len(record)
    diffs: list[Difference] = []
    star_run: list[int] = []
    while i or j:
        bp = b[i][j]
        if bp == 1:
            cost, kind = _sub_cost(query[i - 1], record[j - 1])
            if kind:
                diffs.append(Difference(kind, j - 1, record[j - 1], query[i - 1]))
            i, j = i - 1, j - 1
        elif bp == 2:
            if query[i - 1] == "*":
                if star_run:
                    diffs.append(Difference("star", j, record[j : j + len(star_run)], "*"))
                    star_run = []
                else:
                    diffs.append(Difference("star", j, "", "*"))
            else:
                kind = "embedded_letter" if _embedded(query, i - 1) else "extra"
                diffs.append(Difference(kind, j, "", query[i - 1]))
            i -= 1
        elif bp == 3:
            if query[i - 1 if i else 0] == "*" and i:
                star_run.append(j - 1)
            else:
                kind = "embedded_letter" if _embedded(record, j - 1) else "missing"
                diffs.append(Difference(kind, j - 1, record[j - 1], ""))
            j -= 1
        elif bp == 4:
            diffs.append(Difference("transposition", j - 2, record[j - 2 : j], query[i - 2 : i]))
            i, j = i - 2, j - 2
        elif bp == 5:
            diffs.append(Difference("missing", j - 2, record[j - 2 : j], ""))
            j -= 2
        elif bp == 6:
            diffs.append(Difference("substitution", j - 2, record[j - 2 : j], query[i - 1]))
            i, j = i - 1, j - 2
        elif bp == 7:
            diffs.append(Difference("extra", j, "", query[i - 2 : i]))
            i -= 2
        elif bp == 8:
            diffs.append(Difference("substitution", j - 1, record[j - 1], query[i - 2 : i]))
            i, j = i - 2, j - 1
        else:  # pragma: no cover - defensive, the table always reaches (0, 0)
            break
    diffs.reverse()
    return d[len(query)][len(record)], diffs
