"""``qbank export --format csv``: every question as one CSV row (RFC 4180, UTF-8, CRLF).

Columns: ``id, question, answer, topic, tags, difficulty, status, sources, answer_kinds, reviewed, url``.

* ``answer`` is the bank's Markdown; a question with several answers has them joined by
  :data:`ANSWER_SEPARATOR` (a Markdown thematic break); unanswered questions have it empty.
* ``topic`` is the topic id; ``tags`` and ``sources`` are space-separated ids (the
  ``sources`` column names the source of each answer, in order, for attribution;
  ``answer_kinds`` says, in the same order, whether each is the source's text as imported
  (``source``), ``edited`` by the project, or written by the ``project`` or the ``community``).
* ``reviewed`` is the date of the last editorial review (empty if none).
* A cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return) gets a leading apostrophe, as OWASP recommends against CSV
  injection: Excel, LibreOffice and Google Sheets then show it as text.  An answer that
  starts with a Markdown list ("- item") therefore reads "'- item"; strip one leading
  apostrophe to get the Markdown back (:func:`unneutralize`).
* ``url`` is the question's page on the published site.

Rows are sorted by id, so two exports of the same bank are byte-identical.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .bank import Question

COLUMNS = ["id", "question", "answer", "topic", "tags", "difficulty", "status", "sources", "answer_kinds", "reviewed",
           "url"]
ANSWER_SEPARATOR = "\n\n---\n\n"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(cell: str) -> str:
    """A cell a spreadsheet cannot evaluate (see the module docstring)."""
    quoted = cell.startswith("'") and cell[1:].startswith(FORMULA_START)  # keeps the round trip exact
    return "'" + cell if cell.startswith(FORMULA_START) or quoted else cell


def unneutralize(cell: str) -> str:
    """The text :func:`neutralize` was given."""
    rest = cell[1:]
    quoted = rest.startswith(FORMULA_START) or (rest.startswith("'") and rest[1:].startswith(FORMULA_START))
    return rest if cell.startswith("'") and quoted else cell


def rows(questions: list[Question], site_url: str) -> list[dict[str, str]]:
    return [{k: neutralize(v) for k, v in row.items()} for row in _plain_rows(questions, site_url)]


def _plain_rows(questions: list[Question], site_url: str) -> list[dict[str, str]]:
    return [
        {
            "id": q.id,
            "question": q.title,
            "answer": ANSWER_SEPARATOR.join(a.markdown for a in q.answers),
            "topic": q.topic,
            "tags": " ".join(sorted(q.tags)),
            "difficulty": q.difficulty,
            "status": q.status,
            "sources": " ".join(a.source.replace(" ", "") for a in q.answers),  # community @x -> community@x
            "answer_kinds": " ".join(a.kind for a in q.answers),
            "reviewed": q.reviewed or "",
            "url": site_url + q.url,
        }
        for q in sorted(questions, key=lambda q: q.id)
    ]


def to_csv(questions: list[Question], site_url: str) -> str:
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(questions, site_url))
    return buf.getvalue()


def write_csv(path: Path, questions: list[Question], site_url: str) -> int:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(to_csv(questions, site_url), encoding="utf-8", newline="")
    tmp.replace(path)
    return len(questions)


__all__ = ["ANSWER_SEPARATOR", "COLUMNS", "neutralize", "rows", "to_csv", "unneutralize", "write_csv"]
