"""Extractor for generic Markdown Q&A files imported from other people's repositories.

Interview-question repos on GitHub share no format, but they share a few habits, and
this module reads exactly those:

* **The question unit is either a heading level or a whole-line bold paragraph.**
  One document uses one of them.  A heading level is the question level when it
  repeats and most of its headings read as questions (``?``, a number, a difficulty
  marker or an asking word such as "What"/"Explain"); then *every* heading of that
  level is a question, "?" or not, because it is the unit answers follow.  Shallower
  headings are sections, deeper ones belong to the answer (Devinterview answers have
  ``###`` sub-headings).  Otherwise whole-line bold questions are used
  (alexeygrigorev/data-science-interviews), and failing both, the first repeated
  heading level below the section level that carries text (a glossary of topics).
* **Bold lines inside answers are not questions**: in heading documents bold never
  is; in bold documents a bold line must start a paragraph (or be numbered), read as
  a question, not be a label ("**Note:**"), and in a numbered document carry a number
  that moves forward (``**1. Batch GD**`` inside the answer to question 3 does not).
* **Nothing inside code is ever a question.**  Code regions come from markdown-it, so
  ``# comments`` and ``**kwargs`` in fences, indented code and HTML comments are
  skipped by the same rules GitHub renders with.  A fence that is never closed would
  swallow the rest of the file, so it is an error pointing at its opening line.
* **Noise is not content**: banners, badges and tables of contents before the first
  question are skipped; ``<br/>``, ``---`` and "back to top" lines around an answer
  are trimmed; a trailer of headings/HTML after the last separator of an answer (the
  "find all answers here 👉" footer) is cut; chrome headings ("Contributing",
  "License", ...) end an answer.  Answers are otherwise kept byte for byte:
  ``qbank.normalize`` prettifies every format alike.
* **Placeholders are no answer**: "Answer here", "TODO", "TBD", "_(answer here)_",
  "..." and the like give ``answer == ""`` and the flag ``placeholder-answer``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from markdown_it import MarkdownIt

from ..record import ExtractError, Record

_MD = MarkdownIt("commonmark")

# --- difficulty markers, numbers, asking words ------------------------------------

#: One marker.  Word markers are peeled only from either end of a title, so a "(hard)"
#: inside a sentence stays; emoji markers go wherever they are (``_EMOJI_MARK``).
_MARK = (r"(?:(?P<emoji>[\U0001F476\u2B50\U0001F680])\uFE0F?"
         r"|\[(?P<letter>[EMH]|easy|medium|hard)\]"
         r"|\((?P<word>easy|medium|hard)\))")
_LEAD_MARK = re.compile(rf"^\s*{_MARK}\s*", re.I)
_TRAIL_MARK = re.compile(rf"\s*{_MARK}\s*$", re.I)
#: The emoji markers are never words, so they are removed wherever they sit ("? ⭐️I").
_EMOJI_MARK = re.compile(r"[ \t]*([\U0001F476\u2B50\U0001F680])\uFE0F?")
_EMOJI_LEVEL = {"\U0001F476": "easy", "\u2B50": "medium", "\U0001F680": "hard"}
_LETTER_LEVEL = {"e": "easy", "m": "medium", "h": "hard"}

#: "Q1:", "Q1.", "Question 3 -", "Q:" (strong: says "question") or "1." / "1)" (plain).
_NUMBER = re.compile(r"^(?:Q(?:uestion)?\s*\.?\s*(?P<q>\d+)\s*[:.)\-\u2013\u2014]?"
                     r"|Q(?:uestion)?\s*[:.](?=\s)"
                     r"|(?P<n>\d+)\s*[.)](?!\d))\s*", re.I)
_ASKING = re.compile(
    r"^(?:what|why|how|when|where|which|who|whom|whose|is|are|can|could|do|does|did|should|would"
    r"|explain|describe|define|compare|contrast|discuss|name|list|give|derive|mention|differentiate"
    r"|distinguish|suggest|implement|write|prove|calculate|compute|tell|outline|summari[sz]e"
    r"|illustrate|elaborate|identify|walk)\b", re.I)

# --- line shapes -------------------------------------------------------------------

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SEPARATOR = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}"
                        r"|(?:<(?:br|hr)\s*/?>\s*)+|<p>\s*</p>)$", re.I)
_BACK_TO_TOP = re.compile(r"back\s+to\s+(?:top|contents|index)|\u2b06|\u21a5|^\W*\[\W*top\W*\]", re.I)
_LINK_ONLY = re.compile(r"^\W*!?\[.*\]\([^)]*\)\W*$")
_HTML_ONLY = re.compile(r"^\s*<.*>\s*$")
_BULLET = re.compile(r"^[-+*][ \t]+")
_WHOLE_BOLD = re.compile(r"^(\*\*|__)(?=\S)(.+?)(?<=\S)\1$")

#: Headings that are repo chrome, never questions or sections, whatever their level.
_CHROME = re.compile(
    r"^(?:table of contents|contents|toc|index|legend|license|licence|contributing|contributions?"
    r"|how to contribute|contributors|acknowledge?ments?|credits|references|resources|further reading"
    r"|additional resources|useful links|links|see also|related|support|sponsors?|star history"
    r"|stargazers|authors?|about|about me|about the authors?|disclaimer|changelog|donate|contact"
    r"|introduction|overview|preface|foreword)$")

# --- placeholders ------------------------------------------------------------------

_PLACEHOLDERS = frozenset({
    "", "answer", "answer here", "answer goes here", "your answer here", "add answer",
    "add answer here", "add your answer here", "write answer here", "write your answer here",
    "todo", "to do", "tbd", "tba", "tbc", "wip", "fixme", "coming soon", "to be added",
    "to be answered", "to be written", "to be done", "pending", "fill in", "fill me", "n/a",
})
_TODO_NOTE = re.compile(r"^(?:todo|tbd|fixme|wip)\b.{0,60}$")
_ANSWER_LABEL = re.compile(r"^(?:answer|ans|a)\s*[:.\-]\s*", re.I)


@dataclass(frozen=True)
class _Title:
    """A heading or bold line taken apart: the plain text and what was peeled off it."""

    text: str
    number: int | None
    strong_number: bool          # numbered in the title itself ("Q1:", "**1. ...**"), not a list number
    difficulty: str | None

    @property
    def asking(self) -> bool:
        return self.text.endswith("?") or bool(_ASKING.match(self.text))

    @property
    def question_like(self) -> bool:
        return self.asking or self.strong_number or self.difficulty is not None

    @property
    def clearly_question(self) -> bool:
        """The stricter test ``looks_like`` uses: an asking word alone is not proof."""
        return self.text.endswith("?") or self.strong_number or self.difficulty is not None


@dataclass(frozen=True)
class _Line:
    index: int                   # 0-based
    raw: str
    kind: str                    # code | blank | sep | heading | text
    level: int = 0
    title: str = ""


def _level(match: re.Match[str]) -> str:
    if match.group("emoji"):
        return _EMOJI_LEVEL[match.group("emoji")]
    if match.group("letter"):
        return _LETTER_LEVEL.get(match.group("letter").lower(), match.group("letter").lower())
    return match.group("word").lower()


def _plain(text: str) -> str:
    """Markdown inline → plain text (links, tags, emphasis), leaving `code spans` intact."""
    parts = re.split(r"(`+[^`]*`+)", text)
    for i in range(0, len(parts), 2):
        p = parts[i]
        p = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", p)
        p = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", p)
        p = re.sub(r"</?[A-Za-z][^>]*>", "", p)
        p = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", p)
        p = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\1", p)
        p = re.sub(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])", r"\1", p)
        parts[i] = p.replace("**", "")
    return " ".join("".join(parts).split())


def _peel(text: str, *, unwrap: bool = True) -> tuple[str, int | None, bool, str | None]:
    """Strip markers, a leading number and (if ``unwrap``) whole-text emphasis, in any order.

    Repos put these in every order ("**1. What? 👶**", "[M] Q3: ...", "7. **What?**"),
    so peeling loops until nothing more comes off.
    """
    number: int | None = None
    strong = False
    difficulty: str | None = None
    if m := _EMOJI_MARK.search(text):
        difficulty = _EMOJI_LEVEL[m.group(1)]
        text = _EMOJI_MARK.sub(" ", text).strip()
        text = re.sub(r"^(\*\*|__)\s+|\s+(\*\*|__)$", lambda g: g.group(1) or g.group(2), text)
    s = text.strip()
    while True:
        before = s
        for rx in (_LEAD_MARK, _TRAIL_MARK):
            if m := rx.search(s):
                difficulty = difficulty or _level(m)
                s = s[: m.start()] + s[m.end():]
        if number is None and not strong and (m := _NUMBER.match(s)) and s[m.end():].strip():
            if m.group("q") is not None:
                number, strong = int(m.group("q")), True
            elif m.group("n") is not None:
                number = int(m.group("n"))
            else:
                strong = True
            s = s[m.end():]
        if unwrap and (m := _WHOLE_BOLD.match(s)) and m.group(1) not in m.group(2):
            s = m.group(2)
        elif unwrap and (m := re.match(r"^([*_])(?=\S)(.+?)(?<=\S)\1$", s)) and m.group(1) not in m.group(2):
            s = m.group(2)
        s = s.strip()
        if s == before:
            return s, number, strong, difficulty


def _title(text: str) -> _Title:
    """Clean question text: no tags/links, number, difficulty markers or emphasis.

    A number written in the title itself ("## 3. ...", "**3. ...**", "Q3:") numbers a
    question, so it counts as question evidence (``strong_number``).
    """
    s, number, strong, difficulty = _peel(re.sub(r"</?[A-Za-z][^>]*>", "", text))
    s = _plain(s)
    s, number2, strong2, difficulty2 = _peel(s)
    number = number if number is not None else number2
    return _Title(s, number, strong or strong2 or number is not None, difficulty or difficulty2)


def _bold_title(raw: str) -> tuple[_Title, bool] | None:
    """A whole-line bold paragraph as a title, plus whether its inner text is just a link.

    List numbers outside the bold ("7. **What?**") give the number but are not taken as
    evidence of a question (answers are full of bold numbered list items); "Q7:" is.
    """
    s = _BULLET.sub("", raw.strip(), count=1)
    s, number, strong, difficulty = _peel(s, unwrap=False)
    m = _WHOLE_BOLD.match(s)
    if not m or m.group(1) in m.group(2):
        return None
    inner = _title(m.group(2))
    link_only = bool(_LINK_ONLY.match(m.group(2)))
    title = _Title(inner.text, inner.number if inner.number is not None else number,
                   inner.strong_number or strong, inner.difficulty or difficulty)
    return title, link_only


def _section_name(text: str) -> str | None:
    """Section text without emoji, markers or emphasis ("🧠 **Basics** [E]" → "Basics")."""
    s = _plain(re.sub(r"</?[A-Za-z][^>]*>", "", text))
    s = "".join(c for c in s if unicodedata.category(c) != "So" and c not in "\ufe0f\u200d"
                and not "\U0001F3FB" <= c <= "\U0001F3FF")
    s = re.sub(rf"\s*{_MARK}\s*", " ", s, flags=re.I)
    s = " ".join(s.split()).strip(" -:|")
    return s or None


def _is_chrome_heading(text: str) -> bool:
    s = "".join(c for c in _plain(text) if c.isalnum() or c.isspace())
    return bool(_CHROME.match(" ".join(s.lower().split())))


# --- scanning ----------------------------------------------------------------------

def _code_lines(text: str, lines: list[str], seed: str, strict: bool) -> set[int]:
    """0-based lines markdown-it renders as code or HTML comment; checks fences are closed."""
    code: set[int] = set()
    for tok in _MD.parse(text):
        if tok.map is None:
            continue
        start, end = tok.map
        if tok.type == "fence":
            char, size = tok.markup[0], len(tok.markup)
            last = lines[end - 1] if end - 1 < len(lines) else ""
            closed = end - 1 > start and re.fullmatch(rf"[\s>]*{re.escape(char)}{{{size},}}\s*", last)
            if strict and not closed and not any(ln.strip() for ln in lines[end:]):
                raise ExtractError(seed, start + 1, f"code fence {tok.markup!r} opened here is never closed",
                                   f"add a closing {tok.markup} line after the code block")
            code.update(range(start, end))
        elif tok.type == "code_block" or (tok.type == "html_block" and tok.content.lstrip().startswith("<!--")):
            code.update(range(start, end))
    return code


def _scan(text: str, seed: str, strict: bool) -> list[_Line]:
    lines = text.split("\n")
    code = _code_lines(text, lines, seed, strict)
    out: list[_Line] = []
    for i, raw in enumerate(lines):
        if i in code:
            out.append(_Line(i, raw, "code"))
        elif not raw.strip():
            out.append(_Line(i, raw, "blank"))
        elif _is_separator(raw):
            out.append(_Line(i, raw, "sep"))
        elif m := _HEADING.match(raw):
            out.append(_Line(i, raw, "heading", len(m.group(1)), m.group(2) or ""))
        else:
            out.append(_Line(i, raw, "text"))
    return out


def _is_separator(raw: str) -> bool:
    """Rules, ``<br/>`` and "back to top" links: layout between questions, never content."""
    s = raw.strip()
    if _SEPARATOR.match(raw):
        return True
    return bool(_BACK_TO_TOP.search(s)) and (bool(_LINK_ONLY.match(s)) or bool(_HTML_ONLY.match(s)))


# --- choosing the question unit ----------------------------------------------------

@dataclass(frozen=True)
class _Plan:
    level: int | None            # heading level of questions, or None for bold questions
    title_level: int | None      # level of a lone document title (never a section)
    bold: Mapping[int, _Title]   # bold-question candidates by 0-based line, bold mode only
    numbered: bool               # bold mode: the document numbers its questions


def _bold_candidates(scan: list[_Line]) -> dict[int, _Title]:
    """Whole-line bold paragraphs that read as questions (see module docstring)."""
    found: dict[int, _Title] = {}
    for ln in scan:
        if ln.kind != "text" or (parsed := _bold_title(ln.raw)) is None:
            continue
        title, link_only = parsed
        if link_only or not title.text or not title.question_like:
            continue
        if title.text.endswith(":") and title.number is None:
            continue                                   # a label: "**Example:**"
        prev = scan[ln.index - 1] if ln.index else None
        starts_paragraph = prev is None or prev.kind in ("blank", "sep", "heading") or prev.index in found
        if starts_paragraph or title.strong_number:
            found[ln.index] = title
    return found


def _plan(scan: list[_Line]) -> _Plan:
    headings = [ln for ln in scan if ln.kind == "heading"]
    count = Counter(ln.level for ln in headings)
    title_level = 1 if count[1] == 1 else None
    asked = Counter(ln.level for ln in headings if ln.level != title_level and _title(ln.title).question_like)
    bold = _bold_candidates(scan)
    levels = [lv for lv in count if count[lv] >= 2 and asked[lv] >= 2 and 2 * asked[lv] >= count[lv]]
    best = max(levels, key=lambda lv: (asked[lv], -lv), default=None)
    if best is not None and asked[best] >= len(bold):
        return _Plan(best, title_level, {}, False)
    if bold:
        numbered = sum(t.number is not None for t in bold.values())
        return _Plan(None, title_level, bold, numbered >= 3 and 4 * numbered >= 3 * len(bold))
    return _Plan(_structural_level(scan, count, title_level), title_level, {}, False)


def _structural_level(scan: list[_Line], count: Counter[int], title_level: int | None) -> int | None:
    """Question level of a document with no question marks at all: topic headings.

    The section level is the shallowest repeated level; the question level is the next
    repeated level below it whose headings mostly carry text of their own.
    """
    with_body: Counter[int] = Counter()
    current: _Line | None = None
    for ln in scan:
        if ln.kind == "heading":
            current = ln
        elif current is not None and ln.kind in ("text", "code"):
            with_body[current.level] += 1
            current = None
    repeated = sorted(lv for lv in count if count[lv] >= 2 and lv != title_level)
    carrying = [lv for lv in repeated if 2 * with_body[lv] >= count[lv]]
    if not carrying:
        return None
    deeper = [lv for lv in carrying if lv > repeated[0]]
    return deeper[0] if deeper else carrying[0]


# --- answers -----------------------------------------------------------------------

def _is_trailer(ln: _Line) -> bool:
    s = ln.raw.strip()
    return ln.kind in ("blank", "sep", "heading") or bool(_HTML_ONLY.match(s)) or s.startswith("[![")


def _answer_lines(body: list[_Line]) -> list[_Line]:
    """Trim blank/separator lines at both ends and cut a heading/HTML trailer after a separator."""
    while True:
        while body and body[0].kind in ("blank", "sep"):
            body = body[1:]
        while body and body[-1].kind in ("blank", "sep"):
            body = body[:-1]
        seps = [k for k, ln in enumerate(body) if ln.kind == "sep"]
        if seps and all(_is_trailer(ln) for ln in body[seps[-1]:]):
            body = body[: seps[-1]]
            continue
        return body


def _placeholder(answer: str) -> bool:
    """Whether an answer is a stub ("Answer here", "TODO", "_(answer here)_", "...")."""
    s = re.sub(r"<!--.*?-->", " ", answer, flags=re.S)
    s = re.sub(r"<summary>.*?</summary>", " ", s, flags=re.S | re.I)
    s = re.sub(r"</?[A-Za-z][^>]*>", " ", s)
    s = re.sub(r"[*_~`>]", "", s)
    s = _ANSWER_LABEL.sub("", s.strip())
    s = " ".join(s.split()).lower().strip(" .…!?:;-–—()[]{}\"'")
    return s in _PLACEHOLDERS or bool(_TODO_NOTE.match(s))


# --- entry points ------------------------------------------------------------------

def looks_like(text: str) -> bool:
    """True for Markdown with at least 3 clear question headings or bold question lines.

    Tried after every other sniffer, and any Markdown file has headings and bold, so it
    demands headings/bold that are unmistakably questions ("?", "Q1:", a difficulty
    marker); topic-only files must be extracted with an explicit ``--format markdown``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    scan = _scan(text, "", strict=False)
    per_level = Counter(ln.level for ln in scan if ln.kind == "heading" and _title(ln.title).clearly_question)
    if any(n >= 3 for n in per_level.values()):
        return True
    return sum(t.clearly_question for t in _bold_candidates(scan).values()) >= 3


def extract(text: str, seed: str, source: str) -> list[Record]:
    """One record per question heading or bold question line, in file order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    scan = _scan(text, seed, strict=True)
    plan = _plan(scan)
    if plan.level is None and not plan.bold:
        return []

    records: list[Record] = []
    section: str | None = None
    last_number: int | None = None
    open_q: tuple[_Line, _Title] | None = None
    body: list[_Line] = []

    def close() -> None:
        nonlocal open_q, body
        if open_q is not None:
            ln, title = open_q
            answer = "\n".join(b.raw for b in _answer_lines(body))
            stub = bool(answer) and _placeholder(answer)
            records.append(Record(source=source, seed=seed, line=ln.index + 1, number=title.number,
                                  question=title.text, answer="" if stub or not answer.strip() else answer,
                                  difficulty=title.difficulty, section=section,
                                  flags=("placeholder-answer",) if stub else ()))
        open_q, body = None, []

    for ln in scan:
        question: _Title | None = None
        if ln.kind == "heading":
            if plan.level is not None and ln.level > plan.level:
                body.append(ln)                        # a sub-heading of the answer
                continue
            chrome = _is_chrome_heading(ln.title)
            if ln.level == plan.level and not chrome:
                question = _title(ln.title)
            else:                                       # a section (or chrome) boundary
                close()
                if ln.level != plan.level:              # chrome at question level keeps the section
                    title = ln.level == plan.title_level
                    section = None if chrome or title else _section_name(ln.title)
                    last_number = None
                continue
        elif ln.index in plan.bold:
            question = plan.bold[ln.index]
            if plan.numbered and question.number is None:
                question = None                         # rhetorical question inside an answer
            elif (question.number is not None and question.strong_number and not question.asking
                  and last_number is not None and question.number <= last_number):
                question = None                         # "**1. Batch GD**" inside answer 3
        if question is None or not question.text:
            body.append(ln)
            continue
        close()
        open_q = (ln, question)
        if question.number is not None:
            last_number = question.number
    close()
    return records
