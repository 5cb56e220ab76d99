"""MkDocs hooks: everything derived from the bank is generated here, at build time.

Registered in ``mkdocs.yml`` under ``hooks:``.  Per build: load the bank, taxonomy and
sources once (``on_config``), add the generated pages (``on_files``), decorate each
question page (``on_page_markdown``), typeset math with KaTeX (``on_page_content``) and
publish ``questions.json``, the search index (:mod:`qbank.site.search_index`; Material's
own index is left empty) plus the vendored front-end assets (``on_post_build``).
"""

from __future__ import annotations

import html as _html
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from qbank.bank import BankFormatError, Question, load_bank
from qbank.bankfile import answer_sections, replace_answer_headings
from qbank.classify import Taxonomy
from qbank.export import dumps, export_document
from qbank.source import Source, load_sources
from qbank.site import study
from qbank.site.scheduler import SPEC as STUDY_SPEC
from qbank.site import notebook_pages, pages
from qbank.katex import KatexRenderer
from qbank.site.math import find_tex_line, raw_tex, render_math
from qbank.site.math_text import plain as plain_math
from qbank.site.related import related_questions
from qbank.site.sanitize import removed, sanitize_html
from qbank.site.search_index import SearchIndex
from qbank.site.search_vocab import Vocabulary
from qbank.site.vendor import copy_vendor_assets

log = logging.getLogger("mkdocs.plugins.qbank")
# Static files a browser would run as a document in the site's origin.
SCRIPTABLE_FILES = frozenset({".html", ".htm", ".xhtml", ".svg", ".xml", ".xsl", ".shtml"})


@dataclass
class _State:
    root: Path = Path(".")
    questions: list[Question] = field(default_factory=list)
    by_path: dict[str, Question] = field(default_factory=dict)
    taxonomy: Taxonomy | None = None
    sources: list[Source] = field(default_factory=list)
    related: dict[str, list[Question]] = field(default_factory=dict)
    math_errors: list[str] = field(default_factory=list)
    search: SearchIndex | None = None


STATE = _State()
_RENDERER: KatexRenderer | None = None


def _renderer() -> KatexRenderer:
    global _RENDERER
    if _RENDERER is None:
        _RENDERER = KatexRenderer()
    return _RENDERER


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).resolve().parent
    docs = Path(config.docs_dir)
    _refuse_links(docs)
    _validate(root, docs)
    try:
        questions = load_bank(docs)
    except BankFormatError as err:
        raise PluginError(f"{err} (run `qbank validate` for every problem at once)") from None
    taxonomy = Taxonomy.load(root / "data")
    STATE.root = root
    STATE.questions = questions
    STATE.by_path = {q.path.as_posix(): q for q in questions}
    STATE.taxonomy = taxonomy
    STATE.sources = load_sources(root / "seeds" / "sources.yml")
    STATE.related = related_questions(questions)
    STATE.math_errors = []
    STATE.search = SearchIndex(Vocabulary.load(root / "data"))
    # One source of truth for tags: the vocabulary file feeds Material's tags plugin, and
    # its labels the chips on question pages (overrides/partials/tags.html).
    tags_plugin = config.plugins.get("material/tags")
    if tags_plugin is not None:
        tags_plugin.config.tags_allowed = {t.id for t in taxonomy.tags}
    config.extra["qb_tag_labels"] = {t.id: t.title for t in taxonomy.tags}
    config.extra["qb_suggest_url"] = pages.suggest_url(config.repo_url or "")
    problems = notebook_pages.check(docs, questions)  # questions <-> notebooks link both ways
    if problems:
        raise PluginError("notebooks and questions disagree:\n" + "\n".join(problems))
    config.nav = _nav(taxonomy, [*notebook_pages.nav(docs), *(config.nav or [])])
    return config


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


def _validate(root: Path, docs: Path) -> None:
    """Every build runs `qbank validate` first: any error fails it, listing every problem.

    QBANK_SKIP_VALIDATE=1 skips this, for tests only (the sanitizer must hold on its own).
    The KaTeX renderer is shared, so formulas parsed here are cache hits when typeset.
    """
    if os.environ.get("QBANK_SKIP_VALIDATE") == "1":
        log.info("qbank: bank validation skipped (QBANK_SKIP_VALIDATE=1; for tests only)")
        return
    from qbank.validate import validate

    report = validate(root, docs=docs, renderer=_renderer())
    errors = report.errors
    if errors:
        shown = "\n".join(p.format() for p in errors[:40])
        more = f"\n... and {len(errors) - 40} more" if len(errors) > 40 else ""
        raise PluginError(f"the question bank has {len(errors)} problem{'s' if len(errors) != 1 else ''} "
                          f"(`make validate` lists them all):\n{shown}{more}")
    log.info(f"qbank: {report.files} bank files validated in {report.seconds:.2f} s")


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


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert STATE.taxonomy is not None
    taxonomy, questions = STATE.taxonomy, STATE.questions
    topics = {t.id: t for t in taxonomy.topics}
    tags = {t.id: t for t in taxonomy.tags}

    for f in files:  # only what validation allows under docs/ (also when it is skipped)
        if f.generated_by is None and Path(f.src_uri).suffix.lower() in SCRIPTABLE_FILES:
            raise PluginError(f"docs/{f.src_uri}: {Path(f.src_uri).suffix} files can run script and are never "
                              "published from docs/ (see `qbank validate`, QB109)")

    def add(path: str, content: str) -> None:
        existing = files.get_file_from_path(path)
        if existing is not None:
            raise PluginError(f"docs/{path} is generated at build time; delete the committed file")
        files.append(File.generated(config, path, content=content))

    add("index.md", pages.home(questions, taxonomy, STATE.sources, pages.suggest_url(config.repo_url or "")))
    add("questions/index.md", pages.topics_index(taxonomy, questions))
    for topic in taxonomy.topics:
        add(f"questions/{topic.id}/index.md", pages.topic_page(topic, [q for q in questions if q.topic == topic.id], tags))
    add("tags/index.md", pages.tags_index(taxonomy, questions))
    for tag in taxonomy.tags:
        tagged = [q for q in questions if tag.id in q.tags]
        if tagged:
            add(f"tags/{tag.id}.md", pages.tag_page(tag, tagged, topics))
    add("unanswered.md", pages.unanswered(questions, topics, tags, pages.suggest_url(config.repo_url or "")))
    add("study.md", pages.study(questions, STUDY_SPEC))
    add("browse.md", pages.browse(questions, taxonomy))
    add("sources.md", pages.sources_page(STATE.sources, questions))
    notebooks_index = notebook_pages.index_page(Path(config.docs_dir), STATE.by_path)
    if notebooks_index:
        add(notebook_pages.INDEX, notebooks_index)
    for q in questions:  # a merged or moved question keeps its old URLs working
        for old in q.redirect_from:
            add(old[: -len(".md")] + "/index.html", pages.redirect(q, old, config.site_url or ""))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Material's search plugin indexes nothing (its index would be preloaded on every page):
    # the site's own index is written in on_post_build, see qbank.site.search_index.
    page.meta["search"] = {"exclude": True}
    q = STATE.by_path.get(page.file.src_uri)
    if q is None:
        return markdown
    assert STATE.taxonomy is not None
    topics = {t.id: t for t in STATE.taxonomy.topics}
    sources = {s.id: s for s in STATE.sources}
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
    page.meta["qb_topic_nav"] = pages.topic_nav(q, STATE.questions, topics.get(q.topic))
    tail = notebook_pages.try_it(q, Path(config.docs_dir))  # "Try it in a notebook"
    if q.aliases:
        tail += ["## Also asked as", "", *[f"- {pages.text(a)}" for a in q.aliases], ""]
    related = STATE.related.get(q.id, [])
    if related:
        tail += ["## Related questions", ""]
        tail += [f'- <a href="../../../{pages.esc(r.url)}">{pages.text(r.title)}</a>' for r in related]
        tail.append("")
    report = pages.issue_url(config.repo_url or "", q, page_url)
    edit = page.edit_url or "#"
    tail += [*pages.question_actions(q, edit, report), "",
             f'<p class="qb-provenance">{pages.provenance(q, sources, "../../../", history)}</p>', ""]
    return "\n".join(head) + "\n" + body.rstrip() + "\n\n" + "\n".join(tail)


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


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if notebook_pages.is_notebook(page):  # mkdocs-jupyter's HTML: offline, light, KaTeX
        try:
            html = notebook_pages.render(html, page, config, files, _renderer())
        except notebook_pages.NotebookPageError as err:
            raise PluginError(str(err)) from None
    else:
        html = _typeset(html, page)
    html = _gate(html, page)
    leaks = raw_tex(html)
    if leaks:
        raise PluginError(f"docs/{page.file.src_uri}: {len(leaks)} formula(s) show as raw TeX instead of being typeset, "
                          f"e.g. …{leaks[0]}…\nhint: display math \\[ … \\] needs a blank line before and after it "
                          "(run `qbank validate` for the line)")
    if notebook_pages.is_notebook(page):
        _index_page(page, html)
    elif page.file.src_uri not in STATE.by_path:
        _index_page(page, html if page.file.src_uri == "sources.md" else "")
    study.capture(STATE.by_path.get(page.file.src_uri), page.url, html)  # answers for the study page
    return html


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


def _index_page(page: Page, text_html: str) -> None:
    """A page that is not a question, for search: title, description and (given) its text."""
    if STATE.search is not None and page.title:
        STATE.search.add_page(page.url, _html.unescape(str(page.title)), str(page.meta.get("description") or ""), text_html)


def _typeset(html: str, page: Page) -> str:
    if "arithmatex" not in html:
        return html
    rendered, errors = render_math(html, _renderer())
    from qbank.validate import quote  # the author's text, not a Python repr
    for error in errors:
        line = None
        if page.file.abs_src_path and Path(page.file.abs_src_path).exists():
            line = find_tex_line(Path(page.file.abs_src_path).read_text(encoding="utf-8"), error.tex)
        where = f"docs/{page.file.src_uri}:{line or 1}"
        STATE.math_errors.append(f"{where}: KaTeX cannot parse {quote(error.tex)}: {error.message}")
    if errors:
        raise PluginError("\n".join(STATE.math_errors[-len(errors):])
                          + "\nhint: fix the formula (it must be valid KaTeX) and build again")
    return rendered


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav) -> dict:  # noqa: ANN001 - MkDocs Navigation
    """The table of contents shows headings as text: formulas in them become plain text (√dₖ), never raw TeX."""
    stack = list(page.toc or [])
    while stack:
        item = stack.pop()
        item.title = plain_math(item.title)
        stack.extend(item.children or [])
    return context


def on_post_build(config: MkDocsConfig) -> None:
    site = Path(config.site_dir)
    assert STATE.taxonomy is not None
    (site / "questions.json").write_text(
        dumps(export_document(STATE.questions, STATE.sources, STATE.taxonomy)), encoding="utf-8")
    study.publish(site, STATE.questions, STATE.sources, STATE.taxonomy, config.site_url or "/",
                  docs_dir=Path(config.docs_dir))  # study/cards.json + downloads/*.apkg, *.csv
    copy_vendor_assets(site)
    if STATE.search is not None:
        sizes = STATE.search.write(site, STATE.questions, STATE.taxonomy)
        shards = sum(v for k, v in sizes.items() if k.startswith("search/terms/"))
        log.info(f"qbank: search index {sizes['search/qbank.json'] / 1024:.0f} KiB, "
                 f"{len(sizes) - 1} term shards {shards / 1024:.0f} KiB")


def on_shutdown() -> None:
    global _RENDERER
    if _RENDERER is not None:
        _RENDERER.close()
        _RENDERER = None


def on_serve(server, config: MkDocsConfig, builder):  # noqa: ANN001, ANN201 - MkDocs passes its own types
    """Rebuild when the data files change, not only docs/."""
    root = Path(config.config_file_path).resolve().parent
    for extra in ("data", "seeds/sources.yml", "overrides"):
        if (root / extra).exists():
            server.watch(str(root / extra))
    return server


__all__ = ["on_config", "on_files", "on_page_markdown", "on_page_content", "on_post_build", "on_shutdown", "on_serve"]
