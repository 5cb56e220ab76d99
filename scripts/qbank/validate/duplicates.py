"""QB7xx, the bank as a whole: ids unique, ``distinct_from`` naming real questions, and no
two questions that ``qbank dedupe`` would merge on their text (asked through
:func:`qbank.dedupe.would_merge`, candidates from :func:`qbank.dedupe.phrase_candidates`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from ..dedupe import phrase_candidates, question_key, question_shape, would_merge
from .context import Context
from .doc import Doc, is_str_list, list_field, quote
from .front_matter import ID_RE


_KEYS: dict[str, str] = {}


def _key(text: str) -> str:
    k = _KEYS.get(text)
    if k is None:
        k = _KEYS[text] = question_key(text)
    return k


@dataclass
class Phrase:
    doc: Doc
    text: str
    where: tuple[int, int]
    key: str
    words: list[str]
    shape: Any


def _phrases(docs: Sequence[Doc]) -> list[Phrase]:
    out: list[Phrase] = []
    for d in docs:
        if d.phrase_cache is None:
            d.phrase_cache = _doc_phrases(d)
        out.extend(d.phrase_cache)
    return out


def _doc_phrases(d: Doc) -> list[Phrase]:
    """The title and aliases of one question, with their similarity keys (computed once)."""
    out: list[Phrase] = []
    meta = d.meta or {}
    title = meta.get("title")
    if isinstance(title, str) and title.strip():
        k = _key(title)
        out.append(Phrase(d, title, d.field_pos("title"), k, k.split(), _shape(title)))
    aliases = meta.get("aliases")
    if is_str_list(aliases):
        for i, a in enumerate(aliases):
            if a.strip():
                k = _key(a)
                out.append(Phrase(d, a, d.field_pos("aliases", i), k, k.split(), _shape(a)))
    return out


_SHAPES: dict[str, tuple[bool, bool]] = {}


def _shape(text: str) -> tuple[bool, bool]:
    shape = _SHAPES.get(text)
    if shape is None:
        s = question_shape(text)
        shape = _SHAPES[text] = (s.compound, s.comparison)
    return shape


def check_bank(docs: Sequence[Doc], ctx: Context) -> None:
    """Ids are unique, distinct_from names real questions, and no two questions are the
    same question in different words (unless one says it is distinct from the other, or
    data/dedupe.yml keeps their origins apart)."""
    by_id: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        if d.qid and ID_RE.fullmatch(d.qid):
            by_id[d.qid].append(d)
    for qid, group in by_id.items():
        if len(group) > 1:
            for d in group:
                if d.selected:
                    others = ", ".join(o.rel for o in group if o is not d)
                    d.add("QB210", d.field_pos("id"), f"id {qid} is also used by {others}")
    for d in docs:
        if not d.selected:
            continue
        distinct = (d.meta or {}).get("distinct_from")
        if is_str_list(distinct):
            for i, other in enumerate(distinct):
                if other == d.qid:
                    d.add("QB702", d.field_pos("distinct_from", i), "distinct_from names this question itself")
                elif other not in by_id:
                    d.add("QB702", d.field_pos("distinct_from", i), f"distinct_from names {quote(other)}, which is not in the bank")

    phrases = _phrases(docs)
    group_of: dict[str, set[int]] = defaultdict(set)
    for n, apart in enumerate(ctx.keep_apart):
        for handle in apart:
            group_of[handle].add(n)

    def handles(d: Doc) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for o in list_field(d.meta, "origins"):
            if isinstance(o, dict):
                h = f"{o.get('source')}:{o.get('line')}"
                if h in group_of:
                    out[h] = group_of[h]
        return out

    def exempt(a: Doc, b: Doc) -> bool:
        da = [x for x in list_field(a.meta, "distinct_from") if isinstance(x, str)]
        db = [x for x in list_field(b.meta, "distinct_from") if isinstance(x, str)]
        if (b.qid and b.qid in da) or (a.qid and a.qid in db):
            return True
        ha, hb = handles(a), handles(b)
        return any(ga & gb for x, ga in ha.items() for y, gb in hb.items() if x != y)

    best: dict[tuple[int, int], tuple[float, Phrase, Phrase]] = {}
    selected = [i for i, p in enumerate(phrases) if p.doc.selected]
    focus = selected if len(selected) * 4 < len(phrases) else None  # a few files against the bank (pre-commit)
    for i, j in phrase_candidates([p.key for p in phrases], focus):
        a, b = phrases[i], phrases[j]
        if a.doc is b.doc or not (a.doc.selected or b.doc.selected):
            continue
        score = would_merge(a.key, b.key, a.shape, b.shape)
        if score is None:
            continue
        pair = (id(a.doc), id(b.doc)) if id(a.doc) < id(b.doc) else (id(b.doc), id(a.doc))
        if pair not in best or score > best[pair][0]:
            best[pair] = (score, a, b)
    for score, a, b in sorted(best.values(), key=lambda t: (t[1].doc.rel, t[2].doc.rel)):
        if exempt(a.doc, b.doc):
            continue
        for mine, theirs in ((a, b), (b, a)):
            if mine.doc.selected:
                mine.doc.add("QB701", mine.where,
                             f"near-duplicate of {theirs.doc.qid or '?'} {quote(theirs.text)} in {theirs.doc.rel} "
                             f"(similarity {score:.0f})",
                             f"answer {theirs.doc.rel} instead, or add `distinct_from: [{theirs.doc.qid}]` "
                             "if they really ask different things")


def closest_questions(title: str, docs: Sequence[Doc], limit: int = 5, floor: float = 0.0) -> list[tuple[float, bool, Doc, str]]:
    """Existing questions closest to ``title``: (similarity, would-be-QB701, doc, phrasing)."""
    key, shape = _key(title), _shape(title)
    words = set(key.split())
    found: dict[int, tuple[float, bool, Doc, str]] = {}
    for p in _phrases(docs):
        if not words & set(p.words):
            continue
        score = fuzz.token_sort_ratio(key, p.key)
        if score < floor:
            continue
        dup = would_merge(key, p.key, shape, p.shape) is not None
        prev = found.get(id(p.doc))
        if prev is None or (score, dup) > (prev[0], prev[1]):
            found[id(p.doc)] = (score, dup, p.doc, p.text)
    return sorted(found.values(), key=lambda t: (-t[0], t[2].rel))[:limit]
