"""Running the checks: load every file, run each family in order, cross-file checks on the
whole bank, and report only the selected files' problems."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..bank import QUESTIONS_DIR
from .answers import check_answers
from .body import scan_body
from .context import Context
from .doc import Doc, under
from .duplicates import check_bank
from .fences import check_fences
from .files import check_file, scan_docs
from .front_matter import check_fields, check_values, parse_front_matter
from .html import check_html
from .links import check_links
from .math import check_math, find_math
from .problems import Problem, Report

NOTEBOOK_MAX_BYTES = 4 * 1024 * 1024
NOTEBOOK_OUTPUTS = frozenset({"text/plain", "image/png", "image/jpeg"})


def load_doc(path: Path, ctx: Context, selected: bool = True) -> Doc:
    """Read and parse one file, with every file- and front-matter-level problem."""
    docs_rel = under(path, ctx.docs)
    doc = Doc(path, under(path, ctx.root) or path.as_posix(), docs_rel, selected)
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


def load_page(path: Path, ctx: Context, bank: dict[str, Doc]) -> Doc:
    """A Markdown page that is not a question: checked for what reaches the reader (HTML,
    links, math, diagrams); its front matter, if any, is parsed with the same limits."""
    doc = Doc(path, under(path, ctx.root) or path.as_posix(), under(path, ctx.docs))
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
    doc = Doc(path, under(path, ctx.root) or path.as_posix(), under(path, ctx.docs))
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

    ``renderer`` is a :class:`qbank.katex.KatexRenderer` to reuse (the build passes
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
    submit = getattr(renderer, "submit", None)  # KaTeX typesets each file's formulas while the next is checked
    for d in all_docs:
        if d.selected:
            check_body(d, ctx, bank)
            if submit is not None and d.formulas:
                submit([(f.tex, f.display) for f in d.formulas])
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
