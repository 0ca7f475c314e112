"""Errors raised by the rules engine.

Two families:

* :class:`ParameterError` -- the parameter data (YAML files or tenant overlays) is wrong.  Raised
  eagerly, at load / construction time, and lists *every* problem found, each with its location.
* :class:`ParameterLookupError` and subclasses -- a well-formed parameter set was asked for
  something it cannot answer (unknown key, no value in force, ambiguous period).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is and what is wrong.

    ``file`` is the YAML file name (or ``overlay[tenant=…, key=…, revision=…]`` for overlays),
    ``key`` the parameter key (``None`` for file-level problems) and ``index`` the position of the
    entry in the parameter's ``values`` list (``None`` when the problem is not about one entry).
    """

    file: str
    key: str | None
    index: int | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.key is not None:
            where += f": {self.key}"
        if self.index is not None:
            where += f" values[{self.index}]"
        return f"{where}: {self.message}"


class ParameterError(ValueError):
    """Invalid parameter data.  ``problems`` holds all problems found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} parameter problem(s):\n{lines}")


class ParameterLookupError(LookupError):
    """Base class for lookups that cannot be answered."""


class UnknownParameter(ParameterLookupError):
    """The key is not declared in the parameter set."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"unknown parameter {key!r}")


class ParameterNotInForce(ParameterLookupError):
    """The parameter exists but has no value in force for the requested period."""

    def __init__(self, key: str, period: str) -> None:
        self.key = key
        self.period = period
        super().__init__(f"parameter {key!r} has no value in force for {period}")


class AmbiguousPeriod(ParameterLookupError):
    """A date-keyed parameter was asked by fiscal year but its value changes within that year."""

    def __init__(self, key: str, period: str) -> None:
        self.key = key
        self.period = period
        super().__init__(
            f"parameter {key!r} changes value within {period}; look it up by date (on=...) instead"
        )
