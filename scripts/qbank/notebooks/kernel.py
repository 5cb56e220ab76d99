"""Executing a notebook headless, the same way on every machine.

:func:`execute` starts the kernel with *this* interpreter (``sys.executable``, never a
kernelspec found on the machine) and a fixed environment (:func:`kernel_env`): one
BLAS/OpenMP thread (a fixed floating-point summation order), ``PYTHONHASHSEED=0``,
``SOURCE_DATE_EPOCH=0``, and a private ``MPLCONFIGDIR`` whose ``matplotlibrc`` only sets
``svg.hashsalt``, so no user matplotlibrc can change a figure.  nbclient and jupyter_client
(the ``notebooks`` extra) are imported only when a notebook runs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import sys
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .files import repo_relative
from .outputs import normalise

__all__ = ["CELL_TIMEOUT", "KERNEL_NAME", "NotebookError", "RunResult", "execute", "execute_many", "kernel_env"]

T = TypeVar("T")

CELL_TIMEOUT = 120  # seconds per cell
KERNEL_NAME = "python3"


class NotebookError(RuntimeError):
    """A notebook failed to execute (message names the notebook and the cell)."""


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
    """One executed notebook: where it is, its normalised JSON and how long it ran."""

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
        raise NotebookError(f"{repo_relative(path)}: a cell raised an error:\n{exc}") from None
    except (CellTimeoutError, DeadKernelError) as exc:
        raise NotebookError(f"{repo_relative(path)}: {type(exc).__name__}: {exc}") from None
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
