"""Run configurations (``runs.toml``) and the plan: which notebook runs with which parameters.

A configuration names a set of notebooks and how to run them::

    [configs.robustness]
    description = "..."
    notebooks = ["01_convergence", "02_cobuilt_parks"]   # or "all"
    parameters = { fast = false }                          # fixed values
    grid = { basis = ["registered", "official"], prices = ["real", "nominal"] }
    cases = [{ start_year = 2001 }, { start_year = 2005, end_year = 2019 }]

Each notebook gets the product ``cases x grid``, restricted to the parameters it declares, with
``parameters`` and the command line's ``-p``/``-f`` on top (a value applies to every notebook
that declares it; one declared by none of them is an error).  Each resulting parameter set is
checked against the declared types before any kernel starts and gets its own output folder,
``<output>/<key>/``: ``default`` for a notebook's own defaults, otherwise a short readable key
and a hash of the overrides (``basis-official_prices-nominal-3f2a9c1e``).  Overrides equal to a
default are dropped, so the same parameter set always lands in the same folder, and different
ones never share a folder.  Notebooks run with the same overrides share the folder, which
keeps their cross-links (04's ledger links ``00_data.html``) working.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nanbei.runner.params import (
    Parameter,
    ParameterError,
    coerce,
    declared_parameters,
    load_param_file,
    parse_text,
    same,
)

PROJECT_ROOT = Path(__file__).resolve().parents[3]
CONFIG_NAME = "runs.toml"
DEFAULT_OUTPUT_PARAMETERS = ("export_dir",)


class ConfigError(ValueError):
    """A run configuration or a command line that cannot be planned."""


@dataclass
class Configuration:
    name: str
    notebooks: list[str] | str = "all"
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, list] = field(default_factory=dict)
    cases: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RunnerConfig:
    """The runner's settings and named configurations (from ``runs.toml`` or built in)."""

    path: Path | None
    notebook_dir: Path
    output: Path
    output_parameters: tuple[str, ...] = DEFAULT_OUTPUT_PARAMETERS
    configs: dict[str, Configuration] = field(default_factory=dict)

    def notebooks(self) -> list[Path]:
        return sorted(self.notebook_dir.glob("[0-9]*.ipynb"))


def find_config() -> Path | None:
    """``runs.toml`` of the working folder, else of the project this package belongs to."""
    for candidate in (Path.cwd() / CONFIG_NAME, PROJECT_ROOT / CONFIG_NAME):
        if candidate.exists():
            return candidate
    return None


def load_config(path: str | Path | None = None) -> RunnerConfig:
    """Read ``runs.toml`` (default: :func:`find_config`; built-in settings if there is none)."""
    if path is None:
        path = find_config()
    if path is None:
        return RunnerConfig(
            None,
            PROJECT_ROOT / "notebooks",
            PROJECT_ROOT / "build" / "reports",
            configs={
                "default": Configuration("default", "all", "every notebook with its defaults")
            },
        )
    path = Path(path).resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    runner = data.get("runner", {})
    unknown = sorted(set(data) - {"runner", "configs"})
    if unknown:
        raise ConfigError(
            f"{path}: unknown table(s) {unknown}; expected [runner] and [configs.NAME]"
        )
    base = path.parent
    configs = {}
    for name, body in data.get("configs", {}).items():
        extra = sorted(set(body) - {"notebooks", "description", "parameters", "grid", "cases"})
        if extra:
            raise ConfigError(f"{path}: [configs.{name}] has unknown key(s) {extra}")
        grid = body.get("grid", {})
        for k, v in grid.items():
            if not isinstance(v, list) or not v:
                raise ConfigError(f"{path}: [configs.{name}] grid.{k} must be a non-empty list")
        cases = body.get("cases", [])
        if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
            raise ConfigError(f"{path}: [configs.{name}] cases must be a list of tables")
        configs[name] = Configuration(
            name,
            body.get("notebooks", "all"),
            body.get("description", ""),
            body.get("parameters", {}),
            grid,
            cases,
        )
    configs.setdefault(
        "default", Configuration("default", "all", "every notebook with its defaults")
    )
    return RunnerConfig(
        path,
        (base / runner.get("notebooks", "notebooks")).resolve(),
        (base / runner.get("output", "build/reports")).resolve(),
        tuple(runner.get("output_parameters", DEFAULT_OUTPUT_PARAMETERS)),
        configs,
    )


# --- keys --------------------------------------------------------------------------------------


def _slug(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, tuple)):
        return "+".join(_slug(v) for v in value)
    if isinstance(value, dict):
        return "+".join(f"{_slug(k)}.{_slug(v)}" for k, v in value.items())
    return re.sub(r"[^A-Za-z0-9.+]+", "", str(value).replace(" ", "."))


def canonical(overrides: dict[str, Any]) -> str:
    """Canonical JSON of a parameter set (stable across runs and machines)."""

    def norm(v):
        if isinstance(v, dict):
            return {"__dict__": sorted([json.dumps(norm(k)), norm(x)] for k, x in v.items())}
        if isinstance(v, (list, tuple)):
            return [norm(x) for x in v]
        return v

    return json.dumps(
        {k: norm(v) for k, v in sorted(overrides.items())},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def set_key(overrides: dict[str, Any], width: int = 48) -> str:
    """Folder name of a parameter set: ``default`` or ``<readable>-<hash8>``."""
    if not overrides:
        return "default"
    digest = hashlib.sha256(canonical(overrides).encode()).hexdigest()[:8]
    parts: list[str] = []
    length = 0
    for name, value in sorted(overrides.items()):
        part = f"{name}-{_slug(value)}"[:width]
        if parts and length + len(part) + 1 > width:
            break
        parts.append(part)
        length += len(part) + 1
    return f"{'_'.join(parts)}-{digest}"


# --- the plan ----------------------------------------------------------------------------------


@dataclass
class Job:
    """One notebook with one parameter set."""

    notebook: Path
    overrides: dict[str, Any]  # checked, typed; only values that differ from the defaults
    parameters: dict[str, Any]  # effective values (defaults with the overrides on top)
    key: str
    configs: list[str] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.notebook.stem

    @property
    def label(self) -> str:
        return f"{self.stem} [{self.key}]"


def _resolve_notebook(item: str, cfg: RunnerConfig) -> Path | None:
    path = Path(item)
    if path.suffix == ".ipynb" and path.exists():
        return path.resolve()
    by_stem = {p.stem: p for p in cfg.notebooks()}
    return by_stem.get(item.removesuffix(".ipynb"))


def _cli_overrides(
    params: dict[str, str], files: list[dict[str, Any]]
) -> dict[str, tuple[Any, bool]]:
    """name -> (value, is_text); -p wins over -f, later files over earlier."""
    out: dict[str, tuple[Any, bool]] = {}
    for data in files:
        out.update({k: (v, False) for k, v in data.items()})
    out.update({k: (v, True) for k, v in params.items()})
    return out


def plan(
    targets: list[str] | tuple[str, ...] = (),
    *,
    config: RunnerConfig | None = None,
    params: dict[str, str] | None = None,
    param_files: Sequence[str | Path] = (),
    values: dict[str, Any] | None = None,
) -> list[Job]:
    """The jobs for ``targets`` (notebook names or paths, configuration names, or .toml files),
    every value checked against the notebooks' declarations.

    ``params`` are ``-p`` texts, ``param_files`` ``-f`` files, ``values`` typed values (API).
    Raises :class:`ConfigError` / :class:`~nanbei.runner.params.ParameterError` before anything runs.
    """
    cfg = config or load_config()
    units: list[tuple[Configuration, list[Path]]] = []
    loose: list[Path] = []
    for item in targets or ["default"]:
        nb = _resolve_notebook(item, cfg)
        if nb is not None:
            loose.append(nb)
            continue
        if item.endswith(".toml") and Path(item).exists():
            other = load_config(item)
            units += [
                (c, _config_notebooks(c, other))
                for name, c in other.configs.items()
                if not (name == "default" and len(other.configs) > 1)
            ]
            continue
        if item in cfg.configs:
            units.append((cfg.configs[item], _config_notebooks(cfg.configs[item], cfg)))
            continue
        available = [p.stem for p in cfg.notebooks()]
        raise ConfigError(
            f"{item!r} is neither a notebook ({', '.join(available) or 'none found'}) "
            f"nor a configuration ({', '.join(sorted(cfg.configs))})"
        )
    if loose:
        units.append((Configuration("command line", [str(p) for p in loose]), loose))
    if not any(nbs for _, nbs in units):
        raise ConfigError(f"no notebooks to run (looked in {cfg.notebook_dir})")

    declared = {nb: declared_parameters(nb) for _, nbs in units for nb in nbs}
    cli = _cli_overrides(dict(params or {}), [load_param_file(f) for f in param_files])
    cli.update({k: (v, False) for k, v in (values or {}).items()})
    everywhere = set().union(*declared.values()) if declared else set()
    nowhere = sorted(set(cli) - everywhere)
    if nowhere:
        raise ParameterError(
            f"parameter(s) {nowhere} are declared by none of the selected "
            f"notebooks ({', '.join(sorted({nb.stem for nb in declared}))})"
        )

    jobs: dict[tuple[Path, str], Job] = {}
    for conf, notebooks in units:
        fixed = dict(conf.parameters)
        grid_names = list(conf.grid)
        points = [
            dict(zip(grid_names, combo, strict=True))
            for combo in itertools.product(*(conf.grid[n] for n in grid_names))
        ] or [{}]
        cases = conf.cases or [{}]
        asked = set(fixed) | set(grid_names) | {k for c in cases for k in c}
        unused = sorted(asked - set().union(*(declared[nb] for nb in notebooks)))
        if unused:
            raise ConfigError(
                f"configuration {conf.name!r}: parameter(s) {unused} are declared by "
                f"none of its notebooks"
            )
        for nb in notebooks:
            decl = declared[nb]
            for case in cases:
                for point in points:
                    raw = {**fixed, **case, **point}
                    jobs_key = _make_job(nb, decl, raw, cli, conf.name)
                    existing = jobs.get((nb, jobs_key.key))
                    if existing is None:
                        jobs[(nb, jobs_key.key)] = jobs_key
                    elif conf.name not in existing.configs:
                        existing.configs.append(conf.name)
    return list(jobs.values())


def _config_notebooks(conf: Configuration, cfg: RunnerConfig) -> list[Path]:
    if conf.notebooks in ("all", "*", ["all"], ["*"]):
        return cfg.notebooks()
    names = [conf.notebooks] if isinstance(conf.notebooks, str) else list(conf.notebooks)
    out = []
    for name in names:
        nb = _resolve_notebook(name, cfg)
        if nb is None:
            nb = _resolve_notebook(str(cfg.notebook_dir / name), cfg)
        if nb is None:
            raise ConfigError(
                f"configuration {conf.name!r}: no notebook {name!r} in {cfg.notebook_dir}"
            )
        out.append(nb)
    return out


def _make_job(
    nb: Path,
    decl: dict[str, Parameter],
    raw: dict[str, Any],
    cli: dict[str, tuple[Any, bool]],
    conf_name: str,
) -> Job:
    overrides: dict[str, Any] = {}
    values = {k: (v, False) for k, v in raw.items() if k in decl}
    values.update({k: v for k, v in cli.items() if k in decl})
    for name, (value, is_text) in values.items():
        p = decl[name]
        typed = coerce(p, parse_text(value, p) if is_text else value, nb.stem)
        if p.literal and same(typed, p.default):
            continue
        overrides[name] = typed
    effective = {name: p.default for name, p in decl.items() if p.literal}
    effective.update(overrides)
    return Job(nb, dict(sorted(overrides.items())), effective, set_key(overrides), [conf_name])
