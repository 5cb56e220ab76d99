"""The last step of every page: typeset its math, then let it out only through the output gate.

Why a module of its own: this is the site's security boundary at build time, and the one place
a page's HTML is refused.  Whatever produced a page (a question, a generated page, plain
Markdown, a notebook), :func:`checked` passes it through the allow-list of
:mod:`qbank.site.sanitize` and fails the build if the allow-list had to remove anything, or if a
formula shows as raw TeX (:func:`qbank.site.math.raw_tex`).  :func:`typeset` turns
arithmatex's placeholders into KaTeX HTML first, failing with the file and line of a formula
KaTeX rejects.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from qbank.katex import KatexRenderer
from qbank.site.math import find_tex_line, raw_tex, render_math
from qbank.site.sanitize import removed, sanitize_html

__all__ = ["checked", "gate", "typeset"]


def checked(html: str, page: Page) -> str:
    """The output gate, then: no formula may show as raw TeX."""
    html = gate(html, page)
    leaks = raw_tex(html)
    if leaks:
        raise PluginError(f"docs/{page.file.src_uri}: {len(leaks)} formula(s) show as raw TeX instead of being typeset, "
                          f"e.g. …{leaks[0]}…\nhint: display math \\[ … \\] needs a blank line before and after it "
                          "(run `qbank validate` for the line)")
    return html


def gate(html: str, page: Page) -> str:
    """Every page, whatever made it, leaves through the same allow-list (site/sanitize.py).

    A page from which the gate had to remove anything fails the build: validation should
    have refused that file, so the markup is a trick that slipped past it (or a bug in a
    generated page); either way nobody reviewed what the reader would get.
    """
    clean = sanitize_html(html)
    lost = removed(html, clean)
    if lost:
        where = f"docs/{page.file.src_uri}" if page.file.generated_by is None else f"the generated page {page.file.src_uri}"
        raise PluginError(f"{where}: the page holds markup the site never publishes: {', '.join(lost[:8])}"
                          f"{' ...' if len(lost) > 8 else ''}\nhint: run `qbank validate {where.removeprefix('the generated page ')}`;"
                          " remove the markup (see CONTRIBUTING.md, HTML)")
    return clean


def typeset(html: str, page: Page, renderer: KatexRenderer) -> str:
    """``html`` with its formulas typeset by KaTeX; a formula KaTeX rejects fails the build."""
    if "arithmatex" not in html:
        return html
    rendered, errors = render_math(html, renderer)
    from qbank.validate import quote  # the author's text, not a Python repr

    messages = []
    for error in errors:
        line = None
        if page.file.abs_src_path and Path(page.file.abs_src_path).exists():
            line = find_tex_line(Path(page.file.abs_src_path).read_text(encoding="utf-8"), error.tex)
        messages.append(f"docs/{page.file.src_uri}:{line or 1}: KaTeX cannot parse {quote(error.tex)}: {error.message}")
    if errors:
        raise PluginError("\n".join(messages) + "\nhint: fix the formula (it must be valid KaTeX) and build again")
    return rendered
