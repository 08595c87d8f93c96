"""The marking index: find a weapon record from a worn, misread or partial serial.

Structure (see docs/decisions/0004-marking-index.md for why):

* an immutable **base** store of numpy arrays (``_arrays``), built in one vectorised pass and
  saved as ``.npy`` files that :meth:`MarkingIndex.load` memory-maps read-only, so several server
  processes share one copy through the page cache and loading is instant;
* a small mutable **overlay** (a dict) for records added after the base was built, and a
  **tombstone** bit-set for base rows removed or replaced.  Adding a record is a dict insert
  (microseconds); :meth:`MarkingIndex.save` merges the overlay into a new base.

Search paths:

* *full* readings (no wildcard): candidates from the pigeonhole pair index (<= 2 edits on the
  confusion key; 1-edit stage first, 2-edit stage only when it can still change the top
  ``limit``), a vectorised pre-filter on packed keys, rapidfuzz's OSA distance, then the weighted
  distance of :mod:`.distance` (from rapidfuzz bounds when they pin it down, else the DP);
  records that *contain* the reading are added below the full matches when fewer than ``limit``
  full matches exist, and get reserved slots when the reading looks like a fragment (much shorter
  than the serials of the index, or every full match 2+ edits away);
* *wildcard* readings (``?`` one character, ``*`` any run): candidates from trigram postings of
  the legible fragments, or from the prefix/suffix orders, verified by a regular expression.

Scores: ``10 * tier + 5 - distance + attribute_bonus`` with tier 2 = exact (normalised serial
identical), 1 = full match (fuzzy or wildcard), 0 = partial (substring).  The distance is at most
4.5 and the bonus in [-0.11, +3.5], so tiers never overlap: an exact match always ranks first,
and a partial match always ranks below every full match.

Results: the best ``limit`` (fewer full matches when slots are reserved for substring hits),
every result tied with the last of them, and, when the reading gives details, the closest
serials whatever the details say (:attr:`MarkingIndex.closest_share`).
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import operator
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from . import _arrays as A
from . import _compiled as C
from .distance import COST_VECTOR, COSTS, Difference, align
from .normalise import (
    TRANSLITERATION_DIGRAPHS,
    TRANSLITERATION_PAIRS,
    confusion_key,
    normalise_name,
    normalise_query,
    normalise_serial,
    raw_positions,
)

__all__ = ["ATTRIBUTE_WEIGHTS", "MarkingIndex", "Match"]

Store = dict[str, npt.NDArray[Any]]

FORMAT_VERSION: Final = 3
#: arrays that older formats lack; derived on load (:func:`._arrays.complete_structures`)
_DERIVED_SINCE: Final[dict[str, int]] = {
    "cheap": 2,
    "cpair_keys": 3,  # format 2 has them with unmixed keys: rebuilt
    "cpair_rows": 3,
    "kpack": 2,
    "pair_kp": 3,
    "cpair_kp": 3,
    "pair_dir": 3,
    "cpair_dir": 3,
}
FIELDS: Final[tuple[str, ...]] = ("manufacturer", "model", "calibre", "country")

#: (bonus when the query and the record agree, penalty when both are known and differ).
#:
#: A detail the officer gives and the record agrees on counts for a little more than one reading
#: error in the serial: the manufacturer (half of a weapon's identity under the ITI) 1.25, more
#: than an edit plus an optical confusion; the model and the calibre 1.1 each; the country,
#: rarely read off the weapon itself, 0.05.  So a record of the named manufacturer two edits
#: away ranks above another manufacturer's record one edit away: with ten million records a
#: dense numeric serial has dozens of records one edit from any reading, and only the details
#: tell them apart.  The penalty for a disagreement is small, and details never hide the best
#: serials: the :attr:`MarkingIndex.closest_share` of the results always goes to the closest
#: serials whatever the details say (a wrong manufacturer must not push the right weapon out).
#: Measured on 10 M synthetic records (docs/benchmarks-marking.md): 2-edit recall@10 0.90 with
#: the former (0.5, 0.15, 0.10) for manufacturer, model and calibre, 0.965 with these (the
#: highest any ranking that prefers fewer reading errors can reach there is 0.978).
ATTRIBUTE_WEIGHTS: Final[dict[str, tuple[float, float]]] = {
    "manufacturer": (1.25, 0.05),
    "model": (1.10, 0.02),
    "calibre": (1.10, 0.02),
    "country": (0.05, 0.02),
}
#: full-match candidates: (score upper bound, attribute bonus, key distance, record id, row)
_Candidates = tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
]
_PAIR_ARRAYS: Final = ("pair_keys", "pair_dir", "pair_rows", "pair_kp")
_CHEAP_PAIR_ARRAYS: Final = ("cpair_keys", "cpair_dir", "cpair_rows", "cpair_kp")
_EMPTY_ROWS: Final = np.zeros(0, dtype=np.int64)
_NO_DEAD: Final = np.zeros(0, dtype=bool)  # no row removed since the last merge
_NO_SHIFTS: Final = np.zeros(0, dtype=np.uint64)  # a scan that does not run takes no window test
#: pairs probed for a reading with one swap undone (stage B): what is left of two edits is one
#: edit, which damages one part (one of the two pairs is intact), or a second swap, which may
#: damage two neighbouring parts.  Only the couple (0, 1) + (2, 3) survives that for one of the
#: two swaps whichever they are (both cannot cross the middle boundary), so this couple is fixed
#: rather than chosen by selectivity like stage A's (tested: every record within two key edits)
_SWAP_PAIRS: Final = (A.PAIRS.index((0, 1)), A.PAIRS.index((2, 3)))
TIER_EXACT: Final = 2
TIER_FULL: Final = 1
TIER_PARTIAL: Final = 0
MAX_DISTANCE: Final = 4.5
#: (exact-tier base, full-tier base, distance cap) of a full match's score, for the compiled loop
_SCORE_SCALE: Final = np.array([10 * TIER_EXACT + 5, 10 * TIER_FULL + 5, MAX_DISTANCE], dtype=np.float64)
_SCORING_TABLES: Final = C.scoring_tables(COST_VECTOR)
_TIER_NAMES: Final = {TIER_EXACT: "exact", TIER_FULL: "full", TIER_PARTIAL: "partial"}
_ARRAY_NAMES: Final[tuple[str, ...]] = (
    "ids",
    "norm_buf",
    "norm_off",
    "raw_buf",
    "raw_off",
    *FIELDS,
    "pair_keys",
    "pair_rows",
    *_DERIVED_SINCE,
    "gram_off",
    "gram_rows",
    "pre_perm",
    "suf_perm",
)


class Match:
    """One search result.

    ``score``: higher is better; comparable across results of the *same* query only (see the
    module docstring for the scale).  ``distance``: weighted edit distance between the reading and
    the registered serial (0 = identical after normalisation; for partial matches the distance of
    the contained part plus 0.01 per uncovered character).  ``differences``: machine-readable
    differing positions (0-based in ``normalised``; ``raw_position`` in ``serial`` when mappable)
    for highlighting.  ``kind``: "exact", "full" or "partial".  ``closest_serial``: returned
    because its serial is among the closest to the reading although the details given
    (manufacturer, model, calibre, country) rank it lower: details never hide the best serials.

    The record's serial, normalised serial and manufacturer, the ``explanation`` and the
    ``differences`` are read when first used: a search returns every result tied with the
    ``limit``-th (dozens for short serials), and a caller that shows only some of them, or
    filters them by permission first, should not pay for describing the rest.
    """

    __slots__ = ("record_id", "score", "distance", "kind", "closest_serial", "_describe", "_described")

    def __init__(
        self,
        record_id: int,
        score: float,
        explanation: str,
        serial: str,
        normalised: str,
        distance: float,
        kind: str,
        differences: tuple[Difference, ...] = (),
        manufacturer: str | None = None,
        closest_serial: bool = False,
    ) -> None:
        self.record_id = record_id
        self.score = score
        self.distance = distance
        self.kind = kind
        self.closest_serial = closest_serial
        # (index, arguments of its _describe) until first read, see MarkingIndex._finish
        self._describe: tuple[MarkingIndex, tuple[Any, ...]] | None = None
        self._described: _Description | None = (explanation, serial, normalised, tuple(differences), manufacturer)

    def _description(self) -> _Description:
        if self._described is None:
            assert self._describe is not None
            index, args = self._describe
            self._described = index._describe(*args)
            self._describe = None
        return self._described

    @property
    def explanation(self) -> str:
        """What differed or was assumed, and how the details given compare, in plain words."""
        return self._description()[0]

    @property
    def serial(self) -> str:
        """The serial as registered (raw)."""
        return self._description()[1]

    @property
    def normalised(self) -> str:
        return self._description()[2]

    @property
    def differences(self) -> tuple[Difference, ...]:
        return self._description()[3]

    @property
    def manufacturer(self) -> str | None:
        """The manufacturer as registered."""
        return self._description()[4]

    def _fields(self) -> tuple[Any, ...]:
        return (self.record_id, self.score, self.distance, self.kind, self.closest_serial, self._description())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Match) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash((self.record_id, self.score, self.distance, self.kind))

    def __repr__(self) -> str:
        return (
            f"Match(record_id={self.record_id!r}, score={self.score!r}, serial={self.serial!r}, "
            f"distance={self.distance!r}, kind={self.kind!r}, explanation={self.explanation!r})"
        )


#: explanation, raw serial, normalised serial, differences, manufacturer (see :class:`Match`)
_Description = tuple[str, str, str, tuple[Difference, ...], str | None]


@dataclass(slots=True)
class _Rec:
    record_id: int
    raw: str
    norm: str
    key: str
    codes: tuple[int, int, int, int]


@dataclass(slots=True)
class _Query:
    raw: str
    norm: str
    key: str
    limit: int
    attr: dict[str, int | None]  # field -> code to compare (-2: unknown to the index)
    attr_text: dict[str, str]
    found: dict[int, tuple[float, float, int, Any, list[Difference] | None]] = field(default_factory=dict)
    # record_id -> (score, distance, tier, ref) ; ref = ("b", row) or ("o", _Rec)
    full_limit: int = 0  # how many full-tier results are needed (limit minus reserved partial slots)
    reserve: int = 0  # result slots reserved for substring (partial) hits
    heap: list[float] = field(default_factory=list)  # best full-tier scores (min-heap)
    min_dk: int | None = None  # smallest key edit distance of the full matches found
    partial_done: bool = False
    codes: list[int] = field(default_factory=list)  # 5-bit codes of the key (pair index, scan)
    bonus_tables: list[tuple[int, Any]] | None = None  # see MarkingIndex._bonus_tables
    closest_limit: int = 0  # result slots kept for the closest serials whatever the details say
    closest: dict[int, float] = field(default_factory=dict)  # record_id -> score without details
    closest_heap: list[float] = field(default_factory=list)  # best such scores (min-heap)
    pm: Any = None  # pattern masks of the key for the compiled scan
    code_array: Any = None  # the codes as uint64 (probe keys, swap variants)
    shifted: dict[int, Any] = field(default_factory=dict)  # shifted keys of the window test, per cut-off
    code_points: Any = None  # the normalised reading as int32 code points (the scoring kernels)
    bound_args: tuple[Any, ...] | None = None  # the bounds kernel's arguments, see MarkingIndex._bound_args


_TRANSLIT_LETTERS: Final = frozenset("".join("".join(p) for p in TRANSLITERATION_PAIRS))


def _embedded_at(s: str, i: int) -> bool:
    return s[i].isalpha() and s[i - 1].isdigit() and s[i + 1].isdigit()


def _merge_found(
    q: _Query,
    ids: npt.NDArray[np.int64],
    rows: npt.NDArray[np.int64],
    dist: npt.NDArray[np.float64],
    scores: npt.NDArray[np.float64],
    dk: npt.NDArray[np.int64],
    overlay: bool,
    *,
    replace: bool,
) -> None:
    """Record full-match candidates in ``q.found`` (and the smallest key distance among them in
    ``q.min_dk``): with ``replace``, a record found before keeps the better of its two results;
    without, a record found before is left as it is."""
    if not len(ids):
        return
    rid_list = ids.tolist()
    tiers = np.where(dist == 0.0, TIER_EXACT, TIER_FULL).tolist()
    refs = zip(itertools.repeat("o" if overlay else "b"), rid_list if overlay else rows.tolist())
    entries = zip(scores.tolist(), dist.tolist(), tiers, refs, itertools.repeat(None))
    found = q.found
    if replace:
        for rid, entry in zip(rid_list, entries, strict=True):
            prev = found.get(rid)
            if prev is None or prev[0] < entry[0]:
                found[rid] = entry
    else:
        # a record twice among the candidates keeps its best (a record's key distance is the
        # same whichever way it was found)
        new: dict[int, tuple[float, float, int, Any, Any]] = {}
        for rid, entry in zip(rid_list, entries, strict=True):
            if rid not in found and (rid not in new or new[rid][0] < entry[0]):
                new[rid] = entry
        found.update(new)
    least = int(dk.min())
    q.min_dk = least if q.min_dk is None else min(q.min_dk, least)


def _entry_score(item: tuple[int, tuple[float, ...]]) -> float:
    """The score of a ``(record_id, entry)`` item of ``_Query.found``."""
    return item[1][0]


#: the record id of an item of ``_Query.found`` or ``_Query.closest``, and the score of a
#: ``(record_id, score)`` item of ``_Query.closest``
_RECORD_ID: Final = operator.itemgetter(0)
_SCORE_OF_CLOSEST: Final = operator.itemgetter(1)


def _by_score(items: Iterable[tuple[int, Any]], score: Callable[[Any], float]) -> list[Any]:
    """``(record_id, ...)`` items sorted by score (best first), ties by record id: two stable
    sorts with plain keys take half the time of one sort on a ``(-score, id)`` tuple."""
    ranked = sorted(items, key=_RECORD_ID)
    ranked.sort(key=score, reverse=True)  # reverse=True keeps equal scores in record-id order
    return ranked


def _sorted_unique(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """np.unique without its hashing overhead on small arrays."""
    if len(a) < 2:
        return a
    a = np.sort(a)
    keep = np.empty(len(a), dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _keep(q: _Query, heap: list[float], limit: int, rid: int, entry: tuple[float, float, int, Any, Any]) -> bool:
    """Keep ``entry`` (score first) as the record's result if it beats what the reading found
    before, and its score among the ``limit`` best of the min-``heap``.  True when kept."""
    score = entry[0]
    prev = q.found.get(rid)
    kept = prev is None or prev[0] < score
    if kept:
        q.found[rid] = entry
    _push_bounded(heap, limit, score)
    return kept


def _push_bounded(heap: list[float], limit: int, score: float) -> None:
    """Keep ``score`` in the min-``heap`` of the ``limit`` best scores if it is among them."""
    if len(heap) < limit:
        heapq.heappush(heap, score)
    elif score > heap[0]:
        heapq.heapreplace(heap, score)


def _entry(buf: A.U8, off: A.I64, row: int) -> str:
    """One variable-length entry of a base buffer (without its separator)."""
    return bytes(buf[int(off[row]) : int(off[row + 1]) - 1]).decode("utf-8")


def _fast_diffs(query: str, record: str, weighted: float, raw_pos: list[int] | None = None) -> list[Difference] | None:
    """Differences from rapidfuzz's Levenshtein edit operations when the weighted distance equals
    the plain edit distance of the normalised strings (then every operation of that alignment
    costs 1.0 in the weighted model: substitutions of unrelated characters, missing and extra
    characters), and no swap is needed.  None when the weighted DP must explain the match.
    ``raw_pos`` (from :func:`raw_positions`) fills each difference's ``raw_position``."""
    if query == record:
        return []
    if "?" in query or "*" in query:
        return None
    lev = Levenshtein.distance(record, query)
    if lev != OSA.distance(record, query) or abs(lev - weighted) > 1e-9:
        return None
    out: list[Difference] = []
    n = len(raw_pos) if raw_pos is not None else 0
    for e in Levenshtein.editops(record, query):
        op, i, j = e.tag, e.src_pos, e.dest_pos
        rp = raw_pos[i] if raw_pos is not None and i < n else None
        if op == "replace":
            out.append(Difference("substitution", i, record[i], query[j], rp))
        elif op == "delete":
            out.append(Difference("missing", i, record[i], "", rp))
        else:
            out.append(Difference("extra", i, "", query[j], rp))
    return out


_BUILD_CHUNK: Final = 65_536  # records taken at a time by a bulk build


def _clean_raw(raw: str) -> str:
    return raw.replace("\n", " ").replace("\r", " ")


def _calibre_norm(value: str) -> str:
    n = normalise_name(value)
    return n[:-2] if n.endswith("MM") and len(n) > 2 else n


class _Vocab:
    """Small string vocabulary of one attribute (normalised form -> code, display names)."""

    def __init__(self, display: list[str] | None = None, field_name: str = "") -> None:
        self.field = field_name
        self.display: list[str] = list(display or [])
        self.code: dict[str, int] = {self.norm(d): i for i, d in enumerate(self.display)}
        self._cache: dict[str | None, int] = {None: -1, "": -1}

    def norm(self, value: str) -> str:
        return _calibre_norm(value) if self.field == "calibre" else normalise_name(value)

    def intern(self, value: str | None) -> int:
        if value is None or value == "":
            return -1
        c = self._cache.get(value)
        if c is not None:
            return c
        n = self.norm(value)
        if not n:
            return -1
        c = self.code.get(n)
        if c is None:
            c = len(self.display)
            self.code[n] = c
            self.display.append(value)
        if len(self._cache) < 100_000:
            self._cache[value] = c
        return c

    def intern_many(self, values: list[str | None]) -> list[int]:
        """:meth:`intern` of each value; values met before are looked up in one pass."""
        codes: list[int | None] = list(map(self._cache.get, values))
        for i in [i for i, c in enumerate(codes) if c is None]:
            codes[i] = self.intern(values[i])
        return codes  # type: ignore[return-value]

    def lookup(self, value: str) -> int | None:
        return self.code.get(self.norm(value))


def _empty_store() -> Store:
    z8 = np.zeros(0, dtype=np.uint8)
    off = np.zeros(1, dtype=np.int64)
    store: Store = {
        "ids": np.zeros(0, dtype=np.int64),
        "norm_buf": z8,
        "norm_off": off,
        "raw_buf": z8,
        "raw_off": off,
    }
    for f in FIELDS:
        store[f] = np.zeros(0, dtype=np.int32)
    store.update(A.build_structures(z8, off))
    return store


class MarkingIndex:
    """Index of weapon markings (serial + manufacturer/model/calibre/country) for tolerant search.

    Thread-safety: any number of threads may :meth:`search` concurrently as long as nobody
    mutates the index; :meth:`add`, :meth:`remove`, :meth:`add_many` and :meth:`save` need an
    external lock (or one writer process that saves, readers that re-:meth:`load`).

    ``max_results`` caps how far results tied with the ``limit``-th score are returned (short or
    very partial readings can tie with thousands of records).
    """

    max_results: int = 500
    #: a reading at least this many characters shorter than the median serial of the index is
    #: treated as a possible fragment: half of the ``limit`` slots are reserved for records that
    #: contain it (still ranked below all full matches).
    partial_shorter_by: int = 3
    #: share of the ``limit`` slots reserved for substring hits when the reading looks like a fragment
    partial_reserve: float = 0.3
    #: share of the ``limit`` slots always given to the closest serials (details ignored) when the
    #: reading names a manufacturer, model, calibre or country: those details outweigh a reading
    #: error, so a wrong one would otherwise push the right weapon out of the results
    closest_share: float = 0.3
    #: testing aid: always run the complete 2-edit stage (the staged search must agree with it)
    _exhaustive: bool = False
    #: add_many batches larger than this on a non-empty index are merged into a new base at once.
    bulk_merge_threshold: int = 50_000

    def __init__(self, manufacturer_aliases: Mapping[str, str] | None = None) -> None:
        self._store: Store = _empty_store()
        self._dead: npt.NDArray[np.bool_] | None = None
        self._n_dead = 0
        self._overlay: dict[int, _Rec] = {}
        self._overlay_keys: tuple[list[int], list[str]] | None = None
        self._vocab: dict[str, _Vocab] = {f: _Vocab(field_name=f) for f in FIELDS}
        self._aliases: dict[str, str] = {}
        self._alias_source: dict[str, str] = dict(manufacturer_aliases or {})
        self._canon_ids: dict[str, int] = {}
        self._manu_canon: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self._typical_len: int | None = None
        self.set_manufacturer_aliases(manufacturer_aliases or {})

    # ------------------------------------------------------------------ aliases / attributes
    def set_manufacturer_aliases(self, aliases: Mapping[str, str]) -> None:
        """Replace the alias -> canonical manufacturer mapping (matching is normalised: case,
        spaces, punctuation and script do not matter).  Records keep their stored names; the
        mapping is applied at comparison time, so a catalogue change needs no rebuild."""
        self._alias_source = dict(aliases)
        self._aliases = {}
        for alias, canon in aliases.items():
            cn = normalise_name(canon)
            self._aliases[normalise_name(alias)] = cn
            self._aliases.setdefault(cn, cn)
        self._refresh_canon()

    def _canon_of(self, norm_name: str) -> str:
        return self._aliases.get(norm_name, norm_name)

    def _refresh_canon(self) -> None:
        voc = self._vocab["manufacturer"]
        self._canon_ids = {}
        out = np.empty(len(voc.display), dtype=np.int32)
        for i, d in enumerate(voc.display):
            c = self._canon_of(voc.norm(d))
            out[i] = self._canon_ids.setdefault(c, len(self._canon_ids))
        self._manu_canon = out

    def _record_codes(
        self, manufacturer: str | None, model: str | None, calibre: str | None, country: str | None
    ) -> tuple[int, int, int, int]:
        before = len(self._vocab["manufacturer"].display)
        codes = (
            self._vocab["manufacturer"].intern(manufacturer),
            self._vocab["model"].intern(model),
            self._vocab["calibre"].intern(calibre),
            self._vocab["country"].intern(country),
        )
        if len(self._vocab["manufacturer"].display) != before:
            self._refresh_canon()
        return codes

    # ------------------------------------------------------------------ size / mutation
    def __len__(self) -> int:
        return len(self._store["ids"]) - self._n_dead + len(self._overlay)

    def _row_of(self, record_id: int) -> int | None:
        ids = self._store["ids"]
        i = int(np.searchsorted(ids, record_id))
        if i < len(ids) and int(ids[i]) == record_id and not (self._dead is not None and self._dead[i]):
            return i
        return None

    def remove(self, record_id: int) -> bool:
        """Remove a record (tombstone for the base, delete from the overlay).  Returns whether it
        was present.  Registers amend rather than erase: call this when a record is withdrawn
        from tracing, and :meth:`add` again to apply a change."""
        removed = self._overlay.pop(record_id, None) is not None
        if removed:
            self._overlay_keys = None
        row = self._row_of(record_id)
        if row is not None:
            if self._dead is None:
                self._dead = np.zeros(len(self._store["ids"]), dtype=bool)
            self._dead[row] = True
            self._n_dead += 1
            removed = True
        return removed

    def add(
        self,
        record_id: int,
        serial: str,
        *,
        manufacturer: str | None = None,
        model: str | None = None,
        calibre: str | None = None,
        country: str | None = None,
    ) -> None:
        """Add or replace (same ``record_id``) one record.  O(1): goes to the overlay."""
        record_id = int(record_id)
        self.remove(record_id)
        raw = _clean_raw(serial)
        norm = normalise_serial(raw)
        self._overlay[record_id] = _Rec(
            record_id,
            raw,
            norm,
            confusion_key(norm),
            self._record_codes(manufacturer, model, calibre, country),
        )
        self._overlay_keys = None

    def add_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Add many records (dicts with record_id, serial and optional manufacturer, model,
        calibre, country).  On an empty index this is a vectorised bulk build; large batches on a
        non-empty index are merged into a new base; small ones go to the overlay."""
        if len(self._store["ids"]) == 0 and not self._overlay:
            self._bulk_build(records)
            return
        for r in records:
            self.add(
                int(r["record_id"]),
                str(r["serial"]),
                manufacturer=r.get("manufacturer"),
                model=r.get("model"),
                calibre=r.get("calibre"),
                country=r.get("country"),
            )
        if len(self._overlay) > self.bulk_merge_threshold:
            self.compact()

    def _bulk_build(self, records: Iterable[Mapping[str, Any]]) -> None:
        # column by column, a chunk of records at a time: a loop over the records doing
        # everything for each costs more than the normalisation itself at 10 million records
        ids: list[int] = []
        raws: list[str] = []
        norms: list[str] = []
        cols: dict[str, list[int]] = {f: [] for f in FIELDS}
        it = iter(records)
        while chunk := list(itertools.islice(it, _BUILD_CHUNK)):
            ids.extend(map(int, [r["record_id"] for r in chunk]))
            serials = [r["serial"] for r in chunk]
            raws.extend(serials)
            norms.extend(map(normalise_serial, serials))  # line breaks are dropped here anyway
            for f in FIELDS:
                cols[f].extend(self._vocab[f].intern_many([r.get(f) for r in chunk]))
        self._refresh_canon()
        ids_a = np.array(ids, dtype=np.int64)
        del ids
        joined = "\n".join(raws)
        if joined.count("\n") != len(raws) - 1 or "\r" in joined:  # a serial with a line break
            joined = "\n".join(map(_clean_raw, raws))
        raw_buf = np.frombuffer((joined + "\n").encode("utf-8"), dtype=np.uint8) if raws else np.zeros(0, np.uint8)
        del raws, joined
        norm_buf = (
            np.frombuffer(("\n".join(norms) + "\n").encode("utf-8"), dtype=np.uint8)
            if norms
            else np.zeros(0, dtype=np.uint8)
        )
        del norms
        codes = {f: np.array(cols[f], dtype=np.int32) for f in FIELDS}
        del cols
        self._set_base(
            self._make_store(
                ids_a,
                norm_buf,
                A.offsets_from_separated(norm_buf),
                raw_buf,
                A.offsets_from_separated(raw_buf),
                codes,
            )
        )

    @staticmethod
    def _make_store(
        ids: npt.NDArray[np.int64],
        norm_buf: A.U8,
        norm_off: A.I64,
        raw_buf: A.U8,
        raw_off: A.I64,
        codes: dict[str, npt.NDArray[np.int32]],
    ) -> Store:
        """Sort by record id (last occurrence of a duplicated id wins) and build the structures."""
        order = np.argsort(ids, kind="stable")
        sid = ids[order]
        keep = np.ones(len(sid), dtype=bool)
        keep[:-1] = sid[:-1] != sid[1:]
        order = order[keep]
        if len(order) != len(ids) or not bool(np.all(order[1:] > order[:-1])):
            norm_buf, norm_off = A.gather(norm_buf, norm_off, order)
            raw_buf, raw_off = A.gather(raw_buf, raw_off, order)
            codes = {f: c[order] for f, c in codes.items()}
            ids = ids[order]
        store: Store = {
            "ids": ids,
            "norm_buf": norm_buf,
            "norm_off": norm_off,
            "raw_buf": raw_buf,
            "raw_off": raw_off,
        }
        store.update(codes)
        store.update(A.build_structures(norm_buf, norm_off))
        return store

    def _set_base(self, store: Store) -> None:
        self._store = store
        self._typical_len = None
        self._dead = None
        self._n_dead = 0
        self._overlay = {}
        self._overlay_keys = None

    def _merged_store(self) -> Store:
        s = self._store
        rows = np.arange(len(s["ids"]), dtype=np.int64)
        if self._dead is not None:
            rows = rows[~self._dead]
        norm_buf, _ = A.gather(s["norm_buf"], s["norm_off"], rows)
        raw_buf, _ = A.gather(s["raw_buf"], s["raw_off"], rows)
        ov = list(self._overlay.values())
        extra_norm = np.frombuffer("".join(r.norm + "\n" for r in ov).encode("utf-8"), dtype=np.uint8)
        extra_raw = np.frombuffer("".join(r.raw + "\n" for r in ov).encode("utf-8"), dtype=np.uint8)
        nb = np.concatenate([norm_buf, extra_norm])
        rb = np.concatenate([raw_buf, extra_raw])
        ids = np.concatenate([np.asarray(s["ids"][rows]), np.array([r.record_id for r in ov], dtype=np.int64)])
        codes = {
            f: np.concatenate([np.asarray(s[f][rows]), np.array([r.codes[i] for r in ov], dtype=np.int32)])
            for i, f in enumerate(FIELDS)
        }
        return self._make_store(ids, nb, A.offsets_from_separated(nb), rb, A.offsets_from_separated(rb), codes)

    def compact(self) -> None:
        """Merge the overlay and tombstones into a new in-memory base (vectorised rebuild)."""
        if self._overlay or self._n_dead:
            self._set_base(self._merged_store())

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike[str]) -> None:
        """Merge the overlay into the base and write the index as a directory of ``.npy`` files
        plus ``meta.json`` (written last, via a rename, so a half-written index is never valid).
        Every file is written beside its old version and renamed over it: a process that has the
        old one memory-mapped (this one, or another server process) keeps reading the old
        contents instead of crashing on a truncated file."""
        self.compact()
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        for name in _ARRAY_NAMES:
            tmp_array = p / f"{name}.npy.tmp"
            with open(tmp_array, "wb") as fh:
                np.save(fh, np.ascontiguousarray(self._store[name]), allow_pickle=False)
            tmp_array.replace(p / f"{name}.npy")
        meta = {
            "format": FORMAT_VERSION,
            "records": int(len(self._store["ids"])),
            "vocab": {f: self._vocab[f].display for f in FIELDS},
            "manufacturer_aliases": self._alias_source,
        }
        tmp = p / "meta.json.tmp"
        tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        tmp.replace(p / "meta.json")

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        manufacturer_aliases: Mapping[str, str] | None = None,
        mmap: bool = True,
    ) -> MarkingIndex:
        """Open a saved index.  Arrays are memory-mapped read-only (``mmap=True``): loading takes
        milliseconds, pages are shared between processes.  Mutations go to the overlay.
        ``manufacturer_aliases`` replaces the saved mapping when given."""
        p = Path(path)
        meta = json.loads((p / "meta.json").read_text(encoding="utf-8"))
        fmt = meta.get("format")
        if fmt not in range(1, FORMAT_VERSION + 1):
            raise ValueError(f"unsupported marking index format {fmt!r}")
        idx = cls.__new__(cls)
        # plain ndarray views of the memory maps: np.memmap.__getitem__ is slow in hot loops
        idx._store = {
            name: np.load(p / f"{name}.npy", mmap_mode="r" if mmap else None, allow_pickle=False).view(np.ndarray)
            for name in _ARRAY_NAMES
            if _DERIVED_SINCE.get(name, 0) <= fmt
        }
        A.complete_structures(idx._store)
        idx._typical_len = None
        idx._dead = None
        idx._n_dead = 0
        idx._overlay = {}
        idx._overlay_keys = None
        idx._vocab = {f: _Vocab(meta["vocab"][f], f) for f in FIELDS}
        idx._canon_ids = {}
        idx._manu_canon = np.zeros(0, dtype=np.int32)
        idx.set_manufacturer_aliases(
            manufacturer_aliases if manufacturer_aliases is not None else meta["manufacturer_aliases"]
        )
        return idx

    # ------------------------------------------------------------------ search
    def search(
        self,
        serial: str,
        *,
        manufacturer: str | None = None,
        model: str | None = None,
        calibre: str | None = None,
        country: str | None = None,
        limit: int = 10,
    ) -> list[Match]:
        """Find records whose serial matches the reading ``serial``.

        ``?`` = one illegible character, ``*`` = any run of illegible characters; a reading of 3+
        legible characters without wildcards also finds records that contain it (always ranked
        below full matches; when the reading is :attr:`partial_shorter_by` characters shorter than
        the median serial, or every full match is 2+ edits away, :attr:`partial_reserve` of the
        ``limit`` slots are kept for such records).  Up to 2 edits (substitution, missing/extra
        character, swap; a two-letter transliteration such as ZH = Ж counts as one letter) are
        tolerated for readings of 5+ characters, 1 for 4, 0 for shorter; optical confusions and
        script differences are always tolerated.  Attributes only re-rank, never filter.

        Results are sorted by score (best first), ties by record id.  Results tied with the
        ``limit``-th score are all returned (up to :attr:`max_results`), because for short or
        worn serials the register genuinely cannot tell them apart.
        """
        norm = normalise_query(serial)
        if not norm.replace("*", "").replace("?", ""):
            return []
        q = _Query(serial, norm, confusion_key(norm), max(1, int(limit)), {}, {})
        self._query_attrs(q, manufacturer, model, calibre, country)
        if "?" in norm or "*" in norm:
            self._search_wildcard(q)
            return self._finish(q)
        n = len(q.key)
        q.full_limit = q.limit
        if self.closest_share > 0 and self._details_rank(q):
            q.closest_limit = max(1, math.ceil(q.limit * self.closest_share))
        if 3 <= n <= self._typical_length() - self.partial_shorter_by:
            # Much shorter than the serials of the index: probably a fragment.  Substring hits get
            # reserved slots (still ranked below every full match).
            q.reserve = max(1, int(q.limit * self.partial_reserve))
            hits = self._search_partial(q)
            q.full_limit = q.limit - min(q.reserve, hits)
        self._search_full(q)
        if not q.partial_done and n >= 3:
            far = q.min_dk is not None and q.min_dk >= 2
            if far:  # every full match is 2+ edits away: the reading may be a fragment
                q.reserve = max(1, int(q.limit * self.partial_reserve))
            if far or len(q.found) < q.limit:
                self._search_partial(q)
        return self._finish(q)

    def _typical_length(self) -> int:
        """Median normalised serial length of the base (sampled, cached)."""
        if self._typical_len is None:
            off = self._store["norm_off"]
            n = len(off) - 1
            if n <= 0:
                self._typical_len = 0
            else:
                idx = np.arange(0, n, max(1, n // 100_000), dtype=np.int64)
                lens = np.asarray(off[idx + 1]) - np.asarray(off[idx]) - 1
                self._typical_len = int(np.median(lens))
        return self._typical_len

    def _query_attrs(
        self, q: _Query, manufacturer: str | None, model: str | None, calibre: str | None, country: str | None
    ) -> None:
        values = {"manufacturer": manufacturer, "model": model, "calibre": calibre, "country": country}
        for f, v in values.items():
            if not v:
                q.attr[f] = None
                continue
            q.attr_text[f] = v
            voc = self._vocab[f]
            if f == "manufacturer":
                cid = self._canon_ids.get(self._canon_of(voc.norm(v)))
                q.attr[f] = -2 if cid is None else cid
            else:
                c = voc.lookup(v)
                q.attr[f] = -2 if c is None else c

    @staticmethod
    def _details_rank(q: _Query) -> bool:
        """Do the details given change the order of the candidates (a known manufacturer, or any
        model, calibre or country: an unknown one still lowers records that recorded another)?"""
        return any(v is not None and not (f == "manufacturer" and v == -2) for f, v in q.attr.items())

    def _bonus_for(self, q: _Query, codes: list[npt.NDArray[np.int32]]) -> npt.NDArray[np.float64]:
        """Attribute bonus per candidate; ``codes`` = the 4 code arrays (FIELDS order)."""
        b = np.zeros(len(codes[0]), dtype=np.float64)
        for i, table in self._bonus_tables(q):
            b += table[codes[i] + 1]
        return b

    def _bonus_rows(self, q: _Query, rows: A.I64) -> npt.NDArray[np.float64]:
        """Attribute bonus of base rows (reads only the attributes the reading gives)."""
        b = np.zeros(len(rows), dtype=np.float64)
        for i, table in self._bonus_tables(q):
            b += table[np.asarray(self._store[FIELDS[i]][rows]) + 1]
        return b

    def _bonus_tables(self, q: _Query) -> list[tuple[int, npt.NDArray[np.float64]]]:
        """Per attribute the reading gives: its bonus for every code of the vocabulary, shifted
        by one so that "not recorded" (-1) reads 0 (worked out once per reading)."""
        if q.bonus_tables is None:
            q.bonus_tables = []
            for i, f in enumerate(FIELDS):
                qc = q.attr.get(f)
                if qc is None or qc == -2 and f == "manufacturer":
                    continue  # not given, or a manufacturer the index does not know: no effect
                n = len(self._vocab[f].display)
                codes = self._manu_canon[:n] if f == "manufacturer" else np.arange(n)
                agree, disagree = ATTRIBUTE_WEIGHTS[f]
                table = np.zeros(n + 1, dtype=np.float64)
                table[1:] = np.where(codes == qc, agree, -disagree)
                q.bonus_tables.append((i, table))
        return q.bonus_tables

    def _alive(self, rows: A.I64) -> A.I64:
        if self._dead is not None and len(rows):
            rows = rows[~self._dead[rows]]
        return rows

    def _row_strings(self, rows: A.I64) -> tuple[list[str], list[str]]:
        """Normalised serials and confusion keys of base rows (one vectorised gather)."""
        if not len(rows):
            return [], []
        buf, _ = A.gather(self._store["norm_buf"], self._store["norm_off"], rows)
        b = buf.tobytes()
        norms = b.decode("utf-8").split("\n")[:-1]
        keys = b.translate(A.KEY_TABLE).decode("utf-8").split("\n")[:-1]
        return norms, keys


    def _overlay_lists(self) -> tuple[list[int], list[str]]:
        if self._overlay_keys is None:
            ids = list(self._overlay)
            self._overlay_keys = (ids, [self._overlay[i].key for i in ids])
        return self._overlay_keys

    @staticmethod
    def _max_edits(n: int) -> int:
        return 2 if n >= 5 else 1 if n >= 4 else 0

    def _consider(self, q: _Query, items: list[tuple[float, float, int, int, Any, str]]) -> None:
        """Rank candidates by an upper bound, compute exact weighted distances best-first and stop
        as soon as no remaining candidate can reach the current limit-th score.
        items: (upper_bound_score, bonus, tier, record_id, ref, normalised serial)."""
        items.sort(key=lambda t: -t[0])
        heap: list[float] = []
        kth = float("-inf")
        for ub, bonus, tier, rid, ref, norm in items:
            if len(heap) >= q.limit and ub < kth - 1e-9:
                break
            diffs: list[Difference] | None = None
            if tier == TIER_PARTIAL:
                d = ref[2]
                ref = ref[:2]
            else:
                d, diffs = align(q.norm, norm)
            if tier == TIER_FULL and d == 0.0 and "?" not in q.norm and "*" not in q.norm:
                tier = TIER_EXACT
            score = round(10 * tier + 5 - min(d, MAX_DISTANCE) + bonus, 6)
            _keep(q, heap, q.limit, rid, (score, d, tier, ref, diffs))
            if len(heap) >= q.limit:
                kth = heap[0]

    def _max_bonus(self, q: _Query) -> float:
        """Largest attribute bonus any record can get for this query."""
        return sum(ATTRIBUTE_WEIGHTS[f][0] for f in FIELDS if (c := q.attr.get(f)) is not None and c >= 0)

    @staticmethod
    def _query_cheap(norm: str) -> tuple[int, int]:
        """Upper bound on the number of key edits of the reading that can cost less than 1.0 per
        key edit because of the *reading's* characters (transliteration letters 0.3, letters
        between digits 0.5, a two-letter transliteration counts once for 2 key characters), and
        the part of it not due to transliteration pairs."""
        t = sum(1 for c in norm if c in _TRANSLIT_LETTERS)
        e = sum(1 for i in range(1, len(norm) - 1) if _embedded_at(norm, i))
        dg = sum(1 for i in range(len(norm) - 1) if norm[i : i + 2] in TRANSLITERATION_DIGRAPHS)
        return t + e + 2 * dg, e + 2 * dg

    def _probe(self, probes: A.U64, names: tuple[str, str]) -> A.I64:
        """Rows (sorted, unique, alive) stored under any of the pair keys (``probes``: mixed,
        sorted, unique)."""
        pk = self._store[names[0]]
        if not len(pk) or not len(probes):
            return _EMPTY_ROWS
        karr = probes
        lo = np.searchsorted(pk, karr, "left").astype(np.int64)
        hi = np.searchsorted(pk, karr, "right").astype(np.int64)
        hit = np.asarray(self._store[names[1]][A.ranges_index(lo, hi - lo)]).astype(np.int64)
        return self._alive(_sorted_unique(hit))

    def _scan(self, q: _Query, probes: A.U64, cheap_only: bool, kcut: int, kmin: int = 0) -> tuple[A.I64, A.I64]:
        """Rows (sorted, unique, alive) stored under any of the pair keys (``probes``: mixed,
        sorted, unique) whose key is ``kmin`` to ``kcut`` OSA edits from the reading's key,
        and that key distance.  The compiled scan
        (:func:`._compiled.scan_pairs`) handles ASCII keys of up to 64 characters; other readings
        take the vectorised path (gather every hit, rapidfuzz's OSA)."""
        st = self._store
        pk, pdir, pr, pkp = _CHEAP_PAIR_ARRAYS if cheap_only else _PAIR_ARRAYS
        if not len(st[pk]) or not len(probes):
            return _EMPTY_ROWS, _EMPTY_ROWS
        if not q.key.isascii() or len(q.codes) > 64:
            rows = self._probe(probes, (pk, pr))
            _, rkeys = self._row_strings(rows)
            dist = process.cdist([q.key], rkeys, scorer=OSA.distance, dtype=np.int64)[0]
            keep = (dist >= kmin) & (dist <= kcut)
            return rows[keep], dist[keep]
        qshift = self._shifted(q, kcut)
        rows, dist, unknown = C.scan_pairs(
            st[pk],
            st[pdir],
            st[pr],
            st[pkp],
            probes,
            st["norm_buf"],
            st["norm_off"],
            A.CODE_LUT,
            q.pm,
            qshift,
            len(q.codes),
            kmin,
            kcut,
        )
        if unknown:  # non-ASCII serials: the distance in characters
            at = np.flatnonzero(dist < 0)
            _, rkeys = self._row_strings(rows[at])
            dist[at] = process.cdist([q.key], rkeys, scorer=OSA.distance, dtype=np.int64)[0]
            keep = (dist >= kmin) & (dist <= kcut)
            rows, dist = rows[keep], dist[keep]
        if self._dead is not None and len(rows):
            alive = ~self._dead[rows]
            rows, dist = rows[alive], dist[alive]
        return rows, dist

    @staticmethod
    def _reading_allows_one_more(k: int, cq: int, cq_struct: int) -> bool:
        """Can k + 1 key edits cost no more than k through the *reading's* cheap characters
        alone (transliteration letters 0.3, letters between digits and two-letter
        transliterations 0.5 per key edit, anything else 1.0)?"""
        units = [0.3] * (cq - cq_struct) + [0.5] * cq_struct + [1.0] * (k + 1)
        return sum(sorted(units)[: k + 1]) <= k + 1e-9

    def _scan_stage(
        self, q: _Query, probes: A.U64, k: int, cq: tuple[int, int], cheap_only: bool
    ) -> tuple[A.I64, A.I64]:
        """Candidates of one stage (``probes``: pair keys, mixed, sorted, unique): rows within k
        key edits, or k + 1 where cheap edits can make k + 1 key edits cost no more than k (the
        reading's: every row; the record's: the "cheap" rows, scanned in their small separate
        index)."""
        if cheap_only:
            return self._scan(q, probes, True, k + 1)
        loose = self._reading_allows_one_more(k, *cq)
        rows, dist = self._scan(q, probes, False, k + (1 if loose else 0))
        if not loose and len(self._store["cpair_keys"]):
            crows, cdist = self._scan(q, probes, True, k + 1, k + 1)
            if len(crows):
                rows = np.concatenate([rows, crows])
                dist = np.concatenate([dist, cdist])
                order = np.argsort(rows, kind="stable")
                rows, dist = rows[order], dist[order]
        return rows, dist

    def _search_full(self, q: _Query) -> None:
        """Fuzzy search of a complete reading, in stages so the common case touches few rows.

        Stage A finds every record within 1 key edit using only the cheapest *complementary*
        couple of part-pairs (one edit damages one of the 4 parts, so of the pairs (0,1)/(2,3),
        (0,2)/(1,3) or (0,3)/(1,2) one is intact).  Stage B (2 key edits, all 6 pairs) runs only
        if a record 2+ key edits away could still reach the top ``limit`` (lower bound of its
        weighted distance: 2.0 for digit-only readings and records, 0.6 with transliteration
        letters, letters between digits or two-letter transliterations); when only the "cheap"
        records (letters between digits, ZH ...) can, stage B probes their small separate index.
        """
        k = self._max_edits(len(q.key))
        if not q.full_limit:
            q.full_limit = q.limit
        codes = [int(A.CODE_LUT[b]) for b in q.key.encode("utf-8")]
        q.codes = codes
        q.code_array = np.array(codes, dtype=np.uint64)
        q.pm = C.pattern_masks(codes)
        q.code_points = C.as_codepoints(q.norm)
        cq, cq_struct = self._query_cheap(q.norm)
        if self._overlay:
            self._score_overlay(q, k, cq)
        if not len(self._store["pair_keys"]):
            return
        ka = min(k, 1)
        probes_a = C.first_stage_probes(
            q.code_array,
            A.probe_templates(len(codes), ka),
            A.probe_templates(len(codes), 0),
            self._store["pair_keys"],
            self._store["pair_dir"],
            ka,
        )
        cand_a = self._stage(q, probes_a, k, (cq, cq_struct), False, _EMPTY_ROWS)
        if k < 2:
            self._consider_full(q, *cand_a, None, k)
            return
        top = 10 * TIER_FULL + 5 + self._max_bonus(q) + 1e-9
        # cheapest 2 key edits: transliteration pairs 0.7 below 1.0 each (reading's letters),
        # letters between digits and two-letter transliterations 0.5 per key edit (the reading's
        # for every record, the record's only for the "cheap" records)
        tq = min(2, cq - cq_struct)
        lb_normal = 2 - 0.7 * tq - 0.5 * min(2 - tq, cq_struct)
        lb_cheap = 2 - 0.7 * tq - 0.5 * (2 - tq)
        # Fewer than `full_limit` candidates (found so far or in stage A) could score above what a
        # 2-edit record can reach: stage B will run in full whatever the exact scores, so both
        # stages' candidates are scored together, once (same results, half the scoring work).
        above = int(np.count_nonzero(cand_a[0] > top - lb_normal)) + sum(1 for x in q.heap if x > top - lb_normal)
        defer = above < q.full_limit
        if not defer:
            self._consider_full(q, *cand_a, None, k)
        kth = q.heap[0] if len(q.heap) >= q.full_limit and not self._exhaustive else float("-inf")
        # the same question for the closest serials (no bonus): their limit-th plain score
        top_plain = 10 * TIER_FULL + 5 + 1e-9
        kth_plain = float("inf")
        if q.closest_limit:
            full = len(q.closest_heap) >= q.closest_limit and not self._exhaustive
            kth_plain = q.closest_heap[0] if full else float("-inf")
        if defer or kth <= top - lb_normal or kth_plain <= top_plain - lb_normal:
            cheap_only = False
        elif kth <= top - lb_cheap or kth_plain <= top_plain - lb_cheap:
            cheap_only = True
        else:
            return
        # the keys stage A probed were scanned with the same cut-offs: only the others
        probes = C.second_stage_probes(
            q.code_array, A.probe_templates(len(codes), 2), A.probe_templates(len(codes), 1, _SWAP_PAIRS), probes_a
        )
        cand = self._stage(q, probes, k, (cq, cq_struct), cheap_only, cand_a[4])
        if defer:
            cand = tuple(np.concatenate([a, b]) for a, b in zip(cand_a, cand, strict=True))  # type: ignore[assignment]
        self._consider_full(q, *cand, None, k)

    def _bounds(self, q: _Query, rows: A.I64, dk: A.I64, k: int, cq: int) -> _Candidates:
        """Candidates (upper bound of the score, attribute bonus, key distance, record id, row)
        from the rows within reach and their key distances (:func:`._compiled.candidate_bounds`)."""
        rows, dk, ub, bonus, ids = C.candidate_bounds(rows, dk, *self._bound_args(q, k, cq))
        return ub, bonus, dk, ids, rows

    def _bound_args(self, q: _Query, k: int, cq: int) -> tuple[Any, ...]:
        """The arguments of :func:`._compiled.candidate_bounds` after the rows and distances
        (made once per reading)."""
        if q.bound_args is None:
            st = self._store
            tables = dict(self._bonus_tables(q))
            none = np.zeros(1, dtype=np.float64)
            q.bound_args = (
                st["cheap"],
                st["ids"],
                k,
                cq,
                tuple(st[f] for f in FIELDS),
                tuple(tables.get(i, none) for i in range(len(FIELDS))),
                np.array([i in tables for i in range(len(FIELDS))], dtype=np.bool_),
                _SCORE_SCALE,
            )
        return q.bound_args

    def _stage(
        self, q: _Query, probes: A.U64, k: int, cq: tuple[int, int], cheap_only: bool, seen: A.I64
    ) -> _Candidates:
        """The candidates of one stage (see :meth:`_scan_stage`) that an earlier stage did not
        score (``seen``: its candidate rows, sorted; a row it scanned and left out would be left
        out again), in one compiled call (:func:`._compiled.stage_candidates`); readings or
        serials the compiled scan cannot measure (non-ASCII keys, keys over 64 characters) take
        the general path of the same steps."""
        if q.key.isascii() and len(q.codes) <= 64:
            if cheap_only:
                main_cut, cheap_min, cheap_cut = -1, 0, k + 1
            else:
                loose = self._reading_allows_one_more(k, *cq)
                main_cut = k + 1 if loose else k
                cheap_min, cheap_cut = (0, -1) if loose else (k + 1, k + 1)
            st = self._store
            rows, dk, ub, bonus, ids, unknown = C.stage_candidates(
                tuple(st[name] for name in _PAIR_ARRAYS),
                tuple(st[name] for name in _CHEAP_PAIR_ARRAYS),
                probes,
                st["norm_buf"],
                st["norm_off"],
                A.CODE_LUT,
                q.pm,
                len(q.codes),
                main_cut,
                self._shifted(q, main_cut),
                cheap_min,
                cheap_cut,
                self._shifted(q, cheap_cut),
                seen,
                self._dead if self._dead is not None else _NO_DEAD,
                self._bound_args(q, k, cq[0]),
            )
            if not unknown:
                return ub, bonus, dk, ids, rows
        rows, dist = self._scan_stage(q, probes, k, cq, cheap_only)  # removed rows already dropped
        rows, dist = C.drop_rows(rows, dist, seen, _NO_DEAD)
        return self._bounds(q, rows, dist, k, cq[0])

    @staticmethod
    def _shifted(q: _Query, cut: int) -> A.U64:
        """The shifted keys of the window test for a cut-off (see :func:`._compiled.shifted_queries`)."""
        if cut < 0:
            return _NO_SHIFTS
        qshift = q.shifted.get(cut)
        if qshift is None:
            qshift = q.shifted[cut] = C.shifted_queries(q.codes, cut)
        return qshift

    def _score_overlay(self, q: _Query, k: int, cq: int) -> None:
        oids, okeys = self._overlay_lists()
        dist = process.cdist([q.key], okeys, scorer=OSA.distance, score_cutoff=k + 1, dtype=np.int32)[0]
        sel = np.flatnonzero(dist <= k + 1).tolist()
        if not sel:
            return
        recs = [self._overlay[oids[s]] for s in sel]
        dk = dist[sel].astype(np.int64)
        dkf = dk.astype(np.float64)
        both_digit = np.array([q.norm.isdigit() and r.norm.isdigit() for r in recs], dtype=bool)
        lb = np.where(both_digit, dkf, 0.3 * dkf)
        codes = [np.array([r.codes[i] for r in recs], dtype=np.int32) for i in range(len(FIELDS))]
        bonus = self._bonus_for(q, codes)
        ub = np.where(dk == 0, 10 * TIER_EXACT, 10 * TIER_FULL) + 5 - lb + bonus
        ids = np.array([r.record_id for r in recs], dtype=np.int64)
        buf = np.frombuffer("".join(r.norm + "\n" for r in recs).encode("utf-8"), dtype=np.uint8)
        rows = np.arange(len(recs), dtype=np.int64)
        self._consider_full(q, ub, bonus, dk, ids, rows, (buf, A.offsets_from_separated(buf)), k)

    def _consider_full(
        self,
        q: _Query,
        ub: npt.NDArray[np.float64],
        bonus: npt.NDArray[np.float64],
        dk: npt.NDArray[np.int64],
        ids: npt.NDArray[np.int64],
        rows: npt.NDArray[np.int64],
        serials: tuple[A.U8, A.I64] | None,
        k: int,
    ) -> None:
        """Exact scoring of full-match candidates, best upper bound first, in one compiled call
        (:func:`._compiled.score_candidates`) that stops as soon as no remaining candidate can
        reach the current ``full_limit``-th score (ties included), and ranks them again by the
        serial alone for the closest serials when the reading gives details.  ``rows`` index the base's
        normalised serials, or ``serials`` (UTF-8 buffer and offsets) for overlay records."""
        buf, off = serials if serials is not None else (self._store["norm_buf"], self._store["norm_off"])
        picked, dist, scores, closest, closest_dist, plain, closest_scores = C.score_candidates(
            q.code_points,
            buf,
            off,
            rows,
            ub,
            bonus,
            dk,
            k,
            q.full_limit,
            np.array(q.heap, dtype=np.float64),
            q.closest_limit,
            np.array(q.closest_heap, dtype=np.float64),
            _SCORE_SCALE,
            _SCORING_TABLES,
        )
        overlay = serials is not None
        if len(picked):
            q.heap = heapq.nlargest(q.full_limit, q.heap + scores.tolist())
            heapq.heapify(q.heap)
            _merge_found(q, ids[picked], rows[picked], dist, scores, dk[picked], overlay, replace=True)
        if len(closest):
            self._keep_closest(
                q, ids[closest], rows[closest], closest_dist, plain, closest_scores, dk[closest], overlay
            )

    def _keep_closest(
        self,
        q: _Query,
        ids: npt.NDArray[np.int64],
        rows: npt.NDArray[np.int64],
        dist: npt.NDArray[np.float64],
        plain: npt.NDArray[np.float64],
        scores: npt.NDArray[np.float64],
        dk: npt.NDArray[np.int64],
        overlay: bool,
    ) -> None:
        """Keep the candidates ranked best by the serial alone (the details' bonus left out) in
        ``q.closest`` so :meth:`_finish` can return them even when the details given rank them
        below the ``limit`` (a wrong manufacturer must not hide the right weapon).  Their
        results carry their real score (``scores``; ``plain``: without the details' bonus)."""
        best = q.closest
        better = {rid: s for rid, s in zip(ids.tolist(), plain.tolist(), strict=True) if s > best.get(rid, -math.inf)}
        best.update(better)
        q.closest_heap = heapq.nlargest(q.closest_limit, q.closest_heap + list(better.values()))
        heapq.heapify(q.closest_heap)
        _merge_found(q, ids, rows, dist, scores, dk, overlay, replace=False)

    def _overlay_item(
        self,
        q: _Query,
        items: list[tuple[float, float, int, int, Any, str]],
        rid: int,
        tier: int,
        ub: float,
        partial_d: float | None = None,
    ) -> None:
        rec = self._overlay[rid]
        bonus = float(self._bonus_for(q, [np.array([c], dtype=np.int32) for c in rec.codes])[0])
        ref: Any = ("o", rid) if partial_d is None else ("o", rid, partial_d)
        items.append((ub + bonus, bonus, tier, rid, ref, rec.norm))

    # -- partial (substring) readings
    def _gram_candidates(self, fragments: list[str], max_grams: int = 4) -> A.I64 | None:
        """Rows whose key contains all (up to max_grams rarest) trigrams of the fragments; None if
        the fragments have no trigram."""
        grams: set[int] = set()
        for frag in fragments:
            c = [int(A.CODE_LUT[b]) for b in frag.encode("utf-8")]
            for t in range(len(c) - 2):
                grams.add((c[t] << 10) | (c[t + 1] << 5) | c[t + 2])
        if not grams:
            return None
        go = self._store["gram_off"]
        gr = self._store["gram_rows"]
        chosen = sorted((int(go[g + 1]) - int(go[g]), g) for g in grams)[:max_grams]
        starts = np.array([int(go[g]) for _, g in chosen], dtype=np.int64)
        ends = np.array([int(go[g + 1]) for _, g in chosen], dtype=np.int64)
        rows: A.I64 = C.intersect_postings(gr, starts, ends)
        return rows

    def _search_partial(self, q: _Query) -> int:
        """Records that contain the reading (tier "partial"); returns how many were found."""
        q.partial_done = True
        n = len(q.key)
        items: list[tuple[float, float, int, int, Any, str]] = []
        hits = 0
        rows = self._gram_candidates([q.key])
        if rows is not None and len(rows):
            st = self._store
            off = st["norm_off"]
            lens = np.asarray(off[rows + 1]) - np.asarray(off[rows]) - 1
            rows = self._alive(rows[lens > n])
            hrows = self._contains(rows, q.key)
            hits = len(hrows)
            if hits:
                hlens = np.asarray(off[hrows + 1]) - np.asarray(off[hrows]) - 1
                bonus = self._bonus_rows(q, hrows)
                # confusions inside the fragment only lower the score: 5 - 0.01 * uncovered is a bound
                ub = 5 - 0.01 * (hlens - n) + bonus
                ids = np.asarray(st["ids"][hrows]).tolist()
                rl = hrows.tolist()
                bl = bonus.tolist()
                ubl = ub.tolist()
                heap: list[float] = []
                kth = float("-inf")
                for i in np.argsort(-ub, kind="stable").tolist():
                    if len(heap) >= q.limit and ubl[i] < kth - 1e-9:
                        break
                    row = rl[i]
                    norm = bytes(st["norm_buf"][int(off[row]) : int(off[row + 1]) - 1]).decode("utf-8")
                    d = self._partial_distance(q, norm, confusion_key(norm).find(q.key))
                    score = round(5 - min(d, MAX_DISTANCE) + bl[i], 6)
                    _keep(q, heap, q.limit, ids[i], (score, d, TIER_PARTIAL, ("b", row), None))
                    if len(heap) >= q.limit:
                        kth = heap[0]
        for rid, rec in self._overlay.items():
            if len(rec.key) > n and (p := rec.key.find(q.key)) >= 0:
                d = self._partial_distance(q, rec.norm, p)
                self._overlay_item(q, items, rid, TIER_PARTIAL, 5 - d, d)
        self._consider(q, items)
        return hits + len(items)

    def _contains(self, rows: A.I64, key: str) -> A.I64:
        """Rows whose confusion key contains ``key``: vectorised on the packed 12-character keys,
        string search only for the longer (or non-ASCII) ones."""
        if not len(rows):
            return rows
        n = len(key)
        codes = [int(A.CODE_LUT[b]) for b in key.encode("utf-8")]
        kp = np.asarray(self._store["kpack"][rows])
        m = (kp & np.uint64(15)).astype(np.int64)
        long = m == C.LONG
        hit = np.zeros(len(rows), dtype=bool)
        if n <= A.PREFIX_CHARS and len(codes) == n:
            v = kp >> np.uint64(4)
            qv = 0
            for c in codes:
                qv = (qv << 5) | c
            mask = np.uint64((1 << (5 * n)) - 1)
            for o in range(A.PREFIX_CHARS - n + 1):
                sh = np.uint64(5 * (A.PREFIX_CHARS - n - o))
                hit |= (((v >> sh) & mask) == np.uint64(qv)) & (m >= o + n)
            hit &= ~long
        else:
            long = np.ones(len(rows), dtype=bool)
        lrows = rows[long]
        if len(lrows):
            _, rkeys = self._row_strings(lrows)
            lh = np.array([key in s for s in rkeys], dtype=bool)
            hit[np.flatnonzero(long)[lh]] = True
        return rows[hit]

    @staticmethod
    def _partial_distance(q: _Query, norm: str, pos: int) -> float:
        part = norm[pos : pos + len(q.norm)]
        conf = 0 if part == q.norm else sum(1 for a, b in zip(part, q.norm, strict=True) if a != b)
        return COSTS["confusion"] * conf + 0.01 * (len(norm) - len(q.norm))

    # -- wildcard readings
    def _search_wildcard(self, q: _Query) -> None:
        key = q.key
        fragments = [f for f in re.split(r"[?*]", key) if f]
        fixed = "*" not in key
        n_legible_min = len(key.replace("*", ""))
        rows = self._gram_candidates(fragments)
        st = self._store
        if rows is None:
            rows = self._anchor_candidates(key)
        off = st["norm_off"]
        if rows is None:
            lens_all = np.diff(np.asarray(off)) - 1
            rows = np.flatnonzero(lens_all == len(key) if fixed else lens_all >= n_legible_min).astype(np.int64)
        else:
            lens = np.asarray(off[rows + 1]) - np.asarray(off[rows]) - 1
            rows = rows[lens == len(key)] if fixed else rows[lens >= n_legible_min]
        rows = self._alive(rows)
        pattern = "".join("." if c == "?" else ".*" if c == "*" else re.escape(c) for c in key)
        rx = re.compile(pattern)
        items: list[tuple[float, float, int, int, Any, str]] = []
        base = 10 * TIER_FULL + 5 - COSTS["wildcard"] * key.count("?") - COSTS["star"] * key.count("*")
        if len(rows):
            norms, rkeys = self._row_strings(rows)
            hit = [t for t, s in enumerate(rkeys) if rx.fullmatch(s)]
            if hit:
                hrows = rows[hit]
                bonus = self._bonus_rows(q, hrows)
                ids = st["ids"][hrows]
                for u, t in enumerate(hit):
                    ub = base - COSTS["star_char"] * (len(norms[t]) - n_legible_min) + float(bonus[u])
                    items.append((ub, float(bonus[u]), TIER_FULL, int(ids[u]), ("b", int(hrows[u])), norms[t]))
        for rid, rec in self._overlay.items():
            if rx.fullmatch(rec.key):
                self._overlay_item(q, items, rid, TIER_FULL, base)
        self._consider(q, items)

    def _anchor_candidates(self, key: str) -> A.I64 | None:
        """Rows whose key starts with the legible prefix / ends with the legible suffix of a
        wildcard reading (binary search in the prefix / suffix orders); None if neither exists."""
        m = re.match(r"[^?*]+", key)
        pre = m.group(0) if m else ""
        m = re.search(r"[^?*]+$", key)
        suf = m.group(0) if m else ""
        ranges: list[tuple[int, int, str]] = []
        if pre:
            ranges.append((*self._range("pre_perm", pre), "pre_perm"))
        if suf:
            ranges.append((*self._range("suf_perm", suf[::-1]), "suf_perm"))
        if not ranges:
            return None
        ranges.sort(key=lambda r: r[1] - r[0])
        a, b, name = ranges[0]
        return np.asarray(self._store[name][a:b]).astype(np.int64)

    def _row_codes_prefix(self, row: int, reverse: bool) -> int:
        off = self._store["norm_off"]
        a, b = int(off[row]), int(off[row + 1]) - 1
        raw = bytes(self._store["norm_buf"][a:b])
        if reverse:
            raw = raw[::-1]
        return A.pack_prefix([int(A.CODE_LUT[c]) for c in raw[: A.PREFIX_CHARS]])

    def _range(self, name: str, prefix: str) -> tuple[int, int]:
        codes = [int(A.CODE_LUT[b]) for b in prefix.encode("utf-8")][: A.PREFIX_CHARS]
        lo_v = A.pack_prefix(codes)
        hi_v = lo_v + (1 << (5 * (A.PREFIX_CHARS - len(codes))))
        perm = self._store[name]
        reverse = name == "suf_perm"

        def bound(v: int) -> int:
            lo, hi = 0, len(perm)
            while lo < hi:
                mid = (lo + hi) // 2
                if self._row_codes_prefix(int(perm[mid]), reverse) < v:
                    lo = mid + 1
                else:
                    hi = mid
            return lo

        return bound(lo_v), bound(hi_v)

    # -- results
    def _finish(self, q: _Query) -> list[Match]:
        """The results: the best full matches (``limit`` minus the slots reserved for substring
        hits), the substring hits, every result tied with the last of either, and the closest
        serials that the details ranked out; sorted by score."""
        ranked = _by_score(q.found.items(), _entry_score)
        if q.partial_done:
            full = [kv for kv in ranked if kv[1][2] != TIER_PARTIAL]
            part = [kv for kv in ranked if kv[1][2] == TIER_PARTIAL]
        else:  # only the substring search finds partial matches
            full, part = ranked, []
        reserved = min(q.reserve, len(part))
        full = self._with_ties(full, q.limit - reserved, _entry_score)
        chosen = full + self._with_ties(part, max(q.limit - len(full), reserved), _entry_score)
        extra: set[int] = set()
        if q.closest:
            plain = _by_score(q.closest.items(), _SCORE_OF_CLOSEST)
            have = {rid for rid, _ in chosen}
            for rid, _ in self._with_ties(plain, q.closest_limit, _SCORE_OF_CLOSEST):
                if rid not in have:
                    extra.add(rid)
                    chosen.append((rid, q.found[rid]))
            chosen = _by_score(chosen, _entry_score)
        # a snapshot of what the descriptions read: the base arrays are replaced, never changed,
        # by a merge; the vocabularies only grow; the canonical-manufacturer table is replaced
        snap = (self._store, self._manu_canon)
        shown = (np.rint(np.array([v[1] for _, v in chosen], dtype=np.float64) * 1e6) / 1e6).tolist()
        overlay = self._overlay
        out = []
        make = Match.__new__
        # one attribute at a time: a tuple assignment to slots costs twice as much
        for (rid, v), distance in zip(chosen, shown, strict=True):
            m = make(Match)
            closest = rid in extra
            m.record_id = rid
            m.score = v[0]
            m.distance = distance
            m.kind = _TIER_NAMES[v[2]]
            m.closest_serial = closest
            m._described = None
            m._describe = (self, (q, v, overlay[rid] if v[3][0] == "o" else None, closest, snap))
            out.append(m)
        return out

    def _with_ties(self, ranked: list[Any], n: int, score: Any) -> list[Any]:
        """The first ``n`` of ``ranked`` (best first) and every later one tied with the ``n``-th,
        up to :attr:`max_results`."""
        if n <= 0:
            return []
        if len(ranked) <= n:
            return ranked
        cut = score(ranked[n - 1])
        end = n
        while end < len(ranked) and end < self.max_results and score(ranked[end]) >= cut - 1e-9:
            end += 1
        return ranked[:end]

    def _describe(
        self,
        q: _Query,
        found: tuple[float, float, int, Any, list[Difference] | None],
        rec: _Rec | None,
        closest: bool,
        snap: tuple[Store, npt.NDArray[np.int32]],
    ) -> _Description:
        """A result's serial, normalised serial, manufacturer, explanation and differences (see
        :class:`Match`), from the record (base row or overlay record) as it was searched."""
        _score, d, tier, ref, diffs = found
        store, manu_canon = snap
        if rec is not None:
            raw, norm, codes = rec.raw, rec.norm, rec.codes
        else:
            row = int(ref[1])
            raw = _entry(store["raw_buf"], store["raw_off"], row)
            norm = _entry(store["norm_buf"], store["norm_off"], row)
            codes = (
                int(store["manufacturer"][row]),
                int(store["model"][row]),
                int(store["calibre"][row]),
                int(store["country"][row]),
            )
        parts: list[str] = []
        rp = raw_positions(raw, norm)
        if tier == TIER_PARTIAL:
            pos = confusion_key(norm).find(q.key)
            diffs = [
                Difference("confusion", pos + i, norm[pos + i], c) for i, c in enumerate(q.norm) if norm[pos + i] != c
            ]
            parts.append(f"partial reading: {q.norm} found at positions {pos + 1}-{pos + len(q.norm)} of {norm}")
        else:
            if diffs is None:
                diffs = _fast_diffs(q.norm, norm, d, rp)
                if diffs is not None:
                    rp = None  # built with their raw positions
            if diffs is None:
                _, diffs = align(q.norm, norm)
            if tier == TIER_EXACT:
                parts.append("exact match")
        if rp is not None and diffs:
            diffs = [
                Difference(
                    x.kind,
                    x.position,
                    x.expected,
                    x.read,
                    rp[x.position] if 0 <= x.position < len(rp) else None,
                )
                for x in diffs
            ]
        wild = [x for x in diffs if x.kind == "wildcard"]
        other = [x for x in diffs if x.kind != "wildcard"]
        parts.extend(x.describe() for x in other)
        if wild:
            parts.append(
                f"{len(wild)} character{'s' if len(wild) != 1 else ''} illegible (?): assumed "
                + ", ".join(f"{x.expected} at position {x.position + 1}" for x in wild)
            )
        if not q.raw.isascii():
            parts.append("reading folded from another script or digit set")
        if tier == TIER_FULL and not diffs:
            parts.append("same serial after normalisation")
        for i, f in enumerate(FIELDS):
            c = codes[i]
            qc = q.attr.get(f)
            if qc is None:
                continue
            if qc == -2 and f == "manufacturer":
                parts.append(f"manufacturer {q.attr_text[f]!r} unknown to the index (not used)")
                continue
            if c < 0:
                parts.append(f"{f} not recorded")
                continue
            rc = int(manu_canon[c]) if f == "manufacturer" else c
            if rc == qc:
                parts.append(f"{f} agrees")
            else:
                parts.append(f"{f} differs (recorded {self._vocab[f].display[c]})")
        if closest:
            parts.append("kept as one of the closest serials although the details given rank it lower")
        c = codes[0]
        manu = self._vocab["manufacturer"].display[c] if c >= 0 else None
        return "; ".join(parts), raw, norm, tuple(diffs), manu
