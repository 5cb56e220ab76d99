"""A notebook's outputs made comparable: what is volatile is removed, the rest must match.

**Volatile fields**, removed by :func:`normalise` before a notebook is written and before two
runs are compared:

* every cell's ``metadata.execution`` (the kernel's timestamps; ``record_timing`` is off anyway);
* ``metadata.language_info.version`` (the Python patch version of whoever ran it) and
  ``metadata.widgets``;
* a stderr stream output that only says Matplotlib is building its font cache (printed on
  the first run on a machine);
* how a stream was split into chunks (when the kernel flushed): consecutive outputs of the
  same stream are merged into one, and the text is compared as one string.

Everything else must be identical (:func:`compare`): text outputs byte for byte; images byte
for byte or, if the bytes differ, pixel for pixel within :data:`IMAGE_TOLERANCE` (a different
CPU's libm can move an anti-aliased edge by one grey level).  :func:`dumps` writes a notebook
the way Jupyter does, so saving it in Jupyter changes nothing.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import re

from .files import cell_source

__all__ = ["FONT_CACHE_NOTE", "IMAGE_TOLERANCE", "LANGUAGE_INFO_KEEP", "compare", "dumps", "normalise"]

# (fraction of pixels allowed to differ, by more than this many 8-bit levels)
IMAGE_TOLERANCE = (0.002, 8)
FONT_CACHE_NOTE = re.compile(r"^\s*Matplotlib is building the font cache; this may take a moment\.\s*$")
LANGUAGE_INFO_KEEP = ("name", "mimetype", "file_extension", "codemirror_mode", "pygments_lexer",
                      "nbconvert_exporter")


def normalise(nb: dict) -> dict:
    """Remove the volatile fields (see the module docstring) in place; return ``nb``."""
    meta = nb.setdefault("metadata", {})
    meta.pop("widgets", None)
    info = meta.get("language_info")
    if isinstance(info, dict):
        meta["language_info"] = {k: info[k] for k in LANGUAGE_INFO_KEEP if k in info}
    for cell in nb.get("cells", []):
        cell.get("metadata", {}).pop("execution", None)
        if cell.get("cell_type") != "code":
            continue
        outputs: list[dict] = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                text = cell_source({"source": o.get("text", "")})
                if o.get("name") == "stderr" and FONT_CACHE_NOTE.match(text):
                    continue
                prev = outputs[-1] if outputs else None
                if prev and prev.get("output_type") == "stream" and prev.get("name") == o.get("name"):
                    prev["text"] = cell_source({"source": prev["text"]}) + text  # one chunk, however it was flushed
                    continue
                o = {**o, "text": text}
            outputs.append(o)
        cell["outputs"] = outputs
    return nb


def dumps(nb: dict) -> str:
    """The file text, as Jupyter writes it: multi-line strings as lists of lines, indent 1,
    sorted keys, trailing newline (so saving the notebook in Jupyter changes nothing)."""
    import nbformat
    from nbformat.v4.rwbase import split_lines

    node = split_lines(nbformat.from_dict(copy.deepcopy(nb)))
    return json.dumps(node, indent=1, sort_keys=True, ensure_ascii=False, separators=(",", ": ")) + "\n"


def _pixels(b64: str):
    import matplotlib.image as mpimg
    import numpy as np

    return np.asarray(mpimg.imread(io.BytesIO(base64.b64decode(b64)), format="png"))


def _same_image(a: str, b: str) -> tuple[bool, str]:
    """Equal bytes, or the same pixels within :data:`IMAGE_TOLERANCE`; else why not."""
    if a == b:
        return True, ""
    pa, pb = _pixels(a), _pixels(b)
    if pa.shape != pb.shape:
        return False, f"image size {pa.shape[1]}x{pa.shape[0]} vs {pb.shape[1]}x{pb.shape[0]}"
    share, levels = IMAGE_TOLERANCE
    diff = (abs(pa.astype("float64") - pb.astype("float64")) * 255).max(axis=-1) > levels
    frac = float(diff.mean())
    if frac <= share:
        return True, ""
    return False, f"{100 * frac:.2f}% of the pixels differ (allowed: {100 * share:.2f}%)"


def _first_difference(a: str, b: str) -> str:
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb), 1):
        if x != y:
            return f"line {i}: stored {x!r}, fresh {y!r}"
    return f"stored has {len(la)} lines, fresh has {len(lb)}"


def compare(stored: dict, fresh: dict) -> list[str]:
    """Differences between two (normalised) runs of a notebook; empty when reproducible."""
    stored, fresh = normalise(copy.deepcopy(stored)), normalise(copy.deepcopy(fresh))
    problems: list[str] = []
    cs, cf = stored.get("cells", []), fresh.get("cells", [])
    if len(cs) != len(cf):
        return [f"{len(cs)} cells stored, {len(cf)} after execution"]
    for n, (a, b) in enumerate(zip(cs, cf), 1):
        where = f"cell {n}" + (f" (id {a['id']})" if a.get("id") else "")
        if cell_source(a) != cell_source(b):
            problems.append(f"{where}: source differs")
        if a.get("cell_type") != "code":
            continue
        if a.get("execution_count") != b.get("execution_count"):
            problems.append(f"{where}: execution_count {a.get('execution_count')} stored, "
                            f"{b.get('execution_count')} fresh (run the whole notebook top to bottom)")
        oa, ob = a.get("outputs", []), b.get("outputs", [])
        if len(oa) != len(ob):
            problems.append(f"{where}: {len(oa)} outputs stored, {len(ob)} fresh")
            continue
        for k, (x, y) in enumerate(zip(oa, ob), 1):
            if x.get("output_type") != y.get("output_type") or x.get("name") != y.get("name"):
                problems.append(f"{where} output {k}: {x.get('output_type')} stored, {y.get('output_type')} fresh")
                continue
            if "text" in x or "text" in y:
                ta, tb = cell_source({"source": x.get("text", "")}), cell_source({"source": y.get("text", "")})
                if ta != tb:
                    problems.append(f"{where} output {k}: text differs: {_first_difference(ta, tb)}")
            da, db = x.get("data", {}) or {}, y.get("data", {}) or {}
            if set(da) != set(db):
                problems.append(f"{where} output {k}: types {sorted(da)} stored, {sorted(db)} fresh")
                continue
            for mime in sorted(da):
                va, vb = cell_source({"source": da[mime]}), cell_source({"source": db[mime]})
                if mime == "image/png":
                    ok, why = _same_image(va, vb)
                    if not ok:
                        problems.append(f"{where} output {k}: {mime} differs: {why}")
                elif va != vb:
                    problems.append(f"{where} output {k}: {mime} differs: {_first_difference(va, vb)}")
    return problems
