"""SDG 16.4.2 arithmetic, checked by hand."""

from __future__ import annotations

import pytest

from armstrace.diversion import ArmRecord, indicator


def rec(item_id: int, *, state: str = "RU", year: int = 2025, recovery: str = "seized", is_arm: bool = True,
        made: int | None = 1980, traced: bool = False, seizure_id: int = 1) -> ArmRecord:
    return ArmRecord(item_id=item_id, seizure_id=seizure_id, state=state, year=year, recovery=recovery,
                     is_arm=is_arm, year_of_manufacture=made, diversion_established=traced)


def test_hand_computed_example() -> None:
    records = [
        rec(1, traced=True),
        rec(2, recovery="found", traced=True),
        rec(3, recovery="surrendered"),
        rec(4, made=1895, traced=True),  # antique: out of both numerator and denominator
        rec(5, made=None),  # unknown year of manufacture: kept
        rec(6, is_arm=False, traced=True),  # ammunition: not an arm
        rec(7, made=1900, traced=True),  # 1900 is not "before 1900"
    ]
    out = indicator(records)
    assert list(out) == [("RU", 2025)]
    ind = out[("RU", 2025)]
    # denominator {1, 2, 3, 5, 7} = 5; numerator {1, 2, 7} = 3; 3 / 5 = 0.6
    assert (ind.numerator, ind.denominator) == (3, 5)
    assert ind.value == pytest.approx(0.6)
    assert ind.item_ids_denominator == (1, 2, 3, 5, 7)
    assert ind.item_ids_numerator == (1, 2, 7)
    assert ind.excluded_antiques == 1
    assert ind.excluded_non_arms == 1


def test_unknown_year_of_manufacture_is_not_an_antique() -> None:
    ind = indicator([rec(1, made=None), rec(2, made=None, traced=True)])[("RU", 2025)]
    assert (ind.numerator, ind.denominator, ind.excluded_antiques) == (1, 2, 0)
    assert ind.value == 0.5


def test_per_state_and_year() -> None:
    records = [
        rec(1, state="A", year=2024, traced=True),
        rec(2, state="A", year=2024),
        rec(3, state="A", year=2024),
        rec(4, state="A", year=2024),  # A 2024: 1/4
        rec(5, state="A", year=2025, traced=True),  # A 2025: 1/1
        rec(6, state="B", year=2024),
        rec(7, state="B", year=2024, traced=True),
        rec(8, state="B", year=2024, traced=True),  # B 2024: 2/3
    ]
    out = indicator(records)
    assert sorted(out) == [("A", 2024), ("A", 2025), ("B", 2024)]
    assert out[("A", 2024)].value == 0.25
    assert out[("A", 2025)].value == 1.0
    assert out[("B", 2024)].value == pytest.approx(2 / 3)
    assert out[("B", 2024)].item_ids_numerator == (7, 8)


def test_value_is_none_without_arms() -> None:
    assert indicator([]) == {}
    out = indicator([rec(1, is_arm=False, traced=True), rec(2, made=1850)])
    ind = out[("RU", 2025)]
    assert (ind.numerator, ind.denominator, ind.value) == (0, 0, None)
    assert (ind.excluded_non_arms, ind.excluded_antiques) == (1, 1)


def test_zero_traced_is_zero_not_none() -> None:
    assert indicator([rec(1)])[("RU", 2025)].value == 0.0


def test_invalid_input() -> None:
    with pytest.raises(ValueError, match="recovery"):
        indicator([rec(1, recovery="bought")])
    with pytest.raises(ValueError, match="twice"):
        indicator([rec(1), rec(1, seizure_id=2)])
    # the same item in two different years is two reports, not an error
    assert len(indicator([rec(1, year=2024), rec(1, year=2025)])) == 2
