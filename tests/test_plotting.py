"""Figure helpers of nanbei.plotting: source notes, end labels that do not overprint, short names.

References: the geometry of the drawn figure (window extents after a draw), and for the label
spreading a general-purpose constrained optimiser (scipy SLSQP) on the same least-squares problem.
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.optimize import minimize  # noqa: E402

from nanbei import plotting  # noqa: E402
from nanbei.plotting import (  # noqa: E402
    _spread,
    label_line_ends,
    short_place_name,
    source_note,
    source_notes,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _extent(artist, fig):
    return artist.get_window_extent(fig.canvas.get_renderer())


def _years_figure(ncols=1, nrows=1):
    fig, axes = plt.subplots(nrows, ncols, figsize=(4 * ncols, 3 * nrows), squeeze=False)
    for ax in axes.flat:
        ax.plot(range(2000, 2022), np.linspace(1, 2, 22))
        ax.set_xlabel("year")
    return fig, axes


# --------------------------------------------------------------------------- source_note


def test_source_note_sits_below_tick_and_axis_labels():
    fig, axes = _years_figure()
    ax = axes[0, 0]
    note = source_note(ax, "Source: CSMAR CRE city tables; Nanbei calculations.")
    fig.canvas.draw()
    box = _extent(note, fig)
    renderer = fig.canvas.get_renderer()
    label = ax.xaxis.label.get_window_extent(renderer)
    ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    assert box.y1 <= label.y0  # under the axis label ...
    assert all(box.y1 <= t.y0 for t in ticks)  # ... and under every tick label
    assert box.x0 == pytest.approx(ax.get_tightbbox(renderer, bbox_extra_artists=[]).x0, abs=1)
    assert note.get_text() == "Source: CSMAR CRE city tables; Nanbei calculations."


def test_source_note_of_a_figure_starts_at_the_leftmost_axes_and_under_the_lowest():
    fig, axes = _years_figure(ncols=2, nrows=2)
    axes[1, 1].set_xlabel("a long label\non two lines")
    note = source_note(fig, "Source: test")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = _extent(note, fig)
    boxes = [ax.get_tightbbox(renderer, bbox_extra_artists=[]) for ax in axes.flat]
    assert box.y1 <= min(b.y0 for b in boxes)  # below the two-line label of the right axes
    assert box.x0 == pytest.approx(min(b.x0 for b in boxes), abs=1)
    for b in boxes:
        assert not box.overlaps(b)


def test_source_note_clears_a_figure_legend_under_the_axes():
    fig, axes = _years_figure(ncols=2)
    fig.legend(["series"], loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2)
    note = source_note(fig, "Source: test")
    fig.canvas.draw()
    legend = fig.legends[0].get_window_extent(fig.canvas.get_renderer())
    assert _extent(note, fig).y1 <= legend.y0


def test_source_note_with_legends_placed_best_and_outside():
    # a legend at loc="best" measures the axes' texts (this note among them): no recursion
    fig, axes = _years_figure(ncols=2)
    axes[0, 0].plot([2000, 2021], [2, 1], label="b")
    axes[0, 0].legend()
    axes[0, 1].legend(["outside"], loc="upper center", bbox_to_anchor=(0.5, -0.25))
    note = source_note(fig, "Source: test")
    fig.tight_layout()
    fig.canvas.draw()
    legend = axes[0, 1].get_legend().get_window_extent(fig.canvas.get_renderer())
    assert _extent(note, fig).y1 <= legend.y0  # under the legend hung below the right axes


def test_tight_layout_makes_room_for_the_note():
    fig, axes = _years_figure(ncols=2)
    note = source_note(fig, "Source: test")
    fig.tight_layout()
    fig.canvas.draw()
    box = _extent(note, fig)
    assert box.y0 >= 0 and box.x0 >= 0  # inside the figure, not cut off when saved
    # without the note the same layout would put the axes lower: the note took room
    fig2, axes2 = _years_figure(ncols=2)
    fig2.tight_layout()
    assert axes[0, 0].get_position().y0 > axes2[0, 0].get_position().y0


def test_saved_figure_includes_the_note(tmp_path):
    fig, _ = _years_figure()
    fig.savefig(tmp_path / "without.png", bbox_inches="tight")
    source_note(fig, "Source: test " * 3)
    fig.savefig(tmp_path / "with.png", bbox_inches="tight")
    height = {name: plt.imread(tmp_path / f"{name}.png").shape[0] for name in ("without", "with")}
    assert height["with"] > height["without"]


def test_second_note_replaces_the_first_and_notes_are_found():
    fig, _ = _years_figure(ncols=2)
    source_note(fig, "first")
    source_note(fig.axes[1], "second")
    assert source_notes(fig) == ["second"]
    assert source_notes(fig.axes[0]) == ["second"]
    fig3, _ = _years_figure()
    assert source_notes(fig3) == []


def test_source_note_refuses_bad_input():
    fig, axes = _years_figure()
    with pytest.raises(ValueError, match="non-empty"):
        source_note(fig, "  ")
    with pytest.raises(TypeError, match="Axes or Figure"):
        source_note("not a figure", "Source")
    with pytest.raises(ValueError, match="no axes"):
        source_note(plt.figure(), "Source")


def test_chinese_source_note_renders_without_missing_glyphs(recwarn):
    with plotting.style():
        fig, _ = _years_figure()
        source_note(fig, "资料来源：中国城市统计年鉴")
        fig.canvas.draw()
    assert not [w for w in recwarn if "missing" in str(w.message)]


# --------------------------------------------------------------------------- label_line_ends


def _label_boxes(texts, fig):
    """The names' own boxes (an Annotation's extent also covers its leader line)."""
    from matplotlib.text import Text

    fig.canvas.draw()
    return [Text.get_window_extent(t, fig.canvas.get_renderer()) for t in texts]


def test_end_labels_of_nearly_equal_lines_do_not_overlap():
    fig, ax = plt.subplots(figsize=(6, 3))
    ends = {}
    for i in range(8):
        y = 1.0 + 0.002 * i
        ax.plot([2000, 2021], [1.5, y])
        ends[f"城市{i}" if i % 2 else f"city {i}"] = (2021, y)
    with plotting.style():
        texts = label_line_ends(ax, ends)
        boxes = _label_boxes(texts, fig)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    # the order of the names is the order of the lines
    centres = [(b.y0 + b.y1) / 2 for b in boxes]
    assert centres == sorted(centres)


def test_end_labels_stay_apart_after_the_layout_changes():
    fig, ax = plt.subplots(figsize=(6, 4))
    ends = {f"city {i}": (2021, 1.0 + 0.01 * i) for i in range(6)}
    for x, y in ends.values():
        ax.plot([2000, x], [1.2, y])
    texts = label_line_ends(ax, ends)
    fig.set_size_inches(6, 2)  # a much shorter axes: the points crowd together
    fig.tight_layout()
    boxes = _label_boxes(texts, fig)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)


def test_end_labels_far_apart_stay_where_they_are():
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.set_ylim(0, 10)
    texts = label_line_ends(ax, {"low": (1, 1.0), "high": (1, 9.0), "gap": (1, float("nan"))})
    assert [t.get_text() for t in texts] == ["low", "high"]  # the NaN end is skipped
    boxes = _label_boxes(texts, fig)
    for box, y in zip(boxes, (1.0, 9.0), strict=True):
        point = ax.transData.transform((1, y))
        assert (box.y0 + box.y1) / 2 == pytest.approx(point[1], abs=1.0)  # level with its point
        assert box.x0 > point[0]  # to the right of it


def test_end_labels_at_the_edge_sit_in_the_right_margin():
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([0, 10], [0, 1])
    ax.set_xlim(0, 12)  # the line ends inside the axes
    texts = label_line_ends(ax, {"inside": (10, 1.0)}, at_edge=True)
    fig.tight_layout()
    (box,) = _label_boxes(texts, fig)
    assert box.x0 > ax.bbox.x1  # right of the axes, not over the plot
    assert box.x1 <= fig.bbox.x1  # and tight_layout made room for it


def test_end_labels_keep_the_colour_and_refuse_a_bad_gap():
    fig, ax = plt.subplots()
    ax.set_ylim(0, 1)
    texts = label_line_ends(ax, {"a": (1, 0.5), "b": (1, 0.5)}, colors={"a": "#c8553d"})
    assert all(t.arrow_patch is not None for t in texts)  # a leader joins each name to its point
    assert texts[0].get_color() == "#c8553d"
    a, b = _label_boxes(texts, fig)
    assert not a.overlaps(b)  # two identical ends: one name above the other
    with pytest.raises(ValueError, match="gap"):
        label_line_ends(ax, {"a": (1, 0.5)}, gap=0)
    assert label_line_ends(ax, {}) == []


@pytest.mark.parametrize("seed", range(6))
def test_spread_is_the_least_squares_solution(seed):
    rng = np.random.default_rng(seed)
    y = np.sort(rng.uniform(0, 30, size=7))
    gap = 8.0
    got = _spread(y, gap)
    assert np.all(np.diff(got) >= gap - 1e-9)
    cons = [{"type": "ineq", "fun": (lambda p, i=i: p[i + 1] - p[i] - gap)} for i in range(6)]
    ref = minimize(
        lambda p: np.sum((p - y) ** 2),
        y + gap * np.arange(7),
        constraints=cons,
        method="SLSQP",
        options={"ftol": 1e-12, "maxiter": 500},
    )
    assert ref.success
    np.testing.assert_allclose(got, ref.x, atol=1e-5)


def test_spread_hand_cases():
    # three equal points: spread symmetrically around them
    np.testing.assert_allclose(_spread(np.array([5.0, 5.0, 5.0]), 2.0), [3.0, 5.0, 7.0])
    # already far enough apart: unchanged
    np.testing.assert_allclose(_spread(np.array([0.0, 3.0, 9.0]), 2.0), [0.0, 3.0, 9.0])
    # a close pair next to a free point: only the pair moves, about its mean
    np.testing.assert_allclose(_spread(np.array([0.0, 1.0, 9.0]), 2.0), [-0.5, 1.5, 9.0])
    assert _spread(np.array([]), 1.0).size == 0


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Guangxi Zhuang Autonomous Region", "Guangxi"),
        ("Ningxia Hui Autonomous Region", "Ningxia"),
        ("Xinjiang Uygur Autonomous Region", "Xinjiang"),
        ("Inner Mongolia Autonomous Region", "Inner Mongolia"),
        ("Tibet Autonomous Region", "Tibet"),
        ("Hong Kong Special Administrative Region", "Hong Kong"),
        ("Jiangsu", "Jiangsu"),
        ("Jiangsu Province", "Jiangsu"),
        (" Anhui ", "Anhui"),
    ],
)
def test_short_place_name(name, short):
    assert short_place_name(name) == short


def test_existing_names_still_work():
    assert set(plotting.REGION_COLORS) == set(plotting.REGION_ZH) == {"Sunan", "Suzhong", "Subei"}
    assert callable(plotting.year_axis) and callable(plotting.use_style)
    assert callable(plotting.region_map) and callable(plotting.style)


# --------------------------------------------------------------------------- the notebooks


@pytest.mark.parametrize("name", ["00_data", "01_convergence", "02_cobuilt_parks", "04_claims"])
def test_notebook_sets_the_style_first_and_notes_the_source_of_every_figure(name):
    """The first code cell after the parameters applies the style (importing nanbei.plotting
    need not), and every cell that shows a figure gives it a source note."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "notebooks" / f"{name}.ipynb"
    cells = [
        c
        for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "code" and "parameters" not in c.get("metadata", {}).get("tags", [])
    ]
    sources = ["".join(c["source"]) for c in cells]
    assert "plotting.use_style()" in sources[0]
    figures = [s for s in sources if "plt.show()" in s]
    if name not in ("00_data", "01_convergence"):  # source notes are checked in 00 and 01
        return
    assert figures, "no figure found: the check would be vacuous"
    for src in figures:
        assert src.count("source_note(") >= src.count("plt.show()"), src[:200]


def test_docstring_examples_run():
    import doctest

    failures, tried = doctest.testmod(plotting, verbose=False)
    assert tried > 0 and failures == 0


# --------------------------------------------------------------------------- global settings

_RC_SNAPSHOT = """
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib as mpl
before = {k: repr(v) for k, v in mpl.rcParams.items()}
import nanbei.plotting
{extra}
after = {k: repr(v) for k, v in mpl.rcParams.items()}
json.dump(sorted(k for k in before if before[k] != after[k]), sys.stdout)
"""


@pytest.mark.parametrize(
    ("extra", "changed"),
    [
        ("", False),
        # the control: use_style() does change the settings, so the check can see a change
        ("nanbei.plotting.use_style()", True),
    ],
)
def test_importing_plotting_leaves_matplotlib_settings_alone(extra, changed):
    import json
    import subprocess
    import sys

    code = _RC_SNAPSHOT.replace("{extra}", extra)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    keys = json.loads(run.stdout)
    if changed:
        assert "font.sans-serif" in keys and "axes.unicode_minus" in keys
    else:
        assert keys == [], f"importing nanbei.plotting changed rcParams: {keys}"


def test_region_map_legend_follows_the_language(recwarn):
    from nanbei import labels as L

    def legend_texts(ax):
        return {t.get_text() for t in ax.get_legend().get_texts()}

    zh = plotting.region_map(label="zh")
    en = plotting.region_map(label="en")
    plain = plotting.region_map(label=None, lang="zh")
    zh.figure.canvas.draw()
    assert legend_texts(zh) == legend_texts(plain) == {"苏南", "苏中", "苏北"}
    assert legend_texts(en) == {"Sunan", "Suzhong", "Subei"}
    assert {t.get_text() for t in en.texts} == set(L.cities("en").values())
    assert not any(L.has_cjk(t.get_text()) for t in en.texts)
    assert not [w for w in recwarn if "missing from" in str(w.message)]
    with pytest.raises(ValueError, match="lang"):
        plotting.region_map(label=None, lang="fr")


def test_figures_drawn_on_in_a_style_block_render_chinese_after_it(recwarn, caplog):
    """matplotlib picks fonts when it draws, after the block: the figures the block touched keep
    the CJK font by name, the others keep the session's settings."""
    other_fig, other = plt.subplots()
    other.set_title("untouched")
    fig, ax = plt.subplots()
    with plotting.style():
        ax.set_title("苏南与苏北")
        ax.bar(["苏州", "宿迁"], [1, 2])
    # drawn under plain settings (whatever an earlier test did to the session's)
    plain = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}
    with matplotlib.rc_context(plain):
        fig.canvas.draw()
    assert not [w for w in recwarn if "missing from" in str(w.message)]
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]  # installed fonts only
    assert ax.title.get_fontfamily()[0] == plotting.CJK_FONT_FAMILY
    assert ax.get_xticklabels()[0].get_fontfamily()[0] == plotting.CJK_FONT_FAMILY
    assert other.title.get_fontfamily() == ["sans-serif"]
    # without the block the same title misses its glyphs: the check above can fail
    bare_fig, bare = plt.subplots()
    bare.set_title("苏南与苏北")
    with matplotlib.rc_context(plain):
        bare_fig.canvas.draw()
    assert [w for w in recwarn if "missing from" in str(w.message)]
