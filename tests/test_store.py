"""The results store: nanbei.record in and out of the runner, gathered, compared, cited."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_run_support import make_notebook

import nanbei
from nanbei import store


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.delenv(store.RECORD_ENV, raising=False)
    store.clear()
    yield
    store.clear()


def test_record_outside_the_runner_is_harmless_and_returns_the_value(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert nanbei.record("ratio_2021", 1.955, unit="ratio", basis="official") == 1.955
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere
    assert store.recorded()["ratio_2021"]["attrs"] == {"basis": "official"}


def test_record_under_the_runner_writes_json_and_converts_values(tmp_path, monkeypatch):
    target = tmp_path / "nb.results.json"
    monkeypatch.setenv(store.RECORD_ENV, str(target))
    nanbei.record("a", np.float64(2.5), unit="x")
    nanbei.record("b", np.int32(3), year=np.int64(2021))
    nanbei.record("c", float("nan"), note="no data")
    nanbei.record("d", pd.NA)
    nanbei.record("e", "text")
    nanbei.record("a", 4.0)  # recorded again: replaces, like re-running a cell
    doc = json.loads(target.read_text())
    by = {r["name"]: r for r in doc["records"]}
    assert [r["name"] for r in doc["records"]] == ["b", "c", "d", "e", "a"]
    assert by["a"]["value"] == 4.0 and by["b"]["value"] == 3 and by["b"]["attrs"] == {"year": 2021}
    assert by["c"]["value"] is None and by["c"]["note"] == "no data" and by["d"]["value"] is None
    assert by["e"]["value"] == "text"


def test_record_refuses_bad_names_values_and_reserved_attributes():
    with pytest.raises(ValueError, match="identifier"):
        nanbei.record("has space", 1)
    with pytest.raises(ValueError, match="reserved"):
        nanbei.record("x", 1, notebook="01")
    with pytest.raises(TypeError, match="must be a number"):
        nanbei.record("x", [1, 2])
    with pytest.raises(TypeError, match="must be a number"):
        nanbei.record("x", np.array([1.0, 2.0]))


def test_record_in_plain_papermill_is_harmless(tmp_path):
    import papermill

    nb = make_notebook(
        tmp_path / "plain.ipynb",
        "x = 2",
        ["import nanbei\nv = nanbei.record('double', x * 2)\nprint(v)"],
        "Plain",
    )
    out = papermill.execute_notebook(
        str(nb),
        str(tmp_path / "out.ipynb"),
        kernel_name="nanbei",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    assert "4" in "".join(out.cells[-1].outputs[0]["text"])
    assert not list(tmp_path.glob("*.results.json"))


def _fake_output(root, sets):
    """Result files as the runner writes them, for a sweep over x and prices."""
    for key, params, status, value in sets:
        folder = root / key
        folder.mkdir(parents=True)
        (folder / "01_nb.results.json").write_text(
            json.dumps(
                {
                    "notebook": "01_nb",
                    "set": key,
                    "parameters": params,
                    "run": {
                        "run_id": "r1",
                        "finished": "2026-01-01T00:00:00+00:00",
                        "commit": "abcdef1234567",
                        "dirty": False,
                        "data_hash": "d4t4",
                    },
                    "records": [
                        {
                            "name": "ratio",
                            "value": value,
                            "unit": "ratio",
                            "attrs": {"basis": "official"},
                            "cell": 3,
                            "note": None,
                        },
                        {
                            "name": "label",
                            "value": f"L{params['x']}",
                            "unit": None,
                            "attrs": {},
                            "cell": 4,
                            "note": None,
                        },
                    ],
                }
            )
        )
        (folder / "01_nb.run.json").write_text(json.dumps({"status": status}))


def test_gather_load_compare_and_cite_round_trip(tmp_path):
    _fake_output(
        tmp_path,
        [
            ("default", {"x": 1, "prices": "real"}, "ok", 1.5),
            ("x-2-aaaa", {"x": 2, "prices": "real"}, "ok", 2.5),
            ("prices-nominal-bbbb", {"x": 1, "prices": "nominal"}, "stale", 3.5),
        ],
    )
    raw = store.gather(tmp_path)
    assert len(raw) == 6 and set(raw["status"]) == {"ok", "stale"}
    df = store.load_results(tmp_path)
    ratio = df[df["name"] == "ratio"].set_index("set")
    assert ratio.loc["x-2-aaaa", "value"] == 2.5
    assert ratio.loc["prices-nominal-bbbb", "param.prices"] == "nominal"
    assert ratio.loc["default", "basis"] == "official"  # an attribute is a column of its own
    wide = store.compare(tmp_path, notebook="01_nb")
    assert wide.index.names == ["set", "prices", "x"]  # only the parameters that vary
    assert wide.loc[("x-2-aaaa", "real", 2), "ratio"] == 2.5
    assert wide.loc[("default", "real", 1), "label"] == "L1"
    text = store.cite(ratio.loc["x-2-aaaa"])
    assert text.startswith("ratio = 2.5 ratio, basis=official [01_nb with prices='real', x=2;")
    assert "commit abcdef1234" in text and "data d4t4" in text and "x-2-aaaa/01_nb.html" in text
    # the CSV the runner writes reads back to the same numbers
    raw.to_csv(tmp_path / store.RESULTS_TABLE, index=False)
    back = pd.read_csv(tmp_path / store.RESULTS_TABLE)
    assert sorted(back.loc[back["name"] == "ratio", "value"].astype(float)) == [1.5, 2.5, 3.5]


def test_empty_store(tmp_path):
    assert store.gather(tmp_path).empty and store.compare(tmp_path).empty
