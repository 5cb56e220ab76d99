"""The search index computed in a build helper while the build writes the pages.

Why: the index files (:meth:`qbank.site.search_index.SearchIndex.files`: every answer's words,
spelled and expanded with synonyms, cut into term shards) took ~0.2 s of ``on_post_build``,
the build's last step, on one core; and while MkDocs renders the pages' templates (~0.7 s)
the other core has nothing to do.

How: at ``on_env`` every page has been read and rendered, so everything the index is made of
is final (the bank, the taxonomy, the pages the plugin collected in ``on_page_content``;
nothing after ``on_env`` changes them).  :meth:`SearchAhead.start` forks a helper
(:mod:`qbank.site.helper`) there, which computes the files from its copy of that state: the
same objects, so the same bytes.  :meth:`SearchAhead.files` gives the build the helper's
result at ``on_post_build``, or computes it in process if the helper could not (not forked, a
failed task): the same bytes either way.
"""

from __future__ import annotations

import functools
import logging

from qbank.bank import Question
from qbank.site.helper import Helper, HelperError
from qbank.site.search_index import SearchIndex
from qbank.taxonomy import Taxonomy

__all__ = ["KEY", "SearchAhead"]

log = logging.getLogger("mkdocs.plugins.qbank")

KEY = "search-index"


class SearchAhead:
    """The build's side: start at ``on_env``, take at ``on_post_build``."""

    def __init__(self, index: SearchIndex, questions: list[Question], taxonomy: Taxonomy) -> None:
        self.index, self.questions, self.taxonomy = index, questions, taxonomy
        self.helper: Helper | None = None

    def start(self, *, beside: tuple[str, ...] = ()) -> None:
        """Fork the helper (``beside``: threads that hold nothing the index uses)."""
        task = functools.partial(self.index.files, self.questions, self.taxonomy)
        self.helper = Helper.start(lambda: [(KEY, task)], beside=beside)

    def files(self) -> dict[str, bytes]:
        """``{site-relative path: bytes}`` of the index, from the helper if it has them."""
        helper, self.helper = self.helper, None
        if helper is not None:
            try:
                files = helper.take(KEY)
                helper.finish()  # its one task is done: it exits (no SIGTERM in the middle of its exit)
                return files
            except HelperError as err:
                log.info(f"qbank: search index computed in process: {err}")
            finally:
                helper.close()
        return self.index.files(self.questions, self.taxonomy)

    def close(self) -> None:
        """Stop the helper, if the build ends without taking its result."""
        if self.helper is not None:
            self.helper.close()
            self.helper = None
