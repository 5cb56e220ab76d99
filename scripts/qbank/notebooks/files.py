"""Where the notebooks are and what the site reads from them, without executing anything.

The site build needs every notebook's title, first paragraph, figure count and the bank
questions it links to (the notebooks index, the "Try it in a notebook" links); all of it is
in the stored ``.ipynb`` JSON.  This module imports nothing of Jupyter's, so the build does
not need the ``notebooks`` extra.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..repo import repo_root

__all__ = ["DOCS", "NOTEBOOKS_DIR", "QUESTION_LINK", "REPO", "NotebookInfo", "cell_source", "load_notebook",
           "notebook_info", "notebook_paths", "question_links", "repo_relative"]

REPO = repo_root()
DOCS = REPO / "docs"
NOTEBOOKS_DIR = "notebooks"  # under docs/
# A notebook's link to a bank question: ](../questions/<topic>/<slug>.md) (optionally #anchor).
QUESTION_LINK = re.compile(r"\]\(\s*(\.\./questions/[^)\s#]+?\.md)(?:#[^)\s]*)?\s*\)")


def notebook_paths(docs_dir: Path = DOCS) -> list[Path]:
    """Every notebook of the site, sorted by file name."""
    return sorted((Path(docs_dir) / NOTEBOOKS_DIR).glob("*.ipynb"))


def load_notebook(path: Path) -> dict:
    """The notebook's JSON, as stored (nothing executed, nothing normalised)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def cell_source(cell: dict) -> str:
    """A cell's (or an output's) text: nbformat stores it as one string or a list of lines."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


@dataclass(frozen=True)
class NotebookInfo:
    """What the site needs to know about a notebook, read from the .ipynb (no execution)."""

    path: Path  # absolute
    rel: str  # relative to docs/, e.g. notebooks/activation-functions.ipynb
    title: str  # the first level-1 heading
    summary: str  # the first paragraph after it
    questions: list[str] = field(default_factory=list)  # docs-relative paths it links to, in order
    figures: int = 0  # image outputs


def question_links(nb: dict) -> list[str]:
    """Docs-relative paths (``questions/<topic>/<slug>.md``) of the bank questions a
    notebook links to from its Markdown cells, in order, without duplicates."""
    found: list[str] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for m in QUESTION_LINK.finditer(cell_source(cell)):
            rel = m.group(1).removeprefix("../")
            if rel not in found:
                found.append(rel)
    return found


def notebook_info(path: Path, docs_dir: Path = DOCS) -> NotebookInfo:
    """Title, summary, linked questions and figure count of one notebook, from its stored JSON."""
    nb = load_notebook(path)
    title, summary = "", ""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        lines = cell_source(cell).splitlines()
        for i, line in enumerate(lines):
            if not title and line.startswith("# "):
                title = line[2:].strip()
                para = []
                for rest in lines[i + 1:]:
                    if rest.strip():
                        para.append(rest.strip())
                    elif para:
                        break
                summary = " ".join(para)
                break
        if title:
            break
    figures = sum(1 for c in nb.get("cells", []) for o in c.get("outputs", []) or []
                  if any(k.startswith("image/") for k in (o.get("data") or {})))
    path = Path(path).resolve()
    return NotebookInfo(path, path.relative_to(Path(docs_dir).resolve()).as_posix(), title or path.stem,
                        summary, question_links(nb), figures)


def repo_relative(path: Path) -> str:
    """``path`` relative to the repository, for messages (as given when it is outside)."""
    try:
        return Path(path).resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(path)
