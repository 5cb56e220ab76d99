"""The ``qbank`` MkDocs plugin: everything derived from the bank is generated here, at build time.

Listed under ``plugins:`` in ``mkdocs.yml`` (after Material's ``search`` and ``tags``), registered
as the entry point ``qbank`` of this package; options in :mod:`qbank.site.config`.  Per build:
load the bank, taxonomy and sources once (``on_config``), add the generated pages
(``on_files``), decorate each question page (``on_page_markdown``), typeset math with KaTeX
and pass every page through the output gate (``on_page_content``) and publish
``questions.json``, the study cards, the downloads, the search index
(:mod:`qbank.site.search_index`; Material's own index is left empty) and the vendored
front-end assets (``on_post_build``).

Under ``mkdocs serve --dirty`` (``make serve``) MkDocs renders only the pages whose file
changed, and the generated ones.  What the other pages contributed to the aggregates (their
study card, their search entry) is kept on the plugin between builds, and a question page
whose output depends on a changed question (the same topic's list in the left column,
related questions) is rebuilt too; a change to ``data/``, the sources, the templates or a
notebook rebuilds every page.
"""

from __future__ import annotations

import html as _html
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from qbank.bank import BankFormatError, Question, load_bank
from qbank.bankfile import answer_sections, replace_answer_headings
from qbank.classify import Tag, Taxonomy, Topic
from qbank.export import dumps, export_document
from qbank.katex import KatexRenderer
from qbank.notebooks import notebook_paths
from qbank.site import notebook_pages, pages, study
from qbank.site.config import QbankConfig
from qbank.site.math import find_tex_line, raw_tex, render_math
from qbank.site.math_text import plain as plain_math
from qbank.site.related import related_questions
from qbank.site.sanitize import removed, sanitize_html
from qbank.site.scheduler import SPEC as STUDY_SPEC
from qbank.site.search_index import PageDoc, SearchIndex
from qbank.site.search_vocab import Vocabulary
from qbank.site.vendor import copy_vendor_assets
from qbank.source import Source, load_sources

log = logging.getLogger("mkdocs.plugins.qbank")
# Static files a browser would run as a document in the site's origin.
SCRIPTABLE_FILES = frozenset({".html", ".htm", ".xhtml", ".svg", ".xml", ".xsl", ".shtml"})


class QbankPlugin(BasePlugin[QbankConfig]):
    """The site's pages, decorations, math, output gate and published data, from the bank."""

    def __init__(self) -> None:
        super().__init__()
        self.is_serve = False
        self.is_dirty = False
        self.renderer: KatexRenderer | None = None  # one Node process for the whole run

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
        self.search: SearchIndex | None = None

        # Kept from build to build of one `mkdocs serve` (a dirty build renders only some pages)
        self.answers: dict[str, str] = {}          # question id -> answer HTML (study cards)
        self.search_pages: dict[str, PageDoc] = {}  # URL -> search entry of a page that is not a question
        self.content: dict[str, tuple[str, str]] = {}  # src_uri -> (page HTML in, HTML out of on_page_content)
        self.outline: dict[str, tuple] = {}        # question id -> what other pages show of it
        self.stamp: tuple | None = None            # data files, templates, notebooks as last built
        self.generated_dir: Path | None = None     # --dirty: the generated pages' Markdown, as files
        self.bytecode = _TemplateCache()           # the theme's compiled templates (MkDocs makes a new Jinja env per build)

    # -- events ---------------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.is_serve = command == "serve"
        self.is_dirty = dirty
        if dirty:  # MkDocs's warning would abort every build in strict mode, and is answered here
            logging.getLogger("mkdocs.commands.build").addFilter(_dirty_warning)

    def on_shutdown(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(_dirty_warning)
        if self.generated_dir is not None:
            shutil.rmtree(self.generated_dir, ignore_errors=True)
            self.generated_dir = None
        if self.renderer is not None:
            self.renderer.close()
            self.renderer = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).resolve().parent
        docs = Path(config.docs_dir)
        _refuse_links(docs)
        self._validate(root, docs)
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
        config.nav = _nav(taxonomy, [*notebook_pages.nav(docs), *(config.nav or [])])
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.taxonomy is not None
        taxonomy, questions = self.taxonomy, self.questions

        for f in files:  # only what validation allows under docs/ (also when it is skipped)
            if f.generated_by is None and Path(f.src_uri).suffix.lower() in SCRIPTABLE_FILES:
                raise PluginError(f"docs/{f.src_uri}: {Path(f.src_uri).suffix} files can run script and are never "
                                  "published from docs/ (see `qbank validate`, QB109)")

        def add(path: str, content: str) -> None:
            existing = files.get_file_from_path(path)
            if existing is not None:
                raise PluginError(f"docs/{path} is generated at build time; delete the committed file")
            files.append(self._generated(config, path, content))

        suggest = pages.suggest_url(config.repo_url or "")
        add("index.md", pages.home(questions, taxonomy, self.sources, suggest))
        add("questions/index.md", pages.topics_index(taxonomy, questions))
        for topic in taxonomy.topics:
            add(f"questions/{topic.id}/index.md", pages.topic_page(topic, self.topic_questions.get(topic.id, []), self.tags))
        add("tags/index.md", pages.tags_index(taxonomy, questions))
        tagged: dict[str, list[Question]] = {}
        for q in questions:
            for t in q.tags:
                tagged.setdefault(t, []).append(q)
        for tag in taxonomy.tags:
            if tag.id in tagged:
                add(f"tags/{tag.id}.md", pages.tag_page(tag, tagged[tag.id], self.topics))
        add("unanswered.md", pages.unanswered(questions, self.topics, self.tags, suggest))
        add("study.md", pages.study(questions, STUDY_SPEC))
        add("browse.md", pages.browse(questions, taxonomy))
        add("sources.md", pages.sources_page(self.sources, questions))
        notebooks_index = notebook_pages.index_page(Path(config.docs_dir), self.by_path)
        if notebooks_index:
            add(notebook_pages.INDEX, notebooks_index)
        for q in questions:  # a merged or moved question keeps its old URLs working
            for old in q.redirect_from:
                add(old[: -len(".md")] + "/index.html", pages.redirect(q, old, config.site_url or ""))
        self._invalidate(files, config)
        # A dirty build keeps the search entries of the pages it skips, not of deleted ones.
        urls = {"" if f.url in (".", "./") else f.url for f in files.documentation_pages()}  # as Page.url
        for url in [u for u in self.search_pages if u not in urls]:
            del self.search_pages[url]
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Material's search plugin indexes nothing (its index would be preloaded on every page):
        # the site's own index is written in on_post_build, see qbank.site.search_index.
        page.meta["search"] = {"exclude": True}
        q = self.by_path.get(page.file.src_uri)
        if q is None:
            return markdown
        topics, sources = self.topics, self.sources_by_id
        page_url = (config.site_url or "/") + page.url
        # Material prints these unescaped (into <title>, <h1>, the header, <meta content="...">).
        page.meta["title"] = _html.escape(q.title, quote=False)
        page.meta["description"] = pages.esc(_description(q, topics))

        counter = iter(range(1, 1000))
        single = len(answer_sections(markdown)) == 1

        history = pages.history_url(config.repo_url or "", q)

        def answer_heading(m: re.Match[str]) -> str:
            n = next(counter)
            label = "Answer" if single else f"Answer {n}"
            line = pages.attribution(m.group("source").strip(), bool(m.group("edited")), sources, "../../../", history)
            return f"## {label} {{ #answer-{n} }}\n\n{line}\n"

        body = replace_answer_headings(markdown, answer_heading)
        head = [f'<p class="qb-meta">{pages.badges(q, topics.get(q.topic), "../")}</p>', ""]
        if "garbled-formula" in q.flags:
            head += ['!!! warning "Formula needs review"', "",
                     "    The source's formula was garbled when it was scraped. It is shown as found; "
                     "please help fix it with **Improve this answer**.", ""]
        if q.status == "unanswered":
            head += pages.unanswered_notice(page.edit_url or "#")
        page.meta["qb_topic_nav"] = pages.topic_nav(q, self.topic_questions.get(q.topic, []), topics.get(q.topic))
        tail = notebook_pages.try_it(q, Path(config.docs_dir))  # "Try it in a notebook"
        if q.aliases:
            tail += ["## Also asked as", "", *[f"- {pages.text(a)}" for a in q.aliases], ""]
        related = self.related.get(q.id, [])
        if related:
            tail += ["## Related questions", ""]
            tail += [f'- <a href="../../../{pages.esc(r.url)}">{pages.text(r.title)}</a>' for r in related]
            tail.append("")
        report = pages.issue_url(config.repo_url or "", q, page_url)
        edit = page.edit_url or "#"
        tail += [*pages.question_actions(q, edit, report), "",
                 f'<p class="qb-provenance">{pages.provenance(q, sources, "../../../", history)}</p>', ""]
        return "\n".join(head) + "\n" + body.rstrip() + "\n\n" + "\n".join(tail)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        notebook = notebook_pages.is_notebook(page)
        if notebook:  # mkdocs-jupyter's HTML: offline, light, KaTeX (writes the plots: never from the cache)
            try:
                out = notebook_pages.render(html, page, config, files, self._renderer())
            except notebook_pages.NotebookPageError as err:
                raise PluginError(str(err)) from None
            out = self._checked(out, page)
        else:
            cached = self.content.get(page.file.src_uri)
            if cached is not None and cached[0] == html:
                out = cached[1]  # the same HTML as last build (mkdocs serve): the same result
            else:
                out = self._checked(self._typeset(html, page), page)
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
        if self.is_serve:  # compiling Material's templates again costs ~0.4 s per rebuild
            env.bytecode_cache = self.bytecode
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
        study.publish(site, self.questions, self.sources, self.taxonomy, config.site_url or "/",
                      docs_dir=Path(config.docs_dir), answers=self.answers)  # study/cards.json + downloads
        copy_vendor_assets(site)
        if self.search is not None:
            sizes = self.search.write(site, self.questions, self.taxonomy)
            shards = sum(v for k, v in sizes.items() if k.startswith("search/terms/"))
            log.info(f"qbank: search index {sizes['search/qbank.json'] / 1024:.0f} KiB, "
                     f"{len(sizes) - 1} term shards {shards / 1024:.0f} KiB")

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # noqa: ANN001, ANN201 - MkDocs passes its own types
        """Rebuild when the data files change, not only docs/."""
        root = Path(config.config_file_path).resolve().parent
        for extra in self.config.watch:
            if (root / extra).exists():
                server.watch(str(root / extra))
        return server

    # -- helpers --------------------------------------------------------------------

    def _generated(self, config: MkDocsConfig, path: str, content: str) -> File:
        """A generated page.  Under ``--dirty`` it is backed by a file that is rewritten only when
        its content changed, so that MkDocs rebuilds only the generated pages that changed."""
        if not self.is_dirty:
            return File.generated(config, path, content=content)
        if self.generated_dir is None:
            self.generated_dir = Path(tempfile.mkdtemp(prefix="qbank-generated-"))
        src = self.generated_dir / path
        if not src.is_file() or src.read_text(encoding="utf-8") != content:
            src.parent.mkdir(parents=True, exist_ok=True)
            src.write_text(content, encoding="utf-8")
        return File.generated(config, path, abs_src_path=str(src))

    def _renderer(self) -> KatexRenderer:
        if self.renderer is None:
            self.renderer = KatexRenderer()
        return self.renderer

    def _validate(self, root: Path, docs: Path) -> None:
        """Every build runs `qbank validate` first: any error fails it, listing every problem.

        ``validate_bank: false`` skips this, for tests only (the sanitizer must hold on its own);
        so does the environment variable QBANK_SKIP_VALIDATE=1, deprecated.  The KaTeX
        renderer is shared, so formulas parsed here are cache hits when typeset.
        """
        if os.environ.get("QBANK_SKIP_VALIDATE") == "1":
            log.info("qbank: bank validation skipped (QBANK_SKIP_VALIDATE=1 is deprecated: "
                     "set `validate_bank: false` under the qbank plugin; for tests only)")
            return
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

    def _invalidate(self, files: Files, config: MkDocsConfig) -> None:
        """Dirty builds: mark for rebuilding the unchanged pages that show something that changed.

        MkDocs rebuilds a page under ``--dirty`` when its source is newer than its output, so
        the output of a page to rebuild is back-dated.  Every page, when the data files, the
        templates, the sources or a notebook changed; otherwise the question pages whose left
        column (their topic's questions) or related questions show a question whose title,
        topic, difficulty or place changed, or was added or removed.
        """
        outline: dict[str, tuple[str, ...]] = {q.id: (q.title, q.topic, q.difficulty, q.url) for q in self.questions}
        outline.update({f"related:{q.id}": tuple(r.id for r in self.related.get(q.id, [])) for q in self.questions})
        stamp = self._stamp(config)
        before, before_stamp = self.outline, self.stamp
        self.outline, self.stamp = outline, stamp
        if not self.is_dirty:
            return
        if stamp != before_stamp:  # or the first build of this process: the pages it skips would be missing from the aggregates
            stale = {f.src_uri for f in files.documentation_pages()}
        else:
            changed = {k for k in before.keys() | outline.keys() if before.get(k) != outline.get(k)}
            topics = {v[1] for k in changed if not k.startswith("related:") for v in (before.get(k), outline.get(k)) if v}
            ids = {k.removeprefix("related:") for k in changed}
            stale = {q.path.as_posix() for q in self.questions
                     if q.path and (q.topic in topics or q.id in ids or ids & {r.id for r in self.related.get(q.id, [])})}
        for f in files.documentation_pages():
            if f.src_uri in stale and os.path.isfile(f.abs_dest_path):
                os.utime(f.abs_dest_path, (0, 0))

    def _stamp(self, config: MkDocsConfig) -> tuple:
        """Modification times of what every page depends on besides its own file."""
        root = Path(config.config_file_path).resolve().parent
        paths = [root / w for w in self.config.watch] + [Path(config.config_file_path)]
        out = []
        for path in paths:
            found = sorted(path.rglob("*")) if path.is_dir() else [path]
            out += [(str(p), p.stat().st_mtime_ns) for p in found if p.is_file()]
        out += [(str(p), p.stat().st_mtime_ns) for p in notebook_paths(Path(config.docs_dir))]
        return tuple(out)

    def _checked(self, html: str, page: Page) -> str:
        """The output gate, then: no formula may show as raw TeX."""
        html = _gate(html, page)
        leaks = raw_tex(html)
        if leaks:
            raise PluginError(f"docs/{page.file.src_uri}: {len(leaks)} formula(s) show as raw TeX instead of being typeset, "
                              f"e.g. …{leaks[0]}…\nhint: display math \\[ … \\] needs a blank line before and after it "
                              "(run `qbank validate` for the line)")
        return html

    def _index_page(self, page: Page, text_html: str) -> None:
        """A page that is not a question, for search: title, description and (given) its text."""
        if self.search is not None and page.title:
            self.search.add_page(page.url, _html.unescape(str(page.title)), str(page.meta.get("description") or ""), text_html)

    def _typeset(self, html: str, page: Page) -> str:
        if "arithmatex" not in html:
            return html
        rendered, errors = render_math(html, self._renderer())
        from qbank.validate import quote  # the author's text, not a Python repr
        messages = []
        for error in errors:
            line = None
            if page.file.abs_src_path and Path(page.file.abs_src_path).exists():
                line = find_tex_line(Path(page.file.abs_src_path).read_text(encoding="utf-8"), error.tex)
            messages.append(f"docs/{page.file.src_uri}:{line or 1}: KaTeX cannot parse {quote(error.tex)}: {error.message}")
        if errors:
            raise PluginError("\n".join(messages) + "\nhint: fix the formula (it must be valid KaTeX) and build again")
        return rendered


class _TemplateCache(jinja2.BytecodeCache):
    """Compiled templates in memory, from build to build of one `mkdocs serve` (Jinja checks
    each template's source checksum: an edited template is compiled again)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def _dirty_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns that a dirty build leaves "inaccurate navigation and other links": not on
    this site, whose nav changes only with the files that make the plugin rebuild every page
    (data/, mkdocs.yml, the notebooks), and whose pages that list other questions are
    generated (always rebuilt) or rebuilt by :meth:`QbankPlugin._invalidate`."""
    if record.levelno == logging.WARNING and record.getMessage().startswith("A 'dirty' build is being performed"):
        log.info("qbank: dirty build: the changed pages, the generated ones and the pages that show what changed")
        return False
    return True


def _refuse_links(docs: Path) -> None:
    """Only regular files inside the repository are published: MkDocs follows symbolic links
    under docs/, so one could publish the build machine's environment or /etc/passwd.
    This holds even when validation is skipped."""
    found = []
    for folder, dirs, files in os.walk(docs, followlinks=False):
        for name in (*dirs, *files):
            path = Path(folder) / name
            if path.is_symlink():
                found.append(f"docs/{path.relative_to(docs).as_posix()} -> {os.readlink(path)}")
    if found:
        raise PluginError("symbolic links are never published; commit the files themselves:\n" + "\n".join(found))


def _nav(taxonomy: Taxonomy, extra: list) -> list:
    """Question pages stay out of the nav: 10k entries would bloat every page's HTML."""
    topics = [{t.title: f"questions/{t.id}/index.md"} for t in taxonomy.topics]
    return [
        {"Home": "index.md"},
        {"Topics": ["questions/index.md", *topics]},
        {"Browse": "browse.md"},
        {"Study": "study.md"},
        {"Tags": "tags/index.md"},
        {"Unanswered": "unanswered.md"},
        *extra,
        {"Sources & licence": "sources.md"},
    ]


def _description(q: Question, topics: dict) -> str:
    if q.answers:
        text = q.answers[0].markdown
        text = re.sub(r"```.*?```", " ", text, flags=re.S)
        text = re.sub(r"\\\[.*?\\\]|\\\(.*?\\\)", " ", text, flags=re.S)
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"[*_`#>|]|^\s*[-\d.]+\s", " ", text, flags=re.M)
        text = " ".join(text.split())
        if len(text) > 155:
            text = text[:152].rsplit(" ", 1)[0] + "…"
        return text
    topic = topics.get(q.topic)
    return f"Unanswered interview question on {topic.title if topic else q.topic}: {q.title} Contribute an answer."


def _gate(html: str, page: Page) -> str:
    """Every page, whatever made it, leaves through the same allow-list (site/sanitize.py).

    A page from which the gate had to remove anything fails the build: validation should
    have refused that file, so the markup is a trick that slipped past it (or a bug in a
    generated page); either way nobody reviewed what the reader would get.
    """
    clean = sanitize_html(html)
    lost = removed(html, clean)
    if lost:
        where = f"docs/{page.file.src_uri}" if page.file.generated_by is None else f"the generated page {page.file.src_uri}"
        raise PluginError(f"{where}: the page holds markup the site never publishes: {', '.join(lost[:8])}"
                          f"{' ...' if len(lost) > 8 else ''}\nhint: run `qbank validate {where.removeprefix('the generated page ')}`;"
                          " remove the markup (see CONTRIBUTING.md, HTML)")
    return clean


__all__ = ["QbankPlugin"]
