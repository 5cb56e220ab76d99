"""Where the repository is: one function, used by everything that reads the project's files.

The package lives in the checkout (``scripts/qbank/``, installed editable by ``make setup``)
and reads the checkout's ``data/``, ``seeds/``, ``node_modules/`` and ``package.json``; the
CLI works on the project its working directory is in (a copy of the project, in tests).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["repo_root"]

_PACKAGE = Path(__file__).resolve().parent
_MARKER = Path("seeds") / "sources.yml"


def repo_root(start: Path | None = None) -> Path:
    """The nearest folder upwards from ``start`` that holds ``seeds/sources.yml``.

    Without ``start``: the checkout this package is in (``scripts/qbank/`` -> its root).
    When no folder qualifies: ``start`` itself, or the folder two levels above the package.
    """
    here = start if start is not None else _PACKAGE
    for folder in (here, *here.parents):
        if (folder / _MARKER).exists():
            return folder
    return here if start is not None else _PACKAGE.parents[1]
