"""``qbank new``: scaffold a new question file the way the bank expects it.

A contributor should never have to invent an id, guess a slug or find the right folder,
and should learn *before* writing an answer that the question may already be in the
bank.  So this module picks a fresh id and the path, fills the front matter (tags
suggested by the classifier and difficulty estimated when not given), and compares the
question with every existing title and alias using the same similarity as
``qbank validate`` (QB701) and ``qbank dedupe``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .bank import DIFFICULTIES, QUESTIONS_DIR, slugify
from .classify import classify
from .taxonomy import Taxonomy
from .dedupe import GRAY_ZONE
from .difficulty import estimate_difficulty
from .validate import Context, Doc, bank_paths, closest_questions, load_doc

PLACEHOLDER = "<!-- No answer yet: add a section headed '## Answer (source: community)' (see CONTRIBUTING.md). -->\n"


class ScaffoldError(ValueError):
    """Bad input: unknown topic or tag, empty question, ..."""


@dataclass
class Match:
    score: float
    duplicate: bool  # would be a QB701 near-duplicate
    id: str
    path: str
    title: str


@dataclass
class Scaffold:
    path: Path
    id: str
    text: str
    matches: list[Match] = field(default_factory=list)
    distinct_from: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def similar(self) -> list[Match]:
        """Matches close enough that the question may already be in the bank."""
        return [m for m in self.matches if m.duplicate or m.score >= GRAY_ZONE]


def fresh_id(title: str, taken: set[str]) -> str:
    """``q-`` + 7 hex of sha256(title), with a counter appended while the id is taken."""
    n = 0
    while True:
        key = title if n == 0 else f"{title}\n{n}"
        qid = "q-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:7]
        if qid not in taken:
            return qid
        n += 1


def _close(word: str, options: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def new_question(root: Path, question: str, topic: str, tags: list[str] | None = None,
                 difficulty: str | None = None, force: bool = False, write: bool = True) -> Scaffold:
    """Plan (and unless similar questions exist and not ``force``, write) a new bank file."""
    title = " ".join(question.split())
    if not title:
        raise ScaffoldError("the question is empty")
    ctx = Context.load(root)
    if topic not in ctx.topics:
        raise ScaffoldError(f"unknown topic '{topic}'{_close(topic, ctx.topics)}; topics: {', '.join(sorted(ctx.topics))}")
    if tags:
        unknown = [t for t in tags if t not in ctx.tags]
        if unknown:
            raise ScaffoldError(f"unknown tag '{unknown[0]}'{_close(unknown[0], ctx.tags)}; tags are the ids in data/tags.yml")
        if len(tags) > 5:
            raise ScaffoldError(f"{len(tags)} tags; give at most 5")
        tags = list(dict.fromkeys(tags))
    else:
        taxonomy = Taxonomy.load(root / "data")
        tags = list(classify(title, [], taxonomy).tags)[:5]
        if not tags:
            tags = [next(t.default_tag for t in taxonomy.topics if t.id == topic)]
    if difficulty is None:
        difficulty = estimate_difficulty(title)
    elif difficulty not in DIFFICULTIES:
        raise ScaffoldError(f"difficulty '{difficulty}' is not one of {', '.join(DIFFICULTIES)}")

    docs: list[Doc] = [load_doc(p, ctx, selected=False) for p in bank_paths(ctx.docs)]
    docs = [d for d in docs if d.meta is not None]
    matches = [Match(score, dup, d.qid or "?", d.rel, text)
               for score, dup, d, text in closest_questions(title, docs, limit=5, floor=60.0)]
    taken = {d.qid for d in docs if d.qid}
    qid = fresh_id(title, taken)
    folder = ctx.docs / QUESTIONS_DIR / topic
    slug = slugify(title)
    path = folder / f"{slug}.md"
    if path.exists():
        path = folder / f"{slug}-{qid[2:]}.md"
    distinct = [m.id for m in matches if m.duplicate] if force else []
    meta: dict = {"id": qid, "title": title, "topic": topic, "tags": tags, "difficulty": difficulty,
                  "status": "unanswered", "origins": []}
    if distinct:
        meta["distinct_from"] = distinct
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    text = f"---\n{front}---\n\n{PLACEHOLDER}"
    result = Scaffold(path, qid, text, matches, distinct)
    if write and (force or not result.similar):
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        result.written = True
    return result
