"""Self-hosted front-end assets: copy KaTeX's CSS/fonts and Mermaid into the site.

Nothing is ever loaded from a CDN. The npm packages are pinned exactly in the
repo's ``package.json`` / ``package-lock.json`` and installed by ``npm ci``
(``make setup``) into ``node_modules``; :func:`copy_vendor_assets` checks the
installed versions against the pins and copies, under ``site/assets/vendor/``::

    katex/katex.min.css      @font-face rewritten to reference woff2 only
    katex/fonts/*.woff2
    katex/LICENSE
    mermaid/mermaid.esm.min.mjs                imported lazily by docs/assets/javascripts/mermaid-loader.js
    mermaid/chunks/mermaid.esm.min/*.mjs       its chunks: the core, and one per diagram type,
                                               which mermaid imports only when a diagram needs it
    mermaid/LICENSE

Mermaid's ES module build is used rather than its single-file ``mermaid.min.js`` (about
2.7 MiB, 957 KiB gzip, every diagram type included): a page with one flowchart fetches the
core and the flowchart's chunks only. Source maps are not copied.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from qbank.katex import node_modules_dir
from qbank.repo import repo_root

__all__ = [
    "MERMAID_CHUNKS",
    "MERMAID_JS",
    "PACKAGES",
    "VENDOR_CSS",
    "VENDOR_DIR",
    "VendorError",
    "check_versions",
    "copy_vendor_assets",
    "css_urls",
    "pinned_versions",
    "woff2_only_css",
]

VENDOR_DIR = "assets/vendor"
VENDOR_CSS = "assets/vendor/katex/katex.min.css"
MERMAID_JS = "assets/vendor/mermaid/mermaid.esm.min.mjs"
MERMAID_CHUNKS = "assets/vendor/mermaid/chunks/mermaid.esm.min"
PACKAGES = ("katex", "mermaid")
SETUP_HINT = "run `make setup` (or `npm ci` in the repo root)"

_EXACT = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_SRC = re.compile(r"src\s*:\s*([^;}]*)")
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class VendorError(RuntimeError):
    """node_modules missing or not matching the pins in package.json."""


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VendorError(f"{path} is missing; {SETUP_HINT}") from None
    except (OSError, ValueError) as exc:
        raise VendorError(f"cannot read {path}: {exc}; {SETUP_HINT}") from exc


def pinned_versions(package_json: Path | None = None) -> dict[str, str]:
    """Exact versions of :data:`PACKAGES` pinned in the repo's package.json."""
    package_json = package_json or repo_root() / "package.json"
    deps = _read_json(package_json).get("dependencies", {})
    pins = {}
    for name in PACKAGES:
        spec = deps.get(name)
        if not spec:
            raise VendorError(f"{package_json}: no dependency on {name!r}")
        if not _EXACT.match(spec):
            raise VendorError(f"{package_json}: {name} must be pinned exactly, not {spec!r}")
        pins[name] = spec
    return pins


def check_versions(node_modules: Path | None = None, package_json: Path | None = None) -> dict[str, str]:
    """Raise :class:`VendorError` unless node_modules holds the pinned versions."""
    node_modules = Path(node_modules) if node_modules else node_modules_dir()
    pins = pinned_versions(package_json)
    problems = []
    for name, want in pins.items():
        manifest = node_modules / name / "package.json"
        if not manifest.is_file():
            problems.append(f"{name} {want} is not installed ({manifest} missing)")
            continue
        have = _read_json(manifest).get("version")
        if have != want:
            problems.append(f"{name} {have} is installed but package.json pins {want}")
    if problems:
        raise VendorError("; ".join(problems) + f" in {node_modules}; {SETUP_HINT}")
    return pins


def woff2_only_css(css: str) -> str:
    """Drop every non-woff2 source (woff, truetype) from @font-face rules."""

    def fix_face(face: re.Match[str]) -> str:
        def fix_src(src: re.Match[str]) -> str:
            # The list items are url(...) format(...); no commas inside them.
            keep = [s.strip() for s in src.group(1).split(",") if "woff2" in s]
            if not keep:
                raise VendorError(f"@font-face without a woff2 source: {face.group(0)[:120]}")
            return "src:" + ",".join(keep)

        return _SRC.sub(fix_src, face.group(0))

    return _FONT_FACE.sub(fix_face, css)


def css_urls(css: str) -> list[str]:
    """Every url(...) target in ``css``, in order."""
    return [m.group(2) for m in _URL.finditer(css)]


def _copy(src: Path, dst: Path, written: list[Path]) -> None:
    if not src.is_file():
        raise VendorError(f"{src} is missing; {SETUP_HINT}")
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    written.append(dst)


def katex_css(node_modules: Path | None = None) -> str:
    """KaTeX's stylesheet as the pinned package ships it (``katex/dist/katex.min.css``)."""
    css_src = (Path(node_modules) if node_modules else node_modules_dir()) / "katex" / "dist" / "katex.min.css"
    if not css_src.is_file():
        raise VendorError(f"{css_src} is missing; {SETUP_HINT}")
    return css_src.read_text(encoding="utf-8")


def copy_vendor_assets(
    site_dir: Path,
    node_modules: Path | None = None,
    package_json: Path | None = None,
) -> list[Path]:
    """Copy the pinned KaTeX/Mermaid assets into ``site_dir/assets/vendor``.

    Returns the written files. Raises :class:`VendorError` if node_modules is
    missing, holds other versions than package.json pins, or lacks a file.
    """
    node_modules = Path(node_modules) if node_modules else node_modules_dir()
    check_versions(node_modules, package_json)
    out = Path(site_dir) / VENDOR_DIR
    written: list[Path] = []

    katex = node_modules / "katex"
    css = woff2_only_css(katex_css(node_modules))
    fonts = sorted((katex / "dist" / "fonts").glob("*.woff2"))
    if not fonts:
        raise VendorError(f"no woff2 fonts in {katex / 'dist' / 'fonts'}; {SETUP_HINT}")
    font_names = {f"fonts/{f.name}" for f in fonts}
    dangling = sorted({u for u in css_urls(css) if u not in font_names})
    if dangling:
        raise VendorError(f"katex.min.css references files that are not shipped: {dangling}")
    css_dst = out / "katex" / "katex.min.css"
    css_dst.parent.mkdir(parents=True, exist_ok=True)
    css_dst.write_text(css, encoding="utf-8")
    written.append(css_dst)
    for font in fonts:
        _copy(font, out / "katex" / "fonts" / font.name, written)
    _copy(katex / "LICENSE", out / "katex" / "LICENSE", written)

    mermaid = node_modules / "mermaid"
    dist = mermaid / "dist"
    _copy(dist / "mermaid.esm.min.mjs", out / "mermaid" / "mermaid.esm.min.mjs", written)
    chunks_dir = dist / "chunks" / "mermaid.esm.min"
    chunks = sorted(chunks_dir.glob("*.mjs"))
    if not chunks:
        raise VendorError(f"no ES module chunks in {chunks_dir}; {SETUP_HINT}")
    for chunk in chunks:
        _copy(chunk, out / "mermaid" / "chunks" / "mermaid.esm.min" / chunk.name, written)
    _copy(mermaid / "LICENSE", out / "mermaid" / "LICENSE", written)
    return written
