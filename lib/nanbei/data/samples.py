"""Analysis samples: the one recipe for "screen the series, keep complete units", and one way to
say what was left out.

Every analysis of the notebooks builds its sample the same way: compute the outcome, leave out the
cities whose series break (coverage switches, ``series_breaks``) inside the window, keep the
cities observed in every year of the window, and say how many were left out and why.
:func:`analysis_panel` does all of it; :class:`Dropped` is the record of what it left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from nanbei.data.breaks import series_breaks
from nanbei.data.derived import OUTCOMES, outcome_panel
from nanbei.panel import complete_units


@dataclass
class Dropped:
    """Units left out of a sample, by reason (each reason maps to a sorted list of unit ids).

    ``str(dropped)`` is the sentence a notebook prints ("12 cities left out: 7 for series
    breaks, 5 for gaps in 2001-2021"); ``total`` counts distinct units.
    """

    reasons: dict[str, list] = field(default_factory=dict)
    window: tuple[int, int] | None = None
    noun: str = "cities"

    def add(self, reason: str, units: Iterable) -> None:
        units = sorted(set(units) - set(self.all_units()))
        if units:
            self.reasons[reason] = sorted(set(self.reasons.get(reason, [])) | set(units))

    def all_units(self) -> list:
        return sorted({u for units in self.reasons.values() for u in units})

    @property
    def total(self) -> int:
        return len(self.all_units())

    def __str__(self) -> str:
        if not self.total:
            return f"no {self.noun} left out"
        span = f" in {self.window[0]}–{self.window[1]}" if self.window else ""
        parts = ", ".join(f"{len(units)} for {reason}" for reason, units in self.reasons.items())
        return f"{self.total} {self.noun} left out{span}: {parts}"


def analysis_panel(
    panel: pd.DataFrame,
    outcome: str,
    *,
    start: int,
    end: int,
    basis: str = "registered",
    prices: str = "real",
    base_year: int = 2000,
    units: Iterable | None = None,
    screen_breaks: bool = True,
) -> tuple[pd.DataFrame, Dropped]:
    """Balanced sample of one outcome for the cities that pass the screens.

    Parameters
    ----------
    panel : a city panel (``load_city_panel``).
    outcome : one of :data:`nanbei.data.OUTCOMES` (the column ``y`` of the result).
    start, end : the window (inclusive); every kept city has ``y`` in every year of it.
    basis, prices, base_year : as in :func:`nanbei.data.outcome_panel`.
    units : restrict to these city codes (e.g. Subei and the comparison provinces).
    screen_breaks : leave out cities whose GDP or population series breaks in the window
        (:func:`nanbei.data.series_breaks`).

    Returns the long sample (identifier columns, ``year``, ``y``) and a :class:`Dropped`
    record: "series breaks" then "gaps" (no complete series in the window).

    >>> from nanbei import data
    >>> sample, dropped = data.analysis_panel(data.load_city_panel("jiangsu"), "log_gdp_pc",
    ...                                       start=2001, end=2018)
    >>> sample["city_code"].nunique(), str(dropped)
    (13, 'no cities left out')
    """
    if outcome not in OUTCOMES:
        raise ValueError(
            f"analysis_panel: outcome must be one of {list(OUTCOMES)}, got {outcome!r}"
        )
    if not start < end:
        raise ValueError(f"analysis_panel: start ({start}) must be before end ({end})")
    source = panel if units is None else panel[panel["city_code"].isin(set(units))]
    dropped = Dropped(window=(start, end))
    if screen_breaks:
        breaks = series_breaks(source, basis if basis != "resident" else "registered", start, end)
        dropped.add("series breaks", breaks["city_code"])
        source = source[~source["city_code"].isin(breaks["city_code"])]
    y = outcome_panel(source, outcome, basis=basis, prices=prices, base_year=base_year)
    sample, _ = complete_units(y, unit="city_code", time="year", value="y", start=start, end=end)
    dropped.add("gaps", set(source["city_code"]) - set(sample["city_code"]))
    sample.attrs.update(y.attrs)
    return sample, dropped
