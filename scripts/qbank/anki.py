"""``qbank export --format anki``: the answered questions as an Anki package (``.apkg``).

One note per answered question, in one deck, with a model of our own:

* **GUID** = ``genanki.guid_for("dl-interview-questions", <question id>)``: stable across
  exports, so importing a newer deck *updates* the notes you have (and keeps your review
  history) instead of adding duplicates.
* **Tags**: the question's tags, plus ``topic::<topic id>`` and ``difficulty::<level>``.
* **Answer**: the bank's Markdown converted to HTML with the site's Markdown extensions;
  formulas keep Anki's MathJax delimiters ``\\( \\)`` (inline) and ``\\[ \\]`` (display);
  a Mermaid diagram becomes its source plus a link to the web page, where it is drawn.
* **Attribution** (on the back): the source of every answer and a link to the page.

Determinism: the deck and model ids are fixed, note/card ids and modification times
derive from one timestamp, and the zip is written with fixed entry dates, so two exports
of the same bank with the same timestamp are byte-identical.  Anki only *updates* an
existing note on import when the incoming note is newer ("update if newer", its default),
so the timestamp must move forward when the content changes: by default it is the newest
modification time of the bank files and of this module (``SOURCE_DATE_EPOCH`` overrides).
"""

from __future__ import annotations

import functools
import html
import os
import re
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import genanki
import markdown
from pymdownx.superfences import fence_code_format

from .bank import Question, bank_files
from .site.sanitize import sanitize_html

if TYPE_CHECKING:
    from .taxonomy import Taxonomy

DECK_ID = 1_733_054_771  # fixed forever: Anki matches decks and note types by id
MODEL_ID = 1_733_054_772
DECK_NAME = "Deep Learning Interview Questions"
GUID_NAMESPACE = "dl-interview-questions"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)

FIELDS = ["Question", "Answer", "Topic", "Difficulty", "Attribution", "Url", "Id"]
CSS = """.card { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; font-size: 18px;
  line-height: 1.5; text-align: left; color: #1d1d1f; background: #fff; max-width: 46em; margin: 0 auto; padding: 0 .5em; }
.nightMode.card, .night_mode .card { color: #e6e6e6; background: #1e1e1e; }
.meta { font-size: 13px; opacity: .7; }
.question { font-size: 22px; font-weight: 600; margin: .4em 0; }
.answer-label { font-weight: 700; margin-top: 1em; }
.attribution { font-size: 13px; opacity: .75; margin-top: 1.5em; border-top: 1px solid #8884; padding-top: .5em; }
pre { white-space: pre-wrap; background: #8881; padding: .5em; border-radius: 4px; }
table { border-collapse: collapse; } td, th { border: 1px solid #8886; padding: .2em .4em; }
"""
FRONT = '<div class="meta">{{Topic}} · {{Difficulty}}</div>\n<div class="question">{{Question}}</div>'
BACK = ('{{FrontSide}}\n<hr id="answer">\n<div class="answer">{{Answer}}</div>\n'
        '<div class="attribution">{{Attribution}}</div>')

MODEL = genanki.Model(
    MODEL_ID,
    "DL Interview Question (qbank)",
    fields=[{"name": f} for f in FIELDS],
    templates=[{"name": "Question → Answer", "qfmt": FRONT, "afmt": BACK}],
    css=CSS,
    sort_field_index=0,
)

_MD_EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables",
                  "pymdownx.arithmatex", "pymdownx.betterem", "pymdownx.details", "pymdownx.highlight",
                  "pymdownx.superfences", "pymdownx.tasklist"]
_MD_CONFIG = {
    "pymdownx.arithmatex": {"generic": True},  # -> \( \) and \[ \], HTML-escaped: what Anki's MathJax reads
    "pymdownx.highlight": {"use_pygments": False},
    "pymdownx.superfences": {"custom_fences": [
        {"name": "mermaid", "class": "mermaid", "format": fence_code_format}]},
}
_MD: markdown.Markdown | None = None  # one converter, reset per answer (building one costs ~10 ms)
_MERMAID = re.compile(r'<pre class="mermaid"><code>(.*?)</code></pre>', re.S)


def note_guid(question_id: str) -> str:
    return genanki.guid_for(GUID_NAMESPACE, question_id)


def answer_html(text: str) -> str:
    """An answer's Markdown rendered as the exports see it (before the gate), for checks."""
    global _MD
    if _MD is None:
        _MD = markdown.Markdown(extensions=_MD_EXTENSIONS, extension_configs=_MD_CONFIG)
    return _MD.reset().convert(text)


@functools.lru_cache(maxsize=4096)  # every build exports every answer; mkdocs serve rebuilds often
def markdown_to_anki_html(text: str, page_url: str = "") -> str:
    """Bank Markdown -> HTML for an Anki field (math stays TeX between ``\\( \\)`` / ``\\[ \\]``)."""
    out = answer_html(text)
    out = re.sub(r'<(span|div) class="arithmatex">', r"<\1>", out)
    link = f' (<a href="{html.escape(page_url)}">drawn on the web page</a>)' if page_url else ""
    out = _MERMAID.sub(lambda m: f'<p><em>Diagram{link}:</em></p>\n<pre class="diagram">{m.group(1)}</pre>', out)
    # Anki runs a card's HTML in a web view: the deck goes through the site's own gate.
    return sanitize_html(out)


def note_for(question: Question, sources: dict, topics: dict, site_url: str) -> genanki.Note:
    url = site_url + question.url
    bodies, credit_lines = [], []
    many = len(question.answers) > 1
    for n, answer in enumerate(question.answers, start=1):
        if many:
            bodies.append(f'<div class="answer-label">Answer {n}</div>')
        bodies.append(markdown_to_anki_html(answer.markdown, url))
        src = sources.get(answer.source)
        if src is not None:
            edited = ", edited by the project" if answer.kind == "edited" else ""
            who = (f'<a href="{html.escape(site_url)}sources/#{html.escape(src.id)}">{html.escape(src.title)}</a>{edited}. '
                   f"{html.escape(src.attribution)}")
        elif answer.kind == "project":
            who = "written for the site by the project's editors."
        else:
            who = f"{html.escape(answer.source)}: written for the site by a contributor."
        credit_lines.append((f"Answer {n}: " if many else "Source: ") + who)
    reviewed = f" Last reviewed {html.escape(question.reviewed)}." if question.reviewed else ""
    credit_lines.append(f'From <a href="{html.escape(url)}">Deep Learning Interview Questions</a> (question '
                   f"{html.escape(question.id)}).{reviewed}")
    topic = topics.get(question.topic)
    fields = [
        html.escape(question.title),
        "\n".join(bodies),
        html.escape(topic.title if topic else question.topic),
        html.escape(question.difficulty.capitalize()),
        "<br>\n".join(credit_lines),
        html.escape(url),
        question.id,
    ]
    tags = [*sorted(question.tags), f"topic::{question.topic}", f"difficulty::{question.difficulty}"]
    return genanki.Note(model=MODEL, fields=fields, tags=[t.replace(" ", "_") for t in tags], guid=note_guid(question.id))


def build_deck(questions: list[Question], sources: list, taxonomy: Taxonomy, site_url: str) -> genanki.Deck:
    deck = genanki.Deck(DECK_ID, DECK_NAME, description=(
        "Deep learning and machine learning interview questions with attributed answers. "
        f'Source, corrections and the study mode: <a href="{html.escape(site_url)}">{html.escape(site_url)}</a>'))
    by_source = {s.id: s for s in sources}
    topics = {t.id: t for t in taxonomy.topics}
    for q in sorted(questions, key=lambda q: q.id):
        if q.status == "answered" and q.answers:
            deck.add_note(note_for(q, by_source, topics, site_url))
    return deck


def default_timestamp(docs_dir: Path | None = None) -> float:
    """``SOURCE_DATE_EPOCH`` if set, else the newest mtime of the bank files and of this module."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env:
        return float(int(env))
    files = [Path(__file__), *(bank_files(Path(docs_dir)) if docs_dir else [])]
    return float(int(max(f.stat().st_mtime for f in files)))


def write_apkg(path: Path, questions: list[Question], sources: list, taxonomy: Taxonomy, site_url: str,
               timestamp: float | None = None, docs_dir: Path | None = None) -> int:
    """Write the package to ``path``; returns the number of notes. Byte-identical for equal input
    (``timestamp`` defaults to :func:`default_timestamp` of ``docs_dir``)."""
    if timestamp is None:
        timestamp = default_timestamp(docs_dir)
    deck = build_deck(questions, sources, taxonomy, site_url)
    package = genanki.Package(deck)
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        try:
            cursor = conn.cursor()
            package.write_to_db(cursor, timestamp, _ids(timestamp))
            conn.commit()
        finally:
            conn.close()
        db = db_path.read_bytes()
    tmp_out = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp_out, "w") as zf:
        for name, data in (("collection.anki2", db), ("media", b"{}")):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    tmp_out.replace(path)
    return len(deck.notes)


def _ids(timestamp: float):
    import itertools

    return itertools.count(int(timestamp * 1000))


__all__ = ["DECK_ID", "FIELDS", "MODEL", "MODEL_ID", "build_deck", "markdown_to_anki_html", "note_guid", "write_apkg"]
