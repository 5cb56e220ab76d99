"""The structure of a bank file, parsed in one place: front matter, fenced code, headings, answers.

Every reader of a question file asks the same questions of it: where does the front matter
end, is this line inside a code block, is this line an answer heading?  When each reader
had its own answer they disagreed: a ``~~~`` line inside a ```` ``` ```` block made the bank
reader think the block had closed (so a literal heading in the code started an answer, or
the next real answer heading was taken for code and merged into the answer before it), while
validation saw the block correctly and reported nothing.  The answers live here:

* **Front matter**: the file starts with a ``---`` line; the first later line that is
  exactly ``---`` *and ends with a line break* closes it.  A file ending in ``\\n---`` has
  no closed front matter: MkDocs (``mkdocs.utils.meta``) would not read it and would publish
  the YAML as the page's text, so the bank reader and validation refuse it too.
* **Fenced code** (CommonMark's rule for closing): a block opens with a line of three or
  more backticks or tildes (a backtick fence's info string holds no backtick) and closes
  only with a line of the *same* character, *at least as long*, and nothing after it but
  spaces.  A fence never closed runs to the end of the text.  Unlike CommonMark, a fence may
  be indented by any amount: the bank nests code inside 4-space list items, and
  pymdownx.superfences (what the site renders with) reads those as fences.  The scanner knows
  no lists, so it does not check that a fence is indented like its list item.
* **Headings**: ATX headings (``#`` to ``######``) outside code and HTML comments.
* **Answer sections**: each ``## Answer (source: ID)`` heading (``ID, edited`` for an
  imported source's text changed by an editor) starts a section that runs to the next one.

Who uses it: :mod:`qbank.bank` (reading the bank), :mod:`qbank.validate` (its body scan and
front matter), the site hooks (numbering the answers on a question's page),
:mod:`qbank.normalize` (prose rules never touch code) and the MkDocs-page extractor.  ``extract/markdown.py`` keeps markdown-it: it reads seeds as GitHub renders them
(CommonMark with its container blocks), which is a different question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "ANSWER_HEADING", "HEADING", "AnswerSection", "Fence", "FencedBlock", "FrontMatter", "FrontMatterError",
    "answer_heading", "answer_sections", "blank", "fenced_block_at", "fenced_blocks", "mask", "opening_fence",
    "replace_answer_headings", "split_front_matter",
]

DELIMITER = "---"
ANSWER_HEADING = re.compile(r"^## Answer \(source: (?P<source>[^),]+?)(?P<edited>, edited)?\)\s*$")
HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*")
COMMENT = re.compile(r"<!--.*?-->", re.S)
FENCE_OPEN = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)")
FENCE_CLOSE = re.compile(r"[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*")


# -- front matter ----------------------------------------------------------------------------


class FrontMatterError(ValueError):
    """No front matter (``missing``), or one that is never closed (``unclosed``).

    ``line`` is 1-based: where a reader should look."""

    def __init__(self, kind: str, line: int, message: str) -> None:
        super().__init__(message)
        self.kind, self.line, self.message = kind, line, message


@dataclass(frozen=True)
class FrontMatter:
    yaml: str  # the text between the two delimiter lines (with its final line break)
    yaml_offset: int  # where ``yaml`` starts in the file's text
    body: str
    body_offset: int  # where ``body`` starts in the file's text
    body_line: int  # 1-based line number of the body's first line


def split_front_matter(text: str) -> FrontMatter:
    """Split ``text`` (line breaks already ``\\n``) into front matter and body.

    Raises :class:`FrontMatterError` when the first line is not ``---`` or when no later
    ``---`` line followed by a line break closes it."""
    opening = DELIMITER + "\n"
    if not text.startswith(opening):
        raise FrontMatterError("missing", 1, "missing YAML front matter: the first line must be '---'")
    start = len(opening)
    # The closing line: the first "---" line after the opening one ("---\n---\n" is empty front matter).
    end = text.find("\n" + opening, start - 1)
    if end == -1:
        if text.endswith("\n" + DELIMITER):
            raise FrontMatterError("unclosed", text.count("\n") + 1,
                                   "the '---' line that closes the front matter must end with a line break "
                                   "(MkDocs would publish the front matter as text)")
        raise FrontMatterError("unclosed", 1, "the front matter opened on line 1 is never closed by a '---' line")
    yaml_text = text[start:end + 1] if end >= start else ""
    body_offset = end + 1 + len(opening)
    return FrontMatter(yaml_text, start, text[body_offset:], body_offset, text.count("\n", 0, body_offset) + 1)


# -- fenced code -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fence:
    """An opening fence line: its indentation, its marker (```` ``` ````, ``~~~~``, ...) and info string."""

    indent: str
    marker: str
    info: str

    def is_closed_by(self, line: str) -> bool:
        """Only the same character, at least as many, and nothing else on the line closes a fence."""
        m = FENCE_CLOSE.fullmatch(line)
        return m is not None and m.group("fence")[0] == self.marker[0] and len(m.group("fence")) >= len(self.marker)


def opening_fence(line: str) -> Fence | None:
    m = FENCE_OPEN.fullmatch(line)
    if not m or (m.group("fence")[0] == "`" and "`" in m.group("info")):
        return None
    return Fence(m.group("indent"), m.group("fence"), m.group("info"))


@dataclass(frozen=True)
class FencedBlock:
    """Lines ``start`` (the opening fence) to ``stop`` (exclusive; past the closing fence,
    or the number of lines when the block is never closed)."""

    start: int
    stop: int
    fence: Fence
    closed: bool

    @property
    def content(self) -> range:
        """Line indices of the code between the fences."""
        return range(self.start + 1, self.stop - 1 if self.closed else self.stop)


def fenced_block_at(lines: Sequence[str], i: int) -> FencedBlock | None:
    """The fenced block opening on line ``i``, if that line opens one."""
    fence = opening_fence(lines[i])
    if fence is None:
        return None
    for j in range(i + 1, len(lines)):
        if fence.is_closed_by(lines[j]):
            return FencedBlock(i, j + 1, fence, True)
    return FencedBlock(i, len(lines), fence, False)


def fenced_blocks(lines: Sequence[str]) -> Iterator[FencedBlock]:
    """Every fenced block, in order (a fence line inside a block is code, not a fence)."""
    i = 0
    while i < len(lines):
        block = fenced_block_at(lines, i)
        if block is None:
            i += 1
            continue
        yield block
        i = block.stop


# -- headings and answer sections ------------------------------------------------------------


def blank(s: str) -> str:
    """Same length, line breaks kept: offsets and line numbers stay valid."""
    if "\n" not in s:
        return " " * len(s)
    return "\n".join(" " * len(part) for part in s.split("\n"))


def mask(text: str) -> tuple[str, list[FencedBlock]]:
    """``text`` with fenced code and HTML comments blanked (same length, same lines), and its
    fenced blocks.  What is left is what Markdown reads as prose, headings included."""
    lines = text.split("\n")
    blocks = list(fenced_blocks(lines))
    for b in blocks:
        for k in range(b.start, b.stop):
            lines[k] = " " * len(lines[k])
    return COMMENT.sub(lambda m: blank(m.group()), "\n".join(lines)), blocks


def answer_heading(line: str, masked: str | None = None) -> re.Match[str] | None:
    """The ``## Answer (source: ...)`` match of ``line``; ``masked`` is the same line from
    :func:`mask` (a line inside code or a comment is no heading)."""
    if masked is not None and not HEADING.fullmatch(masked):
        return None
    return ANSWER_HEADING.match(line)


@dataclass(frozen=True)
class AnswerSection:
    source: str
    edited: bool
    line: int  # 0-based index of the heading line in the body
    markdown: str  # everything up to the next answer heading, as written


def answer_sections(body: str) -> list[AnswerSection]:
    """The body's ``## Answer (source: ...)`` sections (text before the first is not in any)."""
    lines = body.split("\n")
    masked_lines = mask(body)[0].split("\n")
    heads = [(i, m) for i, (line, masked) in enumerate(zip(lines, masked_lines))
             if (m := answer_heading(line, masked))]
    sections = []
    for n, (i, m) in enumerate(heads):
        stop = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        sections.append(AnswerSection(m.group("source").strip(), bool(m.group("edited")), i,
                                      "\n".join(lines[i + 1:stop])))
    return sections


def replace_answer_headings(body: str, replace: Callable[[re.Match[str]], str]) -> str:
    """``body`` with every answer heading line replaced by ``replace(match)``; the same
    text in code or comments is left alone."""
    lines = body.split("\n")
    masked_lines = mask(body)[0].split("\n")
    return "\n".join(replace(m) if (m := answer_heading(line, masked)) else line
                     for line, masked in zip(lines, masked_lines))
