"""Classify stage: give every question one topic and 1-5 tags from a controlled vocabulary.

The taxonomy lives in two data files that maintainers edit:

* ``data/topics.yml``: the ordered topics (id, title, description, icon, default tag,
  weighted rules) plus an optional ``scoring`` block;
* ``data/tags.yml``: the tag vocabulary (id, description, weighted rules).

A rule is either ``keywords`` (a list of phrases) or ``regex``, with a ``weight``:

* A keyword phrase matches whole words, case-insensitively, after NFKC.  Text and
  phrase are both cut into words at every non-alphanumeric character, so ``k-means``
  matches "K-means" and "k means", and ``group size`` matches "group_size".  A simple
  plural is ignored on both sides ("GANs" matches ``gan``).  A word ending in ``*`` is a
  prefix, only allowed on the last word of a phrase and compared with the singular form
  (``normali*`` matches "Normalisation" and the typo "Normalizattion").
* A regex is searched in the NFKC, case-folded text (written in lower case; compiled
  with ``re.IGNORECASE`` anyway).  Keywords are much cheaper; use a regex only for what
  keywords cannot say (anchors, optional parts inside a word), and give it ``when``:
  plain substrings of which one must occur in the text before the regex is tried at
  all, so that the regex costs nothing on most texts.

Scoring is deterministic.  A rule fires at most once in the question and at most once
across all answers (answers are a set: their order does not matter).  A question hit
scores ``weight``; an answer hit scores ``weight * answer_weight`` and the answer total of
one topic or tag is capped at ``answer_cap``, so answers only break near-ties and can
never beat a clear question match.  The topic is the best score, ties going to the
earlier topic in ``topics.yml``.  Tags scoring at least ``tag_min_score`` are kept, best
first then alphabetical, at most ``max_tags``; with none, the topic's ``default_tag``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import safeyaml

TOPICS_FILE = "topics.yml"
TAGS_FILE = "tags.yml"

_ID_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_ICON_RE = r"^(?:material|fontawesome/(?:brands|regular|solid)|octicons|simple)/[a-z0-9]+(?:-[a-z0-9]+)*$"
# Words: runs of letters/digits (underscore separates words, like "group_size").
_WORD_RE = re.compile(r"[^\W_]+")
_KEYWORD_WORD_RE = re.compile(r"[^\W_]+\*?|\*")
_MIN_PREFIX = 3


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message names the file and the entry."""

    def __init__(self, path: str | Path, message: str, entry: str = "") -> None:
        self.path = str(path)
        self.entry = entry
        self.message = message
        where = f"{self.path}: {entry}: " if entry else f"{self.path}: "
        super().__init__(where + message)


# ---------------------------------------------------------------------------
# models


class Rule(BaseModel):
    """One weighted matcher: ``keywords`` (phrases) or ``regex``, never both."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keywords: tuple[str, ...] = ()
    regex: str | None = None
    when: tuple[str, ...] = ()  # regex only: substrings, one must occur before the regex is tried
    weight: float = Field(gt=0, le=20)
    name: str | None = None

    @field_validator("when")
    @classmethod
    def _check_when(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not w.strip() for w in value):
            raise ValueError("'when' entries must be non-empty strings")
        return tuple(_fold(w) for w in value)

    @field_validator("keywords")
    @classmethod
    def _check_keywords(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for kw in value:
            _keyword_words(kw)  # raises ValueError with the reason
        if len(set(value)) != len(value):
            raise ValueError("duplicate keyword in the list")
        return value

    @field_validator("regex")
    @classmethod
    def _check_regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                compiled = re.compile(value, re.IGNORECASE)
            except re.error as err:
                raise ValueError(f"bad regex {value!r}: {err}") from None
            if compiled.search(""):
                raise ValueError(f"regex {value!r} matches the empty string")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Rule:
        if bool(self.keywords) == (self.regex is not None):
            raise ValueError("a rule needs exactly one of 'keywords' (non-empty list) or 'regex'")
        if self.when and self.regex is None:
            raise ValueError("'when' only goes with 'regex'")
        return self


def _kebab_id(value: str) -> str:
    if not re.fullmatch(_ID_RE, value):
        raise ValueError(f"{value!r} is not a lowercase-kebab id (a-z, 0-9, single '-')")
    return value


def _icon(value: str) -> str:
    if not re.fullmatch(_ICON_RE, value):
        raise ValueError(f"{value!r} is not a Material for MkDocs icon name such as 'material/brain'")
    return value


def _one_line(value: str) -> str:
    value = value.strip()
    if "\n" in value:
        raise ValueError("must be a single line")
    return value


class Topic(BaseModel):
    """A topic page: ``title`` and ``description`` are shown on the site, ``icon`` is a
    Material for MkDocs icon shortcode name (``material/brain``) for the topic cards."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str = Field(min_length=1, max_length=40)
    description: str = Field(min_length=10, max_length=300)
    icon: str
    default_tag: str
    rules: tuple[Rule, ...] = Field(min_length=1)

    _ids = field_validator("id", "default_tag")(_kebab_id)
    _icon = field_validator("icon")(_icon)
    _single_line = field_validator("title", "description")(_one_line)


class Tag(BaseModel):
    """A tag of the controlled vocabulary: ``label`` is its name on the site, ``description``
    one line shown next to it, ``topic`` the topic the tags page lists it under."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str | None = Field(default=None, min_length=1, max_length=40)
    topic: str | None = None
    description: str = Field(min_length=10, max_length=200)
    rules: tuple[Rule, ...] = Field(min_length=1)

    _ids = field_validator("id")(_kebab_id)
    _single_line = field_validator("description", "label")(_one_line)

    @property
    def title(self) -> str:
        """What a reader sees: the label, or the id written as words."""
        return self.label or self.id.replace("-", " ").capitalize()


class Scoring(BaseModel):
    """Knobs shared by topics and tags (optional ``scoring:`` block of topics.yml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    answer_weight: float = Field(default=0.25, ge=0, le=1)
    answer_cap: float = Field(default=2.5, ge=0)
    tag_min_score: float = Field(default=2.5, gt=0)
    max_tags: int = Field(default=5, ge=1, le=5)
    answer_chars: int = Field(default=4000, ge=100)  # only the start of each answer is read


class _TopicsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scoring: Scoring = Scoring()
    topics: list[Any] = Field(min_length=1)


class _TagsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tags: list[Any] = Field(min_length=1)


@dataclass(frozen=True)
class Classification:
    topic: str
    tags: tuple[str, ...]
    explanation: list[str] = field(compare=False)


# ---------------------------------------------------------------------------
# text helpers

_STEM_CACHE: dict[str, str] = {}


def _stem(word: str) -> str:
    """Drop a simple English plural so that 'gans'/'gan', 'gates'/'gate' compare equal."""
    s = _STEM_CACHE.get(word)
    if s is None:
        s = word
        if len(word) > 3 and word[-1] == "s":
            if word.endswith("ies") and len(word) > 4:
                s = word[:-3] + "y"
            elif word.endswith("sses"):
                s = word[:-2]
            elif not word.endswith(("ss", "us", "is")):
                s = word[:-1]
        if len(_STEM_CACHE) < 200_000:
            _STEM_CACHE[word] = s
    return s


def _fold(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def _keyword_words(keyword: str) -> tuple[tuple[str, ...], bool]:
    """Parse a keyword phrase into (singular words, last word is a prefix).

    Raises ValueError explaining what is wrong with a bad phrase.
    """
    parts = _KEYWORD_WORD_RE.findall(_fold(keyword))
    if not parts:
        raise ValueError(f"keyword {keyword!r} has no words")
    words: list[str] = []
    for i, part in enumerate(parts):
        if part.endswith("*"):
            if i != len(parts) - 1:
                raise ValueError(f"keyword {keyword!r}: only the last word may end with '*'")
            stem = part[:-1]
            if len(stem) < _MIN_PREFIX:
                raise ValueError(f"keyword {keyword!r}: a prefix needs at least {_MIN_PREFIX} letters before '*'")
            return tuple(words) + (stem,), True
        words.append(_stem(part))
    return tuple(words), False


# ---------------------------------------------------------------------------
# matcher


@dataclass(frozen=True)
class _RuleRef:
    """A rule with its owner, its points and the explanation lines, built once."""

    key: tuple[str, str]  # ("topic" | "tag", owner id)
    q_points: float
    a_points: float
    # one line per keyword (or the single regex: kw index -1 picks it), per location
    q_lines: tuple[str, ...]
    a_lines: tuple[str, ...]

    @classmethod
    def make(cls, kind: str, owner: str, index: int, rule: Rule, scoring: Scoring) -> _RuleRef:
        whats = [f"keyword {kw!r}" for kw in rule.keywords] or [f"regex /{rule.regex}/"]
        head = f"{kind} {owner} rule #{index + 1}" + (f" ({rule.name})" if rule.name else "")
        a_points = rule.weight * scoring.answer_weight
        return cls(
            (kind, owner), rule.weight, a_points,
            tuple(f"{head}: {w} in question: +{_fmt(rule.weight)}" for w in whats),
            tuple(f"{head}: {w} in answer: +{_fmt(a_points)} = {_fmt(rule.weight)} x {_fmt(scoring.answer_weight)}"
                  for w in whats),
        )


class _Matcher:
    """Every keyword of every rule, indexed for one pass per text, plus compiled regexes.

    Built once per Taxonomy.  A text is cut into singular words once; then

    * one-word keywords (exact or prefix) are looked up per distinct word; what a word
      matches is computed once and cached, as texts share most of their vocabulary;
    * a longer phrase is tried only when all its whole words occur in the text, by a
      substring search of " w1 w2 ..." in the space-joined words.
    """

    _CACHE_LIMIT = 200_000

    def __init__(self, rules: list[Rule]) -> None:
        self.single: dict[str, list[tuple[int, int]]] = {}  # word -> [(rule number, keyword index)]
        self.prefix: dict[str, list[tuple[int, int]]] = {}  # prefix -> [(rule number, keyword index)]
        # first word -> [(other whole words that must be present, needle, rule number, keyword index)]
        self.multi: dict[str, list[tuple[frozenset[str], str, int, int]]] = {}
        # (compiled regex, substrings gating it, rule number)
        self.regexes: list[tuple[re.Pattern[str], tuple[str, ...], int]] = []
        for number, rule in enumerate(rules):
            if rule.regex is not None:
                self.regexes.append((re.compile(rule.regex, re.IGNORECASE), rule.when, number))
                continue
            for kw_index, kw in enumerate(rule.keywords):
                words, is_prefix = _keyword_words(kw)
                if len(words) == 1:
                    (self.prefix if is_prefix else self.single).setdefault(words[0], []).append((number, kw_index))
                else:
                    whole = words[:-1] if is_prefix else words
                    needle = " " + " ".join(words) + ("" if is_prefix else " ")
                    self.multi.setdefault(words[0], []).append((frozenset(whole[1:]), needle, number, kw_index))
        self._prefix_lengths = sorted({len(p) for p in self.prefix})
        self._multi_keys = frozenset(self.multi)
        self._word_cache: dict[str, tuple[tuple[int, int], ...]] = {}

    def _word_hits(self, word: str) -> tuple[tuple[int, int], ...]:
        found = list(self.single.get(word, ()))
        for n in self._prefix_lengths:
            if n > len(word):
                break
            found.extend(self.prefix.get(word[:n], ()))
        hits = tuple(found)
        if len(self._word_cache) < self._CACHE_LIMIT:
            self._word_cache[word] = hits
        return hits

    def scan(self, text: str, hits: dict[int, int]) -> None:
        """Record into ``hits`` {rule number: smallest keyword index} (-1 for a regex) for
        every rule firing in ``text`` (already folded).  The result does not depend on
        the order in which texts are scanned into the same ``hits``."""
        words = _WORD_RE.findall(text)
        if words:
            get = _STEM_CACHE.get
            stems = [get(w) or _stem(w) for w in words]
            present = set(stems)
            cache = self._word_cache
            found: list[tuple[int, int]] = []
            for s in present:
                h = cache.get(s)
                if h is None:
                    h = self._word_hits(s)
                if h:
                    found.extend(h)
            firsts = present & self._multi_keys
            if firsts:
                joined = " " + " ".join(stems) + " "
                for s in firsts:
                    for rest, needle, number, kw_index in self.multi[s]:
                        if rest <= present and needle in joined:
                            found.append((number, kw_index))
            for number, kw_index in found:
                old = hits.get(number)
                if old is None or kw_index < old:
                    hits[number] = kw_index
        for pattern, when, number in self.regexes:
            if number in hits or (when and not any(w in text for w in when)):
                continue
            if pattern.search(text):
                hits[number] = -1


# ---------------------------------------------------------------------------
# taxonomy


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """The validated topics and tags with their rules compiled once for :func:`classify`."""

    topics: tuple[Topic, ...]
    tags: tuple[Tag, ...]
    scoring: Scoring = Scoring()
    # derived in __post_init__: everything classify() needs, compiled once
    _refs: tuple[_RuleRef, ...] = field(init=False, repr=False)
    _matcher: _Matcher = field(init=False, repr=False)
    _topic_rank: dict[str, int] = field(init=False, repr=False)
    _default_tag: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.topics:
            raise ValueError("a taxonomy needs at least one topic")
        refs: list[_RuleRef] = []
        rules: list[Rule] = []
        for kind, owners in (("topic", self.topics), ("tag", self.tags)):
            for owner in owners:
                for i, rule in enumerate(owner.rules):
                    refs.append(_RuleRef.make(kind, owner.id, i, rule, self.scoring))
                    rules.append(rule)
        object.__setattr__(self, "_refs", tuple(refs))
        object.__setattr__(self, "_matcher", _Matcher(rules))
        object.__setattr__(self, "_topic_rank", {t.id: i for i, t in enumerate(self.topics)})
        object.__setattr__(self, "_default_tag", {t.id: t.default_tag for t in self.topics})

    # -- construction -----------------------------------------------------
    @classmethod
    def load(cls, data_dir: Path | str) -> Taxonomy:
        """Read and validate ``topics.yml`` and ``tags.yml`` from ``data_dir``."""
        data_dir = Path(data_dir)
        topics_path, tags_path = data_dir / TOPICS_FILE, data_dir / TAGS_FILE
        topics_doc = _read_yaml(topics_path)
        tags_doc = _read_yaml(tags_path)
        return cls.from_documents(topics_doc, tags_doc, topics_path=str(topics_path), tags_path=str(tags_path))

    @classmethod
    def from_documents(cls, topics_doc: Any, tags_doc: Any, *, topics_path: str = TOPICS_FILE,
                       tags_path: str = TAGS_FILE) -> Taxonomy:
        """Validate already-parsed YAML documents (paths are only used in messages)."""
        topics_file = _validate(_TopicsFile, topics_doc, topics_path, "top level")
        tags_file = _validate(_TagsFile, tags_doc, tags_path, "top level")
        topics = _entries(Topic, topics_file.topics, topics_path, "topic")
        tags = _entries(Tag, tags_file.tags, tags_path, "tag")
        tag_ids = {t.id for t in tags}
        for i, topic in enumerate(topics):
            if topic.default_tag not in tag_ids:
                raise TaxonomyError(topics_path, f"default_tag {topic.default_tag!r} is not a tag in {tags_path}",
                                    f"topic #{i + 1} {topic.id!r}")
        topic_ids = {t.id for t in topics}
        for i, tag in enumerate(tags):
            if tag.topic is not None and tag.topic not in topic_ids:
                raise TaxonomyError(tags_path, f"topic {tag.topic!r} is not a topic in {topics_path}",
                                    f"tag #{i + 1} {tag.id!r}")
        return cls(topics, tags, topics_file.scoring)

    # -- lookups ----------------------------------------------------------
    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.topics)

    @property
    def tag_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tags)

    def topic(self, topic_id: str) -> Topic:
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise KeyError(topic_id)

    def tag(self, tag_id: str) -> Tag:
        for t in self.tags:
            if t.id == tag_id:
                return t
        raise KeyError(tag_id)

    def classify(self, question: str, answers: Iterable[str] = ()) -> Classification:
        return classify(question, answers, self)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaxonomyError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise TaxonomyError(path, f"cannot read: {err}") from None
    try:
        return safeyaml.load(text)
    except safeyaml.YamlLimitError as err:
        raise TaxonomyError(path, err.message, f"line {err.line}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        problem = getattr(err, "problem", None) or str(err)
        raise TaxonomyError(path, f"invalid YAML: {problem}", where) from None


def _format_validation(err: ValidationError) -> str:
    """One line per problem, e.g. ``rule #2.regex: bad regex '(': ...`` (rules count from 1)."""
    errors = err.errors()
    locs = [tuple(e["loc"]) for e in errors]
    parts = []
    for e, loc in zip(errors, locs):
        if any(other != loc and other[: len(loc)] == loc for other in locs):
            continue  # a container error caused by an error inside it: report the inner one
        words: list[str] = []
        for i, p in enumerate(loc):
            if isinstance(p, int):
                if i and loc[i - 1] == "rules":
                    words[-1] = f"rule #{p + 1}"
                elif words:
                    words[-1] += f"[{p}]"
                else:
                    words.append(f"[{p}]")
            else:
                words.append(str(p))
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        where = ".".join(words)
        parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts)


def _validate(model: type[BaseModel], data: Any, path: str, entry: str) -> Any:
    if not isinstance(data, dict):
        raise TaxonomyError(path, f"expected a mapping at the top level, got {type(data).__name__}", entry)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise TaxonomyError(path, _format_validation(err), entry) from None


_Entry = TypeVar("_Entry", Topic, Tag)


def _entries(model: type[_Entry], items: list[Any], path: str, kind: str) -> tuple[_Entry, ...]:
    out: list[_Entry] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        ident = item.get("id") if isinstance(item, dict) else None
        entry = f"{kind} #{i + 1}" + (f" {ident!r}" if isinstance(ident, str) else "")
        if not isinstance(item, dict):
            raise TaxonomyError(path, f"expected a mapping, got {type(item).__name__}", entry)
        try:
            obj = model.model_validate(item)
        except ValidationError as err:
            raise TaxonomyError(path, _format_validation(err), entry) from None
        if obj.id in seen:
            raise TaxonomyError(path, f"duplicate id (first used by {kind} #{seen[obj.id] + 1})", entry)
        seen[obj.id] = i
        out.append(obj)
    return tuple(out)


# ---------------------------------------------------------------------------
# classification


def _fmt(x: float) -> str:
    return f"{round(x, 3):g}"


def classify(question: str, answers: Iterable[str], taxonomy: Taxonomy) -> Classification:
    """Pick one topic and 1-5 tags for a question; ``explanation`` says why.

    Answers are supporting evidence: their order does not matter and their total per
    topic/tag is capped (see the module docstring).
    """
    matcher = taxonomy._matcher
    refs = taxonomy._refs
    sc = taxonomy.scoring
    if answers is None:
        answers = ()
    elif isinstance(answers, str):
        answers = (answers,)

    q_hits: dict[int, int] = {}
    matcher.scan(_fold(question), q_hits)
    a_hits: dict[int, int] = {}
    if sc.answer_weight > 0 and sc.answer_cap > 0:
        limit = sc.answer_chars
        for answer in answers:
            if answer:
                matcher.scan(_fold(answer[:limit]), a_hits)

    q_score: dict[tuple[str, str], float] = {}
    a_score: dict[tuple[str, str], float] = {}
    lines: list[str] = []
    for number in sorted(q_hits):
        ref = refs[number]
        q_score[ref.key] = q_score.get(ref.key, 0.0) + ref.q_points
        lines.append(ref.q_lines[q_hits[number]])
    for number in sorted(a_hits):
        ref = refs[number]
        a_score[ref.key] = a_score.get(ref.key, 0.0) + ref.a_points
        lines.append(ref.a_lines[a_hits[number]])

    def total(key: tuple[str, str]) -> float:
        a = a_score.get(key, 0.0)
        if a > sc.answer_cap:
            lines.append(f"{key[0]} {key[1]}: answer evidence {_fmt(a)} capped at {_fmt(sc.answer_cap)}")
            a = sc.answer_cap
        return q_score.get(key, 0.0) + a

    totals = {key: total(key) for key in sorted(q_score.keys() | a_score.keys())}

    # topic: best score, ties -> earlier in topics.yml
    ranked = sorted(((-s, taxonomy._topic_rank[owner], owner) for (kind, owner), s in totals.items()
                     if kind == "topic" and s > 0))
    if ranked:
        best_topic, best = ranked[0][2], -ranked[0][0]
        runner = [f"{tid} {_fmt(-neg)}" for neg, _, tid in ranked[1:3]]
        lines.append(f"=> topic {best_topic} (score {_fmt(best)})"
                     + (f"; runners-up: {', '.join(runner)}" if runner else ""))
    else:
        best_topic = taxonomy.topics[0].id
        lines.append(f"=> topic {best_topic}: no topic rule matched, first topic in {TOPICS_FILE} used")

    # tags: score >= tag_min_score, best first, then alphabetical
    scored = sorted((-s, owner) for (kind, owner), s in totals.items()
                    if kind == "tag" and s >= sc.tag_min_score)
    tags = tuple(tid for _, tid in scored[: sc.max_tags])
    if tags:
        shown = ", ".join(f"{tid} {_fmt(-neg)}" for neg, tid in scored[: sc.max_tags])
        dropped = [tid for _, tid in scored[sc.max_tags:]]
        lines.append(f"=> tags {shown} (min score {_fmt(sc.tag_min_score)})"
                     + (f"; over the limit of {sc.max_tags}: {', '.join(dropped)}" if dropped else ""))
    else:
        default = taxonomy._default_tag[best_topic]
        tags = (default,)
        lines.append(f"=> tags {default}: no tag reached {_fmt(sc.tag_min_score)}, default tag of topic {best_topic}")
    return Classification(topic=best_topic, tags=tags, explanation=lines)


def load_taxonomy(data_dir: Path | str) -> Taxonomy:
    """Shorthand for :meth:`Taxonomy.load`."""
    return Taxonomy.load(data_dir)
