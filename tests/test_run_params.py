"""Parameters, configurations and the plan: every value checked before any kernel starts."""

from __future__ import annotations

import ast
import math
import sys
from pathlib import Path

import pytest
from test_run_support import nanbei, tiny_project

from nanbei.runner import config, params
from nanbei.runner.config import ConfigError, plan, set_key
from nanbei.runner.params import ParameterError, declared_parameters

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return tiny_project(tmp_path_factory.mktemp("params"))


@pytest.fixture(scope="module")
def cfg(project):
    return config.load_config(project / "runs.toml")


def job(jobs, stem):
    (found,) = [j for j in jobs if j.stem == stem]
    return found


# --- declarations ------------------------------------------------------------------------------


def test_declared_parameters_of_every_real_notebook_with_types_and_help():
    p = declared_parameters(NB / "01_convergence.ipynb")
    assert p["fast"].type == "bool" and p["fast"].default is False
    assert p["start_year"].type == "int" and p["start_year"].default == 2001
    assert p["report_ratios"].type == "dict" and p["report_ratios"].default[2000] == 3.5
    assert "population basis" in p["basis"].help
    assert declared_parameters(NB / "02_cobuilt_parks.ipynb")["donor_provinces"].type == "list"
    # papermill's own parser gives up on a comment holding quotes; ours reads it.
    ledger = declared_parameters(NB / "04_claims.ipynb")
    assert ledger["export_dir"].type == "str"
    # a comment block above a parameter is its help (00_data's report_ratios)
    assert "headline ratios" in declared_parameters(NB / "00_data.ipynb")["report_ratios"].help


def test_help_of_the_cells_own_heading_comment_is_not_a_parameters_help(project):
    src = "# Parameters (papermill overrides these)\nx = 1\ny = 2  # why y\n"
    decl = params.parse_declarations(src)
    assert decl["x"].help == "" and decl["y"].help == "why y"
    assert params.parse_declarations("z = f(3)")["z"].type == "any"


# --- values (section 1 of the issue: each fault) -----------------------------------------------


def test_fast_false_is_false_not_a_true_string(cfg):
    jobs = plan(["01_ok"], config=cfg, params={"fast": "false"})
    assert job(jobs, "01_ok").overrides == {}  # False is the default: no override at all
    jobs = plan(["01_ok"], config=cfg, params={"fast": "true"})
    assert job(jobs, "01_ok").overrides == {"fast": True}
    for text in ("False", "no", "0", "off"):
        assert plan(["01_ok"], config=cfg, params={"fast": text})[0].overrides == {}
    with pytest.raises(
        ParameterError, match=r"01_ok: parameter fast expects true or false, got 'maybe'"
    ):
        plan(["01_ok"], config=cfg, params={"fast": "maybe"})


def test_a_list_parameter_takes_one_name_a_comma_list_or_a_yaml_list():
    p = declared_parameters(NB / "02_cobuilt_parks.ipynb")["donor_provinces"]
    assert params.coerce(p, params.parse_text("Shandong", p)) == ["Shandong"]
    assert params.coerce(p, params.parse_text("Shandong,Anhui", p)) == ["Shandong", "Anhui"]
    assert params.coerce(p, params.parse_text("[Shandong, Anhui]", p)) == ["Shandong", "Anhui"]
    jobs = plan(["02_cobuilt_parks"], params={"donor_provinces": "Shandong"})
    assert jobs[0].overrides == {"donor_provinces": ["Shandong"]}
    with pytest.raises(ParameterError, match=r"donor_provinces\[0\] expects a string"):
        params.coerce(p, [1])


def test_a_wrong_type_is_refused_before_any_kernel_starts(project):
    with pytest.raises(
        ParameterError,
        match=r"01_convergence: parameter start_year expects an integer, got 'abc' \(str\); its default is 2001",
    ):
        plan(["01_convergence"], params={"start_year": "abc"})
    # through the command line: exit 2, a message, and nothing was run or written
    run = nanbei(project, "01_ok", "-p", "x=abc")
    assert run.returncode == 2
    assert "01_ok: parameter x expects an integer, got 'abc'" in run.stderr
    assert not (project / "out").exists()


def test_values_are_parsed_as_yaml_and_checked_against_the_default_type():
    d = declared_parameters(NB / "01_convergence.ipynb")
    assert params.coerce(d["start_year"], params.parse_text("2005", d["start_year"])) == 2005
    assert (
        params.coerce(d["scope"], params.parse_text("2001", d["scope"])) == "2001"
    )  # a str stays a str
    assert params.coerce(d["scope"], params.parse_text('"china"', d["scope"])) == "china"
    ratios = params.coerce(
        d["report_ratios"], params.parse_text("{2000: 3.4, 2021: 2}", d["report_ratios"])
    )
    assert ratios == {2000: 3.4, 2021: 2.0} and isinstance(ratios[2021], float)
    # TOML keys are strings: converted to the default's int keys
    assert params.coerce(d["report_ratios"], {"2000": 3.4}) == {2000: 3.4}
    with pytest.raises(ParameterError, match="expects an integer"):
        params.coerce(d["start_year"], True)
    with pytest.raises(ParameterError, match="expects an integer"):
        params.coerce(d["start_year"], 2001.5)
    with pytest.raises(ParameterError, match="cannot be None"):
        params.coerce(d["start_year"], None)
    with pytest.raises(ParameterError, match="expects a string"):
        params.coerce(d["basis"], 3)
    c = declared_parameters(NB / "03_employment.ipynb")["claimed_jobs"]
    assert params.coerce(c, params.parse_text("71", c)) == 71.0


def test_params_file_and_p_on_top(project, cfg, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("x: 5\nlabel: from-file\nfast: yes\n")
    jobs = plan(["01_ok"], config=cfg, param_files=[f], params={"x": "6"})
    assert jobs[0].overrides == {"fast": True, "label": "from-file", "x": 6}
    t = tmp_path / "p.toml"
    t.write_text("x = 4\n")
    assert plan(["01_ok"], config=cfg, param_files=[t])[0].overrides == {"x": 4}
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(ParameterError, match="mapping"):
        plan(["01_ok"], config=cfg, param_files=[bad])


def test_a_parameter_no_selected_notebook_declares_is_an_error(cfg):
    with pytest.raises(ParameterError, match=r"\['nope'\] are declared by none"):
        plan(["01_ok", "02_toggle"], config=cfg, params={"nope": "1"})
    # but one declared by some of them applies only there
    jobs = plan(["01_ok", "04_ledger"], config=cfg, params={"label": "z"})
    assert job(jobs, "01_ok").overrides == {"label": "z"} and job(jobs, "04_ledger").overrides == {}


# --- keys and sweeps ---------------------------------------------------------------------------


def test_parameter_set_keys_are_readable_hashed_stable_and_distinct():
    assert set_key({}) == "default"
    a = set_key({"basis": "official", "prices": "nominal"})
    assert a.startswith("basis-official_prices-nominal-") and len(a.rsplit("-", 1)[1]) == 8
    assert a == set_key({"prices": "nominal", "basis": "official"})  # order does not matter
    keys = {set_key({"x": v}) for v in (1, 2, "1", 1.5, True, [1], [1, 2], {1: 2}, {"1": 2})}
    assert len(keys) == 9  # different values never share a folder
    long = set_key({"donor_provinces": ["Shandong", "Anhui", "Zhejiang", "Henan"], "z" * 60: 1})
    assert len(long) < 70


def test_an_override_equal_to_the_default_is_the_default_set(cfg):
    assert plan(["01_ok"], config=cfg, params={"x": "1", "label": "a"})[0].key == "default"


def test_the_robustness_sweep_expands_per_notebook_on_its_declared_parameters():
    jobs = plan(["robustness"])
    by_nb = {}
    for j in jobs:
        by_nb.setdefault(j.stem, []).append(j)
    assert len(by_nb["01_convergence"]) == 8  # donor_provinces is not 01's: 2 x 2 x 2
    assert len(by_nb["02_cobuilt_parks"]) == 16
    assert len({j.key for j in by_nb["02_cobuilt_parks"]}) == 16
    assert all("donor_provinces" not in j.overrides for j in by_nb["01_convergence"])
    # the same point of the grid shares a folder across notebooks when their overrides agree
    shared = {j.key for j in by_nb["01_convergence"]} & {j.key for j in by_nb["02_cobuilt_parks"]}
    assert len(shared) == 8


def test_sweep_with_cases_and_fixed_parameters(cfg):
    cfg2 = config.load_config(cfg.path)
    cfg2.configs["c"] = config.Configuration(
        "c", ["01_ok"], "", {"fast": True}, {"x": [2, 3]}, [{"label": "p"}, {"label": "q"}]
    )
    jobs = plan(["c"], config=cfg2)
    assert sorted((j.overrides["x"], j.overrides["label"]) for j in jobs) == [
        (2, "p"),
        (2, "q"),
        (3, "p"),
        (3, "q"),
    ]
    assert all(j.overrides["fast"] is True for j in jobs)


def test_bad_configurations_are_refused(tmp_path, project):
    bad = tmp_path / "runs.toml"
    notebooks = (project / "notebooks").as_posix()
    bad.write_text(
        f'[runner]\nnotebooks = "{notebooks}"\n[configs.s]\nnotebooks = ["01_ok"]\n'
        "grid = { nope = [1, 2] }\n"
    )
    with pytest.raises(ConfigError, match=r"configuration 's': parameter\(s\) \['nope'\]"):
        plan(["s"], config=config.load_config(bad))
    bad.write_text('[configs.s]\nnotebooks = ["01_ok"]\ntypo = 1\n')
    with pytest.raises(ConfigError, match="unknown key"):
        config.load_config(bad)
    with pytest.raises(ConfigError, match="neither a notebook"):
        plan(["no_such_thing"])


def test_injected_parameters_cell_round_trips_every_value():
    for value in [
        1,
        -2.5,
        math.inf,
        "a 'b' \"c\"",
        [1, "x"],
        (1,),
        {2000: 3.5, "k": [1]},
        None,
        True,
    ]:
        text = params.python_literal(value)
        back = eval(text, {"float": float}) if "float(" in text else ast.literal_eval(text)  # noqa: S307
        assert back == value and type(back) is type(value)


# --- help and list -----------------------------------------------------------------------------


def test_help_lists_notebooks_parameters_and_configurations():
    from nanbei.runner.cli import build_parser

    parser = build_parser(config.load_config())
    text = parser._subparsers._group_actions[0].choices["run"].format_help()
    for needle in (
        "--output",
        "--jobs",
        "--scheduler",
        "--timeout",
        "-p NAME=VALUE",
        "-f FILE",
        "01_convergence",
        "start_year",
        "int",
        "2001",
        "donor_provinces",
        "robustness",
        "24 run(s)",
    ):
        assert needle in text, needle


def test_nanbei_list_and_run_help_on_the_command_line(project):
    out = nanbei(project, command="list")
    assert out.returncode == 0
    assert "01_ok" in out.stdout and "label" in out.stdout and '"a"' in out.stdout
    assert "sweep" in out.stdout and "4 run(s)" in out.stdout
    out = nanbei(project, "sweep", command="list")
    assert out.stdout.count("01_ok") == 4
    import subprocess

    helped = subprocess.run(
        [sys.executable, "-m", "nanbei", "run", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert (
        helped.returncode == 0
        and "03_employment" in helped.stdout
        and "claimed_jobs" in helped.stdout
    )
