"""Competing-policy exclusion rules (nanbei.effects.donors) on the shipped, sourced table."""

from __future__ import annotations

import pandas as pd
import pytest

from nanbei import data, effects

ANHUI_PAIRED = {341200, 341600, 341300, 340100, 340200, 340500}


def test_shipped_table_is_sourced_and_consistent():
    t = data.load_competing_policies()
    assert t["source_url"].notna().all()
    timeline = data.load_policy_timeline()
    for _, r in t.drop_duplicates(["timeline_date", "timeline_key"]).iterrows():
        hit = timeline[
            (timeline["date"] == r["timeline_date"])
            & timeline["event_en"].str.contains(r["timeline_key"], regex=False)
        ]
        assert len(hit) == 1 and hit["source_url"].iloc[0] == r["source_url"]
    cities = data.load_cities().set_index("city_code")
    assert (cities.loc[t["city_code"], "province_en"].to_numpy() == t["province_en"]).all()
    # the policies the issue names
    assert {"zj_shanhai", "ah_wanbei_pairing", "ah_wanbei_parks", "yrd_2010", "yrd_2013"} <= set(
        t["policy_id"]
    )
    assert set(t.loc[t["policy_id"] == "yrd_2010", "city_code"]) >= {320800, 320900}
    assert set(t.loc[t["policy_id"] == "yrd_2013", "city_code"]) >= {320300, 321300, 320700}


def test_window_decides_which_policies_count():
    early = effects.competing_policy_cities(2001, 2005, kinds=["pairing", "cobuilt_parks"])
    assert set(early["policy_id"]) == {"zj_shanhai"}
    late = effects.competing_policy_cities(2001, 2018, kinds=["pairing", "cobuilt_parks"])
    assert ANHUI_PAIRED <= set(late["city_code"])
    assert "ndrc_wanbei_2021" not in set(late["policy_id"])


def test_rules_are_nested():
    candidates = data.load_cities().query(
        "province_en in ['Anhui', 'Zhejiang', 'Shandong', 'Henan']"
    )["city_code"]
    kept = {
        r: set(effects.donor_pool(candidates, r, 2001, 2018)[0]) for r in effects.EXCLUSION_RULES
    }
    assert kept["none"] == set(candidates)
    assert kept["any"] <= kept["similar+yrd"] <= kept["similar"] <= kept["none"]
    assert not (ANHUI_PAIRED & kept["similar"])
    _, excluded = effects.donor_pool(candidates, "similar", 2001, 2018)
    row = excluded.set_index("city_code").loc[341200]
    assert row["policy_id"] == "ah_wanbei_pairing" and "ah_wanbei_parks" in row["policies"]


def test_custom_table_and_errors():
    table = pd.DataFrame(
        {
            "city_code": [1, 2],
            "province_en": ["A", "B"],
            "city_zh": ["x", "y"],
            "policy_id": ["p", "q"],
            "kind": ["pairing", "regional_plan"],
            "role": ["recipient", "target_area"],
            "first_year": [2003, 2010],
            "source_url": ["u", "v"],
        }
    )
    kept, excluded = effects.donor_pool([1, 2, 3], "similar", 2000, 2008, table=table)
    assert kept == [2, 3] and excluded["city_code"].tolist() == [1]
    assert effects.donor_pool([1, 2, 3], "any", 2000, 2009, table=table)[0] == [2, 3]
    with pytest.raises(ValueError, match="rule"):
        effects.donor_pool([1], "strict", 2000, 2008)
    with pytest.raises(ValueError, match="unknown kinds"):
        effects.competing_policy_cities(2000, 2008, kinds=["treaty"])
    with pytest.raises(ValueError, match="after"):
        effects.competing_policy_cities(2010, 2008)


def test_pool_estimates_in_a_table():
    from nanbei import table
    from nanbei.effects.did import simulate_staggered_panel

    p = simulate_staggered_panel(60, 6, cohorts=[4], effect=1.0, seed=0)
    p["d"] = ((p["cohort"] > 0) & (p["time"] >= p["cohort"])).astype(float)
    wb = effects.wild_cluster_bootstrap(
        p, y="y", x="d", fe=["unit", "time"], param="d", cluster="unit", n_boot=99
    )
    cs = effects.staggered_did(p, unit="unit", time="time", outcome="y", cohort="cohort")
    a = effects.PoolEstimates.from_results(
        "all", {"DiD": wb, "CS": cs.aggregate("simple")}, n_donors=40
    )
    b = effects.PoolEstimates.from_results("half", {"DiD": wb}, n_donors=20)
    assert a.tidy()["estimate"].tolist() == pytest.approx([wb.estimate, cs.aggregate("simple").att])
    out = table(a, b, model_heads=["all", "half"], format="dataframe")
    assert "DiD" in out["term"].tolist()
