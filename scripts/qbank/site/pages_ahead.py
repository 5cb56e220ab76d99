"""Markdown pages rendered ahead, from the last page backwards, in a second build helper.

Why: turning each page's Markdown into HTML (MkDocs's ``Page.render``, Python-Markdown with
the site's 22 extensions) is the largest part of the build after start-up: ~1.1 s for the
site's 200 Markdown pages, on the build's one core, while the other core is idle once the
first helper (notebooks, templates) is done.

How: at the end of ``on_nav`` (files and navigation final, every plugin's state as the pages
will see it) a helper (:mod:`qbank.site.helper`) is forked.  For each page, from the last
backwards, it runs what MkDocs runs before rendering it -- every plugin's ``on_pre_page``,
``read_source``, every plugin's ``on_page_markdown`` -- then renders it with MkDocs's own
``Page.render``.  (It used to run the events of every page first, in MkDocs's order: ~0.9 s on
a busy machine before its first render, half of it for pages the build then rendered itself.
A plugin whose events on one page depended on those of the pages before it would give a page
other Markdown here, and the build would render that page itself.)  The build renders from the first page forwards, as always, and
takes a page from the helper only if it is there already (:meth:`Helper.ready`: it never
waits) and was rendered from exactly the Markdown the build has for it; otherwise it renders
the page itself.  The two meet in the middle; on a busy machine the build does more itself.

Why the result is the same: ``Page.render`` depends on the page's Markdown (compared), its
file, the site's files and the configuration (the same objects, as forked).  What it sets on
the page is carried over: the HTML, the table of contents, the title it found, the anchors
(links to other files by their source path, as the helper's ``File`` objects are copies).  If
MkDocs's ``render`` set anything else (another MkDocs version), the helper refuses the page
and the build renders it.  Pages another plugin renders its own way (mkdocs-jupyter's
notebooks: :mod:`qbank.site.notebooks_ahead`) are left to it.

Not under ``mkdocs serve`` (rebuilds run beside the server's threads, and render only what
changed).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page

from qbank.site.helper import Helper, Task

__all__ = ["PagesAhead", "set_by_render", "tasks"]

log = logging.getLogger("mkdocs.plugins.qbank")

# What MkDocs 1.6's Page.render sets on the page.
_RENDERED = frozenset({"content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors"})
_UNSET = object()


def _key(src_uri: str) -> str:
    return f"page:{src_uri}"


def tasks(config: MkDocsConfig, files: Files, before_pages: Callable[[], None]) -> Iterator[Task]:
    """In the helper: for each page, last page first, the plugins' events as the build runs them,
    then (a task) its render.  ``before_pages`` detaches the plugin from the first helper
    (whose results are the build's).  The events run in the generator, outside the tasks: the
    build runs them itself, so their log records are not sent."""
    before_pages()
    for file in reversed(files.documentation_pages(inclusion=InclusionLevel.is_included)):
        page = file.page if file.page is not None else Page(None, file, config)  # as MkDocs's build()
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        assert page.markdown is not None
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
        if "render" not in vars(page):  # rendered by MkDocs, not by a plugin of its own
            yield _key(page.file.src_uri), functools.partial(_render, page, config, files)


def set_by_render(page: Page, config: MkDocsConfig, files: Files) -> dict[str, Any]:
    """Render ``page`` (with whatever ``render`` it has) and return what that set on it, by name:
    what a helper sends back for the build's copy of the page.  (Also used for mkdocs-jupyter's
    notebook pages, :mod:`qbank.site.notebooks_ahead`.)"""
    before = dict(vars(page))
    page.render(config, files)
    return {name: value for name, value in vars(page).items() if before.get(name, _UNSET) is not value}


def _render(page: Page, config: MkDocsConfig, files: Files) -> tuple[str, dict[str, Any]]:
    """MkDocs's render of ``page``: its Markdown, and what render set on it, by name."""
    markdown = page.markdown
    assert markdown is not None
    changes = set_by_render(page, config, files)
    if not changes.keys() <= _RENDERED:
        raise RuntimeError(f"Page.render set {sorted(changes.keys() - _RENDERED)} too: not carried over")
    links = changes.get("links_to_anchors")
    if links is not None:
        changes["links_to_anchors"] = {file.src_uri: anchors for file, anchors in links.items()}
    return markdown, changes


class PagesAhead:
    """The build's side: a Markdown page takes its render from the helper when it is ready."""

    def __init__(self, helper: Helper | None) -> None:
        self.helper = helper
        self.taken = 0

    def adopt(self, page: Page) -> None:
        """Call from the last ``on_pre_page``: pages rendered by MkDocs may take the helper's render."""
        helper = self.helper
        if helper is None or "render" in vars(page):  # no helper, or a plugin renders this page
            return
        in_process = page.render

        def render(config: MkDocsConfig, files: Files) -> None:
            ready, result = helper.ready(_key(page.file.src_uri),
                                         lambda result: result[0] == page.markdown and _links(result[1], files) is not None)
            if not ready:
                in_process(config, files)
                return
            changes = result[1]
            if "links_to_anchors" in changes:
                changes = {**changes, "links_to_anchors": _links(changes, files)}
            for name, value in changes.items():
                setattr(page, name, value)
            self.taken += 1

        page.render = render  # type: ignore[method-assign]  # this page only


def _links(changes: dict[str, Any], files: Files) -> dict | None:
    """The anchors render found, keyed by the build's own ``File`` objects (None if one is missing)."""
    links = changes.get("links_to_anchors")
    if links is None:
        return {}
    mapped = {files.get_file_from_path(uri): anchors for uri, anchors in links.items()}
    return None if None in mapped else mapped
