"""Choropleth maps of Jiangsu: per-capita GDP on any basis, growth and convergence measures for
the 13 cities, census measures for the county-level units.

Two steps, so that any number can be mapped:

* the values: :func:`city_values` (``gdp_pc`` on a declared population basis and price level,
  ``growth``, ``gap_to_mean``, ``gap_change``) or :func:`county_values` (census 2010 and 2020:
  ``pop_resident``, ``pop_growth``, ``urban_share``, ``resident_per_registered``,
  ``emp_secondary_share``, ``emp_tertiary_share``) return a Series indexed by city code or
  comparable-unit id, with what it is in ``attrs``;
* the map: :func:`choropleth` (or the :class:`ChoroplethMap` it builds, which redraws in place
  with new values) colours one polygon per value, with a colour bar, the three regions outlined
  in the colours of every other figure (:data:`nanbei.plotting.REGION_COLORS`), the cities named
  in ``lang`` ("en" or "zh", from :mod:`nanbei.labels`), missing values in grey and said so in
  the legend, optional park host counties hatched, and the caveats of the values as a footnote.

:func:`city_map` and :func:`county_map` do both steps in one call.

County data: the yearbook panel has no county GDP, so county maps show what the 2010 and 2020
censuses give.  County codes changed between the censuses, so the values are on the 72
*comparable units* of ``nanbei.data.load_census_crosswalk`` (each one or more of the 95 county
polygons whose outer boundary is the same in 2010 and 2020); the 95 county boundaries are drawn
thin underneath.

Polygons are drawn as one matplotlib collection whose colours come from the values through a
colour map and a norm (diverging and centred where a measure has a natural centre: 0 for gaps,
changes and population growth, 1 for resident per registered population), so the colour of a
polygon always follows its value, and an update only changes the collection's array.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from nanbei import labels
from nanbei.data.schema import BASES

__all__ = [
    "CITY_MEASURES",
    "COUNTY_MEASURES",
    "ChoroplethMap",
    "choropleth",
    "city_map",
    "city_values",
    "county_map",
    "county_values",
    "colour_scale",
    "colours",
    "format_value",
    "geometries",
    "interactive_map",
    "pin_fonts",
]

#: Measures of :func:`city_values`.
CITY_MEASURES = ("gdp_pc", "growth", "gap_to_mean", "gap_change")
#: Measures of :func:`county_values`.
COUNTY_MEASURES = (
    "pop_resident",
    "pop_growth",
    "urban_share",
    "resident_per_registered",
    "emp_secondary_share",
    "emp_tertiary_share",
)
#: Natural centre of a diverging colour scale, by measure.
CENTERS = {"gap_to_mean": 0.0, "gap_change": 0.0, "pop_growth": 0.0, "resident_per_registered": 1.0}
#: Measures that are ratios: their diverging scale is symmetric in logs around the centre.
RATIO_MEASURES = ("resident_per_registered",)
SEQUENTIAL_CMAP = "YlGnBu"
DIVERGING_CMAP = "RdBu_r"
MISSING_COLOR = "#d9d9d9"
CENSUS_YEARS = (2010, 2020)


# ------------------------------------------------------------------------------------ values
def _province_mean(pc: pd.DataFrame) -> pd.Series:
    """Provincial GDP per capita by year on the panel's basis: total GDP over total population
    of the cities present (each city's GDP is its per-capita GDP times its population)."""
    gdp = pc["gdp_pc"] * pc["population"]
    return gdp.groupby(pc["year"]).sum() / pc["population"].groupby(pc["year"]).sum()


def _official_break_years(start: int, end: int) -> list[int]:
    from nanbei.data import declared_breaks

    found = declared_breaks(
        "Jiangsu",
        "gdp_pc_official",
        start=start,
        end=end,
        kinds=("definition", "rebenchmark"),
    )
    return sorted(int(y) for y in found["first_year_affected"])


def _years_with_data(pc: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in pc["year"].unique())


def available_years(panel: pd.DataFrame, basis: str) -> list[int]:
    """Years in which every one of the panel's cities has per-capita GDP on ``basis``."""
    from nanbei.data import per_capita_panel

    pc = per_capita_panel(panel, basis=basis, prices="nominal")
    n = panel["city_code"].nunique()
    counts = pc.groupby("year")["city_code"].nunique()
    return sorted(int(y) for y in counts.index[counts == n])


def city_values(
    panel: pd.DataFrame,
    measure: str = "gdp_pc",
    year: int = 2021,
    *,
    basis: str = "registered",
    prices: str = "nominal",
    base_year: int = 2000,
    start: int | None = None,
) -> pd.Series:
    """One value per city (index ``city_code``) for a city choropleth.

    measure
        ``"gdp_pc"``: GDP per capita in ``year`` (yuan) on ``basis`` and ``prices``;
        ``"growth"``: average annual growth of GDP per capita from ``start`` to ``year``,
        100 × log change / years (% a year);
        ``"gap_to_mean"``: GDP per capita relative to the province's (total GDP over total
        population on the same basis), in percent above (+) or below (−) it;
        ``"gap_change"``: change from ``start`` to ``year`` of the distance to the provincial
        mean, 100 × (|ln(y/ȳ)| at ``year`` − |ln(y/ȳ)| at ``start``): negative where a city
        moved towards the mean (convergence), positive where it moved away.
    basis, prices, base_year
        as in :func:`nanbei.data.per_capita_panel`.  The resident basis exists only in the
        census years 2010 and 2020.

    ``attrs``: measure, level ("city"), year, start, basis, prices, base_year and ``notes``
    (``(key, fields)`` pairs of :data:`nanbei.labels.TEXT`, rendered in the map's language):
    a growth or change on the official basis that crosses its change of definition says so.
    Raises ValueError for an unknown measure, a year without data, or a missing ``start``.
    """
    from nanbei.data import per_capita_panel

    if measure not in CITY_MEASURES:
        raise ValueError(f"city_values: measure must be one of {CITY_MEASURES}, got {measure!r}")
    if basis not in BASES:
        raise ValueError(f"city_values: basis must be one of {BASES}, got {basis!r}")
    needs_start = measure in ("growth", "gap_change")
    if needs_start and start is None:
        raise ValueError(f"city_values: measure {measure!r} compares two years; give start=")
    # the first year of a comparison (unused by the one-year measures)
    first = year if start is None else int(start)
    if needs_start and not first < year:
        raise ValueError(f"city_values: start ({start}) must be before year ({year})")
    pc = per_capita_panel(panel, basis=basis, prices=prices, base_year=base_year)
    have = _years_with_data(pc)
    for y in [first, year] if needs_start else [year]:
        if y not in have:
            where = (
                f"only in {labels.join(have, 'en')}"
                if len(have) <= 3
                else f"in {have[0]}-{have[-1]}"
            )
            raise ValueError(
                f"city_values: no GDP per capita on the {basis} basis in {y}; "
                f"this panel has it {where}"
            )
    wide = pc.pivot(index="city_code", columns="year", values="gdp_pc")
    notes: list[tuple[str, dict]] = []
    if measure == "gdp_pc":
        values = wide[year]
    elif measure == "gap_to_mean":
        values = 100 * (wide[year] / _province_mean(pc)[year] - 1)
    else:
        if measure == "growth":
            values = 100 * (np.log(wide[year]) - np.log(wide[first])) / (year - first)
        else:
            mean = _province_mean(pc)
            values = 100 * (
                np.abs(np.log(wide[year] / mean[year])) - np.abs(np.log(wide[first] / mean[first]))
            )
        if basis == "official" and _official_break_years(first, year):
            notes.append(("note_growth_break", {"start": first, "end": year}))
    values = values.rename(measure)
    values.index = values.index.astype("int64")
    values.attrs.update(
        measure=measure,
        level="city",
        year=int(year),
        start=None if start is None else int(start),
        basis=basis,
        prices=prices,
        base_year=int(base_year),
        notes=notes,
    )
    return values


@cache
def _census_units() -> pd.DataFrame:
    from nanbei.data import load_census_counties

    cc = load_census_counties()
    cols = [
        "pop_resident",
        "pop_registered",
        "pop_urban",
        "emp_sample_total",
        "emp_sample_secondary",
        "emp_sample_tertiary",
    ]
    # min_count=1: a sum over missing values stays missing (2020 has no registered population)
    return cc.groupby(["year", "unit_id"])[cols].sum(min_count=1)


def county_values(
    measure: str = "urban_share", year: int = 2020, *, start: int = 2010
) -> pd.Series:
    """One value per comparable county-level unit (index ``unit_id``) from the 2010 and 2020
    censuses.

    measure
        ``"pop_resident"``: resident population in ``year`` (10k persons);
        ``"pop_growth"``: average annual growth of resident population from ``start`` to
        ``year`` (% a year);
        ``"urban_share"``: urban share of resident population in ``year`` (%);
        ``"resident_per_registered"``: resident over registered population, 2010 only (above 1
        where migrants without local hukou live, below 1 where registered residents left);
        ``"emp_secondary_share"``, ``"emp_tertiary_share"``: share of industry and construction,
        of services, in employment (%), estimated from the census long-form sample.
    """
    if measure not in COUNTY_MEASURES:
        raise ValueError(
            f"county_values: measure must be one of {COUNTY_MEASURES}, got {measure!r}"
        )
    if year not in CENSUS_YEARS:
        raise ValueError(
            f"county_values: county data exist for the census years {CENSUS_YEARS} "
            f"only, got year={year}"
        )
    if measure == "resident_per_registered" and year != 2010:
        raise ValueError(
            "county_values: registered population by county is in the 2010 census "
            "only; use year=2010"
        )
    units = _census_units()
    now = units.loc[year]
    notes: list[tuple[str, dict]] = []
    if measure == "pop_resident":
        values = now["pop_resident"] / 1e4
    elif measure == "pop_growth":
        if start not in CENSUS_YEARS or not start < year:
            raise ValueError(
                f"county_values: pop_growth compares two census years; start must be "
                f"2010 and year 2020, got start={start}, year={year}"
            )
        values = (
            100 * np.log(now["pop_resident"] / units.loc[start]["pop_resident"]) / (year - start)
        )
    elif measure == "urban_share":
        values = 100 * now["pop_urban"] / now["pop_resident"]
    elif measure == "resident_per_registered":
        values = now["pop_resident"] / now["pop_registered"]
    else:
        sector = "secondary" if measure == "emp_secondary_share" else "tertiary"
        values = 100 * now[f"emp_sample_{sector}"] / now["emp_sample_total"]
        notes.append(("note_sample_shares", {}))
    values = values.rename(measure).astype(float)
    values.index = values.index.astype("int64")
    values.attrs.update(
        measure=measure,
        level="county",
        year=int(year),
        start=int(start) if measure == "pop_growth" else None,
        basis=None,
        prices=None,
        base_year=None,
        notes=notes,
    )
    return values


# ------------------------------------------------------------------------------- geometries
@cache
def _geometries(level: str):
    from nanbei.data import load_boundaries, load_census_crosswalk

    if level == "city":
        gdf = load_boundaries("city")[["adcode", "name", "region", "geometry"]]
        return gdf.rename(columns={"adcode": "key"}).assign(city_code=lambda g: g["key"])
    if level == "county":
        counties = load_boundaries("county")
        walk = load_census_crosswalk()
        walk = walk[walk["source"] == "boundaries"].set_index("code")
        counties = counties.assign(
            unit_id=counties["adcode"].map(walk["unit_id"]).astype("int64"),
            city_code=counties["adcode"] // 100 * 100,
        )
        units = counties.dissolve(
            by="unit_id",
            aggfunc={"region": "first", "city_code": "first", "name": lambda n: "、".join(n)},
        )
        units = units.reset_index().rename(columns={"unit_id": "key"})
        return units[["key", "name", "region", "city_code", "geometry"]]
    if level == "county_polygons":
        gdf = load_boundaries("county")[["adcode", "name", "region", "geometry"]]
        return gdf.rename(columns={"adcode": "key"})
    if level == "regions":
        cities = load_boundaries("city")
        return cities.dissolve(by="region").reset_index()[["region", "geometry"]]
    raise ValueError(f"geometries: level must be 'city' or 'county', got {level!r}")


def geometries(level: str = "city"):
    """The polygons a map of ``level`` draws, one row per value: "city" (13 rows, ``key`` =
    city code) or "county" (72 comparable units, ``key`` = unit id, made of the 95 county
    polygons).  A copy: a GeoDataFrame with key, name, region, city_code, geometry."""
    if level not in ("city", "county"):
        raise ValueError(f"geometries: level must be 'city' or 'county', got {level!r}")
    return _geometries(level).copy()


def _polygon_path(geom):
    from matplotlib.path import Path

    polygons = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    parts = []
    for poly in polygons:
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
            codes[0], codes[-1] = Path.MOVETO, Path.CLOSEPOLY
            parts.append(Path(xy, codes))
    return Path.make_compound_path(*parts)


@cache
def _paths(level: str) -> tuple:
    return tuple(_polygon_path(g) for g in _geometries(level).geometry)


@cache
def _park_host_codes() -> tuple[int, ...]:
    from nanbei import parks
    from nanbei.data import load_boundaries, load_parks

    hosts = parks.host_counties(load_parks(), load_boundaries("county"))
    named = hosts[hosts["matched"] & (hosts["membership"] == "named co-built park")]
    return tuple(sorted(int(a) for a in named["adcode"].unique()))


# ------------------------------------------------------------------------------------ colours
def _aligned(values: pd.Series, keys: pd.Series, level: str) -> np.ma.MaskedArray:
    """``values`` in the order of ``keys``, masked where missing; keys without a polygon raise."""
    keys = keys.astype("int64")
    index = pd.Index(values.index).astype("int64")
    unknown = sorted(set(index) - set(keys))
    if unknown:
        raise ValueError(
            f"choropleth: {len(unknown)} key(s) have no {level} polygon, e.g. {unknown[:5]}"
        )
    v = pd.Series(values.to_numpy(dtype=float), index=index).reindex(keys).to_numpy()
    return np.ma.masked_invalid(v)


def colour_scale(
    data,
    measure=None,
    *,
    cmap=None,
    center: float | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
):
    """The norm and colour map that turn ``data`` (values of ``measure``; NaN or masked where
    missing) into colours, as every Nanbei map uses them: diverging and centred where the
    measure has a natural centre (:data:`CENTERS`, or ``center``), symmetric in logs for
    ratios, sequential otherwise; missing values get :data:`MISSING_COLOR`.  ``cmap`` (a name
    or a Colormap) replaces the default colour map.  Returns ``(norm, colormap)``."""
    import matplotlib as mpl
    from matplotlib.colors import Colormap, Normalize, TwoSlopeNorm

    data = np.ma.masked_invalid(np.ma.asarray(data, dtype=float))
    lo = vmin if vmin is not None else (data.min() if data.count() else 0.0)
    hi = vmax if vmax is not None else (data.max() if data.count() else 1.0)
    lo, hi = float(lo), float(hi)
    center = center if center is not None else CENTERS.get(str(measure))
    norm: Normalize
    if center is not None and measure in RATIO_MEASURES and lo > 0 and center > 0:
        # a ratio: symmetric in logs around the centre (0.5 is as far from 1 as 2)
        r = max(hi / center, center / lo, 1.01)
        norm = TwoSlopeNorm(vcenter=center, vmin=center / r, vmax=center * r)
    elif center is not None:
        half = max(abs(hi - center), abs(center - lo)) or 1.0
        norm = TwoSlopeNorm(vcenter=center, vmin=center - half, vmax=center + half)
    else:
        if hi == lo:
            lo, hi = lo - 0.5, hi + 0.5
        norm = Normalize(vmin=lo, vmax=hi)
    if cmap is None:
        cmap = DIVERGING_CMAP if center is not None else SEQUENTIAL_CMAP
    colormap = cmap if isinstance(cmap, Colormap) else mpl.colormaps[cmap]
    return norm, colormap.with_extremes(bad=MISSING_COLOR)


def colours(values: pd.Series, level: str | None = None, **scale) -> pd.Series:
    """Hex colour of each polygon of a map of ``values`` (index: the polygons' keys, city codes
    or unit ids, every polygon of ``level`` included): the colours of :func:`choropleth` and of
    :func:`interactive_map` for the same values.  ``scale``: cmap, center, vmin, vmax as in
    :func:`colour_scale`."""
    from matplotlib.colors import to_hex

    level = _level(values, level)
    keys = _geometries(level)["key"].astype("int64")
    data = _aligned(values, keys, level)
    norm, cmap = colour_scale(data, values.attrs.get("measure") or values.name, **scale)
    rgba = cmap(norm(data))
    return pd.Series([to_hex(c) for c in rgba], index=pd.Index(keys, name="key"), name="colour")


def _level(values: pd.Series, level: str | None) -> str:
    level = level or values.attrs.get("level") or "city"
    if level not in ("city", "county"):
        raise ValueError(f"choropleth: level must be 'city' or 'county', got {level!r}")
    return level


# ------------------------------------------------------------------------------------ drawing
def pin_fonts(*axes) -> None:
    """Give every text now on ``axes`` (titles, labels, annotations, legends, colour bars) the
    Nanbei font list by name.  Matplotlib resolves the generic family "sans-serif" when a figure
    is rendered, not when it is drawn, so a figure drawn inside :func:`nanbei.plotting.style` but
    shown after it (an inline figure, a later ``savefig``) would lose its Chinese glyphs; with the
    families named it renders in any session."""
    from matplotlib import font_manager
    from matplotlib.text import Text

    from nanbei import plotting

    installed = {f.name for f in font_manager.fontManager.ttflist}
    # only installed families: a named family that is missing is logged at every render
    families = [f for f in plotting.style_params()["font.sans-serif"] if f in installed]
    for ax in axes:
        if ax is None:
            continue
        for text in ax.findobj(Text):
            text.set_fontfamily(families)


def _notes_text(notes, lang: str) -> str:
    return " ".join(labels.text(key, lang, **fields) for key, fields in notes)


def default_title(values: pd.Series, lang: str) -> str:
    """Title of a map of ``values`` in ``lang``, from their ``attrs``: the measure and the
    year(s), then the basis and prices for per-capita GDP measures."""
    attrs = values.attrs
    measure = attrs.get("measure") or values.name
    try:
        what = labels.variable(measure, lang)
    except KeyError:
        what = str(measure)
    year, start = attrs.get("year"), attrs.get("start")
    if start is not None and year is not None:
        title = labels.text("in_years", lang, what=what, start=start, end=year)
    elif year is not None:
        title = labels.text("in_year", lang, what=what, year=year)
    else:
        title = what
    if attrs.get("basis"):
        detail = [labels.basis(attrs["basis"], lang)]
        if measure in ("gdp_pc", "growth"):
            detail.append(labels.prices(attrs["prices"], lang, attrs.get("base_year", 2000)))
        title += "\n" + labels.join(detail, lang)
    return title[:1].upper() + title[1:] if lang == "en" else title


class ChoroplethMap:
    """A choropleth on a matplotlib Axes that can be redrawn in place (:meth:`update`).

    Parameters
    ----------
    values : Series indexed by city code (``level="city"``) or unit id (``"county"``), e.g.
        from :func:`city_values` / :func:`county_values` (whose ``attrs`` give the title, the
        colour-bar label and the notes).  Keys without a polygon raise; polygons without a
        value are grey ("no data").
    level : "city" or "county"; default from ``values.attrs["level"]``, else "city".
    ax : Axes to draw on (a new figure if None).
    lang : "en" or "zh": city names, legend, title, colour bar and notes.
    cmap, center, vmin, vmax : colour map and scale; ``center`` (default from :data:`CENTERS`
        for the measure) gives a diverging map centred there.
    title, label : title and colour-bar label (default: from the values' attrs).
    annotate : name the 13 cities.  regions : outline Sunan/Suzhong/Subei in their colours.
    parks : hatch the host counties of named co-built parks.  colorbar, legend, notes: draw them.
    """

    def __init__(
        self,
        values: pd.Series,
        level: str | None = None,
        *,
        ax=None,
        lang: str = "en",
        cmap=None,
        center: float | None = None,
        vmin=None,
        vmax=None,
        title: str | None = None,
        label: str | None = None,
        annotate: bool = True,
        regions: bool = True,
        parks: bool = False,
        colorbar: bool = True,
        legend: bool = True,
        notes: bool = True,
        figsize=(7, 6.5),
    ):
        import matplotlib.pyplot as plt
        from matplotlib.collections import PatchCollection
        from matplotlib.patches import PathPatch

        from nanbei import plotting

        labels.check_lang(lang)
        self.level = level or values.attrs.get("level") or "city"
        if self.level not in ("city", "county"):
            raise ValueError(f"choropleth: level must be 'city' or 'county', got {self.level!r}")
        self.lang = lang
        self._options = dict(
            cmap=cmap, center=center, vmin=vmin, vmax=vmax, title=title, label=label
        )
        self._flags = dict(
            annotate=annotate, regions=regions, parks=parks, legend=legend, notes=notes
        )
        self.geo = _geometries(self.level)
        with plotting.style():
            if ax is None:
                _, ax = plt.subplots(figsize=figsize)
            self.ax = ax
            self.collection = PatchCollection(
                [PathPatch(p) for p in _paths(self.level)],
                edgecolor="white",
                linewidth=0.4,
                zorder=1,
            )
            self.collection.set_gid("nanbei-choropleth")
            ax.add_collection(self.collection)
            if self.level == "county":
                # the 95 county boundaries inside the comparable units, thin
                inner = PatchCollection(
                    [PathPatch(p) for p in _paths("county_polygons")],
                    facecolor="none",
                    edgecolor="white",
                    linewidth=0.2,
                    zorder=1.5,
                )
                ax.add_collection(inner)
            self._region_lines = []
            if regions:
                for _, row in _geometries("regions").iterrows():
                    boundary = row.geometry.boundary
                    lines = list(boundary.geoms) if hasattr(boundary, "geoms") else [boundary]
                    for line in lines:
                        xy = np.asarray(line.coords)
                        (artist,) = ax.plot(
                            xy[:, 0],
                            xy[:, 1],
                            color=plotting.REGION_COLORS[row["region"]],
                            linewidth=1.6,
                            zorder=3,
                        )
                        artist.set_gid(f"region-{row['region']}")
                        self._region_lines.append(artist)
            self._hatch = None
            if parks:
                codes = set(_park_host_codes())
                county = _geometries("county_polygons")
                paths = [
                    p
                    for p, k in zip(_paths("county_polygons"), county["key"], strict=True)
                    if k in codes
                ]
                self._hatch = PatchCollection(
                    [PathPatch(p) for p in paths],
                    facecolor="none",
                    edgecolor="#333333",
                    hatch="////",
                    linewidth=0.6,
                    zorder=2,
                )
                self._hatch.set_gid("nanbei-park-hosts")
                ax.add_collection(self._hatch)
            self._names = []
            if annotate:
                import matplotlib.patheffects as pe

                cities = _geometries("city")
                for code, geom in zip(cities["key"], cities.geometry, strict=True):
                    point = geom.representative_point()
                    self._names.append(
                        (
                            int(code),
                            ax.annotate(
                                labels.city(code, lang),
                                (point.x, point.y),
                                ha="center",
                                va="center",
                                fontsize=8,
                                zorder=4,
                                path_effects=[pe.withStroke(linewidth=2.2, foreground="white")],
                            ),
                        )
                    )
            minx, miny, maxx, maxy = self.geo.total_bounds
            pad = 0.02 * (maxx - minx)
            ax.set_xlim(minx - pad, maxx + pad)
            ax.set_ylim(miny - pad, maxy + pad)
            ax.set_aspect(1.15)  # ~1/cos(32°N): Jiangsu's shape in plain longitude/latitude
            ax.set_axis_off()
            self.colorbar = (
                ax.figure.colorbar(self.collection, ax=ax, shrink=0.65, pad=0.02)
                if colorbar
                else None
            )
            self._note = ax.text(
                0.0,
                -0.04,
                "",
                transform=ax.transAxes,
                fontsize=7,
                va="top",
                ha="left",
                wrap=True,
                color="#444444",
            )
            self._legend = None
            self.update(values)

    # -- values -> colours ----------------------------------------------------------------
    def _aligned(self, values: pd.Series) -> np.ma.MaskedArray:
        return _aligned(values, self.geo["key"], self.level)

    def update(self, values: pd.Series, lang: str | None = None, title: str | None = None):
        """Recolour the polygons with new ``values`` (and relabel in ``lang``); returns self."""
        from nanbei import plotting

        if lang is not None:
            self.lang = labels.check_lang(lang)
        lang = self.lang
        self.values = values
        data = self._aligned(values)
        measure = values.attrs.get("measure") or values.name
        opts = self._options
        norm, cmap = colour_scale(
            data,
            measure,
            cmap=opts["cmap"],
            center=opts["center"],
            vmin=opts["vmin"],
            vmax=opts["vmax"],
        )
        with plotting.style():
            self.collection.set_cmap(cmap)
            self.collection.set_norm(norm)
            self.collection.set_array(data)
            label = self._options["label"]
            if label is None:
                try:
                    label = labels.variable(measure, lang, unit=True)
                except KeyError:
                    label = str(measure)
            if self.colorbar is not None:
                self.colorbar.update_normal(self.collection)
                self.colorbar.set_label(label, fontsize=8)
            self.ax.set_title(
                title or self._options["title"] or default_title(values, lang), fontsize=10
            )
            for code, artist in self._names:
                artist.set_text(labels.city(code, lang))
            self._note.set_text(
                _notes_text(values.attrs.get("notes", []), lang) if self._flags["notes"] else ""
            )
            if self._flags["legend"]:
                self._draw_legend(bool(np.ma.count_masked(data)))
            pin_fonts(self.ax, self.colorbar.ax if self.colorbar is not None else None)
        return self

    def _draw_legend(self, has_missing: bool) -> None:
        from matplotlib.artist import Artist
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        from nanbei import plotting

        lang = self.lang
        handles: list[Artist] = []
        if self._region_lines:
            handles += [
                Line2D([], [], color=c, linewidth=2, label=labels.region(r, lang))
                for r, c in plotting.REGION_COLORS.items()
            ]
        if has_missing:
            handles.append(
                Patch(
                    facecolor=MISSING_COLOR, edgecolor="white", label=labels.text("no_data", lang)
                )
            )
        if self._hatch is not None:
            handles.append(
                Patch(
                    facecolor="none",
                    edgecolor="#333333",
                    hatch="////",
                    label=labels.text("park_host", lang),
                )
            )
        if self._legend is not None:
            self._legend.remove()
        self._legend = (
            self.ax.legend(handles=handles, loc="lower left", frameon=False, fontsize=7)
            if handles
            else None
        )

    # -- inspection -------------------------------------------------------------------------
    def facecolor(self, key) -> tuple:
        """RGBA colour the map gives the polygon of ``key`` (city code or unit id)."""
        self.collection.update_scalarmappable()
        keys = list(self.geo["key"].astype("int64"))
        rgba = np.asarray(self.collection.get_facecolor(), dtype=float)
        return tuple(rgba[keys.index(int(key))])


def choropleth(
    values: pd.Series, level: str | None = None, *, ax=None, lang: str = "en", **options
):
    """Draw ``values`` as a choropleth (see :class:`ChoroplethMap` for the options) and return
    the Axes; the map object is ``ax.nanbei_map`` for in-place updates."""
    m = ChoroplethMap(values, level, ax=ax, lang=lang, **options)
    m.ax.nanbei_map = m
    return m.ax


def city_map(
    panel: pd.DataFrame | None = None,
    measure: str = "gdp_pc",
    year: int = 2021,
    *,
    basis: str = "registered",
    prices: str = "nominal",
    base_year: int = 2000,
    start: int | None = None,
    ax=None,
    lang: str = "en",
    **options,
):
    """Choropleth of a city measure (:func:`city_values`) for the 13 cities; returns the Axes.
    ``panel`` defaults to the shipped Jiangsu panel."""
    if panel is None:
        from nanbei.data import load_city_panel

        panel = load_city_panel("jiangsu")
    values = city_values(
        panel, measure, year, basis=basis, prices=prices, base_year=base_year, start=start
    )
    return choropleth(values, "city", ax=ax, lang=lang, **options)


def county_map(
    measure: str = "urban_share",
    year: int = 2020,
    *,
    start: int = 2010,
    ax=None,
    lang: str = "en",
    **options,
):
    """Choropleth of a census measure (:func:`county_values`) for the 72 comparable
    county-level units; returns the Axes."""
    values = county_values(measure, year, start=start)
    return choropleth(values, "county", ax=ax, lang=lang, **options)


# ------------------------------------------------------------------------------ interactive map
@cache
def _county_units() -> pd.Series:
    """Comparable unit id of each of the 95 county polygons (index: county adcode)."""
    from nanbei.data import load_census_crosswalk

    walk = load_census_crosswalk()
    walk = walk[walk["source"] == "boundaries"]
    return pd.Series(walk["unit_id"].to_numpy("int64"), index=walk["code"].astype("int64"))


def format_value(value: float, lang: str) -> str:
    """A map value as a tooltip shows it: thousands grouped from 1,000, one decimal from 10,
    two below; "no data" in ``lang`` when missing."""
    if value is None or not np.isfinite(value):
        return labels.text("no_data", lang)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def _features(values: pd.Series, level: str, lang: str, scale: dict) -> dict:
    """The GeoJSON features of an interactive map: one per city (13) or per county polygon (95,
    each with its comparable unit's value), with the value, its colour and the tooltip rows."""
    fill = colours(values, level, **scale)
    data = values.copy()
    data.index = pd.Index(data.index).astype("int64")
    measure = values.attrs.get("measure") or values.name
    try:
        what = labels.variable(str(measure), lang, unit=True)
    except KeyError:
        what = str(measure)
    hosts = set(_park_host_codes())
    if level == "city":
        gdf = _geometries("city")[["key", "region", "city_code", "geometry"]].copy()
        gdf["unit"] = gdf["key"]
        gdf["name"] = [labels.city(k, lang) for k in gdf["key"]]
        gdf["host"] = False
    else:
        gdf = _geometries("county_polygons")[["key", "name", "region", "geometry"]].copy()
        gdf["unit"] = gdf["key"].astype("int64").map(_county_units())
        gdf["city_code"] = gdf["key"] // 100 * 100
        # the boundary files name counties in Chinese only: English shows the code
        county = gdf["name"] if lang == "zh" else gdf["key"].astype(str)
        gdf["name"] = [
            f"{c}{labels.paren(labels.city(code, lang), lang)}"
            for c, code in zip(county, gdf["city_code"], strict=True)
        ]
        gdf["host"] = gdf["key"].isin(hosts)
    value = gdf["unit"].map(data).astype(float)
    gdf["value"] = [None if np.isnan(v) else float(v) for v in value]
    gdf["fill"] = gdf["unit"].map(fill)
    gdf["place"] = [
        labels.join([labels.region(r, lang), labels.text("park_host", lang)], lang)
        if host
        else labels.region(r, lang)
        for r, host in zip(gdf["region"], gdf["host"], strict=True)
    ]
    gdf["shown"] = [f"{what}: {format_value(v, lang)}" for v in value]
    gdf["id"] = gdf["key"].astype(str)
    gdf = gdf.set_index("id")
    columns = ["key", "unit", "name", "place", "shown", "value", "fill", "host", "geometry"]
    return gdf[columns].__geo_interface__


def _legend_html(lang: str, regions: bool, parks: bool, missing: bool) -> str:
    from html import escape

    from nanbei import plotting

    rows = []
    if regions:
        rows += [
            f'<div><span style="display:inline-block;width:18px;border-top:3px solid {c};'
            f'margin-right:6px;vertical-align:middle"></span>{escape(labels.region(r, lang))}</div>'
            for r, c in plotting.REGION_COLORS.items()
        ]
    if parks:
        rows.append(
            '<div><span style="display:inline-block;width:18px;border-top:2px dashed #222;'
            'margin-right:6px;vertical-align:middle"></span>'
            f"{escape(labels.text('park_host', lang))}</div>"
        )
    if missing:
        rows.append(
            f'<div><span style="display:inline-block;width:14px;height:10px;'
            f'background:{MISSING_COLOR};margin-right:6px"></span>'
            f"{escape(labels.text('no_data', lang))}</div>"
        )
    return (
        '<div class="nanbei-legend" style="position:absolute;bottom:36px;right:10px;z-index:1000;'
        "background:rgba(255,255,255,0.9);padding:6px 8px;font:12px sans-serif;"
        'border-radius:4px">' + "".join(rows) + "</div>"
    )


def interactive_map(
    values: pd.Series,
    level: str | None = None,
    *,
    lang: str = "en",
    tiles=None,
    cmap=None,
    center: float | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    title: str | None = None,
    label: str | None = None,
    regions: bool = True,
    parks: bool = True,
    opacity: float = 0.85,
    width="100%",
    height: int = 520,
):
    """An interactive (folium / Leaflet) choropleth of ``values``: zoom, pan, and a tooltip on
    every polygon with its name, region and value in ``lang``.

    values, level : as in :class:`ChoroplethMap`: one value per city code (``level="city"``,
        13 polygons) or per comparable unit id (``"county"``, e.g. :func:`county_values`;
        drawn on the 95 county polygons, each with the value of its unit).  Polygons are
        coloured exactly as the static map colours them (:func:`colours`), missing values grey.
    tiles : a folium tile layer name or URL for a background map, or None (default): no
        background, so the map builds and displays without a network connection.
    regions : outline Sunan, Suzhong and Subei in the colours of every other figure.
    parks : outline the host counties of named co-built parks (dashed) and say so in tooltips.
    cmap, center, vmin, vmax : the colour scale, as in :func:`colour_scale`.
    title, label : title and colour-bar caption (default from the values' ``attrs``).

    Returns a ``folium.Map`` (shown inline by Jupyter; ``.save("map.html")`` writes a page).
    Its layers are in ``m.nanbei_layers`` ("values", and "regions" / "parks" when drawn).
    """
    from html import escape

    import branca.colormap
    import folium
    from matplotlib.colors import to_hex

    from nanbei import plotting

    labels.check_lang(lang)
    level = _level(values, level)
    scale = dict(cmap=cmap, center=center, vmin=vmin, vmax=vmax)
    measure = values.attrs.get("measure") or values.name
    collection = _features(values, level, lang, scale)
    minx, miny, maxx, maxy = _geometries("city").total_bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=7,
        tiles=tiles,
        width=width,
        height=height,
        control_scale=True,
    )
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    if label is None:
        try:
            label = labels.variable(str(measure), lang, unit=True)
        except KeyError:
            label = str(measure)
    layers = {}
    layers["values"] = folium.GeoJson(
        collection,
        name=label,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": opacity,
            "color": "white",
            "weight": 0.6 if level == "county" else 1.0,
        },
        highlight_function=lambda f: {"weight": 2.5, "color": "#222222"},
        tooltip=folium.GeoJsonTooltip(fields=["name", "place", "shown"], labels=False),
    ).add_to(m)
    if regions:
        outline = _geometries("regions").copy()
        outline["name"] = [labels.region(r, lang) for r in outline["region"]]
        outline["colour"] = [plotting.REGION_COLORS[r] for r in outline["region"]]
        layers["regions"] = folium.GeoJson(
            outline.set_index("region")[["name", "colour", "geometry"]].__geo_interface__,
            name=labels.text("region_outline", lang),
            style_function=lambda f: {
                "color": f["properties"]["colour"],
                "weight": 3,
                "fill": False,
            },
            interactive=False,
        ).add_to(m)
    if parks:
        county = _geometries("county_polygons")
        hosts = county[county["key"].isin(set(_park_host_codes()))][["key", "geometry"]]
        layers["parks"] = folium.GeoJson(
            hosts.assign(id=hosts["key"].astype(str)).set_index("id").__geo_interface__,
            name=labels.text("park_host", lang),
            style_function=lambda f: {
                "color": "#222222",
                "weight": 1.5,
                "dashArray": "4 3",
                "fill": False,
            },
            interactive=False,
        ).add_to(m)
    data = _aligned(values, _geometries(level)["key"], level)
    norm, colormap = colour_scale(data, measure, **scale)
    ticks = np.linspace(0.0, 1.0, 11)
    bar = branca.colormap.LinearColormap(
        [to_hex(colormap(t)) for t in ticks],
        index=[float(norm.inverse(t)) for t in ticks],
        vmin=float(norm.inverse(0.0)),
        vmax=float(norm.inverse(1.0)),
        caption=label,
    )
    bar.add_to(m)
    heading = title or default_title(values, lang)
    if level == "county":
        n = len(_geometries("county"))
        heading += "\n" + labels.text("unit_level", lang, n=n)
    root: Any = m.get_root()  # a branca Figure, typed as its base class
    root.html.add_child(
        folium.Element(
            '<div class="nanbei-title" style="position:absolute;top:10px;left:54px;z-index:1000;'
            "background:rgba(255,255,255,0.9);padding:4px 8px;font:13px sans-serif;"
            'border-radius:4px">' + escape(heading).replace("\n", "<br>") + "</div>"
        )
    )
    root.html.add_child(
        folium.Element(_legend_html(lang, regions, parks, bool(np.ma.count_masked(data))))
    )
    folium.LayerControl(collapsed=True).add_to(m)
    m.nanbei_layers = layers  # type: ignore[attr-defined]  # for inspection, as ax.nanbei_map
    return m
