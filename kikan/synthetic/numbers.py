"""住民票コード and 個人番号 for a million people: random bases, check digits computed in bulk.

The check digits are those of :mod:`kikan.core.identity` (which is the reference and validates
every number in the tests); computing them one Python call at a time costs ~20 µs per number,
so this module applies the same published formulas to numpy arrays:

- 住民票コード (住民基本台帳法施行規則第1条, 平成14年総務省告示第436号): 10 random digits + 検査数字;
- 個人番号 (番号法施行令第8条, 平成26年総務省令第85号第5条): 11 digits + 検査用数字;
- 宛名番号・世帯番号 (標準仕様書 1.1.13, M11W2-7): a sequence + check digit;

all: r = Σ Pn × Qn mod 11 over the base digits from the right, weights Qn = 2..7 repeating;
check digit = 0 if r ≤ 1 else 11 − r.
"""

from __future__ import annotations

import numpy as np


def check_digits(bases: np.ndarray, digits: int) -> np.ndarray:
    """Modulus 11 check digits (weights 2–7 cycling from the right) of ``digits``-digit bases."""
    total = np.zeros(bases.shape, dtype=np.int64)
    rest = bases.astype(np.int64)
    for i in range(digits):
        total += (rest % 10) * (2 + i % 6)
        rest //= 10
    r = total % 11
    return np.where(r <= 1, 0, 11 - r)


class Sequence:
    """宛名番号 / 世帯番号 (標準仕様書 1.1.13: 単純連番 + M11W2-7 check digit, 15 digits), in blocks.

    Same numbers as :func:`kikan.core.identity.make_addressee_number` (tested).
    """

    def __init__(self, last: int, width: int = 15, block: int = 4096):
        self.last, self.width, self.block = last, width, block
        self._pool: list[str] = []

    def next(self) -> str:
        if not self._pool:
            seqs = np.arange(self.last + 1, self.last + 1 + self.block, dtype=np.int64)
            full = seqs * 10 + check_digits(seqs, self.width - 1)
            self._pool = [f"{x:0{self.width}d}" for x in reversed(full.tolist())]
        self.last += 1
        return self._pool.pop()


class NumberSource:
    """Unique numbers with check digits, drawn in blocks from their own random stream."""

    def __init__(self, seed: list[int], block: int = 8192):
        self.rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
        self.block = block
        self.seen: set[str] = set()
        self._codes: list[str] = []
        self._numbers: list[str] = []

    def _draw(self, digits: int) -> list[str]:
        bases = self.rng.integers(0, 10**digits, size=self.block, dtype=np.int64)
        full = bases * 10 + check_digits(bases, digits)
        width = digits + 1
        return [f"{x:0{width}d}" for x in full.tolist()]

    def _next(self, pool: list[str], digits: int) -> str:
        while True:
            if not pool:
                pool.extend(reversed(self._draw(digits)))
            n = pool.pop()
            if n not in self.seen:
                self.seen.add(n)
                return n

    def resident_record_code(self) -> str:
        """住民票コード (11 digits)."""
        return self._next(self._codes, 10)

    def individual_number(self) -> str:
        """個人番号 (12 digits)."""
        return self._next(self._numbers, 11)
