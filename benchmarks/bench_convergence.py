"""Benchmark nanbei.convergence against the reference packages on a city-sized panel.

Simulated, seeded panel shaped like China's prefecture-level cities: 290 cities
in 31 provinces x 30 years of per-capita GDP with population weights.  Times

* nanbei:    sigma (also weighted, with province decomposition) + beta + markov;
* reference: inequality Gini / Theil / TheilD per year + giddy Markov on
  mapclassify quantile classes + statsmodels OLS, from the same long DataFrame
  (nanbei's sigma computes more: CV, sd of logs, weighted indices, within part);
* the Theil decomposition under three weightings (population, GDP, none) against
  inequality's TheilD (unweighted, year by year; it has no weighted form, so the
  reference does a third of the work and only the unweighted parts are compared);

checks that the shared numbers agree, and also times nanbei's Phillips-Sul
``clubs`` (no reference package) and ``beta_panel`` when available.

Run:  python benchmarks/bench_convergence.py
Writes benchmarks/results/bench_convergence.csv.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from _common import record, record_calibrated, results_dir, timed

N_CITIES, YEARS, N_PROV, SEED, REPEAT = 290, list(range(1991, 2021)), 31, 20240601, 5


# The reference each timed task is compared with (same run, same data).
REFERENCES = {
    "sigma": "inequality Gini/Theil/TheilD by year",
    "beta": "statsmodels OLS",
    "markov": "giddy Markov on mapclassify quintiles",
    "sigma+beta+markov": "the three references",
    "theil x3 weightings (ref: unweighted only)": "inequality TheilD by year (unweighted)",
}


def simulate() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    prov = rng.integers(0, N_PROV, N_CITIES)
    steady = 10.5 + rng.normal(0, 0.25, N_PROV)[prov] + rng.normal(0, 0.15, N_CITIES)
    ly = steady + rng.normal(-0.8, 0.5, N_CITIES)
    pop = rng.lognormal(5.5, 0.6, N_CITIES)
    rows = []
    for t in YEARS:
        rows.append(
            pd.DataFrame(
                {
                    "city": np.arange(N_CITIES),
                    "year": t,
                    "gdppc": np.exp(ly),
                    "pop": pop,
                    "province": prov,
                }
            )
        )
        ly = steady + np.exp(-0.04) * (ly - steady) + 0.06 + rng.normal(0, 0.04, N_CITIES)
        steady = steady + 0.06
        pop = pop * np.exp(rng.normal(0.005, 0.01, N_CITIES))
    return pd.concat(rows, ignore_index=True)


def china_panel() -> pd.DataFrame:
    """The shipped all-China prefecture panel: registered-basis real GDP per capita of the
    cities with a complete, break-free series over 2001-2021 (same column names as simulate)."""
    from nanbei import data

    china = data.load_city_panel("china")
    sample, _ = data.analysis_panel(china, "log_gdp_pc", start=2001, end=2021)
    pc = data.per_capita_panel(
        china[china["city_code"].isin(sample["city_code"])], basis="registered", prices="real"
    )
    bal = pc[pc["year"].between(2001, 2021)]
    return bal.rename(
        columns={
            "city_code": "city",
            "gdp_pc": "gdppc",
            "population": "pop",
            "province_code": "province",
        }
    )[["city", "year", "gdppc", "pop", "province"]]


def best_time(fn, repeat=REPEAT):
    return timed(fn, repeat, stat="min")


def nb_sigma(df):
    from nanbei.convergence import sigma

    return sigma(df, unit="city", time="year", value="gdppc", weight="pop", group="province")


def nb_beta(df):
    from nanbei.convergence import beta

    return beta(
        df, unit="city", time="year", value="gdppc", start=df["year"].min(), end=df["year"].max()
    )


def nb_markov(df):
    from nanbei.convergence import markov

    return markov(df, unit="city", time="year", value="gdppc", k=5)


def nb_theil(df):
    from nanbei.convergence import theil_decomposition

    return theil_decomposition(
        df.assign(gdp=df["gdppc"] * df["pop"]),
        unit="city",
        time="year",
        value="gdppc",
        group="province",
        weights={"population": "pop", "GDP": "gdp", "unweighted": None},
    )


def _wide(df):
    return df.pivot(index="city", columns="year", values="gdppc")


def ref_sigma(df):
    """inequality: Gini, Theil and TheilD (province decomposition) year by year."""
    from inequality.gini import Gini
    from inequality.theil import Theil, TheilD

    wide = _wide(df)
    prov = df.groupby("city")["province"].first().reindex(wide.index).to_numpy()
    y = wide.to_numpy()
    gini = np.array([Gini(y[:, j]).g for j in range(y.shape[1])])
    theil = np.array([Theil(y[:, j]).T for j in range(y.shape[1])])
    between = np.array([float(np.ravel(TheilD(y[:, j], prov).bg)[0]) for j in range(y.shape[1])])
    return gini, theil, between


def ref_theil(df):
    """inequality: TheilD between and within parts (unweighted) year by year."""
    from inequality.theil import TheilD

    wide = _wide(df)
    prov = df.groupby("city")["province"].first().reindex(wide.index).to_numpy()
    y = wide.to_numpy()
    parts = [TheilD(y[:, j], prov) for j in range(y.shape[1])]
    return (
        np.array([float(np.ravel(d.bg)[0]) for d in parts]),
        np.array([float(np.ravel(d.wg)[0]) for d in parts]),
    )


def ref_beta(df):
    """statsmodels OLS of annual log growth on the initial log level."""
    import statsmodels.api as sm

    y = _wide(df).to_numpy()
    x = np.log(y[:, 0])
    g = (np.log(y[:, -1]) - x) / (df["year"].max() - df["year"].min())
    ols = sm.OLS(g, sm.add_constant(x)).fit()
    return ols.params[1], ols.bse[1]


def ref_markov(df):
    """giddy Markov on mapclassify quintiles of each year."""
    import mapclassify as mc
    from giddy.markov import Markov

    y = _wide(df).to_numpy()
    q = np.array([mc.Quantiles(y[:, j], k=5).yb for j in range(y.shape[1])]).T
    mk = Markov(q, summary=False)
    return mk.transitions, mk.p, mk.steady_state


def main():
    warnings.simplefilter("ignore")
    for label, df in (("simulated", simulate()), ("china (shipped data)", china_panel())):
        run(label, df)


def run(label: str, df: pd.DataFrame) -> None:
    pairs = {
        "sigma": (nb_sigma, ref_sigma),
        "beta": (nb_beta, ref_beta),
        "markov": (nb_markov, ref_markov),
    }
    rows, res = [], {}
    for name, (nb, ref) in pairs.items():
        nb(df), ref(df)  # warm up imports and caches: neither side pays one-off costs
        t_nb, out_nb = best_time(lambda nb=nb: nb(df))
        t_ref, out_ref = best_time(lambda ref=ref: ref(df))
        res[name] = (out_nb, out_ref)
        rows.append({"task": name, "nanbei_s": t_nb, "reference_s": t_ref, "speedup": t_ref / t_nb})
    # the three together, end to end, timed as one unit on each side
    t_nb, _ = best_time(lambda: [nb(df) for nb, _ in pairs.values()])
    t_ref, _ = best_time(lambda: [ref(df) for _, ref in pairs.values()])
    rows.append(
        {
            "task": "sigma+beta+markov",
            "nanbei_s": t_nb,
            "reference_s": t_ref,
            "speedup": t_ref / t_nb,
        }
    )
    nb_theil(df), ref_theil(df)
    t_th, th = best_time(lambda: nb_theil(df))
    t_th_ref, (bg, wg) = best_time(lambda: ref_theil(df))
    rows.append(
        {
            "task": "theil x3 weightings (ref: unweighted only)",
            "nanbei_s": t_th,
            "reference_s": t_th_ref,
            "speedup": t_th_ref / t_th,
        }
    )

    s, (gini, theil, between) = res["sigma"]
    b, (slope, se) = res["beta"]
    m, (trans, p, ss) = res["markov"]
    checks = {
        "gini": np.max(np.abs(s["gini"].to_numpy() / gini - 1)),
        "theil": np.max(np.abs(s["theil"].to_numpy() / theil - 1)),
        "theil_between": np.max(np.abs(s["theil_between"].to_numpy() / between - 1)),
        "theil x3: between": np.max(
            np.abs(th.component("between")["unweighted"].to_numpy() / bg - 1)
        ),
        "theil x3: within": np.max(
            np.abs(th.component("within")["unweighted"].to_numpy() / wg - 1)
        ),
        "markov transitions": np.max(np.abs(m.transitions.to_numpy() - trans)),
        "markov p": np.max(np.abs(m.p.to_numpy() - p)),
        "steady state": np.max(np.abs(m.steady_state.to_numpy() / ss - 1)),
        "beta slope": abs(b.slope / slope - 1),
        "beta se": abs(b.se / se - 1),
    }

    try:
        from nanbei.convergence.clubs import clubs
    except ModuleNotFoundError as exc:  # the clubs module is not written yet
        if exc.name != "nanbei.convergence.clubs":
            raise
        clubs = None
    if clubs is not None:
        t_cl, _ = best_time(lambda: clubs(df, unit="city", time="year", value="gdppc"), repeat=2)
        rows.append(
            {
                "task": "clubs (Phillips-Sul)",
                "nanbei_s": t_cl,
                "reference_s": np.nan,
                "speedup": np.nan,
            }
        )
    from nanbei.convergence import beta_panel

    t_bp, bp = best_time(
        lambda: beta_panel(df, unit="city", time="year", value="gdppc", window=5, n_boot=9999),
        repeat=2,
    )
    rows.append(
        {
            "task": "beta_panel (9999 wild draws)",
            "nanbei_s": t_bp,
            "reference_s": np.nan,
            "speedup": np.nan,
        }
    )
    table = pd.DataFrame(rows)

    print(
        f"\n== {label} panel: {df['city'].nunique()} cities x {df['year'].nunique()} years; best of "
        f"{REPEAT} runs (clubs, beta_panel: best of 2)"
    )
    with pd.option_context("display.float_format", "{:.4f}".format, "display.width", 120):
        print(table.to_string(index=False))
    print("\nAgreement with the reference packages (max relative / absolute difference):")
    for k, v in checks.items():
        print(f"  {k:<20s} {v:.2e}")
    ok = all(v < 1e-8 for v in checks.values())
    print("numbers agree:", ok)
    print(f"target sigma+beta+markov < 1 s: {'met' if t_nb < 1 else 'NOT met'} ({t_nb:.3f} s)")
    print(
        f"beta slope {b.slope:.5f}, speed {b.speed:.4f}; panel slope {bp.slope:.5f}, "
        f"wild p {bp.p_value_wild:.4f}"
    )

    for row in table.itertuples():
        task = f"{row.task}, {label} panel"
        if np.isfinite(row.reference_s):
            record(task, row.nanbei_s, row.reference_s, REFERENCES[row.task], agree=ok)
        else:  # no reference package: machine-neutral against the calibration workload
            record_calibrated(task, row.nanbei_s)
    out = results_dir()
    name = "bench_convergence.csv" if label == "simulated" else "bench_convergence_china.csv"
    table.assign(panel=label, numbers_agree=ok).to_csv(out / name, index=False)
    if not ok:
        raise SystemExit("nanbei and reference results disagree")


if __name__ == "__main__":
    main()
