"""Markdown for the pages derived from the bank (home, topics, tags, unanswered, sources).

These pages are generated at build time from the bank files and never committed, so a
count or a list can never drift from the questions themselves.
"""

from __future__ import annotations

import datetime
import html
import json
from collections import Counter
from urllib.parse import quote

from ..bank import DIFFICULTIES, Question
from ..taxonomy import Tag, Taxonomy, Topic
from ..source import Source

DIFFICULTY_LABEL = {"easy": "Easy", "medium": "Medium", "hard": "Hard"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DOWNLOAD_STEM = "dl-interview-questions"  # downloads/<stem>.apkg and .csv (qbank.site.study.publish)


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


def suggest_url(repo_url: str) -> str:
    """The repository's "Suggest a question" issue form (.github/ISSUE_TEMPLATE/suggest-question.yml)."""
    return f"{repo_url.rstrip('/')}/issues/new?template=suggest-question.yml" if repo_url else ""


def home(questions: list[Question], taxonomy: Taxonomy, sources: list[Source], suggest: str = "") -> str:
    answered = sum(q.status == "answered" for q in questions)
    reviewed = sum(bool(q.reviewed) for q in questions)
    per_topic = Counter(q.topic for q in questions)
    cards = []
    for t in taxonomy.topics:
        n = per_topic.get(t.id, 0)
        cards.append(
            f"-   :{t.icon.replace('/', '-')}:{{ .lg .middle }} __[{text(t.title)}](questions/{t.id}/index.md)__\n\n"
            f"    ---\n\n    {text(t.description)}\n\n    {n} question{'s' if n != 1 else ''}\n")
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

<ul class="qb-stats" aria-label="The bank in numbers">
<li><strong>{len(questions)}</strong> questions</li>
<li><strong>{answered}</strong> answered</li>
<li><strong>{len(questions) - answered}</strong> <a href="unanswered/">unanswered</a></li>
<li><strong>{reviewed}</strong> <a href="sources/#how-answers-are-attributed">reviewed</a></li>
<li><strong>{len(sources)}</strong> <a href="sources/">sources</a></li>
<li><strong>{len(taxonomy.topics)}</strong> topics</li>
</ul>

<p class="qb-search-prompt"><a class="md-button md-button--primary qb-open-search" href="questions/">Search the questions</a>
<span class="qb-kbd-hint">or press <kbd>/</kbd> anywhere</span></p>

<p class="qb-search-prompt qb-study-prompt" markdown>[Study: flashcards and mock interviews](study.md){{ .md-button }}
<span>or take the bank with you: <a href="downloads/{DOWNLOAD_STEM}.apkg" download>Anki deck (.apkg)</a> ·
<a href="downloads/{DOWNLOAD_STEM}.csv" download>CSV</a></span></p>

## Topics

<div class="grid cards" markdown>

{chr(10).join(cards)}
</div>

## Help improve it

Every question page has **Improve this answer** (edit the Markdown file on GitHub) and
**Report a problem** links. {_help_wanted(len(questions) - answered)}
Browse by [tag](tags/index.md) or read where the questions [come from](sources.md).
{_suggest_button(suggest)}"""


def _suggest_button(url: str) -> str:
    if not url:
        return ""
    return (f'\n<p class="qb-suggest"><a class="md-button" href="{esc(url)}">Suggest a question</a>\n'
            "<span>An interview question the bank lacks? Suggest it, with or without an answer.</span></p>\n")


def _help_wanted(unanswered_count: int) -> str:
    if not unanswered_count:
        return "Every question has an answer; improve one you would explain differently, or suggest a new question."
    return (f"{unanswered_count} question{'s' if unanswered_count != 1 else ''} still "
            "[need an answer](unanswered.md) — pick one, write a few paragraphs, open a pull request.")


def study(questions: list[Question], spec: dict) -> str:
    """The study page: a container the study script fills (docs/assets/javascripts/study.js)."""
    answered = sum(q.status == "answered" for q in questions)
    learn = " and ".join(f"{m} min" for m in spec["learning_steps_min"])
    return f"""---
title: Study
description: Flashcards with spaced repetition and timed mock interviews over all {answered} answered questions; works offline once loaded; download the bank for Anki or as CSV.
hide:
  - navigation
  - toc
---

# Study

Flashcards with spaced repetition and timed mock interviews over the {answered} answered
questions. Your progress stays in this browser. Take the bank with you:
<a href="../downloads/{DOWNLOAD_STEM}.apkg" download>Anki deck (.apkg)</a> ·
<a href="../downloads/{DOWNLOAD_STEM}.csv" download>CSV</a> · <a href="../questions.json">JSON</a>

<div class="qb-study-page">
<div id="qb-study" class="qb-study">
<p class="qb-study-nojs">The study mode needs JavaScript. You can still download the questions for Anki or as CSV above, or
browse them by <a href="../questions/">topic</a>.</p>
</div>
</div>

<details class="note">
<summary>How cards are scheduled</summary>
<p>{text(spec["name"])}. A new card is shown again after {learn} (<em>Good</em>) and then
<em>graduates</em> to {spec["graduating_interval_days"]} day; <em>Easy</em> graduates it at once to
{spec["easy_interval_days"]} days; <em>Again</em> starts the steps over; <em>Hard</em> repeats the step.
After that, with ease starting at {spec["starting_ease"] / 1000:g}: <em>Good</em> multiplies the interval by
the ease, <em>Hard</em> by {spec["hard_multiplier"] / 1000:g} (ease −{-spec["ease_hard"] / 1000:g}),
<em>Easy</em> by ease × {spec["easy_bonus"] / 1000:g} (ease +{spec["ease_easy"] / 1000:g}), and
<em>Again</em> lowers the ease by {-spec["ease_again"] / 1000:g} and brings the card back after
{spec["relearning_steps_min"][0]} min and then {spec["min_lapse_interval_days"]} day. Ease never goes below
{spec["min_ease"] / 1000:g}; every grade gives at least a day more than the grade below it.
There is no random fuzz: the same answers always give the same schedule.</p>
<p>Keys: <kbd>Space</kbd> shows the answer, <kbd>1</kbd>–<kbd>4</kbd> grade it (Again, Hard, Good,
Easy), <kbd>←</kbd> <kbd>→</kbd> go to the previous or next card.
Once this page has loaded, it keeps working without a connection.</p>
</details>
"""


def browse(questions: list[Question], taxonomy: Taxonomy) -> str:
    """The question finder: filters and search, built by browse.js in ``#qb-browse``.

    The Markdown holds no script and no form control (the sanitizer's rules): the page
    template (overrides/browse.html) loads the script, which creates the controls; without
    JavaScript the container shows links to every topic, the tags and the unanswered list.
    """
    per_topic = Counter(q.topic for q in questions)
    topics = "\n".join(f'<li><a href="../questions/{t.id}/">{esc(t.title)}</a> ({per_topic.get(t.id, 0)})</li>'
                       for t in taxonomy.topics)
    return f"""---
title: Browse and search the questions
description: Find interview questions by topic, tag, difficulty and status, and search within them; the filters are in the address, so a view can be bookmarked or shared.
template: browse.html
hide:
  - toc
---

# Browse and search the questions

Narrow the {len(questions)} questions by topic, tag, difficulty and status, and search within
them. The address keeps the filters: bookmark or share it.

<div id="qb-browse" class="qb-browse">
<p class="qb-browse-fallback">Browse by topic:</p>
<ul class="qb-browse-fallback">
{topics}
</ul>
<p class="qb-browse-fallback">Or by <a href="../tags/">tag</a>, or see the <a href="../unanswered/">unanswered questions</a>.</p>
</div>
"""


def topic_page(topic: Topic, questions: list[Question], tags: dict[str, Tag] | None = None) -> str:
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
    open_qs = [q for q in questions if q.status == "unanswered"]
    return f"""---
title: Unanswered questions
description: Interview questions in the bank that still need an answer. Pick one and open a pull request.
---

# Unanswered questions

{_unanswered_intro(len(open_qs))}
{_suggest_button(suggest)}
{question_list(open_qs, "../", topics, tags=tags) if open_qs else ""}"""


def _unanswered_intro(count: int) -> str:
    if not count:
        return ("Every question in the bank has an answer today. Know a question interviewers ask that is "
                "missing? Add it with `qbank new` (`CONTRIBUTING.md` in the repository shows how); it is listed here "
                "until someone answers it.")
    return (f"{count} question{'s are' if count != 1 else ' is'} waiting for an answer. Open one and use "
            "**Answer this question**: you edit a single Markdown file on GitHub and add a section headed "
            "`## Answer (source: community)`.")


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


def history_url(repo_url: str, q: Question) -> str:
    """The file's commit history on the repository: what changed, when, by whom."""
    if not repo_url or q.path is None:
        return ""
    return f"{repo_url.rstrip('/')}/commits/main/docs/{q.path.as_posix()}"


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


def issue_url(repo_url: str, q: Question, page_url: str) -> str:
    title = quote(f"Problem with {q.id}: {q.title}"[:120])
    body = quote(f"Question id: {q.id}\nPage: {page_url}\nFile: docs/{q.path.as_posix() if q.path else ''}\n\n"
                 "What is wrong?\n")
    return f"{repo_url.rstrip('/')}/issues/new?template=wrong-answer.yml&title={title}&question-id={quote(q.id)}&page={quote(page_url)}&body={body}"
