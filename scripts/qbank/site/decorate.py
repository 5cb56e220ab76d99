"""A question page's Markdown as the reader gets it: the bank file, decorated.

Why a module of its own: a bank file holds only the question and its attributed answers; what
the site adds around them (badges, the attribution line under each answer, the unanswered
notice, aliases, related questions, notebooks, the improve/report links, the provenance foot
and the page's ``<meta>`` description) is decided here, from the build's view of the bank,
and nowhere else.  The pieces of HTML themselves come from :mod:`qbank.site.pages`.
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from qbank.bank import Question
from qbank.bankfile import answer_sections, replace_answer_headings
from qbank.taxonomy import Topic
from qbank.site import notebook_pages, pages
from qbank.source import Source

__all__ = ["BankView", "decorate", "description"]


@dataclass(frozen=True)
class BankView:
    """What a question page shows of the rest of the bank (built once per build)."""

    topics: dict[str, Topic]
    sources: dict[str, Source]                  # by id
    topic_questions: dict[str, list[Question]]  # by topic, in the topic page's order
    related: dict[str, list[Question]]          # by question id


def decorate(markdown: str, q: Question, page: Page, config: MkDocsConfig, bank: BankView) -> str:
    """The page's Markdown; also sets its title, description and left column in ``page.meta``."""
    topics, sources = bank.topics, bank.sources
    page_url = (config.site_url or "/") + page.url
    # Material prints these unescaped (into <title>, <h1>, the header, <meta content="...">).
    page.meta["title"] = _html.escape(q.title, quote=False)
    page.meta["description"] = pages.esc(description(q, topics))

    counter = iter(range(1, 1000))
    single = len(answer_sections(markdown)) == 1

    history = pages.history_url(config.repo_url or "", q)

    def answer_heading(m: re.Match[str]) -> str:
        n = next(counter)
        label = "Answer" if single else f"Answer {n}"
        line = pages.attribution(m.group("source").strip(), bool(m.group("edited")), sources, "../../../", history)
        return f"## {label} {{ #answer-{n} }}\n\n{line}\n"

    body = replace_answer_headings(markdown, answer_heading)
    head = [f'<p class="qb-meta">{pages.badges(q, topics.get(q.topic), "../")}</p>', ""]
    if "garbled-formula" in q.flags:
        head += ['!!! warning "Formula needs review"', "",
                 "    The source's formula was garbled when it was scraped. It is shown as found; "
                 "please help fix it with **Improve this answer**.", ""]
    if q.status == "unanswered":
        head += pages.unanswered_notice(page.edit_url or "#")
    page.meta["qb_topic_nav"] = pages.topic_nav(q, bank.topic_questions.get(q.topic, []), topics.get(q.topic))
    tail = notebook_pages.try_it(q, Path(config.docs_dir))  # "Try it in a notebook"
    if q.aliases:
        tail += ["## Also asked as", "", *[f"- {pages.text(a)}" for a in q.aliases], ""]
    related = bank.related.get(q.id, [])
    if related:
        tail += ["## Related questions", ""]
        tail += [f'- <a href="../../../{pages.esc(r.url)}">{pages.text(r.title)}</a>' for r in related]
        tail.append("")
    report = pages.issue_url(config.repo_url or "", q, page_url)
    edit = page.edit_url or "#"
    tail += [*pages.question_actions(q, edit, report), "",
             f'<p class="qb-provenance">{pages.provenance(q, sources, "../../../", history)}</p>', ""]
    return "\n".join(head) + "\n" + body.rstrip() + "\n\n" + "\n".join(tail)


def description(q: Question, topics: dict[str, Topic]) -> str:
    """The page's ``<meta name="description">``: the first answer's opening, as plain text."""
    if q.answers:
        text = q.answers[0].markdown
        text = re.sub(r"```.*?```", " ", text, flags=re.S)
        text = re.sub(r"\\\[.*?\\\]|\\\(.*?\\\)", " ", text, flags=re.S)
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"[*_`#>|]|^\s*[-\d.]+\s", " ", text, flags=re.M)
        text = " ".join(text.split())
        if len(text) > 155:
            text = text[:152].rsplit(" ", 1)[0] + "…"
        return text
    topic = topics.get(q.topic)
    return f"Unanswered interview question on {topic.title if topic else q.topic}: {q.title} Contribute an answer."
