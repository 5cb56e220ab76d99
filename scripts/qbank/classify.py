"""Classify stage: give every question one topic and 1-5 tags from a controlled vocabulary.

The vocabulary is the taxonomy (:mod:`qbank.taxonomy`: ``data/topics.yml`` and
``data/tags.yml``, with their weighted rules, compiled once by :mod:`qbank.matcher`).  This
module says what the rules mean and how their points decide.

A rule is either ``keywords`` (a list of phrases) or ``regex``, with a ``weight``:

* A keyword phrase matches whole words, case-insensitively, after NFKC.  Text and
  phrase are both cut into words at every non-alphanumeric character, so ``k-means``
  matches "K-means" and "k means", and ``group size`` matches "group_size".  A simple
  plural is ignored on both sides ("GANs" matches ``gan``).  A word ending in ``*`` is a
  prefix, only allowed on the last word of a phrase and compared with the singular form
  (``normali*`` matches "Normalisation" and the typo "Normalizattion").
* A regex is searched in the NFKC, case-folded text (written in lower case; compiled
  with ``re.IGNORECASE`` anyway).  Keywords are much cheaper; use a regex only for what
  keywords cannot say (anchors, optional parts inside a word), and give it ``when``:
  plain substrings of which one must occur in the text before the regex is tried at
  all, so that the regex costs nothing on most texts.

Scoring is deterministic.  A rule fires at most once in the question and at most once
across all answers (answers are a set: their order does not matter).  A question hit
scores ``weight``; an answer hit scores ``weight * answer_weight`` and the answer total of
one topic or tag is capped at ``answer_cap``, so answers only break near-ties and can
never beat a clear question match.  The topic is the best score, ties going to the
earlier topic in ``topics.yml``.  Tags scoring at least ``tag_min_score`` are kept, best
first then alphabetical, at most ``max_tags``; with none, the topic's ``default_tag``.
"""


from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .keywords import fold
from .matcher import points
from .taxonomy import TOPICS_FILE, Taxonomy

__all__ = ["Classification", "classify"]


@dataclass(frozen=True)
class Classification:
    """A question's topic and tags; ``explanation`` lists every rule that fired and the
    decision, one line each (``qbank classify --explain``)."""

    topic: str
    tags: tuple[str, ...]
    explanation: list[str] = field(compare=False)


def classify(question: str, answers: Iterable[str], taxonomy: Taxonomy) -> Classification:
    """Pick one topic and 1-5 tags for a question; ``explanation`` says why.

    Answers are supporting evidence: their order does not matter and their total per
    topic/tag is capped (see the module docstring).
    """
    compiled = taxonomy.compiled
    matcher = compiled.matcher
    refs = compiled.refs
    sc = taxonomy.scoring
    if answers is None:
        answers = ()
    elif isinstance(answers, str):
        answers = (answers,)

    q_hits: dict[int, int] = {}
    matcher.scan(fold(question), q_hits)
    a_hits: dict[int, int] = {}
    if sc.answer_weight > 0 and sc.answer_cap > 0:
        limit = sc.answer_chars
        for answer in answers:
            if answer:
                matcher.scan(fold(answer[:limit]), a_hits)

    q_score: dict[tuple[str, str], float] = {}
    a_score: dict[tuple[str, str], float] = {}
    lines: list[str] = []
    for number in sorted(q_hits):
        ref = refs[number]
        q_score[ref.key] = q_score.get(ref.key, 0.0) + ref.q_points
        lines.append(ref.q_lines[q_hits[number]])
    for number in sorted(a_hits):
        ref = refs[number]
        a_score[ref.key] = a_score.get(ref.key, 0.0) + ref.a_points
        lines.append(ref.a_lines[a_hits[number]])

    def total(key: tuple[str, str]) -> float:
        a = a_score.get(key, 0.0)
        if a > sc.answer_cap:
            lines.append(f"{key[0]} {key[1]}: answer evidence {points(a)} capped at {points(sc.answer_cap)}")
            a = sc.answer_cap
        return q_score.get(key, 0.0) + a

    totals = {key: total(key) for key in sorted(q_score.keys() | a_score.keys())}

    # topic: best score, ties -> earlier in topics.yml
    ranked = sorted(((-s, compiled.topic_rank[owner], owner) for (kind, owner), s in totals.items()
                     if kind == "topic" and s > 0))
    if ranked:
        best_topic, best = ranked[0][2], -ranked[0][0]
        runner = [f"{tid} {points(-neg)}" for neg, _, tid in ranked[1:3]]
        lines.append(f"=> topic {best_topic} (score {points(best)})"
                     + (f"; runners-up: {', '.join(runner)}" if runner else ""))
    else:
        best_topic = taxonomy.topics[0].id
        lines.append(f"=> topic {best_topic}: no topic rule matched, first topic in {TOPICS_FILE} used")

    # tags: score >= tag_min_score, best first, then alphabetical
    scored = sorted((-s, owner) for (kind, owner), s in totals.items()
                    if kind == "tag" and s >= sc.tag_min_score)
    tags = tuple(tid for _, tid in scored[: sc.max_tags])
    if tags:
        shown = ", ".join(f"{tid} {points(-neg)}" for neg, tid in scored[: sc.max_tags])
        dropped = [tid for _, tid in scored[sc.max_tags:]]
        lines.append(f"=> tags {shown} (min score {points(sc.tag_min_score)})"
                     + (f"; over the limit of {sc.max_tags}: {', '.join(dropped)}" if dropped else ""))
    else:
        default = compiled.default_tag[best_topic]
        tags = (default,)
        lines.append(f"=> tags {default}: no tag reached {points(sc.tag_min_score)}, default tag of topic {best_topic}")
    return Classification(topic=best_topic, tags=tags, explanation=lines)

