"""The explorer's callbacks as plain functions: choices, numbers, in-place redraws, controls."""

from __future__ import annotations

import dataclasses
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

from nanbei import data, explorer, labels

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def jiangsu():
    return data.load_city_panel("jiangsu")


@pytest.fixture(scope="module")
def shared(jiangsu):
    """One explorer for the tests that only read it (building one takes a second)."""
    return explorer.Explorer(jiangsu)


@pytest.fixture
def fresh(jiangsu):
    return explorer.Explorer(jiangsu)


# ---------------------------------------------------------------------------------- choices
def test_choices_are_normalised():
    c = explorer.validate(explorer.Choices(numerator="苏南", denominator="subei", cities=()))
    assert (c.numerator, c.denominator) == ("Sunan", "Subei")
    assert c.cities == tuple(sorted(labels.CITIES)) and c.map_year == c.end_year == 2021
    c = explorer.validate(
        explorer.Choices(
            level="cities", numerator="苏州", denominator="Suqian", cities=("Wuxi", 320100, "南京")
        )
    )
    assert (c.numerator, c.denominator, c.cities) == (320500, 321300, (320100, 320200))


@pytest.mark.parametrize(
    "changes,match",
    [
        ({"basis": "hukou"}, "basis must be one of"),
        ({"prices": "real2000"}, "prices must be one of"),
        ({"measure": "variance"}, "measure must be one of"),
        ({"numerator": "Subei"}, "same"),
        ({"numerator": "Suzhou"}, "level='regions'"),  # a city where a region is expected
        ({"cities": ("Suzhou",)}, "at least two cities"),
        ({"cities": ("Suzhou", "Atlantis")}, "cities: .*Atlantis"),
        ({"start_year": 2021}, "must be before"),
        ({"lang": "fr"}, "lang"),
    ],
)
def test_bad_choices_say_what_is_wrong(changes, match):
    with pytest.raises(ValueError, match=match):
        explorer.validate(dataclasses.replace(explorer.Choices(), **changes))


def test_switching_level_picks_a_pair_of_that_level():
    c = explorer.change(explorer.validate(explorer.Choices()), level="cities")
    assert (c.numerator, c.denominator) == explorer.DEFAULT_CITIES
    c = explorer.change(c, level="regions")
    assert (c.numerator, c.denominator) == explorer.DEFAULT_REGIONS
    c = explorer.change(c, years=(2005, 2015))
    assert (c.start_year, c.end_year) == (2005, 2015)
    with pytest.raises(ValueError, match="unknown choice"):
        explorer.change(c, colour="red")


# ---------------------------------------------------------------------------------- numbers
def test_region_ratio_is_the_data_layer_ratio(jiangsu):
    c = explorer.validate(explorer.Choices(basis="official", start_year=2005, end_year=2015))
    ratio = explorer.gap_ratio(jiangsu, c)
    expected = data.region_ratio(jiangsu, "Sunan", "Subei", basis="official").loc[2005:2015]
    assert np.allclose(ratio, expected) and list(ratio.index) == list(range(2005, 2016))


def test_city_ratio_is_the_ratio_of_per_capita_gdp(jiangsu):
    c = explorer.validate(
        explorer.Choices(level="cities", numerator="Suzhou", denominator="Suqian")
    )
    ratio = explorer.gap_ratio(jiangsu, c)
    pc = jiangsu.assign(pc=data.per_capita(jiangsu, basis="registered")).pivot(
        index="year", columns="city_code", values="pc"
    )
    assert np.allclose(ratio, (pc[320500] / pc[321300]).loc[2001:2021])


def test_prices_leave_ratios_and_scale_free_inequality_unchanged(jiangsu):
    for measure in ("theil", "gini", "cv", "sd_log"):
        real = explorer.compute(jiangsu, explorer.Choices(prices="real", measure=measure))
        nominal = explorer.compute(jiangsu, explorer.Choices(prices="nominal", measure=measure))
        assert np.allclose(real.ratio, nominal.ratio)
        pd.testing.assert_frame_equal(real.dispersion, nominal.dispersion, rtol=1e-9)
        assert ("note_prices_cancel", {}) in real.notes


def test_theil_splits_into_between_and_within(jiangsu):
    view = explorer.compute(jiangsu, explorer.Choices(measure="theil", weighted=True))
    d = view.dispersion
    assert np.allclose(d["between"] + d["within"], d["value"])
    assert d.attrs["column"] == "theil_w"
    unweighted = explorer.compute(jiangsu, explorer.Choices(measure="theil", weighted=False))
    assert unweighted.dispersion.attrs["column"] == "theil"
    assert not np.allclose(unweighted.dispersion["value"], d["value"])


def test_one_region_has_no_split_and_says_so(jiangsu):
    subei = [c for c, n in labels.CITIES.items() if n["region"] == "Subei"]
    view = explorer.compute(jiangsu, explorer.Choices(cities=tuple(subei)))
    assert "between" not in view.dispersion
    assert ("note_no_region_split", {}) in view.notes
    assert "同一区域" in view.summary("zh")


def test_measures_without_weights_and_incomplete_years_are_noted(jiangsu):
    view = explorer.compute(jiangsu, explorer.Choices(measure="sd_log", start_year=1995))
    keys = [k for k, _ in view.notes]
    assert "note_unweighted" in keys and "note_years_dropped" in keys
    assert view.dispersion.index.min() == 2001  # Huai'an has no GDP before 2001
    assert "standard deviation of logs has no population-weighted form" in view.summary("en")
    assert "对数标准差没有人口加权形式" in view.summary("zh")


def test_official_basis_marks_its_breaks(jiangsu):
    view = explorer.compute(jiangsu, explorer.Choices(basis="official"))
    assert view.breaks == [2009, 2020]
    assert [k for k, _ in view.notes][0] == "note_official_break"
    registered = explorer.compute(jiangsu, explorer.Choices(basis="registered"))
    assert registered.breaks == []


def test_resident_basis_shows_the_census_years_and_moves_the_map(jiangsu):
    view = explorer.compute(jiangsu, explorer.Choices(basis="resident", map_year=2021))
    assert list(view.ratio.index) == [2010, 2020]
    assert list(view.dispersion.index) == [2010, 2020]
    assert view.map_year == 2020 and view.choices.map_year == 2021  # asked year kept
    assert ("note_map_year", {"asked": 2021, "shown": 2020}) in view.notes
    with pytest.raises(ValueError, match="compares two years"):
        explorer.compute(
            jiangsu,
            explorer.Choices(
                basis="resident", map_measure="growth", start_year=2005, end_year=2015
            ),
        )


def test_map_values_follow_the_choices(jiangsu):
    from nanbei import maps

    view = explorer.compute(
        jiangsu, explorer.Choices(map_measure="growth", start_year=2005, map_year=2015)
    )
    expected = maps.city_values(
        jiangsu, "growth", 2015, basis="registered", prices="real", start=2005
    )
    pd.testing.assert_series_equal(view.map_values, expected)


def test_summary_and_table_are_computed_in_either_language(jiangsu):
    view = explorer.compute(jiangsu, explorer.Choices())
    ratio = view.ratio
    en, zh = view.summary("en"), view.summary("zh")
    assert f"{ratio.iloc[0]:.2f} in 2001 → {ratio.iloc[-1]:.2f} in 2021" in en
    assert f"2001年{ratio.iloc[0]:.2f}倍" in zh and "苏南/苏北" in zh
    assert not labels.has_cjk(en)
    table = view.table("zh")
    assert list(table.columns) == ["苏南/苏北", "泰尔指数（人口加权）", "区域间比重"]
    assert table.index.name == "年份"


# ----------------------------------------------------------------------------------- figure
def test_update_redraws_the_same_artists_in_place(fresh, jiangsu):
    e = fresh
    lines = (e.ratio_line, e.total_line, e.between_line)
    collection = e.map.collection
    view = e.update(basis="official")
    assert (e.ratio_line, e.total_line, e.between_line) == lines and e.map.collection is collection
    x, y = e.ratio_line.get_data()
    assert np.allclose(y, data.region_ratio(jiangsu, basis="official").loc[2001:2021])
    assert len(e.break_lines) == 2
    assert np.allclose(
        e.map.collection.get_array(), view.map_values.reindex(e.map.geo["key"]).to_numpy()
    )
    e.update(basis="registered")
    assert e.break_lines == [] and e.ax_ratio.get_legend() is None
    assert e.last_update_seconds > 0


def test_language_switch_relabels_everything(fresh, tmp_path):
    e = fresh
    e.update(lang="zh", level="cities")
    texts = [t.get_text() for t in e.fig.findobj(matplotlib.text.Text) if t.get_text().strip()]
    assert "苏州/宿迁人均GDP之比" in texts
    assert set(labels.cities("zh").values()) <= set(texts)
    english = set(labels.cities("en").values()) | {"total", "between regions", "year"}
    assert not english & set(texts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no missing glyph
        png = e.png()
        # nor when the figure is rendered outside the Nanbei style (matplotlib's default fonts)
        with matplotlib.rc_context(
            {"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}
        ):
            e.fig.savefig(tmp_path / "outside.png", dpi=50)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    e.update(lang="en")
    texts = [t.get_text() for t in e.fig.findobj(matplotlib.text.Text) if t.get_text().strip()]
    assert not [t for t in texts if labels.has_cjk(t)]


def test_axes_limits_follow_the_data(fresh):
    e = fresh
    e.update(measure="gini", basis="official", years=(1995, 2021))
    values = e.view.dispersion["value"]
    low, high = e.ax_dispersion.get_ylim()
    assert low == 0 and high >= values.max()
    low, high = e.ax_ratio.get_ylim()
    assert low <= e.view.ratio.min() and high >= e.view.ratio.max()


def test_layout_is_kept_until_texts_change(fresh, jiangsu, monkeypatch):
    e = fresh
    e.png()
    # no engine between layouts: savefig then draws once (any engine adds a layout draw)
    assert e.fig.get_layout_engine() is None
    positions = [ax.get_position().bounds for ax in e.fig.axes]
    key = e._layout_key
    e.update(basis="official")
    e.png()
    assert e._layout_key == key
    assert [ax.get_position().bounds for ax in e.fig.axes] == positions  # layout kept
    e.update(lang="zh")
    e.png()
    assert e._layout_key != key
    zh_positions = [ax.get_position().bounds for ax in e.fig.axes]
    assert zh_positions != positions  # Chinese texts: a new layout
    # back to English: the English layout is restored, not recomputed, and the image is the
    # one a new explorer draws
    e.update(lang="en", basis="registered")
    reference = explorer.Explorer(jiangsu).png()
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda *_: pytest.fail("relayout"))
    png = e.png()
    assert np.allclose([ax.get_position().bounds for ax in e.fig.axes], positions)
    assert png == reference


def test_a_bad_combination_keeps_the_view_and_returns_the_message(fresh):
    e = fresh
    before = e.view
    message = e.on_change("numerator", "Subei")
    assert "same" in message and e.view is before and e.message == message
    assert e.on_change("basis", "official") is None and e.view.choices.basis == "official"
    assert e.message is None


def test_show_and_refresh_replace_the_outputs_in_place(fresh, monkeypatch):
    import IPython.display

    shown = []

    class Handle:
        def __init__(self, obj):
            self.objects = [obj]

        def update(self, obj):
            self.objects.append(obj)

    def fake_display(obj, display_id=None, **_):
        shown.append(obj)
        return Handle(obj) if display_id else None

    monkeypatch.setattr(IPython.display, "display", fake_display)
    monkeypatch.setattr(explorer, "widgets_available", lambda: False)
    e = fresh
    assert e.show(with_controls=True) is None
    kinds = [type(o).__name__ for o in shown]
    assert kinds == ["Markdown", "Image", "Markdown"]  # the no-ipywidgets note, figure, summary
    assert "ipywidgets" in shown[0].data
    figure, summary = e._handles["figure"], e._handles["summary"]
    e.on_change("basis", "official")
    assert len(figure.objects) == 2 and figure.objects[1].data != figure.objects[0].data
    assert "2009" in summary.objects[1].data
    e.on_change("numerator", "Subei")  # refused: the message goes into the summary
    assert summary.objects[-1].data.startswith("**numerator and denominator are the same")


# --------------------------------------------------------------------------------- controls
def test_control_specs_follow_the_choices_and_the_language():
    specs = {s.name: s for s in explorer.control_specs(explorer.Choices())}
    assert set(specs) == {
        "level",
        "numerator",
        "denominator",
        "cities",
        "years",
        "basis",
        "prices",
        "measure",
        "weighted",
        "map_measure",
        "map_year",
        "lang",
    }
    assert [v for _, v in specs["numerator"].options] == ["Sunan", "Suzhong", "Subei"]
    assert specs["years"].value == (2001, 2021)
    assert [v for _, v in specs["basis"].options] == list(data.BASES)
    zh = {
        s.name: s
        for s in explorer.control_specs(
            explorer.Choices(level="cities", numerator="Suzhou", denominator="Suqian", lang="zh")
        )
    }
    assert zh["numerator"].options[0] == ("南京", 320100) and zh["numerator"].value == 320500
    assert zh["basis"].description == "人口口径"
    for spec in zh.values():
        assert all(
            labels.has_cjk(label) or label in ("English", "中文") for label, _ in spec.options
        ), spec.name
        assert spec.kind in ("toggle", "dropdown", "multiselect", "range", "slider", "checkbox")


def test_without_ipywidgets_there_are_no_controls(fresh, monkeypatch):
    monkeypatch.setattr(explorer, "widgets_available", lambda: False)
    assert explorer.controls(fresh) is None


def test_widgets_drive_the_callbacks(fresh):
    pytest.importorskip("ipywidgets", reason="ipywidgets is not installed (optional)")
    e = fresh
    box = explorer.controls(e)
    items = box._nanbei_items
    items["basis"].value = "official"
    assert e.view.choices.basis == "official" and len(e.break_lines) == 2
    items["level"].value = "cities"  # the pair's options become cities
    assert e.view.choices.numerator == 320500
    assert [v for _, v in items["numerator"].options][0] == 320100  # synced by the callback
    items["numerator"].value = 321300  # same as the denominator: refused, shown in the status
    assert "same" in box._nanbei_status.value and e.view.choices.numerator == 320500
    items["lang"].value = "zh"
    assert (
        items["basis"].description == "人口口径"
        and e.ax_ratio.get_title() == "苏州/宿迁人均GDP之比"
    )


def test_the_interactive_map_follows_the_view_and_is_rebuilt_only_when_it_changes(
    fresh, monkeypatch
):
    import IPython.display
    from matplotlib.colors import to_hex

    class Handle:
        def __init__(self, obj):
            self.objects = [obj]

        def update(self, obj):
            self.objects.append(obj)

    monkeypatch.setattr(IPython.display, "display", lambda obj, display_id=None, **_: Handle(obj))
    e = fresh
    e.show(with_map=True)
    shown = e._handles["map"].objects
    assert type(shown[0]).__name__ == "Map"
    features = shown[0].nanbei_layers["values"].data["features"]
    assert len(features) == 13
    # the same colours as the figure's map panel
    fills = {f["properties"]["key"]: f["properties"]["fill"] for f in features}
    assert all(fills[code] == to_hex(e.map.facecolor(code)) for code in labels.CITIES)
    e.on_change("measure", "gini")  # the map does not depend on it: not rebuilt
    assert len(shown) == 1
    e.on_change("basis", "official")  # new map values: rebuilt
    assert len(shown) == 2
    e.on_change("lang", "zh")  # new language: rebuilt, tooltips in Chinese
    assert len(shown) == 3
    names = {f["properties"]["name"] for f in shown[-1].nanbei_layers["values"].data["features"]}
    assert names == set(labels.cities("zh").values())
