"""The notebooks in ``docs/notebooks/``: execute them, keep them reproducible, check them.

    python -m qbank.notebooks run   [NOTEBOOK ...]   execute, store the outputs (``make notebooks``)
    python -m qbank.notebooks check [NOTEBOOK ...]   execute in memory; exit 1 if an output differs
                                                     from the stored one or a link is broken
    python -m qbank.notebooks links                  only the question <-> notebook link check

The site build never executes a notebook (mkdocs-jupyter runs with ``execute: false`` and
renders the stored outputs), so the outputs are committed and must be reproducible.

**Reproducible by construction.** Each notebook seeds its own generator
(``np.random.default_rng(0)``) and sets its own Matplotlib rcParams, so a reader who runs it
in Jupyter gets the same numbers and plots. On top of that, the kernel runs with this
interpreter and a fixed environment (:mod:`.kernel`), and the volatile fields of the outputs
are removed before a notebook is written or compared (:mod:`.outputs`). Figures are PNG
(Agg): the file has no timestamp, only a ``Software`` chunk naming the pinned Matplotlib
version. Printed numbers are rounded in the notebooks, as a different CPU's libm can change
the last digits.

**Links.** A question lists its notebooks in its front matter; each notebook links back to
every such question (:mod:`.links`); the site build checks them too.

One module per concept: :mod:`.files` (where the notebooks are and what the site reads from
them, without executing anything), :mod:`.kernel` (executing them), :mod:`.outputs`
(normalising and comparing their outputs), :mod:`.links` (the question <-> notebook links)
and :mod:`.cli` (``python -m qbank.notebooks``).  Only :mod:`.kernel` and :mod:`.outputs`
need the ``notebooks`` extra (nbclient, ipykernel, NumPy, Matplotlib), and only when they
run, so the site build imports this package without it.
"""

from .cli import main
from .files import NOTEBOOKS_DIR, NotebookInfo, notebook_info, notebook_paths, question_links
from .kernel import NotebookError, RunResult, execute, execute_many, kernel_env
from .links import check_links
from .outputs import FONT_CACHE_NOTE, IMAGE_TOLERANCE, compare, dumps, normalise

__all__ = [
    "FONT_CACHE_NOTE",
    "IMAGE_TOLERANCE",
    "NOTEBOOKS_DIR",
    "NotebookError",
    "NotebookInfo",
    "RunResult",
    "check_links",
    "compare",
    "dumps",
    "execute",
    "execute_many",
    "kernel_env",
    "main",
    "normalise",
    "notebook_info",
    "notebook_paths",
    "question_links",
]
