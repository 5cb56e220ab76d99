"""The links between questions and notebooks, checked both ways.

A question lists its notebooks in its front matter (``notebooks: [notebooks/x.ipynb]``); each
notebook links back to every such question with a relative Markdown link
(``../questions/<topic>/<slug>.md``, which also works on GitHub and in Jupyter).  Either side
can be edited alone, so :func:`check_links` runs in ``make validate``
(``python -m qbank.notebooks links``) and in every site build.
"""

from __future__ import annotations

import re
from pathlib import Path

from .files import DOCS, NOTEBOOKS_DIR, cell_source, load_notebook, notebook_paths, question_links

__all__ = ["check_links"]

_TEX_BACKSLASH_DELIMS = re.compile(r"\\\(|\\\[")


def _line_of(text: str, needle: str) -> int:
    idx = text.find(needle)
    return 1 if idx < 0 else text.count("\n", 0, idx) + 1


def check_links(docs_dir: Path = DOCS, questions: list | None = None) -> list[str]:
    """Problems with the question <-> notebook links, as ``path:line: message`` lines.

    * every ``notebooks:`` entry of a question is ``notebooks/<name>.ipynb`` and exists;
    * every ``../questions/…md`` link in a notebook points at an existing question;
    * the two agree: a question lists a notebook exactly when the notebook links to it;
    * every notebook answers at least one question, and its Markdown uses ``$…$`` /
      ``$$…$$`` for math (Jupyter's Markdown eats the backslash of ``\\(`` and ``\\[``).
    """
    from ..bank import BankFormatError, load_bank

    docs_dir = Path(docs_dir)
    problems: list[str] = []
    if questions is None:  # the build passes the bank it already loaded
        try:
            questions = load_bank(docs_dir)
        except BankFormatError as exc:
            return [str(exc)]
    notebooks = {p.relative_to(docs_dir).as_posix(): p for p in notebook_paths(docs_dir)}
    by_path = {q.path.as_posix(): q for q in questions if q.path is not None}
    listed: dict[str, set[str]] = {nb: set() for nb in notebooks}  # notebook -> questions listing it
    for q in questions:
        if q.path is None:  # read from the bank: always set
            continue
        text = (docs_dir / q.path).read_text(encoding="utf-8")
        for entry in q.notebooks:
            where = f"docs/{q.path.as_posix()}:{_line_of(text, entry)}"
            if not re.fullmatch(rf"{NOTEBOOKS_DIR}/[A-Za-z0-9_.-]+\.ipynb", entry):
                problems.append(f"{where}: notebooks: {entry!r} must look like "
                                f"'{NOTEBOOKS_DIR}/<name>.ipynb' (relative to docs/)")
            elif entry not in notebooks:
                problems.append(f"{where}: notebooks: {entry} does not exist "
                                f"(have: {', '.join(sorted(notebooks)) or 'none'})")
            else:
                listed[entry].add(q.path.as_posix())
    for rel, path in notebooks.items():
        nb = load_notebook(path)
        links = question_links(nb)
        raw = path.read_text(encoding="utf-8")
        for target in links:
            if target not in by_path:
                problems.append(f"docs/{rel}:{_line_of(raw, target)}: links to ../{target}, which is not a question")
        for target in sorted(set(links) & set(by_path) - listed[rel]):
            problems.append(f"docs/{target}:1: the notebook {rel} links here, but this question does not list it "
                            f"(add `- {rel}` under `notebooks:` in its front matter)")
        for target in sorted(listed[rel] - set(links)):
            problems.append(f"docs/{rel}:1: does not link back to ../{target}, which lists it under `notebooks:` "
                            "(add the link to the notebook's question list)")
        if not links:
            problems.append(f"docs/{rel}:1: links to no question (a notebook answers bank questions)")
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown" and _TEX_BACKSLASH_DELIMS.search(cell_source(cell)):
                problems.append(f"docs/{rel}:{_line_of(raw, cell.get('id', ''))}: cell {cell.get('id', '?')} uses "
                                "\\( or \\[ for math; use $…$ and $$…$$ in notebooks")
    return problems
