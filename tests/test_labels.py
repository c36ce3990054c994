"""The label dictionary: complete in both languages, no fall-back, agreeing with the shipped data,
and every Chinese label renders with the bundled font."""

from __future__ import annotations

import string
import warnings

import matplotlib
import pytest

from nanbei import data, labels

matplotlib.use("Agg")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("table,key,names", labels.entries(), ids=lambda v: str(v)[:40])
def test_every_entry_exists_in_both_languages_and_in_the_right_script(table, key, names):
    en, zh = names["en"], names["zh"]
    assert en.strip() and zh.strip(), f"{table}[{key}] lacks a language"
    if en == zh:  # language-neutral (a symbol, a language's own name)
        return
    assert not labels.has_cjk(en), f"{table}[{key}] English label has Chinese text: {en!r}"
    if table != "UNITS" or labels.has_cjk(zh):
        assert labels.has_cjk(zh), f"{table}[{key}] Chinese label has no Chinese text: {zh!r}"
    assert _fields(en) == _fields(zh), f"{table}[{key}]: the two languages take different fields"


def test_a_missing_label_is_an_error_never_the_other_language():
    with pytest.raises(KeyError, match="gdp_pc"):
        labels.variable("gdp_pcc", "zh")  # suggests the close key
    with pytest.raises(KeyError):
        labels.text("no_such_phrase", "en")
    with pytest.raises(KeyError, match="Suzhou"):
        labels.city_code("Suzho")
    with pytest.raises(KeyError):
        labels.region("Sunan-ish", "en")
    with pytest.raises(ValueError, match="lang"):
        labels.city(320500, "fr")


def test_cities_agree_with_the_registry_and_the_boundaries():
    registry = data.load_cities().set_index("city_code")
    boundaries = data.load_boundaries("city").set_index("adcode")
    assert set(labels.CITIES) == set(registry.index[registry["province_code"] == 320000])
    for code, names in labels.CITIES.items():
        assert names["zh"] == registry.loc[code, "city_zh"] == boundaries.loc[code, "name"]
        assert names["region"] == registry.loc[code, "region"] == boundaries.loc[code, "region"]
    assert set(labels.REGIONS) == set(data.REGIONS)
    assert set(labels.BASES) == set(data.BASES)


@pytest.mark.parametrize(
    "name", [320800, "320800", "淮安", "淮安市", "Huai'an", "Huaian", "huai an", "HUAI’AN"]
)
def test_a_city_is_found_by_its_code_or_a_name_in_either_script(name):
    assert labels.city_code(name) == 320800


def test_registry_spellings_are_accepted_and_display_names_are_clean():
    assert labels.city_code("Taizhou city") == 321200
    assert labels.city(321200, "en") == "Taizhou"
    assert labels.city(320500, "zh") == "苏州"
    assert labels.city(320500, "zh", short=False) == "苏州市"
    assert labels.city(320700, "zh") == "连云港"
    assert labels.city(110000, "en") == "Beijing"  # other cities from the registry
    assert labels.region("苏北", "en") == "Subei" and labels.region("subei", "zh") == "苏北"
    assert labels.city_region("宿迁") == "Subei"


def test_variables_with_units_and_bases_and_prices():
    assert labels.variable("gdp_pc", "en", unit=True) == "GDP per capita (yuan)"
    assert labels.variable("gdp_pc", "zh", unit=True) == "人均GDP（元）"
    assert labels.variable("theil", "zh") == "泰尔指数"
    assert labels.unit("population", "zh") == "万人"
    assert labels.variable("cv", "en", unit=True) == "coefficient of variation"  # no unit
    assert (
        "2009" in labels.basis("official", "zh") and labels.basis("registered", "zh") == "户籍人口"
    )
    assert labels.prices("real", "en", base_year=2005) == "2005 prices (provincial CPI)"
    assert labels.basis("resident", "en", short=True) == "resident"


@pytest.mark.parametrize("lang", labels.LANGS)
def test_plot_labels_cover_cities_regions_and_measures_in_one_language(lang):
    mapping = labels.plot_labels(lang)
    assert set(labels.CITIES) <= set(mapping) and {"Sunan", "theil_w", "cv"} <= set(mapping)
    other = "en" if lang == "zh" else "zh"
    own = [v for v in mapping.values() if v not in ("GDP",)]
    if lang == "en":
        assert not any(labels.has_cjk(v) for v in own)
    else:
        assert all(labels.has_cjk(mapping[c]) for c in labels.CITIES)
        assert not set(labels.cities(other).values()) & set(mapping.values())


def test_a_result_plots_in_chinese_with_the_dictionary():
    import matplotlib.pyplot as plt

    from nanbei import convergence

    pc = data.per_capita_panel(
        data.load_city_panel("jiangsu"), basis="registered", prices="nominal"
    )
    pc = pc[pc["year"].between(2001, 2005)]
    res = convergence.sigma(pc, unit="city_code", time="year", value="gdp_pc", weight="population")
    ax = res.plot(labels=labels.plot_labels("zh"), lang="zh", measures=["cv", "theil_w"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["变异系数", "泰尔指数（人口加权）"]
    plt.close(ax.figure)


def test_every_chinese_label_renders_without_missing_glyphs(tmp_path):
    import matplotlib.pyplot as plt

    from nanbei import plotting

    texts = [names["zh"] for _, _, names in labels.entries()]
    texts = [t.replace("{", "(").replace("}", ")") for t in texts]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning
        with plotting.style():
            fig, ax = plt.subplots(figsize=(8, 40))
            for i, text in enumerate(texts):
                ax.text(0, i, text, fontsize=6)
            ax.set_ylim(-1, len(texts))
            fig.savefig(tmp_path / "labels.png", dpi=50)
    plt.close(fig)


def test_claim_statuses_are_those_of_the_claims_ledger():
    from nanbei import claims

    assert set(labels.STATUSES) == set(claims.STATUSES)
    assert labels.status("not testable", "zh") == "无法检验"
    with pytest.raises(KeyError, match="claim status"):
        labels.status("refuted", "en")


def test_every_column_of_the_panel_has_a_variable_label_in_both_languages():
    """Notebook 00 labels its coverage table and figure by variable: none may be missing."""
    columns = list(data.coverage(data.load_city_panel("jiangsu")).columns)
    zh, en = labels.variable_names(columns, "zh"), labels.variable_names(columns, "en")
    assert list(zh) == list(en) == columns
    assert all(labels.has_cjk(v) for v in zh.values())
    assert not any(labels.has_cjk(v) for v in en.values())
    assert labels.variable_names(["fdi"], "zh", unit=True) == {
        "fdi": "实际利用外商直接投资（万美元）"
    }


def test_column_headers():
    assert labels.column("status", "zh") == "结论" and labels.column("status", "en") == "status"
    with pytest.raises(KeyError, match="column"):
        labels.column("no_such_column", "en")


def test_provinces_agree_with_the_registry():
    from nanbei.plotting import short_place_name

    registry = data.load_cities().drop_duplicates("province_code").set_index("province_code")
    assert set(labels.PROVINCES) == set(registry.index)
    for code, names in labels.PROVINCES.items():
        assert names["en"] == short_place_name(registry.loc[code, "province_en"])
    assert labels.province(320000, "zh") == "江苏" and labels.province("370000", "en") == "Shandong"
    with pytest.raises(KeyError, match="province"):
        labels.province(990000, "zh")
