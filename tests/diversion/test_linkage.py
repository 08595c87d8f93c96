"""Linkage of seized items that probably share a source (constructed cases from the issue)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from armstrace.diversion import (
    Group,
    SeizedItemFacts,
    combine_confidence,
    find_links,
    link,
    serial_confidence,
    split_serial,
)
from armstrace.diversion.linkage import headstamp_has_year


def weapon(item_id: int, seizure_id: int, serial: str, manufacturer: str = "Izhmash", model: str = "AKM",
           **kw: object) -> SeizedItemFacts:
    return SeizedItemFacts(item_id=item_id, seizure_id=seizure_id, kind="weapon", manufacturer=manufacturer,
                           model=model, serial=serial, **kw)  # type: ignore[arg-type]


def ammo(item_id: int, seizure_id: int, **kw: object) -> SeizedItemFacts:
    return SeizedItemFacts(item_id=item_id, seizure_id=seizure_id, kind="ammunition", **kw)  # type: ignore[arg-type]


def sets(groups: list[Group]) -> list[tuple[int, ...]]:
    return sorted(g.item_ids for g in groups)


# --- serials --------------------------------------------------------------------------------------


def test_split_serial() -> None:
    assert split_serial("AK100234") == ("AK", 100234, "", 6)
    assert split_serial("1985LT1234") == ("1985LT", 1234, "", 4)
    assert split_serial("66123456") == ("", 66123456, "", 8)
    assert split_serial("A00123X") == ("A", 123, "X", 5)
    assert split_serial("ABC") is None
    assert split_serial("A12") is None  # too short to mean anything


def test_serial_confidence_decreases_with_gap() -> None:
    assert serial_confidence(0, 50) == 0.9
    assert serial_confidence(5, 50) == 0.9
    assert serial_confidence(50, 50) == 0.6
    values = [serial_confidence(g, 50) for g in range(0, 51)]
    assert values == sorted(values, reverse=True)
    assert serial_confidence(3, 3) == 0.9


def test_batch_split_across_three_seizures_is_grouped_and_other_makers_are_not() -> None:
    items = [
        weapon(1, 10, "AK 100234"),
        weapon(2, 11, "AK-100240"),
        weapon(3, 12, "ak100236", manufacturer="IZHMASH", model="akm"),  # case/format differences
        # Close serials, same model name, but other manufacturers: never linked on serials.
        weapon(4, 13, "AK100235", manufacturer="Arsenal"),
        weapon(5, 14, "AK100238", manufacturer="Zastava"),
        # Same maker, far serial.
        weapon(6, 15, "AK 100400"),
    ]
    groups = link(items)
    assert sets(groups) == [(1, 2, 3)]
    g = groups[0]
    assert g.group_id == 1
    assert g.seizure_ids == (10, 11, 12)
    assert g.kinds == ("consecutive_serials",)
    assert {(lk.a, lk.b) for lk in g.evidence} == {(1, 3), (2, 3)}  # sorted neighbours only
    assert g.confidence == 0.9  # gaps 2 and 4


def test_numeric_serials_and_window() -> None:
    items = [weapon(1, 1, "66123456", model="M70"), weapon(2, 2, "66123470", model="M70")]
    assert sets(link(items)) == [(1, 2)]
    assert link(items)[0].confidence == serial_confidence(14, 50)
    assert link(items, window=10) == []


def test_different_format_is_not_compared() -> None:
    items = [
        weapon(1, 1, "AK100234"),
        weapon(2, 2, "AB100235"),  # other prefix
        weapon(3, 3, "AK100236X"),  # other suffix
        weapon(4, 4, "AK0100236"),  # other length
    ]
    assert link(items) == []


def test_missing_manufacturer_or_model_never_links_on_serials() -> None:
    items = [
        SeizedItemFacts(1, 1, "weapon", manufacturer=None, model="AKM", serial="100234"),
        SeizedItemFacts(2, 2, "weapon", manufacturer=None, model="AKM", serial="100235"),
        SeizedItemFacts(3, 3, "weapon", manufacturer="Izhmash", model=None, serial="100236"),
    ]
    assert link(items) == []


def test_union_of_chains() -> None:
    # A~B (gap 40), B~C (gap 40) but A, C are 80 apart: still one group.
    items = [weapon(1, 1, "AK100000"), weapon(2, 2, "AK100040"), weapon(3, 3, "AK100080")]
    assert sets(link(items)) == [(1, 2, 3)]
    # Chains through different evidence kinds merge too: 3~4 by lot? no - 3~4 by source site.
    items.append(weapon(4, 4, "ZZ999", source_site="Depot 7"))
    items.append(weapon(5, 5, "AK100080X", source_site="depot-7"))
    items.append(weapon(6, 6, "AK999", source_site="DEPOT 7"))
    groups = link(items)
    assert sets(groups) == [(1, 2, 3), (4, 5, 6)]
    items[2] = weapon(3, 3, "AK100080", source_site="Depot 7")
    groups = link(items)
    assert sets(groups) == [(1, 2, 3, 4, 5, 6)]
    g = groups[0]
    assert g.kinds == ("consecutive_serials", "same_source_site")
    assert g.confidence == combine_confidence([0.95, serial_confidence(40, 50)])


# --- other evidence -------------------------------------------------------------------------------


def test_same_lot_with_manufacturer_or_headstamp() -> None:
    items = [
        ammo(1, 1, lot="LOT 12-85", manufacturer="Factory 17"),
        ammo(2, 2, lot="lot1285", manufacturer="FACTORY-17"),
        ammo(3, 3, lot="12-85", headstamp="539 83"),
        ammo(4, 4, lot="12/85", headstamp="539-83"),
        ammo(5, 5, lot="12-85"),  # lot alone is not enough
        ammo(6, 6, lot="LOT 12-85", manufacturer="Factory 99"),  # other maker
    ]
    groups = link(items)
    assert sets(groups) == [(1, 2), (3, 4)]
    assert all(g.confidence == 0.85 and g.kinds == ("same_lot",) for g in groups)


def test_headstamp_alone_needs_a_year() -> None:
    assert headstamp_has_year("539 83")
    assert headstamp_has_year("LC 12")
    assert headstamp_has_year("LC12")
    assert headstamp_has_year("7.62x39 1984")
    assert not headstamp_has_year("539")
    assert not headstamp_has_year("7.62x39")
    items = [
        ammo(1, 1, headstamp="539 83"),
        ammo(2, 2, headstamp="539-83", lot="7"),
        ammo(3, 3, headstamp="539"),
        ammo(4, 4, headstamp="539"),
    ]
    groups = link(items)
    assert sets(groups) == [(1, 2)]
    assert groups[0].confidence == 0.5


def test_headstamp_alone_skips_common_stock() -> None:
    items = [ammo(i, i, headstamp="539 83") for i in range(1, 61)]
    assert link(items) == []  # 60 > max_weak_block: the mark is common stock
    assert len(link(items, max_weak_block=100)) == 1


def test_lot_and_headstamp_gives_one_strong_link_per_pair() -> None:
    items = [
        ammo(1, 1, lot="A1", headstamp="539 83", manufacturer="F17"),
        ammo(2, 2, lot="A1", headstamp="539 83", manufacturer="F17"),
        ammo(3, 3, lot="B2", headstamp="539 83"),
    ]
    links = find_links(items)
    assert [(lk.a, lk.b, lk.confidence) for lk in links] == [(1, 2, 0.85), (2, 3, 0.5)]
    assert sets(link(items)) == [(1, 2, 3)]
    assert link(items)[0].confidence == 0.85  # strongest link per kind, not 1-(0.15*0.5)


def test_lot_of_a_different_product_kind_does_not_link() -> None:
    items = [ammo(1, 1, lot="A1", manufacturer="F17"),
             SeizedItemFacts(2, 2, "explosive", manufacturer="F17", lot="A1")]
    assert link(items) == []


def test_import_marking() -> None:
    items = [
        weapon(1, 1, "X1000", model="M70", import_country="Ruritania", import_year=2004),
        weapon(2, 2, "Y9000", manufacturer="Zastava", model="m-70", import_country="RURITANIA", import_year=2004),
        weapon(3, 3, "Z5000", model="M70", import_country="Ruritania", import_year=2005),  # other year
        weapon(4, 4, "Z5001", model="M92", import_country="Ruritania", import_year=2004),  # other model
    ]
    groups = link(items)
    assert sets(groups) == [(1, 2)]
    assert groups[0].confidence == 0.6
    assert groups[0].kinds == ("same_import_marking",)


def test_source_site() -> None:
    items = [
        weapon(1, 1, "A1000", source_site="site:42"),
        weapon(2, 2, "B5000", manufacturer="FN", model="FAL", source_site="SITE 42"),
        weapon(3, 3, "C9000", source_site="site:43"),
    ]
    groups = link(items)
    assert sets(groups) == [(1, 2)]
    assert groups[0].confidence == 0.95


def test_min_seizures() -> None:
    items = [weapon(1, 7, "AK100001"), weapon(2, 7, "AK100002"), weapon(3, 7, "AK100003")]
    assert link(items) == []  # one batch found together: not a finding by itself
    groups = link(items, min_seizures=1)
    assert sets(groups) == [(1, 2, 3)] and groups[0].seizure_ids == (7,)
    items.append(weapon(4, 8, "AK100004"))
    assert sets(link(items)) == [(1, 2, 3, 4)]
    assert link(items, min_seizures=3) == []


def test_sorting_by_confidence_then_size() -> None:
    items = [
        weapon(1, 1, "AK100000"), weapon(2, 2, "AK100050"), weapon(3, 3, "AK100100"),  # 0.6, 3 items
        weapon(4, 4, "AK200000"), weapon(5, 5, "AK200049"),  # ~0.6, 2 items
        weapon(6, 6, "AK300000"), weapon(7, 7, "AK300001"),  # 0.9
        weapon(8, 8, "Q1", source_site="S"), weapon(9, 9, "Q2", source_site="S"),  # 0.95
    ]
    groups = link(items)
    assert [g.group_id for g in groups] == [8, 6, 4, 1] or [g.group_id for g in groups] == [8, 6, 1, 4]
    confs = [g.confidence for g in groups]
    assert confs == sorted(confs, reverse=True)


def test_group_ids_are_stable_when_unrelated_items_are_added() -> None:
    base = [weapon(10, 1, "AK100234"), weapon(20, 2, "AK100236"), weapon(30, 3, "AK100238")]
    before = {g.group_id: g.item_ids for g in link(base)}
    noise = [weapon(100 + i, 50 + i, f"ZX{500000 + 1000 * i}") for i in range(20)]
    after = {g.group_id: g.item_ids for g in link(noise + base)}
    assert before == after == {10: (10, 20, 30)}


def test_duplicate_item_id_is_rejected() -> None:
    import pytest

    with pytest.raises(ValueError, match="duplicate"):
        link([weapon(1, 1, "AK100000"), weapon(1, 2, "AK100001")])


def test_same_serial_twice_is_reported() -> None:
    groups = link([weapon(1, 1, "AK100000"), weapon(2, 2, "AK 100000")])
    assert len(groups) == 1 and "recorded twice" in groups[0].evidence[0].detail


# --- properties -----------------------------------------------------------------------------------

MAKERS = ["Izhmash", "Arsenal", "Zastava"]


@st.composite
def item_lists(draw: st.DrawFn) -> list[SeizedItemFacts]:
    n = draw(st.integers(min_value=0, max_value=30))
    out = []
    for i in range(n):
        out.append(SeizedItemFacts(
            item_id=i + 1,
            seizure_id=draw(st.integers(1, 6)),
            kind=draw(st.sampled_from(["weapon", "ammunition"])),
            manufacturer=draw(st.sampled_from([*MAKERS, None])),
            model=draw(st.sampled_from(["AKM", "M70", None])),
            serial=draw(st.one_of(st.none(), st.integers(1000, 1300).map(lambda v: f"AK{v}"))),
            lot=draw(st.sampled_from([None, "L1", "L2"])),
            headstamp=draw(st.sampled_from([None, "539 83", "711 90", "539"])),
            import_country=draw(st.sampled_from([None, "X", "Y"])),
            import_year=draw(st.sampled_from([None, 2001, 2002])),
            source_site=draw(st.sampled_from([None, None, "S1", "S2"])),
        ))
    return out


def canonical(groups: list[Group]) -> list[Group]:
    return sorted(groups, key=lambda g: g.group_id)


@settings(max_examples=60, deadline=None)
@given(items=item_lists(), seed=st.integers(0, 2**32 - 1), window=st.integers(0, 80))
def test_grouping_is_invariant_under_input_order(items: list[SeizedItemFacts], seed: int, window: int) -> None:
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    a = link(items, window=window, min_seizures=1)
    b = link(shuffled, window=window, min_seizures=1)
    assert canonical(a) == canonical(b)  # same groups, same evidence, same confidences
    assert [g.confidence for g in a] == [g.confidence for g in b]


def _naive_components(items: list[SeizedItemFacts], window: int) -> set[tuple[int, ...]]:
    """All-pairs reference for the serial rule only."""
    from armstrace.marking.normalise import normalise_name, normalise_serial

    parent = {it.item_id: it.item_id for it in items}

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if not (a.serial and b.serial and a.manufacturer and b.manufacturer and a.model and b.model):
                continue
            if normalise_name(a.manufacturer) != normalise_name(b.manufacturer):
                continue
            if normalise_name(a.model) != normalise_name(b.model):
                continue
            pa, pb = split_serial(normalise_serial(a.serial)), split_serial(normalise_serial(b.serial))
            if pa is None or pb is None or (pa[0], pa[2], pa[3]) != (pb[0], pb[2], pb[3]):
                continue
            if abs(pa[1] - pb[1]) <= window:
                parent[root(a.item_id)] = root(b.item_id)
    comps: dict[int, list[int]] = {}
    for x in parent:
        comps.setdefault(root(x), []).append(x)
    return {tuple(sorted(c)) for c in comps.values() if len(c) >= 2}


@settings(max_examples=50, deadline=None)
@given(items=item_lists(), window=st.integers(0, 80))
def test_neighbour_links_give_the_same_groups_as_all_pairs(items: list[SeizedItemFacts], window: int) -> None:
    serial_only = [SeizedItemFacts(it.item_id, it.seizure_id, it.kind, it.manufacturer, it.model, it.serial)
                   for it in items]
    got = {g.item_ids for g in link(serial_only, window=window, min_seizures=1)}
    assert got == _naive_components(serial_only, window)


@settings(max_examples=50, deadline=None)
@given(items=item_lists())
def test_group_invariants(items: list[SeizedItemFacts]) -> None:
    seizure = {it.item_id: it.seizure_id for it in items}
    groups = link(items)
    seen: set[int] = set()
    for g in groups:
        assert len(g.item_ids) >= 2 and len(g.seizure_ids) >= 2
        assert g.group_id == min(g.item_ids)
        assert g.seizure_ids == tuple(sorted({seizure[i] for i in g.item_ids}))
        assert not seen & set(g.item_ids)
        seen |= set(g.item_ids)
        assert 0 < g.confidence <= 0.99
        assert set(g.kinds) == {lk.kind for lk in g.evidence}
        for lk in g.evidence:
            assert lk.a < lk.b and lk.a in g.item_ids and lk.b in g.item_ids
