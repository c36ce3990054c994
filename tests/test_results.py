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
        return results.tidy_frame(
            [{"term": "x", "estimate": self.estimate, "std_error": self.se, "n_obs": 40}]
        )

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


# ------------------------------------------------------------------ nanbei.table
class _Reg(results.Result):
    _name = "Toy regression"
    fixed_effects = ("city", "year")

    def __init__(self, b, se, p, n=120, clusters=13):
        self.b, self.se, self.p, self.n, self.n_clusters = b, se, p, n, clusters

    def tidy(self):
        return results.tidy_frame(
            [
                {
                    "term": "treat_post",
                    "estimate": self.b,
                    "std_error": self.se,
                    "p_value": self.p,
                    "conf_low": self.b - 1.96 * self.se,
                    "conf_high": self.b + 1.96 * self.se,
                    "n_obs": self.n,
                }
            ]
        )


@pytest.fixture
def two():
    return _Reg(0.25, 0.05, 0.004), _Reg(-0.1, 0.2, 0.6, n=80, clusters=8)


def test_table_latex_structure(two):
    import nanbei

    tex = nanbei.table(*two, format="latex", model_heads=["Subei", "Placebo"], caption="DiD")
    assert tex.count(r"\begin{table}") == 1 and tex.count(r"\end{table}") == 1
    assert tex.index(r"\toprule") < tex.index(r"\midrule") < tex.index(r"\bottomrule")
    assert "0.250***" in tex and "(0.050)" in tex  # p = 0.004 < 0.01: three stars
    assert "-0.100" in tex and "-0.100*" not in tex  # p = 0.6: no star
    assert "Observations & 120 & 80" in tex and "Clusters & 13 & 8" in tex
    assert "Subei" in tex and "DiD" in tex


def test_table_csv_reads_back_without_latex(two):
    import io

    import nanbei

    csv = nanbei.table(*two, format="csv", interval="ci")
    df = pd.read_csv(io.StringIO(csv))
    assert list(df.columns[:2]) == ["section", "term"] and df.shape[1] == 4
    coef = df[df["term"] == "treat_post"].iloc[0]
    assert "[0.152, 0.348]" in coef.iloc[2]  # 0.25 -+ 1.96 x 0.05
    stats = df.set_index("term")
    assert int(stats.loc["Observations"].iloc[1]) == 120


def test_table_html_and_markdown(two):
    import nanbei

    html = nanbei.table(*two, format="html")
    assert "<table" in html and "0.250***" in html
    md = nanbei.table(*two, format="markdown", stars=())
    lines = md.splitlines()
    assert lines[0].startswith("| section | term |") and set(lines[1]) <= set("|-")
    assert "0.250 (0.050)" in md and "*" not in md


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"format": "pdf"}, "format must be one of"),
        ({"interval": "sd"}, "interval must be 'se' or 'ci'"),
        ({"stars": (0.1,)}, "three p-value cut-offs"),
    ],
)
def test_table_rejects_bad_options(two, kwargs, match):
    import nanbei

    with pytest.raises(ValueError, match=match):
        nanbei.table(*two, **kwargs)


def test_table_rejects_non_results():
    import nanbei

    with pytest.raises(ValueError, match="argument 1 \\(DataFrame\\) is not a Nanbei result"):
        nanbei.table(pd.DataFrame())
