"""A notebook's declared parameters, and values checked against them before any kernel starts.

The declarations are read from the cell tagged ``parameters`` with Python's own parser (not
papermill's line regex, which gives up on a comment containing quotes): every top-level
``name = <literal>`` is a parameter, its default is the literal, its type the literal's type, and
its help the comment on the same line (or the comment block just above it).

Values arrive typed (from ``-f params.yaml`` or ``runs.toml``) or as text (``-p NAME=VALUE``).
Text is parsed the way papermill's ``-y`` and YAML do (``true``/``false``, numbers, ``[a, b]``,
``{2000: 3.5}``), with two conveniences: a string parameter takes the text as written
(``-p scope=2001`` is the string "2001"), and a list parameter also takes ``a,b`` or a single
``a``.  Every value is then checked against the type of the declared default: ``fast=false`` is
``False``, ``start_year=abc`` is refused with a message naming the notebook and parameter.
"""

from __future__ import annotations

import ast
import io
import json
import math
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class ParameterError(ValueError):
    """A parameter that a notebook does not declare, or a value of the wrong type."""


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a notebook."""

    name: str
    default: Any
    source: str  # the default as written in the notebook
    type: str  # bool, int, float, str, list, tuple, dict, none, any
    help: str = ""

    @property
    def literal(self) -> bool:
        return self.type != "any"

    def describe(self) -> str:
        return f"{self.name}: {self.type} = {self.source}" + (
            f"  # {self.help}" if self.help else ""
        )


def type_name(value: Any) -> str:
    if value is None:
        return "none"
    for t in (bool, int, float, str, list, tuple, dict):  # bool before int
        if isinstance(value, t):
            return t.__name__
    return "any"


def _comments(source: str) -> dict[int, str]:
    """Line number -> text of the comment on that line."""
    out: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return out


def parameters_cell(nb: dict) -> tuple[int, str] | None:
    """Index and source of the (first) cell tagged ``parameters``, or None."""
    for index, cell in enumerate(nb.get("cells", [])):
        if "parameters" in (cell.get("metadata", {}).get("tags") or []):
            source = cell.get("source", "")
            return index, "".join(source) if isinstance(source, list) else source
    return None


def parse_declarations(source: str, where: str = "parameters cell") -> dict[str, Parameter]:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{where}: cannot parse the parameters cell: {exc}") from None
    comments = _comments(source)
    lines = source.splitlines()
    params: dict[str, Parameter] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            name, value = node.target.id, node.value
        else:
            continue
        text = ast.get_source_segment(source, value) or ""
        try:
            default = ast.literal_eval(value)
            kind = type_name(default)
        except (ValueError, SyntaxError, TypeError):
            default, kind = None, "any"
        # ast.parse always sets end_lineno; the fallback only satisfies its Optional type.
        help_ = comments.get(node.end_lineno or node.lineno, "")
        if not help_:  # a comment block directly above (not the cell's own heading comment)
            above: list[str] = []
            line = node.lineno - 1
            while line >= 1 and line in comments and lines[line - 1].lstrip().startswith("#"):
                above.insert(0, comments[line])
                line -= 1
            if above and line >= 1:
                help_ = " ".join(above)
        params[name] = Parameter(name, default, text, kind, help_)
    return params


def declared_parameters(path: str | Path) -> dict[str, Parameter]:
    """The parameters a notebook declares in its cell tagged ``parameters`` (empty if none)."""
    path = Path(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParameterError(f"{path}: cannot read the notebook: {exc}") from None
    cell = parameters_cell(nb)
    return {} if cell is None else parse_declarations(cell[1], path.name)


# --- values ------------------------------------------------------------------------------------


def _yaml(text: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _unquote(text: str) -> str:
    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "\"'":
        value = _yaml(t)
        return value if isinstance(value, str) else t[1:-1]
    return text


def parse_text(text: str, param: Parameter | None = None) -> Any:
    """A ``-p NAME=VALUE`` text as a typed value, guided by the declared parameter."""
    kind = param.type if param else "any"
    if kind == "str":
        return _unquote(text)
    if kind in ("list", "tuple"):
        stripped = text.strip()
        if stripped.startswith("[") or stripped.startswith("("):
            value = _yaml(stripped.replace("(", "[").replace(")", "]"))
        elif stripped == "":
            value = []
        else:
            value = [_yaml(part.strip()) for part in stripped.split(",")]
        return value
    return _yaml(text)


def _elem_type(values) -> str | None:
    kinds = {type_name(v) for v in values}
    return kinds.pop() if len(kinds) == 1 else None


def _coerce(value: Any, kind: str | None, example: Any, what: str, default: str = "") -> Any:
    def bad(expected: str):
        kind_of = type_name(value) if type_name(value) != "any" else type(value).__name__
        return ParameterError(
            f"{what} expects {expected}, got {value!r} ({kind_of})"
            + (f"; its default is {default}" if default else "")
        )

    if kind in (None, "any", "none"):
        return value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise bad("true or false")
    if kind == "int":
        if isinstance(value, bool):
            raise bad("an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise bad("an integer")
    if kind == "float":
        if isinstance(value, bool):
            raise bad("a number")
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        raise bad("a number")
    if kind == "str":
        if isinstance(value, str):
            return value
        raise bad("a string")
    if kind in ("list", "tuple"):
        if isinstance(value, (str, int, float, bool)):
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise bad("a list")
        elem = _elem_type(example) if example else None
        sample = next(iter(example), None) if example else None
        items = [_coerce(v, elem, sample, f"{what}[{i}]", default) for i, v in enumerate(value)]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        if not isinstance(value, dict):
            raise bad("a mapping such as {2000: 3.5}")
        keys = _elem_type(example.keys()) if example else None
        vals = _elem_type(example.values()) if example else None
        k0 = next(iter(example.keys()), None) if example else None
        v0 = next(iter(example.values()), None) if example else None
        return {
            _coerce(k, keys, k0, f"{what} key", default): _coerce(
                v, vals, v0, f"{what}[{k!r}]", default
            )
            for k, v in value.items()
        }
    return value


def coerce(param: Parameter, value: Any, notebook: str = "") -> Any:
    """``value`` checked against (and converted to) the type of ``param``'s default."""
    what = f"{notebook + ': ' if notebook else ''}parameter {param.name}"
    if value is None and param.type not in ("none", "any"):
        raise ParameterError(f"{what} cannot be None; its default is {param.source}")
    return _coerce(value, param.type, param.default, what, param.source)


def same(a: Any, b: Any) -> bool:
    """Equal as parameter values (so an override equal to the default is no override)."""
    if type_name(a) != type_name(b):
        return False
    if isinstance(a, float) and math.isnan(a) and isinstance(b, float) and math.isnan(b):
        return True
    return a == b


def python_literal(value: Any) -> str:
    """Source text that evaluates to ``value`` (used for the injected parameters cell)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(python_literal(v) for v in value)
        return f"({inner}{',' if len(value) == 1 else ''})"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{python_literal(k)}: {python_literal(v)}" for k, v in value.items())
            + "}"
        )
    return repr(value)


def load_param_file(path: str | Path) -> dict[str, Any]:
    """Parameters from a YAML, JSON or TOML file: a mapping of name to value."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"-f {path}: {exc.strerror or exc}") from None
    data: object  # YAML gives anything (None for an empty file), so it is checked below
    if path.suffix.lower() == ".toml":
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ParameterError(f"-f {path}: {exc}") from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ParameterError(f"-f {path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ParameterError(f"-f {path}: expected a mapping of parameter names to values")
    return data
