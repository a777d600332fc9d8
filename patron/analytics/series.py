"""The Gauss hypergeometric function 2F1(a, b; a + 1; z) in log space, for Pareto/NBD.

By Euler's transformation 2F1(a, b; a+1; z) = (1-z)^(1-b) 2F1(1, a+1-b; a+1; z), and the
second series has positive terms each at most z times the one before (for 0 < b < a + 1,
which holds for both uses in Pareto/NBD: b = s + 1 or b = r + x with a = r + s + x), so it
sums without cancellation and without overflow however large a and b grow (customers with
hundreds of purchases), where the direct series or scipy's hyp2f1 lose precision.
"""

import numpy as np

TOLERANCE = 1e-15
MOST_TERMS = 100_000


def log_hyp2f1_a_a1(a, b, z) -> np.ndarray:
    """log 2F1(a, b; a + 1; z) for a > 0, 0 < b < a + 1 and 0 <= z < 1, elementwise."""
    shape = np.broadcast_shapes(np.shape(a), np.shape(b), np.shape(z))
    a, b, z = (
        np.ravel(v) for v in np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (a, b, z)))
    )
    total = np.ones(a.shape)
    term = np.ones(a.shape)
    active = np.flatnonzero(z > 0)
    shift = a + 1 - b
    k = 0
    while active.size and k < MOST_TERMS:
        term[active] *= (shift[active] + k) / (a[active] + 1 + k) * z[active]
        total[active] += term[active]
        k += 1
        if k % 8 == 0:
            active = active[term[active] > TOLERANCE * total[active]]
    return ((1 - b) * np.log1p(-z) + np.log(total)).reshape(shape)
