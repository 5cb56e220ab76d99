"""Build-time math rendering: pymdownx.arithmatex (generic mode) -> KaTeX HTML.

The site must work offline and fast, so formulas are typeset once at build
time by KaTeX running in a single persistent Node process
(``qbank/js/katex-render.mjs``), and pages ship only KaTeX's CSS and fonts (see
:mod:`qbank.site.vendor`), no JavaScript.

arithmatex's generic output, which :func:`render_math` rewrites::

    <span class="arithmatex">\\(a &lt; b\\)</span>        inline: $...$ and \\(...\\)
    <div class="arithmatex">\\[ ... \\]</div>             block: $$...$$, \\[...\\], \\begin{env}

The TeX inside is HTML-escaped (``<``, ``>``, ``&``) and is unescaped here
before KaTeX sees it.

Output mode: KaTeX is run with ``output="html"``. ``htmlAndMathml`` adds a
hidden MathML copy of every formula (about +40% elements on our content: 364
vs 507 for six typical formulas), which counts against the page's DOM-node
budget. KaTeX's HTML is always ``aria-hidden``, so to stay accessible the
wrapper gets ``role="img"`` and ``aria-label`` = the TeX source (what
screen readers announce; zero extra nodes). Pass ``output="htmlAndMathml"`` to
:class:`KatexRenderer` to switch; the wrapper then carries no label, since
the MathML speaks for itself.
"""

from __future__ import annotations

import html as _html
import json
import os
import re
import shutil
import subprocess
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

__all__ = [
    "raw_tex",
    "KATEX_SCRIPT",
    "KatexError",
    "KatexRenderer",
    "MathError",
    "MathToolError",
    "find_tex_line",
    "node_modules_dir",
    "render_math",
    "repo_root",
]

KATEX_SCRIPT = Path(__file__).resolve().parents[1] / "js" / "katex-render.mjs"
OUTPUT_MODES = ("html", "htmlAndMathml", "mathml")
SETUP_HINT = "run `make setup` (or `npm ci` in the repo root)"


def repo_root() -> Path:
    """The checkout root: scripts/qbank/site/math.py -> parents[3]."""
    return Path(__file__).resolve().parents[3]


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


@dataclass(frozen=True)
class MathError:
    """A formula KaTeX could not typeset (left untouched in the HTML)."""

    tex: str
    message: str
    display: bool


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
        self._lock = threading.RLock()

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

    def _start(self) -> subprocess.Popen[bytes]:
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
        threading.Thread(target=self._drain, args=(proc,), daemon=True).start()
        self._proc = proc
        self._finalizer = weakref.finalize(self, _stop, proc)
        hello = self._read_line()
        if not hello.get("ready"):
            self.close()
            raise MathToolError(f"unexpected greeting from KaTeX renderer: {hello!r}")
        self.katex_version = hello.get("katex")
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

    def _request(self, tex: str, display: bool) -> tuple[bool, str]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = None
            self._start()
        assert self._proc is not None and self._proc.stdin is not None
        self._next_id += 1
        rid = self._next_id
        data = json.dumps({"id": rid, "tex": tex, "display": display}) + "\n"
        try:
            self._proc.stdin.write(data.encode("utf-8"))
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise self._died(f"stopped reading ({exc})") from exc
        reply = self._read_line()
        if reply.get("id") != rid:
            raise self._died(f"answered out of order: {reply!r}")
        if "html" in reply:
            return True, reply["html"]
        if reply.get("internal"):
            raise MathToolError(f"KaTeX renderer failed on {tex!r}: {reply.get('error')}")
        return False, str(reply.get("error", "unknown KaTeX error"))


# -- HTML rewriting ------------------------------------------------------------
# arithmatex escapes the TeX, so the element body never contains a raw "<".
_ARITHMATEX_RE = re.compile(r'<(span|div) class="arithmatex">([^<]*)</\1>')
_DELIMS = ((r"\(", r"\)"), (r"\[", r"\]"), ("$$", "$$"), ("$", "$"))


def _strip_delims(body: str) -> str:
    for left, right in _DELIMS:
        if body.startswith(left) and body.endswith(right) and len(body) >= len(left) + len(right):
            return body[len(left) : len(body) - len(right)]
    return body


def render_math(html: str, renderer: KatexRenderer) -> tuple[str, list[MathError]]:
    """Replace arithmatex (generic) placeholders in ``html`` by KaTeX HTML.

    Returns the new HTML and the formulas KaTeX rejected; those stay in the
    HTML exactly as they were, so the caller can report and fail the build.
    """
    errors: list[MathError] = []
    label = getattr(renderer, "output", "html") == "html"

    def repl(m: re.Match[str]) -> str:
        tag, body = m.group(1), m.group(2)
        display = tag == "div"
        tex = _html.unescape(_strip_delims(body))
        try:
            out = renderer.render(tex, display)
        except KatexError as exc:
            errors.append(MathError(tex, exc.message, display))
            return m.group(0)
        attrs = ""
        if label:
            attrs = ' role="img" aria-label="%s"' % _html.escape(" ".join(tex.split()), quote=True)
        return f'<{tag} class="arithmatex katex-rendered"{attrs}>{out}</{tag}>'

    return _ARITHMATEX_RE.sub(repl, html), errors


def find_tex_line(source: str, tex: str) -> int | None:
    """1-based line of ``source`` (Markdown) where formula ``tex`` starts, if found.

    Helps the build hook turn a :class:`MathError` into ``file:line``.
    """
    first = next((ln.strip() for ln in tex.splitlines() if ln.strip()), "")
    if not first:
        return None
    idx = source.find(first)
    return None if idx < 0 else source.count("\n", 0, idx) + 1


class _ProseText(HTMLParser):
    """The text a reader sees as prose: outside code, preformatted blocks and KaTeX output."""

    SKIP = frozenset({"code", "pre", "script", "style", "kbd", "samp"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # one entry per open element: does it hide its text?
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            return
        classes = next((v or "" for k, v in attrs if k == "class"), "").split()
        hidden = tag in self.SKIP or any(c.startswith("katex") or c == "arithmatex" for c in classes)
        self.stack.append(hidden or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_ELEMENTS and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta source track wbr".split())
# What a formula leaves in the text when Markdown did not hand it to KaTeX.
RAW_TEX = re.compile(r"\\[()\[\]]|\$\$|\\(?:begin|end)\{|\\[a-zA-Z]{2,}(?=[{_^\\\s(]|$)")


# What can decode to a backslash or a dollar sign: without any, no RAW_TEX can match the text.
_TEX_CHARS = re.compile(r"[\\$]|&(?:#0*(?:92|36)(?!\d)|#[xX]0*(?:5[cC]|24)(?![0-9a-fA-F])|bsol;|dollar;)")


def raw_tex(html: str) -> list[str]:
    """Snippets of TeX showing as plain text on a rendered page (a formula Markdown broke:
    display math inside a paragraph, an unclosed delimiter...)."""
    if not _TEX_CHARS.search(html):  # most pages: nothing to look for, no need to parse
        return []
    parser = _ProseText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    return [" ".join(text[max(m.start() - 25, 0):m.end() + 25].split()) for m in RAW_TEX.finditer(text)]
