"""Donor pools without cities treated by a competing policy.

A comparison city that ran a policy of its own like Jiangsu's south-north pairing (Zhejiang's
mountain-coast cooperation from 2002, Anhui's pairing of its north with the south from 2009
and its co-built parks from 2012) is not a clean control: "Subei minus that city" mixes two
policies.  :func:`competing_policy_cities` lists, from the sourced table
``tidy/competing_policies.csv`` (:func:`nanbei.data.load_competing_policies`), the cities a
comparable policy touched inside an analysis window; :func:`donor_pool` applies a named
exclusion rule to a list of candidate donors and says what it left out.

Exclusion rules (:data:`EXCLUSION_RULES`), each a set of policy kinds:

``"none"``          keep every candidate;
``"similar"``       drop cities in a donor-recipient pairing or a co-built park scheme of their
                    own province (recipients and helpers: both are "treated", in opposite
                    directions);
``"similar+yrd"``   also drop cities that entered the Yangtze River Delta city economic
                    coordination association in the window;
``"any"``           also drop the cities of regional compacts and plans (Huaihai, Central
                    Plains, Shandong's belts), which are not pairings but are regional policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nanbei.results import Result, tidy_frame

__all__ = ["EXCLUSION_RULES", "PoolEstimates", "competing_policy_cities", "donor_pool"]

EXCLUSION_RULES: dict[str, tuple[str, ...]] = {
    "none": (),
    "similar": ("pairing", "cobuilt_parks"),
    "similar+yrd": ("pairing", "cobuilt_parks", "yrd_association"),
    "any": ("pairing", "cobuilt_parks", "yrd_association", "regional_cooperation", "regional_plan"),
}


def competing_policy_cities(
    start: int,
    end: int,
    *,
    kinds: Iterable[str] | None = None,
    provinces: Iterable[str] | None = None,
    roles: Iterable[str] | None = None,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cities touched by a comparable policy that began in or before the window's last year.

    A policy counts when its ``first_year`` is at most ``end`` (a policy begun before the
    window still acts inside it; one begun after ``end`` cannot affect the sample).
    ``kinds``, ``provinces`` (English names) and ``roles`` filter the rows (None: all).
    Returns one row per city and policy with ``city_code, province_en, city_zh, policy_id,
    kind, role, first_year, source_url``, sorted by city.  ``table`` replaces the shipped
    table (same columns), e.g. in tests.
    """
    if not start <= end:
        raise ValueError(f"competing_policy_cities: start ({start}) must not be after end ({end})")
    if table is None:
        from nanbei.data import load_competing_policies

        table = load_competing_policies()
    t = table.copy()
    known = set(EXCLUSION_RULES["any"])
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        bad = sorted(set(kinds) - known)
        if bad:
            raise ValueError(
                f"competing_policy_cities: unknown kinds {bad}; known: {sorted(known)}"
            )
        t = t[t["kind"].isin(kinds)]
    if provinces is not None:
        t = t[t["province_en"].isin([provinces] if isinstance(provinces, str) else list(provinces))]
    if roles is not None:
        t = t[t["role"].isin([roles] if isinstance(roles, str) else list(roles))]
    t = t[t["first_year"] <= end]
    cols = [
        "city_code",
        "province_en",
        "city_zh",
        "policy_id",
        "kind",
        "role",
        "first_year",
        "source_url",
    ]
    return t[cols].sort_values(["city_code", "first_year", "policy_id"]).reset_index(drop=True)


def donor_pool(
    candidates: Iterable, rule: str, start: int, end: int, *, table: pd.DataFrame | None = None
) -> tuple[list, pd.DataFrame]:
    """Apply an exclusion rule (:data:`EXCLUSION_RULES`) to candidate donor city codes.

    Returns the kept donors (sorted) and the excluded ones with the policy that excludes each
    (one row per city: its earliest qualifying policy, with ``policies`` listing all).
    """
    if rule not in EXCLUSION_RULES:
        raise ValueError(f"donor_pool: rule must be one of {list(EXCLUSION_RULES)}, got {rule!r}")
    candidates = sorted(set(candidates))
    if not EXCLUSION_RULES[rule]:
        return candidates, pd.DataFrame(
            columns=[
                "city_code",
                "province_en",
                "city_zh",
                "policy_id",
                "kind",
                "role",
                "first_year",
                "source_url",
                "policies",
            ]
        )
    hits = competing_policy_cities(start, end, kinds=EXCLUSION_RULES[rule], table=table)
    hits = hits[hits["city_code"].isin(candidates)]
    if len(hits):
        listed = hits.groupby("city_code")["policy_id"].agg(lambda s: ", ".join(dict.fromkeys(s)))
        first = hits.sort_values(["first_year"]).drop_duplicates("city_code").set_index("city_code")
        first["policies"] = listed
        excluded = first.reset_index().sort_values("city_code").reset_index(drop=True)
    else:
        excluded = hits.assign(policies=pd.Series(dtype=str))
    kept = [c for c in candidates if c not in set(excluded["city_code"])]
    return kept, excluded


_MAIN_TERMS = ("overall", "mean post gap", "ATT (simple)")


def _main_row(result, p_column: str = "p_value") -> dict:
    """The headline row of a result's tidy(): the overall effect where there is one; its
    p-value from ``p_column`` (e.g. "p_value_placebo" for a rank p-value)."""
    tidy = result.tidy()
    hit = tidy[tidy["term"].isin(_MAIN_TERMS) | tidy["term"].str.startswith("ATT (")]
    row = (hit if len(hit) else tidy).iloc[0]
    out = {
        k: row[k]
        for k in ("estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high", "n_obs")
    }
    out["p_value"] = row[p_column]
    return out


@dataclass(repr=False)
class PoolEstimates(Result):
    """The main estimates on one donor pool, one row per estimator, so that
    :func:`nanbei.table` can set several pools side by side (one column per pool)."""

    _name = "Estimates on a donor pool"

    pool: str
    rows: pd.DataFrame
    n_donors: int = 0

    @classmethod
    def from_results(cls, pool: str, results: dict, n_donors: int = 0) -> PoolEstimates:
        """``results`` maps an estimator label to a Nanbei result, or to ``(result, p_column)``
        to take the p-value from another tidy column; the headline row is kept (the overall
        ATT, the mean post gap with its placebo band, or the single estimate)."""
        rows = [
            {"term": label, **(_main_row(*r) if isinstance(r, tuple) else _main_row(r))}
            for label, r in results.items()
        ]
        return cls(pool=pool, rows=tidy_frame(rows), n_donors=int(n_donors))

    @property
    def n_obs(self) -> int:
        return self.n_donors

    def tidy(self) -> pd.DataFrame:
        return self.rows.copy()

    def __maketables_stat__(self, key: str):
        if key == "N":
            return self.n_donors or None
        return None

    @property
    def __maketables_depvar__(self) -> str:
        return "effect"

    def _plot(self, ax, labels, lang, **kwargs):
        r = self.rows
        y = np.arange(len(r))
        err = np.vstack([r["estimate"] - r["conf_low"], r["conf_high"] - r["estimate"]])
        ax.errorbar(
            r["estimate"], y, xerr=np.where(np.isfinite(err), np.abs(err), 0.0), fmt="o", capsize=3
        )
        ax.set_yticks(y, r["term"])
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_title(f"Estimates on the donor pool: {self.pool}")
