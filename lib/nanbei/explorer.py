"""The explorer behind ``notebooks/05_explorer.ipynb``: choose, and see the gap at once.

The user chooses cities or regions, the years, the population basis, the prices and the
inequality measure; three panels follow the choice: the gap ratio, the inequality path (with
Theil's between/within-region split) and a map of the cities.  Everything is plain functions
and one class, so it runs and is tested without a browser or ipywidgets:

:class:`Choices`
    one immutable set of choices; :func:`validate` checks it and normalises names (a city in
    either script, a region as "苏北" or "Subei").
:func:`compute`
    the numbers for a set of choices: a :class:`View` (ratio path, inequality path, map values,
    notes and a summary sentence in the chosen language).
:class:`Explorer`
    a figure for a panel and a set of choices; :meth:`Explorer.update` changes choices and
    redraws the same artists in place (lines get new data, polygons new colours);
    :meth:`Explorer.on_change` is the widget callback (one control changed; a bad combination
    returns a message and keeps the previous view); :meth:`Explorer.show` displays the figure
    and the summary in a notebook (and an interactive map, :meth:`Explorer.interactive_map`)
    and :meth:`Explorer.refresh` updates those outputs in place.
:func:`control_specs`, :func:`controls`
    the controls as plain data (names, kinds, options labelled in the chosen language, values),
    and as ipywidgets wired to :meth:`Explorer.on_change`.  ``controls`` returns None when
    ipywidgets is not installed; the notebook then shows the static view of its parameters.
"""

from __future__ import annotations

import dataclasses
import io
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from nanbei import labels, maps
from nanbei.data.schema import BASES, REGIONS

__all__ = [
    "Choices",
    "Explorer",
    "View",
    "compute",
    "control_specs",
    "controls",
    "validate",
    "widgets_available",
]

LEVELS = ("regions", "cities")
PRICES = ("nominal", "real")
#: Inequality measures offered; the weighted column of each (None: no weighted form).
MEASURES = {"theil": "theil_w", "gini": "gini_w", "cv": "cv_w", "sd_log": None, "max_min": None}
MAP_MEASURES = maps.CITY_MEASURES
#: Default pair when comparing cities: Suzhou and Suqian, the pair of the best-known park.
DEFAULT_CITIES = (320500, 321300)
DEFAULT_REGIONS = ("Sunan", "Subei")


@dataclass(frozen=True)
class Choices:
    """One set of explorer choices (see :func:`validate` for the rules)."""

    level: str = "regions"  # "regions" or "cities": what the gap ratio compares
    numerator: str | int = "Sunan"  # a region, or a city (code or name) when level="cities"
    denominator: str | int = "Subei"
    cities: tuple = ()  # cities of the inequality panel; () = all 13
    start_year: int = 2001
    end_year: int = 2021
    basis: str = "registered"  # "registered", "resident" or "official"
    prices: str = "real"  # "nominal" or "real"
    base_year: int = 2000
    measure: str = "theil"  # one of MEASURES
    weighted: bool = True  # population-weighted inequality where it exists
    map_measure: str = "gap_to_mean"  # one of nanbei.maps.CITY_MEASURES
    map_year: int | None = None  # None: end_year
    lang: str = "en"


def validate(choices: Choices) -> Choices:
    """Check ``choices`` and return them normalised: regions as "Sunan"/"Suzhong"/"Subei",
    cities as codes, the inequality panel as a sorted tuple of codes (all 13 if empty),
    ``map_year`` filled in.  ValueError names the bad choice and the valid ones."""
    c = choices
    labels.check_lang(c.lang)
    for name, value, valid in (
        ("level", c.level, LEVELS),
        ("basis", c.basis, BASES),
        ("prices", c.prices, PRICES),
        ("measure", c.measure, tuple(MEASURES)),
        ("map_measure", c.map_measure, MAP_MEASURES),
    ):
        if value not in valid:
            raise ValueError(f"{name} must be one of {list(valid)}, got {value!r}")
    num: str | int
    den: str | int
    try:
        if c.level == "regions":
            num, den = labels.region_key(str(c.numerator)), labels.region_key(str(c.denominator))
        else:
            num, den = labels.city_code(c.numerator), labels.city_code(c.denominator)
    except KeyError as exc:
        raise ValueError(f"level={c.level!r}: {exc.args[0]}") from None
    if num == den:
        raise ValueError(f"numerator and denominator are the same ({num!r}): choose two")
    try:
        sample = tuple(sorted({labels.city_code(x) for x in c.cities})) or tuple(labels.CITIES)
    except KeyError as exc:
        raise ValueError(f"cities: {exc.args[0]}") from None
    if len(sample) < 2:
        raise ValueError("cities: inequality needs at least two cities")
    start, end = int(c.start_year), int(c.end_year)
    if not start < end:
        raise ValueError(f"start_year ({start}) must be before end_year ({end})")
    map_year = end if c.map_year is None else int(c.map_year)
    return dataclasses.replace(
        c,
        numerator=num,
        denominator=den,
        cities=sample,
        start_year=start,
        end_year=end,
        map_year=map_year,
        weighted=bool(c.weighted),
        base_year=int(c.base_year),
    )


def change(choices: Choices, **changes) -> Choices:
    """``choices`` with ``changes`` applied and validated.  Switching ``level`` without naming
    the pair picks the default pair of the new level (Sunan/Subei, Suzhou/Suqian);
    ``years=(start, end)`` sets both years."""
    if "years" in changes:
        changes["start_year"], changes["end_year"] = changes.pop("years")
    if "level" in changes and changes["level"] != choices.level:
        pair = DEFAULT_REGIONS if changes["level"] == "regions" else DEFAULT_CITIES
        changes.setdefault("numerator", pair[0])
        changes.setdefault("denominator", pair[1])
    unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(Choices)})
    if unknown:
        raise ValueError(f"unknown choice(s) {unknown}")
    return validate(dataclasses.replace(choices, **changes))


# ---------------------------------------------------------------------------------- numbers
@dataclass
class View:
    """What the explorer shows for one set of choices."""

    choices: Choices
    ratio: pd.Series  # gap ratio by year (window, years with data)
    dispersion: pd.DataFrame  # by year: value (and between, within for Theil by region)
    map_values: pd.Series  # by city code (nanbei.maps.city_values)
    breaks: list[int] = field(default_factory=list)  # official-basis break years in the window
    map_year: int | None = None  # the year the map shows (choices.map_year if it has data)
    notes: list[tuple[str, dict]] = field(default_factory=list)  # (labels.TEXT key, fields)

    def notes_text(self, lang: str | None = None) -> list[str]:
        lang = lang or self.choices.lang
        return [labels.text(key, lang, **_fill(fields, lang)) for key, fields in self.notes]

    def pair_names(self, lang: str | None = None) -> tuple[str, str]:
        lang = lang or self.choices.lang
        c = self.choices
        if c.level == "regions":
            return labels.region(str(c.numerator), lang), labels.region(str(c.denominator), lang)
        return labels.city(c.numerator, lang), labels.city(c.denominator, lang)

    def measure_label(self, lang: str | None = None) -> str:
        lang = lang or self.choices.lang
        return labels.variable(self.dispersion.attrs.get("column", self.choices.measure), lang)

    def table(self, lang: str | None = None) -> pd.DataFrame:
        """The ratio and inequality paths by year (and the between-region share of Theil's
        index), with column names in ``lang``."""
        lang = lang or self.choices.lang
        num, den = self.pair_names(lang)
        out = pd.DataFrame(
            {
                labels.text("col_ratio", lang, num=num, den=den): self.ratio,
                self.measure_label(lang): self.dispersion["value"],
            }
        )
        if "between" in self.dispersion:
            out[labels.text("col_between_share", lang)] = (
                self.dispersion["between"] / self.dispersion["value"]
            )
        out.index.name = labels.variable("year", lang)
        return out

    def summary(self, lang: str | None = None) -> str:
        """The view in computed sentences (ratio, inequality, between-region share, notes)."""
        lang = lang or self.choices.lang
        c = self.choices
        num, den = self.pair_names(lang)
        basis = labels.basis(c.basis, lang, short=True)
        parts = []
        ratio = self.ratio.dropna()
        if len(ratio):
            parts.append(
                labels.text(
                    "summary_ratio",
                    lang,
                    num=num,
                    den=den,
                    basis=basis,
                    first=ratio.iloc[0],
                    start=int(ratio.index[0]),
                    last=ratio.iloc[-1],
                    end=int(ratio.index[-1]),
                )
            )
        else:
            parts.append(
                labels.text(
                    "summary_no_ratio",
                    lang,
                    num=num,
                    den=den,
                    basis=basis,
                    start=c.start_year,
                    end=c.end_year,
                )
            )
        d = self.dispersion.dropna(subset=["value"])
        if len(d):
            measure = self.measure_label(lang)
            measure = measure[:1].upper() + measure[1:]
            parts.append(
                labels.text(
                    "summary_dispersion",
                    lang,
                    measure=measure,
                    first=d["value"].iloc[0],
                    start=int(d.index[0]),
                    last=d["value"].iloc[-1],
                    end=int(d.index[-1]),
                )
            )
            if "between" in d:
                parts.append(
                    labels.text(
                        "summary_between",
                        lang,
                        end=int(d.index[-1]),
                        share=d["between"].iloc[-1] / d["value"].iloc[-1],
                    )
                )
        return " ".join(parts + self.notes_text(lang))


def _year_ranges(years) -> str:
    years = sorted(int(y) for y in years)
    runs, first = [], None
    for i, y in enumerate(years):
        first = y if first is None else first
        if i == len(years) - 1 or years[i + 1] != y + 1:
            runs.append(str(y) if first == y else f"{first}–{y}")
            first = None
    return ", ".join(runs)


def _cached(cache: dict, key, make):
    """``cache[key]``, made by ``make()`` on first use: results that do not depend on the
    choices that change most (years, measure, language) are computed once per explorer."""
    if key not in cache:
        cache[key] = make()
    return cache[key]


def gap_ratio(panel: pd.DataFrame, choices: Choices, cache: dict | None = None) -> pd.Series:
    """GDP per capita of the numerator over the denominator, by year in the window (years
    without data left out): regions as total GDP over total population on the basis
    (:func:`nanbei.data.region_ratio`), cities as the ratio of their per-capita GDP.  A ratio
    is the same at current and constant prices (one provincial CPI)."""
    from nanbei import data

    c = choices
    cache = {} if cache is None else cache
    if c.level == "regions":
        ratio = _cached(
            cache,
            ("region_ratio", c.numerator, c.denominator, c.basis),
            lambda: data.region_ratio(panel, str(c.numerator), str(c.denominator), basis=c.basis),
        )
    else:
        pc = _cached(
            cache,
            ("per_capita", c.basis),
            lambda: pd.DataFrame(
                {
                    "city_code": panel["city_code"],
                    "year": panel["year"],
                    "gdp_pc": data.per_capita(panel, basis=c.basis),
                }
            ),
        )
        wide = pc.pivot_table(index="year", columns="city_code", values="gdp_pc")
        for code in (c.numerator, c.denominator):
            if code not in wide:
                raise ValueError(f"city {code} is not in the panel")
        ratio = wide[c.numerator] / wide[c.denominator]
    ratio = ratio.loc[c.start_year : c.end_year].dropna()
    ratio.index = ratio.index.astype(int)
    return ratio.rename("ratio")


def dispersion(
    panel: pd.DataFrame, choices: Choices, cache: dict | None = None
) -> tuple[pd.DataFrame, list[tuple[str, dict]]]:
    """The chosen inequality measure among the chosen cities by year (only years in which all
    of them have data), with Theil's between/within-region parts when the measure is Theil
    and the cities span two regions or more; and the notes it needs."""
    from nanbei import convergence, data

    c = choices
    cache = {} if cache is None else cache
    pc = _cached(
        cache,
        ("pc_panel", c.basis, c.prices, c.base_year),
        lambda: data.per_capita_panel(panel, basis=c.basis, prices=c.prices, base_year=c.base_year),
    )
    pc = pc[pc["city_code"].isin(c.cities) & pc["year"].between(c.start_year, c.end_year)]
    counts = pc.groupby("year")["city_code"].nunique()
    full = counts.index[counts == len(c.cities)]
    notes: list[tuple[str, dict]] = []
    gone = sorted(set(range(c.start_year, c.end_year + 1)) - {int(y) for y in full})
    if gone and c.basis != "resident":
        notes.append(("note_years_dropped", {"n": len(c.cities), "years": _year_ranges(gone)}))
    column = MEASURES[c.measure] if c.weighted and MEASURES[c.measure] else c.measure
    if c.weighted and MEASURES[c.measure] is None:
        notes.append(("note_unweighted", {"measure_key": c.measure}))
    out = pd.DataFrame(columns=["value"], dtype=float)
    out.index.name = "year"
    if len(full):
        sample = pc[pc["year"].isin(full)]
        regions = sample["region"].nunique()
        res = convergence.sigma(
            sample,
            unit="city_code",
            time="year",
            value="gdp_pc",
            weight="population" if c.weighted else None,
            group="region" if regions >= 2 else None,
        )
        out = pd.DataFrame({"value": res[column]})
        if c.measure == "theil":
            if regions >= 2:
                suffix = "_w" if c.weighted else ""
                out["between"] = res[f"theil_between{suffix}"]
                out["within"] = res[f"theil_within{suffix}"]
            else:
                notes.append(("note_no_region_split", {}))
        out.index = out.index.astype(int)
    out.attrs["column"] = column
    return out, notes


def compute(panel: pd.DataFrame, choices: Choices, cache: dict | None = None) -> View:
    """The :class:`View` of validated ``choices`` on ``panel`` (a Jiangsu city panel).

    Raises ValueError when the choices cannot be shown (e.g. growth on the resident basis with
    a single census year in the window)."""
    from nanbei import data

    c = validate(choices)
    cache = {} if cache is None else cache
    notes: list[tuple[str, dict]] = []
    ratio = gap_ratio(panel, c, cache)
    disp, disp_notes = dispersion(panel, c, cache)
    breaks = []
    if c.basis == "official":
        found = data.declared_breaks(
            "Jiangsu",
            "gdp_pc_official",
            start=c.start_year,
            end=c.end_year,
            kinds=("definition", "rebenchmark"),
        )
        breaks = sorted(int(y) for y in found["first_year_affected"])
        if breaks:
            notes.append(("note_official_break", {"years": "/".join(map(str, breaks))}))
    years = _cached(cache, ("years", c.basis), lambda: maps.available_years(panel, c.basis))
    in_window = [y for y in years if c.start_year <= y <= c.end_year]
    if c.basis == "resident":
        notes.append(("note_resident_years", {"years": "/".join(map(str, years))}))
    if not in_window:
        raise ValueError(
            f"no year in {c.start_year}-{c.end_year} has GDP per capita for all "
            f"cities on the {c.basis} basis (years with data: "
            f"{_year_ranges(years) or 'none'})"
        )
    map_year = c.end_year if c.map_year is None else c.map_year
    if map_year not in in_window:
        shown = min(in_window, key=lambda y: (abs(y - map_year), -y))
        notes.append(("note_map_year", {"asked": map_year, "shown": shown}))
        map_year = shown
    start = None
    if c.map_measure in ("growth", "gap_change"):
        start = in_window[0]
        if start >= map_year:
            raise ValueError(
                f"map {c.map_measure!r} compares two years, but on the {c.basis} "
                f"basis {c.start_year}-{c.end_year} has data in {map_year} only"
            )
    map_values = _cached(
        cache,
        ("map", c.map_measure, map_year, c.basis, c.prices, c.base_year, start),
        lambda: maps.city_values(
            panel,
            c.map_measure,
            map_year,
            basis=c.basis,
            prices=c.prices,
            base_year=c.base_year,
            start=start,
        ),
    )
    if c.prices == "real":
        notes.append(("note_prices_cancel", {}))
    return View(
        choices=c,
        ratio=ratio,
        dispersion=disp,
        map_values=map_values,
        breaks=breaks,
        notes=notes + disp_notes,
        map_year=map_year,
    )


def _fill(fields: dict, lang: str) -> dict:
    """Fill a note's language-dependent fields (a measure's name) for ``lang``."""
    fields = dict(fields)
    key = fields.pop("measure_key", None)
    if key is not None:
        fields["measure"] = labels.variable(key, lang)
    return fields


# ------------------------------------------------------------------------------------ figure
class Explorer:
    """The explorer's figure for ``panel`` (default: the shipped Jiangsu panel) and ``choices``.

    ``update(**changes)`` redraws in place and returns the new :class:`View`;
    ``on_change(name, value)`` is the callback a control calls; ``show()`` displays the figure
    and the summary in a notebook and ``refresh()`` replaces those outputs in place.
    ``last_update_seconds`` is how long the last update took (numbers and redraw of the
    artists, not the rendering of the image).
    """

    def __init__(
        self, panel: pd.DataFrame | None = None, choices: Choices | None = None, figsize=(14, 4.6)
    ):
        from matplotlib.figure import Figure

        from nanbei import plotting

        if panel is None:
            from nanbei.data import load_city_panel

            panel = load_city_panel("jiangsu")
        self.panel = panel
        self.cache: dict = {}
        self.view = compute(panel, choices or Choices(), self.cache)
        self.message: str | None = None
        self._handles: dict = {}
        self._controls = None
        self._map_options: dict = {}
        self._map_shown: tuple | None = None  # (map values, lang) of the displayed map
        self._layout_key: tuple[str, str] | None = None
        self._layouts: dict[tuple[str, str], list] = {}  # axes positions by layout key
        with plotting.style():
            # A bare Figure (not pyplot's): shown only when show() displays it.
            self.fig = Figure(figsize=figsize, layout="constrained")
            grid = self.fig.add_gridspec(1, 3, width_ratios=[1, 1, 1.25])
            self.ax_ratio = self.fig.add_subplot(grid[0])
            self.ax_dispersion = self.fig.add_subplot(grid[1])
            self.ax_map = self.fig.add_subplot(grid[2])
            (self.ratio_line,) = self.ax_ratio.plot([], [], "-o", ms=3, color="#333333")
            self.break_lines: list = []
            (self.total_line,) = self.ax_dispersion.plot([], [], "-o", ms=3, color="#333333")
            (self.between_line,) = self.ax_dispersion.plot(
                [], [], "--", color=plotting.REGION_COLORS["Sunan"]
            )
            (self.within_line,) = self.ax_dispersion.plot(
                [], [], ":", color=plotting.REGION_COLORS["Subei"], linewidth=2
            )
            self.map = maps.ChoroplethMap(
                self.view.map_values,
                "city",
                ax=self.ax_map,
                lang=self.view.choices.lang,
                notes=False,
            )
        self._draw()

    @property
    def choices(self) -> Choices:
        return self.view.choices

    def _draw(self) -> None:
        from nanbei import plotting

        v, c = self.view, self.view.choices
        lang = c.lang
        with plotting.style():
            num, den = v.pair_names()
            self.ratio_line.set_data(v.ratio.index.to_numpy(), v.ratio.to_numpy())
            for line in self.break_lines:
                line.remove()
            self.break_lines = [
                self.ax_ratio.axvline(y - 0.5, color="#999999", lw=0.8, ls="--") for y in v.breaks
            ]
            self.ax_ratio.set_title(labels.text("ratio_title", lang, num=num, den=den), fontsize=10)
            self.ax_ratio.set_ylabel(labels.variable("ratio", lang, unit=True))
            if v.breaks:
                self.break_lines[0].set_label(
                    labels.text("basis_break", lang, year="/".join(map(str, v.breaks)))
                )
                self.ax_ratio.legend(frameon=False, fontsize=8, loc="upper right")
            else:
                legend = self.ax_ratio.get_legend()
                if legend is not None:
                    legend.remove()
            d = v.dispersion
            x = d.index.to_numpy()
            self.total_line.set_data(x, d["value"].to_numpy())
            self.total_line.set_label(
                labels.text("total", lang) if "between" in d else v.measure_label()
            )
            has_split = "between" in d
            self.between_line.set_data(
                x if has_split else [], d["between"].to_numpy() if has_split else []
            )
            self.within_line.set_data(
                x if has_split else [], d["within"].to_numpy() if has_split else []
            )
            self.between_line.set_label(labels.text("between_regions", lang))
            self.within_line.set_label(labels.text("within_regions", lang))
            self.ax_dispersion.set_title(
                labels.text("dispersion_title", lang, n=len(c.cities)), fontsize=10
            )
            self.ax_dispersion.set_ylabel(v.measure_label())
            handles = [self.total_line] + (
                [self.between_line, self.within_line] if has_split else []
            )
            self.ax_dispersion.legend(handles=handles, frameon=False, fontsize=8)
            for ax, values, floor in (
                (self.ax_ratio, v.ratio.to_numpy(), None),
                (self.ax_dispersion, d.to_numpy().ravel(), 0.0),
            ):
                ax.set_xlim(c.start_year - 0.8, c.end_year + 0.8)
                ax.set_xlabel(labels.variable("year", lang))
                ax.set_ylim(*_limits(values, floor))
                plotting.year_axis(ax)
            self.map.update(v.map_values, lang=lang)
            maps.pin_fonts(self.ax_ratio, self.ax_dispersion)

    def update(self, **changes) -> View:
        """Apply ``changes`` to the choices (see :func:`change`), recompute and redraw in place."""
        started = time.perf_counter()
        new = change(self.view.choices, **changes)
        self.view = compute(self.panel, new, self.cache)
        self._draw()
        self.message = None
        self.last_update_seconds = time.perf_counter() - started
        return self.view

    def on_change(self, name: str, value) -> str | None:
        """The callback of one control: apply ``name = value``, redraw, refresh the notebook
        outputs and the controls.  A combination that cannot be shown (ValueError) leaves the
        view as it was and returns the message (also in :attr:`message`); None on success."""
        try:
            self.update(**{name: value})
        except ValueError as exc:
            self.message = str(exc)
        self.refresh()
        return self.message

    # -- notebook outputs ----------------------------------------------------------------------
    def png(self, dpi: int = 80) -> bytes:
        """The figure as PNG, rendered inside the Nanbei style (CJK font).

        The layout (constrained) is computed when the texts may have changed size (first
        render in a language and comparison level) and kept otherwise, and the positions it
        gives are remembered for that language and level: a layout takes about half of a
        render.  Between those renders the figure has no layout engine at all: with any
        engine, even matplotlib's placeholder, ``savefig`` lays the figure out in an extra
        draw first, which doubles the time of a render."""
        import matplotlib

        from nanbei import plotting

        c = self.view.choices
        key = (c.lang, c.level)
        buf = io.BytesIO()
        with plotting.style():
            relayout = key != self._layout_key and key not in self._layouts
            if key != self._layout_key and not relayout:
                for ax, position in self._layouts[key]:
                    ax._set_position(position)  # as the layout set it (keeps it in layout)
                self._layout_key = key
            if relayout:
                self.fig.set_layout_engine("constrained")
            self.fig.savefig(buf, format="png", dpi=dpi)
            if relayout:
                # None keeps the positions just computed unless rcParams ask for a layout
                with matplotlib.rc_context(
                    {"figure.autolayout": False, "figure.constrained_layout.use": False}
                ):
                    self.fig.set_layout_engine(None)
                self._layouts[key] = [(ax, ax.get_position()) for ax in self.fig.axes]
                self._layout_key = key
        return buf.getvalue()

    def summary_markdown(self) -> str:
        text = self.view.summary()
        if self.message:
            text = f"**{self.message}**\n\n" + text
        return text

    def interactive_map(self, **options):
        """The map panel as an interactive folium map of the current view (the same values
        and colours, zoomable, with tooltips in the chosen language); ``options`` go to
        :func:`nanbei.maps.interactive_map` (e.g. ``tiles``, ``parks``)."""
        v = self.view
        options = {"parks": True, **self._map_options, **options}
        return maps.interactive_map(v.map_values, "city", lang=v.choices.lang, **options)

    def show(self, with_controls: bool = False, with_map: bool = False, **map_options):
        """Display (in a notebook) the controls if asked and available, the figure, the
        summary and, with ``with_map``, the interactive map (``map_options`` as in
        :meth:`interactive_map`); later :meth:`refresh` calls replace them in place."""
        from IPython.display import Image, Markdown, display

        if with_controls:
            self._controls = controls(self)
            if self._controls is not None:
                display(self._controls)
            else:
                display(Markdown(labels.text("no_widgets", self.view.choices.lang)))
        self._handles["figure"] = display(Image(data=self.png()), display_id=True)
        self._handles["summary"] = display(Markdown(self.summary_markdown()), display_id=True)
        if with_map:
            self._map_options = dict(map_options)
            self._handles["map"] = display(self.interactive_map(), display_id=True)
            self._map_shown = (self.view.map_values, self.view.choices.lang)
        return self._controls

    def refresh(self) -> None:
        """Replace the displayed figure and summary (no-op before :meth:`show`) and bring the
        controls in line with the current choices.  The interactive map, if shown, is rebuilt
        only when its values or language changed: it costs about as much as the figure."""
        if self._handles:
            from IPython.display import Image, Markdown

            self._handles["figure"].update(Image(data=self.png()))
            self._handles["summary"].update(Markdown(self.summary_markdown()))
        if "map" in self._handles and self._map_shown is not None:
            values, lang = self._map_shown
            # map values come from the explorer's cache: the same object means the same map
            if values is not self.view.map_values or lang != self.view.choices.lang:
                self._handles["map"].update(self.interactive_map())
                self._map_shown = (self.view.map_values, self.view.choices.lang)
        if self._controls is not None:
            _sync(self._controls, control_specs(self.view.choices, self.panel))


def _limits(values, floor: float | None) -> tuple[float, float]:
    """y limits showing every finite value with a 6% margin (from ``floor`` if given)."""
    import numpy as np

    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not len(finite):
        return (0.0, 1.0) if floor is None else (floor, floor + 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    lo = floor if floor is not None else lo
    pad = 0.06 * (hi - lo) if hi > lo else max(abs(hi) * 0.06, 0.05)
    return (lo if floor is not None else lo - pad), hi + pad


# ---------------------------------------------------------------------------------- controls
@dataclass
class ControlSpec:
    """One control as data: ``kind`` is toggle, dropdown, multiselect, range, slider or
    checkbox; ``options`` are (label, value) pairs labelled in the chosen language."""

    name: str
    kind: str
    description: str
    value: Any
    options: Sequence[tuple[str, object]] = field(default_factory=list)
    bounds: tuple[int, int] | None = None


def control_specs(choices: Choices, panel: pd.DataFrame | None = None) -> list[ControlSpec]:
    """The explorer's controls for ``choices``, labelled in ``choices.lang``: options depend on
    the choices (the numerator and denominator are regions or cities as ``level`` says)."""
    c = validate(choices)
    lang = c.lang
    t = labels.text
    first, last = (
        (1990, 2021) if panel is None else (int(panel["year"].min()), int(panel["year"].max()))
    )
    pair: list[tuple[str, object]]
    if c.level == "regions":
        pair = [(labels.region(r, lang), r) for r in REGIONS]
    else:
        pair = [(name, code) for code, name in labels.cities(lang).items()]
    city_options = [(name, code) for code, name in labels.cities(lang).items()]
    return [
        ControlSpec(
            "level",
            "toggle",
            t("ctl_level", lang),
            c.level,
            [(t(f"ctl_{x}", lang), x) for x in LEVELS],
        ),
        ControlSpec("numerator", "dropdown", t("ctl_numerator", lang), c.numerator, pair),
        ControlSpec("denominator", "dropdown", t("ctl_denominator", lang), c.denominator, pair),
        ControlSpec("cities", "multiselect", t("ctl_sample", lang), c.cities, city_options),
        ControlSpec(
            "years", "range", t("ctl_years", lang), (c.start_year, c.end_year), bounds=(first, last)
        ),
        ControlSpec(
            "basis",
            "toggle",
            t("ctl_basis", lang),
            c.basis,
            [(labels.basis(b, lang, short=True), b) for b in BASES],
        ),
        ControlSpec(
            "prices",
            "toggle",
            t("ctl_prices", lang),
            c.prices,
            [(labels.prices(p, lang, short=True), p) for p in PRICES],
        ),
        ControlSpec(
            "measure",
            "dropdown",
            t("ctl_measure", lang),
            c.measure,
            [(labels.variable(m, lang), m) for m in MEASURES],
        ),
        ControlSpec("weighted", "checkbox", t("ctl_weighted", lang), c.weighted),
        ControlSpec(
            "map_measure",
            "dropdown",
            t("ctl_map", lang),
            c.map_measure,
            [(labels.variable(m, lang), m) for m in MAP_MEASURES],
        ),
        ControlSpec(
            "map_year", "slider", t("ctl_map_year", lang), c.map_year, bounds=(first, last)
        ),
        ControlSpec(
            "lang",
            "toggle",
            t("ctl_lang", lang),
            c.lang,
            [(t(f"lang_{x}", lang), x) for x in labels.LANGS],
        ),
    ]


def widgets_available() -> bool:
    """True if ipywidgets can be imported (the controls need it; the figure does not)."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _widget(spec: ControlSpec):
    import ipywidgets as w

    common = {"description": spec.description, "style": {"description_width": "initial"}}
    if spec.kind == "toggle":
        return w.ToggleButtons(options=spec.options, value=spec.value, **common)
    if spec.kind == "dropdown":
        return w.Dropdown(options=spec.options, value=spec.value, **common)
    if spec.kind == "multiselect":
        return w.SelectMultiple(options=spec.options, value=tuple(spec.value), rows=7, **common)
    if spec.kind in ("range", "slider"):
        if spec.bounds is None:
            raise ValueError(f"control {spec.name!r}: a {spec.kind} needs bounds=(min, max)")
        slider = w.IntRangeSlider if spec.kind == "range" else w.IntSlider
        return slider(
            value=spec.value,
            min=spec.bounds[0],
            max=spec.bounds[1],
            continuous_update=False,
            **common,
        )
    if spec.kind == "checkbox":
        return w.Checkbox(value=spec.value, **common)
    raise ValueError(f"unknown control kind {spec.kind!r}")


def controls(explorer: Explorer):
    """ipywidgets controls wired to ``explorer.on_change``, or None if ipywidgets is not
    installed.  Each control changes one choice; the figure and summary shown by
    ``explorer.show()`` update in place."""
    if not widgets_available():
        return None
    import ipywidgets as w

    specs = control_specs(explorer.view.choices, explorer.panel)
    items = {s.name: _widget(s) for s in specs}
    status = w.HTML(value="")
    box = w.VBox(
        [
            w.HBox([items["level"], items["numerator"], items["denominator"]]),
            w.HBox([items["years"], items["map_year"]]),
            w.HBox([items["basis"], items["prices"]]),
            w.HBox([items["measure"], items["weighted"], items["map_measure"]]),
            w.HBox([items["cities"], items["lang"]]),
            status,
        ]
    )
    box._nanbei_items, box._nanbei_status, box._nanbei_syncing = items, status, False

    def handler(change, name):
        if box._nanbei_syncing:
            return
        value = change["new"]
        message = explorer.on_change(name, tuple(value) if name in ("cities", "years") else value)
        status.value = f"<b style='color:#c8553d'>{message}</b>" if message else ""

    for name, widget in items.items():
        widget.observe(lambda change, name=name: handler(change, name), names="value")
    explorer._controls = box  # refresh() keeps the controls in line with the choices
    return box


def _sync(box, specs: list[ControlSpec]) -> None:
    """Bring the widgets in ``box`` in line with ``specs`` (labels, options, values) without
    triggering their callbacks."""
    box._nanbei_syncing = True
    try:
        for spec in specs:
            widget = box._nanbei_items[spec.name]
            widget.description = spec.description
            if spec.options and list(getattr(widget, "options", [])) != spec.options:
                widget.options = spec.options
            value = tuple(spec.value) if spec.kind in ("multiselect", "range") else spec.value
            if widget.value != value:
                widget.value = value
    finally:
        box._nanbei_syncing = False


def timing(explorer: Explorer, changes: list[dict]) -> pd.DataFrame:
    """Seconds each update of ``changes`` takes (numbers and redraw of the artists), and with
    the PNG rendering a notebook shows: a quick check of the explorer's responsiveness."""
    rows = []
    for change_ in changes:
        started = time.perf_counter()
        explorer.update(**change_)
        drawn = time.perf_counter()
        explorer.png()
        rows.append(
            {
                "change": ", ".join(f"{k}={v!r}" for k, v in change_.items()),
                "update_s": drawn - started,
                "with_render_s": time.perf_counter() - started,
            }
        )
    return pd.DataFrame(rows)
