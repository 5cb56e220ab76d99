"""The build helper (qbank.site.helper) and what it computes ahead: the same as in process, or nothing.

* the helper returns each task's result by key, with the task's log records replayed in this
  process; a task that raises, a result that cannot be sent, a helper that dies: HelperError;
* it is not started when the process has other threads (forking would not be safe);
* a notebook page rendered from the helper (qbank.site.notebooks_ahead) equals mkdocs-jupyter's
  own render in process, and a page whose conversion failed in the helper is converted in process;
* the theme's templates compiled by the helper give the same HTML; a changed environment refuses them;
* the Anki package from the helper is byte-identical to the one written in process, and refused
  when the build's inputs differ;
* the search index from the helper forked at on_env (qbank.site.search_ahead) is byte-identical to
  the one computed in process, which is what the build gets when the helper fails;
* notebook pages are moved to the end of MkDocs's files while the pages are read, then put back;
* the whole site built with every helper is byte-identical to the site built without any.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from qbank.anki import write_apkg
from qbank.bank import load_bank
from qbank.site import anki_ahead, notebooks_ahead, pages_ahead, templates_ahead
from qbank.site.helper import Helper, HelperError
from qbank.site.search_ahead import SearchAhead
from qbank.site.search_index import SearchIndex
from qbank.site.search_vocab import Vocabulary
from qbank.source import load_sources
from qbank.taxonomy import Taxonomy

from conftest import REPO, file_tree


def _start(tasks) -> Helper:
    if threading.active_count() != 1:
        pytest.skip("threads left running by another test: the helper is not forked then")
    helper = Helper.start(tasks)
    assert helper is not None
    return helper


def _fail():
    raise ValueError("no such thing")


def test_results_by_key_with_their_log_records(caplog):
    def noisy():
        logging.getLogger("mkdocs.plugins.test").warning("careful: %s", "this")
        return {"a": [1, 2]}

    helper = _start(lambda: [("one", lambda: 1), ("noisy", noisy), ("bad", _fail), ("unpicklable", lambda: threading.Lock())])
    try:
        with caplog.at_level(logging.INFO):
            assert helper.take("noisy") == {"a": [1, 2]}  # out of order: "one" is kept
        assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
            ("mkdocs.plugins.test", logging.WARNING, "careful: this")]
        assert helper.take("one") == 1
        with pytest.raises(HelperError, match="ValueError: no such thing"):
            helper.take("bad")
        with pytest.raises(HelperError, match="failed on unpicklable"):
            helper.take("unpicklable")
        with pytest.raises(HelperError, match="exited without a result for nothing"):
            helper.take("nothing")
    finally:
        helper.close()


def test_a_helper_that_dies_is_reported():
    helper = _start(lambda: [("gone", lambda: os._exit(3))])
    try:
        with pytest.raises(HelperError, match="exit code 3"):
            helper.take("gone")
    finally:
        helper.close()


def test_not_forked_beside_other_threads():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert Helper.start(lambda: []) is None
    finally:
        stop.set()
        thread.join()


# -- notebook pages ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def site_config():
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        config = load_config(str(REPO / "mkdocs.yml"))
    finally:
        os.chdir(cwd)
    return config


def _notebook_pages(config):
    plugin = config.plugins[notebooks_ahead.PLUGIN]
    plugin.on_pre_build(config=config)
    files = plugin.on_files(get_files(config), config=config)
    pages = []
    for file in files.documentation_pages():
        if plugin.should_include(file):
            page = Page(None, file, config)
            plugin.on_pre_page(page, config=config, files=files)
            pages.append(page)
    return pages, files


def _toc(items) -> list:
    return [(i.title, i.id, i.level, _toc(i.children)) for i in items]


def test_notebook_pages_from_the_helper_equal_mkdocs_jupyters_render(site_config):
    config = site_config
    helper = _start(lambda: notebooks_ahead.tasks(config))
    try:
        ahead, files = _notebook_pages(config)
        in_process, _ = _notebook_pages(config)
        assert len(ahead) == 4
        adopter = notebooks_ahead.NotebooksAhead(helper)
        for page, expected in zip(ahead, in_process):
            adopter.adopt(page)
            page.render(config, files)
            expected.render(config, files)
            assert page.content == expected.content and page.content
            assert _toc(page.toc) == _toc(expected.toc) and _toc(page.toc)
            assert page.title == expected.title
    finally:
        helper.close()


def test_a_notebook_the_helper_failed_on_is_converted_in_process(site_config, caplog):
    config = site_config
    pages, files = _notebook_pages(config)
    page = pages[0]
    path = page.file.abs_src_path
    helper = _start(lambda: [(notebooks_ahead.MANIFEST, lambda: [path]), (f"notebook:{path}", _fail)])
    try:
        adopter = notebooks_ahead.NotebooksAhead(helper)
        adopter.adopt(page)
        with caplog.at_level(logging.INFO, logger="mkdocs.plugins.qbank"):
            page.render(config, files)
        assert "converted in process" in caplog.text and "ValueError: no such thing" in caplog.text
        expected = _notebook_pages(config)[0][0]
        expected.render(config, files)
        assert page.content == expected.content
    finally:
        helper.close()


def test_pages_the_helper_did_not_convert_are_left_alone(site_config):
    config = site_config
    pages, files = _notebook_pages(config)
    helper = _start(lambda: [(notebooks_ahead.MANIFEST, list)])
    try:
        render = pages[0].render
        notebooks_ahead.NotebooksAhead(helper).adopt(pages[0])
        assert pages[0].render == render
    finally:
        helper.close()


# -- templates --------------------------------------------------------------------------

def test_templates_compiled_ahead_render_the_same(site_config):
    config = site_config
    helper = _start(lambda: [(templates_ahead.KEY, lambda: templates_ahead.compiled(config))])
    try:
        result = helper.take(templates_ahead.KEY)
    finally:
        helper.close()
    assert len(result[1]) > 40
    env, plain = config.theme.get_env(), config.theme.get_env()
    assert templates_ahead.use(env, result)
    env.compile = lambda *a, **k: pytest.fail("compiled in process")  # every template comes compiled
    for name in ("main.html", "partials/footer.html", "partials/nav.html", "sitemap.xml", "404.html"):
        ahead, compiled = env.get_template(name), plain.get_template(name)
        assert ahead.root_render_func.__code__.co_code == compiled.root_render_func.__code__.co_code
        assert ahead.blocks.keys() == compiled.blocks.keys()
    changed = config.theme.get_env()
    changed.trim_blocks = True
    assert not templates_ahead.use(changed, result)


# -- the Anki package -------------------------------------------------------------------

def test_anki_package_from_the_helper_is_the_one_written_in_process(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    docs, url = REPO / "docs", "https://example.org/site/"
    helper = _start(lambda: [(anki_ahead.KEY, lambda: anki_ahead.built(REPO, docs, url))])
    try:
        questions = load_bank(docs)
        sources = load_sources(REPO / "seeds" / "sources.yml")
        taxonomy = Taxonomy.load(REPO / "data")
        data = anki_ahead.package(helper, questions, sources, taxonomy, url, docs)
    finally:
        helper.close()
    write_apkg(tmp_path / "x.apkg", questions, sources, taxonomy, url, docs_dir=docs)
    assert data == (tmp_path / "x.apkg").read_bytes()

    helper = _start(lambda: [(anki_ahead.KEY, lambda: anki_ahead.built(REPO, docs, url))])
    try:  # another site_url: the helper's package is not used
        assert anki_ahead.package(helper, questions, sources, taxonomy, url + "x/", docs) is None
    finally:
        helper.close()


# -- search index ----------------------------------------------------------------------


class _FailsInHelper(SearchIndex):
    """An index whose files cannot be computed in a forked child (only in the test's process)."""

    parent = os.getpid()

    def files(self, questions, taxonomy):
        if os.getpid() != self.parent:
            raise RuntimeError("not in the helper")
        return super().files(questions, taxonomy)


@pytest.mark.parametrize("kind", [SearchIndex, _FailsInHelper])
def test_search_index_from_the_helper_is_the_one_computed_in_process(kind, caplog):
    if threading.active_count() != 1:
        pytest.skip("threads left running by another test: the helper is not forked then")
    questions, taxonomy = load_bank(REPO / "docs"), Taxonomy.load(REPO / "data")
    index = kind(Vocabulary.load(REPO / "data"))
    index.add_page("sources/", "Sources", "Where the questions come from", "<p>Zyxwvut on request</p>")
    expected = SearchIndex.files(index, questions, taxonomy)
    ahead = SearchAhead(index, questions, taxonomy)
    ahead.start()
    assert ahead.helper is not None
    with caplog.at_level(logging.INFO):
        assert ahead.files() == expected
    in_process = [r.getMessage() for r in caplog.records if "computed in process" in r.getMessage()]
    assert len(in_process) == (kind is _FailsInHelper), in_process
    assert ahead.helper is None  # taken once, then closed


# -- notebooks read last -------------------------------------------------------------------


def test_notebooks_are_read_last_then_put_back(site_config):
    files = get_files(site_config)
    notebooks = [f for f in files if f.src_uri.endswith(".ipynb")]
    assert notebooks, "no notebook in docs/"
    order = [f.src_uri for f in files]
    helper = _start(lambda: [(notebooks_ahead.MANIFEST, lambda: [f.abs_src_path for f in notebooks])])
    try:
        ahead = notebooks_ahead.NotebooksAhead(helper)
        ahead.read_last(files)
        moved = [f.src_uri for f in files]
        assert moved[-len(notebooks):] == [f.src_uri for f in notebooks]
        assert [u for u in moved if not u.endswith(".ipynb")] == [u for u in order if not u.endswith(".ipynb")]
        files.remove(files.get_file_from_path(order[0]))  # what a plugin may do meanwhile
        ahead.restore_order(files)
        assert [f.src_uri for f in files] == order[1:]
    finally:
        helper.close()


# -- Markdown pages ---------------------------------------------------------------------

_PAGES = {
    "index.md": "# Home\n\nSee [the other page](other.md#second-part) and the HTML[^1].\n\n"
                "[^1]: A footnote.\n\n*[HTML]: Hyper Text Markup Language\n",
    "other.md": "# Other\n\n## Second part\n\n=== \"One\"\n\n    first tab\n\n=== \"Two\"\n\n    second tab\n\n"
                "$$\nx^2\n$$\n\nA footnote here too[^a].\n\n[^a]: Another one.\n\n```mermaid\ngraph LR\n  A --> B\n```\n",
    "sub/third.md": "# Third\n\nBack [home](../index.md), [missing](../nope.md#x).\n\n*[HTML]: again\n\nHTML here.\n",
}


@pytest.fixture
def small_site(tmp_path):
    for name, text in _PAGES.items():
        (tmp_path / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    extensions = ["abbr", "attr_list", "footnotes", "md_in_html", "toc", "pymdownx.superfences",
                  "pymdownx.tabbed", "pymdownx.arithmatex"]
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nplugins: []\nmarkdown_extensions:\n" + "".join(f"  - {e}\n" for e in extensions)
        + "  - pymdownx.tabbed:\n      alternate_style: true\n  - pymdownx.arithmatex:\n      generic: true\n",
        encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    files = get_files(config)
    return config, files


def _pages(config, files):
    out = []
    for file in files.documentation_pages():
        page = Page(None, file, config)
        page.read_source(config)
        out.append(page)
    return out


def test_markdown_pages_from_the_helper_equal_mkdocs_render(small_site):
    config, files = small_site
    helper = _start(lambda: pages_ahead.tasks(config, files, lambda: None))
    try:
        helper.finish()  # all rendered: the build would take every page
        ahead = pages_ahead.PagesAhead(helper)
        pages, expected = _pages(config, files), _pages(config, get_files(config))
        for page in pages:
            ahead.adopt(page)
            page.render(config, files)
        for page, other in zip(pages, expected):
            other.render(config, files)
            assert page.content == other.content and page.content
            assert _toc(page.toc) == _toc(other.toc)
            assert page.title == other.title
            assert page.present_anchor_ids == other.present_anchor_ids
            assert {f.src_uri: a for f, a in (page.links_to_anchors or {}).items()} == \
                {f.src_uri: a for f, a in (other.links_to_anchors or {}).items()}
            assert all(files.get_file_from_path(f.src_uri) is f for f in page.links_to_anchors or {})  # the build's own Files
        assert ahead.taken == len(pages) == 3
    finally:
        helper.close()


def test_a_page_whose_markdown_differs_is_rendered_in_process(small_site):
    config, files = small_site
    helper = _start(lambda: pages_ahead.tasks(config, files, lambda: None))
    try:
        helper.finish()
        ahead = pages_ahead.PagesAhead(helper)
        page = _pages(config, files)[0]
        page.markdown += "\nOne more line.\n"
        ahead.adopt(page)
        page.render(config, files)
        assert "One more line." in page.content and ahead.taken == 0
    finally:
        helper.close()


def test_a_page_not_ready_is_rendered_in_process(small_site):
    config, files = small_site
    go = threading.Event()  # never set in the helper's copy: its first task would wait forever
    helper = _start(lambda: [("page:index.md", lambda: go.wait(60))])
    try:
        ahead = pages_ahead.PagesAhead(helper)
        page = _pages(config, files)[0]
        ahead.adopt(page)
        page.render(config, files)
        assert "<h1" in page.content and ahead.taken == 0
    finally:
        helper.close()


def test_a_closed_helper_leaves_through_finally(tmp_path):
    marker = tmp_path / "cleaned"

    def slow():
        try:
            threading.Event().wait(60)
        finally:
            marker.write_text("yes")

    helper = _start(lambda: [("slow", slow)])
    time.sleep(0.5)  # the task is running
    helper.close()
    assert marker.read_text() == "yes"


def _busy():
    for _ in range(600):
        time.sleep(0.1)


def test_closing_a_helper_whose_results_are_not_read_is_quick():
    big = "x" * (4 << 20)  # far more than a pipe holds: the helper's sender blocks on it
    helper = _start(lambda: [*((f"big{i}", lambda: big) for i in range(3)), ("busy", _busy)])
    time.sleep(0.5)  # the last task is running, the results are not read
    start = time.perf_counter()
    helper.close()
    assert time.perf_counter() - start < 2


# -- the whole site ------------------------------------------------------------------------

_WITHOUT_HELPERS = """
import sys, threading
from mkdocs.__main__ import cli
# A thread of our own: Helper.start refuses to fork beside it, so the build does everything in process.
threading.Thread(target=threading.Event().wait, name="no-helpers", daemon=True).start()
sys.argv = ["mkdocs", *sys.argv[1:]]
cli()
"""


def test_the_site_built_with_the_helpers_equals_the_site_built_without(tmp_path):
    """Every helper at once (notebooks, compiled templates, the Anki package, the Markdown pages,
    the search index) against a build that forks none: the same bytes, file for file."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_MKDOCS_2_WARNING="1")
    args = ["build", "--strict", "--verbose", "-d"]
    with_helpers = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), *args, str(tmp_path / "a")],
                                  cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert with_helpers.returncode == 0, with_helpers.stderr[-3000:]
    without = subprocess.run([sys.executable, "-c", _WITHOUT_HELPERS, *args, str(tmp_path / "b")],
                             cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert without.returncode == 0, without.stderr[-3000:]
    assert "qbank: no build helper" in without.stderr
    taken = re.findall(r"qbank: (\d+) pages rendered by the second helper", with_helpers.stderr)
    assert taken and int(taken[0]) > 0, "the helpers delivered nothing: the comparison would prove nothing"
    assert "computed in process" not in with_helpers.stderr
    a, b = file_tree(tmp_path / "a"), file_tree(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
