"""The body as the checks read it: fenced code blocks found by :mod:`qbank.bankfile`, and
``Doc.masked``, the body with code and comments blanked out so no check mistakes code for
Markdown, HTML or math."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..bankfile import blank, mask
from .doc import Doc
from .html_tokens import parse_tags

CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)")


@dataclass
class Fence:
    start: int  # offset of the opening line in text
    end: int  # offset just past the closing line (or end of text)
    info: str
    content: str
    content_offset: int
    closed: bool


def scan_body(doc: Doc) -> list[Fence]:
    """Find fenced code blocks and blank out code and comments in ``doc.masked``."""
    body, base = doc.body, doc.body_offset
    lines = body.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    masked, blocks = mask(body)
    fences = [Fence(base + starts[b.start], base + starts[b.stop - 1] + len(lines[b.stop - 1]), b.fence.info.strip(),
                    "\n".join(lines[k] for k in b.content).rstrip("\n"), base + starts[b.start + 1], b.closed)
              for b in blocks]
    # A backtick inside a tag (an attribute value) does not open a code span: Markdown reads
    # the tag as HTML first, so `<a title="`" onclick=...>` must not hide its handler.
    tags = [(t.offset, t.end) for t in parse_tags(masked) if not t.closing]
    starts = [a for a, _ in tags]

    def code(m: re.Match[str]) -> str:
        k = bisect.bisect_right(starts, m.start()) - 1
        if k >= 0 and tags[k][0] < m.start() < tags[k][1]:
            return m.group()
        return blank(m.group())

    masked = CODE_SPAN.sub(code, masked)
    doc.masked = masked
    return fences
