"""The study mode's scheduling rule (SM-2, Anki variant) in Python and in the page's JS.

``qbank.site.scheduler`` is the reference; ``docs/assets/javascripts/study.js`` must give the
identical card (state, step, due, interval, ease, reps, lapses) for every grade sequence:
the same sequences run through both, the JS through ``node``.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from qbank.site.scheduler import AGAIN, DAY_MS, EASY, GOOD, HARD, MINUTE_MS, SPEC, Card, review, review_intervals, replay

STUDY_JS = REPO / "docs" / "assets" / "javascripts" / "study.js"
T0 = 1_700_000_000_000  # a fixed "now" (ms)
A, H, G, E = AGAIN, HARD, GOOD, EASY


def intervals(cards: list[Card]) -> list[int]:
    return [c.interval for c in cards]


# -- the rule, grade by grade ------------------------------------------------------------


def test_new_card_learning_steps_then_graduation() -> None:
    c1 = review(None, GOOD, T0)
    assert (c1.state, c1.step, c1.due - T0, c1.reps) == ("learning", 1, 10 * MINUTE_MS, 1)
    c2 = review(c1, GOOD, c1.due)
    assert (c2.state, c2.interval, c2.ease, c2.due - c1.due) == ("review", 1, 2500, DAY_MS)


def test_again_and_hard_while_learning() -> None:
    c = review(None, AGAIN, T0)
    assert (c.state, c.step, c.due - T0) == ("learning", 0, MINUTE_MS)
    c = review(c, HARD, T0)  # first step: halfway between 1 and 10 min
    assert (c.step, c.due - T0) == (0, 330_000)
    c = review(c, GOOD, T0)
    assert (c.step, c.due - T0) == (1, 10 * MINUTE_MS)
    c = review(c, HARD, T0)  # later step: repeat it
    assert (c.step, c.due - T0) == (1, 10 * MINUTE_MS)
    c = review(c, AGAIN, T0)
    assert (c.state, c.step, c.due - T0) == ("learning", 0, MINUTE_MS)
    assert c.ease == 2500 and c.lapses == 0, "learning mistakes do not touch ease or lapses"


def test_easy_graduates_a_new_card_at_once() -> None:
    c = review(None, EASY, T0)
    assert (c.state, c.interval, c.due - T0, c.ease) == ("review", 4, 4 * DAY_MS, 2500)


@pytest.mark.parametrize(("grades", "expected_intervals", "expected_ease"), [
    ([G, G, G, G, G, G], [0, 1, 3, 8, 20, 50], 2500),          # 1*2.5=2.5->3, 3*2.5=7.5->8, 8*2.5=20, 20*2.5=50
    ([E, E, E], [4, 13, 45], 2800),                            # 4*2.5*1.3=13, 13*2.65*1.3=44.785->45
    ([E, H, H, H], [4, 5, 6, 7], 2050),                        # hard: x1.2 (4.8->5, 6.0, 7.2->7), ease -150 each
    ([G, G, G, A, G, G], [0, 1, 3, 1, 1, 3], 2300),            # lapse: 10 min relearning, then 1 day, ease -200
    ([E, A, E], [4, 1, 2], 2300),                              # Easy while relearning: lapse interval + 1 day
    ([G, G, H], [0, 1, 2], 2350),                              # hard on a 1-day card: +1 day floor
    ([E, G, G], [4, 10, 25], 2500),
])
def test_review_sequences(grades: list[int], expected_intervals: list[int], expected_ease: int) -> None:
    cards = replay(grades, T0)
    assert intervals(cards) == expected_intervals
    assert cards[-1].ease == expected_ease


def test_lapse_counts_and_relearning_step() -> None:
    cards = replay([E, A], T0)
    lapsed = cards[-1]
    assert (lapsed.state, lapsed.lapses, lapsed.step, lapsed.ease) == ("relearning", 1, 0, 2300)
    assert lapsed.due - cards[0].due == 10 * MINUTE_MS
    hard = review(lapsed, HARD, lapsed.due)  # one relearning step: 1.5 x 10 min
    assert (hard.state, hard.due - lapsed.due) == ("relearning", 15 * MINUTE_MS)
    again = review(lapsed, AGAIN, lapsed.due)
    assert (again.state, again.lapses, again.ease) == ("relearning", 1, 2300), "Again while relearning is no new lapse"


def test_ease_never_drops_below_the_floor() -> None:
    cards = replay([E] + [A, G] * 8, T0)
    eases = [c.ease for c in cards if c.state == "relearning"]
    assert eases == [2300, 2100, 1900, 1700, 1500, 1300, 1300, 1300]
    assert cards[-1].lapses == 8 and cards[-1].interval == 1


def test_hard_good_easy_are_strictly_ordered_and_capped() -> None:
    for interval in (1, 2, 3, 7, 30, 365, 20_000, 36_500):
        for ease in (1300, 1750, 2500, 3700):
            hard, good, easy = review_intervals(interval, ease)
            assert hard < good < easy or easy == SPEC["max_interval_days"]
            assert hard >= min(interval + 1, SPEC["max_interval_days"])
            assert easy <= SPEC["max_interval_days"]
    cards = replay([E] * 12, T0)
    assert cards[-1].interval == SPEC["max_interval_days"]


def test_same_grades_same_schedule_whatever_the_delay() -> None:
    """No fuzz and no lateness bonus: only the grades and the scheduled interval count."""
    on_time = replay([G, G, G, G], T0)
    late = [review(None, G, T0)]
    for _ in range(3):
        late.append(review(late[-1], G, late[-1].due + 5 * DAY_MS))
    assert intervals(on_time) == intervals(late)


def test_bad_grade_is_rejected() -> None:
    with pytest.raises(ValueError):
        review(None, 5, T0)


# -- the same rule in the page's JavaScript -----------------------------------------------


def _sequences() -> list[list[tuple[int, int]]]:
    """Grade sequences with review times: on time, early, late; fixed seed."""
    rng = random.Random(20240601)
    fixed = [[G] * 6, [E] * 14, [A] * 5, [H] * 6, [E, H, H, H], [G, G, G, A, G, G], [E, A, E], [E] + [A, G] * 8,
             [A, H, G, H, G, E, A, A, G, G, E, H, A, G], [H, H, G, E, E, A, H, H, G]]
    seqs = fixed + [[rng.randint(1, 4) for _ in range(rng.randint(1, 30))] for _ in range(400)]
    out = []
    for grades in seqs:
        now, card, steps = T0 + rng.randint(0, DAY_MS), None, []
        for g in grades:
            steps.append((g, now))
            card = review(card, g, now)
            jitter = rng.choice([0, 0, 0, -rng.randint(0, 3 * DAY_MS), rng.randint(0, 40 * DAY_MS)])
            now = max(now, card.due + jitter)
        out.append(steps)
    return out


NODE_RUNNER = r"""
const s = require(process.argv[2]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const errors = [];
for (const g of [0, 5, "3", null]) {
  try { s.review(null, g, 0, input.spec); errors.push("accepted grade " + JSON.stringify(g)); } catch (e) { /* good */ }
}
const out = input.cases.map(steps => {
  let card = null;
  return steps.map(([g, t]) => (card = s.review(card, g, t, input.spec)));
});
process.stdout.write(JSON.stringify({out, errors}));
"""


@pytest.fixture(scope="module")
def node() -> str:
    exe = shutil.which("node")
    if not exe:
        pytest.skip("node is not installed")
    return exe


def test_javascript_scheduler_matches_python(node: str, tmp_path: Path) -> None:
    cases = _sequences()
    runner = tmp_path / "run.js"
    runner.write_text(NODE_RUNNER, encoding="utf-8")
    proc = subprocess.run([node, str(runner), str(STUDY_JS)], input=json.dumps({"spec": SPEC, "cases": cases}),
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["errors"] == []
    mismatches = []
    for steps, js_cards in zip(cases, result["out"], strict=True):
        card = None
        for (g, t), js in zip(steps, js_cards, strict=True):
            card = review(card, g, t)
            if js != card.to_dict():
                mismatches.append(f"grades {[s[0] for s in steps]}: python {card.to_dict()} != js {js}")
                break
    assert not mismatches, f"{len(mismatches)} sequences differ, e.g.\n" + "\n".join(mismatches[:3])
    assert sum(len(s) for s in cases) > 5000


def test_page_schedules_with_the_published_constants() -> None:
    """study.js has no constants of its own: they come from study/cards.json (= SPEC)."""
    js = STUDY_JS.read_text(encoding="utf-8")
    for name in ("starting_ease", "min_ease", "hard_multiplier", "easy_bonus", "learning_steps_min"):
        assert f"s.{name}" in js, name
    assert "2500" not in js and "1300" not in js, "the JS hard-codes a scheduling constant"
