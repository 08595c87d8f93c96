"""MANPADS controls: separation of missiles and gripstocks, monthly inventory, accounting ratio."""

from __future__ import annotations

from datetime import date

import pytest

from armstrace.safety import accounted_ratio, colocated, inventory_overdue


def test_colocated():
    components = [
        ("B1", "missile"),
        ("B1", "gripstock"),
        ("B2", "missile"),
        ("B2", "battery"),
        ("B3", "gripstock"),
        ("B3", "battery"),
        ("A0", "gripstock"),
        ("A0", "missile"),
        ("A0", "missile"),
    ]
    assert colocated(components) == ["A0", "B1"]
    assert colocated([]) == []
    with pytest.raises(ValueError):
        colocated([("B1", "launcher")])


def test_inventory_overdue():
    today = date(2025, 3, 31)
    assert inventory_overdue(None, today)
    assert not inventory_overdue(date(2025, 2, 28), today)  # 31 days
    assert inventory_overdue(date(2025, 2, 27), today)  # 32 days
    assert not inventory_overdue(today, today)
    assert inventory_overdue(date(2025, 3, 20), today, max_days=7)


def test_accounted_ratio():
    assert accounted_ratio(0, 0) is None
    assert accounted_ratio(75, 100) == 0.75
    assert accounted_ratio(120, 100) == 1.2
    with pytest.raises(ValueError):
        accounted_ratio(-1, 10)
