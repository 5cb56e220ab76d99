"""The words search compares: tokens, one spelling, and every name of a concept.

Why: Material's search (lunr) matched exact word prefixes only, so "optimiser", "kmeans"
or "convnet" found nothing useful, and Material 9 has no hook to rewrite a query.  So the
rules live here, as data, and are applied at build time to what is indexed:

* :func:`words` cuts text into lower-case ASCII words (accents dropped; anything else
  separates words), exactly as ``words()`` in ``docs/assets/javascripts/search.js`` does
  with the reader's query.
* :class:`Spelling` rewrites British word starts to American ones
  (``data/spelling.yml``); the same table is shipped in the index and applied to queries.
* :class:`Synonyms` finds every synonym group (``data/synonyms.yml``) a text names and
  returns the words of the group's *other* names, which the index stores with the
  question, so a question is found by any of its names ("BN" finds "batch normalization").

Stemming (plurals, -ing, -ed) and typo tolerance happen in the browser, on both sides of
the comparison alike; see search.js.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

_WORD = re.compile(r"[a-z0-9]+")

# Words that say nothing about which question is meant ("what is the ..."): not indexed
# from answers, and dropped from a query unless it has nothing else.
STOPWORDS: tuple[str, ...] = (
    "a", "about", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from",
    "how", "in", "is", "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "what",
    "when", "where", "which", "who", "why", "with", "you", "your",
)


def words(text: str) -> list[str]:
    """Lower-case ASCII words of ``text``: accents dropped, every other character a separator."""
    if not text.isascii():  # ASCII has nothing to decompose (the common case: skip the per-character loop)
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return _WORD.findall(text.lower())


def _singular(word: str) -> str:
    """Plural-insensitive key for matching synonym names ("gans" ~ "gan")."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@dataclass(frozen=True)
class Spelling:
    """British -> American word starts, longest first (``data/spelling.yml``)."""

    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def load(cls, data_dir: Path) -> Spelling:
        raw = yaml.safe_load((data_dir / "spelling.yml").read_text(encoding="utf-8")) or {}
        table = raw.get("spelling") or {}
        pairs = sorted(((str(b).lower(), str(a).lower()) for b, a in table.items()), key=lambda p: (-len(p[0]), p[0]))
        return cls(tuple(pairs))

    @cached_property
    def _seen(self) -> dict[str, str]:
        return {}  # word -> spelled: a bank repeats its words, the table is scanned once per word

    def __call__(self, word: str) -> str:
        seen = self._seen
        spelled = seen.get(word)
        if spelled is None:
            spelled = seen[word] = next((american + word[len(british):] for british, american in self.pairs
                                         if word.startswith(british)), word)
        return spelled


@dataclass(frozen=True)
class Synonyms:
    """Synonym groups: the words of each name, matched as whole-word sequences."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]  # group -> names -> words (spelled)

    @classmethod
    def load(cls, data_dir: Path, spelling: Spelling) -> Synonyms:
        raw = yaml.safe_load((data_dir / "synonyms.yml").read_text(encoding="utf-8")) or {}
        groups = []
        for group in raw.get("groups") or []:
            names = tuple(dict.fromkeys(tuple(spelling(w) for w in words(str(n))) for n in group))
            if len([n for n in names if n]) >= 2:
                groups.append(tuple(n for n in names if n))
        return cls(tuple(groups))

    @cached_property
    def _starts(self) -> dict[str, list[tuple[tuple[str, ...], int]]]:
        starts: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for g, names in enumerate(self.groups):
            for name in names:
                starts.setdefault(_singular(name[0]), []).append((tuple(_singular(w) for w in name), g))
        for options in starts.values():
            options.sort(key=lambda o: -len(o[0]))  # longest name first: "stochastic gradient descent" before "gradient descent"
        return starts

    def expand(self, text_words: list[str]) -> list[str]:
        """Words of the other names of every group ``text_words`` (spelled) names.

        Left to right, longest name first, names do not overlap: "k-NN" is the k-NN group,
        not also the "NN" (neural network) one.
        """
        starts = self._starts
        keys = [_singular(w) for w in text_words]
        found: list[int] = []
        i = 0
        while i < len(keys):
            for name, g in starts.get(keys[i], ()):
                if tuple(keys[i:i + len(name)]) == name:
                    if g not in found:
                        found.append(g)
                    i += len(name)
                    break
            else:
                i += 1
        present = set(keys)
        extra: list[str] = []
        for g in found:
            for name in self.groups[g]:
                extra += [w for w in name if _singular(w) not in present and w not in extra]
        return extra


@dataclass(frozen=True)
class Vocabulary:
    """The search rules of one build: spelling table, synonym groups, stop words."""

    spelling: Spelling
    synonyms: Synonyms

    @classmethod
    def load(cls, data_dir: Path) -> Vocabulary:
        spelling = Spelling.load(data_dir)
        return cls(spelling, Synonyms.load(data_dir, spelling))

    def spelled(self, text: str) -> list[str]:
        """``words(text)`` in American spelling."""
        return [self.spelling(w) for w in words(text)]


__all__ = ["STOPWORDS", "Spelling", "Synonyms", "Vocabulary", "words"]
