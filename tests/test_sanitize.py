"""Unit tests of the output gate (``qbank.site.sanitize``), the site's security boundary.

``tests/test_security.py`` attacks the whole build; these pin the gate's own policy: what
our renderers produce passes unchanged, and each kind of active content is removed and
named by :func:`removed`.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbank.katex import KatexRenderer
from qbank.site.sanitize import clean_class, clean_style, removed, sanitize_html


@pytest.fixture(scope="module")
def katex():
    with KatexRenderer() as renderer:
        yield renderer


# -- what our renderers produce passes unchanged ---------------------------------------------

@pytest.mark.parametrize("tex, display", [
    (r"\frac{e^{z_i / \tau}}{\sum_j e^{z_j / \tau}}", False),
    (r"\sqrt{d_k}", False),  # KaTeX draws the root sign as an <svg><path>
    (r"\hat m_t = \frac{m_t}{1 - \beta_1^t}", True),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", True),
    (r"\overrightarrow{AB} \quad \underbrace{x+y}_{n}", True),
])
def test_katex_output_is_kept_exactly(katex: KatexRenderer, tex: str, display: bool) -> None:
    html = katex.render(tex, display)
    assert removed(html) == []
    assert 'class="katex' in sanitize_html(html)


@pytest.mark.parametrize("html", [
    '<div class="admonition note"><p class="admonition-title">Editor\'s note</p><p>x</p></div>',
    '<details class="tip" open><summary>Hint</summary><p>y</p></details>',
    '<div class="tabbed-set" data-tabs="1:2"><input checked="checked" id="__tabbed_1_1" name="__tabbed_1" '
    'type="radio"><label for="__tabbed_1_1">A</label></div>',
    '<ul class="task-list"><li class="task-list-item"><input type="checkbox" disabled checked> done</li></ul>',
    '<pre class="mermaid"><code>flowchart LR\n  A --&gt; B</code></pre>',
    '<h2 id="answer-1">Answer 1<a class="headerlink" href="#answer-1" title="Permanent link">¶</a></h2>',
    '<table><thead><tr><th style="text-align: left;">a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>',
    '<p><a class="md-button md-button--primary qb-edit" href="https://github.com/o/r/edit/main/x.md">Edit</a></p>',
    '<p><img alt="plot" src="../assets/images/plot.png" loading="lazy"> <a href="mailto:a@b.org">mail</a></p>',
])
def test_what_markdown_and_material_produce_is_kept(html: str) -> None:
    assert removed(html) == [], removed(html)


# -- active content is removed and named -----------------------------------------------------

@pytest.mark.parametrize("html, named, gone", [
    ("<p>a<script>alert(1)</script>b</p>", "<script>", "alert(1)"),
    ("<style>body{display:none}</style><p>x</p>", "<style>", "display:none"),
    ('<img src="x.png" onerror="alert(1)">', "onerror= on <img>", "onerror"),
    ('<a href="javascript:alert(1)">x</a>', 'href="javascript:alert(1)" on <a>', "javascript:"),
    ('<a href="&#106;avascript:alert(1)">x</a>', 'href="javascript:alert(1)" on <a>', "avascript"),
    ('<a href="data:text/html,<script>x</script>">x</a>', "href=", "data:"),
    ('<iframe srcdoc="&lt;script&gt;x&lt;/script&gt;"></iframe>', "<iframe>", "iframe"),
    ('<svg onload="alert(1)"><path d="M0 0"/></svg>', "onload= on <svg>", "onload"),
    ('<p class="md-consent__overlay">x</p>', 'class="md-consent__overlay" on <p>', "md-consent"),
    ('<span style="background-image:url(https://e.com/x)">x</span>', "style=", "url("),
    ('<input type="text" name="q">', "<input>", "<input"),
    ("<form action=https://e.com><button>go</button></form>", "<form>", "<form"),
    ('<object data="x.swf"></object>', "<object>", "<object"),
    # images come from the site itself: what pymdownx.emoji's twemoji index wrote for :smile:
    ('<img alt="😄" class="twemoji" src="https://cdn.jsdelivr.net/gh/jdecked/twemoji@16.0.1/assets/svg/1f604.svg">',
     'src="https://cdn.jsdelivr.net', "jsdelivr"),
    ('<img alt="x" src="//cdn.example.org/x.png">', 'src="//cdn.example.org', "cdn.example"),
    ('<img alt="x" src=" HTTP://example.org/x.png">', "src=", "example.org"),
])
def test_active_content_is_removed_and_named(html: str, named: str, gone: str) -> None:
    out = sanitize_html(html)
    assert gone not in out, out
    assert any(item.startswith(named) for item in removed(html)), removed(html)


def test_a_style_keeps_only_its_safe_declarations() -> None:
    """A style is rewritten, not refused: the unsafe declarations go, the rest stay (KaTeX's own
    styles pass through the same rewrite, so a dropped declaration is not reported)."""
    out = sanitize_html('<span style="position:fixed;top:0">x</span>')
    assert out == '<span style="top:0;">x</span>'


def test_comments_go_silently() -> None:
    html = "<p>a<!-- <script>alert(1)</script> -->b</p>"
    assert sanitize_html(html) == "<p>ab</p>"
    assert removed(html) == []  # a comment never reaches a reader either way


def test_classes_keep_ours_and_drop_materials_layout() -> None:
    assert clean_class("qb-gap md-button md-typeset__table plain") == "qb-gap md-button plain"
    assert clean_class("md-consent__overlay md-dialog") is None


def test_styles_keep_katex_declarations_with_plain_values() -> None:
    assert clean_style("height:1.2em; vertical-align:-0.25em") == "height:1.2em;vertical-align:-0.25em;"
    assert clean_style("position:relative;top:-0.5em") == "position:relative;top:-0.5em;"
    assert clean_style("position:absolute") is None
    assert clean_style("width:expression(alert(1))") is None
    assert clean_style("color:red;behavior:url(x.htc)") == "color:red;"


# -- properties ------------------------------------------------------------------------------

_BITS = st.sampled_from([
    "<p>", "</p>", "<a href=", "'javascript:x'", '"https://e.org"', ">", "<img src=x onerror=y>", "<script>",
    "</script>", "<style>", "<!--", "-->", "&#106;", "<svg onload=z>", "<span style='position:fixed'>",
    "<div class='md-dialog qb-x'>", "text", " ", "<input type=radio>", "<input type=file>",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_BITS, st.text(max_size=8)), max_size=14).map("".join))
def test_property_the_gate_is_idempotent_and_leaves_nothing_active(html: str) -> None:
    once = sanitize_html(html)
    assert sanitize_html(once) == once
    assert removed(once) == []
    found = _Active()
    found.feed(once)
    found.close()
    assert found.problems == [], (html, once)


class _Active(HTMLParser):
    """What a browser would treat as active in a fragment: elements, handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "iframe", "object", "embed", "form", "base", "meta", "link"}:
            self.problems.append(f"<{tag}>")
        for name, raw in attrs:
            value = "".join((raw or "").split()).lower()  # browsers ignore spaces in a URL's scheme
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name in {"href", "src", "action", "formaction"} and value.startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"{name}={value[:20]} on <{tag}>")
            if name == "class" and any(c.startswith("md-") and c not in {"md-button", "md-button--primary"}
                                       for c in (raw or "").split()):
                self.problems.append(f"class={raw} on <{tag}>")
            if name == "style" and ("position:fixed" in value or "position:absolute" in value or "url(" in value):
                self.problems.append(f"style={value} on <{tag}>")
            if tag == "input" and name == "type" and value not in {"radio", "checkbox"}:
                self.problems.append(f"<input type={value}>")

    handle_startendtag = handle_starttag
