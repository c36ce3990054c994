"""The common result surface (nanbei.results): Summary rendering, tidy columns, labels."""

from __future__ import annotations

import pickle

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from nanbei import results


class _Toy(results.Result):
    _name = "Toy estimate"

    def __init__(self, estimate=1.5, se=0.5):
        self.estimate, self.se = estimate, se

    def tidy(self):
        return results.tidy_frame([{"term": "x", "estimate": self.estimate, "std_error": self.se,
                                    "n_obs": 40}])

    def _plot(self, ax, labels, lang):
        ax.bar([results.unit_label(320500, labels, lang)], [self.estimate])


def test_tidy_frame_has_the_fixed_columns_first():
    df = results.tidy_frame([{"term": "a", "estimate": 1.0, "extra": 3}])
    assert list(df.columns[:8]) == results.TIDY_COLUMNS and "extra" in df.columns
    assert np.isnan(df.loc[0, "p_value"])


def test_summary_renders_in_three_formats():
    s = _Toy().summary()
    assert "Toy estimate" in str(s) and "1.5" in str(s)
    html = s._repr_html_()
    assert html.startswith("<div") and "<table" in html
    latex = s.as_latex()
    assert latex == s._repr_latex_()
    for token in (r"\begin{table}", r"\toprule", r"\midrule", r"\bottomrule", r"\end{tabular}"):
        assert token in latex
    # Underscores in names are escaped, so the LaTeX compiles.
    assert r"std\_error" in latex and "std_error" not in latex.replace(r"std\_error", "")


def test_result_repr_plot_and_pickle():
    toy = _Toy()
    assert repr(toy) == "<_Toy n_obs=40: x=1.5>"
    assert toy._repr_html_() == toy.summary()._repr_html_()
    ax = toy.plot(lang="zh")
    assert ax.get_xticklabels()[0].get_text() == "苏州市"
    ax = toy.plot(labels={320500: "Soochow"})
    assert ax.get_xticklabels()[0].get_text() == "Soochow"
    assert pickle.loads(pickle.dumps(toy)).tidy().equals(toy.tidy())
    with pytest.raises(ValueError, match="lang must be 'en' or 'zh'"):
        toy.plot(lang="fr")


def test_unit_label_falls_back_to_the_code():
    assert results.unit_label(320500) == "Suzhou"
    assert results.unit_label("not a code") == "not a code"
    assert results.unit_label(999999) == "999999"


def test_summary_keeps_the_tables():
    df = pd.DataFrame({"estimate": [0.1234567]}, index=pd.Index(["b"], name="term"))
    s = results.Summary("T", [("caption", df)], notes=["n"])
    assert s.tables[0][1] is df and "Note: n" in str(s) and "0.1235" in str(s)
