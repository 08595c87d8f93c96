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

The dynamic programme is small (serials are 4-20 characters) but runs on every candidate that
survived the index filter (hundreds for a dense numeric serial in ten million records), so it is
compiled (:mod:`._compiled`, numba); the traceback that explains a match is read from its back
pointers here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from . import _compiled as C
from .normalise import CONFUSION_CLASSES, TRANSLITERATION_PAIRS, confusion_key

__all__ = ["COSTS", "COST_VECTOR", "Difference", "align", "weighted_distance"]

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


#: :data:`COSTS` in the order the compiled kernels take them
COST_VECTOR: Final = np.array([COSTS[name] for name in C.COST_ORDER], dtype=np.float64)


def _table(query: str, record: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8]]:
    """The DP table and back pointers (compiled: :func:`._compiled.weighted_table`).  Back
    pointers: 1 diagonal, 2 up = extra query character or empty star, 3 left = missing record
    character or star consuming it, 4 transposition, 5 record digraph missing, 6 record digraph
    read as one character, 7 extra digraph in the query, 8 one record character read as a
    digraph."""
    return C.weighted_table(  # type: ignore[no-any-return]
        C.as_codepoints(query),
        C.as_codepoints(record),
        COST_VECTOR,
        C.CONFUSION_CLASS,
        C.TRANSLIT,
        C.DIGRAPH,
    )


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
    return float(d[len(query), len(record)])


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
    table, pointers = _table(query, record)
    b = pointers.tolist()
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
    return float(table[len(query), len(record)]), diffs
