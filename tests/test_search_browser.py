"""The site's search in a real browser (Debian's chromium), on the real bank.

What a reader does: types the way people type (abbreviations, British spellings, one
wrong letter) and expects the right question among the first five results; narrows the
questions by topic, tag, difficulty and status on browse/ and shares the address; uses
Material's features around search (?h= highlighting, the share link, instant navigation)
as before.  Timings are not asserted here: they are `make bench`'s business
(benchmarks.search_bench); tests/test_search_generated.py checks a generated bank.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import PageLog, click_instantly, site_path, wait_for_title

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# query -> words that the expected question's title contains (all of them, any case)
QUERIES: list[tuple[str, tuple[str, ...]]] = [
    ("dropout", ("what is dropout",)),
    ("overfitting", ("overfitting in machine learning",)),
    ("overfiting", ("overfitting",)),
    ("kmeans", ("k-means clustering algorithm",)),
    ("k means", ("k-means",)),
    ("optimiser", ("function of an optimizer",)),
    ("convnet", ("convolutional neural networks (cnn)",)),
    ("cnn architecture", ("architecture of a typical convolutional",)),
    ("BN", ("batch normalization",)),
    ("batchnorm", ("why should we use batch normalization",)),
    ("normalisation", ("standardization and normalization",)),
    ("regularisation l1 l2", ("l1 and l2 regularization",)),
    ("initialisation", ("weight initialization",)),
    ("VAE", ("variational autoencoder",)),
    ("GAN", ("generative adversarial networks",)),
    ("sgd", ("what is sgd",)),
    ("SVM", ("support vector machine",)),
    ("knn", ("k-nearest neighbors",)),
    ("PCA", ("principal component analysis",)),
    ("EM algorithm", ("expectation-maximization",)),
    ("expectation maximisation", ("expectation-maximization",)),
    ("lstm gates", ("gates in an lstm",)),
    ("rnn vanishing gradient", ("vanishing gradient problem in rnns",)),
    ("LLM ethics", ("large language models",)),
    ("backprop", ("backpropagation work",)),
    ("dropuot", ("what is dropout",)),
    ("atention mechanism", ("attention mechanism",)),
    ("transfomer architecture", ("transformer architecture",)),
    ("softmax temperature", ("temperature",)),
    ("cross entropy", ("cross-entropy",)),
    ("bias variance", ("bias-variance",)),
    ("adam optimiser", ("what is adam",)),
    ("xgboost", ("xgboost",)),
    ("exploding gradients", ("exploding gradients",)),
    ("mini batch", ("mini-batches",)),
]


def _open(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"GET {url}: {response and response.status}"
    page.wait_for_load_state("networkidle")


def _search(page, text: str) -> list[str]:
    """Type ``text`` into the header search; the result titles once the full text is in."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.type(text, delay=10)
    page.wait_for_function("q => document.querySelector('.md-search-result__list').dataset.qbQuery === q", arg=text)
    page.wait_for_load_state("networkidle")  # term shards for the typed words
    page.wait_for_function("q => document.querySelector('.md-search-result__list').dataset.qbQuery === q", arg=text)
    return page.locator(".md-search-result__item .qb-result-title").all_inner_texts()


@pytest.fixture(scope="module")
def titles(questions_json: dict) -> list[str]:
    return [q["title"] for q in questions_json["questions"]]


def test_realistic_queries_find_the_right_question_in_the_first_five(page, site_server: str, titles: list[str]) -> None:
    for _, needles in QUERIES:  # the table itself stays true to the bank
        assert any(all(n in t.lower() for n in needles) for t in titles), f"no question title contains {needles}"
    _open(page, site_server + "questions/")
    misses = []
    for query, needles in QUERIES:
        top = _search(page, query)[:5]
        if not any(all(n in t.lower() for n in needles) for t in top):
            misses.append(f"{query!r}: expected a title with {needles} among {top}")
    assert not misses, "\n".join(misses)


def test_search_costs_nothing_until_used(page, page_log: PageLog, site_server: str, questions_json: dict) -> None:
    q = next(q for q in questions_json["questions"] if "temperature" in q["title"].lower())
    _open(page, site_server + q["url"])
    ours = [u for u in page_log.requests if "/search/" in u and "search_index.json" not in u]
    assert not ours, f"the page fetched search data before search was used: {ours}"
    material = page_log.requested("search/search_index.json")
    for url in material:  # Material still asks for its index (for ?h= highlighting): it must stay tiny
        assert len(page.request.get(url).body()) < 1024, "Material's search index is not empty"
    page.locator("input.md-search__input").click()
    page.wait_for_function("() => window.qbSearch && window.qbSearch.index()")
    assert page_log.requested("search/qbank.json"), "focusing search did not load the index"
    assert not page_log.requested("search/terms/"), "full text fetched before anything was typed"
    _search(page, "softmax")
    assert page_log.requested("search/terms/so.json")


def test_a_typo_says_what_was_searched_instead(page, site_server: str) -> None:
    _open(page, site_server)
    _search(page, "dropuot")
    meta = page.locator(".md-search-result__meta").inner_text()
    assert "showing results for dropout" in meta.lower(), meta


def test_results_show_labels_and_whole_tag_chips(page, site_server: str) -> None:
    _open(page, site_server)
    _search(page, "batch")
    item = page.locator(".md-search-result__item", has=page.locator(".qb-tag", has_text="Batch normalization")).first
    text = item.inner_text()
    assert re.search(r"Topic: Normalization\s+Difficulty: (Easy|Medium|Hard)\s+Status: (Answered|Unanswered)", text), text
    assert "NormalizationMedium" not in text.replace(" ", "") or "Topic:" in text
    labels = item.locator(".qb-result-labels .qb-badge")
    assert labels.count() == 3
    chips = item.locator(".qb-tag").all_inner_texts()
    assert "Batch normalization" in chips and "batch-norm" not in chips, chips  # the label, never the id
    assert item.locator(".qb-tag mark, .qb-result-labels mark").count() == 0, "highlighting split a chip or label"
    assert item.locator(".qb-result-title mark").count() >= 1, "the title should show the matched word"


def test_result_opens_the_page_with_highlighting_by_instant_navigation(page, site_server: str, questions_json: dict) -> None:
    q = next(q for q in questions_json["questions"] if q["title"].lower().startswith("what is dropout"))
    _open(page, site_server)
    page.evaluate("() => { window.__qbSameDocument = true; }")
    _search(page, "dropout")
    link = page.locator(f'.md-search-result__item a[href*="{q["url"]}"]').first
    href = link.get_attribute("href")
    assert parse_qs(urlsplit(href).query).get("h") == ["dropout"], href
    click_instantly(page, link)
    page.wait_for_url(re.compile(re.escape(q["url"]) + r"\?h="))
    wait_for_title(page, q["title"])
    assert page.evaluate("() => window.__qbSameDocument === true"), "not instant navigation"
    page.wait_for_selector("article mark[data-md-highlight]")
    assert page.locator("article mark[data-md-highlight]").first.inner_text().lower() == "dropout"
    assert not page.locator("#__search").is_checked(), "the search dialog stayed open"


def test_keyboard_share_link_and_deep_link(page, site_server: str) -> None:
    _open(page, site_server + "sources/")
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    assert box.evaluate("el => el === document.activeElement")
    assert page.locator("#__search").is_checked()
    box.type("kmeans", delay=10)
    page.wait_for_function("() => document.querySelector('.md-search-result__list').dataset.qbQuery === 'kmeans'")
    share = page.locator("[data-qb-search-share]").get_attribute("data-clipboard-text")
    assert share.endswith("sources/?q=kmeans"), share
    page.keyboard.press("ArrowDown")
    first = page.locator(".md-search-result__item a").first
    assert first.evaluate("el => el === document.activeElement"), "ArrowDown does not reach the first result"
    page.keyboard.press("ArrowUp")
    assert box.evaluate("el => el === document.activeElement")
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()

    _open(page, share)  # the shared address opens search with the query and its results
    assert page.locator("#__search").is_checked()
    assert box.input_value() == "kmeans"
    page.wait_for_selector(".md-search-result__item")
    target = page.locator(".md-search-result__item a").first.get_attribute("href")
    box.press("Enter")  # Enter opens the best result
    page.wait_for_url(lambda url: url.split("?")[0] == target.split("?")[0])


def test_a_result_reached_with_the_arrow_keys_keeps_focus_when_the_full_text_arrives(page, site_server: str) -> None:
    """The results are drawn again when the answers' words (search/terms/) arrive; a reader who
    has already moved to a result with ArrowDown stays on it (it once fell back to the page,
    whenever the words came after the key press: on a slow connection, or a busy machine)."""
    held: list = []
    page.route(re.compile(r".*/search/terms/[^/]+\.json$"), lambda route: held.append(route))
    _open(page, site_server + "sources/")
    page.keyboard.press("/")
    page.locator("input.md-search__input").type("kmeans", delay=10)
    page.wait_for_function("() => document.querySelector('.md-search-result__list').dataset.qbQuery === 'kmeans'")
    page.wait_for_function("() => document.querySelector('.md-search-result__item a')")
    assert held, "the answers' words were not asked for"
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused and page.evaluate("() => document.activeElement.closest('.md-search-result__list') !== null")
    page.evaluate("() => { window.__qbOldList = document.querySelector('.md-search-result__item a'); }")
    for route in held:
        route.continue_()
    page.wait_for_function("() => !window.__qbOldList.isConnected")  # the list was drawn again
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == focused
    assert page.evaluate("() => document.activeElement.closest('.md-search-result__list') !== null")


def test_browse_filters_search_within_and_keep_the_state_in_the_address(page, site_server: str,
                                                                        questions_json: dict) -> None:
    qs = questions_json["questions"]
    _open(page, site_server + "browse/?topic=normalization")
    results = page.locator(".qb-browse-results > li")
    page.wait_for_function("() => document.querySelector('.qb-browse-results')")
    expected = sorted(q["url"] for q in qs if q["topic"] == "normalization")
    hrefs = results.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert sorted(site_path(site_server, h).split("?")[0] for h in hrefs) == expected
    assert page.locator("#qb-browse-topic").input_value() == "normalization"

    # keyboard only: search within the topic, then narrow by status with the arrow keys
    page.locator("#qb-browse-q").focus()
    page.keyboard.type("batch", delay=10)
    page.wait_for_function("() => document.querySelector('.qb-browse-results').dataset.qbQuery === 'batch'")
    titles = results.locator(".qb-result-title").all_inner_texts()
    assert titles and "batch" in titles[0].lower(), titles
    hrefs = results.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert {site_path(site_server, h).split("?")[0] for h in hrefs} <= set(expected), "a result outside the topic"
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "qb-browse-status":
            break
    assert page.evaluate("() => document.activeElement.id") == "qb-browse-status"
    page.keyboard.press("ArrowDown")  # Any -> Answered
    page.wait_for_function("() => new URL(location.href).searchParams.get('status') === 'answered'")
    params = parse_qs(urlsplit(page.url).query)
    assert params == {"topic": ["normalization"], "q": ["batch"], "status": ["answered"]}, params

    # the address is the view: a fresh visit shows the same list
    shared = page.url
    before = results.locator(".qb-result-title").all_inner_texts()
    _open(page, shared)
    page.wait_for_function("() => document.querySelector('.qb-browse-results')")
    assert results.locator(".qb-result-title").all_inner_texts() == before
    assert page.locator("#qb-browse-q").input_value() == "batch"

    # a tag and a difficulty from the address, across topics
    tag = "optimizers"
    _open(page, site_server + f"browse/?tag={tag}&difficulty=easy")
    page.wait_for_function("() => document.querySelector('.qb-browse-results')")
    expected = sorted(q["url"] for q in qs if tag in q["tags"] and q["difficulty"] == "easy")
    hrefs = results.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert sorted(site_path(site_server, h).split("?")[0] for h in hrefs) == expected
    # the tag filter names tags by their labels (the value stays the id, as in the address)
    option = page.locator('#qb-browse-tag option[value="batch-norm"]').inner_text()
    assert option.startswith("Batch normalization ("), option


def test_browse_page_has_a_plain_fallback_and_no_controls_in_its_html(built_site) -> None:
    html = built_site.page("browse/").read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    for tag in ("<input", "<select", "<button", "<form", "<style", "<link"):
        assert tag not in article, f"{tag} in the page content: controls must be made by browse.js"
    assert 'id="qb-browse"' in article and 'href="../questions/normalization/"' in article
    assert "assets/javascripts/browse.js" in html, "the template override does not load browse.js"


def test_browse_works_after_instant_navigation(page, site_server: str) -> None:
    _open(page, site_server)
    page.evaluate("() => { window.__qbSameDocument = true; }")
    click_instantly(page, page.locator('.md-tabs a[href$="browse/"]').first)
    page.wait_for_selector(".qb-browse-results > li")
    assert page.evaluate("() => window.__qbSameDocument === true"), "not instant navigation"
    assert page.locator(".qb-browse-filters select").count() == 4
