"""Risk reduction process levels: weighted thresholds plus critical-question gates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from armstrace.safety import DEFAULT_QUESTIONS, Question, assess

ALL_YES = {q.code: True for q in DEFAULT_QUESTIONS}


def test_default_bank_is_sensible():
    codes = [q.code for q in DEFAULT_QUESTIONS]
    assert 15 <= len(codes) <= 25 and len(set(codes)) == len(codes)
    assert {q.level for q in DEFAULT_QUESTIONS} == {1, 2, 3}
    assert any(q.critical for q in DEFAULT_QUESTIONS if q.level == 1)
    manpads = [q for q in DEFAULT_QUESTIONS if "MANPADS" in q.text]
    assert manpads and all(q.critical for q in manpads)


def test_all_yes_reaches_3():
    a = assess(ALL_YES)
    assert a.level == 3
    assert a.scores == {1: 1.0, 2: 1.0, 3: 1.0}
    assert a.failed_critical == [] and a.unanswered == []


def test_nothing_answered_is_level_0():
    a = assess({})
    assert a.level == 0 and a.scores == {1: 0.0, 2: 0.0, 3: 0.0}
    assert a.unanswered == [q.code for q in DEFAULT_QUESTIONS]
    assert set(a.failed_critical) == {q.code for q in DEFAULT_QUESTIONS if q.critical}


def test_missing_critical_level1_answer_gives_0_despite_high_score():
    critical1 = next(q for q in DEFAULT_QUESTIONS if q.level == 1 and q.critical)
    answers = dict(ALL_YES)
    del answers[critical1.code]  # unanswered counts as no
    a = assess(answers)
    assert a.scores[3] > 0.9
    assert a.level == 0
    assert a.failed_critical == [critical1.code] and a.unanswered == [critical1.code]
    answers[critical1.code] = False
    assert assess(answers).level == 0


def test_failed_critical_at_level_2_caps_at_1():
    answers = dict(ALL_YES, L2_MANPADS_SEPARATE=False)
    a = assess(answers)
    assert a.level == 1 and a.failed_critical == ["L2_MANPADS_SEPARATE"]


# A small bank with weights chosen so thresholds can be hit exactly.
BANK = (
    Question("a", "a", 1, 6.0, True),
    Question("b", "b", 1, 4.0),
    Question("c", "c", 2, 5.0),
    Question("d", "d", 2, 5.0),
    Question("e", "e", 3, 10.0),
)


def test_threshold_edges():
    # Level 1: a only -> 6/10 = 0.6, exactly the threshold: reached.
    assert assess({"a": True}, BANK).level == 1
    # Level 2: a, b, c -> 15/20 = 0.75 exactly: reached. Level 3: 15/30 = 0.5.
    a2 = assess({"a": True, "b": True, "c": True}, BANK)
    assert a2.level == 2 and a2.scores[2] == pytest.approx(0.75)
    # a, c, d -> level 1 = 0.6 ok; level 2 = 16/20 ok; level 3 = 16/30 fails.
    assert assess({"a": True, "c": True, "d": True, "e": False}, BANK).level == 2
    # Level 3 needs 27/30: everything but b gives 26/30 = 0.867 -> stays 2; all yes -> 3.
    assert assess({"a": True, "c": True, "d": True, "e": True}, BANK).level == 2
    assert assess(dict.fromkeys("abcde", True), BANK).level == 3
    # Slightly under the level-1 threshold fails.
    assert assess({"a": True}, BANK, {1: 0.61, 2: 0.75, 3: 0.9}).level == 0


def test_level_is_cumulative_not_skipping():
    # Level 1 failed (critical a missing) even though the level 3 score would pass a low bar.
    assert assess({"b": True, "c": True, "d": True, "e": True}, BANK, {1: 0.1, 2: 0.1, 3: 0.1}).level == 0


def test_float_weights_meet_threshold():
    bank = (Question("x", "x", 1, 0.1), Question("y", "y", 1, 0.2), Question("z", "z", 1, 0.7))
    # (0.1 + 0.2) / 1.0 is 0.30000000000000004 or 0.3 - either way it must meet 0.3
    assert assess({"x": True, "y": True}, bank, {1: 0.3, 2: 0.3, 3: 0.3}).level == 3


def test_invalid_input():
    with pytest.raises(ValueError):
        Question("q", "q", 4)
    with pytest.raises(ValueError):
        assess({}, (Question("q", "q", 1), Question("q", "q", 2)))
    with pytest.raises(ValueError):
        assess({}, BANK, {1: 0.5, 2: 0.5})


@given(st.dictionaries(st.sampled_from([q.code for q in DEFAULT_QUESTIONS]), st.booleans()))
def test_more_yes_never_lowers_level(answers):
    base = assess(answers)
    for code in [q.code for q in DEFAULT_QUESTIONS]:
        assert assess(dict(answers, **{code: True})).level >= base.level
    level_of = {q.code: q.level for q in DEFAULT_QUESTIONS}
    assert all(level_of[code] > base.level for code in base.failed_critical)
