"""QB2xx, the YAML front matter: presence, syntax, fields, types, vocabularies, and the
file's place agreeing with its topic and title."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import yaml

from .. import safeyaml
from ..bank import DIFFICULTIES, STATUSES, slugify
from ..bankfile import FrontMatterError, split_front_matter
from ..frontmatter import FIELD_ORDER, expected, schema_errors
from .context import Context
from .doc import MAX_BYTES, Doc, did_you_mean, is_str_list, list_field, quote
from .files import CONTROL
from .problems import CODES

ID_RE = re.compile(r"q-[0-9a-f]{7}")
KNOWN_FLAGS = ("garbled-formula", "unbalanced-math")
MAX_TAGS = 5
MAX_TITLE = 300
NOTEBOOK_RE = re.compile(r"notebooks/[A-Za-z0-9][A-Za-z0-9._-]*\.ipynb")
HTML_IN_TEXT = re.compile(r"<[A-Za-z/!?]")
REDIRECT_RE = re.compile(r"questions/[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*\.md")


def _yaml_problem(err: yaml.MarkedYAMLError, pos: Callable[[Any], tuple[int, int]]) -> tuple[tuple[int, int], str, str]:
    """(where, message, hint) for a YAML syntax error, in words and with the hint of its case."""
    context, problem = err.context or "", err.problem or ""
    opened = pos(err.context_mark) if err.context_mark is not None else None
    found = pos(err.problem_mark) if err.problem_mark is not None else (2, 1)
    if "flow sequence" in context and opened:
        return opened, (f"the list opened with '[' at {opened[0]}:{opened[1]} is never closed "
                        f"(the YAML parser gave up at {found[0]}:{found[1]})"), \
            "close the list with ']' on the same line, e.g. tags: [a, b], or write one '- item' per line"
    if "flow mapping" in context and opened:
        return opened, f"the '{{' at {opened[0]}:{opened[1]} is never closed by '}}'", \
            "close it with '}', or quote the value if the braces are part of the text"
    if "quoted scalar" in context and opened:
        return opened, f"the quoted value opened at {opened[0]}:{opened[1]} is never closed", \
            "end the value with the same quote mark it starts with (\" or ')"
    if "mapping values are not allowed" in problem:
        return found, "a value contains ': ', which YAML reads as a new field", \
            "quote the whole value: title: \"What is X: a definition?\""
    m = re.search(r"found character '(.+?)' that cannot start any token", problem)
    if m:
        ch = m.group(1)
        if ch in ("\\t", "\t"):
            return found, "a tab character in the front matter", "indent with spaces, never tabs"
        return found, f"a value starts with '{ch}', which YAML reserves", f"quote the value: \"{ch}...\""
    if "could not find expected ':'" in problem and opened:
        return opened, f"line {opened[0]} is not a 'field: value' line", \
            "write each field as field: value; indent a list item as '- item' under its field"
    what = " ".join(x for x in (context, problem) if x)
    return found, f"front matter is not valid YAML: {what}", CODES["QB203"][1]


def parse_front_matter(doc: Doc) -> bool:
    """Split and parse the YAML.  Returns False when there is no front matter at all."""
    try:
        split = split_front_matter(doc.text)
    except FrontMatterError as err:
        doc.add("QB201" if err.kind == "missing" else "QB202", (err.line, 1), err.message)
        return False
    doc.fm_offset, doc.body_offset, doc.body = split.yaml_offset, split.body_offset, split.body
    source = split.yaml
    try:
        safeyaml.check(source, MAX_BYTES)
    except safeyaml.YamlLimitError as err:
        doc.add("QB224", (err.line + 1, err.column) if err.line > 1 or err.column > 1 else (2, 1), err.message)
        return True
    try:
        loader = yaml.CSafeLoader(source) if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader(source)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        where, message, hint = _yaml_problem(err, lambda mark: doc.pos(4 + mark.index))
        doc.add("QB203", where, message, hint)
        return True
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as err:  # constructor errors
        doc.add("QB203", (2, 1), f"front matter is not valid YAML: {err}")
        return True
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        doc.add("QB204", (2, 1), f"front matter must be a mapping of fields, not {type(data).__name__}")
        return True
    doc.node, doc.meta = node, data
    seen: dict[str, yaml.Node] = {}
    for k, _v in node.value:
        if isinstance(k, yaml.ScalarNode):
            if k.value in seen:
                first = doc.node_pos(seen[k.value])[0]
                doc.add("QB208", doc.node_pos(k), f"field '{k.value}' appears twice (first on line {first})")
            seen[k.value] = k
    return True


def check_fields(doc: Doc, ctx: Context) -> None:
    """Required fields, types, unknown keys and the controlled vocabularies."""
    meta = doc.meta
    if meta is None:
        return
    def wrong(key: str, expected: str) -> None:
        value = meta[key]
        doc.add("QB206", doc.field_pos(key), f"'{key}' must be {expected}, not {type(value).__name__} "
                f"{safeyaml.short_repr(value)}",
                "quote text values (\"...\"); lists are '- item' lines under the field" if expected.startswith("a list")
                else "quote the value (\"...\") so YAML reads it as text")

    for err in schema_errors(meta):
        if err.kind == "missing":
            doc.add("QB205", (1, 1), f"required field '{err.field}' is missing")
        elif err.kind == "unknown":
            knode, _ = doc.field_node(err.field)
            doc.add("QB207", doc.node_pos(knode), f"unknown field '{err.field}'",
                    f"{did_you_mean(err.field, FIELD_ORDER)}fields: {', '.join(FIELD_ORDER)}")
        elif err.field != "reviewed":  # check_reviewed says what is wrong with a date
            wrong(err.field, expected(err.field))
    if "reviewed" in meta:
        check_reviewed(doc, meta["reviewed"])
    redirects = meta.get("redirect_from")
    if is_str_list(redirects):
        for i, old in enumerate(redirects):
            if not REDIRECT_RE.fullmatch(old):
                doc.add("QB223", doc.field_pos("redirect_from", i),
                        f"redirect_from entry {quote(old)} is not a bank path like questions/<topic>/<slug>.md")
            elif old == doc.docs_rel:
                doc.add("QB223", doc.field_pos("redirect_from", i), "redirect_from names this file itself")
            elif (ctx.docs / old).exists():
                doc.add("QB223", doc.field_pos("redirect_from", i),
                        f"redirect_from names docs/{old}, which exists: a page cannot be both there and redirected")

    check_values(doc, meta)
    qid = meta.get("id")
    if isinstance(qid, str) and not ID_RE.fullmatch(qid):
        doc.add("QB209", doc.field_pos("id"), f"id {quote(qid)} is not of the form q-1a2b3c4")
    title = meta.get("title")
    if isinstance(title, str):
        if not title.strip():
            doc.add("QB221", doc.field_pos("title"), "title is empty")
        elif len(title) > MAX_TITLE:
            doc.add("QB221", doc.field_pos("title"), f"title is {len(title)} characters long (at most {MAX_TITLE})")
        elif "\n" in title.strip():
            doc.add("QB221", doc.field_pos("title"), "title spans several lines")
        elif HTML_IN_TEXT.search(title):
            doc.add("QB221", doc.field_pos("title"), "the title contains HTML markup; titles are plain text everywhere")
    for i, alias in enumerate(list_field(meta, "aliases")):
        if isinstance(alias, str) and HTML_IN_TEXT.search(alias):
            doc.add("QB221", doc.field_pos("aliases", i), "an alias contains HTML markup; aliases are plain text")
    topic = meta.get("topic")
    if isinstance(topic, str) and ctx.vocabulary_known and topic not in ctx.topics:
        doc.add("QB211", doc.field_pos("topic"), f"unknown topic '{topic}'",
                f"{did_you_mean(topic, ctx.topics)}topics: {', '.join(sorted(ctx.topics))}")
    tags = meta.get("tags")
    if is_str_list(tags):
        if not 1 <= len(tags) <= MAX_TAGS:
            doc.add("QB217", doc.field_pos("tags"), f"{len(tags)} tags; give 1 to {MAX_TAGS}")
        seen: set[str] = set()
        for i, tag in enumerate(tags):
            if ctx.vocabulary_known and tag not in ctx.tags:
                doc.add("QB212", doc.field_pos("tags", i), f"unknown tag '{tag}'",
                        f"{did_you_mean(tag, ctx.tags)}tags are the ids in data/tags.yml")
            elif tag in seen:
                doc.add("QB217", doc.field_pos("tags", i), f"tag '{tag}' is listed twice")
            seen.add(tag)
    difficulty = meta.get("difficulty")
    if isinstance(difficulty, str) and difficulty not in DIFFICULTIES:
        doc.add("QB213", doc.field_pos("difficulty"), f"difficulty '{difficulty}' is not one of {', '.join(DIFFICULTIES)}")
    status = meta.get("status")
    if isinstance(status, str) and status not in STATUSES:
        doc.add("QB214", doc.field_pos("status"), f"status '{status}' is not one of {', '.join(STATUSES)}")
    notebooks = meta.get("notebooks")
    if is_str_list(notebooks):
        for i, nb in enumerate(notebooks):
            if not NOTEBOOK_RE.fullmatch(nb):
                doc.add("QB218", doc.field_pos("notebooks", i), f"notebook path {quote(nb)} is not notebooks/<name>.ipynb")
            elif not (ctx.docs / nb).is_file():
                doc.add("QB218", doc.field_pos("notebooks", i), f"notebook docs/{nb} does not exist")
    flags = meta.get("flags")
    if is_str_list(flags):
        for i, flag in enumerate(flags):
            if flag not in KNOWN_FLAGS:
                doc.add("QB219", doc.field_pos("flags", i), f"unknown flag '{flag}' (known: {', '.join(KNOWN_FLAGS)})")
    check_origins(doc, ctx)
    check_path_matches(doc, ctx)


def check_values(doc: Doc, meta: dict) -> None:
    """Invisible characters hidden in YAML escapes ("\u202e", "\x07") are as bad as raw ones."""
    def walk(value: Any, key: str, index: int | None, depth: int = 0) -> None:
        if isinstance(value, str):
            m = CONTROL.search(value)
            if m:
                doc.add("QB103", doc.field_pos(key, index),
                        f"control character U+{ord(m.group()):04X} in the value of '{key}' (written as a YAML escape)")
        elif isinstance(value, list) and depth < 3:
            for i, item in enumerate(value[:200]):
                walk(item, key, i if depth == 0 else index, depth + 1)
        elif isinstance(value, dict) and depth < 3:
            for item in list(value.values())[:50]:
                walk(item, key, index, depth + 1)

    for key, value in list(meta.items())[:100]:
        walk(value, str(key), None)


def check_reviewed(doc: Doc, value: Any) -> None:
    """``reviewed:`` is a real calendar date, not in the future (YAML reads 2026-12-02 as a date)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        day = value
    elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            doc.add("QB222", doc.field_pos("reviewed"), f"reviewed: {value} is not a calendar date")
            return
    else:
        doc.add("QB222", doc.field_pos("reviewed"), f"reviewed must be a date like 2026-12-02, not {quote(value, 40)}")
        return
    if day > datetime.date.today() + datetime.timedelta(days=1):
        doc.add("QB222", doc.field_pos("reviewed"), f"reviewed: {day.isoformat()} is in the future")


def check_origins(doc: Doc, ctx: Context) -> None:
    """Origins carry provenance to the sources page; a typo would misattribute a question."""
    assert doc.meta is not None
    origins = doc.meta.get("origins")
    if not isinstance(origins, list):
        return
    for i, o in enumerate(origins):
        where = doc.field_pos("origins", i)
        if not isinstance(o, dict):
            doc.add("QB220", where, "each origin must be a mapping with source, seed, line and question")
            continue
        missing = [k for k in ("source", "seed", "line", "question") if k not in o]
        extra = [str(k) for k in o if k not in ("source", "seed", "line", "question")]
        if missing or extra:
            doc.add("QB220", where, "origin " + "; ".join(
                ([f"lacks {', '.join(missing)}"] if missing else []) + ([f"has unknown {', '.join(extra)}"] if extra else [])))
            continue
        src = o["source"]
        if not isinstance(src, str) or src not in ctx.sources:
            doc.add("QB220", where, f"origin source {quote(src)} is not in seeds/sources.yml")
        elif o["seed"] != ctx.sources[src].seed:
            doc.add("QB220", where, f"origin seed {quote(o['seed'])} is not the seed of {src} ({ctx.sources[src].seed})")
        if not isinstance(o["line"], int) or isinstance(o["line"], bool) or o["line"] < 1:
            doc.add("QB220", where, f"origin line {quote(o['line'])} is not a positive line number")
        if not isinstance(o["question"], str):
            doc.add("QB220", where, "origin question must be text")


def check_path_matches(doc: Doc, ctx: Context) -> None:
    """The URL is derived from the path, the path from topic and title: keep them in step.

    The file name may be the slug of the title, of an alias or of an original phrasing
    (origins), optionally followed by ``-<id without q->`` (how the importer breaks ties),
    so that fixing a typo in a title never forces a new URL.
    """
    meta = doc.meta
    assert meta is not None
    parts = doc.docs_rel.split("/") if doc.docs_rel else []
    if len(parts) != 3 or parts[0] != "questions" or parts[2] == "index.md":
        return
    topic, title, qid = meta.get("topic"), meta.get("title"), meta.get("id")
    if isinstance(topic, str) and topic in ctx.topics and parts[1] != topic:
        doc.add("QB215", doc.field_pos("topic"), f"topic is '{topic}' but the file is in docs/questions/{parts[1]}/",
                f"move it: git mv docs/{doc.docs_rel} docs/questions/{topic}/{parts[2]} (or fix the topic)")
    if not isinstance(title, str) or not title.strip():
        return
    stem = parts[2][:-3]
    phrasings = [title]
    phrasings += [a for a in list_field(meta, "aliases") if isinstance(a, str)]
    phrasings += [o["question"] for o in list_field(meta, "origins") if isinstance(o, dict) and isinstance(o.get("question"), str)]
    allowed = set()
    for p in phrasings:
        s = slugify(p)
        allowed.add(s)
        if isinstance(qid, str) and ID_RE.fullmatch(qid):
            allowed.add(f"{s}-{qid[2:]}")
    if stem not in allowed:
        want = slugify(title)
        doc.add("QB216", doc.field_pos("title"), f"file name '{stem}.md' does not match the title (expected '{want}.md')",
                f"git mv docs/{doc.docs_rel} docs/questions/{parts[1]}/{want}.md")
