"""The ``nanbei`` command: ``nanbei run``, ``nanbei list``, ``nanbei gallery``, ``nanbei results``."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from nanbei.runner.config import ConfigError, RunnerConfig, load_config, plan
from nanbei.runner.params import ParameterError, declared_parameters


def _notebook_lines(
    cfg: RunnerConfig, selected: list[Path] | None = None, width: int = 100
) -> list[str]:
    from nanbei.runner.render import notebook_title

    lines = []
    for nb in selected or cfg.notebooks():
        try:
            import json

            title = notebook_title(json.loads(nb.read_text(encoding="utf-8")), nb.stem)
            params = declared_parameters(nb)
        except (OSError, ValueError) as exc:
            lines.append(f"  {nb.stem}: cannot read ({exc})")
            continue
        lines.append(f"  {nb.stem}  {title}")
        if not params:
            lines.append("      (no parameters)")
        for p in params.values():
            head = f"      {p.name:<16} {p.type:<6} {p.source}"
            if p.help:
                head = f"{head:<60} {p.help}"
            lines.append(head[: width + 60])
    return lines


def _config_lines(cfg: RunnerConfig) -> list[str]:
    lines = []
    for name, conf in cfg.configs.items():
        try:
            jobs = plan([name], config=cfg)
            counts: dict[str, int] = {}
            for job in jobs:
                counts[job.stem] = counts.get(job.stem, 0) + 1
            size = f"{len(jobs)} run(s)" + (
                ": " + ", ".join(f"{n} x {s}" for s, n in counts.items())
                if len(jobs) != len(counts)
                else ""
            )
        except (ConfigError, ParameterError) as exc:
            size = f"invalid: {exc}"
        lines.append(f"  {name:<14} {conf.description}  [{size}]")
    return lines


def _epilog(cfg: RunnerConfig) -> str:
    where = cfg.path or "built-in settings"
    return "\n".join(
        [
            f"notebooks (in {cfg.notebook_dir}) and their parameters (name, type, default):",
            *_notebook_lines(cfg),
            "",
            f"configurations (from {where}):",
            *_config_lines(cfg),
            "",
            "examples:",
            "  nanbei run                                  # the default configuration: every notebook",
            "  nanbei run 01_convergence -p basis=official -p fast=true",
            "  nanbei run 02_cobuilt_parks -p donor_provinces=Shandong,Anhui",
            "  nanbei run robustness --jobs 2              # a sweep; each parameter set its own folder",
            "  nanbei run robustness --scheduler tcp://scheduler:8786",
        ]
    )


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--config",
        type=Path,
        default=None,
        help="run configurations file (default: runs.toml of the project)",
    )


def build_parser(cfg: RunnerConfig | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nanbei", description="Run Nanbei's notebooks, render reports, build the gallery."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    epilog = _epilog(cfg) if cfg is not None else None
    run = sub.add_parser(
        "run",
        help="run notebooks or configurations and render their reports",
        description=textwrap.fill(
            "Run notebooks (by name or path) or named configurations (from runs.toml) with "
            "papermill on the project kernel, in parallel; render a reader's and a code HTML "
            "report of each, a results table and the gallery (index.html). With no argument: "
            "the 'default' configuration (every notebook).",
            90,
        ),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "targets",
        nargs="*",
        metavar="NOTEBOOK_OR_CONFIG",
        help="notebook name (00_data) or path, configuration name, or .toml file",
    )
    run.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="output folder (default: build/reports); the gallery is OUTPUT/index.html",
    )
    run.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        help="notebooks run at once on this machine (default: one per core)",
    )
    run.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run every notebook as a task on this Dask scheduler (tcp://host:8786); "
        "the output folder must be shared with the workers",
    )
    run.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop a notebook that runs longer than this",
    )
    run.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="parameter for every selected notebook that declares it; values as in "
        "YAML: true/false, numbers, [a, b] (a list also as a,b)",
    )
    run.add_argument(
        "-f",
        "--params-file",
        action="append",
        default=[],
        metavar="FILE",
        help="parameters from a YAML (or JSON, TOML) file; -p wins",
    )
    run.add_argument("--no-progress", action="store_true", help="no live display")
    run.add_argument("-q", "--quiet", action="store_true", help="print only failures")
    _add_common(run)

    lst = sub.add_parser("list", help="list notebooks, their parameters, and configurations")
    lst.add_argument(
        "targets", nargs="*", metavar="NOTEBOOK_OR_CONFIG", help="show the runs these would make"
    )
    _add_common(lst)

    gal = sub.add_parser(
        "gallery", help="rebuild the gallery and results table of an output folder"
    )
    gal.add_argument("-o", "--output", type=Path, default=None)
    _add_common(gal)

    res = sub.add_parser("results", help="print the recorded numbers (a sweep side by side)")
    res.add_argument("-o", "--output", type=Path, default=None)
    res.add_argument("--notebook", default=None)
    res.add_argument("--name", action="append", default=None, help="only these numbers")
    res.add_argument("--csv", action="store_true", help="CSV instead of a table")
    _add_common(res)
    return parser


def _params(items: list[str], parser: argparse.ArgumentParser) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            parser.error(f"-p expects NAME=VALUE, got {item!r}")
        out[name.strip()] = value
    return out


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    config_path = None
    for i, arg in enumerate(argv):  # read early: --help lists the configuration's contents
        if arg == "--config" and i + 1 < len(argv):
            config_path = argv[i + 1]
        elif arg.startswith("--config="):
            config_path = arg.split("=", 1)[1]
    try:
        cfg = load_config(config_path)
    except ConfigError as exc:
        print(f"nanbei: error: {exc}", file=sys.stderr)
        return 2
    wants_help = any(a in ("-h", "--help") for a in argv)
    parser = build_parser(cfg if wants_help else None)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "run":
            return _run(args, cfg, parser)
        if args.command == "list":
            return _list(args, cfg)
        if args.command == "gallery":
            return _gallery(args, cfg)
        if args.command == "results":
            return _results(args, cfg)
    except (ConfigError, ParameterError) as exc:
        print(f"nanbei {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 2


def _run(args, cfg: RunnerConfig, parser) -> int:
    from nanbei.runner.core import run

    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.timeout is not None and args.timeout <= 0:
        parser.error("--timeout must be positive")
    result = run(
        args.targets,
        output=args.output,
        jobs=args.jobs,
        scheduler=args.scheduler,
        timeout=args.timeout,
        params=_params(args.param, parser),
        param_files=args.params_file,
        config=cfg,
        live=False if args.no_progress else None,
        quiet=args.quiet,
    )
    return result.exit_code


def _list(args, cfg: RunnerConfig) -> int:
    if args.targets:
        jobs = plan(args.targets, config=cfg)
        for job in jobs:
            shown = ", ".join(f"{k}={v!r}" for k, v in job.overrides.items()) or "defaults"
            print(f"{job.stem:<20} {job.key:<48} {shown}")
        print(f"{len(jobs)} run(s)")
        return 0
    print(f"notebooks (in {cfg.notebook_dir}) and their parameters (name, type, default):")
    print("\n".join(_notebook_lines(cfg)))
    print(f"\nconfigurations (from {cfg.path or 'built-in settings'}):")
    print("\n".join(_config_lines(cfg)))
    return 0


def _gallery(args, cfg: RunnerConfig) -> int:
    from nanbei import store
    from nanbei.runner import files
    from nanbei.runner.gallery import build_gallery

    output = (args.output or cfg.output).resolve()
    files.atomic_write(output / store.RESULTS_TABLE, store.gather(output).to_csv(index=False))
    print(build_gallery(output))
    return 0


def _results(args, cfg: RunnerConfig) -> int:
    from nanbei import store

    output = (args.output or cfg.output).resolve()
    table = store.compare(output, notebook=args.notebook, names=args.name)
    if table.empty:
        print(f"no recorded numbers in {output}", file=sys.stderr)
        return 1
    print(table.to_csv() if args.csv else table.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
