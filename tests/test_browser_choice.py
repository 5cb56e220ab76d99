"""Which chromium the browser tests drive (``conftest.choose_chromium``).

Debian's ``/usr/bin/chromium`` on machines that have it (this project's and its CI, which
reach no browser download); ``QBANK_CHROMIUM`` names another, or ``playwright`` for
Playwright's own build, which the GitHub workflows install (Ubuntu's runners have no
Debian chromium); without either, Playwright's own build when it is installed.
"""

from __future__ import annotations

import pytest

from conftest import CHROMIUM, BrowserChoice, choose_chromium

BUNDLED = "/home/runner/.cache/ms-playwright/chromium-1234/chrome-linux/chrome"


def choose(env: dict[str, str], present: set[str], bundled: str | None = BUNDLED) -> BrowserChoice:
    return choose_chromium(env, lambda path: path in present, bundled)


def test_debian_chromium_by_default() -> None:
    assert choose({}, {CHROMIUM, BUNDLED}) == BrowserChoice(CHROMIUM)
    assert choose({"QBANK_CHROMIUM": " "}, {CHROMIUM}) == BrowserChoice(CHROMIUM)


def test_playwrights_own_build_when_debians_is_missing() -> None:
    assert choose({}, {BUNDLED}) == BrowserChoice(None)


def test_the_environment_names_the_browser() -> None:
    assert choose({"QBANK_CHROMIUM": "/opt/chrome/chrome"}, {CHROMIUM, "/opt/chrome/chrome"}) == \
        BrowserChoice("/opt/chrome/chrome")
    assert choose({"QBANK_CHROMIUM": "playwright"}, {CHROMIUM, BUNDLED}) == BrowserChoice(None)


@pytest.mark.parametrize(("env", "present", "bundled", "says"), [
    ({}, set(), BUNDLED, "sudo apt-get install -y chromium"),
    ({}, set(), None, "playwright install --with-deps chromium"),
    ({"QBANK_CHROMIUM": "playwright"}, {CHROMIUM}, BUNDLED, "Playwright's chromium is not installed"),
    ({"QBANK_CHROMIUM": "/nowhere/chrome"}, {CHROMIUM, BUNDLED}, BUNDLED, "/nowhere/chrome is not an executable"),
])
def test_no_browser_says_what_to_do(env: dict[str, str], present: set[str], bundled: str | None, says: str) -> None:
    choice = choose(env, present, bundled)
    assert choice.executable is None and choice.problem and says in choice.problem
