"""Difficulty: a transparent first guess for imported questions that carry none.

Seeds rarely say how hard a question is.  The guess only needs to be sensible and stable;
contributors correct it in the front matter, and a marker in the source always wins.
"""

from __future__ import annotations

import re

_DEFINITION = re.compile(r"^(what is|what are|what's|define|name)\b", re.I)
_REASONING = re.compile(r"\b(why|how|compare|differ\w*|difference|trade-?off|when)\b", re.I)
_SCENARIO = re.compile(r"\b(you are|you notice|what could be|what might happen|what can you do|suppose|imagine)\b", re.I)


def estimate_difficulty(question: str, marker: str | None = None) -> str:
    """easy: a plain definition; hard: a scenario or a multi-part question; otherwise medium."""
    if marker in ("easy", "medium", "hard"):
        return marker
    words = len(question.split())
    asks = question.count("?") + len(re.findall(r"\band (how|why|what|when|mention|explain)\b", question, re.I))
    if _SCENARIO.search(question) or words > 28 or asks > 2:
        return "hard"
    if _DEFINITION.match(question) and not _REASONING.search(question) and words <= 12 and asks <= 1:
        return "easy"
    return "medium"
