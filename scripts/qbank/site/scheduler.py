"""The study mode's spaced-repetition rule: SM-2 as Anki applies it, in integers.

The browser runs the same rule in ``docs/assets/javascripts/study.js`` (``review``);
``tests/test_scheduler.py`` runs both on the same grade sequences and asserts identical
results.  The constants below are the single source: the build publishes them in
``study/cards.json`` and the page schedules with exactly those numbers.

The rule (grades: 1 Again, 2 Hard, 3 Good, 4 Easy; times in ms, intervals in days,
ease in permille, so 2500 = 2.5):

* **New / learning** cards walk the learning steps (1 min, 10 min).
  Again -> back to the first step.  Hard -> repeat the step (on the first step: halfway
  between the first two steps, 5.5 min).  Good -> next step; after the last step the card
  *graduates* to review with a 1-day interval and ease 2500.  Easy -> graduates at once
  with a 4-day interval.
* **Review** cards (interval ``I``, ease ``E``):
  Again -> a lapse: ``E - 200``, the interval restarts at 1 day after one 10-minute
  relearning step.  Hard -> ``E - 150``, ``I * 1.2``.  Good -> ``I * E``.
  Easy -> ``E + 150``, ``I * E * 1.3`` (with the ease before the bonus).
  Each grade gives at least one day more than the grade below it (Hard >= I + 1,
  Good >= Hard + 1, Easy >= Good + 1); ease never drops below 1300; intervals are
  capped at 36500 days.  Rounding is half-up on exact integers.
* **Relearning** cards walk the relearning steps (10 min) like learning cards and then
  return to review with their post-lapse interval (Easy: that interval + 1 day).

Unlike Anki there is no random fuzz and no bonus for reviewing late: the next interval
depends only on the grade and the scheduled interval, so the same sequence of grades
always gives the same schedule.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

MINUTE_MS = 60_000
DAY_MS = 86_400_000
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
GRADES = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}
NEW, LEARNING, REVIEW, RELEARNING = "new", "learning", "review", "relearning"

SPEC: dict = {
    "name": "SM-2 (Anki variant, integer arithmetic, no fuzz)",
    "version": 1,
    "learning_steps_min": [1, 10],
    "relearning_steps_min": [10],
    "graduating_interval_days": 1,
    "easy_interval_days": 4,
    "starting_ease": 2500,
    "min_ease": 1300,
    "ease_again": -200,
    "ease_hard": -150,
    "ease_easy": 150,
    "hard_multiplier": 1200,
    "easy_bonus": 1300,
    "lapse_multiplier": 0,
    "min_lapse_interval_days": 1,
    "max_interval_days": 36500,
}


@dataclass(frozen=True)
class Card:
    """Scheduling state of one question (what the page keeps in localStorage)."""

    state: str = NEW
    step: int = 0
    due: int = 0  # epoch ms
    interval: int = 0  # days
    ease: int = SPEC["starting_ease"]  # permille
    reps: int = 0
    lapses: int = 0
    last: int = 0  # epoch ms of the last review

    def to_dict(self) -> dict:
        return asdict(self)


def div_round(a: int, b: int) -> int:
    """``a / b`` rounded half up, for non-negative integers (JS: Math.floor((2a+b)/(2b)))."""
    return (2 * a + b) // (2 * b)


def _hard_delay_ms(steps: list[int], step: int) -> int:
    if step == 0 and len(steps) > 1:
        return (steps[0] + steps[1]) * MINUTE_MS // 2
    if step == 0:
        return min(div_round(steps[0] * MINUTE_MS * 3, 2), steps[0] * MINUTE_MS + DAY_MS)
    return steps[step] * MINUTE_MS


def review_intervals(interval: int, ease: int, spec: dict = SPEC) -> tuple[int, int, int]:
    """Next interval in days for Hard, Good and Easy on a review card."""
    cap = spec["max_interval_days"]
    hard = min(cap, max(interval + 1, div_round(interval * spec["hard_multiplier"], 1000)))
    good = min(cap, max(hard + 1, div_round(interval * ease, 1000)))
    easy = min(cap, max(good + 1, div_round(interval * ease * spec["easy_bonus"], 1_000_000)))
    return hard, good, easy


def review(card: Card | None, grade: int, now: int, spec: dict = SPEC) -> Card:
    """The card after answering it with ``grade`` (1-4) at time ``now`` (epoch ms)."""
    if grade not in GRADES:
        raise ValueError(f"grade must be 1 (again), 2 (hard), 3 (good) or 4 (easy), not {grade!r}")
    c = replace(card or Card(ease=spec["starting_ease"]), reps=(card.reps if card else 0) + 1, last=now)
    cap = spec["max_interval_days"]

    def graduate(interval: int) -> Card:
        interval = min(cap, interval)
        return replace(c, state=REVIEW, step=0, interval=interval, due=now + interval * DAY_MS)

    if c.state in (NEW, LEARNING, RELEARNING):
        relearn = c.state == RELEARNING
        steps = spec["relearning_steps_min"] if relearn else spec["learning_steps_min"]
        c = replace(c, state=RELEARNING if relearn else LEARNING, step=0 if c.state == NEW else c.step)
        if grade == AGAIN:
            return replace(c, step=0, due=now + steps[0] * MINUTE_MS)
        if grade == HARD:
            return replace(c, due=now + _hard_delay_ms(steps, c.step))
        if grade == GOOD:
            if c.step + 1 < len(steps):
                return replace(c, step=c.step + 1, due=now + steps[c.step + 1] * MINUTE_MS)
            return graduate(c.interval if relearn else spec["graduating_interval_days"])
        return graduate(c.interval + 1 if relearn else spec["easy_interval_days"])

    # review
    if grade == AGAIN:
        ease = max(spec["min_ease"], c.ease + spec["ease_again"])
        interval = max(spec["min_lapse_interval_days"], div_round(c.interval * spec["lapse_multiplier"], 1000))
        c = replace(c, lapses=c.lapses + 1, ease=ease, interval=interval)
        steps = spec["relearning_steps_min"]
        if steps:
            return replace(c, state=RELEARNING, step=0, due=now + steps[0] * MINUTE_MS)
        return graduate(interval)
    hard, good, easy = review_intervals(c.interval, c.ease, spec)
    if grade == HARD:
        c = replace(c, ease=max(spec["min_ease"], c.ease + spec["ease_hard"]))
        return graduate(hard)
    if grade == GOOD:
        return graduate(good)
    c = replace(c, ease=c.ease + spec["ease_easy"])
    return graduate(easy)


def replay(grades: list[int], start: int = 0, spec: dict = SPEC, follow_due: bool = True) -> list[Card]:
    """Answer a new card with ``grades`` in turn, each at its due time (or all at ``start``)."""
    out, card, now = [], None, start
    for g in grades:
        card = review(card, g, now, spec)
        out.append(card)
        if follow_due:
            now = card.due
    return out


__all__ = ["AGAIN", "Card", "DAY_MS", "EASY", "GOOD", "GRADES", "HARD", "LEARNING", "MINUTE_MS", "NEW", "RELEARNING",
           "REVIEW", "SPEC", "div_round", "replay", "review", "review_intervals"]
