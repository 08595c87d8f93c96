"""Stock count reconciliation by serial key and by lot."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from armstrace.safety import LotLine, Scan, UnexpectedScan, reconcile

EXPECTED = {"AK001": 1, "AK002": 2, "AK003": 3, "PKM01": 4}


def test_found_missing_unexpected_duplicates():
    scans = [
        Scan("ak-001", "AK001", "alice"),
        Scan("AK 001", "AK001", "bob"),
        Scan("AK002", "AK002", None),
        Scan("ZZ9", "ZZ9", "alice"),
        Scan("zz-9", "ZZ9", "bob"),
        Scan("XX1", "XX1"),
    ]
    r = reconcile(EXPECTED, scans)
    assert r.found == [1, 2]
    assert r.missing == [3, 4]
    assert r.unexpected == [UnexpectedScan("XX1", "XX1", 1), UnexpectedScan("ZZ9", "ZZ9", 2)]
    assert r.duplicate_scans == {"AK001": 2, "ZZ9": 2}
    assert r.discrepancy_count == 4  # 2 missing + 2 unexpected
    assert r.discrepancy_rate == 1.0
    assert r.needs_investigation(0.5)


def test_lots():
    r = reconcile(
        {},
        [],
        {"LOT-A": Decimal("1000"), "LOT-B": 0.3, "LOT-C": 50},
        {"LOT-A": Decimal("1000"), "LOT-B": 0.1 + 0.2, "LOT-D": 5},
    )
    assert r.lots == [
        LotLine("LOT-A", Decimal("1000"), Decimal("1000"), Decimal("0")),
        LotLine("LOT-B", Decimal("0.3"), Decimal("0.30000000000000004"), Decimal("4E-17")),
        LotLine("LOT-C", Decimal("50"), Decimal("0"), Decimal("-50")),
        LotLine("LOT-D", Decimal("0"), Decimal("5"), Decimal("5")),
    ]
    assert [line.lot_key for line in r.discrepant_lots] == ["LOT-B", "LOT-C", "LOT-D"]
    assert r.discrepancy_count == 3
    assert r.discrepancy_rate == 1.0  # 3 discrepant lots over 3 expected lots


def test_exact_decimal_match_is_not_a_discrepancy():
    r = reconcile({}, [], {"L": Decimal("0.3")}, {"L": 0.3})
    assert r.discrepancy_count == 0 and r.lots[0].difference == 0


def test_rate_and_thresholds():
    expected = {f"S{i:03}": i for i in range(100)}
    scans = [Scan(k, k) for k in list(expected)[:99]]
    r = reconcile(expected, scans, {"LOT": 10}, {"LOT": 10})
    assert r.missing == [99]
    assert r.discrepancy_rate == 1 / 101
    assert r.needs_investigation(0.05)  # one missing weapon > 0 allowed
    assert not r.needs_investigation(0.05, threshold_items=1)
    assert r.needs_investigation(0.005, threshold_items=1)


def test_nothing_expected():
    r = reconcile({}, [])
    assert r.discrepancy_rate == 0.0 and r.discrepancy_count == 0
    assert not r.needs_investigation(0.0)


keys = st.text(alphabet="ABC123", min_size=1, max_size=4)


@given(
    st.dictionaries(keys, st.integers(min_value=1, max_value=10**6), max_size=30),
    st.lists(keys, max_size=40),
)
def test_found_and_missing_partition_expected(expected, scanned):
    r = reconcile(expected, [Scan(k.lower(), k) for k in scanned])
    ids = sorted(expected.values())
    assert sorted(r.found + r.missing) == ids
    assert not (set(r.found) & set(r.missing)) or len(set(ids)) < len(ids)
    assert {u.key for u in r.unexpected} == set(scanned) - set(expected)
    assert all(n > 1 for n in r.duplicate_scans.values())
    assert sum(r.duplicate_scans.values()) == sum(1 for k in scanned if scanned.count(k) > 1)


@given(st.sets(keys, max_size=30), st.lists(keys, max_size=40))
def test_found_missing_disjoint_with_unique_ids(keyset, scanned):
    expected = {k: i for i, k in enumerate(sorted(keyset))}
    r = reconcile(expected, [Scan(k, k) for k in scanned])
    assert set(r.found) | set(r.missing) == set(expected.values())
    assert set(r.found) & set(r.missing) == set()
    assert set(r.found) == {expected[k] for k in scanned if k in expected}


def test_twenty_thousand_items():
    n = 20_000
    expected = {f"SN{i:06}": i for i in range(n)}
    # Scan all but every 100th; add 50 strangers and rescan 10 items.
    scans = [Scan(f"sn-{i:06}", f"SN{i:06}", "team") for i in range(n) if i % 100]
    scans += [Scan(f"X{i}", f"X{i}") for i in range(50)]
    scans += [Scan(f"SN{i:06}", f"SN{i:06}") for i in range(1, 11)]
    assert len(scans) == 19_800 + 50 + 10
    r = reconcile(expected, scans)
    assert r.missing == list(range(0, n, 100))
    assert len(r.found) == n - 200
    assert len(r.unexpected) == 50
    assert r.duplicate_scans == {f"SN{i:06}": 2 for i in range(1, 11)}
    assert r.discrepancy_count == 250
    assert r.discrepancy_rate == 250 / n
