"""The ``qbank`` command line over the pipeline (typer; help as plain text, like git or ruff).

``HELP`` below is what ``qbank -h`` prints; each command's docstring is its help, ending in
examples (click's ``\b`` keeps their lines as written).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from . import bank as bank_mod
from .classify import classify
from .taxonomy import Taxonomy
from .errors import DATA_FILE_HINT, LocatedError
from .export import dumps, export_document
from .extract import FORMATS, extract_file
from .importer import ImportShrinkError, apply_plan, check_shrink, plan_import, recover
from .pipeline import PipelineResult, Project, normalize_records, run
from .repo import repo_root
from .source import load_sources

HELP = """Build and check the question bank: seeds -> bank files -> site.

Problems in bank files print as `path:line:col: CODE message` and a `hint:` line (qbank
validate); bad input prints as `error: path:line: message` and a hint.

Exit codes: 0 success; 1 a check failed (bank out of date, validation errors); 2 bad input
or usage (unknown format, unreadable seed, broken data file).

Run `qbank COMMAND -h` for a command's options and examples.
"""

# rich_markup_mode=None: plain help text (no ``rst`` quoting, no "<bool>" after flags);
# -h and --help everywhere.
app = typer.Typer(add_completion=False, no_args_is_help=True, help=HELP, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]})
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def _root() -> Path:
    """The project the working directory is in (``qbank`` works in any copy of the project)."""
    return repo_root(Path.cwd())


def _fail(message: str, hint: str = "", code: int = 2) -> NoReturn:
    err.print(f"[bold red]error[/]: {message}", highlight=False)
    if hint:
        err.print(f"  hint: {hint}", highlight=False)
    raise typer.Exit(code)


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn known input errors into located messages instead of tracebacks."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except LocatedError as e:  # extract, bank, import: error: path:line: message + hint
            _fail(f"{e.where}: {e.message}", e.hint)
        except ValueError as e:  # the few loaders that do not know a file position
            _fail(str(e), DATA_FILE_HINT)
    return wrapper


@app.command()
@_guard
def extract(
    files: Annotated[list[Path], typer.Argument(metavar="FILE", help="Seed files to read.")],
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help=f"auto or one of: {', '.join(FORMATS)}")] = "auto",
    jsonl: Annotated[bool, typer.Option("--jsonl", show_default=False, help="One JSON record per line (the default).")] = True,
    normalized: Annotated[bool, typer.Option("--normalized", help="Apply the normalize stage too.")] = False,
    source: Annotated[str | None, typer.Option(metavar="ID", help="Source id to stamp on records (default: from seeds/sources.yml or the file stem).")] = None,
) -> None:
    """Print every record found in FILES (stage 1; with --normalized, stage 2 as well).

    Examples:

    \b
      qbank extract seeds/001_bb0412ce525cf09f.txt | head
      qbank extract seeds/*.txt --normalized --source mine
    """
    known = {}
    sources_file = _root() / "seeds" / "sources.yml"
    if sources_file.exists():
        known = {s.seed: s.id for s in load_sources(sources_file)}
    lines: list[str] = []
    for path in files:
        if not path.exists():
            _fail(f"{path}: no such file")
        records = extract_file(path, source or known.get(path.name, path.stem), fmt)
        if normalized:
            records = normalize_records(records, Project(_root()))
        lines.extend(json.dumps(r.to_dict(), ensure_ascii=False) for r in records)
    sys.stdout.write("\n".join(lines) + "\n")


@app.command("dedupe")
@_guard
def dedupe_cmd(
    report: Annotated[bool, typer.Option("--report", show_default=False, help="List merges and near-misses with scores (the default).")] = True,
    near: Annotated[int, typer.Option(metavar="N", help="How many near-misses to list.")] = 25,
) -> None:
    """Show which records are merged into one question, and the pairs just below the bar.

    Examples:

    \b
      qbank dedupe
      qbank dedupe --near 50
    """
    project = Project(_root())
    result = run(project)
    table = Table(title=f"Merges ({len(result.dedupe.merges)})")
    for col in ("score", "reason", "origin A", "question A", "origin B", "question B"):
        table.add_column(col, overflow="fold")
    for d in result.dedupe.merges:
        table.add_row(f"{d.score:.1f}", d.reason, d.a, d.question_a, d.b, d.question_b)
    out.print(table)
    table = Table(title=f"Near-misses (top {near} of {len(result.dedupe.near_misses)})")
    for col in ("score", "why not merged", "origin A", "question A", "origin B", "question B"):
        table.add_column(col, overflow="fold")
    for d in result.dedupe.near_misses[:near]:
        table.add_row(f"{d.score:.1f}", d.reason, d.a, d.question_a, d.b, d.question_b)
    out.print(table)
    if result.dedupe.unknown_overrides:
        _fail(f"data/dedupe.yml names origins that do not exist: {', '.join(result.dedupe.unknown_overrides)}",
              "origins are <source id>:<line of the question in the seed>; see `qbank extract`")


@app.command("classify")
@_guard
def classify_cmd(
    explain: Annotated[str | None, typer.Option("--explain", metavar="ID", help="Question id (or a question text) to explain.")] = None,
) -> None:
    """Topic and tags per question; --explain ID shows which rules fired and why.

    Examples:

    \b
      qbank classify
      qbank classify --explain q-1a2b3c4
      qbank classify --explain "What is dropout?"
    """
    root = _root()
    taxonomy = Taxonomy.load(root / "data")
    questions = bank_mod.load_bank(root / "docs")
    if explain:
        match = [q for q in questions if q.id == explain]
        title = match[0].title if match else explain
        answers = [a.markdown for a in match[0].answers] if match else []
        result = classify(title, answers, taxonomy)
        out.print(f"[bold]{title}[/]")
        out.print(f"topic: [cyan]{result.topic}[/]   tags: [cyan]{', '.join(result.tags)}[/]")
        for line in result.explanation:
            out.print(f"  - {line}", highlight=False)
        return
    table = Table()
    for col in ("id", "topic", "tags", "question"):
        table.add_column(col, overflow="fold")
    for q in questions:
        table.add_row(q.id, q.topic, ", ".join(q.tags), q.title)
    out.print(table)


def _summary(result: PipelineResult) -> None:
    table = Table(title="Sources")
    for col in ("source", "records", "answered", "unanswered"):
        table.add_column(col)
    for s in result.sources:
        recs = [r for r in result.records if r.source == s.id]
        answered = sum(1 for r in recs if r.answered)
        table.add_row(s.id, str(len(recs)), str(answered), str(len(recs) - answered))
    out.print(table)
    out.print(f"{len(result.records)} records -> {len(result.questions)} questions "
              f"({len(result.dedupe.merges)} merges)")
    topics = Counter(q.topic for q in result.questions)
    tags = Counter(t for q in result.questions for t in q.tags)
    table = Table(title="Topics")
    table.add_column("topic")
    table.add_column("questions", justify="right")
    for topic, n in sorted(topics.items()):
        table.add_row(topic, str(n))
    out.print(table)
    out.print("Tags: " + ", ".join(f"{t} {n}" for t, n in sorted(tags.items())), highlight=False)


@app.command("import")
@_guard
def import_cmd(
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if the bank is out of date.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors and the final line.")] = False,
    allow_removals: Annotated[bool, typer.Option("--allow-removals", help="Accept seeds that give fewer questions than "
                                                 "the bank holds from them (the report names what goes).")] = False,
) -> None:
    """Create/refresh the bank files from the seeds, never touching hand-edited files.

    Examples:

    \b
      qbank import
      qbank import --check     # exit 1 when the bank is out of date (CI)
    """
    project = Project(_root())
    if not check:
        cleaned = recover(project.docs)  # a crashed import is rolled back; stale temp files go
        if cleaned and not quiet:
            err.print(f"cleaned {cleaned} leftover(s) of an interrupted import", highlight=False)
    with err.status("running the pipeline…", spinner="dots") if not quiet else _nullcontext():
        result = run(project, None if quiet else (lambda msg: err.log(msg)))
    if not allow_removals:
        try:
            check_shrink(result.records, project.docs)
        except ImportShrinkError as e:
            for line in e.missing:
                err.print(f"would go: {line}", highlight=False)
            _fail(e.message, e.hint, code=1)
    plan = plan_import(result.questions, project.docs)
    if not quiet:
        _summary(result)
        for path in plan.hand_edited:
            out.print(f"[yellow]kept[/] {path.relative_to(project.root)} (edited by hand; not overwritten)")
    if check:
        if plan.changes:
            for path in sorted(plan.create):
                err.print(f"missing: {path.relative_to(project.root)}")
            for path in sorted(plan.update):
                err.print(f"outdated: {path.relative_to(project.root)}")
            for path in plan.delete:
                err.print(f"stale: {path.relative_to(project.root)}")
            _fail(f"the bank is out of date with the seeds ({plan.changes} files)", "run `make import`", code=1)
        out.print(f"bank up to date: {plan.unchanged} files, {len(plan.hand_edited)} hand-edited")
        return
    apply_plan(plan, project.docs)
    out.print(f"created {len(plan.create)}, updated {len(plan.update)}, removed {len(plan.delete)}, "
              f"unchanged {plan.unchanged}, hand-edited kept {len(plan.hand_edited)}")


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@app.command("export")
@_guard
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help="json, anki (.apkg, needs -o) or csv")] = "json",
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="FILE", help="File to write (default: stdout).")] = None,
) -> None:
    """Write the bank as JSON (the schema of the site's questions.json), an Anki package or CSV.

    Examples:

    \b
      qbank export -o questions.json
      qbank export --format anki -o deck.apkg
      qbank export --format csv > questions.csv
    """
    root = _root()
    if fmt not in ("json", "anki", "csv"):
        _fail(f"unknown export format {fmt!r}", "use --format json, anki or csv")
    from .export import unsafe_answers

    questions = bank_mod.load_bank(root / "docs")
    unsafe = unsafe_answers(questions)
    if unsafe:
        for line in unsafe:
            err.print(line, highlight=False)
        _fail(f"{len(unsafe)} answer(s) hold markup the site never publishes; nothing was exported",
              "run `qbank validate` and remove the markup it reports")
    sources = load_sources(root / "seeds" / "sources.yml")
    if fmt in ("anki", "csv"):
        from .anki import write_apkg
        from .csvexport import to_csv
        from .site.study import read_site_url

        site_url = read_site_url(root)
        if fmt == "anki":
            if output is None:
                _fail("an Anki package is binary: name the file with -o", "qbank export --format anki -o deck.apkg")
            n = write_apkg(output, questions, sources, Taxonomy.load(root / "data"), site_url, docs_dir=root / "docs")
            err.print(f"wrote {output} ({n} notes)")
            return
        text = to_csv(questions, site_url)
    else:
        text = dumps(export_document(questions, sources, Taxonomy.load(root / "data")))
    if output is None:
        sys.stdout.write(text)
        return
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    tmp.replace(output)
    err.print(f"wrote {output}")


@app.command("validate")
@_guard
def validate_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(metavar="PATH", help="Bank files or folders (default: all of docs/questions).")] = None,
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help="text, github (inline annotations in GitHub Actions) or json.")] = "text",
) -> None:
    """Check bank files: every problem as `path:line:col: CODE message` + a hint; exit 1 on any error.

    Examples:

    \b
      qbank validate
      qbank validate docs/questions/foundations/what-is-a-neuron.md
      qbank validate --format github   # annotations in GitHub Actions
    """
    from .validate import format_github, format_text, validate

    if fmt not in ("text", "github", "json"):
        _fail(f"unknown format {fmt!r}", "use --format text, github or json")
    missing = [p for p in paths or [] if not p.exists()]
    if missing:
        _fail(f"{missing[0]}: no such file or folder")
    report = validate(_root(), paths or None)
    if fmt == "json":
        sys.stdout.write(json.dumps({"files": report.files, "seconds": round(report.seconds, 3),
                                     "problems": [p.to_dict() for p in report.problems]}, indent=2) + "\n")
    else:
        sys.stdout.write(format_github(report) if fmt == "github" else format_text(report))
    raise typer.Exit(0 if report.ok else 1)


@app.command("new")
@_guard
def new_cmd(
    question: Annotated[str, typer.Argument(metavar="QUESTION", help="The question, as its title should read.")],
    topic: Annotated[str, typer.Option("--topic", metavar="TOPIC", help="Topic id from data/topics.yml.")],
    tags: Annotated[str | None, typer.Option("--tags", metavar="TAGS", help="Comma-separated tag ids (default: suggested).")] = None,
    difficulty: Annotated[str | None, typer.Option("--difficulty", metavar="LEVEL", help="easy, medium or hard (default: estimated).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Create it although similar questions exist.")] = False,
) -> None:
    """Scaffold docs/questions/<topic>/<slug>.md with a fresh id; warns (exit 1) if it may already be in the bank.

    Examples:

    \b
      qbank new "What is the lottery ticket hypothesis?" --topic efficiency-and-deployment
      qbank new "What is label smoothing?" --topic regularization-and-generalization --tags regularization --difficulty easy
      qbank new "What is dropout in transformers?" --topic regularization-and-generalization --force
    """
    from .scaffold import ScaffoldError, new_question

    tag_list = [t.strip() for t in tags.split(",") if t.strip()] if tags else None
    try:
        result = new_question(_root(), question, topic, tag_list, difficulty, force)
    except ScaffoldError as e:
        _fail(str(e), "see data/topics.yml and data/tags.yml, or `qbank new --help`")
    if result.similar:
        warn = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
        table = Table(title="Closest questions already in the bank")
        for col in ("similarity", "id", "file", "question"):
            table.add_column(col, overflow="fold")
        for m in result.matches:
            table.add_row(f"{m.score:.0f}" + (" (duplicate)" if m.duplicate else ""), m.id, m.path, m.title)
        warn.print(table)
        if not result.written:
            _fail("this question may already be in the bank; nothing was written",
                  "answer the existing question instead, or run again with --force if it really is different", code=1)
        if result.distinct_from:
            err.print(f"recorded distinct_from: {', '.join(result.distinct_from)} (reviewers will check it)")
    rel = result.path.relative_to(_root()) if result.path.is_relative_to(_root()) else result.path
    out.print(f"created {rel} (id {result.id})", highlight=False)
    out.print("next: write your answer under a heading '## Answer (source: community)', set `status: answered`, "
              "then run `make validate`", highlight=False)


def main() -> None:
    app()
