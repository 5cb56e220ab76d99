"""``qbank validate``: every problem in the bank, located, in one run.

Why this exists: after the first import the bank is edited by people, through pull
requests, often in GitHub's web editor.  A contributor must learn *everything* that is
wrong with their file from one run, each problem pinned to ``path:line:col`` with a code
and a one-line hint, and the site must never publish a file that would render wrong or
carry active content.  The same checks run in ``make validate``, in pre-commit, in CI
(``--format github`` turns them into inline annotations) and at the start of every build.

Output, one problem per entry::

    docs/questions/foundations/what-is-x.md:7:1: QB212 unknown tag 'dropuot'
      hint: did you mean 'dropout'? tags come from data/tags.yml

Codes are grouped by family (:data:`CODES` has each code's name and hint; CONTRIBUTING.md
summarises the families):

* QB1xx the file itself: encoding, invisible characters, size, location
* QB2xx the YAML front matter: presence, syntax, fields, types, vocabularies
* QB3xx answers: attribution, status vs content, heading structure
* QB4xx math (parsed by the KaTeX the site ships) and diagrams
* QB5xx raw HTML and active content
* QB6xx links and images
* QB7xx the bank as a whole: near-duplicate questions, cross references

Checks are pure functions over a parsed :class:`Doc`, one per family; cross-file checks
(ids, near-duplicates, link targets) always see the whole bank even when only some
files are being validated (``qbank validate PATH``), and only the selected files'
problems are reported.  Nothing here raises on bad input: a file that cannot be
parsed yields problems, never an exception (fuzzed in tests/test_validate.py).
"""

from __future__ import annotations

import bisect
import datetime
import difflib
import html as _html
import json
import os
import posixpath
import re
import time
from collections import defaultdict
from itertools import combinations
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from rapidfuzz import fuzz

from .bank import DIFFICULTIES, FIELD_ORDER, PROJECT, QUESTIONS_DIR, STATUSES, parse_answers, slugify
from .classify import Taxonomy
from .dedupe import BLOCK_TOKENS, MAX_POSTING, MERGE_THRESHOLD, Overrides, question_key, question_shape
from .dedupe import _unmatched_words
from . import safeyaml
from .bankfile import ANSWER_HEADING, HEADING, FrontMatterError, mask, split_front_matter
from .bankfile import blank as _blank
from .source import Source, SourceError, load_sources

__all__ = [
    "CODES",
    "MAX_BYTES",
    "Problem",
    "Report",
    "closest_questions",
    "format_github",
    "format_text",
    "validate",
    "validate_text",
]

# -- the catalogue of problems ------------------------------------------------------------

CODES: dict[str, tuple[str, str]] = {
    # code: (short name, default one-line hint)
    "QB101": ("not-utf8", "save the file as UTF-8 (in most editors: Save with Encoding > UTF-8)"),
    "QB102": ("byte-order-mark", "save as UTF-8 *without* BOM; the file must start with '---'"),
    "QB103": ("control-character", "delete the invisible character (often pasted from a PDF or a word processor)"),
    "QB104": ("crlf-line-endings", "save with LF (Unix) line endings; git: `git config core.autocrlf input`"),
    "QB105": ("mojibake", "the text was decoded with the wrong encoding; retype the garbled characters"),
    "QB106": ("file-too-large", "keep a question under the limit: shorten it or link to a notebook"),
    "QB107": ("misplaced-file", "bank files live at docs/questions/<topic>/<slug>.md; use `qbank new` to create one"),
    "QB108": ("symbolic-link", "commit the file itself: a link could publish anything on the build machine (its environment, /etc/passwd)"),
    "QB109": ("file-type-not-allowed", "docs/ holds Markdown pages, docs/questions/**.md, docs/notebooks/*.ipynb and images "
              "(png, jpg, gif, webp) under docs/assets/images/; HTML, SVG and other files can carry script"),
    "QB201": ("no-front-matter", "the file must start with a '---' line, the YAML fields, then a closing '---' line"),
    "QB202": ("front-matter-not-closed", "end the front matter with a line holding only '---'"),
    "QB203": ("yaml-syntax", "quote values that contain ': ' or start with a special character (\"...\")"),
    "QB204": ("front-matter-not-mapping", "the front matter is a list of `field: value` lines"),
    "QB205": ("missing-field", "add the field; see CONTRIBUTING.md for the format"),
    "QB206": ("wrong-type", "see CONTRIBUTING.md for the type of each field"),
    "QB207": ("unknown-field", "remove the field or fix its spelling"),
    "QB208": ("duplicate-field", "keep one of the two; YAML silently uses the last"),
    "QB209": ("bad-id", "ids look like q-1a2b3c4 ('q-' and 7 lowercase hex digits); `qbank new` makes one"),
    "QB210": ("duplicate-id", "every question needs its own id; run `qbank new` to get a fresh one"),
    "QB211": ("unknown-topic", "topics are the ids in data/topics.yml"),
    "QB212": ("unknown-tag", "tags are the ids in data/tags.yml"),
    "QB213": ("bad-difficulty", "difficulty is one of: easy, medium, hard"),
    "QB214": ("bad-status", "status is one of: answered, unanswered"),
    "QB215": ("wrong-folder", "move the file into the folder named after its topic (git mv)"),
    "QB216": ("wrong-file-name", "rename the file (git mv) to the slug of its title"),
    "QB217": ("bad-tag-list", "give 1 to 5 different tags"),
    "QB218": ("bad-notebook", "notebooks are paths like notebooks/<name>.ipynb relative to docs/, and must exist"),
    "QB219": ("unknown-flag", "flags are set by the importer; remove it"),
    "QB220": ("bad-origin", "origins are written by `qbank import`; leave them as they were (or [] for a new question)"),
    "QB221": ("bad-title", "the title is the question itself, on one line"),
    "QB222": ("bad-reviewed-date", "write the date of the review as YYYY-MM-DD, e.g. reviewed: 2026-12-02"),
    "QB224": ("yaml-limit", "write the front matter out in full: YAML anchors and aliases (&a, *a) are not allowed"),
    "QB223": ("bad-redirect", "redirect_from lists old bank paths (questions/<topic>/<slug>.md) that no file uses any more"),
    "QB301": ("answered-without-answer", "write an answer under '## Answer (source: community)', or set `status: unanswered`"),
    "QB302": ("unanswered-with-answer", "set `status: answered`"),
    "QB303": ("malformed-answer-heading", "an answer heading is exactly: ## Answer (source: community)"),
    "QB304": ("unknown-answer-source", "use `community` (or `community @your-github-handle`), `project` (the site's editors) "
              "or a source id from seeds/sources.yml, optionally followed by ', edited'"),
    "QB305": ("unattributed-text", "put the text under an answer heading: ## Answer (source: community)"),
    "QB306": ("empty-answer", "write the answer under the heading, or delete the heading"),
    "QB307": ("h1-in-body", "the page title comes from `title:`; use ### for sub-headings inside an answer"),
    "QB308": ("heading-skips-level", "inside an answer use ###, then ####; do not skip a level"),
    "QB309": ("attribution-mismatch", "an answer under a source's id must be that source's text as imported; if you changed it, "
              "head it '## Answer (source: ID, edited)' (and say what changed in an Editor's note), or attribute your own "
              "text to `community`"),
    "QB311": ("heading-ends-answer", "a '## ' heading ends the answer (the study card stops there); use '### ' inside an answer"),
    "QB310": ("not-from-this-source", "only a source this question was imported from (see `origins:`) can be credited; "
              "attribute your own text to `community`"),
    "QB401": ("unbalanced-math", "close the formula: \\( ... \\) inline, \\[ ... \\] on its own line"),
    "QB402": ("katex-error", "the formula must be valid KaTeX (https://katex.org/docs/supported); escape _ in \\text{} as \\_"),
    "QB403": ("katex-unavailable", "run `make setup` (installs Node's KaTeX, the version the site ships)"),
    "QB411": ("unclosed-fence", "close the code block with a line of ``` (as many backticks as the opening line)"),
    "QB412": ("unknown-diagram-type", "start the mermaid block with a diagram type, e.g. `graph LR` or `sequenceDiagram`"),
    "QB413": ("empty-diagram", "write the diagram inside the ```mermaid block, or remove the block"),
    "QB501": ("active-content", "scripts, styles, frames, forms and embedded objects are never allowed; use Markdown"),
    "QB502": ("event-handler", "event-handler attributes (onclick, onerror, ...) are never allowed"),
    "QB503": ("dangerous-url", "javascript:, vbscript: and data: URLs are never allowed; link with https:// or a relative path"),
    "QB504": ("html-tag-not-allowed", "use Markdown; the few allowed tags are listed in CONTRIBUTING.md"),
    "QB505": ("inline-style", "inline styles are not allowed; the site's theme does the styling"),
    "QB506": ("html-attribute-not-allowed", "allowed attributes: href, src, alt, title, width, height, colspan, rowspan, align, open"),
    "QB507": ("class-not-allowed", "the site's own classes (md-*, qb-*) are reserved, except md-button and md-button--primary; "
              "other classes are fine"),
    "QB508": ("notebook-output-not-allowed", "notebook outputs may be text, images (PNG/JPEG) and errors; re-run the cell so it "
              "prints text or plots instead of HTML, Markdown, SVG or JavaScript"),
    "QB801": ("bad-data-file", "fix the entry named in the message; the file's header comment says how entries are written"),
    "QB601": ("broken-link", "link to an existing .md file, relative to this file (e.g. ../topic/slug.md)"),
    "QB602": ("missing-anchor", "the #anchor must be a heading on the target page (answers are #answer-1, #answer-2, ...)"),
    "QB603": ("non-http-link", "external links must start with https:// (or http://)"),
    "QB604": ("missing-image", "add the image under docs/assets/images/ and link it relatively"),
    "QB605": ("image-without-alt", "describe the image in the brackets: ![what it shows](path.png)"),
    "QB606": ("absolute-path-link", "use a path relative to this file (the site is not served from the domain root)"),
    "QB607": ("remote-image", "the site works offline and loads nothing from other hosts: commit the image under docs/assets/images/"),
    "QB608": ("link-to-url-not-file", "link to the page's .md file, e.g. ../topic/slug.md (MkDocs turns it into the URL)"),
    "QB701": ("near-duplicate", "answer the existing question instead, or list its id under `distinct_from:` if they differ"),
    "QB702": ("unknown-distinct-from", "distinct_from lists ids of other questions in the bank"),
}

MAX_BYTES = 64 * 1024
NOTEBOOK_MAX_BYTES = 4 * 1024 * 1024
ID_RE = re.compile(r"q-[0-9a-f]{7}")
REQUIRED = ("id", "title", "topic", "tags", "difficulty", "status")
KNOWN_FIELDS = frozenset(FIELD_ORDER)
KNOWN_FLAGS = ("garbled-formula", "unbalanced-math")
MAX_TAGS = 5
MAX_TITLE = 300
NOTEBOOK_RE = re.compile(r"notebooks/[A-Za-z0-9][A-Za-z0-9._-]*\.ipynb")
# `community`, or `community @handle` (GitHub user-name rules): credit without a new source.
HTML_IN_TEXT = re.compile(r"<[A-Za-z/!?]")
REDIRECT_RE = re.compile(r"questions/[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*\.md")
COMMUNITY_RE = re.compile(r"community(?: @[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})?")
MAX_PER_CODE = 20  # per file: the first 20 control characters say enough

# Mermaid 11 diagram types (the first word of a diagram).
MERMAID_TYPES = frozenset("""
graph flowchart flowchart-elk sequenceDiagram classDiagram classDiagram-v2 stateDiagram stateDiagram-v2
erDiagram journey gantt pie quadrantChart requirementDiagram requirement gitGraph C4Context C4Container
C4Component C4Dynamic C4Deployment mindmap timeline zenuml sankey sankey-beta xychart xychart-beta block
block-beta packet packet-beta kanban architecture architecture-beta radar-beta treemap treemap-beta info
""".split())

# Raw HTML: a small safe list.  Everything else is either active content (QB501) or
# merely not allowed (QB504).  The build sanitizes independently (qbank.site.sanitize).
SAFE_TAGS = frozenset("""
a abbr b blockquote br caption cite code dd del details dfn div dl dt em figcaption figure h3 h4 h5 h6 hr i
img ins kbd li mark ol p pre q s samp small span strong sub summary sup table tbody td tfoot th thead tr u
ul var
""".split())
ACTIVE_TAGS = frozenset("""
script style iframe frame frameset object embed applet base link meta form input button textarea select
option svg math template noscript portal xmp plaintext noembed noframes audio video source track canvas
dialog slot
""".split())
SAFE_ATTRS: dict[str, frozenset[str]] = {
    "*": frozenset({"title", "markdown", "lang", "dir"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align"}),
    "details": frozenset({"open"}),
    "ol": frozenset({"start", "type"}),
}
URL_ATTRS = frozenset({"href", "src"})
DANGEROUS_SCHEMES = frozenset({"javascript", "vbscript", "data"})

# pymdownx.arithmatex's own patterns (generic mode, smart dollars), so what we parse is
# exactly what the build renders.
_RE_DOLLAR_BLOCK = r"(?P<dollar>[$]{2})(?P<math>(?:\\.|[^\\])+?)(?P=dollar)"
_RE_TEX_BLOCK = r"(?P<math2>\\begin\{(?P<env>[a-z]+\*?)\}(?:\\.|[^\\])+?\\end\{(?P=env)\})"
_RE_BRACKET_BLOCK = r"\\\[(?P<math3>(?:\\[^\]]|[^\\])+?)\\\]"
_RE_SMART_DOLLAR_INLINE = r"(?:(?<!\\)((?:\\{2})+)(?=\$)|(?<!\\)(\$)(?!\s)((?:\\.|[^\\$])+?)(?<!\s)(?:\$))"
_RE_BRACKET_INLINE = r"(?:(?<!\\)((?:\\{2})+?)(?=\\\()|(?<!\\)(\\\()((?:\\[^)]|[^\\])+?)(?:\\\)))"
MATH_BLOCK = re.compile(f"(?:{_RE_DOLLAR_BLOCK})|(?:{_RE_BRACKET_BLOCK})|(?:{_RE_TEX_BLOCK})", re.S)
MATH_INLINE = re.compile(f"(?:{_RE_SMART_DOLLAR_INLINE}|{_RE_BRACKET_INLINE})", re.S)
MATH_LEFTOVER = re.compile(r"(?<!\\)(\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{[a-z]+\*?\}|\\end\{[a-z]+\*?\})")
# A lone `$` that no `$` closes, followed by TeX in its first word ("the $p\% smallest",
# "$x_i is"): arithmatex leaves it as raw text.  A price ("costs $5 and $10") starts with a
# digit and a lone `$HOME` has no TeX, so neither is reported.
LONE_DOLLAR = re.compile(r"(?<![\\$])\$(?![\s\d$])(?P<word>[^\s$]{1,40})")
TEX_IN_WORD = re.compile(r"\\[A-Za-z%&#{}_]|[_^{]")
# An unescaped \( inside what the inline pattern took as one formula.
NESTED_OPEN = re.compile(r"(?<!\\)(?:\\\\)*\\\(")

BLANK_LINE = re.compile(r"\n[ \t]*\n")
CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)")
LOOSE_ANSWER = re.compile(r" {0,3}#{1,6}[ \t]*answers?\b", re.I)
TAG_START = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
LINK_START = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(")
REF_DEF = re.compile(r"^ {0,3}\[(?!\^)([^\]\n]+)\]:[ \t]*(<[^>\n]*>|\S+)", re.M)
ATTR_BLOCK = re.compile(r"\{:?[ \t]*([^{}\n]*)\}")
ATTR_CLASS = re.compile(r"(?:^|[\s])\.([A-Za-z_][\w-]*)")
# Material's (md-*) and our (qb-*) classes drive layout: md-consent__overlay covers the page.
RESERVED_CLASS_PREFIXES = ("md-", "qb-")
ALLOWED_RESERVED_CLASSES = frozenset({"md-button", "md-button--primary"})
ATTR_LIST = re.compile(r"\{:?[ \t]*([^{}\n]*=[^{}\n]*)\}")
ATTR_PAIR = re.compile(r"([^\s=\"'{}]+)[ \t]*=[ \t]*(\"[^\"]*\"|'[^']*'|[^\s}]+)")
SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\ufeff\r]")
# UTF-8 read as Windows-1252 / Latin-1 ("Ã©", "â€™", "Â ") and the replacement character.
MOJIBAKE = re.compile(
    "Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
    "|Â[\u0080-\u00bf]|â€[\u0080-\u00bf\u0152\u0153\u2013-\u203a\u2122]|â‚¬|\ufffd"
)


# -- problems -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem.  ``line``/``col`` are 1-based; ``col`` counts characters."""

    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str = ""
    severity: str = "error"

    def format(self) -> str:
        head = f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"
        return head + (f"\n  hint: {self.hint}" if self.hint else "")

    def github(self) -> str:
        """A GitHub Actions workflow command: shows inline on the pull request's diff."""
        def prop(v: str) -> str:
            return v.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")

        def data(v: str) -> str:
            return v.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        name = CODES.get(self.code, ("", ""))[0]
        body = self.message + (f"\nhint: {self.hint}" if self.hint else "")
        return (f"::{self.severity} file={prop(self.path)},line={self.line},col={self.col},"
                f"title={prop(f'{self.code} {name}')}::{data(body)}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    problems: list[Problem]
    files: int  # files checked (the selection)
    seconds: float

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def format_text(report: Report) -> str:
    lines = [p.format() for p in report.problems]
    n_err = len(report.errors)
    if n_err:
        n_files = len({p.path for p in report.errors})
        lines.append(f"{n_err} error{'s' if n_err != 1 else ''} in {n_files} file{'s' if n_files != 1 else ''} "
                     f"({report.files} checked in {report.seconds:.2f} s)")
    else:
        lines.append(f"{report.files} file{'s' if report.files != 1 else ''} checked in {report.seconds:.2f} s: no problems")
    return "\n".join(lines) + "\n"


def format_github(report: Report) -> str:
    return "".join(p.github() + "\n" for p in report.problems) + format_text(report).splitlines()[-1] + "\n"


# -- the project's vocabularies -------------------------------------------------------------


@dataclass
class Context:
    """What every check needs to know about the project, loaded once per run."""

    root: Path
    docs: Path
    topics: set[str]
    tags: set[str]
    sources: dict[str, Source]
    keep_apart: list[list[str]]
    node_modules: Path
    generated: set[str] = field(default_factory=set)  # pages the build adds (set per run)
    data_problems: list[Problem] = field(default_factory=list)  # data/*.yml, seeds/sources.yml
    vocabulary_known: bool = True  # False when topics.yml/tags.yml are broken (QB801 says why)
    _docs_files: set[str] | None = None
    _imported: dict[tuple[str, int], str] | None = None

    def imported_answer(self, source: str, line: int) -> str | None:
        """The answer the seeds give for an origin, as ``qbank import`` writes it (extract +
        normalize, no dedupe), so an answer credited to a source can be checked against it.
        None when the seed cannot be read (``qbank import --check`` reports that)."""
        if self._imported is None:
            from .extract import extract_file
            from .pipeline import Project, normalize_records

            self._imported = {}
            project = Project(self.root)
            for src in self.sources.values():
                try:
                    records = normalize_records(extract_file(self.root / "seeds" / src.seed, src.id, src.format),
                                                project)
                except Exception:  # noqa: BLE001 - an unreadable seed or stale link data is import's error, not this file's
                    continue
                for r in records:
                    if r.answered:
                        self._imported[(r.source, r.line)] = r.answer.strip()
        return self._imported.get((source, line))

    @classmethod
    def load(cls, root: Path, docs: Path | None = None, taxonomy: Taxonomy | None = None) -> Context:
        """Load the vocabularies and sources.  A broken data file never raises: it becomes a
        QB801 problem (and empty vocabularies), so `qbank validate` and the build report it."""
        root = root.resolve()
        problems = check_data(root, taxonomy)
        topics: set[str] = set()
        tags: set[str] = set()
        if taxonomy is not None:
            topics, tags = {t.id for t in taxonomy.topics}, {t.id for t in taxonomy.tags}
        elif not any(p.path.startswith("data/t") for p in problems):
            topics, tags = _vocabulary(root / "data")
        try:
            sources = {s.id: s for s in load_sources(root / "seeds" / "sources.yml")}
        except SourceError:
            sources = {}
        try:
            keep_apart = Overrides.load(root / "data" / "dedupe.yml").keep_apart
        except ValueError:
            keep_apart = []
        env = os.environ.get("QBANK_NODE_MODULES")
        return cls(
            root=root,
            docs=(docs or root / "docs").resolve(),
            topics=topics,
            tags=tags,
            sources=sources,
            keep_apart=keep_apart,
            node_modules=Path(env).expanduser() if env else root / "node_modules",
            data_problems=problems,
            vocabulary_known=bool(topics),
        )

    def docs_files(self) -> set[str]:
        """Every file under docs/ (posix, relative), for link and image targets."""
        if self._docs_files is None:
            found: set[str] = set()
            for folder, _dirs, files in os.walk(self.docs):
                rel = Path(folder).relative_to(self.docs).as_posix()
                for f in files:
                    found.add(f if rel == "." else f"{rel}/{f}")
            self._docs_files = found
        return self._docs_files

    def set_generated(self, docs: Iterable[Doc]) -> None:
        """Pages the build adds (qbank.site.hooks.on_files): links to them are fine."""
        used = {t for d in docs for t in _list(d.meta, "tags") if isinstance(t, str)}
        pages = {"index.md", "questions/index.md", "tags/index.md", "unanswered.md", "sources.md"}
        pages |= {f"questions/{t}/index.md" for t in self.topics}
        pages |= {f"tags/{t}.md" for t in used & self.tags}
        self.generated = pages


DATA_LINE = re.compile(r"\bline (\d+)\b")


def check_data(root: Path, taxonomy: Taxonomy | None = None) -> list[Problem]:
    """data/topics.yml, data/tags.yml, data/dedupe.yml and seeds/sources.yml, loaded the way the
    build loads them (full schema, YAML limits); each problem located at its file (and line,
    when the loader names one)."""
    problems: list[Problem] = []

    def add(path: str, err: Exception) -> None:
        text = str(err)
        for line in text.splitlines() or [text]:
            prefix = re.match(r"(?:[^:\n]*?" + re.escape(Path(path).name) + r")(?::(\d+))?:\s*", line)
            msg = line[prefix.end():] if prefix else line
            where = (prefix.group(1) if prefix and prefix.group(1) else None) or (
                m.group(1) if (m := DATA_LINE.search(line)) else None)
            problems.append(Problem(path, int(where) if where else 1, 1, "QB801", msg, CODES["QB801"][1]))

    if taxonomy is None:
        try:
            Taxonomy.load(root / "data")
        except (ValueError, OSError) as err:
            path = getattr(err, "path", "data/topics.yml")
            add(_under(Path(path).resolve(), root) or str(path), err)
    try:
        load_sources(root / "seeds" / "sources.yml")
    except SourceError as err:
        add("seeds/sources.yml", err)
    try:
        Overrides.load(root / "data" / "dedupe.yml")
    except ValueError as err:
        add("data/dedupe.yml", err)
    return problems


def _vocabulary(data: Path) -> tuple[set[str], set[str]]:
    """Topic and tag ids, read with the C YAML loader (the full Taxonomy, with its rules,
    takes ~0.3 s to load; validation only needs the ids).  A file that does not have the
    expected shape is handed to Taxonomy.load for its precise error message."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        topics = yaml.load((data / "topics.yml").read_text(encoding="utf-8"), Loader=loader)["topics"]
        tags = yaml.load((data / "tags.yml").read_text(encoding="utf-8"), Loader=loader)["tags"]
        return {str(t["id"]) for t in topics}, {str(t["id"]) for t in tags}
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        taxonomy = Taxonomy.load(data)
        return {t.id for t in taxonomy.topics}, {t.id for t in taxonomy.tags}


# -- one parsed file ------------------------------------------------------------------------


@dataclass
class Formula:
    offset: int  # in the file's text, at the opening delimiter
    tex: str
    display: bool


@dataclass
class Doc:
    """A bank file as the checks see it.  Offsets are into ``text`` (BOM and CRs removed)."""

    path: Path
    rel: str  # as printed: relative to the repository root
    docs_rel: str | None  # relative to docs/, posix; None outside docs/
    selected: bool = True
    text: str = ""
    line_starts: list[int] = field(default_factory=lambda: [0])
    meta: dict | None = None
    node: yaml.MappingNode | None = None
    fm_offset: int = 4  # where the YAML starts in text
    body: str = ""
    body_offset: int = 0
    masked: str = ""  # body with code, comments (and after math: formulas) blanked out
    formulas: list[Formula] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    _anchors: set[str] | None = None
    _phrases: list | None = None

    # positions
    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def add(self, code: str, where: int | tuple[int, int], message: str, hint: str | None = None) -> None:
        line, col = self.pos(where) if isinstance(where, int) else where
        if sum(1 for p in self.problems if p.code == code) >= MAX_PER_CODE:
            return
        self.problems.append(Problem(self.rel, line, col, code, message, CODES[code][1] if hint is None else hint))

    def node_pos(self, node: yaml.Node | None) -> tuple[int, int]:
        if node is None:
            return (1, 1)
        return self.pos(self.fm_offset + node.start_mark.index)

    def field_node(self, key: str) -> tuple[yaml.Node | None, yaml.Node | None]:
        """(key node, value node) of a top-level front matter field."""
        if self.node is None:
            return None, None
        found = (None, None)
        for k, v in self.node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                found = (k, v)
        return found

    def field_pos(self, key: str, index: int | None = None) -> tuple[int, int]:
        knode, vnode = self.field_node(key)
        if index is not None and isinstance(vnode, yaml.SequenceNode) and index < len(vnode.value):
            return self.node_pos(vnode.value[index])
        if vnode is not None and not (isinstance(vnode, yaml.ScalarNode) and vnode.value == ""):
            return self.node_pos(vnode)
        return self.node_pos(knode)

    @property
    def qid(self) -> str | None:
        v = (self.meta or {}).get("id")
        return v if isinstance(v, str) else None


def quote(value: Any, limit: int = 80) -> str:
    """The author's text as they typed it, for a message: 'like this', on one line.

    Never a Python repr (no doubled backslashes, no \\n); line breaks and runs of spaces
    become one space and a long value ends in an ellipsis.
    """
    flat = " ".join(str(value).split())
    if len(flat) > limit:
        flat = flat[:limit - 1].rstrip() + "…"
    return f"'{flat}'"


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


def _under(path: Path, folder: Path) -> str | None:
    """``path`` relative to ``folder`` (both absolute and resolved), posix; None if outside."""
    p, f = str(path), str(folder).rstrip(os.sep) + os.sep
    return p[len(f):].replace(os.sep, "/") if p.startswith(f) else None


# -- QB1xx: the file itself -----------------------------------------------------------------


def check_file(doc: Doc, raw: bytes, ctx: Context, location: bool = True) -> bool:
    """Encoding, invisible characters, size and location.  Returns False when the text
    cannot be decoded (nothing else can be checked then)."""
    if len(raw) > MAX_BYTES:
        doc.add("QB106", (1, 1), f"file is {len(raw) // 1024} KiB; the limit is {MAX_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        doc.problems.append(Problem(doc.rel, line, col, "QB101",
                                    f"not valid UTF-8: byte 0x{raw[err.start]:02x} cannot be decoded", CODES["QB101"][1]))
        return False
    if text.startswith("\ufeff"):
        doc.problems.append(Problem(doc.rel, 1, 1, "QB102", "file starts with a byte-order mark (BOM)", CODES["QB102"][1]))
        text = text[1:]
    crlf = text.find("\r\n")
    if crlf >= 0:
        line = text.count("\n", 0, crlf) + 1
        doc.problems.append(Problem(doc.rel, line, crlf - (text.rfind("\n", 0, crlf) + 1) + 1, "QB104",
                                    "Windows (CRLF) line endings", CODES["QB104"][1]))
        text = text.replace("\r\n", "\n")
    doc.text = text
    doc.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for m in CONTROL.finditer(text):
        ch = m.group()
        name = {"\r": "carriage return", "\ufeff": "zero-width no-break space (BOM)"}.get(ch, "")
        if not name and ("\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069"):
            name = "bidirectional override"
        doc.add("QB103", m.start(), f"control character U+{ord(ch):04X}{f' ({name})' if name else ''}")
    for m in MOJIBAKE.finditer(text):
        what = "replacement character U+FFFD (a character was lost)" if m.group() == "\ufffd" else quote(m.group())
        doc.add("QB105", m.start(), f"mojibake: {what}")
    if location:
        check_location(doc, ctx)
    return True


def check_location(doc: Doc, ctx: Context) -> None:
    """Only docs/questions/<topic>/<slug>.md is read as a question; anything else would be
    published as a stray page, or silently ignored."""
    parts = doc.docs_rel.split("/") if doc.docs_rel else []
    if len(parts) == 3 and parts[0] == QUESTIONS_DIR.as_posix() and parts[2].endswith(".md") and parts[2] != "index.md":
        return
    if parts[-1:] == ["index.md"] and len(parts) == 3:
        msg = f"docs/{doc.docs_rel} would replace the generated topic page"
    else:
        msg = f"{doc.rel} is not where bank files live"
    doc.add("QB107", (1, 1), msg)


# -- QB2xx: the front matter ----------------------------------------------------------------


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


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def _list(meta: dict | None, key: str) -> list:
    """A front-matter list field, or [] when it is absent or not a list (reported elsewhere)."""
    value = (meta or {}).get(key)
    return value if isinstance(value, list) else []


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def check_fields(doc: Doc, ctx: Context) -> None:
    """Required fields, types, unknown keys and the controlled vocabularies."""
    meta = doc.meta
    if meta is None:
        return
    for key in REQUIRED:
        if key not in meta:
            doc.add("QB205", (1, 1), f"required field '{key}' is missing")
    for key in meta:
        if key not in KNOWN_FIELDS:
            knode, _ = doc.field_node(str(key))
            doc.add("QB207", doc.node_pos(knode), f"unknown field '{key}'",
                    f"{_did_you_mean(str(key), KNOWN_FIELDS)}fields: {', '.join(FIELD_ORDER)}")

    def wrong(key: str, expected: str) -> None:
        value = meta[key]
        doc.add("QB206", doc.field_pos(key), f"'{key}' must be {expected}, not {type(value).__name__} "
                f"{safeyaml.short_repr(value)}",
                "quote text values (\"...\"); lists are '- item' lines under the field" if expected.startswith("a list")
                else "quote the value (\"...\") so YAML reads it as text")

    for key in ("id", "title", "topic", "difficulty", "status", "import_digest"):
        if key in meta and not isinstance(meta[key], str):
            wrong(key, "text")
    for key in ("tags", "aliases", "notebooks", "flags", "distinct_from", "redirect_from"):
        if key in meta and meta[key] is not None and not _is_str_list(meta[key]):
            wrong(key, "a list of text values")
    if "reviewed" in meta:
        check_reviewed(doc, meta["reviewed"])
    redirects = meta.get("redirect_from")
    if _is_str_list(redirects):
        for i, old in enumerate(redirects):
            if not REDIRECT_RE.fullmatch(old):
                doc.add("QB223", doc.field_pos("redirect_from", i),
                        f"redirect_from entry {quote(old)} is not a bank path like questions/<topic>/<slug>.md")
            elif old == doc.docs_rel:
                doc.add("QB223", doc.field_pos("redirect_from", i), "redirect_from names this file itself")
            elif (ctx.docs / old).exists():
                doc.add("QB223", doc.field_pos("redirect_from", i),
                        f"redirect_from names docs/{old}, which exists: a page cannot be both there and redirected")
    if "origins" in meta and meta["origins"] is not None and not isinstance(meta["origins"], list):
        wrong("origins", "a list of {source, seed, line, question}")

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
    for i, alias in enumerate(_list(meta, "aliases")):
        if isinstance(alias, str) and HTML_IN_TEXT.search(alias):
            doc.add("QB221", doc.field_pos("aliases", i), "an alias contains HTML markup; aliases are plain text")
    topic = meta.get("topic")
    if isinstance(topic, str) and ctx.vocabulary_known and topic not in ctx.topics:
        doc.add("QB211", doc.field_pos("topic"), f"unknown topic '{topic}'",
                f"{_did_you_mean(topic, ctx.topics)}topics: {', '.join(sorted(ctx.topics))}")
    tags = meta.get("tags")
    if _is_str_list(tags):
        if not 1 <= len(tags) <= MAX_TAGS:
            doc.add("QB217", doc.field_pos("tags"), f"{len(tags)} tags; give 1 to {MAX_TAGS}")
        seen: set[str] = set()
        for i, tag in enumerate(tags):
            if ctx.vocabulary_known and tag not in ctx.tags:
                doc.add("QB212", doc.field_pos("tags", i), f"unknown tag '{tag}'",
                        f"{_did_you_mean(tag, ctx.tags)}tags are the ids in data/tags.yml")
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
    if _is_str_list(notebooks):
        for i, nb in enumerate(notebooks):
            if not NOTEBOOK_RE.fullmatch(nb):
                doc.add("QB218", doc.field_pos("notebooks", i), f"notebook path {quote(nb)} is not notebooks/<name>.ipynb")
            elif not (ctx.docs / nb).is_file():
                doc.add("QB218", doc.field_pos("notebooks", i), f"notebook docs/{nb} does not exist")
    flags = meta.get("flags")
    if _is_str_list(flags):
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
    phrasings += [a for a in _list(meta, "aliases") if isinstance(a, str)]
    phrasings += [o["question"] for o in _list(meta, "origins") if isinstance(o, dict) and isinstance(o.get("question"), str)]
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


# -- the body: code, comments, headings ----------------------------------------------------


@dataclass
class Fence:
    start: int  # offset of the opening line in text
    end: int  # offset just past the closing line (or end of text)
    info: str
    content: str
    content_offset: int
    closed: bool


def scan_body(doc: Doc) -> list[Fence]:
    """Find fenced code blocks and blank out code and comments in ``doc.masked``."""
    body, base = doc.body, doc.body_offset
    lines = body.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    masked, blocks = mask(body)
    fences = [Fence(base + starts[b.start], base + starts[b.stop - 1] + len(lines[b.stop - 1]), b.fence.info.strip(),
                    "\n".join(lines[k] for k in b.content).rstrip("\n"), base + starts[b.start + 1], b.closed)
              for b in blocks]
    # A backtick inside a tag (an attribute value) does not open a code span: Markdown reads
    # the tag as HTML first, so `<a title="`" onclick=...>` must not hide its handler.
    tags = [(t.offset, t.end) for t in _parse_tags(masked) if not t.closing]
    starts = [a for a, _ in tags]

    def code(m: re.Match[str]) -> str:
        k = bisect.bisect_right(starts, m.start()) - 1
        if k >= 0 and tags[k][0] < m.start() < tags[k][1]:
            return m.group()
        return _blank(m.group())

    masked = CODE_SPAN.sub(code, masked)
    doc.masked = masked
    return fences


def check_answers(doc: Doc, ctx: Context, fences: Sequence[Fence] = ()) -> None:
    """Every answer is attributed; status agrees with the content; headings nest.

    The site turns each ``## Answer (source: ID)`` into "Answer N" with the source's
    attribution, so text outside such a section would be published without one.
    """
    base = doc.body_offset
    masked_lines = doc.masked.split("\n")
    body_lines = doc.body.split("\n")
    offset = 0
    in_answer = False
    section_start: int | None = None
    section_has_text = False
    prev_level = 1
    reported_outside = False
    prev_text = False
    sections: list[int] = []  # line index of every answer heading
    credited: list[tuple[str, bool, int, int]] = []  # (source, edited, offset, section number)

    def close_section() -> None:
        if section_start is not None and not section_has_text:
            doc.add("QB306", base + section_start, "this answer section is empty (comments do not count)")

    def in_code(at: int) -> bool:
        return any(f.start <= at < f.end for f in fences)

    for index, (masked, original) in enumerate(zip(masked_lines, body_lines)):
        h = HEADING.fullmatch(masked)
        if h:
            level = len(h.group(1))
            a = ANSWER_HEADING.match(original)
            if a:
                close_section()
                sid = a.group("source").strip()
                at = base + offset + original.index("(") + 9 if "(source: " in original else base + offset
                if sid not in ctx.sources and sid != PROJECT and not COMMUNITY_RE.fullmatch(sid):
                    doc.add("QB304", at, f"answer source '{sid}' is neither `community`, `project` nor a source in "
                            "seeds/sources.yml", f"{_did_you_mean(sid, [*ctx.sources, 'community', PROJECT])}{CODES['QB304'][1]}")
                elif a.group("edited") and sid not in ctx.sources:
                    doc.add("QB304", at, f"', edited' marks an imported source's text that an editor changed; '{sid}' is "
                            "not an imported source", f"write '## Answer (source: {sid})'")
                elif sid in ctx.sources:
                    credited.append((sid, bool(a.group("edited")), at, len(sections)))
                sections.append(index)
                in_answer, section_start, section_has_text, prev_level = True, offset, False, 2
            elif LOOSE_ANSWER.match(original):
                close_section()
                doc.add("QB303", base + offset, f"answer heading {quote(original.strip())} is not '## Answer (source: ID)'")
                in_answer, section_start, section_has_text, prev_level = True, None, True, 2
            else:
                if not in_answer and not reported_outside:
                    doc.add("QB305", base + offset, "heading before the first '## Answer (source: ...)' heading")
                    reported_outside = True
                if level == 1:
                    doc.add("QB307", base + offset, "level-1 heading in the body")
                elif level == 2 and in_answer:
                    doc.add("QB311", base + offset, f"'{original.strip()[:60]}' is a level-2 heading inside an answer: "
                            "the site and the study card end the answer there")
                elif level > prev_level + 1 and in_answer:
                    doc.add("QB308", base + offset, f"heading level {level} follows level {prev_level}")
                prev_level = level
                section_has_text = True
            prev_text = False
        else:
            stripped = masked.strip()
            if re.fullmatch(r"=+", stripped) and prev_text:
                doc.add("QB307", base + offset, "'===' underline makes the line above a level-1 heading")
            if stripped:
                if in_answer:
                    section_has_text = True
                elif not reported_outside:
                    doc.add("QB305", base + offset + (len(masked) - len(masked.lstrip())),
                            "text before the first '## Answer (source: ...)' heading has no attribution")
                    reported_outside = True
            elif original.strip() and in_code(base + offset):  # a code block (comments are not content)
                if in_answer:
                    section_has_text = True
                elif not reported_outside:
                    doc.add("QB305", base + offset, "code before the first '## Answer (source: ...)' heading has no attribution")
                    reported_outside = True
            prev_text = bool(stripped)
        offset += len(original) + 1
    close_section()
    check_credit(doc, ctx, credited, sections, body_lines)

    status = (doc.meta or {}).get("status")
    answers = parse_answers(doc.body)
    if status == "answered" and not answers:
        doc.add("QB301", doc.field_pos("status"), "status is 'answered' but the file has no answer")
    elif status == "unanswered" and answers:
        doc.add("QB302", doc.field_pos("status"), f"status is 'unanswered' but the file has {len(answers)} answer"
                f"{'s' if len(answers) != 1 else ''}")


def check_credit(doc: Doc, ctx: Context, credited: list[tuple[str, bool, int, int]], sections: list[int],
                 body_lines: list[str]) -> None:
    """An answer credited to an imported source is that source's text, or says it was edited.

    Otherwise a contributor's words could be published under a source's name (or a source's
    words changed without the reader being told).
    """
    origins = [o for o in _list(doc.meta, "origins") if isinstance(o, dict)]
    for sid, edited, at, n in credited:
        lines = [o.get("line") for o in origins if o.get("source") == sid and isinstance(o.get("line"), int)]
        if not lines:
            doc.add("QB310", at, f"this answer is credited to '{sid}', but the question was not imported from it")
            continue
        if edited:
            continue
        end = sections[n + 1] if n + 1 < len(sections) else len(body_lines)
        text = "\n".join(body_lines[sections[n] + 1:end]).strip()
        expected = [e for e in (ctx.imported_answer(sid, line) for line in lines) if e is not None]
        if expected and text not in expected:
            doc.add("QB309", at, f"this answer is credited to '{sid}' but is not its text as imported")


# -- QB4xx: math and diagrams --------------------------------------------------------------


def find_math(doc: Doc) -> None:
    """Collect formulas exactly as pymdownx.arithmatex sees them; report unbalanced ones.

    Afterwards the formulas are blanked out of ``doc.masked`` so HTML and link checks never
    mistake ``a<b`` inside math for a tag.
    """
    text = doc.masked
    base = doc.body_offset
    spans: list[tuple[int, int]] = []

    def block(m: re.Match[str]) -> str:
        if BLANK_LINE.search(m.group()):
            return m.group()
        tex = m.group("math") if m.group("math") is not None else (
            m.group("math3") if m.group("math3") is not None else m.group("math2"))
        if not _stands_alone(text, m.start(), m.end()):
            opener = m.group()[:2] if m.group("math2") is None else "\\begin"
            doc.add("QB401", base + m.start(), f"display math {opener} ... must be a block of its own: Markdown shows it "
                    "as raw text inside a paragraph or a list item's first lines",
                    "put a blank line before and after it; inside a list item, indent it like the item's text "
                    "(4 spaces per level)")
        doc.formulas.append(Formula(base + m.start(), tex, True))
        spans.append((m.start(), m.end()))
        return _blank(m.group())

    text = MATH_BLOCK.sub(block, text)

    def inline(m: re.Match[str]) -> str:
        if m.group(1) or m.group(4):  # escaped backslashes
            return m.group()
        if BLANK_LINE.search(m.group()):
            return m.group()
        tex = m.group(3) if m.group(3) is not None else m.group(6)
        nested = NESTED_OPEN.search(tex) if m.group(5) else None
        if nested:  # \( a ... \( b \): the first formula is never closed
            first, second = doc.pos(base + m.start()), doc.pos(base + m.start(6) + nested.end() - 2)
            doc.add("QB401", base + m.start(), f"unclosed \\( opened at {first[0]}:{first[1]}: the next \\( at "
                    f"{second[0]}:{second[1]} comes before any \\)",
                    "end the first formula with \\) where it ends")
        else:
            doc.formulas.append(Formula(base + m.start(), tex, False))
        return _blank(m.group())

    text = MATH_INLINE.sub(inline, text)
    for m in MATH_LEFTOVER.finditer(text):
        tok = m.group(1)
        closers = {"\\)": "\\(", "\\]": "\\["}
        if tok in closers:
            msg = f"'{tok}' closes no '{closers[tok]}'"
        elif tok.startswith("\\begin"):
            msg = f"'{tok}' has no matching '\\end{tok[6:]}'"
        elif tok.startswith("\\end"):
            msg = f"'{tok}' has no matching '\\begin{tok[4:]}'"
        else:
            close = {"\\(": "\\)", "\\[": "\\]", "$$": "$$"}[tok]
            line, col = doc.pos(base + m.start())
            msg = f"unclosed {tok} opened at {line}:{col}: no {close} closes it in the same paragraph"
        doc.add("QB401", base + m.start(), msg)
    for m in LONE_DOLLAR.finditer(text):
        if TEX_IN_WORD.search(m.group("word")):
            line, col = doc.pos(base + m.start())
            doc.add("QB401", base + m.start(), f"unclosed $ opened at {line}:{col} before {quote(m.group('word'), 30)}: "
                    "no $ closes it, so the formula shows as raw text",
                    "write inline math as \\( ... \\) (or close the $ ... $); a dollar sign that is not math is \\$")
    doc.masked = text


def _stands_alone(text: str, start: int, end: int) -> bool:
    """pymdownx.arithmatex reads display math only as a whole Markdown block: nothing but
    indentation before it on its line, a blank line (or the start) above, nothing after it
    on its closing line and a blank line (or the end) below."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False
    above = text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1:max(line_start - 1, 0)] if line_start else ""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if text[end:line_end].strip():
        return False
    below_end = text.find("\n", line_end + 1)
    below = text[line_end + 1:len(text) if below_end == -1 else below_end]
    return not above.strip() and not below.strip()


def check_math(docs: Sequence[Doc], ctx: Context, renderer: Any | None) -> None:
    """Parse every formula with the KaTeX the site ships, so what validates renders.

    KaTeX runs in the same persistent Node process as the build (qbank.site.math); its
    results are cached by (tex, display), so the build re-uses them.  A missing Node or
    KaTeX is an error, never a silent skip.
    """
    pending = [(d, f) for d in docs if d.selected for f in d.formulas]
    if not pending:
        return
    from .site.math import KatexError, KatexRenderer, MathToolError

    own = renderer is None
    if own:
        renderer = KatexRenderer(ctx.node_modules)
    try:
        for doc, f in pending:
            try:
                renderer.render(f.tex, f.display)
            except KatexError as err:
                doc.add("QB402", f.offset, f"KaTeX cannot parse {quote(f.tex.strip())}: {err.message}")
            except MathToolError as err:
                first = str(err).splitlines()[0]
                doc.add("QB403", f.offset, f"cannot check math: {first}")
                return
    finally:
        if own:
            renderer.close()


def check_fences(doc: Doc, fences: list[Fence]) -> None:
    """Unclosed fences swallow the rest of the page; mermaid blocks need a diagram type."""
    for f in fences:
        words = re.sub(r"^[{.\s]+", "", f.info).split()
        lang = words[0].rstrip("}") if words else ""
        if not f.closed:
            what = f"```{lang}" if lang else "code block"
            doc.add("QB411", f.start, f"{what} opened here is never closed")
            continue
        if lang != "mermaid":
            continue
        lines = f.content.split("\n")
        i = 0
        if i < len(lines) and lines[i].strip() == "---":  # mermaid front matter (title, config)
            i += 1
            while i < len(lines) and lines[i].strip() != "---":
                i += 1
            i += 1
        first = None
        offset = f.content_offset + sum(len(x) + 1 for x in lines[:i])
        for line in lines[i:]:
            s = line.strip()
            if s and not s.startswith("%%"):
                first = (s, offset + len(line) - len(line.lstrip()))
                break
            offset += len(line) + 1
        if first is None:
            doc.add("QB413", f.start, "mermaid block is empty")
            continue
        word = re.split(r"[\s;:{]", first[0], maxsplit=1)[0]
        if word not in MERMAID_TYPES:
            doc.add("QB412", first[1], f"'{word}' is not a mermaid diagram type",
                    f"{_did_you_mean(word, MERMAID_TYPES)}{CODES['QB412'][1]}")
        for m in re.finditer(r"(?i)(javascript|vbscript|data)\s*:", f.content):
            doc.add("QB503", f.content_offset + m.start(), f"'{m.group(1)}:' URL inside a mermaid diagram")


# -- QB5xx: raw HTML ------------------------------------------------------------------------


@dataclass
class Tag:
    offset: int
    name: str
    closing: bool
    attrs: list[tuple[str, str | None, int]]  # (name lowercased, value or None, offset)
    end: int = 0  # offset just past the closing '>'


def _parse_tags(text: str) -> Iterable[Tag]:
    """Start tags as a browser would tokenize them (attribute separators include '/')."""
    n = len(text)
    for m in TAG_START.finditer(text):
        i = m.end()
        attrs: list[tuple[str, str | None, int]] = []
        ok = False
        while i < n:
            while i < n and (text[i].isspace() or text[i] == "/"):
                if text[i] == "\n" and text.startswith("\n", i + 1):
                    break
                i += 1
            if i >= n or text[i] == "<" or (text[i] == "\n"):
                break
            if text[i] == ">":
                ok = True
                break
            start = i
            i += 1  # the first character may be '='
            while i < n and not (text[i].isspace() or text[i] in "/>="):
                i += 1
            name = text[start:i].lower()
            j = i
            while j < n and text[j] in " \t":
                j += 1
            value: str | None = None
            if j < n and text[j] == "=":
                j += 1
                while j < n and text[j] in " \t\n":
                    j += 1
                if j < n and text[j] in "\"'":
                    q = text[j]
                    k = text.find(q, j + 1)
                    if k == -1:
                        break
                    value, i = text[j + 1:k], k + 1
                else:
                    k = j
                    while k < n and not (text[k].isspace() or text[k] == ">"):
                        k += 1
                    value, i = text[j:k], k
            attrs.append((name, value, start))
        if ok:
            yield Tag(m.start(), m.group(2).lower(), bool(m.group(1)), attrs, i + 1)


def check_html(doc: Doc, ctx: Context, bank: dict[str, Doc]) -> None:
    """Raw HTML only from a small safe list; never scripts, handlers or script URLs."""
    base = doc.body_offset
    for tag in _parse_tags(doc.masked):
        if tag.closing:
            continue
        at = base + tag.offset
        if tag.name in ACTIVE_TAGS:
            doc.add("QB501", at, f"<{tag.name}> is not allowed in a bank file")
            continue
        if tag.name not in SAFE_TAGS:
            doc.add("QB504", at, f"<{tag.name}> is not in the list of allowed HTML tags")
            continue
        allowed = SAFE_ATTRS["*"] | SAFE_ATTRS.get(tag.name, frozenset())
        for name, value, offset in tag.attrs:
            where = base + offset
            if name.startswith("on"):
                doc.add("QB502", where, f"event-handler attribute '{name}' on <{tag.name}>")
            elif name == "style":
                doc.add("QB505", where, f"style attribute on <{tag.name}>")
            elif name not in allowed:
                if value is not None and _scheme(value) in DANGEROUS_SCHEMES:
                    doc.add("QB503", where, f"'{_scheme(value)}:' URL in attribute '{name}'")
                else:
                    doc.add("QB506", where, f"attribute '{name}' is not allowed on <{tag.name}>")
            elif name in URL_ATTRS and value is not None:
                check_url(doc, ctx, bank, value, where, image=(tag.name == "img"), raw_html=True)
        if tag.name == "img":
            alt = next((v for k, v, _ in tag.attrs if k == "alt"), None)
            if not (alt or "").strip():
                doc.add("QB605", at, "<img> has no alt text", "add alt=\"what the image shows\"")
    for m in ATTR_BLOCK.finditer(doc.masked):
        if "&" in m.group(1):  # attribute lists are read after entities are decoded
            decoded = _html.unescape(m.group(1))
            if re.search(r"(?i)(?:^|[\s])on[a-z]+\s*=|javascript:|style\s*=", decoded):
                doc.add("QB502", base + m.start(1), f"attribute list {{{decoded[:40]}}} hides an attribute behind "
                        "character references")
        for c in ATTR_CLASS.finditer(m.group(1)):
            name = c.group(1)
            if name.startswith(RESERVED_CLASS_PREFIXES) and name not in ALLOWED_RESERVED_CLASSES:
                doc.add("QB507", base + m.start(1) + c.start(1) - 1, f"class '{name}' in an attribute list is reserved for "
                        "the site's own layout")
    for m in ATTR_LIST.finditer(doc.masked):
        for p in ATTR_PAIR.finditer(m.group(1)):
            key, value = p.group(1).lower(), p.group(2).strip("\"'")
            where = base + m.start(1) + p.start()
            if key.startswith("on"):
                doc.add("QB502", where, f"event-handler attribute '{key}' in an attribute list {{...}}")
            elif key == "style":
                doc.add("QB505", where, "style attribute in an attribute list {...}")
            elif _scheme(value) in DANGEROUS_SCHEMES:
                doc.add("QB503", where, f"'{_scheme(value)}:' URL in an attribute list {{...}}")


# -- QB6xx: links and images -----------------------------------------------------------------


def _scheme(url: str) -> str | None:
    """The URL scheme as a browser reads it (entities decoded, whitespace and controls dropped)."""
    clean = re.sub(r"[\x00-\x20\x7f]", "", _html.unescape(url)).lower()
    m = SCHEME.match(clean)
    return m.group(1) if m else None


def _link_destination(text: str, i: int) -> tuple[str, int] | None:
    """Parse ``(dest "title")`` starting just after '(' -> (dest, offset of dest)."""
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] == "\n":
        i += 1
        while i < n and text[i] in " \t":
            i += 1
    if i < n and text[i] == "<":
        k = text.find(">", i)
        if k == -1 or "\n" in text[i:k]:
            return None
        return text[i + 1:k], i + 1
    start, depth = i, 0
    while i < n and not text[i].isspace():
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return text[start:i], start


def check_links(doc: Doc, ctx: Context, bank: dict[str, Doc]) -> None:
    """Relative links resolve (pages and #anchors), external ones are http(s), images exist,
    are local (the site works offline) and have alt text."""
    base = doc.body_offset
    text = doc.masked
    for m in LINK_START.finditer(text):
        parsed = _link_destination(text, m.end())
        if parsed is None:
            continue
        url, offset = parsed
        image = m.group(1) == "!"
        if image and not m.group(2).strip():
            doc.add("QB605", base + m.start(), "image has no alt text")
        check_url(doc, ctx, bank, url, base + offset, image=image)
    for m in REF_DEF.finditer(text):
        url = m.group(2)
        check_url(doc, ctx, bank, url.strip("<>"), base + m.start(2), image=False)


def check_url(doc: Doc, ctx: Context, bank: dict[str, Doc], url: str, where: int, image: bool,
              raw_html: bool = False) -> None:
    what = "image" if image else "link"
    a_what = "an image" if image else "a link"
    scheme = _scheme(url)
    clean = _html.unescape(url).strip()
    if scheme in DANGEROUS_SCHEMES:
        doc.add("QB503", where, f"'{scheme}:' URL in {a_what}")
        return
    if scheme is not None:
        if scheme in ("http", "https"):
            if not re.match(r"(?i)https?://[^/\s]", clean):
                doc.add("QB603", where, f"malformed {scheme} URL {quote(clean)}")
            elif image:
                doc.add("QB607", where, f"image is loaded from another host: {quote(clean)}")
            return
        doc.add("QB603", where, f"{what} uses the '{scheme}:' scheme: {quote(clean)}")
        return
    if clean.startswith("//"):
        doc.add("QB603", where, f"protocol-relative {what} {quote(clean)}", "write the full https:// URL")
        return
    if clean.startswith("/"):
        doc.add("QB606", where, f"{what} to the absolute path {quote(clean)}")
        return
    if doc.docs_rel is None:
        return
    path, _, frag = clean.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path:
        if frag and not image:
            _check_anchor(doc, frag, doc, where)
        return
    if raw_html:
        _check_raw_html_url(doc, ctx, bank, clean, path, where, image)
        return
    target = posixpath.normpath(posixpath.join(posixpath.dirname(doc.docs_rel), path))
    if target == ".." or target.startswith("../"):
        doc.add("QB601", where, f"{what} {quote(clean)} points outside the site (docs/)")
        return
    files = ctx.docs_files()
    if image:
        if target not in files:
            doc.add("QB604", where, f"image docs/{target} does not exist")
        return
    ext = posixpath.splitext(target)[1]
    if not ext or path.endswith("/"):
        guess = next((c for c in (f"{target}.md", f"{target}/index.md") if c in files or c in bank), None)
        doc.add("QB608", where, f"link {quote(clean)} is a page URL, not a file",
                f"link to {posixpath.relpath(guess, posixpath.dirname(doc.docs_rel))}" if guess else None)
        return
    if ext == ".md":
        if target not in files and target not in ctx.generated:
            doc.add("QB601", where, f"link target docs/{target} does not exist")
            return
        if frag:
            _check_anchor(doc, frag, bank.get(target), where, target, ctx)
        return
    if target not in files:
        doc.add("QB601", where, f"link target docs/{target} does not exist")


def _page_dir(docs_rel: str) -> str:
    """The folder a page is served from: questions/t/x.md -> questions/t/x (directory URLs)."""
    stem = docs_rel[: -len(".md")] if docs_rel.endswith(".md") else docs_rel
    return posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem


def _check_raw_html_url(doc: Doc, ctx: Context, bank: dict[str, Doc], clean: str, path: str, where: int,
                        image: bool) -> None:
    """MkDocs rewrites Markdown links, never raw HTML: the browser resolves those against the
    page's URL (one folder deeper than its .md file), and they must name the built URL."""
    assert doc.docs_rel is not None
    target = posixpath.normpath(posixpath.join(_page_dir(doc.docs_rel), path))
    if target == ".." or target.startswith("../"):
        doc.add("QB601", where, f"{quote(clean)} points outside the site (raw HTML links are relative to the page's URL, "
                f"docs/{_page_dir(doc.docs_rel)}/)")
        return
    files = ctx.docs_files()
    if image:
        if target not in files:
            doc.add("QB604", where, f"image docs/{target} does not exist (raw HTML is relative to the page's URL, "
                    f"docs/{_page_dir(doc.docs_rel)}/)")
        return
    if path.endswith(".md"):
        doc.add("QB608", where, f"raw HTML link {quote(clean)} names a .md file, which MkDocs does not rewrite in HTML",
                "use a Markdown link [text](page.md), which MkDocs turns into the page's URL")
        return
    pages = {f"{target}.md", f"{target}/index.md"}
    if target in files or any(p in files or p in bank or p in ctx.generated for p in pages):
        return
    doc.add("QB601", where, f"raw HTML link {quote(clean)} leads to docs/{target}, which is neither a page nor a file "
            f"(raw HTML is relative to the page's URL, docs/{_page_dir(doc.docs_rel)}/)")


def _check_anchor(doc: Doc, frag: str, target: Doc | None, where: int, target_path: str | None = None,
                  ctx: Context | None = None) -> None:
    frag = unquote(frag)
    if frag.startswith(("fn:", "fnref:", "__")):
        return
    if target is not None:
        anchors = page_anchors(target)
    elif target_path == "sources.md" and ctx is not None:
        anchors = set(ctx.sources) | {"removal-on-request", "licence-of-community-contributions"}
    elif target_path and re.fullmatch(r"questions/[^/]+/index\.md", target_path):
        anchors = {"easy", "medium", "hard"}
    else:
        return  # another generated page: its headings are not known here
    if frag not in anchors:
        name = "this page" if target is doc else f"docs/{target_path}"
        doc.add("QB602", where, f"#{frag} is not an anchor on {name}",
                f"{_did_you_mean(frag, anchors)}{CODES['QB602'][1]}")


def page_anchors(doc: Doc) -> set[str]:
    """Heading ids on a question's page, as the build makes them (hooks + toc)."""
    if doc._anchors is not None:
        return doc._anchors
    from markdown.extensions.toc import slugify as toc_slugify
    from markdown.extensions.toc import unique

    anchors: set[str] = {"related-questions"}
    if (doc.meta or {}).get("aliases"):
        anchors.add("also-asked-as")
    masked = doc.masked or doc.body
    n = 0
    for masked_line, line in zip(masked.split("\n"), doc.body.split("\n")):
        h = HEADING.fullmatch(masked_line)
        if not h:
            continue
        if ANSWER_HEADING.match(line):
            n += 1
            anchors.add(f"answer-{n}")
            continue
        text = (HEADING.fullmatch(line) or h).group(2) or ""
        explicit = re.search(r"\{[^}]*#([\w-]+)[^}]*\}\s*$", text)
        if explicit:
            anchors.add(explicit.group(1))
            continue
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"<[^>]+>|[*_`]", "", text)
        anchors.add(unique(toc_slugify(text, "-"), anchors))
    doc._anchors = anchors
    return anchors


# -- QB7xx: the bank as a whole ----------------------------------------------------------------


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
        if d._phrases is None:
            d._phrases = _doc_phrases(d)
        out.extend(d._phrases)
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
    if _is_str_list(aliases):
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


def _candidate_pairs(phrases: list[Phrase]) -> set[tuple[int, int]]:
    """Blocking, so 10k questions never mean 50M comparisons.

    Two phrasings qbank.dedupe would merge have (up to typos) the same content words,
    hence the same rarest words.  Each phrase is indexed under every *pair* of its
    BLOCK_TOKENS rarest words (a one-word phrase under that word): pairs sharing two of
    their three rarest words meet, which tolerates a typo in any one of them.  Indexing
    by word pairs rather than single words keeps the postings short.
    """
    df: dict[str, int] = defaultdict(int)
    for p in phrases:
        for w in set(p.words):
            df[w] += 1
    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    keys_of: list[list[tuple[str, ...]]] = []
    for i, p in enumerate(phrases):
        rare = sorted(set(p.words), key=lambda w: (df[w], w))[:BLOCK_TOKENS]
        keys = [tuple(rare)] if len(rare) < 2 else list(combinations(sorted(rare), 2))
        keys_of.append(keys)
        for key in keys:
            postings[key].append(i)
    lengths = [len(p.key) for p in phrases]

    def close_in_length(x: int, y: int) -> bool:
        # token_sort_ratio >= 88 needs lengths within ~21% of each other
        return min(lengths[x], lengths[y]) >= 0.78 * max(lengths[x], lengths[y])

    pairs: set[tuple[int, int]] = set()
    selected = [i for i, p in enumerate(phrases) if p.doc.selected]
    if len(selected) * 4 < len(phrases):  # a few files checked against the bank (pre-commit)
        for i in selected:
            for key in keys_of[i]:
                ids = postings[key]
                if len(ids) <= MAX_POSTING:
                    pairs.update((min(i, j), max(i, j)) for j in ids if j != i and close_in_length(i, j))
        return pairs
    for ids in postings.values():
        if len(ids) > MAX_POSTING:
            continue
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                if close_in_length(ids[x], ids[y]):
                    pairs.add((ids[x], ids[y]))
    return pairs


def same_question(a_key: str, b_key: str, a_shape: Any, b_shape: Any) -> float | None:
    """The score when qbank.dedupe would merge the two phrasings on their text alone."""
    if not a_key or not b_key or a_shape != b_shape:
        return None
    score = fuzz.token_sort_ratio(a_key, b_key)
    if score < MERGE_THRESHOLD or _unmatched_words(a_key.split(), b_key.split()):
        return None
    return score


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
        if _is_str_list(distinct):
            for i, other in enumerate(distinct):
                if other == d.qid:
                    d.add("QB702", d.field_pos("distinct_from", i), "distinct_from names this question itself")
                elif other not in by_id:
                    d.add("QB702", d.field_pos("distinct_from", i), f"distinct_from names {quote(other)}, which is not in the bank")

    phrases = _phrases(docs)
    group_of: dict[str, set[int]] = defaultdict(set)
    for n, group in enumerate(ctx.keep_apart):
        for handle in group:
            group_of[handle].add(n)

    def handles(d: Doc) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for o in _list(d.meta, "origins"):
            if isinstance(o, dict):
                h = f"{o.get('source')}:{o.get('line')}"
                if h in group_of:
                    out[h] = group_of[h]
        return out

    def exempt(a: Doc, b: Doc) -> bool:
        da = [x for x in _list(a.meta, "distinct_from") if isinstance(x, str)]
        db = [x for x in _list(b.meta, "distinct_from") if isinstance(x, str)]
        if (b.qid and b.qid in da) or (a.qid and a.qid in db):
            return True
        ha, hb = handles(a), handles(b)
        return any(ga & gb for x, ga in ha.items() for y, gb in hb.items() if x != y)

    best: dict[tuple[int, int], tuple[float, Phrase, Phrase]] = {}
    for i, j in _candidate_pairs(phrases):
        a, b = phrases[i], phrases[j]
        if a.doc is b.doc or not (a.doc.selected or b.doc.selected):
            continue
        score = same_question(a.key, b.key, a.shape, b.shape)
        if score is None:
            continue
        pair = (id(a.doc), id(b.doc)) if id(a.doc) < id(b.doc) else (id(b.doc), id(a.doc))
        if pair not in best or score > best[pair][0]:
            best[pair] = (score, a, b)
    for score, a, b in sorted(best.values(), key=lambda t: (t[1].doc.rel, t[2].doc.rel)):
        if exempt(a.doc, b.doc):
            continue
        for mine, other in ((a, b), (b, a)):
            if mine.doc.selected:
                mine.doc.add("QB701", mine.where,
                             f"near-duplicate of {other.doc.qid or '?'} {quote(other.text)} in {other.doc.rel} "
                             f"(similarity {score:.0f})",
                             f"answer {other.doc.rel} instead, or add `distinct_from: [{other.doc.qid}]` "
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
        dup = same_question(key, p.key, shape, p.shape) is not None
        prev = found.get(id(p.doc))
        if prev is None or (score, dup) > (prev[0], prev[1]):
            found[id(p.doc)] = (score, dup, p.doc, p.text)
    return sorted(found.values(), key=lambda t: (-t[0], t[2].rel))[:limit]


# -- running it --------------------------------------------------------------------------------


def load_doc(path: Path, ctx: Context, selected: bool = True) -> Doc:
    """Read and parse one file, with every file- and front-matter-level problem."""
    docs_rel = _under(path, ctx.docs)
    doc = Doc(path, _under(path, ctx.root) or path.as_posix(), docs_rel, selected)
    if path.is_symlink():
        doc.add("QB108", (1, 1), f"{doc.rel} is a symbolic link (to {os.readlink(path)})")
        return doc
    try:
        raw = path.read_bytes()
    except OSError as err:
        doc.add("QB107", (1, 1), f"cannot read the file: {err.strerror or err}")
        return doc
    if check_file(doc, raw, ctx) and parse_front_matter(doc):
        check_fields(doc, ctx)
    return doc


def check_body(doc: Doc, ctx: Context, bank: dict[str, Doc], answers: bool = True) -> None:
    if answers and (not doc.text.startswith("---\n") or doc.body_offset == 0):
        return
    fences = scan_body(doc)
    check_fences(doc, fences)
    find_math(doc)
    if answers:
        check_answers(doc, ctx, fences)
    check_html(doc, ctx, bank)
    check_links(doc, ctx, bank)


# -- everything else under docs/ ----------------------------------------------------------------

IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"})
SITE_CODE = {"assets/javascripts": ".js", "assets/stylesheets": ".css"}
NOTEBOOK_OUTPUTS = frozenset({"text/plain", "image/png", "image/jpeg"})


def scan_docs(ctx: Context) -> tuple[list[Doc], list[Path], list[Path]]:
    """Walk docs/ without following links: (problems as docs, Markdown pages, notebooks).

    Everything under docs/ is published as it is, so only what the site needs may be there:
    symbolic links never (they could publish the build machine's files), HTML and SVG never
    (they can run script), Markdown pages and notebooks are checked like bank files.
    """
    found: list[Doc] = []
    pages: list[Path] = []
    notebooks: list[Path] = []
    for folder, dirs, files in os.walk(ctx.docs, followlinks=False):
        here = Path(folder)
        rel_dir = _under(here, ctx.docs) or ""
        for name in sorted(dirs):
            if (here / name).is_symlink():
                doc = Doc(here / name, _under(here / name, ctx.root) or name, f"{rel_dir}/{name}".lstrip("/"))
                doc.add("QB108", (1, 1), f"{doc.rel}/ is a symbolic link to a folder (to {os.readlink(here / name)})")
                found.append(doc)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(files):
            if name.startswith("."):
                continue  # MkDocs never publishes dotfiles
            path = here / name
            rel = f"{rel_dir}/{name}".lstrip("/")
            ext = path.suffix.lower()
            if path.is_symlink():
                doc = Doc(path, _under(path, ctx.root) or rel, rel)
                doc.add("QB108", (1, 1), f"{doc.rel} is a symbolic link (to {os.readlink(path)})")
                found.append(doc)
            elif rel.startswith("questions/") and ext == ".md":
                continue  # bank files: bank_paths()
            elif ext == ".md":
                pages.append(path)
            elif ext == ".ipynb" and rel_dir == "notebooks":
                notebooks.append(path)
            elif (ext in IMAGE_TYPES and rel_dir.startswith("assets/images")) or SITE_CODE.get(rel_dir) == ext:
                continue
            else:
                doc = Doc(path, _under(path, ctx.root) or rel, rel)
                doc.add("QB109", (1, 1), f"docs/{rel}: {ext or 'this kind of'} file is not published from docs/"
                        + (" (it can run script in the site's origin)" if ext in (".html", ".htm", ".svg", ".xhtml", ".xml", ".js")
                           else ""))
                found.append(doc)
    return found, pages, notebooks


def load_page(path: Path, ctx: Context, bank: dict[str, Doc]) -> Doc:
    """A Markdown page that is not a question: checked for what reaches the reader (HTML,
    links, math, diagrams); its front matter, if any, is parsed with the same limits."""
    doc = Doc(path, _under(path, ctx.root) or path.as_posix(), _under(path, ctx.docs))
    try:
        raw = path.read_bytes()
    except OSError as err:
        doc.add("QB107", (1, 1), f"cannot read the file: {err.strerror or err}")
        return doc
    if not check_file(doc, raw, ctx, location=False):
        return doc
    if doc.text.startswith("---\n"):
        parse_front_matter(doc)
        if doc.meta is not None:
            check_values(doc, doc.meta)
    else:
        doc.body, doc.body_offset = doc.text, 0
    check_body(doc, ctx, bank, answers=False)
    return doc


def load_notebook(path: Path, ctx: Context, bank: dict[str, Doc]) -> Doc:
    """A notebook page: Markdown cells are checked like answers (HTML, links, math); outputs
    may only be text and raster images (HTML, Markdown, SVG and JavaScript outputs run in the
    page).  Problems are reported at the cell's line in the .ipynb file."""
    doc = Doc(path, _under(path, ctx.root) or path.as_posix(), _under(path, ctx.docs))
    try:
        raw = path.read_bytes()
        if len(raw) > NOTEBOOK_MAX_BYTES:
            doc.add("QB106", (1, 1), f"notebook is {len(raw) // 1024} KiB; the limit is {NOTEBOOK_MAX_BYTES // 1024} KiB")
            return doc
        text = raw.decode("utf-8")
        nb = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        doc.add("QB107", (1, 1), f"cannot read the notebook: {err}")
        return doc
    doc.text, doc.line_starts = text, [0] + [m.end() for m in re.finditer("\n", text)]
    cursor = 0
    for n, cell in enumerate(nb.get("cells") or [] if isinstance(nb, dict) else [], start=1):
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        first = json.dumps(source.split("\n", 1)[0])[1:-1] if source else ""
        at = text.find(first, cursor) if first else -1
        cursor = at if at >= 0 else cursor
        line = doc.pos(cursor)[0]
        if cell.get("attachments"):
            doc.add("QB508", (line, 1), f"cell {n} has attachments (embedded files are not published)")
        if cell.get("cell_type") == "markdown":
            sub = Doc(path, doc.rel, doc.docs_rel)
            sub.text, sub.line_starts = source, [0] + [m.end() for m in re.finditer("\n", source)]
            sub.body, sub.body_offset = source, 0
            fences = scan_body(sub)
            find_math(sub)
            check_fences(sub, fences)
            check_html(sub, ctx, bank)
            for p in sub.problems:
                doc.problems.append(replace(p, line=line + p.line - 1, message=f"{p.message} (cell {n})"))
        for output in cell.get("outputs") or []:
            kinds = set((output.get("data") or {}) if isinstance(output, dict) else ())
            for kind in sorted(kinds - NOTEBOOK_OUTPUTS):
                doc.add("QB508", (line, 1), f"cell {n} has a {kind} output")
    return doc


def bank_paths(docs_dir: Path) -> list[Path]:
    """Every Markdown file under docs/questions (misplaced ones included, to report them)."""
    root = docs_dir / QUESTIONS_DIR
    return sorted(p for p in root.rglob("*.md") if p.is_file()) if root.is_dir() else []


def validate(root: Path, paths: Sequence[Path] | None = None, *, docs: Path | None = None,
             renderer: Any | None = None, ctx: Context | None = None) -> Report:
    """Validate the bank (or only ``paths``, against the whole bank) and return every problem.

    ``renderer`` is a :class:`qbank.site.math.KatexRenderer` to reuse (the build passes
    its own); without one a renderer is started and stopped here.
    """
    start = time.perf_counter()
    ctx = ctx or Context.load(root, docs)
    everything = bank_paths(ctx.docs)  # absolute: ctx.docs is resolved
    if paths is None:
        selected = set(everything)
    else:
        selected = set()
        for p in paths:
            p = p.resolve()
            selected |= {q for q in p.rglob("*.md") if q.is_file()} if p.is_dir() else {p}
    stray, pages, notebooks = scan_docs(ctx)
    bank_files = sorted(p for p in set(everything) | selected if p not in pages and p not in notebooks)
    all_docs = [load_doc(p, ctx, selected=p in selected) for p in bank_files]
    bank = {d.docs_rel: d for d in all_docs if d.docs_rel}
    ctx.set_generated(all_docs)
    for d in all_docs:
        if d.selected:
            check_body(d, ctx, bank)
    check_bank([d for d in all_docs if d.meta is not None and d.docs_rel is not None], ctx)
    # The rest of docs/ and the data files: on a whole run, or when named.
    whole = paths is None
    site = [d for d in stray if whole or d.path in selected]
    site += [load_page(p, ctx, bank) for p in pages if whole or p in selected]
    site += [load_notebook(p, ctx, bank) for p in notebooks if whole or p in selected]
    check_math(all_docs + site, ctx, renderer)
    problems = sorted(p for d in all_docs if d.selected for p in d.problems)
    problems += sorted(p for d in site for p in d.problems)
    if whole:
        problems = sorted(problems + ctx.data_problems)  # data/ first: everything else depends on it
    return Report(problems, sum(1 for d in all_docs if d.selected) + len(site), time.perf_counter() - start)


def validate_text(text: str | bytes, ctx: Context, name: str = "questions/foundations/example.md",
                  renderer: Any | None = None, bank: Sequence[Doc] = ()) -> list[Problem]:
    """Validate one file's content (as if at docs/<name>) without touching the disk.

    For tests and the fuzzer: never raises on any input.
    """
    doc = Doc(ctx.docs / name, f"docs/{name}", name, True)
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if check_file(doc, raw, ctx) and parse_front_matter(doc):
        check_fields(doc, ctx)
    others = {d.docs_rel: d for d in bank if d.docs_rel}
    others[name] = doc
    ctx.set_generated(others.values())
    check_body(doc, ctx, others)
    if renderer is not None:
        check_math([doc], ctx, renderer)
    check_bank([d for d in [*bank, doc] if d.meta is not None], ctx)
    return sorted(doc.problems)
