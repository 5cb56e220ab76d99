"""Extractor for a MkDocs/Material page scraped to plain text (browser "save as text").

Scraping flattens the page: Markdown headings become bare lines, admonitions lose
their box (only the title word survives), mermaid diagrams turn into their source
text, list markers become indented ``•`` and embedded videos vanish.  What stays
reliable is the *shape* of the text, so every decision here is a rule about shape:

* A **question heading** is a standalone line (blank line, or start of file, before
  it; blank line, or end of file, after it), starting at column 0 with a letter or
  digit, at most ``_MAX_QUESTION`` characters, not inside a code/mermaid block, not
  page chrome, and either ending in ``?`` or being one short imperative sentence
  ("Explain Label smoothing.").  Answer paragraphs fail the rule because they are
  long, end in ``.``/``:`` without an imperative opening, or are indented bullets.
* **Chrome**: everything before the first question (skip link, page title, intro)
  is dropped, and so is a trailing Material footer ("Back to top", "Previous",
  "Copyright", "Made with Material for MkDocs", ...).
* **Answer** = the lines between one question and the next, turned back into the
  Markdown the page had only where the scraped shape is unambiguous (admonition,
  mermaid, lost video embed); everything else — ``•`` bullets, ``\\( \\)`` math,
  mojibake — is left verbatim for the normalize stage.
"""

from __future__ import annotations

import re

from ..bankfile import fenced_block_at
from ..record import ExtractError, Record

_MAX_QUESTION = 200
"""Longest line still taken for a question; answer paragraphs are far longer."""

_MAX_IMPERATIVE = 120
"""Imperative headings without ``?`` ("Explain X.") must be short single sentences."""

_IMPERATIVES = frozenset({
    "explain", "describe", "define", "compare", "contrast", "discuss", "list", "name",
    "state", "give", "derive", "outline", "summarize", "summarise", "differentiate",
    "distinguish", "illustrate", "elaborate", "mention", "write", "implement", "tell",
    "briefly", "show", "prove", "calculate", "compute",
})
"""Opening words of a question asked as an order; "Please" in front is skipped."""

_TOP_CHROME = frozenset({"Skip to content"})
"""Material's skip link: the first line of every scraped Material page."""

_FOOTER_CHROME = re.compile(
    r"^(Back to top|Previous|Next|Comments|Hide|Table of contents|"
    r"Made with Material for MkDocs|Material for MkDocs|"
    r"Was this page helpful\?|Thanks for your feedback!.*|"
    r"Copyright\b.*|©.*|Last update(d)?:.*)$"
)
"""Lines Material puts under the article; the footer starts at the first of them."""

_FOOTER_MAX_LINE = 100
"""Everything after a footer marker is short (link titles, copyright): a longer
line means the marker word was part of the article, not the footer."""

_ADMONITIONS = frozenset({
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
    "success", "check", "done", "question", "help", "faq", "warning", "caution",
    "attention", "failure", "fail", "missing", "danger", "error", "bug", "example",
    "quote", "cite",
})
"""Material admonition types; with no custom title the box shows the capitalised
type ("Note"), which is all a scrape keeps of ``!!! note``."""

_MERMAID_HEADER = re.compile(
    r"^(graph|flowchart)\s+(TB|TD|BT|RL|LR)\s*;?$|"
    r"^(sequenceDiagram|classDiagram|stateDiagram(-v2)?|erDiagram|gantt|journey|"
    r"gitGraph|mindmap|timeline)\s*$|^pie(\s+showData)?(\s+title\s.*)?$"
)
"""First line of mermaid source; Material renders diagrams client-side, so a scrape
of the page shows their source: header at column 0, body indented under it.  The
keyword must fill the line, so prose like "pie charts are ..." never opens a diagram."""

_URL = re.compile(r"https?://\S+")
_VIDEO = re.compile(r"\bvideos?\b", re.IGNORECASE)
_BULLETS = ("•", "◦", "▪", "‣", "-", "*", "+")
VIDEO_NOTE = "(The video is embedded on the original page and is not part of this copy.)"
"""Appended to an answer line that mentions a video the page embedded (the copy has none)."""


def looks_like(text: str) -> bool:
    """A scraped Material page: starts with the skip link (or carries the Material
    footer) *and* has at least one standalone question heading.

    Requiring the chrome keeps flashcard dumps (``New cards``) and ``- Q1:`` lists,
    which also contain standalone ``?`` lines, out of this extractor.
    """
    lines = _split(text)
    first = next((s.strip() for s in lines if s.strip()), "")
    chrome = first in _TOP_CHROME or any(s.strip() == "Made with Material for MkDocs" for s in lines)
    if not chrome:
        return False
    try:
        blocked = block_lines(lines, "<sniff>")
    except ExtractError:
        blocked = set()
    return any(_is_heading_at(lines, i, blocked) for i in range(len(lines)))


def extract(text: str, seed: str, source: str) -> list[Record]:
    """Cut the page into one :class:`Record` per question heading.

    Raises :class:`ExtractError` when no heading is found or when the file ends
    inside a code fence or mermaid diagram (the sign of a truncated scrape).
    """
    lines = _split(text)
    blocked = block_lines(lines, seed)
    end = _footer_start(lines, blocked)
    heads = [i for i in range(end) if _is_heading_at(lines, i, blocked)]
    if not heads:
        raise ExtractError(seed, 1, "no question headings found in the MkDocs page",
                           "questions must be standalone lines ending in '?' or short "
                           "imperatives like 'Explain X.'; check the format or the scrape")
    records: list[Record] = []
    for n, start in enumerate(heads):
        stop = heads[n + 1] if n + 1 < len(heads) else end
        answer = _render_answer(lines, start + 1, stop, blocked, source)
        records.append(Record(source=source, seed=seed, line=start + 1, number=n + 1,
                              question=lines[start].strip(), answer=answer))
    return records


def _split(text: str) -> list[str]:
    """Split on newlines only (not ``str.splitlines``) so ``line`` numbers match editors."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _mermaid_end(lines: list[str], start: int) -> int:
    """Index after the last line of the diagram starting at ``start``: the body is the
    indented, non-bullet lines right under the header, up to a blank or column-0 line."""
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if not line.strip() or not line[0].isspace() or line.strip().startswith(_BULLETS[:4]):
            break
        i += 1
    return i


def block_lines(lines: list[str], seed: str) -> set[int]:
    """Indices of lines inside code fences or mermaid diagrams: never headings, chrome
    or admonition titles.  A block still open at end of file means the scrape was cut,
    which we refuse rather than guess the rest of the code.

    Mermaid source has no closing marker, so "open at end of file" means nothing but
    blank lines follows the diagram: a scraped page normally goes on after a
    diagram (more text, the footer), and a cut at a line boundary cannot be told apart
    from a finished diagram, so we report it instead of emitting a maybe-partial graph.
    """
    blocked: set[int] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = fenced_block_at(lines, i)
        if fence:
            if not fence.closed:
                raise ExtractError(seed, i + 1,
                                   f"code fence opened here is never closed (file ends at line {len(lines)})",
                                   "the scrape looks truncated: re-fetch the page")
            blocked.update(range(fence.start, fence.stop))
            i = fence.stop
            continue
        if _MERMAID_HEADER.match(line):
            j = _mermaid_end(lines, i)
            if not any(rest.strip() for rest in lines[j:]):
                raise ExtractError(seed, i + 1,
                                   f"mermaid diagram opened here runs into end of file (line {len(lines)})",
                                   "the scrape looks truncated inside the diagram: re-fetch the page")
            blocked.update(range(i, j))
            i = j
            continue
        i += 1
    return blocked


def _is_question_shape(s: str) -> bool:
    """Shape of a question line on its own (``s`` already stripped, see module doc)."""
    if not (8 <= len(s) <= _MAX_QUESTION) or not s[0].isalnum():
        return False
    if s in _TOP_CHROME or _FOOTER_CHROME.match(s):
        return False
    if s.endswith("?"):
        return True
    words = s.split()
    if words[0].lower() == "please" and len(words) > 1:
        words = words[1:]
    return (s.endswith(".") and len(s) <= _MAX_IMPERATIVE and ". " not in s[:-1]
            and words[0].lower() in _IMPERATIVES)


def _is_heading_at(lines: list[str], i: int, blocked: set[int]) -> bool:
    """Question heading: right shape, column 0, outside blocks, blank lines around."""
    line = lines[i]
    if i in blocked or not line or line[0].isspace():
        return False
    if i > 0 and lines[i - 1].strip():
        return False
    if i + 1 < len(lines) and lines[i + 1].strip():
        return False
    return _is_question_shape(line.strip())


def _footer_start(lines: list[str], blocked: set[int]) -> int:
    """Index where the Material footer begins (``len(lines)`` when there is none).

    The footer is the first standalone marker line after which only short,
    non-question lines follow, so a "Next" inside an answer does not cut it off.
    """
    for m, line in enumerate(lines):
        if m in blocked or not _FOOTER_CHROME.match(line.strip()) or line[:1].isspace():
            continue
        rest = range(m + 1, len(lines))
        if all(len(lines[k].strip()) <= _FOOTER_MAX_LINE and not _is_heading_at(lines, k, blocked) for k in rest):
            return m
    return len(lines)


def _paragraph_end(lines: list[str], start: int, stop: int) -> int:
    """Index after the run of non-blank lines starting at ``start`` (capped at ``stop``)."""
    j = start
    while j < stop and lines[j].strip():
        j += 1
    return j


def _standalone(lines: list[str], i: int, lo: int, stop: int) -> bool:
    """Line ``i`` is a one-line paragraph within ``[lo, stop)``."""
    before = i == lo or not lines[i - 1].strip()
    after = i + 1 >= stop or not lines[i + 1].strip()
    return before and after


def _render_answer(lines: list[str], lo: int, stop: int, blocked: set[int], source: str) -> str:
    """Answer Markdown for ``lines[lo:stop]``: verbatim except three unambiguous repairs.

    * ``Note`` alone on a line, then a paragraph -> ``!!! note`` with that one paragraph
      indented 4 spaces.  Only the next paragraph is taken: a scrape shows where the
      box starts but not where it ends, and the first paragraph is the certain part.
    * Mermaid source -> a ```` ```mermaid ```` fence (a blank line is put before it, as
      the scrape glues it to the preceding list).
    * A one-line paragraph that introduces a video but carries no URL lost its
      ``<iframe>`` in the scrape: it gets a link to the source page (when ``source`` is
      a URL) or a short note, so it does not point at nothing.
    """
    out: list[str] = []
    i = lo
    while i < stop:
        line = lines[i]
        stripped = line.strip()
        if i in blocked and _MERMAID_HEADER.match(line):
            j = _mermaid_end(lines, i)
            if out and out[-1].strip():
                out.append("")
            out += ["```mermaid", *lines[i:j], "```"]
            i = j
            continue
        if (i not in blocked and not line[:1].isspace() and stripped.lower() in _ADMONITIONS
                and stripped == stripped.capitalize() and _standalone(lines, i, lo, stop)
                and i + 2 < stop and lines[i + 2].strip() and (i + 2) not in blocked):
            j = _paragraph_end(lines, i + 2, stop)
            out.append(f"!!! {stripped.lower()}")
            out += [f"    {body}" if body.strip() else "" for body in lines[i + 2:j]]
            i = j
            continue
        if (i not in blocked and stripped and _VIDEO.search(stripped) and not _URL.search(stripped)
                and len(stripped) <= _MAX_QUESTION and _standalone(lines, i, lo, stop)):
            if _URL.fullmatch(source.strip()):
                out.append(f"{line} ([watch it on the original page]({source.strip()}))")
            else:
                out.append(f"{line} {VIDEO_NOTE}")
            i += 1
            continue
        out.append(line)
        i += 1
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)
