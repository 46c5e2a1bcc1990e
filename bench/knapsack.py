"""Time the knapsack of ``casekit.cases.knapsack`` beside peers solving the same problems in the same run.

    python bench/knapsack.py [--repeat 3] [--items 10000]

1. One group of 10k items (lengths 10-40 s, random values) at three budgets: 300 s (a recap),
   3,600 s and 15% of the footage (~37,500 s, TVSum's summary length):

   - ``best_selection`` (exact dynamic programming on seconds)
                                    vs scipy.optimize.milp (HiGHS branch and bound, exact)
                                    vs OR-Tools' knapsack solvers (dynamic programming, up to
                                       ``ORTOOLS_DP_MAX_BUDGET``, and branch and bound, exact on
                                       integer values: the values are scaled by 10^6 and rounded),
                                       when OR-Tools is installed
                                    vs a greedy by value per second (not exact: a lower bound)
   with each solution's value, so that the exact ones can be seen to agree.
2. The same group with the neighbour penalty (the strong baseline's redundancy penalty): only
   casekit's program solves it exactly here (a MILP needs a variable per pair).
3. A season side by side: 120 days of ~300 items at 300-420 s, all groups in one call of
   ``best_selections`` vs one call per day.

Figures are the median of ``--repeat`` runs: wall seconds, and CPU seconds of this process.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from casekit.cases.knapsack import best_selection, best_selections

# OR-Tools' dynamic programming solver slows down sharply with the budget (1 s of CPU at 3,600 s;
# over five minutes at 37,500 s in trials): the bench leaves it out above this budget.
ORTOOLS_DP_MAX_BUDGET = 10_000


def timed(function, repeat: int):
    """The median wall and CPU times of ``repeat`` calls, and the last result (CPU time, because a
    shared machine's wall time says as much about its other users as about the code)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
    return f"{statistics.median(walls):8.3f} s ({statistics.median(cpus):7.3f} s CPU)", result


def scipy_milp(values: np.ndarray, lengths: np.ndarray, budget: int) -> np.ndarray:
    result = milp(-values, constraints=LinearConstraint(lengths[None, :], 0, budget), integrality=np.ones(values.size),
                  bounds=Bounds(0, 1))
    return result.x > 0.5


def ortools_solver(kind: str):
    try:
        from ortools.algorithms.python import knapsack_solver
    except ImportError:
        return None
    solver_type = {"dp": knapsack_solver.SolverType.KNAPSACK_DYNAMIC_PROGRAMMING_SOLVER,
                   "bb": knapsack_solver.SolverType.KNAPSACK_MULTIDIMENSION_BRANCH_AND_BOUND_SOLVER}[kind]

    def solve(values: np.ndarray, lengths: np.ndarray, budget: int) -> np.ndarray:
        solver = knapsack_solver.KnapsackSolver(solver_type, "bench")
        solver.init(np.round(values * 1e6).astype(np.int64).tolist(), [lengths.tolist()], [budget])
        solver.solve()
        return np.array([solver.best_solution_contains(i) for i in range(values.size)])

    return solve


def greedy(values: np.ndarray, lengths: np.ndarray, budget: int) -> np.ndarray:
    taken = np.zeros(values.size, dtype=bool)
    left = budget
    for i in np.argsort(-values / lengths, kind="stable"):
        if values[i] > 0 and lengths[i] <= left:
            taken[i] = True
            left -= lengths[i]
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    lengths = rng.integers(10, 41, args.items)
    values = np.round(rng.gamma(1.5, 1.0, args.items) * lengths / 25, 6)
    budgets = [300, 3_600, int(0.15 * lengths.sum())]
    solvers = {"casekit dynamic programming": best_selection, "scipy milp (HiGHS)": scipy_milp}
    for name, kind in (("OR-Tools dynamic programming", "dp"), ("OR-Tools branch and bound", "bb")):
        solver = ortools_solver(kind)
        if solver is None:
            print(f"({name}: OR-Tools is not installed; pip install ortools to compare)")
        else:
            solvers[name] = solver
    solvers["greedy by value per second (not exact)"] = greedy

    print(f"1. one group of {args.items:,} items, lengths 10-40 s (median of {args.repeat})")
    for budget in budgets:
        print(f"   budget {budget:,} s")
        for name, solve in solvers.items():
            if name == "OR-Tools dynamic programming" and budget > ORTOOLS_DP_MAX_BUDGET:
                print(f"     {name:<42} skipped: over 5 minutes at this budget in trials")
                continue
            seconds, taken = timed(lambda solve=solve, budget=budget: solve(values, lengths, budget), args.repeat)
            print(f"     {name:<42} {seconds}   value {values[taken].sum():12.4f}   "
                  f"{lengths[taken].sum():,} s used")

    penalty = rng.uniform(0.0, 1.0, args.items)
    print("2. the same group with a penalty for taking two neighbours (exact)")
    for budget in budgets:
        seconds, taken = timed(lambda budget=budget: best_selection(values, lengths, budget, penalty), args.repeat)
        together = (penalty[1:] * (taken[1:] & taken[:-1])).sum()
        print(f"   budget {budget:>6,} s   casekit {seconds}   value {values[taken].sum() - together:12.4f}")

    sizes = rng.integers(200, 400, 120)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    season_lengths = rng.integers(10, 41, offsets[-1])
    season_values = rng.gamma(1.5, 1.0, offsets[-1])
    season_budgets = rng.choice([300, 420], 120)
    print(f"3. a season: 120 days, {offsets[-1]:,} items")
    together_time, together = timed(lambda: best_selections(season_values, season_lengths, offsets, season_budgets),
                                    args.repeat)
    alone_time, alone = timed(lambda: np.concatenate([
        best_selection(season_values[offsets[g]:offsets[g + 1]], season_lengths[offsets[g]:offsets[g + 1]],
                       int(season_budgets[g])) for g in range(120)]), args.repeat)
    assert together.tolist() == alone.tolist()
    print(f"   all days in one call {together_time}   one call per day {alone_time}   (same cuts)")


if __name__ == "__main__":
    main()
