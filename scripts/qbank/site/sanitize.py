"""The output gate: one allow-list for every page the build writes and for the Anki deck.

Bank files, notebooks, data files and plain pages come from pull requests.  ``qbank
validate`` rejects raw HTML outside a small safe list, but the site must never publish
active content even when a trick slips past it, so every page's HTML -- question,
generated, plain Markdown, notebook -- is cleaned with nh3 (ammonia) *after* math
rendering, in ``on_page_content``, and so are the HTML fields of the Anki deck.  Beyond
cleaning, :func:`removed` tells what the gate had to take out: the build refuses a page
from which anything was removed (a bank file that needed cleaning is a bad bank file).

The allow-list is what Python-Markdown, pymdownx, Material and KaTeX produce for our content:

* headings with ids and their permalinks, lists, tables, code (pymdownx.highlight),
  admonitions and details, footnotes, tabbed sets and task lists (radio / checkbox
  inputs only), ``<pre class="mermaid"><code>`` (rendered client-side by
  Mermaid in its default *strict* security level);
* KaTeX's HTML output: spans with classes and inline styles, and its SVG (``svg``,
  ``path``, ``line``).  Inline styles keep only the properties KaTeX writes, with
  plain length/colour values and ``position: relative`` (so nothing can cover the page);
* links with http(s), mailto or relative URLs only; images with relative URLs only (nothing
  is loaded from another host);
* classes: any, except Material's own layout classes (``md-*``), of which only
  :data:`MATERIAL_CLASSES` may appear in content -- ``md-consent__overlay`` and friends are
  fixed-position layers that would cover the page without a line of script.  ``qb-*`` are
  this site's classes (docs/assets/stylesheets), none of which positions anything.

Everything else -- ``<script>``, ``<style>``, ``<iframe>``, ``<object>``, forms, event
handlers, ``javascript:``/``data:`` URLs -- is removed (script and style with their
content).  Comments are dropped too.

:func:`removed` compares what html.parser reports of a page before and after cleaning; a page
written strictly (all of ours) is read by :mod:`qbank.site.strict_html` instead, which finds the
same tags and attributes several times faster, and each distinct tag is read once.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from html.parser import HTMLParser
from typing import NamedTuple

import nh3

from qbank.site import strict_html

__all__ = ["MATERIAL_CLASSES", "Inventory", "clean_style", "inventory", "parsed_inventory", "removed", "sanitize_html"]

_TEXT = """
a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption figure
h1 h2 h3 h4 h5 h6 hr i img input ins kbd label li mark ol p pre q s samp small span strong sub summary sup
table tbody td tfoot th thead time tr u ul var
"""
TAGS = frozenset(_TEXT.split()) | {"svg", "path", "line"}

ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir", "role", "aria-hidden", "aria-label"},
    "a": {"href", "name", "download"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
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
# The only Material classes content may carry (buttons, as our pages and CONTRIBUTING use them).
MATERIAL_CLASSES = frozenset({"md-button", "md-button--primary"})


def clean_class(value: str) -> str | None:
    """Drop Material's layout classes (md-*) other than the buttons; None if nothing is left."""
    kept = [c for c in value.split() if not c.startswith("md-") or c in MATERIAL_CLASSES]
    return " ".join(kept) if kept else None


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


# nh3 asks for every allowed attribute (about 70,000 on the real site), and the values repeat.
_clean_style = functools.lru_cache(maxsize=1 << 13)(clean_style)
_clean_class = functools.lru_cache(maxsize=1 << 13)(clean_class)


# An image's address with a scheme (https:, data:...) or a host (//cdn...): the site loads
# nothing from another host (validation says so of Markdown images, QB607; this holds for any
# markup, e.g. what a Markdown extension writes).
_REMOTE = re.compile(r"\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|[/\\]{2})")


def _filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src" and _REMOTE.match(value):
        return None
    if attr == "style":
        return _clean_style(value)
    if attr == "class":
        return _clean_class(value)
    return value


# Inputs are kept for pymdownx.tabbed (radio) and task lists (checkbox) only; nh3 cannot
# drop an element by attribute value, so the others go afterwards (its output is normalized).
_OTHER_INPUT = re.compile(r'<input(?![^>]*\stype="(?:radio|checkbox)")[^>]*>')


def sanitize_html(html: str) -> str:
    """``html`` with only the allow-listed tags, attributes, styles and URL schemes."""
    return _OTHER_INPUT.sub("", _clean(html))


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """The allow-list, built once (``nh3.clean`` would build it again for every page)."""
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        attribute_filter=_filter,
        tag_attribute_values={k: {a: set(v) for a, v in d.items()} for k, d in ATTRIBUTE_VALUES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def _clean(html: str) -> str:
    return _cleaner().clean(html)


class _Inventory(HTMLParser):
    """Elements and attributes of a fragment, as a browser would see them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attrs: Counter[tuple[str, str, str]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for name, value in attrs:
            self.attrs[(tag, name, _canonical(name, value or ""))] += 1

    handle_startendtag = handle_starttag


def _canonical(name: str, value: str) -> str:
    if name == "style":
        return ";".join(sorted(d.replace(" ", "") for d in value.split(";") if d.strip()))
    if name == "class":
        return " ".join(value.split())
    return value


class Inventory(NamedTuple):
    """How many of each element, and of each (element, attribute, canonical value), a page holds."""

    tags: Counter[str]
    attrs: Counter[tuple[str, str, str]]


def parsed_inventory(html: str) -> Inventory:
    """The inventory as html.parser reads ``html``: the reference the fast reading must equal."""
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return Inventory(parser.tags, parser.attrs)


def inventory(html: str) -> Inventory:
    """The inventory of ``html``: read with regular expressions when it is written strictly
    (site/strict_html.py, the same result), else by html.parser."""
    tokens = strict_html.start_tags(html)
    if tokens is None:  # not written strictly: html.parser itself
        return parsed_inventory(html)
    return _tokens_inventory(tokens)


def _tokens_inventory(tokens: Counter[str]) -> Inventory:
    """The inventory of a strict page from its start tags (an inventory adds up over them)."""
    tags: Counter[str] = Counter()
    attrs: Counter[tuple[str, str, str]] = Counter()
    for token, n in tokens.items():
        tag, found = _token_inventory(token)
        tags[tag] += n
        for key in found:
            attrs[key] += n
    return Inventory(tags, attrs)


@functools.lru_cache(maxsize=1 << 16)
def _token_inventory(token: str) -> tuple[str, tuple[tuple[str, str, str], ...]]:
    """What one start tag adds to an inventory (what ``_Inventory.handle_starttag`` counts)."""
    tag, attrs = strict_html.start_tag(token)
    return tag, tuple((tag, name, _canonical(name, value or "")) for name, value in attrs)


def _kept_everything(before: str, after: str) -> bool:
    """True only if ``after`` holds at least as many of each element and attribute as ``before``
    (then :func:`removed` finds nothing); False if that is not certain.

    The cheap way, for strict pages: most start tags come out of nh3 exactly as they went in,
    and a tag written the same way adds the same to both inventories.  So only the tags left
    over on each side (``<br />`` before, ``<br>`` after…) are compared."""
    tokens_before, tokens_after = strict_html.start_tags(before), strict_html.start_tags(after)
    if tokens_before is None or tokens_after is None:
        return False
    only_before = tokens_before - tokens_after
    if not only_before:
        return True
    b, a = _tokens_inventory(only_before), _tokens_inventory(tokens_after - tokens_before)
    return (all(a.tags[tag] >= n for tag, n in b.tags.items())
            and all(a.attrs[key] >= n for key, n in b.attrs.items()))


def removed(before: str, after: str | None = None) -> list[str]:
    """What the gate took out of ``before`` (``after`` = its sanitized form), described for a
    contributor: ``<script>``, ``onerror= on <img>``, ``class="md-consent__overlay" on <p>``.
    Comments are not counted: they never reach a reader either way."""
    after = sanitize_html(before) if after is None else after
    if _kept_everything(before, after):
        return []
    b, a = inventory(before), inventory(after)
    lost: list[str] = []
    for tag, n in sorted(b.tags.items()):
        if a.tags[tag] < n:
            lost.append(f"<{tag}>")
    gone = {t.strip("<>") for t in lost}
    for (tag, name, value), n in sorted(b.attrs.items()):
        if tag in gone or a.attrs[(tag, name, value)] >= n:
            continue
        if name == "style" and a.attrs[(tag, name, _canonical(name, clean_style(value) or ""))] >= n:
            continue
        shown = f'{name}="{value[:40]}"' if name in ("class", "href", "src", "style") else f"{name}="
        lost.append(f"{shown} on <{tag}>")
    return lost
