"""Every notebook runs end to end with papermill on small, fast parameters."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import pytest

from nanbei import labels, reports

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))

# Smaller or faster settings per notebook; each must be a parameter the notebook declares.
FAST_PARAMETERS: dict[str, dict] = {
    "01_convergence": {"fast": True},
    "02_cobuilt_parks": {"fast": True},
    "03_employment": {"fast": True},
    "04_claims": {"export_dir": ""},  # the runner's own output folder is not the test's to write
}


def test_there_are_notebooks():
    assert [p.stem for p in NOTEBOOKS][:1] == ["00_data"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_clean_and_parameterized(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), (
        f"{path.name} is committed with outputs"
    )
    assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"]) == 1
    assert nb["metadata"]["kernelspec"]["name"] == reports.KERNEL_NAME
    # Logic lives in lib/: notebooks call functions, they do not define long ones.
    for cell in code:
        src = "".join(cell["source"])
        assert "sys.path" not in src
        for block in src.split("\ndef ")[1:]:
            assert block.count("\n") < 15, f"{path.name}: long function defined in a notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_a_source_note(path):
    """A cell that shows a figure also writes its source under it (plotting.source_note)."""
    nb = nbformat.read(path, as_version=4)
    shown = [c for c in nb.cells if c.cell_type == "code" and "plt.show()" in c.source]
    missing = [c.get("id") for c in shown if "source_note(" not in c.source]
    assert not missing, f"{path.name}: figure cells without a source note: {missing}"


# Notebooks whose figures, tables and computed sentences follow the `lang` parameter: each runs
# once in its default language and once in the other, and both runs are checked for labels that
# fell back to the wrong language.
BILINGUAL = ("00_data", "01_convergence", "02_cobuilt_parks", "03_employment", "04_claims")
# Those whose computed sentences (Markdown outputs) are checked as well as figures and tables.
SENTENCES_CHECKED = BILINGUAL


def _declared_lang(path: Path) -> str | None:
    declared = reports.declared_parameters(path).get("lang")
    return declared.default if declared is not None else None


RUNS = [(path, None) for path in NOTEBOOKS] + [
    (path, "zh")
    for path in NOTEBOOKS
    if path.stem in BILINGUAL and _declared_lang(path) not in (None, "zh")
]


#: Marks the plain-text form of a figure in a test run: its texts follow, one a line.
FIGURE_TEXT = "<nanbei figure text>"

# Run in each test kernel at start-up: a figure's plain-text form becomes the list of its texts
# after a draw (title, axis and tick labels, legend, annotations), so the test can read what the
# PNG shows without changing the notebooks or their image outputs.
_FIGURE_TEXT_STARTUP = f"""
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.text import Text

# The inline backend drops the Figure printers it finds when it loads: load it first.
plt.close(plt.figure())


def _nanbei_figure_text(fig, printer, cycle):
    fig.canvas.draw()
    texts = [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    printer.text("\\n".join([{FIGURE_TEXT!r}, *texts]))


get_ipython().display_formatter.formatters["text/plain"].for_type(Figure, _nanbei_figure_text)
"""


@pytest.fixture(scope="session")
def ipython_dir(tmp_path_factory):
    """An IPython profile for the test kernels whose start-up script exposes every figure's
    texts (:data:`FIGURE_TEXT`)."""
    root = tmp_path_factory.mktemp("ipython")
    startup = root / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-figure-text.py").write_text(_FIGURE_TEXT_STARTUP, encoding="utf-8")
    return root


_EN_NAMES = sorted(
    {n["en"] for n in labels.CITIES.values()} | {"Huaian"} | set(labels.REGIONS), key=len
)
_ENGLISH_NAME = re.compile(r"\b(" + "|".join(map(re.escape, _EN_NAMES[::-1])) + r")\b")
_ZH_NAMES = {n["zh"].removesuffix("市") for n in labels.CITIES.values()} | {
    n["zh"] for n in labels.REGIONS.values()
}
# A Chinese city name, but not the start of a district or county named after it (淮安区 is a
# county-level unit, not the city 淮安).
_CHINESE_NAME = re.compile("(" + "|".join(sorted(_ZH_NAMES, key=len, reverse=True)) + ")(?![区县])")


def _strip(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def rendered_text(executed) -> dict[str, list[str]]:
    """What a reader sees of an executed notebook, by kind: the text of every figure (its
    plain-text form in a test kernel, :data:`FIGURE_TEXT`), every table label (header cells, and body cells that are a single name), the
    computed sentences (Markdown outputs) and what the kernel wrote to stderr."""
    out: dict[str, list[str]] = {"figure": [], "table": [], "sentence": [], "stderr": []}
    for cell in executed.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                if o.get("name") == "stderr":
                    out["stderr"].append(o["text"])
                continue
            data = o.get("data", {})
            plain = data.get("text/plain", "")
            if plain.startswith(FIGURE_TEXT):
                out["figure"] += plain.splitlines()[1:]
            page = data.get("text/html", "")
            out["table"] += [_strip(t) for t in re.findall(r"<th\b.*?</th>", page, re.S)]
            out["table"] += [
                t
                for t in (_strip(c) for c in re.findall(r"<td\b.*?</td>", page, re.S))
                if t in _ZH_NAMES or _ENGLISH_NAME.fullmatch(t)
            ]
            if "text/markdown" in data:
                out["sentence"].append(data["text/markdown"])
    return out


def wrong_language(texts: list[str], lang: str) -> list[str]:
    """Texts that name a Jiangsu city or region in the other language than ``lang``."""
    if lang == "zh":
        return [t for t in texts if _ENGLISH_NAME.search(t)]
    return [t for t in texts if _CHINESE_NAME.search(t)]


def test_the_language_check_finds_a_fallen_back_label():
    """The checks of the notebook runs can fail: an English name in a Chinese figure, a Chinese
    name in an English table, a missing glyph."""
    nb = nbformat.v4.new_notebook()
    figure = "\n".join([FIGURE_TEXT, "苏南与苏北", "Huai'an", "Suzhou–Suqian", "淮安区"])
    table = "<table><tr><th>苏州</th><th>Sunan</th></tr><tr><td>Wuxi</td><td>Wuxi city hall</td></tr></table>"
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("display_data", {"image/png": "", "text/plain": figure}),
        nbformat.v4.new_output("display_data", {"text/html": table, "text/plain": ""}),
        nbformat.v4.new_output("display_data", {"text/markdown": "Subei grew", "text/plain": ""}),
        nbformat.v4.new_output("stream", name="stderr", text="Glyph 33487 missing from font(s)"),
    ]
    nb.cells = [cell]
    seen = rendered_text(nb)
    assert wrong_language(seen["figure"], "zh") == ["Huai'an", "Suzhou–Suqian"]
    assert wrong_language(seen["figure"], "en") == ["苏南与苏北"]
    assert seen["table"] == ["苏州", "Sunan", "Wuxi"]
    assert wrong_language(seen["table"], "zh") == ["Sunan", "Wuxi"]
    assert wrong_language(seen["sentence"], "zh") == ["Subei grew"]
    assert _missing_glyphs(seen["stderr"])


#: What nanbei.data's FutureWarnings say about a call in the old form (an option by position, a
#: changed default left out): notebooks show users the current form.
OLD_DATA_CALL = ("(by keyword)", "and that default is going")


def _missing_glyphs(stderr: list[str]) -> list[str]:
    return [w for w in stderr if re.search(r"Glyph .* missing from (current )?font", w)]


@pytest.mark.notebooks
@pytest.mark.parametrize(
    ("path", "lang"), RUNS, ids=lambda v: v.stem if isinstance(v, Path) else (v or "default")
)
def test_notebook_executes_and_renders(path, lang, tmp_path, ipython_dir, monkeypatch):
    """Every notebook runs; the bilingual ones also in their other language, and then every
    figure text and table label (and, where all are translated, every computed sentence) is in
    the run's language, with no glyph missing."""
    monkeypatch.setenv("IPYTHONDIR", str(ipython_dir))
    params = dict(FAST_PARAMETERS.get(path.stem, {}))
    if lang is not None:
        params["lang"] = lang
    report = reports.run_notebook(path, tmp_path, params)
    executed = nbformat.read(tmp_path / "executed" / path.name, as_version=4)
    errors = [
        o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    seen = rendered_text(executed)
    assert not _missing_glyphs(seen["stderr"]), "glyphs missing in a figure"
    old_calls = [w for w in seen["stderr"] if any(m in w for m in OLD_DATA_CALL)]
    assert not old_calls, f"{path.stem}: a nanbei.data call in the old form: {old_calls[:2]}"
    html_report = report.read_text(encoding="utf-8")
    assert report.stat().st_size > 10_000 and "<html" in html_report.lower()
    run_lang = lang or _declared_lang(path)
    if path.stem not in BILINGUAL or run_lang is None:
        return
    shows_figures = any("plt.show()" in c.source for c in executed.cells if c.cell_type == "code")
    assert seen["figure"] if shows_figures else seen["table"], (
        "no figure text or table label read: the language check would be vacuous"
    )
    kinds = (
        ("figure", "table", "sentence") if path.stem in SENTENCES_CHECKED else ("figure", "table")
    )
    for kind in kinds:
        wrong = wrong_language(seen[kind], run_lang)
        assert not wrong, (
            f"{path.stem} ({run_lang}): {kind} text in the other language: {wrong[:5]}"
        )


# Other settings a user is likely to try: each must run end to end too.
VARIANTS = [
    (
        "01_convergence",
        {"fast": True, "basis": "official", "scope": "china", "grouping": "province_code"},
    ),
    ("01_convergence", {"fast": True, "prices": "nominal", "start_year": 2005, "end_year": 2015}),
    (
        "02_cobuilt_parks",
        {"fast": True, "outcome": "secondary_share", "estimator": "twfe", "inference": "wild"},
    ),
    # Suqian: the one Subei city with a complete FDI series once the 2008/2010 row shift is
    # repaired (Xuzhou's own 2008 value is not in the source).
    (
        "02_cobuilt_parks",
        {
            "fast": True,
            "outcome": "log_fdi",
            "start_year": 2004,
            "end_year": 2012,
            "treated_city": 321300,
        },
    ),
    ("02_cobuilt_parks", {"fast": True, "revisions": "keep", "end_year": 2020}),
    # every inference setting runs ("both" is the default above, "wild" in the first variant)
    (
        "02_cobuilt_parks",
        {
            "fast": True,
            "inference": "randomization",
            "exclude_donors": "none",
            "cs_control": "notyet",
            "synth_treatment_years": [2006],
        },
    ),
    # one outcome through the parks designs, every comparison city, two regions drawn
    (
        "03_employment",
        {
            "fast": True,
            "outcome": "log_wage",
            "exclude_donors": "none",
            "region_set": ["Sunan", "Subei"],
        },
    ),
]


@pytest.mark.notebooks
@pytest.mark.parametrize("name,params", VARIANTS, ids=lambda v: str(v))
def test_notebook_variants_execute(name, params, tmp_path):
    report = reports.run_notebook(ROOT / "notebooks" / f"{name}.ipynb", tmp_path, params)
    assert report.exists()


def test_resident_basis_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(Exception, match="basis='resident' exists only in the census years"):
        reports.run_notebook(
            ROOT / "notebooks" / "01_convergence.ipynb",
            tmp_path,
            {"basis": "resident", "fast": True},
        )
    assert not (tmp_path / "reports").exists()


def test_unknown_parameter_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="unknown parameter"):
        reports.run_notebook(NOTEBOOKS[0], tmp_path, {"no_such_parameter": 1})
    assert not (tmp_path / "reports").exists()


def test_failed_run_leaves_no_report(tmp_path):
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('boom')"))
    broken = tmp_path / "99_broken.ipynb"
    nbformat.write(nb, broken)
    with pytest.raises(Exception, match="boom"):
        reports.run_notebook(broken, tmp_path / "out")
    assert not (tmp_path / "out" / "reports" / "99_broken.html").exists()
    assert not (tmp_path / "out" / "executed" / "99_broken.ipynb").exists()
    assert (tmp_path / "out" / "failed" / "99_broken.ipynb").exists()
