"""Formulas in headings reach the table of contents as plain text, never as raw TeX (issue 14 §3)."""

from __future__ import annotations

import pytest

from qbank.site.math_text import plain


@pytest.mark.parametrize("heading, shown", [
    (r"Why divide by $\sqrt{d_k}$?", "Why divide by √dₖ?"),  # docs/notebooks/attention.ipynb
    (r"The algorithm (binary labels \(y_i \in \{-1, +1\}\))", "The algorithm (binary labels yᵢ ∈{-1, +1})"),  # AdaBoost
    (r"Choosing \(k\)", "Choosing k"),  # k-NN
    (r"Cost \(x^2\) with \(\beta_1\)", "Cost x² with β₁"),
    (r"\(x_{q}\) stays", "x_q stays"),  # no Unicode subscript q: left as typed
    ("Prices of $5 and $6", "Prices of $5 and $6"),  # not math: a $ before a space does not open one
    ("No formula here", "No formula here"),
])
def test_heading_formulas_become_plain_text(heading: str, shown: str) -> None:
    assert plain(heading) == shown
