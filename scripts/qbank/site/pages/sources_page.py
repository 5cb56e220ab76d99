"""The sources page: where the questions and answers come from, how each kind of answer is
attributed, and how an owner asks for removal.  The links come from ``seeds/sources.yml``
and are only ever https (:class:`qbank.source.Source` insists; this page checks again).
"""

from __future__ import annotations

from collections import Counter

from ...bank import Question
from ...source import Source
from .markup import esc, text

__all__ = ["sources_page"]


def _https_link(url: str | None) -> str | None:
    """An escaped link to ``url``, or None unless it is https (``Source`` already insists)."""
    if not url or not url.startswith("https://"):
        return None
    return f'<a href="{esc(url)}">{esc(url)}</a>'


def _source_links(s: Source) -> str:
    """List items linking where a source is published and kept, when known."""
    lines = []
    published = _https_link(s.url) if s.url != s.repository else None
    if published:
        lines.append(f"- **Published at:** {published}\n")
    repository = _https_link(s.repository)
    if repository:
        in_file = f", file <code>{esc(s.file)}</code>" if s.file else ""
        lines.append(f"- **Source repository:** {repository}{in_file}\n")
    return "".join(lines)


def sources_page(sources: list[Source], questions: list[Question]) -> str:
    """Every source with its attribution, origin, licence and number of questions."""
    per_source = Counter(o.source for q in questions for o in q.origins)
    kinds = Counter(a.kind for q in questions for a in q.answers)
    reviewed = sum(bool(q.reviewed) for q in questions)
    blocks = []
    for s in sources:
        blocks.append(f"""## {text(s.title)} {{ #{s.id} }}

- **Attribution shown on answers:** {text(s.attribution)}
- **Author / owner:** {text(s.author)}
- **Where it came from:** {text(s.origin)}
{_source_links(s)}- **Licence:** {text(s.licence)}
- **Questions from it:** {per_source.get(s.id, 0)} (seed file `seeds/{s.seed}`, format `{s.format}`)
""")
    return f"""---
title: Sources & licence
description: Where the questions and answers come from, how they are attributed, and how to ask for removal.
---

# Sources & licence

Every answer on this site names its source. Answers imported from the sources below are
quoted with attribution; answers written for this site say who wrote them.

## How answers are attributed {{ #how-answers-are-attributed }}

Under every answer a line says which of four kinds of text it is:

| Kind | What it means | Answers |
|---|---|--:|
| Quoted | a source's text exactly as imported (only its layout normalised: whitespace, lists, math delimiters, formulas typeset; image captions a scrape left in the text removed, and links it lost restored from the original) | {kinds.get("source", 0)} |
| Edited | a source's text corrected or completed by the project's editors; an *Editor's note* says what changed in meaning, and the page's history shows every change | {kinds.get("edited", 0)} |
| Project | written for this site by the project's editors | {kinds.get("project", 0)} |
| Community | written for this site by a contributor (credited by GitHub handle when given) | {kinds.get("community", 0)} |

**Review.** An editor reads each page as an interviewer would — definitions, formulas,
claims and links — and records the date in the page's `reviewed:` field, shown at the
foot of the page. {reviewed} of {len(questions)} questions have been reviewed.

{chr(10).join(blocks)}
## Removal on request

If you own one of these sources and want your text attributed differently or removed,
open an issue titled "Removal request: &lt;source&gt;" on the repository (or use the
**Report a problem** link on any question page). We remove or rewrite the affected answers
in the next release, and we do so without asking you for a reason.

## Licence of community contributions

Answers contributed through pull requests are published under the repository's licence,
as stated in `CONTRIBUTING.md`.
"""
