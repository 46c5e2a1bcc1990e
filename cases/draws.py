"""Cheap seeded random choices for the synthetic generators, one Python float at a time.

Generators fill text templates slot by slot, hundreds of thousands of picks per dataset;
calling numpy's generator for each pick costs microseconds, so draws come from a buffer of
uniforms refilled from the seeded generator. The same generator state gives the same draws,
so a seed still fixes every byte of the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")


class Draws:
    """Uniform draws from the seeded generator, buffered so that per-slot picks stay cheap."""

    def __init__(self, rng: np.random.Generator, block: int = 1 << 16) -> None:
        self._rng = rng
        self._block = block
        self._values: list[float] = []
        self._next = 0

    def uniform(self) -> float:
        if self._next == len(self._values):
            self._values = self._rng.random(self._block).tolist()
            self._next = 0
        self._next += 1
        return self._values[self._next - 1]

    def chance(self, p: float) -> bool:
        return self.uniform() < p

    def integer(self, low: int, high: int) -> int:
        """An integer in ``[low, high]``, both ends included."""
        return low + int(self.uniform() * (high - low + 1))

    def pick(self, options: Sequence[T]) -> T:
        return options[int(self.uniform() * len(options))]

    def sample(self, options: Sequence[T], k: int) -> list[T]:
        """``k`` distinct options (fewer if there are fewer), in random order."""
        pool = list(options)
        return [pool.pop(int(self.uniform() * len(pool))) for _ in range(min(k, len(pool)))]

    def weighted(self, options: dict[str, float]) -> str:
        """An option drawn with probability proportional to its weight."""
        target = self.uniform() * sum(options.values())
        for option, weight in options.items():
            target -= weight
            if target < 0:
                return option
        return next(reversed(options))  # only reached through rounding at the very top
