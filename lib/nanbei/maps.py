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
    "geometries",
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
        "Jiangsu", "gdp_pc_official", start, end, kinds=("definition", "rebenchmark")
    )
    return sorted(int(y) for y in found["first_year_affected"])


def _years_with_data(pc: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in pc["year"].unique())


def available_years(panel: pd.DataFrame, basis: str) -> list[int]:
    """Years in which every one of the panel's cities has per-capita GDP on ``basis``."""
    from nanbei.data import per_capita_panel

    pc = per_capita_panel(panel, basis, "nominal")
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
    if needs_start and not start < year:
        raise ValueError(f"city_values: start ({start}) must be before year ({year})")
    pc = per_capita_panel(panel, basis, prices, base_year)
    have = _years_with_data(pc)
    for y in [start, year] if needs_start else [year]:
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
            values = 100 * (np.log(wide[year]) - np.log(wide[start])) / (year - start)
        else:
            mean = _province_mean(pc)
            values = 100 * (
                np.abs(np.log(wide[year] / mean[year])) - np.abs(np.log(wide[start] / mean[start]))
            )
        if basis == "official" and _official_break_years(start, year):
            notes.append(("note_growth_break", {"start": start, "end": year}))
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
        keys = self.geo["key"].astype("int64")
        index = pd.Index(values.index).astype("int64")
        unknown = sorted(set(index) - set(keys))
        if unknown:
            raise ValueError(
                f"choropleth: {len(unknown)} key(s) have no {self.level} polygon, "
                f"e.g. {unknown[:5]}"
            )
        v = pd.Series(values.to_numpy(dtype=float), index=index).reindex(keys).to_numpy()
        return np.ma.masked_invalid(v)

    def _norm(self, data: np.ma.MaskedArray, measure):
        from matplotlib.colors import Normalize, TwoSlopeNorm

        opts = self._options
        lo = opts["vmin"] if opts["vmin"] is not None else (data.min() if data.count() else 0.0)
        hi = opts["vmax"] if opts["vmax"] is not None else (data.max() if data.count() else 1.0)
        lo, hi = float(lo), float(hi)
        center = opts["center"] if opts["center"] is not None else CENTERS.get(measure)
        if center is not None and measure in RATIO_MEASURES and lo > 0 and center > 0:
            # a ratio: symmetric in logs around the centre (0.5 is as far from 1 as 2)
            r = max(hi / center, center / lo, 1.01)
            return TwoSlopeNorm(vcenter=center, vmin=center / r, vmax=center * r), True
        if center is not None:
            half = max(abs(hi - center), abs(center - lo)) or 1.0
            return TwoSlopeNorm(vcenter=center, vmin=center - half, vmax=center + half), True
        if hi == lo:
            lo, hi = lo - 0.5, hi + 0.5
        return Normalize(vmin=lo, vmax=hi), False

    def update(self, values: pd.Series, lang: str | None = None, title: str | None = None):
        """Recolour the polygons with new ``values`` (and relabel in ``lang``); returns self."""
        import matplotlib as mpl

        from nanbei import plotting

        if lang is not None:
            self.lang = labels.check_lang(lang)
        lang = self.lang
        self.values = values
        data = self._aligned(values)
        measure = values.attrs.get("measure") or values.name
        norm, diverging = self._norm(data, measure)
        cmap = mpl.colormaps[
            self._options["cmap"] or (DIVERGING_CMAP if diverging else SEQUENTIAL_CMAP)
        ]
        cmap = cmap.with_extremes(bad=MISSING_COLOR)
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
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        from nanbei import plotting

        lang = self.lang
        handles = []
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
        return tuple(self.collection.get_facecolors()[keys.index(int(key))])


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
