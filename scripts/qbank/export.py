"""Export the bank (the Markdown files, not the seeds) as one JSON document.

The same document is published as ``questions.json`` at the site root, so the study mode
and anyone else can consume the bank without parsing Markdown.
"""

from __future__ import annotations

import json
from pathlib import Path

from .bank import Question, load_bank
from .taxonomy import Taxonomy
from .source import Source, load_sources

SCHEMA_VERSION = 1


def export_document(questions: list[Question], sources: list[Source], taxonomy: Taxonomy) -> dict:
    """Plain data, sorted, so two exports of the same bank are byte-identical."""
    return {
        "version": SCHEMA_VERSION,
        "sources": [
            {"id": s.id, "title": s.title, "seed": s.seed, "format": s.format, "author": s.author,
             "licence": s.licence, "attribution": s.attribution}
            for s in sorted(sources, key=lambda s: s.id)
        ],
        "topics": [{"id": t.id, "title": t.title, "description": t.description} for t in taxonomy.topics],
        "tags": [{"id": t.id, "label": t.title, "description": t.description}
                 for t in sorted(taxonomy.tags, key=lambda t: t.id)],
        "questions": [
            {
                "id": q.id, "title": q.title, "topic": q.topic, "tags": sorted(q.tags),
                "difficulty": q.difficulty, "status": q.status, "aliases": list(q.aliases),
                "path": q.path.as_posix() if q.path else None, "url": q.url,
                "origins": [o.to_dict() for o in q.origins],
                "reviewed": q.reviewed,
                # kind: source (quoted as imported), edited (a source's text changed by the
                # project's editors), project or community (written for the site)
                "answers": [{"source": a.source, "kind": a.kind, "markdown": a.markdown} for a in q.answers],
            }
            for q in sorted(questions, key=lambda q: q.id)
        ],
    }


def unsafe_answers(questions: list[Question]) -> list[str]:
    """Answers whose rendered HTML the site's gate would have to clean, as ``path: answer N:
    what``.  Exports carry the answers' Markdown; they are published only if every answer
    renders to HTML the gate leaves alone (as the build requires of every page)."""
    from .anki import answer_html
    from .site.sanitize import removed

    found = []
    for q in questions:
        for n, a in enumerate(q.answers, start=1):
            lost = removed(answer_html(a.markdown))
            if lost:
                found.append(f"docs/{q.path.as_posix() if q.path else q.id}: answer {n}: {', '.join(lost[:5])}")
    return found


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def export_json(root: Path) -> str:
    questions = load_bank(root / "docs")
    return dumps(export_document(questions, load_sources(root / "seeds" / "sources.yml"), Taxonomy.load(root / "data")))
