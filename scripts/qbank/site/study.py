"""Build-time side of the study mode (``/study/``) and of the downloadable exports.

* :func:`answer_html` is called by the site plugin's ``on_page_content`` for every question
  page, after KaTeX has typeset the math: it keeps the answers' HTML (the ``## Answer N``
  sections with their attribution lines), without the page chrome the plugin adds (badges,
  notices, "Also asked as", related questions, buttons, provenance).  Links are rewritten
  to work from ``study/``.  The plugin keeps them (question id -> HTML) between the builds
  of one ``mkdocs serve``: a dirty rebuild renders only the changed pages.
* :func:`publish` (``on_post_build``) writes ``study/cards.json`` — the answers' HTML keyed
  by question id, the scheduling constants the page uses (``qbank.site.scheduler.SPEC``) and
  the KaTeX font faces the answers need (:mod:`qbank.site.katex_fonts`) —
  and the downloads ``downloads/dl-interview-questions.apkg`` and ``.csv``.

The study page itself (``docs/assets/javascripts/study.js``) reads ``questions.json`` for
everything else (titles, topics, tags, difficulty, status, URLs).
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from qbank.bank import Question
from qbank.site import katex_fonts, vendor
from qbank.site.pages import DOWNLOAD_STEM
from qbank.site.scheduler import SPEC

if TYPE_CHECKING:
    from qbank.taxonomy import Taxonomy

CARDS_PATH = "study/cards.json"
STUDY_URL = "study/"
DOWNLOADS = {"anki": f"downloads/{DOWNLOAD_STEM}.apkg", "csv": f"downloads/{DOWNLOAD_STEM}.csv"}
CARDS_VERSION = 1

_ANSWER_H2 = re.compile(r'<h2 id="answer-(\d+)"[^>]*>.*?</h2>\s*', re.S)
# Where the chrome after the answers starts: the next section, the buttons, the provenance line.
_AFTER = re.compile(r'<h2[\s>]|<div class="qb-actions"|<p class="qb-provenance"')
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_URL_ATTR = re.compile(r'\b(href|src)="([^"]*)"')

def _rebase(url: str, page_url: str, target: str = STUDY_URL) -> str:
    """A relative link of the page at ``page_url`` rewritten to work from ``target``."""
    if not url or url.startswith(("#", "/", "data:", "mailto:")) or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
        return url
    path, sep, rest = url.partition("#")
    path, qsep, query = path.partition("?")
    site_path = posixpath.normpath(posixpath.join(page_url, path))
    if path.endswith("/") and not site_path.endswith("/"):
        site_path += "/"
    rel = posixpath.relpath(site_path, target.rstrip("/") or ".")
    if site_path.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel + (qsep + query if qsep else "") + (sep + rest if sep else "")


def answer_html(content: str, page_url: str) -> str:
    """The answers of a rendered question page, ready to be shown on the study page."""
    heads = list(_ANSWER_H2.finditer(content))
    if not heads:
        return ""
    parts = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(content)
        body = content[head.end():end]
        stop = _AFTER.search(body)
        if stop:
            body = body[: stop.start()]
        body = body.strip()
        if len(heads) > 1:
            body = f'<p class="qb-card__label">Answer {head.group(1)}</p>\n{body}'
        parts.append(body)
    html = _HEADERLINK.sub("", "\n".join(parts))
    return _URL_ATTR.sub(lambda m: f'{m.group(1)}="{_rebase(m.group(2), page_url)}"', html)


def cards_document(questions: list[Question], answers: dict[str, str], katex_css: str = "") -> dict:
    """The study cards: ``answers`` maps a question id to its :func:`answer_html`; ``fonts``, the
    KaTeX faces the answers need (:mod:`qbank.site.katex_fonts`, from ``katex_css``), which the
    page fetches while online."""
    answered = [q for q in questions if q.answers]
    missing = [q.id for q in answered if q.id not in answers]
    if missing:
        raise RuntimeError(f"study mode: no rendered answer captured for {', '.join(sorted(missing)[:5])}"
                           f"{' …' if len(missing) > 5 else ''} (was on_page_content skipped?)")
    cards = [{"id": q.id, "answer_html": answers[q.id]} for q in sorted(answered, key=lambda q: q.id)]
    return {
        "version": CARDS_VERSION,
        "scheduler": SPEC,
        "fonts": katex_fonts.faces((c["answer_html"] for c in cards), katex_fonts.rules(katex_css)),
        "cards": cards,
    }


def read_site_url(root: Path) -> str:
    """``site_url`` from ``mkdocs.yml`` (with a trailing slash), for links in the exports."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(re.sub(r"!!python/\S+", "", text)) or {}
    url = str(config.get("site_url") or "")
    return url if url.endswith("/") or not url else url + "/"


def publish(site_dir: Path, questions: list[Question], sources: list, taxonomy: Taxonomy, site_url: str,
            docs_dir: Path | None = None, timestamp: float | None = None, *, answers: dict[str, str],
            anki: bytes | None = None) -> list[Path]:
    """Write ``study/cards.json`` and the two downloads into the built site.

    ``anki``: the ``.apkg`` already made of these inputs (:mod:`qbank.site.anki_ahead`), if it was."""
    from qbank.csvexport import write_csv

    site_dir = Path(site_dir)
    cards = site_dir / CARDS_PATH
    cards.parent.mkdir(parents=True, exist_ok=True)
    document = cards_document(questions, answers, vendor.katex_css())
    cards.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    apkg, csv_file = site_dir / DOWNLOADS["anki"], site_dir / DOWNLOADS["csv"]
    apkg.parent.mkdir(parents=True, exist_ok=True)
    if anki is not None:
        apkg.write_bytes(anki)
    else:
        from qbank.anki import write_apkg

        write_apkg(apkg, questions, sources, taxonomy, site_url, timestamp=timestamp, docs_dir=docs_dir)
    write_csv(csv_file, questions, site_url)
    return [cards, apkg, csv_file]


__all__ = ["CARDS_PATH", "DOWNLOADS", "answer_html", "cards_document", "publish", "read_site_url"]
