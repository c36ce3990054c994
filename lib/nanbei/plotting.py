"""Matplotlib helpers: a bundled CJK font, the region palette and a Jiangsu map.

Importing this module registers Noto Sans CJK (shipped by the PyPI package
``noto-cjk-sans-otc``, so no system font is needed) and makes it the default
sans-serif font, so Chinese place names render in every figure without
missing-glyph warnings.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib import font_manager

CJK_FONT_FAMILY = "Noto Sans CJK SC"

#: Colours for the three regions, used by every figure so a region looks the same throughout.
REGION_COLORS = {"Sunan": "#1b6ca8", "Suzhong": "#f2a541", "Subei": "#c8553d"}
REGION_ZH = {"Sunan": "苏南", "Suzhong": "苏中", "Subei": "苏北"}


def use_cjk_font() -> str:
    """Register the bundled Noto Sans CJK font and make it the default; return its family name."""
    import noto_cjk_sans_otc

    path = str(noto_cjk_sans_otc.FONT_PATH)
    if not any(f.fname == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    sans = [CJK_FONT_FAMILY] + [f for f in mpl.rcParams["font.sans-serif"] if f != CJK_FONT_FAMILY]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = sans
    # The CJK font has no U+2212 minus sign glyph in every face; use the ASCII hyphen.
    mpl.rcParams["axes.unicode_minus"] = False
    return CJK_FONT_FAMILY


def region_map(ax=None, level: str = "city", label: str | None = "zh", legend: bool = True):
    """Jiangsu's cities (or counties) coloured by region, optionally labelled.

    label: "zh" (Chinese names), "en"-less datasets fall back to Chinese, or None.
    Returns the matplotlib Axes.
    """
    from nanbei.data import load_boundaries

    use_cjk_font()
    gdf = load_boundaries(level)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 6))
    for region, color in REGION_COLORS.items():
        part = gdf[gdf["region"] == region]
        part.plot(ax=ax, color=color, edgecolor="white", linewidth=0.6,
                  label=f"{REGION_ZH[region]} {region}")
    if label:
        for _, row in gdf.iterrows():
            point = row.geometry.representative_point()
            ax.annotate(row["name"], (point.x, point.y), ha="center", va="center", fontsize=8)
    if legend:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=c, label=f"{REGION_ZH[r]} {r}")
                           for r, c in REGION_COLORS.items()], loc="lower left", frameon=False)
    ax.set_axis_off()
    ax.set_aspect(1.15)  # ~1/cos(32°N): keeps Jiangsu's shape in plain lon/lat
    return ax


use_cjk_font()


def year_axis(*axes) -> None:
    """Whole-number ticks on the x axis of each Axes (years, not 2002.5)."""
    from matplotlib.ticker import MaxNLocator

    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
