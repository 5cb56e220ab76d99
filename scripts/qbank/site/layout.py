"""The site's layout: which files it is made of, and how a reader reaches them.

Why a module of its own: the bank decides most of the site's pages, not ``docs/``.  Here are
the pages generated from it (:func:`generated_pages`: home, topics, tags, lists, study,
sources, notebooks index, redirects of moved questions), the nav (:func:`nav`; question pages
are reached from topic, tag and search pages), and what ``docs/`` itself may publish
(:func:`refuse_links`, :func:`refuse_scriptable`): never a symbolic link, never a file a
browser would run as a document.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from qbank.bank import Question
from qbank.taxonomy import Tag, Taxonomy, Topic
from qbank.site import notebook_pages, pages
from qbank.site.scheduler import SPEC as STUDY_SPEC
from qbank.source import Source

__all__ = ["SCRIPTABLE_FILES", "generated_pages", "nav", "refuse_links", "refuse_scriptable"]

# Static files a browser would run as a document in the site's origin.
SCRIPTABLE_FILES = frozenset({".html", ".htm", ".xhtml", ".svg", ".xml", ".xsl", ".shtml"})


def refuse_links(docs: Path) -> None:
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


def refuse_scriptable(files: Files) -> None:
    """Only what validation allows under docs/ (also when it is skipped)."""
    for f in files:
        if f.generated_by is None and Path(f.src_uri).suffix.lower() in SCRIPTABLE_FILES:
            raise PluginError(f"docs/{f.src_uri}: {Path(f.src_uri).suffix} files can run script and are never "
                              "published from docs/ (see `qbank validate`, QB109)")


def generated_pages(questions: list[Question], taxonomy: Taxonomy, sources: list[Source],
                    topic_questions: dict[str, list[Question]], docs_dir: Path, repo_url: str,
                    site_url: str) -> Iterator[tuple[str, str]]:
    """``(path under docs/, Markdown)`` of every page the build adds to ``docs/``."""
    topics: dict[str, Topic] = {t.id: t for t in taxonomy.topics}
    tags: dict[str, Tag] = {t.id: t for t in taxonomy.tags}
    suggest = pages.suggest_url(repo_url)
    yield "index.md", pages.home(questions, taxonomy, sources, suggest)
    yield "questions/index.md", pages.topics_index(taxonomy, questions)
    for topic in taxonomy.topics:
        yield f"questions/{topic.id}/index.md", pages.topic_page(topic, topic_questions.get(topic.id, []), tags)
    yield "tags/index.md", pages.tags_index(taxonomy, questions)
    tagged: dict[str, list[Question]] = {}
    for q in questions:
        for t in q.tags:
            tagged.setdefault(t, []).append(q)
    for tag in taxonomy.tags:
        if tag.id in tagged:
            yield f"tags/{tag.id}.md", pages.tag_page(tag, tagged[tag.id], topics)
    yield "unanswered.md", pages.unanswered(questions, topics, tags, suggest)
    yield "study.md", pages.study(questions, STUDY_SPEC)
    yield "browse.md", pages.browse(questions, taxonomy)
    yield "sources.md", pages.sources_page(sources, questions)
    by_path = {q.path.as_posix(): q for q in questions if q.path}
    notebooks_index = notebook_pages.index_page(docs_dir, by_path)
    if notebooks_index:
        yield notebook_pages.INDEX, notebooks_index
    for q in questions:  # a merged or moved question keeps its old URLs working
        for old in q.redirect_from:
            yield old[: -len(".md")] + "/index.html", pages.redirect(q, old, site_url)


def nav(taxonomy: Taxonomy, extra: list) -> list:
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
