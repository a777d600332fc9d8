"""The Gauss hypergeometric function 2F1(a, b; a + 1; z) in log space, for Pareto/NBD.

By Euler's transformation 2F1(a, b; a+1; z) = (1-z)^(1-b) 2F1(1, a+1-b; a+1; z), and the
second series has positive terms each at most z times the one before (for 0 < b < a + 1,
which holds for both uses in Pareto/NBD: b = s + 1 or b = r + x with a = r + s + x), so it
sums without cancellation and without overflow however large a and b grow (customers with
hundreds of purchases), where the direct series or scipy's hyp2f1 lose precision.

Its k-th term is c_k z^k, where c_k = prod_{j<k} (a+1-b+j) / (a+1+j) depends on (a, b) alone
and falls with k. Pareto/NBD needs the function for each distinct purchase count (a, b) and
each distinct time (z): a few dozen of each where there are tens of thousands of histories.
So `log_hyp2f1_a_a1_grid` sums the series for every (a, b) with every z at once, as the
matrix product of the coefficients (one row per (a, b), one column per term) and the powers
(one row per term, one column per z), with as many terms as the largest z needs for what is
left of each sum to be below TOLERANCE (relative, since the sums are at least 1): one matrix
product, not a Python loop over the terms, unless z is so near 1 that they come in blocks.
`log_hyp2f1_a_a1` sums elementwise, in blocks of terms, for arguments without that structure.
"""

import numpy as np

TOLERANCE = 1e-15
MOST_TERMS = 100_000
LONGEST_BLOCK = 1024  # terms of the grid's sums computed at once: bounds their memory
BLOCK_ELEMENTS = 2**18  # terms of the elementwise sums computed at once: bounds their memory


def log_hyp2f1_a_a1(a, b, z, *, derivatives=False):
    """log 2F1(a, b; a + 1; z) elementwise (broadcasting) for a > 0, 0 < b < a + 1 and
    0 <= z < 1; with `derivatives`, a tuple of it and its derivatives in a, b and z.

    With t_k = c_k z^k, d log t_k / da = sum_{j<k} b / ((a+1-b+j)(a+1+j)),
    d log t_k / db = -sum_{j<k} 1 / (a+1-b+j) and d t_k / dz = k c_k z^(k-1): sums of
    terms of one sign again, summed alongside the series itself.
    """
    a, b, z = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (a, b, z)))
    sums = _elementwise_sums(a.ravel(), b.ravel(), z.ravel(), derivatives=derivatives)
    return _logs(a, b, z, sums.reshape(-1, *a.shape), derivatives)


def log_hyp2f1_a_a1_grid(a, b, z, *, derivatives=False):
    """`log_hyp2f1_a_a1` for each (a_i, b_i) with each z_j: a and b a column (or a vector),
    z a row; the grid by matrix products."""
    a, b = (v.reshape(-1, 1) for v in np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (a, b))))
    z = np.asarray(z, dtype=np.float64).ravel()
    return _logs(a, b, z, _grid_sums(a.ravel(), b.ravel(), z, derivatives=derivatives), derivatives)


def _logs(a, b, z, sums, derivatives):
    """The log 2F1 (and its derivatives) from the sums of Euler's series."""
    log_1mz = np.log1p(-z)
    value = (1 - b) * log_1mz + np.log(sums[0])
    if not derivatives:
        return value
    total, by_a, by_b, by_z = sums
    return value, by_a / total, by_b / total - log_1mz, by_z / total + (b - 1) / (1 - z)


def _grid_sums(a, b, z, *, derivatives):
    """The sums over k of c_k z^k (and, with `derivatives`, of c_k z^k d log t_k/da,
    c_k z^k d log t_k/db and k c_k z^(k-1)), one row per (a, b) and one column per z.

    Since c_k <= 1 falls with k, what is left after term k is at most c_k z^k / (1 - z), and
    the sums are at least 1 (the term k = 0): a row or column is done when that bound is below
    TOLERANCE for every column or row still being summed.
    """
    sums = np.zeros((4 if derivatives else 1, a.size, z.size))
    coefficients = _Coefficients(a, b, derivatives)
    rows, columns = np.arange(a.size), np.arange(z.size)
    start = 0
    while rows.size and columns.size and start < MOST_TERMS:
        size = _block_length(z[columns].max(), coefficients.c[rows].max(), start)
        k = np.arange(start, start + size, dtype=np.float64)
        block = np.stack(coefficients.block(rows, k)).reshape(-1, size) @ z[columns] ** k[:, None]
        sums[:, rows[:, None], columns] += block.reshape(len(sums), rows.size, columns.size)
        start += size
        left = z[columns] ** start / (1 - z[columns])
        rows = rows[coefficients.c[rows] * left.max() > TOLERANCE]
        if rows.size:
            columns = columns[left * coefficients.c[rows].max() > TOLERANCE]
    return sums


def _elementwise_sums(a, b, z, *, derivatives):
    """As `_grid_sums`, but the sums of c_k(a_i, b_i) z_i^k, one per i: blocks of terms of
    at most BLOCK_ELEMENTS numbers, each sum left out of the next block once it is done."""
    sums = np.zeros((4 if derivatives else 1, a.size))
    coefficients = _Coefficients(a, b, derivatives)
    power = np.ones(a.size)  # z^k at the block's first term
    rows = np.arange(a.size)
    start = 0
    while rows.size and start < MOST_TERMS:
        size = max(1, min(_block_length(z[rows].max(), 1.0, start), BLOCK_ELEMENTS // rows.size))
        k = np.arange(start, start + size, dtype=np.float64)
        powers, after = _running(power[rows], np.broadcast_to(z[rows, None], (rows.size, size)), np.multiply)
        sums[:, rows] += (np.stack(coefficients.block(rows, k)) * powers).sum(axis=2)
        power[rows] = after[:, -1]
        start += size
        rows = rows[coefficients.c[rows] * power[rows] / (1 - z[rows]) > TOLERANCE]
    return sums


class _Coefficients:
    """The coefficients of the series (c_k, and with `derivatives` those of its sums for the
    derivatives) for each (a, b), block after block of terms."""

    def __init__(self, a, b, derivatives):
        self.b, self.low, self.high, self.derivatives = b, a + 1 - b, a + 1, derivatives
        # Per (a, b), c_k and the sums of d log t_k / da and / db at the next block's first term.
        self.c, self.by_a, self.by_b = np.ones(a.size), np.zeros(a.size), np.zeros(a.size)

    def block(self, rows, k):
        """The coefficients for terms k (consecutive, from the last block's end) of `rows`."""
        low, high = self.low[rows, None] + k, self.high[rows, None] + k
        c, c_after = _running(self.c[rows], low / high, np.multiply)
        self.c[rows] = c_after[:, -1]
        if not self.derivatives:
            return [c]
        by_a, a_after = _running(self.by_a[rows], self.b[rows, None] / (low * high), np.add)
        by_b, b_after = _running(self.by_b[rows], -1 / low, np.add)
        self.by_a[rows], self.by_b[rows] = a_after[:, -1], b_after[:, -1]
        return [c, c * by_a, c * by_b, (k + 1) * c_after]  # k c_k z^(k-1), indexed from k - 1


def _running(first, steps, ufunc):
    """Values at each term of a block and after each term, from the first value and the
    steps (factors or increments) from each term to the next."""
    after = ufunc(first[:, None], ufunc.accumulate(steps, axis=1))
    return np.column_stack([first, after[:, :-1]]), after


def _block_length(z, c, start):
    """The terms from `start` on until the bound on what is left, c z^k / (1 - z), is below
    TOLERANCE (at least 1, at most LONGEST_BLOCK)."""
    if z == 0:
        return 1
    end = np.log(TOLERANCE * (1 - z) / c) / np.log(z)
    return int(np.clip(np.ceil(end) - start, 1, LONGEST_BLOCK))
