"""Parks roster -> treatment cohorts and host counties, on hand-made and shipped rosters."""

import pandas as pd
import pytest

from nanbei import data, parks


def _roster():
    return pd.DataFrame(
        {
            "park_zh": ["A园", "B园", "C园", "D园", "E园"],
            "host_city": ["宿迁", "宿迁", "徐州", "徐州", "淮安"],
            "host_county": ["泗阳县 Siyang", "市级功能区", "丰县 Feng", None, "盱眙县"],
            "host_city_code": pd.array([321300, 321300, 320300, 320300, 320800], dtype="Int64"),
            "year": pd.array([2008, 2006, None, 2020, 2008], dtype="Int64"),
            "year_kind": ["approved", "founded", "not found", "agreement", "existing as of 2008"],
            "year_stated": [True, True, False, True, False],
            "membership": ["named co-built park"] * 4 + ["uncertain"],
        }
    )


def test_cohorts_by_rule():
    got = parks.park_cohorts(_roster()).set_index("host_city_code")
    # Suqian: earliest of 2006 and 2008; Xuzhou: only dated park 2020, one undated park.
    assert got.loc[321300, "cohort"] == 2006 and got.loc[321300, "park"] == "B园"
    assert got.loc[320300, "cohort"] == 2020 and got.loc[320300, "n_undated"] == 1
    assert 320800 not in got.index  # its only park is an uncertain member
    wider = parks.park_cohorts(_roster(), membership=("named co-built park", "uncertain"))
    assert wider.set_index("host_city_code").loc[320800, "cohort"] == 2008
    stated = parks.park_cohorts(_roster(), "first_stated", ("named co-built park", "uncertain"))
    assert 320800 not in set(stated["host_city_code"])  # "existing as of" is not a stated year


def test_cohort_bad_arguments():
    with pytest.raises(ValueError, match="rule must be one of"):
        parks.park_cohorts(_roster(), rule="earliest")
    with pytest.raises(ValueError, match="unknown membership"):
        parks.park_cohorts(_roster(), membership=("member",))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("泗阳县 Siyang County", "泗阳县"),
        ("大丰区 Dafeng District", "大丰区"),
        ("泰兴市 (黄桥镇)", "泰兴市"),
        ("市级功能区 (county not stated)", None),
        (None, None),
    ],
)
def test_county_name(text, expected):
    assert parks.county_name(text) == expected


def test_shipped_roster_cohorts_and_counties():
    roster = data.load_parks()
    cohorts = parks.park_cohorts(roster).set_index("host_city_code")
    # Zhangjiagang built a park in Suyu in 2002 (SIPAC, 2006-10-30, "10 Development Zones Under
    # Way in South-North Cooperation in Jiangsu"), before the provincial 2006 policy that the
    # Suzhou-Suqian Industrial Park (2006) belongs to: the first documented park year is 2002.
    assert cohorts.loc[321300, "cohort"] == 2002
    assert cohorts.loc[321300, "park"].startswith("张家港宿豫")
    suzhou_suqian = roster[roster["park_zh"].str.startswith("苏州宿迁")]
    assert suzhou_suqian["year"].item() == 2006
    assert set(roster["source_quality"]) <= {"primary", "press", "mirror"}
    matched = parks.host_counties(roster, data.load_boundaries("county"))
    siyang = matched[matched["park_zh"].str.startswith("吴江泗阳")]
    assert siyang["adcode"].item() == 321323
    counties = data.load_boundaries("county")
    assert counties["adcode"].isin(matched["adcode"].dropna()).sum() == matched["adcode"].nunique()
    # The Suzhou-Suqian park is a city-level zone, not a county: no polygon, not guessed.
    assert not matched.loc[matched["park_zh"].str.startswith("苏州宿迁"), "matched"].item()
