"""Analysis samples: the one recipe for "screen the series, keep complete units", and one way to
say what was left out.

Every analysis of the notebooks builds its sample the same way: compute the outcome, leave out the
cities whose series break (coverage switches, ``series_breaks``) inside the window, keep the
cities observed in every year of the window, and say how many were left out and why.
:func:`analysis_panel` does all of it; :class:`Dropped` is the record of what it left out.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from nanbei.data._options import check_choice
from nanbei.data.breaks import series_breaks
from nanbei.data.derived import OUTCOMES, outcome_panel
from nanbei.data.dropped import Dropped
from nanbei.data.schema import BASES, DEFAULT_BASE_YEAR, DEFAULT_BASIS, DEFAULT_PRICES, PRICES
from nanbei.panel import complete_units

__all__ = ["Dropped", "analysis_panel"]


def analysis_panel(
    panel: pd.DataFrame,
    outcome: str,
    *,
    start: int,
    end: int,
    basis: str = DEFAULT_BASIS,
    prices: str = DEFAULT_PRICES,
    base_year: int = DEFAULT_BASE_YEAR,
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
    record of cities: "series breaks" then "gaps" (no complete series in the window); the
    sample's ``attrs["dropped"]`` is the same record.

    >>> from nanbei import data
    >>> sample, dropped = data.analysis_panel(data.load_city_panel("jiangsu"), "log_gdp_pc",
    ...                                       start=2001, end=2018)
    >>> sample["city_code"].nunique(), str(dropped)
    (13, 'no cities left out')
    """
    check_choice("analysis_panel", "outcome", outcome, tuple(OUTCOMES))
    check_choice("analysis_panel", "basis", basis, BASES)
    check_choice("analysis_panel", "prices", prices, PRICES)
    if not start < end:
        raise ValueError(f"analysis_panel: start ({start}) must be before end ({end})")
    source = panel if units is None else panel[panel["city_code"].isin(set(units))]
    dropped = Dropped(window=(start, end))
    if screen_breaks:
        # Resident population exists in census years only: its jumps say nothing of coverage.
        screened = basis if basis != "resident" else "registered"
        breaks = series_breaks(source, basis=screened, start=start, end=end)
        dropped.add("series breaks", breaks["city_code"])
        source = source[~source["city_code"].isin(breaks["city_code"])]
    y = outcome_panel(source, outcome, basis=basis, prices=prices, base_year=base_year)
    sample, _ = complete_units(y, unit="city_code", time="year", value="y", start=start, end=end)
    dropped.add("gaps", set(source["city_code"]) - set(sample["city_code"]))
    sample.attrs.update(y.attrs)
    sample.attrs["dropped"] = dropped
    return sample, dropped
