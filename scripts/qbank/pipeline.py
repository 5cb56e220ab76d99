"""The import pipeline end to end: seeds -> extract -> normalize -> dedupe -> classify -> questions.

Kept separate from the CLI so tests, the benchmark and ``qbank import`` run the very same code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .bank import Answer, Origin, Question, question_id, slugify
from .captions import CaptionRules
from .classify import Classification, classify
from .taxonomy import Taxonomy
from .dedupe import DedupeResult, Overrides, dedupe
from .difficulty import estimate_difficulty
from .extract import extract_file
from .normalize import normalize_answer, normalize_question
from .record import Record
from .recovered_links import RecoveredLinks
from .source import Source, load_sources

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Project:
    """Where everything lives, relative to the repository root."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def sources_file(self) -> Path:
        return self.seeds / "sources.yml"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def caption_rules(self) -> CaptionRules:
        return CaptionRules.load(self.data / "caption_noise.yml")

    def recovered_links(self) -> RecoveredLinks:
        return RecoveredLinks.load(self.data / "recovered_links.yml")


@dataclass
class PipelineResult:
    sources: list[Source]
    records: list[Record]
    dedupe: DedupeResult
    questions: list[Question]
    classifications: dict[str, Classification]


def normalize_record(record: Record, captions: CaptionRules | None = None) -> Record:
    """Apply the normalize stage to one record, carrying review flags along."""
    answer = normalize_answer(record.answer, captions) if record.answer.strip() else None
    flags = tuple(dict.fromkeys(record.flags + (answer.flags if answer else ())))
    return replace(record, question=normalize_question(record.question),
                   answer=answer.text if answer else "", flags=flags)


def normalize_records(records: list[Record], project: Project) -> list[Record]:
    """The normalize stage as ``qbank import`` runs it: every record normalized with the
    project's caption rules, then the links its source's scrape lost written back in."""
    captions = project.caption_rules()
    seed_lines = {seed: _line_count(project.seeds / seed) for seed in {r.seed for r in records}}
    return project.recovered_links().apply([normalize_record(r, captions) for r in records], seed_lines)


def _line_count(path: Path) -> int:
    """Lines in a seed as its extractor numbers them (bytes: a seed need not be valid UTF-8)."""
    return path.read_bytes().count(b"\n") + 1


def extract_sources(project: Project, sources: list[Source], progress: Progress | None = None) -> list[Record]:
    records: list[Record] = []
    for source in sources:
        if progress:
            progress(f"extract {source.seed}")
        records.extend(extract_file(project.seeds / source.seed, source.id, source.format))
    return records


def build_questions(groups: Iterable[list[Record]], taxonomy: Taxonomy) -> tuple[list[Question], dict[str, Classification]]:
    """Turn dedupe groups into bank questions with ids, topics, tags and paths."""
    questions: list[Question] = []
    explained: dict[str, Classification] = {}
    for group in groups:
        primary = group[0]
        qid = question_id(primary.source, primary.question)
        answers = [Answer(r.source, r.answer) for r in group if r.answer.strip()]
        title = _best_phrasing(group)
        result = classify(title, [a.markdown for a in answers], taxonomy)
        aliases = list(dict.fromkeys(r.question for r in group if r.question.lower() != title.lower()))
        marker = next((r.difficulty for r in group if r.difficulty), None)
        questions.append(Question(
            id=qid,
            title=title,
            topic=result.topic,
            tags=list(result.tags),
            difficulty=estimate_difficulty(title, marker),
            status="answered" if answers else "unanswered",
            aliases=aliases,
            origins=[Origin(r.source, r.seed, r.line, r.question) for r in group],
            answers=answers,
            flags=sorted({f for r in group for f in r.flags}),
        ))
        explained[qid] = result
    _assign_paths(questions)
    questions.sort(key=lambda q: str(q.path))  # every path is set just above
    return questions, explained


def _best_phrasing(group: list[Record]) -> str:
    """The title of a merged question: the shortest phrasing that is a real question.

    A scenario-wrapped or misspelt variant stays visible as an alias; the id keeps
    coming from the first origin, so a better title never changes the permalink id.
    """
    asks = [r.question for r in group if r.question.endswith("?")] or [group[0].question]
    return min(asks, key=lambda q: (len(q), asks.index(q)))


def _assign_paths(questions: list[Question]) -> None:
    """``questions/<topic>/<slug>.md``; a clashing slug gets the id appended (deterministic)."""
    seen: dict[str, int] = {}
    for q in questions:
        key = f"{q.topic}/{slugify(q.title)}"
        seen[key] = seen.get(key, 0) + 1
    for q in questions:
        slug = slugify(q.title)
        if seen[f"{q.topic}/{slug}"] > 1:
            slug = f"{slug}-{q.id[2:]}"
        q.path = Path("questions") / q.topic / f"{slug}.md"


def run(project: Project, progress: Progress | None = None) -> PipelineResult:
    """The whole import pipeline on the project's seeds (writes nothing)."""
    sources = load_sources(project.sources_file)
    records = normalize_records(extract_sources(project, sources, progress), project)
    if progress:
        progress("dedupe")
    result = dedupe(records, Overrides.load(project.data / "dedupe.yml"))
    if progress:
        progress("classify")
    questions, explained = build_questions(result.groups, Taxonomy.load(project.data))
    return PipelineResult(sources, records, result, questions, explained)
