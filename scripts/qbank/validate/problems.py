"""The catalogue of problems (:data:`CODES`), one located :class:`Problem`, a run's
:class:`Report` and its two output formats (text, GitHub annotations)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..errors import render

# -- the catalogue of problems ------------------------------------------------------------

CODES: dict[str, tuple[str, str]] = {
    # code: (short name, default one-line hint)
    "QB101": ("not-utf8", "save the file as UTF-8 (in most editors: Save with Encoding > UTF-8)"),
    "QB102": ("byte-order-mark", "save as UTF-8 *without* BOM; the file must start with '---'"),
    "QB103": ("control-character", "delete the invisible character (often pasted from a PDF or a word processor)"),
    "QB104": ("crlf-line-endings", "save with LF (Unix) line endings; git: `git config core.autocrlf input`"),
    "QB105": ("mojibake", "the text was decoded with the wrong encoding; retype the garbled characters"),
    "QB106": ("file-too-large", "keep a question under the limit: shorten it or link to a notebook"),
    "QB107": ("misplaced-file", "bank files live at docs/questions/<topic>/<slug>.md; use `qbank new` to create one"),
    "QB108": ("symbolic-link", "commit the file itself: a link could publish anything on the build machine (its environment, /etc/passwd)"),
    "QB109": ("file-type-not-allowed", "docs/ holds Markdown pages, docs/questions/**.md, docs/notebooks/*.ipynb and images "
              "(png, jpg, gif, webp) under docs/assets/images/; HTML, SVG and other files can carry script"),
    "QB201": ("no-front-matter", "the file must start with a '---' line, the YAML fields, then a closing '---' line"),
    "QB202": ("front-matter-not-closed", "end the front matter with a line holding only '---'"),
    "QB203": ("yaml-syntax", "quote values that contain ': ' or start with a special character (\"...\")"),
    "QB204": ("front-matter-not-mapping", "the front matter is a list of `field: value` lines"),
    "QB205": ("missing-field", "add the field; see CONTRIBUTING.md for the format"),
    "QB206": ("wrong-type", "see CONTRIBUTING.md for the type of each field"),
    "QB207": ("unknown-field", "remove the field or fix its spelling"),
    "QB208": ("duplicate-field", "keep one of the two; YAML silently uses the last"),
    "QB209": ("bad-id", "ids look like q-1a2b3c4 ('q-' and 7 lowercase hex digits); `qbank new` makes one"),
    "QB210": ("duplicate-id", "every question needs its own id; run `qbank new` to get a fresh one"),
    "QB211": ("unknown-topic", "topics are the ids in data/topics.yml"),
    "QB212": ("unknown-tag", "tags are the ids in data/tags.yml"),
    "QB213": ("bad-difficulty", "difficulty is one of: easy, medium, hard"),
    "QB214": ("bad-status", "status is one of: answered, unanswered"),
    "QB215": ("wrong-folder", "move the file into the folder named after its topic (git mv)"),
    "QB216": ("wrong-file-name", "rename the file (git mv) to the slug of its title"),
    "QB217": ("bad-tag-list", "give 1 to 5 different tags"),
    "QB218": ("bad-notebook", "notebooks are paths like notebooks/<name>.ipynb relative to docs/, and must exist"),
    "QB219": ("unknown-flag", "flags are set by the importer; remove it"),
    "QB220": ("bad-origin", "origins are written by `qbank import`; leave them as they were (or [] for a new question)"),
    "QB221": ("bad-title", "the title is the question itself, on one line"),
    "QB222": ("bad-reviewed-date", "write the date of the review as YYYY-MM-DD, e.g. reviewed: 2026-12-02"),
    "QB224": ("yaml-limit", "write the front matter out in full: YAML anchors and aliases (&a, *a) are not allowed"),
    "QB223": ("bad-redirect", "redirect_from lists old bank paths (questions/<topic>/<slug>.md) that no file uses any more"),
    "QB301": ("answered-without-answer", "write an answer under '## Answer (source: community)', or set `status: unanswered`"),
    "QB302": ("unanswered-with-answer", "set `status: answered`"),
    "QB303": ("malformed-answer-heading", "an answer heading is exactly: ## Answer (source: community)"),
    "QB304": ("unknown-answer-source", "use `community` (or `community @your-github-handle`), `project` (the site's editors) "
              "or a source id from seeds/sources.yml, optionally followed by ', edited'"),
    "QB305": ("unattributed-text", "put the text under an answer heading: ## Answer (source: community)"),
    "QB306": ("empty-answer", "write the answer under the heading, or delete the heading"),
    "QB307": ("h1-in-body", "the page title comes from `title:`; use ### for sub-headings inside an answer"),
    "QB308": ("heading-skips-level", "inside an answer use ###, then ####; do not skip a level"),
    "QB309": ("attribution-mismatch", "an answer under a source's id must be that source's text as imported; if you changed it, "
              "head it '## Answer (source: ID, edited)' (and say what changed in an Editor's note), or attribute your own "
              "text to `community`"),
    "QB311": ("heading-ends-answer", "a '## ' heading ends the answer (the study card stops there); use '### ' inside an answer"),
    "QB310": ("not-from-this-source", "only a source this question was imported from (see `origins:`) can be credited; "
              "attribute your own text to `community`"),
    "QB401": ("unbalanced-math", "close the formula: \\( ... \\) inline, \\[ ... \\] on its own line"),
    "QB402": ("katex-error", "the formula must be valid KaTeX (https://katex.org/docs/supported); escape _ in \\text{} as \\_"),
    "QB403": ("katex-unavailable", "run `make setup` (installs Node's KaTeX, the version the site ships)"),
    "QB411": ("unclosed-fence", "close the code block with a line of ``` (as many backticks as the opening line)"),
    "QB412": ("unknown-diagram-type", "start the mermaid block with a diagram type, e.g. `graph LR` or `sequenceDiagram`"),
    "QB413": ("empty-diagram", "write the diagram inside the ```mermaid block, or remove the block"),
    "QB501": ("active-content", "scripts, styles, frames, forms and embedded objects are never allowed; use Markdown"),
    "QB502": ("event-handler", "event-handler attributes (onclick, onerror, ...) are never allowed"),
    "QB503": ("dangerous-url", "javascript:, vbscript: and data: URLs are never allowed; link with https:// or a relative path"),
    "QB504": ("html-tag-not-allowed", "use Markdown; the few allowed tags are listed in CONTRIBUTING.md"),
    "QB505": ("inline-style", "inline styles are not allowed; the site's theme does the styling"),
    "QB506": ("html-attribute-not-allowed", "allowed attributes: href, src, alt, title, width, height, colspan, rowspan, align, open"),
    "QB507": ("class-not-allowed", "the site's own classes (md-*, qb-*) are reserved, except md-button and md-button--primary; "
              "other classes are fine"),
    "QB508": ("notebook-output-not-allowed", "notebook outputs may be text, images (PNG/JPEG) and errors; re-run the cell so it "
              "prints text or plots instead of HTML, Markdown, SVG or JavaScript"),
    "QB801": ("bad-data-file", "fix the entry named in the message; the file's header comment says how entries are written"),
    "QB601": ("broken-link", "link to an existing .md file, relative to this file (e.g. ../topic/slug.md)"),
    "QB602": ("missing-anchor", "the #anchor must be a heading on the target page (answers are #answer-1, #answer-2, ...)"),
    "QB603": ("non-http-link", "external links must start with https:// (or http://)"),
    "QB604": ("missing-image", "add the image under docs/assets/images/ and link it relatively"),
    "QB605": ("image-without-alt", "describe the image in the brackets: ![what it shows](path.png)"),
    "QB606": ("absolute-path-link", "use a path relative to this file (the site is not served from the domain root)"),
    "QB607": ("remote-image", "the site works offline and loads nothing from other hosts: commit the image under docs/assets/images/"),
    "QB608": ("link-to-url-not-file", "link to the page's .md file, e.g. ../topic/slug.md (MkDocs turns it into the URL)"),
    "QB701": ("near-duplicate", "answer the existing question instead, or list its id under `distinct_from:` if they differ"),
    "QB702": ("unknown-distinct-from", "distinct_from lists ids of other questions in the bank"),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem.  ``line``/``col`` are 1-based; ``col`` counts characters."""

    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str = ""
    severity: str = "error"

    def format(self) -> str:
        return render(f"{self.path}:{self.line}:{self.col}", self.message, self.hint, self.code)

    def github(self) -> str:
        """A GitHub Actions workflow command: shows inline on the pull request's diff."""
        def prop(v: str) -> str:
            return v.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")

        def data(v: str) -> str:
            return v.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        name = CODES.get(self.code, ("", ""))[0]
        body = self.message + (f"\nhint: {self.hint}" if self.hint else "")
        return (f"::{self.severity} file={prop(self.path)},line={self.line},col={self.col},"
                f"title={prop(f'{self.code} {name}')}::{data(body)}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    problems: list[Problem]
    files: int  # files checked (the selection)
    seconds: float

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def format_text(report: Report) -> str:
    lines = [p.format() for p in report.problems]
    n_err = len(report.errors)
    if n_err:
        n_files = len({p.path for p in report.errors})
        lines.append(f"{n_err} error{'s' if n_err != 1 else ''} in {n_files} file{'s' if n_files != 1 else ''} "
                     f"({report.files} checked in {report.seconds:.2f} s)")
    else:
        lines.append(f"{report.files} file{'s' if report.files != 1 else ''} checked in {report.seconds:.2f} s: no problems")
    return "\n".join(lines) + "\n"


def format_github(report: Report) -> str:
    return "".join(p.github() + "\n" for p in report.problems) + format_text(report).splitlines()[-1] + "\n"
