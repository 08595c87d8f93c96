"""Tracing-request deadlines and response statistics."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from armstrace.diversion import due_date, reminder_dates, response_days, response_stats, status_on

D = date(2026, 1, 1)


def test_due_date_calendar_days() -> None:
    assert due_date(D, 28) == date(2026, 1, 29)
    assert due_date(date(2024, 2, 20), 10) == date(2024, 3, 1)  # leap year
    assert due_date(D, 0) == D
    with pytest.raises(ValueError):
        due_date(D, -1)


def test_status_on() -> None:
    due = due_date(D, 7)
    assert status_on(D, D, due, None, None) == "waiting"
    assert status_on(due, D, due, None, None) == "waiting"  # due day itself is not late
    assert status_on(date(2026, 1, 9), D, due, None, None) == "overdue"
    # an acknowledgement does not stop the clock
    assert status_on(date(2026, 1, 9), D, due, date(2026, 1, 2), None) == "overdue"
    assert status_on(date(2026, 1, 20), D, due, None, date(2026, 1, 15)) == "answered"  # late but answered
    # an answer dated after "today" is not known yet
    assert status_on(date(2026, 1, 5), D, due, None, date(2026, 1, 6)) == "waiting"
    with pytest.raises(ValueError):
        status_on(D, D, due, None, date(2025, 12, 31))


def test_reminder_dates() -> None:
    assert reminder_dates(D, due_date(D, 28)) == [date(2026, 1, 8), date(2026, 1, 15), date(2026, 1, 22),
                                                  date(2026, 1, 29)]
    assert reminder_dates(D, due_date(D, 10), every_days=7) == [date(2026, 1, 8), date(2026, 1, 11)]
    assert reminder_dates(D, D) == []
    with pytest.raises(ValueError):
        reminder_dates(D, D, every_days=0)


@given(days=st.integers(0, 400), every=st.integers(1, 60))
def test_reminders_are_increasing_and_end_on_due(days: int, every: int) -> None:
    due = due_date(D, days)
    r = reminder_dates(D, due, every_days=every)
    assert r == sorted(set(r))
    assert all(D < x <= due for x in r)
    if days:
        assert r[-1] == due


def test_response_days() -> None:
    assert response_days(D, None) is None
    assert response_days(D, date(2026, 1, 17)) == 16
    with pytest.raises(ValueError):
        response_days(D, date(2025, 1, 1))


def test_response_stats_hand_computed() -> None:
    today = date(2026, 3, 1)
    pairs = [
        ("FR", D, date(2026, 1, 5)),  # 4 days
        ("FR", D, date(2026, 1, 11)),  # 10
        ("FR", D, date(2026, 1, 31)),  # 30: late (> 28)
        ("FR", date(2026, 2, 20), None),  # open, not overdue (due 2026-03-20)
        ("FR", D, None),  # open, overdue
        ("XX", date(2026, 2, 1), date(2026, 3, 5)),  # answer after today: still open; due 2026-03-01 -> not overdue
        ("XX", date(2026, 3, 2), None),  # sent after today: ignored
    ]
    out = response_stats(pairs, today)
    fr = out["FR"]
    assert (fr.n_sent, fr.n_answered, fr.n_open, fr.n_overdue_open, fr.n_answered_late) == (5, 3, 2, 1, 1)
    assert fr.mean_days == pytest.approx(44 / 3)
    assert fr.median_days == 10.0
    assert fr.p90_days == 30  # nearest rank: ceil(0.9 * 3) = 3rd value
    assert fr.max_days == 30
    xx = out["XX"]
    assert (xx.n_sent, xx.n_answered, xx.n_open, xx.n_overdue_open) == (1, 0, 1, 0)
    assert xx.mean_days is None and xx.median_days is None and xx.p90_days is None
    # a stricter national deadline (eTrace's 7 days)
    fr7 = response_stats(pairs, today, deadline_days=7)["FR"]
    assert (fr7.n_overdue_open, fr7.n_answered_late) == (2, 2)


def test_p90_nearest_rank() -> None:
    pairs = [("DE", D, due_date(D, d)) for d in range(1, 11)]  # 1..10 days
    s = response_stats(pairs, date(2027, 1, 1))["DE"]
    assert s.p90_days == 9 and s.median_days == 5.5 and s.mean_days == 5.5
