"""The theme's templates compiled in the build helper, so that the build loads them compiled.

Why: MkDocs makes a new Jinja environment per build, which compiles each template the first
time a page uses it (Material and the site's overrides: about 50 templates, ~0.2 s).  The build
helper (:mod:`qbank.site.helper`) compiles the theme's templates (all but the translations into
other languages than the site's), ahead and on
the other core, into an in-memory bytecode cache (:class:`~qbank.site.incremental.TemplateCache`,
the one ``mkdocs serve`` keeps between its builds); ``on_env`` gives it to the build's
environment (:func:`use`).  Nothing is kept from one build to the next.

Jinja checks each template's source checksum when it loads the bytecode.  What it does not
check is the environment: the code compiled depends on its syntax options, extensions,
autoescape and finalize, so :func:`use` compares those (:func:`fingerprint`) between the
environment the helper compiled with and the one ``on_env`` receives, and compiles in process
when a plugin changed any of them.
"""

from __future__ import annotations

import jinja2
from mkdocs.config.defaults import MkDocsConfig

from qbank.site.incremental import TemplateCache

__all__ = ["KEY", "compiled", "fingerprint", "use"]

KEY = "templates"

Compiled = tuple[tuple, dict[str, bytes]]
"""The environment's fingerprint and the bytecode of each template, by Jinja's cache key."""


def compiled(config: MkDocsConfig) -> Compiled:
    """In the helper: every template of the theme, compiled as the build's environment would."""
    env = config.theme.get_env()
    cache = TemplateCache()
    env.bytecode_cache = cache
    for name in env.list_templates(filter_func=lambda n: _wanted(n, str(config.theme.get("language") or "en"))):
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            continue  # e.g. Material's blog templates need its blog plugin's filters: never used here
    return fingerprint(env), cache.store


def _wanted(name: str, language: str) -> bool:
    """A template a page may use: Material's translations are ~70 of its ~120 templates, and a
    site uses one (any other template is compiled by the build if a page asks for it)."""
    if not name.endswith((".html", ".xml")):
        return False
    folder, _, file = name.rpartition("/")
    return not folder.endswith("languages") or file == f"{language}.html"


def fingerprint(env: jinja2.Environment) -> tuple:
    """What, besides a template's source, decides the code Jinja compiles from it."""
    def name(value: object) -> object:
        return getattr(value, "__qualname__", value) if callable(value) else value

    return (env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
            env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
            env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
            tuple(sorted(env.extensions)), env.optimized, name(env.autoescape), name(env.finalize), env.is_async,
            type(env.loader).__qualname__)


def use(env: jinja2.Environment, result: Compiled) -> bool:
    """Give ``env`` the helper's compiled templates, unless it would compile them differently."""
    if env.bytecode_cache is not None or fingerprint(env) != result[0]:
        return False
    cache = TemplateCache()
    cache.store.update(result[1])
    env.bytecode_cache = cache
    return True
