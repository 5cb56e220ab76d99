"""``python -m qbank.notebooks run|check|links`` (``make notebooks``, ``make validate``).

    python -m qbank.notebooks run   [NOTEBOOK ...]   execute, store the outputs (``make notebooks``)
    python -m qbank.notebooks check [NOTEBOOK ...]   execute in memory; exit 1 if an output differs
                                                     from the stored one or a link is broken
    python -m qbank.notebooks links                  only the question <-> notebook link check
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .files import DOCS, NOTEBOOKS_DIR, load_notebook, notebook_paths, repo_relative
from .kernel import CELL_TIMEOUT, NotebookError, execute_many
from .links import check_links
from .outputs import compare, dumps

__all__ = ["DESCRIPTION", "main"]

DESCRIPTION = "The notebooks in ``docs/notebooks/``: execute them, keep them reproducible, check them."


def _targets(names: list[str]) -> list[Path]:
    """The notebooks named on the command line (a path, or a file name in docs/notebooks/)."""
    if not names:
        paths = notebook_paths()
        if not paths:
            raise SystemExit(f"error: no notebooks in {repo_relative(DOCS / NOTEBOOKS_DIR)}")
        return paths
    out = []
    for name in names:
        p = Path(name)
        if not p.exists() and (DOCS / NOTEBOOKS_DIR / name).exists():
            p = DOCS / NOTEBOOKS_DIR / name
        if not p.exists():
            raise SystemExit(f"error: {name}: no such notebook")
        out.append(p)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the command in ``argv`` (default: the process's arguments); the exit status."""
    parser = argparse.ArgumentParser(prog="python -m qbank.notebooks", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_ in (("run", "execute and write the outputs into the notebooks"),
                        ("check", "execute in memory and compare with the stored outputs")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("notebooks", nargs="*", help="default: every docs/notebooks/*.ipynb")
        p.add_argument("-j", "--jobs", type=int, default=None, help="kernels at a time (default: CPU count)")
        p.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds per cell (default: %(default)s)")
    sub.add_parser("links", help="check the question <-> notebook links only")
    args = parser.parse_args(argv)

    status = 0
    if args.command in ("run", "check"):
        paths = _targets(args.notebooks)
        start = time.monotonic()
        try:
            results = execute_many(paths, args.jobs, args.timeout)
        except NotebookError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        for r in results:
            if args.command == "run":
                text = dumps(r.notebook)
                if r.path.read_text(encoding="utf-8") != text:
                    r.path.write_text(text, encoding="utf-8")
                    print(f"wrote {repo_relative(r.path)} ({r.seconds:.1f} s)")
                else:
                    print(f"unchanged {repo_relative(r.path)} ({r.seconds:.1f} s)")
            else:
                diffs = compare(load_notebook(r.path), r.notebook)
                for d in diffs:
                    print(f"{repo_relative(r.path)}: {d}", file=sys.stderr)
                print(f"{'ok' if not diffs else 'DIFFERS'} {repo_relative(r.path)} ({r.seconds:.1f} s)")
                status = status or (1 if diffs else 0)
        print(f"{len(results)} notebooks in {time.monotonic() - start:.1f} s")
    problems = check_links()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"error: {len(problems)} link problems between questions and notebooks", file=sys.stderr)
        status = 1
    elif args.command == "links":
        print(f"links ok: {len(notebook_paths())} notebooks")
    if status and args.command == "check":
        print("hint: run `make notebooks` and commit the notebooks if the change is intended", file=sys.stderr)
    return status
