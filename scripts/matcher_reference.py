"""Reference solvers for the cohort matcher benchmark (see BENCHMARKS.md).

    python matcher_reference.py DIR scipy|ortools

reads DIR/mentors.csv (mentor,capacity) and DIR/pairs.csv (mentee,mentor,score), solves the
same problem as `trellis match --mode optimal` (most mentees matched, then the greatest total
score) and prints `matched N`, `total X` and `solve_seconds S` (the solver call only, as
`trellis match` reports its own).

- scipy: `linear_sum_assignment` on the seat-expanded mentees x seats matrix (dense families
  only: every pair must be allowed);
- ortools: `SimpleMinCostFlow.solve_max_flow_with_min_cost` with one node per mentor carrying
  its capacity; costs are integers, so scores are scaled by 1e9 and rounded (the total is then
  recomputed from the float scores of the chosen pairs).
"""

import sys
import time

import numpy as np
import pandas as pd


def load(d):
    mentors = pd.read_csv(f"{d}/mentors.csv")
    pairs = pd.read_csv(f"{d}/pairs.csv")
    mentees = pd.read_csv(f"{d}/mentees.csv")
    cap = mentors["capacity"].to_numpy(np.int64)
    e = pairs["mentee"].to_numpy(np.int64)
    m = pairs["mentor"].to_numpy(np.int64)
    s = pairs["score"].to_numpy(np.float64)
    return len(mentees), cap, e, m, s


def scipy_solve(n, cap, e, m, s):
    from scipy.optimize import linear_sum_assignment

    k = len(cap)
    if len(s) != n * k:
        raise SystemExit("scipy: dense families only")
    scores = np.empty((n, k))
    scores[e, m] = s
    seat_mentor = np.repeat(np.arange(k), cap)
    matrix = scores[:, seat_mentor]
    t = time.perf_counter()
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    dt = time.perf_counter() - t
    return len(rows), float(matrix[rows, cols].sum()), dt


def ortools_solve(n, cap, e, m, s):
    from ortools.graph.python import min_cost_flow

    k = len(cap)
    source, sink = n + k, n + k + 1
    starts = np.concatenate([np.full(n, source), e, n + np.arange(k)])
    ends = np.concatenate([np.arange(n), n + m, np.full(k, sink)])
    caps = np.concatenate([np.ones(n, np.int64), np.ones(len(e), np.int64), cap])
    costs = np.concatenate(
        [np.zeros(n, np.int64), -np.rint(s * 1e9).astype(np.int64), np.zeros(k, np.int64)]
    )
    f = min_cost_flow.SimpleMinCostFlow()
    arcs = f.add_arcs_with_capacity_and_unit_cost(starts, ends, caps, costs)
    supplies = np.zeros(n + k + 2, np.int64)
    supplies[source], supplies[sink] = n, -n
    f.set_nodes_supplies(np.arange(n + k + 2), supplies)
    t = time.perf_counter()
    status = f.solve_max_flow_with_min_cost()
    dt = time.perf_counter() - t
    if status != f.OPTIMAL:
        raise SystemExit(f"ortools: status {status}")
    flows = f.flows(arcs[n : n + len(e)])
    chosen = flows > 0
    return int(chosen.sum()), float(s[chosen].sum()), dt


def main():
    d, which = sys.argv[1], sys.argv[2]
    data = load(d)
    solve = {"scipy": scipy_solve, "ortools": ortools_solve}[which]
    matched, total, dt = solve(*data)
    print(f"matched {matched}")
    print(f"total {total!r}")
    print(f"solve_seconds {dt:.3f}")


if __name__ == "__main__":
    main()
