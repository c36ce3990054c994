"""Choropleths: the values are the right numbers, every polygon's colour follows its value, and the
map is labelled in one language with every glyph present."""

from __future__ import annotations

import json
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

from nanbei import data, labels, maps, plotting

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import Normalize, to_rgba  # noqa: E402

DEFAULT_FONTS = {"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}


@pytest.fixture(scope="module")
def jiangsu():
    return data.load_city_panel("jiangsu")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(ax) -> list[str]:
    fig = ax.figure
    out = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return [t for t in out if t.strip()]


# ------------------------------------------------------------------------------------ values
def test_gdp_per_capita_on_any_basis_is_the_data_layer_number(jiangsu):
    for basis, year in (("registered", 2015), ("official", 2021), ("resident", 2010)):
        values = maps.city_values(jiangsu, "gdp_pc", year, basis=basis, prices="real")
        pc = data.per_capita_panel(jiangsu, basis=basis, prices="real")
        expected = pc[pc["year"] == year].set_index("city_code")["gdp_pc"]
        pd.testing.assert_series_equal(
            values.sort_index(), expected.sort_index(), check_names=False
        )
        assert values.attrs["basis"] == basis and values.attrs["level"] == "city"


def test_resident_basis_exists_in_census_years_only(jiangsu):
    with pytest.raises(ValueError, match="resident basis in 2015.*2010, 2020"):
        maps.city_values(jiangsu, "gdp_pc", 2015, basis="resident")


def test_gap_to_mean_averages_to_zero_with_population_weights(jiangsu):
    gap = maps.city_values(jiangsu, "gap_to_mean", 2021, basis="registered")
    pc = data.per_capita_panel(jiangsu, basis="registered", prices="nominal")
    pop = pc[pc["year"] == 2021].set_index("city_code")["population"]
    # provincial GDP per capita is the population-weighted mean of the cities'
    assert np.isclose((pop * (1 + gap / 100)).sum() / pop.sum(), 1.0)
    assert gap[320500] > 50 > 0 > gap[321300]  # Suzhou far above, Suqian below


def test_growth_and_gap_change_by_hand(jiangsu):
    pc = data.per_capita_panel(jiangsu, basis="registered", prices="real").pivot(
        index="year", columns="city_code", values="gdp_pc"
    )
    growth = maps.city_values(
        jiangsu, "growth", 2021, basis="registered", prices="real", start=2001
    )
    assert np.allclose(growth, 100 * np.log(pc.loc[2021] / pc.loc[2001]) / 20)
    change = maps.city_values(jiangsu, "gap_change", 2021, basis="registered", start=2001)
    raw = data.per_capita_panel(jiangsu, basis="registered", prices="nominal")
    mean = {
        y: (g["gdp_pc"] * g["population"]).sum() / g["population"].sum()
        for y, g in raw.groupby("year")
    }
    wide = raw.pivot(index="year", columns="city_code", values="gdp_pc")
    by_hand = 100 * (
        np.abs(np.log(wide.loc[2021] / mean[2021])) - np.abs(np.log(wide.loc[2001] / mean[2001]))
    )
    assert np.allclose(change.sort_index(), by_hand.sort_index())
    with pytest.raises(ValueError, match="give start="):
        maps.city_values(jiangsu, "growth", 2021)


def test_growth_on_the_official_basis_across_2009_carries_its_caveat(jiangsu):
    official = maps.city_values(jiangsu, "growth", 2021, basis="official", start=2001)
    assert [k for k, _ in official.attrs["notes"]] == ["note_growth_break"]
    consistent = maps.city_values(jiangsu, "growth", 2021, basis="registered", start=2001)
    assert consistent.attrs["notes"] == []


def test_county_values_sum_to_the_census_and_stay_in_range():
    census = data.load_census_counties()
    pop = maps.county_values("pop_resident", 2020)
    assert len(pop) == 72
    assert np.isclose(pop.sum() * 1e4, census.loc[census["year"] == 2020, "pop_resident"].sum())
    urban = maps.county_values("urban_share", 2010)
    assert urban.between(0, 100).all()
    assert maps.county_values("pop_growth").attrs["start"] == 2010
    ratio = maps.county_values("resident_per_registered", 2010)
    assert ratio.min() < 1 < ratio.max()  # migrants in, registered residents out
    with pytest.raises(ValueError, match="2010 census only"):
        maps.county_values("resident_per_registered", 2020)
    with pytest.raises(ValueError, match="census years"):
        maps.county_values("urban_share", 2015)
    shares = maps.county_values("emp_secondary_share", 2020)
    assert [k for k, _ in shares.attrs["notes"]] == ["note_sample_shares"]


def test_geometries_one_polygon_per_value():
    cities, units = maps.geometries("city"), maps.geometries("county")
    assert len(cities) == 13 and cities["key"].is_unique
    walk = data.load_census_crosswalk()
    assert set(units["key"]) == set(walk.loc[walk["source"] == "boundaries", "unit_id"])
    assert len(units) == 72 and units.geometry.is_valid.all()
    counties = data.load_boundaries("county")
    # the units cover the counties (the simplified polygons overlap by slivers, removed by the union)
    area = units.geometry.to_crs(32650).area.sum()
    assert np.isclose(area, counties.geometry.to_crs(32650).area.sum(), rtol=1e-4)


# ----------------------------------------------------------------------------------- colours
def test_each_polygon_is_coloured_by_its_value_sequential(jiangsu):
    values = maps.city_values(jiangsu, "gdp_pc", 2021, basis="registered")
    ax = maps.choropleth(values, lang="en")
    m = ax.nanbei_map
    assert len(m.collection.get_paths()) == 13
    cmap = matplotlib.colormaps[maps.SEQUENTIAL_CMAP]
    norm = Normalize(values.min(), values.max())
    for code, value in values.items():
        assert np.allclose(m.facecolor(code), cmap(norm(value))), code
    # the richest city gets the top of the scale, the poorest the bottom
    assert np.allclose(m.facecolor(values.idxmax()), cmap(1.0))
    assert np.allclose(m.facecolor(values.idxmin()), cmap(0.0))


def test_diverging_measures_are_centred_at_zero(jiangsu):
    gap = maps.city_values(jiangsu, "gap_to_mean", 2021, basis="registered")
    m = maps.choropleth(gap).nanbei_map
    cmap = matplotlib.colormaps[maps.DIVERGING_CMAP]
    half = np.abs(gap).max()
    for code, value in gap.items():
        assert np.allclose(m.facecolor(code), cmap(0.5 + value / (2 * half))), code
        red, _, blue, _ = m.facecolor(code)
        assert (red > blue) == (value > 0)


def test_ratio_measures_are_symmetric_in_logs_around_one():
    ratio = maps.county_values("resident_per_registered", 2010)
    m = maps.choropleth(ratio).nanbei_map
    norm = m.collection.norm
    r = max(ratio.max(), 1 / ratio.min())
    assert np.isclose(norm.vmax, r) and np.isclose(norm.vmin, 1 / r) and norm.vcenter == 1


def test_missing_values_are_grey_and_said_so_in_the_legend(jiangsu):
    values = maps.city_values(jiangsu, "gdp_pc", 2021).drop([320300])
    m = maps.choropleth(values, lang="zh").nanbei_map
    assert np.allclose(m.facecolor(320300), to_rgba(maps.MISSING_COLOR))
    legend = [t.get_text() for t in m.ax.get_legend().get_texts()]
    assert legend == ["苏南", "苏中", "苏北", "无数据"]
    m.update(maps.city_values(jiangsu, "gdp_pc", 2021))  # complete again: no "no data" entry
    assert [t.get_text() for t in m.ax.get_legend().get_texts()] == ["苏南", "苏中", "苏北"]


def test_update_recolours_the_same_polygons_in_place(jiangsu):
    m = maps.choropleth(maps.city_values(jiangsu, "gdp_pc", 2021)).nanbei_map
    collection, colorbar = m.collection, m.colorbar
    reversed_values = -maps.city_values(jiangsu, "gap_to_mean", 2021)
    reversed_values.attrs.update(measure="gap_to_mean")
    m.update(reversed_values)
    assert m.collection is collection and m.colorbar is colorbar
    assert np.allclose(m.collection.get_array(), reversed_values.reindex(m.geo["key"]).to_numpy())
    red, _, blue, _ = m.facecolor(321300)  # Suqian, now above "the mean"
    assert red > blue


def test_unknown_keys_are_refused(jiangsu):
    values = maps.city_values(jiangsu, "gdp_pc", 2021)
    values.loc[999999] = 1.0
    with pytest.raises(ValueError, match="no city polygon"):
        maps.choropleth(values)


# ---------------------------------------------------------------------- labels and legends
def test_colorbar_legend_and_regions_are_drawn(jiangsu):
    ax = maps.city_map(jiangsu, "gap_to_mean", 2021, lang="en")
    m = ax.nanbei_map
    assert m.colorbar is not None
    assert m.colorbar.ax.get_ylabel() == "gap to the provincial mean (%)"
    colours = {line.get_gid(): line.get_color() for line in m._region_lines}
    for region, colour in plotting.REGION_COLORS.items():
        assert colours[f"region-{region}"] == colour
    legend = m.ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Sunan", "Suzhong", "Subei"]


@pytest.mark.parametrize(
    "measure,extra",
    [
        ("gdp_pc", {}),
        ("growth", {"start": 2001}),
        ("gap_to_mean", {}),
        ("gap_change", {"start": 2001}),
    ],
)
def test_english_map_has_no_chinese_and_chinese_map_no_english_names(
    jiangsu, measure, extra, tmp_path, caplog
):
    en = _texts(
        maps.city_map(jiangsu, measure, 2021, basis="official", lang="en", parks=True, **extra)
    )
    assert not [t for t in en if labels.has_cjk(t)]
    assert set(labels.cities("en").values()) <= set(en)
    ax = maps.city_map(jiangsu, measure, 2021, basis="official", lang="zh", parks=True, **extra)
    # rendered in a session without the Nanbei style (matplotlib's default fonts): still no
    # missing glyph (a UserWarning, made an error here)
    with warnings.catch_warnings(), matplotlib.rc_context(DEFAULT_FONTS):
        warnings.simplefilter("error")
        ax.figure.savefig(tmp_path / "zh.png", dpi=60)
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]  # no font look-up noise
    zh = _texts(ax)
    assert set(labels.cities("zh").values()) <= set(zh)
    english_names = set(labels.cities("en").values()) | {"Sunan", "Suzhong", "Subei", "no data"}
    assert not english_names & set(zh)
    assert labels.has_cjk(ax.get_title()) and labels.has_cjk(ax.nanbei_map.colorbar.ax.get_ylabel())


def test_county_map_draws_72_units_with_park_hosts_and_city_names(tmp_path):
    ax = maps.county_map("pop_growth", 2020, lang="zh", parks=True)
    with warnings.catch_warnings(), matplotlib.rc_context(DEFAULT_FONTS):
        warnings.simplefilter("error")
        ax.figure.savefig(tmp_path / "county.png", dpi=60)
    m = ax.nanbei_map
    assert len(m.collection.get_paths()) == 72
    hosts = m._hatch
    assert hosts is not None and len(hosts.get_paths()) == len(maps._park_host_codes()) > 0
    assert "南北共建园区所在县区" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert "2010—2020年" in ax.get_title()
    assert set(labels.cities("zh").values()) <= set(_texts(ax))


def test_the_default_title_names_basis_and_prices(jiangsu):
    values = maps.city_values(jiangsu, "gdp_pc", 2021, basis="registered", prices="real")
    assert maps.default_title(values, "en") == (
        "GDP per capita, 2021\nregistered population, 2000 prices (provincial CPI)"
    )
    assert maps.default_title(values, "zh").startswith("2021年人均GDP\n户籍人口")


# ---------------------------------------------------------------------------- interactive map
def _features(m) -> list[dict]:
    return m.nanbei_layers["values"].data["features"]


def _fills(m) -> dict[int, str]:
    layer = m.nanbei_layers["values"]
    return {f["properties"]["key"]: layer.style_function(f)["fillColor"] for f in _features(m)}


def test_interactive_city_map_has_13_polygons_coloured_as_the_static_map(jiangsu):
    from matplotlib.colors import to_hex

    for measure in ("gdp_pc", "gap_to_mean"):
        values = maps.city_values(jiangsu, measure, 2021, basis="registered")
        m = maps.interactive_map(values, lang="en")
        fills = _fills(m)
        assert len(_features(m)) == 13 and set(fills) == set(labels.CITIES)
        static = maps.choropleth(values).nanbei_map
        for code in labels.CITIES:
            assert fills[code] == to_hex(static.facecolor(code)), (measure, code)
        html = m.get_root().render()
        assert all(colour in html for colour in fills.values())
    # and against the colour scale computed by hand (sequential, min to max)
    values = maps.city_values(jiangsu, "gdp_pc", 2021)
    cmap = matplotlib.colormaps[maps.SEQUENTIAL_CMAP]
    norm = Normalize(values.min(), values.max())
    fills = _fills(maps.interactive_map(values))
    for code, value in values.items():
        assert fills[code] == to_hex(cmap(norm(value))), code


def test_interactive_county_map_draws_95_counties_with_their_units_colour_and_park_hosts():
    from matplotlib.colors import to_hex

    values = maps.county_values("pop_growth", 2020)
    m = maps.interactive_map(values, "county", lang="zh", parks=True)
    features = _features(m)
    assert len(features) == 95
    static = maps.choropleth(values).nanbei_map
    walk = data.load_census_crosswalk()
    unit_of = walk[walk["source"] == "boundaries"].set_index("code")["unit_id"]
    fills = _fills(m)
    for f in features:
        county = f["properties"]["key"]
        assert f["properties"]["unit"] == unit_of[county]
        assert fills[county] == to_hex(static.facecolor(unit_of[county])), county
        assert np.isclose(f["properties"]["value"], values[unit_of[county]])
    # counties merged into one comparable unit share its colour
    merged = unit_of[unit_of.duplicated(keep=False)]
    assert len(merged) and all(
        len({fills[c] for c in group.index}) == 1 for _, group in merged.groupby(merged)
    )
    hosts = set(maps._park_host_codes())
    assert len(m.nanbei_layers["parks"].data["features"]) == len(hosts) > 0
    flagged = {
        f["properties"]["key"] for f in features if "南北共建园区" in f["properties"]["place"]
    }
    assert flagged == hosts


def test_interactive_tooltips_are_in_one_language():
    import folium

    values = maps.county_values("urban_share", 2020)
    jiangsu_panel = data.load_city_panel("jiangsu")
    city = maps.city_values(jiangsu_panel, "gap_to_mean", 2021)
    english_names = set(labels.cities("en").values()) | {"Sunan", "Suzhong", "Subei"}
    for v, level in ((city, "city"), (values, "county")):
        en = maps.interactive_map(v, level, lang="en")
        zh = maps.interactive_map(v, level, lang="zh")
        (tooltip,) = [
            c
            for c in en.nanbei_layers["values"]._children.values()
            if isinstance(c, folium.GeoJsonTooltip)
        ]
        assert tooltip.fields == ["name", "place", "shown"]
        en_rows = [[f["properties"][k] for k in ("name", "place", "shown")] for f in _features(en)]
        zh_rows = [[f["properties"][k] for k in ("name", "place", "shown")] for f in _features(zh)]
        assert not [r for r in en_rows if any(labels.has_cjk(t) for t in r)], level
        assert all(labels.has_cjk(t) for r in zh_rows for t in r[:2]), level
        assert not {w for r in zh_rows for t in r for w in english_names if w in t}, level
        en_text = " ".join(" ".join(r) for r in en_rows)
        assert all(name in en_text for name in labels.cities("en").values())
        if level == "city":
            assert {r[0] for r in zh_rows} == set(labels.cities("zh").values())
            assert {r[0] for r in en_rows} == set(labels.cities("en").values())
        # title, legend, colour-bar caption in the map's language
        zh_html = zh.get_root().render()
        assert "苏南" in zh_html and maps.default_title(v, "zh").split("\n")[0] in zh_html
        caption = labels.variable(v.attrs["measure"], "zh", unit=True)
        assert json.dumps(caption) in zh_html  # the colour bar's caption, in its script
    row = next(
        f["properties"]
        for f in _features(maps.interactive_map(city, lang="en"))
        if f["properties"]["key"] == 320500
    )
    assert row["shown"] == f"gap to the provincial mean (%): {city[320500]:.1f}"


def test_interactive_map_marks_missing_values_and_needs_no_tiles(jiangsu):
    from matplotlib.colors import to_hex

    values = maps.city_values(jiangsu, "gdp_pc", 2021).drop([320300])
    m = maps.interactive_map(values, lang="zh")
    row = next(f["properties"] for f in _features(m) if f["properties"]["key"] == 320300)
    assert row["value"] is None and row["shown"].endswith("无数据")
    assert _fills(m)[320300] == to_hex(maps.MISSING_COLOR)
    html = m.get_root().render()
    assert "openstreetmap" not in html.lower()  # no background tiles: builds and shows offline
    assert "nanbei-legend" in html and "无数据" in html
    with_tiles = maps.interactive_map(values, tiles="OpenStreetMap").get_root().render()
    assert "openstreetmap" in with_tiles.lower()


def test_interactive_map_refuses_bad_input(jiangsu):
    values = maps.city_values(jiangsu, "gdp_pc", 2021)
    with pytest.raises(ValueError, match="lang"):
        maps.interactive_map(values, lang="fr")
    with pytest.raises(ValueError, match="level must be"):
        maps.interactive_map(values, "province")
    unknown = values.copy()
    unknown.loc[999999] = 1.0
    with pytest.raises(ValueError, match="no city polygon"):
        maps.interactive_map(unknown)


def test_tooltip_numbers_are_formatted_by_size():
    assert maps.format_value(123456.7, "en") == "123,457"
    assert maps.format_value(53.21, "en") == "53.2"
    assert maps.format_value(-1.234, "zh") == "-1.23"
    assert maps.format_value(float("nan"), "zh") == "无数据"
    assert maps.format_value(float("nan"), "en") == "no data"
