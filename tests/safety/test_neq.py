"""NEQ totals against a building's licence, with group conflicts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from armstrace.safety import NEQLine, check_building, total_neq


def test_total_accepts_decimal_and_float():
    lines = [
        NEQLine("LOT-1", Decimal("100"), Decimal("2.5"), "1.1", "D"),
        NEQLine("LOT-2", 40, 0.25, "1.2", "E"),
    ]
    assert total_neq(lines) == pytest.approx(260.0)
    assert total_neq([]) == 0.0


def test_over_limit():
    lines = [NEQLine("LOT-1", 1000, Decimal("6"), "1.1", "D"), NEQLine("LOT-2", 500, 1.0, "1.4", "S")]
    check = check_building(lines, Decimal("6000"))
    assert check.total_neq == pytest.approx(6500.0)
    assert check.limit == 6000.0
    assert check.over_limit and check.over_by == pytest.approx(500.0)
    assert check.conflicts == [] and not check.ok


def test_at_limit_is_ok():
    check = check_building([NEQLine("LOT-1", 10, 100, "1.3", "G")], 1000)
    assert not check.over_limit and check.over_by == 0.0 and check.ok


def test_conflicts_reported():
    lines = [NEQLine("A1", 1, 1, "1.1", "A"), NEQLine("S1", 1, 1, "1.4", "S"), NEQLine("F1", 1, 1, "1.2", "F")]
    check = check_building(lines, 10_000)
    assert check.conflicts == [("A", "F"), ("A", "S")]
    assert not check.ok and not check.over_limit


def test_group_l_identity_is_the_lot():
    same = [NEQLine("L-1", 1, 1, "1.1", "L"), NEQLine("L-1", 2, 1, "1.1", "L")]
    assert check_building(same, 100).conflicts == []
    different = [NEQLine("L-1", 1, 1, "1.1", "L"), NEQLine("L-2", 1, 1, "1.2", "L")]
    assert check_building(different, 100).conflicts == [("L", "L")]


def test_bad_lines_rejected():
    with pytest.raises(ValueError):
        NEQLine("X", 1, 1, "1.4", "A")  # not one of the 35 codes
    with pytest.raises(ValueError):
        NEQLine("X", -1, 1, "1.1", "D")
    with pytest.raises(ValueError):
        check_building([], -5)
