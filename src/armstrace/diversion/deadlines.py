"""Deadlines and response times of tracing requests.

Why: the International Tracing Instrument asks the requested State to acknowledge receipt and answer
"in a timely way", without a fixed number of days (DOMAIN.md, "Tracing").  Practice differs: eTrace
aims at 7 days and measures 16 on average; Conflict Armament Research allows 28 days.  The deadline
is therefore always a parameter (a national setting), and what we can do is (1) tell whether a request
is overdue, (2) remind the counterpart on a schedule, and (3) measure each counterpart's actual
response times, which is what a tracing unit needs to plan and to raise in bilateral talks.

All functions use calendar days (no business-day calendar: counterparts have different weekends and
holidays, and the published practice is in calendar days).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal

__all__ = [
    "DEFAULT_DEADLINE_DAYS",
    "RequestStatus",
    "Stats",
    "due_date",
    "reminder_dates",
    "response_days",
    "response_stats",
    "status_on",
]

#: Default deadline for :func:`response_stats` when the caller has no national setting: CAR's 28 days.
DEFAULT_DEADLINE_DAYS: Final = 28

RequestStatus = Literal["waiting", "overdue", "answered"]


def due_date(sent_on: date, days: int) -> date:
    """The date an answer is due: ``days`` calendar days after sending."""
    if days < 0:
        raise ValueError("days must be >= 0")
    return sent_on + timedelta(days=days)


def status_on(today: date, sent_on: date, due: date, acknowledged_on: date | None,
              answered_on: date | None) -> RequestStatus:
    """Status of a request as of ``today``.

    An answer dated after ``today`` is ignored (the status is reproducible for any past day).  An
    acknowledgement does *not* stop the clock: the ITI asks for both an acknowledgement and a timely
    answer, so an acknowledged request past its due date is still overdue.  Dates before ``sent_on``
    are data errors and raise ``ValueError``.
    """
    if due < sent_on:
        raise ValueError("due date before sending date")
    for label, d in (("acknowledged_on", acknowledged_on), ("answered_on", answered_on)):
        if d is not None and d < sent_on:
            raise ValueError(f"{label} before sending date")
    if answered_on is not None and answered_on <= today:
        return "answered"
    if today > due:
        return "overdue"
    return "waiting"


def reminder_dates(sent_on: date, due: date, every_days: int = 7) -> list[date]:
    """Dates to remind the counterpart: every ``every_days`` after sending while before the due date,
    then the due date itself.  After that the request is overdue and escalation is a human decision."""
    if every_days < 1:
        raise ValueError("every_days must be >= 1")
    if due < sent_on:
        raise ValueError("due date before sending date")
    out: list[date] = []
    d = sent_on + timedelta(days=every_days)
    while d < due:
        out.append(d)
        d += timedelta(days=every_days)
    if due > sent_on:
        out.append(due)
    return out


def response_days(sent_on: date, answered_on: date | None) -> int | None:
    """Calendar days from sending to answer, ``None`` when unanswered."""
    if answered_on is None:
        return None
    if answered_on < sent_on:
        raise ValueError("answered before sent")
    return (answered_on - sent_on).days


@dataclass(frozen=True, slots=True)
class Stats:
    """Response statistics of one counterpart state as of a given day.

    ``n_open`` = sent but not answered (as of the day); ``n_overdue_open`` = open and past the deadline.
    Day statistics are over answered requests only and are ``None`` when there are none; ``p90_days`` uses
    the nearest-rank method (an actual observed value, easy to explain).  ``n_answered_late`` counts
    answers received after the deadline.
    """

    n_sent: int
    n_answered: int
    n_open: int
    n_overdue_open: int
    n_answered_late: int
    mean_days: float | None
    median_days: float | None
    p90_days: int | None
    max_days: int | None


def _nearest_rank(sorted_values: list[int], q: float) -> int:
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def response_stats(pairs: Iterable[tuple[str, date, date | None]], today: date, *,
                   deadline_days: int = DEFAULT_DEADLINE_DAYS) -> dict[str, Stats]:
    """Per counterpart state, from ``(counterpart_state, sent_on, answered_on or None)`` tuples.

    Requests sent after ``today`` are ignored and answers after ``today`` count as not yet received, so
    a report for a past day can be reproduced.  A request is overdue when it is open and
    ``today > sent_on + deadline_days``.
    """
    if deadline_days < 0:
        raise ValueError("deadline_days must be >= 0")
    days_by: dict[str, list[int]] = {}
    sent: dict[str, int] = {}
    open_: dict[str, int] = {}
    overdue: dict[str, int] = {}
    late: dict[str, int] = {}
    for state, sent_on, answered_on in pairs:
        if sent_on > today:
            continue
        sent[state] = sent.get(state, 0) + 1
        days_by.setdefault(state, [])
        if answered_on is not None and answered_on <= today:
            d = response_days(sent_on, answered_on)
            assert d is not None
            days_by[state].append(d)
            if d > deadline_days:
                late[state] = late.get(state, 0) + 1
        else:
            open_[state] = open_.get(state, 0) + 1
            if today > sent_on + timedelta(days=deadline_days):
                overdue[state] = overdue.get(state, 0) + 1
    out: dict[str, Stats] = {}
    for state in sorted(sent):
        ds = sorted(days_by[state])
        out[state] = Stats(
            n_sent=sent[state],
            n_answered=len(ds),
            n_open=open_.get(state, 0),
            n_overdue_open=overdue.get(state, 0),
            n_answered_late=late.get(state, 0),
            mean_days=statistics.fmean(ds) if ds else None,
            median_days=float(statistics.median(ds)) if ds else None,
            p90_days=_nearest_rank(ds, 0.9) if ds else None,
            max_days=ds[-1] if ds else None,
        )
    return out
