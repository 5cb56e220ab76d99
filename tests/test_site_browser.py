"""The built site in a real browser (Debian's chromium through Playwright).

All tests share one build, one local server and one browser (see conftest.py); each
gets a fresh context through the guarded ``page`` fixture, which fails the test on any
console error or any request that leaves the local server.

Run with ``pytest -n 2 --dist loadgroup``: the ``xdist_group`` mark keeps these tests on
one worker, so the browser starts once.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from conftest import REPO, SETTLE_ANIMATIONS, SITEMAP_ARRIVED, PageLog, click_instantly, guarded_page, site_path, wait_for_title

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ARTIFACTS = REPO / "tests" / "artifacts"
PHONE = {"width": 375, "height": 812}
RAW_TEX = ("\\frac", "\\(", "\\)", "\\[", "\\]", "\\tau", "\\sum", "$$")
OPEN_SHADOW = """(() => {
  const attach = Element.prototype.attachShadow;
  window.__qbShadowRoots = [];
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, Object.assign({}, init, { mode: "open" }));
    window.__qbShadowRoots.push(root);
    return root;
  };
})();"""
MERMAID_ESM = "assets/vendor/mermaid/mermaid.esm.min.mjs"
# A diagram is drawn when it comes within 200px of the viewport (mermaid-loader.js): the
# tests scroll to it first, as a reader does.
SHOW_DIAGRAM = "() => { const el = document.querySelector('.mermaid'); if (el) el.scrollIntoView({block: 'center'}); }"
HAS_MERMAID_SVG = """() => [...document.querySelectorAll(".mermaid")]
  .some(el => el.shadowRoot && el.shadowRoot.querySelector("svg"))"""


# -- helpers ---------------------------------------------------------------------------


def _find(questions_json: dict, *needles: str) -> dict:
    hits = [q for q in questions_json["questions"] if all(n.lower() in q["title"].lower() for n in needles)]
    assert hits, f"no question whose title contains {needles}"
    return hits[0]


def _has_math(q: dict) -> bool:
    return any(re.search(r"\\\(|\\\[|\$\$", a["markdown"]) for a in q["answers"])


@pytest.fixture(scope="module")
def temperature_q(questions_json: dict) -> dict:
    q = _find(questions_json, "temperature")
    assert _has_math(q), "the temperature question is expected to carry formulas"
    return q


@pytest.fixture(scope="module")
def mermaid_q(questions_json: dict) -> dict:
    q = _find(questions_json, "logits", "hard targets")
    assert any("```mermaid" in a["markdown"] for a in q["answers"]), "the logits question lost its diagram"
    return q


def _topic_url(q: dict) -> str:
    return f"questions/{q['topic']}/"


def _open(page, url: str, idle: bool = True) -> None:
    """Full load of ``url``; by default also wait until the network is quiet, so every
    request the page makes on its own (search index, lazy scripts, fonts) is recorded."""
    response = page.goto(url)
    assert response is not None and response.ok, f"GET {url}: {response and response.status}"
    if idle:
        page.wait_for_load_state("networkidle")






def _body_text(page) -> str:
    return page.evaluate("() => document.body.innerText")


def _assert_katex(page, where: str) -> None:
    page.wait_for_selector("article.md-content__inner .katex", state="attached")
    n = page.locator("article.md-content__inner .katex").count()
    assert n > 0, f"{where}: no .katex element"
    visible = page.locator("article.md-content__inner .katex").first.is_visible()
    assert visible, f"{where}: KaTeX output is not visible"
    text = _body_text(page)
    raw = [t for t in RAW_TEX if t in text]
    assert not raw, f"{where}: raw TeX visible in the page text: {raw}"


def _scheme(page) -> str:
    return page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")


def _switch_to_slate(page) -> None:
    for _ in range(4):
        if _scheme(page) == "slate":
            return
        toggle = page.locator('form[data-md-component="palette"] label:not([hidden])')
        assert toggle.count() == 1, "expected exactly one visible palette toggle"
        toggle.click()
        page.wait_for_timeout(100)
    assert _scheme(page) == "slate", "the palette toggle never reached the slate scheme"




# -- 1. search --------------------------------------------------------------------------


def test_search_finds_a_question_and_opens_it(page, site_server: str, questions_json: dict) -> None:
    q = _find(questions_json, "dropout")  # the bank's titles change (editorial pass): any dropout question
    _open(page, site_server)
    page.keyboard.press("/")
    search = page.locator("input.md-search__input")
    assert search.is_visible() and search.evaluate("el => el === document.activeElement")
    search.type("dropout", delay=20)
    page.wait_for_selector(".md-search-result__item a", state="visible")
    results = page.locator(".md-search-result__item > a.md-search-result__link")
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    matching = [i for i, h in enumerate(hrefs) if site_path(site_server, h) == q["url"]]
    assert matching, f"{q['url']} not among the search results: {hrefs}"
    results.nth(matching[0]).click()
    page.wait_for_url(re.compile(re.escape(q["url"])))
    wait_for_title(page, q["title"])


# -- 2. math ----------------------------------------------------------------------------


def test_math_is_typeset_on_load_and_after_instant_navigation(page, page_log: PageLog, site_server: str,
                                                              questions_json: dict, temperature_q: dict) -> None:
    _open(page, site_server + temperature_q["url"])
    _assert_katex(page, temperature_q["url"])
    assert page.locator("article.md-content__inner .katex-display").count() >= 1, "the softmax formula should be a display block"
    assert not [u for u in page_log.requests if "katex" in u.lower() and ".js" in u], "KaTeX JS was fetched"

    other = next(q for q in questions_json["questions"] if _has_math(q) and q["id"] != temperature_q["id"])
    _open(page, site_server + _topic_url(other))
    page.evaluate("() => { window.__qbSameDocument = true; }")
    link = page.locator(f'article.md-content__inner a[href$="{other["url"].rsplit("/", 2)[-2]}/"]').first
    click_instantly(page, link)
    page.wait_for_url(re.compile(re.escape(other["url"]) + "$"))
    wait_for_title(page, other["title"])
    assert page.evaluate("() => window.__qbSameDocument === true"), "the click did a full page load, not instant navigation"
    _assert_katex(page, other["url"] + " (instant navigation)")


# -- 3. mermaid -------------------------------------------------------------------------


def test_mermaid_diagram_renders_from_the_local_copy_only_when_needed(page, page_log: PageLog, site_server: str,
                                                                       mermaid_q: dict) -> None:
    page.context.add_init_script(OPEN_SHADOW)
    _open(page, site_server)
    page.wait_for_timeout(300)
    assert not page_log.requested("vendor/mermaid/"), "the home page fetched mermaid"

    _open(page, site_server + mermaid_q["url"])
    page.evaluate(SHOW_DIAGRAM)
    page.wait_for_function(HAS_MERMAID_SVG, timeout=20_000)
    labels = page.evaluate("""() => {
      const host = [...document.querySelectorAll('.mermaid')].find(el => el.shadowRoot);
      return host.shadowRoot.querySelector('svg').textContent;
    }""")
    for label in ("Logits", "Soft targets", "Hard targets"):
        assert label in labels, f"diagram lacks {label!r}: {labels!r}"
    assert page.locator(".mermaid svg").first.bounding_box()["height"] > 20
    fetched = page_log.requested("vendor/mermaid/")
    assert site_server + MERMAID_ESM in fetched, f"{MERMAID_ESM} was never requested: {fetched}"
    assert all(u.startswith(site_server + "assets/vendor/mermaid/") and u.endswith(".mjs") for u in fetched), fetched
    assert any("flowDiagram" in u for u in fetched), "the flowchart's own chunk was not loaded"
    assert not any(re.search(r"/(sequence|gantt|class|pie|er|gitGraph)Diagram-", u) for u in fetched), \
        "chunks of diagram types the page does not use were fetched"
    assert "graph LR" not in _body_text(page), "the diagram source is visible as text"


MERMAID_EDGE_COLOUR = """() => {
  const host = [...document.querySelectorAll('.mermaid')].find(el => el.shadowRoot && el.shadowRoot.querySelector('svg'));
  const path = host && host.shadowRoot.querySelector('.flowchart-link, .edgePath .path');
  return path ? getComputedStyle(path).stroke : null;
}"""
DIAGRAM_PAGE_BUDGET = 400 * 1024  # issue 12: a page with one flowchart, first visit, text gzip -6


def test_mermaid_after_instant_navigation_follows_the_palette_and_stays_light(
        browser, page, page_log: PageLog, site_server: str, mermaid_q: dict) -> None:
    """The diagram renders when reached by Material's instant navigation (no page load), its
    colours follow the palette switch, and the first visit of its page stays within 400 KiB."""
    page.context.add_init_script(OPEN_SHADOW)
    sizes: dict[str, int] = {}

    def on_response(response) -> None:
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - redirects, aborted requests have no body
            return
        ctype = response.headers.get("content-type", "")
        compressible = re.search(r"text/|javascript|json|xml|svg|css", ctype)
        sizes[response.url] = len(gzip.compress(body, 6)) if compressible else len(body)

    page.on("response", on_response)
    _open(page, site_server + _topic_url(mermaid_q))
    page.evaluate("() => { window.__qbSameDocument = true; }")
    slug = mermaid_q["url"].rstrip("/").rsplit("/", 1)[-1]
    click_instantly(page, page.locator(f'article.md-content__inner a[href$="{slug}/"]').first)
    page.wait_for_url(re.compile(re.escape(mermaid_q["url"]) + "$"))
    wait_for_title(page, mermaid_q["title"])
    page.evaluate(SHOW_DIAGRAM)
    page.wait_for_function(HAS_MERMAID_SVG, timeout=20_000)
    assert page.evaluate("() => window.__qbSameDocument === true"), "the click did a full page load"
    light = page.evaluate(MERMAID_EDGE_COLOUR)
    assert light, "no flowchart edge in the diagram"
    _switch_to_slate(page)
    page.evaluate(SETTLE_ANIMATIONS)
    dark = page.evaluate(MERMAID_EDGE_COLOUR)
    assert dark and dark != light, f"the diagram's edges kept their colour in the dark palette: {light} / {dark}"

    # First visit of the diagram page alone, in a fresh context (empty cache).
    with guarded_page(browser, page_log) as fresh:
        fresh.context.add_init_script(OPEN_SHADOW)
        sizes.clear()
        fresh.on("response", on_response)
        _open(fresh, site_server + mermaid_q["url"])
        fresh.evaluate(SHOW_DIAGRAM)
        fresh.wait_for_function(HAS_MERMAID_SVG, timeout=20_000)
        fresh.wait_for_load_state("networkidle")
        total = sum(sizes.values())
        biggest = sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
        assert total <= DIAGRAM_PAGE_BUDGET, (
            f"the diagram page transfers {total / 1024:.1f} KiB (budget 400 KiB); largest: "
            + ", ".join(f"{u.removeprefix(site_server)} {n / 1024:.1f} KiB" for u, n in biggest))


# -- 4. tags ----------------------------------------------------------------------------


def test_tag_page_lists_its_questions_and_links_work(page, site_server: str, questions_json: dict) -> None:
    counts: dict[str, list[dict]] = {}
    for q in questions_json["questions"]:
        for t in q["tags"]:
            counts.setdefault(t, []).append(q)
    tag, tagged = max(sorted(counts.items()), key=lambda kv: len(kv[1]))
    _open(page, site_server + f"tags/{tag}/")
    links = page.locator("article.md-content__inner ul.qb-list > li > a:first-child")
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    assert sorted(site_path(site_server, h) for h in hrefs) == sorted(q["url"] for q in tagged)
    for href in hrefs:
        response = page.request.get(href)
        assert response.ok, f"{href}: {response.status}"
    first = tagged[[q["url"] for q in tagged].index(site_path(site_server, hrefs[0]))]
    links.first.click()
    page.wait_for_url(re.compile(re.escape(first["url"]) + "$"))
    wait_for_title(page, first["title"])


def test_question_page_left_column_lists_the_topic_and_instant_navigation_keeps_working(
        page, site_server: str, questions_json: dict, temperature_q: dict) -> None:
    """Issue 14: the left column of a question page was empty on desktop; it lists the topic's
    questions with the current one marked, and its links use Material's instant navigation."""
    _open(page, site_server + temperature_q["url"])
    nav = page.locator(".md-sidebar--primary .qb-topic-nav")
    assert nav.is_visible(), "no topic list in the left column on desktop"
    box = nav.bounding_box()
    assert box and box["width"] > 150 and box["x"] < 300, box
    current = nav.locator("a[aria-current=page]")
    assert current.count() == 1 and current.inner_text().strip() == temperature_q["title"]
    same_topic = [q for q in questions_json["questions"] if q["topic"] == temperature_q["topic"]]
    assert nav.locator("li").count() == min(len(same_topic), 40)
    other = next(q for q in same_topic if q["id"] != temperature_q["id"])
    page.evaluate("() => { window.__qbSameDocument = true; }")
    click_instantly(page, nav.locator(f'a[href$="{other["url"].rsplit("/", 2)[-2]}/"]').first)
    page.wait_for_url(re.compile(re.escape(other["url"]) + "$"))
    wait_for_title(page, other["title"])
    assert page.evaluate("() => window.__qbSameDocument === true"), "the click did a full page load, not instant navigation"
    marked = page.locator(".md-sidebar--primary .qb-topic-nav a[aria-current=page]")
    assert marked.count() == 1 and marked.inner_text().strip() == other["title"]


def test_sitemap_is_fetched_when_a_link_is_reached_for_not_on_every_page_load(
        page, page_log: PageLog, site_server: str, questions_json: dict, temperature_q: dict) -> None:
    """Issue 12: Material's instant navigation needs sitemap.xml (every page of the bank: 111 KiB
    gzip at 10,000 questions).  A page load does not fetch it; reaching for a link does, and
    from then on navigation is instant.  Pointer over plain text, scrolling and typing in the
    search box fetch nothing."""
    _open(page, site_server + temperature_q["url"])
    # The pointer stays off the page while results or scrolled content could come under it:
    # a link arriving under a resting pointer is reached for too (pointerover), and rightly so.
    page.keyboard.press("/")
    page.keyboard.type("adam")
    page.wait_for_selector(".md-search-result__item")
    page.keyboard.press("Escape")
    page.evaluate("() => window.scrollBy(0, 400)")
    page.locator("article.md-content__inner h1").hover(position={"x": 4, "y": 4})  # its first letter
    page.wait_for_load_state("networkidle")
    assert not page_log.requested("sitemap.xml"), "the sitemap was fetched before the reader reached for a link"

    same_topic = [q for q in questions_json["questions"] if q["topic"] == temperature_q["topic"]]
    other = next(q for q in same_topic if q["id"] != temperature_q["id"])
    link = page.locator(f'.md-sidebar--primary .qb-topic-nav a[href$="{other["url"].rsplit("/", 2)[-2]}/"]').first
    page.evaluate("() => { window.__qbSameDocument = true; }")
    click_instantly(page, link)
    page.wait_for_url(re.compile(re.escape(other["url"]) + "$"))
    wait_for_title(page, other["title"])
    assert page.evaluate("() => window.__qbSameDocument === true"), "the click did a full page load, not instant navigation"
    assert len(page_log.requested("sitemap.xml")) == 1, page_log.requested("sitemap.xml")


def test_keyboard_focus_on_a_link_fetches_the_sitemap(page, page_log: PageLog, site_server: str) -> None:
    """A keyboard reader reaches for a link with Tab: that is enough too."""
    _open(page, site_server)
    assert not page_log.requested("sitemap.xml")
    page.keyboard.press("Tab")  # Material's "skip to content" link, the first focusable element
    page.wait_for_function(SITEMAP_ARRIVED)
    assert len(page_log.requested("sitemap.xml")) == 1


def test_each_stylesheet_is_parsed_once_and_kept_across_instant_navigation(
        page, site_server: str, temperature_q: dict) -> None:
    """Issue 12: Material's start-up re-assigned every stylesheet's href (to compare heads across
    instant navigation), which made the browser load and parse each stylesheet a second time and
    restyle the whole page.  With overrides/partials/head-urls.html each is added to the page once,
    and instant navigation keeps the same <link> elements (the heads still compare equal), also
    to a page one folder deeper (a topic page to one of its questions: relative hrefs would then
    resolve against the new address)."""
    cdp = page.context.new_cdp_session(page)
    added: list[str] = []
    cdp.on("CSS.styleSheetAdded", lambda e: added.append(e["header"].get("sourceURL", "")))
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    _open(page, site_server + _topic_url(temperature_q))
    sheets = [url for url in added if url.endswith(".css")]
    assert len(sheets) >= 3 and len(sheets) == len(set(sheets)), f"stylesheets added more than once: {sheets}"

    page.evaluate("() => document.querySelectorAll('link[rel=stylesheet]').forEach(l => { l.qbKept = true; })")
    page.evaluate("() => { window.__qbSameDocument = true; }")
    slug = temperature_q["url"].rstrip("/").rsplit("/", 1)[-1]
    click_instantly(page, page.locator(f'article.md-content__inner a[href$="{slug}/"]').first)
    page.wait_for_url(re.compile(re.escape(temperature_q["url"]) + "$"))
    wait_for_title(page, temperature_q["title"])
    assert page.evaluate("() => window.__qbSameDocument === true"), "the click did a full page load, not instant navigation"
    kept = page.evaluate("() => [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.qbKept === true)")
    assert kept and all(kept), "instant navigation replaced the page's stylesheets"
    assert len([url for url in added if url.endswith(".css")]) == len(sheets), "stylesheets were loaded again"


def test_focus_visible_classes_are_set_before_the_bundle_and_keyboard_focus_still_shows(
        page, site_server: str) -> None:
    """The root carries js and js-focus-visible from the <head> (a class change on <html> once
    Material's polyfill ran restyled every element); the polyfill still marks keyboard focus."""
    page.add_init_script("""new MutationObserver(records => records.forEach(r => r.target === document.documentElement
        && r.oldValue !== r.target.getAttribute(r.attributeName)
        && (window.__qbRootChanges ||= []).push([document.readyState, r.attributeName, r.oldValue, r.target.className])))
        .observe(document, {attributes: true, attributeOldValue: true, subtree: true})""")
    _open(page, site_server)
    late = [c for c in page.evaluate("() => window.__qbRootChanges || []") if c[0] != "loading"]
    assert not late, f"<html> changed after the document was parsed (a whole-page restyle): {late}"
    assert set(page.evaluate("() => document.documentElement.className").split()) >= {"js", "js-focus-visible"}
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('focus-visible')")


@pytest.mark.allow_console_error(r"Failed to load resource: net::ERR_FAILED \(at [^ ]*/bundle\.[0-9a-f]+\.min\.js")
def test_focus_visible_class_goes_when_materials_bundle_does_not_run(browser, page_log: PageLog,
                                                                     site_server: str) -> None:
    """Without the polyfill, js-focus-visible would hide keyboard focus outlines for good: the
    page removes it at load when the bundle did not run."""
    with guarded_page(browser, page_log) as p:
        p.route(re.compile(r".*/assets/javascripts/bundle\.[0-9a-f]+\.min\.js$"), lambda route: route.abort())
        p.goto(site_server, wait_until="load")
        classes = p.evaluate("() => document.documentElement.className").split()
        assert "js-focus-visible" not in classes and not p.evaluate(
            "() => document.documentElement.hasAttribute('data-js-focus-visible')")




@pytest.mark.parametrize("width", [412, 1280])
def test_pages_load_styled_without_layout_shift(browser, page_log: PageLog, site_server: str, questions_json: dict,
                                                temperature_q: dict, mermaid_q: dict, width: int) -> None:
    """A page shows styled from its first paint and nothing moves while it starts: the
    start-up scripts around Material's bundle (overrides/) must not make a stylesheet stop
    holding the first paint (an unstyled page, then the styled one: a layout shift of 1)."""
    shifts = {}
    with guarded_page(browser, page_log, viewport={"width": width, "height": 823}, is_mobile=width < 500) as p:
        p.add_init_script("window.__qbShift = 0; new PerformanceObserver(l => l.getEntries().forEach(e => "
                          "{ if (!e.hadRecentInput) window.__qbShift += e.value; })).observe({type: 'layout-shift', buffered: true})")
        for name, url in (("home", ""), ("math", temperature_q["url"]), ("diagram", mermaid_q["url"]),
                          ("study", "study/"), ("notebook", "notebooks/attention/")):
            _open(p, site_server + url)
            p.wait_for_timeout(300)
            shifts[name] = round(p.evaluate("() => window.__qbShift"), 3)
    assert all(v < 0.05 for v in shifts.values()), f"layout shift while loading at {width} px: {shifts}"


COLOR_SCHEME_WATCH = """new MutationObserver(records => records.forEach(r => {
    const metas = [r.target, ...r.addedNodes, ...r.removedNodes].filter(n => n.nodeName === "META" && n.name === "color-scheme");
    if (metas.length && document.readyState !== "loading") (window.__qbLateSchemes ||= []).push(r.type + ":" + metas[0].content);
  })).observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ["content"]})"""
COLOR_SCHEMES = "() => [...document.querySelectorAll('meta[name=color-scheme]')].map(m => m.content)"


def test_color_scheme_meta_is_right_from_the_start_and_follows_the_palette(browser, page_log: PageLog,
                                                                           site_server: str) -> None:
    """Material's palette appended an empty color-scheme meta and then set it, after the page was
    parsed: two restyles of every element (overrides/partials/color-scheme.html).  The page has
    one color-scheme meta, with the right value before Material runs, for the system's
    preference and for a stored palette; toggling the palette still changes it."""
    for system, expected in (("light", "light"), ("dark", "dark")):
        with guarded_page(browser, page_log, color_scheme=system) as p:
            p.add_init_script(COLOR_SCHEME_WATCH)
            _open(p, site_server)
            assert p.evaluate(COLOR_SCHEMES) == [expected], (system, p.evaluate(COLOR_SCHEMES))
            assert not p.evaluate("() => window.__qbLateSchemes || []"), p.evaluate("() => window.__qbLateSchemes")
            if system == "light":
                _switch_to_slate(p)
                p.wait_for_function("() => document.querySelector('meta[name=color-scheme]').content === 'dark'")
                assert p.evaluate(COLOR_SCHEMES) == ["dark"]
                p.evaluate("() => { window.__qbLateSchemes = []; }")
                p.reload(wait_until="load")
                assert _scheme(p) == "slate"
                assert p.evaluate(COLOR_SCHEMES) == ["dark"]
                assert not p.evaluate("() => window.__qbLateSchemes || []"), "the stored dark palette was not guessed"


def test_tags_page_is_compact_and_no_tag_breaks_on_a_phone(browser, page_log: PageLog, site_server: str) -> None:
    """Issue 14: the tags page was ~15,000 px tall with names broken mid-word ("activation-/functions")."""
    for viewport in ({"width": 390, "height": 844}, {"width": 1280, "height": 900}):
        with guarded_page(browser, page_log, viewport=viewport, is_mobile=viewport["width"] < 500) as p:
            _open(p, site_server + "tags/")
            height = p.evaluate("() => document.documentElement.scrollHeight")
            assert height < 4000, f"tags page is {height} px tall at {viewport['width']} px"
            broken = p.evaluate("""() => [...document.querySelectorAll('.qb-tag-cloud a')]
              .filter(a => a.getClientRects().length > 1 || a.getBoundingClientRect().height > 2.2 * parseFloat(getComputedStyle(a).fontSize))
              .map(a => a.textContent)""")
            assert not broken, f"tags on several lines at {viewport['width']} px: {broken}"
            assert p.locator(".qb-tag-cloud a").count() >= 20


# -- 5. dark mode -----------------------------------------------------------------------


def test_dark_mode_persists_across_reload(page, site_server: str) -> None:
    _open(page, site_server)
    assert _scheme(page) == "default"
    _switch_to_slate(page)
    stored = page.evaluate("""() => Object.keys(localStorage).filter(k => k.endsWith('__palette'))
        .map(k => JSON.parse(localStorage.getItem(k)))""")
    assert stored and stored[0]["color"]["scheme"] == "slate", stored
    page.reload()
    page.wait_for_load_state("networkidle")
    assert _scheme(page) == "slate"
    bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert _luminance(_rgb(bg)) < 0.1, f"slate scheme but the page background is {bg}"


# -- 6. no errors, no third parties ------------------------------------------------------


def test_pages_log_no_errors_and_stay_on_the_local_server(page, page_log: PageLog, site_server: str,
                                                         temperature_q: dict, mermaid_q: dict) -> None:
    page.context.add_init_script(OPEN_SHADOW)
    urls = ["", _topic_url(temperature_q), temperature_q["url"], mermaid_q["url"], "tags/", "unanswered/", "sources/"]
    for url in urls:
        _open(page, site_server + url)
        if url == mermaid_q["url"]:
            page.evaluate(SHOW_DIAGRAM)
            page.wait_for_function(HAS_MERMAID_SVG, timeout=20_000)
    assert len(page_log.requests) > len(urls)
    assert not page_log.third_party(), page_log.third_party()
    assert not page_log.unexpected_errors(), page_log.unexpected_errors()


# -- 7. phone width ----------------------------------------------------------------------


def test_no_horizontal_overflow_at_phone_width(browser, page_log: PageLog, site_server: str,
                                              temperature_q: dict, mermaid_q: dict) -> None:
    too_wide = []
    with guarded_page(browser, page_log, viewport=PHONE, device_scale_factor=2, is_mobile=True,
                     has_touch=True) as phone:
        phone.context.add_init_script(OPEN_SHADOW)
        for url in ("", _topic_url(temperature_q), temperature_q["url"], mermaid_q["url"]):
            _open(phone, site_server + url)
            if url == mermaid_q["url"]:
                phone.evaluate(SHOW_DIAGRAM)
                phone.wait_for_function(HAS_MERMAID_SVG, timeout=20_000)
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                culprits = phone.evaluate("""(w) => [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > w + 1)
                    .slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.'))""",
                                          PHONE["width"])
                too_wide.append(f"/{url}: scrollWidth {width} ({culprits})")
    assert not too_wide, "pages wider than the phone:\n" + "\n".join(too_wide)


# -- 8. screenshots ----------------------------------------------------------------------


def test_screenshots(browser, page, page_log: PageLog, site_server: str, temperature_q: dict,
                     mermaid_q: dict) -> None:
    """Saves tests/artifacts/*.png for a human to look at (asserts only that they exist)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def shoot(p, name: str, full_page: bool = True) -> None:
        path = ARTIFACTS / name
        p.screenshot(path=str(path), full_page=full_page)
        shots.append(path)

    page.context.add_init_script(OPEN_SHADOW)
    _open(page, site_server)
    shoot(page, "home.png")
    _open(page, site_server + temperature_q["url"])
    shoot(page, "question.png")
    _open(page, site_server + _topic_url(temperature_q))
    shoot(page, "topic.png")
    _open(page, site_server + mermaid_q["url"])
    page.evaluate(SHOW_DIAGRAM)
    page.wait_for_function(HAS_MERMAID_SVG, timeout=20_000)
    shoot(page, "mermaid.png")
    _open(page, site_server + temperature_q["url"])
    _switch_to_slate(page)
    page.mouse.move(5, 600)  # no hover tooltip on the palette toggle in the picture
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.evaluate(SETTLE_ANIMATIONS)
    page.wait_for_timeout(300)
    shoot(page, "dark.png")
    with guarded_page(browser, page_log, viewport=PHONE, device_scale_factor=1, is_mobile=True,
                     has_touch=True) as phone:
        _open(phone, site_server + temperature_q["url"])
        shoot(phone, "phone.png")
        _open(phone, site_server)
        shoot(phone, "phone-home.png")
    for path in shots:
        assert path.is_file() and path.stat().st_size > 5_000, path


# -- 9. accessibility basics ---------------------------------------------------------------

UNNAMED_CONTROLS = """() => [...document.querySelectorAll(
    'a[href], button, [role="button"], input[type="button"], input[type="submit"], input[type="reset"]')]
  .filter(el => {
    const text = (el.innerText || el.textContent || el.value || '').trim();
    const alt = [...el.querySelectorAll('img[alt]')].some(img => img.alt.trim());
    const named = ['aria-label', 'aria-labelledby', 'title'].some(a => (el.getAttribute(a) || '').trim());
    return !text && !alt && !named;
  })
  .map(el => el.outerHTML.slice(0, 160))"""


def test_controls_without_text_have_a_label(page, site_server: str, temperature_q: dict, mermaid_q: dict) -> None:
    unnamed = {}
    tag = sorted(temperature_q["tags"])[0]
    for url in ("", _topic_url(temperature_q), temperature_q["url"], mermaid_q["url"], "tags/", f"tags/{tag}/",
                "unanswered/", "sources/"):
        _open(page, site_server + url, idle=False)
        bad = page.evaluate(UNNAMED_CONTROLS)
        if bad:
            unnamed[f"/{url}"] = bad
    assert not unnamed, f"controls without text, aria-label or title: {unnamed}"


TEXT_COLOURS = """(selector) => {
  const parse = c => {
    const m = c.match(/^rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?\\)$/);
    if (!m) throw new Error('unparsed colour ' + c);
    return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let bg = [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    return bg;
  };
  return [...document.querySelectorAll(selector)].map(el => {
    const bg = background(el);
    return {cls: el.className, text: el.textContent.trim(), fg: over(parse(getComputedStyle(el).color), bg), bg};
  });
}"""



def _rgb(css: str) -> tuple[float, float, float]:
    m = re.match(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)", css)
    assert m, css
    return float(m[1]), float(m[2]), float(m[3])


def _luminance(rgb) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(fg, bg) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_badge_contrast_meets_wcag_aa_in_both_palettes(page, site_server: str, questions_json: dict,
                                                      temperature_q: dict) -> None:
    by_topic: dict[str, set[str]] = {}
    for q in questions_json["questions"]:
        by_topic.setdefault(q["topic"], set()).add(q["difficulty"])
    richest_topic = max(sorted(by_topic), key=lambda t: len(by_topic[t]))
    failures, seen = [], set()
    for url in (temperature_q["url"], f"questions/{richest_topic}/", "unanswered/"):
        _open(page, site_server + url, idle=False)
        for scheme in ("default", "slate"):
            page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
            # colours transition (Material animates link colours): measure the end state
            page.evaluate(SETTLE_ANIMATIONS)
            body_bg = _rgb(page.evaluate("() => getComputedStyle(document.body).backgroundColor"))
            assert (_luminance(body_bg) < 0.1) == (scheme == "slate"), f"{scheme} not applied on /{url}"
            for badge in page.evaluate(TEXT_COLOURS, ".qb-badge"):
                variant = next((c for c in badge["cls"].split() if c.startswith("qb-badge--")), badge["cls"])
                seen.add(variant)
                ratio = _contrast(badge["fg"], badge["bg"])
                if ratio < 4.5:
                    failures.append(f"/{url} {scheme} {variant} {badge['text']!r}: {ratio:.2f}:1 "
                                    f"(fg {badge['fg'][:3]}, bg {badge['bg'][:3]})")
        if not any(q["status"] == "unanswered" for q in questions_json["questions"]):
            # The real bank is fully answered today: measure the unanswered badge's own CSS on
            # a badge added to this page, in both palettes.
            for scheme in ("default", "slate"):
                page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
                page.evaluate("""() => { const b = document.createElement('span');
                    b.className = 'qb-badge qb-badge--unanswered'; b.textContent = 'Unanswered';
                    (document.querySelector('.md-content article') || document.body).prepend(b); }""")
                page.evaluate(SETTLE_ANIMATIONS)
                for badge in page.evaluate(TEXT_COLOURS, ".qb-badge--unanswered"):
                    seen.add("qb-badge--unanswered")
                    ratio = _contrast(badge["fg"], badge["bg"])
                    if ratio < 4.5:
                        failures.append(f"injected {scheme} qb-badge--unanswered: {ratio:.2f}:1")
    expected = {f"qb-badge--{v}" for v in ("easy", "medium", "hard", "answered", "unanswered", "topic")}
    assert expected <= seen, f"badge variants not checked: {sorted(expected - seen)}"
    assert not failures, "badges below 4.5:1:\n" + "\n".join(sorted(set(failures)))


def test_question_page_text_contrast_meets_wcag_aa_in_both_palettes(page, site_server: str, questions_json: dict,
                                                                   temperature_q: dict) -> None:
    """Beyond the badges: the action buttons and the small attribution/provenance text."""
    unanswered = next((q for q in questions_json["questions"] if q["status"] == "unanswered"), None)
    selectors = ".qb-actions .md-button, .md-typeset .md-button--primary, .qb-attribution, .qb-provenance"
    failures, checked = [], 0
    # with no unanswered question in the bank, the home page carries the primary buttons
    for url in (temperature_q["url"], unanswered["url"] if unanswered else ""):
        _open(page, site_server + url, idle=False)
        for scheme in ("default", "slate"):
            page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
            page.evaluate(SETTLE_ANIMATIONS)
            for item in page.evaluate(TEXT_COLOURS, selectors):
                checked += 1
                ratio = _contrast(item["fg"], item["bg"])
                if ratio < 4.5:
                    failures.append(f"/{url} {scheme} .{item['cls'].replace(' ', '.')} {item['text'][:30]!r}: "
                                    f"{ratio:.2f}:1 (fg {item['fg'][:3]}, bg {item['bg'][:3]})")
    assert checked >= 8
    assert not failures, "text below 4.5:1:\n" + "\n".join(failures)
