"""Matplotlib helpers: a bundled CJK font, the Nanbei style, the region palette and a Jiangsu map.

Chinese place names need a CJK font; Nanbei ships Noto Sans CJK through the PyPI package
``noto-cjk-sans-otc``, so no system font is needed.  Importing this module changes nothing in
matplotlib's global settings.  The style is applied where you ask for it:

* ``with nanbei.plotting.style(): ...`` for the figures made inside the block;
* ``nanbei.plotting.use_style()`` for the rest of a session (what the notebooks do in their first
  code cell, like ``plt.style.use``).

Library plots (``result.plot()``, :func:`region_map`) draw inside :func:`style`, so their titles,
legends and labels render in any session: the figures a ``style()`` block creates or draws on
keep the CJK font by name (:func:`pin_fonts`) when matplotlib renders them after the block.

Figure helpers for print: :func:`source_note` writes a figure's source under it (every figure of
the notebooks carries one), :func:`label_line_ends` names lines at their ends without letting the
names overprint each other, and :func:`short_place_name` shortens long province names for axes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
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


def _open_figures() -> list:
    from matplotlib._pylab_helpers import Gcf

    return [m.canvas.figure for m in Gcf.get_all_fig_managers()]


def _axes_state(ax) -> tuple:
    return (
        frozenset(map(id, ax.get_children())),
        *(ax.get_title(loc=loc) for loc in ("left", "center", "right")),
        ax.get_xlabel(),
        ax.get_ylabel(),
    )


def pin_fonts(fig) -> None:
    """Give every text of ``fig`` that uses the generic sans-serif family the Nanbei font list
    by name, tick labels drawn later included, so the figure renders its Chinese text
    wherever it is drawn (matplotlib resolves a generic family only when drawing, by which
    time a :func:`style` block has ended)."""
    from matplotlib.text import Text

    # Only installed families: naming a missing one makes matplotlib log a warning per draw.
    installed = {f.name for f in font_manager.fontManager.ttflist}
    family = [f for f in style_params()["font.sans-serif"] if f in installed]
    for text in fig.findobj(Text):
        if text.get_fontfamily() in (["sans-serif"], ("sans-serif",), "sans-serif"):
            text.set_fontfamily(family)
    for ax in fig.axes:
        ax.tick_params(labelfontfamily=family)


@contextmanager
def style():
    """Apply the Nanbei style inside a ``with`` block only.

    Figures created or drawn on inside the block keep the style's font afterwards
    (:func:`pin_fonts`); other open figures and the global settings are left alone."""
    before = {id(fig) for fig in _open_figures()}
    axes = {id(ax): _axes_state(ax) for fig in _open_figures() for ax in fig.axes}
    with mpl.rc_context(style_params()):
        yield
    for fig in _open_figures():
        touched = id(fig) not in before or any(
            axes.get(id(ax)) != _axes_state(ax) for ax in fig.axes
        )
        if touched:
            pin_fonts(fig)


def use_style() -> str:
    """Apply the Nanbei style for the rest of the session (explicit, like ``plt.style.use``);
    return the CJK font family."""
    mpl.rcParams.update(style_params())
    return CJK_FONT_FAMILY


#: Former name of :func:`use_style`.
use_cjk_font = use_style


def region_map(
    ax=None,
    level: str = "city",
    label: str | None = "zh",
    legend: bool = True,
    lang: str | None = None,
):
    """Jiangsu's cities (or counties) coloured by region, optionally labelled.

    label: "zh" (Chinese names), "en" (English names of the 13 cities from the label dictionary;
    counties have no shipped English names, so "en" is refused at county level), or None.
    lang: language of the legend ("en" or "zh"); by default that of ``label`` (English when
    ``label`` is None), so a Chinese map carries no English region name and vice versa.
    Returns the matplotlib Axes.
    """
    from nanbei import labels as L
    from nanbei.data import load_boundaries

    if label not in ("zh", "en", None):
        raise ValueError(f"region_map: label must be 'zh', 'en' or None, got {label!r}")
    if label == "en" and level != "city":
        raise ValueError(
            "region_map: English labels exist for the 13 cities only (level='city'); "
            "use label='zh' or None for counties"
        )
    legend_lang = L.check_lang(lang if lang is not None else (label or "en"))
    gdf = load_boundaries(level)
    names = gdf["name"]
    if label == "en":
        names = gdf["adcode"].map(lambda code: L.city(code, "en"))
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

            handles = [
                Patch(color=c, label=L.region(r, legend_lang)) for r, c in REGION_COLORS.items()
            ]
            ax.legend(handles=handles, loc="lower left", frameon=False)
        ax.set_axis_off()
        ax.set_aspect(1.15)  # ~1/cos(32°N): keeps Jiangsu's shape in plain lon/lat
    return ax


def year_axis(*axes) -> None:
    """Whole-number ticks on the x axis of each Axes (years, not 2002.5)."""
    from matplotlib.ticker import MaxNLocator

    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


# --------------------------------------------------------------------------- figures fit to print

#: ``gid`` of the text :func:`source_note` adds (how :func:`source_notes` finds it again).
SOURCE_NOTE_GID = "nanbei-source-note"


def _figure_and_axes(target):
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    if isinstance(target, Axes):
        return target.figure, [target]
    if isinstance(target, (Figure, SubFigure)):
        axes = [a for a in target.axes if a.get_visible()]
        if not axes:
            raise ValueError("source_note: the figure has no axes to put a note under")
        return target, axes
    raise TypeError(
        f"source_note: expected a matplotlib Axes or Figure, got {type(target).__name__}"
    )


def source_notes(target) -> list[str]:
    """The source notes (:func:`source_note`) of a Figure or of an Axes' figure."""
    from matplotlib.axes import Axes

    fig = target.figure if isinstance(target, Axes) else target
    texts = [t for ax in fig.axes for t in ax.texts] + list(fig.texts)
    return [t.get_text() for t in texts if t.get_gid() == SOURCE_NOTE_GID]


def source_note(target, text: str, *, fontsize: float = 7.0, color: str = "0.35", pad: float = 4.0):
    """Write a source note under a figure (``target`` a Figure) or under one Axes.

    The note starts at the left edge of what the axes occupy (tick labels and axis labels
    included) and sits ``pad`` points below their lowest point, so it never covers a tick
    label, an axis label or a figure legend placed under the axes.  It belongs to the lowest
    axes and counts in their layout: ``tight_layout``, ``savefig(bbox_inches="tight")`` and
    the notebooks' inline figures make room for it.  A second call replaces the first note.
    Returns the note (a matplotlib ``Annotation``).

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([2000, 2010], [1, 2])
    >>> note = source_note(fig, "Source: China City Statistical Yearbook (CSMAR).")
    >>> source_notes(fig)
    ['Source: China City Statistical Yearbook (CSMAR).']
    >>> plt.close(fig)
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("source_note: the note must be a non-empty string")
    fig, axes = _figure_and_axes(target)
    for ax in fig.axes:  # one note per figure: replace an earlier one
        for t in list(ax.texts):
            if t.get_gid() == SOURCE_NOTE_GID:
                t.remove()
    legends = list(getattr(fig, "legends", []))
    busy: list[bool] = []  # a legend at loc="best" measures the axes' texts, this note included

    def anchor(renderer):
        from matplotlib.transforms import Bbox

        with_legends = not busy
        busy.append(True)
        try:
            boxes = []
            for ax in axes:
                extra = [ax.get_legend()] if with_legends and ax.get_legend() is not None else []
                boxes.append(ax.get_tightbbox(renderer, bbox_extra_artists=extra))
            if with_legends:
                boxes += [leg.get_window_extent(renderer) for leg in legends]
        finally:
            busy.pop()
        return Bbox.union([b for b in boxes if b is not None])

    def position(ax):
        box = ax.get_position()
        return (box.y0, box.x0)

    host = min(axes, key=position)
    return host.annotate(
        text,
        xy=(0, 0),
        xycoords=anchor,
        xytext=(0, -pad),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=fontsize,
        color=color,
        annotation_clip=False,
        gid=SOURCE_NOTE_GID,
    )


def _spread(y: np.ndarray, gap: float) -> np.ndarray:
    """Positions closest to ``y`` (least squares) that keep neighbours ``gap`` apart.

    ``y`` must be sorted ascending.  Minimise sum (p_i - y_i)^2 subject to
    p_{i+1} - p_i >= gap: with q_i = p_i - i gap the constraint says q is non-decreasing,
    so q is the isotonic regression of y_i - i gap (pool adjacent violators).
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    target = y - gap * np.arange(n)
    blocks: list[list[float]] = []  # [mean, size]
    for v in target:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    q = np.concatenate([np.full(int(w), m) for m, w in blocks]) if n else np.array([])
    return q + gap * np.arange(n)


class _EndLabelLayout:
    """Positions of end labels, computed whenever the figure is drawn (so they stay apart
    after ``tight_layout``, a resize or a change of limits)."""

    def __init__(self, ax, xy: np.ndarray, gap: float, offset: float, at_edge: bool):
        self.ax, self.xy, self.gap, self.offset, self.at_edge = ax, xy, gap, offset, at_edge

    def positions(self, renderer) -> tuple[np.ndarray, np.ndarray]:
        """Display x and y of every label (pixels)."""
        px = renderer.points_to_pixels(1.0) if renderer is not None else self.ax.figure.dpi / 72
        disp = self.ax.transData.transform(self.xy)
        height = disp[:, 1]
        order = np.argsort(height, kind="stable")
        placed = np.empty_like(height)
        placed[order] = _spread(height[order], self.gap * px)
        x = np.maximum(disp[:, 0], self.ax.bbox.x1) if self.at_edge else disp[:, 0]
        return x + self.offset * px, placed

    def textcoords(self, i: int):
        from matplotlib.transforms import Affine2D

        def transform(renderer):
            x, y = self.positions(renderer)
            return Affine2D().translate(x[i], y[i])

        return transform


def label_line_ends(
    ax,
    ends: Mapping,
    *,
    colors: Mapping | None = None,
    fontsize: float = 7.0,
    gap: float | None = None,
    offset: float = 6.0,
    at_edge: bool = False,
) -> list:
    """Name lines at their ends, moving names apart just enough that none overprints another.

    ``ends`` maps each name to the (x, y) of its line's last point; ``colors`` optionally maps
    names to text colours.  Each name is placed ``offset`` points right of its point (or of
    the axes' right edge, ``at_edge=True``: names in the margin, clear of the plot), at the
    height closest to the point (least squares over all names) that keeps neighbouring names
    ``gap`` points apart (default 1.3 x ``fontsize``), with a thin leader to its point.  The
    positions are worked out each time the figure is drawn, so they hold after
    ``tight_layout``, a resize or new limits.  Points with a missing coordinate are skipped.
    Returns the annotations.
    """
    gap = 1.3 * fontsize if gap is None else float(gap)
    if gap <= 0:
        raise ValueError(f"label_line_ends: gap must be positive, got {gap}")
    items = [
        (str(k), float(x), float(y))
        for k, (x, y) in ends.items()
        if np.isfinite(x) and np.isfinite(y)
    ]
    if not items:
        return []
    layout = _EndLabelLayout(ax, np.array([(x, y) for _, x, y in items]), gap, offset, at_edge)
    out = []
    for i, (name, x, y) in enumerate(items):
        color = (colors or {}).get(name, "0.15")
        out.append(
            ax.annotate(
                name,
                (x, y),
                xytext=(0, 0),
                textcoords=layout.textcoords(i),
                ha="left",
                va="center",
                fontsize=fontsize,
                color=color,
                annotation_clip=False,
                arrowprops=dict(arrowstyle="-", lw=0.5, color=color, shrinkA=1, shrinkB=1),
            )
        )
    return out


_SUFFIXES = re.compile(
    r"\s+(?:(?:Zhuang|Hui|Uygur|Uyghur)\s+)?(?:Autonomous Region|Special "
    r"Administrative Region|Province|Municipality)$"
)


def short_place_name(name: str) -> str:
    """A province's name without its administrative suffix, for axis labels:
    "Guangxi Zhuang Autonomous Region" -> "Guangxi", "Hong Kong Special Administrative
    Region" -> "Hong Kong"; other names are returned unchanged."""
    return _SUFFIXES.sub("", str(name).strip())
