"""Distribution dynamics: a discrete Markov chain over income classes (Quah 1993).

Each unit's value is mapped to one of k classes in every period; counting the
moves between consecutive periods gives the transition matrix, whose ergodic
(steady-state) distribution shows where the cross-section is heading and whose
trace measures mobility (Shorrocks 1978).

Written with numpy instead of wrapping ``giddy.markov.Markov`` because the
classification step (quantiles per period or of values relative to the period
mean) and the long-DataFrame input are the part users get wrong, and a
vectorised count is orders of magnitude faster on city panels.  The tests check
the counts, probabilities and steady state against ``giddy`` with ``mapclassify``
quantile classes, and against the example printed in giddy's documentation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nanbei.panel import check_panel

__all__ = ["MarkovResult", "markov"]


@dataclass(repr=False)
class MarkovResult:
    """Discrete Markov chain of distribution dynamics (see :func:`markov`).

    Attributes
    ----------
    transitions : (k x k) DataFrame of counts, rows = class in t, columns = class in t+1.
    p : row-stochastic transition probability matrix (DataFrame).
    steady_state : ergodic distribution over the classes (Series).
    mobility : Shorrocks index (k - trace P) / (k - 1); 0 = nobody moves.
    class_bounds : DataFrame indexed by period with the upper bound of each class in
        units of the value (for ``classes="pooled"`` the pooled relative bounds
        times the period mean).
    classes : Series of class labels 0..k-1 indexed by (unit, time).
    k, method, n_units, n_periods : settings and panel size.
    relative_bounds : for "pooled", the upper bounds on the value / period-mean scale.
    notes : warnings (empty classes, non-unique steady state).
    """

    transitions: pd.DataFrame
    p: pd.DataFrame
    steady_state: pd.Series
    mobility: float
    class_bounds: pd.DataFrame
    classes: pd.Series
    k: int
    method: str
    n_units: int
    n_periods: int
    relative_bounds: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """Transition probabilities with the row counts and the steady state appended."""
        out = self.p.copy()
        out["n_from"] = self.transitions.sum(axis=1).astype(int)
        out["steady_state"] = self.steady_state
        return out

    def summary(self) -> str:
        """Readable multi-line summary."""
        with pd.option_context("display.float_format", "{:.3f}".format,
                               "display.width", 120):
            lines = [
                f"Markov chain, k={self.k} classes ({self.method}), {self.n_units} units x "
                f"{self.n_periods} periods, {int(self.transitions.to_numpy().sum())} transitions",
                "Transition probabilities (rows: class in t, columns: class in t+1):",
                self.p.to_string(),
                "Steady state: " + ", ".join(f"{v:.3f}" for v in self.steady_state),
                f"Shorrocks mobility: {self.mobility:.4f}",
            ]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        ss = ", ".join(f"{v:.3f}" for v in self.steady_state)
        return (f"MarkovResult(k={self.k}, method={self.method!r}, n_units={self.n_units}, "
                f"n_periods={self.n_periods}, mobility={self.mobility:.4f}, "
                f"steady_state=[{ss}])")


def _quantile_bounds(y: np.ndarray, k: int) -> np.ndarray:
    """Upper class bounds at the j/k quantiles (linear interpolation), j = 1..k.

    For a 2-d array the quantiles of each column, shape (k, n_columns).
    """
    return np.percentile(y, 100.0 * np.arange(1, k + 1) / k, axis=0)


def _assign(y: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Class j if bounds[j-1] < y <= bounds[j] (class 0 if y <= bounds[0])."""
    return np.minimum(np.searchsorted(bounds, y, side="left"), len(bounds) - 1)


def _steady_state(P: np.ndarray) -> tuple[np.ndarray, str | None]:
    """Stationary distribution pi = pi P; unique iff eigenvalue 1 is simple."""
    k = P.shape[0]
    eig = np.linalg.eigvals(P)
    n_unit = int(np.sum(np.abs(eig - 1) < 1e-10))
    if n_unit <= 1:
        A = np.vstack([P.T - np.eye(k), np.ones((1, k))])
        b = np.r_[np.zeros(k), 1.0]
        pi = np.linalg.lstsq(A, b, rcond=None)[0]
        pi = np.clip(pi, 0, None)
        return pi / pi.sum(), None
    # Reducible chain: several closed classes; report the Cesaro limit from the
    # uniform starting distribution, which depends on that start.
    pi = np.full(k, 1.0 / k)
    acc = np.zeros(k)
    for _ in range(5000):
        pi = pi @ P
        acc += pi
    return acc / acc.sum(), (
        f"the chain has {n_unit} closed classes, so the steady state is not unique; "
        "shown is the long-run distribution starting from equal class shares"
    )


def markov(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    value: str,
    k: int = 5,
    classes: str = "per_period",
) -> MarkovResult:
    """Discrete Markov chain of the cross-sectional distribution of ``value``.

    Parameters
    ----------
    df : long DataFrame; a balanced panel (every unit in every period).
    unit, time, value : column names.
    k : number of classes (>= 2).
    classes : how values are cut into classes:

        * ``"per_period"`` - k quantile classes of each period's cross-section
          (as ``mapclassify.Quantiles`` per year fed to ``giddy.markov.Markov``):
          class moves are moves in rank, so the marginal distribution is uniform
          by construction and only mobility is informative;
        * ``"pooled"`` - values are divided by their period's cross-section mean
          and cut at the k-quantiles of all pooled relative values, so classes
          can fill or empty over time and the steady state shows convergence
          (mass moving to the middle) or polarisation (mass at the tails).
          Requires positive values.

        Class j holds values in (bound_(j-1), bound_j], bounds at the j/k
        quantiles by linear interpolation (mapclassify's convention).

    Returns
    -------
    MarkovResult with ``transitions``, ``p``, ``steady_state``, ``mobility``,
    ``class_bounds`` and ``classes``.  A class that is never left from (no
    units in it before the last period) gets P[j, j] = 1 and a note.

    Raises
    ------
    ValueError for unknown columns or ``classes``, duplicate rows, missing values,
    unbalanced panels, fewer than k units or 2 periods, or so many ties that k
    distinct quantile bounds cannot be formed.
    """
    what = "markov"
    if classes not in ("per_period", "pooled"):
        raise ValueError(f"{what}: classes must be 'per_period' or 'pooled', got {classes!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ValueError(f"{what}: k must be an integer >= 2, got {k!r}")
    data = check_panel(df, unit=unit, time=time, columns=[value],
                       positive=[value] if classes == "pooled" else [],
                       balanced=True, min_units=int(k), min_periods=2, what=what)
    wide = data.pivot(index=unit, columns=time, values=value)
    Y = wide.to_numpy(dtype=float)
    n, T = Y.shape
    periods = wide.columns
    notes: list[str] = []
    C = np.empty((n, T), dtype=np.int64)
    if classes == "per_period":
        bounds = _quantile_bounds(Y, k).T  # (T, k), quantiles of each column
        tied = np.flatnonzero(np.any(np.diff(bounds, axis=1) <= 0, axis=1))
        if len(tied):
            raise ValueError(f"{what}: too many tied values in period(s) "
                             f"{periods[tied][:5].tolist()} to form {k} distinct quantile "
                             "classes; use a smaller k")
        for t in range(T):
            C[:, t] = _assign(Y[:, t], bounds[t])
        rel = None
    else:
        mean = Y.mean(axis=0)
        R = Y / mean
        rel = _quantile_bounds(R.ravel(), k)
        if np.any(np.diff(rel) <= 0):
            raise ValueError(f"{what}: too many tied relative values to form {k} distinct "
                             "pooled quantile classes; use a smaller k")
        C = _assign(R.ravel(), rel).reshape(n, T)
        bounds = np.outer(mean, rel)
    counts = np.bincount((C[:, :-1] * k + C[:, 1:]).ravel(), minlength=k * k).reshape(k, k)
    rows = counts.sum(axis=1)
    P = np.zeros((k, k))
    nz = rows > 0
    P[nz] = counts[nz] / rows[nz, None]
    empty = np.flatnonzero(~nz)
    if len(empty):
        P[empty, empty] = 1.0
        notes.append(f"class(es) {empty.tolist()} never occur before the last period; "
                     "their rows are set to stay put (P[j, j] = 1)")
    pi, note = _steady_state(P)
    if note:
        notes.append(note)
    labels = pd.Index(range(k), name="class")
    to_labels = pd.Index(range(k), name="class_next")
    return MarkovResult(
        transitions=pd.DataFrame(counts, index=labels, columns=to_labels),
        p=pd.DataFrame(P, index=labels, columns=to_labels),
        steady_state=pd.Series(pi, index=labels, name="steady_state"),
        mobility=float((k - np.trace(P)) / (k - 1)),
        class_bounds=pd.DataFrame(bounds, index=pd.Index(periods, name=time),
                                  columns=[f"upper_{j}" for j in range(k)]),
        classes=pd.Series(C.ravel(), index=pd.MultiIndex.from_product(
            [wide.index, periods], names=[unit, time]), name="class"),
        k=int(k),
        method=classes,
        n_units=n,
        n_periods=T,
        relative_bounds=rel,
        notes=notes,
    )
