"""Keyword-only options of the data functions, and the path for calls written before them.

The data functions take their subject by position (the panel; an outcome, a value or the two
regions of a ratio) and every option by keyword.  Two kinds of call written before that rule
keep working for now, each with a :class:`FutureWarning` that spells out the fix:

* options passed by position, in the order of the old signature: their meaning is unambiguous,
  so they are mapped to their names (``legacy``);
* an option left out whose default changed (``changed``): the call gets the **old** default,
  never the new one, so that no number changes without the caller being told.

Anything beyond that (more positional arguments than the old signature had, an option given
twice) raises :class:`TypeError`.  Once no caller relies on the transition, deleting the
``legacy``/``changed`` arguments of a decorator makes those calls a :class:`TypeError`.
"""

from __future__ import annotations

import functools
import inspect
import reprlib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


@dataclass(frozen=True)
class ChangedDefault:
    """An option whose default changed: ``old`` is what an omitted value used to mean, ``new``
    what it will mean (None: the option becomes required), ``allowed`` its values and ``why``
    the reason, in a phrase."""

    old: str
    new: str | None
    allowed: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Transition:
    """What a decorated function still accepts from old calls (``fn.transition``)."""

    legacy: tuple[str, ...]
    changed: Mapping[str, ChangedDefault]
    required: Mapping[str, tuple[str, ...]]


def _short(value: object) -> str:
    return reprlib.repr(value)


def changed_default_message(function: str, name: str, change: ChangedDefault) -> str:
    """The warning for a call to ``function`` that leaves out ``name`` (see ChangedDefault)."""
    future = (
        f"leaving it out will raise TypeError: {name} will be required"
        if change.new is None
        else f"leaving it out will mean {name}={change.new!r}"
    )
    return (
        f"{function}: {name} not given. It used to default to {change.old!r}, and that default "
        f"is going ({change.why}). This call still uses {name}={change.old!r}; write "
        f"{name}={change.old!r} to keep this result, or choose from {list(change.allowed)}. "
        f"Later, {future}."
    )


def required_message(function: str, name: str, allowed: tuple[str, ...]) -> str:
    """The error for a call to ``function`` that leaves out a required option ``name``."""
    return f"{function}: {name} is required; pass {name}= one of {list(allowed)}"


def check_choice(function: str, name: str, value: object, allowed: tuple[str, ...]) -> None:
    """Raise ValueError naming ``function``, the parameter and its allowed values."""
    if value not in allowed:
        raise ValueError(f"{function}: {name} must be one of {list(allowed)}, got {value!r}")


def keyword_options(
    *,
    legacy: tuple[str, ...] = (),
    changed: Mapping[str, ChangedDefault] | None = None,
    required: Mapping[str, tuple[str, ...]] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function whose options are keyword-only (see the module docstring).

    legacy : the names of the options that the old signature took by position, in its order.
    changed : option name -> :class:`ChangedDefault`, for options left out of a call whose
        default changed; the decorated function declares them without a default.
    required : option name -> allowed values, for options without a sound default: leaving
        one out raises TypeError naming it and its values (Python's own message names no values).
    """
    changed = dict(changed or {})
    required = dict(required or {})

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        params = inspect.signature(fn).parameters
        positional = [p.name for p in params.values() if p.kind in _POSITIONAL]
        for name in (*legacy, *changed, *required):
            if name not in params or params[name].kind is not inspect.Parameter.KEYWORD_ONLY:
                raise TypeError(f"{fn.__name__}: {name!r} is not a keyword-only parameter")

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if len(args) > len(positional):
                extra = args[len(positional) :]
                if len(extra) > len(legacy):
                    raise TypeError(
                        f"{fn.__name__}() takes {len(positional)} positional argument(s) "
                        f"({', '.join(positional) or 'none'}) but {len(args)} were given; "
                        "its options are keyword-only"
                    )
                names = legacy[: len(extra)]
                for name in names:
                    if name in kwargs:
                        raise TypeError(f"{fn.__name__}() got multiple values for {name!r}")
                fix = ", ".join(f"{n}={_short(v)}" for n, v in zip(names, extra, strict=True))
                warnings.warn(
                    f"{fn.__name__}: options passed by position; write {fix} (by keyword). "
                    "Positional options will raise TypeError.",
                    FutureWarning,
                    stacklevel=2,
                )
                kwargs.update(zip(names, extra, strict=True))
                args = args[: len(positional)]  # type: ignore[assignment]
            for name, change in changed.items():
                if name not in kwargs:
                    warnings.warn(
                        changed_default_message(fn.__name__, name, change),
                        FutureWarning,
                        stacklevel=2,
                    )
                    kwargs[name] = change.old
            for name, allowed in required.items():
                if name not in kwargs:
                    raise TypeError(required_message(fn.__name__, name, allowed))
            return fn(*args, **kwargs)

        # The transition, inspectable: the tests and a caller audit read what is still allowed.
        vars(wrapper)["transition"] = Transition(legacy, changed, required)
        return wrapper

    return decorate
