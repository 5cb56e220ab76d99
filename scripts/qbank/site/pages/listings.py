"""The pages that list questions: a topic, all topics, a tag, all tags, the unanswered ones.

Each is generated at build time from the bank, so a list never misses a question; question
titles and tag labels go through :mod:`.markup`.
"""

from __future__ import annotations

from collections import Counter

from ...bank import DIFFICULTIES, Question
from ...taxonomy import Tag, Taxonomy, Topic
from .markup import DIFFICULTY_LABEL, esc, meta, question_list, suggest_button, text

__all__ = ["tag_page", "tags_index", "topic_page", "topics_index", "unanswered"]


def topic_page(topic: Topic, questions: list[Question], tags: dict[str, Tag] | None = None) -> str:
    """A topic's page: its questions grouped by difficulty."""
    counts = Counter(q.status for q in questions)
    by_difficulty = {d: [q for q in questions if q.difficulty == d] for d in DIFFICULTIES}
    sections = []
    for d, qs in by_difficulty.items():
        if qs:
            sections.append(f"## {DIFFICULTY_LABEL[d]}\n\n" + question_list(qs, "../../", tags=tags))
    return f"""---
title: {meta(topic.title)}
description: {meta(f"{topic.description} {len(questions)} interview questions with answers.")}
---

# {text(topic.title)}

{text(topic.description)}

{len(questions)} questions · {counts.get('answered', 0)} answered · {counts.get('unanswered', 0)} unanswered

{chr(10).join(sections)}"""


def topics_index(taxonomy: Taxonomy, questions: list[Question]) -> str:
    """Every topic with what it covers and its number of questions."""
    per_topic = Counter(q.topic for q in questions)
    rows = "\n".join(f"| [{text(t.title)}](../questions/{t.id}/index.md) | {text(t.description)} | {per_topic.get(t.id, 0)} |"
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
    """Every tag in use as a compact chip with its count, grouped under its topic."""
    per_tag = Counter(t for q in questions for t in q.tags)
    used = [t for t in taxonomy.tags if per_tag.get(t.id)]
    groups: dict[str, list[Tag]] = {}
    for tag in used:
        groups.setdefault(tag.topic or "", []).append(tag)
    sections = []
    for topic in [*taxonomy.topics, None]:
        members = sorted(groups.get(topic.id if topic else "", []), key=lambda t: t.title.lower())
        if not members:
            continue
        heading = text(topic.title) if topic else "Other"
        anchor = topic.id if topic else "other"
        chips = "\n".join(
            f'<li><a href="{esc(t.id)}/" title="{esc(t.description)}">{text(t.title)}'
            f' <span class="qb-tag-count" aria-label="{per_tag[t.id]} questions">{per_tag[t.id]}</span></a></li>'
            for t in members)
        sections.append(f'## {heading} {{ #{anchor} }}\n\n<ul class="qb-tag-cloud">\n{chips}\n</ul>\n')
    return f"""---
title: Tags
description: {meta(f"The {len(used)} tags of the question bank by topic, each with the number of questions that carry it.")}
---

# Tags

{len(used)} tags, grouped by topic. A tag links to its questions; the number says how many
there are, and hovering a tag shows what it covers.

{chr(10).join(sections)}"""


def tag_page(tag: Tag, questions: list[Question], topics: dict[str, Topic], tags: dict[str, Tag] | None = None) -> str:
    """A tag's page: what it means, its topic, its questions."""
    topic = topics.get(tag.topic or "")
    where = f' in <a href="../../questions/{esc(topic.id)}/">{text(topic.title)}</a>' if topic else ""
    return f"""---
title: {meta(f"Tag: {tag.title}")}
description: {meta(f"{tag.description} — {len(questions)} interview questions.")}
---

# {text(tag.title)}

<p class="qb-tag-meta">Tag{where} · {len(questions)} question{"s" if len(questions) != 1 else ""} · <a href="../">all tags</a></p>

{text(tag.description)}

{question_list(questions, "../../", topics, show_tags=False)}"""


def unanswered(questions: list[Question], topics: dict[str, Topic], tags: dict[str, Tag] | None = None,
               suggest: str = "") -> str:
    """The questions still waiting for an answer, and how to write one."""
    open_qs = [q for q in questions if q.status == "unanswered"]
    return f"""---
title: Unanswered questions
description: Interview questions in the bank that still need an answer. Pick one and open a pull request.
---

# Unanswered questions

{_unanswered_intro(len(open_qs))}
{suggest_button(suggest)}
{question_list(open_qs, "../", topics, tags=tags) if open_qs else ""}"""


def _unanswered_intro(count: int) -> str:
    if not count:
        return ("Every question in the bank has an answer today. Know a question interviewers ask that is "
                "missing? Add it with `qbank new` (`CONTRIBUTING.md` in the repository shows how); it is listed here "
                "until someone answers it.")
    return (f"{count} question{'s are' if count != 1 else ' is'} waiting for an answer. Open one and use "
            "**Answer this question**: you edit a single Markdown file on GitHub and add a section headed "
            "`## Answer (source: community)`.")
