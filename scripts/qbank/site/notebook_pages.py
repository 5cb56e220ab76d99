"""Notebook pages: mkdocs-jupyter's HTML made light, offline and native to the site.

mkdocs-jupyter (``execute: false``) turns each ``docs/notebooks/*.ipynb`` into page HTML
with nbconvert. That HTML, as it comes, would break two of the site's rules: it loads
MathJax (and Mermaid) from cdnjs, and it inlines about 600 KB of JupyterLab CSS plus a
clipboard script into every notebook page. :func:`render` (called from the build hook's
``on_page_content``) rewrites it:

* drops every ``<script>``, ``<style>`` and comment, the clipboard widgets and the hidden
  copies of each cell's source; the few rules the page needs are in
  docs/assets/stylesheets/qbank.css (about 1 KB, written with Material's colour variables so
  both palettes work);
* code cells become Material code blocks (``<div class="language-python highlight">
  <pre><code>``): the site's own syntax colours, light and dark, and its copy button;
* ``$…$`` / ``$$…$$`` in Markdown cells are typeset by KaTeX at build time, exactly like
  the question pages (:mod:`qbank.katex`); a formula KaTeX rejects fails the build;
* plots, stored in the notebook as base64 PNG, are written next to the page as files
  (content-hashed names, ``width``/``height`` set, lazy-loaded, alt text from the plotting
  cell's ``# Figure: …`` comment, linked to the full-size file for phones) and, when
  Pillow is available, re-encoded as 256-colour PNG, which is about a third of the size
  and looks the same for line plots;
* relative links to bank questions (``../questions/<topic>/<slug>.md``) and to other
  notebooks (``x.ipynb``) become site URLs; a link to nothing fails the build;
* a download link for the ``.ipynb`` (copied next to the page by ``include_source``) goes
  under the title.

The rest of the notebook support: :func:`nav` (the *Notebooks* section), :func:`index_page`
(its generated index), :func:`try_it` (the "Try it in a notebook" box on question pages)
and :func:`check` (the question <-> notebook links, see :func:`qbank.notebooks.check_links`).
"""

from __future__ import annotations

import base64
import hashlib
import html as _html
import io
import json
import posixpath
import re
import struct
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from qbank.notebooks import NOTEBOOKS_DIR, NotebookInfo, check_links, notebook_info, notebook_paths
from qbank.errors import LocatedError
from qbank.katex import KatexError
from qbank.validate import quote as _quote  # messages quote the author's text, not a Python repr

__all__ = ["PLOTS_THREAD", "NotebookPageError", "Plots", "check", "index_page", "is_notebook", "nav", "notebooks", "render", "try_it",
           "typeset_math"]

SECTION = "Notebooks"
# The name of the thread re-encoding the plots (Plots): it runs Pillow only, so a process forked
# beside it (qbank.site.helper) may ignore it.
PLOTS_THREAD = "qbank-plots"
INDEX = f"{NOTEBOOKS_DIR}/index.md"


_PROTECTED = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>|<script\b.*?</script>|<style\b.*?</style>|<[^>]*>)",
                        re.S | re.I)
_DISPLAY_PARAGRAPH = re.compile(r"<p>\s*\$\$(.+?)\$\$\s*</p>", re.S)
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?=\S)([^$]+?)(?<=\S)(?<!\\)\$(?!\d)", re.S)
_IMG = re.compile(r'<img\b[^>]*?\bsrc="data:image/png;base64,([A-Za-z0-9+/=\s]+)"[^>]*>', re.I)
_CODE = re.compile(r'<div class="highlight-ipynb hl-([\w+-]+)\s*"><pre>(<span></span>)?(.*?)</pre></div>', re.S)
_HREF = re.compile(r'href="([^"]*)"')
# "# Figure: what the plot shows" (continued on the following "# " comment lines).
_FIGURE_COMMENT = re.compile(r"^[ \t]*#[ \t]*Figure:[ \t]*(.+(?:\n[ \t]*#(?![ \t]*Figure:).*)*)", re.M)


class NotebookPageError(LocatedError, ValueError):
    """The notebook's page cannot be built (broken link, bad formula): a located problem at
    the notebook, ``message`` listing every problem, one a line (each line after the first
    starts with the path again, so ``str()`` reads ``docs/<notebook>: problem`` per line)."""

    def __init__(self, path: str, problems: list[str]) -> None:
        super().__init__(path, None, f"\n{path}: ".join(problems),
                         "fix the link or formula in the notebook's Markdown cells")


# -- the notebooks ---------------------------------------------------------------------

_CACHE: dict[tuple[str, int, int], NotebookInfo] = {}


def notebooks(docs_dir: Path) -> list[NotebookInfo]:
    """Every notebook of the site (read once per file version)."""
    out = []
    for path in notebook_paths(Path(docs_dir)):
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
        if key not in _CACHE:
            _CACHE[key] = notebook_info(path, Path(docs_dir))
        out.append(_CACHE[key])
    return out


def check(docs_dir: Path, questions: list | None = None) -> list[str]:
    """Link problems between questions and notebooks (empty when all is well)."""
    return check_links(Path(docs_dir), questions)


def nav(docs_dir: Path) -> list[dict]:
    """The nav section: the index page, then each notebook under its title."""
    infos = notebooks(docs_dir)
    if not infos:
        return []
    return [{SECTION: [INDEX, *({i.title: i.rel} for i in infos)]}]


def is_notebook(page) -> bool:  # noqa: ANN001 - a MkDocs Page
    src = page.file.src_uri
    return src.startswith(f"{NOTEBOOKS_DIR}/") and src.endswith(".ipynb")


def _esc(text: str) -> str:
    return _html.escape(text, quote=True)


def index_page(docs_dir: Path, questions_by_path: dict) -> str | None:
    """Markdown of ``notebooks/index.md`` (None when there are no notebooks)."""
    infos = notebooks(docs_dir)
    if not infos:
        return None
    lines = [
        "---", "description: Runnable NumPy + Matplotlib notebooks that plot the answers to interview questions.", "---",
        "", f"# {SECTION}", "",
        "Short, runnable explanations beside the answers. Each notebook uses only NumPy and Matplotlib, "
        "is seeded (it prints and plots the same thing every time) and runs in seconds. Read them here "
        "with their outputs, or download the `.ipynb` from the notebook's page and run it in Jupyter.", "",
    ]
    for info in infos:
        answered = sum(1 for p in info.questions if p in questions_by_path)
        lines += [f"## [{info.title}]({posixpath.basename(info.rel)})", "", info.summary, "",
                  f'<p class="qb-attribution">{info.figures} plots · linked from {answered} questions</p>', ""]
    return "\n".join(lines)


def try_it(question, docs_dir: Path) -> list[str]:  # noqa: ANN001 - a qbank Question
    """Markdown lines for a question page: the notebooks it lists in its front matter.

    Links are relative to the question's Markdown file, so MkDocs checks and rewrites them."""
    if not question.notebooks:
        return []
    infos = {i.rel: i for i in notebooks(docs_dir)}
    up = "../" * len(Path(question.path).parent.parts)
    out = ['!!! example "Try it in a notebook"', "",
           "    Runnable plots for this answer (NumPy + Matplotlib, outputs included):", ""]
    for rel in question.notebooks:
        info = infos.get(rel)
        out.append(f"    - [{_esc(info.title if info else rel)}]({up}{rel})")
    out.append("")
    return out


# -- the page --------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def _optimise_png(data: bytes) -> bytes:
    """256-colour PNG when that is smaller and the image is opaque; else the original."""
    try:
        from PIL import Image
    except ImportError:
        return data
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            im: Image.Image = opened
            if im.mode == "RGBA":
                if im.getchannel("A").getextrema() != (255, 255):
                    return data
                im = im.convert("RGB")
            elif im.mode != "RGB":
                return data
            small = im.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            out = io.BytesIO()
            small.save(out, "PNG", optimize=True)
    except OSError:
        return data
    result = out.getvalue()
    return result if len(result) < len(data) else data


class Plots:
    """The notebooks' plots, re-encoded (:func:`_optimise_png`) in a background thread.

    Re-encoding the real site's 8 plots costs about 0.5 s of CPU, mostly in Pillow's C code,
    which releases the GIL: started when the build begins (:meth:`start`), it runs beside
    the Markdown of the other pages and is done, or nearly, when a notebook page asks for a
    plot (:meth:`optimised`).  The result is the same bytes as computed on the spot."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[bytes, Future[bytes]] = {}  # sha256 of the PNG -> its re-encoding

    def start(self, docs_dir: Path) -> None:
        """Start re-encoding every plot of every notebook under ``docs_dir``."""
        self.close()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=PLOTS_THREAD)
        for path in notebook_paths(Path(docs_dir)):
            nb = json.loads(path.read_text(encoding="utf-8"))
            for cell in nb.get("cells", []):
                for output in cell.get("outputs", []) or []:
                    png = (output.get("data") or {}).get("image/png")
                    if png:
                        data = base64.b64decode(re.sub(r"\s", "", "".join(png) if isinstance(png, list) else png))
                        key = hashlib.sha256(data).digest()
                        if key not in self._pending:
                            self._pending[key] = self._pool.submit(_optimise_png, data)

    def optimised(self, data: bytes) -> bytes:
        """:func:`_optimise_png` of ``data``, from the background thread when it was started for it."""
        future = self._pending.get(hashlib.sha256(data).digest())
        return future.result() if future is not None else _optimise_png(data)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._pending.clear()


def _figure_alts(src_path: Path, title: str) -> list[str]:
    """Alt text of each image output, in order: the cell's ``# Figure: …`` comment."""
    nb = json.loads(Path(src_path).read_text(encoding="utf-8"))
    alts: list[str] = []
    for cell in nb.get("cells", []):
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        m = _FIGURE_COMMENT.search(src)
        images = [o for o in cell.get("outputs", []) or [] if "image/png" in (o.get("data") or {})]
        for k, _ in enumerate(images, 1):
            alt = (" ".join(line.strip().lstrip("#").strip() for line in m.group(1).splitlines()) if m
                   else f"Figure {len(alts) + 1} of the notebook {title}")
            alts.append(alt + (f" (part {k})" if len(images) > 1 else ""))
    return alts


def typeset_math(html: str, renderer) -> tuple[str, list[str]]:  # noqa: ANN001 - KatexRenderer
    """KaTeX for ``$…$`` and ``$$…$$`` outside tags, ``<pre>`` and ``<code>``: the typeset
    HTML and one message per formula KaTeX rejects (notebooks write math as Jupyter does,
    which the Markdown pipeline's arithmatex never sees)."""
    errors: list[str] = []
    rendered: list[str] = []

    def typeset(tex_escaped: str, display: bool, block: bool = False) -> str:
        tex = _html.unescape(tex_escaped).strip()
        try:
            out = renderer.render(tex, display)
        except KatexError as exc:
            errors.append(f"KaTeX cannot parse {_quote(tex)}: {exc.message}")
            return ("$$" if display else "$") + tex_escaped + ("$$" if display else "$")
        tag = "div" if block else "span"  # $$…$$ inside a sentence stays inside its <p>
        label = _esc(" ".join(tex.split()))
        rendered.append(f'<{tag} class="arithmatex katex-rendered" role="img" aria-label="{label}">{out}</{tag}>')
        return f"\x00{len(rendered) - 1}\x00"

    html = _DISPLAY_PARAGRAPH.sub(lambda m: typeset(m.group(1), True, block=True), html)
    parts = _PROTECTED.split(html)
    for i in range(0, len(parts), 2):  # even indices: text between tags
        if "$" in parts[i]:
            parts[i] = _MATH.sub(lambda m: typeset(m.group(1), True) if m.group(1) is not None
                                 else typeset(m.group(2), False), parts[i])
    html = "".join(parts)
    return re.sub(r"\x00(\d+)\x00", lambda m: rendered[int(m.group(1))], html), errors


class _Recorder:
    """A stand-in renderer that notes what :func:`typeset_math` would ask KaTeX for."""

    def __init__(self) -> None:
        self.formulas: list[tuple[str, bool]] = []

    def render(self, tex: str, display: bool = False) -> str:
        self.formulas.append((tex, display))
        return ""


def _strip_jupyter_chrome(html: str) -> str:
    html = re.sub(r"<script\b.*?</script>", "", html, flags=re.S | re.I)
    html = re.sub(r"<style\b.*?</style>", "", html, flags=re.S | re.I)
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    html = re.sub(r'<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>', "", html, flags=re.S)
    html = re.sub(r'<div class="clipboard-copy-txt" id="cell-\d+">.*?</div>\s*', "", html, flags=re.S)
    html = re.sub(r'<div class="jp-Collapser[^"]*">\s*</div>\s*', "", html)
    html = re.sub(r'<div class="jp-(?:Input|Output)Prompt[^"]*">\s*</div>\s*', "", html)
    html = html.replace(' tabindex="0"', "")
    html = re.sub(r'\sdata-(?:jp-[a-z-]+|mime-type|type)="[^"]*"', "", html)  # JupyterLab's own hooks
    html = re.sub(r'<a class="anchor-link" href="(#[^"]*)">¶</a>',
                  r'<a class="headerlink" href="\1" title="Link to this section">¶</a>', html)
    html = _CODE.sub(lambda m: f'<div class="language-{m.group(1)} highlight"><pre><span></span><code>'
                     f"{m.group(3)}</code></pre></div>", html)
    # Blank lines between tags only (never inside <pre>: they belong to the code).
    parts = re.split(r"(<pre\b.*?</pre>)", html, flags=re.S)
    return "".join(p if i % 2 else re.sub(r"\n\s*\n+", "\n", p) for i, p in enumerate(parts))


def render(html: str, page, config, files, renderer, plots: Plots | None = None) -> str:  # noqa: ANN001 - MkDocs objects
    """The page HTML for a notebook (see the module docstring). Raises
    :class:`NotebookPageError` listing every broken link and formula.  ``plots``: the plots
    re-encoded ahead of time, if started."""
    from mkdocs.utils import get_relative_url

    src_uri = page.file.src_uri
    src_path = Path(page.file.abs_src_path)
    problems: list[str] = []
    html = _strip_jupyter_chrome(html)

    recorder = _Recorder()  # every formula first, to typeset them in a few round trips to Node
    typeset_math(html, recorder)
    if hasattr(renderer, "prefetch"):
        renderer.prefetch(recorder.formulas)
    html, math_errors = typeset_math(html, renderer)
    problems += math_errors

    def link(m: re.Match[str]) -> str:
        href = _html.unescape(m.group(1))
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("#", "/")) or not parts.path:
            return m.group(0)
        if not parts.path.endswith((".md", ".ipynb")):
            return m.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), parts.path))
        file = files.get_file_from_path(target)
        if file is None:
            problems.append(f"link to {_quote(href)}: no such page (docs/{target})")
            return m.group(0)
        url = get_relative_url(file.url, page.file.url) + (f"#{parts.fragment}" if parts.fragment else "")
        return f'href="{_esc(url)}"'

    html = _HREF.sub(link, html)

    title = page.title or src_path.stem
    alts = _figure_alts(src_path, title)
    out_dir = Path(page.file.abs_dest_path).parent
    count = iter(range(1, 10_000))

    def image(m: re.Match[str]) -> str:
        n = next(count)
        raw = base64.b64decode(re.sub(r"\s", "", m.group(1)))
        data = plots.optimised(raw) if plots is not None else _optimise_png(raw)
        name = f"figure-{n}.{hashlib.sha256(data).hexdigest()[:10]}.png"
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / name).write_bytes(data)
        size = _png_size(data)
        dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
        alt = alts[n - 1] if n <= len(alts) else f"Figure {n} of the notebook {title}"
        # Linked to itself: on a phone, a tap opens the plot at full size.
        return (f'<a href="{name}" class="qb-nb-figure"><img src="{name}" alt="{_esc(alt)}"{dims} '
                'loading="lazy" decoding="async"></a>')

    html = _IMG.sub(image, html)

    name = src_path.name
    kb = max(1, round(src_path.stat().st_size / 1024))
    actions = (f'<p class="qb-nb-actions"><a class="md-button" href="{_esc(name)}" download>'
               f"Download the notebook (.ipynb, {kb} KB)</a>"
               "<span>NumPy + Matplotlib · seeded · runs in seconds</span></p>")
    html, n_h1 = re.subn(r"(</h1>)", r"\1" + actions.replace("\\", "\\\\"), html, count=1)
    if not n_h1:
        html = actions + html
    if problems:
        raise NotebookPageError(f"docs/{src_uri}", problems)
    return html  # its styles are in docs/assets/stylesheets/qbank.css ("Notebook pages")
