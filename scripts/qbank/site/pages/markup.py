"""How bank data is written into the generated pages: escaped, and as the small components
(badges, tag chips, question lists, the suggest button) that several pages share.

Titles, descriptions and attributions are data, never Markdown or HTML: :func:`text` makes
them plain characters to both parsers, :func:`esc` escapes attribute values and URLs, and
:func:`meta` makes a front-matter value safe where Material prints it unescaped.
"""

from __future__ import annotations

import html
import json

from ...bank import Question
from ...taxonomy import Tag, Topic

__all__ = ["DIFFICULTY_LABEL", "badges", "esc", "meta", "question_list", "suggest_button", "tag_chip", "text"]

DIFFICULTY_LABEL = {"easy": "Easy", "medium": "Medium", "hard": "Hard"}


def esc(value: str) -> str:
    """For attribute values and URLs in the HTML we write."""
    return html.escape(value, quote=True)


# Characters that mean something to Markdown or its extensions (links, attribute lists,
# emphasis, math, emoji shortcodes, tables...): written as numeric references, they are
# plain characters to the browser and nothing to the Markdown parser.
_MARKDOWN_PUNCTUATION = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!|~^=$:<>&\"'"}


def text(value: str) -> str:
    """Data shown as text on a generated page (titles, descriptions, attributions): never
    Markdown, never HTML, never an attribute list -- in Markdown and in raw HTML alike."""
    return value.translate(_MARKDOWN_PUNCTUATION)


def meta(value: str) -> str:
    """A front-matter value that Material prints unescaped into <title> and <meta>."""
    return json.dumps(html.escape(" ".join(value.split()), quote=True), ensure_ascii=False)


def badges(q: Question, topic: Topic | None = None, link_topic: str | None = None) -> str:
    """Small status/difficulty (and optionally topic) badges as inline HTML."""
    parts = []
    if topic is not None:
        label = text(topic.title)
        parts.append(f'<a class="qb-badge qb-badge--topic" href="{link_topic}">{label}</a>' if link_topic
                     else f'<span class="qb-badge qb-badge--topic">{label}</span>')
    parts.append(f'<span class="qb-badge qb-badge--{q.difficulty}" title="Difficulty">'
                 f'{DIFFICULTY_LABEL.get(q.difficulty, q.difficulty)}</span>')
    status = "Answered" if q.status == "answered" else "Unanswered"
    parts.append(f'<span class="qb-badge qb-badge--{q.status}">{status}</span>')
    return " ".join(parts)


def tag_chip(tag_id: str, prefix: str, tags: dict[str, Tag] | None = None) -> str:
    """A tag as a reader sees it: its label, linked to its page, its meaning on hover."""
    tag = (tags or {}).get(tag_id)
    label = tag.title if tag else tag_id
    hint = f' title="{esc(tag.description)}"' if tag else ""
    return f'<a class="qb-tag" href="{prefix}tags/{esc(tag_id)}/"{hint}>{text(label)}</a>'


def question_list(questions: list[Question], prefix: str, topics: dict[str, Topic] | None = None,
                  show_tags: bool = True, tags: dict[str, Tag] | None = None) -> str:
    """A list of questions with badges; ``prefix`` turns a bank path into a relative link."""
    if not questions:
        return "_None at the moment._\n"
    items = []
    for q in questions:
        topic = topics.get(q.topic) if topics else None
        chips = ""
        if show_tags and q.tags:
            chips = " " + " ".join(tag_chip(t, prefix, tags) for t in q.tags)
        items.append(f'<li><a href="{prefix}{esc(q.url)}">{text(q.title)}</a><br>'
                     f'{badges(q, topic)}{chips}</li>')
    # Raw HTML (no `markdown` attribute): nothing in a title is ever read as Markdown.
    return '<ul class="qb-list">\n' + "\n".join(items) + "\n</ul>\n"


def suggest_button(url: str) -> str:
    """The "Suggest a question" button (home and unanswered pages), or nothing without a form URL."""
    if not url:
        return ""
    return (f'\n<p class="qb-suggest"><a class="md-button" href="{esc(url)}">Suggest a question</a>\n'
            "<span>An interview question the bank lacks? Suggest it, with or without an answer.</span></p>\n")
