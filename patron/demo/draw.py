"""Weighted random choices drawn from a numpy Generator, so a seed fixes every draw."""

import bisect

import numpy as np


class Choice:
    """Items with fixed weights; `pick` draws many at once."""

    def __init__(self, weights):
        pairs = list(weights.items()) if isinstance(weights, dict) else list(weights)
        self.items = [item for item, _weight in pairs]
        cumulative = np.cumsum([float(weight) for _item, weight in pairs])
        self._cdf = cumulative / cumulative[-1]
        self._cdf[-1] = 1.0
        self._cdf_list = self._cdf.tolist()  # bisect on a list beats numpy for one draw at a time

    def __len__(self):
        return len(self.items)

    def indices(self, rng, size):
        return np.searchsorted(self._cdf, rng.random(size), side="right")

    def pick(self, rng, size):
        return [self.items[index] for index in self.indices(rng, size)]

    def one(self, rng):
        return self.at(rng.random())

    def at(self, uniform):
        """The item a uniform number in [0, 1) falls on, for callers that drew it already."""
        return self.items[bisect.bisect_right(self._cdf_list, uniform)]
