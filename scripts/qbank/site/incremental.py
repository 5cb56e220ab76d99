"""What the plugin keeps from one build to the next of a ``mkdocs serve``, and why it is right to.

Why a module of its own: ``make serve`` runs ``mkdocs serve --dirty``, under which MkDocs renders
only the pages whose file changed (and the generated ones).  That is correct on this site only
because the plugin also rebuilds every page that *shows* something that changed -- the same
topic's questions in the left column, related questions -- and every page when the data files,
the templates, the sources or a notebook changed.  That bookkeeping lives here:

* :class:`Incremental`: the generated pages backed by files (so MkDocs sees which changed),
  which question pages to rebuild (:meth:`Incremental.invalidate`), and the theme's compiled
  templates (:class:`TemplateCache`);
* :func:`dirty_warning`: MkDocs's warning about dirty builds, answered here (strict mode
  would turn it into a failure of every rebuild).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from qbank.bank import Question
from qbank.notebooks import notebook_paths

__all__ = ["Incremental", "TemplateCache", "dirty_warning"]

log = logging.getLogger("mkdocs.plugins.qbank")


class TemplateCache(jinja2.BytecodeCache):
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


class Incremental:
    """The state of one ``mkdocs serve`` (or one plain build) between its builds."""

    def __init__(self) -> None:
        self.dirty = False                       # `--dirty`: MkDocs renders only changed pages
        self.outline: dict[str, tuple] = {}      # question id -> what other pages show of it
        self.stamp: tuple | None = None          # data files, templates, notebooks as last built
        self.generated_dir: Path | None = None   # --dirty: the generated pages' Markdown, as files
        self.bytecode = TemplateCache()          # the theme's compiled templates (MkDocs makes a new Jinja env per build)

    def close(self) -> None:
        if self.generated_dir is not None:
            shutil.rmtree(self.generated_dir, ignore_errors=True)
            self.generated_dir = None

    def generated(self, config: MkDocsConfig, path: str, content: str) -> File:
        """A generated page.  Under ``--dirty`` it is backed by a file that is rewritten only when
        its content changed, so that MkDocs rebuilds only the generated pages that changed."""
        if not self.dirty:
            return File.generated(config, path, content=content)
        if self.generated_dir is None:
            self.generated_dir = Path(tempfile.mkdtemp(prefix="qbank-generated-"))
        src = self.generated_dir / path
        if not src.is_file() or src.read_text(encoding="utf-8") != content:
            src.parent.mkdir(parents=True, exist_ok=True)
            src.write_text(content, encoding="utf-8")
        return File.generated(config, path, abs_src_path=str(src))

    def invalidate(self, files: Files, config: MkDocsConfig, questions: list[Question],
                   related: dict[str, list[Question]], watch: list[str]) -> None:
        """Dirty builds: mark for rebuilding the unchanged pages that show something that changed.

        MkDocs rebuilds a page under ``--dirty`` when its source is newer than its output, so
        the output of a page to rebuild is back-dated.  Every page, when the data files, the
        templates, the sources or a notebook changed; otherwise the question pages whose left
        column (their topic's questions) or related questions show a question whose title,
        topic, difficulty or place changed, or was added or removed.
        """
        outline: dict[str, tuple[str, ...]] = {q.id: (q.title, q.topic, q.difficulty, q.url) for q in questions}
        outline.update({f"related:{q.id}": tuple(r.id for r in related.get(q.id, [])) for q in questions})
        stamp = _stamp(config, watch)
        before, before_stamp = self.outline, self.stamp
        self.outline, self.stamp = outline, stamp
        if not self.dirty:
            return
        if stamp != before_stamp:  # or the first build of this process: the pages it skips would be missing from the aggregates
            stale = {f.src_uri for f in files.documentation_pages()}
        else:
            changed = {k for k in before.keys() | outline.keys() if before.get(k) != outline.get(k)}
            topics = {v[1] for k in changed if not k.startswith("related:") for v in (before.get(k), outline.get(k)) if v}
            ids = {k.removeprefix("related:") for k in changed}
            stale = {q.path.as_posix() for q in questions
                     if q.path and (q.topic in topics or q.id in ids or ids & {r.id for r in related.get(q.id, [])})}
        for f in files.documentation_pages():
            if f.src_uri in stale and os.path.isfile(f.abs_dest_path):
                os.utime(f.abs_dest_path, (0, 0))


def _stamp(config: MkDocsConfig, watch: list[str]) -> tuple:
    """Modification times of what every page depends on besides its own file."""
    root = Path(config.config_file_path).resolve().parent
    paths = [root / w for w in watch] + [Path(config.config_file_path)]
    out = []
    for path in paths:
        found = sorted(path.rglob("*")) if path.is_dir() else [path]
        out += [(str(p), p.stat().st_mtime_ns) for p in found if p.is_file()]
    out += [(str(p), p.stat().st_mtime_ns) for p in notebook_paths(Path(config.docs_dir))]
    return tuple(out)


def dirty_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns that a dirty build leaves "inaccurate navigation and other links": not on
    this site, whose nav changes only with the files that make the plugin rebuild every page
    (data/, mkdocs.yml, the notebooks), and whose pages that list other questions are
    generated (always rebuilt) or rebuilt by :meth:`Incremental.invalidate`."""
    if record.levelno == logging.WARNING and record.getMessage().startswith("A 'dirty' build is being performed"):
        log.info("qbank: dirty build: the changed pages, the generated ones and the pages that show what changed")
        return False
    return True
