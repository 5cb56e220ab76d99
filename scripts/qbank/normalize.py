"""Normalize: turn raw answer/question text from any extractor into clean, idempotent Markdown.

Every transformation here must be idempotent (``normalize(normalize(x)) == normalize(x)``),
because contributors re-run the pipeline on text that already went through it once.
Code and mermaid fences are never touched inside; existing math is only delimiter-unified,
and formulas left as plain text (Unicode sub/superscripts, ``v_t = β * v_{t-1}``) are
typeset by :mod:`qbank.formulas`; NFKC never sees a sub/superscript, which it would flatten.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy

from .bankfile import fenced_blocks
from .captions import CaptionRules, default_rules
from .formulas import SCRIPT_CHARS, typeset_line

# --- fences -----------------------------------------------------------------

_MERMAID_START = re.compile(
    r"^\s*(graph\s+(LR|RL|TD|TB|BT)|flowchart\s+(LR|RL|TD|TB|BT)|sequenceDiagram|classDiagram|"
    r"stateDiagram(-v2)?|erDiagram|gantt|pie(\s+title.*)?|mindmap|journey)\s*$"
)

# --- lists ------------------------------------------------------------------

_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[•●▪◦‣∙·\-*+])[ \t]+(?P<text>\S.*)$")
_ORDERED = re.compile(r"^(?P<indent>[ \t]*)(?P<num>\d{1,3})[.)][ \t]+(?P<text>\S.*)$")
_LONE_MARKER = re.compile(r"^[ \t]*[•●▪◦‣∙·\-*+][ \t]*$")
_HR = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_LETTERED = re.compile(r"^(?P<indent>[ \t]*)(?P<letter>[A-Za-z])(?P<delim>[.)])\.?[ \t]+(?P<text>\S.*)$")
_GLUED_BULLET = re.compile(r"^(?P<indent>[ \t]*)-(?=[A-Z][a-z])")

# --- math ---------------------------------------------------------------------

_DOLLAR_BLOCK = re.compile(r"(?<![\\$])\$\$(.+?)\$\$", re.S)
_DOLLAR_INLINE = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])")
_TEXT_UNDERSCORE = re.compile(r"(\\text\{)([^{}]*)(\})")

_IMAGE_URL = re.compile(r"^\s*(https?://\S+?\.(?:png|jpe?g|gif|svg|webp))(\?\S*)?\s*$", re.I)
_HEADING = re.compile(r"^(#{1,6})(\s+.*)$")


@dataclass(frozen=True)
class Normalized:
    """Normalized text plus review flags (problems we detect but must not guess at)."""

    text: str
    flags: tuple[str, ...] = ()


def _nfkc_keeping_scripts(text: str) -> str:
    """NFKC, except for sub- and superscripts: NFKC would turn "g²" into "g2" and
    "Aₗ₋₁" into "Al−1", losing what they mean (:mod:`qbank.formulas` typesets them)."""
    pieces = SCRIPT_CHARS.split(text)
    scripts = SCRIPT_CHARS.findall(text)
    out = [unicodedata.normalize("NFKC", pieces[0])]
    for script, piece in zip(scripts, pieces[1:]):
        out += [script, unicodedata.normalize("NFKC", piece)]
    return "".join(out)


def fix_unicode(text: str) -> str:
    """Repair mojibake (ftfy) then NFKC (folds Unicode 'mathematical bold' letters to ASCII).

    Sub- and superscript characters are kept as they are (see ``_nfkc_keeping_scripts``).
    NFKC can expose new mojibake to ftfy (and ftfy new compatibility characters to NFKC),
    so both run until the text stops changing (two rounds in practice).
    """
    for _ in range(4):
        fixed = _nfkc_keeping_scripts(ftfy.fix_text(text, normalization="NFC"))
        # Zero-width and BOM characters are invisible scrape debris.
        fixed = re.sub("[\u200b\u200c\u200d\u2060\ufeff]", "", fixed)
        if fixed == text:
            break
        text = fixed
    return text


def normalize_question(text: str) -> str:
    """One clean line: unicode fixed, Markdown emphasis and whitespace runs removed."""
    # Collapsing whitespace can complete a mojibake sequence ("Â" + space), so repeat to a fixed point.
    for _ in range(4):
        cleaned = re.sub(r"\s+", " ", fix_unicode(text)).strip()
        cleaned = re.sub(r"\s+", " ", re.sub(r"(\*\*|__)(.+?)\1", r"\2", cleaned)).strip()
        if cleaned == text:
            break
        text = cleaned
    return text


def split_fenced(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """Split into runs of (inside_fence, lines) so prose rules never touch code (fences as
    :mod:`qbank.bankfile` reads them)."""
    runs: list[tuple[bool, list[str]]] = []
    done = 0
    for block in fenced_blocks(lines):
        if block.start > done:
            runs.append((False, lines[done:block.start]))
        run = lines[block.start:block.stop]
        if not block.closed:  # unclosed fence: close it so the rest of the page survives
            run.append(block.fence.marker)
        runs.append((True, run))
        done = block.stop
    if done < len(lines):
        runs.append((False, lines[done:]))
    return runs


def _fence_mermaid(lines: list[str]) -> list[str]:
    """Wrap a bare diagram (``graph LR`` + its indented lines) in a ```mermaid fence."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _MERMAID_START.match(lines[i]):
            block = [lines[i]]
            i += 1
            while i < len(lines) and lines[i].strip() and (lines[i].startswith((" ", "\t")) or "-->" in lines[i]):
                block.append(lines[i])
                i += 1
            indent = min(len(b) - len(b.lstrip()) for b in block)
            if out and out[-1].strip():
                out.append("")
            out.append("```mermaid")
            out.extend(b[indent:].rstrip() for b in block)
            out.append("```")
            if i < len(lines) and lines[i].strip():
                out.append("")
            continue
        out.append(lines[i])
        i += 1
    return out


def _is_item(line: str) -> bool:
    return bool(_BULLET.match(line) or _ORDERED.match(line))


def _merge_lone_markers(lines: list[str]) -> list[str]:
    """``-`` alone on a line followed by the item's text on the next line (lost layout)
    becomes one item line; a marker with nothing to merge is left for the reflow to drop."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _LONE_MARKER.match(line) and i + 1 < len(lines) and lines[i + 1].strip() \
                and not _BULLET.match(lines[i + 1]) and not _LONE_MARKER.match(lines[i + 1]) \
                and not _HR.match(lines[i + 1]):
            out.append(line.rstrip() + " " + lines[i + 1].strip())
            i += 2
            continue
        out.append(line)
        i += 1
    return out


def _glued_bullets(lines: list[str]) -> list[str]:
    """``-The sigmoid ...``: a dash glued to a capitalised word is a bullet that lost its
    space.  Only when the answer has two or more such lines (one could be prose)."""
    if sum(bool(_GLUED_BULLET.match(line)) for line in lines) < 2:
        return lines
    return [_GLUED_BULLET.sub(r"\g<indent>- ", line) for line in lines]


def _lettered_items(lines: list[str]) -> list[str]:
    """``a.``/``b.`` (or ``a)``, ``e).``) enumerations become list items that keep their letter.

    Markdown has no lettered lists, so they are written ``- a. text``.  Only runs that
    start at ``a`` and continue in order (``b``, ``c``, ..., any case, same delimiter)
    count, and only when every lettered line of the answer belongs to such a run of two or
    more (all or nothing, so a second pass decides the same): "A. Smith" stays prose.
    A run that directly follows a list item (no blank line between) holds that item's
    sub-points, so it is nested under it.
    """
    runs: list[list[tuple[int, re.Match[str]]]] = []
    for i, line in enumerate(lines):
        if not (m := _LETTERED.match(line)):
            continue
        last = runs[-1][-1][1] if runs else None
        if last is not None and ord(m.group("letter").lower()) == ord(last.group("letter").lower()) + 1 \
                and m.group("delim") == last.group("delim"):
            runs[-1].append((i, m))
        elif m.group("letter").lower() == "a":
            runs.append([(i, m)])
        else:
            return lines  # a letter out of sequence: not an enumeration we can read
    if any(len(run) < 2 for run in runs):
        return lines
    out = list(lines)
    for run in runs:
        first, m = run[0]
        prev = lines[first - 1] if first > 0 else ""
        nest = bool(prev.strip()) and _is_item(prev) and \
            len(prev) - len(prev.lstrip()) == len(m.group("indent").expandtabs(4))
        for i, m in run:
            indent = m.group("indent") + ("  " if nest else "")
            marker = m.group(0)[len(m.group("indent")):].split(None, 1)[0]
            out[i] = f"{indent}- {marker} {m.group('text').rstrip()}"
    return out


def _label(text: str) -> bool:
    """A short heading-like item ("The input data to the network:"), not a sentence."""
    return text.endswith(":") and ":" not in text[:-1] and ". " not in text and len(text.split()) <= 6


def _flat_outlines(lines: list[str]) -> list[str]:
    """Give a flattened outline its levels back.

    A scrape (or a careless author) can flatten ``- Part:`` / ``  - point`` into one level.
    Runs on reflowed lines.  In a run of bullets that are all at one indent, with no other
    text between them, whose first item and at least one more are labels ending in ``:``,
    every item after a label belongs to that label; and after an item that ends in ``:``
    inside such a group, the items that start in lower case continue it ("Question each
    component:" / "- can ...").
    """
    out = list(lines)
    i = 0
    while i < len(lines):
        if not _BULLET.match(lines[i]):
            i += 1
            continue
        run, j = [], i
        while j < len(lines) and (not lines[j].strip() or _BULLET.match(lines[j])):
            if lines[j].strip():
                run.append(j)
            j += 1
        items = [_BULLET.match(lines[k]) for k in run]
        indents = {m.group("indent") for m in items if m}
        labels = [m is not None and _label(m.group("text").rstrip()) for m in items]
        continued = j < len(lines) and lines[j][:1].isspace()  # the last item has more text
        if len(indents) == 1 and labels and labels[0] and sum(labels) >= 2 and not continued:
            base = indents.pop()
            opener = False
            for k, m, is_label in zip(run, items, labels):
                assert m is not None
                text = m.group("text").rstrip()
                if is_label:
                    opener = False
                    continue
                deeper = opener and text[:1].islower()
                out[k] = f"{base}{' ' * (8 if deeper else 4)}{m.group('marker')} {text}"
                opener = deeper or text.endswith(":")
        i = j
    return out


def _reflow_lists(lines: list[str]) -> list[str]:
    """Rewrite bullet/numbered lists with 4-space nesting, as Python-Markdown needs.

    Nesting depth is inferred from the source indentation of each marker relative to the
    markers before it; a line indented deeper than its item's marker is a continuation.
    Two repairs of lost layout:

    * an item numbered ``n`` that would open a deeper level, while an open level's last
      item is ``n-1``, continues that level (a nested list starts at 1, so "5." after
      "4." and its indented paragraph is item 5, not a sub-item);
    * once an item holds a paragraph of its own (a continuation after a blank line), every
      later item of the list gets a blank line before it: Python-Markdown would otherwise
      read the next ``2.`` as more text of that paragraph.
    """
    out: list[str] = []
    stack: list[int] = []  # source indents of open list levels
    numbers: list[int | None] = []  # last number seen on each open level (None: bullets)
    in_list = False
    pending_blank = False
    loose = False
    for line in lines:
        if _LONE_MARKER.match(line):
            continue
        if _HR.match(line):
            out.append(line)
            stack, numbers, in_list, pending_blank, loose = [], [], False, False, False
            continue
        m = _BULLET.match(line) or _ORDERED.match(line)
        if m:
            indent = len(m.group("indent").expandtabs(4))
            num = int(m.group("num")) if m.groupdict().get("num") else None
            while stack and indent < stack[-1]:
                stack.pop()
                numbers.pop()
            if stack and indent > stack[-1] and num is not None and num > 1 and num - 1 in numbers:
                level = len(numbers) - 1 - numbers[::-1].index(num - 1)
                del stack[level + 1:], numbers[level + 1:]
            elif not stack or indent > stack[-1]:
                stack.append(indent)
                numbers.append(None)
            numbers[-1] = num
            level = len(stack) - 1
            marker = f"{num}." if num is not None else "-"
            if (not in_list or loose) and out and out[-1].strip():
                out.append("")
            out.append(" " * (4 * level) + f"{marker} {m.group('text').rstrip()}")
            in_list, pending_blank = True, False
        elif not line.strip():
            pending_blank = True
            if not in_list:
                out.append("")
        elif in_list:
            indent = len(line) - len(line.lstrip())
            if indent > 0 and stack and indent >= stack[-1]:
                # continuation paragraph of the current item
                if pending_blank:
                    out.append("")
                    loose = True
                out.append(" " * (4 * len(stack)) + line.strip())
                pending_blank = False
            else:
                stack, numbers, in_list, loose = [], [], False, False
                out.append("")
                out.append(line.strip())
                pending_blank = False
        else:
            out.append(line.rstrip())
    return out


def _structure_lists(lines: list[str]) -> list[str]:
    """Every list repair, in the order they depend on each other, then the reflow."""
    lines = _merge_lone_markers(lines)
    lines = _glued_bullets(lines)
    lines = _lettered_items(lines)
    # On the reflowed list, where one level is one indent, so a second pass finds the same runs.
    return _flat_outlines(_reflow_lists(lines))


def _unify_math(text: str) -> tuple[str, list[str]]:
    """``$$..$$`` -> ``\\[..\\]``, ``$..$`` -> ``\\(..\\)``; escape ``_`` inside ``\\text{}``.

    Returns flags for delimiters that do not balance (reported, never guessed).
    """
    flags: list[str] = []
    text = _DOLLAR_BLOCK.sub(lambda m: r"\[" + m.group(1).strip() + r"\]", text)
    text = _DOLLAR_INLINE.sub(lambda m: r"\(" + m.group(1) + r"\)", text)
    # TeX treats a newline as a space, Markdown as a paragraph break: keep display math on one line.
    text = re.sub(r"\\\[(.*?)\\\]", lambda m: r"\[" + " ".join(m.group(1).split()) + r"\]", text, flags=re.S)
    text = _TEXT_UNDERSCORE.sub(lambda m: m.group(1) + re.sub(r"(?<!\\)_", r"\\_", m.group(2)) + m.group(3), text)
    if text.count(r"\(") != text.count(r"\)") or text.count(r"\[") != text.count(r"\]"):
        flags.append("unbalanced-math")
    return text, flags


_PROSE_END = re.compile(r"[.!?:)]\s*$")
_PROSE_START = re.compile(r"^[A-Z0-9\"'(]")


def _split_paragraphs(lines: list[str]) -> list[str]:
    """Scrapes lose blank lines between paragraphs: a sentence-ending line followed by a
    capitalised prose line starts a new paragraph (otherwise Markdown glues them together)."""
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (line.strip() and nxt.strip() and not line.startswith((" ", "|", "#", "!", "<"))
                and not nxt.startswith((" ", "|", "#", "!", "<")) and _PROSE_END.search(line)
                and _PROSE_START.match(nxt) and not _BULLET.match(line) and not _ORDERED.match(line)
                and not _BULLET.match(nxt) and not _ORDERED.match(nxt)):
            out.append("")
    return out


def _demote_headings(lines: list[str]) -> list[str]:
    """Answers live under an ``## Answer`` heading: keep their own headings at level 3+."""
    levels = [len(m.group(1)) for line in lines if (m := _HEADING.match(line))]
    if not levels or min(levels) >= 3:
        return lines
    shift = 3 - min(levels)
    return [
        ("#" * min(6, len(m.group(1)) + shift) + m.group(2)) if (m := _HEADING.match(line)) else line
        for line in lines
    ]


def _collapse_blank_lines(lines: list[str]) -> list[str]:
    """At most one blank line in a row, outside fences only (code keeps its spacing)."""
    out: list[str] = []
    for fenced, run in split_fenced(lines):
        for line in run:
            if not fenced and not line.strip() and out and not out[-1].strip():
                continue
            out.append(line)
    return out


def normalize_answer(text: str, captions: CaptionRules | None = None) -> Normalized:
    """Clean one answer's Markdown; see the module docstring for the guarantees.

    Order matters for idempotence: unicode and tabs first, then caption noise (on the
    scraped line layout), math delimiters (so later rules see the final ``\\( \\)``), then
    paragraphs, lists and headings.  ``captions`` defaults to ``data/caption_noise.yml``.
    """
    rules = captions or default_rules()
    text = fix_unicode(text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4))
    lines = [line.rstrip() for line in text.split("\n")]
    flags: list[str] = []
    # Pass 1: give bare diagrams their fence; pass 2: math, paragraph, list and heading rules outside fences.
    staged: list[str] = []
    for fenced, run in split_fenced(lines):
        if not fenced:
            run = [f"[Image]({m.group(1)}{m.group(2) or ''})" if (m := _IMAGE_URL.match(line)) else line
                   for line in run]
            run = _fence_mermaid(run)
        staged.extend(run)
    out: list[str] = []
    for fenced, run in split_fenced(staged):
        if fenced:
            if out and out[-1].strip():
                out.append("")
            out.extend(run)
            out.append("")
            continue
        prose, math_flags = _unify_math("\n".join(rules.strip(run, text)))
        flags.extend(math_flags)
        # New delimiters in text whose own do not balance would pair up with the stray ones.
        lines = prose.split("\n") if math_flags else [typeset_line(line) for line in prose.split("\n")]
        out.extend(_demote_headings(_split_paragraphs(_structure_lists(lines))))
    out = _collapse_blank_lines([line.rstrip() for line in out])
    return Normalized("\n".join(out).strip("\n"), tuple(dict.fromkeys(flags)))
