"""Notebook pages in a real browser (Debian's chromium through Playwright).

Shares the run's one build, server and browser (conftest.py). The guarded ``page``
fixture fails a test on any console error and on any request that leaves the local
server, so every test here also proves the notebook pages are offline-clean.

Artifacts (tests/artifacts/): notebook-{light,dark}.png (desktop, full page),
notebook-phone-{light,dark}.png (375 px), notebook-weight.json (bytes transferred).
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from conftest import REPO, PageLog, click_instantly, new_guarded_context, site_path, wait_for_title

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ARTIFACTS = REPO / "tests" / "artifacts"
NOTEBOOKS = sorted((REPO / "docs" / "notebooks").glob("*.ipynb"))
PHONE = {"width": 375, "height": 812}
MOMENTUM_Q = "questions/training-and-optimization/what-might-happen-if-you-set-the-momentum-hyperparameter-too/"
RAW_TEX = ("$$", "\\frac", "\\sqrt", "\\mathrm", "\\sigma")
COMPRESSIBLE = re.compile(r"text/|javascript|json|xml|svg|css", re.I)
# Budget for one notebook page, everything a first visit transfers (gzip -6 for text,
# as GitHub Pages serves it; images and fonts as they are), all plots scrolled into view.
WEIGHT_BUDGET = 400 * 1024
SCROLL_THROUGH = """async () => {
  for (let y = 0; y < document.documentElement.scrollHeight; y += 300) {
    window.scrollTo(0, y); await new Promise(r => setTimeout(r, 25));
  }
  window.scrollTo(0, 0);
}"""
IMAGES = """() => [...document.querySelectorAll('article img')].map(i => ({
  src: i.getAttribute('src'), complete: i.complete, natural: i.naturalWidth,
  width: i.getBoundingClientRect().width, alt: i.alt}))"""


def _open(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"GET {url}: {response and response.status}"
    page.wait_for_load_state("networkidle")






def _load_all_images(page) -> list[dict]:
    page.evaluate(SCROLL_THROUGH)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => [...document.querySelectorAll('article img')].every(i => i.complete)")
    return page.evaluate(IMAGES)


def _assert_rendered(page, where: str) -> None:
    page.wait_for_selector("article .katex", state="attached")
    assert page.locator("article .katex").count() >= 3, f"{where}: too little KaTeX"
    assert page.locator("article .katex-display").count() >= 1, f"{where}: no display formula"
    text = page.evaluate("() => document.querySelector('article').innerText")
    leftover = [t for t in RAW_TEX if t in text.replace("np.sqrt", "")]
    assert not leftover, f"{where}: raw TeX visible: {leftover}"
    images = _load_all_images(page)
    assert len(images) >= 2, f"{where}: {len(images)} images"
    broken = [i for i in images if not i["complete"] or i["natural"] == 0]
    assert not broken, f"{where}: images not loaded: {broken}"
    assert page.locator("article .highlight pre > code").count() >= 3, f"{where}: code cells are not code blocks"


def _title_of(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = "".join(nb["cells"][0]["source"])
    return re.search(r"^# (.+)$", first, re.M).group(1).strip()


# -- tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_page_renders_offline(page, page_log: PageLog, site_server: str, path: Path) -> None:
    """Math rendered, plots loaded, no console error, nothing from another host."""
    _open(page, f"{site_server}notebooks/{path.stem}/")
    wait_for_title(page, _title_of(path))
    _assert_rendered(page, path.stem)
    download = page.locator(f'article a[download][href$="/{path.name}"]')  # Material makes hrefs absolute
    assert download.count() == 1 and download.is_visible(), "no visible download link"
    resp = page.request.get(f"{site_server}notebooks/{path.stem}/{path.name}")
    assert resp.ok and resp.body() == path.read_bytes(), "the download is not the notebook"
    assert not [u for u in page_log.requests if re.search(r"(?i)mathjax|require|cdnjs|jsdelivr|unpkg", u)]


def test_question_and_notebook_link_both_ways(page, page_log: PageLog, site_server: str) -> None:
    """Question -> "Try it in a notebook" -> notebook -> its link back -> the question."""
    _open(page, site_server + MOMENTUM_Q)
    page.evaluate("() => { window.__qbSameDocument = true; }")
    box = page.locator("article .admonition.example", has_text="Try it in a notebook")
    assert box.count() == 1 and box.is_visible()
    click_instantly(page, box.locator('a[href$="notebooks/optimizers/"]'))
    page.wait_for_url(re.compile(r"notebooks/optimizers/$"))
    wait_for_title(page, "Optimizers on a 2-D loss surface")
    _assert_rendered(page, "optimizers after instant navigation")  # inline rules + KaTeX survive instant nav
    back = page.locator(f'article a[href$="{MOMENTUM_Q.rsplit("/", 2)[-2]}/"]')
    assert back.count() >= 1, "the notebook does not link back to the momentum question"
    click_instantly(page, back.first)
    page.wait_for_url(re.compile(re.escape(MOMENTUM_Q) + "$"))
    assert page.evaluate("() => window.__qbSameDocument === true"), "a full reload instead of instant navigation"
    page.wait_for_selector("article .admonition.example")
    assert site_path(site_server, page.url) == MOMENTUM_Q


def test_notebooks_section_is_in_the_nav(page, site_server: str) -> None:
    _open(page, site_server)
    tab = page.locator(".md-tabs a", has_text="Notebooks")
    assert tab.count() >= 1, "no Notebooks tab"
    tab.first.click()
    page.wait_for_url(re.compile(r"notebooks/$"))
    wait_for_title(page, "Notebooks")  # instant navigation swaps the content after the URL
    for path in NOTEBOOKS:
        assert page.locator(f'article a[href$="{path.stem}/"]').count() >= 1, f"index lacks {path.stem}"


def test_notebook_page_weight(browser, page_log: PageLog, site_server: str) -> None:
    """Bytes a first visit transfers, per notebook page: recorded, and within budget."""
    results = {}
    for path in NOTEBOOKS:
        context = new_guarded_context(browser, page_log)  # fresh cache for each page
        try:
            p = context.new_page()
            responses = []
            p.on("response", lambda r, seen=responses: seen.append(r))  # playwright cannot wrap a builtin method
            _open(p, f"{site_server}notebooks/{path.stem}/")
            initial = len({r.url for r in responses})
            _load_all_images(p)
            files, seen = [], set()
            for r in responses:
                # The test server says no-store, so a stylesheet asked for twice comes twice;
                # a real host's cache would serve the second: count each URL once.
                if r.url in seen:
                    continue
                seen.add(r.url)
                try:
                    body = r.body()
                except Exception:  # noqa: BLE001 - redirects have no body
                    continue
                ctype = (r.headers.get("content-type") or "").split(";")[0]
                gz = len(gzip.compress(body, 6)) if COMPRESSIBLE.search(ctype) else len(body)
                files.append({"url": site_path(site_server, r.url), "type": ctype, "raw": len(body), "transferred": gz})
            html = next(f for f in files if f["url"] == f"notebooks/{path.stem}/")
            images = [f for f in files if f["url"].startswith(f"notebooks/{path.stem}/figure-")]
            results[path.stem] = {
                "requests": len(files), "requests_before_scrolling": initial,
                "transferred_bytes": sum(f["transferred"] for f in files),
                "raw_bytes": sum(f["raw"] for f in files),
                "html_raw": html["raw"], "html_transferred": html["transferred"],
                "images": sum(f["transferred"] for f in images),
                "search_index": sum(f["transferred"] for f in files if "search_index" in f["url"]),
                "dom_nodes": p.evaluate("document.getElementsByTagName('*').length"),
                "files": sorted(files, key=lambda f: -f["transferred"]),
            }
        finally:
            context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "notebook-weight.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    for name, r in results.items():
        assert r["transferred_bytes"] < WEIGHT_BUDGET, f"{name}: {r['transferred_bytes']} bytes transferred"
        assert r["html_transferred"] < 30 * 1024, f"{name}: {r['html_transferred']} bytes of gzipped HTML"
        assert r["images"] < 150 * 1024, f"{name}: {r['images']} bytes of plots"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_notebook_page_light_dark_desktop_and_phone(browser, page_log: PageLog, site_server: str, scheme: str) -> None:
    """Both palettes, desktop and a 375 px phone: readable text, plots on white, nothing
    wider than the screen. Screenshots are kept in tests/artifacts/."""
    url = f"{site_server}notebooks/optimizers/"
    for label, options in (("", {}), ("phone-", {"viewport": PHONE, "is_mobile": True, "has_touch": True})):
        context = new_guarded_context(browser, page_log, color_scheme=scheme, **options)
        try:
            p = context.new_page()
            _open(p, url)
            expected = "slate" if scheme == "dark" else "default"
            assert p.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == expected
            images = _load_all_images(p)
            width = p.evaluate("() => document.documentElement.clientWidth")
            assert p.evaluate("() => document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
            assert all(i["width"] <= width for i in images), "a plot is wider than the screen"
            colours = p.evaluate("""() => {
              const bg = getComputedStyle(document.body).backgroundColor;
              const para = document.querySelector('article .jp-RenderedMarkdown p');
              const out = document.querySelector('article .jp-OutputArea-output pre');
              const img = document.querySelector('article img');
              return {bg, text: getComputedStyle(para).color, output: getComputedStyle(out).color,
                      img: getComputedStyle(img).backgroundColor};
            }""")
            assert colours["img"] == "rgb(255, 255, 255)", colours  # plots sit on white in both palettes
            assert _contrast(colours["text"], colours["bg"]) >= 4.5, colours
            assert _contrast(colours["output"], colours["bg"]) >= 4.5, colours
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            p.screenshot(path=str(ARTIFACTS / f"notebook-{label}{scheme}.png"), full_page=not label)
        finally:
            context.close()


def _rgb(css: str) -> tuple[float, ...]:
    nums = [float(x) for x in re.findall(r"[\d.]+", css)[:3]]
    return tuple(nums)


def _contrast(fg: str, bg: str) -> float:
    def lum(c: tuple[float, ...]) -> float:
        def ch(v: float) -> float:
            v /= 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        r, g, b = (ch(v) for v in c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    a, b = sorted((lum(_rgb(fg)), lum(_rgb(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)
