"""The notebooks in ``docs/notebooks/``: execute them, keep them reproducible, check them.

    python -m qbank.notebooks run   [NOTEBOOK ...]   execute, store the outputs (``make notebooks``)
    python -m qbank.notebooks check [NOTEBOOK ...]   execute in memory; exit 1 if an output differs
                                                     from the stored one or a link is broken
    python -m qbank.notebooks links                  only the question <-> notebook link check

The site build never executes a notebook (mkdocs-jupyter runs with ``execute: false`` and
renders the stored outputs), so the outputs are committed and must be reproducible.

**Reproducible by construction.** Each notebook seeds its own generator
(``np.random.default_rng(0)``) and sets its own Matplotlib rcParams, so a reader who runs it
in Jupyter gets the same numbers and plots. On top of that, :func:`execute` starts the
kernel with *this* interpreter (``sys.executable``, never a kernelspec found on the machine)
and a fixed environment (:func:`kernel_env`): one BLAS/OpenMP thread (a fixed floating-point
summation order), ``PYTHONHASHSEED=0``, ``SOURCE_DATE_EPOCH=0``, and a private
``MPLCONFIGDIR`` whose ``matplotlibrc`` only sets ``svg.hashsalt``, so no user matplotlibrc
can change a figure. Figures are PNG (Agg): the file has no timestamp, only a ``Software``
chunk naming the pinned Matplotlib version.

**Volatile fields**, removed by :func:`normalise` before a notebook is written and before two
runs are compared:

* every cell's ``metadata.execution`` (the kernel's timestamps; ``record_timing`` is off anyway);
* ``metadata.language_info.version`` (the Python patch version of whoever ran it) and
  ``metadata.widgets``;
* a stderr stream output that only says Matplotlib is building its font cache (printed on
  the first run on a machine);
* how a stream was split into chunks (when the kernel flushed): consecutive outputs of the
  same stream are merged into one, and the text is compared as one string.

Everything else must be identical: text outputs byte for byte; images byte for byte or, if
the bytes differ, pixel for pixel within :data:`IMAGE_TOLERANCE` (a different CPU's libm can
move an anti-aliased edge by one grey level). Printed numbers are rounded in the notebooks
for the same reason.

**Links.** A question lists its notebooks in its front matter (``notebooks:
[notebooks/x.ipynb]``); each notebook links back to every such question with a relative
Markdown link (``../questions/<topic>/<slug>.md``, which also works on GitHub and in
Jupyter). :func:`check_links` verifies both directions; the site build runs it too.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import concurrent.futures
import copy
import io
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .repo import repo_root

T = TypeVar("T")

__all__ = [
    "IMAGE_TOLERANCE",
    "NOTEBOOKS_DIR",
    "NotebookError",
    "NotebookInfo",
    "RunResult",
    "check_links",
    "compare",
    "dumps",
    "execute",
    "kernel_env",
    "main",
    "normalise",
    "notebook_info",
    "notebook_paths",
    "question_links",
]

REPO = repo_root()
DOCS = REPO / "docs"
NOTEBOOKS_DIR = "notebooks"  # under docs/
CELL_TIMEOUT = 120  # seconds per cell
KERNEL_NAME = "python3"
# (fraction of pixels allowed to differ, by more than this many 8-bit levels)
IMAGE_TOLERANCE = (0.002, 8)
FONT_CACHE_NOTE = re.compile(r"^\s*Matplotlib is building the font cache; this may take a moment\.\s*$")
LANGUAGE_INFO_KEEP = ("name", "mimetype", "file_extension", "codemirror_mode", "pygments_lexer",
                      "nbconvert_exporter")
# A notebook's link to a bank question: ](../questions/<topic>/<slug>.md) (optionally #anchor).
_QUESTION_LINK = re.compile(r"\]\(\s*(\.\./questions/[^)\s#]+?\.md)(?:#[^)\s]*)?\s*\)")
_TEX_BACKSLASH_DELIMS = re.compile(r"\\\(|\\\[")


class NotebookError(RuntimeError):
    """A notebook failed to execute (message names the notebook and the cell)."""


# -- reading ---------------------------------------------------------------------------


def notebook_paths(docs_dir: Path = DOCS) -> list[Path]:
    """Every notebook of the site, sorted by file name."""
    return sorted((Path(docs_dir) / NOTEBOOKS_DIR).glob("*.ipynb"))


def _load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
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
        for m in _QUESTION_LINK.finditer(_source(cell)):
            rel = m.group(1).removeprefix("../")
            if rel not in found:
                found.append(rel)
    return found


def notebook_info(path: Path, docs_dir: Path = DOCS) -> NotebookInfo:
    nb = _load(path)
    title, summary = "", ""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        lines = _source(cell).splitlines()
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


# -- executing -------------------------------------------------------------------------


def _mpl_config_dir() -> Path:
    """A private MPLCONFIGDIR (kept between runs: Matplotlib caches its font list there)."""
    folder = Path(tempfile.gettempdir()) / f"qbank-notebooks-mpl-{os.getuid() if hasattr(os, 'getuid') else 0}"
    folder.mkdir(parents=True, exist_ok=True)
    rc = folder / "matplotlibrc"
    text = "# written by qbank.notebooks: fixed ids in SVG output\nsvg.hashsalt: qbank-notebooks\n"
    if not rc.exists() or rc.read_text(encoding="utf-8") != text:
        rc.write_text(text, encoding="utf-8")
    return folder


def kernel_env() -> dict[str, str]:
    """Environment additions for the kernel (merged over os.environ)."""
    return {
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": "0",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLCONFIGDIR": str(_mpl_config_dir()),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no debugger warning on stderr
    }


def _kernel_manager():
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec = KernelSpec(
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
              "--IPKernelApp.log_level=ERROR"],  # no "running over TCP" warning on stderr
        display_name="Python 3 (ipykernel)", language="python", env=kernel_env(),
    )

    class _ThisInterpreter(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):  # noqa: ANN001 - jupyter_client signature
            return spec

    return AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=_ThisInterpreter())


@dataclass
class RunResult:
    path: Path
    notebook: dict  # normalised, executed
    seconds: float


async def _execute_async(path: Path, timeout: int) -> RunResult:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, km=_kernel_manager(), timeout=timeout, kernel_name=KERNEL_NAME, allow_errors=False,
        record_timing=False, coalesce_streams=True, resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.monotonic()
    try:
        await client.async_execute()
    except CellExecutionError as exc:
        raise NotebookError(f"{_rel(path)}: a cell raised an error:\n{exc}") from None
    except (CellTimeoutError, DeadKernelError) as exc:
        raise NotebookError(f"{_rel(path)}: {type(exc).__name__}: {exc}") from None
    seconds = time.monotonic() - start
    return RunResult(path, normalise(json.loads(nbformat.writes(nb))), seconds)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run``, also from a thread whose event loop is running (a caller next to
    Playwright's sync API, a notebook): there the coroutine runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def execute(path: Path, timeout: int = CELL_TIMEOUT) -> RunResult:
    """Execute one notebook headless (its folder as cwd); raise :class:`NotebookError` if a
    cell fails. The notebook on disk is not touched."""
    return _run(_execute_async(path, timeout))


def execute_many(paths: list[Path], jobs: int | None = None, timeout: int = CELL_TIMEOUT) -> list[RunResult]:
    """Execute several notebooks, ``jobs`` kernels at a time (default: CPU count)."""
    jobs = max(1, jobs or os.cpu_count() or 1)

    async def run_all() -> list[RunResult]:
        gate = asyncio.Semaphore(jobs)

        async def one(p: Path) -> RunResult:
            async with gate:
                return await _execute_async(p, timeout)

        return list(await asyncio.gather(*(one(p) for p in paths)))

    return _run(run_all())


# -- normalising and comparing ---------------------------------------------------------


def normalise(nb: dict) -> dict:
    """Remove the volatile fields (see the module docstring) in place; return ``nb``."""
    meta = nb.setdefault("metadata", {})
    meta.pop("widgets", None)
    info = meta.get("language_info")
    if isinstance(info, dict):
        meta["language_info"] = {k: info[k] for k in LANGUAGE_INFO_KEEP if k in info}
    for cell in nb.get("cells", []):
        cell.get("metadata", {}).pop("execution", None)
        if cell.get("cell_type") != "code":
            continue
        outputs: list[dict] = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                text = _source({"source": o.get("text", "")})
                if o.get("name") == "stderr" and FONT_CACHE_NOTE.match(text):
                    continue
                prev = outputs[-1] if outputs else None
                if prev and prev.get("output_type") == "stream" and prev.get("name") == o.get("name"):
                    prev["text"] = _source({"source": prev["text"]}) + text  # one chunk, however it was flushed
                    continue
                o = {**o, "text": text}
            outputs.append(o)
        cell["outputs"] = outputs
    return nb


def dumps(nb: dict) -> str:
    """The file text, as Jupyter writes it: multi-line strings as lists of lines, indent 1,
    sorted keys, trailing newline (so saving the notebook in Jupyter changes nothing)."""
    import nbformat
    from nbformat.v4.rwbase import split_lines

    node = split_lines(nbformat.from_dict(copy.deepcopy(nb)))
    return json.dumps(node, indent=1, sort_keys=True, ensure_ascii=False, separators=(",", ": ")) + "\n"


def _pixels(b64: str):
    import matplotlib.image as mpimg
    import numpy as np

    return np.asarray(mpimg.imread(io.BytesIO(base64.b64decode(b64)), format="png"))


def _same_image(a: str, b: str) -> tuple[bool, str]:
    if a == b:
        return True, ""
    pa, pb = _pixels(a), _pixels(b)
    if pa.shape != pb.shape:
        return False, f"image size {pa.shape[1]}x{pa.shape[0]} vs {pb.shape[1]}x{pb.shape[0]}"
    share, levels = IMAGE_TOLERANCE
    diff = (abs(pa.astype("float64") - pb.astype("float64")) * 255).max(axis=-1) > levels
    frac = float(diff.mean())
    if frac <= share:
        return True, ""
    return False, f"{100 * frac:.2f}% of the pixels differ (allowed: {100 * share:.2f}%)"


def _first_difference(a: str, b: str) -> str:
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb), 1):
        if x != y:
            return f"line {i}: stored {x!r}, fresh {y!r}"
    return f"stored has {len(la)} lines, fresh has {len(lb)}"


def compare(stored: dict, fresh: dict) -> list[str]:
    """Differences between two (normalised) runs of a notebook; empty when reproducible."""
    stored, fresh = normalise(copy.deepcopy(stored)), normalise(copy.deepcopy(fresh))
    problems: list[str] = []
    cs, cf = stored.get("cells", []), fresh.get("cells", [])
    if len(cs) != len(cf):
        return [f"{len(cs)} cells stored, {len(cf)} after execution"]
    for n, (a, b) in enumerate(zip(cs, cf), 1):
        where = f"cell {n}" + (f" (id {a['id']})" if a.get("id") else "")
        if _source(a) != _source(b):
            problems.append(f"{where}: source differs")
        if a.get("cell_type") != "code":
            continue
        if a.get("execution_count") != b.get("execution_count"):
            problems.append(f"{where}: execution_count {a.get('execution_count')} stored, "
                            f"{b.get('execution_count')} fresh (run the whole notebook top to bottom)")
        oa, ob = a.get("outputs", []), b.get("outputs", [])
        if len(oa) != len(ob):
            problems.append(f"{where}: {len(oa)} outputs stored, {len(ob)} fresh")
            continue
        for k, (x, y) in enumerate(zip(oa, ob), 1):
            if x.get("output_type") != y.get("output_type") or x.get("name") != y.get("name"):
                problems.append(f"{where} output {k}: {x.get('output_type')} stored, {y.get('output_type')} fresh")
                continue
            if "text" in x or "text" in y:
                ta, tb = _source({"source": x.get("text", "")}), _source({"source": y.get("text", "")})
                if ta != tb:
                    problems.append(f"{where} output {k}: text differs: {_first_difference(ta, tb)}")
            da, db = x.get("data", {}) or {}, y.get("data", {}) or {}
            if set(da) != set(db):
                problems.append(f"{where} output {k}: types {sorted(da)} stored, {sorted(db)} fresh")
                continue
            for mime in sorted(da):
                va, vb = _source({"source": da[mime]}), _source({"source": db[mime]})
                if mime == "image/png":
                    ok, why = _same_image(va, vb)
                    if not ok:
                        problems.append(f"{where} output {k}: {mime} differs: {why}")
                elif va != vb:
                    problems.append(f"{where} output {k}: {mime} differs: {_first_difference(va, vb)}")
    return problems


# -- links ------------------------------------------------------------------------------


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
    from .bank import BankFormatError, load_bank

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
        nb = _load(path)
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
            if cell.get("cell_type") == "markdown" and _TEX_BACKSLASH_DELIMS.search(_source(cell)):
                problems.append(f"docs/{rel}:{_line_of(raw, cell.get('id', ''))}: cell {cell.get('id', '?')} uses "
                                "\\( or \\[ for math; use $…$ and $$…$$ in notebooks")
    return problems


# -- command line ----------------------------------------------------------------------


def _rel(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def _targets(names: list[str]) -> list[Path]:
    if not names:
        paths = notebook_paths()
        if not paths:
            raise SystemExit(f"error: no notebooks in {_rel(DOCS / NOTEBOOKS_DIR)}")
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
    parser = argparse.ArgumentParser(prog="python -m qbank.notebooks", description=__doc__.split("\n\n")[0])
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
                    print(f"wrote {_rel(r.path)} ({r.seconds:.1f} s)")
                else:
                    print(f"unchanged {_rel(r.path)} ({r.seconds:.1f} s)")
            else:
                diffs = compare(_load(r.path), r.notebook)
                for d in diffs:
                    print(f"{_rel(r.path)}: {d}", file=sys.stderr)
                print(f"{'ok' if not diffs else 'DIFFERS'} {_rel(r.path)} ({r.seconds:.1f} s)")
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


if __name__ == "__main__":
    sys.exit(main())
