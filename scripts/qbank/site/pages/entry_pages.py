"""The pages a reader starts from: the home page, the study page and the question finder.

Generated at build time from the bank (never committed), so a count can never drift from
the questions themselves.  The study page and the finder are containers that a script fills
(study.js, browse.js); the Markdown holds no script and no form control.
"""

from __future__ import annotations

from collections import Counter

from ...bank import Question
from ...source import Source
from ...taxonomy import Taxonomy
from .markup import esc, suggest_button, text

__all__ = ["DOWNLOAD_STEM", "browse", "home", "study"]

DOWNLOAD_STEM = "dl-interview-questions"  # downloads/<stem>.apkg and .csv (qbank.site.study.publish)


def home(questions: list[Question], taxonomy: Taxonomy, sources: list[Source], suggest: str = "") -> str:
    """The home page: the bank in numbers, the topic cards, how to help."""
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
{suggest_button(suggest)}"""


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
