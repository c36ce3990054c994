"""One record of what a data function left out, and why: :class:`Dropped`.

Every function of :mod:`nanbei.data` that leaves units or observations out of its result says
so the same way: :func:`~nanbei.data.analysis_panel` returns a ``Dropped`` beside its sample,
and the functions that return a table or a series put one in its ``attrs["dropped"]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

# Plural nouns a record may count, with their singular: "1 city left out", not "1 cities".
_SINGULAR = {
    "cities": "city",
    "city-years": "city-year",
    "years": "year",
    "units": "unit",
    "rows": "row",
    "counties": "county",
}


@dataclass(kw_only=True)
class Dropped:
    """Units left out of a result, by reason (each reason maps to a sorted list of unit ids).

    reasons : reason -> sorted ids; a unit is counted under the first reason that left it out.
    window : the years the record is about, if any (shown in the sentence).
    noun : what the ids are, in the plural ("cities", "city-years", "years").
    unit : the column names of an id: ``("city_code",)`` for cities, ``("city_code", "year")``
        for city-years, whose ids are then ``(city_code, year)`` tuples.

    ``str(dropped)`` is the sentence a notebook prints ("12 cities left out in 2001–2021: 7 for
    series breaks, 5 for gaps"); ``total`` (and ``len``) counts distinct units;
    :meth:`to_frame` lists them.

    >>> d = Dropped(window=(2001, 2021))
    >>> d.add("series breaks", [320100])
    >>> str(d), d.total
    ('1 city left out in 2001–2021: 1 for series breaks', 1)
    """

    reasons: dict[str, list] = field(default_factory=dict)
    window: tuple[int, int] | None = None
    noun: str = "cities"
    unit: tuple[str, ...] = ("city_code",)

    def add(self, reason: str, units: Iterable) -> None:
        """Record ``units`` as left out for ``reason`` (those already recorded are skipped)."""
        units = sorted(set(units) - set(self.all_units()))
        if units:
            self.reasons[reason] = sorted(set(self.reasons.get(reason, [])) | set(units))

    def add_rows(self, reason: str, rows: pd.DataFrame) -> None:
        """Record the ids in the ``unit`` columns of ``rows`` (e.g. the city-years a mask left out)."""
        missing = [c for c in self.unit if c not in rows.columns]
        if missing:
            raise ValueError(f"Dropped.add_rows: rows lack the id column(s) {missing}")
        columns = [rows[c].tolist() for c in self.unit]
        self.add(reason, columns[0] if len(columns) == 1 else zip(*columns, strict=True))

    def all_units(self) -> list:
        """Every unit left out, sorted."""
        return sorted({u for units in self.reasons.values() for u in units})

    @property
    def total(self) -> int:
        return len(self.all_units())

    def __len__(self) -> int:
        return self.total

    def __str__(self) -> str:
        if not self.total:
            return f"no {self.noun} left out"
        noun = _SINGULAR.get(self.noun, self.noun) if self.total == 1 else self.noun
        span = f" in {self.window[0]}–{self.window[1]}" if self.window else ""
        parts = ", ".join(f"{len(units)} for {reason}" for reason, units in self.reasons.items())
        return f"{self.total} {noun} left out{span}: {parts}"

    def to_frame(self) -> pd.DataFrame:
        """One row per unit left out: the ``unit`` columns and ``reason``."""
        rows = [
            (*(u if len(self.unit) > 1 else (u,)), reason)
            for reason, units in self.reasons.items()
            for u in units
        ]
        return pd.DataFrame(rows, columns=[*self.unit, "reason"])

    def __deepcopy__(self, memo: dict[int, Any]) -> Dropped:
        # pandas deep-copies attrs on every operation; ids are immutable (numbers, strings,
        # tuples), so copying the lists is a full copy, and far cheaper than copy.deepcopy's walk.
        return Dropped(
            reasons={r: list(u) for r, u in self.reasons.items()},
            window=self.window,
            noun=self.noun,
            unit=self.unit,
        )
