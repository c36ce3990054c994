"""The batch runner behind ``nanbei run``: notebooks at scale, safely and visibly.

Python API (the command line is a thin layer over it)::

    from nanbei import runner
    runner.list_notebooks()                          # names, parameters, defaults, types
    result = runner.run(["01_convergence"], params={"basis": "official"}, jobs=2)
    result.exit_code, result.reports(), result.gallery
    runner.run(["robustness"], scheduler="tcp://host:8786")   # a sweep on a Dask cluster

Modules: :mod:`.params` (declared parameters, value checking), :mod:`.config` (``runs.toml``,
the plan, parameter-set keys), :mod:`.execute` (one notebook run), :mod:`.local` (worker
processes), :mod:`.cluster` (Dask), :mod:`.render` (HTML reports), :mod:`.gallery`
(``index.html``), :mod:`.progress` (the terminal), :mod:`.cli` (the ``nanbei`` command).
"""

from __future__ import annotations

from nanbei.runner.config import ConfigError, Job, load_config, plan, set_key
from nanbei.runner.core import RunResult, default_jobs, run
from nanbei.runner.execute import KERNEL_NAME, Interrupted, JobSpec, execute_job
from nanbei.runner.gallery import build_gallery
from nanbei.runner.params import Parameter, ParameterError, declared_parameters


def list_notebooks(config=None) -> dict[str, dict[str, Parameter]]:
    """Every notebook of the project (or of ``config``) with its declared parameters."""
    cfg = load_config(config) if not hasattr(config, "notebooks") else config
    return {nb.stem: declared_parameters(nb) for nb in cfg.notebooks()}


__all__ = [
    "run",
    "plan",
    "list_notebooks",
    "declared_parameters",
    "build_gallery",
    "execute_job",
    "load_config",
    "set_key",
    "default_jobs",
    "RunResult",
    "Job",
    "JobSpec",
    "Parameter",
    "ParameterError",
    "ConfigError",
    "Interrupted",
    "KERNEL_NAME",
]
