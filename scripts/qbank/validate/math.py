"""QB401-QB403, math: formulas found exactly as pymdownx.arithmatex finds them, each
parsed by the KaTeX the site ships."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..bankfile import blank
from .context import Context
from .doc import Doc, Formula, quote

# pymdownx.arithmatex's own patterns (generic mode, smart dollars), so what we parse is
# exactly what the build renders.
_RE_DOLLAR_BLOCK = r"(?P<dollar>[$]{2})(?P<math>(?:\\.|[^\\])+?)(?P=dollar)"
_RE_TEX_BLOCK = r"(?P<math2>\\begin\{(?P<env>[a-z]+\*?)\}(?:\\.|[^\\])+?\\end\{(?P=env)\})"
_RE_BRACKET_BLOCK = r"\\\[(?P<math3>(?:\\[^\]]|[^\\])+?)\\\]"
_RE_SMART_DOLLAR_INLINE = r"(?:(?<!\\)((?:\\{2})+)(?=\$)|(?<!\\)(\$)(?!\s)((?:\\.|[^\\$])+?)(?<!\s)(?:\$))"
_RE_BRACKET_INLINE = r"(?:(?<!\\)((?:\\{2})+?)(?=\\\()|(?<!\\)(\\\()((?:\\[^)]|[^\\])+?)(?:\\\)))"
MATH_BLOCK = re.compile(f"(?:{_RE_DOLLAR_BLOCK})|(?:{_RE_BRACKET_BLOCK})|(?:{_RE_TEX_BLOCK})", re.S)
MATH_INLINE = re.compile(f"(?:{_RE_SMART_DOLLAR_INLINE}|{_RE_BRACKET_INLINE})", re.S)
MATH_LEFTOVER = re.compile(r"(?<!\\)(\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{[a-z]+\*?\}|\\end\{[a-z]+\*?\})")
# A lone `$` that no `$` closes, followed by TeX in its first word ("the $p\% smallest",
# "$x_i is"): arithmatex leaves it as raw text.  A price ("costs $5 and $10") starts with a
# digit and a lone `$HOME` has no TeX, so neither is reported.
LONE_DOLLAR = re.compile(r"(?<![\\$])\$(?![\s\d$])(?P<word>[^\s$]{1,40})")
TEX_IN_WORD = re.compile(r"\\[A-Za-z%&#{}_]|[_^{]")
# An unescaped \( inside what the inline pattern took as one formula.
NESTED_OPEN = re.compile(r"(?<!\\)(?:\\\\)*\\\(")

BLANK_LINE = re.compile(r"\n[ \t]*\n")


def find_math(doc: Doc) -> None:
    """Collect formulas exactly as pymdownx.arithmatex sees them; report unbalanced ones.

    Afterwards the formulas are blanked out of ``doc.masked`` so HTML and link checks never
    mistake ``a<b`` inside math for a tag.
    """
    text = doc.masked
    base = doc.body_offset
    spans: list[tuple[int, int]] = []

    def block(m: re.Match[str]) -> str:
        if BLANK_LINE.search(m.group()):
            return m.group()
        tex = m.group("math") if m.group("math") is not None else (
            m.group("math3") if m.group("math3") is not None else m.group("math2"))
        if not _stands_alone(text, m.start(), m.end()):
            opener = m.group()[:2] if m.group("math2") is None else "\\begin"
            doc.add("QB401", base + m.start(), f"display math {opener} ... must be a block of its own: Markdown shows it "
                    "as raw text inside a paragraph or a list item's first lines",
                    "put a blank line before and after it; inside a list item, indent it like the item's text "
                    "(4 spaces per level)")
        doc.formulas.append(Formula(base + m.start(), tex, True))
        spans.append((m.start(), m.end()))
        return blank(m.group())

    text = MATH_BLOCK.sub(block, text)

    def inline(m: re.Match[str]) -> str:
        if m.group(1) or m.group(4):  # escaped backslashes
            return m.group()
        if BLANK_LINE.search(m.group()):
            return m.group()
        tex = m.group(3) if m.group(3) is not None else m.group(6)
        nested = NESTED_OPEN.search(tex) if m.group(5) else None
        if nested:  # \( a ... \( b \): the first formula is never closed
            first, second = doc.pos(base + m.start()), doc.pos(base + m.start(6) + nested.end() - 2)
            doc.add("QB401", base + m.start(), f"unclosed \\( opened at {first[0]}:{first[1]}: the next \\( at "
                    f"{second[0]}:{second[1]} comes before any \\)",
                    "end the first formula with \\) where it ends")
        else:
            doc.formulas.append(Formula(base + m.start(), tex, False))
        return blank(m.group())

    text = MATH_INLINE.sub(inline, text)
    for m in MATH_LEFTOVER.finditer(text):
        tok = m.group(1)
        closers = {"\\)": "\\(", "\\]": "\\["}
        if tok in closers:
            msg = f"'{tok}' closes no '{closers[tok]}'"
        elif tok.startswith("\\begin"):
            msg = f"'{tok}' has no matching '\\end{tok[6:]}'"
        elif tok.startswith("\\end"):
            msg = f"'{tok}' has no matching '\\begin{tok[4:]}'"
        else:
            close = {"\\(": "\\)", "\\[": "\\]", "$$": "$$"}[tok]
            line, col = doc.pos(base + m.start())
            msg = f"unclosed {tok} opened at {line}:{col}: no {close} closes it in the same paragraph"
        doc.add("QB401", base + m.start(), msg)
    for m in LONE_DOLLAR.finditer(text):
        if TEX_IN_WORD.search(m.group("word")):
            line, col = doc.pos(base + m.start())
            doc.add("QB401", base + m.start(), f"unclosed $ opened at {line}:{col} before {quote(m.group('word'), 30)}: "
                    "no $ closes it, so the formula shows as raw text",
                    "write inline math as \\( ... \\) (or close the $ ... $); a dollar sign that is not math is \\$")
    doc.masked = text


def _stands_alone(text: str, start: int, end: int) -> bool:
    """pymdownx.arithmatex reads display math only as a whole Markdown block: nothing but
    indentation before it on its line, a blank line (or the start) above, nothing after it
    on its closing line and a blank line (or the end) below."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False
    above = text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1:max(line_start - 1, 0)] if line_start else ""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if text[end:line_end].strip():
        return False
    below_end = text.find("\n", line_end + 1)
    below = text[line_end + 1:len(text) if below_end == -1 else below_end]
    return not above.strip() and not below.strip()


def check_math(docs: Sequence[Doc], ctx: Context, renderer: Any | None) -> None:
    """Parse every formula with the KaTeX the site ships, so what validates renders.

    KaTeX runs in the same persistent Node process as the build (qbank.katex); its
    results are cached by (tex, display), so the build re-uses them.  A missing Node or
    KaTeX is an error, never a silent skip.
    """
    pending = [(d, f) for d in docs if d.selected for f in d.formulas]
    if not pending:
        return
    from ..katex import KatexError, KatexRenderer, MathToolError

    own = renderer is None
    katex = KatexRenderer(ctx.node_modules) if renderer is None else renderer
    try:
        prefetch = getattr(katex, "prefetch", None)  # many formulas per round trip to Node
        if prefetch is not None:
            try:
                prefetch((f.tex, f.display) for _, f in pending)
            except MathToolError:
                pass  # reported below, as render() raises it again
        for doc, f in pending:
            try:
                katex.render(f.tex, f.display)
            except KatexError as err:
                doc.add("QB402", f.offset, f"KaTeX cannot parse {quote(f.tex.strip())}: {err.message}")
            except MathToolError as err:
                first = str(err).splitlines()[0]
                doc.add("QB403", f.offset, f"cannot check math: {first}")
                return
    finally:
        if own:
            katex.close()
