"""GitHub Markdown Q&A: a leading ``- Qn:`` question list, then a loosely structured body.

The question list at the top is the only reliable part, so it *is* the set of
questions.  The body is damaged in ways that break a naive "split on ``Qn:``" reader:

* most ``Qn:`` headings were lost, so an answer block usually starts with a bare
  ``Answer:`` marker and must be numbered by its order between the surviving headings;
* some answers lost their marker too and were glued onto the previous answer (the
  "overfitting" answer carries the batch-norm and exploding-gradient answers after it),
  so such blocks are cut at paragraph starts *only* where a question slot is free and
  the paragraph is about that question (keyword overlap);
* runs of bare ``Answer:`` markers and ``Answer: The``-style one-word stubs are slots
  with no real answer: they consume a question but yield ``""``;
* question text may be styled with Unicode mathematical bold (Q17), hence NFKC.

Alignment is a small dynamic programme per stretch between two surviving headings: every
marker takes the next slots in order, a paragraph start may open a new answer for a free
slot when its content says so, and ties fall back to plain order.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..record import ExtractError, Record

_LIST_RE = re.compile(r"^\s*[-*]\s+Q(\d+)\s*:\s*(.*)$")
_HEADING_RE = re.compile(r"^Q(\d+)\s*:")
_MARKER_RE = re.compile(r"^Answer\s*:\s?(.*)$")
# Bullets, bare "-" (this file puts the item text on the next line) and "a)"/"1." enumerations.
_ITEM_RE = re.compile(r"^\s*(?:[-*+](?:\s|$)|[A-Za-z0-9]{1,2}[.)]{1,2}\s)")
_WORD_RE = re.compile(r"[a-z][a-z0-9]+")

#: A marker whose whole answer is shorter than this ("Answer: The") is a stub, not an answer.
MIN_ANSWER_WORDS = 2
#: Score a marker-less paragraph must gain over staying with the previous answer before it
#: is cut off as the answer to a free question (scores range over about 0..1).
SPLIT_COST = 0.15

_STOPWORDS = frozenset(
    """a an and are as at be by can do does for from how in is it its of on or should some
    that the their them there these they this to use used using we what when where whether
    which why with would you your it's explain discuss describe name mention few different
    other main key""".split()
)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@dataclass
class _Unit:
    """A run of body lines that starts at a heading, a marker or a paragraph start ("soft")."""

    kind: str  # "heading" | "marker" | "soft"
    line: int
    number: int | None = None
    lines: list[str] = field(default_factory=list)


def _question_list(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    """Leading ``- Qn: text`` lines as (number, 1-based line, raw text); blank lines skipped."""
    items: list[tuple[int, int, str]] = []
    for i, raw in enumerate(lines):
        match = _LIST_RE.match(_nfkc(raw))
        if match:
            items.append((int(match.group(1)), i + 1, raw))
        elif raw.strip():
            break
    return items


def looks_like(text: str) -> bool:
    """True when the text opens with a ``- Q1:``, ``- Q2:``... list.

    The body is deliberately not required: a copy truncated inside the list must still be
    routed here so that :func:`extract` can say which question is missing, instead of a
    generic Markdown reader silently turning the list into answerless records.
    """
    items = _question_list(text.splitlines()[:200])
    return len(items) >= 2 and [n for n, _, _ in items[:2]] == [1, 2]


def _is_item(lines: Sequence[str], i: int) -> bool:
    """List-item text, including the line after a bare ``-`` bullet."""
    return bool(_ITEM_RE.match(lines[i])) or (i > 0 and lines[i - 1].strip() == "-")


def _marker_text(raw: str) -> str:
    """What follows ``Answer:`` on its own line (kept raw: it is the answer's first line)."""
    match = _MARKER_RE.match(raw.strip()) or _MARKER_RE.match(_nfkc(raw).strip())
    return match.group(1) if match else raw


def _units(lines: Sequence[str], start: int) -> list[_Unit]:
    """Cut the body (from 0-based ``start``) at headings, markers and prose-after-list lines.

    A prose line right after a list item is where a marker-less answer can begin; such
    "soft" cuts are only candidates, :func:`_align` decides whether they open an answer.
    A heading directly followed by ``Answer:`` is one unit.
    """
    units: list[_Unit] = []
    prev_item = False
    i = start
    while i < len(lines):
        raw, norm = lines[i], _nfkc(lines[i]).strip()
        if not norm:
            if units:
                units[-1].lines.append(raw)
            i += 1
            continue
        heading = _HEADING_RE.match(norm)
        if heading:
            unit = _Unit("heading", i + 1, int(heading.group(1)))
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and _MARKER_RE.match(_nfkc(lines[j]).strip()):
                unit.lines.append(_marker_text(lines[j]))
                i = j
            units.append(unit)
        elif _MARKER_RE.match(norm):
            units.append(_Unit("marker", i + 1, lines=[_marker_text(raw)]))
        elif not units or (prev_item and not _is_item(lines, i)):
            units.append(_Unit("soft", i + 1, lines=[raw]))
        else:
            units[-1].lines.append(raw)
        prev_item = _is_item(lines, i) and not heading and not _MARKER_RE.match(norm)
        i += 1
    return units


def _tokens(text: str) -> Counter[str]:
    words = _WORD_RE.findall(_nfkc(text).lower().replace("isation", "ization"))
    return Counter(w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 3 else w
                   for w in words if w not in _STOPWORDS)


class _Scorer:
    """Keyword overlap between a body block and a listed question (cosine-style, ~0..1).

    Each question word counts by its rarity across the question list (so "neural network"
    cannot outvote "batch normalization") and by how often the block repeats it, with
    saturation (a passing "add batch normalization" in the overfitting answer is worth less
    than a paragraph about it).  The block's opening line, where an answer names its topic,
    weighs as much as the whole block.  Normalising by the question vector's length (not
    its word count) keeps long, chatty questions like Q3 from being unreachable.
    """

    def __init__(self, questions: dict[int, str]) -> None:
        self.words = {n: set(_tokens(q)) for n, q in questions.items()}
        df = Counter(w for words in self.words.values() for w in words)
        self.idf = {w: math.log((len(questions) + 1) / (d + 0.5)) for w, d in df.items()}
        self.top = max(self.idf.values(), default=1.0)

    def _cover(self, tf: Counter[str], words: set[str]) -> float:
        norm = math.sqrt(sum(self.idf[w] ** 2 for w in words))
        hits = sum(self.idf[w] ** 2 * tf[w] / (tf[w] + 1) for w in words)
        return hits / (norm * self.top) if norm else 0.0

    def __call__(self, unit: _Unit, number: int) -> float:
        words = self.words.get(number)
        if not words:
            return 0.0
        opening = next((line for line in unit.lines if line.strip() not in ("", "-")), "")
        return (self._cover(_tokens(opening), words) + self._cover(_tokens("\n".join(unit.lines)), words)) / 2


_State = tuple[float, tuple[int, ...]]


def _better(a: _State, b: _State | None) -> bool:
    """Higher score wins; on a tie the lexicographically smaller numbering (plain order)."""
    return b is None or (round(a[0], 9), [-x for x in a[1]]) > (round(b[0], 9), [-x for x in b[1]])


def _align(units: list[_Unit], lo: int, hi: int, score: _Scorer, seed: str) -> list[tuple[int, str]]:
    """Number the units of one stretch: ``lo`` is the heading opening it (0 if none) and
    ``lo+1..hi`` are the free slots before the next heading.  Returns (number, rule) per
    unit, number 0 meaning preamble that belongs to no question.

    Every marker takes a new, higher slot; a soft unit either stays with the answer before
    it or, paying :data:`SPLIT_COST`, opens a new one.  The best total keyword score wins.
    """
    first = 1 if units[0].kind == "heading" else 0
    states: dict[int, _State] = {lo: (0.0, (lo,) * first)}
    for unit in units[first:]:
        fit = {q: score(unit, q) for q in range(lo, hi + 1)}
        cost = SPLIT_COST if unit.kind == "soft" else 0.0
        new: dict[int, _State] = {}
        for q, (total, path) in states.items():
            options = [(q2, total + fit[q2] - cost) for q2 in range(q + 1, hi + 1)]
            if unit.kind == "soft":
                options.append((q, total + fit[q]))
            for q2, value in options:
                if _better(cand := (value, path + (q2,)), new.get(q2)):
                    new[q2] = cand
        if not new:
            where = f"after Q{lo}" if lo else "at the start of the body"
            raise ExtractError(seed, unit.line, f"more Answer: blocks {where} than free questions (Q{lo + 1}..Q{hi})",
                               "a question is missing from the list, or an Answer: marker is duplicated")
        states = new
    best: _State | None = None
    for cand in states.values():
        best = cand if _better(cand, best) else best
    path = best[1] if best else ()
    opened = [i for i, q in enumerate(path) if q and (i == 0 or q != path[i - 1])]
    splits = sum(units[i].kind == "soft" for i in opened)
    markers = sum(u.kind == "marker" for u in units)
    # Markers are placed by order alone when, after the content-chosen splits, they exactly
    # fill the free slots; otherwise content chose which slots they took.
    marker_rule = "order" if markers + splits == hi - lo else "content"
    rule = {"heading": "heading", "marker": marker_rule, "soft": "content"}
    return [(q, rule[units[i].kind] if i in opened else "") for i, q in enumerate(path)]


def _answer_text(lines: list[str]) -> str:
    """Join raw lines, dropping only leading/trailing blank lines; stubs become ``""``."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    text = "\n".join(lines)
    return text if len(text.split()) >= MIN_ANSWER_WORDS else ""


def align(text: str, seed: str = "<text>") -> tuple[list[tuple[int, int, str]], dict[int, tuple[str, str]]]:
    """The question list as (number, line, raw text) plus ``{number: (answer, rule)}``.

    ``rule`` says what placed the answer: ``heading`` (a surviving ``Qn:``), ``order`` (an
    ``Answer:`` marker counted between headings) or ``content`` (keyword overlap chose it).
    Raises :class:`ExtractError` for a file with no list, a gap in it, or no body.
    """
    lines = text.splitlines()
    items = _question_list(lines)
    if not items:
        raise ExtractError(seed, 1, "no '- Qn:' question list at the top of the file",
                           "this extractor needs the leading list of questions")
    for expected, (number, line, raw) in enumerate(items, start=1):
        if number != expected:
            raise ExtractError(seed, line, f"question list jumps from Q{expected - 1} to Q{number}: "
                               f"Q{expected} is missing", "the list is truncated or damaged; restore it")
        if not _question_text(raw):
            raise ExtractError(seed, line, f"Q{number} has no question text", "the list line is cut off")
    n, last = len(items), items[-1][1]
    units = _units(lines, last)
    if not units:
        raise ExtractError(seed, last, f"question list stops at Q{n} and no answer body follows: "
                           f"file truncated, Q{n + 1} onward missing", "use the complete seed file")
    anchors = [i for i, u in enumerate(units) if u.kind == "heading"]
    previous = 0
    for i in anchors:
        number = units[i].number or 0
        if number > n:
            raise ExtractError(seed, units[i].line, f"body has Q{number} but the question list stops at Q{n}: "
                               f"Q{n + 1} is missing from the list", "the list is truncated; use the complete file")
        if number <= previous:
            raise ExtractError(seed, units[i].line, f"Q{number} heading after Q{previous}: body out of order",
                               "fix the heading numbers")
        previous = number
    scorer = _Scorer({number: _question_text(raw) for number, _, raw in items})
    collected: dict[int, tuple[list[str], str]] = {}
    bounds = [0, *anchors, len(units)]
    for start, stop in zip(bounds, bounds[1:]):
        stretch = units[start:stop]
        if not stretch:
            continue
        lo = (stretch[0].number or 0) if stretch[0].kind == "heading" else 0
        hi = (units[stop].number or 0) - 1 if stop < len(units) else n
        for unit, (q, rule) in zip(stretch, _align(stretch, lo, hi, scorer, seed)):
            if q:  # q == 0: preamble before any heading or marker, no question owns it
                collected.setdefault(q, ([], rule))[0].extend(unit.lines)
    return items, {q: (_answer_text(body), rule) for q, (body, rule) in collected.items()}


def _question_text(raw: str) -> str:
    """List text after ``Qn:``, NFKC'd (maths-bold Q17 becomes ASCII) and whitespace-collapsed."""
    match = _LIST_RE.match(_nfkc(raw))
    return " ".join(match.group(2).split()) if match else ""


def extract(text: str, seed: str, source: str) -> list[Record]:
    """One record per listed question, in number order, with its aligned answer (or ``""``)."""
    items, answers = align(text, seed)
    return [
        Record(source=source, seed=seed, line=line, number=number, question=_question_text(raw),
               answer=answers.get(number, ("", ""))[0])
        for number, line, raw in items
    ]
