"""The claims ledger: each quantitative claim of the policy report, checked against the data.

The claims are data (``data/tidy/claims.csv``, transcribed from the report with a Chinese quote and
an English gloss).  :func:`evaluate` checks every claim that the shipped data can check and returns
one row per claim with a status:

``reproduced``
    the data give the claimed number (within the report's rounding or 1%) on a consistent basis;
``reproduced only on the official basis``
    the official series gives it, but a consistent population basis does not: the number rests on
    a change of definition (here the 2009 switch to resident population and the 2020 census);
``contradicted``
    the data give a different number;
``not testable``
    these data cannot check it; the row says why and which data would.

Every status comes from a small function with a test for each branch (:func:`ratio_status`,
:func:`rank_status`); every number in the explanation is computed here, from shipped data.
Context figures from published sources (``data/tidy/claims_context.csv``) are listed beside the
claims they concern and never treated as checks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nanbei import data

STATUSES = ("reproduced", "reproduced only on the official basis", "contradicted", "not testable")
LEDGER_COLUMNS = [
    "claim_id",
    "claim_zh",
    "claim_en",
    "claimed",
    "unit",
    "status",
    "measured",
    "basis",
    "years",
    "cities",
    "explanation",
    "evidence",
]

#: Why a park-level claim cannot be checked with city statistics, and what would check it.
NOT_TESTABLE = {
    "parks_count": "no public list of the parks exists; the shipped roster is compiled from news pages "
    "and identifies {named} named parks (plus {uncertain} uncertain members). A list from "
    "the provincial development and reform commission or the commerce department would "
    "test it.",
    "parks_projects": "project counts are park-level administrative figures, not in any city statistics; "
    "the parks' own registers or the provincial assessment would test it.",
    "parks_revenue": "business revenue (业务总收入) is a park-level sales figure, not value added; it "
    "cannot be set against city GDP. Park accounts would test it.",
    "parks_fdi": "FDI is shipped by city for 2004–2012 only, not by park; park-level utilised FDI from the "
    "commerce department would test it.",
    "parks_growth": "'main indicators' are not named and are park-level; city data cannot isolate them.",
    "parks_jobs": "city statistics count persons employed in units, whose definition changes (1998, "
    "2013) and which cannot separate jobs created by the parks from others; park employment "
    "registers or firm-level data would test it.",
    "suzhou_suqian": "'flagship' and 'from blood transfusion to blood making' are judgements; whether "
    "the parks changed Suqian's growth is what notebook 02 estimates.",
}


def _decimals(value: float) -> int:
    text = f"{value:g}"
    return len(text.split(".")[1]) if "." in text else 0


def matches(claimed: float, measured: float, rel_tol: float = 0.01) -> bool:
    """True if ``measured`` rounds to ``claimed`` at the claim's printed precision (half a unit
    of its last digit), or lies within ``rel_tol`` of it (published ratios use yearbook
    populations that differ slightly from the ones implied by the panel)."""
    if measured is None or not np.isfinite(measured):
        return False
    half_unit = 0.5 * 10.0 ** (-_decimals(claimed))
    return bool(
        abs(measured - claimed) <= half_unit + 1e-12 or abs(measured / claimed - 1) <= rel_tol
    )


def ratio_status(claimed: float, official: float, consistent: float | None) -> str:
    """Status of a claimed ratio given the official-basis and a consistent-basis measurement.

    reproduced: both match (or only the official exists and it matches, with no consistent basis
    for that year); reproduced only on the official basis: the official matches, the consistent
    one does not; contradicted: the official does not match.
    """
    if not matches(claimed, official):
        return "contradicted"
    if consistent is None or not np.isfinite(consistent) or matches(claimed, consistent):
        return "reproduced"
    return "reproduced only on the official basis"


def rank_status(worst_rank: float, threshold: int) -> str:
    """Status of "all are among the top ``threshold``" given the worst rank of the group."""
    if worst_rank is None or not np.isfinite(worst_rank):
        return "not testable"
    return "reproduced" if worst_rank <= threshold else "contradicted"


def _row(claim: pd.Series, **fields) -> dict:
    out = {
        "claim_id": claim["claim_id"],
        "claim_zh": claim["claim_zh"],
        "claim_en": claim["claim_en"],
        "claimed": claim["value"],
        "unit": claim["unit"],
        "evidence": claim["evidence"],
        "basis": "",
        "years": "",
        "cities": "",
        "measured": np.nan,
    }
    out.update(fields)
    return out


def _ratio(claim, jiangsu, decomposition) -> dict:
    year = int(claim["year"])
    official = data.region_ratio(jiangsu, basis="official", allow_incomplete=True)
    registered = data.region_ratio(jiangsu, basis="registered", allow_incomplete=True)
    resident = data.region_ratio(jiangsu, basis="resident")
    off, reg = official.get(year, np.nan), registered.get(year, np.nan)
    gaps = official.attrs["missing_cities"].get(year, {})
    cities = (
        "all 13 cities"
        if not gaps
        else "; ".join(f"{r} without {', '.join(c)}" for r, c in gaps.items())
    )
    status = ratio_status(float(claim["value"]), off, reg)
    text = (
        f"Official basis (registered population until 2008, resident from 2009): {off:.2f}; "
        f"registered basis throughout: {reg:.2f}"
    )
    if year in resident.dropna().index:
        text += f"; census resident basis: {resident[year]:.2f}"
    if decomposition is not None and year == decomposition.attrs["end"]:
        parts = decomposition.set_index("component")
        shares = ", ".join(
            f"the {n.removeprefix('break ')} redefinition {r.share_of_total:.0%}"
            for n, r in parts.drop(["rest", "total"]).iterrows()
        )
        text += (
            f". Of the official fall {decomposition.attrs['start']}–{year}: {shares}; "
            f"the rest {parts.loc['rest', 'share_of_total']:.0%}"
        )
    return _row(
        claim,
        status=status,
        measured=round(float(off), 3),
        basis="official; registered",
        years=str(year),
        cities=cities,
        explanation=text + ".",
    )


def _gdp_rank(claim, china) -> dict:
    year = int(claim["year"])
    gdp = china.loc[
        (china["year"] == year) & china["gdp"].notna(), ["city_code", "gdp", "province_code"]
    ]
    gdp = gdp.assign(rank=gdp["gdp"].rank(ascending=False, method="min"))
    js = gdp[gdp["province_code"] == data.JIANGSU_PROVINCE_CODE]
    if len(js) < 13:
        return _row(
            claim,
            status="not testable",
            years=str(year),
            explanation=f"only {len(js)} of Jiangsu's 13 cities have GDP in {year}.",
        )
    worst, best = int(js["rank"].max()), int(js["rank"].min())
    status = rank_status(worst, int(claim["value"]))
    return _row(
        claim,
        status=status,
        measured=worst,
        basis="nominal GDP",
        years=str(year),
        cities="13 Jiangsu cities",
        explanation=(
            f"Ranked by {year} nominal GDP among the {len(gdp)} prefecture- and "
            f"province-level cities with GDP in the panel, Jiangsu's cities rank "
            f"{best} to {worst}. 'Top 100 cities' lists are also published on "
            "composite indices; this check uses GDP, the measure the panel has."
        ),
    )


def _weighted_cv(values: pd.Series, weights: pd.Series) -> float:
    # The population-weighted coefficient of variation, written out: the ledger needs one number
    # per province, and nanbei.convergence.sigma would compute every measure for every year.
    w = weights / weights.sum()
    mean = float((w * values).sum())
    return float(np.sqrt((w * (values - mean) ** 2).sum()) / mean)


def _balance(claim, china, top: int = 5, min_cities: int = 5) -> dict:
    year = int(claim["year"])
    pc = data.per_capita_panel(china[china["year"] == year], basis="official", prices="nominal")
    rows = {
        code: _weighted_cv(g["gdp_pc"], g["population"])
        for code, g in pc.groupby("province_code")
        if g["city_code"].nunique() >= min_cities
    }
    cv = pd.Series(rows).sort_values()
    if data.JIANGSU_PROVINCE_CODE not in cv.index:
        return _row(
            claim,
            status="not testable",
            years=str(year),
            explanation="Jiangsu lacks per-capita GDP for enough cities in that year.",
        )
    rank = int(cv.index.get_loc(data.JIANGSU_PROVINCE_CODE)) + 1
    status = rank_status(rank, top)
    return _row(
        claim,
        status=status,
        measured=rank,
        basis="official (resident population)",
        years=str(year),
        cities=f"{len(cv)} provinces with at least {min_cities} cities",
        explanation=(
            f"'One of the most balanced' is read as among the {top} provinces with the "
            f"lowest population-weighted coefficient of variation of city GDP per "
            f"capita in {year}: Jiangsu ranks {rank} of {len(cv)} (CV "
            f"{cv[data.JIANGSU_PROVINCE_CODE]:.3f}; lowest {cv.iloc[0]:.3f})."
        ),
    )


def _years_since_pairing(claim) -> dict:
    timeline = data.load_policy_timeline()
    pairing = timeline[timeline["event_en"].str.contains("pairings", case=False, na=False)]
    first = int(str(pairing["date"].min())[:4])
    report_year = int(claim["year"])
    years = report_year - first
    status = "reproduced" if years == int(claim["value"]) else "contradicted"
    return _row(
        claim,
        status=status,
        measured=years,
        years=f"{first}–{report_year}",
        explanation=(
            f"The five city pairings date from {first} (policy timeline); the report "
            f"was written in {report_year} (it cites the October 2022 Party Congress): "
            f"{years} years."
        ),
    )


def _roster_count(claim) -> dict:
    roster = data.load_parks()
    named = int((roster["membership"] == "named co-built park").sum())
    uncertain = int((roster["membership"] == "uncertain").sum())
    return _row(
        claim,
        status="not testable",
        measured=named,
        basis="parks roster",
        explanation=NOT_TESTABLE["parks_count"].format(named=named, uncertain=uncertain),
    )


def _jobs_context(claim) -> dict:
    # One computation of the jobs context: nanbei.employment's, also shown in notebook 03.
    from nanbei import employment

    ctx = employment.jobs_claim_context(float(claim["value"]))
    text = (
        NOT_TESTABLE["parks_jobs"] + " For scale: the claim is "
        f"{ctx['share_of_unit_employment']:.0%} of Subei's unit employment in {ctx['end']} and "
        f"{ctx['share_of_census_employed_2020']:.1%} of its employed persons in the 2020 census. "
        + ctx["verdict"]
    )
    return _row(
        claim,
        status="not testable",
        measured=round(float(ctx["growth_within_segments"]), 1),
        basis="unit employment (单位从业人员); census long form",
        years=f"{ctx['since']}–{ctx['end']}",
        cities="5 Subei cities",
        explanation=text,
    )


def _suzhou_suqian(claim) -> dict:
    roster = data.load_parks()
    park = roster[roster["park_zh"].str.startswith("苏州宿迁")]
    year = int(park["year"].iloc[0]) if len(park) else np.nan
    return _row(
        claim,
        status="not testable",
        measured=year,
        basis="parks roster",
        explanation=(
            f"The Suzhou–Suqian Industrial Park dates from {year} in the roster. "
            + NOT_TESTABLE["suzhou_suqian"]
        ),
    )


def evaluate(
    jiangsu: pd.DataFrame | None = None, china: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Check every claim in ``data/tidy/claims.csv``; return the ledger (:data:`LEDGER_COLUMNS`).

    ``jiangsu`` and ``china`` default to the shipped panels (quarantined values masked).
    """
    jiangsu = data.load_city_panel("jiangsu") if jiangsu is None else jiangsu
    china = data.load_city_panel("china") if china is None else china
    claims = data.load_claims()
    ratio_years = claims.loc[claims["check"] == "region_ratio", "year"].dropna().astype(int)
    decomposition = None
    if len(ratio_years):
        first, last = int(ratio_years.min()), int(ratio_years.max())
        definitional = data.declared_breaks(
            "Jiangsu",
            "gdp_pc_official",
            start=first,
            end=last,
            kinds=("definition", "rebenchmark"),
        )
        # The claims quote the official per-capita figures, so the breaks are split on that basis.
        decomposition = data.ratio_break_decomposition(
            jiangsu,
            start=first,
            end=last,
            break_years=tuple(definitional["first_year_affected"]),
            basis="official",
            allow_incomplete=True,
        )
    rows = []
    for _, claim in claims.iterrows():
        check = claim["check"]
        if check == "region_ratio":
            rows.append(_ratio(claim, jiangsu, decomposition))
        elif check == "gdp_rank":
            rows.append(_gdp_rank(claim, china))
        elif check == "balance_rank":
            rows.append(_balance(claim, china))
        elif check == "years_since_pairing":
            rows.append(_years_since_pairing(claim))
        elif check == "roster_count":
            rows.append(_roster_count(claim))
        elif check == "jobs_context":
            rows.append(_jobs_context(claim))
        elif check == "suzhou_suqian":
            rows.append(_suzhou_suqian(claim))
        elif check == "not_testable":
            reason = NOT_TESTABLE.get(claim["topic"], "not measurable with city statistics.")
            if claim["topic"] == "parks_count":
                reason = (
                    "the split by area is not published in any source found; "
                    "the roster cannot give it."
                )
            rows.append(_row(claim, status="not testable", explanation=reason))
        else:
            raise ValueError(f"claims.csv: unknown check {check!r} for claim {claim['claim_id']}")
    ledger = pd.DataFrame(rows)[LEDGER_COLUMNS]
    assert ledger["status"].isin(STATUSES).all()
    return ledger


def context_for(ledger: pd.DataFrame) -> pd.DataFrame:
    """Published context figures (with sources) for the claims' topics; never checks."""
    context = data.load_claims_context()
    topics = data.load_claims().set_index("claim_id")["topic"]
    wanted = set(topics[topics.index.isin(ledger["claim_id"])])
    return context[context["claim_topic"].isin(wanted)].reset_index(drop=True)
