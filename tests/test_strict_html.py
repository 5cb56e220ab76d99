"""``qbank.site.strict_html`` reads a strictly written page exactly as ``html.parser`` does.

The output gate and the raw-TeX check take this shortcut for speed; their guarantees are
defined by html.parser.  So: on every document the shortcut accepts -- generated markup full of
near misses, and the bank's own answers as Markdown renders them -- the start tags, attributes
and text runs must be html.parser's, and what it refuses must be left to html.parser.
"""

from __future__ import annotations

import html as _html
from collections import Counter
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from qbank.anki import answer_html
from qbank.bank import load_bank
from qbank.site import strict_html
from qbank.site.math import _TEX_CHARS, raw_tex
from qbank.site.sanitize import inventory, parsed_inventory, removed, sanitize_html


class _Reading(HTMLParser):
    """html.parser's own reading: every start tag with its attributes, and the data runs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[tuple[str, tuple[tuple[str, str | None], ...]]] = Counter()
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[(tag, tuple(attrs))] += 1

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def _parsed(html: str) -> _Reading:
    reading = _Reading()
    reading.feed(html)
    reading.close()
    return reading


ACCEPTED: Counter[bool] = Counter()


def _same_reading(html: str) -> bool:
    """Whether the shortcut accepted ``html``; asserts it read what html.parser reads."""
    tokens = strict_html.start_tags(html)
    if tokens is None:
        assert strict_html.texts_matching(html, "x", "x") is None
        return False
    reading = _parsed(html)
    fast: Counter[tuple[str, tuple[tuple[str, str | None], ...]]] = Counter()
    for token, n in tokens.items():
        fast[strict_html.start_tag(token)] += n
    assert fast == reading.tags, html
    # Every text run (any character but "<" starts a match), which html.parser hands over unescaped:
    runs = strict_html.texts_matching(html, "[^<]", "".join(set(html) - {"<"}))
    assert runs is not None
    assert [_html.unescape(r) for r in runs] == reading.data, html
    # What the raw-TeX check relies on: the runs that decode to a backslash or a dollar are found.
    tex = strict_html.texts_matching(html, _TEX_CHARS.pattern, "\\$&")
    assert tex is not None
    assert [_html.unescape(r) for r in tex] == [d for d in reading.data if "\\" in d or "$" in d], html
    slow = parsed_inventory(html)
    inv = inventory(html)
    assert (inv.tags, inv.attrs) == (slow.tags, slow.attrs), html
    return True


_BITS = st.sampled_from([
    "<p>", "</p>", "<P>", "</P >", "<br />", "<br/>", "<br/ >", "<hr>", "<img src=x>", '<img src="x" alt="a > b">',
    '<a href="https://e.org/?a=1&amp;b=2">', "<a href='x'>", "</a>", '<a href = "x">', '<a href=="x">', '<a b="x"c="y">',
    '<span class="mord  mathnormal" style="height:0.43em;">', "<span\tclass=\"x\"\n>", "<span\x0bclass=x>", "</span>",
    "<input checked disabled>", '<input type="checkbox" checked="">', "<div data-tabs=\"1:2\">", "</div>", "<svg>",
    '<path d="M0 0"/>', "</svg>", "<!-- note -->", "<!---->", "<!--->", "<!-- a -- b -->", "<!-- a --->", "<!--x",
    "<!DOCTYPE html>", "<?xml?>", "<![CDATA[x]]>", "<script>a<b</script>", "<style>p{}</style>", "<title>t</title>",
    "<textarea><p></textarea>", "<", ">", "< p>", "<3", "</>", "</ p>", "&", "&amp;", "&lt;p&gt;", "&#92;", "&#x5c",
    "&bsol;", "&dollar;", "&#36;", "&#x24;", "&#0092;", "&#923;", "$x$", "\\(", "text", " ", "\n", "é", "\u00a0", '"', "'", "=", "/", '<a title="&#92;(x\\)">',
    '<a title="<b>">', "<a title='it\"s'>", "<custom-el x-y=\"1\">", "<a _b:c.d=\"1\">", "<a 1b=\"x\">", "<a\u00a0b=\"x\">",
])


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(_BITS, st.text(max_size=6)), max_size=16).map("".join))
def test_what_the_shortcut_reads_is_what_html_parser_reads(html: str) -> None:
    ACCEPTED[_same_reading(html)] += 1


def test_the_generated_documents_exercised_both_readings() -> None:
    """(Run after the property above: at least some documents took the shortcut, some not.)"""
    if ACCEPTED:
        assert ACCEPTED[True] >= 50 and ACCEPTED[False] >= 50, ACCEPTED


@settings(max_examples=400, deadline=None)
@given(st.lists(_BITS, max_size=24).map("".join))
def test_raw_tex_is_the_same_with_and_without_the_shortcut(html: str) -> None:
    from qbank.site import math

    shortcut = raw_tex(html)
    saved = strict_html.texts_matching
    try:
        math.strict_html.texts_matching = lambda *a, **k: None  # type: ignore[assignment]
        assert raw_tex(html) == shortcut, html
    finally:
        math.strict_html.texts_matching = saved  # type: ignore[assignment]


def test_the_shortcut_refuses_what_it_cannot_read_exactly() -> None:
    for html in ["<p>a < b</p>", "<a href=x>", "<script>x</script>", "<STYLE>x</STYLE>", "<!DOCTYPE html>",
                 '<a href = "x">', "<!-- a -- b -->", "<p>x", '<a title="x"c="y">', "<textarea></textarea>"]:
        if html == "<p>x":
            assert strict_html.start_tags(html) is not None  # unclosed elements are fine: no token is cut
            continue
        assert strict_html.start_tags(html) is None, html


def test_the_banks_answers_read_the_same_before_and_after_the_gate() -> None:
    """Our own markup is strict (else the build is no faster), and read as html.parser reads it."""
    questions = load_bank(REPO / "docs")
    strict = 0
    for q in questions:
        for answer in q.answers:
            before = answer_html(answer.markdown)
            after = sanitize_html(before)
            strict += _same_reading(before) + _same_reading(after)
            assert removed(before, after) == []
            if _TEX_CHARS.search(after):
                assert strict_html.texts_matching(after, _TEX_CHARS.pattern, "\\$&") is not None
    assert strict >= 0.9 * 2 * sum(len(q.answers) for q in questions)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(_BITS, st.text(max_size=6)), max_size=20).map("".join))
def test_the_gate_finds_the_same_with_and_without_the_shortcuts(html: str) -> None:
    """``removed`` first compares only the tags nh3 rewrote; its answer is the full comparison's,
    which is itself the same with html.parser's reading."""
    from qbank.site import sanitize

    clean = sanitize_html(html)
    for before, after in ((html, clean), (clean, html), (html, html + clean)):
        shortcut = removed(before, after)
        saved = sanitize._kept_everything, strict_html.start_tags
        try:
            sanitize._kept_everything = lambda before, after: False  # type: ignore[assignment]
            assert removed(before, after) == shortcut, (before, after)
            strict_html.start_tags = lambda html: None  # type: ignore[assignment]  # html.parser only
            assert removed(before, after) == shortcut, (before, after)
        finally:
            sanitize._kept_everything, strict_html.start_tags = saved  # type: ignore[assignment]
