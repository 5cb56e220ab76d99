"""Related questions: a few neighbours sharing tags (and ideally the topic) with each question.

Scoring every pair would be quadratic (10k questions -> 50M pairs), so each question only
looks at a bounded window of its tag-mates: the questions that follow it in each of its
tags' id-sorted lists.  Deterministic, linear, and good enough to keep readers moving.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict

from ..bank import Question

WINDOW = 12
LIMIT = 5


def related_questions(questions: list[Question], limit: int = LIMIT) -> dict[str, list[Question]]:
    by_tag: dict[str, list[Question]] = defaultdict(list)
    for q in sorted(questions, key=lambda q: q.id):
        # the topic acts as one more (weaker) tag, so small tags still yield neighbours
        for tag in (*q.tags, f"topic:{q.topic}"):
            by_tag[tag].append(q)
    ids_by_tag = {tag: [q.id for q in qs] for tag, qs in by_tag.items()}
    related: dict[str, list[Question]] = {}
    for q in questions:
        tags = set(q.tags)
        candidates: dict[str, Question] = {}
        for tag in (*q.tags, f"topic:{q.topic}"):
            posting, ids = by_tag[tag], ids_by_tag[tag]
            start = bisect_right(ids, q.id)
            for k in range(min(WINDOW, len(posting) - 1)):
                other = posting[(start + k) % len(posting)]
                if other.id != q.id:
                    candidates[other.id] = other
        scored = sorted(candidates.values(),
                        key=lambda o: (-(2 * len(tags & set(o.tags)) + (o.topic == q.topic)), o.title, o.id))
        related[q.id] = scored[:limit]
    return related
