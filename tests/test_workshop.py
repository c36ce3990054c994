"""The workshop: every check recognises the right answer and the common mistakes, the expected
answers agree with the library, the participants' copy holds no solution, and the solutions pass
every check when the notebooks run (English and Chinese)."""

from __future__ import annotations

import json
import math
import re
import string
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nanbei import claims, convergence, data, labels, reports, workshop

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks" / "workshop"
SOURCES = workshop.sources(SOURCE)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# ------------------------------------------------------------------------------ the texts
@pytest.mark.parametrize("key", sorted(workshop.MESSAGES))
def test_every_message_exists_in_both_languages(key):
    en, zh = workshop.MESSAGES[key]["en"], workshop.MESSAGES[key]["zh"]
    assert en and zh and labels.has_cjk(zh) and not labels.has_cjk(en)
    assert _fields(en) == _fields(zh)


@pytest.mark.parametrize("exercise", workshop.EXERCISES)
def test_every_task_exists_in_both_languages(exercise):
    for part in ("title", "task"):
        en, zh = workshop.TASKS[exercise][part]["en"], workshop.TASKS[exercise][part]["zh"]
        assert en and labels.has_cjk(zh) and not labels.has_cjk(en)
    assert workshop.task(exercise, "zh")._repr_markdown_().startswith("### ")


# ------------------------------------------------------------------- expected answers
def test_expected_answers_agree_with_the_library():
    assert workshop.expected("basis_switch")["year"] == 2009
    declared = data.load_known_breaks().set_index("break_id")
    assert declared.loc["pcgdp_basis_jiangsu_2009", "first_year_affected"] == 2009
    # the claim's status is the ledger's
    ledger = claims.evaluate().set_index("claim_id")
    assert workshop.expected("claim")["status"] == ledger.loc["gap_2010", "status"]
    assert np.isclose(
        workshop.expected("claim")["official"], ledger.loc["gap_2010", "measured"], atol=1e-3
    )
    placebo = workshop.expected("placebo")
    assert math.isclose(placebo["p_value"], placebo["rank"] / placebo["n"])


def test_theil_and_beta_are_recomputed_independently():
    jiangsu = data.load_city_panel("jiangsu")
    pc = data.per_capita_panel(jiangsu, basis="resident", prices="nominal")
    row = convergence.sigma(
        pc, unit="city_code", time="year", value="gdp_pc", weight="population", group="region"
    ).table.loc[2010]
    exp = workshop.expected("theil_2010")
    assert np.isclose(exp["theil"], row["theil_w"])
    assert np.isclose(exp["share"], row["theil_between_w"] / row["theil_w"])
    # the between-region share by hand: S_g ln(S_g / P_g) over the three regions
    y = pc[pc["year"] == 2010]
    gdp = (y["gdp_pc"] * y["population"]).groupby(y["region"]).sum()
    pop = y.groupby("region")["population"].sum()
    s, p = gdp / gdp.sum(), pop / pop.sum()
    assert np.isclose((s * np.log(s / p)).sum(), exp["between"])
    real = data.per_capita_panel(jiangsu, basis="registered", prices="real")
    b = convergence.beta(real, unit="city_code", time="year", value="gdp_pc", start=2001, end=2021)
    exp = workshop.expected("beta")
    assert np.isclose(exp["slope"], b.slope) and exp["n"] == 13
    assert np.isclose(exp["half_life"], np.log(2) / (-np.log1p(b.slope * 20) / 20))


# ---------------------------------------------------------------------------- the checks
def _answers():
    t, b = workshop.expected("theil_2010"), workshop.expected("beta")
    p, c = workshop.expected("placebo"), workshop.expected("claim")
    right = {
        "basis_switch": 2009,
        "theil_2010": (round(t["theil"], 3), round(t["share"], 2)),
        "beta": (b["slope"], round(b["half_life"])),
        "placebo": {"rank": p["rank"], "p_value": p["p_value"], "significant": p["significant"]},
        "claim": {"official": c["official"], "registered": c["registered"], "status": c["status"]},
    }
    n, r = p["n"], p["rank"]
    mistakes = [
        ("basis_switch", 2008, "switch_last_old"),
        ("basis_switch", 2010, "switch_census"),
        ("basis_switch", 2020, "switch_rebenchmark"),
        ("basis_switch", 1998, "switch_other"),
        ("basis_switch", "2009a", "not_a_year"),
        ("basis_switch", 2009.5, "not_a_year"),
        ("theil_2010", (t["unweighted"], t["share"]), "theil_unweighted"),
        ("theil_2010", (t["registered"], t["share"]), "theil_basis"),
        ("theil_2010", (t["official"], t["share"]), "theil_basis"),
        ("theil_2010", (t["between"], t["share"]), "theil_between_part"),
        ("theil_2010", (0.5, t["share"]), "theil_wrong"),
        ("theil_2010", (t["theil"], 100 * t["share"]), "share_percent"),
        ("theil_2010", (t["theil"], t["between"]), "share_part"),
        ("theil_2010", (t["theil"], 1 - t["share"]), "share_within"),
        ("theil_2010", (t["theil"], 0.5), "share_wrong"),
        ("theil_2010", {"theil": t["theil"], "between_share": "most"}, "not_a_number"),
        ("theil_2010", 0.09, "shape"),
        ("beta", (b["official"].slope, b["official"].half_life), "beta_official"),
        ("beta", (b["from_2000"].slope, b["from_2000"].half_life), "beta_start_2000"),
        ("beta", (-b["slope"], b["half_life"]), "beta_sign"),
        ("beta", (-0.02, 30), "beta_slope_wrong"),
        ("beta", (b["slope"], math.log(2) / abs(b["slope"])), "half_life_naive"),
        ("beta", (b["slope"], b["speed"]), "half_life_speed"),
        ("beta", (b["slope"], 40), "half_life_wrong"),
        ("beta", b["official"], "beta_official"),  # a result object: its slope names the mistake
        ("beta", b["from_2000"], "beta_start_2000"),
        ("beta", workshop._beta("registered", 2005), "beta_window"),
        (
            "placebo",
            {"rank": n + 1 - r, "p_value": p["p_value"], "significant": False},
            "placebo_rank_reversed",
        ),
        (
            "placebo",
            {"rank": r + 2, "p_value": p["p_value"], "significant": False},
            "placebo_rank_wrong",
        ),
        (
            "placebo",
            {"rank": r, "p_value": r / (n - 1), "significant": False},
            "placebo_p_no_treated",
        ),
        ("placebo", {"rank": r, "p_value": 0.01, "significant": False}, "placebo_p_wrong"),
        (
            "placebo",
            {"rank": r, "p_value": p["p_value"], "significant": not p["significant"]},
            "placebo_verdict",
        ),
        ("placebo", {"rank": r, "p_value": p["p_value"], "significant": "no"}, "placebo_verdict"),
        ("placebo", (r, p["p_value"]), "shape"),
        ("claim", "reproduced", "claim_reproduced"),
        ("claim", "contradicted", "claim_contradicted"),
        ("claim", "not testable", "claim_not_testable"),
        ("claim", "probably true", "claim_status_unknown"),
        (
            "claim",
            {"official": c["registered"], "registered": c["official"], "status": c["status"]},
            "claim_swapped",
        ),
        (
            "claim",
            {"official": c["official"], "registered": c["resident"], "status": c["status"]},
            "claim_resident",
        ),
        ("claim", {"official": 3.1, "status": c["status"]}, "claim_number"),
    ]
    return right, mistakes


RIGHT, MISTAKES = _answers()


@pytest.mark.parametrize("exercise", workshop.EXERCISES)
@pytest.mark.parametrize("lang", labels.LANGS)
def test_the_right_answer_passes(exercise, lang):
    result = workshop.check(exercise, RIGHT[exercise], lang=lang)
    assert result.ok and bool(result) and result.status == "correct", result.message
    assert labels.has_cjk(result.message) == (lang == "zh")


def test_a_result_object_is_accepted_for_beta():
    pc = data.per_capita_panel(data.load_city_panel("jiangsu"), basis="registered", prices="real")
    b = convergence.beta(pc, unit="city_code", time="year", value="gdp_pc", start=2001, end=2021)
    assert workshop.check("beta", b).ok
    # nominal prices give the same slope within Jiangsu: also right
    nominal = data.per_capita_panel(
        data.load_city_panel("jiangsu"), basis="registered", prices="nominal"
    )
    b = convergence.beta(
        nominal, unit="city_code", time="year", value="gdp_pc", start=2001, end=2021
    )
    assert workshop.check("beta", (b.slope, b.half_life)).ok


@pytest.mark.parametrize(
    "exercise,answer,reason", MISTAKES, ids=[f"{e}-{r}-{i}" for i, (e, _, r) in enumerate(MISTAKES)]
)
def test_common_mistakes_get_their_own_hint(exercise, answer, reason):
    for lang in labels.LANGS:
        result = workshop.check(exercise, answer, lang=lang)
        assert result.status == "wrong" and not result, result.message
        assert result.reason == reason, result.message
        assert not re.search(r"\{[a-z_]+(:[^}]*)?\}", result.message)  # every field filled in


@pytest.mark.parametrize(
    "exercise,placeholder",
    [
        ("basis_switch", None),
        ("theil_2010", (None, None)),
        ("beta", (None, ...)),
        ("placebo", {"rank": None, "p_value": None, "significant": None}),
        ("claim", {"official": None, "registered": None, "status": None}),
    ],
)
def test_a_placeholder_is_not_answered_yet_never_an_error(exercise, placeholder):
    result = workshop.check(exercise, placeholder, lang="zh")
    assert result.status == "unanswered" and not result and "None" in result.message


def test_check_shows_in_a_notebook_with_a_machine_readable_copy():
    result = workshop.check("basis_switch", 2009, lang="zh")
    bundle = result._repr_mimebundle_()
    assert bundle[workshop.MIME] == {"exercise": "basis_switch", "status": "correct", "ok": True}
    assert bundle["text/markdown"].startswith("✅ **1 · 找出人口口径的切换** — **正确。**")
    assert str(result).startswith("✔")
    with pytest.raises(KeyError, match="exercises"):
        workshop.check("no_such_exercise", 1)
    with pytest.raises(ValueError, match="lang"):
        workshop.check("basis_switch", 2009, lang="de")


def test_plot_bases_in_both_languages():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = workshop.plot_bases(city="苏州", lang="zh")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [labels.basis(b, "zh") for b in ("official", "registered", "resident")]
    assert "苏州" in ax.get_title()
    ax = workshop.plot_bases(city=320500, lang="en")
    assert not labels.has_cjk(ax.get_title() + ax.get_ylabel())
    plt.close("all")


# ------------------------------------------------------------- student and instructor copies
def _toy():
    return new_notebook(
        cells=[
            new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
            new_code_cell(
                "answer = None\n### BEGIN SOLUTION\nanswer = secret_formula(x)\n"
                "### END SOLUTION\nprint(answer)",
                metadata={"tags": ["solution"]},
            ),
            new_code_cell(
                "  ### BEGIN SOLUTION\n  hidden = 2\n  ### END SOLUTION",
                metadata={"tags": ["solution"]},
            ),
            new_code_cell("whole_cell_solution = 3", metadata={"tags": ["solution"]}),
            new_markdown_cell("The answer is 42 because ...", metadata={"tags": ["solution"]}),
            new_code_cell("check(answer)"),
        ]
    )


def test_student_version_removes_every_solution_and_keeps_the_stubs():
    student = workshop.student_version(_toy())
    sources = [c.source for c in student.cells]
    assert sources == [
        "x = 1",
        f"answer = None\n{workshop.STUB}\nprint(answer)",
        f"  {workshop.STUB}",
        workshop.STUB,
        "check(answer)",
    ]
    text = json.dumps(student)
    for line in workshop.solution_lines(_toy()):
        assert line not in text
    assert "solution" not in text.replace(workshop.STUB, "")
    instructor = workshop.instructor_version(_toy())
    assert "secret_formula" in json.dumps(instructor) and len(instructor.cells) == 6


@pytest.mark.parametrize(
    "source,match",
    [
        ("### BEGIN SOLUTION\nx = 1", "without ### END"),
        ("x = 1\n### END SOLUTION", "without ### BEGIN"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested"),
    ],
)
def test_unbalanced_markers_are_refused(source, match):
    nb = new_notebook(cells=[new_code_cell(source, metadata={"tags": ["solution"]})])
    with pytest.raises(ValueError, match=match):
        workshop.student_version(nb)


def test_markers_outside_a_solution_cell_are_refused():
    nb = new_notebook(cells=[new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")])
    with pytest.raises(ValueError, match="not tagged"):
        workshop.student_version(nb)


def test_there_are_five_source_notebooks_covering_every_exercise():
    assert [p.name for p in SOURCES] == [
        "1_basis_switch.ipynb",
        "2_theil.ipynb",
        "3_beta.ipynb",
        "4_placebo.ipynb",
        "5_claim.ipynb",
    ]
    checked = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        checked += [e for e in workshop.EXERCISES if f'workshop.check(\\"{e}\\"' in text]
    assert checked == list(workshop.EXERCISES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_source_notebooks_are_clean_parameterized_and_have_solutions(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    params = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1 and 'lang = "en"' in "".join(params[0]["source"])
    assert nb["metadata"]["kernelspec"]["name"] == reports.KERNEL_NAME
    for cell in code:
        src = "".join(cell["source"])
        assert "sys.path" not in src
        for block in src.split("\ndef ")[1:]:
            assert block.count("\n") < 15, f"{path.name}: long function defined in a notebook"
    assert workshop.solution_lines(nbformat.reads(json.dumps(nb), as_version=4))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_the_participants_copy_contains_no_solution(path):
    source = nbformat.read(path, as_version=4)
    student = workshop.student_version(source)
    text = "\n".join(c.source for c in student.cells)
    leaked = [line for line in workshop.solution_lines(source) if line in text]
    assert not leaked, leaked
    assert workshop.BEGIN not in text and workshop.END not in text
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
    assert text.count(workshop.STUB) >= 1


def test_build_writes_both_copies_and_the_zip(tmp_path):
    summary = workshop.build(SOURCE, tmp_path, run_checks=False, log=lambda *_: None)
    student, instructor = tmp_path / "student", tmp_path / "instructor"
    assert sorted(p.name for p in student.glob("*.ipynb")) == [p.name for p in SOURCES]
    assert (instructor / "INSTRUCTOR.md").exists()
    with zipfile.ZipFile(summary["archive"]) as zf:
        names = sorted(zf.namelist())
        assert names == [f"nanbei-workshop/{p.name}" for p in SOURCES]
        for path in SOURCES:
            assert zf.read(f"nanbei-workshop/{path.name}") == (student / path.name).read_bytes()
    for path in student.glob("*.ipynb"):
        assert nbformat.read(path, as_version=4).metadata["nanbei_workshop"]["version"] == "student"


def test_the_command_reports_a_missing_source(tmp_path, capsys):
    assert workshop.main(["build", str(tmp_path / "nothing"), "--output", str(tmp_path)]) == 1
    assert "no workshop notebooks" in capsys.readouterr().err


# ----------------------------------------------------------------- running the notebooks
def _no_missing_glyphs(executed_dir: Path) -> None:
    for path in executed_dir.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        streams = [
            o.get("text", "")
            for c in nb.cells
            for o in c.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stderr"
        ]
        assert not any("Glyph" in s and "missing" in s for s in streams), path.name
        errors = [
            o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
        ]
        assert not errors, path.name


@pytest.mark.notebooks
@pytest.mark.parametrize("lang", labels.LANGS)
def test_the_solutions_pass_every_check(tmp_path, lang):
    summary = workshop.build(SOURCE, tmp_path, run_checks=True, lang=lang, log=lambda *_: None)
    assert sorted(r["exercise"] for r in summary["checks"]) == sorted(workshop.EXERCISES)
    assert all(r["ok"] for r in summary["checks"])
    _no_missing_glyphs(tmp_path / "instructor-executed")


@pytest.mark.notebooks
def test_the_participants_copy_runs_top_to_bottom_unanswered(tmp_path):
    workshop.build(SOURCE, tmp_path, run_checks=False, log=lambda *_: None)
    statuses = []
    for path in sorted((tmp_path / "student").glob("*.ipynb")):
        executed = workshop.execute(path, tmp_path / "run" / path.name, {"lang": "zh"})
        statuses += [(r["exercise"], r["status"]) for r in workshop.check_results(executed)]
    assert statuses == [(e, "unanswered") for e in workshop.EXERCISES]
    _no_missing_glyphs(tmp_path / "run")
