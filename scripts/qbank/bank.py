"""The bank: one Markdown file per question under ``docs/questions/<topic>/<slug>.md``.

After the first import the bank is the source of truth that contributors edit, so this
module both *writes* files (for ``qbank import``) and *reads* them back (for export, the
site and validation).  The file format is deliberately plain:

    ---
    id: q-1a2b3c4
    title: What is dropout?
    topic: regularization-and-generalization
    tags: [dropout, regularization]
    difficulty: easy
    status: answered
    reviewed: 2026-12-02            # optional: the date an editor last checked the page
    aliases: [...]
    origins: [{source, seed, line, question}, ...]
    redirect_from: [questions/<topic>/<old-slug>.md]   # optional: old URLs that lead here
    ---

    ## Answer (source: lazy-ds-guide)

    Markdown...

Every answer is a level-2 ``## Answer (source: ID)`` section, so attribution travels with
the text it belongs to.  ``ID`` says what kind of text it is:

* a source id from ``seeds/sources.yml``: that source's text exactly as imported;
* ``ID, edited`` (an imported source only): the source's text changed by an editor, who
  explains any change of meaning in an ``Editor's note`` admonition;
* ``project``: written for the site by the project's editors;
* ``community`` or ``community @handle``: written by a contributor.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from . import bankfile, safeyaml
from .bankfile import ANSWER_HEADING as ANSWER_HEADING  # re-exported for code that imports it from here
from .bankfile import FrontMatterError, answer_sections
from .errors import LocatedError
from .frontmatter import FIELD_ORDER, FrontMatter, expected

QUESTIONS_DIR = Path("questions")
DIFFICULTIES = ("easy", "medium", "hard")
STATUSES = ("answered", "unanswered")
PROJECT = "project"  # answers written by the project's editors
DIGEST_LINE = re.compile(r"^import_digest: .*\n", re.M)


@dataclass(frozen=True)
class Origin:
    source: str
    seed: str
    line: int
    question: str

    def to_dict(self) -> dict:
        return {"source": self.source, "seed": self.seed, "line": self.line, "question": self.question}


@dataclass(frozen=True)
class Answer:
    source: str
    markdown: str
    edited: bool = False  # an imported source's text, changed by an editor

    @property
    def kind(self) -> str:
        """What a reader is told about the text: source, edited, project or community."""
        if self.source == PROJECT:
            return "project"
        if self.source == "community" or self.source.startswith("community @"):
            return "community"
        return "edited" if self.edited else "source"

    @property
    def heading(self) -> str:
        return f"## Answer (source: {self.source}{', edited' if self.edited else ''})"


@dataclass
class Question:
    """One unique question with every place it was asked and every answer it got."""

    id: str
    title: str
    topic: str
    tags: list[str]
    difficulty: str
    status: str
    aliases: list[str] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)
    reviewed: str | None = None  # ISO date of the last editorial review
    redirect_from: list[str] = field(default_factory=list)  # old bank paths, e.g. questions/x/old.md
    path: Path | None = None  # relative to the docs dir, e.g. questions/foundations/x.md
    meta: dict = field(default_factory=dict)  # front matter exactly as read

    @property
    def slug(self) -> str:
        return self.path.stem if self.path else slugify(self.title)

    @property
    def url(self) -> str:
        """Page path relative to the site root, as MkDocs builds it (directory URLs)."""
        assert self.path is not None
        return self.path.with_suffix("").as_posix() + "/"


def question_id(source: str, question: str) -> str:
    """Stable id from the primary origin: the same seed question always gets the same id."""
    key = f"{source}\n{' '.join(question.lower().split())}"
    return "q-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:7]


def slugify(text: str, limit: int = 60) -> str:
    """ASCII, lowercase, hyphenated, cut on a word boundary."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = ""
    for w in words:
        if len(slug) + len(w) + 1 > limit and slug:
            break
        slug = f"{slug}-{w}" if slug else w
    return slug or "question"


def render(question: Question) -> str:
    """The file text for ``question`` (without the import digest)."""
    meta: dict = {
        "id": question.id,
        "title": question.title,
        "topic": question.topic,
        "tags": list(question.tags),
        "difficulty": question.difficulty,
        "status": question.status,
    }
    if question.aliases:
        meta["aliases"] = list(question.aliases)
    if question.notebooks:
        meta["notebooks"] = list(question.notebooks)
    if question.flags:
        meta["flags"] = list(question.flags)
    meta["origins"] = [o.to_dict() for o in question.origins]
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    body = []
    for answer in question.answers:
        body.append(f"{answer.heading}\n\n{answer.markdown.strip()}\n")
    if not body:
        body.append("<!-- No answer yet: add a section headed '## Answer (source: community)' (see CONTRIBUTING.md). -->\n")
    return f"---\n{front}---\n\n" + "\n".join(body)


def with_digest(text: str) -> str:
    """Stamp a file written by ``qbank import`` so later imports can tell if someone edited it."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    head, sep, rest = text.partition("\n---\n")
    return f"{head}\nimport_digest: {digest}{sep}{rest}"


def is_untouched(text: str) -> bool:
    """True when a file still is exactly what ``qbank import`` wrote (digest matches)."""
    m = re.search(r"^import_digest: (\w+)$", text, re.M)
    if not m:
        return False
    original = DIGEST_LINE.sub("", text, count=1)
    return hashlib.sha256(original.encode("utf-8")).hexdigest()[:16] == m.group(1)


class BankFormatError(LocatedError):
    """A bank file that cannot be read, at its path and line."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(path, line, message, "fix the file named above and run the command again")


def split_front_matter(text: str, path: Path) -> tuple[dict, str, int]:
    """Return (front matter, body, body's first line number)."""
    try:
        split = bankfile.split_front_matter(text)
    except FrontMatterError as err:
        raise BankFormatError(path, err.line, err.message) from None
    try:
        meta = safeyaml.load(split.yaml) or {}
    except safeyaml.YamlLimitError as err:
        raise BankFormatError(path, err.line + 1, err.message) from None
    except (yaml.YAMLError, ValueError) as err:
        mark = getattr(err, "problem_mark", None)
        raise BankFormatError(path, (mark.line + 2) if mark else 1, f"front matter is not valid YAML: {err}") from None
    if not isinstance(meta, dict):
        raise BankFormatError(path, 2, "front matter must be a mapping of fields")
    return meta, split.body, split.body_line


def parse_answers(body: str) -> list[Answer]:
    """The body's ``## Answer (source: X)`` sections (see :mod:`qbank.bankfile`), without
    empty ones and ones holding nothing but a comment."""
    answers = [Answer(s.source, s.markdown.strip(), s.edited) for s in answer_sections(body)]
    return [a for a in answers if a.markdown and not re.fullmatch(r"<!--.*?-->", a.markdown, re.S)]


def read_question(path: Path, docs_dir: Path) -> Question:
    """Parse one bank file (raises BankFormatError on an unreadable file, or on front matter
    the schema, :class:`qbank.frontmatter.FrontMatter`, refuses; fields it does not know are
    left to ``qbank validate``, QB207)."""
    text = path.read_text(encoding="utf-8")
    meta, body, _ = split_front_matter(text, path)
    try:
        fm = FrontMatter.model_validate({k: v for k, v in meta.items() if k in FIELD_ORDER})
    except ValidationError as err:
        first = err.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "front matter"
        what = "is missing" if first["type"] == "missing" else f"must be {expected(name)}"
        raise BankFormatError(path, 2, f"field '{name}' {what} (`qbank validate` says more)") from None
    origins = [Origin(str(o.get("source", "")), str(o.get("seed", "")), int(o.get("line", 0)), str(o.get("question", "")))
               for o in fm.origins or [] if isinstance(o, dict)]
    return Question(
        id=fm.id,
        title=fm.title,
        topic=fm.topic,
        tags=list(fm.tags or []),
        difficulty=fm.difficulty,
        status=fm.status,
        aliases=list(fm.aliases or []),
        origins=origins,
        answers=parse_answers(body),
        flags=list(fm.flags or []),
        notebooks=list(fm.notebooks or []),
        reviewed=str(fm.reviewed) if fm.reviewed else None,
        redirect_from=list(fm.redirect_from or []),
        path=path.relative_to(docs_dir),
        meta=meta,
    )


def bank_files(docs_dir: Path) -> list[Path]:
    return sorted((docs_dir / QUESTIONS_DIR).glob("*/*.md"))


def load_bank(docs_dir: Path) -> list[Question]:
    """Every question in the bank, sorted by topic then slug (deterministic)."""
    return [read_question(p, docs_dir) for p in bank_files(docs_dir)]
