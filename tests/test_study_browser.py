"""The study page (/study/) in a real browser: flashcards, scheduling, mock interview,
keyboard, instant navigation, offline use, progress files, phone width, screenshots.

Uses the shared build, server and Debian chromium of conftest.py; the guarded ``page``
fails a test on any console error or any request that leaves the local server.
Run with ``pytest -n 2 --dist loadgroup`` (the xdist group keeps one browser).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SETTLE_ANIMATIONS, PageLog, click_instantly, guarded_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ARTIFACTS = REPO / "tests" / "artifacts"
README_SHOT = REPO / "docs" / "assets" / "images" / "study.png"
PHONE = {"width": 375, "height": 812}
RAW_TEX = ("\\frac", "\\(", "\\)", "\\[", "\\]", "\\tau", "$$")
COUNTS = """() => Object.fromEntries([...document.querySelectorAll('[data-count]')]
  .map(e => [e.dataset.count, +e.textContent]))"""
STORED = """() => {
  const k = Object.keys(localStorage).find(k => k.endsWith('.qbank-study'));
  return k ? JSON.parse(localStorage.getItem(k)) : null;
}"""
ACTIVE = "() => { const a = document.activeElement; return a ? (a.id || a.dataset.act || a.dataset.grade || a.tagName) : null; }"
FOCUS_RING = """() => { const s = getComputedStyle(document.activeElement);
  return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; }"""
UNNAMED = """() => [...document.querySelectorAll('#qb-study a[href], #qb-study button, #qb-study input, #qb-study select')]
  .filter(el => {
    const text = (el.innerText || el.textContent || el.value || '').trim();
    const named = ['aria-label', 'aria-labelledby', 'title'].some(a => (el.getAttribute(a) || '').trim());
    const labelled = el.labels && el.labels.length && el.labels[0].textContent.trim();
    return el.type !== 'hidden' && !el.hidden && !(text && el.tagName !== 'SELECT' && el.tagName !== 'INPUT') && !named && !labelled;
  }).map(el => el.outerHTML.slice(0, 120))"""


# -- helpers -------------------------------------------------------------------------------


def _find(questions_json: dict, *needles: str) -> dict:
    hits = [q for q in questions_json["questions"] if all(n.lower() in q["title"].lower() for n in needles)]
    assert hits, f"no question whose title contains {needles}"
    return hits[0]


@pytest.fixture(scope="module")
def temperature_q(questions_json: dict) -> dict:
    return _find(questions_json, "temperature")


@pytest.fixture(scope="module")
def mermaid_q(questions_json: dict) -> dict:
    return _find(questions_json, "logits", "hard targets")


def _answered(questions_json: dict, **where: str) -> list[dict]:
    return [q for q in questions_json["questions"]
            if q["status"] == "answered" and all(q[k] == v for k, v in where.items())]


def _open_study(page, site_server: str) -> None:
    response = page.goto(site_server + "study/")
    assert response is not None and response.ok
    page.wait_for_selector("#qb-study[data-ready]")


def _counts(page) -> dict:
    return page.evaluate(COUNTS)


def _filter(page, **values: str) -> None:
    if not page.evaluate("() => document.querySelector('.qb-filters').open"):
        page.click(".qb-filters > summary")
    for key, value in values.items():
        page.select_option(f"select[data-set={key}]", value)


def _title(page) -> str:
    return page.inner_text("#qb-card-title").strip()


def _go_to(page, title: str) -> None:
    """Move through the queue (Next, then Previous) until the card titled ``title``."""
    for act in ("next", "prev"):
        for _ in range(200):
            if _title(page) == title:
                return
            if page.is_disabled(f"[data-act={act}]"):
                break
            page.click(f"[data-act={act}]")
    raise AssertionError(f"card {title!r} not in the queue")


def _tab_to(page, selector: str, limit: int = 80, key: str = "Tab") -> None:
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"Tab never reached {selector}")


def _live(page) -> str:
    page.wait_for_timeout(80)
    return page.inner_text("#qb-study [data-live]")




# -- 1. filter -> reveal -> grade -> counts -> reload --------------------------------------------


def test_filter_reveal_grade_counts_and_reload(page, site_server: str, questions_json: dict, temperature_q: dict) -> None:
    page.clock.install()
    _open_study(page, site_server)
    total = len(_answered(questions_json))
    assert _counts(page) == {"now": total, "due": 0, "new": total, "learning": 0, "review": 0}

    _filter(page, topic=temperature_q["topic"], difficulty=temperature_q["difficulty"])
    pool = _answered(questions_json, topic=temperature_q["topic"], difficulty=temperature_q["difficulty"])
    n = len(pool)
    assert n >= 2
    assert _counts(page) == {"now": n, "due": 0, "new": n, "learning": 0, "review": 0}
    assert page.inner_text(".qb-card__pos") == f"Card 1 of {n}"
    _go_to(page, temperature_q["title"])
    full = page.locator(".qb-card__nav a")
    assert full.get_attribute("href").endswith(temperature_q["url"])

    answer = page.locator("#qb-card-answer")
    assert answer.is_hidden() and page.locator(".qb-grades").is_hidden()
    page.click("[data-act=reveal]")
    assert answer.is_visible()
    assert page.get_attribute("[data-act=reveal]", "aria-expanded") == "true"
    assert answer.locator(".katex").count() > 3 and answer.locator(".katex-display").count() >= 1
    assert answer.locator(".katex").first.is_visible()
    text = answer.inner_text()
    assert not [t for t in RAW_TEX if t in text], text[:400]
    assert "A Lazy Data Science Guide" in answer.locator(".qb-attribution").inner_text()
    assert page.get_attribute("[data-grade='3']", "aria-label") == "Good, next in 10 minutes"

    page.click("[data-grade='3']")
    after = {"now": n - 1, "due": 0, "new": n - 1, "learning": 1, "review": 0}
    assert _counts(page) == after
    assert _title(page) != temperature_q["title"], "a graded card leaves the queue until it is due"
    stored = page.evaluate(STORED)
    assert stored["schema"] == 1
    card = stored["cards"][temperature_q["id"]]
    assert (card["state"], card["step"], card["reps"], card["due"] - card["last"]) == ("learning", 1, 1, 600_000)
    assert stored["log"][-1]["id"] == temperature_q["id"] and stored["log"][-1]["g"] == 3

    page.reload()
    page.wait_for_selector("#qb-study[data-ready]")
    assert _counts(page) == after, "progress (and the filters) survive a reload"
    assert page.input_value("select[data-set=topic]") == temperature_q["topic"]

    page.clock.fast_forward("11:00")  # the learning step is over: the card is due again
    page.wait_for_function("() => document.querySelector('[data-count=due]').textContent === '1'")
    assert _counts(page) == {"now": n, "due": 1, "new": n - 1, "learning": 1, "review": 0}
    assert page.inner_text(".qb-card__pos").endswith(f"of {n}"), "the due card joined the queue"


# -- 2. diagrams in answers ------------------------------------------------------------------


def test_mermaid_diagram_in_a_revealed_answer(page, page_log: PageLog, site_server: str, mermaid_q: dict) -> None:
    _open_study(page, site_server)
    assert not page_log.requested("vendor/mermaid/"), "the study page must not load mermaid up front"
    _filter(page, topic=mermaid_q["topic"])
    _go_to(page, mermaid_q["title"])
    page.click("[data-act=reveal]")
    page.wait_for_function("""() => { const h = document.querySelector('#qb-card-answer div.mermaid');
      return h && h.shadowRoot && h.shadowRoot.querySelector('svg'); }""", timeout=20_000)
    labels = page.evaluate("() => document.querySelector('#qb-card-answer div.mermaid').shadowRoot.textContent")
    for label in ("Logits", "Soft targets", "Hard targets"):
        assert label in labels
    assert "graph LR" not in page.inner_text("#qb-card-answer")
    assert page.locator("#qb-card-answer div.mermaid").bounding_box()["height"] > 20
    assert site_server + "assets/vendor/mermaid/mermaid.esm.min.mjs" in page_log.requested("vendor/mermaid/")


# -- 3. keyboard only ------------------------------------------------------------------------


def test_keyboard_only_flow(page, site_server: str, questions_json: dict) -> None:
    _open_study(page, site_server)
    total = len(_answered(questions_json))
    first = _title(page)
    page.keyboard.press("Space")
    assert page.locator("#qb-card-answer").is_visible()
    assert page.evaluate(ACTIVE) == "qb-card-answer", "the revealed answer takes the focus (screen readers read it)"
    assert "Grade it" in _live(page)
    page.keyboard.press("4")
    assert _counts(page) == {"now": total - 1, "due": 0, "new": total - 1, "learning": 0, "review": 1}
    assert page.evaluate(ACTIVE) == "qb-card-title"
    assert _title(page) != first
    assert _live(page).startswith("Easy: next review in 4 days. Card 1 of")

    second = _title(page)
    page.keyboard.press("ArrowRight")
    assert page.inner_text(".qb-card__pos").startswith("Card 2 of") and _title(page) != second
    page.keyboard.press("ArrowLeft")
    assert _title(page) == second
    page.keyboard.press("1")  # not revealed: grading keys do nothing
    assert _counts(page)["learning"] == 0

    _tab_to(page, "[data-act=reveal]")
    assert page.evaluate(FOCUS_RING), "keyboard focus must be visible"
    page.keyboard.press("Enter")
    _tab_to(page, "[data-grade='1']")
    assert page.evaluate(FOCUS_RING)
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Again, next in 1 minute"
    page.keyboard.press("Enter")
    assert _counts(page)["learning"] == 1

    # a whole mock interview, keyboard only
    _tab_to(page, "[data-view=mock]", key="Shift+Tab")  # back up past the filters
    page.keyboard.press("Enter")
    _tab_to(page, "input[name=count]")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    for grade in ("3", "2"):
        assert page.evaluate(ACTIVE) == "qb-card-title"
        page.keyboard.press("Space")
        page.keyboard.press(grade)
    assert page.evaluate(ACTIVE) == "qb-sum-h"
    assert page.locator(".qb-summary__table tbody tr").count() == 2
    assert "1 nailed · 1 partly · 0 missed" in page.inner_text("[data-score]")


# -- 4. mock interview ---------------------------------------------------------------------


def test_mock_interview_from_start_to_summary(page, site_server: str, questions_json: dict, temperature_q: dict) -> None:
    page.clock.install()
    _open_study(page, site_server)
    page.click("[data-view=mock]")
    page.click("[data-act=mock-none]")
    topics = [temperature_q["topic"], "foundations"]
    for t in topics:
        page.check(f"input[name=topic][value='{t}']")
    page.fill("input[name=count]", "3")
    page.select_option("select[name=minutes]", "1")
    page.click("button[type=submit]")
    pool = {q["title"]: q for q in questions_json["questions"] if q["status"] == "answered" and q["topic"] in topics}

    asked = []
    for i in range(3):
        assert page.inner_text(".qb-card__pos") == f"Question {i + 1} of 3"
        title = _title(page)
        assert title in pool and title not in asked
        asked.append(title)
        assert re.fullmatch(r"[01]:\d\d", page.inner_text("[data-timer]")), page.inner_text("[data-timer]")
        if i == 0:
            page.clock.fast_forward("01:05")  # time is up: the answer shows itself
            page.wait_for_function("() => document.querySelector('[data-timer]').textContent.startsWith('+')")
            assert "qb-timer--over" in page.get_attribute("[data-timer]", "class")
            assert page.locator("#qb-card-answer").is_visible()
        else:
            assert page.locator("#qb-card-answer").is_hidden()
            page.click("[data-act=reveal]")
        page.click(f"[data-assess='{2 - i}']")

    summary = page.locator(".qb-summary")
    assert summary.is_visible()
    assert "1 nailed · 1 partly · 1 missed" in page.inner_text("[data-score]")
    assert page.inner_text("[data-score]").startswith("50%")
    links = page.locator(".qb-summary__table tbody a")
    hrefs = links.evaluate_all("as => as.map(a => a.href)")
    assert hrefs == [site_server + pool[t]["url"] for t in asked]
    for href in hrefs:
        assert page.request.get(href).ok
    assert "(over)" in page.inner_text(".qb-summary__table tbody tr:first-child")

    page.click("[data-view=progress]")
    assert "on 3 questions" in page.inner_text("#qb-study")
    page.click("[data-view=mock]")
    assert page.locator(".qb-summary").is_visible(), "the summary stays until a new interview"
    page.click("[data-act=mock-new]")
    assert page.locator("form.qb-mock-setup").is_visible()
    assert page.input_value("input[name=count]") == "3", "the last settings are kept"


# -- 5. instant navigation ----------------------------------------------------------------------


def test_instant_navigation_mounts_once(page, site_server: str) -> None:
    response = page.goto(site_server)
    assert response is not None and response.ok
    page.wait_for_load_state("networkidle")
    page.evaluate("() => { window.__qbSameDocument = true; }")
    assert not page.evaluate("() => !!window.__qbStudy"), "study.js must not load on other pages"

    for round_ in (1, 2):
        click_instantly(page, page.locator('a.md-tabs__link[href$="study/"]'))
        page.wait_for_url(re.compile(r"/study/$"))
        page.wait_for_selector("#qb-study[data-ready]")
        assert page.evaluate("() => window.__qbSameDocument === true"), "the click did a full page load"
        assert page.locator("#qb-study .qb-study__modes").count() == 1
        page.keyboard.press("Space")
        page.keyboard.press("3")
        assert _counts(page)["learning"] == round_, "one key press, one grade (no double initialisation)"
        page.click('a.md-tabs__link[href$="tags/"]')
        page.wait_for_url(re.compile(r"/tags/$"))
        page.wait_for_function("() => !document.getElementById('qb-study')")
        page.keyboard.press("Space")  # the study keys are inert elsewhere
        assert page.evaluate(STORED)["log"].__len__() == round_


# -- 6. offline ---------------------------------------------------------------------------------

# Every face cards.json lists is loaded (the page fetched them while online).
FONTS_WARM = """() => fetch('cards.json').then(r => r.json()).then(d => d.fonts.length > 0
  && d.fonts.every(f => document.fonts.check(f)) && document.fonts.status === 'loaded')"""


@pytest.mark.allow_console_error(r"ERR_INTERNET_DISCONNECTED")
def test_the_fonts_fetched_online_typeset_every_card_offline(page, site_server: str) -> None:
    """The faces the build lists (qbank.site.katex_fonts) are all the cards need: once they are
    loaded and the reader is offline, laying out every answer asks for no other face (one the
    build missed would fail to load: status "error")."""
    _open_study(page, site_server)
    page.wait_for_function(FONTS_WARM)
    page.evaluate("async () => { window.__qbCards = (await (await fetch('cards.json')).json()).cards; }")
    page.context.set_offline(True)
    try:
        failed = page.evaluate("""async () => {
          const box = document.createElement('div');
          box.className = 'md-typeset';
          box.innerHTML = window.__qbCards.map(c => c.answer_html).join('');
          document.querySelector('article').appendChild(box);
          void box.offsetWidth;
          await document.fonts.ready;
          box.remove();
          return [...document.fonts].filter(f => f.family.includes('KaTeX') && f.status === 'error')
            .map(f => f.family + ' ' + f.style + ' ' + f.weight);
        }""")
    finally:
        page.context.set_offline(False)
    assert failed == [], f"faces the cards need but the build did not list: {failed}"


@pytest.mark.allow_console_error(r"ERR_INTERNET_DISCONNECTED")
def test_works_offline_once_loaded(page, site_server: str, temperature_q: dict, mermaid_q: dict) -> None:
    _open_study(page, site_server)
    page.wait_for_function(FONTS_WARM)
    page.context.set_offline(True)
    try:
        _filter(page, topic=temperature_q["topic"])
        _go_to(page, temperature_q["title"])
        page.click("[data-act=reveal]")
        assert page.locator("#qb-card-answer .katex").first.is_visible()
        assert page.evaluate("""() => [...document.fonts].some(f => f.family.replace(/"/g, '') === 'KaTeX_Math'
            && f.style === 'italic' && f.status === 'loaded')"""), "KaTeX fonts were not fetched while online"
        page.click("[data-grade='4']")
        assert _counts(page)["review"] == 1
        _go_to(page, mermaid_q["title"])
        page.click("[data-act=reveal]")
        note = page.locator(".qb-card__diagram-note")
        note.wait_for(timeout=10_000)
        assert note.locator("a").get_attribute("href").endswith(mermaid_q["url"])
        assert "graph LR" in page.inner_text("#qb-card-answer"), "offline, the diagram source is shown instead"
        page.click("[data-view=mock]")
        page.fill("input[name=count]", "1")
        page.click("button[type=submit]")
        page.click("[data-act=reveal]")
        page.click("[data-assess='2']")
        assert page.locator(".qb-summary").is_visible()
        page.click("[data-view=progress]")
        assert "Reviews today" in page.inner_text("#qb-study")
    finally:
        page.context.set_offline(False)


# -- 7. progress file ---------------------------------------------------------------------------


def test_export_reset_and_import_progress(page, site_server: str, questions_json: dict, tmp_path: Path) -> None:
    total = len(_answered(questions_json))
    _open_study(page, site_server)
    for grade in ("3", "4"):
        page.keyboard.press("Space")
        page.keyboard.press(grade)
    page.click("[data-view=progress]")
    with page.expect_download() as download:
        page.click("[data-act=export]")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert re.fullmatch(r"dl-interview-questions-progress-\d{4}-\d\d-\d\d\.json", saved.name)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["format"] == "qbank-study-progress" and doc["schema"] == 1
    assert sorted(c["state"] for c in doc["cards"].values()) == ["learning", "review"]
    assert len(doc["log"]) == 2

    page.once("dialog", lambda d: d.dismiss())
    page.click("[data-act=reset]")
    assert len(page.evaluate(STORED)["cards"]) == 2, "cancelling the confirmation keeps the progress"
    page.once("dialog", lambda d: d.accept())
    page.click("[data-act=reset]")
    assert "Progress reset" in page.inner_text("[data-msg]")
    assert page.evaluate(STORED)["cards"] == {}
    page.click("[data-view=cards]")
    assert _counts(page)["new"] == total

    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    page.click("[data-view=progress]")
    with page.expect_file_chooser() as chooser:
        page.click("[data-act=import]")
    chooser.value.set_files(str(bad))
    page.wait_for_function("() => document.querySelector('[data-msg]').textContent.startsWith('Could not import')")

    with page.expect_file_chooser() as chooser:
        page.click("[data-act=import]")
    chooser.value.set_files(str(saved))
    page.wait_for_function("() => document.querySelector('[data-msg]').textContent.startsWith('Imported 2 cards')")
    page.click("[data-view=cards]")
    assert _counts(page) == {"now": total - 2, "due": 0, "new": total - 2, "learning": 1, "review": 1}


# -- 8. phone width and labels -------------------------------------------------------------------


def test_phone_width_and_labels(browser, page_log: PageLog, site_server: str, temperature_q: dict) -> None:
    problems = []
    with guarded_page(browser, page_log, viewport=PHONE, is_mobile=True, has_touch=True) as phone:
        _open_study(phone, site_server)

        def check(where: str) -> None:
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{where}: scrollWidth {width}")
            unnamed = phone.evaluate(UNNAMED)
            if unnamed:
                problems.append(f"{where}: unlabelled controls {unnamed}")

        assert not phone.evaluate("() => document.querySelector('.qb-filters').open"), "filters start folded on phones"
        check("cards")
        _filter(phone, topic=temperature_q["topic"])
        _go_to(phone, temperature_q["title"])
        phone.click("[data-act=reveal]")
        check("revealed answer")
        box = phone.locator(".qb-grades").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        phone.click("[data-view=mock]")
        check("mock set-up")
        phone.click("button[type=submit]")
        check("mock question")
        phone.click("[data-act=mock-end]")
        check("mock summary")
        phone.click("[data-view=progress]")
        check("progress")
    assert not problems, "\n".join(problems)


PHONE_LAYOUT = """() => {
  const box = sel => { const r = document.querySelector(sel).getBoundingClientRect(); return {left: r.left, right: r.right}; };
  const tabs = [...document.querySelectorAll('.qb-tab')].map(b => { const r = b.getBoundingClientRect();
    return {label: b.textContent, top: r.top, height: r.height, line: parseFloat(getComputedStyle(b).lineHeight)
      || parseFloat(getComputedStyle(b).fontSize) * 1.2, overflow: b.scrollWidth > b.clientWidth}; });
  return {filters: box('.qb-filters'), counts: box('.qb-counts'), card: box('.qb-card'), tabs};
}"""


@pytest.mark.parametrize("width", [360, 390])
def test_phone_card_lines_up_and_modes_fit_one_line(browser, page_log: PageLog, site_server: str, width: int) -> None:
    """Issue 14: on a phone the card stuck out past the filters, and the three mode buttons wrapped."""
    with guarded_page(browser, page_log, viewport={"width": width, "height": 844}, is_mobile=True, has_touch=True) as phone:
        _open_study(phone, site_server)
        layout = phone.evaluate(PHONE_LAYOUT)
    for part in ("counts", "card"):
        for edge in ("left", "right"):
            assert abs(layout[part][edge] - layout["filters"][edge]) <= 1, (part, edge, layout)
    tabs = layout["tabs"]
    assert len(tabs) == 3 and len({round(t["top"]) for t in tabs}) == 1, f"mode buttons on several rows: {tabs}"
    for t in tabs:
        assert t["height"] < 2 * t["line"], f"{t['label']!r} wraps onto two lines: {t}"
        assert not t["overflow"], f"{t['label']!r} is wider than its button: {t}"


CONTRAST = """(sel) => {
  const parse = c => { const m = c.match(/^rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?\\)$/);
    return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]]; };
  const over = (t, b) => [0, 1, 2].map(i => t[i] * t[3] + b[i] * (1 - t[3])).concat([1]);
  const bgOf = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c); if (c[3] >= 1) break; }
    let bg = [255, 255, 255, 1]; for (const l of layers.reverse()) bg = over(l, bg); return bg; };
  const lum = rgb => { const ch = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * ch(rgb[0]) + 0.7152 * ch(rgb[1]) + 0.0722 * ch(rgb[2]); };
  return [...document.querySelectorAll(sel)].map(el => { const bg = bgOf(el), fg = over(parse(getComputedStyle(el).color), bg);
    const a = lum(fg), b = lum(bg); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); });
}"""
CONTRAST_TARGETS = (".qb-tab", ".qb-grade span", ".qb-grade small", ".qb-counts dt", ".qb-counts dd", ".qb-card__pos",
                    ".qb-keys", ".qb-chip", ".qb-btn", ".qb-card__nav a", ".qb-filters > summary")


def test_study_controls_contrast_in_both_palettes(page, site_server: str) -> None:
    _open_study(page, site_server)
    page.keyboard.press("Space")
    low = []
    for scheme in ("default", "slate"):
        page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
        page.evaluate(SETTLE_ANIMATIONS)
        for sel in CONTRAST_TARGETS:
            ratios = page.evaluate(CONTRAST, sel)
            assert ratios, f"nothing matches {sel}"
            low += [f"{scheme} {sel}: {r:.2f}:1" for r in ratios if r < 4.5]
    assert not low, "below WCAG AA 4.5:1:\n" + "\n".join(low)


def test_screen_reader_basics(page, site_server: str) -> None:
    _open_study(page, site_server)
    live = page.locator("#qb-study [aria-live=polite]")
    assert live.count() == 1
    assert page.locator("#qb-study [role=group][aria-label='Study mode'] button[aria-pressed=true]").count() == 1
    assert page.get_attribute("[data-act=reveal]", "aria-controls") == "qb-card-answer"
    assert page.locator(".qb-card[aria-labelledby=qb-card-title]").count() == 1
    assert not page.evaluate(UNNAMED)
    page.keyboard.press("Space")
    assert page.locator(".qb-grades[role=group]").get_attribute("aria-label")
    assert not page.evaluate(UNNAMED)


# -- 9. screenshots ------------------------------------------------------------------------------


def _short_math_question(built_site, questions_json: dict) -> dict:
    """The answered question with the shortest answer that has a display formula (nice to show)."""
    cards = json.loads((built_site.dir / "study" / "cards.json").read_text(encoding="utf-8"))["cards"]
    with_math = {c["id"]: len(re.sub(r"<[^>]+>", "", c["answer_html"])) for c in cards if "katex-display" in c["answer_html"]}
    assert with_math, "no answer with a display formula"
    best = min(with_math, key=lambda i: (with_math[i], i))
    return next(q for q in questions_json["questions"] if q["id"] == best)


def test_screenshots(browser, page_log: PageLog, site_server: str, built_site, questions_json: dict) -> None:
    """tests/artifacts/study-*.png (desktop and phone, light and dark), and study.png =
    desktop light + phone dark side by side.

    With QBANK_UPDATE_SCREENSHOT=1 the combined image is also written to
    docs/assets/images/study.png (the README's screenshot)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    q = _short_math_question(built_site, questions_json)
    shots = {}
    for name, options in {
        "desktop-light": {"viewport": {"width": 1280, "height": 1000}, "color_scheme": "light"},
        "desktop-dark": {"viewport": {"width": 1280, "height": 1000}, "color_scheme": "dark"},
        "phone-light": {"viewport": PHONE, "color_scheme": "light", "is_mobile": True, "has_touch": True},
        "phone-dark": {"viewport": PHONE, "color_scheme": "dark", "is_mobile": True, "has_touch": True},
    }.items():
        with guarded_page(browser, page_log, **options) as p:
            _open_study(p, site_server)
            scheme = p.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
            assert scheme == ("slate" if "dark" in name else "default"), (name, scheme)
            _filter(p, topic=q["topic"], difficulty=q["difficulty"])
            _go_to(p, q["title"])
            p.click(".qb-filters > summary")  # fold the filters: the card is the subject
            p.click("[data-act=reveal]")
            p.locator("#qb-card-answer .katex-display").first.wait_for()
            p.add_style_tag(content=".md-top { display: none !important; }")  # "back to top" pops up on scrolling
            # desktop: the top of the page; phone: the end of the card, with the grade buttons
            p.evaluate("""phone => { document.activeElement.blur();
              const nav = document.querySelector('.qb-card__nav').getBoundingClientRect();
              window.scrollTo(0, phone ? nav.bottom + scrollY - innerHeight + 24 : 0); }""", name.startswith("phone"))
            p.evaluate("() => document.fonts.ready.then(() => true)")
            p.wait_for_timeout(300)
            path = ARTIFACTS / f"study-{name}.png"
            p.screenshot(path=str(path))
            shots[name] = path
    with guarded_page(browser, page_log, viewport={"width": 1280, "height": 860}, device_scale_factor=1) as p:
        def data_url(path: Path) -> str:
            return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()

        p.set_content(f"""<body style="margin:0;padding:20px;background:#c5cae9;display:flex;gap:20px;align-items:flex-start">
          <img src="{data_url(shots['desktop-light'])}" style="width:880px;box-shadow:0 2px 8px #0004">
          <img src="{data_url(shots['phone-dark'])}" style="width:320px;box-shadow:0 2px 8px #0004"></body>""")
        p.wait_for_function("() => [...document.images].every(i => i.complete)")
        combined = ARTIFACTS / "study.png"
        p.screenshot(path=str(combined), clip={"x": 0, "y": 0, "width": 1260, "height": 733})  # 20+693+20
    _shrink_png(combined)
    for path in [*shots.values(), combined]:
        assert path.stat().st_size > 5_000, path
    assert combined.stat().st_size <= 150_000, f"{combined} is {combined.stat().st_size} bytes"
    if os.environ.get("QBANK_UPDATE_SCREENSHOT"):
        README_SHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(combined, README_SHOT)


def _shrink_png(path: Path) -> None:
    """Palette PNG (256 colours) when Pillow is there; screenshots of text stay crisp."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
