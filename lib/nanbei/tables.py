"""Publication tables: several results side by side, as pyfixest's ``etable`` does.

Built on maketables (``ETable``, through the plug-in attributes every
:class:`nanbei.results.Result` carries) rather than by hand: stars, standard errors or
confidence intervals under each estimate, and rows for observations, clusters and fixed
effects.  HTML comes from great_tables via maketables.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

FORMATS = ("html", "latex", "markdown", "csv", "dataframe")


def table(
    *results,
    format: str = "html",
    model_heads: Sequence[str] | None = None,
    interval: str = "se",
    stars: Sequence[float] = (0.01, 0.05, 0.10),
    digits: int = 3,
    caption: str | None = None,
    notes: str = "",
    labels: dict | None = None,
):
    """Combine results in one table.

    Parameters
    ----------
    *results : Nanbei results (anything with ``tidy()``; see :mod:`nanbei.results`).
    format : "html" (a string of HTML), "latex" (a ``table`` environment using booktabs,
        threeparttable, makecell and tabularx), "markdown", "csv" or "dataframe".
    model_heads : a heading per result (default: numbered columns only).
    interval : "se" (standard error in parentheses) or "ci" (95% interval in brackets).
    stars : p-value cut-offs for ***, ** and *; empty for no stars.
    labels : display names for terms or outcomes.

    Returns a string (a DataFrame for "dataframe").  Rows: every term of every result,
    then observations and clusters where a result has them, and fixed effects.

    Example
    -------
    >>> from nanbei import convergence, table
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3], "t": [0, 1] * 3,
    ...                    "y": [1.0, 2.0, 2.0, 3.5, 4.0, 4.8]})
    >>> out = table(convergence.beta(df, unit="unit", time="t", value="y", start=0, end=1),
    ...             format="csv")
    >>> out.splitlines()[0].startswith("section,term")
    True
    """
    if format not in FORMATS:
        raise ValueError(f"table: format must be one of {FORMATS}, got {format!r}")
    if interval not in ("se", "ci"):
        raise ValueError(f"table: interval must be 'se' or 'ci', got {interval!r}")
    if not results:
        raise ValueError("table: give at least one result")
    for i, r in enumerate(results):
        if not hasattr(r, "__maketables_coef_table__"):
            raise ValueError(f"table: argument {i + 1} ({type(r).__name__}) is not a Nanbei result")
    stars = list(stars)
    if stars and len(stars) != 3:
        raise ValueError("table: stars needs three p-value cut-offs (***, **, *) or none")
    from maketables import ETable

    star = "*" if stars else ""
    body = (
        f"b:.{digits}f{star} \n (se:.{digits}f)"
        if interval == "se"
        else f"b:.{digits}f{star} \n [ci95l:.{digits}f, ci95u:.{digits}f]"
    )
    stats = [
        k for k in ("N", "clusters") if any(r.__maketables_stat__(k) is not None for r in results)
    ]
    # Without stars the format has no "*" marker; maketables still wants three cut-offs.
    et = ETable(
        list(results),
        coef_fmt=body,
        signif_code=stars or [0.01, 0.05, 0.10],
        model_stats=stats,
        model_stats_labels={"N": "Observations", "clusters": "Clusters"},
        model_heads=list(model_heads) if model_heads else None,
        caption=caption,
        notes=notes,
        labels=labels,
    )
    if format == "html":
        gt = et.make(type="gt")
        return gt.as_raw_html()  # type: ignore[union-attr]
    if format == "latex":
        return str(et.make(type="tex"))
    flat = _flatten(et.df)
    if format == "dataframe":
        return flat
    if format == "csv":
        buf = io.StringIO()
        flat.to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()
    return _markdown(flat)


def _flatten(df: pd.DataFrame) -> pd.DataFrame:
    """maketables' display frame -> one row per cell line, plain column names."""
    out = df.copy()
    out.columns = [
        " / ".join(str(c) for c in col if str(c)) if isinstance(col, tuple) else str(col)
        for col in out.columns
    ]
    out = out.map(lambda v: " ".join(str(v).split()) if isinstance(v, str) else v)
    out.index = out.index.set_names(["section", "term"][: out.index.nlevels])
    return out.reset_index()


def _markdown(df: pd.DataFrame) -> str:
    cells = df.astype(str).map(lambda v: v.replace("|", "\\|"))
    header = "| " + " | ".join(cells.columns) + " |"
    rule = "|" + "|".join("---" for _ in cells.columns) + "|"
    rows = ["| " + " | ".join(row) + " |" for row in cells.itertuples(index=False)]
    return "\n".join([header, rule, *rows]) + "\n"
