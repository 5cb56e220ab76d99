"""Markdown for the pages derived from the bank (home, topics, tags, unanswered, sources).

These pages are generated at build time from the bank files and never committed, so a
count or a list can never drift from the questions themselves.
"""

from __future__ import annotations

import html
from collections import Counter
from urllib.parse import quote

from ..bank import Question
from ..classify import Taxonomy, Topic
from ..source import Source

DIFFICULTY_LABEL = {"easy": "Easy", "medium": "Medium", "hard": "Hard"}


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def badges(q: Question, topic: Topic | None = None, link_topic: str | None = None) -> str:
    """Small status/difficulty (and optionally topic) badges as inline HTML."""
    parts = []
    if topic is not None:
        label = esc(topic.title)
        parts.append(f'<a class="qb-badge qb-badge--topic" href="{link_topic}">{label}</a>' if link_topic
                     else f'<span class="qb-badge qb-badge--topic">{label}</span>')
    parts.append(f'<span class="qb-badge qb-badge--{q.difficulty}" title="Difficulty">'
                 f'{DIFFICULTY_LABEL.get(q.difficulty, q.difficulty)}</span>')
    status = "Answered" if q.status == "answered" else "Unanswered"
    parts.append(f'<span class="qb-badge qb-badge--{q.status}">{status}</span>')
    return " ".join(parts)


def question_list(questions: list[Question], prefix: str, topics: dict[str, Topic] | None = None,
                  show_tags: bool = True) -> str:
    """A list of questions with badges; ``prefix`` turns a bank path into a relative link."""
    if not questions:
        return "_None at the moment._\n"
    items = []
    for q in questions:
        topic = topics.get(q.topic) if topics else None
        tags = ""
        if show_tags and q.tags:
            tags = " " + " ".join(f'<a class="qb-tag" href="{prefix}tags/{esc(t)}/">{esc(t)}</a>' for t in q.tags)
        items.append(f'<li markdown><a href="{prefix}{q.url}">{esc(q.title)}</a><br>'
                     f'{badges(q, topic)}{tags}</li>')
    return '<ul class="qb-list" markdown>\n' + "\n".join(items) + "\n</ul>\n"


def home(questions: list[Question], taxonomy: Taxonomy, sources: list[Source]) -> str:
    answered = sum(q.status == "answered" for q in questions)
    per_topic = Counter(q.topic for q in questions)
    cards = []
    for t in taxonomy.topics:
        n = per_topic.get(t.id, 0)
        cards.append(
            f"-   :{t.icon.replace('/', '-')}:{{ .lg .middle }} __[{esc(t.title)}](questions/{t.id}/index.md)__\n\n"
            f"    ---\n\n    {esc(t.description)}\n\n    {n} question{'s' if n != 1 else ''}\n")
    return f"""---
title: Deep Learning Interview Questions
description: A free, open bank of {len(questions)} deep learning and machine learning interview questions with answers, by topic, with math, diagrams and a study mode.
hide:
  - navigation
  - toc
---

# Deep Learning Interview Questions

An open, curated bank of machine learning and deep learning interview questions with
answers you can trust and improve: every answer says where it came from, every formula is
typeset, and every page is one click away from a fix.

<div class="qb-stats" markdown>
<span><strong>{len(questions)}</strong> questions</span>
<span><strong>{answered}</strong> answered</span>
<span><strong>{len(questions) - answered}</strong> [unanswered](unanswered.md)</span>
<span><strong>{len(sources)}</strong> [sources](sources.md)</span>
<span><strong>{len(taxonomy.topics)}</strong> topics</span>
</div>

<p class="qb-search-prompt"><label class="md-button md-button--primary" for="__search">Search the questions</label>
<span>or press <kbd>/</kbd> anywhere</span></p>

## Topics

<div class="grid cards" markdown>

{chr(10).join(cards)}
</div>

## Help improve it

Every question page has **Improve this answer** (edit the Markdown file on GitHub) and
**Report a problem** links. {len(questions) - answered} questions still
[need an answer](unanswered.md) — pick one, write a few paragraphs, open a pull request.
Browse by [tag](tags/index.md) or read where the questions [come from](sources.md).
"""


def topic_page(topic: Topic, questions: list[Question]) -> str:
    counts = Counter(q.status for q in questions)
    by_difficulty = {d: [q for q in questions if q.difficulty == d] for d in ("easy", "medium", "hard")}
    sections = []
    for d, qs in by_difficulty.items():
        if qs:
            sections.append(f"## {DIFFICULTY_LABEL[d]}\n\n" + question_list(qs, "../../"))
    return f"""---
title: {topic.title}
description: {topic.description} {len(questions)} interview questions with answers.
---

# {esc(topic.title)}

{esc(topic.description)}

{len(questions)} questions · {counts.get('answered', 0)} answered · {counts.get('unanswered', 0)} unanswered

{chr(10).join(sections)}"""


def topics_index(taxonomy: Taxonomy, questions: list[Question]) -> str:
    per_topic = Counter(q.topic for q in questions)
    rows = "\n".join(f"| [{esc(t.title)}](../questions/{t.id}/index.md) | {esc(t.description)} | {per_topic.get(t.id, 0)} |"
                     for t in taxonomy.topics)
    return f"""---
title: All topics
---

# All topics

| Topic | What it covers | Questions |
|---|---|--:|
{rows}
"""


def tags_index(taxonomy: Taxonomy, questions: list[Question]) -> str:
    per_tag = Counter(t for q in questions for t in q.tags)
    rows = "\n".join(f"| [`{t.id}`]({t.id}.md) | {esc(t.description)} | {per_tag.get(t.id, 0)} |"
                     for t in sorted(taxonomy.tags, key=lambda t: t.id) if per_tag.get(t.id))
    return f"""---
title: Tags
description: Every tag in the question bank with the questions that carry it.
---

# Tags

Each tag has its own page; the full listing below is kept by Material's tags plugin.

| Tag | Meaning | Questions |
|---|---|--:|
{rows}

## All tagged questions

<!-- material/tags -->
"""


def tag_page(tag_id: str, description: str, questions: list[Question], topics: dict[str, Topic]) -> str:
    return f"""---
title: "Tag: {tag_id}"
description: "{esc(description)} — {len(questions)} interview questions."
---

# Tag: `{tag_id}`

{esc(description)}

{question_list(questions, "../../", topics, show_tags=False)}"""


def unanswered(questions: list[Question], topics: dict[str, Topic]) -> str:
    open_qs = [q for q in questions if q.status == "unanswered"]
    return f"""---
title: Unanswered questions
description: Interview questions in the bank that still need an answer. Pick one and open a pull request.
---

# Unanswered questions

{len(open_qs)} questions are waiting for an answer. Open one and use **Answer this question**:
you edit a single Markdown file on GitHub and add a section headed
`## Answer (source: community)`.

{question_list(open_qs, "../", topics)}"""


def sources_page(sources: list[Source], questions: list[Question]) -> str:
    per_source = Counter(o.source for q in questions for o in q.origins)
    blocks = []
    for s in sources:
        blocks.append(f"""## {esc(s.title)} {{ #{s.id} }}

- **Attribution shown on answers:** {esc(s.attribution)}
- **Author / owner:** {esc(s.author)}
- **Where it came from:** {esc(s.origin)}
- **Licence:** {esc(s.licence)}
- **Questions from it:** {per_source.get(s.id, 0)} (seed file `seeds/{s.seed}`, format `{s.format}`)
""")
    return f"""---
title: Sources & licence
description: Where the questions and answers come from, how they are attributed, and how to ask for removal.
---

# Sources & licence

Every answer on this site names its source. Answers imported from the sources below are
quoted with attribution; answers written for this site are marked **community**.

{chr(10).join(blocks)}
## Removal on request

If you own one of these sources and want your text attributed differently or removed,
open an issue titled "Removal request: <source>" on the repository (or use the
**Report a problem** link on any question page). We remove or rewrite the affected answers
in the next release, and we do so without asking you for a reason.

## Licence of community contributions

Answers contributed through pull requests are published under the repository's licence,
as stated in `CONTRIBUTING.md`.
"""


def issue_url(repo_url: str, q: Question, page_url: str) -> str:
    title = quote(f"Problem with {q.id}: {q.title}"[:120])
    body = quote(f"Question id: {q.id}\nPage: {page_url}\nFile: docs/{q.path.as_posix() if q.path else ''}\n\n"
                 "What is wrong?\n")
    return f"{repo_url.rstrip('/')}/issues/new?template=wrong-answer.yml&title={title}&question-id={quote(q.id)}&page={quote(page_url)}&body={body}"
