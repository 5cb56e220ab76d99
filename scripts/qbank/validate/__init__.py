"""``qbank validate``: every problem in the bank, located, in one run.

Why this exists: after the first import the bank is edited by people, through pull
requests, often in GitHub's web editor.  A contributor must learn *everything* that is
wrong with their file from one run, each problem pinned to ``path:line:col`` with a code
and a one-line hint, and the site must never publish a file that would render wrong or
carry active content.  The same checks run in ``make validate``, in pre-commit, in CI
(``--format github`` turns them into inline annotations) and at the start of every build.

Output, one problem per entry::

    docs/questions/foundations/what-is-x.md:7:1: QB212 unknown tag 'dropuot'
      hint: did you mean 'dropout'? tags come from data/tags.yml

Codes are grouped by family (:data:`CODES` has each code's name and hint; CONTRIBUTING.md
summarises the families):

* QB1xx the file itself: encoding, invisible characters, size, location
* QB2xx the YAML front matter: presence, syntax, fields, types, vocabularies
* QB3xx answers: attribution, status vs content, heading structure
* QB4xx math (parsed by the KaTeX the site ships) and diagrams
* QB5xx raw HTML and active content
* QB6xx links and images
* QB7xx the bank as a whole: near-duplicate questions, cross references

One module per concept: :mod:`.problems` (the catalogue of codes, a problem, the output
formats), :mod:`.doc` (one file and its positions), :mod:`.context` (the project's
vocabularies, the data files' check), one module per family -- :mod:`.files` (QB1xx),
:mod:`.front_matter` (QB2xx), :mod:`.answers` (QB3xx, over :mod:`.body`), :mod:`.math` and
:mod:`.fences` (QB4xx), :mod:`.html` (QB5xx, with the tokenizer :mod:`.html_tokens`),
:mod:`.links` (QB6xx), :mod:`.duplicates` (QB7xx) -- and :mod:`.run`, which runs them.

Checks are pure functions over a parsed :class:`Doc`, one per family; cross-file checks
(ids, near-duplicates, link targets) always see the whole bank even when only some
files are being validated (``qbank validate PATH``), and only the selected files'
problems are reported.  Nothing here raises on bad input: a file that cannot be
parsed yields problems, never an exception (fuzzed in tests/test_validate.py).
"""

from .context import Context
from .doc import MAX_BYTES, Doc, quote
from .duplicates import closest_questions
from .problems import CODES, Problem, Report, format_github, format_text
from .run import bank_paths, load_doc, validate, validate_text

__all__ = [
    "CODES",
    "MAX_BYTES",
    "Context",
    "Doc",
    "Problem",
    "Report",
    "bank_paths",
    "closest_questions",
    "format_github",
    "format_text",
    "load_doc",
    "quote",
    "validate",
    "validate_text",
]
