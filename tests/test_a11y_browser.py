"""Accessibility of every page kind, in both palettes: axe-core in a real browser.

axe-core (npm devDependency, pinned in package.json, installed by ``make setup``) is
injected into each page and run with the WCAG 2 A and AA rules; any violation fails the
test with the rule, its help text and the first offending elements. The pages are those
of issue 14: home, a topic page, a question with math, one with a mermaid diagram, tags,
unanswered, study, a notebook; the palette is chosen as a reader does, through Material's
``__palette`` entry in localStorage (scoped by the site's base path), before the page loads.

Lighthouse (same rules engine, plus best practices and SEO) runs in the benchmark:
``python -m benchmarks.bench --only lighthouse``.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from conftest import REPO, SETTLE_ANIMATIONS, PageLog, guarded_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa"]
PALETTES = {
    "light": {"index": 1, "color": {"media": "(prefers-color-scheme: light)", "scheme": "default",
                                    "primary": "indigo", "accent": "indigo"}},
    "dark": {"index": 2, "color": {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
                                   "primary": "indigo", "accent": "indigo"}},
}
KINDS = ("home", "topic", "math", "mermaid", "tags", "unanswered", "study", "notebook",  # issue 14's list
         "tag", "browse", "sources")
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 3).join(' '))}));
}"""


@pytest.fixture(scope="module")
def page_paths(questions_json: dict) -> dict[str, str]:
    def find(*needles: str) -> dict:
        hits = [q for q in questions_json["questions"] if all(n in q["title"].lower() for n in needles)]
        assert hits, f"no question whose title contains {needles}"
        return hits[0]

    math, mermaid = find("temperature"), find("logits", "hard targets")
    notebooks = sorted(p.stem for p in (REPO / "docs" / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebook in docs/notebooks"
    notebook = "attention" if "attention" in notebooks else notebooks[0]
    return {"home": "", "topic": f"questions/{math['topic']}/", "math": math["url"], "mermaid": mermaid["url"],
            "tags": "tags/", "unanswered": "unanswered/", "study": "study/", "notebook": f"notebooks/{notebook}/",
            "tag": f"tags/{sorted(math['tags'])[0]}/", "browse": "browse/?q=batch&status=answered", "sources": "sources/"}


def _violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, AXE_TAGS)


def _format(violations: list[dict]) -> str:
    return "\n".join(f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


def _choose_palette(page, site_server: str, palette: str) -> None:
    """Store the reader's palette choice as Material does, before any page script runs."""
    key = urlsplit(site_server).path + ".__palette"  # Material's __md_set("__palette"): scope path + key
    page.context.add_init_script(f"localStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(PALETTES[palette]))})")


def _check_page(page, site_server: str, page_paths: dict[str, str], kind: str, palette: str, where: str) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make setup` (npm ci installs the pinned axe-core)")
    _choose_palette(page, site_server, palette)
    response = page.goto(site_server + page_paths[kind])
    assert response is not None and response.ok
    page.wait_for_load_state("networkidle")
    scheme = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    assert scheme == PALETTES[palette]["color"]["scheme"], f"the {palette} palette was not applied ({scheme})"
    if kind == "mermaid":
        page.wait_for_selector("div.mermaid", state="attached", timeout=20_000)  # the rendered diagram's host
    if kind == "study":
        page.wait_for_selector("#qb-study[data-ready]", timeout=20_000)
    page.evaluate(SETTLE_ANIMATIONS)
    violations = _violations(page)
    assert not violations, f"/{page_paths[kind]} ({palette}, {where}): axe found\n{_format(violations)}"


@pytest.mark.parametrize("palette", list(PALETTES))
@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_wcag_a_or_aa_violation(page, site_server: str, page_paths: dict[str, str], kind: str,
                                            palette: str) -> None:
    _check_page(page, site_server, page_paths, kind, palette, "1280 px")


@pytest.mark.parametrize("palette", list(PALETTES))
@pytest.mark.parametrize("kind", ("home", "math", "study"))
def test_axe_on_a_phone(browser, page_log: PageLog, site_server: str, page_paths: dict[str, str], kind: str,
                        palette: str) -> None:
    """The phone layout (drawer navigation, no tabs, stacked study controls) as well."""
    with guarded_page(browser, page_log, viewport={"width": 375, "height": 812}, is_mobile=True,
                      has_touch=True) as phone:
        _check_page(phone, site_server, page_paths, kind, palette, "375 px phone")


@pytest.mark.parametrize("palette", list(PALETTES))
def test_axe_search_dialog_with_results(page, site_server: str, page_paths: dict[str, str], palette: str) -> None:
    """The open search dialog, with results, labels and tag chips, is checked too."""
    _choose_palette(page, site_server, palette)
    page.goto(site_server + page_paths["math"])
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.locator("input.md-search__input").type("dropout", delay=20)
    page.wait_for_selector(".md-search-result__item a", state="visible")
    page.wait_for_load_state("networkidle")
    page.evaluate(SETTLE_ANIMATIONS)
    violations = _violations(page)
    assert not violations, f"search dialog ({palette}): axe found\n{_format(violations)}"
    assert re.search(r"\d", page.inner_text(".md-search-result__meta")), "no result count shown"
