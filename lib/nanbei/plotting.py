"""Matplotlib helpers: a bundled CJK font, the Nanbei style, the region palette and a Jiangsu map.

Chinese place names need a CJK font; Nanbei ships Noto Sans CJK through the PyPI package
``noto-cjk-sans-otc``, so no system font is needed.  Importing this module changes nothing in
matplotlib's global settings.  The style is applied where you ask for it:

* ``with nanbei.plotting.style(): ...`` for the figures made inside the block;
* ``nanbei.plotting.use_style()`` for the rest of a session (what the notebooks do in their first
  code cell, like ``plt.style.use``).

Library plots (``result.plot()``, :func:`region_map`) draw inside :func:`style`, so their titles,
legends and labels render in any session.
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib import font_manager

CJK_FONT_FAMILY = "Noto Sans CJK SC"

#: Colours for the three regions, used by every figure so a region looks the same throughout.
REGION_COLORS = {"Sunan": "#1b6ca8", "Suzhong": "#f2a541", "Subei": "#c8553d"}
REGION_ZH = {"Sunan": "苏南", "Suzhong": "苏中", "Subei": "苏北"}


def register_cjk_font() -> str:
    """Make the bundled Noto Sans CJK font known to matplotlib (no setting is changed)."""
    import noto_cjk_sans_otc

    path = str(noto_cjk_sans_otc.FONT_PATH)
    if not any(f.fname == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    return CJK_FONT_FAMILY


def style_params() -> dict:
    """The rc settings of the Nanbei style: the CJK font first among the sans-serif fonts (the
    others stay as fallbacks), and the ASCII hyphen as minus sign (not every face of the CJK font
    has U+2212)."""
    register_cjk_font()
    sans = [CJK_FONT_FAMILY] + [f for f in mpl.rcParams["font.sans-serif"] if f != CJK_FONT_FAMILY]
    return {"font.family": "sans-serif", "font.sans-serif": sans, "axes.unicode_minus": False}


@contextmanager
def style():
    """Apply the Nanbei style inside a ``with`` block only."""
    with mpl.rc_context(style_params()):
        yield


def use_style() -> str:
    """Apply the Nanbei style for the rest of the session (explicit, like ``plt.style.use``);
    return the CJK font family."""
    mpl.rcParams.update(style_params())
    return CJK_FONT_FAMILY


#: Former name of :func:`use_style`.
use_cjk_font = use_style


def region_map(ax=None, level: str = "city", label: str | None = "zh", legend: bool = True):
    """Jiangsu's cities (or counties) coloured by region, optionally labelled.

    label: "zh" (Chinese names), "en" (English names of the 13 cities from the city registry;
    counties have no shipped English names, so "en" is refused at county level), or None.
    Returns the matplotlib Axes.
    """
    from nanbei.data import load_boundaries, load_cities

    if label not in ("zh", "en", None):
        raise ValueError(f"region_map: label must be 'zh', 'en' or None, got {label!r}")
    if label == "en" and level != "city":
        raise ValueError("region_map: English labels exist for the 13 cities only (level='city'); "
                         "use label='zh' or None for counties")
    gdf = load_boundaries(level)
    names = gdf["name"]
    if label == "en":
        english = load_cities().set_index("city_code")["city_en"]
        names = gdf["adcode"].map(english).fillna(gdf["name"])
    region_en = {"Sunan": "Sunan", "Suzhong": "Suzhong", "Subei": "Subei"}
    with style():
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 6))
        for region, color in REGION_COLORS.items():
            part = gdf[gdf["region"] == region]
            part.plot(ax=ax, color=color, edgecolor="white", linewidth=0.6)
        if label:
            for name, geom in zip(names, gdf.geometry, strict=True):
                point = geom.representative_point()
                ax.annotate(name, (point.x, point.y), ha="center", va="center", fontsize=8)
        if legend:
            from matplotlib.patches import Patch

            text = REGION_ZH if label == "zh" else region_en
            handles = [Patch(color=c, label=(f"{REGION_ZH[r]} {r}" if label == "zh" else text[r]))
                       for r, c in REGION_COLORS.items()]
            ax.legend(handles=handles, loc="lower left", frameon=False)
        ax.set_axis_off()
        ax.set_aspect(1.15)  # ~1/cos(32°N): keeps Jiangsu's shape in plain lon/lat
    return ax


# Until every notebook calls use_style() in its first cell, keep the former behaviour.
use_style()


def year_axis(*axes) -> None:
    """Whole-number ticks on the x axis of each Axes (years, not 2002.5)."""
    from matplotlib.ticker import MaxNLocator

    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
