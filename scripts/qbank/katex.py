"""KaTeX, run by Node: one persistent process that typesets TeX, with its results cached.

Why this is its own module: two parts of the project parse formulas with the very KaTeX
the site ships -- validation (:mod:`qbank.validate.math`, QB402: what validates renders)
and the build (:mod:`qbank.site.math` rewrites arithmatex's placeholders into KaTeX HTML;
:mod:`qbank.site.notebook_pages` typesets the notebooks' math).  The build passes its own
renderer to validation, so every formula is parsed once.  The Node side is
``qbank/js/katex-render.mjs``; the KaTeX package is the one ``npm ci`` installs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from .repo import repo_root

__all__ = [
    "STDERR_THREAD",
    "KATEX_SCRIPT",
    "KatexError",
    "KatexRenderer",
    "MathToolError",
    "node_modules_dir",
]

KATEX_SCRIPT = Path(__file__).resolve().parent / "js" / "katex-render.mjs"
OUTPUT_MODES = ("html", "htmlAndMathml", "mathml")
SETUP_HINT = "run `make setup` (or `npm ci` in the repo root)"
# The thread that keeps Node's stderr (for error messages): it only reads that pipe, so a
# process forked beside it (qbank.site.helper) may ignore it.
STDERR_THREAD = "qbank-katex-stderr"


def node_modules_dir() -> Path:
    """``$QBANK_NODE_MODULES`` if set, else ``<repo root>/node_modules``."""
    env = os.environ.get("QBANK_NODE_MODULES")
    return Path(env).expanduser().resolve() if env else repo_root() / "node_modules"


class MathToolError(RuntimeError):
    """Node or the KaTeX package is missing, or the renderer process failed."""


class KatexError(ValueError):
    """KaTeX rejected a formula; ``str(err)`` is KaTeX's own message."""

    def __init__(self, tex: str, message: str, display: bool) -> None:
        super().__init__(message)
        self.tex = tex
        self.message = message
        self.display = display


def _stop(proc: subprocess.Popen) -> None:
    """Close a renderer process (also used as a GC finalizer)."""
    if proc.poll() is not None:
        return
    try:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=5)
    except Exception:  # noqa: BLE001 - best effort at shutdown
        proc.kill()
        proc.wait()


class KatexRenderer:
    """Renders TeX with KaTeX through ONE lazily started Node process.

    >>> with KatexRenderer() as r:
    ...     html = r.render(r"\\frac{1}{2}", display=False)

    Results (including rejections) are cached by ``(tex, display)``.
    """

    def __init__(
        self,
        node_modules: str | os.PathLike[str] | None = None,
        *,
        node: str | None = None,
        output: str = "html",
    ) -> None:
        if output not in OUTPUT_MODES:
            raise ValueError(f"output must be one of {OUTPUT_MODES}, not {output!r}")
        self.node_modules = Path(node_modules).resolve() if node_modules else node_modules_dir()
        self.node = node
        self.output = output
        self.katex_version: str | None = None
        self.spawn_count = 0
        self.cache_hits = 0
        self.cache_misses = 0
        self._cache: dict[tuple[str, bool], tuple[bool, str]] = {}
        self._proc: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize | None = None
        self._stderr: deque[str] = deque(maxlen=50)
        self._next_id = 0
        self._greeted = False
        self._lock = threading.RLock()
        # submit(): requests sent and not answered yet, and the thread that reads the answers.
        self._pending: deque[tuple[int, tuple[str, bool]]] = deque()
        self._reader: threading.Thread | None = None  # None once it has nothing left to read
        self._last_reader: threading.Thread | None = None  # to join: it may still be leaving
        self._reader_lock = threading.Lock()

    # -- process management -------------------------------------------------
    @property
    def pid(self) -> int | None:
        """PID of the running Node process (None before the first render)."""
        return self._proc.pid if self._proc and self._proc.poll() is None else None

    def _check_tools(self) -> str:
        node = shutil.which(self.node or "node")
        if not node:
            raise MathToolError(f"Node.js (`node`) not found on PATH; it renders the site's math. {SETUP_HINT}")
        if not (self.node_modules / "katex" / "package.json").is_file():
            raise MathToolError(f"KaTeX is not installed: {self.node_modules / 'katex'} is missing; {SETUP_HINT}")
        if not KATEX_SCRIPT.is_file():
            raise MathToolError(f"renderer script missing: {KATEX_SCRIPT}")
        return node

    def start(self) -> None:
        """Start Node now, without waiting for it: it loads KaTeX while the caller goes on
        (about 0.25 s), and the first render waits for its greeting."""
        with self._lock:
            self._ensure_running()

    def _ensure_running(self) -> None:
        """Start Node if it is not running (never started, or gone)."""
        if self._proc is None or self._proc.poll() is not None:
            self._proc = None
            self._spawn()

    def _greet(self, *, close: bool = True) -> None:
        """Read the greeting of a process started by :meth:`_spawn` (once).  ``close=False``:
        leave Node running on a bad greeting (the thread of :meth:`submit` must not stop it)."""
        if not self._greeted:
            self._greeted = True
            hello = self._read_line()
            if not hello.get("ready"):
                if close:
                    self.close()
                raise MathToolError(f"unexpected greeting from KaTeX renderer: {hello!r}")
            self.katex_version = hello.get("katex")

    def _spawn(self) -> subprocess.Popen[bytes]:
        node = self._check_tools()
        env = dict(os.environ, QBANK_NODE_MODULES=str(self.node_modules))
        try:
            proc = subprocess.Popen(
                [node, str(KATEX_SCRIPT), str(self.node_modules), f"--output={self.output}"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
        except OSError as exc:
            raise MathToolError(f"cannot start {node}: {exc}; {SETUP_HINT}") from exc
        self.spawn_count += 1
        self._stderr.clear()
        threading.Thread(target=self._drain, args=(proc,), name=STDERR_THREAD, daemon=True).start()
        self._proc = proc
        self._greeted = False
        self._finalizer = weakref.finalize(self, _stop, proc)
        return proc

    def _drain(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            self._stderr.append(raw.decode("utf-8", "replace").rstrip())

    def _died(self, what: str) -> MathToolError:
        proc, self._proc = self._proc, None
        code = None
        if proc is not None:
            try:
                code = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
        time.sleep(0.05)  # let the stderr thread catch the last words
        tail = "\n".join(self._stderr).strip()
        return MathToolError(
            f"KaTeX renderer {what} (exit code {code})" + (f":\n{tail}" if tail else "") + f"\n{SETUP_HINT}"
        )

    def _read_line(self) -> dict:
        assert self._proc is not None and self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise self._died("exited")
        try:
            return json.loads(line)
        except json.JSONDecodeError as exc:
            raise self._died(f"sent garbage ({exc})") from exc

    def close(self) -> None:
        """Stop the Node process (a later render starts a new one)."""
        self._settle()
        with self._lock:
            proc, self._proc = self._proc, None
            if self._finalizer is not None:
                self._finalizer.detach()
                self._finalizer = None
            if proc is not None:
                _stop(proc)

    def __enter__(self) -> KatexRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- rendering ----------------------------------------------------------
    def render(self, tex: str, display: bool = False) -> str:
        """KaTeX HTML for ``tex``; raises :class:`KatexError` if KaTeX rejects it."""
        key = (tex, bool(display))
        if self._last_reader is not None and key not in self._cache:
            self._settle()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self.cache_hits += 1
            else:
                self.cache_misses += 1
                hit = self._cache[key] = self._request(tex, bool(display))
        ok, payload = hit
        if ok:
            return payload
        raise KatexError(tex, payload, bool(display))

    def prefetch(self, formulas: Iterable[tuple[str, bool]], batch: int = 64) -> None:
        """Typeset every ``(tex, display)`` not cached yet, many requests in flight at once.

        The results are those :meth:`render` gives one by one (cached, rejections included);
        what this saves is a round trip to Node per formula (validation asks for ~700 on the
        real bank).  Requests go in batches, each answered before the next is sent, so
        neither pipe fills up."""
        self._settle()
        with self._lock:
            todo = list(dict.fromkeys((tex, bool(display)) for tex, display in formulas if (tex, bool(display)) not in self._cache))
            for i in range(0, len(todo), batch):
                chunk = todo[i:i + batch]
                for key, result in zip(chunk, self._requests(chunk)):
                    self.cache_misses += 1
                    self._cache[key] = result

    def submit(self, formulas: Iterable[tuple[str, bool]]) -> None:
        """Send ``(tex, display)`` formulas to Node now, and return: a thread reads the answers
        into the cache while the caller goes on (validation submits each file's formulas as it
        reads the bank, so that Node typesets while Python checks the next files).

        :meth:`render`, :meth:`prefetch` and :meth:`close` wait for the answers first; whoever
        forks the process must too (:meth:`prefetch` with nothing to add does).  If Node fails
        meanwhile, those formulas are asked again, one by one, by :meth:`render`."""
        if self._proc is None or self._proc.poll() is not None:
            self._settle()  # the reader of a process that is gone
        with self._lock:
            keys = [k for k in dict.fromkeys((tex, bool(display)) for tex, display in formulas) if k not in self._cache]
            if not keys:
                return
            self._ensure_running()
            proc = self._proc  # the reader may drop it (Node gone) while this writes
            assert proc is not None and proc.stdin is not None
            lines = []
            with self._reader_lock:
                for key in keys:
                    rid, line = self._request_line(*key)
                    self._pending.append((rid, key))
                    lines.append(line)
                if self._reader is None:
                    self._reader = self._last_reader = threading.Thread(
                        target=self._read_answers, name="qbank-katex-answers", daemon=True)
                    self._reader.start()
            try:  # Node reads as it goes, and the thread empties its output: this does not block for long
                proc.stdin.write("".join(lines).encode("utf-8"))
                proc.stdin.flush()
            except (OSError, ValueError):  # a broken pipe, or closed by the reader
                pass  # the reader finds Node gone; render() asks again

    def _read_answers(self) -> None:
        """The thread of :meth:`submit`: one answer per pending request, in order, into the cache."""
        try:
            self._greet(close=False)
            while True:
                with self._reader_lock:
                    if not self._pending:
                        self._reader = None
                        return
                    rid, key = self._pending[0]
                result = self._result(rid, self._read_line())
                if result is not None:  # an internal failure: render() asks again, and reports it
                    self._cache[key] = result
                self.cache_misses += 1
                with self._reader_lock:
                    self._pending.popleft()
        except Exception:  # noqa: BLE001 - Node died or spoke garbage: the formulas left are asked again
            with self._reader_lock:
                self._pending.clear()
                self._reader = None

    def _settle(self) -> None:
        """Wait until every submitted formula is answered and its thread has ended."""
        reader = self._last_reader
        if reader is not None and reader is not threading.current_thread():
            reader.join()

    def _request(self, tex: str, display: bool) -> tuple[bool, str]:
        return self._requests([(tex, display)])[0]

    def _requests(self, formulas: list[tuple[str, bool]]) -> list[tuple[bool, str]]:
        self._ensure_running()
        self._greet()
        assert self._proc is not None and self._proc.stdin is not None
        requests = [self._request_line(tex, display) for tex, display in formulas]
        ids, lines = [rid for rid, _ in requests], [line for _, line in requests]
        try:
            self._proc.stdin.write("".join(lines).encode("utf-8"))
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise self._died(f"stopped reading ({exc})") from exc
        replies = [self._read_line() for _ in ids]  # all of them, so that none is left in the pipe
        out = []
        for rid, (tex, _), reply in zip(ids, formulas, replies):
            result = self._result(rid, reply)
            if result is None:
                raise MathToolError(f"KaTeX renderer failed on {tex!r}: {reply.get('error')}")
            out.append(result)
        return out

    def _request_line(self, tex: str, display: bool) -> tuple[int, str]:
        """A new request id, and the request's line for the renderer's stdin."""
        self._next_id += 1
        return self._next_id, json.dumps({"id": self._next_id, "tex": tex, "display": display}) + "\n"

    def _result(self, rid: int, reply: dict) -> tuple[bool, str] | None:
        """The reply to request ``rid`` as a cache entry: ``(True, html)`` or ``(False, KaTeX's
        error)``; None when the renderer itself failed (not the formula's fault)."""
        if reply.get("id") != rid:
            raise self._died(f"answered out of order: {reply!r}")
        if "html" in reply:
            return True, reply["html"]
        if reply.get("internal"):
            return None
        return False, str(reply.get("error", "unknown KaTeX error"))
