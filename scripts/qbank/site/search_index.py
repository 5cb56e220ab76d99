"""The site's search index, in two parts, so that no page pays for search until it is used.

Why: Material preloads one JSON index of every page on every page (82 KiB gzip on the
real bank, 2.4 MiB at 10,000 questions) and builds a lunr index of it in the browser: the
page weight grew with the bank, and at 10,000 questions the first search on a phone took
many seconds.  This module writes, under ``site/search/``:

``qbank.json``
    the compact index, fetched when the reader opens search: for every question its
    title, slug (empty when it is the title's own slug), topic, difficulty, status, tags,
    aliases and the words of its synonyms, one array per field (``DOC_FIELDS``) (:mod:`qbank.site.search_vocab`); for every
    other page its title, URL and description; plus the spelling table, the stop words
    and the list of term shards.  About 150 KiB gzip at 10,000 questions.
``terms/<xx>.json``
    the full text (answers, and notebook and sources pages), as postings ``word ->
    [document numbers, delta-encoded]``, one file per first two letters of the word.
    The browser fetches only the shards of the words typed, after showing the first
    results from the compact index.

Both are sorted and written with fixed separators: the same bank gives the same bytes.
The browser side is ``docs/assets/javascripts/search.js``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..bank import DIFFICULTIES, Question
from ..taxonomy import Taxonomy
from .search_vocab import STOPWORDS, Vocabulary, words

INDEX_FILE = "search/qbank.json"
SHARD_DIR = "search/terms"
# A document of the compact index; for a page that is not a question: path = its URL,
# topic/difficulty/status = -1, synonyms = its description.
DOC_FIELDS = ("title", "path", "topic", "difficulty", "status", "tags", "aliases", "synonyms")
MAX_WORD = 24  # longer "words" are hashes, URLs or formulas

_MATH = re.compile(r"\\\(.*?\\\)|\\\[.*?\\\]|\$\$.*?\$\$", re.S)
_LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")
_TAG = re.compile(r"<[^>]+>")
_DROP_BLOCKS = re.compile(r"<(script|style|annotation|svg)\b.*?</\1>", re.S | re.I)


@dataclass
class PageDoc:
    """A page that is not a question: its title, what it is about, and (some) its text."""

    url: str
    title: str
    description: str = ""
    text: str = ""


def _tag_label(taxonomy: Taxonomy, tag_id: str) -> str:
    """The tag's name on the site; a tag outside the vocabulary (validation reports it) keeps its id."""
    try:
        return taxonomy.tag(tag_id).title
    except KeyError:
        return tag_id


@dataclass
class SearchIndex:
    """Collects the build's pages; :meth:`files` turns them into the index files."""

    vocabulary: Vocabulary
    pages: dict[str, PageDoc] = field(default_factory=dict)

    def add_page(self, url: str, title: str, description: str = "", html_text: str = "") -> None:
        self.pages[url] = PageDoc(url, title, description, plain_text(html_text) if html_text else "")

    def files(self, questions: list[Question], taxonomy: Taxonomy) -> dict[str, bytes]:
        """``{site-relative path: bytes}`` of the compact index and every term shard."""
        vocab = self.vocabulary
        topics = [t.id for t in taxonomy.topics]
        tags = sorted({t for q in questions for t in q.tags})
        docs: list[list] = []
        bodies: list[tuple[list[str], set[str]]] = []  # per doc: body words, words already in the compact part
        for q in sorted(questions, key=lambda q: q.url):
            stem = Path(q.url.rstrip("/")).name
            head_words = vocab.spelled(" ".join([q.title, *q.aliases]))
            synonyms = vocab.synonyms.expand(head_words)
            doc: list = [q.title, "" if page_slug(q.title) == stem else stem, topics.index(q.topic),
                         DIFFICULTIES.index(q.difficulty) if q.difficulty in DIFFICULTIES else 1,
                         1 if q.status == "answered" else 0, [tags.index(t) for t in q.tags],
                         list(q.aliases), " ".join(synonyms)]
            docs.append(doc)
            body = vocab.spelled(" ".join(_answer_text(a.markdown) for a in q.answers))
            bodies.append((body + vocab.synonyms.expand(body), set(head_words) | set(synonyms)))
        for page in sorted(self.pages.values(), key=lambda p: p.url):
            docs.append([page.title, page.url, -1, -1, -1, [], [], page.description])
            text = vocab.spelled(page.text)
            bodies.append((text + vocab.synonyms.expand(text), set(vocab.spelled(page.title))))

        postings: dict[str, dict[str, list[int]]] = {}
        stop = set(STOPWORDS)
        for n, (body, known) in enumerate(bodies):
            for word in sorted(set(body) - known - stop):
                if len(word) < 2 or len(word) > MAX_WORD or (word.isdigit() and len(word) > 4):
                    continue
                postings.setdefault(word[:2], {}).setdefault(word, []).append(n)
        out: dict[str, bytes] = {}
        for key, terms in sorted(postings.items()):
            out[f"{SHARD_DIR}/{key}.json"] = _dumps({w: _deltas(ids) for w, ids in sorted(terms.items())})
        out[INDEX_FILE] = _dumps({
            "version": 1,
            "topics": [[t.id, t.title] for t in taxonomy.topics],
            "tags": [[t, _tag_label(taxonomy, t)] for t in tags],  # [id, label], like topics
            "difficulties": list(DIFFICULTIES),
            "spelling": [list(p) for p in vocab.spelling.pairs],
            "stopwords": list(STOPWORDS),
            "shards": sorted(postings),
            # one array per field (columns gzip ~15 % smaller than one array per document)
            "docs": {name: [d[k] for d in docs] for k, name in enumerate(DOC_FIELDS)},
        })
        return out

    @staticmethod
    def write(site_dir: Path, files: dict[str, bytes]) -> dict[str, int]:
        """Write :meth:`files` into ``site_dir``; returns their sizes (for the build log)."""
        sizes = {}
        for rel, data in files.items():
            path = site_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            sizes[rel] = len(data)
        return sizes


def page_slug(title: str, limit: int = 60) -> str:
    """The slug search.js derives from a title (``slug()``): like :func:`qbank.bank.slugify`,
    but from :func:`~qbank.site.search_vocab.words`.  A question whose file is named so
    ships no slug in the index; any other ships its own."""
    slug = ""
    for w in words(title):
        if len(slug) + len(w) + 1 > limit and slug:
            break
        slug = f"{slug}-{w}" if slug else w
    return slug or "question"


def _deltas(ids: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *ids], ids)]


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _answer_text(markdown: str) -> str:
    """An answer's words: no formulas (their TeX is not words), no link targets, no HTML."""
    text = _MATH.sub(" ", markdown)
    text = _LINK_TARGET.sub("] ", text)
    return _TAG.sub(" ", text)


def plain_text(page_html: str) -> str:
    """The visible text of rendered HTML (KaTeX's TeX annotations and SVG left out)."""
    return html.unescape(_TAG.sub(" ", _DROP_BLOCKS.sub(" ", page_html)))


__all__ = ["INDEX_FILE", "SHARD_DIR", "SearchIndex", "page_slug", "plain_text"]
