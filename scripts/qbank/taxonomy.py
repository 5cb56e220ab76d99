"""The taxonomy: the topics and tags questions are filed under, read from two data files.

Maintainers edit the vocabulary as data, never as code:

* ``data/topics.yml``: the ordered topics (id, title, description, icon, default tag,
  weighted rules) plus an optional ``scoring`` block;
* ``data/tags.yml``: the tag vocabulary (id, label, topic, description, weighted rules).

This module is what those files may say (the pydantic models :class:`Rule`, :class:`Topic`,
:class:`Tag`, :class:`Scoring`) and how they are loaded (:meth:`Taxonomy.load`): every problem
is a :class:`TaxonomyError` naming the file and the entry (``topic #3 'x'``), or the line of a
YAML error.  What a rule means -- how keywords and regexes score a question -- is the
classifier's business (:mod:`qbank.classify`, over the rules compiled once per taxonomy
by :mod:`qbank.matcher`); the words of a keyword phrase are parsed by
:mod:`qbank.keywords`, here to reject a bad phrase when the file is loaded.

The site, the exports, validation and ``qbank new`` read the taxonomy for its ids, titles and
descriptions without classifying anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import safeyaml
from .errors import DATA_FILE_HINT, LocatedError
from .keywords import fold, keyword_words
from .matcher import CompiledRules

__all__ = ["TAGS_FILE", "TOPICS_FILE", "Rule", "Scoring", "Tag", "Taxonomy", "TaxonomyError", "Topic", "load_taxonomy"]

TOPICS_FILE = "topics.yml"
TAGS_FILE = "tags.yml"

_ID_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_ICON_RE = r"^(?:material|fontawesome/(?:brands|regular|solid)|octicons|simple)/[a-z0-9]+(?:-[a-z0-9]+)*$"


class TaxonomyError(LocatedError, ValueError):
    """A taxonomy file that cannot be used; the message names the file and the entry.

    A :class:`~qbank.errors.LocatedError` (``line`` is known for YAML errors; otherwise the
    ``entry``, e.g. ``topic #3 'x'``, says where), and a ``ValueError`` as before.  ``str()``
    stays ``path: entry: message``.
    """

    def __init__(self, path: str | Path, message: str, entry: str = "", line: int | None = None) -> None:
        located = f"{entry}: {message}" if entry and line is None else message
        super().__init__(str(path), line, located, DATA_FILE_HINT)
        self.path = str(path)
        self.entry = entry
        where = f"{self.path}: {entry}: " if entry else f"{self.path}: "
        self.args = (where + message,)


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
        return tuple(fold(w) for w in value)

    @field_validator("keywords")
    @classmethod
    def _check_keywords(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for kw in value:
            keyword_words(kw)  # raises ValueError with the reason
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


# ---------------------------------------------------------------------------
# the taxonomy


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """The validated topics and tags, in the order of their files, with their rules compiled
    once (``compiled``, for :func:`qbank.classify.classify`)."""

    topics: tuple[Topic, ...]
    tags: tuple[Tag, ...]
    scoring: Scoring = Scoring()
    compiled: CompiledRules = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.topics:
            raise ValueError("a taxonomy needs at least one topic")
        object.__setattr__(self, "compiled", CompiledRules(self.topics, self.tags, self.scoring))

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
        """The topic ids, in the order of topics.yml."""
        return tuple(t.id for t in self.topics)

    @property
    def tag_ids(self) -> tuple[str, ...]:
        """The tag ids, in the order of tags.yml."""
        return tuple(t.id for t in self.tags)

    def topic(self, topic_id: str) -> Topic:
        """The topic with this id (``KeyError`` if there is none)."""
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise KeyError(topic_id)

    def tag(self, tag_id: str) -> Tag:
        """The tag with this id (``KeyError`` if there is none)."""
        for t in self.tags:
            if t.id == tag_id:
                return t
        raise KeyError(tag_id)


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
        raise TaxonomyError(path, err.message, f"line {err.line}", err.line) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        problem = getattr(err, "problem", None) or str(err)
        raise TaxonomyError(path, f"invalid YAML: {problem}", where, mark.line + 1 if mark is not None else None) from None


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


def load_taxonomy(data_dir: Path | str) -> Taxonomy:
    """Shorthand for :meth:`Taxonomy.load`."""
    return Taxonomy.load(data_dir)
