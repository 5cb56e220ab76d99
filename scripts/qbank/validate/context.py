"""What every check needs to know about the project (topics, tags, sources, keep-apart
groups, the files under docs/), loaded once per run; and the data files' own check (QB801)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..taxonomy import Taxonomy
from ..dedupe import Overrides
from ..source import Source, SourceError, load_sources
from .doc import Doc, list_field, under
from .problems import CODES, Problem


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
            from ..extract import extract_file
            from ..pipeline import Project, normalize_records

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
        """Pages the build adds (the qbank plugin's on_files): links to them are fine."""
        used = {t for d in docs for t in list_field(d.meta, "tags") if isinstance(t, str)}
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
            add(under(Path(path).resolve(), root) or str(path), err)
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
