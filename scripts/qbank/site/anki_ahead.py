"""The Anki download built in the build helper, while the build renders the pages.

Why: the ``.apkg`` (:func:`qbank.anki.write_apkg`) depends only on the bank, the sources, the
taxonomy and ``site_url``, not on anything the build renders, yet ``on_post_build`` built it
last, in line (~0.4 s for the site's bank, most of it rendering each answer's Markdown).

:func:`built` runs in the build helper (:mod:`qbank.site.helper`): it loads its inputs as the
plugin's ``on_config`` does and returns them with the package's bytes.  :func:`package` gives
the build those bytes only if the helper's inputs equal the build's (a file edited between the
two reads, a plugin that changed ``site_url``): otherwise None, and the build writes the
package itself, as without the helper.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from qbank.bank import Question, load_bank
from qbank.site.helper import Helper, HelperError
from qbank.source import Source, load_sources
from qbank.taxonomy import Taxonomy

__all__ = ["KEY", "built", "package"]

log = logging.getLogger("mkdocs.plugins.qbank")

KEY = "anki"


def _inputs(questions: list[Question], sources: list[Source], taxonomy: Taxonomy, site_url: str,
            docs_dir: Path) -> tuple[Any, ...]:
    """What the package is made of (the taxonomy compares by its content)."""
    return questions, sources, (taxonomy.topics, taxonomy.tags, taxonomy.scoring), site_url, docs_dir.resolve()


def built(root: Path, docs_dir: Path, site_url: str) -> tuple[tuple[Any, ...], bytes]:
    """In the helper: the inputs, loaded as ``on_config`` loads them, and the package made of them."""
    from qbank.anki import write_apkg  # genanki: imported by the helper, not by the build

    questions = load_bank(docs_dir)
    sources = load_sources(root / "seeds" / "sources.yml")
    taxonomy = Taxonomy.load(root / "data")
    with tempfile.TemporaryDirectory(prefix="qbank-anki-") as tmp:
        path = Path(tmp) / "deck.apkg"
        write_apkg(path, questions, sources, taxonomy, site_url, docs_dir=docs_dir)
        data = path.read_bytes()
    return _inputs(questions, sources, taxonomy, site_url, docs_dir), data


def package(helper: Helper | None, questions: list[Question], sources: list[Source], taxonomy: Taxonomy,
            site_url: str, docs_dir: Path) -> bytes | None:
    """The helper's package, if it was made of these inputs; else None (the caller writes it)."""
    if helper is None:
        return None
    try:
        inputs, data = helper.take(KEY)
    except HelperError as err:
        log.info(f"qbank: Anki package written in process: {err}")
        return None
    if inputs != _inputs(questions, sources, taxonomy, site_url, docs_dir):
        log.info("qbank: Anki package written in process: the helper read other inputs")
        return None
    return data
