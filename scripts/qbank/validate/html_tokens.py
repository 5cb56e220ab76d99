"""A small HTML tokenizer: start tags and their attributes as a browser reads them, with
offsets, for the HTML checks and for telling an attribute value from a code span."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

TAG_START = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")


@dataclass
class Tag:
    offset: int
    name: str
    closing: bool
    attrs: list[tuple[str, str | None, int]]  # (name lowercased, value or None, offset)
    end: int = 0  # offset just past the closing '>'


def parse_tags(text: str) -> Iterable[Tag]:
    """Start tags as a browser would tokenize them (attribute separators include '/')."""
    n = len(text)
    for m in TAG_START.finditer(text):
        i = m.end()
        attrs: list[tuple[str, str | None, int]] = []
        ok = False
        while i < n:
            while i < n and (text[i].isspace() or text[i] == "/"):
                if text[i] == "\n" and text.startswith("\n", i + 1):
                    break
                i += 1
            if i >= n or text[i] == "<" or (text[i] == "\n"):
                break
            if text[i] == ">":
                ok = True
                break
            start = i
            i += 1  # the first character may be '='
            while i < n and not (text[i].isspace() or text[i] in "/>="):
                i += 1
            name = text[start:i].lower()
            j = i
            while j < n and text[j] in " \t":
                j += 1
            value: str | None = None
            if j < n and text[j] == "=":
                j += 1
                while j < n and text[j] in " \t\n":
                    j += 1
                if j < n and text[j] in "\"'":
                    q = text[j]
                    k = text.find(q, j + 1)
                    if k == -1:
                        break
                    value, i = text[j + 1:k], k + 1
                else:
                    k = j
                    while k < n and not (text[k].isspace() or text[k] == ">"):
                        k += 1
                    value, i = text[j:k], k
            attrs.append((name, value, start))
        if ok:
            yield Tag(m.start(), m.group(2).lower(), bool(m.group(1)), attrs, i + 1)
