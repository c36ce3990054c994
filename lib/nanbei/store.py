"""The results store: a notebook's key numbers, recorded once and comparable across runs.

In a notebook::

    import nanbei
    nanbei.record("ratio_2021_official", ratio, unit="ratio", basis="official")

Under ``nanbei run`` each call adds the number to ``<notebook>.results.json`` beside the executed
notebook (the runner tells the kernel where through ``$NANBEI_RECORD_FILE``); after the run the
runner adds the notebook's parameters and provenance to that file and gathers every parameter
set's numbers into ``results.csv`` in the output folder.  Anywhere else (JupyterLab, plain
papermill, a script) ``record`` only keeps the number in memory (:func:`recorded`) and returns it,
so a notebook runs the same with or without the runner.

Reading::

    from nanbei import store
    df = store.load_results("build/reports")            # one row per number and parameter set
    store.compare("build/reports", notebook="01_convergence")  # a sweep side by side
    print(store.cite(df.iloc[0]))                        # the number with its parameters

This module is imported inside every kernel: it imports nothing heavy at module level.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "record",
    "recorded",
    "clear",
    "load_results",
    "gather",
    "compare",
    "cite",
    "RECORD_ENV",
    "RESULTS_SUFFIX",
    "RESULTS_TABLE",
]

#: Environment variable through which the runner tells a kernel where to write its numbers.
RECORD_ENV = "NANBEI_RECORD_FILE"
#: Suffix of the per-notebook results file (beside the executed notebook).
RESULTS_SUFFIX = ".results.json"
#: The gathered table in the output folder.
RESULTS_TABLE = "results.csv"

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
# Columns of the gathered table; an attribute of a number may not take one of these names.
RESERVED = frozenset(
    {
        "notebook",
        "set",
        "name",
        "value",
        "unit",
        "note",
        "cell",
        "status",
        "params",
        "attrs",
        "run_id",
        "finished",
        "commit",
        "dirty",
        "data_hash",
        "report",
    }
)

_records: dict[str, dict] = {}


def _scalar(value: Any, what: str):
    """A JSON-able scalar from a Python, NumPy or pandas scalar (NaN and infinities -> None)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    item = getattr(value, "item", None)  # NumPy scalars, 0-d arrays
    if callable(item) and getattr(value, "ndim", 0) == 0:
        return _scalar(item(), what)
    try:  # pandas.NA, NaT and the like
        import pandas as pd

        if pd.api.types.is_scalar(value) and pd.isna(value):
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if hasattr(value, "isoformat"):  # dates, timestamps
        return value.isoformat()
    try:
        number = float(value)  # Decimal, Fraction
    except (TypeError, ValueError):
        raise TypeError(
            f"nanbei.record: {what} must be a number, string, bool or None, "
            f"not {type(value).__name__}"
        ) from None
    return number if math.isfinite(number) else None


def _cell() -> int | None:
    try:
        from IPython import get_ipython

        shell = get_ipython()
        return None if shell is None else int(shell.execution_count)
    except Exception:  # noqa: BLE001 - outside IPython, or an unusual shell
        return None


def _write(path: Path) -> None:
    payload = {"records": list(_records.values())}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def record(
    name: str, value: Any, *, unit: str | None = None, note: str | None = None, **attrs: Any
) -> Any:
    """Record a key number of this notebook under ``name``; return ``value`` unchanged.

    ``unit`` and ``note`` describe it; any other keyword (``basis="official"``, ``year=2021``)
    qualifies it and becomes a column of the gathered table.  Recording the same name again
    replaces the number (re-running a cell).  Values are numbers, strings, bools or None
    (NumPy and pandas scalars are converted; NaN is stored as None).

    Outside ``nanbei run`` nothing is written: the number is kept in memory only.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"nanbei.record: name must be an identifier such as 'ratio_2021' "
            f"(letters, digits, _ . -), got {name!r}"
        )
    clash = sorted(set(attrs) & RESERVED)
    if clash:
        raise ValueError(f"nanbei.record: {clash} are reserved column names; choose others")
    entry = {
        "name": name,
        "value": _scalar(value, name),
        "unit": unit,
        "note": note,
        "attrs": {k: _scalar(v, f"{name}.{k}") for k, v in attrs.items()},
        "cell": _cell(),
    }
    _records.pop(name, None)  # a re-recorded number moves to the end, like its cell
    _records[name] = entry
    target = os.environ.get(RECORD_ENV)
    if target:
        _write(Path(target))
    return value


def recorded() -> dict[str, dict]:
    """The numbers recorded in this process so far, by name."""
    return {k: dict(v) for k, v in _records.items()}


def clear() -> None:
    """Forget the numbers recorded in this process (does not touch files)."""
    _records.clear()


# --- reading -----------------------------------------------------------------------------------


def _result_files(output: Path) -> Iterable[Path]:
    return sorted(output.glob(f"*/*{RESULTS_SUFFIX}"))


def gather(output: str | Path) -> pd.DataFrame:
    """Every recorded number of every parameter set in ``output``, one row each.

    Columns: notebook, set, name, value, unit, note, cell, status (of the parameter set's
    report: ok or stale), params and attrs (JSON), run_id, finished, commit, dirty, data_hash,
    report (path of the HTML report, relative to ``output``).
    """
    import pandas as pd

    output = Path(output)
    rows = []
    for path in _result_files(output):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        meta = doc.get("run") or {}
        stem = path.name[: -len(RESULTS_SUFFIX)]
        status = "ok"
        run_json = path.with_name(f"{stem}.run.json")
        if run_json.exists():
            try:
                status = json.loads(run_json.read_text(encoding="utf-8")).get("status", "ok")
            except ValueError:
                pass
        for rec in doc.get("records", []):
            rows.append(
                {
                    "notebook": doc.get("notebook", stem),
                    "set": doc.get("set", path.parent.name),
                    "name": rec.get("name"),
                    "value": rec.get("value"),
                    "unit": rec.get("unit"),
                    "note": rec.get("note"),
                    "cell": rec.get("cell"),
                    "status": status,
                    "params": json.dumps(
                        doc.get("parameters", {}), sort_keys=True, ensure_ascii=False, default=str
                    ),
                    "attrs": json.dumps(rec.get("attrs") or {}, sort_keys=True, ensure_ascii=False),
                    "run_id": meta.get("run_id"),
                    "finished": meta.get("finished"),
                    "commit": meta.get("commit"),
                    "dirty": meta.get("dirty"),
                    "data_hash": meta.get("data_hash"),
                    "report": (path.parent / f"{stem}.html").relative_to(output).as_posix(),
                }
            )
    columns = [
        "notebook",
        "set",
        "name",
        "value",
        "unit",
        "note",
        "cell",
        "status",
        "params",
        "attrs",
        "run_id",
        "finished",
        "commit",
        "dirty",
        "data_hash",
        "report",
    ]
    return pd.DataFrame(rows, columns=columns)


def _expand(table: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    if table.empty:
        return table
    params = pd.DataFrame(
        [json.loads(p) if isinstance(p, str) else {} for p in table["params"]], index=table.index
    ).add_prefix("param.")
    attrs = pd.DataFrame(
        [json.loads(a) if isinstance(a, str) else {} for a in table["attrs"]], index=table.index
    )
    attrs = attrs[[c for c in attrs.columns if c not in table.columns]]
    out = pd.concat([table, attrs, params], axis=1)
    numeric = pd.to_numeric(out["value"], errors="coerce")
    if numeric.notna().sum() == out["value"].notna().sum():  # all numbers: a numeric column
        out["value"] = numeric
    return out


def load_results(output: str | Path = "build/reports", *, expand: bool = True) -> pd.DataFrame:
    """The results store of an output folder as a DataFrame (from the files, always current).

    With ``expand`` (default) each parameter becomes a column ``param.<name>`` and each attribute
    of a number (``basis``, ``year`` ...) a column of its own, so a sweep filters and groups
    directly: ``df[df["param.prices"] == "nominal"]``.
    """
    table = gather(output)
    return _expand(table) if expand else table


def compare(
    output: str | Path = "build/reports",
    *,
    notebook: str | None = None,
    names: Iterable[str] | None = None,
) -> pd.DataFrame:
    """A sweep side by side: one row per parameter set, the varying parameters as index
    and one column per recorded number."""
    import pandas as pd

    df = load_results(output)
    if df.empty:
        return pd.DataFrame()
    if notebook is not None:
        df = df[df["notebook"] == notebook]
    if names is not None:
        df = df[df["name"].isin(list(names))]
    if df.empty:
        return pd.DataFrame()
    param_cols = [c for c in df.columns if c.startswith("param.")]
    varying = [c for c in param_cols if df[c].astype(str).nunique(dropna=False) > 1]
    index = ["notebook", "set", *varying] if notebook is None else ["set", *varying]
    keyed = df.assign(
        **{
            c: df[c].map(lambda v: json.dumps(v) if isinstance(v, (list, dict)) else v)
            for c in varying
        }
    )
    wide = keyed.groupby([*index, "name"], dropna=False, sort=False)["value"].last().unstack("name")
    wide = wide[list(dict.fromkeys(keyed["name"]))].sort_index()
    wide.columns.name = None
    return wide.rename_axis(index=[i.removeprefix("param.") for i in wide.index.names])


def cite(row: Any) -> str:
    """One line that cites a number with its parameters and provenance.

    ``row`` is a row of :func:`load_results` or :func:`gather` (a Series or a dict)."""
    get = row.get
    value = get("value")
    unit = get("unit")
    params = get("params")
    params = json.loads(params) if isinstance(params, str) else (params or {})
    shown = ", ".join(f"{k}={v!r}" for k, v in sorted(params.items())) or "defaults"
    commit = get("commit")
    commit_text = (
        f"commit {str(commit)[:10]}{' (dirty)' if get('dirty') else ''}"
        if commit
        else "no git commit"
    )
    attrs = get("attrs")
    attrs = json.loads(attrs) if isinstance(attrs, str) else (attrs or {})
    qualifiers = "".join(f", {k}={v}" for k, v in sorted(attrs.items()))
    return (
        f"{get('name')} = {value}{' ' + unit if unit else ''}{qualifiers} "
        f"[{get('notebook')} with {shown}; {commit_text}, data {get('data_hash')}, "
        f"run {get('run_id')}, {get('report')}]"
    )
