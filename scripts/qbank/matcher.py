"""A taxonomy's rules compiled for matching: what :func:`qbank.classify.classify` scans.

A taxonomy has hundreds of rules and the import classifies every question, ``qbank new``
one more; so the rules are compiled once, when the taxonomy is built
(:class:`qbank.taxonomy.Taxonomy` holds its :class:`CompiledRules`), and classifying a text
never compiles a regex.  :class:`Matcher` finds every rule firing in a text in one pass;
:class:`RuleRef` carries each rule's owner, points and ready-made explanation lines.
What the points add up to is the classifier's business (:mod:`qbank.classify`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .keywords import WORD_RE, keyword_words, singular_words

if TYPE_CHECKING:
    from .taxonomy import Rule, Scoring, Tag, Topic

__all__ = ["CompiledRules", "Matcher", "RuleRef", "points"]


def points(x: float) -> str:
    """A score as the explanations print it: at most three decimals, no trailing zeros."""
    return f"{round(x, 3):g}"


@dataclass(frozen=True)
class RuleRef:
    """A rule with its owner, its points and the explanation lines, built once."""

    key: tuple[str, str]  # ("topic" | "tag", owner id)
    q_points: float
    a_points: float
    # one line per keyword (or the single regex: kw index -1 picks it), per location
    q_lines: tuple[str, ...]
    a_lines: tuple[str, ...]

    @classmethod
    def make(cls, kind: str, owner: str, index: int, rule: Rule, scoring: Scoring) -> RuleRef:
        whats = [f"keyword {kw!r}" for kw in rule.keywords] or [f"regex /{rule.regex}/"]
        head = f"{kind} {owner} rule #{index + 1}" + (f" ({rule.name})" if rule.name else "")
        a_points = rule.weight * scoring.answer_weight
        return cls(
            (kind, owner), rule.weight, a_points,
            tuple(f"{head}: {w} in question: +{points(rule.weight)}" for w in whats),
            tuple(f"{head}: {w} in answer: +{points(a_points)} = {points(rule.weight)} x {points(scoring.answer_weight)}"
                  for w in whats),
        )


class Matcher:
    """Every keyword of every rule, indexed for one pass per text, plus compiled regexes.

    Built once per :class:`CompiledRules`.  A text is cut into singular words once; then

    * one-word keywords (exact or prefix) are looked up per distinct word; what a word
      matches is computed once and cached, as texts share most of their vocabulary;
    * a longer phrase is tried only when all its whole words occur in the text, by a
      substring search of " w1 w2 ..." in the space-joined words.
    """

    _CACHE_LIMIT = 200_000

    def __init__(self, rules: list[Rule]) -> None:
        self.single: dict[str, list[tuple[int, int]]] = {}  # word -> [(rule number, keyword index)]
        self.prefix: dict[str, list[tuple[int, int]]] = {}  # prefix -> [(rule number, keyword index)]
        # first word -> [(other whole words that must be present, needle, rule number, keyword index)]
        self.multi: dict[str, list[tuple[frozenset[str], str, int, int]]] = {}
        # (compiled regex, substrings gating it, rule number)
        self.regexes: list[tuple[re.Pattern[str], tuple[str, ...], int]] = []
        for number, rule in enumerate(rules):
            if rule.regex is not None:
                self.regexes.append((re.compile(rule.regex, re.IGNORECASE), rule.when, number))
                continue
            for kw_index, kw in enumerate(rule.keywords):
                words, is_prefix = keyword_words(kw)
                if len(words) == 1:
                    (self.prefix if is_prefix else self.single).setdefault(words[0], []).append((number, kw_index))
                else:
                    whole = words[:-1] if is_prefix else words
                    needle = " " + " ".join(words) + ("" if is_prefix else " ")
                    self.multi.setdefault(words[0], []).append((frozenset(whole[1:]), needle, number, kw_index))
        self._prefix_lengths = sorted({len(p) for p in self.prefix})
        self._multi_keys = frozenset(self.multi)
        self._word_cache: dict[str, tuple[tuple[int, int], ...]] = {}

    def _word_hits(self, word: str) -> tuple[tuple[int, int], ...]:
        found = list(self.single.get(word, ()))
        for n in self._prefix_lengths:
            if n > len(word):
                break
            found.extend(self.prefix.get(word[:n], ()))
        hits = tuple(found)
        if len(self._word_cache) < self._CACHE_LIMIT:
            self._word_cache[word] = hits
        return hits

    def scan(self, text: str, hits: dict[int, int]) -> None:
        """Record into ``hits`` {rule number: smallest keyword index} (-1 for a regex) for
        every rule firing in ``text`` (already folded).  The result does not depend on
        the order in which texts are scanned into the same ``hits``."""
        words = WORD_RE.findall(text)
        if words:
            stems = singular_words(words)
            present = set(stems)
            cache = self._word_cache
            found: list[tuple[int, int]] = []
            for s in present:
                h = cache.get(s)
                if h is None:
                    h = self._word_hits(s)
                if h:
                    found.extend(h)
            firsts = present & self._multi_keys
            if firsts:
                joined = " " + " ".join(stems) + " "
                for s in firsts:
                    for rest, needle, number, kw_index in self.multi[s]:
                        if rest <= present and needle in joined:
                            found.append((number, kw_index))
            for number, kw_index in found:
                old = hits.get(number)
                if old is None or kw_index < old:
                    hits[number] = kw_index
        for pattern, when, number in self.regexes:
            if number in hits or (when and not any(w in text for w in when)):
                continue
            if pattern.search(text):
                hits[number] = -1



class CompiledRules:
    """Everything classification needs from a taxonomy, built once: the rule references in
    rule-number order, the matcher over all rules, each topic's rank in topics.yml and each
    topic's default tag."""

    def __init__(self, topics: tuple[Topic, ...], tags: tuple[Tag, ...], scoring: Scoring) -> None:
        refs: list[RuleRef] = []
        rules: list[Rule] = []
        for kind, owners in (("topic", topics), ("tag", tags)):
            for owner in owners:
                for i, rule in enumerate(owner.rules):
                    refs.append(RuleRef.make(kind, owner.id, i, rule, scoring))
                    rules.append(rule)
        self.refs: tuple[RuleRef, ...] = tuple(refs)
        self.matcher = Matcher(rules)
        self.topic_rank: dict[str, int] = {t.id: i for i, t in enumerate(topics)}
        self.default_tag: dict[str, str] = {t.id: t.default_tag for t in topics}
