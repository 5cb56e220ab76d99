"""The notebooks in docs/notebooks/: they run, they reproduce, they link, they build.

* every notebook executes headless (nbclient, a fresh kernel) without an error, and the
  fresh outputs equal the stored ones apart from the documented volatile fields
  (``qbank.notebooks.compare``);
* the stored files are exactly what ``make notebooks`` writes (normalised, executed top
  to bottom, NumPy + Matplotlib only, seeded);
* questions and notebooks link to each other both ways (and the check catches breakage);
* the built pages carry the plots as files, KaTeX math, a download link, links back to the
  questions, and none of mkdocs-jupyter's CDN scripts or inlined JupyterLab CSS.

Execution timings go to tests/artifacts/notebook-run-<name>.json.
"""

from __future__ import annotations

import ast
import asyncio
import base64
import io
import json
import re
import time
from pathlib import Path

import pytest
import yaml

from conftest import REPO, BuiltSite, mkdocs_config

from qbank.notebooks import (
    FONT_CACHE_NOTE,
    check_links,
    compare,
    dumps,
    execute,
    normalise,
    notebook_info,
    question_links,
)

DOCS = REPO / "docs"
NB_DIR = DOCS / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb"))
ARTIFACTS = REPO / "tests" / "artifacts"
ALLOWED_IMPORTS = {"numpy", "matplotlib", "math"}
RUN_BUDGET_S = 60  # per notebook; all four together take well under two minutes
# The brief's four subjects: notebook -> words its Markdown must cover.
SUBJECTS = {
    "activation-functions.ipynb": ["sigmoid", "tanh", "ReLU", "Leaky ReLU", "GELU", "temperature", "saturate"],
    "optimizers.ipynb": ["SGD", "momentum", "0.9999", "RMSProp", "Adam", "loss"],
    "vanishing-gradients.ipynb": ["vanish", "explod", "initialisation", "batch normalization", "layer"],
    "attention.ipynb": ["softmax", "sqrt{d_k}", "heat-map", "query", "causal"],
}
# Questions the brief names, by id or title words -> the notebook that must list them.
MUST_LINK = [
    ({"id": "q-5202f03"}, "optimizers.ipynb"),  # momentum 0.9999 (github-dl-qa Q18)
    ({"title": "temperature"}, "activation-functions.ipynb"),
    ({"title": "adam"}, "optimizers.ipynb"),
    ({"title": "rmsprop"}, "optimizers.ipynb"),
    ({"title": "sigmoid and tanh not preferred"}, "activation-functions.ipynb"),
    ({"title": "sigmoid and tanh not preferred"}, "vanishing-gradients.ipynb"),
    ({"title": "vanishing gradient problem occur"}, "vanishing-gradients.ipynb"),
    ({"title": "self-attention"}, "attention.ipynb"),
    ({"title": "popular activation functions"}, "activation-functions.ipynb"),
]


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _src(x) -> str:
    return "".join(x) if isinstance(x, list) else x


def _bank() -> list[tuple[Path, dict]]:
    out = []
    for path in sorted((DOCS / "questions").glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        m = re.match(r"^---\n(.*?)\n---\n", text, flags=re.S)
        if m:
            out.append((path, yaml.safe_load(m.group(1)) or {}))
    return out


def _png(size=(40, 30), color=(255, 255, 255), dots=()) -> str:
    from PIL import Image

    im = Image.new("RGB", size, color)
    for xy in dots:
        im.putpixel(xy, (0, 0, 0))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


# -- the files ---------------------------------------------------------------------------


def test_the_four_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} >= set(SUBJECTS), f"have {[p.name for p in NOTEBOOKS]}"


@pytest.mark.parametrize("name", sorted(SUBJECTS))
def test_notebook_covers_its_subject(name: str):
    nb = _load(NB_DIR / name)
    md = "\n".join(_src(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    missing = [w for w in SUBJECTS[name] if w.lower() not in md.lower()]
    assert not missing, f"{name} never mentions {missing}"
    info = notebook_info(NB_DIR / name, DOCS)
    assert info.title and info.summary
    assert info.figures >= 2, f"{name}: {info.figures} plots"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_notebook_is_clean(path: Path):
    """Exactly what `make notebooks` writes: executed top to bottom, normalised, no errors."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    assert dumps(normalise(json.loads(text))) == text, f"{path.name} is not normalised: run `make notebooks`"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "version" not in nb["metadata"].get("language_info", {})
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), "run it top to bottom"
    for c in nb["cells"]:
        assert "execution" not in c.get("metadata", {}), "timestamps are volatile and must not be stored"
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", c.get("id", "")), "nbformat 4.5 cell ids"
    for c in code:
        for o in c["outputs"]:
            assert o["output_type"] != "error", f"{path.name}: a stored error output"
            assert not (o["output_type"] == "stream" and o["name"] == "stderr"), \
                f"{path.name}: stderr output {_src(o['text'])[:200]!r}"
            text_plain = _src(o.get("data", {}).get("text/plain", ""))
            assert not re.search(r" at 0x[0-9a-f]+>", text_plain), f"{path.name}: a repr with a memory address"
    assert sum(1 for c in code for o in c["outputs"] if "image/png" in o.get("data", {})) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_only_numpy_and_matplotlib_and_seeded(path: Path):
    nb = _load(path)
    source = "\n".join(_src(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    tree = ast.parse(source)
    modules = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert modules <= ALLOWED_IMPORTS, f"{path.name} imports {sorted(modules - ALLOWED_IMPORTS)}"
    assert "default_rng(" in source, "seed a generator: np.random.default_rng(<int>)"
    assert not re.search(r"default_rng\(\s*\)", source), "an unseeded generator"
    legacy = re.findall(r"np\.random\.(?!default_rng)\w+", source)
    assert not legacy, f"global-state NumPy randomness {legacy}: use the seeded generator"
    for line in source.splitlines():
        assert len(line) <= 88, f"{path.name}: a code line of {len(line)} characters (keep them readable)"


# -- execution -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_and_reproduces(path: Path):
    """Headless, fresh kernel, no error; the outputs equal the stored ones."""
    start = time.monotonic()
    result = execute(path)  # raises NotebookError naming the cell on any exception
    wall = time.monotonic() - start
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"notebook-run-{path.stem}.json").write_text(
        json.dumps({"notebook": path.name, "execute_s": round(result.seconds, 2), "wall_s": round(wall, 2)}),
        encoding="utf-8")
    assert result.seconds < RUN_BUDGET_S, f"{path.name} took {result.seconds:.1f} s"
    diffs = compare(_load(path), result.notebook)
    assert not diffs, f"{path.name} does not reproduce (run `make notebooks` if intended):\n" + "\n".join(diffs)
    exact = dumps(result.notebook) == path.read_text(encoding="utf-8")
    assert exact, f"{path.name}: reproduces within tolerance but not byte for byte"


def test_execution_also_works_inside_a_running_event_loop():
    """Where the caller's thread already runs an event loop (a pytest worker that also drives
    Playwright's sync API), a plain asyncio.run() would raise; execution still happens."""
    path = min(NOTEBOOKS, key=lambda p: p.stat().st_size)

    async def caller():
        return execute(path)

    result = asyncio.run(caller())
    assert not compare(_load(path), result.notebook)


# -- normalisation and comparison (units) ------------------------------------------------


def test_normalise_removes_only_the_volatile_fields():
    nb = {
        "metadata": {"language_info": {"name": "python", "version": "3.11.2"}, "widgets": {"x": 1},
                     "kernelspec": {"name": "python3"}},
        "cells": [{"cell_type": "code", "id": "a", "metadata": {"execution": {"iopub.status.busy": "2024"},
                                                                "tags": ["keep"]},
                   "execution_count": 1, "source": "print(1)",
                   "outputs": [
                       {"output_type": "stream", "name": "stderr",
                        "text": "Matplotlib is building the font cache; this may take a moment.\n"},
                       {"output_type": "stream", "name": "stdout", "text": ["1\n", "2"]},
                       {"output_type": "stream", "name": "stdout", "text": "3\n"},
                       {"output_type": "display_data", "data": {"text/plain": "x"}, "metadata": {}},
                       {"output_type": "stream", "name": "stderr", "text": "a real warning\n"},
                   ]}],
    }
    out = normalise(nb)
    assert out["metadata"] == {"language_info": {"name": "python"}, "kernelspec": {"name": "python3"}}
    cell = out["cells"][0]
    assert cell["metadata"] == {"tags": ["keep"]}
    assert [o.get("text") for o in cell["outputs"]] == ["1\n23\n", None, "a real warning\n"]
    assert FONT_CACHE_NOTE.match("Matplotlib is building the font cache; this may take a moment.\n")


def test_compare_reports_real_differences_and_tolerates_antialiasing():
    def nb(text: str, png: str) -> dict:
        return {"metadata": {}, "cells": [{"cell_type": "code", "id": "c", "metadata": {}, "execution_count": 1,
                                          "source": "x", "outputs": [
                                              {"output_type": "stream", "name": "stdout", "text": text},
                                              {"output_type": "display_data", "metadata": {},
                                               "data": {"image/png": png, "text/plain": "<Figure>"}}]}]}

    base = _png()
    assert compare(nb("a\n", base), nb("a\n", base)) == []
    assert compare(nb("a\n", base), nb("a\n", _png(dots=[(3, 4)]))) == []  # 1 pixel in 1200: within tolerance
    many = [(x, y) for x in range(0, 40, 2) for y in range(0, 30, 3)]
    assert any("image/png differs" in d for d in compare(nb("a\n", base), nb("a\n", _png(dots=many))))
    assert any("size" in d for d in compare(nb("a\n", base), nb("a\n", _png(size=(41, 30)))))
    diffs = compare(nb("loss 0.25\n", base), nb("loss 0.26\n", base))
    assert diffs and "'loss 0.25'" in diffs[0] and "'loss 0.26'" in diffs[0]


# -- links between questions and notebooks ---------------------------------------------


def test_questions_and_notebooks_link_both_ways():
    assert check_links(DOCS) == []
    bank = _bank()
    listed = {}
    for path, meta in bank:
        for nb in meta.get("notebooks") or []:
            listed.setdefault(nb, set()).add(path.relative_to(DOCS).as_posix())
    for path in NOTEBOOKS:
        rel = f"notebooks/{path.name}"
        links = set(question_links(_load(path)))
        assert len(links) >= 3, f"{path.name} answers only {len(links)} questions"
        assert links == listed.get(rel, set()), f"{path.name}: links and front matter differ"
    for want, notebook in MUST_LINK:
        hits = [(p, m) for p, m in bank
                if ("id" in want and m.get("id") == want["id"])
                or ("title" in want and want["title"] in str(m.get("title", "")).lower())]
        assert hits, f"no question matches {want}"
        assert any(f"notebooks/{notebook}" in (m.get("notebooks") or []) for _, m in hits), \
            f"{want} should list notebooks/{notebook}"


def test_link_check_catches_every_kind_of_breakage(tmp_path: Path):
    docs = tmp_path / "docs"
    q_rel = "questions/activations/explain-the-concept-of-temperature-in-deep-learning.md"
    (docs / "questions" / "activations").mkdir(parents=True)
    (docs / "notebooks").mkdir()
    q_text = (DOCS / q_rel).read_text(encoding="utf-8")
    nb_text = json.dumps({"metadata": {}, "nbformat": 4, "nbformat_minor": 5, "cells": [
        {"cell_type": "markdown", "id": "m1", "metadata": {},
         "source": f"# T\n\n- [q](../{q_rel})\n- [gone](../questions/x/nope.md)\n\nmath \\(x\\)"}]})
    (docs / "notebooks" / "demo.ipynb").write_text(nb_text, encoding="utf-8")
    (docs / q_rel).write_text(q_text.replace("notebooks/activation-functions.ipynb", "notebooks/missing.ipynb"),
                              encoding="utf-8")
    problems = "\n".join(check_links(docs))
    assert "notebooks/missing.ipynb does not exist" in problems
    assert "links to ../questions/x/nope.md, which is not a question" in problems
    assert "does not list it" in problems  # demo links the question, the question does not list demo
    assert "use $…$" in problems
    (docs / q_rel).write_text(q_text.replace("notebooks/activation-functions.ipynb", "notebooks/demo.ipynb"),
                              encoding="utf-8")
    (docs / "notebooks" / "demo.ipynb").write_text(nb_text.replace(f"- [q](../{q_rel})", ""), encoding="utf-8")
    problems = "\n".join(check_links(docs))
    assert "does not link back" in problems


# -- the built site ------------------------------------------------------------------------


def _article(html: str) -> str:
    m = re.search(r"<article\b.*?</article>", html, flags=re.S)
    assert m, "no <article>"
    return m.group(0)


def test_mkdocs_jupyter_is_configured_not_to_execute():
    cfg = mkdocs_config()
    plugin = next(p["qbank-jupyter"] for p in cfg["plugins"] if isinstance(p, dict) and "qbank-jupyter" in p)
    assert plugin["execute"] is False and plugin["include_source"] is True
    assert plugin.get("include_requirejs", False) is False


LOAD_CONFIG = """
import sys, mkdocs.config
cfg = mkdocs.config.load_config("mkdocs.yml")
assert type(cfg.plugins["qbank-jupyter"]).__module__ == "mkdocs_jupyter.plugin", cfg.plugins
print(sorted(m for m in ("nbconvert", "nbformat", "traitlets") if m in sys.modules))
import jupytext
print(type(jupytext).__name__)
print(callable(jupytext.read), type(sys.modules["jupytext"]).__name__, "nbformat" in sys.modules)
"""


def test_loading_the_site_config_imports_neither_nbconvert_nor_jupytext():
    """qbank.site.jupyter: mkdocs-jupyter's plugin without nbconvert and jupytext at start-up
    (the build helper converts); the first use of jupytext imports the real module."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", LOAD_CONFIG], cwd=REPO, capture_output=True, text=True,
                         check=True, timeout=120).stdout.splitlines()
    assert out == ["[]", "_Deferred", "True module True"], out


def test_build_does_not_execute_notebooks(built_site: BuiltSite):
    assert "execute=True" not in built_site.output
    for path in NOTEBOOKS:  # mkdocs-jupyter logs each conversion at INFO level
        assert f"Converting notebook (execute=False): {path}" in built_site.output


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_page_is_built_light_and_offline(built_site: BuiltSite, path: Path):
    page = built_site.page(f"notebooks/{path.stem}/")
    assert page.exists(), f"{path.name} was not built"
    html = page.read_text(encoding="utf-8")
    art = _article(html)
    # Nothing from mkdocs-jupyter's template that would fetch or weigh: CDN scripts, CSS, clipboard.
    for bad in ("cdnjs", "mathjax", "MathJax", "require.js", "requirejs", "clipboard-copy", "jp-RenderedMermaid",
                "data:image/png", "--jp-", "x-mathjax-config"):
        assert bad not in html, f"{path.name}: {bad!r} left in the page"
    assert not re.search(r"<script[^>]+src=\"https?://", html)
    assert not re.search(r"<link[^>]+href=\"https?://(?!dl-interview-questions)", html)
    styles = re.findall(r"<style\b.*?</style>", art, flags=re.S)
    assert sum(len(s) for s in styles) < 3000, "more inline CSS than the notebook rules"
    assert len(html.encode()) < 200_000, f"{path.name}: {len(html.encode())} bytes of HTML"
    # Math: typeset by KaTeX at build time, no TeX left over.
    assert art.count('class="arithmatex katex-rendered"') >= 2
    text = re.sub(r"<pre\b.*?</pre>|<code\b.*?</code>|<[^>]+>", " ", art, flags=re.S)
    assert not re.search(r"\$\$|\$\\|\\frac|\\sqrt", text), f"{path.name}: raw TeX in the page"
    # Code cells are Material code blocks.
    assert '<div class="language-python highlight"><pre><span></span><code>' in art
    # Plots: files next to the page, with size, alt text, one per image output.
    images = re.findall(r'<img src="([^"]+)" alt="([^"]+)" width="(\d+)" height="(\d+)"', art)
    expected = sum(1 for c in _load(path)["cells"] for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    assert len(images) == expected, f"{path.name}: {len(images)} images for {expected} plots"
    for src, alt, w, h in images:
        png = page.parent / src
        assert png.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", src
        assert re.fullmatch(r"figure-\d+\.[0-9a-f]{10}\.png", src)
        assert int(w) > 300 and int(h) > 150 and "No description" not in alt and len(alt) > 15
    # Download link, and the .ipynb it points to.
    assert f'href="{path.name}" download' in art
    assert (page.parent / path.name).read_bytes() == path.read_bytes()
    # Links back to every question, as site URLs that exist.
    for rel in question_links(_load(path)):
        url = "../../" + rel[: -len(".md")] + "/"
        assert f'href="{url}"' in art, f"{path.name}: no link to {url}"
        assert built_site.page(rel[: -len(".md")] + "/").exists()
    relative = [h for h in re.findall(r'href="([^"#]+)', art) if not re.match(r"[a-z]+:", h)]
    leftovers = [h for h in relative if h.endswith((".md", ".ipynb")) and h != path.name]
    assert not leftovers, f"{path.name}: links not turned into site URLs: {leftovers}"


def test_question_pages_say_try_it_in_a_notebook(built_site: BuiltSite):
    seen = 0
    for path, meta in _bank():
        url = path.relative_to(DOCS).as_posix()[: -len(".md")] + "/"
        art = _article(built_site.page(url).read_text(encoding="utf-8"))
        notebooks = meta.get("notebooks") or []
        assert ("Try it in a notebook" in art) == bool(notebooks), url
        for nb in notebooks:
            stem = Path(nb).stem
            assert f'href="../../../notebooks/{stem}/"' in art, f"{url}: no link to {nb}"
            seen += 1
    assert seen >= 20


def test_notebooks_section_in_nav_and_index(built_site: BuiltSite):
    home = built_site.page("").read_text(encoding="utf-8")
    assert re.search(r'href="notebooks/"[^>]*>\s*Notebooks', home) or ">Notebooks<" in home
    index = _article(built_site.page("notebooks/").read_text(encoding="utf-8"))
    for path in NOTEBOOKS:
        assert f'href="{path.stem}/"' in index, f"the index does not list {path.name}"
    nav_titles = re.findall(r'<a href="[^"]*notebooks/([\w-]+)/"', home)
    assert set(nav_titles) >= {p.stem for p in NOTEBOOKS}


def test_notebook_build_fails_on_a_broken_link(tmp_path: Path):
    """A notebook linking to a page that does not exist fails the strict build (unit level)."""
    from types import SimpleNamespace

    from qbank.site.notebook_pages import NotebookPageError, render

    nb = tmp_path / "x.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {}}), encoding="utf-8")
    page = SimpleNamespace(
        file=SimpleNamespace(src_uri="notebooks/x.ipynb", abs_src_path=str(nb),
                             abs_dest_path=str(tmp_path / "site" / "notebooks" / "x" / "index.html"),
                             url="notebooks/x/"),
        title="X")
    files = SimpleNamespace(get_file_from_path=lambda p: None)

    class NoMath:
        def render(self, tex, display=False):
            raise AssertionError("no math here")

    html = '<h1 id="x">X</h1><p><a href="../questions/a/b.md">b</a></p>'
    with pytest.raises(NotebookPageError, match=r"docs/notebooks/x.ipynb: link to '../questions/a/b.md'"):
        render(html, page, None, files, NoMath())


def test_math_is_typeset_outside_code_only():
    from qbank.site.notebook_pages import typeset_math

    class Echo:
        def render(self, tex, display=False):
            return f"[{'D' if display else 'I'}:{tex}]"

    html = ('<p>$$\\frac{a}{b}$$</p><p>Inline $a&lt;b$ and $$x^2$$ here, price 5$.</p>'
            '<pre>print("$x$")</pre><p><code>$y$</code></p>')
    out, errors = typeset_math(html, Echo())
    assert errors == []
    assert '<div class="arithmatex katex-rendered" role="img" aria-label="\\frac{a}{b}">[D:\\frac{a}{b}]</div>' in out
    assert "[I:a<b]" in out and '<span class="arithmatex katex-rendered" role="img" aria-label="x^2">[D:x^2]</span>' in out
    assert '<pre>print("$x$")</pre>' in out and "<code>$y$</code>" in out and "price 5$." in out
