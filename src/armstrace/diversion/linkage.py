"""Group seized items that probably leaked from the same source.

Why: one recovered weapon traced to a stockpile is a case; several weapons from *different*
seizures that share a source are a diversion pattern (a leaking depot, a diverted consignment).
Tracing requests cost weeks (DOMAIN.md, "Tracing"), so finding these groups from the markings
already recorded tells an analyst which single request may explain many seizures.

The evidence used is what recovered items carry (DOMAIN.md, "Marking and record-keeping"):

* ``consecutive_serials`` -- same manufacturer *and* model, serials of the same format whose numeric
  parts are close.  Weapons are delivered in serial-number order, so close serials usually travelled
  together.  A serial alone is never a key (several makers re-use the same serials), hence the
  manufacturer and model must agree.
* ``same_lot`` -- ammunition is marked by lot on its packaging and by headstamp (factory + year) on the
  case.  Lot + manufacturer or lot + headstamp is strong; a headstamp alone is weak, because a factory
  makes millions of rounds a year.
* ``same_import_marking`` -- the import mark (country and year, ITI para. 8b) on the same model.
* ``same_source_site`` -- confirmed register matches that lead to the same stockpile site.

Everything is done by *blocking*: items are bucketed by the key that must be equal, and inside a
bucket only sorted neighbours are compared.  Linking sorted neighbours gives exactly the same groups
(connected components) as comparing all pairs, because if ``a <= b <= c`` and ``c - a <= window``
then both neighbour gaps are ``<= window`` too.  Cost is O(n log n) for the sorts plus O(n) links,
never O(n^2), so a national seizure database of a million items is grouped in seconds.

Pure Python (no Django): runs in workers, scripts and tests alike.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from armstrace.marking.normalise import normalise_name, normalise_serial

__all__ = [
    "CONFIDENCE",
    "EVIDENCE_KINDS",
    "ITEM_KINDS",
    "MIN_SERIAL_DIGITS",
    "Group",
    "Link",
    "SeizedItemFacts",
    "combine_confidence",
    "find_links",
    "groups_from_links",
    "headstamp_has_year",
    "link",
    "serial_confidence",
    "split_serial",
]

#: Item kinds as recorded on a seizure.  Only used to keep lot numbers of different products apart.
ITEM_KINDS: Final = ("weapon", "manpads", "ammunition", "explosive", "other")

#: Evidence kinds, strongest rule first.
EVIDENCE_KINDS: Final = ("same_source_site", "consecutive_serials", "same_lot", "same_import_marking")

#: Confidence of one link of each rule (consecutive serials depend on the gap, see
#: :func:`serial_confidence`).  A confirmed register match to a site is nearly certain; an import mark
#: only says "imported the same year by the same country", which thousands of weapons share.
CONFIDENCE: Final[dict[str, float]] = {
    "same_source_site": 0.95,
    "same_lot_with_maker": 0.85,
    "same_lot_headstamp_only": 0.5,
    "same_import_marking": 0.6,
    "consecutive_serials_near": 0.9,
    "consecutive_serials_edge": 0.6,
}

#: Gap up to which consecutive serials get the full ``consecutive_serials_near`` confidence.
NEAR_GAP: Final = 5

#: A numeric part shorter than this is not used: with two digits and a window of 50, half of all
#: possible serials are "close", so closeness carries no information.
MIN_SERIAL_DIGITS: Final = 3

#: Group confidence never reaches certainty: it is inferred from markings, not established by a trace.
MAX_GROUP_CONFIDENCE: Final = 0.99


@dataclass(frozen=True, slots=True)
class SeizedItemFacts:
    """What is known about one seized item, as needed for linkage (no database row).

    ``manufacturer`` is the canonical name when the catalogue resolved it, else the name as read;
    ``serial`` is as read (normalised here).  ``source_site`` is the id or name of the stockpile site
    a *confirmed* register match leads to.  ``date`` is kept for callers (time-ordering a group); the
    rules do not use it, because stock leaks over years.
    """

    item_id: int
    seizure_id: int
    kind: str
    manufacturer: str | None = None
    model: str | None = None
    serial: str | None = None
    lot: str | None = None
    headstamp: str | None = None
    import_country: str | None = None
    import_year: int | None = None
    source_site: str | None = None
    date: _dt.date | None = None  # module alias: a field named like its type breaks get_type_hints


@dataclass(frozen=True, slots=True)
class Link:
    """One piece of evidence that items ``a`` and ``b`` (item ids, ``a < b``) share a source."""

    a: int
    b: int
    kind: str
    detail: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Group:
    """Items that probably share a source: a connected component of :class:`Link` s.

    ``group_id`` is the smallest item id, so it does not change when the input is re-ordered or
    unrelated items are added.  ``confidence`` combines the strongest link of each evidence kind
    (:func:`combine_confidence`); ``kinds`` lists the evidence kinds present, sorted.
    """

    group_id: int
    item_ids: tuple[int, ...]
    seizure_ids: tuple[int, ...]
    evidence: tuple[Link, ...]
    confidence: float
    kinds: tuple[str, ...]


_SERIAL_RE: Final = re.compile(r"^(.*\D)?(\d+)(\D*)$")
_TOKEN_SPLIT: Final = re.compile(r"[\W_]+")
# A year component of a headstamp: a token of 2 digits ("83") or a 4-digit year, optionally glued to a
# maker code ("LC12").  "539" (a factory code) or "62X39" (a calibre) are not years.
_YEAR_TOKEN: Final = re.compile(r"[^\W\d_]*(?:\d{2}|19\d{2}|20\d{2})")


def split_serial(normalised: str) -> tuple[str, int, str, int] | None:
    """Split a *normalised* serial into ``(prefix, number, suffix, digits)`` around its last run of digits.

    The last run is the counter in the usual formats (``AK100234``, ``1985LT1234``: the leading
    year/factory code is part of the prefix).  ``digits`` (the length of the run, leading zeros
    included) is part of the *format*: serials of different lengths are not compared.  Returns
    ``None`` when there is no run of at least :data:`MIN_SERIAL_DIGITS` digits.
    """
    m = _SERIAL_RE.match(normalised)
    if m is None:
        return None
    digits = m.group(2)
    if len(digits) < MIN_SERIAL_DIGITS:
        return None
    return (m.group(1) or "", int(digits), m.group(3), len(digits))


def serial_confidence(gap: int, window: int) -> float:
    """Confidence of a consecutive-serials link: 0.9 up to a gap of 5, then linearly down to 0.6 at
    ``window``.  The closer two serials, the more likely they left the factory in the same case."""
    near = CONFIDENCE["consecutive_serials_near"]
    edge = CONFIDENCE["consecutive_serials_edge"]
    if gap <= NEAR_GAP or window <= NEAR_GAP:
        return near
    frac = min(1.0, (gap - NEAR_GAP) / (window - NEAR_GAP))
    return round(near - (near - edge) * frac, 4)


def headstamp_has_year(headstamp: str) -> bool:
    """Whether a headstamp (as read, e.g. ``"539 83"``, ``"LC 12"``, ``"7.62x39 1984"``) has a year
    component.  Without a year a headstamp only names a factory: far too common to link on."""
    return any(_YEAR_TOKEN.fullmatch(tok) for tok in _TOKEN_SPLIT.split(headstamp.upper()) if tok)


def combine_confidence(confidences: Iterable[float]) -> float:
    """``1 - prod(1 - c)``, capped at :data:`MAX_GROUP_CONFIDENCE`.

    Callers pass the strongest link *per evidence kind*: independent kinds of evidence reinforce each
    other, but a hundred consecutive-serial links are one argument, not a hundred.
    """
    miss = 1.0
    for c in confidences:
        miss *= 1.0 - c
    return round(min(MAX_GROUP_CONFIDENCE, 1.0 - miss), 4)


def _cached(fn: Callable[[str], str]) -> Callable[[str | None], str]:
    """Memoise a normaliser for one run: manufacturer, model and country names repeat a lot."""
    cache: dict[str, str] = {}

    def get(value: str | None) -> str:
        if value is None:
            return ""
        out = cache.get(value)
        if out is None:
            out = cache[value] = fn(value)
        return out

    return get


# (position a, position b, kind) -> (confidence, detail); positions index the de-duplicated item list.
_LinkStore = dict[tuple[int, int, str], tuple[float, str]]


def _add(store: _LinkStore, items: Sequence[SeizedItemFacts], pa: int, pb: int, kind: str, conf: float,
         detail: str) -> None:
    """Record a link once per pair and kind.  When two buckets give the same pair (lot + maker and
    lot + headstamp) the larger ``(confidence, detail)`` wins, so the result does not depend on order."""
    if items[pa].item_id > items[pb].item_id:
        pa, pb = pb, pa
    key = (pa, pb, kind)
    new = (conf, detail)
    old = store.get(key)
    if old is None or new > old:
        store[key] = new


def _chain(store: _LinkStore, items: Sequence[SeizedItemFacts], members: list[int], kind: str, conf: float,
           detail: str) -> None:
    """Link the members of an equality bucket as a chain in item-id order: n - 1 links, same component
    as all n(n-1)/2 pairs, and deterministic."""
    members.sort(key=lambda p: items[p].item_id)
    for pa, pb in zip(members, members[1:], strict=False):
        _add(store, items, pa, pb, kind, conf, detail)


def _dedupe(items: Iterable[SeizedItemFacts]) -> list[SeizedItemFacts]:
    out = list(items)
    if len({it.item_id for it in out}) != len(out):
        seen: set[int] = set()
        dup_set: set[int] = set()
        for it in out:
            (dup_set if it.item_id in seen else seen).add(it.item_id)
        dups = sorted(dup_set)
        raise ValueError(f"duplicate item_id in input: {dups[:10]}")
    return out


def _find(items: Sequence[SeizedItemFacts], *, window: int, max_weak_block: int) -> _LinkStore:
    if window < 0:
        raise ValueError("window must be >= 0")
    name = _cached(normalise_name)
    serial = _cached(normalise_serial)
    store: _LinkStore = {}

    serial_blocks: dict[tuple[str, str, str, str, int], list[tuple[int, int, int]]] = {}
    lot_blocks: dict[tuple[str, str, str, str], list[int]] = {}
    stamp_blocks: dict[tuple[str, str], list[int]] = {}
    import_blocks: dict[tuple[str, int, str], list[int]] = {}
    site_blocks: dict[str, list[int]] = {}
    stamp_year: dict[str, bool] = {}

    for pos, it in enumerate(items):
        maker = name(it.manufacturer)
        model = name(it.model)
        if it.serial and maker and model:
            parts = split_serial(serial(it.serial))
            if parts is not None:
                prefix, number, suffix, ndigits = parts
                serial_blocks.setdefault((maker, model, prefix, suffix, ndigits), []).append(
                    (number, it.item_id, pos)
                )
        lot = name(it.lot)
        stamp = name(it.headstamp)
        kind = it.kind.lower()
        if lot:
            if maker:
                lot_blocks.setdefault((kind, lot, "manufacturer", maker), []).append(pos)
            if stamp:
                lot_blocks.setdefault((kind, lot, "headstamp", stamp), []).append(pos)
        if stamp and it.headstamp is not None:
            has_year = stamp_year.get(it.headstamp)
            if has_year is None:
                has_year = stamp_year[it.headstamp] = headstamp_has_year(it.headstamp)
            if has_year:
                stamp_blocks.setdefault((kind, stamp), []).append(pos)
        country = name(it.import_country)
        if country and it.import_year is not None and model:
            import_blocks.setdefault((country, it.import_year, model), []).append(pos)
        if it.source_site is not None:
            site = name(it.source_site) or it.source_site.strip()
            if site:
                site_blocks.setdefault(site, []).append(pos)

    for (maker, model, _prefix, _suffix, _nd), entries in serial_blocks.items():
        if len(entries) < 2:
            continue
        entries.sort()
        for (va, _ia, pa), (vb, _ib, pb) in zip(entries, entries[1:], strict=False):
            gap = vb - va
            if gap <= window:
                a, b = items[pa], items[pb]
                if a.item_id > b.item_id:
                    a, b = b, a
                detail = (f"{maker} {model}: serials {a.serial!r} and {b.serial!r} differ by {gap}"
                          + (" (same serial: the same weapon recorded twice?)" if gap == 0 else ""))
                _add(store, items, pa, pb, "consecutive_serials", serial_confidence(gap, window), detail)

    for (_kind, lot, what, value), members in lot_blocks.items():
        if len(members) >= 2:
            _chain(store, items, members, "same_lot", CONFIDENCE["same_lot_with_maker"],
                   f"lot {lot}, same {what} {value}")

    for (_kind, stamp), members in stamp_blocks.items():
        if len(members) < 2 or len(members) > max_weak_block:
            continue
        members.sort(key=lambda p: (name(items[p].lot), items[p].item_id))
        for pa, pb in zip(members, members[1:], strict=False):
            la, lb = name(items[pa].lot), name(items[pb].lot)
            if la and la == lb:
                continue  # already linked, more strongly, by lot + headstamp
            _add(store, items, pa, pb, "same_lot", CONFIDENCE["same_lot_headstamp_only"],
                 f"headstamp {stamp} only (lot {'differs' if la and lb else 'unknown'})")

    for (country, year, model), members in import_blocks.items():
        if 2 <= len(members) <= max_weak_block:
            _chain(store, items, members, "same_import_marking", CONFIDENCE["same_import_marking"],
                   f"import mark {country} {year} on {model}")

    for site, members in site_blocks.items():
        if len(members) >= 2:
            _chain(store, items, members, "same_source_site", CONFIDENCE["same_source_site"],
                   f"confirmed matches to stockpile site {site}")
    return store


def find_links(items: Iterable[SeizedItemFacts], *, window: int = 50, max_weak_block: int = 50) -> list[Link]:
    """All evidence links (before grouping), sorted by ``(a, b, kind)``.

    Inside each bucket only sorted neighbours are linked, so the list has O(n) entries but spans the
    same components as comparing all pairs.  Buckets of the *weak* rules (headstamp alone, import
    mark) larger than ``max_weak_block`` items are skipped: a mark that many items share is common
    stock, and linking on it would merge unrelated seizures into one giant group.
    """
    return _links(_dedupe(items), window=window, max_weak_block=max_weak_block)


def _links(seq: Sequence[SeizedItemFacts], *, window: int, max_weak_block: int) -> list[Link]:
    store = _find(seq, window=window, max_weak_block=max_weak_block)
    out = [Link(seq[pa].item_id, seq[pb].item_id, kind, detail, conf)
           for (pa, pb, kind), (conf, detail) in store.items()]
    out.sort(key=lambda lk: (lk.a, lk.b, lk.kind))
    return out


def groups_from_links(items: Iterable[SeizedItemFacts], links: Iterable[Link], *, min_seizures: int = 2) -> list[Group]:
    """Union-find the links into groups; keep groups of >= 2 items spanning >= ``min_seizures`` seizures.

    Exposed so that links from elsewhere (an analyst's manual link, a different rule) can be grouped
    the same way.  Sorted by confidence desc, size desc, group id asc.
    """
    seizure_of = {it.item_id: it.seizure_id for it in items}
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        r = x
        while parent[r] != r:
            r = parent[r]
        while parent[x] != r:  # path compression
            parent[x], x = r, parent[x]
        return r

    link_list = list(links)
    for lk in link_list:
        ra, rb = root(lk.a), root(lk.b)
        if ra != rb:
            if ra < rb:  # the smaller id becomes the root: cheap, deterministic
                parent[rb] = ra
            else:
                parent[ra] = rb

    members: dict[int, list[int]] = {}
    for x in parent:
        members.setdefault(root(x), []).append(x)
    evidence: dict[int, list[Link]] = {}
    for lk in link_list:
        evidence.setdefault(root(lk.a), []).append(lk)

    groups: list[Group] = []
    for r, ids in members.items():
        if len(ids) < 2:
            continue
        seizures = sorted({seizure_of[i] for i in ids if i in seizure_of})
        if len(seizures) < min_seizures:
            continue
        ev = sorted(evidence.get(r, []), key=lambda lk: (lk.a, lk.b, lk.kind))
        best: dict[str, float] = {}
        for lk in ev:
            if lk.confidence > best.get(lk.kind, -1.0):
                best[lk.kind] = lk.confidence
        ids.sort()
        groups.append(Group(
            group_id=ids[0],
            item_ids=tuple(ids),
            seizure_ids=tuple(seizures),
            evidence=tuple(ev),
            confidence=combine_confidence(best.values()),
            kinds=tuple(sorted(best)),
        ))
    groups.sort(key=lambda g: (-g.confidence, -len(g.item_ids), g.group_id))
    return groups


def link(items: Iterable[SeizedItemFacts], *, window: int = 50, min_seizures: int = 2,
         max_weak_block: int = 50) -> list[Group]:
    """Group seized items that probably share a source.

    ``window``: largest serial gap that still counts as consecutive.  ``min_seizures``: a group must
    span that many seizures (default 2: a batch inside one seizure is not, by itself, a diversion
    finding -- it was already found together).  ``max_weak_block``: see :func:`find_links`.
    Returns groups sorted by confidence desc, size desc.  Raises ``ValueError`` on duplicate item ids.
    """
    seq = _dedupe(items)
    links = _links(seq, window=window, max_weak_block=max_weak_block)
    return groups_from_links(seq, links, min_seizures=min_seizures)
