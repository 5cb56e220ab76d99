"""Normalize: turn raw answer/question text from any extractor into clean, idempotent Markdown.

Every transformation here must be idempotent (``normalize(normalize(x)) == normalize(x)``),
because contributors re-run the pipeline on text that already went through it once.
Code and mermaid fences are never touched inside; math is only delimiter-unified.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy

# --- fences -----------------------------------------------------------------

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_MERMAID_START = re.compile(
    r"^\s*(graph\s+(LR|RL|TD|TB|BT)|flowchart\s+(LR|RL|TD|TB|BT)|sequenceDiagram|classDiagram|"
    r"stateDiagram(-v2)?|erDiagram|gantt|pie(\s+title.*)?|mindmap|journey)\s*$"
)

# --- lists ------------------------------------------------------------------

_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[•●▪◦‣∙·\-*+])[ \t]+(?P<text>\S.*)$")
_ORDERED = re.compile(r"^(?P<indent>[ \t]*)(?P<num>\d{1,3})[.)][ \t]+(?P<text>\S.*)$")
_LONE_MARKER = re.compile(r"^[ \t]*[•●▪◦‣∙·\-*+][ \t]*$")
_HR = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")

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


def fix_unicode(text: str) -> str:
    """Repair mojibake (ftfy) then NFKC (folds Unicode 'mathematical bold' letters to ASCII).

    NFKC can expose new mojibake to ftfy (and ftfy new compatibility characters to NFKC),
    so both run until the text stops changing (two rounds in practice).
    """
    for _ in range(4):
        fixed = unicodedata.normalize("NFKC", ftfy.fix_text(text, normalization="NFC"))
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


def _split_fenced(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """Split into runs of (inside_fence, lines) so prose rules never touch code."""
    runs: list[tuple[bool, list[str]]] = []
    current: list[str] = []
    fence: str | None = None
    for line in lines:
        m = _FENCE.match(line)
        if fence is None and m:
            if current:
                runs.append((False, current))
            current, fence = [line], m.group(2)
        elif fence is not None:
            current.append(line)
            if m and m.group(2).startswith(fence[0]) and len(m.group(2)) >= len(fence) and not m.group(3).strip():
                runs.append((True, current))
                current, fence = [], None
        else:
            current.append(line)
    if current:
        if fence is not None:  # unclosed fence: close it so the rest of the page survives
            current.append(fence)
        runs.append((fence is not None, current))
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


def _reflow_lists(lines: list[str]) -> list[str]:
    """Rewrite bullet/numbered lists with 4-space nesting, as Python-Markdown needs.

    Nesting depth is inferred from the source indentation of each marker relative to the
    markers before it; a line indented deeper than its item's marker is a continuation.
    """
    out: list[str] = []
    stack: list[int] = []  # source indents of open list levels
    in_list = False
    pending_blank = False
    i = 0
    while i < len(lines):
        line = lines[i]
        # "-" alone on a line followed by the item's text on the next line (lost layout).
        if _LONE_MARKER.match(line) and i + 1 < len(lines) and lines[i + 1].strip() \
                and not _BULLET.match(lines[i + 1]) and not _LONE_MARKER.match(lines[i + 1]) \
                and not _HR.match(lines[i + 1]):
            line = line.rstrip() + " " + lines[i + 1].strip()
            i += 1
        if _LONE_MARKER.match(line):
            i += 1
            continue
        if _HR.match(line):
            out.append(line)
            stack, in_list, pending_blank = [], False, False
            i += 1
            continue
        m = _BULLET.match(line) or _ORDERED.match(line)
        if m:
            indent = len(m.group("indent").expandtabs(4))
            while stack and indent < stack[-1]:
                stack.pop()
            if not stack or indent > stack[-1]:
                stack.append(indent)
            level = len(stack) - 1
            marker = f"{m.group('num')}." if "num" in m.groupdict() and m.groupdict().get("num") else "-"
            if not in_list and out and out[-1].strip():
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
                out.append(" " * (4 * len(stack)) + line.strip())
                pending_blank = False
            else:
                stack, in_list = [], False
                out.append("")
                out.append(line.strip())
                pending_blank = False
        else:
            out.append(line.rstrip())
        i += 1
    return out


def _unify_math(text: str) -> tuple[str, list[str]]:
    """``$$..$$`` -> ``\\[..\\]``, ``$..$`` -> ``\\(..\\)``; escape ``_`` inside ``\\text{}``.

    Returns flags for delimiters that do not balance (reported, never guessed).
    """
    flags: list[str] = []
    text = _DOLLAR_BLOCK.sub(lambda m: r"\[" + m.group(1).strip() + r"\]", text)
    text = _DOLLAR_INLINE.sub(lambda m: r"\(" + m.group(1) + r"\)", text)
    # TeX treats a newline as a space, Markdown as a paragraph break: keep display math on one line.
    text = re.sub(r"\\\[(.+?)\\\]", lambda m: r"\[" + " ".join(m.group(1).split()) + r"\]", text, flags=re.S)
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
    for fenced, run in _split_fenced(lines):
        for line in run:
            if not fenced and not line.strip() and out and not out[-1].strip():
                continue
            out.append(line)
    return out


def normalize_answer(text: str) -> Normalized:
    """Clean one answer's Markdown; see the module docstring for the guarantees.

    Order matters for idempotence: unicode and tabs first, then math delimiters (so later
    rules see the final ``\\( \\)``), then paragraphs, lists and headings.
    """
    text = fix_unicode(text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4))
    lines = [line.rstrip() for line in text.split("\n")]
    flags: list[str] = []
    # Pass 1: give bare diagrams their fence; pass 2: math, paragraph, list and heading rules outside fences.
    staged: list[str] = []
    for fenced, run in _split_fenced(lines):
        if not fenced:
            run = [f"[Image]({m.group(1)}{m.group(2) or ''})" if (m := _IMAGE_URL.match(line)) else line
                   for line in run]
            run = _fence_mermaid(run)
        staged.extend(run)
    out: list[str] = []
    for fenced, run in _split_fenced(staged):
        if fenced:
            if out and out[-1].strip():
                out.append("")
            out.extend(run)
            out.append("")
            continue
        prose, math_flags = _unify_math("\n".join(run))
        flags.extend(math_flags)
        out.extend(_demote_headings(_split_paragraphs(_reflow_lists(prose.split("\n")))))
    out = _collapse_blank_lines([line.rstrip() for line in out])
    return Normalized("\n".join(out).strip("\n"), tuple(dict.fromkeys(flags)))
