"""Dedupe: group records that ask the same question, within and across sources.

A false merge (two different questions shown as one page) is worse than a missed one, so
automatic merges need a high question-text score *and* the same shape of question: a
compound question ("What is X and how does it differ from Y?") never auto-merges with a
single ask, and "difference between" questions only merge with each other.  Maintainers
correct the rest in ``data/dedupe.yml`` (force-merge / keep-apart, by origin).

Scale: candidates come from an inverted index on each record's rarest content words, so
the number of comparisons grows with the number of records, not with its square.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from . import safeyaml
from .errors import DATA_FILE_HINT, LocatedError
from .normalize import normalize_question
from .record import Record

MERGE_THRESHOLD = 88.0
GRAY_ZONE = 78.0  # between this and MERGE_THRESHOLD, answers decide
ANSWER_EVIDENCE = 55.0
NEAR_MISS_FLOOR = 70.0
BLOCK_TOKENS = 4  # rarest blocking keys (words, word pairs) used to find candidates
MAX_POSTING = 24  # keys shared by more records than this say nothing about duplication

# Phrasing that carries no meaning of its own: "Can you explain the concept of X in deep learning?"
_FILLERS = [
    r"can you (please )?(explain|describe|name and explain|name)( the concept of| what)?",
    r"please explain( what is)?", r"explain the concept of", r"what is the concept of",
    r"what do you (mean|understand) by", r"describe", r"explain", r"discuss", r"tell me about",
    r"in (the )?context of", r"in deep learning( models)?", r"in machine learning", r"in ml", r"in dl",
    r"in neural networks?", r"in (artificial )?neural networks?", r"in nns?",
]
_FILLER_RE = re.compile(r"\b(" + "|".join(_FILLERS) + r")\b")
_STOP = frozenset(
    "a an the is are was were be of to in on for and or what how why when which who whose "
    "do does did can could should would you your we our it its this that these those there "
    "with by as at from into over about use used using some any mean means".split()
)
_COMPARE = re.compile(r"\b(differ\w*|difference|versus|vs|compare\w*|over traditional|better than)\b")
_SECOND_ASK = re.compile(
    r"(\?\s*\S)|(\b(and|,)\s+(how|why|what|when|which|where|mention|explain|discuss|name|list|"
    r"give|describe|is it|are they)\b)|(\band (its|their) (advantages|applications|uses|types|"
    r"limitations|tasks|components)\b)"
)


def question_key(text: str) -> str:
    """Lowercase content words with filler phrasing removed (what similarity is computed on)."""
    return _key(normalize_question(text))


def _key(clean: str) -> str:
    """``question_key`` of text that already went through ``normalize_question``."""
    text = clean.lower()
    text = re.sub(r"[^\w\s]", " ", text)
    text = _FILLER_RE.sub(" ", text)
    words = [w for w in text.split() if w not in _STOP]
    return " ".join(_stem(w) for w in words)


def _stem(word: str) -> str:
    """A deliberately tiny plural folding: 'autoencoders' ~ 'autoencoder'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Shape:
    """What kind of ask a question is; questions of different shapes are never auto-merged."""

    compound: bool
    comparison: bool


def question_shape(text: str) -> Shape:
    return _shape(normalize_question(text))


def _shape(clean: str) -> Shape:
    lowered = clean.lower().rstrip("?. ")
    return Shape(compound=bool(_SECOND_ASK.search(lowered)), comparison=bool(_COMPARE.search(lowered)))


@dataclass(frozen=True)
class Decision:
    """One scored pair, kept for ``qbank dedupe --report``."""

    a: str  # origin handle
    b: str
    score: float
    reason: str
    question_a: str
    question_b: str


class OverridesError(LocatedError, ValueError):
    """``data/dedupe.yml`` cannot be used: a located problem (the line when it is known; an
    entry problem names the entry), and a ``ValueError`` as before."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, message: str, column: int | None = None) -> None:
        super().__init__(path, line, message, DATA_FILE_HINT, column)


@dataclass
class Overrides:
    """Maintainer corrections from ``data/dedupe.yml``, each a list of origin handles."""

    merge: list[list[str]] = field(default_factory=list)
    keep_apart: list[list[str]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Overrides:
        """Read ``data/dedupe.yml`` (no file: no overrides); a bad file raises :class:`OverridesError`."""
        if not path.exists():
            return cls()
        try:
            data = safeyaml.load(path.read_text(encoding="utf-8")) or {}
        except safeyaml.YamlLimitError as err:
            raise OverridesError(path, err.line, err.message, column=err.column) from None
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            raise OverridesError(path, mark.line + 1 if mark else 1,
                                 f"not valid YAML: {getattr(err, 'problem', err)}") from None
        if not isinstance(data, dict):
            raise OverridesError(path, 1, "expected a mapping with `merge:` and `keep_apart:` lists")
        unknown = set(data) - {"merge", "keep_apart"}
        if unknown:
            raise OverridesError(path, None, f"unknown keys {sorted(unknown)}; allowed: merge, keep_apart")
        groups: dict[str, list[list[str]]] = {}
        for key in ("merge", "keep_apart"):
            groups[key] = []
            for n, entry in enumerate(data.get(key) or [], start=1):
                if not isinstance(entry, dict) or not isinstance(entry.get("origins"), list) or len(entry["origins"]) < 2:
                    raise OverridesError(path, None, f"{key} entry {n}: needs `origins:` with at least two origins "
                                         "(and a `why:` for the next maintainer)")
                groups[key].append([str(x) for x in entry["origins"]])
        return cls(merge=groups["merge"], keep_apart=groups["keep_apart"])


@dataclass
class DedupeResult:
    groups: list[list[Record]]
    merges: list[Decision]
    near_misses: list[Decision]
    unknown_overrides: list[str]


def origin_handle(record: Record) -> str:
    """How ``data/dedupe.yml`` names a record: ``<source>:<line>``."""
    return f"{record.source}:{record.line}"


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _blocking_keys(words: list[str]) -> set[str]:
    """Words and adjacent word pairs: a pair of common words is still a rare key."""
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}


def candidate_pairs(keys: list[list[str]]) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of records (their :func:`question_key` words) sharing one of
    their rarest blocking keys: the only pairs :func:`dedupe` scores (no all-pairs comparison).

    Keys shared by more than ``MAX_POSTING`` records are never used, so each posting list
    is short and the number of pairs stays below ``BLOCK_TOKENS * MAX_POSTING`` per record:
    linear in the number of records.  A record whose keys are all that common finds no
    candidates, i.e. the cost of the bound is a missed merge, never a false one.
    """
    blocks = [_blocking_keys(words) for words in keys]
    df: dict[str, int] = defaultdict(int)
    for block in blocks:
        for key in block:
            df[key] += 1
    postings: dict[str, list[int]] = defaultdict(list)
    for i, block in enumerate(blocks):
        usable = sorted((k for k in block if 1 < df[k] <= MAX_POSTING), key=lambda k: (df[k], k))
        for key in usable[:BLOCK_TOKENS]:
            postings[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for ids in postings.values():
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                pairs.add((ids[x], ids[y]))
    return pairs


def unmatched_words(a: list[str], b: list[str]) -> list[str]:
    """Content words of one question with no counterpart (typos allowed) in the other; two
    phrasings with any such word never merge (:func:`would_merge`, :func:`dedupe`).

    Compared as multisets: "Bagging" vs "AdaBoost" in otherwise identical phrasing is a
    different question, and so is "denoising autoencoder over denoising diffusion" vs
    "autoencoder over denoising diffusion" (same words, one used twice).  The fuzzy
    match only forgives spelling ("normalizattion").
    """
    ca, cb = Counter(a), Counter(b)
    only_b = list((cb - ca).elements())
    unmatched: list[str] = []
    for word in (ca - cb).elements():
        twin = next((other for other in only_b if _typo(word, other)), None)
        if twin is None:
            unmatched.append(word)
        else:
            only_b.remove(twin)
    return sorted(set(unmatched + only_b))


def would_merge(a_key: str, b_key: str, a_shape: object, b_shape: object) -> float | None:
    """Would :func:`dedupe` merge two phrasings on their text alone?  The score when it would.

    ``a_key``/``b_key`` come from :func:`question_key`, the shapes from :func:`question_shape`
    (any comparable form of it).  Only the question-text rule: no answers (the grey zone) and
    no overrides, which the caller knows about.  ``qbank validate`` (QB701), ``qbank new`` and
    the benchmark's synthetic bank ask it.
    """
    if not a_key or not b_key or a_shape != b_shape:
        return None
    score = fuzz.token_sort_ratio(a_key, b_key)
    if score < MERGE_THRESHOLD or unmatched_words(a_key.split(), b_key.split()):
        return None
    return score


def phrase_candidates(keys: Sequence[str], focus: Collection[int] | None = None) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of question keys that :func:`would_merge` might accept.

    Blocking, so 10k questions never mean 50M comparisons.  Two phrasings that would merge
    have (up to typos) the same content words, hence the same rarest words.  Each key is
    indexed under every *pair* of its BLOCK_TOKENS rarest words (a one-word key under that
    word): keys sharing two of their three rarest words meet, which tolerates a typo in any
    one of them.  Indexing by word pairs rather than single words keeps the postings short.
    With ``focus`` (a few questions checked against a bank), only pairs involving them.
    """
    words = [k.split() for k in keys]
    df: dict[str, int] = defaultdict(int)
    for ws in words:
        for w in set(ws):
            df[w] += 1
    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    keys_of: list[list[tuple[str, ...]]] = []
    for i, ws in enumerate(words):
        rare = sorted(set(ws), key=lambda w: (df[w], w))[:BLOCK_TOKENS]
        blocks: list[tuple[str, ...]] = [tuple(rare)] if len(rare) < 2 else list(combinations(sorted(rare), 2))
        keys_of.append(blocks)
        for block in blocks:
            postings[block].append(i)
    lengths = [len(k) for k in keys]

    def close_in_length(x: int, y: int) -> bool:
        # token_sort_ratio >= 88 needs lengths within ~21% of each other
        return min(lengths[x], lengths[y]) >= 0.78 * max(lengths[x], lengths[y])

    pairs: set[tuple[int, int]] = set()
    if focus is not None:
        for i in focus:
            for block in keys_of[i]:
                ids = postings[block]
                if len(ids) <= MAX_POSTING:
                    pairs.update((min(i, j), max(i, j)) for j in ids if j != i and close_in_length(i, j))
        return pairs
    for ids in postings.values():
        if len(ids) > MAX_POSTING:
            continue
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                if close_in_length(ids[x], ids[y]):
                    pairs.add((ids[x], ids[y]))
    return pairs


def _typo(a: str, b: str) -> bool:
    """A spelling slip, not another word: same first letter, length within one, close.

    "normalizattion" ~ "normalization", but "supervised" is not "unsupervised" and
    "linear" is not "nonlinear" (a prefix flips the meaning while scoring ~90).
    """
    return len(a) > 5 and a[0] == b[0] and abs(len(a) - len(b)) <= 1 and fuzz.ratio(a, b) >= 85


def _answer_score(a: Record, b: Record) -> float:
    if not (a.answer.strip() and b.answer.strip()):
        return 0.0
    return fuzz.token_set_ratio(question_key(a.answer[:600]), question_key(b.answer[:600]))


def dedupe(records: list[Record], overrides: Overrides | None = None) -> DedupeResult:
    """Group ``records``; each group's records are in input order (first = primary)."""
    overrides = overrides or Overrides()
    handles = {origin_handle(r): i for i, r in enumerate(records)}
    clean = [normalize_question(r.question) for r in records]  # once: ftfy is the costly part
    keys = [_key(c) for c in clean]
    shapes = [_shape(c) for c in clean]
    words = [k.split() for k in keys]

    apart: set[frozenset[int]] = set()
    unknown: list[str] = []
    for group in overrides.keep_apart:
        ids = [handles[h] for h in group if h in handles]
        unknown += [h for h in group if h not in handles]
        apart.update(frozenset((x, y)) for x in ids for y in ids if x != y)

    uf = _UnionFind(len(records))
    members: dict[int, set[int]] = {i: {i} for i in range(len(records))}

    def try_union(a: int, b: int) -> bool:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return True
        if any(frozenset((x, y)) in apart for x in members[ra] for y in members[rb]):
            return False
        uf.union(ra, rb)
        root = uf.find(ra)
        members[root] = members.pop(ra if root != ra else rb) | members[root]
        return True

    merges: list[Decision] = []
    near: list[Decision] = []

    def decision(i: int, j: int, score: float, reason: str) -> Decision:
        return Decision(origin_handle(records[i]), origin_handle(records[j]), round(score, 1), reason,
                        records[i].question, records[j].question)

    for group in overrides.merge:
        ids = [handles[h] for h in group if h in handles]
        unknown += [h for h in group if h not in handles]
        for other in ids[1:]:
            if try_union(ids[0], other):
                merges.append(decision(ids[0], other, fuzz.token_sort_ratio(keys[ids[0]], keys[other]),
                                       "override: merge"))

    for i, j in sorted(candidate_pairs(words)):
        if not keys[i] or not keys[j]:
            continue
        score = fuzz.token_sort_ratio(keys[i], keys[j])
        if score < NEAR_MISS_FLOOR or uf.find(i) == uf.find(j):
            continue
        if frozenset((i, j)) in apart:
            near.append(decision(i, j, score, "override: keep apart"))
            continue
        if shapes[i] != shapes[j]:
            near.append(decision(i, j, score, "different shape (compound or comparison vs single ask)"))
            continue
        extra = unmatched_words(words[i], words[j])
        if extra:
            near.append(decision(i, j, score, f"different key words: {', '.join(extra)}"))
            continue
        if score >= MERGE_THRESHOLD:
            reason = "question text"
        elif score >= GRAY_ZONE and (ans := _answer_score(records[i], records[j])) >= ANSWER_EVIDENCE:
            reason = f"question text + answers agree ({ans:.0f})"
        else:
            near.append(decision(i, j, score, "below threshold"))
            continue
        if try_union(i, j):
            merges.append(decision(i, j, score, reason))
        else:
            near.append(decision(i, j, score, "blocked by keep-apart in the group"))

    grouped: dict[int, list[Record]] = defaultdict(list)
    for i, r in enumerate(records):
        grouped[uf.find(i)].append(r)
    groups = [grouped[root] for root in sorted(grouped)]
    near.sort(key=lambda d: (-d.score, d.a, d.b))
    return DedupeResult(groups, merges, near, unknown)
