"""A deterministic stream of random numbers, drawn from numpy in blocks.

The generator consumes numbers strictly in order, so the same seed always yields the same
population. Drawing a block of a million uniforms at once keeps the per-number cost at a list
index (numpy's scalar calls cost ~0.5 µs each, which matters over millions of people).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")
BLOCK = 1 << 20


class Dice:
    def __init__(self, seed: int | Sequence[int]):
        self.rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
        #: ``u()`` → uniform in [0, 1): a C-level iterator over blocks drawn on demand.
        self.u: Callable[[], float] = itertools.chain.from_iterable(self._blocks()).__next__

    def _blocks(self) -> Iterator[list[float]]:
        while True:
            yield self.rng.random(BLOCK).tolist()

    def chance(self, p: float) -> bool:
        return self.u() < p

    def int(self, lo: int, hi: int) -> int:
        """Integer in [lo, hi] (both included)."""
        return lo + int(self.u() * (hi - lo + 1))

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.u() * len(items))]

    def normal(self, mean: float, sd: float) -> float:
        # Irwin–Hall with 4 uniforms: close enough to normal for ages and gaps, and cheap.
        return mean + sd * (self.u() + self.u() + self.u() + self.u() - 2.0) * 1.7320508
