"""What the build adds to a question page around the author's Markdown: the unanswered
notice, the action buttons, the left column (the topic's questions), the attribution line
under each answer, the provenance line at the foot, and the redirect page at an old URL.
"""

from __future__ import annotations

import datetime

from ...bank import DIFFICULTIES, Question
from ...source import Source
from ...taxonomy import Topic
from .markup import esc, text

__all__ = ["KIND_TEXT", "MONTHS", "TOPIC_NAV_MAX", "attribution", "format_date", "in_topic_order", "provenance",
           "question_actions", "redirect", "topic_nav", "unanswered_notice"]

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def unanswered_notice(edit_url: str) -> list[str]:
    """The one call to action of an unanswered question, styled as a gap (a warning, not a success)."""
    return ['!!! warning qb-gap "No answer yet"', "",
            "    Nobody has answered this question here yet. Know it? "
            f"[Write the first answer]({edit_url}){{ .md-button .md-button--primary }}",
            "", "    You edit this one Markdown file on GitHub: add a section headed "
            "`## Answer (source: community)`, set `status: answered`, and open a pull request.", ""]


def question_actions(q: Question, edit_url: str, report_url: str) -> list[str]:
    """The buttons at the foot of a question: an unanswered one has its call to action at the top."""
    improve = f"[Improve this answer]({edit_url}){{ .md-button }} " if q.status == "answered" else ""
    return ['<div class="qb-actions" markdown>', "",
            f'{improve}<a class="md-button" href="{esc(report_url)}">Report a problem</a>', "", "</div>"]


TOPIC_NAV_MAX = 40  # a topic of thousands of questions lists the 40 around the current one


def in_topic_order(questions: list[Question]) -> list[Question]:
    """A topic's questions in its page's order: by difficulty, the bank's order within one."""
    return sorted(questions, key=lambda x: DIFFICULTIES.index(x.difficulty) if x.difficulty in DIFFICULTIES else 3)


def topic_nav(q: Question, same: list[Question], topic: Topic | None) -> dict | None:
    """The left column of a question page: ``same`` is its topic's questions, already
    :func:`in_topic_order` (sorted once per build, not once per page)."""
    if topic is None:
        return None
    at = next((i for i, x in enumerate(same) if x.id == q.id), 0)
    start = max(0, min(at - TOPIC_NAV_MAX // 2, len(same) - TOPIC_NAV_MAX))
    shown = same[start:start + TOPIC_NAV_MAX]
    return {"title": topic.title, "url": f"questions/{topic.id}/", "count": len(same), "more": len(shown) < len(same),
            "items": [{"title": x.title, "url": x.url, "current": x.id == q.id} for x in shown]}


KIND_TEXT = {
    "source": "quoted from the source",
    "edited": "the source's text, edited by the project",
    "project": "written for this site by the project",
    "community": "written for this site by a contributor",
}


def attribution(sid: str, edited: bool, sources: dict[str, Source], prefix: str, history: str) -> str:
    """The line under an answer heading: whose text it is, and whether anyone changed it."""
    src = sources.get(sid)
    if src is not None:
        who = f'<a href="{prefix}sources/#{esc(src.id)}">{text(src.title)}</a>'
        if edited:
            changes = f' (<a href="{esc(history)}">see what changed</a>)' if history else ""
            return (f'<p class="qb-attribution qb-attribution--edited">Source: {who}, edited by the project{changes}. '
                    f"{text(src.attribution)}</p>")
        return f'<p class="qb-attribution qb-attribution--source">Source: {who}, quoted as imported. {text(src.attribution)}</p>'
    if sid == "project":
        return ('<p class="qb-attribution qb-attribution--project">Written for this site by the project\'s editors '
                f'(<a href="{prefix}sources/#how-answers-are-attributed">how answers are attributed</a>).</p>')
    handle = sid.partition(" @")[2]
    who = f'<a href="https://github.com/{esc(handle)}">@{esc(handle)}</a>' if handle else "a contributor"
    return f'<p class="qb-attribution qb-attribution--community">Written for this site by {who}.</p>'


def provenance(q: Question, sources: dict[str, Source], prefix: str, history: str) -> str:
    """The page's foot line: id, where the question was asked, last review, history."""
    parts = [f"Question id <code>{esc(q.id)}</code>"]
    asked = []
    for o in q.origins:
        src = sources.get(o.source)
        name = text(src.title) if src else esc(o.source)
        original = (src.url or src.repository) if src else None
        where = f'<a href="{esc(original)}">original</a>, ' if original and original.startswith("https://") else ""
        asked.append(f'<a href="{prefix}sources/#{esc(o.source)}">{name}</a>'
                     f' <span class="qb-seed-line">({where}line {o.line} of our copy)</span>')
    parts.append(("asked in " + "; ".join(asked)) if asked else "added by a contributor")
    if q.reviewed:
        parts.append(f'last reviewed <time datetime="{esc(q.reviewed)}">{text(format_date(q.reviewed))}</time>')
    else:
        parts.append("not reviewed yet")
    if history:
        parts.append(f'<a href="{esc(history)}">history</a>')
    return " · ".join(parts)


def format_date(iso: str) -> str:
    """2026-12-02 -> 2 December 2026 (the page's language is English)."""
    try:
        day = datetime.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def redirect(q: Question, old: str, site_url: str) -> str:
    """A static page at an old question URL (``redirect_from:``) that sends the reader on."""
    depth = old.count("/") + 1  # questions/<topic>/<slug>/index.html
    target = "../" * depth + q.url
    canonical = f'<link rel="canonical" href="{esc(site_url + q.url)}">' if site_url else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{text(q.title)}</title>
<meta name="robots" content="noindex">
{canonical}
<meta http-equiv="refresh" content="0; url={esc(target)}">
</head>
<body>
<p>This question has moved: <a href="{esc(target)}">{text(q.title)}</a>.</p>
</body>
</html>
"""
