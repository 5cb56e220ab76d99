"""qbank.site.icons: the theme's icons as :shortcodes:, and no emoji (an emoji became an image
from a CDN); the gate refuses any image from another host (tests/test_sanitize.py)."""

from __future__ import annotations

import markdown
from material.extensions.emoji import to_svg

from qbank.site import icons


def _render(text: str) -> str:
    md = markdown.Markdown(extensions=["attr_list", "pymdownx.emoji"], extension_configs={
        "pymdownx.emoji": {"emoji_index": icons.index, "emoji_generator": to_svg}})
    return md.convert(text)


def test_theme_icons_are_found_by_their_shortcode() -> None:
    emoji = icons.index({}, None)["emoji"]
    assert emoji.get(":material-sine-wave:")["path"].endswith("material/sine-wave.svg")
    assert emoji[":fontawesome-brands-github:"]["path"].endswith("fontawesome/brands/github.svg")
    for missing in (":smile:", ":material-no-such-icon:", ":material-..-..-x:", "material-brain", ":material/brain:"):
        assert emoji.get(missing) is None, missing
        assert missing not in emoji


def test_an_icon_is_inlined_and_an_emoji_stays_text() -> None:
    html = _render(":material-brain:{ .lg .middle } Foundations, with a :smile: and a :+1:")
    assert html.startswith('<p><span class="twemoji lg middle"><svg ')
    assert ":smile:" in html and ":+1:" in html
    assert "<img" not in html and "cdn" not in html


def test_custom_icon_folders_come_first(tmp_path) -> None:
    (tmp_path / "material").mkdir()
    (tmp_path / "material" / "brain.svg").write_text('<svg viewBox="0 0 1 1"></svg>', encoding="utf-8")
    emoji = icons.index({"custom_icons": [str(tmp_path)]}, None)["emoji"]
    assert emoji.get(":material-brain:")["path"] == str(tmp_path / "material" / "brain.svg")
    assert emoji.get(":material-sine-wave:")["path"].endswith("material/sine-wave.svg")  # the theme's
