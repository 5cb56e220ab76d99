"""The build helper: a process forked when the build starts, computing on the machine's other core.

Why: ``mkdocs build`` runs on one core.  Some of its work depends on nothing the build computes
first -- converting the notebooks with nbconvert, compiling the theme's Jinja templates -- yet
MkDocs does it in line, in the middle of the build.  The helper does it in parallel and the
build takes the results when it reaches that point (:meth:`Helper.take`).

Why fork (and not spawn): the child inherits the imported modules (importing nbconvert costs
~0.6 s) and MkDocs's validated configuration, so the tasks are plain closures, nothing is
pickled on the way in, and they run the very code the build would.  Forking is safe only while
the process has one thread: :meth:`Helper.start` returns None otherwise (a rebuild under
``mkdocs serve``, a second build in a test process whose threads are still alive), and off
Linux (macOS's system libraries do not support ``fork`` without ``exec``; Windows has none);
callers then do the work in process, as without the helper.

What the results must be: the same as in process.  So a task's log records are captured in the
helper and handled again in the build process when its result is taken (``-v`` output and
``--strict``'s count of warnings are as if the task had run in line); a task that raises, a
result that cannot be sent back, or a helper that died make :meth:`Helper.take` raise
:class:`HelperError`, and the caller then does the work itself (which fails the same way, or
not at all).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

__all__ = ["Helper", "HelperError", "Task"]

Task = tuple[str, Callable[[], Any]]
"""A key and what to compute for it, in the helper."""

_Message = tuple[str, bool, Any, list[logging.LogRecord]]  # key, ok, value (or traceback), log records


class HelperError(RuntimeError):
    """A task failed in the helper, its result could not be sent, or the helper is gone."""


class Helper:
    """A forked process running tasks in order; the build takes each result by its key."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self._process = process
        self._conn: Connection | None = conn
        self._results: dict[str, _Message] = {}

    @classmethod
    def start(cls, tasks: Callable[[], Iterable[Task]], *, beside: Iterable[str] = (), nice: int = 0) -> Helper | None:
        """Fork the helper; it runs ``tasks()`` (called in the helper) in order.

        ``nice``: a helper whose results the build takes only if they are ready runs at a lower
        priority, so that on a busy machine it takes no CPU time from the build itself.

        None when forking is not safe here or not available: when threads other than the main
        one run, except those named in ``beside`` -- threads the caller knows hold nothing the
        tasks use (a lock held by a thread at the fork stays held in the helper forever)."""
        others = [t for t in threading.enumerate() if t is not threading.main_thread()]
        if not sys.platform.startswith("linux") or any(not t.name.startswith(tuple(beside)) for t in others):
            return None
        ctx = multiprocessing.get_context("fork")
        receiver, sender = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_serve, args=(tasks, sender, receiver, nice), name="qbank-build-helper", daemon=True)
        process.start()
        sender.close()  # the helper holds the only writer: its exit is our end of file
        return cls(process, receiver)

    def ready(self, key: str, accept: Callable[[Any], bool] = lambda _: True) -> tuple[bool, Any]:
        """``(True, result)`` of the task ``key`` if the helper has sent it, without waiting,
        and ``accept(result)``; ``(False, None)`` if not yet, if the task failed or if the result
        is not accepted (the caller does the work itself, and its log records are dropped)."""
        while key not in self._results and self._conn is not None and self._conn.poll(0):
            self._receive()
        if key not in self._results:
            return False, None
        _, ok, value, records = self._results.pop(key)
        if not ok or not accept(value):
            return False, None
        for record in records:
            logging.getLogger(record.name).handle(record)
        return True, value

    def take(self, key: str) -> Any:
        """The result of the task ``key`` (waiting for it); its log records are handled now."""
        while key not in self._results:
            if self._conn is None:
                raise HelperError(f"the build helper is closed (no result for {key})")
            if not self._receive():
                raise HelperError(f"the build helper (pid {self._process.pid}) exited without a result for {key}"
                                  f" (exit code {self._wait()})")
        _, ok, value, records = self._results.pop(key)
        for record in records:
            logging.getLogger(record.name).handle(record)
        if not ok:
            raise HelperError(f"the build helper failed on {key}:\n{value}")
        return value

    def finish(self) -> None:
        """Wait until the helper has sent every result (they stay to be taken)."""
        while self._conn is not None:
            self._receive()

    def _receive(self) -> bool:
        """Wait for the helper's next message and keep it; False (and the pipe closed) when the
        helper has gone.  Only called while the pipe is open."""
        assert self._conn is not None
        try:
            message: _Message = self._conn.recv()
        except (EOFError, OSError):
            self._conn.close()
            self._conn = None
            return False
        self._results[message[0]] = message
        return True

    def close(self, *, wait: bool = True) -> None:
        """Stop the helper (whatever it is still doing is not needed); ``wait=False``: without
        waiting for it to exit (multiprocessing reaps it later, at the latest at exit)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process.is_alive():
            self._process.terminate()
        if wait:
            self._process.join(timeout=5)
        self._results.clear()

    def _wait(self) -> int | None:
        self._process.join(timeout=5)
        return self._process.exitcode


def _serve(tasks: Callable[[], Iterable[Task]], conn: Connection, build_end: Connection, nice: int = 0) -> None:
    """The helper's main: run the tasks, send each result with the log records it emitted.

    A thread sends: a result larger than the pipe's buffer (a notebook page is ~1 MB) would
    otherwise hold the next task until the build reads it.  When the build stops the helper
    (:meth:`Helper.close`: SIGTERM), it leaves at once, through ``finally``/``with`` blocks
    (temporary files), without waiting for what is left to send."""
    build_end.close()  # the build's end of the pipe: once the build closes it, sending fails, never blocks
    signal.signal(signal.SIGTERM, _exit)
    sys.unraisablehook = _unraisable
    if nice:
        os.nice(nice)
    records: list[logging.LogRecord] = []
    outbox: queue.SimpleQueue[_Message | None] = queue.SimpleQueue()
    sender = threading.Thread(target=_send, args=(outbox, conn), name="qbank-helper-send", daemon=True)
    sender.start()

    def capture(self: logging.Logger, record: logging.LogRecord) -> None:
        records.append(_portable(record))  # the build process's Logger.handle filters and emits it

    logging.Logger.handle = capture  # type: ignore[method-assign]  # in this process only: it is the helper
    for key, task in tasks():
        if _stopped:  # a SIGTERM whose SystemExit a finalizer swallowed: leave at the next task
            break
        records.clear()  # the task's own records, not those of the work that planned it
        try:
            outbox.put((key, True, task(), records[:]))
        except Exception:  # noqa: BLE001 - reported to the build, which does the work itself
            outbox.put((key, False, traceback.format_exc(), records[:]))
        records.clear()
    outbox.put(None)
    sender.join()  # everything sent (a SIGTERM interrupts the wait)


_stopped = False


def _exit(signum: int, frame: object) -> None:
    global _stopped
    _stopped = True
    raise SystemExit(128 + signum)


def _unraisable(unraisable: Any) -> None:
    """A SIGTERM that lands in a finalizer (a weakref callback, a ``__del__``) raises there,
    where Python can only print the exception and go on: not worth a traceback on the build's
    terminal.  The helper leaves at its next task (``_stopped``)."""
    if not isinstance(unraisable.exc_value, SystemExit):
        sys.__unraisablehook__(unraisable)


def _send(outbox: queue.SimpleQueue[_Message | None], conn: Connection) -> None:
    while (message := outbox.get()) is not None:
        try:
            conn.send(message)
        except (BrokenPipeError, ConnectionResetError):  # the build closed its end: nobody is listening
            break
        except Exception:  # noqa: BLE001 - e.g. a result that cannot be pickled
            conn.send((message[0], False, traceback.format_exc(), message[3]))
    conn.close()


def _portable(record: logging.LogRecord) -> logging.LogRecord:
    """The record with its message formatted and its traceback as text: it can be pickled."""
    record.msg = record.getMessage()
    record.args = None
    if record.exc_info:
        record.exc_text = record.exc_text or logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
    return record
