"""Storage mixing of compatibility groups (DOMAIN.md: transport rules as the default table)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from armstrace.registry.hazard import GROUPS, LEGAL_CODES, is_legal
from armstrace.safety import MixingRules, compatible, conflicts, default_rules

groups = st.sampled_from(GROUPS)


def test_exactly_35_legal_codes():
    expected = {
        "1.1A", "1.1B", "1.1C", "1.1D", "1.1E", "1.1F", "1.1G", "1.1J", "1.1L",
        "1.2B", "1.2C", "1.2D", "1.2E", "1.2F", "1.2G", "1.2H", "1.2J", "1.2K", "1.2L",
        "1.3C", "1.3F", "1.3G", "1.3H", "1.3J", "1.3K", "1.3L",
        "1.4B", "1.4C", "1.4D", "1.4E", "1.4F", "1.4G", "1.4S",
        "1.5D",
        "1.6N",
    }  # fmt: skip
    assert len(expected) == 35
    assert set(LEGAL_CODES) == expected
    for code in expected:
        assert is_legal(code[:3], code[3:])
    assert not is_legal("1.4", "A") and not is_legal("1.1", "S") and not is_legal("1.7", "A")


@given(groups, groups, st.booleans())
def test_mixing_is_symmetric(a, b, identical):
    assert compatible(a, b, identical_l=identical) == compatible(b, a, identical_l=identical)


@given(groups)
def test_every_group_but_l_mixes_with_itself(g):
    assert compatible(g, g) == (g != "L")
    assert compatible(g, g, identical_l=True)


def test_full_default_table():
    allowed = {
        "A": "A",
        "B": "BS",
        "C": "CDENS",
        "D": "CDENS",
        "E": "CDENS",
        "N": "CDENS",
        "F": "FS",
        "G": "GS",
        "H": "HS",
        "J": "JS",
        "K": "KS",
        "L": "L",
        "S": "BCDEFGHJKNS",
    }
    for a, b in itertools.product(GROUPS, GROUPS):
        assert compatible(a, b, identical_l=True) == (b in allowed[a]), (a, b)


def test_worked_examples():
    assert not compatible("A", "S")
    assert conflicts(["A", "S"]) == [("A", "S")]
    assert compatible("C", "D") and conflicts(["C", "D"]) == []
    assert not compatible("F", "G") and conflicts(["F", "G"]) == [("F", "G")]
    assert conflicts(["L", "L"]) == [("L", "L")]
    assert conflicts(["L", "L"], identical_l=True) == []
    assert conflicts(["L"]) == []  # a single lot cannot conflict with itself
    assert not compatible("L", "S") and not compatible("B", "C")


def test_conflicts_sorted_and_deduplicated():
    got = conflicts(["S", "A", "G", "F", "A", "c", "F"])
    assert got == [("A", "C"), ("A", "F"), ("A", "G"), ("A", "S"), ("C", "F"), ("C", "G"), ("F", "G")]


@given(st.lists(groups, max_size=8))
def test_conflicts_matches_pairwise_definition(gs):
    want = set()
    for i, j in itertools.combinations(range(len(gs)), 2):
        a, b = sorted((gs[i], gs[j]))
        if not compatible(a, b):
            want.add((a, b))
    assert conflicts(gs) == sorted(want)


def test_unknown_group_raises():
    with pytest.raises(ValueError):
        compatible("Z", "A")
    with pytest.raises(ValueError):
        conflicts(["A", "1.1D"])


def test_national_override_is_stricter_and_symmetric():
    rules = default_rules().with_overrides({"S": frozenset("S")})  # S stored only with S
    assert not rules.compatible("S", "C") and not rules.compatible("C", "S")
    assert rules.compatible("C", "D")
    assert rules.conflicts(["C", "S"]) == [("C", "S")]
    assert compatible("C", "S")  # the default table is untouched


def test_incomplete_or_bad_table_rejected():
    with pytest.raises(ValueError):
        MixingRules(allowed={"A": frozenset("A")})
    with pytest.raises(ValueError):
        default_rules().with_overrides({"A": frozenset("AX")})
