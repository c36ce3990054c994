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
from scipy import stats

from nanbei.convergence._common import check_alpha, label_text
from nanbei.panel import check_panel
from nanbei.results import Result, Summary, tidy_frame, unit_label

__all__ = ["MarkovResult", "markov"]


@dataclass(repr=False, eq=False)
class MarkovResult(Result):
    """Discrete Markov chain of distribution dynamics (see :func:`markov`).

    Attributes
    ----------
    transitions : (k x k) DataFrame of counts, rows = class in t, columns = class in t+1.
    p : row-stochastic transition probability matrix (DataFrame; the name follows giddy's
        ``Markov.p`` - it is not a p-value).
    steady_state : ergodic distribution over the classes (Series).
    mobility : Shorrocks index (k - trace P) / (k - 1); 0 = nobody moves.
    class_bounds : DataFrame indexed by period with the upper bound of each class in
        units of the value (for ``classes="pooled"`` the pooled relative bounds
        times the period mean).
    classes : Series of class labels 0..k-1 indexed by (unit, time).
    k, method, n_units, n_periods : settings and panel size.
    relative_bounds : for "pooled", the upper bounds on the value / period-mean scale.
    alpha : significance level of the intervals in ``tidy()``.
    notes : warnings (empty classes, non-unique steady state).

    Standard errors (``tidy()``) treat the observed transitions out of each class as
    independent multinomial draws given the class (Anderson and Goodman 1957), the
    maximum-likelihood theory of a homogeneous Markov chain.  Transitions of
    neighbouring units or consecutive years are not independent in regional data,
    so read the intervals as lower bounds on the uncertainty.
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
    alpha: float = 0.05

    _name = "Markov chain"

    @property
    def n_obs(self) -> int:
        """Number of observed transitions, n_units x (n_periods - 1)."""
        return int(self.transitions.to_numpy().sum())

    def to_frame(self) -> pd.DataFrame:
        """Transition probabilities with the row counts and the steady state appended."""
        out = self.p.copy()
        out["n_from"] = self.transitions.sum(axis=1).astype(int)
        out["steady_state"] = self.steady_state
        return out

    # --- standard errors --------------------------------------------------------------
    def _row_counts(self) -> np.ndarray:
        return self.transitions.to_numpy().sum(axis=1).astype(float)

    def p_std_error(self) -> pd.DataFrame:
        """Standard errors sqrt(p_ij (1 - p_ij) / n_i) of the transition probabilities
        (NaN for classes never left from, whose rows are imposed)."""
        P = self.p.to_numpy()
        n = self._row_counts()
        with np.errstate(divide="ignore", invalid="ignore"):
            se = np.sqrt(P * (1 - P) / n[:, None])
        se[n == 0] = np.nan
        return pd.DataFrame(se, index=self.p.index, columns=self.p.columns)

    def steady_state_std_error(self) -> pd.Series:
        """Delta-method standard errors of the steady state.

        A perturbation E of P (rows summing to 0) moves the stationary distribution
        by d pi = pi E Z with Z = (I - P + 1 pi)^-1, the fundamental matrix
        (Kemeny and Snell 1960; Schweitzer 1968).  With independent multinomial rows,
        Cov(p_il, p_im) = (p_il [l = m] - p_il p_im) / n_i, this gives

            Var(pi_j) = sum_i pi_i^2 / n_i [sum_l p_il Z_lj^2 - (sum_l p_il Z_lj)^2].

        NaN when the steady state is not unique (a reducible chain).
        """
        P = self.p.to_numpy()
        pi = self.steady_state.to_numpy()
        n = self._row_counts()
        k = self.k
        if any("not unique" in note for note in self.notes):
            return pd.Series(np.nan, index=self.steady_state.index, name="std_error")
        try:
            Z = np.linalg.inv(np.eye(k) - P + np.outer(np.ones(k), pi))
        except np.linalg.LinAlgError:
            return pd.Series(np.nan, index=self.steady_state.index, name="std_error")
        pz2 = P @ Z**2  # (i, j): sum_l p_il Z_lj^2
        pz = P @ Z  # (i, j): sum_l p_il Z_lj
        w = np.divide(pi**2, n, out=np.zeros(k), where=n > 0)
        var = w @ (pz2 - pz**2)
        return pd.Series(
            np.sqrt(np.clip(var, 0, None)), index=self.steady_state.index, name="std_error"
        )

    def mobility_std_error(self) -> float:
        """Delta-method standard error of the Shorrocks index,
        sqrt(sum_i p_ii (1 - p_ii) / n_i) / (k - 1) (rows never left from are fixed)."""
        d = np.diag(self.p.to_numpy())
        n = self._row_counts()
        var = np.sum(np.divide(d * (1 - d), n, out=np.zeros(self.k), where=n > 0))
        return float(np.sqrt(var) / (self.k - 1))

    # --- common result surface --------------------------------------------------------
    def tidy(self) -> pd.DataFrame:
        """Rows ``mobility``, ``steady_state[j]`` and ``p[i->j]`` (every transition
        probability), with standard errors and ``1 - alpha`` intervals: Wilson score
        intervals for the transition probabilities (``n_obs`` = transitions out of
        class i), normal intervals clipped to the admissible range for the steady
        state and the mobility index (``n_obs`` = all transitions).  Extra columns
        ``from_class`` and ``to_class``; ``count`` = observed moves i -> j."""
        z = float(stats.norm.ppf(1 - self.alpha / 2))
        total = self.n_obs
        rows = []
        m_se = self.mobility_std_error()
        rows.append(
            {
                "term": "mobility",
                "estimate": self.mobility,
                "std_error": m_se,
                "conf_low": max(0.0, self.mobility - z * m_se),
                "conf_high": min(self.k / (self.k - 1), self.mobility + z * m_se),
                "n_obs": total,
            }
        )
        ss_se = self.steady_state_std_error()
        for j, v in self.steady_state.items():
            se = float(ss_se.loc[j])
            rows.append(
                {
                    "term": f"steady_state[{j}]",
                    "estimate": float(v),
                    "std_error": se,
                    "conf_low": max(0.0, v - z * se),
                    "conf_high": min(1.0, v + z * se),
                    "n_obs": total,
                    "to_class": j,
                }
            )
        P = self.p.to_numpy()
        C = self.transitions.to_numpy()
        n = self._row_counts()
        se = self.p_std_error().to_numpy()
        for i in range(self.k):
            for j in range(self.k):
                lo, hi = _wilson(P[i, j], n[i], z)
                rows.append(
                    {
                        "term": f"p[{i}->{j}]",
                        "estimate": P[i, j],
                        "std_error": se[i, j],
                        "conf_low": lo,
                        "conf_high": hi,
                        "n_obs": int(n[i]),
                        "from_class": i,
                        "to_class": j,
                        "count": int(C[i, j]),
                    }
                )
        return tidy_frame(rows)

    def summary(self) -> Summary:
        title = (
            f"Markov chain, k={self.k} classes ({self.method}), {self.n_units} units x "
            f"{self.n_periods} periods, {self.n_obs} transitions"
        )
        tidy = self.tidy().set_index("term")
        stats_rows = tidy.loc[
            ["mobility", *[f"steady_state[{j}]" for j in range(self.k)]],
            ["estimate", "std_error", "conf_low", "conf_high", "n_obs"],
        ]
        notes = [
            f"{1 - self.alpha:.0%} intervals; standard errors treat transitions as "
            "independent given the class (Anderson-Goodman), which understates the "
            "uncertainty when neighbouring units or years move together",
            "mobility: Shorrocks (k - trace P) / (k - 1); 0 = nobody changes class",
            *self.notes,
        ]
        return Summary(
            title,
            [
                (
                    "Transition probabilities (rows: class in t, columns: class in t+1)",
                    self.to_frame(),
                ),
                ("Standard errors of the transition probabilities", self.p_std_error()),
                ("Mobility and steady state", stats_rows),
            ],
            notes,
        )

    def _plot(self, ax, labels, lang, annotate: bool = True):
        """Heat map of the transition probabilities (rows: class in t)."""
        P = self.p.to_numpy()
        im = ax.imshow(P, vmin=0, vmax=1, cmap="Blues")
        if annotate:
            for i in range(self.k):
                for j in range(self.k):
                    ax.text(
                        j,
                        i,
                        f"{P[i, j]:.2f}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if P[i, j] > 0.6 else "black",
                    )
        ticks = list(range(self.k))
        ax.set_xticks(ticks)
        ax.set_yticks(ticks)
        ax.set_xticklabels([unit_label(j, labels, lang) if labels else str(j) for j in ticks])
        ax.set_yticklabels([unit_label(j, labels, lang) if labels else str(j) for j in ticks])
        ax.set_xlabel(label_text(lang, "class in t+1", "t+1期类别"))
        ax.set_ylabel(label_text(lang, "class in t", "t期类别"))
        ax.set_title(
            label_text(
                lang,
                f"Transition probabilities ({self.method} classes, mobility {self.mobility:.3f})",
                f"转移概率矩阵 (流动性 {self.mobility:.3f})",
            )
        )
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)


def _wilson(p: float, n: float, z: float) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion p out of n (NaN when n = 0)."""
    if n <= 0:
        return float("nan"), float("nan")
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


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
    alpha: float = 0.05,
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
    alpha : significance level of the intervals in ``tidy()`` (``1 - alpha`` coverage).

    Returns
    -------
    MarkovResult with ``transitions``, ``p``, ``steady_state``, ``mobility``,
    ``class_bounds`` and ``classes``.  A class that is never left from (no
    units in it before the last period) gets P[j, j] = 1 and a note.

    Raises
    ------
    ValueError for unknown columns or ``classes``, duplicate rows, missing values,
    unbalanced panels, fewer than k units or 2 periods, so many ties that k
    distinct quantile bounds cannot be formed, or ``alpha`` outside (0, 1).
    """
    what = "markov"
    alpha = check_alpha(alpha, what)
    if classes not in ("per_period", "pooled"):
        raise ValueError(f"{what}: classes must be 'per_period' or 'pooled', got {classes!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ValueError(f"{what}: k must be an integer >= 2, got {k!r}")
    data = check_panel(
        df,
        unit=unit,
        time=time,
        columns=[value],
        positive=[value] if classes == "pooled" else [],
        balanced=True,
        min_units=int(k),
        min_periods=2,
        what=what,
    )
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
            raise ValueError(
                f"{what}: too many tied values in period(s) "
                f"{periods[tied][:5].tolist()} to form {k} distinct quantile "
                "classes; use a smaller k"
            )
        for t in range(T):
            C[:, t] = _assign(Y[:, t], bounds[t])
        rel = None
    else:
        mean = Y.mean(axis=0)
        R = Y / mean
        rel = _quantile_bounds(R.ravel(), k)
        if np.any(np.diff(rel) <= 0):
            raise ValueError(
                f"{what}: too many tied relative values to form {k} distinct "
                "pooled quantile classes; use a smaller k"
            )
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
        notes.append(
            f"class(es) {empty.tolist()} never occur before the last period; "
            "their rows are set to stay put (P[j, j] = 1)"
        )
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
        class_bounds=pd.DataFrame(
            bounds, index=pd.Index(periods, name=time), columns=[f"upper_{j}" for j in range(k)]
        ),
        classes=pd.Series(
            C.ravel(),
            index=pd.MultiIndex.from_product([wide.index, periods], names=[unit, time]),
            name="class",
        ),
        k=int(k),
        method=classes,
        n_units=n,
        n_periods=T,
        relative_bounds=rel,
        notes=notes,
        alpha=alpha,
    )
