"""The last line of defence: question pages are sanitized after rendering.

Bank files come from pull requests.  ``qbank validate`` rejects raw HTML outside a small
safe list, but the build must never publish active content even from a file that
skipped validation, so every question page's HTML is cleaned with nh3 (ammonia) *after*
math rendering, in ``on_page_content``.  The allow-list is what Python-Markdown,
pymdownx, Material and KaTeX produce for our content:

* headings with ids and their permalinks, lists, tables, code (pymdownx.highlight),
  admonitions and details, footnotes, tabbed sets and task lists (radio / checkbox
  inputs only), twemoji SVG, ``<pre class="mermaid"><code>`` (rendered client-side by
  Mermaid in its default *strict* security level);
* KaTeX's HTML output: spans with classes and inline styles, and its SVG (``svg``,
  ``path``, ``line``).  Inline styles keep only the properties KaTeX writes, with
  plain length/colour values and ``position: relative`` (so nothing can cover the page);
* links and images with http(s), mailto or relative URLs only.

Everything else -- ``<script>``, ``<style>``, ``<iframe>``, ``<object>``, forms, event
handlers, ``javascript:``/``data:`` URLs -- is removed (script and style with their
content).  Comments are dropped too.
"""

from __future__ import annotations

import re

import nh3

__all__ = ["sanitize_html", "clean_style"]

_TEXT = """
a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption figure
h1 h2 h3 h4 h5 h6 hr i img input ins kbd label li mark ol p pre q s samp small span strong sub summary sup
table tbody td tfoot th thead time tr u ul var
"""
TAGS = frozenset(_TEXT.split()) | {"svg", "path", "line"}

ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir", "role", "aria-hidden", "aria-label"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "style"},
    "col": {"span"},
    "ol": {"start", "type"},
    "details": {"open"},
    "div": {"style", "data-tabs"},
    "span": {"style"},
    "input": {"checked", "disabled", "name"},
    "label": {"for"},
    "time": {"datetime"},
    "svg": {"xmlns", "width", "height", "viewBox", "preserveAspectRatio", "style", "fill", "focusable"},
    "path": {"d", "fill", "fill-rule", "clip-rule"},
    "line": {"x1", "x2", "y1", "y2", "stroke-width"},
}
# tag_attribute_values is an alternative to `attributes` for the attributes it names.
ATTRIBUTE_VALUES = {"input": {"type": {"radio", "checkbox"}}}

# What KaTeX's HTML output and Markdown tables (text-align) put in style attributes.
STYLE_PROPERTIES = frozenset("""
height width min-width max-width top bottom left right vertical-align margin margin-left margin-right
margin-top margin-bottom padding-left padding-right padding-top padding-bottom border-width border-style
border-color border-top-width border-bottom-width border-left-width border-right-width border-right-style
border-left-style border-top-style border-bottom-style color background-color text-align position
""".split())
_LENGTH = r"-?(?:\d+\.?\d*|\.\d+)(?:em|ex|px|%)?"
_SAFE_VALUE = re.compile(
    rf"(?:{_LENGTH})(?:\s+{_LENGTH}){{0,3}}|#[0-9a-fA-F]{{3,8}}|[a-zA-Z]+|rgba?\([\d\s.,%]+\)"
)
URL_SCHEMES = {"http", "https", "mailto"}


def clean_style(value: str) -> str | None:
    """Keep the declarations KaTeX writes, with plain values; None if nothing is left."""
    kept = []
    for decl in value.split(";"):
        prop, sep, val = decl.partition(":")
        prop, val = prop.strip().lower(), val.strip()
        if not sep or prop not in STYLE_PROPERTIES or not _SAFE_VALUE.fullmatch(val):
            continue
        if prop == "position" and val.lower() != "relative":
            continue
        kept.append(f"{prop}:{val}")
    return ";".join(kept) + ";" if kept else None


def _filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "style":
        return clean_style(value)
    return value


# Inputs are kept for pymdownx.tabbed (radio) and task lists (checkbox) only; nh3 cannot
# drop an element by attribute value, so the others go afterwards (its output is normalized).
_OTHER_INPUT = re.compile(r'<input(?![^>]*\stype="(?:radio|checkbox)")[^>]*>')


def sanitize_html(html: str) -> str:
    """``html`` with only the allow-listed tags, attributes, styles and URL schemes."""
    return _OTHER_INPUT.sub("", _clean(html))


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        attribute_filter=_filter,
        tag_attribute_values={k: {a: set(v) for a, v in d.items()} for k, d in ATTRIBUTE_VALUES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
