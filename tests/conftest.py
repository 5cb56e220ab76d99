"""Shared fixtures for the site tests: one strict build per test run, a local HTTP
server for it, one Chromium per worker and a guarded ``page``.

* ``built_site``: ``mkdocs build --strict`` into a temporary directory, done ONCE per
  run. Under pytest-xdist the workers share it: the first one to take the lock builds,
  the others wait and reuse the result (directory + captured output).
* ``site_server``: base URL (``http://127.0.0.1:<port>/<site_url path>/``) of a threaded
  ``http.server`` serving the built site where it is deployed (see ``_SiteHandler``).
* ``browser``: chromium driven by Playwright, chosen by :func:`choose_chromium`: the one
  ``QBANK_CHROMIUM`` names (a path, or ``playwright`` for Playwright's own build, as the
  GitHub workflows install it), else Debian's ``/usr/bin/chromium``, else Playwright's own
  build if it is installed; skipped locally when there is none, an error under CI.
* ``copy_project`` / ``seed_project``: throw-away copies of the project for tests that
  change files or run a build or an import; ``qbank_cli`` runs the command in one.
* ``page``: a fresh context + page per test that records every request URL and every
  console error / uncaught exception. After the test body has run, the test FAILS if
  a request went to any host other than the local server, or if a console error
  appeared. A test may allow one specific, expected error with
  ``page_log.allow_console_error(r"regex")`` or
  ``@pytest.mark.allow_console_error(r"regex")``.
"""

from __future__ import annotations

import contextlib

import fcntl
import functools
import io
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"  # Debian's, the default
CHROMIUM_ENV = "QBANK_CHROMIUM"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUILD_TIMEOUT = 600
QBANK = REPO / ".venv" / "bin" / "qbank"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_console_error(pattern): a console error matching this regex does not fail the test"
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep ``--dist loadgroup`` working on pytest >= 9.

    pytest-xdist (3.8) groups tests by appending ``@<group>`` to ``item._nodeid`` on the
    workers; pytest 9 keeps node ids in ``item._id`` (a ``NodeId``), so that assignment
    is silently ignored and ``xdist_group`` tests get spread over all workers (one
    browser per worker). Append the suffix the way pytest 9 stores it when xdist's own
    attempt did not take.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = {str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                 for m in item.iter_markers("xdist_group")}
        node_id = getattr(item, "_id", None)
        if not names or "@" in item.nodeid or node_id is None or not hasattr(type(node_id), "parse"):
            continue
        item._id = type(node_id).parse(f"{item.nodeid}@{'_'.join(sorted(names))}")


# -- throw-away projects ------------------------------------------------------------------

PROJECT_FOLDERS = ("docs", "data", "seeds", "overrides", "scripts", "node_modules")
SITE_FILES = ("mkdocs.yml", "package.json", "package-lock.json")


def file_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its relative path, with its bytes: two trees are the same
    output when these are equal (a built site, an imported bank)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def copy_project(dest: Path, *, copy: tuple[str, ...] = ("docs",), site: bool = False) -> Path:
    """A throw-away copy of the project: the folders in ``copy`` copied (the test may change
    them), the others linked (read-only use); ``site`` adds the files a build reads besides."""
    dest.mkdir(parents=True)
    for name in PROJECT_FOLDERS:
        if not (REPO / name).exists():
            continue
        if name in copy:
            shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:  # mkdocs.yml names its hooks by a path relative to itself; node_modules holds KaTeX
            os.symlink(REPO / name, dest / name, target_is_directory=True)
    if site:
        for name in SITE_FILES:
            shutil.copy2(REPO / name, dest / name)
    return dest


def seed_project(dest: Path, *, import_bank: bool = False):  # -> qbank.pipeline.Project
    """The project's inputs (seeds and data, copied) with an empty docs tree; with
    ``import_bank``, the bank imported into it as ``qbank import`` would."""
    from qbank.importer import apply_plan, plan_import
    from qbank.pipeline import Project, run

    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "seeds", dest / "seeds")
    shutil.copytree(REPO / "data", dest / "data")
    (dest / "docs").mkdir()
    project = Project(dest)
    if import_bank:
        apply_plan(plan_import(run(project).questions, project.docs))
    return project


def qbank_cli(monkeypatch: pytest.MonkeyPatch, cwd: Path, *args: object):  # -> click.testing.Result
    """``qbank ARGS`` in-process (typer's CliRunner) with ``cwd`` as the working directory."""
    from rich.console import Console
    from typer.testing import CliRunner

    from qbank import cli

    # Rich wraps at the terminal width (80 here): widen it so located messages stay on one line.
    monkeypatch.setattr(cli, "out", Console(width=4000))
    monkeypatch.setattr(cli, "err", Console(stderr=True, width=4000))
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(cli.app, [str(a) for a in args])


def qbank_cmd() -> list[str]:
    """The ``qbank`` command for a subprocess (the virtualenv's, else this interpreter's)."""
    return [str(QBANK)] if QBANK.exists() else [sys.executable, "-c", "from qbank.cli import main; main()"]


# -- the build --------------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltSite:
    """A finished strict build: where it is and what MkDocs printed."""

    dir: Path
    returncode: int
    output: str  # stdout + stderr of `mkdocs build`
    seconds: float

    def page(self, url: str) -> Path:
        """The HTML file for a site URL such as ``questions/x/y/`` or ``''``."""
        url = url.lstrip("/")
        return self.dir / url / "index.html" if url == "" or url.endswith("/") else self.dir / url


def mkdocs_build(project_dir: Path, site_dir: Path, timeout: int = BUILD_TIMEOUT,
                 config: Path | None = None) -> subprocess.CompletedProcess:
    """``mkdocs build --strict -d site_dir`` with ``project_dir`` as cwd; output captured."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    venv_mkdocs = REPO / ".venv" / "bin" / "mkdocs"
    cmd = [str(venv_mkdocs)] if venv_mkdocs.exists() else [sys.executable, "-m", "mkdocs"]
    extra = ["-f", str(config)] if config else []
    return subprocess.run(
        [*cmd, "build", "--strict", *extra, "-d", str(site_dir)],
        cwd=project_dir, env=env, capture_output=True, text=True, timeout=timeout,
    )


def without_bank_validation(project_dir: Path) -> Path:
    """A copy of the project's ``mkdocs.yml`` with the qbank plugin's ``validate_bank: false``
    (for tests only: the one that proves the output gate holds without validation)."""
    text = (project_dir / "mkdocs.yml").read_text(encoding="utf-8")
    assert text.count("\n  - qbank\n") == 1, "mkdocs.yml lists the qbank plugin as `  - qbank`"
    config = project_dir / "mkdocs.no-validation.yml"
    config.write_text(text.replace("\n  - qbank\n", "\n  - qbank:\n      validate_bank: false\n"), encoding="utf-8")
    return config


def _build_into(root: Path) -> BuiltSite:
    site = root / "site"
    start = time.monotonic()
    proc = mkdocs_build(REPO, site)
    seconds = time.monotonic() - start
    output = proc.stdout + proc.stderr
    (root / "build.json").write_text(
        json.dumps({"returncode": proc.returncode, "output": output, "seconds": seconds}), encoding="utf-8")
    return BuiltSite(site, proc.returncode, output, seconds)


def _load_build(root: Path) -> BuiltSite | None:
    record = root / "build.json"
    if not record.exists():
        return None
    data = json.loads(record.read_text(encoding="utf-8"))
    return BuiltSite(root / "site", data["returncode"], data["output"], data["seconds"])


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The one strict build of this run, whether or not it succeeded."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # no xdist: this process is the only user
        return _build_into(tmp_path_factory.mktemp("qbank-site"))
    # xdist: getbasetemp() is <run dir>/popen-gwN; the run dir is shared by all workers
    # of THIS run only, so a lock file there elects one builder.
    root = tmp_path_factory.getbasetemp().parent / "qbank-site"
    root.mkdir(exist_ok=True)
    with open(root / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _load_build(root) or _build_into(root)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def built_site(site_build: BuiltSite) -> BuiltSite:
    """A successful strict build (tests using it error out if the build failed)."""
    if site_build.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed (exit {site_build.returncode}):\n{site_build.output[-4000:]}")
    return site_build


@pytest.fixture(scope="session")
def questions_json(built_site: BuiltSite) -> dict:
    return json.loads((built_site.dir / "questions.json").read_text(encoding="utf-8"))


# -- serving ----------------------------------------------------------------------------


def mkdocs_config(project_dir: Path = REPO) -> dict:
    """mkdocs.yml as plain data (the ``!!python/name`` tags are dropped, not resolved)."""
    text = (project_dir / "mkdocs.yml").read_text(encoding="utf-8")
    return yaml.safe_load(re.sub(r"!!python/\S+", "", text))


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site under the path of ``site_url`` (as GitHub Pages would).

    ``sitemap.xml`` is served with the canonical ``site_url`` replaced by this server's
    base URL, which is what the deployed site (and ``mkdocs serve``) gives the browser:
    Material's instant navigation only intercepts links whose URL is in the sitemap.
    """

    mount = "/"
    canonical = ""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self):  # the stdlib's signature
        path = urlsplit(self.path).path
        if not path.startswith(self.mount):
            self.send_error(404, f"outside {self.mount}")
            return None
        self.path = "/" + self.path[len(self.mount):]
        if urlsplit(self.path).path == "/sitemap.xml" and self.canonical:
            base = f"http://{self.headers.get('Host')}{self.mount}"
            body = (Path(self.directory) / "sitemap.xml").read_bytes()
            body = body.replace(self.canonical.encode(), base.encode())
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()


@pytest.fixture(scope="session")
def site_server(built_site: BuiltSite):
    """Base URL of a local server for the built site, e.g. ``http://127.0.0.1:PORT/dl-interview-questions/``
    (always with a trailing slash; mounted at the path of ``site_url``)."""
    canonical = mkdocs_config().get("site_url") or "/"
    canonical = canonical if canonical.endswith("/") else canonical + "/"
    mount = urlsplit(canonical).path or "/"
    handler_class = type("Handler", (_SiteHandler,), {"mount": mount, "canonical": canonical})
    handler = functools.partial(handler_class, directory=str(built_site.dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{mount}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- the browser ------------------------------------------------------------------------


@dataclass(frozen=True)
class BrowserChoice:
    """Which chromium the tests drive: ``executable`` for Playwright's ``executable_path``
    (None: Playwright's own build), or ``problem`` when there is none to drive."""

    executable: str | None = None
    problem: str | None = None


def choose_chromium(env: Mapping[str, str], is_executable: Callable[[str], bool],
                    bundled: str | None) -> BrowserChoice:
    """``QBANK_CHROMIUM`` (a path, or ``playwright``), else Debian's chromium, else
    Playwright's own build (``bundled``: where Playwright would find it) if installed."""
    wanted = env.get(CHROMIUM_ENV, "").strip()
    has_bundled = bool(bundled) and is_executable(bundled or "")
    install = "run  .venv/bin/playwright install --with-deps chromium"
    if wanted == "playwright":
        return BrowserChoice() if has_bundled else BrowserChoice(
            problem=f"{CHROMIUM_ENV}=playwright but Playwright's chromium is not installed: {install}")
    if wanted:
        return BrowserChoice(wanted) if is_executable(wanted) else BrowserChoice(
            problem=f"{CHROMIUM_ENV}={wanted} is not an executable file")
    if is_executable(CHROMIUM):
        return BrowserChoice(CHROMIUM)
    if has_bundled:
        return BrowserChoice()
    return BrowserChoice(problem=f"{CHROMIUM} is missing: sudo apt-get install -y chromium (or set {CHROMIUM_ENV} "
                                 f"to a chromium, or to `playwright` after: {install})")


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        try:
            bundled: str | None = p.chromium.executable_path
        except Exception:  # noqa: BLE001 - no browser build known to this Playwright
            bundled = None
        choice = choose_chromium(os.environ, _is_executable, bundled)
        if choice.problem:
            if os.environ.get("CI"):
                pytest.fail(choice.problem)
            pytest.skip(choice.problem)
        b = p.chromium.launch(executable_path=choice.executable, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class PageLog:
    """What one test's page did: requests, console errors, and what is allowed."""

    base_url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow_console_error(self, pattern: str) -> None:
        """Let console errors matching ``pattern`` (a regex) pass; use sparingly."""
        self.allowed.append(re.compile(pattern))

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "javascript"):
            return True
        base = urlsplit(self.base_url)
        return parts.scheme in ("http", "https", "ws", "wss") and parts.netloc == base.netloc

    def third_party(self) -> list[str]:
        return [u for u in self.requests if not self.is_local(u)]

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.console_errors if not any(p.search(e) for p in self.allowed)]

    def requested(self, fragment: str) -> list[str]:
        return [u for u in self.requests if fragment in u]

    def problems(self) -> list[str]:
        out = []
        if self.third_party():
            out.append("requests to hosts other than the local server:\n  " + "\n  ".join(self.third_party()))
        if self.unexpected_errors():
            out.append("console errors:\n  " + "\n  ".join(self.unexpected_errors()))
        return out


PAGE_LOG_KEY = pytest.StashKey[PageLog]()


@pytest.fixture
def page_log(request: pytest.FixtureRequest, site_server: str) -> PageLog:
    log = PageLog(site_server)
    for mark in request.node.iter_markers("allow_console_error"):
        for pattern in mark.args:
            log.allow_console_error(pattern)
    request.node.stash[PAGE_LOG_KEY] = log
    return log


def new_guarded_context(browser, log: PageLog, **options):
    """A context whose requests are recorded and whose third-party requests are aborted
    (recorded first, so the test still fails; aborting just keeps it fast offline)."""
    options.setdefault("color_scheme", "light")
    options.setdefault("locale", "en-US")
    options.setdefault("viewport", {"width": 1280, "height": 900})
    options.setdefault("service_workers", "block")
    context = browser.new_context(base_url=log.base_url, **options)
    context.on("request", lambda r: log.requests.append(r.url))
    context.route(lambda url: not log.is_local(url), lambda route: route.abort())

    def on_console(msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            log.console_errors.append(f"{msg.text} (at {loc.get('url', '?')}:{loc.get('lineNumber', '?')})")

    def on_page(p) -> None:
        p.on("console", on_console)
        p.on("pageerror", lambda err: log.console_errors.append(f"uncaught {err!r} on {p.url}"))

    context.on("page", on_page)
    return context


@contextlib.contextmanager
def guarded_page(browser, log: PageLog, **options):
    """Another guarded page (e.g. a phone viewport) reporting into the same log."""
    context = new_guarded_context(browser, log, **options)
    try:
        p = context.new_page()
        p.set_default_timeout(15_000)
        yield p
    finally:
        context.close()


def site_path(base: str, url: str) -> str:
    """``url`` (absolute, on the local server) as a site URL like ``questions/x/y/``."""
    parts = urlsplit(url)
    path = f"{parts.scheme}://{parts.netloc}{parts.path}"
    assert path.startswith(base), f"{url} is not under {base}"
    return path[len(base):]


def wait_for_title(page, title: str) -> None:
    """Wait until the main content's h1 reads ``title`` (instant navigation swaps the
    content after the URL has already changed)."""
    page.wait_for_function(
        "t => document.querySelector('article.md-content__inner h1')?.textContent.replace('\u00b6', '').trim() === t",
        arg=title)


# Waits for the page's CSS transitions and animations to end. allSettled, not all: a transition
# that a newer one replaces is cancelled, and its `finished` rejects with an AbortError.
SETTLE_ANIMATIONS = """async () => {
  for (let i = 0; i < 20; i++) {
    const running = document.getAnimations();
    if (!running.length) return;
    await Promise.allSettled(running.map(a => a.finished));
  }
}"""


SITEMAP_ARRIVED = ("() => performance.getEntriesByType('resource')"
                   ".some(e => new URL(e.name).pathname.endsWith('/sitemap.xml'))")


def click_instantly(page, link) -> None:
    """Click ``link`` as a reader does: the pointer reaches it a moment before the click.

    Material's instant navigation needs ``sitemap.xml``, which a page fetches only when the
    reader first reaches for a link (``overrides/partials/instant-sitemap.html``); a click
    before it has arrived is an ordinary page load.  So: hover, wait for the sitemap, click.
    """
    link.hover()
    page.wait_for_function(SITEMAP_ARRIVED)
    page.wait_for_timeout(50)  # Material parses the response in a promise after its load event
    link.click()


@pytest.fixture
def page(browser, page_log: PageLog):
    """A fresh page (own context: empty localStorage, light colour scheme, 1280x900)."""
    context = new_guarded_context(browser, page_log)
    p = context.new_page()
    p.set_default_timeout(15_000)
    try:
        yield p
    finally:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Fail (not error) a test whose guarded page talked to a third party or logged an error."""
    result = yield
    log = item.stash.get(PAGE_LOG_KEY, None)
    if log is not None:
        problems = log.problems()
        if problems:
            raise AssertionError("page guard: " + "\n".join(problems))
    return result


__all__ = ["BrowserChoice", "BuiltSite", "PageLog", "REPO", "choose_chromium", "copy_project", "mkdocs_build",
           "mkdocs_config", "new_guarded_context", "qbank_cli", "qbank_cmd", "seed_project"]
