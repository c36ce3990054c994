"""Employment in depth: structural change, elasticities, census counties and the parks' jobs.

Generic tools (any panel, any units)
------------------------------------
:func:`shift_share`
    splits the change of aggregate labour productivity into within-sector growth, static
    reallocation and dynamic reallocation (de Vries, de Vries & Timmer 2015; McMillan & Rodrik 2011).
:func:`employment_elasticity`
    the elasticity of employment with respect to output from ``log L ~ log Y`` with unit (or
    unit-by-segment) and period fixed effects, by group and period, with CR1 standard errors
    clustered by unit, t(G-1) intervals and optional wild cluster bootstrap p-values.
:func:`permutation_test`
    randomization inference for a difference between two groups of units (exact enumeration when
    the assignments are few enough).
:func:`stable_segments`, :func:`segment_periods`
    the stretches of years between definitional breaks, and periods inside them.

Jiangsu's data
--------------
:func:`sector_panel` turns the city panel into a city x sector panel (value added, unit employment);
:func:`census_units` and :func:`census_change` put the county census of 2010 and 2020 on comparable
units (``nanbei.data.load_census_crosswalk``); :func:`host_units` places the parks roster's host
counties on those units; :func:`host_comparison` compares hosts with the other units of a region;
:func:`jobs_claim_context` sets the report's "700,000 jobs" beside all of this and returns the
numbers as a dict (for ``nanbei.claims``).  Every sentence of notebook 03 whose wording depends on
a number comes from a small function here (``*_phrase``, ``*_sentence``, :func:`jobs_claim_verdict`),
in English or Chinese (``lang``), with its templates in ``nanbei.labels.TEXT``; :func:`localize` and
:func:`localized_summary` put the notebook's tables into the reader's language.

Definitions the data mix (say where)
------------------------------------
City value added by sector (``gdp_primary/secondary/tertiary``) covers the whole economy of the
prefecture; the city employment shares (``emp_share_*`` x ``employment``) are shares of persons
employed in *units* (单位从业人员), which leave out most farm, private and self-employed work.  Sector
productivity from the two mixes definitions: above all in agriculture, where unit employment is a
small fraction of the people who work the land.  The census long form counts all employed persons by
industry (a ~10% sample): :func:`employment_definitions` sets the two structures side by side.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from nanbei import labels as L
from nanbei.errors import DataError
from nanbei.results import Result, Summary, tidy_frame

SECTORS = ("primary", "secondary", "tertiary")
COMPONENTS = ("within", "static", "dynamic")

SHIFT_SHARE_CITATION = (
    "de Vries, G., de Vries, K. & Timmer, M. (2015), 'Structural transformation in Africa: static "
    "gains, dynamic losses', Journal of Development Studies 51(6), 674-688; McMillan, M. & Rodrik, D. "
    "(2011), 'Globalization, structural change and productivity growth', NBER WP 17143 (their "
    "structural-change term = static + dynamic)."
)


def _label(unit, labels: Mapping | None, lang: str) -> str:
    if labels is not None and unit in labels:
        return str(labels[unit])
    if unit in L.REGIONS:
        return L.region(unit, lang)
    return str(unit)


# ----------------------------------------------------------------------------- segments
def stable_segments(start: int, end: int, breaks: Sequence[int] = ()) -> list[tuple[int, int]]:
    """Years ``start..end`` cut at each break year: a break in year ``b`` (the first year on the new
    definition) ends a segment at ``b - 1`` and starts the next at ``b``.  Breaks outside
    ``(start, end]`` are ignored.  Returns ``[(first, last), ...]`` in order.

    >>> stable_segments(1998, 2020, [1998, 2013])
    [(1998, 2012), (2013, 2020)]
    """
    if start > end:
        raise ValueError(f"stable_segments: start ({start}) is after end ({end})")
    cuts = sorted({int(b) for b in breaks if start < b <= end})
    edges = [start, *cuts, end + 1]
    return [(a, b - 1) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def segment_periods(
    segments: Sequence[tuple[int, int]],
    split_at: int | None = None,
    shared_endpoint: bool = True,
    min_years: int = 2,
) -> dict[str, tuple[int, int]]:
    """Periods inside segments, each segment split at ``split_at`` when it lies strictly inside.

    ``shared_endpoint=True`` gives intervals of change (``(1998, 2006), (2006, 2012)``: a
    decomposition of 1998->2006 and 2006->2012 adds up to 1998->2012); ``False`` gives disjoint
    year ranges for regressions (``(1998, 2005), (2006, 2012)``).  Periods shorter than
    ``min_years`` years are dropped.  Keys are labels such as ``"1998–2006"``.
    """
    out = {}
    for first, last in segments:
        pieces = [(first, last)]
        if split_at is not None and first < split_at < last:
            pieces = [(first, split_at if shared_endpoint else split_at - 1), (split_at, last)]
        for a, b in pieces:
            if b - a + 1 >= min_years:
                out[f"{a}–{b}"] = (a, b)
    return out


# ----------------------------------------------------------------------------- shift-share
@dataclass(repr=False)
class ShiftShareResult(Result):
    """Result of :func:`shift_share`.

    ``table`` has one row per unit and period: ``unit, start, end, years, p_start, p_end,
    change, within, static, dynamic`` (in the units of value added per unit of employment),
    the same four divided by ``p_start`` in percent (``change_pct, within_pct, static_pct,
    dynamic_pct``: contributions to the cumulative growth of productivity) and ``n_members``
    (units summed into a group).  ``dropped`` lists members left out of a group-period because a
    value was missing at an endpoint.
    """

    table: pd.DataFrame
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    _name = "Shift-share decomposition of labour productivity"

    def tidy(self) -> pd.DataFrame:
        rows = []
        for _, r in self.table.iterrows():
            for comp in ("change", *COMPONENTS):
                rows.append(
                    {
                        "term": f"{r['unit']} {r['start']}–{r['end']}: {comp}",
                        "estimate": r[comp],
                        "unit": r["unit"],
                        "start": r["start"],
                        "end": r["end"],
                        "component": comp,
                        "percent_of_start": r[f"{comp}_pct"],
                    }
                )
        return tidy_frame(rows)

    def summary(self) -> Summary:
        shown = self.table.set_index(["unit", "start", "end"])[
            ["p_start", "p_end", "change_pct", "within_pct", "static_pct", "dynamic_pct"]
        ]
        notes = [
            "ΔP = Σ S_i0 ΔP_i (within) + Σ P_i0 ΔS_i (static) + Σ ΔP_i ΔS_i (dynamic); "
            "P = aggregate value added per worker, P_i sector productivity, S_i sector share "
            "of employment; *_pct = component / P_start × 100.",
            SHIFT_SHARE_CITATION,
        ]
        if len(self.dropped):
            notes.append(
                f"{len(self.dropped)} member-periods left out for a missing value at an "
                "endpoint (see .dropped)."
            )
        return Summary(self._name, [("", shown)], notes)

    def _plot(self, ax, labels, lang, **kwargs):
        t = self.table.reset_index(drop=True)
        x = np.arange(len(t))
        colors = {"within": "#4c72b0", "static": "#55a868", "dynamic": "#c44e52"}
        pos, neg = np.zeros(len(t)), np.zeros(len(t))
        for comp in COMPONENTS:
            v = t[f"{comp}_pct"].to_numpy(dtype=float)
            base = np.where(v >= 0, pos, neg)
            ax.bar(x, v, bottom=base, color=colors[comp], label=_t(f"ss_{comp}", lang))
            pos, neg = pos + np.clip(v, 0, None), neg + np.clip(v, None, 0)
        ax.plot(x, t["change_pct"], "kD", ms=5, label=_t("ss_total", lang))
        ax.axhline(0, color="k", lw=0.6)
        ax.set_xticks(
            x,
            [
                f"{_label(u, labels, lang)}\n{s}–{e}"
                for u, s, e in zip(t["unit"], t["start"], t["end"], strict=True)
            ],
            fontsize=8,
        )
        ax.set_ylabel(_t("ss_ylabel", lang))
        ax.legend(frameon=False, fontsize=8)


def _first(df: pd.DataFrame, mask, columns: Sequence[str]) -> dict:
    """The first flagged row's values, column by column (keeps integer codes integers)."""
    part = df.loc[mask, list(columns)]
    return {c: part[c].iloc[0] for c in columns}


def _need_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: column(s) {missing} not found; available: {list(df.columns)}")


def shift_share(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    sector: str,
    value_added: str,
    employment: str,
    periods: Mapping[str, tuple] | Sequence[tuple] | None = None,
    group: str | None = None,
) -> ShiftShareResult:
    """Decompose the change of labour productivity into within, static and dynamic terms.

    With ``P = Σ_i Y_i / Σ_i L_i`` (value added per worker), ``P_i = Y_i / L_i`` and employment
    shares ``S_i = L_i / L``, between a start year 0 and an end year 1, exactly::

        ΔP = Σ_i S_i0 ΔP_i      within-sector productivity growth
           + Σ_i P_i0 ΔS_i      static reallocation (workers move to sectors of high initial productivity)
           + Σ_i ΔP_i ΔS_i      dynamic reallocation (to sectors whose productivity grows)

    (de Vries, de Vries & Timmer 2015; the two reallocation terms together are McMillan &
    Rodrik's 2011 "structural change" term).

    Parameters
    ----------
    df : long panel, one row per unit, period and sector.
    unit, time, sector : identifier columns; every unit-period must have every sector.
    value_added, employment : numeric columns, non-negative; employment must be positive (sector
        productivity is value added per worker).
    periods : ``{label: (start, end)}`` or a list of ``(start, end)``; default: first to last period.
    group : optional column; the decomposition is then run on the group totals (e.g. cities
        summed into regions).  In each group and period only the members with every value present
        at both endpoints are summed; the others are listed in ``result.dropped`` (never filled).
        Without ``group`` a missing value is an error.

    Raises
    ------
    ValueError naming the unit, period (and sector) of a negative or missing value, a zero
    employment, a missing sector or a duplicate row.
    """
    what = "shift_share"
    cols = [unit, time, sector, value_added, employment] + ([group] if group else [])
    _need_columns(df, cols, what)
    d = df[cols].copy()
    for c in (value_added, employment):
        d[c] = pd.to_numeric(d[c], errors="raise")
    dup = d.duplicated([unit, time, sector], keep=False)
    if dup.any():
        r = _first(d, dup, [unit, time, sector])
        raise ValueError(
            f"{what}: duplicate rows for {unit} {r[unit]}, {time} {r[time]}, {sector} {r[sector]!r}"
        )
    sectors = sorted(d[sector].unique())
    if len(sectors) < 2:
        raise ValueError(f"{what}: needs at least two sectors, got {sectors}")
    present = d.groupby([unit, time])[sector].agg(frozenset)
    short = present[present.map(len) < len(sectors)]
    if len(short):
        (u, t), have = short.index[0], short.iloc[0]
        raise ValueError(
            f"{what}: {unit} {u} in {t} has no row for sector(s) "
            f"{sorted(set(sectors) - set(have))}; every unit-period needs {sectors}"
        )
    for c in (value_added, employment):
        neg = d[c] < 0
        if neg.any():
            r = _first(d, neg, [unit, time, sector, c])
            raise ValueError(
                f"{what}: negative {c} ({r[c]}) for {unit} {r[unit]}, {time} {r[time]}, "
                f"{sector} {r[sector]!r}"
            )
    zero = d[employment] == 0
    if zero.any():
        r = _first(d, zero, [unit, time, sector])
        raise ValueError(
            f"{what}: zero {employment} for {unit} {r[unit]}, {time} {r[time]}, "
            f"{sector} {r[sector]!r}: sector productivity is undefined"
        )
    incomplete = d[[value_added, employment]].isna().any(axis=1)
    if incomplete.any() and group is None:
        r = _first(d, incomplete, [unit, time, sector])
        raise ValueError(
            f"{what}: missing {value_added} or {employment} for {unit} {r[unit]}, "
            f"{time} {r[time]}, {sector} {r[sector]!r}; drop it first or pass group= "
            "to sum only complete members"
        )
    times = sorted(d[time].unique())
    if periods is None:
        periods = [(times[0], times[-1])]
    items = list(periods.values()) if isinstance(periods, Mapping) else list(periods)
    for a, b in items:
        missing = [t for t in (a, b) if t not in set(times)]
        if missing:
            raise ValueError(f"{what}: period {a}-{b}: no data for {time} {missing}")
    bad_member = d.loc[incomplete, [unit, time]].drop_duplicates()
    key = group if group else unit
    rows, dropped = [], []
    for a, b in items:
        ends = d[d[time].isin([a, b])]
        if group:
            bad = set(bad_member.loc[bad_member[time].isin([a, b]), unit])
            units_at = ends.groupby(unit)[time].nunique()
            bad |= set(units_at[units_at < 2].index)
            for u in sorted(bad, key=str):
                g = ends.loc[ends[unit] == u, group]
                dropped.append(
                    {"group": g.iloc[0] if len(g) else None, "unit": u, "start": a, "end": b}
                )
            ends = ends[~ends[unit].isin(bad)]
        agg = ends.groupby([key, time, sector])[[value_added, employment]].sum().unstack(time)
        members = ends.groupby(key)[unit].nunique()
        for k, block in agg.groupby(level=0):
            y0, y1 = block[(value_added, a)].to_numpy(), block[(value_added, b)].to_numpy()
            l0, l1 = block[(employment, a)].to_numpy(), block[(employment, b)].to_numpy()
            if np.isnan([y0, y1, l0, l1]).any():
                raise ValueError(f"{what}: {key} {k} has no complete data in {a} and {b}")
            p0, p1 = y0.sum() / l0.sum(), y1.sum() / l1.sum()
            pi0, pi1 = y0 / l0, y1 / l1
            s0, s1 = l0 / l0.sum(), l1 / l1.sum()
            within = float(np.sum(s0 * (pi1 - pi0)))
            static = float(np.sum(pi0 * (s1 - s0)))
            dynamic = float(np.sum((pi1 - pi0) * (s1 - s0)))
            row = {
                "unit": k,
                "start": a,
                "end": b,
                "years": b - a,
                "p_start": p0,
                "p_end": p1,
                "change": p1 - p0,
                "within": within,
                "static": static,
                "dynamic": dynamic,
                "n_members": int(members.get(k, 0)),
            }
            for comp in ("change", *COMPONENTS):
                row[f"{comp}_pct"] = row[comp] / p0 * 100
            rows.append(row)
    table = pd.DataFrame(rows)
    return ShiftShareResult(table=table, dropped=pd.DataFrame(dropped))


def dominant_component(row: Mapping) -> str:
    """The largest of the three components in absolute value: "within", "static" or "dynamic"."""
    return max(COMPONENTS, key=lambda c: abs(float(row[c])))


def shift_share_phrase(row: Mapping, unit_label: str | None = None, lang: str = "en") -> str:
    """One sentence on a shift-share row in ``lang``: total growth and what drove it
    (``unit_label`` names the unit; default: its region name in ``lang``, else its id)."""
    L.check_lang(lang)
    name = unit_label or _label(row["unit"], None, lang)
    lead = dominant_component(row)
    total = float(row["change_pct"])
    realloc = float(row["static_pct"]) + float(row["dynamic_pct"])
    direction = "rose" if total > 0 else "fell" if total < 0 else "flat"
    text = _t(
        f"ss_phrase_{direction}",
        lang,
        name=name,
        period=year_span(row["start"], row["end"], lang),
        total=abs(total),
        component=_t(f"ss_{lead}", lang),
        points=float(row[lead + "_pct"]),
    )
    if realloc < 0:
        text += _t("ss_phrase_realloc_lowered", lang, points=realloc)
    elif realloc > 0:
        text += _t("ss_phrase_realloc_added", lang, points=realloc)
    return text + _t("full_stop", lang)


def year_span(first, last, lang: str) -> str:
    """Years ``first`` to ``last`` as a range in ``lang``: "1998–2006", "1998—2006年"."""
    return _t("span", lang, first=first, last=last)


def period_label(label: str, lang: str) -> str:
    """A period label such as "1998–2006" (:func:`segment_periods`) written for ``lang``:
    unchanged in English, "1998—2006年" in Chinese; any other label is returned as it is."""
    L.check_lang(lang)
    parts = str(label).split("–")
    if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
        return year_span(parts[0].strip(), parts[1].strip(), lang)
    return str(label)


# ----------------------------------------------------------------------------- city sector panel
def sector_panel(
    panel: pd.DataFrame,
    *,
    prices: str = "real",
    base_year: int = 2000,
    share_tolerance: float = 5.0,
) -> pd.DataFrame:
    """City x year x sector panel from the city panel: ``value_added`` (亿元; in ``base_year``
    prices deflated by the provincial CPI when ``prices="real"``) and ``employment`` (万人 = the
    sector's share of unit employment × unit employment / 100).

    The two come from different definitions (see the module docstring): value added covers the
    whole prefecture's economy, employment only persons employed in units.  A city-year whose
    three shares sum outside ``100 ± share_tolerance`` or with a negative employment raises
    ValueError naming the city and year; missing values stay NaN (``shift_share(group=...)``
    leaves such a city out of that period and says so).
    """
    from nanbei.data import deflate

    what = "sector_panel"
    if prices not in ("real", "nominal"):
        raise ValueError(f"{what}: prices must be 'real' or 'nominal', got {prices!r}")
    need = [
        "city_code",
        "region",
        "year",
        "employment",
        *[f"gdp_{s}" for s in SECTORS],
        *[f"emp_share_{s}" for s in SECTORS],
    ]
    _need_columns(panel, need, what)
    p = panel[panel["region"].notna()].copy()
    neg = p["employment"] < 0
    if neg.any():
        r = _first(p, neg, ["city_code", "year", "employment"])
        raise ValueError(
            f"{what}: negative employment ({r['employment']}) for city "
            f"{r['city_code']} in {r['year']}"
        )
    shares = p[[f"emp_share_{s}" for s in SECTORS]]
    total = shares.sum(axis=1, min_count=len(SECTORS))
    off = total.notna() & ((total - 100).abs() > share_tolerance)
    if off.any():
        r = _first(p, off, ["city_code", "year"])
        raise ValueError(
            f"{what}: employment shares of city {r['city_code']} in {r['year']} sum to "
            f"{total[off].iloc[0]:.1f}, not about 100 (tolerance {share_tolerance})"
        )
    frames = []
    for s in SECTORS:
        va = p[f"gdp_{s}"]
        if prices == "real":
            va = deflate(va, p["year"], base_year=base_year, missing="nan")
        frames.append(
            pd.DataFrame(
                {
                    "city_code": p["city_code"],
                    "region": p["region"],
                    "year": p["year"],
                    "sector": s,
                    "value_added": va,
                    "employment": p[f"emp_share_{s}"] / 100 * p["employment"],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["city_code", "year", "sector"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- elasticity
def _fe_ols(y: np.ndarray, x: np.ndarray, fe1: np.ndarray, fe2: np.ndarray, cl: np.ndarray):
    """Slope of y on x with two sets of fixed effects, CR1 cluster-robust s.e. (clusters ``cl``).

    Small-sample factor G/(G-1) (N-1)/(N-k), k = 1 + number of ``fe2`` levels (``fe1`` must be
    nested in the clusters, so it is not counted), as fixest's "nested" rule and
    ``nanbei.effects.wild_cluster_bootstrap`` do.
    """
    codes1 = pd.factorize(fe1)[0]
    codes2 = pd.factorize(fe2)[0]
    n = len(y)
    d = np.zeros((n, codes1.max() + 1 + codes2.max()))
    d[np.arange(n), codes1] = 1.0
    rows = codes2 > 0
    d[np.flatnonzero(rows), codes1.max() + codes2[rows]] = 1.0
    coef_x = np.linalg.lstsq(d, x, rcond=None)[0]
    coef_y = np.linalg.lstsq(d, y, rcond=None)[0]
    xt, yt = x - d @ coef_x, y - d @ coef_y
    sxx = float(xt @ xt)
    if sxx <= 1e-12 * max(1.0, float(x @ x)):
        return math.nan, math.nan, 0
    beta = float(xt @ yt) / sxx
    u = yt - beta * xt
    ccodes = pd.factorize(cl)[0]
    g = ccodes.max() + 1
    score = np.bincount(ccodes, weights=xt * u, minlength=g)
    k = 1 + codes2.max() + 1
    ssc = (g / (g - 1)) * ((n - 1) / (n - k)) if g > 1 and n > k else math.nan
    se = math.sqrt(ssc * float(score @ score)) / sxx if np.isfinite(ssc) else math.nan
    return beta, se, g


@dataclass(repr=False)
class ElasticityResult(Result):
    """Result of :func:`employment_elasticity`: one row per group and period in ``table``
    (group, period, start, end, estimate, std_error, statistic, p_value, conf_low, conf_high,
    n_obs, n_clusters, n_periods, breaks_crossed, p_value_wild, wild_draws, wild_enumerated).
    p_value and the interval use CR1 clustered by unit with t(G-1) critical values."""

    table: pd.DataFrame
    alpha: float = 0.05
    fixed_effects: tuple = ("unit", "time")
    outcome_label: str = "log employment"
    _name = "Employment elasticity of output"

    @property
    def n_clusters(self) -> int:
        return int(self.table["n_clusters"].max()) if len(self.table) else 0

    def tidy(self) -> pd.DataFrame:
        t = self.table.copy()
        t.insert(0, "term", [f"{g} {p}" for g, p in zip(t["group"], t["period"], strict=True)])
        return tidy_frame(t)

    def summary(self) -> Summary:
        cols = [
            "estimate",
            "std_error",
            "conf_low",
            "conf_high",
            "p_value",
            "p_value_wild",
            "n_obs",
            "n_clusters",
        ]
        shown = self.table.set_index(["group", "period"])[cols].dropna(axis=1, how="all")
        g = sorted(self.table["n_clusters"].dropna().astype(int).unique())
        notes = [
            f"log employment on log output with unit and year fixed effects; CR1 standard errors "
            f"clustered by unit with {', '.join(map(str, g))} clusters: few clusters, so the "
            f"{1 - self.alpha:.0%} intervals use t(G-1) critical values and p_value_wild is the "
            "wild cluster bootstrap (WCR, Webb weights) p-value of elasticity = 0.",
            "A unit's fixed effect is split at each break year it crosses (levels are never "
            "compared across a change of definition)."
            if self.table["breaks_crossed"].astype(bool).any()
            else "Every period lies inside one definitional segment.",
        ]
        return Summary(self._name, [("", shown)], notes)

    def _plot(self, ax, labels, lang, **kwargs):
        t = self.table.reset_index(drop=True)
        from nanbei.plotting import REGION_COLORS

        periods = list(dict.fromkeys(t["period"]))
        groups = list(dict.fromkeys(t["group"]))
        width = 0.8 / max(len(groups), 1)
        for j, grp in enumerate(groups):
            part = t[t["group"] == grp]
            x = (
                np.array([periods.index(p) for p in part["period"]])
                + (j - (len(groups) - 1) / 2) * width
            )
            est = part["estimate"].to_numpy(dtype=float)
            err = np.vstack([est - part["conf_low"], part["conf_high"] - est])
            ax.errorbar(
                x,
                est,
                yerr=err,
                fmt="o",
                capsize=3,
                color=REGION_COLORS.get(grp),
                label=_label(grp, labels, lang),
            )
        ax.axhline(0, color="k", lw=0.6)
        ax.axhline(1, color="grey", lw=0.6, ls=":")
        ax.set_xticks(range(len(periods)), periods)
        ax.set_ylabel(_t("el_ylabel", lang))
        ax.legend(frameon=False, fontsize=8)


def employment_elasticity(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    employment: str,
    output: str,
    group: str | None = None,
    periods: Mapping[str, tuple] | None = None,
    breaks: Sequence[int] = (),
    n_boot: int = 0,
    weights: str = "webb",
    seed: int = 0,
    alpha: float = 0.05,
) -> ElasticityResult:
    """Employment elasticity of output: the slope of ``log employment`` on ``log output`` with
    unit and time fixed effects, by group and period.

    ``breaks`` are years in which the employment statistic changes definition: a unit's fixed
    effect is split there (unit-by-segment effects), so a period that crosses a break is
    identified only from changes within segments.  Standard errors are CR1 clustered by unit
    (small-sample factor as fixest's nested rule); with G clusters the interval and ``p_value``
    use t(G-1).  ``n_boot > 0`` adds the wild cluster bootstrap p-value of elasticity = 0
    (``nanbei.effects.wild_cluster_bootstrap``, restricted, ``weights``; exact enumeration when
    the clusters are few).  Rows with a missing value are left out (counted in ``n_obs``); a
    non-positive value raises ValueError naming the unit and period, since its log is taken.
    Needs at least two units and two periods per estimate (else the row is NaN).
    """
    what = "employment_elasticity"
    cols = [unit, time, employment, output] + ([group] if group else [])
    _need_columns(df, cols, what)
    d = df[cols].dropna(subset=[employment, output]).copy()
    for c in (employment, output):
        bad = d[c] <= 0
        if bad.any():
            r = _first(d, bad, [unit, time, c])
            raise ValueError(
                f"{what}: {c} must be positive (its log is taken); {unit} {r[unit]}, "
                f"{time} {r[time]}: {r[c]}"
            )
    if d.duplicated([unit, time]).any():
        r = _first(d, d.duplicated([unit, time]), [unit, time])
        raise ValueError(f"{what}: duplicate rows for {unit} {r[unit]}, {time} {r[time]}")
    d["_ly"], d["_lx"] = np.log(d[employment]), np.log(d[output])
    if periods is None:
        periods = {f"{int(d[time].min())}–{int(d[time].max())}": (d[time].min(), d[time].max())}
    groups = [(None, d)] if group is None else list(d.groupby(group, sort=False))
    crit_alpha = alpha
    rows = []
    for gname, gdf in groups:
        for label, (a, b) in periods.items():
            sub = gdf[gdf[time].between(a, b)].copy()
            crossed = sorted(int(x) for x in breaks if a < x <= b)
            sub["_seg"] = np.searchsorted(np.array(crossed), sub[time].to_numpy(), side="right")
            sub["_fe"] = sub[unit].astype(str) + "#" + sub["_seg"].astype(str)
            row = {
                "group": gname if gname is not None else "all",
                "period": label,
                "start": a,
                "end": b,
                "n_obs": len(sub),
                "n_clusters": sub[unit].nunique(),
                "n_periods": sub[time].nunique(),
                "breaks_crossed": ";".join(map(str, crossed)),
                "p_value_wild": math.nan,
                "wild_draws": math.nan,
                "wild_enumerated": False,
            }
            beta = se = math.nan
            if row["n_clusters"] >= 2 and row["n_periods"] >= 2:
                beta, se, _ = _fe_ols(
                    sub["_ly"].to_numpy(),
                    sub["_lx"].to_numpy(),
                    sub["_fe"].to_numpy(),
                    sub[time].to_numpy(),
                    sub[unit].to_numpy(),
                )
            g = row["n_clusters"]
            if np.isfinite(se) and se > 0:
                tcrit = stats.t.ppf(1 - crit_alpha / 2, g - 1)
                tstat = beta / se
                row.update(
                    estimate=beta,
                    std_error=se,
                    statistic=tstat,
                    p_value=float(2 * stats.t.sf(abs(tstat), g - 1)),
                    conf_low=beta - tcrit * se,
                    conf_high=beta + tcrit * se,
                )
                if n_boot:
                    from nanbei.effects import wild_cluster_bootstrap

                    wb = wild_cluster_bootstrap(
                        sub,
                        y="_ly",
                        x="_lx",
                        fe=["_fe", time],
                        param="_lx",
                        cluster=unit,
                        n_boot=n_boot,
                        weights=weights,
                        seed=seed,
                        conf_level=None,
                    )
                    row.update(
                        p_value_wild=float(wb.p_value),
                        wild_draws=int(wb.n_boot),
                        wild_enumerated=bool(wb.enumerated),
                    )
            else:
                row.update(
                    estimate=beta,
                    std_error=se,
                    statistic=math.nan,
                    p_value=math.nan,
                    conf_low=math.nan,
                    conf_high=math.nan,
                )
            rows.append(row)
    return ElasticityResult(table=pd.DataFrame(rows), alpha=alpha)


def elasticity_phrase(estimate: float, conf_low: float, conf_high: float, lang: str = "en") -> str:
    """How an elasticity and its interval read: "negative", "above one", "between zero and one",
    "below one, not distinguishable from zero", "positive, not distinguishable from one" or "not
    distinguishable from zero or one" ("not estimable" without an interval); in ``lang``."""
    if not all(np.isfinite([estimate, conf_low, conf_high])):
        key = "not_estimable"
    elif conf_high < 0:
        key = "negative"
    elif conf_low > 1:
        key = "above_one"
    elif conf_high < 1:
        key = "between" if conf_low > 0 else "below_one"
    elif conf_low > 0:
        key = "positive_one"
    else:
        key = "neither"
    return _t(f"el_{key}", lang)


def elasticity_sentence(row, lang: str = "en", *, wild: bool = True, alpha: float = 0.05) -> str:
    """One row of :func:`employment_elasticity`'s table read out in ``lang``: the phrase of
    :func:`elasticity_phrase`, the period, the estimate, its ``1 - alpha`` interval and (``wild``,
    when present) the wild bootstrap p-value of elasticity = 0.  ``row``: a mapping or a row of
    ``table.itertuples()``."""

    def get(key: str) -> Any:
        return row[key] if isinstance(row, Mapping) else getattr(row, key)

    est, low, high = float(get("estimate")), float(get("conf_low")), float(get("conf_high"))
    p_wild = float(get("p_value_wild")) if wild else math.nan
    return _t(
        "el_row",
        lang,
        phrase=elasticity_phrase(est, low, high, lang),
        period=period_label(get("period"), lang),
        estimate=est,
        level=1 - alpha,
        low=low,
        high=high,
        wild=_t("el_wild", lang, p=p_wild) if np.isfinite(p_wild) else "",
    )


# ----------------------------------------------------------------------------- permutation test
@dataclass(repr=False)
class PermutationResult(Result):
    """Randomization inference for a difference between treated and other units.

    ``observed`` is the statistic for the actual assignment, ``p_value`` the share of
    assignments (the actual one included) whose statistic is at least as extreme, over all
    ``n_assignments`` ways of choosing the treated units when ``exact`` (else ``n_perm`` random
    ones plus the actual)."""

    observed: float
    p_value: float
    n_assignments: int
    exact: bool
    statistic: str
    alternative: str
    n_obs: int
    n_treated: int
    distribution: np.ndarray = field(repr=False, default_factory=lambda: np.array([]))
    _name = "Randomization inference"

    def tidy(self) -> pd.DataFrame:
        return tidy_frame(
            [
                {
                    "term": self.statistic,
                    "estimate": self.observed,
                    "p_value": self.p_value,
                    "n_obs": self.n_obs,
                    "n_treated": self.n_treated,
                    "n_assignments": self.n_assignments,
                    "exact": self.exact,
                }
            ]
        )

    def _plot(self, ax, labels, lang, **kwargs):
        ax.hist(self.distribution, bins=40, color="#9aa", edgecolor="white")
        ax.axvline(self.observed, color="#c8553d", lw=2)
        ax.set_xlabel(self.statistic)


def _stat_matrix(assign: np.ndarray, v: np.ndarray, statistic: str) -> np.ndarray:
    k = assign.sum(axis=1)
    m = assign.shape[1] - k
    s1 = assign @ v
    s0 = v.sum() - s1
    mean1, mean0 = s1 / k, s0 / m
    diff = mean1 - mean0
    if statistic == "mean_difference":
        return diff
    q1 = assign @ (v * v)
    q0 = (v * v).sum() - q1
    var1 = (q1 - k * mean1**2) / (k - 1)
    var0 = (q0 - m * mean0**2) / (m - 1)
    return diff / np.sqrt(var1 / k + var0 / m)


def permutation_test(
    values: Sequence[float],
    treated: Sequence[bool],
    *,
    statistic: str = "mean_difference",
    n_perm: int = 9999,
    exact_limit: int = 200_000,
    alternative: str = "two-sided",
    seed: int | None = 0,
) -> PermutationResult:
    """Randomization inference: is the treated units' mean different from the others'?

    Under the sharp null that treatment changed no unit's value, every choice of the same number
    of treated units among all units was equally likely to produce the data, so the rank of the
    observed statistic among the statistics of all such choices is an exact p-value (Fisher;
    Young 2019, QJE 134(2); with few treated units this stays valid where t-tests do not).

    statistic : "mean_difference" (treated mean - other mean) or "welch_t" (that difference over
        its Welch standard error, less sensitive to unequal spreads; MacKinnon & Webb 2020 prefer
        a studentized statistic).
    n_perm, exact_limit : all C(n, k) assignments are enumerated when there are at most
        ``exact_limit`` of them, else ``n_perm`` random ones are drawn and the actual assignment
        is added (p = (1 + #{as extreme}) / (1 + n_perm)).
    alternative : "two-sided" (|S*| >= |S|), "greater" or "less".
    """
    what = "permutation_test"
    v = np.asarray(values, dtype=float)
    t = np.asarray(treated, dtype=bool)
    if v.shape != t.shape or v.ndim != 1:
        raise ValueError(f"{what}: values and treated must be 1-d of the same length")
    if not np.isfinite(v).all():
        raise ValueError(f"{what}: values must be finite (drop missing units first)")
    if statistic not in ("mean_difference", "welch_t"):
        raise ValueError(
            f"{what}: statistic must be 'mean_difference' or 'welch_t', got {statistic!r}"
        )
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"{what}: alternative must be 'two-sided', 'greater' or 'less'")
    n, k = len(v), int(t.sum())
    minimum = 2 if statistic == "welch_t" else 1
    if k < minimum or n - k < minimum:
        raise ValueError(
            f"{what}: needs at least {minimum} treated and {minimum} other units, "
            f"got {k} and {n - k}"
        )
    observed = float(_stat_matrix(t[None, :].astype(float), v, statistic)[0])
    total = math.comb(n, k)
    exact = total <= exact_limit
    if exact:
        idx = np.array(list(itertools.combinations(range(n), k)), dtype=np.intp)
        assign = np.zeros((len(idx), n))
        assign[np.arange(len(idx))[:, None], idx] = 1.0
    else:
        rng = np.random.default_rng(seed)
        order = np.argsort(rng.random((n_perm, n)), axis=1)[:, :k]
        assign = np.zeros((n_perm + 1, n))
        assign[np.arange(n_perm)[:, None], order] = 1.0
        assign[-1] = t
    dist = _stat_matrix(assign, v, statistic)
    tol = 1e-12 * max(1.0, abs(observed))
    if alternative == "two-sided":
        extreme = np.abs(dist) >= abs(observed) - tol
    elif alternative == "greater":
        extreme = dist >= observed - tol
    else:
        extreme = dist <= observed + tol
    return PermutationResult(
        observed=observed,
        p_value=float(extreme.mean()),
        n_assignments=len(dist),
        exact=exact,
        statistic=statistic,
        alternative=alternative,
        n_obs=n,
        n_treated=k,
        distribution=dist,
    )


# ----------------------------------------------------------------------------- census units
def census_units(
    census: pd.DataFrame | None = None, crosswalk: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The county census on comparable units (one row per unit and census year).

    Sums the census rows of each unit (``nanbei.data.load_census_counties``): population, urban
    population, long-form employed persons by sector (``emp_sample_*``, sample counts) and
    households; ``urban_share``; ``share_<sector>`` = the sector's percent of the sampled employed;
    ``sampling_fraction`` = long-form / all households of the unit; ``emp_est_<sector>`` and
    ``emp_est_total``: **estimates** of all employed persons = each county's sample count divided by
    its own sampling fraction, summed (not published totals).  ``unit_name``, ``city_code`` and
    ``region`` come from the crosswalk.  A unit present in only one census raises DataError.
    """
    from nanbei import data

    c = data.load_census_counties() if census is None else census
    x = data.load_census_crosswalk() if crosswalk is None else crosswalk
    _need_columns(
        c,
        [
            "year",
            "unit_id",
            "pop_resident",
            "pop_urban",
            "households_all",
            "households_long_form",
            "emp_sample_total",
            *[f"emp_sample_{s}" for s in SECTORS],
        ],
        "census_units",
    )
    c = c.copy()
    for s in ("total", *SECTORS):
        c[f"emp_est_{s}"] = c[f"emp_sample_{s}"] / (c["households_long_form"] / c["households_all"])
    sums = [
        "pop_resident",
        "pop_urban",
        "households_all",
        "households_long_form",
        *[f"emp_sample_{s}" for s in ("total", *SECTORS)],
        *[f"emp_est_{s}" for s in ("total", *SECTORS)],
    ]
    u = c.groupby(["unit_id", "year"], as_index=False)[sums].sum(min_count=1)
    years = u.groupby("unit_id")["year"].nunique()
    lonely = years[years < c["year"].nunique()]
    if len(lonely):
        uid = lonely.index[0]
        have = u.loc[u["unit_id"] == uid, "year"].tolist()
        raise DataError(f"census_units: unit {uid} appears only in census year(s) {have}")
    names = (
        x[x["source"] == "boundaries"]
        .drop_duplicates("unit_id")
        .set_index("unit_id")[["unit_name", "city_code", "region"]]
    )
    unknown = sorted(set(u["unit_id"]) - set(names.index))
    if unknown:
        raise DataError(
            f"census_units: unit(s) {unknown[:5]} not in the boundaries of the crosswalk"
        )
    u = u.join(names, on="unit_id")
    u["urban_share"] = u["pop_urban"] / u["pop_resident"]
    u["sampling_fraction"] = u["households_long_form"] / u["households_all"]
    for s in SECTORS:
        u[f"share_{s}"] = u[f"emp_sample_{s}"] / u["emp_sample_total"] * 100
    return u.sort_values(["year", "unit_id"]).reset_index(drop=True)


def census_change(units: pd.DataFrame, start: int = 2010, end: int = 2020) -> pd.DataFrame:
    """One row per unit: the 2010 and 2020 values and their change (``*_change``: percentage
    points for shares, persons for estimates; ``log_emp_est_*`` changes of the log estimates)."""
    need = [
        "unit_id",
        "year",
        "urban_share",
        "emp_est_total",
        *[f"share_{s}" for s in SECTORS],
        *[f"emp_est_{s}" for s in SECTORS],
    ]
    _need_columns(units, need, "census_change")
    keep = ["unit_id", "unit_name", "city_code", "region"]
    a = units[units["year"] == start].set_index("unit_id")
    b = units[units["year"] == end].set_index("unit_id")
    if a.empty or b.empty:
        raise ValueError(f"census_change: no rows for {start if a.empty else end}")
    out = a[[c for c in keep if c != "unit_id"]].copy()
    for col in [
        "urban_share",
        *[f"share_{s}" for s in SECTORS],
        "emp_est_total",
        *[f"emp_est_{s}" for s in SECTORS],
        "pop_resident",
    ]:
        out[f"{col}_{start}"], out[f"{col}_{end}"] = a[col], b[col]
        out[f"{col}_change"] = b[col] - a[col]
    with np.errstate(divide="ignore", invalid="ignore"):
        for s in ("total", *SECTORS):
            ratio = b[f"emp_est_{s}"] / a[f"emp_est_{s}"]
            # A zero count in either year (e.g. no sampled farm worker in a city district) has no
            # log change: NaN, not infinity.
            out[f"log_emp_est_{s}_change"] = np.log(ratio.where((ratio > 0) & np.isfinite(ratio)))
    return out.reset_index()


def employment_definitions(
    jiangsu: pd.DataFrame, units: pd.DataFrame, years=(2010,)
) -> pd.DataFrame:
    """Sector structure of employment by region in the two definitions, side by side: the city
    yearbooks' unit employment (employment-weighted ``emp_share_*``) and the census long form (all
    employed persons aged 16+).  One row per region and year, percent."""
    rows = []
    for year in years:
        city = jiangsu[(jiangsu["year"] == year) & jiangsu["region"].notna()]
        cen = units[units["year"] == year]
        for region, grp in city.groupby("region"):
            row = {"region": region, "year": year}
            for s in SECTORS:
                w = grp["employment"] * grp[f"emp_share_{s}"]
                row[f"unit_{s}"] = (
                    w.sum(min_count=1) / grp.loc[grp[f"emp_share_{s}"].notna(), "employment"].sum()
                )
                c = cen[cen["region"] == region]
                row[f"census_{s}"] = (
                    c[f"emp_sample_{s}"].sum() / c["emp_sample_total"].sum() * 100
                    if len(c)
                    else math.nan
                )
            rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- parks on units
HOST_RULES = ("dated", "dated_or_undated")


def host_units(
    roster: pd.DataFrame | None = None,
    crosswalk: pd.DataFrame | None = None,
    boundaries=None,
    *,
    before: int = 2020,
    membership: Sequence[str] = ("named co-built park",),
    rule: str = "dated_or_undated",
) -> pd.DataFrame:
    """Comparable units that host a co-built park of the roster before ``before``.

    Parks are placed on county polygons by ``nanbei.parks.host_counties`` (name within the host
    city) and on units by the crosswalk.  ``rule``: "dated" counts a park only if its roster
    ``year`` is before ``before``; "dated_or_undated" also counts parks without a year (the roster
    documents them as existing, year not found).  ``membership`` selects roster rows (add
    "uncertain" for the uncertain members).  Returns one row per host unit (unit_id, parks,
    first_year, n_parks, n_undated); ``attrs["unplaced"]`` lists selected parks that name no
    county (city-level zones), ``attrs["later"]`` those dated ``before`` or later.
    Raises DataError for a host county polygon that is not in the crosswalk's boundaries.
    """
    from nanbei import data, parks

    if rule not in HOST_RULES:
        raise ValueError(f"host_units: rule must be one of {HOST_RULES}, got {rule!r}")
    roster = data.load_parks() if roster is None else roster
    crosswalk = data.load_census_crosswalk() if crosswalk is None else crosswalk
    boundaries = data.load_boundaries("county") if boundaries is None else boundaries
    h = parks.host_counties(roster, boundaries)
    h = h[h["membership"].isin(membership)]
    polygons = crosswalk[crosswalk["source"] == "boundaries"].set_index("code")["unit_id"]
    placed = h[h["matched"]]
    missing = sorted(set(placed["adcode"].astype(int)) - set(polygons.index.astype(int)))
    if missing:
        raise DataError(
            f"host_units: host county polygon(s) {missing} not in the crosswalk's boundaries"
        )
    year = pd.to_numeric(placed["year"], errors="coerce")
    counts = year.lt(before) | (year.isna() & (rule == "dated_or_undated"))
    chosen = placed[counts].assign(unit_id=lambda t: t["adcode"].astype(int).map(polygons))
    out = (
        chosen.groupby("unit_id")
        .agg(
            parks=("park_zh", lambda s: " | ".join(s)),
            first_year=("year", "min"),
            n_parks=("park_zh", "size"),
            n_undated=("year", lambda s: int(s.isna().sum())),
        )
        .reset_index()
    )
    out.attrs["unplaced"] = h.loc[
        ~h["matched"], ["park_zh", "host_city", "host_county", "year"]
    ].reset_index(drop=True)
    out.attrs["later"] = placed.loc[
        year.ge(before), ["park_zh", "host_county", "year"]
    ].reset_index(drop=True)
    return out


@dataclass(repr=False)
class HostComparisonResult(Result):
    """Host units against the other units of a region: the difference of means of ``outcome``
    with randomization inference over units (``test``: mean difference; ``test_t``: Welch t)."""

    data: pd.DataFrame
    outcome: str
    region: str
    test: PermutationResult
    test_t: PermutationResult
    _name = "Park-host units vs other units"

    @property
    def estimate(self) -> float:
        return self.test.observed

    @property
    def p_value(self) -> float:
        return self.test.p_value

    def tidy(self) -> pd.DataFrame:
        d = self.data
        return tidy_frame(
            [
                {
                    "term": "host - other",
                    "estimate": self.test.observed,
                    "p_value": self.test.p_value,
                    "n_obs": len(d),
                    "p_value_welch_t": self.test_t.p_value,
                    "mean_host": d.loc[d["host"], self.outcome].mean(),
                    "mean_other": d.loc[~d["host"], self.outcome].mean(),
                    "n_host": int(d["host"].sum()),
                    "n_other": int((~d["host"]).sum()),
                    "n_assignments": self.test.n_assignments,
                    "exact": self.test.exact,
                }
            ]
        )

    def summary(self) -> Summary:
        t = self.tidy().set_index("term").dropna(axis=1, how="all")
        notes = [
            f"{self.region}: {self.outcome} of park-host units minus other units; p-values by "
            "randomization inference over units (all assignments of the same number of hosts"
            + (
                " enumerated)"
                if self.test.exact
                else f", {self.test.n_assignments - 1} random draws)"
            )
            + ": the test stays valid with few units and does not assume normal errors."
        ]
        return Summary(self._name, [("", t)], notes)

    def _plot(self, ax, labels, lang, **kwargs):
        d = self.data.sort_values(self.outcome)
        for j, (flag, grp) in enumerate(((False, d[~d["host"]]), (True, d[d["host"]]))):
            x = j + (np.arange(len(grp)) % 3 - 1) * 0.16  # neighbours in value sit side by side
            ax.scatter(x, grp[self.outcome], color="#c8553d" if flag else "#7a8a99", zorder=3)
            ax.hlines(grp[self.outcome].mean(), j - 0.25, j + 0.25, color="k")
            for xi, (_, r) in zip(x, grp.iterrows(), strict=True):
                ax.annotate(
                    str(r.get("unit_name", r["unit_id"])).split("+")[0],
                    (xi, r[self.outcome]),
                    fontsize=6,
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                )
        ax.set_xticks([0, 1], [_t("host_other_units", lang), _t("host_units", lang)])
        ax.set_xlim(-0.6, 1.8)
        ax.set_ylabel(column_label(self.outcome, lang))


def host_comparison(
    changes: pd.DataFrame,
    hosts: pd.DataFrame,
    *,
    outcome: str = "share_secondary_change",
    region: str = "Subei",
    n_perm: int = 9999,
    seed: int = 0,
) -> HostComparisonResult:
    """Compare the host units of ``region`` with its other units on ``outcome`` (a column of
    :func:`census_change`), with randomization inference over units."""
    _need_columns(changes, ["unit_id", "region", outcome], "host_comparison")
    d = changes[changes["region"] == region].copy()
    if d.empty:
        raise ValueError(f"host_comparison: no units in region {region!r}")
    missing = d[d[outcome].isna()]
    if len(missing):
        raise ValueError(
            f"host_comparison: {outcome} missing for unit(s) {missing['unit_id'].tolist()}"
        )
    d["host"] = d["unit_id"].isin(set(hosts["unit_id"]))
    outside = sorted(set(hosts["unit_id"]) - set(changes["unit_id"]))
    if outside:
        raise DataError(f"host_comparison: host unit(s) {outside} not among the census units")
    v, t = d[outcome].to_numpy(), d["host"].to_numpy()
    test = permutation_test(v, t, n_perm=n_perm, seed=seed)
    test_t = permutation_test(v, t, statistic="welch_t", n_perm=n_perm, seed=seed)
    return HostComparisonResult(
        data=d.reset_index(drop=True), outcome=outcome, region=region, test=test, test_t=test_t
    )


def misclassification_bounds(
    values: Sequence[float], treated: Sequence[bool], max_moved: int = 3
) -> pd.DataFrame:
    """How far the treated - other difference of means can move if up to ``max_moved`` of the
    "other" units in fact host an unlisted park (the roster is incomplete): for each m, the
    smallest and largest difference over all ways of moving m other units into the treated group
    (attained by moving the m lowest or the m highest values).  Returns m, low, high."""
    v = np.asarray(values, dtype=float)
    t = np.asarray(treated, dtype=bool)
    treated_v, other = v[t], np.sort(v[~t])
    rows = []
    for m in range(0, min(max_moved, len(other) - 1) + 1):

        def diff(moved, rest):
            return np.concatenate([treated_v, moved]).mean() - rest.mean()

        low = diff(other[:m], other[m:])
        high = diff(other[len(other) - m :], other[: len(other) - m])
        rows.append({"m": m, "low": min(low, high), "high": max(low, high)})
    return pd.DataFrame(rows)


def host_sensitivity(
    changes: pd.DataFrame,
    roster: pd.DataFrame | None = None,
    *,
    outcomes: Sequence[str] = ("share_secondary_change", "log_emp_est_secondary_change"),
    region: str = "Subei",
    n_perm: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """:func:`host_comparison` under each roster rule (dated parks only, or also undated ones;
    named members only, or also uncertain ones) and each outcome: one row per variant with the
    number of host and other units, the difference and its randomization p-values."""
    rows = []
    for membership in (("named co-built park",), ("named co-built park", "uncertain")):
        for rule in HOST_RULES:
            hosts = host_units(roster, membership=membership, rule=rule)
            for outcome in outcomes:
                res = host_comparison(
                    changes, hosts, outcome=outcome, region=region, n_perm=n_perm, seed=seed
                )
                t = res.tidy().iloc[0]
                rows.append(
                    {
                        "membership": "+".join(m.split()[0] for m in membership),
                        "rule": rule,
                        "outcome": outcome,
                        "n_host": int(t["n_host"]),
                        "n_other": int(t["n_other"]),
                        "difference": t["estimate"],
                        "p_value": t["p_value"],
                        "p_value_welch_t": t["p_value_welch_t"],
                        "exact": bool(t["exact"]),
                    }
                )
    return pd.DataFrame(rows)


def host_difference_phrase(
    estimate: float,
    p_value: float,
    alpha: float = 0.05,
    what: str | None = None,
    unit: str | None = None,
    *,
    years: tuple[int, int] = (2010, 2020),
    lang: str = "en",
) -> str:
    """Sentence in ``lang`` for a host - other difference of the change from ``years[0]`` to
    ``years[1]`` and its randomization p-value (``what`` and ``unit`` default to the secondary
    share of employment in percentage points)."""
    if not np.isfinite(estimate):
        return _t("host_no_comparison", lang)
    return _t(
        "host_difference",
        lang,
        start=years[0],
        end=years[1],
        what=_t("host_secondary_share", lang) if what is None else what,
        size=abs(estimate),
        unit=_t("host_pp", lang) if unit is None else unit,
        more=_t("host_more" if estimate > 0 else "host_less", lang),
        p=p_value,
        verdict=_t("host_random" if p_value <= alpha else "host_not_random", lang),
        level=alpha,
    )


# ----------------------------------------------------------------------------- the jobs claim
def within_segment_change(
    panel: pd.DataFrame,
    *,
    region: str,
    since: int,
    end: int,
    breaks: Sequence[int] = (),
    city_threshold: float | None = None,
    value: str = "employment",
) -> tuple[float, pd.DataFrame]:
    """Change of a region's ``value`` from ``since`` to ``end`` counting only changes inside
    comparable segments: the sum over the region's cities of their year-on-year changes, leaving
    out the change into every year of ``breaks`` and, when ``city_threshold`` is given, into every
    year in which that city's log value jumps by more than ``city_threshold`` (its own break).
    With no city-specific cut this equals the sum of the regional segment changes.

    Every city of the region needs a value in every year from ``since`` to ``end`` (ValueError
    naming the city and year otherwise).  Returns the total and a table of the left-out
    city-years (city_code, year, change, log_change, reason).
    """
    what = "within_segment_change"
    _need_columns(panel, ["city_code", "year", "region", value], what)
    part = panel[(panel["region"] == region) & panel["year"].between(since, end)]
    wide = part.pivot(index="year", columns="city_code", values=value).reindex(
        range(since, end + 1)
    )
    if wide.empty:
        raise ValueError(f"{what}: no rows for region {region!r} in {since}-{end}")
    gaps = wide.isna().stack()
    if gaps.any():
        year, city = gaps[gaps].index[0]
        raise ValueError(f"{what}: {value} missing for city {city} in {year}")
    if (wide <= 0).to_numpy().any():
        year, city = (wide <= 0).stack()[lambda x: x].index[0]
        raise ValueError(f"{what}: {value} of city {city} in {year} is not positive")
    change = wide.diff().iloc[1:]
    log_change = np.log(wide).diff().iloc[1:]
    common = change.index.isin([int(b) for b in breaks])
    cut = pd.DataFrame(
        np.repeat(common[:, None], change.shape[1], axis=1),
        index=change.index,
        columns=change.columns,
    )
    own = (log_change.abs() > city_threshold) if city_threshold is not None else cut & False
    cut_all = cut | own
    left = pd.DataFrame(
        {
            "change": change.stack(),
            "log_change": log_change.stack(),
            "common": cut.stack(),
            "own": own.stack(),
        }
    )
    left = left[left["common"] | left["own"]].reset_index()
    left["reason"] = np.where(left["common"], "common break", f"city jump > {city_threshold}")
    left = left.rename(columns={"level_0": "year"})[
        ["city_code", "year", "change", "log_change", "reason"]
    ]
    return float(change.where(~cut_all).sum().sum()), left


def jobs_claim_context(
    claimed: float = 70.0,
    *,
    jiangsu: pd.DataFrame | None = None,
    units: pd.DataFrame | None = None,
    hosts: pd.DataFrame | None = None,
    since: int = 2006,
    end: int | None = None,
    breaks: Sequence[int] | None = None,
    break_threshold: float = 0.3,
    city_threshold: float = 0.15,
    region: str = "Subei",
) -> dict:
    """The report's "700,000+ jobs" (``claimed``, 10k persons) beside what the data measure.

    Returns a dict of numbers (10k persons unless named ``share``) and the sentence of
    :func:`jobs_claim_verdict`:

    * ``unit_employment_end``: Subei's unit employment (单位从业人员, city yearbooks) in ``end``
      (default: last year with all five cities), and ``share_of_unit_employment``;
    * ``growth_within_segments``: the sum of Subei's within-segment changes of unit employment from
      ``since`` to ``end``, the segments cut at ``breaks`` (default: the years that
      ``nanbei.panel.break_years`` detects at ``break_threshold`` plus the declared definition
      breaks of employment), so a change of definition is never counted as growth;
      ``segments`` and ``growth_by_segment``; ``share_of_growth``;
    * ``growth_within_city_segments``: the same with each city's series also cut where it jumps by
      more than ``city_threshold`` in log in one year (a city-specific break such as a revision;
      :func:`within_segment_change`), with ``city_cuts`` listing them;
    * census (long-form sample, scaled by each county's household sampling fraction: estimates):
      ``census_employed_est_2010/2020``, ``share_of_census_employed_2020``, and for the park-host
      units (``hosts``, default :func:`host_units`) and the other units of the region the change
      2010-2020 of estimated secondary-sector and total employment;
    * ``verdict``: what the data can and cannot confirm.
    """
    from nanbei import data
    from nanbei.panel import break_years

    jiangsu = data.load_city_panel("jiangsu") if jiangsu is None else jiangsu
    units = census_units() if units is None else units
    hosts = host_units() if hosts is None else hosts
    reg = data.regional_aggregate(jiangsu, "employment")
    series = reg[reg["region"] == region].set_index("year")["value"].dropna()
    if series.empty:
        raise ValueError(f"jobs_claim_context: no employment for region {region!r}")
    end = int(series.index.max()) if end is None else int(end)
    if breaks is None:
        detected = break_years(
            jiangsu,
            unit="city_code",
            time="year",
            value="employment",
            max_log_change=break_threshold,
        ).index
        declared = data.declared_breaks("Jiangsu", "employment", kinds="definition")
        breaks = sorted(
            {int(y) for y in detected} | set(declared["first_year_affected"].astype(int))
        )
    segments = stable_segments(since, end, breaks)
    by_segment = {}
    for a, b in segments:
        if a in series.index and b in series.index and b > a:
            by_segment[f"{a}–{b}"] = float(series[b] - series[a])
    growth = float(sum(by_segment.values())) if by_segment else math.nan
    growth_city, cuts = within_segment_change(
        jiangsu, region=region, since=since, end=end, breaks=breaks, city_threshold=city_threshold
    )
    own_cuts = cuts[cuts["reason"] != "common break"]
    cen = units[units["region"] == region]
    est = cen.pivot_table(
        index="unit_id",
        columns="year",
        values=["emp_est_total", "emp_est_secondary"],
        aggfunc="sum",
    )
    is_host = est.index.isin(set(hosts["unit_id"]))

    def change(col, mask):
        part = est.loc[mask, col]
        return float((part[2020] - part[2010]).sum() / 1e4)

    ctx = {
        "claimed": float(claimed),
        "region": region,
        "since": since,
        "end": end,
        "unit_employment_end": float(series.get(end, math.nan)),
        "share_of_unit_employment": float(claimed / series.get(end, math.nan)),
        "breaks": [int(b) for b in breaks],
        "segments": [f"{a}–{b}" for a, b in segments],
        "growth_by_segment": by_segment,
        "growth_within_segments": growth,
        "share_of_growth": float(claimed / growth) if growth and np.isfinite(growth) else math.nan,
        "city_threshold": city_threshold,
        "growth_within_city_segments": growth_city,
        "city_cuts": [
            f"{int(c)}:{int(y)}"
            for c, y in zip(own_cuts["city_code"], own_cuts["year"], strict=True)
        ],
        "census_employed_est_2010": float(est["emp_est_total"][2010].sum() / 1e4),
        "census_employed_est_2020": float(est["emp_est_total"][2020].sum() / 1e4),
        "n_host_units": int(is_host.sum()),
        "n_other_units": int((~is_host).sum()),
        "host_secondary_change_est": change("emp_est_secondary", is_host),
        "host_total_change_est": change("emp_est_total", is_host),
        "other_secondary_change_est": change("emp_est_secondary", ~is_host),
        "other_total_change_est": change("emp_est_total", ~is_host),
        "region_secondary_change_est": change("emp_est_secondary", np.ones(len(est), bool)),
    }
    ctx["share_of_census_employed_2020"] = ctx["claimed"] / ctx["census_employed_est_2020"]
    ctx["verdict"] = jobs_claim_verdict(ctx)
    return ctx


def jobs_claim_verdict(ctx: Mapping, lang: str = "en") -> str:
    """What the measured numbers can and cannot say about the claim, in ``lang`` (wording from
    the numbers)."""
    claimed, growth = float(ctx["claimed"]), float(ctx["growth_within_segments"])
    region = _label(ctx.get("region", "Subei"), None, lang)
    segs = L.join((period_label(seg, lang) for seg in ctx.get("segments", [])), lang)
    fields = dict(region=region, segs=segs, claimed=claimed, growth=growth)
    if not np.isfinite(growth):
        size = _t("jobs_unfollowable", lang, **fields)
    elif growth <= 0:
        size = _t("jobs_no_growth", lang, **fields)
    elif claimed > growth:
        size = _t("jobs_larger", lang, **fields)
    else:
        size = _t("jobs_share", lang, share=claimed / growth, **fields)
    city = float(ctx.get("growth_within_city_segments", math.nan))
    if np.isfinite(city) and ctx.get("city_cuts"):
        size += _t(
            "jobs_city_cuts",
            lang,
            threshold=float(ctx["city_threshold"]),
            n=len(ctx["city_cuts"]),
            city=city,
            sign=_t("jobs_same_sign" if (city > 0) == (growth > 0) else "jobs_opposite", lang),
        )
    host = float(ctx.get("host_secondary_change_est", math.nan))
    if np.isfinite(host):
        size += _t(
            "jobs_census",
            lang,
            direction=_t("jobs_rose" if host > 0 else "jobs_fell", lang),
            host=abs(host),
            other=float(ctx["other_secondary_change_est"]),
        )
    return size + _t("jobs_attribution", lang)


# ----------------------------------------------------------------------------- map
def plot_unit_map(
    values: pd.Series,
    *,
    hosts: Sequence = (),
    ax=None,
    label: str = "",
    crosswalk: pd.DataFrame | None = None,
    boundaries=None,
    cmap: str = "RdBu_r",
    annotate_hosts: bool = True,
):
    """Choropleth of a value per comparable unit (a Series indexed by ``unit_id``) on the county
    polygons dissolved into units; units in ``hosts`` are outlined.  Colours are centred on 0.
    Returns the Axes."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    from nanbei import data
    from nanbei.plotting import style

    crosswalk = data.load_census_crosswalk() if crosswalk is None else crosswalk
    boundaries = data.load_boundaries("county") if boundaries is None else boundaries
    unit_of = crosswalk[crosswalk["source"] == "boundaries"].set_index("code")["unit_id"]
    gdf = boundaries.assign(unit_id=boundaries["adcode"].map(unit_of))
    if gdf["unit_id"].isna().any():
        raise DataError(
            f"plot_unit_map: polygons {gdf.loc[gdf['unit_id'].isna(), 'adcode'].tolist()} "
            "are not in the crosswalk"
        )
    units = gdf.dissolve(by="unit_id", as_index=False)
    units["value"] = units["unit_id"].map(values)
    finite = units["value"].dropna()
    span = max(abs(finite.min()), abs(finite.max()), 1e-9) if len(finite) else 1.0
    with style():
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 7))
        units.plot(
            column="value",
            ax=ax,
            cmap=cmap,
            norm=TwoSlopeNorm(0, -span, span),
            edgecolor="white",
            linewidth=0.4,
            legend=True,
            legend_kwds={"label": label, "shrink": 0.6},
            missing_kwds={"color": "#dddddd"},
        )
        host = units[units["unit_id"].isin(set(hosts))]
        if len(host):
            host.boundary.plot(ax=ax, color="k", linewidth=1.4)
            if annotate_hosts:
                first = (
                    host["unit_id"]
                    .map(crosswalk.drop_duplicates("unit_id").set_index("unit_id")["unit_name"])
                    .str.split("+")
                    .str[0]
                )
                for name, geom in zip(first, host.geometry, strict=True):
                    p = geom.representative_point()
                    ax.annotate(name, (p.x, p.y), ha="center", va="center", fontsize=7)
        # the projection's axis names would still be drawn as text of the figure, in English
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.set_axis_off()
        ax.set_aspect(1.15)
    return ax


# ----------------------------------------------------------------------------- parks designs
#: Labour outcomes the parks designs can take: the panel column each is computed from and a
#: label.  ``log_employment`` is not (yet) one of ``nanbei.data.OUTCOMES``.
LABOUR_OUTCOMES: dict[str, tuple[str, str]] = {
    "log_employment": ("employment", "log persons employed in units (10k persons)"),
    "log_wage": ("wage_avg", "log average wage of employees (yuan/year; declared prices)"),
    "emp_secondary_share": (
        "emp_share_secondary",
        "secondary industry share of unit employment (%)",
    ),
}


def _check_labour_outcome(outcome: str, what: str) -> str:
    if outcome not in LABOUR_OUTCOMES:
        raise ValueError(f"{what}: outcome must be one of {list(LABOUR_OUTCOMES)}, got {outcome!r}")
    return LABOUR_OUTCOMES[outcome][0]


def labour_breaks(
    panel: pd.DataFrame,
    outcome: str,
    *,
    provinces: Sequence[str],
    start: int,
    end: int,
    threshold: float = 0.3,
    min_share: float = 0.3,
) -> pd.DataFrame:
    """Years in ``(start, end]`` where a labour outcome's series changes definition in any of
    ``provinces`` (English names): detected (at least ``min_share`` of a province's cities jump by
    more than ``threshold`` in log at once, :func:`nanbei.panel.break_years`) or declared (a
    "definition" break of the column in ``known_breaks.csv``).

    A break in one province only shifts its cities and not the others, so a comparison across
    provinces must not straddle it whichever side it touches.  Returns one row per year and
    province: ``year, province_en, source`` ("detected (share of cities)" or the declared id),
    sorted by year.
    """
    from nanbei import data
    from nanbei.panel import break_years

    column = _check_labour_outcome(outcome, "labour_breaks")
    unknown = sorted(set(provinces) - set(panel["province_en"]))
    if unknown:
        raise ValueError(f"labour_breaks: provinces not in the panel: {unknown}")
    rows = []
    # the log screen needs a positive level; a share in % jumps in log just as a count does
    for province in provinces:
        cities = panel[panel["province_en"] == province]
        found = break_years(
            cities,
            unit="city_code",
            time="year",
            value=column,
            max_log_change=threshold,
            min_share=min_share,
        )
        rows += [
            {"year": int(y), "province_en": province, "source": f"detected ({s:.0%} of cities)"}
            for y, s in found.items()
            if start < y <= end
        ]
    declared = data.declared_breaks(
        list(provinces), column, start=start, end=end, kinds="definition"
    )
    for b in declared.itertuples():
        scope = list(provinces) if b.scope == "all" else b.scope.split(";")
        rows += [
            {"year": int(b.first_year_affected), "province_en": p, "source": b.break_id}
            for p in scope
            if p in provinces
        ]
    out = pd.DataFrame(rows, columns=["year", "province_en", "source"])
    return out.sort_values(["year", "province_en"]).reset_index(drop=True)


def labour_sample(
    panel: pd.DataFrame,
    outcome: str,
    *,
    start: int,
    end: int,
    prices: str = "real",
    base_year: int = 2000,
    units=None,
    city_threshold: float | None = 0.3,
):
    """The balanced sample of a labour outcome for the parks designs, and what it left out.

    The screens of :func:`nanbei.data.analysis_panel` (series breaks of GDP or population,
    gaps in the window), then one more: a city whose own series of the outcome's column jumps
    by more than ``city_threshold`` in log in one year inside ``(start, end]`` is left out
    (a change of coverage of that city alone, e.g. a revision; None: no such screen).
    Returns ``(sample, dropped)``: identifier columns, ``year`` and ``y``; a
    :class:`nanbei.data.Dropped` with the reasons "series breaks", "gaps" and
    "own jumps in <column>".
    """
    from nanbei import data
    from nanbei.panel import complete_units, log_jumps

    column = _check_labour_outcome(outcome, "labour_sample")
    if outcome in data.OUTCOMES:
        sample, dropped = data.analysis_panel(
            panel,
            outcome,
            start=start,
            end=end,
            prices=prices,
            base_year=base_year,
            units=units,
        )
    else:
        # log_employment is not (yet) a data.OUTCOMES entry, so analysis_panel cannot build it:
        # the same screens by hand, recorded in the same Dropped
        source = panel if units is None else panel[panel["city_code"].isin(set(units))]
        dropped = data.Dropped(window=(start, end))
        breaks = data.series_breaks(source, basis="registered", start=start, end=end)
        dropped.add("series breaks", breaks["city_code"])
        kept = source[~source["city_code"].isin(set(breaks["city_code"]))]
        ids = ["city_code", "city_zh", "city_en", "province_code", "province_en", "region", "year"]
        y = kept[ids].assign(y=np.log(kept[column].where(kept[column] > 0))).dropna(subset=["y"])
        sample, gaps = complete_units(
            y, unit="city_code", time="year", value="y", start=start, end=end
        )
        dropped.add("gaps", set(kept["city_code"]) - set(sample["city_code"]))
        sample.attrs.update(outcome=outcome, label=LABOUR_OUTCOMES[outcome][1], prices=prices)
    if city_threshold is not None:
        jumps = log_jumps(
            panel[panel["city_code"].isin(set(sample["city_code"]))],
            unit="city_code",
            time="year",
            value=column,
            max_log_change=city_threshold,
        )
        jumps = jumps[(jumps["year"] > start) & (jumps["year"] <= end)]
        dropped.add(f"own jumps in {column}", jumps["city_code"])
        attrs = dict(sample.attrs)
        sample = sample[~sample["city_code"].isin(set(jumps["city_code"]))].reset_index(drop=True)
        sample.attrs.update(attrs)
    return sample, dropped


def design_window_sentence(
    outcome: str,
    window: tuple[int, int],
    breaks: pd.DataFrame,
    treatment_year: int,
    lang: str = "en",
) -> str:
    """Why the designs of ``outcome`` run in ``window``: the breaks of its series (``breaks``
    as returned by :func:`labour_breaks`) and the segment between them that contains the
    treatment year."""
    first, last = window
    what = L.text(outcome, lang)
    years = breaks.groupby("year")["province_en"].agg(lambda s: sorted(set(s)))
    if years.empty:
        return _t("design_window_none", lang, what=what, span=year_span(first, last, lang))
    listed = _t("semicolon", lang).join(
        _t(
            "year_of",
            lang,
            year=y,
            what=_t("enum_sep", lang).join(province_name(p, lang) for p in p_),
        )
        for y, p_ in years.items()
    )
    return _t(
        "design_window",
        lang,
        what=what,
        listed=listed,
        span=year_span(first, last, lang),
        year=treatment_year,
    )


def province_name(name: str, lang: str) -> str:
    """A province's short name (English, as in the panel's ``province_en``) in ``lang``; a name
    that is not a province of :data:`nanbei.labels.PROVINCES` is returned as it is."""
    L.check_lang(lang)
    by_english = {v["en"]: v[lang] for v in L.PROVINCES.values()}
    return by_english.get(str(name), str(name))


@dataclass
class LabourDesigns:
    """:func:`parks_designs` for one outcome: the battery (``nanbei.effects.designs``), the
    window and the breaks that set it, the units left out and the donors excluded for a
    competing policy."""

    outcome: str
    window: tuple[int, int]
    breaks: pd.DataFrame
    dropped: object
    excluded: pd.DataFrame
    battery: object


def parks_designs(
    panel: pd.DataFrame,
    outcome: str,
    *,
    provinces: Sequence[str],
    start: int,
    end: int,
    treatment_year: int = 2006,
    treated_region: str = "Subei",
    treated_city=None,
    exclude_donors: str = "similar",
    break_threshold: float = 0.3,
    pools: bool = True,
    n_boot: int = 999,
    seed: int = 2006,
    synth_kwargs: Mapping | None = None,
    pool_synth: bool = True,
) -> LabourDesigns:
    """Notebook 02's designs for a labour outcome of the city panel (``panel``: all of China).

    The treated units are the cities of ``treated_region`` (from ``treatment_year``); the
    comparison cities those of ``provinces`` (English names, Jiangsu excluded).  The window is
    the stretch of ``start..end`` between the breaks of the outcome's series in Jiangsu and those
    provinces (:func:`labour_breaks` at ``break_threshold``) that contains the treatment year
    (:func:`nanbei.effects.designs.segment_window`), ended before any province-specific revision
    (:func:`nanbei.data.revision_cutoff`); cities are kept by :func:`labour_sample`
    (own jumps above ``break_threshold`` left out); the donors exclude cities touched by a
    competing policy under rule ``exclude_donors`` (:func:`nanbei.effects.donor_pool`), and with
    ``pools`` the DiD (and, with ``pool_synth``, the synthetic control) is re-run under every
    exclusion rule and without each province.
    """
    from nanbei import data
    from nanbei.effects import EXCLUSION_RULES, donor_pool
    from nanbei.effects.designs import run_designs, segment_window

    column = _check_labour_outcome(outcome, "parks_designs")
    provinces = [p for p in provinces if p != "Jiangsu"]
    treated = set(panel.loc[panel["region"] == treated_region, "city_code"])
    if not treated:
        raise ValueError(f"parks_designs: no city of region {treated_region!r} in the panel")
    breaks = labour_breaks(
        panel[panel["province_en"].isin(["Jiangsu", *provinces])],
        outcome,
        provinces=["Jiangsu", *provinces],
        start=start,
        end=end,
        threshold=break_threshold,
    )
    # a province-specific revision of the series shifts some provinces' cities and not others:
    # the window ends before it
    end, _ = data.revision_cutoff(["Jiangsu", *provinces], (column,), start=start, end=end)
    window = segment_window(start, end, breaks["year"], treatment_year)
    pool_cities = set(panel.loc[panel["province_en"].isin(provinces), "city_code"])
    sample, dropped = labour_sample(
        panel,
        outcome,
        start=window[0],
        end=window[1],
        units=pool_cities | treated,
        city_threshold=break_threshold,
    )
    candidates = sorted(set(sample["city_code"]) - treated)
    donors, excluded = donor_pool(candidates, exclude_donors, *window)
    province_of = panel.drop_duplicates("city_code").set_index("city_code")["province_en"]
    alternatives: dict[str, list] = {}
    if pools:
        for rule in EXCLUSION_RULES:
            alternatives[f"rule '{rule}'"] = donor_pool(candidates, rule, *window)[0]
        for province in provinces:
            kept = [c for c in candidates if province_of[c] != province]
            if len(kept) < len(candidates):
                alternatives[f"without {province}"] = kept
    kept_sample = sample[sample["city_code"].isin(set(donors) | treated)]
    synth_unit = treated_city if treated_city in set(kept_sample["city_code"]) else None
    battery = run_designs(
        kept_sample,
        unit="city_code",
        time="year",
        outcome="y",
        treated=sorted(treated),
        treatment_time=treatment_year,
        synth_unit=synth_unit,
        pools=alternatives,
        n_boot=n_boot,
        seed=seed,
        synth_kwargs=synth_kwargs,
        pool_synth=pool_synth,
    )
    battery.outcome = outcome
    return LabourDesigns(outcome, window, breaks, dropped, excluded, battery)


# ----------------------------------------------------------------------------- notebook 03's words
# Every label and number-dependent sentence of notebook 03 in "en" or "zh"; the templates are
# nanbei.labels.TEXT's (block "notebook 03: employment"), so a missing translation is a KeyError.
def _t(key: str, lang: str, **fields) -> str:
    """Phrase ``nb03_<key>`` of :data:`nanbei.labels.TEXT` (notebook 03's block); ``{wan}``
    (the unit 万 = 10k persons, kept in English prose too) is filled in."""
    fields.setdefault("wan", L.text("nb03_wan", lang))
    return L.text(f"nb03_{key}", lang, **fields)


def _text_key(value) -> str:
    return "nb03_val_" + re.sub(r"\W+", "_", str(value)).strip("_")


def column_label(name, lang: str) -> str:
    """Header of a column of notebook 03's tables in ``lang``: ``col_<name>`` of
    :data:`nanbei.labels.TEXT`, else a column (:func:`nanbei.labels.column`) or a variable of
    the label dictionary; a name without any entry (an identifier) is returned as it is."""
    L.check_lang(lang)
    if f"nb03_col_{name}" in L.TEXT:
        return _t(f"col_{name}", lang)
    if _text_key(name) in L.TEXT:
        return L.text(_text_key(name), lang)
    if name in L.COLUMNS:
        return L.column(name, lang)
    if name in L.VARIABLES:
        return L.variable(name, lang)
    return str(name)


def value_label(value, lang: str):
    """A label value of a table in ``lang``: a region name, or a value with a ``val_<value>``
    entry in :data:`nanbei.labels.TEXT` ("all", "dated_or_undated", ...); anything else (a
    number, a year range, a code) is returned unchanged."""
    if isinstance(value, str):
        if value in L.REGIONS:
            return L.region(value, lang)
        if _text_key(value) in L.TEXT:
            return L.text(_text_key(value), lang)
        return period_label(value, lang)
    return value


def localize(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` for display in ``lang``: column and index names through :func:`column_label`,
    index values and the values of text columns through :func:`value_label` (region names,
    named values, year ranges).  The numbers are untouched."""
    L.check_lang(lang)
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: value_label(v, lang))
    if isinstance(out.index, pd.MultiIndex):
        out.index = pd.MultiIndex.from_tuples(
            [tuple(value_label(v, lang) for v in key) for key in out.index],
            names=[column_label(n, lang) if n is not None else None for n in out.index.names],
        )
    else:
        out.index = pd.Index(
            [value_label(v, lang) for v in out.index],
            name=column_label(out.index.name, lang) if out.index.name is not None else None,
        )
    columns = out.columns
    if isinstance(columns, pd.MultiIndex):
        out.columns = pd.MultiIndex.from_tuples(
            [tuple(column_label(v, lang) for v in key) for key in columns]
        )
    else:
        out.columns = [column_label(c, lang) for c in columns]
    return out


def _notes_zh(result) -> list[str]:
    if isinstance(result, ShiftShareResult):
        notes = [_t("ss_note_formula", "zh"), SHIFT_SHARE_CITATION]
        if len(result.dropped):
            notes.append(_t("ss_note_dropped", "zh", n=len(result.dropped)))
        return notes
    if isinstance(result, ElasticityResult):
        g = sorted(result.table["n_clusters"].dropna().astype(int).unique())
        crossed = result.table["breaks_crossed"].astype(bool).any()
        return [
            _t("el_note", "zh", clusters=L.join(g, "zh"), level=1 - result.alpha),
            _t("el_note_split" if crossed else "el_note_segment", "zh"),
        ]
    if isinstance(result, HostComparisonResult):
        draws = (
            _t("host_note_exact", "zh")
            if result.test.exact
            else _t("host_note_draws", "zh", n=result.test.n_assignments - 1)
        )
        return [
            _t(
                "host_note",
                "zh",
                region=L.region(result.region, "zh"),
                outcome=column_label(result.outcome, "zh"),
                draws=draws,
            )
        ]
    raise ValueError(
        f"localized_summary: no Chinese notes for a {type(result).__name__}; expected a "
        "ShiftShareResult, ElasticityResult or HostComparisonResult"
    )


def localized_summary(result: Result, lang: str) -> Summary:
    """``result.summary()`` in ``lang``: its tables through :func:`localize`; in Chinese also
    its title and notes (for the results of this module that notebook 03 shows)."""
    L.check_lang(lang)
    s = result.summary()
    tables = [(caption, localize(df, lang)) for caption, df in s.tables]
    if lang == "en":
        return Summary(s.title, tables, list(s.notes), s.digits)
    notes = _notes_zh(result)
    return Summary(_t(f"summary_{type(result).__name__}", lang), tables, notes, s.digits)


def dropped_phrase(dropped, lang: str = "en") -> str:
    """What a :class:`nanbei.data.Dropped` record of :func:`labour_sample` left out, as a
    sentence in ``lang`` ("33 cities left out in 1999–2012: 23 for series breaks, ...").  Its
    reasons include "own jumps in <column>"; any other reason without a Chinese name raises
    ValueError rather than putting English into a Chinese sentence."""
    L.check_lang(lang)
    if lang == "en":
        text = str(dropped)
        return text[:1].upper() + text[1:] + "."
    from nanbei.convergence.prose import DROPPED_REASONS_ZH

    if dropped.noun != "cities":
        raise ValueError(f"dropped_phrase: expected a record of cities, got {dropped.noun!r}")
    if not dropped.total:
        return _t("dropped_none", lang)
    parts = []
    for reason, units in dropped.reasons.items():
        if reason in DROPPED_REASONS_ZH:
            why = DROPPED_REASONS_ZH[reason]
        elif reason.startswith("own jumps in "):
            why = _t("own_jumps", lang, what=L.variable(reason.removeprefix("own jumps in "), lang))
        else:
            raise ValueError(f"dropped_phrase: no Chinese for the reason {reason!r}")
        parts.append(_t("dropped_part", lang, n=len(units), why=why))
    span = year_span(dropped.window[0], dropped.window[1], lang) if dropped.window else ""
    return _t("dropped", lang, span=span, n=dropped.total, parts=L.join(parts, lang))


def none_or_join(items, lang: str) -> str:
    """``items`` joined with the list separator of ``lang``, or "none" / "无" when empty."""
    items = list(items)
    return L.join(items, lang) if items else _t("none", lang)


def break_years_sentence(breaks: pd.Series, threshold: float, lang: str = "en") -> str:
    """The years in which most cities' unit employment jumps at once (``breaks``: share of
    cities by year, as ``nanbei.panel.break_years`` returns it), read as changes of definition."""
    if breaks.empty:
        return _t("breaks_none", lang, threshold=threshold)
    years = L.join((_t("breaks_year", lang, year=int(y), share=s) for y, s in breaks.items()), lang)
    return _t("breaks_found", lang, years=years, threshold=threshold)


def declared_breaks_sentence(
    detected: Sequence[int],
    declared: Sequence[int],
    *,
    wage_cutoff: int,
    wage_revised: bool,
    end: int,
    lang: str = "en",
) -> str:
    """The detected break years of unit employment against the declared ones, and where the
    wage comparison across provinces ends (``wage_revised``: a province-specific revision of the
    wage series lies in the window, from ``wage_cutoff + 1``)."""
    detected = sorted(int(y) for y in detected)
    text = _t("declared_detected", lang, years=none_or_join(detected, lang))
    if detected:
        confirmed = sorted(set(detected) & {int(y) for y in declared})
        undeclared = sorted(set(detected) - {int(y) for y in declared})
        text += _t("declared_confirmed", lang, years=none_or_join(confirmed, lang))
        if undeclared:
            text += _t("declared_undeclared", lang, years=L.join(undeclared, lang))
    text += _t("declared_segments", lang)
    if wage_revised:
        return text + _t("declared_wage_cut", lang, first=wage_cutoff + 1, last=wage_cutoff)
    return text + _t("declared_wage_whole", lang, end=end)


def segment_changes(wide: pd.DataFrame, segments: Sequence[tuple[int, int]]) -> pd.DataFrame:
    """Level, change and log growth of each column of ``wide`` (one row per year, one column
    per unit) within each segment ``(first, last)`` of :func:`stable_segments`: only years where
    every unit has a value count, and a segment with fewer than two such years is left out.
    One row per segment and unit: ``start``, ``end``, ``change`` and ``growth_per_year``
    (log points a year), indexed by ``segment`` (the years actually spanned, "1998–2012") and
    the columns' name."""
    rows = []
    for first, last in segments:
        seg = wide.loc[first:last].dropna()
        if len(seg) < 2:
            continue
        a, b = seg.index[0], seg.index[-1]
        for unit in wide.columns:
            rows.append(
                {
                    "segment": f"{a}–{b}",
                    "unit": unit,
                    "start": seg.loc[a, unit],
                    "end": seg.loc[b, unit],
                    "change": seg.loc[b, unit] - seg.loc[a, unit],
                    "growth_per_year": np.log(seg.loc[b, unit] / seg.loc[a, unit]) / (b - a),
                }
            )
    name = wide.columns.name or "unit"
    columns = ["segment", "unit", "start", "end", "change", "growth_per_year"]
    out = pd.DataFrame(rows, columns=columns).rename(columns={"unit": name})
    return out.set_index(["segment", name])


def segment_change_sentence(
    changes: Mapping[str, float], region: str, claimed: float, lang: str = "en"
) -> str:
    """A region's change of unit employment (10k persons) within each comparable segment
    (``{"1998–2012": -27.0, ...}``) beside the report's claim of ``claimed`` 10k jobs."""
    items = _t("semicolon", lang).join(
        _t("segment_change", lang, value=float(v), segment=period_label(seg, lang))
        for seg, v in changes.items()
    )
    return _t(
        "segment_changes", lang, region=_label(region, None, lang), items=items, claimed=claimed
    )


def share_path_sentence(
    wide: pd.DataFrame,
    *,
    before: int | None = None,
    regions: Sequence[str] = ("Subei", "Sunan"),
    lang: str = "en",
) -> str:
    """How the secondary share of unit employment (``wide``: one row per year, one column per
    region, percent) moved in two regions, from its first year to the last year before the
    break ``before`` (or to its last year without one)."""
    part = wide[list(regions)].dropna()
    if before is not None:
        part = part.loc[: before - 1]
    if len(part) < 2:
        return _t("share_path_none", lang)
    first, second = regions
    return _t(
        "share_path_before" if before is not None else "share_path_all",
        lang,
        before=before,
        first=_label(first, None, lang),
        second=_label(second, None, lang),
        a0=part[first].iloc[0],
        a1=part[first].iloc[-1],
        b0=part[second].iloc[0],
        b1=part[second].iloc[-1],
        y0=part.index[0],
        y1=part.index[-1],
    )


def shift_share_dropped_phrase(dropped: pd.DataFrame, lang: str = "en") -> str:
    """The members :func:`shift_share` left out of a group-period (``result.dropped``), named:
    "Huai'an (Subei) in 1998–2006; ..." or "none"."""
    if dropped.empty:
        return _t("none", lang)

    def name(code) -> str:
        try:
            return L.city(code, lang)
        except KeyError:
            return str(code)

    return _t("semicolon", lang).join(
        _t(
            "ss_dropped_item",
            lang,
            city=name(r.unit),
            group=_label(r.group, None, lang),
            span=year_span(r.start, r.end, lang),
        )
        for r in dropped.itertuples()
    )


def or_join(items, lang: str) -> str:
    """ "5 or 3" / "5或3"."""
    return _t("or", lang).join(str(i) for i in items)


def common_jump_phrase(years: Sequence[int], lang: str = "en") -> str:
    """ "No year shows a common jump in wages." or the years that do."""
    years = [int(y) for y in years]
    if not years:
        return _t("wage_no_jump", lang)
    return _t("wage_jumps", lang, years=L.join(years, lang))


def half_life_phrase(half_life: float, lang: str = "en") -> str:
    """ ", half-life 41 years" when the half-life is finite and positive, else ""."""
    if np.isfinite(half_life) and half_life > 0:
        return _t("half_life", lang, years=half_life)
    return ""


def design_paragraph(
    run: LabourDesigns,
    findings: Mapping[str, str],
    *,
    rule: str,
    names: Mapping,
    group: str = "Subei",
    lang: str = "en",
) -> str:
    """The paragraph notebook 03 writes under one outcome's designs: the window and its breaks
    (:func:`design_window_sentence`), the cities left out, the donors excluded for a competing
    policy (``nanbei.effects.prose.donor_pool_sentence``), the sample sizes, then each design's
    finding (``findings`` from ``nanbei.effects.designs.design_findings``) under its heading."""
    from nanbei.effects import prose
    from nanbei.effects.designs import capitalized

    b: Any = run.battery
    if lang == "zh":
        sizes = _t(
            "design_sizes", lang, n=len(b.treated), group=_label(group, None, lang), m=len(b.donors)
        )
    else:
        noun = _label(group, None, lang)
        treated = prose.count_phrase(n=len(b.treated), noun=f"{noun} city", plural=f"{noun} cities")
        donors = prose.count_phrase(
            n=len(b.donors), noun="comparison city", plural="comparison cities"
        )
        sizes = capitalized(treated) + f" against {donors}."
    head = join_sentences(
        [
            _t("design_head", lang, what=L.text(run.outcome, lang)),
            design_window_sentence(
                run.outcome, run.window, run.breaks, b.treatment_time, lang=lang
            ),
            dropped_phrase(run.dropped, lang),
            prose.donor_pool_sentence(
                rule=rule,
                excluded=run.excluded,
                names=names,
                start=run.window[0],
                end=run.window[1],
                lang=lang,
            ),
            sizes,
        ],
        lang,
    )
    parts = [
        _t("design_finding", lang, head=_t(f"design_{key}", lang), text=findings[key])
        for key in ("did", "pretrend", "honest", "synth", "in_time", "pools")
        if findings.get(key)
    ]
    return "\n\n".join([head, *parts])


def bounds_phrase(bounds: pd.DataFrame, lang: str = "en") -> str:
    """The ranges of :func:`misclassification_bounds` (indexed by ``m``) for m > 0."""
    return _t("semicolon", lang).join(
        _t("bounds_item", lang, low=r["low"], high=r["high"], m=int(m))
        for m, r in bounds.iterrows()
        if m > 0
    )


def jobs_context_table(ctx: Mapping, lang: str = "en") -> pd.DataFrame:
    """The numbers of :func:`jobs_claim_context` that notebook 03 shows, one labelled row each
    (10k persons, or shares)."""
    region = _label(ctx.get("region", "Subei"), None, lang)
    rows = [
        (_t("ctx_claim", lang), ctx["claimed"]),
        (
            _t("ctx_unit_employment", lang, region=region, year=ctx["end"]),
            ctx["unit_employment_end"],
        ),
        (_t("ctx_share_of_it", lang), ctx["share_of_unit_employment"]),
        (
            _t(
                "ctx_growth",
                lang,
                segs=L.join((period_label(s, lang) for s in ctx["segments"]), lang),
            ),
            ctx["growth_within_segments"],
        ),
        (_t("ctx_share_of_growth", lang), ctx["share_of_growth"]),
        (
            _t("ctx_growth_city", lang, threshold=ctx["city_threshold"]),
            ctx["growth_within_city_segments"],
        ),
        (_t("ctx_census", lang, region=region), ctx["census_employed_est_2020"]),
        (_t("ctx_share_of_census", lang), ctx["share_of_census_employed_2020"]),
        (_t("ctx_host_change", lang), ctx["host_secondary_change_est"]),
        (_t("ctx_other_change", lang), ctx["other_secondary_change_est"]),
    ]
    index = pd.Index([r[0] for r in rows], name=column_label("measure", lang))
    return pd.DataFrame({column_label("value", lang): [r[1] for r in rows]}, index=index)


def change_verb(start: float, end: float, lang: str = "en") -> str:
    """ "falls", "rises" or "stays" (in ``lang``) for a move from ``start`` to ``end``."""
    key = "falls" if end < start else "rises" if end > start else "stays"
    return _t(f"verb_{key}", lang)


def city_years_phrase(items: Sequence[str], lang: str = "en") -> str:
    """City-years given as "code:year" (``jobs_claim_context``'s ``city_cuts``) named in
    ``lang``: "Huai'an (2019), ..." or "none"."""
    out = []
    for item in items:
        code, _, year = str(item).partition(":")
        try:
            name = L.city(int(code), lang)
        except (KeyError, ValueError):
            name = code
        out.append(_t("city_year", lang, city=name, year=year))
    return none_or_join(out, lang)


def roster_gap_phrase(
    named: int, claimed: float, n_other: int, region: str, lang: str = "en"
) -> str:
    """What the gap between the parks the roster names in a region (``named``) and the
    report's count (``claimed``) means for the ``n_other`` units compared with the hosts."""
    name = _label(region, None, lang)
    if claimed > named:
        return _t("roster_missing", lang, missing=claimed - named, region=name, n_other=n_other)
    return _t("roster_complete", lang, region=name, n_other=n_other)


def join_sentences(sentences, lang: str) -> str:
    """Whole sentences run together: separated by a space in English, by nothing in Chinese."""
    return ("" if L.check_lang(lang) == "zh" else " ").join(sentences)


def elasticity_rows(
    table: pd.DataFrame, lang: str = "en", *, group: str | None = None, wild: bool = True
) -> str:
    """The rows of an :func:`employment_elasticity` table (those of ``group`` if given) read
    out by :func:`elasticity_sentence` and joined with semicolons."""
    rows = table if group is None else table[table["group"] == group]
    return _t("semicolon", lang).join(
        elasticity_sentence(r, lang, wild=wild) for r in rows.itertuples()
    )
