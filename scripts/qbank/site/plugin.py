"""The ``qbank`` MkDocs plugin: everything derived from the bank is generated here, at build time.

Listed under ``plugins:`` in ``mkdocs.yml`` (after Material's ``search`` and ``tags``), registered
as the entry point ``qbank`` of this package; options in :mod:`qbank.site.config`.  Per build:
load the bank, taxonomy and sources once (``on_config``), add the generated pages
(``on_files``), decorate each question page (``on_page_markdown``), typeset math with KaTeX
and pass every page through the output gate (``on_page_content``) and publish
``questions.json``, the study cards, the downloads, the search index
(:mod:`qbank.site.search_index`; Material's own index is left empty) and the vendored
front-end assets (``on_post_build``).  Work that depends on nothing the build computes first
is done on the machine's other core by forked helpers (:mod:`qbank.site.helper`): the notebooks,
the compiled templates, the Anki package, and the Markdown pages' HTML from the last page
backwards (:mod:`~qbank.site.notebooks_ahead`, :mod:`~qbank.site.templates_ahead`,
:mod:`~qbank.site.anki_ahead`, :mod:`~qbank.site.pages_ahead`).

This module holds the events and the build's state; the work is in modules named for what
they decide: :mod:`~qbank.site.layout` (generated pages, nav, what ``docs/`` may publish),
:mod:`~qbank.site.decorate` (a question page's decorations), :mod:`~qbank.site.gate`
(math, then the output gate), :mod:`~qbank.site.incremental` (what ``mkdocs serve`` keeps).

Under ``mkdocs serve --dirty`` (``make serve``) MkDocs renders only the pages whose file
changed, and the generated ones.  What the other pages contributed to the aggregates (their
study card, their search entry) is kept on the plugin between builds, and a question page
whose output depends on a changed question (the same topic's list in the left column,
related questions) is rebuilt too; a change to ``data/``, the sources, the templates or a
notebook rebuilds every page.
"""

from __future__ import annotations

import functools
import html as _html
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from qbank.bank import BankFormatError, Question, load_bank
from qbank.taxonomy import Tag, Taxonomy, Topic
from qbank.export import dumps, export_document
from qbank.katex import STDERR_THREAD, KatexRenderer
from qbank.site import anki_ahead, layout, notebook_pages, notebooks_ahead, pages, pages_ahead, study, templates_ahead
from qbank.site.config import QbankConfig
from qbank.site.gate import checked, typeset
from qbank.site.helper import Helper, HelperError, Task
from qbank.site.incremental import Incremental, dirty_warning
from qbank.site.math_text import plain as plain_math
from qbank.site.notebooks_ahead import NotebooksAhead
from qbank.site.pages_ahead import PagesAhead
from qbank.site.decorate import BankView, decorate
from qbank.site.related import related_questions
from qbank.site.search_ahead import SearchAhead
from qbank.site.search_index import PageDoc, SearchIndex
from qbank.site.search_vocab import Vocabulary
from qbank.site.vendor import copy_vendor_assets
from qbank.source import Source, load_sources

log = logging.getLogger("mkdocs.plugins.qbank")


class QbankPlugin(BasePlugin[QbankConfig]):
    """The site's pages, decorations, math, output gate and published data, from the bank."""

    def __init__(self) -> None:
        super().__init__()
        self.is_serve = False
        self.is_dirty = False
        self.renderer: KatexRenderer | None = None  # one Node process for the whole run
        self.plots = notebook_pages.Plots()         # the notebooks' plots, re-encoded in the background
        self.helper: Helper | None = None           # this build's helper process (qbank.site.helper)
        self.notebooks_ahead = NotebooksAhead(None)  # notebook pages converted by the helper
        self.pages_ahead = PagesAhead(None)          # Markdown pages rendered by the second helper (from on_nav)

        # This build's inputs (on_config)
        self.root = Path(".")
        self.questions: list[Question] = []
        self.by_path: dict[str, Question] = {}
        self.taxonomy: Taxonomy | None = None
        self.topics: dict[str, Topic] = {}
        self.tags: dict[str, Tag] = {}
        self.sources: list[Source] = []
        self.sources_by_id: dict[str, Source] = {}
        self.related: dict[str, list[Question]] = {}
        self.topic_questions: dict[str, list[Question]] = {}
        self.view = BankView({}, {}, {}, {})   # what a question page shows of the rest of the bank
        self.search: SearchIndex | None = None
        self.search_ahead: SearchAhead | None = None  # its files, computed by a helper from on_env

        # Kept from build to build of one `mkdocs serve` (a dirty build renders only some pages)
        self.answers: dict[str, str] = {}          # question id -> answer HTML (study cards)
        self.search_pages: dict[str, PageDoc] = {}  # URL -> search entry of a page that is not a question
        self.content: dict[str, tuple[str, str]] = {}  # src_uri -> (page HTML in, HTML out of on_page_content)
        self.incremental = Incremental()           # --dirty bookkeeping, compiled templates

    # -- events ---------------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.is_serve = command == "serve"
        self.is_dirty = self.incremental.dirty = dirty
        if dirty:  # MkDocs's warning would abort every build in strict mode, and is answered here
            logging.getLogger("mkdocs.commands.build").addFilter(dirty_warning)

    def on_shutdown(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(dirty_warning)
        self._stop_helper()
        self.incremental.close()
        self.plots.close()
        if self.renderer is not None:
            self.renderer.close()
            self.renderer = None

    @event_priority(100)  # before every plugin's on_config: the process has one thread yet
    def _start_helper(self, config: MkDocsConfig) -> MkDocsConfig:
        """Fork the build helper: it converts the notebooks, compiles the theme's templates and
        builds the Anki package on the other core while this process validates the bank and
        renders the Markdown (qbank.site.helper and the *_ahead modules)."""
        self._stop_helper()

        def tasks() -> Iterator[Task]:  # run in the helper
            if not self.is_serve:  # serve keeps its compiled templates between builds (on_env)
                yield templates_ahead.KEY, functools.partial(templates_ahead.compiled, config)
            yield from notebooks_ahead.tasks(config)
            # The rest is wanted only at on_post_build: below the second helper's pages (nice 10),
            # which the build takes only if they are ready.
            os.nice(15)
            yield anki_ahead.KEY, functools.partial(anki_ahead.built, Path(config.config_file_path).resolve().parent,
                                                    Path(config.docs_dir), config.site_url or "/")

        self.helper = Helper.start(tasks)
        if self.helper is None:
            log.info("qbank: no build helper (threads are running, or not Linux): notebooks converted in process")
        self.notebooks_ahead = NotebooksAhead(self.helper)
        return config

    def _on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).resolve().parent
        docs = Path(config.docs_dir)
        layout.refuse_links(docs)
        self.validate(root, docs)
        try:
            questions = load_bank(docs)
        except BankFormatError as err:
            raise PluginError(f"{err} (run `qbank validate` for every problem at once)") from None
        taxonomy = Taxonomy.load(root / "data")
        self.root = root
        self.questions = questions
        self.by_path = {q.path.as_posix(): q for q in questions if q.path}  # the bank sets every path
        self.taxonomy = taxonomy
        self.topics = {t.id: t for t in taxonomy.topics}
        self.tags = {t.id: t for t in taxonomy.tags}
        self.sources = load_sources(root / "seeds" / "sources.yml")
        self.sources_by_id = {s.id: s for s in self.sources}
        self.related = related_questions(questions)
        self.topic_questions = {}
        for q in questions:
            self.topic_questions.setdefault(q.topic, []).append(q)
        self.topic_questions = {t: pages.in_topic_order(qs) for t, qs in self.topic_questions.items()}
        self.view = BankView(self.topics, self.sources_by_id, self.topic_questions, self.related)
        if not self.is_dirty:  # every page is rendered again: nothing to keep
            self.answers.clear()
            self.search_pages.clear()
        self.search = SearchIndex(Vocabulary.load(root / "data"), pages=self.search_pages)
        # One source of truth for tags: the vocabulary file feeds Material's tags plugin, and
        # its labels the chips on question pages (overrides/partials/tags.html).
        tags_plugin = config.plugins.get("material/tags")
        if tags_plugin is not None:
            tags_plugin.config.tags_allowed = set(self.tags)
        config.extra["qb_tag_labels"] = {t.id: t.title for t in taxonomy.tags}
        config.extra["qb_suggest_url"] = pages.suggest_url(config.repo_url or "")
        problems = notebook_pages.check(docs, questions)  # questions <-> notebooks link both ways
        if problems:
            raise PluginError("notebooks and questions disagree:\n" + "\n".join(problems))
        config.nav = layout.nav(taxonomy, [*notebook_pages.nav(docs), *(config.nav or [])])
        self.plots.start(docs)
        return config

    on_config = CombinedEvent(_start_helper, _on_config)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.taxonomy is not None
        layout.refuse_scriptable(files)
        for path, content in layout.generated_pages(self.questions, self.taxonomy, self.sources, self.topic_questions,
                                                    Path(config.docs_dir), config.repo_url or "", config.site_url or ""):
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"docs/{path} is generated at build time; delete the committed file")
            files.append(self.incremental.generated(config, path, content))
        self.incremental.invalidate(files, config, self.questions, self.related, self.config.watch)
        # A dirty build keeps the search entries of the pages it skips, not of deleted ones.
        urls = {"" if f.url in (".", "./") else f.url for f in files.documentation_pages()}  # as Page.url
        for url in [u for u in self.search_pages if u not in urls]:
            del self.search_pages[url]
        return files

    @event_priority(-100)  # after every plugin's on_nav: what comes next is the pages' events
    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):  # noqa: ANN001, ANN201 - MkDocs's Navigation
        """Fork the second helper: it renders the Markdown pages from the last one backwards."""
        self._stop_pages_helper()
        if not self.is_serve and not self.is_dirty:
            helper = Helper.start(lambda: pages_ahead.tasks(config, files, self._detach),
                                  beside=(STDERR_THREAD, notebook_pages.PLOTS_THREAD), nice=10)
            self.pages_ahead = PagesAhead(helper)
        self.notebooks_ahead.read_last(files)
        return nav

    @event_priority(-100)  # after mkdocs-jupyter's on_pre_page, and every other plugin's
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        self.notebooks_ahead.adopt(page)
        self.pages_ahead.adopt(page)
        return page

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Material's search plugin indexes nothing (its index would be preloaded on every page):
        # the site's own index is written in on_post_build, see qbank.site.search_index.
        page.meta["search"] = {"exclude": True}
        q = self.by_path.get(page.file.src_uri)
        if q is None:
            return markdown
        return decorate(markdown, q, page, config, self.view)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        notebook = notebook_pages.is_notebook(page)
        if notebook:  # mkdocs-jupyter's HTML: offline, light, KaTeX (writes the plots: never from the cache)
            try:
                out = notebook_pages.render(html, page, config, files, self._renderer(), self.plots)
            except notebook_pages.NotebookPageError as err:
                raise PluginError(str(err)) from None
            out = checked(out, page)
        else:
            cached = self.content.get(page.file.src_uri)
            if cached is not None and cached[0] == html:
                out = cached[1]  # the same HTML as last build (mkdocs serve): the same result
            else:
                out = checked(typeset(html, page, self._renderer()), page)
                if self.is_serve:
                    self.content[page.file.src_uri] = (html, out)
        if notebook:
            self._index_page(page, out)
        elif page.file.src_uri not in self.by_path:
            self._index_page(page, out if page.file.src_uri == "sources.md" else "")
        q = self.by_path.get(page.file.src_uri)
        if q is not None and q.answers:  # the answers, for the study page
            answers = study.answer_html(out, page.url)
            if answers:
                self.answers[q.id] = answers
        return out

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        if self.pages_ahead.helper is not None:
            log.debug(f"qbank: {self.pages_ahead.taken} pages rendered by the second helper")
        self._stop_pages_helper()  # every page is rendered
        self.notebooks_ahead.restore_order(files)
        if self.is_serve:  # compiling Material's templates again costs ~0.4 s per rebuild
            env.bytecode_cache = self.incremental.bytecode
        elif self.helper is not None:  # compiled by the helper
            try:
                templates_ahead.use(env, self.helper.take(templates_ahead.KEY))
            except HelperError as err:
                log.info(f"qbank: templates compiled in process: {err}")
        if self.search is not None:  # every page is read: the index's inputs are final
            assert self.taxonomy is not None
            self.search_ahead = SearchAhead(self.search, self.questions, self.taxonomy)
            if not self.is_serve:
                self.search_ahead.start(beside=(STDERR_THREAD, notebook_pages.PLOTS_THREAD))
        return env

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav) -> TemplateContext:  # noqa: ANN001 - MkDocs Navigation
        """The table of contents shows headings as text: formulas in them become plain text (√dₖ), never raw TeX."""
        stack = list(page.toc or [])
        while stack:
            item = stack.pop()
            item.title = plain_math(item.title)
            stack.extend(item.children or [])
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        assert self.taxonomy is not None
        (site / "questions.json").write_text(
            dumps(export_document(self.questions, self.sources, self.taxonomy)), encoding="utf-8")
        anki = anki_ahead.package(self.helper, self.questions, self.sources, self.taxonomy, config.site_url or "/",
                                  Path(config.docs_dir))
        study.publish(site, self.questions, self.sources, self.taxonomy, config.site_url or "/",
                      docs_dir=Path(config.docs_dir), answers=self.answers, anki=anki)  # study/cards.json + downloads
        copy_vendor_assets(site)
        if self.search_ahead is not None:
            sizes = SearchIndex.write(site, self.search_ahead.files())
            self.search_ahead = None
            shards = sum(v for k, v in sizes.items() if k.startswith("search/terms/"))
            log.info(f"qbank: search index {sizes['search/qbank.json'] / 1024:.0f} KiB, "
                     f"{len(sizes) - 1} term shards {shards / 1024:.0f} KiB")
        self._stop_helper()  # its work is done

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # noqa: ANN001, ANN201 - MkDocs passes its own types
        """Rebuild when the data files change, not only docs/."""
        root = Path(config.config_file_path).resolve().parent
        for extra in self.config.watch:
            if (root / extra).exists():
                server.watch(str(root / extra))
        return server

    # -- helpers --------------------------------------------------------------------

    def _stop_helper(self) -> None:
        if self.search_ahead is not None:
            self.search_ahead.close()
            self.search_ahead = None
        if self.helper is not None:
            self.helper.close()
            self.helper = None
        self.notebooks_ahead = NotebooksAhead(None)
        self._stop_pages_helper()

    def _stop_pages_helper(self) -> None:
        if self.pages_ahead.helper is not None:
            self.pages_ahead.helper.close(wait=False)  # the build goes on while it exits
        self.pages_ahead = PagesAhead(None)

    def _detach(self) -> None:
        """In the second helper: the first helper's results are the build's, not to be taken here.
        (The page events and renders it runs never typeset: the KaTeX process stays the build's.)"""
        self.helper = None
        self.notebooks_ahead = NotebooksAhead(None)
        self.pages_ahead = PagesAhead(None)

    def _renderer(self) -> KatexRenderer:
        if self.renderer is None:
            self.renderer = KatexRenderer()
        return self.renderer

    def validate(self, root: Path, docs: Path) -> None:
        """Every build runs `qbank validate` first: any error fails it, listing every problem.

        ``validate_bank: false`` skips this, for tests only (the sanitizer must hold on its own).
        The KaTeX renderer is shared, so formulas parsed here are cache hits when typeset.
        """
        if not self.config.validate_bank:
            log.info("qbank: bank validation skipped (validate_bank: false; for tests only)")
            return
        from qbank.validate import validate

        renderer = self._renderer()
        renderer.start()  # Node loads KaTeX while validation reads the bank
        report = validate(root, docs=docs, renderer=renderer)
        errors = report.errors
        if errors:
            shown = "\n".join(p.format() for p in errors[:40])
            more = f"\n... and {len(errors) - 40} more" if len(errors) > 40 else ""
            raise PluginError(f"the question bank has {len(errors)} problem{'s' if len(errors) != 1 else ''} "
                              f"(`make validate` lists them all):\n{shown}{more}")
        log.info(f"qbank: {report.files} bank files validated in {report.seconds:.2f} s")

    def _index_page(self, page: Page, text_html: str) -> None:
        """A page that is not a question, for search: title, description and (given) its text."""
        if self.search is not None and page.title:
            self.search.add_page(page.url, _html.unescape(str(page.title)), str(page.meta.get("description") or ""), text_html)


__all__ = ["QbankPlugin"]
