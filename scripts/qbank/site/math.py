"""Build-time math rendering: pymdownx.arithmatex (generic mode) -> KaTeX HTML.

The site must work offline and fast, so formulas are typeset once at build
time by KaTeX running in a single persistent Node process
(:mod:`qbank.katex`), and pages ship only KaTeX's CSS and fonts (see
:mod:`qbank.site.vendor`), no JavaScript.

arithmatex's generic output, which :func:`render_math` rewrites::

    <span class="arithmatex">\\(a &lt; b\\)</span>        inline: $...$ and \\(...\\)
    <div class="arithmatex">\\[ ... \\]</div>             block: $$...$$, \\[...\\], \\begin{env}

The TeX inside is HTML-escaped (``<``, ``>``, ``&``) and is unescaped here
before KaTeX sees it.

Output mode: KaTeX is run with ``output="html"``. ``htmlAndMathml`` adds a
hidden MathML copy of every formula (about +40% elements on our content: 364
vs 507 for six typical formulas), which counts against the page's DOM-node
budget. KaTeX's HTML is always ``aria-hidden``, so to stay accessible the
wrapper gets ``role="img"`` and ``aria-label`` = the TeX source (what
screen readers announce; zero extra nodes). Pass ``output="htmlAndMathml"`` to
:class:`KatexRenderer` to switch; the wrapper then carries no label, since
the MathML speaks for itself.
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from qbank.katex import KatexError, KatexRenderer
from qbank.site import strict_html

__all__ = [
    "MathError",
    "find_tex_line",
    "raw_tex",
    "render_math",
]


@dataclass(frozen=True)
class MathError:
    """A formula KaTeX could not typeset (left untouched in the HTML)."""

    tex: str
    message: str
    display: bool


# -- HTML rewriting ------------------------------------------------------------
# arithmatex escapes the TeX, so the element body never contains a raw "<".
_ARITHMATEX_RE = re.compile(r'<(span|div) class="arithmatex">([^<]*)</\1>')
_DELIMS = ((r"\(", r"\)"), (r"\[", r"\]"), ("$$", "$$"), ("$", "$"))


def _strip_delims(body: str) -> str:
    for left, right in _DELIMS:
        if body.startswith(left) and body.endswith(right) and len(body) >= len(left) + len(right):
            return body[len(left) : len(body) - len(right)]
    return body


def render_math(html: str, renderer: KatexRenderer) -> tuple[str, list[MathError]]:
    """Replace arithmatex (generic) placeholders in ``html`` by KaTeX HTML.

    Returns the new HTML and the formulas KaTeX rejected; those stay in the
    HTML exactly as they were, so the caller can report and fail the build.
    """
    errors: list[MathError] = []
    label = getattr(renderer, "output", "html") == "html"

    def repl(m: re.Match[str]) -> str:
        tag, body = m.group(1), m.group(2)
        display = tag == "div"
        tex = _html.unescape(_strip_delims(body))
        try:
            out = renderer.render(tex, display)
        except KatexError as exc:
            errors.append(MathError(tex, exc.message, display))
            return m.group(0)
        attrs = ""
        if label:
            attrs = ' role="img" aria-label="%s"' % _html.escape(" ".join(tex.split()), quote=True)
        return f'<{tag} class="arithmatex katex-rendered"{attrs}>{out}</{tag}>'

    return _ARITHMATEX_RE.sub(repl, html), errors


def find_tex_line(source: str, tex: str) -> int | None:
    """1-based line of ``source`` (Markdown) where formula ``tex`` starts, if found.

    Helps the build hook turn a :class:`MathError` into ``file:line``.
    """
    first = next((ln.strip() for ln in tex.splitlines() if ln.strip()), "")
    if not first:
        return None
    idx = source.find(first)
    return None if idx < 0 else source.count("\n", 0, idx) + 1


class _ProseText(HTMLParser):
    """The text a reader sees as prose: outside code, preformatted blocks and KaTeX output."""

    SKIP = frozenset({"code", "pre", "script", "style", "kbd", "samp"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # one entry per open element: does it hide its text?
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            return
        classes = next((v or "" for k, v in attrs if k == "class"), "").split()
        hidden = tag in self.SKIP or any(c.startswith("katex") or c == "arithmatex" for c in classes)
        self.stack.append(hidden or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_ELEMENTS and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta source track wbr".split())
# What a formula leaves in the text when Markdown did not hand it to KaTeX.
RAW_TEX = re.compile(r"\\[()\[\]]|\$\$|\\(?:begin|end)\{|\\[a-zA-Z]{2,}(?=[{_^\\\s(]|$)")


# What can decode to a backslash or a dollar sign: without any, no RAW_TEX can match the text.
_TEX_CHARS = re.compile(r"[\\$]|&(?:#0*(?:92|36)(?!\d)|#[xX]0*(?:5[cC]|24)(?![0-9a-fA-F])|bsol;|dollar;)")


def raw_tex(html: str) -> list[str]:
    """Snippets of TeX showing as plain text on a rendered page (a formula Markdown broke:
    display math inside a paragraph, an unclosed delimiter...)."""
    if not _TEX_CHARS.search(html):  # most pages: nothing to look for, no need to parse
        return []
    # Most of the rest hold a backslash only in attributes (KaTeX's aria-label): no text run
    # can decode to one, so the prose cannot either.  Any other page is parsed.
    if strict_html.texts_matching(html, _TEX_CHARS.pattern, starts="\\$&") == []:
        return []
    parser = _ProseText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    return [" ".join(text[max(m.start() - 25, 0):m.end() + 25].split()) for m in RAW_TEX.finditer(text)]
