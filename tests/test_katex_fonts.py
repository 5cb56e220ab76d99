"""qbank.site.katex_fonts: the KaTeX faces typeset HTML needs, from KaTeX's own stylesheet.
(The browser side -- those faces are all the study cards need offline -- is in
test_study_browser.py::test_the_fonts_fetched_online_typeset_every_card_offline.)"""

from __future__ import annotations

import pytest

from qbank.katex import KatexRenderer
from qbank.site import vendor
from qbank.site.katex_fonts import Rule, faces, rules


@pytest.fixture(scope="module")
def katex_rules() -> list[Rule]:
    return rules(vendor.katex_css())


def test_rules_are_read_from_the_stylesheet(katex_rules) -> None:
    by_classes = {r.classes: r for r in katex_rules}
    assert by_classes[frozenset({"mathnormal"})] == Rule(frozenset({"mathnormal"}), "KaTeX_Math", "italic", None)
    assert by_classes[frozenset({"textbf"})].weight == "700" and by_classes[frozenset({"textbf"})].family is None
    assert by_classes[frozenset({"delimsizing", "mult", "delim-size1"})].family == "KaTeX_Size1"
    assert by_classes[frozenset({"mathbb"})].family == by_classes[frozenset({"amsrm"})].family == "KaTeX_AMS"
    assert not any(r.family and not r.family.startswith("KaTeX_") for r in katex_rules)


def _typeset(*formulas: str) -> list[str]:
    with KatexRenderer() as r:
        return [r.render(tex, display=True) for tex in formulas]


def test_faces_of_typeset_formulas(katex_rules) -> None:
    assert faces(["<p>no math here</p>"], katex_rules) == []
    plain = faces(_typeset("1 + 2"), katex_rules)
    assert plain == ["normal 400 1em KaTeX_Main"]
    italic = faces(_typeset("x^2"), katex_rules)
    assert "italic 400 1em KaTeX_Math" in italic and "normal 400 1em KaTeX_Main" in italic
    big = faces(_typeset(r"\sum_i \left(\frac{a}{b}\right)", r"\mathbb{R}", r"\mathcal{L}"), katex_rules)
    for face in ("KaTeX_Size2", "KaTeX_AMS", "KaTeX_Caligraphic"):  # a display-size sum, blackboard, calligraphic
        assert any(f.endswith(face) for f in big), (face, big)
    # a weight set without a family applies to the family it is inside: textbf in textsf
    bold_sans = faces(_typeset(r"\textsf{\textbf{A}}"), katex_rules)
    assert "normal 700 1em KaTeX_SansSerif" in bold_sans, bold_sans
