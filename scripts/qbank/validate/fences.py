"""QB411-QB413, code blocks and diagrams: every fence closed, every Mermaid block naming
a diagram type (and no script URL inside one)."""

from __future__ import annotations

import re

from .body import Fence
from .doc import Doc, did_you_mean
from .problems import CODES

# Mermaid 11 diagram types (the first word of a diagram).
MERMAID_TYPES = frozenset("""
graph flowchart flowchart-elk sequenceDiagram classDiagram classDiagram-v2 stateDiagram stateDiagram-v2
erDiagram journey gantt pie quadrantChart requirementDiagram requirement gitGraph C4Context C4Container
C4Component C4Dynamic C4Deployment mindmap timeline zenuml sankey sankey-beta xychart xychart-beta block
block-beta packet packet-beta kanban architecture architecture-beta radar-beta treemap treemap-beta info
""".split())


def check_fences(doc: Doc, fences: list[Fence]) -> None:
    """Unclosed fences swallow the rest of the page; mermaid blocks need a diagram type."""
    for f in fences:
        words = re.sub(r"^[{.\s]+", "", f.info).split()
        lang = words[0].rstrip("}") if words else ""
        if not f.closed:
            what = f"```{lang}" if lang else "code block"
            doc.add("QB411", f.start, f"{what} opened here is never closed")
            continue
        if lang != "mermaid":
            continue
        lines = f.content.split("\n")
        i = 0
        if i < len(lines) and lines[i].strip() == "---":  # mermaid front matter (title, config)
            i += 1
            while i < len(lines) and lines[i].strip() != "---":
                i += 1
            i += 1
        first = None
        offset = f.content_offset + sum(len(x) + 1 for x in lines[:i])
        for line in lines[i:]:
            s = line.strip()
            if s and not s.startswith("%%"):
                first = (s, offset + len(line) - len(line.lstrip()))
                break
            offset += len(line) + 1
        if first is None:
            doc.add("QB413", f.start, "mermaid block is empty")
            continue
        word = re.split(r"[\s;:{]", first[0], maxsplit=1)[0]
        if word not in MERMAID_TYPES:
            doc.add("QB412", first[1], f"'{word}' is not a mermaid diagram type",
                    f"{did_you_mean(word, MERMAID_TYPES)}{CODES['QB412'][1]}")
        for m in re.finditer(r"(?i)(javascript|vbscript|data)\s*:", f.content):
            doc.add("QB503", f.content_offset + m.start(), f"'{m.group(1)}:' URL inside a mermaid diagram")
