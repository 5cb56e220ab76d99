"""Strictly written HTML, read exactly as :mod:`html.parser` reads it, in a few regex passes.

Why this exists: the output gate (:func:`qbank.site.sanitize.removed`) and the raw-TeX check
(:func:`qbank.site.math.raw_tex`) define what they see through ``html.parser``, which is pure
Python and, on a build, parsed every page three times (about 2 s of a 10 s build of the real
site).  The HTML they read is almost always markup our own tools wrote -- Python-Markdown,
KaTeX, nh3 -- and such markup is *strict*: a sequence of

* text without ``<``;
* start tags ``<name attr="value" flag attr='value'>`` (or ending in ``/>``): an ASCII name,
  each attribute after ASCII whitespace, values quoted or absent, no whitespace around ``=``;
* end tags ``</name>``;
* comments ``<!--…-->`` holding no ``<``, ``>`` or ``--`` and neither starting nor ending with ``-``.

On such a document every ``<`` starts one of these tokens, and ``html.parser`` reports each start
tag with its lower-cased name and attributes (values with their quotes removed and their character
references decoded by :func:`html.unescape`, a bare attribute as ``None``) and every text run
between tokens as data.  Elements whose content html.parser (in any Python version) or a browser
reads as raw text (``script``, ``style``, ``textarea``, ``title``, …) are not strict.

Every function here answers ``None`` for a document that is not strict (a stray ``<``, an
unquoted value, a declaration, a processing instruction, a raw-text element…), and the callers
then parse it with html.parser as before: this is a shortcut to the same answer, never a second
definition of what a page holds.  ``tests/test_strict_html.py`` compares both readings on the
real site's pages and on generated markup.
"""

from __future__ import annotations

import functools
import html as _html
import re
from collections import Counter

__all__ = ["is_strict", "start_tag", "start_tags", "texts_matching"]

_WS = r"[ \t\n\r\f]"
_NAME = r"[a-zA-Z][a-zA-Z0-9-]*+"
_ATTR_NAME = r"[a-zA-Z_:][-a-zA-Z0-9_:.]*+"
_START = rf"""<{_NAME}(?:{_WS}++{_ATTR_NAME}(?:="[^"]*+"|='[^']*+')?+)*+{_WS}*+/?>"""
_END = rf"</{_NAME}{_WS}*+>"
_COMMENT = r"<!--(?:[^<>-]++(?:-[^<>-]++)*+)?-->"
_OTHER = rf"{_START}|{_END}|{_COMMENT}"  # every token but text

# The whole document, token after token (possessive: each token is read once, as html.parser does).
_DOCUMENT = re.compile(rf"(?:[^<]++|{_OTHER})*+")
_START_TAG = re.compile(_START)
_TAG_NAME = re.compile(rf"<({_NAME})")
_ATTRIBUTE = re.compile(rf"""{_WS}++({_ATTR_NAME})(?:="([^"]*+)"|='([^']*+)')?+""")
# Elements whose content is not markup (html.parser's CDATA/RCDATA elements, in any version,
# and the HTML standard's raw-text elements): a document holding one is read by html.parser.
_RAW_TEXT = re.compile(r"<(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)"
                       r"(?=[ \t\n\r\f/>])", re.I)


@functools.lru_cache(maxsize=4)  # the gate and the raw-TeX check read the same cleaned page
def is_strict(html: str) -> bool:
    """Whether ``html`` is strict (see the module docstring)."""
    return _DOCUMENT.fullmatch(html) is not None and _RAW_TEXT.search(html) is None


def start_tags(html: str) -> Counter[str] | None:
    """The start tags of ``html``, as written, with how often each occurs; ``None`` if not strict.

    A document repeats its tags a lot (KaTeX's ``<span class="mord">``), so callers read each
    distinct one once, with :func:`start_tag`."""
    if not is_strict(html):
        return None
    return Counter(_START_TAG.findall(html))


def start_tag(token: str) -> tuple[str, tuple[tuple[str, str | None], ...]]:
    """``(tag, ((name, value), …))`` of one start tag from :func:`start_tags`, as html.parser
    hands them to ``handle_starttag``: names lower-cased, values unquoted and unescaped, ``None``
    for a bare attribute."""
    name = _TAG_NAME.match(token)
    assert name is not None, token
    attrs = []
    for m in _ATTRIBUTE.finditer(token, name.end()):
        double, single = m.group(2), m.group(3)
        value = double if double is not None else single
        if value and "&" in value:
            value = _html.unescape(value)
        attrs.append((m.group(1).lower(), value))
    return name.group(1).lower(), tuple(attrs)


@functools.lru_cache(maxsize=64)
def _text_tokens(needle: str, starts: str) -> re.Pattern[str]:
    # A text run holding a match of needle is captured; any other token matches uncaptured.
    other = f"[^<{re.escape(starts)}]"
    return re.compile(rf"((?:{other}++|(?!{needle})[^<])*+(?:{needle})[^<]*+)|[^<]++|{_OTHER}")


def texts_matching(html: str, needle: str, starts: str) -> list[str] | None:
    """The text runs of ``html`` (as written: html.parser passes each to ``handle_data`` after
    :func:`html.unescape`) in which the regular expression ``needle`` finds a match, in order;
    ``None`` if ``html`` is not strict.  A match of ``needle`` starts with one of the characters
    ``starts`` and never spans a ``<``."""
    if not is_strict(html):
        return None
    return [run for run in _text_tokens(needle, starts).findall(html) if run]
