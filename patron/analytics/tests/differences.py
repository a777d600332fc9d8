"""Central differences, to check analytic derivatives against."""

import numpy as np


def differences(f, p, step=1e-6):
    """Central differences of f at p, one row per parameter."""
    rows = []
    for i in range(len(p)):
        e = np.zeros(len(p))
        e[i] = step * p[i]
        rows.append((np.asarray(f(p + e)) - np.asarray(f(p - e))) / (2 * e[i]))
    return np.array(rows)
