"""Search on a generated 1,000-question bank, in chromium under Lighthouse's slow-4G
mobile profile (150 ms RTT, 1.6 Mbit/s, 4x CPU slowdown).

Behaviour only: nothing of search is fetched before it is used, the first keystroke
brings results, and a question is found by its words and with one letter wrong.  How
fast is measured by `make bench` (benchmarks.search_bench, figures in the README), not here:
on a shared 2-core machine a timing assert would be flaky.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import mkdocs_build
from benchmarks.bench import SEED, make_site_project, synthetic_bank
from benchmarks.search_bench import CPU_SLOWDOWN, INSTRUMENT, SLOW_4G, serve_gzip
from qbank.site.search_vocab import STOPWORDS, words

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("search-generated")]

N = 1_000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    project = tmp_path_factory.mktemp("generated-bank")
    make_site_project(project, N, SEED)
    proc = mkdocs_build(project, project / "site")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return project / "site", synthetic_bank(N, SEED)


def _rare_words(questions, q, k: int = 3) -> list[str]:
    df = Counter(w for other in questions for w in set(words(other.title)))
    own = [w for w in dict.fromkeys(words(q.title)) if w not in STOPWORDS and len(w) > 3 and not w.isdigit()]
    return sorted(own, key=lambda w: (df[w], w))[:k]


def _typo(word: str) -> str:
    return word[:2] + word[3] + word[2] + word[4:]  # two letters swapped


def test_search_on_a_generated_bank_under_the_slow_phone_profile(browser, generated) -> None:
    site, questions = generated
    target = next(q for q in questions[10:] if q.status == "answered" and len(_rare_words(questions, q)) == 3)
    rare = _rare_words(questions, target)
    errors: list[str] = []
    with serve_gzip(site) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(repr(e)))
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_4G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})

            page.goto(base + target.url)
            page.wait_for_load_state("networkidle")
            assert not [u for u in requests if "/search/" in u and "search_index.json" not in u], \
                "a question page fetched search data before search was used"
            page.evaluate(INSTRUMENT)
            box = page.locator("input.md-search__input")
            box.click()
            page.keyboard.press(rare[0][0])
            page.wait_for_function("q => document.querySelector('.md-search-result__list').dataset.qbQuery === q",
                                   arg=rare[0][0])
            assert page.locator(".md-search-result__item").count() > 0, "the first keystroke brought no result"

            def top(query: str) -> list[str]:
                box.fill(query)
                page.wait_for_function("q => document.querySelector('.md-search-result__list').dataset.qbQuery === q",
                                       arg=query)
                page.wait_for_load_state("networkidle")
                page.wait_for_function("q => document.querySelector('.md-search-result__list').dataset.qbQuery === q",
                                       arg=query)
                hrefs = page.locator(".md-search-result__item a.md-search-result__link").evaluate_all(
                    "links => links.map(a => a.getAttribute('href'))")
                return [re.sub(r"^https?://[^/]+/", "", h).split("?")[0] for h in hrefs[:5]]

            found = top(" ".join(rare))
            assert target.url in found, f"{' '.join(rare)!r} -> {found}, expected {target.url}"
            misspelt = " ".join([_typo(rare[0]), *rare[1:]])
            found = top(misspelt)
            assert target.url in found, f"{misspelt!r} -> {found}, expected {target.url}"
            timings = page.evaluate("() => window.__qbT")
            assert timings["keys"] and timings["renders"], "instrumentation saw no keystroke or render"
        finally:
            context.close()
    assert not errors, errors
