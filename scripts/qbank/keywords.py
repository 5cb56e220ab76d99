"""The words of a taxonomy rule: how a text and a keyword phrase are cut into words.

Both sides of a keyword match go through the same three steps, so they live here, used by
:mod:`qbank.taxonomy` (a rule's phrase is checked when the file is loaded) and by
:mod:`qbank.classify` (texts are matched against the phrases):

* :func:`fold`: NFKC (only on non-ASCII text) and case folding;
* :data:`WORD_RE`: words are runs of letters and digits; every other character, the
  underscore included, separates words ("group_size" is two words);
* :func:`singular`: a simple English plural is dropped ("gans" -> "gan").

:func:`keyword_words` parses a phrase, where a last word ending in ``*`` is a prefix.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MIN_PREFIX", "WORD_RE", "fold", "keyword_words", "singular", "singular_words"]

# Words: runs of letters/digits (underscore separates words, like "group_size").
WORD_RE = re.compile(r"[^\W_]+")
_KEYWORD_WORD_RE = re.compile(r"[^\W_]+\*?|\*")
MIN_PREFIX = 3
"""Letters a prefix keyword (``normali*``) needs before its ``*``."""

_SINGULAR_CACHE: dict[str, str] = {}
_CACHE_LIMIT = 200_000


def singular(word: str) -> str:
    """Drop a simple English plural so that 'gans'/'gan', 'gates'/'gate' compare equal."""
    s = _SINGULAR_CACHE.get(word)
    if s is None:
        s = word
        if len(word) > 3 and word[-1] == "s":
            if word.endswith("ies") and len(word) > 4:
                s = word[:-3] + "y"
            elif word.endswith("sses"):
                s = word[:-2]
            elif not word.endswith(("ss", "us", "is")):
                s = word[:-1]
        if len(_SINGULAR_CACHE) < _CACHE_LIMIT:
            _SINGULAR_CACHE[word] = s
    return s


def singular_words(words: list[str]) -> list[str]:
    """:func:`singular` of each word; the cache is read inline, as classification calls
    this on every word of every text."""
    get = _SINGULAR_CACHE.get
    return [get(w) or singular(w) for w in words]


def fold(text: str) -> str:
    """The form texts and phrases are compared in: NFKC (non-ASCII text only), case-folded."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def keyword_words(keyword: str) -> tuple[tuple[str, ...], bool]:
    """Parse a keyword phrase into (singular words, last word is a prefix).

    Raises ValueError explaining what is wrong with a bad phrase.
    """
    parts = _KEYWORD_WORD_RE.findall(fold(keyword))
    if not parts:
        raise ValueError(f"keyword {keyword!r} has no words")
    words: list[str] = []
    for i, part in enumerate(parts):
        if part.endswith("*"):
            if i != len(parts) - 1:
                raise ValueError(f"keyword {keyword!r}: only the last word may end with '*'")
            stem = part[:-1]
            if len(stem) < MIN_PREFIX:
                raise ValueError(f"keyword {keyword!r}: a prefix needs at least {MIN_PREFIX} letters before '*'")
            return tuple(words) + (stem,), True
        words.append(singular(part))
    return tuple(words), False
