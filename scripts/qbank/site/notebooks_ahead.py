"""Notebook pages converted ahead, in the build helper, by mkdocs-jupyter's own code.

Why: mkdocs-jupyter converts a notebook when MkDocs renders its page (its ``on_pre_page``
replaces the page's ``render``), running nbconvert twice (the HTML, then Markdown for the table
of contents) with new exporters each time: about 1.4 s for the site's four notebooks, on the
build's one core, and first thing, since ``notebooks/`` sorts before ``questions/``.

:func:`tasks` is what the build helper (:mod:`qbank.site.helper`, forked at ``on_config``)
runs: the files as MkDocs's ``build`` gathers them (``get_files``), mkdocs-jupyter's
``on_files``, then, for each page it renders, its ``on_pre_page`` and ``render`` on the
helper's own copy of the page.  The result is what ``render`` set on the page (content, table
of contents, title).  :meth:`NotebooksAhead.adopt` (the plugin's ``on_pre_page``, after
mkdocs-jupyter's) makes the build's page take it when MkDocs renders the page.  So the options
are mkdocs-jupyter's as loaded, and the code that converts is its own, not a copy of it.

If the helper has no result for the page (not started, the task raised, the helper died), the
page is rendered by mkdocs-jupyter's ``render`` in process, as without the helper: the same
page, or the same error.  One difference remains possible then: mkdocs-jupyter keeps the last
notebook's kernel language in a module global, used for a notebook whose metadata declares none;
notebooks converted in the helper do not update it in the build process.  The site's notebooks
all declare ``python``.

MkDocs reads and renders the pages in the order of its ``Files``, in which ``notebooks/``
comes first, so the build would start by waiting for the helper (~0.35 s, while it has
Markdown pages to do).  :meth:`NotebooksAhead.read_last` moves the helper's notebooks to the end
for that loop, and :meth:`NotebooksAhead.restore_order` puts them back before the pages are
written, so that everything the order decides in the output (Material's search, the sitemap,
the page list) is as before.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, get_files
from mkdocs.structure.pages import Page

from qbank.site.helper import Helper, HelperError, Task
from qbank.site.pages_ahead import set_by_render

__all__ = ["MANIFEST", "NotebooksAhead", "PLUGIN", "tasks"]

log = logging.getLogger("mkdocs.plugins.qbank")

PLUGIN = "qbank-jupyter"  # mkdocs-jupyter's plugin (qbank.site.jupyter)
MANIFEST = "notebooks"  # the helper's first result: the source paths of the pages it converts


def _key(abs_src_path: str) -> str:
    return f"notebook:{abs_src_path}"


def tasks(config: MkDocsConfig) -> Iterator[Task]:
    """In the helper: the manifest, then each notebook page's render, in MkDocs's page order."""
    plugin = config.plugins.get(PLUGIN)
    if plugin is None:
        yield MANIFEST, list
        return
    plugin.on_pre_build(config=config)  # its per-build state (the cache files it used)
    files = plugin.on_files(get_files(config), config=config)
    pages = [f for f in files.documentation_pages() if plugin.should_include(f)]
    yield MANIFEST, lambda: [f.abs_src_path for f in pages]
    for file in pages:
        yield _key(str(file.abs_src_path)), functools.partial(_render, plugin, file, files, config)


def _render(plugin: Any, file: File, files: Files, config: MkDocsConfig) -> dict[str, Any]:
    """mkdocs-jupyter's render of the page of ``file``: the attributes it set, by name."""
    page = Page(None, file, config)
    plugin.on_pre_page(page, config=config, files=files)
    return set_by_render(page, config, files)


class NotebooksAhead:
    """The build's side: notebook pages take their render from the helper."""

    def __init__(self, helper: Helper | None) -> None:
        self.helper = helper
        self._planned: set[str] | None = None
        self._order: dict[str, int] | None = None  # the files' order before read_last

    def adopt(self, page: Page) -> None:
        """Make ``page`` take its render from the helper, if it is a page the helper converted.

        Call after mkdocs-jupyter's ``on_pre_page``: a page it renders has its own ``render``."""
        helper = self.helper
        path = page.file.abs_src_path
        if helper is None or "render" not in vars(page) or path is None or path not in self._manifest():
            return
        in_process = page.render

        def render(config: MkDocsConfig, files: Files) -> None:
            try:
                changes = helper.take(_key(path))
            except HelperError as err:
                log.info(f"qbank: {page.file.src_uri} converted in process: {err}")
                in_process(config, files)
                return
            for name, value in changes.items():
                setattr(page, name, value)

        page.render = render  # type: ignore[method-assign]  # as mkdocs-jupyter does, for this page only

    def read_last(self, files: Files) -> None:
        """Call at the end of ``on_nav``: move the helper's notebooks to the end of ``files``,
        which is the order MkDocs reads and renders pages in (public ``remove``/``append``)."""
        planned = self._manifest()
        late = [f for f in files if f.abs_src_path in planned]
        if not late:
            return
        self._order = {f.src_uri: i for i, f in enumerate(files)}
        for file in late:
            files.remove(file)
            files.append(file)

    def restore_order(self, files: Files) -> None:
        """Call from ``on_env`` (every page rendered, none written yet): ``files`` in its first
        order again; a file a plugin added meanwhile stays after those (where it was added)."""
        if self._order is None:
            return
        order, self._order = self._order, None
        for file in sorted(files, key=lambda f: order.get(f.src_uri, len(order))):
            files.remove(file)
            files.append(file)

    def _manifest(self) -> set[str]:
        if self._planned is None:
            self._planned = set()
            if self.helper is not None:
                try:
                    self._planned = set(self.helper.take(MANIFEST))
                except HelperError as err:
                    log.info(f"qbank: notebooks converted in process: {err}")
        return self._planned
