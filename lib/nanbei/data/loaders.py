"""Loading the city panel (shipped or a user's file) with validation, screen and quarantine."""

from __future__ import annotations

import os
import warnings
from functools import cache
from pathlib import Path

import pandas as pd

from nanbei import screen
from nanbei.data.files import _read_csv, _shipped_flags, _shipped_table, data_dir
from nanbei.data.schema import JIANGSU_PROVINCE_CODE
from nanbei.data.validate import _check_csv_shape, validate_panel
from nanbei.errors import DataError, DataWarning


def clear_cache() -> None:
    """Forget the shipped tables read so far (after changing ``$NANBEI_DATA_DIR``)."""
    for cached in (_shipped_table, _shipped_flags, _shipped_panel):
        cached.cache_clear()


@cache
def _shipped_panel(quarantine: bool) -> tuple[pd.DataFrame, int]:
    relative = "tidy/city_panel.csv"
    panel = _shipped_table(relative).copy()
    n_masked = 0
    if quarantine:
        panel, applied = screen.apply_flags(panel, _shipped_flags())
        n_masked = len(applied)
    checked = validate_panel(panel, source=str(data_dir() / relative), screen_errors=quarantine)
    return checked, n_masked


def load_city_panel(
    scope: str = "jiangsu", *, path: str | os.PathLike | None = None, quarantine: bool = True
) -> pd.DataFrame:
    """Load the city panel: one row per city and year, columns as in data/README.md.

    Parameters
    ----------
    scope : "jiangsu" (the 13 prefecture cities) or "china" (every prefecture-level
        unit in the CSMAR CRE tables, 1990-2021).
    path : a CSV file of your own in the same schema (e.g. a newer yearbook
        extract).  It gets the same validation and plausibility screen, but no
        checksum check: a broken unit or identity raises DataError; suspicious values
        (a jump that reverses, FDI above a third of GDP) are masked with a DataWarning.
    quarantine : mask the values the plausibility screen quarantines (shipped data:
        ``action == "masked"`` in :func:`load_flags`) to NaN.  ``False`` returns the
        published values.

    ``attrs["n_masked"]`` counts the values masked (in the whole file, before the scope
    is applied); for a user's file ``attrs["n_noted"]`` counts the findings kept with a
    note, which warn only together with a masked value.  Missing values are NaN, never 0.  ``gdp_pc_official`` changes
    population basis around 2009: use :func:`per_capita` to choose a consistent basis.
    """
    if scope not in ("jiangsu", "china"):
        raise DataError(f"load_city_panel: scope must be 'jiangsu' or 'china', got {scope!r}")
    if path is None:
        panel, n_masked = _shipped_panel(bool(quarantine))
        panel = panel.copy()
    else:
        path = Path(path)
        if not path.exists():
            raise DataError(f"{path}: file not found")
        _check_csv_shape(path)
        panel = validate_panel(_read_csv(path), source=str(path))
        n_masked = 0
        findings = screen.screen_panel(panel, table=str(path))
        to_mask = findings[findings["rule"].map(lambda r: screen.RULES[r][1]) == "mask"]
        panel.attrs["n_noted"] = len(findings) - len(to_mask)
        if len(to_mask):
            if quarantine:
                panel, applied = screen.apply_flags(panel, to_mask.assign(action="masked"))
                n_masked = len(applied)
            shown = "; ".join(
                f"{r.variable} of {r.city_code} in {r.year} = {r.value:.6g} ({r.rule})"
                for r in to_mask.head(5).itertuples()
            )
            notes = panel.attrs["n_noted"]
            warnings.warn(
                f"{path}: {len(to_mask)} suspicious value(s) "
                f"{'masked to NaN' if quarantine else 'kept (quarantine=False)'}"
                f"{': ' + shown if shown else ''}{' ...' if len(to_mask) > 5 else ''}; "
                f"{notes} further finding(s) kept with a note. "
                "nanbei.screen.screen_panel(panel) lists them all.",
                DataWarning,
                stacklevel=2,
            )
    if scope == "jiangsu":
        panel = panel[panel["province_code"] == JIANGSU_PROVINCE_CODE]
    panel = panel.sort_values(["city_code", "year"]).reset_index(drop=True)
    panel.attrs["n_masked"] = int(n_masked)
    return panel
