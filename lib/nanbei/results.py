"""One result surface for every estimator: ``summary()``, ``tidy()``, ``plot()``.

Every result class of Nanbei (beta convergence, Markov chains, clubs, synthetic control,
difference-in-differences, event studies, bootstrap and randomization inference, sigma
paths) derives from :class:`Result` and so offers the same surface, as pyfixest,
linearmodels and statsmodels results do:

``summary()``
    a :class:`Summary` that renders as text (``str``), HTML (``_repr_html_``, shown by
    Jupyter) and LaTeX (``_repr_latex_`` / ``as_latex()``);
``tidy()``
    a DataFrame with the columns :data:`TIDY_COLUMNS` (``term, estimate, std_error,
    statistic, p_value, conf_low, conf_high, n_obs``) where they apply, NaN where not;
``plot(ax=None, labels=None, lang="en")``
    draws on ``ax`` (a new figure if None) and returns the Axes.  ``labels`` maps unit
    identifiers to display names; by default a Jiangsu or Chinese city code becomes its
    name in ``lang`` ("en" or "zh").

The result itself shows its summary in a notebook (``_repr_html_``) and has an
informative ``repr``.  One naming scheme throughout: ``p_value``, ``n_obs``, ``alpha``.

Why a hand-written base class: the surface is small and must cover results that are not
regressions (a transition matrix, club memberships), which no table library models.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Columns of every ``tidy()`` frame, in order.
TIDY_COLUMNS = [
    "term",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
    "n_obs",
]


def tidy_frame(rows: Sequence[Mapping] | pd.DataFrame) -> pd.DataFrame:
    """A DataFrame with exactly :data:`TIDY_COLUMNS` first (missing ones as NaN), then any
    extra columns the rows carry."""
    df = pd.DataFrame(rows)
    for col in TIDY_COLUMNS:
        if col not in df.columns:
            df[col] = np.nan
    extra = [c for c in df.columns if c not in TIDY_COLUMNS]
    out = df[TIDY_COLUMNS + extra].copy()
    out["term"] = out["term"].astype(str)
    numeric = [c for c in TIDY_COLUMNS if c not in ("term",)]
    out[numeric] = out[numeric].apply(pd.to_numeric, errors="coerce")
    return out.reset_index(drop=True)


def _latex_escape(text: str) -> str:
    table = {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
    return "".join(table.get(ch, ch) for ch in str(text))


def _cell(value, digits: int) -> str:
    """A table cell: integers as integers, very large or small numbers in g-format, others
    with ``digits`` decimals; missing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if np.isnan(x):
            return ""
        if x.is_integer() and abs(x) < 1e15:
            return f"{x:.0f}"
        if abs(x) >= 1e5 or abs(x) < 1e-3:
            return f"{x:.{digits}g}"
        return f"{x:.{digits}f}"
    return str(value)


@dataclass
class Summary:
    """A printable summary: a title, tables (caption, DataFrame) and notes.

    Renders as text (``str()``), HTML (``_repr_html_``) and LaTeX (``as_latex()``, booktabs
    tables in a ``table`` environment per block).  The tables are plain DataFrames in
    ``tables``; nothing is lost in rendering.
    """

    title: str
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    digits: int = 4

    def _formatted(self, df: pd.DataFrame) -> pd.DataFrame:
        return df.map(lambda v: _cell(v, self.digits))

    def as_text(self) -> str:
        parts = [self.title, "=" * len(self.title)]
        for caption, df in self.tables:
            if caption:
                parts += ["", caption]
            parts.append(self._formatted(df).to_string())
        if self.notes:
            parts += [""] + [f"Note: {n}" for n in self.notes]
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def as_html(self) -> str:
        parts = [f"<div class='nanbei-summary'><h4>{html.escape(self.title)}</h4>"]
        for caption, df in self.tables:
            if caption:
                parts.append(f"<p><b>{html.escape(caption)}</b></p>")
            parts.append(self._formatted(df).to_html(border=0))
        for note in self.notes:
            parts.append(f"<p><small>{html.escape(note)}</small></p>")
        parts.append("</div>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.as_html()

    def as_latex(self) -> str:
        blocks = []
        for caption, df in self.tables or [("", pd.DataFrame())]:
            shown = self._formatted(df)
            index_name = shown.index.name or ""
            cols = [index_name, *map(str, shown.columns)]
            lines = [r"\begin{table}[htbp]", r"\centering"]
            cap = f"{self.title}{': ' + caption if caption else ''}"
            lines.append(rf"\caption{{{_latex_escape(cap)}}}")
            lines.append(r"\begin{tabular}{l" + "r" * len(shown.columns) + "}")
            lines.append(r"\toprule")
            lines.append(" & ".join(_latex_escape(c) for c in cols) + r" \\")
            lines.append(r"\midrule")
            for idx, row in shown.iterrows():
                cells = [_latex_escape(idx), *(_latex_escape(v) for v in row)]
                lines.append(" & ".join(cells) + r" \\")
            lines.append(r"\bottomrule")
            lines.append(r"\end{tabular}")
            if self.notes:
                lines.append(r"\par\footnotesize " + " ".join(_latex_escape(n) for n in self.notes))
            lines.append(r"\end{table}")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)

    def _repr_latex_(self) -> str:
        return self.as_latex()


def deprecated_alias(new: str, old: str, *, note: str = "") -> property:
    """A read-only property ``old`` returning ``self.<new>`` with a DeprecationWarning: the
    one-release transition of every result class to the common names (``p_value``, ``n_obs``,
    ``alpha``)."""

    def getter(self):
        warnings.warn(
            f"{type(self).__name__}.{old} is deprecated and will be removed in the next release; "
            f"use .{new}{note}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(self, new)

    return property(getter, doc=f"Deprecated alias of ``{new}``{note} (read-only).")


def unit_label(unit, labels: Mapping | None = None, lang: str = "en") -> str:
    """Display name of a unit: ``labels[unit]`` if given, else a city code's name in ``lang``
    ("en" or "zh") from the shipped city registry, else ``str(unit)``."""
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    if labels is not None and unit in labels:
        return str(labels[unit])
    names = _city_names(lang)
    try:
        return names.get(int(unit), str(unit))
    except (TypeError, ValueError):
        return str(unit)


_CITY_NAME_CACHE: dict[str, dict[int, str]] = {}


def _city_names(lang: str) -> dict[int, str]:
    if lang not in _CITY_NAME_CACHE:
        try:
            from nanbei.data import load_cities

            cities = load_cities()
            column = "city_zh" if lang == "zh" else "city_en"
            names = cities[column].fillna(cities["city_en"])
            _CITY_NAME_CACHE[lang] = dict(zip(cities["city_code"].astype(int), names, strict=True))
        except Exception:  # no shipped data (e.g. a user's own panel): codes stay codes
            _CITY_NAME_CACHE[lang] = {}
    return _CITY_NAME_CACHE[lang]


class Result:
    """Base class of every Nanbei result: the common surface (see the module docstring).

    Subclasses implement ``tidy()``, ``summary()`` and ``_plot(ax, labels, lang)``; the
    base supplies ``plot`` (figure handling), ``_repr_html_`` and ``__repr__``.
    """

    #: Short name used in repr and summary titles.
    _name = "Result"

    def tidy(self) -> pd.DataFrame:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def summary(self) -> Summary:
        tidy = self.tidy().set_index("term")
        return Summary(self._name, [("", tidy.dropna(axis=1, how="all"))])

    def plot(self, ax=None, labels: Mapping | None = None, lang: str = "en", **kwargs):
        """Draw the result on ``ax`` (a new figure if None) and return the Axes."""
        if lang not in ("en", "zh"):
            raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
        import matplotlib.pyplot as plt

        from nanbei import plotting

        # Drawn inside the Nanbei style (CJK font) without changing the session's settings.
        with plotting.style():
            if ax is None:
                _, ax = plt.subplots(figsize=(8, 4))
            self._plot(ax, labels, lang, **kwargs)
        return ax

    # Only the common arguments: a subclass adds its own keyword options (plot() passes them on),
    # which a ``**kwargs`` here would forbid under the override rule.
    def _plot(self, ax, labels, lang):  # pragma: no cover - subclasses override
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    # --- maketables plug-in (https://py-econometrics.github.io/maketables/): lets
    # nanbei.table() and maketables.ETable put any result in a publication table.
    @property
    def __maketables_coef_table__(self) -> pd.DataFrame:
        tidy = self.tidy()
        out = pd.DataFrame(
            {
                "b": tidy["estimate"].to_numpy(),
                "se": tidy["std_error"].to_numpy(),
                "t": tidy["statistic"].to_numpy(),
                "p": tidy["p_value"].to_numpy(),
                "ci95l": tidy["conf_low"].to_numpy(),
                "ci95u": tidy["conf_high"].to_numpy(),
            },
            index=pd.Index(tidy["term"].astype(str), name="Coefficient"),
        )
        return out

    def __maketables_stat__(self, key: str):
        if key == "N":
            n = self.tidy()["n_obs"].dropna()
            return int(n.iloc[0]) if len(n) else None
        if key == "clusters":
            value = getattr(self, "n_clusters", None)
            return int(value) if value is not None else None
        return None

    @property
    def __maketables_depvar__(self) -> str:
        return str(getattr(self, "outcome_label", None) or self._name)

    @property
    def __maketables_fixef_string__(self) -> str | None:
        fe = getattr(self, "fixed_effects", None)
        if not fe:
            return None
        return "+".join(fe) if not isinstance(fe, str) else fe

    def __str__(self) -> str:
        return str(self.summary())

    def __repr__(self) -> str:
        try:
            tidy = self.tidy()
        except Exception:  # a repr must never raise
            return f"<{type(self).__name__}>"
        head = tidy.dropna(axis=1, how="all").head(4)
        body = ", ".join(
            f"{r['term']}={r['estimate']:.4g}"
            + (f" (p={r['p_value']:.3g})" if "p_value" in r and pd.notna(r["p_value"]) else "")
            for _, r in head.iterrows()
            if pd.notna(r.get("estimate"))
        )
        more = f", ... {len(tidy) - 4} more" if len(tidy) > 4 else ""
        n = tidy["n_obs"].dropna()
        n_text = f" n_obs={int(n.iloc[0])}" if len(n) else ""
        return f"<{type(self).__name__}{n_text}: {body}{more}>"
