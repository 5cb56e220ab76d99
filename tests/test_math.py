"""Build-time KaTeX rendering, vendored assets and the Mermaid loader shim.

Needs Node.js and the pinned npm packages (`make setup` / `npm ci`); without
them these tests are skipped locally and fail under CI.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import markdown
import pytest

from qbank.site import vendor
from qbank.katex import KatexError, KatexRenderer, MathToolError, node_modules_dir
from qbank.repo import repo_root
from qbank.site.math import MathError, find_tex_line, raw_tex, render_math

NODE_MODULES = node_modules_dir()
NODE = shutil.which("node")
SHIM = repo_root() / "docs" / "assets" / "javascripts" / "mermaid-loader.js"

if not NODE or not (NODE_MODULES / "katex" / "package.json").is_file():
    reason = f"node or {NODE_MODULES}/katex missing: run `make setup` (npm ci)"
    if os.environ.get("CI"):
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)

# Formulas from our content (seed 000).
EMA = r"\text{ema\_param} = \text{ema\_param} * \text{decay} + \text{param} * (1 - \text{decay})"
BRADLEY_TERRY = r"p^*(y_1 \succ y_2 | x) = \frac{exp(r^*(x, y_1))}{exp(r^*(x, y_1)) + exp(r^*(x, y_2))}"


def md(text: str) -> str:
    return markdown.markdown(
        text,
        extensions=["pymdownx.arithmatex"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )


@pytest.fixture(scope="module")
def renderer():
    with KatexRenderer() as r:
        yield r


class SpyRenderer:
    """Records what render_math hands to KaTeX."""

    output = "html"

    def __init__(self, real: KatexRenderer) -> None:
        self.real = real
        self.calls: list[tuple[str, bool]] = []

    def render(self, tex: str, display: bool = False) -> str:
        self.calls.append((tex, display))
        return self.real.render(tex, display)


# -- arithmatex markup (what render_math relies on) ------------------------------
def test_arithmatex_generic_markup():
    out = md("a $x < y \\& z$ b \\(q\\)\n\n$$\na &= b\n$$\n\n\\[c\\]\n")
    assert r'<span class="arithmatex">\(x &lt; y \&amp; z\)</span>' in out
    assert r'<span class="arithmatex">\(q\)</span>' in out
    assert '<div class="arithmatex">\\[\na &amp;= b\n\\]</div>' in out
    assert r'<div class="arithmatex">\[c\]</div>' in out


# -- rendering -------------------------------------------------------------------
def test_inline_and_display_render(renderer):
    html, errors = render_math(md("Softmax $p_i$ is\n\n$$\n\\frac{e^{z_i}}{\\sum_j e^{z_j}}\n$$\n"), renderer)
    assert errors == []
    assert "\\(" not in html and "\\[" not in html
    assert html.count('class="katex"') == 2
    assert '<span class="arithmatex katex-rendered" role="img" aria-label="p_i"><span class="katex">' in html
    assert '<div class="arithmatex katex-rendered" role="img"' in html
    assert 'class="katex-display"' in html
    assert "<math" not in html  # output="html": no MathML copy


def test_bad_formula_is_reported_and_left_alone(renderer):
    src = "ok $a^2$ then $\\frac{1}{$ and $b_1$"
    html, errors = render_math(md(src), renderer)
    assert errors == [MathError(tex="\\frac{1}{", message=errors[0].message, display=False)]
    assert errors[0].message.startswith("KaTeX parse error:")
    assert "expected '}'" in errors[0].message
    assert r'<span class="arithmatex">\(\frac{1}{\)</span>' in html  # untouched
    assert html.count('class="katex"') == 2  # the others still rendered
    assert find_tex_line("line one\n" + src, errors[0].tex) == 2
    with pytest.raises(KatexError) as exc:
        renderer.render("\\frac{1}{")
    assert str(exc.value) == errors[0].message


def test_html_entities_unescaped_before_katex(renderer):
    spy = SpyRenderer(renderer)
    src = "$a < b$ and $x \\& y$\n\n$$\n\\begin{aligned} f &= g \\\\ h &> k \\end{aligned}\n$$\n"
    html, errors = render_math(md(src), spy)
    assert errors == []
    assert spy.calls == [
        ("a < b", False),
        ("x \\& y", False),
        ("\n\\begin{aligned} f &= g \\\\ h &> k \\end{aligned}\n", True),
    ]
    assert html.count('class="katex"') == 2 + 1
    assert 'aria-label="a &lt; b"' in html


def test_display_environment_without_dollars(renderer):
    html, errors = render_math(md("\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}\n"), renderer)
    assert errors == [] and 'class="katex-display"' in html


def test_content_formulas(renderer):
    for tex in (EMA, BRADLEY_TERRY):
        assert 'class="katex"' in renderer.render(tex, display=True)
    # Verbatim from seed 000, which writes the underscore unescaped: KaTeX's
    # \text{} does not accept "_" (MathJax would), so the build must fail or
    # the content must say \_.
    with pytest.raises(KatexError) as exc:
        renderer.render(r"\text{ema_param}", display=True)
    assert "got '_'" in exc.value.message


def test_one_process_for_many_formulas():
    with KatexRenderer() as r:
        assert r.pid is None and r.spawn_count == 0  # lazy
        r.render("x")
        pid = r.pid
        body = "\n\n".join(f"Formula $x_{{{i}}} = \\frac{{{i}}}{{1+{i}}}$" for i in range(200))
        t0 = time.perf_counter()
        html, errors = render_math(md(body), r)
        elapsed = time.perf_counter() - t0
        assert errors == []
        assert html.count('class="katex"') == 200
        assert r.spawn_count == 1 and r.pid == pid
        assert r.katex_version == vendor.pinned_versions()["katex"]
        print(f"200 formulas rendered in {elapsed * 1000:.0f} ms")
        assert elapsed < 20
    assert r.pid is None


def test_cache_hits():
    with KatexRenderer() as r:
        a = r.render("e^{i\\pi}+1=0", display=True)
        assert (r.cache_hits, r.cache_misses) == (0, 1)
        assert r.render("e^{i\\pi}+1=0", display=True) == a
        assert (r.cache_hits, r.cache_misses) == (1, 1)
        r.render("e^{i\\pi}+1=0", display=False)  # display is part of the key
        assert r.cache_misses == 2
        for _ in range(2):
            with pytest.raises(KatexError):
                r.render("\\frac{")
        assert (r.cache_hits, r.cache_misses) == (2, 3)  # rejections are cached too
        html, _ = render_math(md("$y$ $y$ $y$"), r)
        assert html.count('class="katex"') == 3 and r.cache_hits == 4


def test_restart_after_close():
    r = KatexRenderer()
    r.render("a")
    first = r.pid
    r.close()
    r.render("b")
    assert r.spawn_count == 2 and r.pid != first
    r.close()


def test_submitted_formulas_are_answered_in_the_background_as_render_would():
    """KatexRenderer.submit: requests sent at once, answers read by a thread into the cache;
    render() then answers from it, rejections included, as without submit."""
    formulas = [(f"x_{{{i}}} + \\frac{{{i}}}{{2}}", i % 2 == 0) for i in range(300)] + [("\\frac{1}{", False)]
    with KatexRenderer() as r, KatexRenderer() as plain:
        r.submit(formulas[:150])
        r.submit(formulas[150:] + formulas[:10])  # again, while the first ones may still be in flight
        assert r.render(*formulas[299]) == plain.render(*formulas[299])
        for tex, display in formulas[:-1]:
            assert r.render(tex, display) == plain.render(tex, display)
        with pytest.raises(KatexError, match="expected '}'"):
            r.render(*formulas[-1])
        assert r.spawn_count == 1
        r.submit(formulas)  # all cached: nothing sent, no thread
    assert not [t for t in threading.enumerate() if t.name == "qbank-katex-answers"], "the reader thread is left running"


def test_a_renderer_whose_node_dies_after_submit_asks_again():
    with KatexRenderer() as r:
        r.submit([("a+b", False)])
        assert r.render("a+b") and r.pid is not None
        os.kill(r.pid, 9)
        r.submit([("c+d", False), ("e^2", True)])  # Node is gone: the answers never come
        assert "katex" in r.render("c+d") and "katex" in r.render("e^2", True)  # asked again, a new process
        assert r.spawn_count >= 2


def test_missing_katex_or_node(tmp_path):
    with pytest.raises(MathToolError, match="make setup"):
        KatexRenderer(tmp_path).render("x")
    with pytest.raises(MathToolError, match="make setup"):
        KatexRenderer(node=str(tmp_path / "no-node")).render("x")


def test_env_var_selects_node_modules(tmp_path, monkeypatch):
    monkeypatch.setenv("QBANK_NODE_MODULES", str(tmp_path))
    assert node_modules_dir() == tmp_path.resolve()
    with pytest.raises(MathToolError, match=re.escape(str(tmp_path))):
        KatexRenderer().render("x")


def test_node_script_protocol():
    reqs = [
        {"id": 1, "tex": "x^2", "display": False},
        {"id": 2, "tex": "\\frac{1}{", "display": True},
    ]
    p = subprocess.run(
        [NODE, str(repo_root() / "scripts/qbank/js/katex-render.mjs")],
        input="".join(json.dumps(q) + "\n" for q in reqs),
        capture_output=True,
        text=True,
        env=dict(os.environ, QBANK_NODE_MODULES=str(NODE_MODULES)),
        timeout=60,
    )
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert lines[0]["ready"] is True
    assert lines[1]["id"] == 1 and '<span class="katex">' in lines[1]["html"]
    assert lines[2]["id"] == 2 and lines[2]["error"].startswith("KaTeX parse error")
    assert p.returncode == 0


# -- vendored assets ----------------------------------------------------------------
def test_copy_vendor_assets(tmp_path):
    written = vendor.copy_vendor_assets(tmp_path)
    css = tmp_path / vendor.VENDOR_CSS
    js = tmp_path / vendor.MERMAID_JS
    fonts_dir = css.parent / "fonts"
    assert css in written and js in written
    assert all(p.is_file() for p in written)
    for p in (css.parent / "LICENSE", js.parent / "LICENSE"):
        assert p in written and "Permission is hereby granted" in p.read_text()
    fonts = sorted(fonts_dir.iterdir())
    assert fonts and all(f.suffix == ".woff2" for f in fonts)
    text = css.read_text()
    assert '.woff"' not in text and ".woff)" not in text and ".ttf" not in text
    assert 'format("woff")' not in text and "truetype" not in text
    urls = vendor.css_urls(text)
    assert urls and all(u.endswith(".woff2") for u in urls)
    for u in urls:
        assert (css.parent / u).is_file(), u
    assert {css.parent / u for u in urls} == set(fonts)
    assert "http" not in text
    # the ES module build: a small entry point whose chunks (core, one per diagram type) sit beside it
    entry = js.read_text()
    assert re.search(r"export\s*{[^}]*\bas default\b", entry), "mermaid.esm.min.mjs has no default export"
    imports = set(re.findall(r'(?:from|import)\s*\(?"(\./chunks/[^"]+\.mjs)"', entry))
    assert imports and all((js.parent / rel).is_file() and js.parent / rel in written for rel in imports), imports
    chunks = sorted((tmp_path / vendor.MERMAID_CHUNKS).glob("*"))
    assert any(c.name.startswith("flowDiagram-") for c in chunks)
    assert all(c.suffix == ".mjs" for c in chunks), "only the ES module chunks are copied (no source maps)"
    assert not (js.parent / "mermaid.min.js").exists()
    sizes = {
        "css": css.stat().st_size,
        "css.gz": len(gzip.compress(css.read_bytes(), 9)),
        "woff2": sum(f.stat().st_size for f in fonts),
        "mermaid": js.stat().st_size,
    }
    print("vendor sizes:", sizes)


def test_pins_are_exact_and_locked():
    pins = vendor.pinned_versions()
    assert pins["mermaid"].startswith("11.")
    lock = json.loads((repo_root() / "package-lock.json").read_text())
    for name, version in pins.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert vendor.check_versions() == pins


def _fake_node_modules(root: Path, katex: str, mermaid: str) -> Path:
    nm = root / "node_modules"
    for name, version in (("katex", katex), ("mermaid", mermaid)):
        (nm / name).mkdir(parents=True)
        (nm / name / "package.json").write_text(json.dumps({"name": name, "version": version}))
    return nm


def test_version_mismatch_raises(tmp_path):
    pins = vendor.pinned_versions()
    nm = _fake_node_modules(tmp_path, "0.0.1", pins["mermaid"])
    with pytest.raises(vendor.VendorError, match=r"katex 0\.0\.1 is installed.*make setup") as exc:
        vendor.copy_vendor_assets(tmp_path / "site", node_modules=nm)
    assert "mermaid" not in str(exc.value).split(" in ")[0]
    assert not (tmp_path / "site").exists()


def test_missing_node_modules_raises(tmp_path):
    with pytest.raises(vendor.VendorError, match="not installed.*make setup"):
        vendor.copy_vendor_assets(tmp_path / "site", node_modules=tmp_path / "nope")


def test_range_pin_rejected(tmp_path):
    pj = tmp_path / "package.json"
    pj.write_text(json.dumps({"dependencies": {"katex": "^0.16.0", "mermaid": "11.0.0"}}))
    with pytest.raises(vendor.VendorError, match="pinned exactly"):
        vendor.pinned_versions(pj)


def test_woff2_only_css():
    css = (
        "@font-face{font-family:A;src:url(fonts/A.woff2) format(\"woff2\"),"
        "url(fonts/A.woff) format(\"woff\"),url(fonts/A.ttf) format(\"truetype\")}.x{color:red}"
    )
    assert vendor.woff2_only_css(css) == (
        "@font-face{font-family:A;src:url(fonts/A.woff2) format(\"woff2\")}.x{color:red}"
    )


# -- mermaid loader shim --------------------------------------------------------------
SHIM_HARNESS = r"""
const vm = require("node:vm"), fs = require("node:fs");
const code = fs.readFileSync(process.argv[1], "utf8");
class Element {}
const imported = [];
let failNext = true;
globalThis.__qbFakeMermaid = null;
const document = {
  currentScript: { src: "https://example.org/sub/site/assets/javascripts/mermaid-loader.js?v=1" },
  querySelector: () => null,
};
const ctx = { document, Element, URL, Promise, location: { href: "https://example.org/" } };
ctx.window = ctx;
vm.createContext(ctx);
const options = {
  importModuleDynamically: async (specifier) => {
    imported.push(specifier);
    if (failNext) { failNext = false; throw new Error("404"); }
    return import("data:text/javascript,export default globalThis.__qbFakeMermaid;");
  },
};
new vm.Script(code, options).runInContext(ctx);
const out = {};
(async () => {
  const shim = ctx.mermaid;
  out.api = Object.keys(shim).sort();
  shim.initialize({ startOnLoad: false, themeCSS: "x" });
  out.importsBeforeRender = imported.length;
  const r1 = shim.render("a", "graph TD; A-->B").catch((e) => "rejected: " + e.message);
  const r2 = shim.render("b", "graph TD; B-->C").catch((e) => "rejected: " + e.message);
  out.failed = await Promise.all([r1, r2]);
  out.importsAfterTwoRenders = imported.length;
  const calls = [];
  globalThis.__qbFakeMermaid = {
    initialize: (c) => calls.push(["initialize", c]),
    render: async (id, c) => { calls.push(["render", id]); return { svg: "<svg id=" + id + ">" }; },
  };
  const r3 = shim.render("c", "graph TD; C-->D");
  const r4 = shim.render("d", "graph TD; D-->E");
  out.results = await Promise.all([r3, r4]);
  out.imported = imported;
  out.calls = calls;
  new vm.Script(code, options).runInContext(ctx);
  out.keptShim = ctx.mermaid === shim;
  console.log(JSON.stringify(out));
})();
"""


def test_mermaid_loader_shim():
    code = SHIM.read_text()
    assert len(re.sub(r"/\*.*?\*/|//[^\n]*|\s+", " ", code, flags=re.S)) < 1280  # with the wait for the viewport
    assert "unpkg" not in code and "jsdelivr" not in code and "://" not in code
    # the shim's import() needs a host hook in node's vm, behind this flag
    p = subprocess.run([NODE, "--experimental-vm-modules", "--no-warnings", "-e", SHIM_HARNESS, str(SHIM)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["api"] == ["initialize", "render"]
    assert out["importsBeforeRender"] == 0
    assert out["importsAfterTwoRenders"] == 1, "two renders share one import"
    url = "https://example.org/sub/site/assets/vendor/mermaid/mermaid.esm.min.mjs"
    assert all(r.startswith(f"rejected: cannot load {url}") for r in out["failed"])
    assert out["imported"] == [url, url + "?retry=1"], "a failed import is retried under a new URL"
    assert out["results"] == [{"svg": "<svg id=c>"}, {"svg": "<svg id=d>"}]
    assert out["calls"] == [
        ["initialize", {"startOnLoad": False, "themeCSS": "x"}],
        ["render", "c"],
        ["render", "d"],
    ]
    assert out["keptShim"], "re-running the shim (instant navigation) replaced the loaded one"
    # The shim's relative URL lands on the vendored file.
    assert vendor.MERMAID_JS == "assets/vendor/mermaid/mermaid.esm.min.mjs"


@pytest.mark.parametrize("text", [r"a \(x\) b", r"\[ y \]", "$$", r"the \alpha{} here", "&#92;(x&#92;)",
                                  "&#x5C;[ y &#x5c;]", "&#36;&#36;", "&#092;begin{x}", "&bsol;alpha{"])
def test_raw_tex_finds_tex_however_it_is_written(text: str) -> None:
    """Pages without a backslash or dollar (or an entity for one) are not parsed: the rest are."""
    assert raw_tex(f"<p>{text}</p>")


@pytest.mark.parametrize("page", ["<p>plain text &amp; &#920; &#x245; &#9;</p>",
                                  r'<pre><code>\(x\)</code></pre><span class="katex">\alpha{}</span>'])
def test_raw_tex_ignores_pages_without_prose_tex(page: str) -> None:
    assert raw_tex(page) == []
