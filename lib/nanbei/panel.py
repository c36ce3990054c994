"""Validation of long-format panels shared by every estimator in Nanbei.

Each estimator takes a long DataFrame and the *names* of its unit, time and
value columns.  The checks below turn the common ways such input goes wrong
(missing columns, duplicate unit-time rows, non-numeric or non-positive values,
unbalanced panels) into one clear ``ValueError`` instead of a deep pandas
traceback or a silently wrong number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from nanbei.data.dropped import Dropped


def check_panel(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    columns: Iterable[str] = (),
    positive: Iterable[str] = (),
    balanced: bool = False,
    allow_missing: bool = False,
    min_units: int = 1,
    min_periods: int = 1,
    what: str = "panel",
) -> pd.DataFrame:
    """Validate a long panel and return a copy sorted by (unit, time).

    Parameters
    ----------
    df : DataFrame in long format, one row per unit and period.
    unit, time : names of the unit and time columns.
    columns : further columns that must exist and be numeric.
    positive : columns (subset of ``columns``) that must be strictly positive,
        e.g. because their logarithm is taken.
    balanced : require every unit to be observed in every period, with no
        missing values in ``columns``.
    allow_missing : if False, NaN in ``columns`` is an error.
    min_units, min_periods : smallest acceptable numbers of units and periods.
    what : name of the calling method, used in messages.

    Raises
    ------
    ValueError naming the offending column, units or periods.
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    columns = list(columns)
    positive = list(positive)
    needed = [unit, time, *columns, *[c for c in positive if c not in columns]]
    missing = [c for c in dict.fromkeys(needed) if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what}: column(s) {missing} not found; available columns are {list(df.columns)}"
        )
    out = df[list(dict.fromkeys(needed))].copy()
    if out[unit].isna().any() or out[time].isna().any():
        bad = out.index[out[unit].isna() | out[time].isna()][:5].tolist()
        raise ValueError(f"{what}: missing unit or time identifiers in rows {bad}")
    dup = out.duplicated([unit, time], keep=False)
    if dup.any():
        pairs = out.loc[dup, [unit, time]].drop_duplicates().head(5).to_records(index=False)
        raise ValueError(
            f"{what}: duplicate ({unit}, {time}) rows, e.g. {[tuple(p) for p in pairs]}; "
            "expected one row per unit and period"
        )
    for c in dict.fromkeys(columns + positive):
        if not pd.api.types.is_numeric_dtype(out[c]) or pd.api.types.is_bool_dtype(out[c]):
            coerced = pd.to_numeric(out[c], errors="coerce")
            bad = out.loc[coerced.isna() & out[c].notna(), c].head(3).tolist()
            if bad:
                raise ValueError(f"{what}: column '{c}' must be numeric; found values like {bad}")
            out[c] = coerced.astype(float)
        if not allow_missing and out[c].isna().any():
            rows = out.loc[out[c].isna(), [unit, time]].head(5).to_records(index=False)
            raise ValueError(
                f"{what}: column '{c}' has missing values at ({unit}, {time}) "
                f"{[tuple(r) for r in rows]}; drop or fill them explicitly first"
            )
        if not np.isfinite(out[c].dropna().to_numpy(dtype=float)).all():
            raise ValueError(f"{what}: column '{c}' contains infinite values")
    for c in positive:
        nonpos = out[c] <= 0
        if nonpos.any():
            rows = out.loc[nonpos, [unit, time, c]].head(5).to_records(index=False)
            raise ValueError(
                f"{what}: column '{c}' must be strictly positive (its log is taken); "
                f"found {[tuple(r) for r in rows]}"
            )
    n_units = out[unit].nunique()
    n_periods = out[time].nunique()
    if n_units < min_units:
        raise ValueError(f"{what}: needs at least {min_units} units, got {n_units}")
    if n_periods < min_periods:
        raise ValueError(f"{what}: needs at least {min_periods} periods, got {n_periods}")
    if balanced:
        counts = out.groupby(unit)[time].nunique()
        short = counts[counts < n_periods]
        if len(short):
            raise ValueError(
                f"{what}: the method needs a balanced panel ({n_periods} periods per unit); "
                f"units {short.index[:5].tolist()} have only {short.iloc[:5].tolist()} periods"
            )
    return out.sort_values([unit, time]).reset_index(drop=True)


def complete_units(
    df: pd.DataFrame, *, unit: str, time: str, value: str, start, end, noun: str = "units"
) -> tuple[pd.DataFrame, Dropped]:
    """Keep the units observed with a non-missing ``value`` in every period from start to end.

    Returns the balanced subset (rows between start and end only) and what was left out, as the
    one record every Nanbei function uses (:class:`nanbei.data.Dropped`, reason ``"gaps"``;
    ``len`` counts the units, ``all_units()`` lists them, ``str`` is the sentence), so that a
    caller can say which units were dropped instead of dropping them silently.

    >>> df = pd.DataFrame({"u": [1, 1, 2], "t": [1, 2, 1], "v": [1.0, 2.0, 3.0]})
    >>> kept, dropped = complete_units(df, unit="u", time="t", value="v", start=1, end=2)
    >>> kept["u"].unique().tolist(), dropped.all_units(), str(dropped)
    ([1], [2], '1 unit left out in 1–2: 1 for gaps')
    """
    from nanbei.data.dropped import Dropped  # here: nanbei.data itself imports this module

    window = df[(df[time] >= start) & (df[time] <= end) & df[value].notna()]
    periods = df.loc[(df[time] >= start) & (df[time] <= end), time].nunique()
    counts = window.groupby(unit)[time].nunique()
    keep = counts.index[counts == periods]
    dropped = Dropped(window=(start, end), noun=noun, unit=(unit,))
    dropped.add("gaps", set(df[unit]) - set(keep))
    return window[window[unit].isin(keep)].reset_index(drop=True), dropped


def log_jumps(
    df: pd.DataFrame, *, unit: str, time: str, value: str, max_log_change: float
) -> pd.DataFrame:
    """Unit-periods where ``value`` changes by more than ``max_log_change`` in log per
    period since the previous observed period (a change over a gap is annualised).

    Yearbook series switch coverage (e.g. city proper 市辖区 vs whole prefecture 全市)
    or units from one year to the next; such breaks look like growth or convergence.
    This screen lists them (unit, time, value before and after, log change) so that a
    caller can leave the affected units out and say so; it never edits values.
    """
    d = df[[unit, time, value]].dropna().sort_values([unit, time])
    d = d[d[value] > 0]
    step = d.groupby(unit)[time].diff()
    change = np.log(d[value]).groupby(d[unit]).diff() / step
    previous = d.groupby(unit)[value].shift()
    out = d.assign(previous=previous, log_change=change)
    return out[out["log_change"].abs() > max_log_change].reset_index(drop=True)


def break_years(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    max_log_change: float,
    min_share: float = 0.3,
) -> pd.Series:
    """Periods in which at least ``min_share`` of the units jump by more than ``max_log_change``.

    Many units breaking in the same period points to a change of definition or coverage
    in the statistics (not to growth): levels before and after such a period should not
    be compared.  Returns the share of units jumping, for the flagged periods only.
    """
    jumps = log_jumps(df, unit=unit, time=time, value=value, max_log_change=max_log_change)
    observed = df.dropna(subset=[value]).groupby(time)[unit].nunique()
    share = (jumps.groupby(time)[unit].nunique() / observed).dropna()
    return share[share >= min_share].rename("share_of_units")


def unit_cohorts(df: pd.DataFrame, *, unit: str, cohort: str, what: str = "panel") -> pd.Series:
    """One adoption cohort per unit (0 = never treated; missing counts as never), checking that
    ``cohort`` is numeric, non-negative and constant within each unit."""
    c = df[cohort]
    if not pd.api.types.is_numeric_dtype(c) or pd.api.types.is_bool_dtype(c):
        coerced = pd.to_numeric(c, errors="coerce")
        badv = c[coerced.isna() & c.notna()].unique()[:5].tolist()
        if badv:
            raise ValueError(f"{what}: cohort column '{cohort}' must be numeric; found {badv}")
        c = coerced
    c = c.fillna(0).astype(float)
    if (c < 0).any():
        raise ValueError(
            f"{what}: cohort column '{cohort}' has negative values {sorted(c[c < 0].unique())[:5]}"
        )
    by_unit = c.groupby(df[unit].to_numpy()).agg(["min", "max"])
    varying = by_unit.index[by_unit["min"] != by_unit["max"]]
    if len(varying):
        raise ValueError(
            f"{what}: cohort column '{cohort}' varies within units {varying[:5].tolist()}; "
            "it must be the (constant) first treated period of each unit"
        )
    return by_unit["min"]
