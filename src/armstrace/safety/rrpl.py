"""Risk reduction process levels (RRPL 1-3) for site physical-security assessments.

IATG lets a State raise its stockpile management step by step: level 1 is the basic
minimum, level 3 is full good practice. A site reaches level L only if, for every level up
to L, its weighted score over the questions of those levels meets the threshold *and* every
critical question of those levels is answered yes. The critical gate exists because a high
score must not buy its way past an essential control (no perimeter, no key control).

Unanswered questions count as "no": an assessment cannot certify what nobody checked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

LEVELS: tuple[int, ...] = (1, 2, 3)
DEFAULT_THRESHOLDS: Mapping[int, float] = {1: 0.6, 2: 0.75, 3: 0.9}
_EPS = 1e-9  # scores are sums of float weights: 0.1+0.2 must still "meet" a 0.3 threshold


@dataclass(frozen=True)
class Question:
    """One assessment question. ``weight`` > 0 counts toward the score; ``critical`` gates the level."""

    code: str
    text: str
    level: int
    weight: float = 1.0
    critical: bool = False

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"question {self.code!r}: level must be 1, 2 or 3, got {self.level!r}")
        if not math.isfinite(self.weight) or self.weight < 0:
            raise ValueError(f"question {self.code!r}: weight must be finite and >= 0")


DEFAULT_QUESTIONS: tuple[Question, ...] = (
    # Level 1: the basic minimum (IATG 01.50 / MOSAIC 05.20 physical security).
    Question("L1_PERIMETER", "Is the storage area enclosed by a continuous, maintained perimeter fence?", 1, 2.0, True),
    Question("L1_LOCKS", "Are all storehouses and armouries locked with high-security locks?", 1, 2.0, True),
    Question("L1_KEY_CONTROL", "Are keys held under a key register, with issue and return signed?", 1, 2.0, True),
    Question("L1_ACCESS_LOG", "Is every entry to the storage area recorded in an access log?", 1, 1.0, False),
    Question("L1_GUARD", "Is the site guarded at all times?", 1, 1.5, True),
    Question("L1_LICENSED", "Is each explosive storehouse licensed for the NEQ and hazard codes held?", 1, 1.5, True),
    Question("L1_FIRE", "Are fire-fighting equipment and a fire plan available at each storehouse?", 1, 1.0, False),
    Question("L1_INVENTORY", "Is the stock recorded by serial number (weapons) and lot (ammunition)?", 1, 1.5, False),
    # Level 2: improved practice.
    Question("L2_LIGHTING", "Is the perimeter and storehouse area lit at night?", 2, 1.0, False),
    Question("L2_TWO_PERSON", "Does storehouse access need two authorised persons (two-person rule)?", 2, 2.0, True),
    Question("L2_MANPADS_SEPARATE", "Are MANPADS missiles and gripstocks kept in separate buildings?", 2, 2.0, True),
    Question("L2_MONTHLY_COUNT", "Is a monthly 100% physical inventory by serial number carried out?", 2, 1.5, False),
    Question("L2_LIGHTNING", "Are storehouses fitted with inspected lightning protection?", 2, 1.0, False),
    Question("L2_ARMED_GUARD", "Is the guard armed and trained to respond to intrusion?", 2, 1.0, False),
    # Level 3: full good practice.
    Question("L3_INTRUDER_DETECTION", "Do storehouses and perimeter have intruder detection?", 3, 1.5, False),
    Question("L3_ALARM_RESPONSE", "Is alarm response time tested and within the nationally set limit?", 3, 1.5, True),
    Question("L3_RECORDS_OFFSITE", "Are stock records backed up and kept off-site?", 3, 1.0, False),
    Question("L3_AUDIT", "Is an independent inspection of the site carried out at least annually?", 3, 1.0, False),
)


@dataclass(frozen=True)
class Assessment:
    """Result of :func:`assess`.

    ``level`` is the highest level reached (0 if not even level 1). ``scores[L]`` is the
    weighted share of yes answers over questions of levels <= L. ``failed_critical`` lists
    every critical question answered no or not answered, at any level, in bank order.
    """

    level: int
    scores: dict[int, float]
    failed_critical: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)


def _check_bank(questions: Sequence[Question], thresholds: Mapping[int, float]) -> None:
    codes = [q.code for q in questions]
    if len(set(codes)) != len(codes):
        raise ValueError("question codes must be unique")
    for lvl in LEVELS:
        t = thresholds.get(lvl)
        if t is None or not 0.0 <= t <= 1.0:
            raise ValueError(f"threshold for level {lvl} must be given and within [0, 1]")


def assess(
    answers: Mapping[str, bool],
    questions: Sequence[Question] = DEFAULT_QUESTIONS,
    thresholds: Mapping[int, float] = DEFAULT_THRESHOLDS,
) -> Assessment:
    """Score a site's answers and return the level reached.

    Answers to codes not in the bank are ignored, so a stored answer set survives a question
    being retired. A level with no weight at or below it scores 0.0: no evidence, no level.
    """
    _check_bank(questions, thresholds)
    unanswered = [q.code for q in questions if q.code not in answers]
    failed_critical = [q.code for q in questions if q.critical and not answers.get(q.code, False)]
    scores: dict[int, float] = {}
    level = 0
    still_climbing = True
    for lvl in LEVELS:
        upto = [q for q in questions if q.level <= lvl]
        total = math.fsum(q.weight for q in upto)
        got = math.fsum(q.weight for q in upto if answers.get(q.code, False))
        scores[lvl] = got / total if total > 0 else 0.0
        criticals_ok = all(answers.get(q.code, False) for q in upto if q.critical)
        if still_climbing and total > 0 and scores[lvl] + _EPS >= thresholds[lvl] and criticals_ok:
            level = lvl
        else:
            still_climbing = False
    return Assessment(level=level, scores=scores, failed_critical=failed_critical, unanswered=unanswered)
